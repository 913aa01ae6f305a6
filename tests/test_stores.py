"""``kg load`` against real stores: loading the same export twice leaves exactly one
copy (Oxigraph and Virtuoso), credentials come from the environment, and a store
that is down, refuses the data or answers 401 gives a one-line error and exit 2.
Retry behaviour is pinned with a scripted stdlib server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import StoreError
from kg.load import LoadOptions, load_files
from tests.conftest import EXPORT, load_export
from tests.rdfcompare import assert_same_triples, canonical_triples, file_triples
from tests.servers import VIRTUOSO_DBA, delete_graph, free_port, get_graph, sparql, start_oxigraph

ROOT = Path(__file__).parents[1]
TURTLE = ROOT / "examples" / "export" / "examples.ttl"
TRIG = ROOT / "examples" / "export" / "examples.trig"
OUR_GRAPHS = "https://example.org/kg/"
NO_CREDENTIALS = {"KG_STORE_TOKEN": None, "KG_STORE_USER": None, "KG_STORE_PASSWORD": None}
runner = CliRunner()


def kg_load(*args: str, env: dict[str, str | None] | None = None):
    return runner.invoke(app, ["load", *args], env={**NO_CREDENTIALS, **(env or {})})


def assert_one_line_error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def export_graphs() -> dict[str, set[str]]:
    quads = defaultdict(list)
    for quad in ox.parse(path=str(EXPORT), format=ox.RdfFormat.N_QUADS):
        quads[quad.graph_name.value].append(quad)
    return {graph: canonical_triples(q) for graph, q in quads.items()}


def store_graphs(server) -> dict[str, set[str]]:
    """Every graph of the store under the export's base, as read back over the protocol."""
    names = sparql(server, f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                           f'FILTER (STRSTARTS(STR(?g), "{OUR_GRAPHS}")) }}')
    return {s["g"].value: canonical_triples(get_graph(server, s["g"].value)) for s in names}


@pytest.mark.parametrize("store", ["oxigraph", "virtuoso"])
def test_loading_twice_leaves_exactly_one_export(store, request):
    server = request.getfixturevalue(f"loaded_{store}")  # loaded once already, from .nq
    load_export(server, EXPORT)
    load_export(server, TRIG)  # the same graphs, said in TriG
    expected = export_graphs()
    actual = store_graphs(server)
    assert sorted(actual) == sorted(expected)
    for graph in expected:
        assert_same_triples(actual[graph], expected[graph])
    count = sparql(server, f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                           f'FILTER (STRSTARTS(STR(?g), "{OUR_GRAPHS}")) }}')
    assert int(next(iter(count))["n"].value) == sum(map(len, expected.values()))


def test_a_triples_file_goes_to_the_graph_named_by_option(loaded_oxigraph):
    graph = "https://example.org/test/turtle"
    result = kg_load(loaded_oxigraph.gsp_url, str(TURTLE), "--graph", graph)
    try:
        assert result.exit_code == 0, result.output
        assert f"replaced <{graph}>" in result.stderr
        assert_same_triples(canonical_triples(get_graph(loaded_oxigraph, graph)), file_triples(TURTLE))
    finally:  # the example queries read the union of all graphs
        delete_graph(loaded_oxigraph, graph)


def test_a_triples_file_without_graph_is_a_usage_error(loaded_oxigraph):
    result = kg_load(loaded_oxigraph.gsp_url, str(TURTLE))
    assert result.exit_code == 2 and "--graph" in result.stderr


def test_a_store_that_is_down_gives_one_line_and_exit_2():
    endpoint = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    assert_one_line_error(kg_load(endpoint, str(EXPORT)), f"cannot connect to {endpoint}: connection refused")


def test_401_gives_one_line_and_exit_2(virtuoso_server):
    endpoint = virtuoso_server.auth_gsp_url  # Digest-protected
    assert_one_line_error(kg_load(endpoint, str(EXPORT)), f"{endpoint} answered 401 Unauthorized",
                          "KG_STORE_USER/KG_STORE_PASSWORD or KG_STORE_TOKEN")
    secret = "not-the-password-7c1f"
    result = kg_load(endpoint, str(EXPORT), env={"KG_STORE_USER": "dba", "KG_STORE_PASSWORD": secret})
    assert_one_line_error(result, "401 Unauthorized")
    assert secret not in result.output and secret not in result.stderr


def test_credentials_from_the_environment_answer_a_digest_challenge(virtuoso_server):
    graph = "https://example.org/test/digest"
    user, password = VIRTUOSO_DBA
    result = kg_load(virtuoso_server.auth_gsp_url, str(TURTLE), "--graph", graph,
                     env={"KG_STORE_USER": user, "KG_STORE_PASSWORD": password})
    try:
        assert result.exit_code == 0, result.output
        assert password not in result.stderr
        assert_same_triples(canonical_triples(get_graph(virtuoso_server, graph)), file_triples(TURTLE))
    finally:  # the example queries read the union of all graphs
        delete_graph(virtuoso_server, graph)


def test_a_store_that_refuses_the_data_gives_one_line_and_exit_2(tmp_path):
    server = start_oxigraph(tmp_path, read_only=True)
    try:
        line = assert_one_line_error(kg_load(server.gsp_url, str(EXPORT)),
                                     f"{server.gsp_url} answered 403 Forbidden", "read-only")
    finally:
        server.stop()
    assert "graph <https://example.org/kg/graph/" in line


def test_a_wrong_endpoint_path_gives_one_line_and_exit_2(oxigraph_server):
    endpoint = oxigraph_server.gsp_url.replace("/store", "/no-such-service")
    assert_one_line_error(kg_load(endpoint, str(EXPORT)), f"{endpoint} answered 404 Not Found")


@pytest.mark.parametrize("endpoint", ["localhost:7878/store", "ftp://127.0.0.1/store",
                                      "http://user:secret@127.0.0.1:1/store"])
def test_endpoint_must_be_an_http_url_without_credentials(endpoint):
    line = assert_one_line_error(kg_load(endpoint, str(EXPORT)))
    assert "secret" not in line


# --- retries and headers, pinned with a scripted server ---------------------------

Answer = Callable[[BaseHTTPRequestHandler], None]


def status(code: int, **headers: str) -> Answer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(code)
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return answer


def hang_up(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True  # no status line: the client sees a reset connection


class ScriptedStore:
    """A Graph Store stand-in on 127.0.0.1 that answers the n-th PUT with the n-th
    scripted answer (the last one repeats), HEAD with ``head`` (default: 404, no such
    graph), and records each request's method and headers."""

    def __init__(self, *answers: Answer, head: Answer | None = None):
        self.answers, self.requests = list(answers), []
        store = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                store.requests.append(("PUT", dict(self.headers)))
                puts = sum(method == "PUT" for method, _ in store.requests)
                store.answers[min(puts, len(store.answers)) - 1](self)

            def do_HEAD(self):
                store.requests.append(("HEAD", dict(self.headers)))
                (head or status(404))(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def puts(self) -> list[dict[str, str]]:
        return [headers for method, headers in self.requests if method == "PUT"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted():
    stores = []

    def make(*answers: Answer, head: Answer | None = None) -> ScriptedStore:
        stores.append(ScriptedStore(*answers, head=head))
        return stores[-1]
    yield make
    for store in stores:
        store.close()


ONE_GRAPH = ROOT / "tests" / "shapes" / "conforming.ttl"
FAST = {"backoff_seconds": 0.01, "timeout_seconds": 10}


def load_one(url: str, env: dict[str, str] | None = None):
    return load_files([ONE_GRAPH], LoadOptions(endpoint=url, graph="https://example.org/test/g", **FAST), env or {})


@pytest.mark.parametrize("transient", [status(503), status(502), status(504), hang_up],
                         ids=["503", "502", "504", "reset"])
def test_transient_failures_are_retried(scripted, transient):
    store = scripted(transient, transient, status(204))
    assert load_one(store.url)[0].triples > 0
    assert len(store.puts()) == 3


def test_retries_are_bounded(scripted):
    store = scripted(status(503))
    with pytest.raises(StoreError, match="answered 503 Service Unavailable"):
        load_one(store.url)
    assert len(store.puts()) == 3


@pytest.mark.parametrize("code", [400, 401, 404, 415])
def test_client_errors_are_not_retried(scripted, code):
    store = scripted(status(code))
    with pytest.raises(StoreError, match=f"answered {code} "):
        load_one(store.url)
    assert len(store.puts()) == 1


def test_bearer_token_is_sent_and_never_printed(scripted):
    store = scripted(status(201))
    token = "tok-3f9a-secret"
    result = kg_load(store.url, str(ONE_GRAPH), "--graph", "https://example.org/test/g",
                     env={"KG_STORE_TOKEN": token})
    assert result.exit_code == 0, result.output
    assert all(headers["Authorization"] == f"Bearer {token}" for _, headers in store.requests)
    assert token not in result.output and token not in result.stderr


def requires(authorization: str, then: Answer) -> Answer:
    """Answer ``then`` to a request with this Authorization, else a Basic challenge."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("Authorization") == authorization:
            then(handler)
        else:
            status(401, WWW_Authenticate='Basic realm="kg"')(handler)
    return answer


def test_basic_credentials_answer_the_challenge_before_any_data_is_sent(scripted):
    basic = "Basic YW5uOnB3"  # ann:pw
    store = scripted(requires(basic, status(201)), head=requires(basic, status(404)))
    load_one(store.url, {"KG_STORE_USER": "ann", "KG_STORE_PASSWORD": "pw"})
    # the access check, answered, then kg.ownership's check that the graph is new, then the data
    assert [(method, headers.get("Authorization")) for method, headers in store.requests] == [
        ("HEAD", None), ("HEAD", basic), ("HEAD", basic), ("PUT", basic)]


def test_a_401_without_a_challenge_gets_basic_credentials(scripted):
    basic = "Basic YW5uOnB3"  # ann:pw
    bare_401 = status(401)

    def head(handler):
        (status(404) if handler.headers.get("Authorization") == basic else bare_401)(handler)
    store = scripted(status(201), head=head)
    load_one(store.url, {"KG_STORE_USER": "ann", "KG_STORE_PASSWORD": "pw"})
    assert [headers.get("Authorization") for _, headers in store.requests] == [None, basic, basic, basic]


def test_wrong_basic_credentials_fail_before_any_data_is_sent(scripted):
    store = scripted(status(201), head=requires("Basic YW5uOnB3", status(404)))
    with pytest.raises(StoreError, match="answered 401 Unauthorized: check KG_STORE_USER"):
        load_one(store.url, {"KG_STORE_USER": "ann", "KG_STORE_PASSWORD": "wrong"})
    assert store.puts() == []


def test_half_the_credentials_is_an_error():
    with pytest.raises(StoreError, match="set both KG_STORE_USER and KG_STORE_PASSWORD"):
        load_one("http://127.0.0.1:1/store", {"KG_STORE_USER": "ann"})

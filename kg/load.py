"""Load stage: push an export into a triple store over the SPARQL 1.1 Graph Store HTTP
Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/).

Each named graph of the files goes to the store as one ``PUT ENDPOINT?graph=IRI``
(§5.3 HTTP PUT), which replaces the graph, once kg.ownership has checked that no other
export wrote it (or ``--replace``). Export IRIs are deterministic, so loading
the same export twice leaves the store with exactly one copy. Triples outside any
named graph (Turtle, N-Triples, JSON-LD, or the default graph of N-Quads/TriG) go to
the graph ``--graph`` names. A graph named by several files is sent once, with the
triples of all of them, so one file never replaces another's part.

Credentials come from the environment only and never appear in a message:
``KG_STORE_TOKEN`` (``Authorization: Bearer``), or ``KG_STORE_USER`` with
``KG_STORE_PASSWORD`` (HTTP Basic or Digest, whichever the server asks for).
Transient failures (connection reset or timed out, HTTP 502, 503, 504) are retried
with exponential backoff; nothing else is.

Known limit: each graph's N-Triples body is built in memory before it is sent.
"""

from __future__ import annotations

import base64
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from pathlib import Path

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict

from kg import __version__
from kg.errors import InputError, StoreError
from kg.query import RDF_FORMATS

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({502, 503, 504})
TRANSIENT_ERRORS = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, TimeoutError)
AUTH_HINT = "check KG_STORE_USER/KG_STORE_PASSWORD or KG_STORE_TOKEN"
NTRIPLES = "application/n-triples"


class LoadOptions(BaseModel):
    """Where and how to load: the Graph Store endpoint, the graph for triples outside
    a named graph, and the retry policy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: str
    graph: str | None = None
    replace: bool = False
    """Replace graphs that another export wrote (kg.ownership); without it, kg load refuses."""
    attempts: int = 3
    backoff_seconds: float = 0.5
    timeout_seconds: float = 300.0


class LoadedGraph(BaseModel):
    """One graph the store now holds, and how many triples were sent for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    graph: str
    triples: int
    deleted: bool = False
    """A graph of the dataset that this export no longer has, deleted from the store."""


def load_files(paths: Sequence[Path], options: LoadOptions,
               env: Mapping[str, str]) -> list[LoadedGraph]:
    """Replace, in the store, every graph the files name with the files' triples, once
    sure that no other export wrote them (kg.ownership; or ``options.replace``)."""
    from kg.ownership import check_overwrites, delete_graph, load_order  # it builds on this module's HTTP helpers

    endpoint = check_endpoint(options.endpoint)
    graphs = read_graphs(paths, options.graph)
    opener = build_opener(endpoint, env)
    if graphs:
        check_access(opener, endpoint, min(graphs), options)
    stale = check_overwrites(opener, graphs, options)
    loaded = []
    for graph in load_order(graphs):
        body = ox.serialize(graphs[graph], format=ox.RdfFormat.N_TRIPLES)
        put_graph(opener, endpoint, graph, body, options)
        log.info("replaced <%s> with %d triples", graph, len(graphs[graph]))
        loaded.append(LoadedGraph(graph=graph, triples=len(graphs[graph])))
    for graph in stale:
        delete_graph(opener, graph, options)
        loaded.append(LoadedGraph(graph=graph, triples=0, deleted=True))
    return loaded


def read_graphs(paths: Sequence[Path], default_graph: str | None) -> dict[str, list[ox.Triple]]:
    """The triples of the files, grouped by the graph they go to (duplicates dropped)."""
    graphs: dict[str, dict[ox.Triple, None]] = defaultdict(dict)
    for path in paths:
        for quad in _read_quads(path):
            graph = _target_graph(quad.graph_name, default_graph, path)
            graphs[graph][ox.Triple(quad.subject, quad.predicate, quad.object)] = None
    return {graph: list(triples) for graph, triples in graphs.items()}


def _read_quads(path: Path) -> list[ox.Quad]:
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError.at(str(path), None, "cannot tell the RDF format from the file name",
                            f"use one of {', '.join(RDF_FORMATS)}")
    try:  # fresh blank-node ids, so two files' _:b0 stay two nodes
        return list(ox.parse(path=str(path), format=fmt, rename_blank_nodes=True))
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError.at(str(path), None, f"cannot parse: {' '.join(str(exc).split())}") from None


def _target_graph(name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph, default_graph: str | None,
                  path: Path) -> str:
    if isinstance(name, ox.NamedNode):
        return name.value
    if isinstance(name, ox.DefaultGraph) and default_graph:
        return default_graph
    raise InputError.at(str(path), None, "has triples outside a named graph",
                        "name the graph to load them into with --graph IRI")


def check_endpoint(endpoint: str) -> str:
    """The endpoint, if it is an http(s) URL without credentials in it."""
    parts = urllib.parse.urlsplit(endpoint)
    if "@" in parts.netloc:  # checked first: a message must not echo a password
        raise StoreError("put no credentials in the endpoint URL; set KG_STORE_USER and "
                         "KG_STORE_PASSWORD, or KG_STORE_TOKEN")
    try:
        usable = parts.scheme in ("http", "https") and parts.hostname and (parts.port or True)
    except ValueError:  # a port that is not a number
        usable = False
    if not usable:
        raise StoreError(f"the endpoint must be an http:// or https:// URL, not {endpoint!r}")
    return endpoint


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store URL of one graph: indirect identification, ``?graph=IRI`` (§4.2)."""
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urllib.parse.urlencode({'graph': graph})}"


def build_opener(endpoint: str, env: Mapping[str, str]) -> urllib.request.OpenerDirector:
    """An HTTP client with the credentials of the environment: a bearer token sent
    with every request (it wins if both are set), or a user and password for the
    server's Basic or Digest challenge."""
    token, user, password = (env.get(k) for k in ("KG_STORE_TOKEN", "KG_STORE_USER", "KG_STORE_PASSWORD"))
    if bool(user) != bool(password) and not token:
        raise StoreError("set both KG_STORE_USER and KG_STORE_PASSWORD, or neither")
    handlers = [ChallengeAuthHandler(endpoint, user, password)] if user and not token else []
    opener = urllib.request.build_opener(*handlers)
    opener.addheaders = [("User-Agent", f"kg/{__version__}")]
    if token:
        opener.addheaders.append(("Authorization", f"Bearer {token}"))
    return opener


class ChallengeAuthHandler(urllib.request.BaseHandler):
    """HTTP Basic or Digest authentication (RFC 7617, RFC 7616), whichever the server
    asks for: the first challenge is answered, and every later request is then
    authenticated up front (Digest reusing the nonce with a growing nonce count,
    RFC 7616 §3.3), so a large body is never sent only to be refused. Nothing is
    sent before the server asks: Virtuoso refuses an unasked-for Basic header."""

    handler_order = 400  # before urllib's own 401 handling

    def __init__(self, endpoint: str, user: str, password: str):
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint, user, password)
        self._digest = urllib.request.HTTPDigestAuthHandler(passwords)  # computes the responses
        self._basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._challenge: dict[str, str] | None = None  # the Digest challenge, once seen
        self._scheme: str | None = None

    def _authorization(self, request: urllib.request.Request) -> str | None:
        if self._scheme == "basic":
            return self._basic
        if self._scheme == "digest" and self._challenge:
            answer = self._digest.get_authorization(request, self._challenge)
            return f"Digest {answer}" if answer else None
        return None

    def http_request(self, request: urllib.request.Request) -> urllib.request.Request:
        authorization = self._authorization(request)
        if authorization and not request.has_header("Authorization"):
            request.add_unredirected_header("Authorization", authorization)
        return request

    https_request = http_request

    def http_error_401(self, request, response, code, message, headers):
        """Answer a challenge once (a 401 without one, as some stores send, gets Basic);
        a second refusal, unless only the nonce went stale, is the server's final word,
        left to the caller as a 401."""
        challenge = headers.get("WWW-Authenticate") or "Basic"
        scheme, _, params = challenge.partition(" ")
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params)) if params else {}
        stale = fields.get("stale", "").lower() == "true"
        if scheme.lower() not in ("basic", "digest") or (request.has_header("Authorization") and not stale):
            return None
        self._scheme, self._challenge = scheme.lower(), fields
        authorization = self._authorization(request)
        if not authorization:
            return None
        response.close()
        request.add_unredirected_header("Authorization", authorization)
        return self.parent.open(request, timeout=request.timeout)


def check_access(opener: urllib.request.OpenerDirector, endpoint: str, graph: str,
                 options: LoadOptions) -> None:
    """Ask about one graph (HEAD, §5.4) before sending any data, so that a store that is
    down or rejects the credentials fails fast and says so: a server that rejects the
    credentials may hang up in the middle of a large body. Other answers (a store
    without HEAD support, an unknown graph, a transient failure) are left to the PUT."""
    request = urllib.request.Request(graph_url(endpoint, graph), method="HEAD")
    try:
        with opener.open(request, timeout=options.timeout_seconds) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise StoreError(describe_failure(exc, endpoint, graph)) from None
    except Exception as exc:  # noqa: BLE001 - every failure becomes one StoreError line
        if not is_transient(exc):
            raise StoreError(describe_failure(exc, endpoint, graph)) from None


def put_graph(opener: urllib.request.OpenerDirector, endpoint: str, graph: str, body: bytes,
              options: LoadOptions) -> None:
    """PUT one graph's N-Triples, replacing the graph (§5.3); raise StoreError on failure."""
    def put() -> None:
        request = urllib.request.Request(graph_url(endpoint, graph), data=body, method="PUT",
                                         headers={"Content-Type": NTRIPLES})
        with opener.open(request, timeout=options.timeout_seconds) as response:
            response.read()
    try:
        _with_retries(put, options)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one StoreError line
        raise StoreError(describe_failure(exc, endpoint, graph)) from None


def _with_retries(send: Callable[[], None], options: LoadOptions) -> None:
    """Call ``send``, again after a growing pause while it fails transiently, at most
    ``options.attempts`` times in all; re-raise the last failure."""
    for attempt in range(1, options.attempts + 1):
        try:
            return send()
        except Exception as exc:
            if attempt == options.attempts or not is_transient(exc):
                raise
            delay = options.backoff_seconds * 2 ** (attempt - 1)
            log.warning("%s; retrying in %.1f s", type(exc).__name__, delay)
            time.sleep(delay)


def is_transient(exc: BaseException) -> bool:
    """Worth another try: a gateway or overload status, or a dropped connection."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in RETRY_STATUSES
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, TRANSIENT_ERRORS)


def describe_failure(exc: BaseException, endpoint: str, graph: str) -> str:
    """One line that says what went wrong, without the request's credentials."""
    if isinstance(exc, urllib.error.HTTPError):
        status = f"{endpoint} answered {exc.code} {_phrase(exc)}"
        if exc.code == 401:
            return f"{status}: {AUTH_HINT}"
        detail = _response_detail(exc)
        hint = f" ({AUTH_HINT})" if exc.code == 403 else ""
        return f"{status} for graph <{graph}>" + (f": {detail}" if detail else "") + hint
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {endpoint}: connection refused"
    if isinstance(reason, TimeoutError):
        return f"{endpoint} did not answer in time"
    if isinstance(exc, ValueError):  # a URL urllib cannot use
        return f"{endpoint}: {' '.join(str(exc).split())}"
    return f"cannot connect to {endpoint}: {' '.join(str(reason).split()) or type(reason).__name__}"


def _phrase(exc: urllib.error.HTTPError) -> str:
    try:
        return HTTPStatus(exc.code).phrase
    except ValueError:
        return str(exc.reason)


def _response_detail(exc: urllib.error.HTTPError, limit: int = 200) -> str:
    """The start of an error response's body as plain text (servers explain there)."""
    try:
        raw = exc.read(4096).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the status alone still says enough
        return ""
    text = " ".join(re.sub(r"<[^>]*>", " ", raw).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"

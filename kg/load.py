"""Load stage: push an export into a triple store over the SPARQL 1.1 Graph Store HTTP
Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/).

Each named graph of the files goes to the store as one ``PUT ENDPOINT?graph=IRI``
(§5.3 HTTP PUT), which replaces the graph. Export IRIs are deterministic, so loading
the same export twice leaves the store with exactly one copy. Triples outside any
named graph (Turtle, N-Triples, JSON-LD, or the default graph of N-Quads/TriG) go to
the graph ``--graph`` names. A graph named by several files is sent once, with the
triples of all of them, so one file never replaces another's part.

Credentials come from the environment only, go only to the endpoint's origin and never
appear in a message (:mod:`kg.store_client`): ``KG_STORE_TOKEN`` (``Authorization:
Bearer``), or ``KG_STORE_USER`` with ``KG_STORE_PASSWORD`` (HTTP Basic or Digest,
whichever the server asks for). Every graph must be replaced within ``--timeout``
seconds (connecting, sending, the answer, retries) and the whole load within
``--total-timeout``. Transient failures (a connection reset or closed mid-answer, HTTP
502, 503, 504) are retried with exponential backoff while time is left; nothing else is.

Known limit: each graph's N-Triples body is built in memory before it is sent.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field, field_validator

from kg import __version__
from kg.errors import InputError, StoreError, printable
from kg.formats import format_named, read_quads, shown_name
from kg.store_client import Answer, Credentials, Deadline, RequestFailed, StoreClient, earliest, redact

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({502, 503, 504})
AUTH_HINT = "check KG_STORE_USER/KG_STORE_PASSWORD or KG_STORE_TOKEN"
NTRIPLES = "application/n-triples"
DETAIL_LIMIT = 200
Progress = Callable[[str, int, int], None]
"""(stage, done, total): triples replaced so far, out of all the load's triples."""


class LoadOptions(BaseModel):
    """Where and how to load: the Graph Store endpoint, the graph for triples outside
    a named graph, the retry policy and the deadlines."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: str
    graph: str | None = None
    format: str | None = None
    """The files' RDF format (kg.formats; ``--format``), else each file's extension tells."""
    replace: bool = False
    """Replace graphs that another export wrote (kg.ownership); without it, kg load refuses."""
    attempts: int = 3
    backoff_seconds: float = 0.5
    timeout_seconds: float = Field(default=300.0, gt=0)
    """Per graph: connecting, sending, the answer and the retries (``--timeout``)."""
    total_timeout_seconds: float = Field(default=3600.0, gt=0)
    """The whole load, from its first request (``--total-timeout``)."""

    @field_validator("format")
    @classmethod
    def _known_format(cls, name: str | None) -> str | None:
        return None if name is None else format_named(name).name


class LoadedGraph(BaseModel):
    """One graph the store now holds, and how many triples were sent for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    graph: str
    triples: int
    deleted: bool = False
    """A graph of the dataset that this export no longer has, deleted from the store."""


def load_files(paths: Sequence[Path], options: LoadOptions, env: Mapping[str, str],
               progress: Progress | None = None, stdin: IO[bytes] | None = None) -> list[LoadedGraph]:
    """Replace, in the store, every graph the files name with the files' triples, once
    sure that no other export wrote them (kg.ownership; or ``options.replace``); then
    delete the graphs of these datasets that the export no longer has. A file ``-`` is
    ``stdin`` (in ``options.format``)."""
    from kg.ownership import check_overwrites, delete_graph, load_order  # it builds on this module's helpers

    endpoint = check_endpoint(options.endpoint)
    client = StoreClient(endpoint, check_credentials(env), f"kg/{__version__}")
    graphs = read_graphs(paths, options.graph, options.format, stdin)
    whole_load = Deadline.after(options.total_timeout_seconds, "--total-timeout")
    if graphs:
        check_access(client, min(graphs), options, whole_load)
    stale = check_overwrites(client, graphs, options, whole_load)
    loaded = put_graphs(client, graphs, load_order(graphs), options, whole_load, progress)
    for graph in stale:
        delete_graph(client, graph, options, whole_load)
        loaded.append(LoadedGraph(graph=graph, triples=0, deleted=True))
    return loaded


def check_credentials(env: Mapping[str, str]) -> Credentials:
    """The credentials the environment gives, if they make sense together."""
    credentials = Credentials.from_env(env)
    if bool(credentials.user) != bool(credentials.password) and not credentials.token:
        raise StoreError("set both KG_STORE_USER and KG_STORE_PASSWORD, or neither")
    if credentials.token and not (credentials.token.isascii() and credentials.token.isprintable()):
        raise StoreError("KG_STORE_TOKEN must be printable ASCII (RFC 6750 §2.1): check for a line break")
    for name, value in (("KG_STORE_USER", credentials.user), ("KG_STORE_PASSWORD", credentials.password)):
        if value and not value.isprintable():
            raise StoreError(f"{name} holds a control character: check for a line break")
    return credentials


def read_graphs(paths: Sequence[Path], default_graph: str | None, fmt: str | None = None,
                stdin: IO[bytes] | None = None) -> dict[str, list[ox.Triple]]:
    """The triples of the files (in ``fmt``, else the format their extension names; ``-``:
    ``stdin``), grouped by the graph they go to (duplicates dropped)."""
    graphs: dict[str, dict[ox.Triple, None]] = defaultdict(dict)
    for path in paths:  # fresh blank-node ids, so two files' _:b0 stay two nodes
        for quad in list(read_quads(path, fmt, stdin=stdin, rename_blank_nodes=True)):
            graph = _target_graph(quad.graph_name, default_graph, path)
            graphs[graph][ox.Triple(quad.subject, quad.predicate, quad.object)] = None
    return {graph: list(triples) for graph, triples in graphs.items()}


def _target_graph(name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph, default_graph: str | None,
                  path: Path) -> str:
    if isinstance(name, ox.NamedNode):
        return name.value
    if isinstance(name, ox.DefaultGraph) and default_graph:
        return default_graph
    raise InputError.at(shown_name(path), None, "has triples outside a named graph",
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
    if not usable or not endpoint.isprintable():
        raise StoreError(f"the endpoint must be an http:// or https:// URL, not {endpoint!r}")
    return endpoint


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store URL of one graph: indirect identification, ``?graph=IRI`` (§4.2)."""
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urllib.parse.urlencode({'graph': graph})}"


def check_access(client: StoreClient, graph: str, options: LoadOptions, whole_load: Deadline) -> None:
    """Ask about one graph (HEAD, §5.4) before sending any data, so that a store that is
    down or rejects the credentials fails fast and says so: a server that rejects the
    credentials may hang up in the middle of a large body. Other answers (a store
    without HEAD support, an unknown graph, a transient failure) are left to the PUT."""
    deadline = earliest(Deadline.after(options.timeout_seconds, "--timeout"), whole_load)
    try:
        answer = client.request("HEAD", graph_url(client.endpoint, graph), deadline)
    except RequestFailed as failure:
        if failure.transient:
            return
        raise StoreError(describe_failure(failure, client, graph)) from None
    if answer.status == 401:
        raise StoreError(describe_answer(answer, client, graph))


def put_graphs(client: StoreClient, graphs: Mapping[str, list[ox.Triple]], order: Sequence[str],
               options: LoadOptions, whole_load: Deadline, progress: Progress | None = None) -> list[LoadedGraph]:
    """PUT every graph, in ``order``; a failure says how many were replaced before it."""
    total, done, loaded = sum(map(len, graphs.values())), 0, []
    for graph in order:
        triples = len(graphs[graph])
        body = ox.serialize(graphs[graph], format=ox.RdfFormat.N_TRIPLES)

        def sent(size: int, before: int = done, triples: int = triples, length: int = len(body)) -> None:
            if progress:
                progress("load", before + triples * size // max(length, 1), total)
        try:
            put_graph(client, graph, body, options, whole_load, sent)
        except StoreError as error:
            if not loaded:
                raise
            raise StoreError(f"{error.detail}; {len(loaded)} of {len(graphs)} graph(s) were replaced "
                             "before it") from None
        log.info("replaced <%s> with %d triples", graph, triples)
        loaded.append(LoadedGraph(graph=graph, triples=triples))
        done += triples
        if progress:
            progress("load", done, total)
    return loaded


def put_graph(client: StoreClient, graph: str, body: bytes, options: LoadOptions, whole_load: Deadline,
              sent: Callable[[int], None] | None = None) -> None:
    """PUT one graph's N-Triples, replacing the graph (§5.3), retrying transient failures
    while its deadline allows; raise StoreError on failure."""
    deadline = earliest(Deadline.after(options.timeout_seconds, "--timeout"), whole_load)
    url = graph_url(client.endpoint, graph)
    for attempt in range(1, options.attempts + 1):
        try:
            answer = client.request("PUT", url, deadline, body, {"Content-Type": NTRIPLES}, sent)
        except RequestFailed as failure:
            if not failure.transient or not _may_retry(attempt, options, deadline,
                                                       lambda: describe_failure(failure, client, graph)):
                raise StoreError(describe_failure(failure, client, graph)) from None
            continue
        if 200 <= answer.status < 300:
            return
        if answer.status not in RETRY_STATUSES or not _may_retry(attempt, options, deadline,
                                                                  lambda: describe_answer(answer, client, graph)):
            raise StoreError(describe_answer(answer, client, graph))


def _may_retry(attempt: int, options: LoadOptions, deadline: Deadline, what: Callable[[], str]) -> bool:
    """Whether another attempt is allowed and there is time for it; if so, say why
    (``what``: the line the failure would end the load with) and wait first."""
    delay = options.backoff_seconds * 2 ** (attempt - 1)
    if attempt >= options.attempts or deadline.remaining() <= delay:
        return False
    log.warning("%s; retrying in %.1f s (attempt %d of %d)", what(), delay, attempt + 1, options.attempts)
    time.sleep(delay)
    return True


def describe_failure(failure: RequestFailed, client: StoreClient, graph: str) -> str:
    """One line for a request that got no answer, naming the endpoint and the graph."""
    endpoint = client.endpoint
    if failure.deadline is not None:
        deadline = failure.deadline
        if deadline.option == "--total-timeout":
            return f"the load into {endpoint} did not finish within {deadline.seconds:g} s (--total-timeout)"
        return (f"{endpoint} did not answer in time: graph <{graph}> was not replaced within "
                f"{deadline.seconds:g} s (--timeout)")
    if failure.reason == "connection refused":
        return f"cannot connect to {endpoint}: connection refused"
    return f"{endpoint}: {printable(redact(failure.reason, client.secrets))} (graph <{graph}>)"


def describe_answer(answer: Answer, client: StoreClient, graph: str) -> str:
    """One line for a refusal: the status, the server's explanation without anything that
    could be a credential, and what to do."""
    endpoint, status = client.endpoint, f"{answer.status} {_phrase(answer, client)}"
    if not answer.same_origin:
        where = printable(redact(answer.url, client.secrets))
        return (f"{endpoint} redirected to {where}, which answered {status} for graph <{graph}>: kg sends "
                f"credentials only to the endpoint's own origin (use that URL as the endpoint if you trust it)")
    if answer.status == 401:
        return f"{endpoint} answered {status}: {AUTH_HINT}"
    if 300 <= answer.status < 400 and answer.headers.get("Location"):
        where = printable(redact(answer.headers["Location"], client.secrets))
        return f"{endpoint} answered {status} for graph <{graph}>: a PUT is not redirected (the store points to {where})"
    detail = response_detail(answer.body, client.secrets)
    hint = f" ({AUTH_HINT})" if answer.status == 403 else ""
    return f"{endpoint} answered {status} for graph <{graph}>" + (f": {detail}" if detail else "") + hint


def _phrase(answer: Answer, client: StoreClient) -> str:
    try:
        return HTTPStatus(answer.status).phrase
    except ValueError:
        return printable(redact(answer.reason, client.secrets))


def response_detail(body: bytes, secrets: list[str], limit: int = DETAIL_LIMIT) -> str:
    """The start of an error answer's body as one line of plain text (servers explain
    there), without credentials or anything that could drive a terminal."""
    text = redact(body[:4096].decode("utf-8", "replace"), secrets)
    text = printable(" ".join(re.sub(r"<[^>]*>", " ", text).split()))
    return text if len(text) <= limit else text[:limit - 1] + "…"

"""Publish stage: a read-only SPARQL 1.1 Protocol endpoint over the published store.

https://www.w3.org/TR/sparql11-protocol/: a query by ``GET ?query=``, by ``POST`` of
a form (``query=``) or of ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` set the dataset (else the default graph is the union of all graphs);
results as SPARQL JSON, XML, CSV or TSV (SELECT, ASK) or Turtle, N-Triples, RDF/XML
(CONSTRUCT, DESCRIBE), by ``Accept`` or a ``format`` parameter.

Limits: updates are refused (the store is only ever queried); so is ``SERVICE``, which
pyoxigraph would otherwise follow over the network. Each query runs in a forked child
process (the store shared copy-on-write) that is killed after ``timeout`` seconds or
once its result passes ``max_bytes``: pyoxigraph has no timeout of its own, and an
``ORDER BY`` or an aggregate computes everything before its first row. At most
``concurrent`` queries run at once; others are told the endpoint is busy.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

from kg.formats import FORMATS_BY_NAME
from kg.namespaces import PREFIXES
from kg.publish.negotiation import HTML, NTRIPLES, RDFXML, TURTLE, Representation, choose

JSON = Representation("json", ".srj", "application/sparql-results+json", ("application/sparql-results+json", "application/json"))
XML = Representation("xml", ".srx", "application/sparql-results+xml", ("application/sparql-results+xml", "application/xml"))
CSV = Representation("csv", ".csv", "text/csv", ("text/csv",))
TSV = Representation("tsv", ".tsv", "text/tab-separated-values", ("text/tab-separated-values",))
SOLUTION_FORMATS = {JSON: ox.QueryResultsFormat.JSON, XML: ox.QueryResultsFormat.XML,
                    CSV: ox.QueryResultsFormat.CSV, TSV: ox.QueryResultsFormat.TSV}
GRAPH_FORMATS = {r: FORMATS_BY_NAME[r.name].oxigraph for r in (TURTLE, NTRIPLES, RDFXML)}
FORMAT_PARAMETER = {"html": HTML, "json": JSON, "xml": XML, "csv": CSV, "tsv": TSV,
                    "turtle": TURTLE, "ntriples": NTRIPLES, "rdfxml": RDFXML}
"""``format=`` values (the query page's choices), which override ``Accept``."""

_HIDDEN = re.compile(r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>')
_SERVICE = re.compile(r"(?<![\w:?$])service(?![\w:-])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = 10.0
    max_bytes: int = 10_000_000
    concurrent: int = 2


@dataclass(frozen=True, slots=True)
class Request:
    query: str
    accept: str | None
    format: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    media_type: str
    body: bytes
    html: bool = False
    """True: the body is SPARQL JSON or N-Triples that the query page shows as a table."""


def _plain(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def uses_service(query: str) -> bool:
    """Whether the query has a SERVICE keyword outside comments, strings and IRIs."""
    return bool(_SERVICE.search(_HIDDEN.sub(" ", query)))


class Endpoint:
    def __init__(self, store: ox.Store, limits: Limits = Limits()):
        self.store, self.limits = store, limits
        self._slots = threading.BoundedSemaphore(limits.concurrent)

    def answer(self, request: Request) -> Answer:
        """Run one query within the limits (blocking: call it from a worker thread)."""
        if not request.query.strip():
            return _plain(400, "400 Bad Request: no query: send query=… (SPARQL 1.1 Protocol, section 2.1)")
        if uses_service(request.query):
            return _plain(403, "403 Forbidden: SERVICE is not allowed: this endpoint queries only its own data")
        if request.format is not None and request.format not in FORMAT_PARAMETER:
            return _plain(400, f"400 Bad Request: unknown format {request.format!r}: use one of {', '.join(FORMAT_PARAMETER)}")
        if not self._slots.acquire(timeout=self.limits.timeout):
            return _plain(503, f"503 Service Unavailable: {self.limits.concurrent} queries are running: try again")
        try:
            return self._isolated(request)
        finally:
            self._slots.release()

    def _isolated(self, request: Request) -> Answer:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, write header line and body, exit without cleanup
            os.close(read)
            try:
                answer = _execute(self.store, request)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, never lost
                answer = _plain(500, f"500 Internal Server Error: {' '.join(str(exc).split())}")
            header = json.dumps({"status": answer.status, "type": answer.media_type, "html": answer.html})
            _write_all(write, header.encode("utf-8") + b"\n" + answer.body)
            os._exit(0)
        os.close(write)
        try:
            data, failure = self._collect(read, pid)
        finally:
            os.close(read)
            os.waitpid(pid, 0)
        if failure:
            return failure
        head, _, body = data.partition(b"\n")
        if not head:
            return _plain(500, "500 Internal Server Error: the query process ended without an answer")
        meta = json.loads(head)
        return Answer(meta["status"], meta["type"], body, meta["html"])

    def _collect(self, read: int, pid: int) -> tuple[bytes, Answer | None]:
        chunks, size, deadline = [], 0, time.monotonic() + self.limits.timeout
        while True:
            remaining = deadline - time.monotonic()
            ready = select.select([read], [], [], max(remaining, 0))[0] if remaining > 0 else []
            if not ready:
                os.kill(pid, signal.SIGKILL)
                return b"", _plain(503, f"503 Service Unavailable: the query ran longer than {self.limits.timeout:g} s "
                                         "and was stopped: narrow it (a LIMIT, fewer OPTIONALs)")
            chunk = os.read(read, 1 << 16)
            if not chunk:
                return b"".join(chunks), None
            chunks.append(chunk)
            size += len(chunk)
            if size > self.limits.max_bytes + 4096:
                os.kill(pid, signal.SIGKILL)
                return b"", _plain(400, f"400 Bad Request: the result is larger than {self.limits.max_bytes:,} bytes: "
                                        "add a LIMIT, or load the export into a triple store (kg load)")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _execute(store: ox.Store, request: Request) -> Answer:
    """Evaluate and serialize one query (in the child process)."""
    options: dict = {"prefixes": PREFIXES}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        result = store.query(request.query, **options)
    except SyntaxError as exc:
        message = " ".join(str(exc).split())
        if re.search(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", request.query, re.IGNORECASE):
            message += " (this endpoint is read-only: updates are refused)"
        return _plain(400, f"400 Bad Request: bad SPARQL query: {message}")
    graph = isinstance(result, ox.QueryTriples)
    formats = GRAPH_FORMATS if graph else SOLUTION_FORMATS
    chosen = FORMAT_PARAMETER.get(request.format or "") or choose(request.accept, (*formats, HTML))
    if chosen is HTML:
        chosen = NTRIPLES if graph else JSON
        html = True
    else:
        html = False
    if chosen not in formats:
        offered = ", ".join(r.media_type for r in formats)
        return _plain(406, f"406 Not Acceptable: this {'graph' if graph else 'solutions'} result is available as {offered}")
    if graph:
        body = ox.serialize(result, format=formats[chosen], prefixes=PREFIXES if chosen is TURTLE else None)
    else:
        body = result.serialize(format=formats[chosen])
    return Answer(200, chosen.content_type if chosen.charset else chosen.media_type, body, html)

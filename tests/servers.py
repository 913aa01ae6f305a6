"""Real triple stores for the tests: an Oxigraph server (PyPI ``oxigraph``) and Virtuoso
Open Source (Debian ``virtuoso-opensource``), each started on a free 127.0.0.1 port
with a temporary data directory and stopped afterwards, plus a small SPARQL client.

A missing binary fails the test with a pointer to ``tests/system-deps.sh``: CI
installs them, so a silent skip would hide a broken setup.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

START_TIMEOUT_SECONDS = 60


@dataclass
class Server:
    """A running store: its Graph Store and SPARQL query URLs, and how to stop it."""

    name: str
    gsp_url: str
    query_url: str
    process: subprocess.Popen
    log: Path
    started_in_seconds: float = 0.0
    auth_gsp_url: str | None = None  # a Graph Store endpoint that asks for credentials

    def stop(self) -> None:
        """Stop the server's whole process group: TERM, then KILL if it lingers."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def require_binary(name: str, *candidates: str, install: str = "run tests/system-deps.sh") -> str:
    """The path of a binary the tests need (on PATH or beside this Python), or a test
    failure saying how to install it."""
    for candidate in (name, *candidates):
        found = shutil.which(candidate) or shutil.which(candidate, path=str(Path(sys.executable).parent))
        if found:
            return found
    pytest.fail(f"{name} is not installed: {install}", pytrace=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spawn(command: list[str], log: Path, cwd: Path) -> subprocess.Popen:
    with log.open("wb") as out:  # the child keeps its own descriptor
        return subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll ``url`` until any HTTP answer comes back; fail with the log if the server dies."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: server exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    pytest.fail(f"{url}: no answer after {START_TIMEOUT_SECONDS} s:\n{log.read_text(errors='replace')[-2000:]}")


def start_oxigraph(directory: Path, read_only: bool = False) -> Server:
    """``oxigraph serve`` on a persistent temporary store whose default graph, for
    queries, is the union of all graphs (as the embedded store and Virtuoso query);
    or, ``read_only``, ``oxigraph serve-read-only`` on a one-triple store: a real
    server that refuses every write."""
    binary = require_binary("oxigraph", install="pip install -e '.[test]' (the oxigraph package)")
    data = directory / "data"
    if read_only:  # serve-read-only needs an existing store
        seed = directory / "seed.nt"
        seed.write_text("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
        subprocess.run([binary, "load", "--location", str(data), "--file", str(seed)],
                       check=True, capture_output=True, timeout=60)
    command = ["serve-read-only"] if read_only else ["serve", "--union-default-graph"]
    port, started = free_port(), time.monotonic()
    log = directory / "oxigraph.log"
    process = _spawn([binary, *command, "--location", str(data), "--bind", f"127.0.0.1:{port}"], log, directory)
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph-read-only" if read_only else "oxigraph", f"{base}/store", f"{base}/query",
                    process, log)
    try:
        wait_until_answering(f"{base}/query?query=ASK%7B%7D", process, log)
    except BaseException:
        server.stop()
        raise
    server.started_in_seconds = time.monotonic() - started
    return server


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""
"""A Virtuoso bound to loopback only, with its database, log and web root in one
temporary directory and small buffers (the Debian default ini is for a server)."""

VIRTUOSO_GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'
"""What the anonymous ``SPARQL`` user needs to write through ``/sparql-graph-crud``
(without it, a PUT answers 403 "Permission denied for delete from DB.DBA.RDF_QUAD")."""

VIRTUOSO_DBA = ("dba", "dba")
"""The superuser of a fresh Virtuoso database (for isql and the Digest-protected
``/sparql-graph-crud-auth``); harmless, as the server listens on 127.0.0.1 only."""


def start_virtuoso(directory: Path) -> Server:
    """``virtuoso-t`` in the foreground on a fresh database, anonymous updates granted."""
    binary = require_binary("virtuoso-t")
    isql = require_binary("isql-vt", "isql")
    http_port, sql_port, started = free_port(), free_port(), time.monotonic()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=directory, sql_port=sql_port, http_port=http_port))
    log = directory / "virtuoso-stdout.log"
    process = _spawn([binary, "+foreground", "+configfile", str(ini)], log, directory)
    base = f"http://127.0.0.1:{http_port}"
    server = Server("virtuoso", f"{base}/sparql-graph-crud", f"{base}/sparql", process, log,
                    auth_gsp_url=f"{base}/sparql-graph-crud-auth")
    try:
        wait_until_answering(f"{base}/sparql?query=ASK%7B%7D", process, log)
        subprocess.run([isql, f"127.0.0.1:{sql_port}", *VIRTUOSO_DBA, f"exec={VIRTUOSO_GRANTS}"],
                       check=True, capture_output=True, timeout=60)
    except BaseException:
        server.stop()
        raise
    server.started_in_seconds = time.monotonic() - started
    return server


def sparql(server: Server, query: str) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
    """Run a query on a server's SPARQL endpoint (HTTP GET, SPARQL 1.1 Protocol §2.1.1):
    solutions and booleans as SPARQL JSON, graphs as N-Triples, parsed with pyoxigraph."""
    graph_form = _is_graph_query(query)
    accept = "application/n-triples" if graph_form else "application/sparql-results+json"
    url = f"{server.query_url}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
    if graph_form:
        return [ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


def _is_graph_query(query: str) -> bool:
    lines = [line for line in query.splitlines() if not line.lstrip().upper().startswith(("PREFIX", "#", "BASE"))]
    words = " ".join(lines).split()
    return bool(words) and words[0].upper() in ("CONSTRUCT", "DESCRIBE")


def get_graph(server: Server, graph: str) -> list[ox.Triple]:
    """A graph's triples, read back through the Graph Store Protocol (GET, §5.2)."""
    url = f"{server.gsp_url}?{urllib.parse.urlencode({'graph': graph})}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


def delete_graph(server: Server, graph: str) -> None:
    """Drop a graph through the Graph Store Protocol (DELETE, §5.5)."""
    url = f"{server.gsp_url}?{urllib.parse.urlencode({'graph': graph})}"
    with urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=60):
        pass

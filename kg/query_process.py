"""Run a query where it can be stopped: in a child process.

pyoxigraph evaluates a query in native code, where neither a signal handler nor a
timer of the calling thread can stop it (a cross join held Ctrl-C off until killed). So
the child loads the file, runs the query and sends the result text as it is produced,
through a pipe, to the caller; the caller writes it out and stops the child (SIGKILL)
when the deadline passes or on Ctrl-C, at once, whatever the engine is doing.

- **Deadline**: ``timeout_seconds`` from when the file is loaded, counting the time
  the caller waits for the child, not the time it waits for its reader (a pager).
- **Memory**: the pipe holds a few pieces of text; while the reader is slow, the child
  waits, so neither side buffers the result. What the engine itself holds (ORDER BY,
  DISTINCT and GROUP BY over a large result, CONSTRUCT's set of triples already given)
  is bounded by ``max_memory_mb`` beyond the loaded file: on Linux the caller reads the
  child's resident memory (``/proc/PID/statm``) as it waits, and stops it beyond that.
- **Network**: unless SERVICE is allowed, the child also gives up its network (a new,
  empty network namespace on Linux, where the system allows it), behind the check
  that refuses SERVICE in the query text.
- **Orphans**: on Linux the child is killed if the caller dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from kg.errors import Diagnostic, InputError
from kg.query import check_no_service, read_store, run_query
from kg.results import check_format, stream_result

PIECE_BYTES = 64 * 1024
"""Text gathered before it is sent; what is gathered is also sent every FLUSH_SECONDS."""
FLUSH_SECONDS = 0.1
POLL_SECONDS = 0.1
"""How often the caller looks at the clock while it waits: Ctrl-C is handled at once."""


class QueryJob(BaseModel):
    """A query to run over an RDF file, and how to print its result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Path
    query: str
    name: str = "query"
    fmt: str | None = None
    terminal: bool = False
    width: int | None = Field(default=None, gt=0)
    """The terminal's width in cells, which a table fits (kg.results); None: not a terminal."""
    allow_service: bool = False
    timeout_seconds: float = Field(default=300.0, gt=0)
    max_memory_mb: int = Field(default=2048, gt=0)


def run_bounded(job: QueryJob, write: Callable[[str], None]) -> None:
    """Run the job in a child process and give its text to ``write`` as it comes.
    Raises InputError (a bad query, a failure, the deadline), and lets
    KeyboardInterrupt and ``write``'s errors through; the child is gone either way."""
    check_format(job.fmt)
    if not job.allow_service:
        check_no_service(job.query, job.name)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):  # a forked child must not write their buffers again
        stream.flush()
    child = context.Process(target=_child_main, args=(job, sender), daemon=True)
    child.start()
    sender.close()
    try:
        _relay(job, receiver, write, child.pid)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()


def _relay(job: QueryJob, receiver: Connection, write: Callable[[str], None], pid: int | None) -> None:
    """Pass the child's text on until it is done, fails or runs out of time or memory."""
    spent, loaded_mb = 0.0, None  # seconds of the query's own time; the child's size once loaded
    while True:
        waited = time.monotonic()
        ready = receiver.poll(POLL_SECONDS)
        if loaded_mb is not None:
            spent += time.monotonic() - waited
            _check_bounds(job, spent, resident_mb(pid) - loaded_mb)
        if not ready:
            continue
        try:
            kind, payload = receiver.recv()
        except EOFError:
            raise InputError.at(job.name, None, "the query process ended without a result (out of memory?)") from None
        if kind == "text":
            write(payload)
        elif kind == "loaded":
            loaded_mb = resident_mb(pid)
        elif kind == "error":
            raise InputError([Diagnostic(**d) for d in payload])
        elif kind == "crash":
            raise RuntimeError(f"the query process failed:\n{payload}")
        else:
            return


def _check_bounds(job: QueryJob, spent: float, grown_mb: float) -> None:
    if spent > job.timeout_seconds:
        raise InputError.at(job.name, None, f"the query did not finish within {job.timeout_seconds:g} s (--timeout)",
                            "add a LIMIT or narrow the query, or raise --timeout")
    if grown_mb > job.max_memory_mb:
        raise InputError.at(job.name, None, f"the query took more than {job.max_memory_mb} MB of memory beyond the "
                            "loaded file (--max-memory)", "ORDER BY, DISTINCT, GROUP BY and CONSTRUCT over a large "
                            "result hold it whole: add a LIMIT or narrow the query, or raise --max-memory")


def resident_mb(pid: int | None) -> float:
    """A process's resident memory in MB (Linux ``/proc/PID/statm``; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class _Sender:
    """The child's side of the pipe: text gathered into pieces, sent when a piece is
    full or :data:`FLUSH_SECONDS` after it began, so slow results still show at once."""

    def __init__(self, connection: Connection):
        self._connection, self._lock = connection, threading.Lock()
        self._pieces: list[str] = []
        self._size = 0
        self._done = threading.Event()
        threading.Thread(target=self._flush_often, daemon=True).start()

    def write(self, text: str) -> None:
        with self._lock:
            self._pieces.append(text)
            self._size += len(text)
            if self._size >= PIECE_BYTES:
                self._flush()

    def send(self, kind: str, payload: object = None) -> None:
        with self._lock:
            self._flush()
            self._connection.send((kind, payload))

    def close(self) -> None:
        self._done.set()

    def _flush_often(self) -> None:
        while not self._done.wait(FLUSH_SECONDS):
            with self._lock:
                self._flush()

    def _flush(self) -> None:
        if self._pieces:
            text, self._pieces, self._size = "".join(self._pieces), [], 0
            self._connection.send(("text", text))


def _child_main(job: QueryJob, connection: Connection) -> None:
    """The child: load, query, send the text; every outcome is a message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C and stops the child
    _die_with_parent()
    if not job.allow_service:
        _leave_the_network()  # while this process has one thread, as unshare needs
    sender = _Sender(connection)
    try:
        store = read_store(job.source)
        sender.send("loaded")
        result = run_query(store, job.query, job.name, job.allow_service)
        for text in stream_result(result, job.fmt, job.terminal, job.name, job.width):
            sender.write(text)
        sender.send("done")
    except InputError as error:
        sender.send("error", [d.model_dump() for d in error.diagnostics])
    except (BrokenPipeError, EOFError):
        pass  # the caller is gone
    except Exception:  # noqa: BLE001 - a bug: its traceback goes to the caller
        sender.send("crash", traceback.format_exc())
    finally:
        sender.close()


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    except OSError:
        return None


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    libc, parent = _libc(), os.getppid()
    if libc is not None:
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call
            os._exit(1)


def _leave_the_network() -> None:
    """Linux: move into new user and network namespaces (unshare(2)), which have no
    interface but a down loopback, so nothing the engine does can reach a server. Where
    the system forbids it, the SERVICE check alone stands."""
    libc = _libc()
    if libc is not None:
        libc.unshare(0x10000000 | 0x40000000)  # CLONE_NEWUSER | CLONE_NEWNET

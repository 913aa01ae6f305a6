"""Working files that never outlive their run: the export's staged outputs, its commit
journal and the stream's spill folder, removed on every exit path, and those of runs
that were killed (SIGKILL, a crash, a power cut) removed by the next run.

How a run tells a dead run's files from a live one's: each working file or folder is
named by kg (``.NAME.kg-XXXXXXXX.tmp``, ``kg-spill-locked-XXXXXXXX``) and **locked**
(``flock``, exclusive) by the run that made it for as long as the run lives, its
forked workers included (they share the lock). The kernel drops the lock when the last
process holding it ends, however it ends. A later run removes such an entry only if it
is kg's, belongs to the same user, and its lock is free: a live run's entries (another
terminal's, another user's, another container's with the same ``/tmp``: process ids
would not tell) are never touched. Where the file system cannot lock (some network and
FUSE mounts), nothing is removed: a leftover is better than a live run's file deleted.

Creating and locking are two steps, so a new entry is checked after it is locked: if a
sweeping run removed it in between, it is made again under a new name.

:func:`signals_held` defers Ctrl-C and SIGTERM while a few renames or removals must run
to their end; :func:`stop_pool` ends a process pool at once (:mod:`kg.stream`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import logging
import os
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
log = logging.getLogger(__name__)

SPILL_PREFIX = "kg-spill-locked-"
"""The stream's working folders, in the temporary folder (``TMPDIR``). Older kg versions
made ``kg-spill-XXXXXXXX`` folders without a lock: those are never swept, since a live
run of such a version could not be told from a dead one."""
MARK = ".kg-"
"""What every staged name holds: ``.NAME.kg-XXXXXXXX.tmp`` beside its target."""
TOKEN_CHARS = 8
LOCK_FAILURES = (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS)
"""flock errors that mean the file system cannot lock: no lock, no sweeping."""
HELD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
PR_SET_PDEATHSIG = 1


def staged_name(target: Path, kind: str) -> Path:
    """A new working name beside ``target``: ``.NAME.kg-XXXXXXXX.KIND``."""
    return target.with_name(f".{target.name}{MARK}{secrets.token_hex(TOKEN_CHARS // 2)}.{kind}")


def is_staged_name(name: str, kinds: tuple[str, ...]) -> bool:
    """Whether a name is one :func:`staged_name` makes, of one of ``kinds``."""
    stem, dot, kind = name.rpartition(".")
    token = stem.rpartition(MARK)[2]
    return (bool(dot) and kind in kinds and name.startswith(".") and MARK in stem
            and len(token) == TOKEN_CHARS and all(c in "0123456789abcdef" for c in token))


def _lock(fd: int, wait: bool) -> bool | None:
    """Lock ``fd`` (exclusive): True if locked, False if another process holds it, None
    if the file system cannot lock."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in LOCK_FAILURES:
            return None
        raise


def _same_entry(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the file or folder open as ``fd``."""
    try:
        here, mine = os.stat(path, follow_symlinks=False), os.fstat(fd)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def create_locked_file(target: Path, kind: str) -> tuple[Path, int]:
    """A new empty working file beside ``target`` (``.NAME.kg-XXXXXXXX.KIND``, mode
    0600), locked for this run: its path and its file descriptor (read and write)."""
    while True:
        path = staged_name(target, kind)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        if _lock(fd, wait=True) is False or not _same_entry(path, fd):
            os.close(fd)  # swept between its creation and its lock: make another
            continue
        return path, fd


@contextmanager
def spill_folder() -> Iterator[Path]:
    """A new folder ``kg-spill-locked-XXXXXXXX`` in the temporary folder, locked while the
    block runs and removed after it, however it ends; stale ones are swept first."""
    sweep_spill_folders()
    while True:
        folder = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX))
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        if _lock(fd, wait=True) is not False and _same_entry(folder, fd):
            break
        os.close(fd)
    try:
        yield folder
    finally:
        with signals_held():
            shutil.rmtree(folder, ignore_errors=True)
            os.close(fd)


def _stale(path: Path, fd: int) -> bool:
    """Whether the entry open as ``fd`` is the user's own and no live process holds it
    (if so, it is now locked by this process until ``fd`` is closed)."""
    return os.fstat(fd).st_uid == os.geteuid() and _lock(fd, wait=False) is True and _same_entry(path, fd)


@contextmanager
def claimed(path: Path, folder: bool = False) -> Iterator[bool]:
    """Open and try to lock a working entry of another run: True inside the block if it
    is stale (the block may then remove it), False if it is live, foreign or gone."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
                     | (os.O_DIRECTORY if folder else 0))
    except OSError:
        yield False
        return
    try:
        yield _stale(path, fd)
    finally:
        os.close(fd)


def sweep_spill_folders(parent: Path | None = None) -> list[Path]:
    """Remove the spill folders of dead runs of this user from ``parent`` (default: the
    temporary folder); return what was removed."""
    parent = parent or Path(tempfile.gettempdir())
    removed = []
    try:
        entries = [e for e in os.scandir(parent) if e.name.startswith(SPILL_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        with claimed(path, folder=True) as stale:
            if stale:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
                log.info("removed %s, left by a run that ended before it could", path)
    return removed


def sweep_staged(folder: Path, kinds: tuple[str, ...] = ("tmp",)) -> list[Path]:
    """Remove the staged files of dead runs of this user from ``folder``."""
    removed = []
    try:
        names = [e.name for e in os.scandir(folder) if is_staged_name(e.name, kinds)]
    except OSError:
        return removed
    for name in names:
        path = folder / name
        with claimed(path) as stale:
            if stale:
                path.unlink(missing_ok=True)
                removed.append(path)
                log.info("removed %s, left by a run that ended before it could", path)
    return removed


_HOLD_PAST_COMMIT = [False]
"""Whether a finished commit keeps Ctrl-C and SIGTERM held until the process exits: set
by the console script only (:func:`hold_signals_past_commit`), never for a library caller."""


def hold_signals_past_commit() -> None:
    """For the ``kg`` process (kg/__main__.py): once an export's outputs are committed,
    Ctrl-C and SIGTERM stay held until the process exits, so that one typed after the new
    files are in place does not report an interrupted export (exit 130) for a run that
    completed; the run ends with its summary and exit 0, and the held signal ends with it."""
    _HOLD_PAST_COMMIT[0] = True


@contextmanager
def signals_held(*, past_success: bool = False) -> Iterator[None]:
    """Defer Ctrl-C and SIGTERM until the block ends (then they act as usual): for steps
    that must not stop half-way, such as the renames of a commit or a cleanup. With
    ``past_success`` (a commit), a block that ends without an exception keeps them held
    where the console script asked for it (:func:`hold_signals_past_commit`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        raise
    if not (past_success and _HOLD_PAST_COMMIT[0]):
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def release_held_signals() -> None:
    """Let Ctrl-C and SIGTERM act from here (a command's body: kg.cli): those held since
    the process started (kg/__main__.py) act now."""
    if threading.current_thread() is threading.main_thread():
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)


@contextmanager
def starting_pool() -> Iterator[None]:
    """Around the creation of a process pool: its workers, and its threads (which start
    more workers when one ends), begin with Ctrl-C and SIGTERM blocked, so that none acts
    on them before :func:`worker_start` has set what they do."""
    with signals_held():
        yield


def worker_start() -> None:
    """Initializer of a pool's worker process: Ctrl-C goes to the whole process group,
    but only the main process acts on it (it ends the workers: :func:`stop_pool`), so no
    worker dies half-way through a message to the others; SIGTERM ends a worker; and on
    Linux a worker ends with the main process, so a killed run leaves no worker running
    (which would keep its spill folder locked)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: no parent-death signal
        return
    if os.getppid() != parent:  # the main process ended before the signal was set
        os._exit(1)


def stop_pool(pool, seconds: float = 1.0) -> None:  # noqa: ANN001 - a multiprocessing.pool.Pool
    """End a process pool now (Ctrl-C, an error): kill its workers, then let the pool
    tidy its threads in the background. ``Pool.terminate`` alone can wait forever for a
    lock that a worker held when it died; here nothing waits longer than ``seconds``."""
    workers = list(pool._pool)  # noqa: SLF001 - the pool's processes; Pool has no public list
    for worker in workers:
        if worker.is_alive():
            worker.kill()
    for worker in workers:
        worker.join(seconds)
    threading.Thread(target=pool.terminate, name="kg-pool-stop", daemon=True).start()


__all__ = ["claimed", "create_locked_file", "hold_signals_past_commit", "is_staged_name", "release_held_signals",
           "signals_held", "spill_folder", "staged_name", "starting_pool", "stop_pool", "sweep_spill_folders", "sweep_staged", "worker_start"]

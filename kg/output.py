"""The export's output set: the export, its reconciliation report and its description,
written all three or none, never over an input.

**Checks first** (:func:`check_outputs`, before any work): no output may be an input (a
profile given or found in an input folder, the curation or configuration file), another
output of the run, or a ``*.txt`` file inside an input folder (the next export of that
folder would read it); paths are compared resolved (symbolic links followed) and by
device and inode (hard links). An output that is a folder, or whose folder is a file,
is refused too.

**Staged** (:class:`StagedSet`): each output is written to a working file beside its
target (``.NAME.kg-XXXXXXXX.tmp``, locked: kg.cleanup), created when the run starts so
that an unwritable folder fails at once. The export streams into its file; then the
description; then the report, which names the size and SHA-256 digest of the other two
(``files``): how a reader tells a complete set.

**Committed** all together: the working files are flushed to disk; a journal naming
every rename is written beside each target (``.NAME.kg-XXXXXXXX.commit``); each old
file is kept aside (a hard link, ``.kg-XXXXXXXX.old``) and the working file renamed over
it (an atomic ``rename(2)``); last the old files and the journals are removed
(kg.commit). A failed rename puts every old file back. A run killed part-way leaves its
journal, and the next export writing to that folder completes it (every working file
was whole before the journal was written), so the set is all new; until then the
digests show the mix.
Ctrl-C and SIGTERM wait for the renames (kg.cleanup.signals_held).

An output path that is a symbolic link is written through (the file it points to is
replaced, as the shell's ``>`` does); a folder the outputs need is made, and removed
again if the run fails.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict

from kg.cleanup import create_locked_file, signals_held, staged_name, sweep_staged
from kg.commit import Journal, Move, recover_commits, sync_folder
from kg.errors import Diagnostic, InputError, environment_error, shown_path
from kg.inputs import Inputs, is_profile_name

ROLES = {"export": "-o", "report": "--report", "description": "--void"}
"""Each output and the option that names it."""
COPY_BUFFER = 1 << 20


class OutputPaths(BaseModel):
    """Where an export's files go; ``export`` None is standard output."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    export: Path | None
    report: Path | None = None
    description: Path | None = None

    def named(self) -> list[tuple[str, Path]]:
        """(role, path) of each output that is a file."""
        return [(role, path) for role, path in (("export", self.export), ("report", self.report),
                                                ("description", self.description)) if path is not None]


# ---------------------------------------------------------------- checks


@dataclass(frozen=True)
class _Identity:
    """A file as the system knows it: its resolved path, and (device, inode) if it exists."""

    path: str
    inode: tuple[int, int] | None

    @classmethod
    def of(cls, path: Path | str) -> _Identity:
        try:
            found = os.stat(path)
            inode = (found.st_dev, found.st_ino)
        except OSError:
            inode = None
        return cls(os.path.realpath(path), inode)

    def same(self, other: _Identity) -> bool:
        return self.path == other.path or (self.inode is not None and self.inode == other.inode)


def check_outputs(outputs: OutputPaths, inputs: Inputs, read: Sequence[tuple[str, Path]] = (),
                  stdout: int | None = None) -> None:
    """Refuse outputs that would overwrite what the run reads or another of its outputs
    (module docstring): InputError with one error per output. ``read`` names the other
    files the run reads (option, path); ``stdout`` is the file descriptor the export goes
    to when ``outputs.export`` is None (a regular file there is checked too)."""
    taken = [(f"the input {shown_path(f)}", _Identity.of(f)) for f, _ in inputs.files]
    taken += [(f"the {option} file", _Identity.of(p)) for option, p in read]
    folders = [os.path.realpath(f) for f in inputs.folders]
    problems: list[Diagnostic] = []
    if outputs.export is None and stdout is not None:
        problems += _check_stdout(stdout, taken)
    for role, path in outputs.named():
        problem = _check_one(path, taken, folders)
        if problem is not None:
            problems.append(Diagnostic(path=str(path), severity="error", message=problem[0], hint=problem[1],
                                       kind="output-path"))
        taken.append((f"the {ROLES[role]} file", _Identity.of(path)))
    if problems:
        raise InputError(problems)


def _check_one(path: Path, taken: list[tuple[str, _Identity]], folders: list[str]) -> tuple[str, str] | None:
    """(message, hint) of what is wrong with writing ``path``, or None."""
    if path.is_dir():
        return "is a folder", "name a file, e.g. " + shown_path(path / "export.ttl")
    folder = _existing_ancestor(path)
    if not folder.is_dir():
        return f"{shown_path(folder)} is not a folder", "choose a path whose folders are folders"
    here = _Identity.of(path)
    for what, identity in taken:
        if here.same(identity):
            return f"is {what}: writing it would overwrite it", "write each output to a file of its own"
    for folder_path in folders:
        if here.path.startswith(folder_path.rstrip(os.sep) + os.sep) and is_profile_name(path.name):
            return (f"is a *.txt file inside the input folder {shown_path(folder_path)}: the next export of that "
                    "folder would read it as a profile", "give the output another name or another folder")
    return None


def _check_stdout(fd: int, taken: list[tuple[str, _Identity]]) -> list[Diagnostic]:
    """Standard output redirected to a file the run reads (``kg export a.txt -o - >> a.txt``)."""
    try:
        found = os.fstat(fd)
    except OSError:
        return []
    inode = (found.st_dev, found.st_ino)
    return [Diagnostic(path="-o -", severity="error", message=f"standard output is {what}: writing it would overwrite it",
                       hint="redirect the output to another file", kind="output-path")
            for what, identity in taken if identity.inode == inode and os.path.isfile(identity.path)]


def _mode_for(target: Path) -> int:
    """An output's permissions: the old file's, else what a new file gets (0666 less
    the umask; the staged file was made 0600)."""
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _name(path: Path | None) -> str:
    return "-" if path is None else shown_path(path.name)


def _existing_ancestor(path: Path) -> Path:
    for parent in path.absolute().parents:
        if os.path.lexists(parent):
            return parent
    return Path("/")


# ---------------------------------------------------------------- staging


class _NamedBuffer(io.BufferedRandom):
    """A staged file's buffer whose write errors (a full disk) name the output, as the
    operating system's do not."""

    def __init__(self, fd: int, target: Path | None):
        super().__init__(io.FileIO(fd, "r+"))
        self.target = target

    def write(self, data) -> int:  # noqa: ANN001 - bytes-like
        try:
            return super().write(data)
        except OSError as exc:
            raise self.named(exc) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise self.named(exc) from None

    def named(self, exc: OSError) -> OSError:
        return exc if exc.filename or self.target is None else OSError(exc.errno, exc.strerror, str(self.target))


@dataclass
class _Stage:
    role: str
    target: Path | None
    """The file replaced (symbolic links resolved); None: standard output."""
    path: Path | None
    fd: int
    handle: _NamedBuffer = field(init=False)
    text: io.TextIOWrapper = field(init=False)

    def __post_init__(self) -> None:
        self.handle = _NamedBuffer(self.fd, self.target)
        self.text = io.TextIOWrapper(self.handle, encoding="utf-8", newline="\n")

    def digest(self, name: str) -> dict:
        """The file's name, size and SHA-256, read back from what was written."""
        self.text.flush()
        self.handle.seek(0)
        digest = hashlib.file_digest(self.handle, "sha256").hexdigest()  # type: ignore[arg-type]
        return {"name": name, "bytes": self.handle.tell(), "sha256": digest}

    def sync(self) -> None:
        self.text.flush()
        os.fsync(self.handle.fileno())


class StagedSet:
    """The three outputs staged, then committed together (module docstring). Use as a
    context manager: what is not committed when the block ends is removed."""

    def __init__(self, outputs: OutputPaths):
        self.outputs = outputs
        self.stages: dict[str, _Stage] = {}
        self.made: list[Path] = []
        """Folders made for the outputs, removed again if nothing is committed."""
        self.committed = False

    def __enter__(self) -> StagedSet:
        try:
            for role, path in self.outputs.named():
                self.stages[role] = self._stage(role, Path(os.path.realpath(path)))
            if self.outputs.export is None:  # an unnamed file (O_TMPFILE): nothing to clean
                with tempfile.TemporaryFile("w+b") as unnamed:
                    self.stages["export"] = _Stage("export", None, None, os.dup(unnamed.fileno()))
        except BaseException:
            self._discard()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            self._discard()

    @property
    def export(self) -> IO[str]:
        """Where the export is written (text, UTF-8)."""
        return self.stages["export"].text

    def _stage(self, role: str, target: Path) -> _Stage:
        self._make_folder(target.parent)
        recover_commits(target.parent)
        sweep_staged(target.parent)
        try:
            path, fd = create_locked_file(target, "tmp")
        except OSError as exc:
            raise environment_error(exc, target.parent, f"cannot write the {ROLES[role]} file in this folder") from None
        return _Stage(role, target, path, fd)

    def _make_folder(self, folder: Path) -> None:
        missing = [p for p in (folder, *folder.parents) if not os.path.lexists(p)]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise environment_error(exc, folder, "cannot make the folder") from None
        self.made += reversed(missing)  # outermost first: removed in the reverse order

    def complete(self, write_report: Callable[[IO[str], dict], None], description: str | None,
                 stdout: IO[bytes] | None = None) -> None:
        """Write the description and the report (``write_report(out, files)``, ``files``
        naming the export's and the description's size and digest), flush all to disk,
        copy the export to ``stdout`` if it goes there, and commit."""
        stage = self.stages["export"]
        try:
            files = {"export": stage.digest(_name(self.outputs.export))}
            if "description" in self.stages and description is not None:
                stage = self.stages["description"]
                stage.text.write(description)
                files["description"] = stage.digest(_name(self.outputs.description))
            if "report" in self.stages:
                stage = self.stages["report"]
                write_report(stage.text, files)
            for stage in self.stages.values():
                stage.sync()
                if stage.target is not None:
                    os.fchmod(stage.handle.fileno(), _mode_for(stage.target))
        except OSError as exc:
            where = exc.filename or stage.target or "-"
            raise environment_error(exc, where, f"cannot write the {ROLES[stage.role]} file") from None
        if stdout is not None and self.outputs.export is None:
            self.stages["export"].handle.seek(0)
            while chunk := self.stages["export"].handle.read(COPY_BUFFER):
                stdout.write(chunk)
            stdout.flush()
        self._commit()

    def _commit(self) -> None:
        moves = [Move(s.path, s.target, staged_name(s.target, "old"), os.path.lexists(s.target))
                 for s in self.stages.values() if s.path is not None and s.target is not None]
        with signals_held(past_success=True):  # the console script keeps them held to its exit
            journal = Journal.write(moves)
            done: list[Move] = []
            try:
                for move in moves:
                    done.append(move)
                    move.apply()
                for folder in {m.target.parent for m in moves}:
                    sync_folder(folder)
            except OSError as exc:
                journal.mark_rollback()
                undone = all([move.undo() for move in reversed(done)])
                if undone:
                    journal.remove()
                else:  # the next run puts the old files back (the journal says so)
                    journal.release()
                raise environment_error(exc, done[-1].target, "cannot replace this file; every output is left "
                                        "as it was" if undone else "cannot replace this file, nor put every old "
                                        "file back; the next export into this folder will") from None
            self.committed = True
            for move in moves:
                move.backup.unlink(missing_ok=True)
            journal.remove()
            self._close()

    def _close(self) -> None:
        for stage in self.stages.values():
            try:
                stage.text.close()
            except OSError:
                pass

    def _discard(self) -> None:
        with signals_held():
            self._close()
            for stage in self.stages.values():
                if stage.path is not None:
                    stage.path.unlink(missing_ok=True)
            for folder in reversed(self.made):
                try:
                    folder.rmdir()
                except OSError:
                    break


__all__ = ["OutputPaths", "StagedSet", "check_outputs"]

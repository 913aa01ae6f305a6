"""The commit of an export's output set (kg.output): several renames that a run killed
part-way can be completed by the next.

Before the first rename, a journal listing every rename (staged file, target, where the
old file is kept) is written, flushed to disk and locked beside each target
(``.NAME.kg-XXXXXXXX.commit``). Each old file is kept aside (a hard link, else moved)
before its target is replaced with ``rename(2)``, which is atomic; once all are done the
kept files and the journals are removed. A failed rename puts the old files back (the
journal is first marked so, for the case where even that is cut short). A later run
that finds a journal whose lock is free (its run is gone: kg.cleanup) replays it: forward
(every staged file was whole before the journal was written, so the set becomes all
new) or back; a journal cut short was written before any rename and is only removed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.cleanup import claimed, create_locked_file, is_staged_name
from kg.errors import environment_error

log = logging.getLogger(__name__)



@dataclass
class Move:
    """One rename of a commit: ``staged`` over ``target``, the old file kept as ``backup``."""

    staged: Path
    target: Path
    backup: Path
    had_old: bool

    def apply(self) -> None:
        if self.had_old:
            try:
                os.link(self.target, self.backup)
            except OSError:  # no hard links here: move it aside instead
                os.replace(self.target, self.backup)
        os.replace(self.staged, self.target)

    def undo(self) -> bool:
        """Put the old file back (or remove the new one where there was none): whether
        that could be done."""
        try:
            if os.path.lexists(self.backup):
                if os.path.lexists(self.target) and os.path.samefile(self.backup, self.target):
                    self.backup.unlink()  # rename(2) of a hard link over its twin does nothing
                else:
                    os.replace(self.backup, self.target)
            elif not self.had_old and not os.path.lexists(self.staged):
                self.target.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not restore %s: %s", self.target, exc)
            return False
        return True

    def forward(self) -> None:
        """Complete the rename (a journal's recovery)."""
        if os.path.lexists(self.staged):
            os.replace(self.staged, self.target)
        self.backup.unlink(missing_ok=True)

    def data(self) -> list:
        return [str(self.staged), str(self.target), str(self.backup), self.had_old]


class Journal:
    """The renames of one commit, written beside each target before the first of them
    (so a run killed part-way can be completed); locked while the commit runs."""

    def __init__(self, moves: Sequence[Move], files: list[tuple[Path, IO[bytes]]]):
        self.moves, self.files = moves, files

    @classmethod
    def write(cls, moves: Sequence[Move]) -> Journal:
        files: list[tuple[Path, IO[bytes]]] = []
        journal = cls(moves, files)
        try:
            for folder in dict.fromkeys(m.target.parent for m in moves):
                first = next(m.target for m in moves if m.target.parent == folder)
                path, fd = create_locked_file(first, "commit")
                files.append((path, os.fdopen(fd, "r+b")))
            journal._save("forward")
        except OSError as exc:
            journal.remove()
            raise environment_error(exc, moves[0].target.parent, "cannot write the commit journal") from None
        return journal

    def _save(self, mode: str) -> None:
        data = json.dumps({"kg-commit": mode, "moves": [m.data() for m in self.moves],
                           "journals": [os.fsdecode(p) for p, _ in self.files]}).encode("utf-8", "surrogateescape")
        for path, handle in self.files:
            handle.seek(0)
            handle.truncate()
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            sync_folder(path.parent)

    def mark_rollback(self) -> None:
        try:
            self._save("back")
        except OSError as exc:
            log.warning("could not mark the commit journal for roll-back: %s", exc)

    def remove(self) -> None:
        for path, handle in self.files:
            path.unlink(missing_ok=True)
            handle.close()

    def release(self) -> None:
        """Leave the journal for the next run (its lock goes with this process's handle)."""
        for _, handle in self.files:
            handle.close()


def recover_commits(folder: Path) -> None:
    """Complete the commits that dead runs left part-way in ``folder`` (their journals):
    forward (every staged file was whole), or back where the run was undoing a failed one."""
    try:
        names = sorted(e.name for e in os.scandir(folder) if is_staged_name(e.name, ("commit",)))
    except OSError:
        return
    for name in names:
        with claimed(folder / name) as stale:
            if stale:
                _replay(folder / name)


def _replay(path: Path) -> None:
    try:
        data = json.loads(path.read_bytes().decode("utf-8", "surrogateescape"))
        moves = [Move(Path(s), Path(t), Path(b), bool(h)) for s, t, b, h in data["moves"]]
        journals = [Path(p) for p in data["journals"]]
    except (OSError, ValueError, KeyError, TypeError):  # cut short: written before any rename
        path.unlink(missing_ok=True)
        return
    for move in moves:
        if data["kg-commit"] == "back":
            move.undo()
            move.staged.unlink(missing_ok=True)
        else:
            move.forward()
    for journal in journals:
        if is_staged_name(journal.name, ("commit",)):
            journal.unlink(missing_ok=True)
    log.info("completed the commit %s left by a run that ended part-way", path)


def sync_folder(folder: Path) -> None:
    """Make a folder's renames durable (fsync of the folder; not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["Journal", "Move", "recover_commits", "sync_folder"]

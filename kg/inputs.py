"""Input discovery: which files an export reads, and every entry of an input folder that
it cannot read, so that nothing is left out without a word.

A path given is a profile file (any name) or a folder, searched through its sub-folders
for ``*.txt`` files (the suffix in any case: ``.TXT``, ``.Txt``). Symbolic links are
followed, to files and to folders (a link back into a folder being searched is a loop).
In a folder, these are errors, each naming its entry (``--max-errors`` reports them as
rejected inputs instead, each counting as one record):

- a sub-folder that cannot be listed (permissions);
- a ``*.txt`` link that leads nowhere, or round in a loop;
- a ``*.txt`` entry that is not a regular file (a FIFO would block the read forever, a
  device would never end);
- a ``*.txt`` name that is not UTF-8 (it becomes the source's name in the graph).

A file that cannot be read (permissions) or decoded is reported by the parse stage,
which reads it (kg.parse). A file's source name is its path relative to the folder it
was found in; a file given by its path is its name.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from kg.errors import InputError, shown_path
from kg.models import RejectedRecord, SourceRef

PROFILE_SUFFIX = ".txt"
"""A profile file in a folder: its name ends with this, in any case."""

FILE_TYPES = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
              stat.S_IFBLK: "a block device"}
NOT_A_FILE_HINT = "kg reads each profile twice, from a regular file: save its content to a .txt file first"


class Inputs(NamedTuple):
    """What an export reads: (file, source name) in order, the folders given, and the
    entries it cannot read (as rejected inputs, one record each)."""

    files: list[tuple[Path, str]]
    folders: list[Path]
    rejected: list[RejectedRecord]

    def error(self) -> InputError:
        return InputError([r.diagnostic() for r in self.rejected])


def is_profile_name(name: str) -> bool:
    return name.lower().endswith(PROFILE_SUFFIX) and len(name) > len(PROFILE_SUFFIX)


def find_inputs(paths: Sequence[Path]) -> Inputs:
    """The files, folders and unreadable entries of ``paths`` (module docstring).
    Raises InputError for a path that does not exist, for two different files with one
    source name, and when there is nothing to read at all."""
    files: list[tuple[Path, str]] = []
    folders: list[Path] = []
    rejected: list[RejectedRecord] = []
    for path in paths:
        if path.is_dir():
            folders.append(path)
            for found in _walk(path, path, frozenset()):
                (rejected if isinstance(found, RejectedRecord) else files).append(found)  # type: ignore[arg-type]
        elif os.path.lexists(path):
            found = _given_file(path)
            (rejected if isinstance(found, RejectedRecord) else files).append(found)  # type: ignore[arg-type]
        else:
            raise InputError.at(str(path), None, "no such file or folder", kind="no-such-input")
    files = _unique(files)
    if not files and not rejected:
        raise InputError.at(", ".join(map(str, paths)), None, "no profile files (*.txt) found", kind="no-input")
    return Inputs(files, folders, rejected)


def _unique(files: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Each file once (a path given twice), and no two files under one source name."""
    names: dict[str, Path] = {}
    unique = []
    for file, name in files:
        if name in names:
            if os.path.samefile(names[name], file):
                continue
            raise InputError.at(str(file), None, f"two inputs have the same name {name!r} ({names[name]})",
                                "export them from one parent folder so their relative paths differ",
                                kind="duplicate-name")
        names[name] = file
        unique.append((file, name))
    return unique


def _walk(root: Path, folder: Path, above: frozenset[tuple[int, int]]) -> Iterator[tuple[Path, str] | RejectedRecord]:
    """Profiles and unreadable entries under ``folder``, depth first in name order;
    ``above`` are the folders (device, inode) being searched, to see loops."""
    try:
        here = os.stat(folder)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield _rejected(root, folder, "unreadable-folder", f"cannot read folder: {exc.strerror}",
                        "its profiles would be left out: make it readable (chmod +rx) or move it out of the input folder")
        return
    above = above | {(here.st_dev, here.st_ino)}
    for entry in entries:
        path = Path(entry.path)
        try:
            target = os.stat(path)
        except OSError as exc:
            if is_profile_name(entry.name) or entry.is_symlink():
                yield _broken(root, path, exc)
            continue
        if stat.S_ISDIR(target.st_mode):
            if (target.st_dev, target.st_ino) in above:
                yield _rejected(root, path, "link-loop", "symbolic link to a folder that contains it (a loop)",
                                "remove the link, or give the folder it points to as an input of its own")
            else:
                yield from _walk(root, path, above)
        elif is_profile_name(entry.name):
            yield _profile(root, path, target.st_mode)


def _profile(root: Path, path: Path, mode: int) -> tuple[Path, str] | RejectedRecord:
    if not stat.S_ISREG(mode):
        return _rejected(root, path, "not-a-file", f"not a regular file: {FILE_TYPES.get(stat.S_IFMT(mode), 'special')}",
                         NOT_A_FILE_HINT)
    name = path.relative_to(root).as_posix()
    if not _is_utf8(name):
        return _rejected(root, path, "file-name-not-utf8", "file name is not UTF-8 (it names the source in the graph)",
                         "rename it in UTF-8, e.g. convmv -f latin1 -t utf-8 --notest FILE")
    return path, name


def _given_file(path: Path) -> tuple[Path, str] | RejectedRecord:
    """A file given by its path (any name)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _broken(path.parent, path, exc)
    return _profile(path.parent, path, mode)


def _broken(root: Path, path: Path, exc: OSError) -> RejectedRecord:
    if exc.errno == errno.ELOOP:
        return _rejected(root, path, "link-loop", "symbolic link loop: it leads back to itself",
                         "remove the link or point it at a profile file")
    if isinstance(exc, FileNotFoundError):
        return _rejected(root, path, "broken-link", f"broken symbolic link to {shown_path(os.readlink(path))!r}",
                         "remove the link or restore the file it points to")
    return _rejected(root, path, "unreadable-file", f"cannot read file: {exc.strerror}",
                     "make it readable (chmod +r), or move it out of the input folder")


def _rejected(root: Path, path: Path, kind: str, reason: str, hint: str) -> RejectedRecord:
    """An entry that cannot be read, as a rejected input of one record."""
    name = path.relative_to(root).as_posix() if path != root else path.name
    return RejectedRecord(source=SourceRef(source=shown_path(name), path=str(path), line=1), first_line=1,
                          last_line=1, reason=reason, hint=hint, kind=kind, raw="")


def _is_utf8(name: str) -> bool:
    """Whether a name decoded from the file system (surrogate escapes for bytes that are
    not UTF-8, PEP 383) is UTF-8 text."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


__all__ = ["Inputs", "find_inputs", "is_profile_name"]

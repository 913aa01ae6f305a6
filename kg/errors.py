"""Error and diagnostic types. Each carries a source location and a hint, rendered
once here as ``path:line: error: message`` (the format compilers and linters use)."""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import PurePath
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kg.cleanup import SPILL_PREFIX


class Diagnostic(BaseModel):
    """One finding about the input: where, how bad, what, and how to fix it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    line: int | None = None
    severity: Literal["error", "warning"]
    message: str
    hint: str | None = None
    kind: str = "input"
    """A stable code for what was found (``one-word-name``, ``unmatched-abstract``): the
    terminal groups warnings by it, and scripts can filter the report's lists by it."""

    def render(self) -> str:
        where = f"{shown_path(self.path)}:{self.line}" if self.line else shown_path(self.path)
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class KgError(Exception):
    """Base of the errors the library raises; ``str()`` is the user-facing message."""

    exit_code = 3


class InputError(KgError):
    """Bad input: files that cannot be read or parsed, or a bad request (exit code 2)."""

    exit_code = 2

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        self.diagnostics = diagnostics if isinstance(diagnostics, list) else [diagnostics]
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    @classmethod
    def at(cls, path: str, line: int | None, message: str, hint: str | None = None,
           kind: str = "input") -> InputError:
        return cls(Diagnostic(path=path, line=line, severity="error", message=message, hint=hint, kind=kind))


class NonConformingError(KgError):
    """The graph does not conform to the SHACL shapes (exit code 1); ``report`` says how."""

    exit_code = 1
    report = None

    @classmethod
    def with_report(cls, report) -> NonConformingError:  # noqa: ANN001 - a kg.validate.ValidationReport
        error = cls("the exported graph does not conform to the shapes")
        error.report = report
        return error


class StoreError(KgError):
    """A triple store could not be reached or refused a request (exit code 2); the
    message is one line that names the endpoint and never a credential."""

    exit_code = 2

    def __init__(self, message: str):
        self.detail = message
        super().__init__(f"error: {message}")


_SHOWN_AS_ESCAPES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Unicode categories a terminal must not be given raw: controls (ESC starts an escape
sequence), format characters (bidi overrides reorder what is shown), surrogates,
private-use and unassigned code points, line and paragraph separators."""


def printable(text: str) -> str:
    """``text`` with every control, bidi or other format character written as an escape
    (``\\x1b``, ``\\u202e``), so data shown on a terminal cannot drive it; a zero-width
    joiner inside a word (emoji sequences, Indic scripts) is kept."""
    if text.isprintable():
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _SHOWN_AS_ESCAPES and c != "\u200d" else c
                   for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as text that is safe to print or write as UTF-8: bytes of a name that are
    not UTF-8 (PEP 383 surrogate escapes) as ``\\xNN``, control, bidi and other format
    characters as escapes (:func:`printable`), so a hostile file name cannot drive the
    terminal or break a UTF-8 report."""
    return printable(os.fsencode(path).decode("utf-8", "backslashreplace"))


_ENVIRONMENT_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, or write elsewhere",
    errno.EDQUOT: "the disk quota is used up: free some space, or write elsewhere",
    errno.EFBIG: "the file is larger than this system allows (see ulimit -f)",
    errno.EACCES: "no permission: choose another place, or change its permissions",
    errno.EPERM: "not permitted: choose another place, or change its permissions",
    errno.EROFS: "the file system is read-only: write elsewhere",
    errno.ENOTDIR: "a file stands where a folder should be",
    errno.EISDIR: "name a file, not a folder",
    errno.EEXIST: "a file stands where a folder should be",
}
TEMPORARY_HINT = "kg's working files go to the temporary folder: free space there, or set TMPDIR to a folder with room"


def environment_error(exc: OSError, path: str | os.PathLike[str] | None = None, doing: str | None = None) -> InputError:
    """An operating-system failure (permissions, a full disk, a path that is not what it
    should be) as ``path: error: …`` with a hint, exit code 2: the user's environment
    to fix, not a bug of kg's. ``path`` defaults to the one the error names."""
    where = path if path is not None else exc.filename if exc.filename is not None else "kg"
    reason = exc.strerror or str(exc)
    hint = _ENVIRONMENT_HINTS.get(exc.errno or 0)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) and _is_working_file(where):
        hint = TEMPORARY_HINT
    message = f"{doing}: {reason}" if doing else reason
    return InputError.at(os.fsdecode(where), None, message[:1].lower() + message[1:], hint, kind="environment")


def _is_working_file(path: str | os.PathLike[str]) -> bool:
    """Whether a path is in one of the stream's spill folders (kg.cleanup)."""
    return any(part.startswith(SPILL_PREFIX) for part in PurePath(os.fsdecode(path)).parts)

"""Parse stage: profile text files to typed :class:`~kg.models.Profile` records.

:func:`read_profile` reads and decodes a file; :func:`parse_profile` detects its
layout (:mod:`kg.parse.detect`) and hands the lines to that layout's reader. Every
problem is reported with file and line; a file with errors raises
:class:`~kg.errors.InputError` listing all of them, never a partial profile.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import Diagnostic, InputError
from kg.models import Layout, Profile, Record, SourceRef
from kg.parse.abstracts import parse_abstracts
from kg.parse.bibliography import parse_bibliography
from kg.parse.detect import detect_layout
from kg.parse.listing import parse_listing

READERS = {
    Layout.LISTING: parse_listing,
    Layout.BIBLIOGRAPHY: parse_bibliography,
    Layout.ABSTRACTS: parse_abstracts,
}


def decode_profile(data: bytes, path: str) -> str:
    """UTF-8 text of a profile file; binary or mis-encoded files raise InputError at the bad line."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError.at(path, line, "binary file (NUL byte), not a profile text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.at(path, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
                            "save the profile as UTF-8") from None


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; a missing final newline is fine."""
    return [(n, line.rstrip("\r")) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]


def parse_profile(text: str, file: SourceRef) -> Profile:
    """A profile's layout, owner and records. Raises InputError listing every error."""
    lines = numbered_lines(text)
    if not lines:
        raise InputError.at(file.path, 1, "empty file: no profile records",
                            "a profile lists works in one of the layouts the README describes")
    layout, owner, body_start = detect_layout(lines, file.path)
    records, problems = READERS[layout](lines[body_start:], file)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    warnings = [p for p in problems if p.severity == "warning"]
    if not records:
        warnings.append(Diagnostic(path=file.path, line=lines[0][0], severity="warning",
                                   message="profile lists no works"))
    return Profile(source=file.model_copy(update={"line": lines[0][0]}), layout=layout, owner=owner,
                   records=tuple(records), warnings=tuple(warnings))


def read_profile(path: Path, source: str) -> Profile:
    """Read and parse one profile file; ``source`` is its name in the graph."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.at(str(path), None, f"cannot read file: {exc.strerror}") from None
    file = SourceRef(source=source, path=str(path), line=1)
    return parse_profile(decode_profile(data, str(path)), file)


__all__ = ["decode_profile", "parse_profile", "read_profile", "Record"]

"""Parse stage: profile text files to typed :class:`~kg.models.Profile` records.

:func:`read_profile` reads and decodes a file; :func:`parse_profile` normalises it
(NFC; LF, CRLF or lone-CR line ends), detects its layout (:mod:`kg.parse.detect`) and
hands the lines to that layout's reader. Records that do not fit their layout are
returned as rejected records with file, line and reason, never joined to a neighbour;
a file that cannot be read at all raises :class:`~kg.errors.InputError`.
:func:`file_evidence` is the first pass over the inputs: the names they print where
nothing is glued (:mod:`kg.parse.evidence`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from kg.errors import Diagnostic, InputError, shown_path
from kg.models import Layout, Profile, Record, RejectedRecord, SourceRef
from kg.parse import bibliography, listing
from kg.parse.abstracts import parse_abstracts
from kg.parse.detect import detect_layout
from kg.parse.encoding import wide_encoding
from kg.parse.evidence import NO_EVIDENCE, Evidence, name_hash
from kg.parse.records import at
from kg.parse.text import numbered_lines

LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


class Context(NamedTuple):
    """What the parse of one file may use from outside it."""

    evidence: Evidence = NO_EVIDENCE
    splits: Mapping[str, Mapping[int, str]] = {}
    """A curation file's ``[[split]]`` entries: source -> byline line -> title."""


def _line_of(data: bytes, offset: int) -> int:
    return len(LINE_END_BYTES.findall(data, 0, offset)) + 1


def decode_profile(data: bytes, path: str) -> str:
    """UTF-8 text of a profile file; UTF-16 or UTF-32 text is an error that names the
    encoding and the fix (kg.parse.encoding), binary or mis-encoded files raise
    InputError at the bad line."""
    wide = wide_encoding(data)
    if wide is not None:
        raise InputError.at(path, 1, f"{wide.name} text, not UTF-8", wide.hint(path), kind="wide-encoding")
    if b"\x00" in data:
        raise InputError.at(path, _line_of(data, data.index(b"\x00")), "binary file (NUL byte), not a profile text file",
                            kind="binary-file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.at(path, _line_of(data, exc.start), f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
                            "save the profile as UTF-8; from Windows-1252 (or Latin-1): "
                            f"iconv -f WINDOWS-1252 -t UTF-8 {shown_path(path)} > NEW.txt", kind="not-utf8") from None


def _lines(text: str, file: SourceRef) -> list[tuple[int, str]]:
    lines = numbered_lines(text)
    if not lines:
        raise InputError.at(file.path, 1, "empty file: no profile records",
                            "a profile lists works in one of the layouts the README describes", kind="empty-file")
    return lines


def parse_profile(text: str, file: SourceRef, context: Context = Context()) -> Profile:
    """A profile's layout, owner, records and rejected records. Raises InputError when the
    file fits no layout."""
    lines = _lines(text, file)
    layout, owner, body_start = detect_layout(lines, file.path)
    body = lines[body_start:]
    choices = []
    if layout is Layout.LISTING:
        records, reader, choices = listing.parse_listing(body, file, context.evidence,
                                                         context.splits.get(file.source))
    elif layout is Layout.BIBLIOGRAPHY:
        records, reader = bibliography.parse_bibliography(body, file)
    else:
        records, reader = parse_abstracts(body, file)
    warnings = reader.warnings
    if not records and not reader.rejected:
        warnings.append(Diagnostic(path=file.path, line=lines[0][0], severity="warning",
                                   message="profile lists no works", kind="no-works"))
    return Profile(source=at(file, lines[0][0]), layout=layout, owner=owner,
                   records=tuple(records), warnings=tuple(warnings), rejected=tuple(reader.rejected),
                   choices=tuple(choices))


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.at(str(path), None, f"cannot read file: {exc.strerror}", kind="unreadable-file") from None
    return decode_profile(data, str(path))


def read_profile(path: Path, source: str, context: Context = Context()) -> Profile:
    """Read and parse one profile file; ``source`` is its name in the graph."""
    return parse_profile(_read(path), SourceRef(source=source, path=str(path), line=1), context)


HEAD_CHARS = 1 << 16
"""Enough of a file to tell its layout (its first three lines) without normalising all of it."""
RAW_FILE_CHARS = 200
"""What a rejected file's ``raw`` keeps of its first line."""


def rejected_file(error: InputError, path: Path, source: str) -> list[RejectedRecord]:
    """A file that cannot be read at all as rejected records (one per error), for
    ``--max-errors``: what it holds is unknown, so its first line stands for it."""
    try:
        with path.open("rb") as handle:
            first = handle.read(4 * RAW_FILE_CHARS)
        raw = LINE_END_BYTES.split(first, 1)[0].decode("utf-8", "replace").replace("\x00", "")[:RAW_FILE_CHARS]
    except OSError:
        raw = ""
    return [RejectedRecord(source=SourceRef(source=source, path=d.path, line=d.line or 1), first_line=d.line or 1,
                           last_line=d.line or 1, reason=d.message, hint=d.hint, kind=d.kind, raw=raw)
            for d in error.diagnostics]


def file_evidence(path: Path, source: str) -> set[int]:
    """Hashes (:func:`kg.parse.evidence.name_hash`) of the names a file prints where
    nothing is glued: owner headers, bibliography authors, listing authors after the
    first. A file that cannot be read gives none (its parse reports why)."""
    file = SourceRef(source=source, path=str(path), line=1)
    try:
        text = _read(path)
        layout, owner, body_start = detect_layout(_lines(text[:HEAD_CHARS], file), file.path)
        if layout is Layout.ABSTRACTS:  # names no one but a first-name owner
            return set()
        lines = _lines(text, file)
    except InputError:
        return set()
    found = set()
    if owner is not None and owner.family_name:
        found.add(name_hash("name", owner.name))
    if layout is not Layout.ABSTRACTS:
        reader = listing.evidence_names if layout is Layout.LISTING else bibliography.evidence_names
        found.update(name_hash(kind, name) for kind, name in reader(lines[body_start:], file))  # type: ignore[arg-type]
    return found


def gather_evidence(files: Sequence[tuple[Path, str]]) -> Evidence:
    """The evidence of every file (path, source name), gathered one file at a time."""
    names: set[int] = set()
    for path, source in files:
        names |= file_evidence(path, source)
    return Evidence(names)


__all__ = ["Context", "decode_profile", "file_evidence", "gather_evidence", "parse_profile", "read_profile",
           "rejected_file", "Record"]

"""Parse stage: the listing layout.

Each record is three lines in order: a header ``CATEGORYdate[Code]`` (``ROOct 8,
2020Code``), a byline ``TitleAuthor, Author et al. · org, org`` whose title is glued to
the first author (split by :mod:`kg.parse.byline`), and an abstract, which may be
missing when the next line is a header, or a short line that reads as a byline (the
next record's, its header lost). Every record starts at a header: a line where
a header should be (a cut header ``LGJul``, a byline whose header is missing, a second
abstract line) is an error at that line, and with ``--max-errors`` the lines up to the
next header are one rejected record, never text joined to the previous abstract.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from kg.models import BylineChoice, Layout, Record, SourceRef
from kg.parse.byline import BylineError, byline_pieces, parse_byline
from kg.parse.evidence import NO_EVIDENCE, Evidence
from kg.parse.records import Reader, at
from kg.parse.text import clean_abstract, looks_like_prose

MONTHS = {
    name: number
    for number, names in enumerate(
        [("Jan", "January"), ("Feb", "February"), ("Mar", "March"), ("Apr", "April"),
         ("May",), ("Jun", "June"), ("Jul", "July"), ("Aug", "August"),
         ("Sep", "Sept", "September"), ("Oct", "October"), ("Nov", "November"),
         ("Dec", "December")],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
HEADER = re.compile(
    rf"^(?P<category>[A-Za-z][A-Za-z.\-]*?)?(?P<month>{_MONTH})\.? (?P<day>\d{{1,2}}), "
    rf"(?P<year>\d{{4}})(?P<code>\s*Code)?$"
)
"""``ROOct 8, 2020Code``: category code, ``Mon D, YYYY`` date, optional ``Code`` badge."""
MAX_HEADER_CHARS = 64
RECORD_HINT = "a listing record is three lines: 'LGDec 14, 2023' / 'TitleFirst Author, Author et al. · org' / abstract"


class Header(NamedTuple):
    category: str | None
    date: datetime.date
    code_available: bool


def is_header(line: str) -> bool:
    if len(line) > 2 * MAX_HEADER_CHARS:
        return False  # an abstract: no need to copy it stripped
    line = line.strip()
    return len(line) <= MAX_HEADER_CHARS and bool(HEADER.match(line))


def parse_header(line: str) -> Header:
    """``ROOct 8, 2020Code`` -> (``RO``, 2020-10-08, True). Raises ValueError on a bad date."""
    match = HEADER.match(line.strip())
    if not match or len(line.strip()) > MAX_HEADER_CHARS:
        raise ValueError("not a listing header")
    date = datetime.date(int(match["year"]), MONTHS[match["month"]], int(match["day"]))
    return Header(match["category"] or None, date, bool(match["code"]))


def _next_header(lines: list[tuple[int, str]], k: int) -> int:
    return next((m for m in range(k, len(lines)) if is_header(lines[m][1])), len(lines))


class _Found(NamedTuple):
    header: int
    parsed: Header


def _walk(reader: Reader) -> Iterator[_Found]:
    """The headers of a listing's records, by structure; a line where a header should be
    is rejected through ``reader`` with the lines up to the next header."""
    lines = reader.lines
    i = 0
    while i < len(lines):
        number, text = lines[i]
        end = _next_header(lines, i + 1)
        if not is_header(text):
            reader.reject(i, i, end, f"expected a listing header such as 'LGDec 14, 2023', found "
                          f"{text.strip()[:60]!r}", RECORD_HINT, "bad-header")
        else:
            try:
                yield _Found(i, parse_header(text))
            except ValueError as exc:
                reader.reject(i, i, end, f"invalid date in header {text.strip()!r}: {exc}", RECORD_HINT, "bad-date")
            else:
                end = i + 1 + sum(1 for _ in _byline_and_abstract(lines, i))
        i = end


def _byline_and_abstract(lines: list[tuple[int, str]], i: int) -> Iterator[int]:
    """The indexes of the byline and abstract lines of the record whose header is line ``i``."""
    if i + 1 < len(lines) and not is_header(lines[i + 1][1]):
        yield i + 1
        if _is_abstract(lines, i + 2):
            yield i + 2


def _is_abstract(lines: list[tuple[int, str]], k: int) -> bool:
    """Whether line k, after a byline, is its record's abstract: not a header, and not a
    short line that reads as a byline (the next record's, whose header is missing)."""
    if k >= len(lines) or is_header(lines[k][1]):
        return False
    text = lines[k][1]
    if looks_like_prose(text):
        return True
    try:
        parse_byline(text)
    except BylineError:
        return True
    return False


def parse_listing(lines: list[tuple[int, str]], file: SourceRef, evidence: Evidence = NO_EVIDENCE,
                  splits: Mapping[int, str] | None = None) -> tuple[list[Record], Reader, list[BylineChoice]]:
    """Records of a listing; ``lines`` are the numbered non-blank lines after any owner
    header; ``splits`` maps a byline's line to the title a curation file chose for it."""
    reader = Reader(file, lines)
    records: list[Record] = []
    choices: list[BylineChoice] = []
    for i, header in _walk(reader):
        if i + 1 >= len(lines) or is_header(lines[i + 1][1]):
            reader.reject(i, i, i + 1, "listing header without a title and author line", RECORD_HINT, "missing-byline")
            continue
        byline_number, byline_text = lines[i + 1]
        has_abstract = _is_abstract(lines, i + 2)
        try:
            byline = parse_byline(byline_text, evidence, (splits or {}).get(byline_number))
        except BylineError as exc:
            reader.reject(i, i + 1, i + 3 if has_abstract else i + 2, str(exc),
                          "a listing byline is 'TitleFirst Author, Author et al. · org'; check the author names",
                          "bad-byline")
            continue
        if byline.choice is not None:
            choice = BylineChoice(source=at(file, byline_number), kept_title=byline.choice[0],
                                  kept_author=byline.choice[1], other_title=byline.choice[2],
                                  other_author=byline.choice[3])
            choices.append(choice)
            reader.warn(i + 1, choice.message(), "byline-near-tie")
        abstract = clean_abstract(lines[i + 2][1]) if has_abstract else None
        records.append(Record(
            source=at(file, lines[i][0]), layout=Layout.LISTING,
            title=byline.title or None, authors=byline.authors, authors_truncated=byline.truncated,
            date=header.date, category=header.category, code_available=header.code_available,
            organizations=byline.organizations, abstract=abstract or None,
        ))
    return records, reader, choices


def evidence_names(lines: list[tuple[int, str]], file: SourceRef) -> Iterator[tuple[str, str]]:
    """("name", display name) of the authors a listing prints where nothing is glued:
    every piece of a byline after the first, unchecked (a title with a comma gives a
    piece that is no name: it never matches a complete name)."""
    for i in range(len(lines) - 1):
        if is_header(lines[i][1]) and not is_header(lines[i + 1][1]):
            for piece in byline_pieces(lines[i + 1][1])[0][1:]:
                yield "name", piece.replace(", ", " ")

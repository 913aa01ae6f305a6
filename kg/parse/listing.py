"""Parse stage: the listing layout.

Each record is a header ``CATEGORYdate[Code]`` (``ROOct 8, 2020Code``), a byline
``TitleAuthor, Author et al. · org, org`` whose title is glued to the first author,
and an abstract. The glue is undone by structure: the first author starts at a capital
that follows a non-space character, and what follows it is a name by shape.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import NamedTuple

from kg.errors import Diagnostic
from kg.models import Agent, Layout, Record, SourceRef
from kg.parse.names import agent_from_display, is_organization_name, is_person_name
from kg.parse.text import clean_abstract, clean_text

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

ORGANIZATION_SEPARATOR = " \u00b7 "
TRUNCATION = re.compile(r",?\s+(?:et\s+al\.?|and\s+others)$")


class Header(NamedTuple):
    category: str | None
    date: datetime.date
    code_available: bool


class Byline(NamedTuple):
    title: str
    authors: tuple[Agent, ...]
    truncated: bool
    organizations: tuple[str, ...]


class BylineError(ValueError):
    """A byline whose title and authors cannot be told apart by structure."""


def is_header(line: str) -> bool:
    return bool(HEADER.match(line.strip()))


def parse_header(line: str) -> Header:
    """``ROOct 8, 2020Code`` -> (``RO``, 2020-10-08, True). Raises ValueError on a bad date."""
    match = HEADER.match(line.strip())
    if not match:
        raise ValueError("not a listing header")
    date = datetime.date(int(match["year"]), MONTHS[match["month"]], int(match["day"]))
    return Header(match["category"] or None, date, bool(match["code"]))


def _first_author_start(piece: str) -> int | None:
    """Where the first author begins in ``TitleFirst Author``.

    Candidates are capitals glued to the character before them. The earliest one
    after which a person name (two words or more) or a corporate name follows wins; a
    CamelCase corporate name (``DeepMind``) is trusted only if nothing else fits,
    because a title glued to a given name has the same shape."""
    weak = None
    for i in range(1, len(piece)):
        if not (piece[i].isupper() and not piece[i - 1].isspace()):
            continue
        name = piece[i:]
        if is_person_name(name, min_words=2) or is_organization_name(name, allow_camel=False):
            return i
        if weak is None and is_organization_name(name):
            weak = i
    return weak


def parse_byline(text: str) -> Byline:
    """Split ``TitleAuthor, Author et al. · org, org`` into its parts.

    The title may itself hold ", ": the glued piece is the last one that is not a name
    by itself, since every piece after it is an author. Raises :class:`BylineError`."""
    text = " ".join(text.split())
    body, sep, tail = text.rpartition(ORGANIZATION_SEPARATOR)
    if not sep:
        body, tail = text, ""
    organizations = tuple(t.strip() for t in tail.split(",") if t.strip())
    truncation = TRUNCATION.search(body)
    if truncation:
        body = body[: truncation.start()]
    pieces = body.split(", ")
    agents = [agent_from_display(p) for p in pieces]
    not_names = [k for k, agent in enumerate(agents) if agent is None]
    for k in range(not_names[-1] if not_names else 0, len(pieces)):
        start = _first_author_start(pieces[k])
        if start is None:
            continue
        first = agent_from_display(pieces[k][start:])
        title = clean_text(", ".join(pieces[:k] + [pieces[k][:start]]))
        authors = (first, *agents[k + 1 :])
        return Byline(title, authors, bool(truncation), organizations)  # type: ignore[arg-type]
    raise BylineError("cannot tell where the title ends and the first author begins")


def _grouped(lines: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    group: list[tuple[int, str]] = []
    for number, text in lines:
        if is_header(text) and group:
            yield group
            group = []
        group.append((number, text))
    if group:
        yield group


def parse_listing(lines: list[tuple[int, str]], file: SourceRef) -> tuple[list[Record], list[Diagnostic]]:
    """Records of a listing; ``lines`` are the numbered non-blank lines after any owner header."""
    records: list[Record] = []
    problems: list[Diagnostic] = []

    def report(line: int, severity: str, message: str, hint: str | None = None) -> None:
        problems.append(Diagnostic(path=file.path, line=line, severity=severity, message=message, hint=hint))

    for group in _grouped(lines):
        (number, header_text), body = group[0], group[1:]
        if not is_header(header_text):
            report(number, "error", "expected a listing header such as 'LGDec 14, 2023'",
                   "each record of a listing starts with CATEGORYdate[Code]")
            continue
        try:
            header = parse_header(header_text)
        except ValueError as exc:
            report(number, "error", f"invalid date in header {header_text.strip()!r}: {exc}")
            continue
        if not body:
            report(number, "error", "listing header without a title and author line")
            continue
        byline_number, byline_text = body[0]
        try:
            byline = parse_byline(byline_text)
        except BylineError as exc:
            report(byline_number, "error", str(exc),
                   "a listing byline is 'TitleFirst Author, Author et al. · org'; check the author names")
            continue
        abstract_lines = body[1:]
        if len(abstract_lines) > 1:
            report(abstract_lines[1][0], "warning",
                   f"abstract spans lines {abstract_lines[0][0]}-{abstract_lines[-1][0]}; joined into one")
        abstract = clean_abstract(" ".join(t for _, t in abstract_lines)) if abstract_lines else None
        records.append(Record(
            source=file.model_copy(update={"line": number}), layout=Layout.LISTING,
            title=byline.title or None, authors=byline.authors, authors_truncated=byline.truncated,
            date=header.date, category=header.category, code_available=header.code_available,
            organizations=byline.organizations, abstract=abstract or None,
        ))
    return records, problems

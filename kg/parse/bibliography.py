"""Parse stage: the bibliography layout.

An owner header ``Last, First``, then records of three lines in order: title, authors
``Last, First, Last, First, …``, abstract. A record is found by structure: a title is
any line followed by an author list; the abstract is the line after the authors unless
that line starts the next record (a record may have no abstract). A line that does not
fit where it stands is an error at that line (a rejected record with ``--max-errors``),
never text joined to a neighbour: an author list with a name the grammar refuses
(``Smith, Anna, 12345, !!!``), a title with no author list after it, an author list
where a title or an abstract should be.

Author lists may hold corporate authors (``OpenAI, null, :, null``: the group author
OpenAI, a ``:`` that is noise), particles (``Casas, Diego de Las``), initials (``Rae,
Jack W.``) and suffixes, printed after the family name (``Steele Jr., Guy L.``) or as a
token of their own (``Steele, Guy L., Jr.`` or ``Steele, Jr., Guy L.``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from kg.models import Agent, Layout, Record, SourceRef
from kg.parse.names import (
    MAX_NAME_CHARS,
    MAX_NAME_WORDS,
    is_family_name,
    is_given_name,
    is_name_word,
    is_suffix,
    person_from_inverted,
    split_family,
)
from kg.parse.organizations import is_organization_name, organization
from kg.parse.records import Reader, at
from kg.parse.text import clean_abstract, clean_text, looks_like_prose

MISSING = frozenset({"null", "None", ""})
NOISE = frozenset({":", ";", "&", "and"})
TRUNCATIONS = frozenset({"et al.", "et al", "others", "...", "\u2026"})


class Entry(NamedTuple):
    """One author of a list as printed, before it becomes an :class:`Agent`."""

    printed: str
    family: str
    given: str | None
    suffix: str | None
    organization: bool

    @property
    def display(self) -> str:
        """``Given Family Suffix``: the display name the agent gets."""
        family = f"{self.family} {self.suffix}" if self.suffix else self.family
        return f"{self.given} {family}" if self.given else family

    def agent(self) -> Agent:
        if self.organization:
            return organization(self.family)
        return person_from_inverted(self.printed, self.family, self.given, self.suffix)


class AuthorList(NamedTuple):
    entries: tuple[Entry, ...]
    truncated: bool
    paired: bool = True
    """Whether the list shows its ``Last, First`` pairing: a given name, a group author,
    or ``null`` where a given name would be (``王晋东, null``)."""

    def notes(self) -> Iterator[str]:
        """Warnings about names kept as printed but odd (a person with one name)."""
        for number, entry in enumerate(self.entries, 1):
            if not entry.organization and entry.given is None:
                yield (f"author {number} {entry.family!r} has no given name; kept as a person named "
                       f"{entry.display!r}")


class AuthorListError(ValueError):
    """A line that is not a ``Last, First, …`` author list."""


def _entry(printed: str, family: str, given: str | None, suffix: str | None, group: bool) -> Entry:
    if given is None and suffix is None and (group or is_organization_name(family)):
        return Entry(family, family, None, None, True)
    if not (is_family_name(family, given is not None) or (given is None and is_name_word(family))):
        raise AuthorListError(f"{printed!r} is not a 'Last, First' name")
    if given is not None and not is_given_name(given):
        raise AuthorListError(f"{printed!r} is not a 'Last, First' name")
    return Entry(printed, family, given, suffix, False)


def _group(entry: Entry) -> Entry:
    return Entry(entry.family, entry.family, None, None, True)


def parse_author_list(text: str) -> AuthorList:
    """``Rae, Jack W., OpenAI, null, :, null`` -> entries in order, read token by token.
    A ``:`` after one-name entries makes them all group authors (arXiv's ``A, B: names``
    form: ``Codefuse, null, Ling Team, null, :, null``). Raises AuthorListError."""
    tokens = [t.strip() for t in text.split(",")]
    truncated = bool(tokens) and tokens[-1] in TRUNCATIONS
    if truncated:
        tokens.pop()
    entries: list[Entry] = []
    paired = False
    run = 0
    """Where the run of one-name entries before the current one starts."""
    i = 0
    while i < len(tokens):
        family = tokens[i]
        if family in NOISE and (i + 1 == len(tokens) or tokens[i + 1] in MISSING):
            entries[run:] = [e if e.organization else _group(e) for e in entries[run:]]  # Codefuse, Ling Team:
            i += 2
            continue
        if family in MISSING:
            raise AuthorListError(f"author {len(entries) + 1} has no family name")
        start, suffix = i, None
        if i + 1 < len(tokens) and is_suffix(tokens[i + 1]):  # Steele, Jr., Guy L.
            suffix, i = tokens[i + 1], i + 1
        given = tokens[i + 1] if i + 1 < len(tokens) else None
        i += 2
        paired = paired or given is not None
        if given in MISSING:
            given = None
        elif suffix is None and i < len(tokens) and is_suffix(tokens[i]):  # Steele, Guy L., Jr.
            suffix, i = tokens[i], i + 1
        group = i < len(tokens) and tokens[i] in NOISE
        printed = ", ".join(t for t in tokens[start:i] if t not in MISSING)
        entries.append(_entry(printed, family, given, suffix, group))
        if given is not None or suffix is not None:
            run = len(entries)
    if not entries:
        raise AuthorListError("no author names")
    return AuthorList(tuple(entries), truncated, paired)


def read_author_list(text: str) -> AuthorList | AuthorListError:
    """An author list, or why the line is not one (cheap refusal of prose lines)."""
    if "," not in text:
        return AuthorListError("no 'Last, First' pair (no comma)")
    if looks_like_prose(text) and text.count(",") < 3:
        return AuthorListError("running text, not names")
    try:
        authors = parse_author_list(text)
    except AuthorListError as exc:
        return exc
    if not authors.paired:
        return AuthorListError("no 'Last, First' pair")
    return authors


def looks_like_author_list(text: str) -> bool:
    """Shaped like an author list even if a name is out of the grammar: commas between
    short pieces, not running text (where a record's author line stands)."""
    tokens = text.split(",")
    return (len(tokens) >= 2 and all(len(t) <= MAX_NAME_CHARS and t.count(" ") < MAX_NAME_WORDS for t in tokens)
            and not (len(tokens) < 4 and looks_like_prose(text)))


def is_author_list(text: str) -> bool:
    """Whether a line is a ``Last, First, …`` author list (at least one full pair)."""
    return isinstance(read_author_list(text), AuthorList)


def is_owner_header(text: str) -> bool:
    """``Clark, Aidan`` (or ``Steele, Guy L., Jr.``): one ``Last, First`` person."""
    found = read_author_list(text)
    return isinstance(found, AuthorList) and len(found.entries) == 1 and found.entries[0].given is not None


def owner_from_header(text: str) -> Agent:
    (entry,) = parse_author_list(text).entries
    return entry.agent().model_copy(update={"printed": text.strip()})


class _Found(NamedTuple):
    """A record's lines (indexes into the file's lines) and its author list."""

    title: int
    authors: AuthorList
    abstract: int | None


def walk(reader: Reader) -> Iterator[_Found]:
    """The records of a bibliography by structure; a line out of place is rejected through
    ``reader`` with the record it belongs to, up to where the next record starts."""
    lines = reader.lines
    parsed: dict[int, AuthorList | AuthorListError] = {}

    def authors(k: int) -> AuthorList | AuthorListError | None:
        if k >= len(lines):
            return None
        if k not in parsed:
            parsed[k] = read_author_list(lines[k][1])
        return parsed[k]

    def is_authors(k: int) -> bool:
        return k < len(lines) and isinstance(authors(k), AuthorList)

    def shaped(k: int) -> bool:
        return k < len(lines) and looks_like_author_list(lines[k][1])

    def starts_record(k: int) -> bool:
        """Line k is a title: an author list follows it (or a line shaped like one that is
        not itself a title before an author list)."""
        return not looks_like_prose(lines[k][1]) and (
            is_authors(k + 1) or (shaped(k + 1) and not is_authors(k + 2)))

    def is_abstract(k: int) -> bool:
        """Line k, after an author list, is an abstract: running text, or a sentence the
        next record follows (a short abstract); else the title of a record whose author
        list is missing, never text taken for the neighbour's abstract."""
        text = lines[k][1]
        if looks_like_prose(text):
            return True
        return text.rstrip().endswith(".") and (k + 1 == len(lines) or starts_record(k + 1))

    def next_record(k: int) -> int:
        return next((m for m in range(k, len(lines)) if starts_record(m)), len(lines))

    i = 0
    while i < len(lines):
        found = authors(i + 1)
        if not isinstance(found, AuthorList):
            if is_authors(i):
                reader.reject(i, i, next_record(i + 1), "expected a title, found an author list (is the title "
                              "missing?)", "a bibliography record is three lines: title, authors, abstract",
                              "missing-title")
            elif found is None or starts_record(i + 1):
                reader.reject(i, i, i + 1, "title without an author list after it",
                              "a bibliography record is three lines: title, authors, abstract", "missing-authors")
            else:
                reader.reject(i, i + 1, next_record(i + 1), f"expected an author list (Last, First, …): {found}",
                              "a bibliography record is three lines: title, authors, abstract", "bad-authors")
            i = next_record(i + 1)
            continue
        k = i + 2
        if k < len(lines) and not starts_record(k):
            if _author_shaped(lines[k][1]) and is_authors(k):
                reader.reject(i, k, next_record(k + 1), "expected an abstract, found another author list (an "
                              "author list over two lines, or a title missing before it?)",
                              "a record's authors are one line", "authors-continued")
                i = next_record(k + 1)
                continue
            if is_abstract(k):
                yield _Found(i, found, k)
                k += 1
            else:
                yield _Found(i, found, None)  # line k is the next record's title: the walk reads it there
        else:
            yield _Found(i, found, None)
        i = k


def parse_bibliography(lines: list[tuple[int, str]], file: SourceRef) -> tuple[list[Record], Reader]:
    """Records of a bibliography; ``lines`` are the numbered non-blank lines after the owner header."""
    reader = Reader(file, lines)
    records: list[Record] = []
    for found in walk(reader):
        title_no, title = lines[found.title]
        for note in found.authors.notes():
            reader.warn(found.title + 1, note, "one-word-name")
        abstract = clean_abstract(lines[found.abstract][1]) if found.abstract is not None else None
        records.append(Record(
            source=at(file, title_no), layout=Layout.BIBLIOGRAPHY,
            title=clean_text(title) or None, authors=tuple(e.agent() for e in found.authors.entries),
            authors_truncated=found.authors.truncated, abstract=abstract or None,
        ))
    return records, reader


def _split_evidence(family: str, given: str) -> Iterator[tuple[str, str]]:
    """("split", "Given\x00Family") where display order would read ``Given Family`` otherwise."""
    agent = person_from_inverted(f"{family}, {given}", family, given)
    if agent.given_name and agent.family_name and not agent.suffix:
        words = agent.name.split(" ")
        if split_family(words) != len(agent.given_name.split(" ")):
            yield "split", f"{agent.given_name}\x00{agent.family_name}"


def evidence_names(lines: list[tuple[int, str]], file: SourceRef) -> Iterator[tuple[str, str]]:
    """(kind, display name) of the authors of a bibliography's records, read fast and
    unchecked (evidence only counts for names a byline split finds complete): author lines
    are the second line after the owner, then two lines on where a record has no abstract
    (the line after the authors is not prose and the next is shaped like authors), else
    three, or the next line shaped like one where a record lacks a line; a person is a
    ``Last, First`` pair, an organisation a group author (``Nvidia, null, :, null``)."""
    i = 1
    while i < len(lines):
        if not _author_shaped(lines[i][1]):
            i += 1
            continue
        tokens = lines[i][1].split(", ")
        no_abstract = i + 2 < len(lines) and _author_shaped(lines[i + 2][1]) and not _author_shaped(lines[i + 1][1])
        i += 2 if no_abstract else 3
        run: list[str] = []
        for k in range(len(tokens) - 1):
            family, given = tokens[k], tokens[k + 1]
            if family in MISSING or family in NOISE:
                continue
            if given in MISSING:
                run.append(family)
                if k + 2 < len(tokens) and tokens[k + 2] in NOISE:
                    yield from (("organization", name) for name in run)
                else:
                    yield "name", family
            elif k % 2 == 0:
                run = []
                yield "name", f"{given} {family}"
                if " " in given or " " in family:
                    yield from _split_evidence(family, given)


def _author_shaped(text: str) -> bool:
    """Cheaply: a line of short comma-separated pieces (an author list), not running text."""
    commas, spaces = text.count(", "), text.count(" ")
    return commas > 0 and (commas * 4 >= spaces or spaces <= MAX_NAME_WORDS + commas)

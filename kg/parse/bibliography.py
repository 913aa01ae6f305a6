"""Parse stage: the bibliography layout.

An owner header ``Last, First``, then records of three lines: title, authors
``Last, First, Last, First, …`` and abstract. Author lists may hold corporate authors
(``OpenAI, null, :, null``: the organisation OpenAI, a ``:`` that is noise), particles
(``Casas, Diego de Las``) and initials (``Rae, Jack W.``). A record is anchored on its
author line: a title is the line before an author list.
"""

from __future__ import annotations

from typing import NamedTuple

from kg.errors import Diagnostic
from kg.models import Agent, Layout, Record, SourceRef
from kg.parse.names import (
    is_family_name,
    is_name_word,
    is_organization_name,
    organization,
    person_from_inverted,
)
from kg.parse.text import clean_abstract, clean_text, looks_like_prose

MISSING = {"null", "None", ""}
NOISE = {":", ";", "&", "and"}
TRUNCATIONS = {"et al.", "et al", "others", "...", "\u2026"}


class AuthorList(NamedTuple):
    authors: tuple[Agent, ...]
    truncated: bool
    notes: tuple[str, ...]
    """Warnings about names kept as printed but odd (a person with one name)."""


class AuthorListError(ValueError):
    """A line that is not a ``Last, First, …`` author list."""


def _is_given_name(text: str) -> bool:
    return all(is_name_word(w) for w in text.split(" "))


def _agent(family: str, given: str | None, printed: str, group_author: bool) -> Agent:
    if given is None and (group_author or is_organization_name(family)):
        return organization(family)
    if not (is_family_name(family) or (given is None and is_name_word(family))):
        raise AuthorListError(f"{printed!r} is not a 'Last, First' name")
    if given is not None and not _is_given_name(given):
        raise AuthorListError(f"{printed!r} is not a 'Last, First' name")
    return person_from_inverted(printed, family, given)


def parse_author_list(text: str) -> AuthorList:
    """``Rae, Jack W., OpenAI, null, :, null`` -> agents in order. Raises AuthorListError."""
    tokens = [t.strip() for t in text.split(",")]
    truncated = bool(tokens) and tokens[-1] in TRUNCATIONS
    if truncated:
        tokens.pop()
    pairs = [(tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None) for i in range(0, len(tokens), 2)]
    authors: list[Agent] = []
    notes: list[str] = []
    for index, (family, given) in enumerate(pairs):
        if family in NOISE and given in MISSING:
            continue
        given = None if given in MISSING else given
        group_author = index + 1 < len(pairs) and pairs[index + 1][0] in NOISE
        printed = family if given is None else f"{family}, {given}"
        if family in MISSING:
            raise AuthorListError(f"author {len(authors) + 1} has no family name")
        agent = _agent(family, given, printed, group_author)
        if agent.kind == "person" and agent.given_name is None:
            notes.append(f"author {len(authors) + 1} {family!r} has no given name; kept as a person "
                         f"named {family!r}")
        authors.append(agent)
    if not authors:
        raise AuthorListError("no author names")
    return AuthorList(tuple(authors), truncated, tuple(notes))


def is_author_list(text: str) -> bool:
    """Whether a line is a ``Last, First, …`` author list (at least one full pair)."""
    if "," not in text or looks_like_prose(text) and len(text.split(",")) < 4:
        return False
    try:
        return any(a.given_name or a.kind == "organization" for a in parse_author_list(text).authors)
    except AuthorListError:
        return False


def is_owner_header(text: str) -> bool:
    """``Clark, Aidan``: one ``Last, First`` pair."""
    return text.count(",") == 1 and is_author_list(text)


def owner_from_header(text: str) -> Agent:
    family, given = (t.strip() for t in text.split(","))
    return person_from_inverted(text.strip(), family, given)


def _starts_record(lines: list[tuple[int, str]], k: int) -> bool:
    """Line k is a title: an author list follows it and it is not prose."""
    return k + 1 < len(lines) and is_author_list(lines[k + 1][1]) and not looks_like_prose(lines[k][1])


def parse_bibliography(lines: list[tuple[int, str]], file: SourceRef) -> tuple[list[Record], list[Diagnostic]]:
    """Records of a bibliography; ``lines`` are the numbered non-blank lines after the owner header."""
    records: list[Record] = []
    problems: list[Diagnostic] = []

    def report(line: int, severity: str, message: str, hint: str | None = None) -> None:
        problems.append(Diagnostic(path=file.path, line=line, severity=severity, message=message, hint=hint))

    i = 0
    while i < len(lines):
        if not _starts_record(lines, i):
            report(lines[i][0], "error", "expected a title followed by an author list (Last, First, …)",
                   "a bibliography record is three lines: title, authors, abstract")
            i = next((k for k in range(i + 1, len(lines)) if _starts_record(lines, k)), len(lines))
            continue
        (title_no, title), (authors_no, authors_text) = lines[i], lines[i + 1]
        k = i + 2
        while k < len(lines) and is_author_list(lines[k][1]) and not _starts_record(lines, k):
            report(lines[k][0], "warning", f"author list of line {authors_no} continues on line {lines[k][0]}")
            authors_text += ", " + lines[k][1]
            k += 1
        author_list = parse_author_list(authors_text)
        for note in author_list.notes:
            report(authors_no, "warning", note)
        abstract_start = k
        while k < len(lines) and not _starts_record(lines, k):
            k += 1
        abstract_lines = lines[abstract_start:k]
        if len(abstract_lines) > 1:
            report(abstract_lines[1][0], "warning",
                   f"abstract spans lines {abstract_lines[0][0]}-{abstract_lines[-1][0]}; joined into one")
        abstract = clean_abstract(" ".join(t for _, t in abstract_lines))
        records.append(Record(
            source=file.model_copy(update={"line": title_no}), layout=Layout.BIBLIOGRAPHY,
            title=clean_text(title) or None, authors=author_list.authors,
            authors_truncated=author_list.truncated, abstract=abstract or None,
        ))
        i = k
    return records, problems

"""Typed records: the boundary between parsing and mapping.

Parsers produce these frozen models; mappers read them and never see text. Every
record keeps the :class:`SourceRef` it came from, so later stages can say where a
value was printed.
"""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from kg.errors import Diagnostic


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Layout(str, Enum):
    """The profile layouts the parsers know (README, "Input layouts")."""

    LISTING = "listing"
    """``CATEGORYdate[Code]`` / ``TitleAuthor, Author et al. · orgs`` / abstract."""
    BIBLIOGRAPHY = "bibliography"
    """Owner ``Last, First`` header, then title / ``Last, First, …`` / abstract."""
    ABSTRACTS = "abstracts"
    """Abstract-only lines, with a first-name header or none."""


class SourceRef(_Frozen):
    """Where something was printed: the input file (as named in the export) and a 1-based line."""

    source: str
    """The file's name relative to the folder it was found in (its identity in the graph)."""
    path: str
    """The path as the user gave it, for messages."""
    line: int


class Agent(_Frozen):
    """An author or profile owner as the source printed it, split into name parts."""

    printed: str
    """Exactly as the source printed it (``Mądry, Aleksander``, ``Gemini Team``)."""
    kind: Literal["person", "organization"]
    name: str
    """Display form: ``Given Family`` for people, the name for organisations."""
    given_name: str | None = None
    family_name: str | None = None
    """With its particles: ``Casas, Diego de Las`` has family name ``de Las Casas``."""
    suffix: str | None = None
    """A generational suffix (``Jr.``, ``III``): part of the display name, never of the
    family name (schema:honorificSuffix)."""


class Record(_Frozen):
    """One work as one profile listed it."""

    source: SourceRef
    """The record's first line."""
    layout: Layout
    title: str | None = None
    authors: tuple[Agent, ...] = ()
    authors_truncated: bool = False
    """True where the source cut the list short (``et al.``)."""
    date: datetime.date | None = None
    category: str | None = None
    """The category code as printed (``LG``)."""
    code_available: bool | None = None
    """The ``Code`` badge; None where the layout cannot say."""
    organizations: tuple[str, ...] = ()
    """Organisation tags as printed (``openai``)."""
    abstract: str | None = None
    """Cleaned: no ``Abstract:`` prefix, no LaTeX escapes, whitespace folded."""


class RejectedRecord(_Frozen):
    """A record that could not be read (README, "Lenient exports"): where, why, and its
    lines as printed. Under ``--max-errors`` it is skipped and reported; otherwise it is
    an error that stops the export."""

    source: SourceRef
    """The file and the line where the record went wrong."""
    first_line: int
    last_line: int
    """The lines the record spans (up to where the next record starts)."""
    reason: str
    hint: str | None = None
    kind: str = "input"
    raw: str
    """The record's lines as printed, one per line."""

    def diagnostic(self) -> Diagnostic:
        line = None if self.kind in WHOLE_INPUT_KINDS else self.source.line
        return Diagnostic(path=self.source.path, line=line, severity="error", message=self.reason,
                          hint=self.hint, kind=self.kind)


WHOLE_INPUT_KINDS = frozenset({"unreadable-file", "unreadable-folder", "broken-link", "link-loop", "not-a-file",
                               "file-name-not-utf8"})
"""Rejected inputs that are not lines of a file (kg.inputs): their messages name no line."""


class BylineChoice(_Frozen):
    """Two readings of a glued byline that score close: the kept one, and the other,
    which a curation file's ``[[split]]`` can choose instead."""

    source: SourceRef
    """The byline's line."""
    kept_title: str
    kept_author: str
    other_title: str
    other_author: str

    def message(self) -> str:
        return (f"two readings of this byline are close: kept the title {self.kept_title!r} with first author "
                f"{self.kept_author!r}, not {self.other_title!r} with {self.other_author!r}; a curation file's "
                f"[[split]] can choose the other")


class Profile(_Frozen):
    """One input file: its layout, its owner (if the file names one) and its records."""

    source: SourceRef
    layout: Layout
    owner: Agent | None = None
    records: tuple[Record, ...]
    warnings: tuple[Diagnostic, ...] = ()
    """What was parsed but looked odd (a person with one name, two close readings of a byline)."""
    rejected: tuple[RejectedRecord, ...] = ()
    """Records that could not be read; the others are in ``records``."""
    choices: tuple[BylineChoice, ...] = ()
    """Bylines whose two best readings were close (the report lists them)."""


class Authorship(_Frozen):
    """One position of a work's author list (prov:Attribution)."""

    position: int
    agent: str
    """IRI of the person or organisation."""
    printed: str


class Work(_Frozen):
    """One paper, reconciled over every record that lists it."""

    iri: str
    title: str | None = None
    abstract: str | None = None
    date: datetime.date | None = None
    category: str | None = None
    """The category code as printed (``LG``)."""
    code_available: bool | None = None
    organizations: tuple[str, ...] = ()
    """IRIs of the organisation tags."""
    authorships: tuple[Authorship, ...] = ()
    authors_complete: bool | None = None
    """None when no source gives authors."""
    sources: tuple[SourceRef, ...]
    """Every record this work was derived from."""


class Person(_Frozen):
    iri: str
    name: str
    given_name: str | None = None
    family_name: str | None = None
    suffix: str | None = None
    """schema:honorificSuffix (``Jr.``, ``III``)."""
    alternate_names: tuple[str, ...] = ()


class Organization(_Frozen):
    iri: str
    name: str
    alternate_names: tuple[str, ...] = ()


class ProfileSummary(_Frozen):
    """A profile as the graph states it: its file, layout, owner and the works it lists."""

    iri: str
    source: SourceRef
    layout: Layout
    owner: str | None = None
    """IRI of the owner."""
    owner_inferred: bool = False
    """True where no header names the owner and it was inferred from the listed works."""
    works: tuple[str, ...] = ()
    records: tuple[Record, ...] = ()
    """What the file said, as parsed: kept in the file's named graph."""


class SourceValues(_Frozen):
    """One value that some sources gave for a field, and which sources gave it."""

    value: str
    sources: tuple[SourceRef, ...]


class Disagreement(_Frozen):
    """Sources that list the same work give different values for one of its fields."""

    work: str
    field: Literal["title", "abstract", "date", "category", "authors"]
    values: tuple[SourceValues, ...]
    kept: str
    rule: str
    """Why ``kept`` won (README, "Identity and reconciliation")."""


class PersonCandidate(_Frozen):
    """Two people whose names match loosely (initials, a missing middle name): reported
    for a person to confirm in a curation file, never merged by the rules."""

    people: tuple[str, str]
    names: tuple[str, str]
    reason: str


class OwnerCandidate(_Frozen):
    """The one author of a first-name owner's listed works who has that first name."""

    profile: str
    owner: str
    candidate: str
    name: str


class UnmatchedAbstract(NamedTuple):
    """An abstract-only record that matched no titled record, and the untitled work it
    became (a plain tuple: a large export has hundreds of thousands)."""

    source: str
    path: str
    line: int
    work: str

    @property
    def ref(self) -> SourceRef:
        return SourceRef(source=self.source, path=self.path, line=self.line)


class ReconciliationReport(_Frozen):
    """What reconciliation decided that a person may want to check (the ``--report`` file)."""

    disagreements: tuple[Disagreement, ...] = ()
    unmatched_abstracts: tuple[UnmatchedAbstract, ...] = ()
    person_candidates: tuple[PersonCandidate, ...] = ()
    owner_candidates: tuple[OwnerCandidate, ...] = ()
    inferred_owners: tuple[tuple[str, str], ...] = ()
    """(profile, person) for headerless profiles whose owner was inferred."""
    curation_unused: tuple[str, ...] = ()
    """Names in the curation file that no input mentions."""
    rejected: tuple[RejectedRecord, ...] = ()
    """Records skipped under ``--max-errors``, by source and line."""
    byline_choices: tuple[BylineChoice, ...] = ()
    """Bylines whose two best readings were close, and the one kept."""


class ExportSummary(_Frozen):
    """What an export holds and found, without its works: enough for the run summary,
    the report and the VoID description, whichever way the export was built."""

    base: str
    profiles: tuple[ProfileSummary, ...]
    """Without their records."""
    records: int
    works: int
    people: int
    organizations: int
    report: ReconciliationReport
    warnings: tuple[Diagnostic, ...] = ()
    """What the inputs and the curation file warn of; the report's disagreements and
    unmatched abstracts are warnings too (kg.reconcile.report_warnings)."""


class KnowledgeGraph(_Frozen):
    """Everything an export states, reconciled, before it becomes triples."""

    base: str
    works: tuple[Work, ...]
    people: tuple[Person, ...]
    organizations: tuple[Organization, ...]
    profiles: tuple[ProfileSummary, ...]
    warnings: tuple[Diagnostic, ...] = ()
    report: ReconciliationReport = ReconciliationReport()


class Curation(_Frozen):
    """A person's decisions that override the identity rules (README, "Curation file")."""

    path: str | None = None
    same: tuple[tuple[str, ...], ...] = ()
    """Groups of names that are one person; the first name's identity wins."""
    different: tuple[tuple[str, ...], ...] = ()
    """Groups of spellings that the rules would merge but are different people."""
    owners: tuple[tuple[str, str], ...] = ()
    """(profile source name, person name): who owns a profile whose header says too little."""
    splits: tuple[tuple[str, int, str], ...] = ()
    """(profile source name, byline line, title): how a glued byline splits, where the
    rules' two best readings were close (README, "Curation file")."""

"""Reconcile stage, the report: what a person may want to check, assembled once from the
findings of every partition, each list in its one order (README, "Reports").

Order: disagreements by work, then field (:data:`kg.reconcile.works.FIELDS`); unmatched
abstracts, rejected records and byline choices by source and line; person candidates by
their pair of IRIs; owner candidates and inferred owners by profile source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from kg.errors import Diagnostic
from kg.identity import Iris
from kg.models import (
    BylineChoice,
    Disagreement,
    OwnerCandidate,
    PersonCandidate,
    ReconciliationReport,
    RejectedRecord,
    SourceRef,
    UnmatchedAbstract,
)
from kg.reconcile.works import FIELDS


def sorted_rejected(rejected: Iterable[RejectedRecord]) -> tuple[RejectedRecord, ...]:
    """Rejected records in the report's order: by source, then line."""
    return tuple(sorted(rejected, key=lambda r: (r.source.source, r.first_line, r.source.line)))


@dataclass
class Findings:
    """The report's lists as partitions find them, in any order (``merge`` concatenates)."""

    disagreements: list[Disagreement] = field(default_factory=list)
    unmatched: list[UnmatchedAbstract] = field(default_factory=list)
    person_candidates: list[PersonCandidate] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)
    choices: list[BylineChoice] = field(default_factory=list)

    def merge(self, other: Findings) -> None:
        self.disagreements += other.disagreements
        self.unmatched += other.unmatched
        self.person_candidates += other.person_candidates
        self.rejected += other.rejected
        self.choices += other.choices


def assemble_report(findings: Findings, owner_candidates: Iterable[OwnerCandidate], inferred: Mapping[str, str],
                    curation_unused: Iterable[str], iris: Iris) -> ReconciliationReport:
    """The report, each list in its order (``inferred``: profile source -> owner IRI)."""
    return ReconciliationReport(
        disagreements=tuple(sorted(findings.disagreements, key=lambda d: (d.work, FIELDS.index(d.field)))),
        unmatched_abstracts=tuple(sorted(findings.unmatched, key=lambda u: (u.source, u.line))),
        person_candidates=tuple(sorted(findings.person_candidates, key=lambda c: c.people)),
        owner_candidates=tuple(sorted(owner_candidates, key=lambda c: c.profile)),
        inferred_owners=tuple((iris.profile(s), o) for s, o in sorted(inferred.items())),
        curation_unused=tuple(sorted(curation_unused)),
        rejected=sorted_rejected(findings.rejected),
        byline_choices=tuple(sorted(findings.choices, key=lambda c: (c.source.source, c.source.line))))


def _where(ref: SourceRef) -> str:
    return f"{ref.source}:{ref.line}"


def _warning(ref: SourceRef, message: str, kind: str) -> Diagnostic:
    return Diagnostic(path=ref.path, line=ref.line, severity="warning", message=message, kind=kind)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def disagreement_warning(d: Disagreement) -> Diagnostic:
    """The one-line form of a disagreement, for the run summary on stderr."""
    first = min((s for v in d.values for s in v.sources), key=lambda s: (s.source, s.line))
    given = "; ".join(f"{_short(v.value)!r} ({', '.join(map(_where, v.sources))})" for v in d.values)
    return _warning(first, f"sources disagree on the {d.field} of {d.work}: {given}; kept {_short(d.kept)!r} "
                           f"({d.rule})", "disagreement")


def unmatched_warning(unmatched: UnmatchedAbstract) -> Diagnostic:
    return _warning(unmatched.ref, f"abstract-only record matches no titled record: {unmatched.work} has no title",
                    "unmatched-abstract")


def report_warnings(report: ReconciliationReport) -> Iterator[Diagnostic]:
    """The report's disagreements and unmatched abstracts as warnings, one at a time (a
    large export has hundreds of thousands)."""
    yield from map(disagreement_warning, report.disagreements)
    yield from map(unmatched_warning, report.unmatched_abstracts)

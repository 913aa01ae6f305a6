"""Reconcile stage, the partition functions: what one batch of profiles, of works or of
people gives, as mergeable partial states (STYLE.md, "One path, many partitions").

The in-memory build (:func:`kg.reconcile.build.build_graph`) runs each phase on one
partition; the streaming export (kg.stream) runs them on many batches in worker
processes and merges the partial states in the main process. Every rule they apply
lives in the modules these functions call, once:

- :class:`Scan` (``add_profile``): a profile's owner (kg.reconcile.owners), its
  records' work keys and the abstract index (kg.reconcile.works), the spellings of
  people (kg.reconcile.people), organisation names (kg.reconcile.organizations),
  categories, and the report's rejected records and byline choices;
- :class:`WorkFindings` (``add``): one work from its records, its disagreements and
  unmatched abstracts, the profiles that list it and its evidence of their owners;
- :class:`PeopleFindings` (``add``): people resolved from their spellings, the curation
  file's names they use, the ones owner candidates need.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.errors import Diagnostic
from kg.identity import Iris, People, text_key
from kg.models import Person, Profile, ProfileSummary, Record, RejectedRecord, Work
from kg.reconcile.organizations import OrganizationNames
from kg.reconcile.owners import OwnerEvidence, profile_owner
from kg.reconcile.people import CurationUse, Spellings, author_place, owner_place, spelling
from kg.reconcile.report import Findings
from kg.reconcile.works import AbstractIndex, WorkKey, abstract_digest, index_record, reconcile_work, unmatched_of


@dataclass
class Known:
    """What every partition of a run reads: the IRIs, who is who (the curation file),
    and once the scan is merged, the profiles (without records) and first-name owners."""

    iris: Iris
    people: People
    profiles: dict[str, ProfileSummary] = field(default_factory=dict)
    scoped: dict[str, str] = field(default_factory=dict)
    """First-name owners (persons scoped to their profile): IRI -> name."""

    def is_person(self, node: str) -> bool:
        """Whether an IRI is a person's: every person IRI (kg.identity) but a first-name
        owner's starts with the person prefix."""
        return node.startswith(self.iris.person_prefix) or node in self.scoped


class Scan:
    """What reading some profiles gives: records under their work key (titled) or waiting
    for the abstract index (abstract-only), and the counts every later phase needs."""

    def __init__(self) -> None:
        self.abstracts = AbstractIndex()
        self.spellings = Spellings()
        self.organizations = OrganizationNames()
        self.categories: set[str] = set()
        self.titled: list[tuple[WorkKey, Record]] = []
        self.pending: list[tuple[int, Record]] = []
        """(abstract digest, record): abstract-only records."""
        self.profiles: list[ProfileSummary] = []
        """Without their records."""
        self.scoped: dict[str, str] = {}
        self.warnings: list[tuple[str, Diagnostic]] = []
        """(source, warning): in the order of the sources, then as found."""
        self.findings = Findings()
        self.records = 0

    def add_profile(self, profile: Profile, known: Known) -> ProfileSummary:
        """Scan one profile; returns its summary with its records (its file's graph)."""
        source = profile.source.source
        self.findings.rejected += profile.rejected
        self.findings.choices += profile.choices
        self.warnings += [(source, w) for w in profile.warnings]
        owner, agent, scoped = profile_owner(profile, known.people)
        if agent is not None:  # counted after every record's authors (:func:`owner_place`)
            self.spellings.add((owner, *spelling(agent)), owner_place(source))  # type: ignore[arg-type]
        if scoped is not None:  # a person of one spelling, resolved with the others
            self.spellings.add((scoped.iri, scoped.name, scoped.given_name, None, None), owner_place(source))
            self.scoped[scoped.iri] = scoped.name
        summary = ProfileSummary(iri=known.iris.profile(source), source=profile.source, layout=profile.layout,
                                 owner=owner, records=profile.records)
        self.profiles.append(summary.model_copy(update={"records": ()}))
        self.records += len(profile.records)
        for record in profile.records:
            self.add_record(record, known.people)
        return summary

    def add_record(self, record: Record, people: People) -> None:
        spelled = []
        for position, agent in enumerate(record.authors):  # one pass: the hot loop of a scan
            if agent.kind == "person":
                spelled.append(((people.agent(agent), *spelling(agent)), 1, author_place(record, position)))
            else:
                self.organizations.add(people.agent(agent), agent.name)
        self.spellings.add_rows(spelled)
        for tag in record.organizations:
            self.organizations.add(people.iris.organization(text_key(tag)), tag)
        if record.category:
            self.categories.add(record.category)
        key = index_record(record, self.abstracts)
        if key is None:
            self.pending.append((abstract_digest(record), record))
        else:
            self.titled.append((key, record))

    def add_unreadable(self, rejected: Iterable[RejectedRecord]) -> None:
        """Records of files that could not be read at all."""
        self.findings.rejected += rejected

    def merge(self, other: Scan) -> None:
        self.abstracts.merge(other.abstracts)
        self.spellings.merge(other.spellings)
        self.organizations.merge(other.organizations)
        self.categories |= other.categories
        self.titled += other.titled
        self.pending += other.pending
        self.profiles += other.profiles
        self.scoped.update(other.scoped)
        self.warnings += other.warnings
        self.findings.merge(other.findings)
        self.records += other.records

    def sorted_warnings(self) -> list[Diagnostic]:
        return [w for _, w in sorted(self.warnings, key=lambda sw: sw[0])]

    def know(self, known: Known) -> None:
        """Tell ``known`` the profiles and first-name owners (after the whole scan)."""
        known.profiles = {p.source.source: p for p in self.profiles}
        known.scoped = dict(self.scoped)


class WorkFindings:
    """What reconciling some works gives besides the works: the report's findings, the
    owners' evidence, and which profile lists which work."""

    def __init__(self) -> None:
        self.findings = Findings()
        self.owners = OwnerEvidence()
        self.listed: list[tuple[str, str]] = []
        """(profile source, work IRI)."""
        self.works = 0

    def add(self, iri: str, records: Sequence[Record], known: Known) -> Work:
        """One work from its records (by source and line)."""
        work, found = reconcile_work(iri, records, known.iris, known.people)
        self.findings.disagreements += found
        self.findings.unmatched += unmatched_of(iri, work, records)
        for source in sorted({r.source.source for r in records}):
            self.listed.append((source, iri))
            self.owners.add(known.profiles[source], work, records, known.people, known.scoped, known.is_person)
        self.works += 1
        return work

    def merge(self, other: WorkFindings) -> None:
        self.findings.merge(other.findings)
        self.owners.merge(other.owners)
        self.listed += other.listed
        self.works += other.works


class PeopleFindings:
    """What resolving some people gives besides the people: the curation file's names
    none of them uses, the people owner candidates need, and how many."""

    def __init__(self, people: People, wanted: set[str]) -> None:
        self.curation = CurationUse(people)
        self.wanted_iris = wanted
        self.wanted: dict[str, Person] = {}
        self.people = 0

    def add(self, spellings: Spellings, known: Known) -> list[Person]:
        """The people of these spellings (every spelling of each person), by IRI."""
        persons = spellings.resolve()
        self.curation.add(p for p in persons if p.iri not in known.scoped)
        self.wanted.update((p.iri, p) for p in persons if p.iri in self.wanted_iris)
        self.people += len(persons)
        return persons

    def merge(self, other: PeopleFindings) -> None:
        self.curation.merge(other.curation)
        self.wanted.update(other.wanted)
        self.people += other.people

"""Reconcile stage, the in-memory build: every phase of kg.reconcile.partition on one
partition (the default), or on the batches a :class:`Partition` names, merged in its
order: the property test's way to show that any partition gives the same graph.

The streaming export (kg.stream) runs the same partition functions on batches of
files, work buckets and person buckets, spilling between phases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kg.identity import Iris, People
from kg.models import Curation, ExportSummary, KnowledgeGraph, Person, Profile, ProfileSummary, RejectedRecord
from kg.reconcile.partition import Known, PeopleFindings, Scan, WorkFindings
from kg.reconcile.people import Spellings, curation_warnings, family_key, person_candidates
from kg.reconcile.report import assemble_report
from kg.reconcile.works import WorkGroups, digest


@dataclass(frozen=True)
class Partition:
    """How a build splits each phase: ``profiles``, batches of profile positions (in the
    sorted order) in the order merged, None for one batch; ``works``, ``people`` and
    ``families``, the order in which that many batches (works by key, people by IRI,
    candidates by family name) are merged."""

    profiles: tuple[tuple[int, ...], ...] | None = None
    works: tuple[int, ...] = (0,)
    people: tuple[int, ...] = (0,)
    families: tuple[int, ...] = (0,)


WHOLE = Partition()


def build_graph(profiles: Sequence[Profile], base: str, curation: Curation | None = None,
                rejected: Sequence[RejectedRecord] = (), partition: Partition = WHOLE) -> KnowledgeGraph:
    """Merge parsed profiles into one reconciled description (works, people, organisations,
    profiles) and the report of what a person may want to check; ``rejected``: the
    records of files that could not be read at all (the profiles hold their own)."""
    iris = Iris(base)
    known = Known(iris, People(iris, curation))
    ordered = sorted(profiles, key=lambda p: p.source.source)
    scan, whole = Scan(), {}
    for batch in partition.profiles or (tuple(range(len(ordered))),):
        part = Scan()
        whole.update((ordered[i].source.source, part.add_profile(ordered[i], known)) for i in batch)
        scan.merge(part)
    scan.add_unreadable(rejected)
    scan.know(known)

    groups = [WorkGroups() for _ in partition.works]
    for key, record in scan.titled:
        groups[key[1] % len(groups)].add(key, record)
    for abstract, record in scan.pending:
        key = scan.abstracts.resolve(abstract)
        groups[key[1] % len(groups)].add(key, record)
    found, works = WorkFindings(), []
    for index in partition.works:
        part = WorkFindings()
        works += [part.add(iri, records, known) for iri, records in groups[index].resolve(iris)]
        found.merge(part)
    works.sort(key=lambda w: w.iri)

    spellings = [Spellings() for _ in partition.people]
    for key, count, where in scan.spellings.rows():
        spellings[digest(key[0]) % len(spellings)].add(key, where, count)
    people, persons = PeopleFindings(known.people, found.owners.wanted()), []
    for index in partition.people:
        part = PeopleFindings(known.people, found.owners.wanted())
        persons += part.add(spellings[index], known)
        people.merge(part)
    persons.sort(key=lambda p: p.iri)
    found.findings.person_candidates += _candidates(persons, partition.families)

    inferred = found.owners.inferred()
    listed: dict[str, set[str]] = defaultdict(set)
    for source, work in found.listed:
        listed[source].add(work)
    summaries = tuple(_summary(whole[s], tuple(sorted(listed[s])), inferred.get(s)) for s in sorted(whole))
    scan.findings.merge(found.findings)
    unused = people.curation.resolve()
    report = assemble_report(scan.findings, found.owners.candidates(known.profiles, known.scoped, people.wanted),
                             inferred, unused, iris)
    return KnowledgeGraph(
        base=iris.base, works=tuple(works), people=tuple(persons), organizations=tuple(scan.organizations.resolve()),
        profiles=summaries, warnings=(*scan.sorted_warnings(), *curation_warnings(known.people, unused)),
        report=report)


def _candidates(persons: Sequence[Person], order: Sequence[int]) -> list:
    """Person candidates found among the people of one family name at a time, in batches
    of family names merged in ``order``."""
    batches: list[list[Person]] = [[] for _ in order]
    for person in persons:
        if (family := family_key(person)) is not None:
            batches[digest(family) % len(batches)].append(person)
    return [c for index in order for c in person_candidates(batches[index])]


def _summary(profile: ProfileSummary, works: tuple[str, ...], inferred: str | None) -> ProfileSummary:
    update: dict[str, object] = {"works": works}
    if inferred is not None:
        update |= {"owner": inferred, "owner_inferred": True}
    return profile.model_copy(update=update)


def summary_of(graph: KnowledgeGraph) -> ExportSummary:
    """The counts and findings of a whole-built graph, as a streaming export reports them."""
    return ExportSummary(
        base=graph.base, profiles=tuple(p.model_copy(update={"records": ()}) for p in graph.profiles),
        records=sum(len(p.records) for p in graph.profiles), works=len(graph.works), people=len(graph.people),
        organizations=len(graph.organizations), report=graph.report, warnings=graph.warnings)

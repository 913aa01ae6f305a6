"""Streaming export, the phases' batch functions: evidence, scan, works, people,
candidates and the tail, each a function of (the run, a batch) run in a worker process;
the rules they apply are kg.reconcile's partition functions."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


from kg.codec import codec
from kg.errors import InputError
from kg.mapping.agent import organization_to_triples, person_to_triples
from kg.mapping.category import categories_to_triples
from kg.mapping.profile import file_to_triples, listing_to_triples
from kg.mapping.terms import Quad, Triple, iri, schema
from kg.mapping.work import work_to_triples
from kg.models import Organization, Person, PersonCandidate, ProfileSummary, Record
from kg.parse import file_evidence, read_profile, rejected_file
from kg.reconcile.partition import PeopleFindings, Scan, WorkFindings
from kg.reconcile.people import Spellings, family_key, person_candidates
from kg.reconcile.works import WorkGroups
from kg.validate.batches import FILE_SHAPES, OTHER_SHAPES, PEOPLE_SHAPES, PROFILE_SHAPES, WORK_SHAPES
from kg.stream.run import BUCKETS, BatchResult, bucket_of, current, pickled, timed

@dataclass
class Gathered(BatchResult):
    """The evidence of one batch of files."""

    names: set[int] = field(default_factory=set)


def gather_batch(files: Sequence[tuple[str, str]]) -> Gathered:
    out = Gathered()
    with timed(out.clock, "parse"):
        for path, source in files:
            out.names |= file_evidence(Path(path), source)
    return out


@dataclass
class Scanned(BatchResult):
    """What one batch of files gives the main process: the scan's partial state
    (kg.reconcile.partition.Scan) without its records and spellings, which are spilled."""

    scan: Scan = field(default_factory=Scan)
    spill: dict[str, bytes] = field(default_factory=dict)
    """Rows for the spill files (:class:`Spill`), pickled, by file name."""
    spellings: int = 0
    """Spelling rows spilled (each a person's distinct spelling in this batch)."""


def scan_batch(files: Sequence[tuple[str, str]]) -> Scanned:
    run, out = current(), Scanned()
    scan = out.scan
    quads: list[Quad] = []
    for path, source in files:
        try:
            with timed(out.clock, "parse"):
                profile = read_profile(Path(path), source, run.context)
        except InputError as exc:
            scan.add_unreadable(rejected_file(exc, Path(path), source))
            continue
        with timed(out.clock, "reconcile"):
            summary = scan.add_profile(profile, run.known)
        graph = iri(run.iris.file_graph(source))
        with timed(out.clock, "map"):
            quads.extend((s, p, o, graph) for s, p, o in file_to_triples(summary, run.iris))
    with timed(out.clock, "reconcile"):
        out.spellings = len(scan.spellings)
        out.spill = spill_scan(scan)
    # The file graphs' own subjects; each profile is validated and written whole in the tail.
    profile_iris = {iri(p.iri) for p in scan.profiles}
    quads = [q for q in quads if q[0] not in profile_iris]
    out.check(quads, FILE_SHAPES)
    out.emit(quads)
    return out


def spill_scan(scan: Scan) -> dict[str, bytes]:
    """A scan's records (titled by work key, abstract-only as ``pending``) and spellings
    (by person IRI) as spill rows, taken out of the scan."""
    spill: dict[str, list] = defaultdict(list)
    for key, record in scan.titled:
        spill[f"w{key[1] % BUCKETS}"].append((key, record_row(record)))
    for abstract, record in scan.pending:
        spill["pending"].append((abstract, record_row(record)))
    for key, count, where in scan.spellings.rows():  # key[0]: the person's IRI
        spill[f"s{bucket_of(key[0])}"].append((key, count, where))
    scan.titled, scan.pending, scan.spellings = [], [], Spellings()
    return {name: pickled(rows) for name, rows in spill.items()}


record_row, row_record = codec(Record)
"""A record as plain data for the spill files and back (kg.codec: generated from the
model's fields, so a new field is never dropped; rebuilt unchecked)."""


# ---------------------------------------------------------------- 3. works

@dataclass
class Worked(BatchResult):
    found: WorkFindings = field(default_factory=WorkFindings)
    records: int = 0
    """Records read (progress)."""
    """The works' findings (kg.reconcile.partition), without their listings, which are spilled."""
    listings: dict[str, bytes] = field(default_factory=dict)
    """(profile source, work IRI) rows, pickled, by spill file (``h<batch>``): written
    with the profile in the tail."""


def works_batch(buckets: Sequence[int]) -> Worked:
    run, out = current(), Worked()
    found = out.found
    reconciled = iri(run.iris.reconciled_graph)
    groups = WorkGroups()
    with timed(out.clock, "reconcile"):
        for bucket in buckets:
            for key, row in run.spill.rows(f"w{bucket}"):
                groups.add(key, row_record(row))
                out.records += 1
        works = groups.resolve(run.iris)
    del groups
    quads: list[Quad] = []
    listing: list[Quad] = []
    checked_from = listed_from = 0
    for count, (work_iri, records) in enumerate(works, 1):
        listed = len(found.listed)
        with timed(out.clock, "reconcile"):
            work = found.add(work_iri, records, run.known)
        with timed(out.clock, "map"):
            quads.extend((s, p, o, reconciled) for s, p, o in work_to_triples(work, run.iris))
            listing += [(iri(run.profiles[source].iri), schema.hasPart, iri(work_iri), reconciled)
                        for source, _ in found.listed[listed:]]
        if (run.engine == "pyshacl" and count % run.batches.validate_works == 0) or count == len(works):
            check_works(quads[checked_from:] + listing[listed_from:], out)
            checked_from, listed_from = len(quads), len(listing)
    listings: dict[str, list] = defaultdict(list)
    for source, work_iri in found.listed:
        listings[f"h{run.profile_batch[source]}"].append((source, work_iri))
    found.listed = []
    out.listings = {name: pickled(rows) for name, rows in listings.items()}
    out.emit(quads)
    return out


def check_works(quads: Sequence[Quad], out: Worked) -> None:
    """The works' shapes on some works, with the header of every profile listing them
    (a whole batch's works with the fast engine; with pyshacl, whose time per work grows
    with the size of the graph, ``Batches.validate_works`` at a time)."""
    run = current()
    if run.validate:
        listing = sorted({q[0] for q in quads if q[1] == schema.hasPart})
        out.check(quads, WORK_SHAPES, [t for p in listing for t in profile_header(run.profile_of_iri[p])])


def profile_header(profile: ProfileSummary) -> list[Triple]:
    """A profile's own triples from its file graph (the run keeps profiles without their
    records): the context that lets a batch check the profile whole."""
    return list(file_to_triples(profile, current().iris))


# ---------------------------------------------------------------- 4. people

@dataclass
class Peopled(BatchResult):
    found: PeopleFindings | None = None
    spellings: int = 0
    """Spelling rows read (progress)."""
    by_family: dict[str, bytes] = field(default_factory=dict)
    """People with a family and given name, pickled, by spill file (``c<bucket>``): the
    candidate search compares only people of one family name."""


def people_batch(buckets: Sequence[int]) -> Peopled:
    """The people of some spelling buckets: resolved, mapped, validated, written."""
    run, out = current(), Peopled()
    with timed(out.clock, "reconcile"):
        spellings = Spellings()
        for bucket in buckets:
            rows = list(run.spill.rows(f"s{bucket}"))
            out.spellings += len(rows)
            spellings.add_rows(rows)
        out.found = PeopleFindings(run.people, run.wanted)
        people = out.found.add(spellings, run.known)
        del spellings
        by_family: dict[str, list] = defaultdict(list)
        for person in people:
            if (family := family_key(person)) is not None:
                row = (person.iri, person.name, person.given_name, person.family_name)
                by_family[f"c{bucket_of(family)}"].append(row)
        out.by_family = {name: pickled(rows) for name, rows in by_family.items()}
    reconciled = iri(run.iris.reconciled_graph)
    with timed(out.clock, "map"):
        quads = [(s, p, o, reconciled) for person in people for s, p, o in person_to_triples(person)]
    out.check(quads, PEOPLE_SHAPES)
    out.emit(quads)
    return out


def candidates_batch(buckets: Sequence[int]) -> list[PersonCandidate]:
    """Person candidates among the people of some family-name buckets."""
    people = sorted((Person.model_construct(iri=i, name=n, given_name=g, family_name=f, suffix=None,
                                            alternate_names=())
                     for b in buckets for i, n, g, f in current().spill.rows(f"c{b}")), key=lambda p: p.iri)
    return person_candidates(people)


# ---------------------------------------------------------------- 5. tail


def tail_others(organizations: Sequence[Organization], codes: Sequence[str]) -> BatchResult:
    """Organisations and categories."""
    run, out = current(), BatchResult()
    reconciled = iri(run.iris.reconciled_graph)
    with timed(out.clock, "map"):
        quads = [(s, p, o, reconciled) for org in organizations for s, p, o in organization_to_triples(org)]
        quads += [(s, p, o, reconciled) for s, p, o in categories_to_triples(codes)]
    out.check(quads, OTHER_SHAPES)
    out.emit(quads)
    return out


def tail_profiles(batch: tuple[int, Sequence[str]]) -> BatchResult:
    """One tail batch of profiles (its index, their sources), each written whole: its own
    triples in its file's graph, then in the reconciled graph the works it lists (spilled
    by the works batches) and its inferred owner. Each is checked whole, its file's
    triples as context (the links to works were checked with the works)."""
    run, out = current(), BatchResult()
    index, sources = batch
    reconciled = iri(run.iris.reconciled_graph)
    listed: dict[str, set[str]] = defaultdict(set)
    for source, work in run.spill.rows(f"h{index}"):
        listed[source].add(work)
    owners: list[Quad] = []
    headers: list[Quad] = []
    written: list[Quad] = []
    with timed(out.clock, "map"):
        for source in sources:
            profile = run.profiles[source]
            own = iri(profile.iri)
            header = profile_header(profile)
            headers += [(s, p, o, "") for s, p, o in header]
            written += [(s, p, o, iri(run.iris.file_graph(source))) for s, p, o in header if s == own]
            owned = profile.model_copy(update={"works": tuple(sorted(listed[source]))})
            if source in run.inferred:
                owned = owned.model_copy(update={"owner": run.inferred[source], "owner_inferred": True})
                owners += [(s, p, o, reconciled) for s, p, o in listing_to_triples(owned) if p != schema.hasPart]
            written += [(s, p, o, reconciled) for s, p, o in listing_to_triples(owned)]
    out.check(owners + headers, PROFILE_SHAPES)
    out.emit(written)
    return out



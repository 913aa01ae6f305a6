"""Streaming export: records flow through parse, reconcile, map, validate and write in
bounded batches, in parallel on ``jobs`` processes, with the same output bytes for any
``jobs``.

1. **Scan** (batches of files): parse; map and validate each file's own graph (its
   profile and records as printed) and write it; spill every record to one of
   :data:`BUCKETS` files on disk, chosen by its work's key; keep only the identity
   index: which titled work each abstract belongs to, and every person's spellings.
2. **Resolve**: abstract-only records join the bucket of their titled work (or stay
   works of their own); people and organisations get their display names.
3. **Works** (batches of buckets): reconcile each work from its records, map,
   validate, write.
4. **Tail**: people, organisations, categories, inferred owners.

Validation of a batch uses the same shapes as a whole-graph run, with the batch's own
subjects as focus nodes and, as context, the rdf:type triples of the nodes they point
to (README, "Scale" explains why the verdicts are the same).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kg.errors import Diagnostic, InputError
from kg.identity import Iris, People, text_key
from kg.namespaces import CATEGORY_NS
from kg.mapping.agent import organization_to_triples, person_to_triples
from kg.mapping.category import categories_to_triples
from kg.mapping.profile import file_to_triples, listing_to_triples
from kg.mapping.terms import Quad, Term, Triple, foaf, iri, kg, prov, rdf, schema, skos
from kg.mapping.work import work_to_triples
from kg.models import (
    Agent,
    Curation,
    Disagreement,
    ExportSummary,
    Layout,
    Organization,
    OwnerCandidate,
    Person,
    ProfileSummary,
    ReconciliationReport,
    Record,
    SourceRef,
    Work,
)
from kg.parse import read_profile
from kg.reconcile import (
    organizations_from_names,
    curation_warnings,
    disagreement_warning,
    fits_first_name,
    person_candidates,
    person_from_spellings,
    profile_owner,
    reconcile_work,
    unmatched_warning,
    untitled_key,
    unused_curation,
)
from kg.serialize import ChunkWriter
from kg.validate import ShapeResult, sorted_results, validate_batch

BUCKETS = 256
"""Spill files of records, by work key: a bucket holds ~1/256 of the works."""
FILES_PER_BATCH = 64
WORKS_PER_BATCH = 500
PEOPLE_PER_BATCH = 5000
VALIDATE_WORKS = 50
"""Works per pyshacl run within a batch: its time per work grows with the graph's size."""

FIELDS = ("title", "abstract", "date", "category", "authors")
"""The order kg.reconcile reports a work's disagreements in."""

Progress = Callable[[str, int, int], None]
"""(stage, done, total): called as batches finish."""


@contextmanager
def _timed(clock: Counter, stage: str) -> Iterator[None]:
    """Add the seconds a block takes to ``clock[stage]`` (per process; summed by the main one)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        clock[stage] += time.perf_counter() - start


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


# ---------------------------------------------------------------- shared state of a run

@dataclass
class _Run:
    """What every batch of one export needs; set before the worker processes start, so
    they inherit it (fork) and no batch sends it again."""

    iris: Iris
    people: People
    fmt: str
    validate: bool
    spill: Path
    profiles: dict[str, ProfileSummary] = field(default_factory=dict)
    person_names: dict[str, Person] = field(default_factory=dict)
    """Every person of the export (scoped owners too), by IRI."""
    organizations: set[str] = field(default_factory=set)
    file_iris: set[str] = field(default_factory=set)
    profile_of_iri: dict[Term, ProfileSummary] = field(default_factory=dict)


_RUN: _Run | None = None


def _run() -> _Run:
    assert _RUN is not None, "no export is running"
    return _RUN


def _map_batches(function: Callable, batches: Sequence, jobs: int) -> Iterator:
    """``function`` over ``batches`` in order, on ``jobs`` forked processes."""
    if jobs <= 1 or len(batches) <= 1:
        yield from map(function, batches)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(function, batches)


# ---------------------------------------------------------------- validation of a batch

_TYPES_OF_KIND = {
    "person": (schema.Person, foaf.Person),
    "organization": (schema.Organization, foaf.Organization),
    "category": (skos.Concept, schema.DefinedTerm),
    "record": (kg.SourceRecord, prov.Entity),
    "file": (kg.SourceFile, prov.Entity),
}


def _context_types(triples: Iterable[Triple], own: set[Term]) -> list[Triple]:
    """rdf:type triples of the nodes a batch points to but does not describe: what the
    shapes' sh:class checks look up. Only nodes the export does describe get them."""
    run, base = _run(), _run().iris.base
    found: list[Triple] = []
    seen: set[Term] = set()
    for _, predicate, o in triples:
        if o in own or o in seen or not o.startswith("<") or predicate == rdf.type:
            continue
        seen.add(o)
        node = o[1:-1]
        kind = None
        if node in run.person_names:
            kind = "person"
        elif node in run.organizations:
            kind = "organization"
        elif node.startswith(CATEGORY_NS):
            kind = "category"
        elif node in run.file_iris:
            kind = "file"
        elif node.startswith(f"{base}source/") and node.rsplit("/L", 1)[0] in run.file_iris:
            kind = "record"
        for cls in _TYPES_OF_KIND.get(kind, ()):  # type: ignore[arg-type]
            found.append((o, rdf.type, cls))
    return found


FILE_SHAPES = ("SourceRecordShape", "SourceRecordAsPrintedShape", "SourceFileShape")
WORK_SHAPES = ("WorkShape", "AuthorListShape", "AuthorshipsShape", "AuthorshipShape", "ProfileShape")
PEOPLE_SHAPES = ("PersonShape",)
OTHER_SHAPES = ("OrganizationShape", "ConceptShape")
PROFILE_SHAPES = ("ProfileShape", "InferredOwnerShape")
"""The node shapes each kind of batch runs: those whose targets the batch describes
whole. Every targeted shape is in one of them (a test checks it)."""


def _validate(quads: Sequence[Quad], shapes: Sequence[str], context: Sequence[Triple] = ()) -> list[ShapeResult]:
    """Results of ``shapes`` on ``quads``, with ``context`` and the types of the nodes
    they point to as extra data."""
    if not _run().validate or not quads:
        return []
    own = {q[0] for q in quads} | {t[0] for t in context}
    triples = [q[:3] for q in quads] + list(context)
    triples += _context_types(triples, own)
    return validate_batch(triples, shapes)


# ---------------------------------------------------------------- 1. scan

@dataclass
class _Scanned:
    """What one batch of files gives the main process."""

    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    profiles: list[ProfileSummary] = field(default_factory=list)
    scoped: list[Person] = field(default_factory=list)
    spill: dict[int, bytes] = field(default_factory=dict)
    pending: bytes = b""
    abstracts: list[tuple[int, int]] = field(default_factory=list)
    spellings: dict[tuple, tuple[int, tuple]] = field(default_factory=dict)
    """(person, name, given, family) -> (times seen, first place seen)."""
    organizations: Counter = field(default_factory=Counter)
    categories: set[str] = field(default_factory=set)
    text: str = ""
    quads: int = 0
    records: int = 0
    results: list[ShapeResult] = field(default_factory=list)
    clock: Counter = field(default_factory=Counter)


def _scan(files: Sequence[tuple[str, str]]) -> _Scanned:
    run, out = _run(), _Scanned()
    quads: list[Quad] = []
    spill: dict[int, list] = defaultdict(list)
    pending: list = []
    for path, source in files:
        try:
            with _timed(out.clock, "parse"):
                profile = read_profile(Path(path), source)
        except InputError as exc:
            out.errors.extend(exc.diagnostics)
            continue
        out.warnings.extend(profile.warnings)
        owner, agent, scoped = profile_owner(profile, run.people)
        if agent is not None:  # counted after every record's authors, as kg.reconcile does
            _spelling(out, (owner, agent.name, agent.given_name, agent.family_name), (1, source, 0, 0))
        if scoped is not None:
            out.scoped.append(scoped)
        summary = ProfileSummary(iri=run.iris.profile(source), source=profile.source, layout=profile.layout,
                                 owner=owner, records=profile.records)
        graph = iri(run.iris.file_graph(source))
        with _timed(out.clock, "map"):
            quads.extend((s, p, o, graph) for s, p, o in file_to_triples(summary, run.iris))
        out.profiles.append(summary.model_copy(update={"records": ()}))
        out.records += len(profile.records)
        with _timed(out.clock, "reconcile"):
            for record in profile.records:
                _index_record(record, out, spill, pending)
    if out.errors:
        return _Scanned(errors=out.errors)
    with _timed(out.clock, "reconcile"):
        out.spill = {b: pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL) for b, rows in spill.items()}
        out.pending = pickle.dumps(pending, protocol=pickle.HIGHEST_PROTOCOL)
    # The file graphs' own subjects; each profile is validated whole in the tail.
    profile_iris = {iri(p.iri) for p in out.profiles}
    checked = [q for q in quads if q[0] not in profile_iris]
    with _timed(out.clock, "validate"):
        out.results = _validate(checked, FILE_SHAPES)
    with _timed(out.clock, "write"):
        out.text, out.quads = ChunkWriter.chunk(quads, run.fmt), len(quads)
    return out


def _index_record(record: Record, out: _Scanned, spill: dict[int, list], pending: list) -> None:
    people = _run().people
    for position, agent in enumerate(record.authors):
        agent_iri = people.agent(agent)
        if agent.kind == "person":
            where = (0, record.source.source, record.source.line, position)
            _spelling(out, (agent_iri, agent.name, agent.given_name, agent.family_name), where)
        else:
            out.organizations[(agent_iri, agent.name)] += 1
    for tag in record.organizations:
        out.organizations[(_run().iris.organization(text_key(tag)), tag)] += 1
    if record.category:
        out.categories.add(record.category)
    row = _row(record)
    if record.title:
        title = _digest(text_key(record.title))
        spill[title % BUCKETS].append((("t", title), row))
        if record.abstract:
            out.abstracts.append((_digest(text_key(record.abstract)), title))
    else:
        pending.append((_digest(untitled_key(record)), row))


def _spelling(out: _Scanned, key: tuple, where: tuple) -> None:
    """Count one spelling of a person and keep where it was first seen."""
    seen = out.spellings.get(key)
    out.spellings[key] = (1, where) if seen is None else (seen[0] + 1, min(seen[1], where))


def _row(record: Record) -> tuple:
    """A record as plain data for the spill files (pickles fast, rebuilt unchecked)."""
    return (record.source.source, record.source.path, record.source.line, record.layout.value, record.title,
            tuple((a.printed, a.kind, a.name, a.given_name, a.family_name) for a in record.authors),
            record.authors_truncated, record.date, record.category, record.code_available,
            record.organizations, record.abstract)


def _record(row: tuple) -> Record:
    source, path, line, layout, title, authors, truncated, date, category, code, orgs, abstract = row
    return Record.model_construct(
        source=SourceRef.model_construct(source=source, path=path, line=line), layout=Layout(layout),
        title=title, authors=tuple(Agent.model_construct(printed=a[0], kind=a[1], name=a[2], given_name=a[3],
                                                         family_name=a[4]) for a in authors),
        authors_truncated=truncated, date=date, category=category, code_available=code,
        organizations=orgs, abstract=abstract)


# ---------------------------------------------------------------- 3. works

@dataclass
class _Worked:
    text: str = ""
    quads: int = 0
    works: int = 0
    results: list[ShapeResult] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    unmatched: list[tuple[SourceRef, str]] = field(default_factory=list)
    common_authors: dict[str, set[str] | None] = field(default_factory=dict)
    """Headerless profiles: the people who authored every work seen (None: a work without)."""
    first_name_fits: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    clock: Counter = field(default_factory=Counter)


def _spilled(path: Path) -> Iterator[tuple]:
    """Every row appended to a spill file (a sequence of pickled lists)."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        while True:
            try:
                yield from pickle.load(handle)
            except EOFError:
                return


def _load_bucket(bucket: int) -> dict[tuple, list[Record]]:
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for key, row in _spilled(_run().spill / f"{bucket}.pkl"):
        groups[key].append(_record(row))
    return groups


def _group_iri(key: tuple, records: Sequence[Record]) -> str:
    iris = _run().iris
    titled = next((r for r in records if r.title), None)
    if titled is not None:
        return iris.work(text_key(titled.title))  # type: ignore[arg-type]
    return iris.untitled_work(untitled_key(records[0]))


def _works(buckets: Sequence[int]) -> _Worked:
    run, out = _run(), _Worked()
    reconciled = iri(run.iris.reconciled_graph)
    groups = {}
    with _timed(out.clock, "reconcile"):
        for bucket in buckets:
            for key, records in _load_bucket(bucket).items():
                records.sort(key=lambda r: (r.source.source, r.source.line))
                groups[_group_iri(key, records)] = records
    quads: list[Quad] = []
    checked_from = 0
    for count, work_iri in enumerate(sorted(groups), 1):
        records = groups[work_iri]
        with _timed(out.clock, "reconcile"):
            work, found = reconcile_work(work_iri, records, run.iris, run.people)
        out.disagreements.extend(found)
        if work.title is None:
            out.unmatched.extend((r.source, work_iri) for r in records)
        with _timed(out.clock, "map"):
            quads.extend((s, p, o, reconciled) for s, p, o in work_to_triples(work, run.iris))
        for source in sorted({r.source.source for r in records}):
            profile = run.profiles[source]
            quads.append((iri(profile.iri), schema.hasPart, iri(work_iri), reconciled))
            _note_owner_evidence(profile, work, out)
        out.works += 1
        if count % VALIDATE_WORKS == 0 or count == len(groups):
            with _timed(out.clock, "validate"):
                out.results += _validate_works(quads[checked_from:])
            checked_from = len(quads)
    with _timed(out.clock, "write"):
        out.text, out.quads = ChunkWriter.chunk(quads, run.fmt), len(quads)
    return out


def _validate_works(quads: Sequence[Quad]) -> list[ShapeResult]:
    """The works' shapes on some works, with the header of every profile listing them
    (pyshacl's time per work grows with the size of the graph: small batches are faster)."""
    run = _run()
    if not run.validate:
        return []
    listing = sorted({q[0] for q in quads if q[1] == schema.hasPart})
    context = [t for p in listing for t in _profile_header(run.profile_of_iri[p])]
    return _validate(quads, WORK_SHAPES, context)


def _note_owner_evidence(profile: ProfileSummary, work: Work, out: _Worked) -> None:
    """What owner inference (headerless profiles) and owner candidates (first-name
    owners) need from a work, so the main process never holds the works."""
    run = _run()
    persons = {a.agent for a in work.authorships if a.agent in run.person_names}
    if profile.owner is None:
        if profile.source.source not in out.common_authors:
            out.common_authors[profile.source.source] = persons if work.authorships else None
        elif (seen := out.common_authors[profile.source.source]) is not None:
            out.common_authors[profile.source.source] = seen & persons if work.authorships else None
    elif profile.owner == run.iris.scoped_owner(profile.source.source):
        owner = run.person_names.get(profile.owner)
        if owner is not None:
            out.first_name_fits[profile.source.source] |= {
                p for p in persons if fits_first_name(run.person_names[p], owner.name)}


def _profile_header(profile: ProfileSummary) -> list[Triple]:
    """A profile's own triples from its file graph (the run keeps profiles without their
    records): the context that lets a batch check the profile whole."""
    return list(file_to_triples(profile, _run().iris))


# ---------------------------------------------------------------- 4. tail

def _tail_people(people: Sequence[Person]) -> tuple[str, int, list[ShapeResult], Counter]:
    clock: Counter = Counter()
    reconciled = iri(_run().iris.reconciled_graph)
    with _timed(clock, "map"):
        quads = [(s, p, o, reconciled) for person in people for s, p, o in person_to_triples(person)]
    with _timed(clock, "validate"):
        results = _validate(quads, PEOPLE_SHAPES)
    with _timed(clock, "write"):
        text = ChunkWriter.chunk(quads, _run().fmt)
    return text, len(quads), results, clock


def _tail_rest(organizations: Sequence[Organization], codes: Sequence[str],
               inferred: dict[str, str]) -> tuple[str, int, list[ShapeResult]]:
    """Organisations, categories, inferred owners; and every profile checked whole (its
    file-graph triples as context)."""
    run = _run()
    reconciled = iri(run.iris.reconciled_graph)
    quads = [(s, p, o, reconciled) for org in organizations for s, p, o in organization_to_triples(org)]
    quads += [(s, p, o, reconciled) for s, p, o in categories_to_triples(codes)]
    results = _validate(quads, OTHER_SHAPES)
    owners: list[Quad] = []
    headers: list[Quad] = []
    for source, profile in sorted(run.profiles.items()):
        if source in inferred:  # its schema:hasPart links were written with its works
            owned = profile.model_copy(update={"owner": inferred[source], "owner_inferred": True})
            owners += [(s, p, o, reconciled) for s, p, o in listing_to_triples(owned)]
        headers += [(s, p, o, "") for s, p, o in _profile_header(profile)]
    results += _validate(owners + headers, PROFILE_SHAPES)
    return ChunkWriter.chunk(quads + owners, run.fmt), len(quads) + len(owners), results


# ---------------------------------------------------------------- the export

@dataclass
class StreamResult:
    """What a streaming export wrote and found."""

    summary: ExportSummary
    quads: int
    results: list[ShapeResult]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage (parse, reconcile, map, validate, write), summed over processes."""
    phase_seconds: dict[str, float] = field(default_factory=dict)
    """Wall seconds per phase (scan, resolve, works, tail)."""


def _batches(items: Sequence, size: int) -> list[Sequence]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def export_stream(files: Sequence[tuple[Path, str]], base: str, fmt: str, output: IO[str], *,
                  validate: bool = True, curation: Curation | None = None, jobs: int = 1,
                  progress: Progress | None = None) -> StreamResult:
    """Stream ``files`` (as found by kg.pipeline.find_profiles) to ``output`` in ``fmt``.
    Raises InputError (listing every file's errors) before anything is written when a
    file does not parse; the caller makes the output atomic."""
    global _RUN
    progress = progress or (lambda stage, done, total: None)
    iris = Iris(base)
    with tempfile.TemporaryDirectory(prefix="kg-spill-") as spill:
        _RUN = _Run(iris=iris, people=People(iris, curation), fmt=fmt, validate=validate, spill=Path(spill))
        try:
            return _export(files, output, jobs, progress)
        finally:
            _RUN = None


def _export(files: Sequence[tuple[Path, str]], output: IO[str], jobs: int, progress: Progress) -> StreamResult:
    run = _run()
    writer = ChunkWriter(output, run.fmt)
    # 1. scan
    batches = _batches([(str(f), s) for f, s in files], FILES_PER_BATCH)
    errors, warnings, results, profiles, scoped = [], [], [], [], []
    clock: Counter = Counter()
    phases: dict[str, float] = {}
    started = time.perf_counter()
    records = 0
    abstracts: dict[int, int] = {}
    spellings: dict[tuple, tuple[int, tuple]] = {}
    organizations: Counter = Counter()
    categories: set[str] = set()
    quads = 0
    with ExitStack() as stack:
        buckets = {}
        pending = stack.enter_context((run.spill / "pending.pkl").open("wb"))
        for done, scanned in enumerate(_map_batches(_scan, batches, jobs), 1):
            progress("parse", done, len(batches))
            errors.extend(scanned.errors)
            if errors:
                continue  # keep reading: every file's errors are reported
            warnings.extend(scanned.warnings)
            profiles.extend(scanned.profiles)
            scoped.extend(scanned.scoped)
            records += scanned.records
            for bucket, data in scanned.spill.items():
                if bucket not in buckets:
                    buckets[bucket] = stack.enter_context((run.spill / f"{bucket}.pkl").open("wb"))
                buckets[bucket].write(data)
            pending.write(scanned.pending)
            for abstract, title in scanned.abstracts:
                if abstracts.setdefault(abstract, title) != title:
                    abstracts[abstract] = -1  # two titled works share the abstract: no join
            for key, (count, where) in scanned.spellings.items():
                seen = spellings.get(key)
                spellings[key] = (count, where) if seen is None else (seen[0] + count, min(seen[1], where))
            organizations.update(scanned.organizations)
            categories |= scanned.categories
            with _timed(clock, "write"):
                writer.write(scanned.text)
            quads += scanned.quads
            results.extend(scanned.results)
            clock.update(scanned.clock)
    if errors:
        raise InputError(errors)
    phases["scan"] = time.perf_counter() - started
    # 2. resolve
    _join_pending(abstracts)
    del abstracts
    people = _resolve_people(spellings)
    del spellings
    run.person_names = {p.iri: p for p in people + scoped}
    run.file_iris = {run.iris.source_file(p.source.source) for p in profiles}
    org_names: dict[str, list[str]] = defaultdict(list)
    for (org, name), count in sorted(organizations.items()):
        org_names[org].extend([name] * count)
    orgs = organizations_from_names(org_names, set(org_names))
    run.organizations = {o.iri for o in orgs}
    run.profiles = {p.source.source: p for p in profiles}
    run.profile_of_iri = {iri(p.iri): p for p in profiles}
    phases["resolve"] = time.perf_counter() - started - sum(phases.values())
    # 3. works
    work_batches = _batches(range(BUCKETS), max(1, BUCKETS * WORKS_PER_BATCH // max(1, records)))
    disagreements, unmatched, works = [], [], 0
    common: dict[str, set[str] | None] = {}
    fits: dict[str, set[str]] = defaultdict(set)
    for done, worked in enumerate(_map_batches(_works, work_batches, jobs), 1):
        progress("works", done, len(work_batches))
        with _timed(clock, "write"):
            writer.write(worked.text)
        quads += worked.quads
        works += worked.works
        clock.update(worked.clock)
        results.extend(worked.results)
        disagreements.extend(worked.disagreements)
        unmatched.extend(worked.unmatched)
        for source, persons in worked.common_authors.items():
            if source not in common:
                common[source] = persons
            elif common[source] is not None:
                common[source] = None if persons is None else common[source] & persons  # type: ignore[operator]
        for profile, found in worked.first_name_fits.items():
            fits[profile] |= found
    phases["works"] = time.perf_counter() - started - sum(phases.values())
    # 4. tail
    inferred = {source: next(iter(persons)) for source, persons in sorted(common.items())
                if persons is not None and len(persons) == 1}
    person_batches = _batches(sorted(people + scoped, key=lambda p: p.iri), PEOPLE_PER_BATCH)
    for done, (text, count, found, spent) in enumerate(_map_batches(_tail_people, person_batches, jobs), 1):
        clock.update(spent)
        progress("people", done, len(person_batches))
        with _timed(clock, "write"):
            writer.write(text)
        quads += count
        results.extend(found)
    with _timed(clock, "tail"):
        text, count, found = _tail_rest(orgs, sorted(categories), inferred)
    with _timed(clock, "write"):
        writer.write(text)
    writer.close()
    quads += count
    results.extend(found)
    summaries = tuple(run.profiles[s].model_copy(update={"owner": inferred.get(s, run.profiles[s].owner),
                                                          "owner_inferred": s in inferred}) for s in sorted(run.profiles))
    disagreements.sort(key=lambda d: (d.work, FIELDS.index(d.field)))
    unmatched.sort(key=lambda u: (u[0].source, u[0].line))
    report = ReconciliationReport(
        disagreements=tuple(disagreements), unmatched_abstracts=tuple(unmatched),
        person_candidates=tuple(person_candidates(people)),
        owner_candidates=tuple(
            OwnerCandidate(profile=run.profiles[s].iri, owner=run.profiles[s].owner, candidate=next(iter(found)),
                           name=run.person_names[next(iter(found))].name)
            for s, found in sorted(fits.items()) if len(found) == 1),
        inferred_owners=tuple((run.iris.profile(s), o) for s, o in sorted(inferred.items())),
        curation_unused=unused_curation(run.people, people))
    warnings += [disagreement_warning(d) for d in disagreements]
    warnings += [unmatched_warning(ref, work) for ref, work in unmatched]
    warnings += curation_warnings(run.people, report.curation_unused)
    summary = ExportSummary(base=run.iris.base, profiles=summaries, records=records, works=works,
                            people=len(people) + len(scoped), organizations=len(orgs), report=report,
                            warnings=tuple(warnings))
    phases["tail"] = time.perf_counter() - started - sum(phases.values())
    return StreamResult(summary=summary, quads=quads, results=_unique(results), stage_seconds=dict(clock),
                        phase_seconds=phases)


def _join_pending(abstracts: dict[int, int], flush_every: int = 20000) -> None:
    """Abstract-only records to the bucket of the one titled work with their abstract,
    else to a work of their own (keyed by the abstract); a bounded number at a time."""
    run = _run()
    joined: dict[int, list] = defaultdict(list)

    def flush() -> None:
        for bucket, rows in joined.items():
            with (run.spill / f"{bucket}.pkl").open("ab") as handle:
                pickle.dump(rows, handle, protocol=pickle.HIGHEST_PROTOCOL)
        joined.clear()

    for count, (abstract, row) in enumerate(_spilled(run.spill / "pending.pkl"), 1):
        title = abstracts.get(abstract, -1)
        key = ("t", title) if title != -1 else ("u", abstract)
        joined[key[1] % BUCKETS].append((key, row))
        if count % flush_every == 0:
            flush()
    flush()


def _resolve_people(spellings: dict[tuple, tuple[int, tuple]]) -> list[Person]:
    """One person per IRI, by kg.reconcile's rule, from the spellings counted in the scan."""
    by_person: dict[str, list[tuple]] = defaultdict(list)
    for (person, name, given, family), (count, where) in spellings.items():
        by_person[person].append((name, given, family, count, where))
    return [person_from_spellings(person, by_person[person]) for person in sorted(by_person)]

def _unique(results: Iterable[ShapeResult]) -> list[ShapeResult]:
    """A node checked in two batches is reported once, in a whole-graph run's order."""
    return list(sorted_results(set(results)))


__all__ = ["StreamResult", "export_stream"]

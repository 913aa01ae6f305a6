"""Streaming export: records flow through parse, reconcile, map, validate and write in
bounded batches, in parallel on ``jobs`` processes, with the same output bytes for any
``jobs``.

0. **Evidence** (batches of files): the names the inputs print where nothing is glued
   (:func:`kg.parse.file_evidence`), merged into one set of hashes that the scan's
   processes inherit, so that glued listing bylines split the same way in any batch.
1. **Scan** (batches of files): parse; map and validate each file's own graph (its
   profile and records as printed) and write it; spill every record to one of
   :data:`BUCKETS` files on disk, chosen by its work's key, and every spelling of a
   person to one chosen by the person's IRI; keep only the identity index: which titled
   work each abstract belongs to, the organisation names, one summary per profile.
2. **Resolve**: abstract-only records join the bucket of their titled work (or stay
   works of their own).
3. **Works** (batches of buckets): reconcile each work from its records, map,
   validate, write.
4. **People** (batches of buckets): each person from its spellings, mapped, validated,
   written; then person candidates, among people of one family name at a time.
5. **Tail**: organisations, categories, and each profile whole: its own triples (from
   its file), the works it lists (spilled by the works batches) and its inferred owner;
   last, the export's description (``describe``), which needs the counts.

Each batch's text goes to a file of its own that the main process copies to the
output, so no batch's text is ever held by the main process. Every subject's triples
are written in one batch, so JSON-LD has one node object per ``@id`` and Turtle states
each subject once.

Validation of a batch uses the same shapes as a whole-graph run, with the batch's own
subjects as focus nodes and, as context, the rdf:type triples of the nodes they point
to (README, "Scale" explains why the verdicts are the same).
"""
from __future__ import annotations

import gc
import multiprocessing
import pickle
import tempfile
import time
from sys import intern
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, Field

from kg.codec import codec
from kg.cleanup import spill_folder, starting_pool, stop_pool, worker_start
from kg.errors import InputError
from kg.identity import Iris, People
from kg.namespaces import DEFAULT_DATASET
from kg.mapping.agent import organization_to_triples, person_to_triples
from kg.mapping.category import categories_to_triples
from kg.mapping.profile import file_to_triples, listing_to_triples
from kg.mapping.terms import Quad, Term, Triple, iri, schema
from kg.mapping.work import work_to_triples
from kg.models import (
    Curation,
    ExportSummary,
    Organization,
    Person,
    PersonCandidate,
    ProfileSummary,
    Record,
    RejectedRecord,
)
from kg.parse import Context, file_evidence, read_profile, rejected_file
from kg.parse.evidence import Evidence
from kg.reconcile.partition import Known, PeopleFindings, Scan, WorkFindings
from kg.reconcile.people import Spellings, curation_warnings, family_key, person_candidates
from kg.reconcile.report import assemble_report, sorted_rejected
from kg.reconcile.works import AbstractIndex, WorkGroups, digest
from kg.serialize import ChunkWriter
from kg.validate import DEFAULT_ENGINE, Engine, ShapeResult, prepare, sorted_results, validate_batch
from kg.validate.batches import (
    FILE_SHAPES,
    OTHER_SHAPES,
    PEOPLE_SHAPES,
    PROFILE_SHAPES,
    SHAPE_GROUPS,
    WORK_SHAPES,
    context_types,
)

BUCKETS = 256
"""Spill files of records, by work key: a bucket holds ~1/256 of the works."""


class Batches(BaseModel):
    """How much each batch of a streaming export takes (an export option: the output is
    the same bytes for any sizes; small sizes make a small input run as a large one)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: int = Field(64, ge=1)
    """Files per scan batch."""
    works: int = Field(500, ge=1)
    """Records per works batch (about as many works)."""
    people: int = Field(5000, ge=1)
    """Spellings per people batch (about as many people)."""
    profiles: int = Field(500, ge=1)
    """Profiles per tail batch."""
    validate_works: int = Field(50, ge=1)
    """Works per pyshacl run within a batch (the ``pyshacl`` engine: its time per work
    grows with the graph's size; the ``fast`` engine validates a batch's works at once)."""

GC_THRESHOLDS = (20_000, 20, 20)
"""Garbage collector thresholds during an export (Python's defaults: 700, 10, 10)."""
IN_FLIGHT = 2
"""Batches per process submitted ahead of the one the main process waits for."""

Progress = Callable[[str, int, int], None]
"""(stage, done, total): called as batches finish, counted in the stage's :data:`UNITS`
(never in batches: a total known when the stage starts, so an estimate does not jump)."""
UNITS = {"evidence": "files", "parse": "files", "works": "records", "people": "names", "profiles": "profiles"}
"""What each stage counts: files until the scan has read them, then records (the works
are made of them), the people's distinct names, the profiles."""
Describe = Callable[[ExportSummary, int], Sequence[Quad]]
"""(summary, quads written so far) -> the export's last quads: its description."""


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often (thresholds :data:`GC_THRESHOLDS`)
    while a block runs: an export allocates millions of objects and frees nearly all by
    reference counting, so the default thresholds collect often for little (10-15 % of
    the CPU time without validation at 100k works). Processes forked meanwhile inherit it."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def _timed(clock: Counter, stage: str) -> Iterator[None]:
    """Add the seconds a block takes to ``clock[stage]`` (per process; summed by the main one)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        clock[stage] += time.perf_counter() - start


# ---------------------------------------------------------------- shared state of a run

@dataclass
class _Run:
    """What every batch of one export needs; set before the worker processes start, so
    they inherit it (fork) and no batch sends it again."""

    known: Known
    """Who is who, and after the scan the profiles and first-name owners (kg.reconcile)."""
    fmt: str
    validate: bool
    spill: _Spill
    engine: Engine = DEFAULT_ENGINE
    """The SHACL engine (kg.validate): workers inherit it with the rest of the run."""
    batches: Batches = Batches()
    organizations: set[str] = field(default_factory=set)
    file_iris: set[str] = field(default_factory=set)
    profile_of_iri: dict[Term, ProfileSummary] = field(default_factory=dict)
    profile_batch: dict[str, int] = field(default_factory=dict)
    """Profile (by source) -> the tail batch that writes it, and so the spill file
    (``h<batch>``) of the works it lists."""
    wanted: set[str] = field(default_factory=set)
    """People whose display names the report needs (first-name owner candidates)."""
    inferred: dict[str, str] = field(default_factory=dict)
    """Headerless profiles' inferred owners, by source."""
    context: Context = field(default_factory=Context)
    """What parsing a file may use from the others (evidence) and the curation file (splits)."""

    @property
    def iris(self) -> Iris:
        return self.known.iris

    @property
    def people(self) -> People:
        return self.known.people

    @property
    def profiles(self) -> dict[str, ProfileSummary]:
        return self.known.profiles

    def is_person(self, node: str) -> bool:
        """Whether an IRI is one of the export's people (kg.reconcile.partition.Known)."""
        return self.known.is_person(node)


_RUN: _Run | None = None


class _Spill:
    """Append-only spill files (each a sequence of pickled lists of rows), by name:
    ``w<bucket>`` records by work key, ``pending`` abstract-only records, ``s<bucket>``
    people's spellings by person IRI, ``c<bucket>`` people by family name, ``h<batch>``
    the works each profile lists, by the tail batch that writes the profile. The main
    process appends; the batches of the next phase read (after :meth:`close`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._handles: dict[str, IO[bytes]] = {}

    def append(self, name: str, data: bytes) -> None:
        try:
            handle = self._handles.get(name)
            if handle is None:
                handle = self._handles[name] = (self.folder / f"{name}.pkl").open("ab")
            handle.write(data)
        except OSError as exc:  # a full disk: say where (a write's error names no file)
            raise OSError(exc.errno, exc.strerror, str(self.folder / f"{name}.pkl")) from None

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def chunk(self, text: str) -> Path | None:
        """A batch's output text in a file of its own, so that it reaches the output
        without passing through the main process's memory (None: no text)."""
        if not text:
            return None
        handle, name = tempfile.mkstemp(suffix=".part", dir=self.folder)
        try:
            with open(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except OSError as exc:  # a full disk: say where (a write's error names no file)
            raise OSError(exc.errno, exc.strerror, name) from None
        return Path(name)

    def rows(self, name: str) -> Iterator:
        path = self.folder / f"{name}.pkl"
        if not path.exists():
            return
        with path.open("rb") as handle:
            while True:
                try:
                    yield from pickle.load(handle)
                except EOFError:
                    return


def _pickled(rows: list) -> bytes:
    return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def _bucket(text: str) -> int:
    return digest(text) % BUCKETS


def _run() -> _Run:
    assert _RUN is not None, "no export is running"
    return _RUN


def _map_batches(function: Callable, batches: Sequence, jobs: int) -> Iterator:
    """``function`` over ``batches`` in order, on ``jobs`` forked processes, with at most
    :data:`IN_FLIGHT` batches a process queued or done but not yet taken (memory stays
    bounded however far the workers run ahead of the main process). Consume it to its
    end (in ``zip``, first): a generator left suspended keeps its pool's processes."""
    if jobs <= 1 or len(batches) <= 1:
        yield from map(function, batches)
        return
    with starting_pool():
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=worker_start)
    try:
        queued: deque = deque()
        for batch in batches:
            queued.append(pool.apply_async(function, (batch,)))
            if len(queued) >= IN_FLIGHT * jobs:
                yield queued.popleft().get()
        while queued:
            yield queued.popleft().get()
    except BaseException:  # Ctrl-C, an error, or the consumer gone: end the workers now
        stop_pool(pool)
        raise
    pool.terminate()


# ---------------------------------------------------------------- validation of a batch

_TRIPLE, _SUBJECT = itemgetter(0, 1, 2), itemgetter(0)


def _described(node: str) -> str | None:
    """The kind of a node the export describes (kg.identity.Iris.kind), None for any
    other: every person IRI was counted in the scan, first-name owners, organisations
    and files are those the run knows."""
    run = _run()
    kind = run.iris.kind(node)
    if kind == "person" or kind == "category":
        return kind
    if kind == "scoped-owner":
        return kind if node in run.known.scoped else None
    if kind == "organization":
        return kind if node in run.organizations else None
    if kind == "file":
        return kind if node in run.file_iris else None
    if kind == "record":
        return kind if node.rsplit("/L", 1)[0] in run.file_iris else None
    return None


def _validate(quads: Sequence[Quad], shapes: Sequence[str], context: Sequence[Triple] = ()) -> list[ShapeResult]:
    """Results of ``shapes`` on ``quads``, with ``context`` and the types of the nodes
    they point to as extra data."""
    if not _run().validate or not quads:
        return []
    triples = list(map(_TRIPLE, quads))
    triples += context
    triples += context_types(triples, set(map(_SUBJECT, triples)), _described)
    return validate_batch(triples, shapes, _run().engine)


# ---------------------------------------------------------------- 1. scan

@dataclass
class _Batch:
    """What every batch gives the main process: its output text, its quads' count, its
    shape results and the seconds it spent per stage."""

    chunk: Path | None = None
    """The batch's output text (:meth:`_Spill.chunk`)."""
    quads: int = 0
    results: list[ShapeResult] = field(default_factory=list)
    clock: Counter = field(default_factory=Counter)

    def check(self, quads: Sequence[Quad], shapes: Sequence[str], context: Sequence[Triple] = ()) -> None:
        """Add the results of ``shapes`` on ``quads`` (see :func:`_validate`); the clock
        gets its seconds, and its CPU seconds as ``validate (cpu)``."""
        cpu = time.process_time()
        with _timed(self.clock, "validate"):
            self.results += _validate(quads, shapes, context)
        self.clock["validate (cpu)"] += time.process_time() - cpu

    def emit(self, quads: Sequence[Quad]) -> None:
        """Make ``quads`` the batch's output (its text in a file of its own)."""
        run = _run()
        with _timed(self.clock, "write"):
            self.chunk, self.quads = run.spill.chunk(ChunkWriter.chunk(quads, run.fmt)), len(quads)


@dataclass
class _Gathered(_Batch):
    """The evidence of one batch of files."""

    names: set[int] = field(default_factory=set)


def _gather(files: Sequence[tuple[str, str]]) -> _Gathered:
    out = _Gathered()
    with _timed(out.clock, "parse"):
        for path, source in files:
            out.names |= file_evidence(Path(path), source)
    return out


@dataclass
class _Scanned(_Batch):
    """What one batch of files gives the main process: the scan's partial state
    (kg.reconcile.partition.Scan) without its records and spellings, which are spilled."""

    scan: Scan = field(default_factory=Scan)
    spill: dict[str, bytes] = field(default_factory=dict)
    """Rows for the spill files (:class:`_Spill`), pickled, by file name."""
    spellings: int = 0
    """Spelling rows spilled (each a person's distinct spelling in this batch)."""


def _scan(files: Sequence[tuple[str, str]]) -> _Scanned:
    run, out = _run(), _Scanned()
    scan = out.scan
    quads: list[Quad] = []
    for path, source in files:
        try:
            with _timed(out.clock, "parse"):
                profile = read_profile(Path(path), source, run.context)
        except InputError as exc:
            scan.add_unreadable(rejected_file(exc, Path(path), source))
            continue
        with _timed(out.clock, "reconcile"):
            summary = scan.add_profile(profile, run.known)
        graph = iri(run.iris.file_graph(source))
        with _timed(out.clock, "map"):
            quads.extend((s, p, o, graph) for s, p, o in file_to_triples(summary, run.iris))
    with _timed(out.clock, "reconcile"):
        out.spellings = len(scan.spellings)
        out.spill = _spill_scan(scan)
    # The file graphs' own subjects; each profile is validated and written whole in the tail.
    profile_iris = {iri(p.iri) for p in scan.profiles}
    quads = [q for q in quads if q[0] not in profile_iris]
    out.check(quads, FILE_SHAPES)
    out.emit(quads)
    return out


def _spill_scan(scan: Scan) -> dict[str, bytes]:
    """A scan's records (titled by work key, abstract-only as ``pending``) and spellings
    (by person IRI) as spill rows, taken out of the scan."""
    spill: dict[str, list] = defaultdict(list)
    for key, record in scan.titled:
        spill[f"w{key[1] % BUCKETS}"].append((key, _row(record)))
    for abstract, record in scan.pending:
        spill["pending"].append((abstract, _row(record)))
    for key, count, where in scan.spellings.rows():  # key[0]: the person's IRI
        spill[f"s{_bucket(key[0])}"].append((key, count, where))
    scan.titled, scan.pending, scan.spellings = [], [], Spellings()
    return {name: _pickled(rows) for name, rows in spill.items()}


_row, _record = codec(Record)
"""A record as plain data for the spill files and back (kg.codec: generated from the
model's fields, so a new field is never dropped; rebuilt unchecked)."""


# ---------------------------------------------------------------- 3. works

@dataclass
class _Worked(_Batch):
    found: WorkFindings = field(default_factory=WorkFindings)
    records: int = 0
    """Records read (progress)."""
    """The works' findings (kg.reconcile.partition), without their listings, which are spilled."""
    listings: dict[str, bytes] = field(default_factory=dict)
    """(profile source, work IRI) rows, pickled, by spill file (``h<batch>``): written
    with the profile in the tail."""


def _works(buckets: Sequence[int]) -> _Worked:
    run, out = _run(), _Worked()
    found = out.found
    reconciled = iri(run.iris.reconciled_graph)
    groups = WorkGroups()
    with _timed(out.clock, "reconcile"):
        for bucket in buckets:
            for key, row in run.spill.rows(f"w{bucket}"):
                groups.add(key, _record(row))
                out.records += 1
        works = groups.resolve(run.iris)
    del groups
    quads: list[Quad] = []
    listing: list[Quad] = []
    checked_from = listed_from = 0
    for count, (work_iri, records) in enumerate(works, 1):
        listed = len(found.listed)
        with _timed(out.clock, "reconcile"):
            work = found.add(work_iri, records, run.known)
        with _timed(out.clock, "map"):
            quads.extend((s, p, o, reconciled) for s, p, o in work_to_triples(work, run.iris))
            listing += [(iri(run.profiles[source].iri), schema.hasPart, iri(work_iri), reconciled)
                        for source, _ in found.listed[listed:]]
        if (run.engine == "pyshacl" and count % run.batches.validate_works == 0) or count == len(works):
            _check_works(quads[checked_from:] + listing[listed_from:], out)
            checked_from, listed_from = len(quads), len(listing)
    listings: dict[str, list] = defaultdict(list)
    for source, work_iri in found.listed:
        listings[f"h{run.profile_batch[source]}"].append((source, work_iri))
    found.listed = []
    out.listings = {name: _pickled(rows) for name, rows in listings.items()}
    out.emit(quads)
    return out


def _check_works(quads: Sequence[Quad], out: _Worked) -> None:
    """The works' shapes on some works, with the header of every profile listing them
    (a whole batch's works with the fast engine; with pyshacl, whose time per work grows
    with the size of the graph, ``Batches.validate_works`` at a time)."""
    run = _run()
    if run.validate:
        listing = sorted({q[0] for q in quads if q[1] == schema.hasPart})
        out.check(quads, WORK_SHAPES, [t for p in listing for t in _profile_header(run.profile_of_iri[p])])


def _profile_header(profile: ProfileSummary) -> list[Triple]:
    """A profile's own triples from its file graph (the run keeps profiles without their
    records): the context that lets a batch check the profile whole."""
    return list(file_to_triples(profile, _run().iris))


# ---------------------------------------------------------------- 4. people

@dataclass
class _Peopled(_Batch):
    found: PeopleFindings | None = None
    spellings: int = 0
    """Spelling rows read (progress)."""
    by_family: dict[str, bytes] = field(default_factory=dict)
    """People with a family and given name, pickled, by spill file (``c<bucket>``): the
    candidate search compares only people of one family name."""


def _people(buckets: Sequence[int]) -> _Peopled:
    """The people of some spelling buckets: resolved, mapped, validated, written."""
    run, out = _run(), _Peopled()
    with _timed(out.clock, "reconcile"):
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
                by_family[f"c{_bucket(family)}"].append(row)
        out.by_family = {name: _pickled(rows) for name, rows in by_family.items()}
    reconciled = iri(run.iris.reconciled_graph)
    with _timed(out.clock, "map"):
        quads = [(s, p, o, reconciled) for person in people for s, p, o in person_to_triples(person)]
    out.check(quads, PEOPLE_SHAPES)
    out.emit(quads)
    return out


def _candidates(buckets: Sequence[int]) -> list[PersonCandidate]:
    """Person candidates among the people of some family-name buckets."""
    people = sorted((Person.model_construct(iri=i, name=n, given_name=g, family_name=f, suffix=None,
                                            alternate_names=())
                     for b in buckets for i, n, g, f in _run().spill.rows(f"c{b}")), key=lambda p: p.iri)
    return person_candidates(people)


# ---------------------------------------------------------------- 5. tail


def _tail_others(organizations: Sequence[Organization], codes: Sequence[str]) -> _Batch:
    """Organisations and categories."""
    run, out = _run(), _Batch()
    reconciled = iri(run.iris.reconciled_graph)
    with _timed(out.clock, "map"):
        quads = [(s, p, o, reconciled) for org in organizations for s, p, o in organization_to_triples(org)]
        quads += [(s, p, o, reconciled) for s, p, o in categories_to_triples(codes)]
    out.check(quads, OTHER_SHAPES)
    out.emit(quads)
    return out


def _tail_profiles(batch: tuple[int, Sequence[str]]) -> _Batch:
    """One tail batch of profiles (its index, their sources), each written whole: its own
    triples in its file's graph, then in the reconciled graph the works it lists (spilled
    by the works batches) and its inferred owner. Each is checked whole, its file's
    triples as context (the links to works were checked with the works)."""
    run, out = _run(), _Batch()
    index, sources = batch
    reconciled = iri(run.iris.reconciled_graph)
    listed: dict[str, set[str]] = defaultdict(set)
    for source, work in run.spill.rows(f"h{index}"):
        listed[source].add(work)
    owners: list[Quad] = []
    headers: list[Quad] = []
    written: list[Quad] = []
    with _timed(out.clock, "map"):
        for source in sources:
            profile = run.profiles[source]
            own = iri(profile.iri)
            header = _profile_header(profile)
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


# ---------------------------------------------------------------- the export

@dataclass
class StreamResult:
    """What a streaming export wrote and found."""

    summary: ExportSummary
    quads: int
    results: list[ShapeResult]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage (parse, reconcile, map, validate, write), summed over
    processes; ``validate (cpu)`` is the CPU seconds of validation."""
    phase_seconds: dict[str, float] = field(default_factory=dict)
    """Wall seconds per phase (scan, resolve, works, people, tail)."""
    description: list[Quad] = field(default_factory=list)
    """The last quads written: what ``describe`` gave."""


def _batches(items: Sequence, size: int) -> list[Sequence]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def export_stream(files: Sequence[tuple[Path, str]], base: str, fmt: str, output: IO[str], *,
                  validate: bool = True, curation: Curation | None = None, jobs: int = 1,
                  progress: Progress | None = None, dataset: str = DEFAULT_DATASET,
                  describe: Describe | None = None, max_errors: int = 0,
                  engine: Engine = DEFAULT_ENGINE, rejected: Sequence[RejectedRecord] = (),
                  batches: Batches = Batches()) -> StreamResult:
    """Stream ``files`` (as found by kg.inputs.find_inputs) to ``output`` in ``fmt``,
    as dataset ``dataset`` (its graphs' names), ending with the quads ``describe`` gives.
    Up to ``max_errors`` records that cannot be read (``rejected``: inputs that could not
    be read at all, already found) are skipped and reported; past that, raises InputError
    listing every one (the caller makes the output atomic, so nothing is written). The
    working files go to a spill folder (kg.cleanup.spill_folder), removed however the
    run ends."""
    global _RUN
    progress = progress or (lambda stage, done, total: None)
    iris = Iris(base, dataset)
    with spill_folder() as folder:
        spill = _Spill(folder)
        _RUN = _Run(known=Known(iris, People(iris, curation)), fmt=fmt, validate=validate, spill=spill,
                    engine=engine, batches=batches)
        if validate:
            prepare(SHAPE_GROUPS, engine)
        try:
            with _fewer_collections():
                return _export(files, output, jobs, progress, describe, max_errors, rejected)
        finally:
            spill.close()
            _RUN = None


@dataclass
class _Totals:
    """What the main process adds up over the batches of a run."""

    quads: int = 0
    records: int = 0
    spellings: int = 0
    works: int = 0
    people: int = 0
    results: list[ShapeResult] = field(default_factory=list)
    clock: Counter = field(default_factory=Counter)
    phases: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def phase(self, name: str) -> None:
        """Close phase ``name``: its wall seconds are those since the previous one."""
        self.phases[name] = time.perf_counter() - self.started - sum(self.phases.values())


def _splits(curation: Curation) -> dict[str, dict[int, str]]:
    found: dict[str, dict[int, str]] = defaultdict(dict)
    for source, line, title in curation.splits:
        found[source][line] = title
    return dict(found)


def _export(files: Sequence[tuple[Path, str]], output: IO[str], jobs: int, progress: Progress,
            describe: Describe | None, max_errors: int, unreadable: Sequence[RejectedRecord]) -> StreamResult:
    run, totals = _run(), _Totals()
    writer: ChunkWriter | None = None
    held: list[Path] = []
    """The scan's chunks, kept on disk until the scan has succeeded: nothing, not even a
    format's header, reaches the output before (a rejected input leaves it untouched)."""

    def write(batch: _Batch) -> None:
        if batch.chunk is not None:
            if writer is None:
                held.append(batch.chunk)
            else:
                with _timed(totals.clock, "write"):
                    writer.write_file(batch.chunk)
                batch.chunk.unlink()
        totals.quads += batch.quads
        totals.results.extend(batch.results)
        totals.clock.update(batch.clock)

    # 0. evidence
    batches = _batches([(str(f), s) for f, s in files], run.batches.files)
    names: set[int] = set()
    done = 0
    for gathered, batch in zip(_map_batches(_gather, batches, jobs), batches):
        done += len(batch)
        progress("evidence", done, len(files))
        names |= gathered.names
        totals.clock.update(gathered.clock)
    run.context = Context(Evidence(names), _splits(run.people.curation))
    del names
    totals.phase("evidence")
    # 1. scan
    scan, rejected = Scan(), list(unreadable)
    done = 0
    for scanned, batch in zip(_map_batches(_scan, batches, jobs), batches):
        done += len(batch)
        progress("parse", done, len(files))
        rejected.extend(scanned.scan.findings.rejected)
        scanned.scan.findings.rejected = []
        if len(rejected) > max_errors:
            if scanned.chunk is not None:
                scanned.chunk.unlink()
            continue  # keep reading: every file's errors are reported
        scan.merge(scanned.scan)
        totals.spellings += scanned.spellings
        for name, data in scanned.spill.items():
            run.spill.append(name, data)
        write(scanned)
    if len(rejected) > max_errors:
        raise InputError([r.diagnostic() for r in sorted_rejected(rejected)])
    scan.add_unreadable(rejected)
    del rejected
    writer = ChunkWriter(output, run.fmt)
    with _timed(totals.clock, "write"):
        for chunk in held:
            writer.write_file(chunk)
            chunk.unlink()
    held.clear()
    totals.records = scan.records
    totals.phase("scan")
    # 2. resolve
    _join_pending(scan.abstracts)
    scan.abstracts = AbstractIndex()
    run.spill.close()
    scan.know(run.known)
    run.file_iris = {run.iris.source_file(p.source.source) for p in scan.profiles}
    orgs = scan.organizations.resolve()
    run.organizations = {o.iri for o in orgs}
    run.profile_of_iri = {iri(p.iri): p for p in scan.profiles}
    profile_batches = list(enumerate(_batches(sorted(run.profiles), run.batches.profiles)))
    run.profile_batch = {source: index for index, sources in profile_batches for source in sources}
    totals.phase("resolve")
    # 3. works
    work_batches = _batches(range(BUCKETS), max(1, BUCKETS * run.batches.works // max(1, totals.records)))
    works = WorkFindings()
    done = 0
    for worked in _map_batches(_works, work_batches, jobs):
        done += worked.records
        progress("works", done, totals.records)
        write(worked)
        found = worked.found
        found.findings.unmatched = [u._replace(source=intern(u.source), path=intern(u.path))
                                    for u in found.findings.unmatched]
        works.merge(found)
        for name, data in worked.listings.items():
            run.spill.append(name, data)
    run.spill.close()
    totals.works = works.works
    totals.phase("works")
    # 4. people
    run.wanted = works.owners.wanted()
    people = PeopleFindings(run.people, run.wanted)
    person_batches = _batches(range(BUCKETS), max(1, BUCKETS * run.batches.people // max(1, totals.spellings)))
    done = 0
    for peopled in _map_batches(_people, person_batches, jobs):
        done += peopled.spellings
        progress("people", done, totals.spellings)
        write(peopled)
        people.merge(peopled.found)  # type: ignore[arg-type]
        for name, data in peopled.by_family.items():
            run.spill.append(name, data)
    run.spill.close()
    works.findings.person_candidates += [c for found in _map_batches(_candidates, person_batches, jobs)
                                         for c in found]
    totals.people = people.people
    totals.phase("people")
    # 5. tail
    write(_tail_others(orgs, sorted(scan.categories)))
    run.inferred = inferred = works.owners.inferred()
    done = 0
    for batch, (_, sources) in zip(_map_batches(_tail_profiles, profile_batches, jobs), profile_batches):
        done += len(sources)
        progress("profiles", done, len(run.profiles))
        write(batch)
    summaries = tuple(run.profiles[s].model_copy(update={"owner": inferred[s], "owner_inferred": True})
                      if s in inferred else run.profiles[s] for s in sorted(run.profiles))
    scan.findings.merge(works.findings)
    unused = people.curation.resolve()
    report = assemble_report(scan.findings, works.owners.candidates(run.profiles, run.known.scoped, people.wanted),
                             inferred, unused, run.iris)
    warnings = [*scan.sorted_warnings(), *curation_warnings(run.people, unused)]
    summary = ExportSummary(base=run.iris.base, profiles=summaries, records=totals.records, works=totals.works,
                            people=totals.people, organizations=len(orgs), report=report, warnings=tuple(warnings))
    description = list(describe(summary, totals.quads)) if describe is not None else []
    writer.write(ChunkWriter.chunk(description, run.fmt))
    writer.close()
    totals.phase("tail")
    return StreamResult(summary=summary, quads=totals.quads + len(description), results=_unique(totals.results),
                        stage_seconds=dict(totals.clock), phase_seconds=totals.phases, description=description)


def _join_pending(index: AbstractIndex, flush_every: int = 20000) -> None:
    """Abstract-only records to the bucket of their work (:meth:`AbstractIndex.resolve`),
    a bounded number at a time."""
    run = _run()
    run.spill.close()
    joined: dict[int, list] = defaultdict(list)

    def flush() -> None:
        for bucket, rows in joined.items():
            run.spill.append(f"w{bucket}", _pickled(rows))
        joined.clear()

    for count, (abstract, row) in enumerate(run.spill.rows("pending"), 1):
        key = index.resolve(abstract)
        joined[key[1] % BUCKETS].append((key, row))
        if count % flush_every == 0:
            flush()
    flush()


def _unique(results: Iterable[ShapeResult]) -> list[ShapeResult]:
    """A node checked in two batches is reported once, in a whole-graph run's order."""
    return list(sorted_results(set(results)))


__all__ = ["StreamResult", "export_stream"]

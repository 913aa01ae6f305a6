"""Streaming export, the run: its options (:class:`Batches`), the state every batch reads
(:class:`Run`, set before the worker processes fork, so they inherit it), the spill
files, the process pool, and what a batch gives back (:class:`BatchResult`)."""
from __future__ import annotations

import gc
import pickle
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, Field

from kg.stream.executors import map_dask, map_local
from kg.identity import Iris, People
from kg.mapping.terms import Quad, Term, Triple
from kg.models import ExportSummary, ProfileSummary
from kg.parse import Context
from kg.reconcile.partition import Known
from kg.reconcile.works import digest
from kg.serialize import ChunkWriter
from kg.validate import DEFAULT_ENGINE, Engine, ShapeResult, validate_batch
from kg.validate.batches import context_types

BUCKETS = 256
"""Spill files of records, by work key: a bucket holds ~1/256 of the works."""


class Batches(BaseModel):
    """How much each batch of a streaming export takes (an export option: the same graph
    for any sizes, the same bytes for given sizes on any number of processes or workers;
    small sizes make a small input run as a large one)."""

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

Progress = Callable[[str, int, int], None]
"""(stage, done, total): called as batches finish, counted in the stage's :data:`UNITS`
(never in batches: a total known when the stage starts, so an estimate does not jump)."""
UNITS = {"evidence": "files", "parse": "files", "works": "records", "people": "names", "profiles": "profiles"}
"""What each stage counts: files until the scan has read them, then records (the works
are made of them), the people's distinct names, the profiles."""
Describe = Callable[[ExportSummary, int], Sequence[Quad]]
"""(summary, quads written so far) -> the export's last quads: its description."""


@contextmanager
def fewer_collections() -> Iterator[None]:
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
def timed(clock: Counter, stage: str) -> Iterator[None]:
    """Add the seconds a block takes to ``clock[stage]`` (per process; summed by the main one)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        clock[stage] += time.perf_counter() - start


# ---------------------------------------------------------------- shared state of a run

@dataclass
class Run:
    """What every batch of one export needs; set before the worker processes start, so
    they inherit it (fork) and no batch sends it again."""

    known: Known
    """Who is who, and after the scan the profiles and first-name owners (kg.reconcile)."""
    fmt: str
    validate: bool
    spill: Spill
    engine: Engine = DEFAULT_ENGINE
    """The SHACL engine (kg.validate): workers inherit it with the rest of the run."""
    batches: Batches = Batches()
    client: object | None = None
    """A Dask client (kg.stream.executors), in the main process only: not sent to workers."""

    def __getstate__(self) -> dict:
        return {**self.__dict__, "client": None}
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


_RUN: Run | None = None


class Spill:
    """Append-only spill files (each a sequence of pickled lists of rows), by name:
    ``w<bucket>`` records by work key, ``pending`` abstract-only records, ``s<bucket>``
    people's spellings by person IRI, ``c<bucket>`` people by family name, ``h<batch>``
    the works each profile lists, by the tail batch that writes the profile. The main
    process appends; the batches of the next phase read (after :meth:`close`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._handles: dict[str, IO[bytes]] = {}

    def __getstate__(self) -> dict:
        """A copy for a cluster's worker: the folder, not the main process's open files."""
        return {"folder": self.folder, "_handles": {}}

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


def pickled(rows: list) -> bytes:
    return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def bucket_of(text: str) -> int:
    return digest(text) % BUCKETS


def current() -> Run:
    """The run of the export under way (in a worker: the one it inherited)."""
    assert _RUN is not None, "no export is running"
    return _RUN


@contextmanager
def running(run: Run) -> Iterator[Run]:
    """Make ``run`` the current run while a block runs: the worker processes forked
    meanwhile inherit it, so no batch sends it again."""
    global _RUN
    _RUN = run
    try:
        yield run
    finally:
        _RUN = None


def map_batches(function: Callable, batches: Sequence, jobs: int) -> Iterator:
    """``function`` over ``batches``, results in order: on the run's Dask cluster if it
    has one, else on ``jobs`` local processes (kg.stream.executors)."""
    run = current()
    if run.client is not None:
        return map_dask(run.client, function, batches, run)
    return map_local(function, batches, jobs)


# ---------------------------------------------------------------- validation of a batch

_TRIPLE, _SUBJECT = itemgetter(0, 1, 2), itemgetter(0)


def described(node: str) -> str | None:
    """The kind of a node the export describes (kg.identity.Iris.kind), None for any
    other: every person IRI was counted in the scan, first-name owners, organisations
    and files are those the run knows."""
    run = current()
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
    if not current().validate or not quads:
        return []
    triples = list(map(_TRIPLE, quads))
    triples += context
    triples += context_types(triples, set(map(_SUBJECT, triples)), described)
    return validate_batch(triples, shapes, current().engine)


# ---------------------------------------------------------------- 1. scan

@dataclass
class BatchResult:
    """What every batch gives the main process: its output text, its quads' count, its
    shape results and the seconds it spent per stage."""

    chunk: Path | None = None
    """The batch's output text (:meth:`Spill.chunk`)."""
    quads: int = 0
    results: list[ShapeResult] = field(default_factory=list)
    clock: Counter = field(default_factory=Counter)

    def check(self, quads: Sequence[Quad], shapes: Sequence[str], context: Sequence[Triple] = ()) -> None:
        """Add the results of ``shapes`` on ``quads`` (see :func:`_validate`); the clock
        gets its seconds, and its CPU seconds as ``validate (cpu)``."""
        cpu = time.process_time()
        with timed(self.clock, "validate"):
            self.results += _validate(quads, shapes, context)
        self.clock["validate (cpu)"] += time.process_time() - cpu

    def emit(self, quads: Sequence[Quad]) -> None:
        """Make ``quads`` the batch's output (its text in a file of its own)."""
        run = current()
        with timed(self.clock, "write"):
            self.chunk, self.quads = run.spill.chunk(ChunkWriter.chunk(quads, run.fmt)), len(quads)


"""Streaming export, the main process: the phases in order, the partial states merged,
the batches' text copied to the output (kg.stream explains the phases)."""
from __future__ import annotations

import time
from sys import intern
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


from kg.cleanup import spill_folder
from kg.errors import InputError
from kg.identity import Iris, People
from kg.namespaces import DEFAULT_DATASET
from kg.mapping.terms import Quad, iri
from kg.models import Curation, ExportSummary, RejectedRecord
from kg.parse import Context
from kg.parse.evidence import Evidence
from kg.reconcile.partition import Known, PeopleFindings, Scan, WorkFindings
from kg.reconcile.people import curation_warnings
from kg.reconcile.report import assemble_report, sorted_rejected
from kg.reconcile.works import AbstractIndex
from kg.serialize import ChunkWriter
from kg.validate import DEFAULT_ENGINE, Engine, ShapeResult, prepare, sorted_results
from kg.validate.batches import SHAPE_GROUPS
from kg.stream.run import BUCKETS, BatchResult, Batches, Describe, Progress, Run, Spill, current, fewer_collections, map_batches, pickled, running, timed
from kg.stream.phases import candidates_batch, gather_batch, people_batch, scan_batch, tail_others, tail_profiles, works_batch

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
                  batches: Batches = Batches(), client: object | None = None) -> StreamResult:
    """Stream ``files`` (as found by kg.inputs.find_inputs) to ``output`` in ``fmt``,
    as dataset ``dataset`` (its graphs' names), ending with the quads ``describe`` gives.
    Up to ``max_errors`` records that cannot be read (``rejected``: inputs that could not
    be read at all, already found) are skipped and reported; past that, raises InputError
    listing every one (the caller makes the output atomic, so nothing is written). The
    working files go to a spill folder (kg.cleanup.spill_folder), removed however the
    run ends. ``client``: a Dask client whose cluster runs the batches (kg.stream.executors)."""
    progress = progress or (lambda stage, done, total: None)
    iris = Iris(base, dataset)
    with spill_folder() as folder:
        spill = Spill(folder)
        run = Run(known=Known(iris, People(iris, curation)), fmt=fmt, validate=validate, spill=spill,
                  engine=engine, batches=batches, client=client)
        if validate:
            prepare(SHAPE_GROUPS, engine)
        try:
            with running(run), fewer_collections():
                return _export(files, output, jobs, progress, describe, max_errors, rejected)
        finally:
            spill.close()


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
    run, totals = current(), _Totals()
    writer: ChunkWriter | None = None
    held: list[Path] = []
    """The scan's chunks, kept on disk until the scan has succeeded: nothing, not even a
    format's header, reaches the output before (a rejected input leaves it untouched)."""

    def write(batch: BatchResult) -> None:
        if batch.chunk is not None:
            if writer is None:
                held.append(batch.chunk)
            else:
                with timed(totals.clock, "write"):
                    writer.write_file(batch.chunk)
                batch.chunk.unlink()
        totals.quads += batch.quads
        totals.results.extend(batch.results)
        totals.clock.update(batch.clock)

    # 0. evidence
    batches = _batches([(str(f), s) for f, s in files], run.batches.files)
    names: set[int] = set()
    done = 0
    for gathered, batch in zip(map_batches(gather_batch, batches, jobs), batches):
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
    for scanned, batch in zip(map_batches(scan_batch, batches, jobs), batches):
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
    with timed(totals.clock, "write"):
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
    for worked in map_batches(works_batch, work_batches, jobs):
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
    for peopled in map_batches(people_batch, person_batches, jobs):
        done += peopled.spellings
        progress("people", done, totals.spellings)
        write(peopled)
        people.merge(peopled.found)  # type: ignore[arg-type]
        for name, data in peopled.by_family.items():
            run.spill.append(name, data)
    run.spill.close()
    works.findings.person_candidates += [c for found in map_batches(candidates_batch, person_batches, jobs)
                                         for c in found]
    totals.people = people.people
    totals.phase("people")
    # 5. tail
    write(tail_others(orgs, sorted(scan.categories)))
    run.inferred = inferred = works.owners.inferred()
    done = 0
    for batch, (_, sources) in zip(map_batches(tail_profiles, profile_batches, jobs), profile_batches):
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
    run = current()
    run.spill.close()
    joined: dict[int, list] = defaultdict(list)

    def flush() -> None:
        for bucket, rows in joined.items():
            run.spill.append(f"w{bucket}", pickled(rows))
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

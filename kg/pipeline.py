"""The orchestration: read -> parse -> reconcile -> map -> validate -> serialize.

:func:`export` streams (kg.stream): bounded batches, ``jobs`` processes, flat memory;
:func:`export_files` is that export written to files whole or not at all (kg.output,
kg.commit): the path of the CLI and of ``kg.export`` (kg.api). :func:`build_whole`
builds the same graph in memory: kg.reconcile's partition functions on one partition,
as the stream runs them on many (``kg.build``). These functions never print or exit.
Input errors from every file are collected before anything is written, so a bad file
never leaves a partial output.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, field_validator

from kg.curation import read_curation
from kg.formats import format_named
from kg.errors import InputError, NonConformingError, environment_error
from kg.identity import Iris
from kg.inputs import Inputs, find_inputs
from kg.mapping import graph_to_quads
from kg.mapping.dataset import dataset_to_triples
from kg.mapping.terms import Quad, iri
from kg.models import Curation, ExportSummary, KnowledgeGraph, Profile, RejectedRecord
from kg.namespaces import DEFAULT_BASE
from kg.output import OutputPaths, StagedSet, check_outputs
from kg.parse import Context, gather_evidence, read_profile, rejected_file
from kg.publication import Publication
from kg.reconcile import build_graph, sorted_rejected, summary_of
from kg.report import write_report
from kg.serialize import serialize
from kg.stream import Batches, Progress, export_stream
from kg.stream.executors import dask_client
from kg.validate import DEFAULT_ENGINE, Engine, ValidationReport

log = logging.getLogger(__name__)

class ExportOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    base: str = DEFAULT_BASE
    format: str = "turtle"
    validate_shapes: bool = True
    engine: Engine = DEFAULT_ENGINE
    """The SHACL engine: ``fast`` (kg's own) or ``pyshacl`` (the reference); same results."""
    curation: Path | None = None
    """A curation file (README, "Curation file") whose decisions override the identity rules."""
    jobs: int = 1
    """Processes for parsing, reconciling, mapping, validating; the output is the same for any."""
    publication: Publication = Publication()
    """The dataset name and what the publisher states (kg.publication)."""
    max_errors: int = 0
    """Records that cannot be read which the export may skip (each reported); 0: none."""
    batches: Batches = Batches()
    """How much each batch of the streaming export takes: the same graph for any."""
    scheduler: str | None = None
    """A Dask scheduler's address to run the batches on, ``local`` for a LocalCluster of
    ``jobs`` workers on 127.0.0.1, None for local processes (kg.stream.executors)."""

    @field_validator("format")
    @classmethod
    def _known_format(cls, name: str) -> str:
        """A format kg exports (kg.formats), by its name: ``jsonld`` is ``json-ld``."""
        return format_named(name).name


class ExportResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    summary: ExportSummary
    report: ValidationReport | None
    triples: int
    description: str
    """The export's VoID/DCAT description, in Turtle: the triples of its description graph."""
    stage_seconds: dict[str, float] = {}
    """Seconds per stage (parse, reconcile, map, validate, write), summed over processes."""
    phase_seconds: dict[str, float] = {}
    """Wall seconds per phase of the streaming export (scan, resolve, works, people, tail)."""

    def write_report(self, out: IO[str], files: dict | None = None) -> None:
        """The reconciliation report, JSON (kg.report); ``files``: the outputs' digests."""
        write_report(self.summary, self.triples, out, files)


def find_profiles(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """(file, source name) for each input (kg.inputs.find_inputs); an entry of an input
    folder that cannot be read is an InputError here."""
    inputs = find_inputs(paths)
    if inputs.rejected:
        raise inputs.error()
    return inputs.files


def parse_all(paths: Sequence[Path], curation: Curation | None = None) -> list[Profile]:
    """Every profile, or an InputError that lists every error of every file."""
    return parse_inputs(paths, curation)[0]


def parse_inputs(paths: Sequence[Path], curation: Curation | None = None,
                 max_errors: int = 0) -> tuple[list[Profile], list[RejectedRecord]]:
    """Every profile and the records of files that could not be read at all, or an
    InputError that lists every error when more than ``max_errors`` records are rejected.
    Like the streaming export, a first pass gathers the evidence (kg.parse.evidence)."""
    inputs = find_inputs(paths)
    files = inputs.files
    evidence = gather_evidence(files)
    splits: dict[str, dict[int, str]] = {}
    for source, line, title in (curation.splits if curation else ()):
        splits.setdefault(source, {})[line] = title
    context = Context(evidence, splits)
    profiles, unreadable = [], list(inputs.rejected)
    for file, source in files:
        try:
            profiles.append(read_profile(file, source, context))
        except InputError as exc:
            unreadable.extend(rejected_file(exc, file, source))
    rejected = sorted_rejected([*unreadable, *(r for p in profiles for r in p.rejected)])
    if len(rejected) > max_errors:
        raise InputError([r.diagnostic() for r in rejected])
    return profiles, unreadable


def export(paths: Sequence[Path], options: ExportOptions, output: IO[str],
           progress: Progress | None = None) -> ExportResult:
    """Stream the export of ``paths`` to ``output``; raises InputError before writing
    anything when an input is bad, NonConformingError (with the report) when a shape is
    violated (the caller discards the output). :func:`export_files` writes files safely."""
    return _export(find_inputs(paths), options, output, progress)


def export_files(paths: Sequence[Path], options: ExportOptions, outputs: OutputPaths,
                 progress: Progress | None = None, *, read: Sequence[tuple[str, Path]] = (),
                 stdout: IO[bytes] | None = None) -> ExportResult:
    """Export ``paths`` to the files ``outputs`` names, all three whole or none
    (kg.output): outputs that would overwrite an input (``read`` names files the caller
    read besides the profiles and the curation file, as (option, path)) or one another
    are refused before any work; the export goes to ``stdout`` when ``outputs.export`` is
    None. Any failure, Ctrl-C included, leaves every output as it was."""
    inputs = find_inputs(paths)
    read = [*read, *((("--curation", options.curation),) if options.curation else ())]
    check_outputs(outputs, inputs, read, stdout.fileno() if stdout is not None and _has_fd(stdout) else None)
    try:
        with StagedSet(outputs) as staged:
            result = _export(inputs, options, staged.export, progress)
            staged.complete(result.write_report, result.description if outputs.description else None, stdout)
    except BrokenPipeError:  # the reader of stdout went away: the caller decides
        raise
    except OSError as exc:  # a full disk, permissions: the user's to fix
        raise environment_error(exc) from None
    return result


def _has_fd(stream: IO[bytes]) -> bool:
    try:
        stream.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        return False
    return True


def _export(inputs: Inputs, options: ExportOptions, output: IO[str], progress: Progress | None) -> ExportResult:
    curation = read_curation(options.curation) if options.curation else None
    publication = options.publication
    with dask_client(options.scheduler, options.jobs) as client:
        result = export_stream(inputs.files, options.base, options.format, output,
                               validate=options.validate_shapes, curation=curation, jobs=options.jobs,
                               progress=progress, dataset=publication.dataset,
                               describe=lambda summary, quads: description_quads(summary, quads, publication),
                               max_errors=options.max_errors, engine=options.engine, rejected=inputs.rejected,
                               batches=options.batches, client=client)
    report = None
    if options.validate_shapes:
        report = ValidationReport(conforms=not any(r.severity == "Violation" for r in result.results),
                                  results=tuple(result.results))
        if not report.conforms:
            raise NonConformingError.with_report(report)
    return ExportResult(summary=result.summary, report=report, triples=result.quads,
                        description=serialize(result.description, "turtle"),
                        stage_seconds=result.stage_seconds, phase_seconds=result.phase_seconds)


def description_quads(summary: ExportSummary, data_quads: int, publication: Publication) -> list[Quad]:
    """The export's VoID/DCAT description, in its own graph (kg.mapping.dataset)."""
    graph = iri(Iris(summary.base, publication.dataset).description_graph)
    return [(s, p, o, graph) for s, p, o in dataset_to_triples(summary, data_quads, publication)]


def build_whole(paths: Sequence[Path], base: str = DEFAULT_BASE, curation: Curation | None = None,
                publication: Publication = Publication(), max_errors: int = 0) -> tuple[KnowledgeGraph, list[Quad]]:
    """The reconciled graph and its quads (its description last), built in memory in one piece."""
    profiles, unreadable = parse_inputs(paths, curation, max_errors)
    graph = build_graph(profiles, base, curation, unreadable)
    quads = list(graph_to_quads(graph, publication.dataset))
    return graph, quads + description_quads(summary_of(graph), len(quads), publication)

"""The orchestration: read -> parse -> reconcile -> map -> validate -> serialize.

:func:`export` streams (kg.stream): bounded batches, ``jobs`` processes, flat memory.
:func:`build_whole` builds the same graph in memory in one piece: the reference the
streaming export is tested against, and the API for small inputs. The CLI calls these
functions; they never print or exit. Input errors from every file are collected before
anything is written, so a bad file never leaves a partial output.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict

from kg.curation import read_curation
from kg.errors import InputError, NonConformingError
from kg.identity import Iris
from kg.mapping import graph_to_quads
from kg.mapping.dataset import dataset_to_triples
from kg.mapping.terms import Quad, iri
from kg.models import Curation, ExportSummary, KnowledgeGraph, Profile, RejectedRecord
from kg.namespaces import DEFAULT_BASE
from kg.parse import Context, gather_evidence, read_profile, rejected_file
from kg.publication import Publication
from kg.reconcile import build_graph, sorted_rejected, summary_of
from kg.report import write_report
from kg.serialize import serialize
from kg.stream import Progress, export_stream
from kg.validate import DEFAULT_ENGINE, Engine, ValidationReport

log = logging.getLogger(__name__)

PROFILE_SUFFIXES = (".txt",)


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

    def write_report(self, out: IO[str]) -> None:
        """The reconciliation report, JSON (kg.report)."""
        write_report(self.summary, self.triples, out)


def find_profiles(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """(file, source name) for each input: files as given, folders searched for ``*.txt``
    (sorted). A file's source name is its path relative to the folder it was found in."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found.extend((f, f.relative_to(path).as_posix())
                         for f in sorted(path.rglob("*")) if f.is_file() and f.suffix in PROFILE_SUFFIXES)
        elif path.exists():
            found.append((path, path.name))
        else:
            raise InputError.at(str(path), None, "no such file or folder")
    names: dict[str, Path] = {}
    for file, name in found:
        if name in names and names[name] != file:
            raise InputError.at(str(file), None, f"two inputs have the same name {name!r} ({names[name]})",
                                "export them from one parent folder so their relative paths differ")
        names[name] = file
    if not found:
        raise InputError.at(", ".join(map(str, paths)), None, "no profile files (*.txt) found")
    return found


def parse_all(paths: Sequence[Path], curation: Curation | None = None) -> list[Profile]:
    """Every profile, or an InputError that lists every error of every file."""
    return parse_inputs(paths, curation)[0]


def parse_inputs(paths: Sequence[Path], curation: Curation | None = None,
                 max_errors: int = 0) -> tuple[list[Profile], list[RejectedRecord]]:
    """Every profile and the records of files that could not be read at all, or an
    InputError that lists every error when more than ``max_errors`` records are rejected.
    Like the streaming export, a first pass gathers the evidence (kg.parse.evidence)."""
    files = find_profiles(paths)
    evidence = gather_evidence(files)
    splits: dict[str, dict[int, str]] = {}
    for source, line, title in (curation.splits if curation else ()):
        splits.setdefault(source, {})[line] = title
    context = Context(evidence, splits)
    profiles, unreadable = [], []
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
    violated (the caller discards the output)."""
    files = find_profiles(paths)
    curation = read_curation(options.curation) if options.curation else None
    publication = options.publication
    result = export_stream(files, options.base, options.format, output, validate=options.validate_shapes,
                           curation=curation, jobs=options.jobs, progress=progress, dataset=publication.dataset,
                           describe=lambda summary, quads: description_quads(summary, quads, publication),
                           max_errors=options.max_errors, engine=options.engine)
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

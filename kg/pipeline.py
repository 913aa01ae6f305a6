"""The one orchestration: read -> parse -> reconcile -> map -> validate -> serialize.

The CLI calls these functions; they never print or exit. Input errors from every file
are collected before anything is written, so a bad file never leaves a partial output.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kg.curation import read_curation
from kg.errors import InputError, NonConformingError
from kg.mapping import graph_to_quads
from kg.mapping.dataset import dataset_to_triples
from kg.mapping.terms import Quad
from kg.models import KnowledgeGraph, Profile
from kg.namespaces import DEFAULT_BASE
from kg.parse import read_profile
from kg.reconcile import build_graph
from kg.report import report_json
from kg.serialize import serialize
from kg.validate import ValidationReport, validate_graph

log = logging.getLogger(__name__)

PROFILE_SUFFIXES = (".txt",)


class ExportOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    base: str = DEFAULT_BASE
    format: str = "turtle"
    validate_shapes: bool = True
    curation: Path | None = None
    """A curation file (README, "Curation file") whose decisions override the identity rules."""


class ExportResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    graph: KnowledgeGraph
    report: ValidationReport | None
    text: str
    triples: int
    description: str
    """The export's VoID/DCAT description, in Turtle."""
    report_text: str
    """The reconciliation report, JSON."""


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


def parse_all(paths: Sequence[Path]) -> list[Profile]:
    """Every profile, or an InputError that lists the errors of every bad file."""
    profiles, errors = [], []
    for file, source in find_profiles(paths):
        try:
            profiles.append(read_profile(file, source))
        except InputError as exc:
            errors.extend(exc.diagnostics)
    if errors:
        raise InputError(errors)
    return profiles


def export(paths: Sequence[Path], options: ExportOptions) -> ExportResult:
    """Parse, reconcile, map, validate and serialize; raises NonConformingError (with the
    report) when a shape is violated."""
    curation = read_curation(options.curation) if options.curation else None
    graph = build_graph(parse_all(paths), options.base, curation)
    quads: list[Quad] = list(graph_to_quads(graph))
    report = validate_graph(quads) if options.validate_shapes else None
    if report is not None and not report.conforms:
        error = NonConformingError("the exported graph does not conform to the shapes")
        error.report = report  # type: ignore[attr-defined]
        raise error
    triples = len({q[:3] for q in quads})
    description = [(s, p, o, "") for s, p, o in dataset_to_triples(graph, triples)]
    return ExportResult(graph=graph, report=report, text=serialize(quads, options.format), triples=triples,
                        description=serialize(description, "turtle"),
                        report_text=report_json(graph, triples))

"""The Python API: what ``kg export`` does, for programs (README, "Python API").

:func:`export` is the CLI's own path (kg.pipeline.export_files): outputs checked
against the inputs and one another before any work, the export, its report and its
VoID description staged and committed together (kg.output, kg.commit), nothing written
before the scan has succeeded, every output left as it was on any failure.
:func:`build` is the in-memory build (kg.reconcile on one partition) as a pyoxigraph
Store, for inputs that fit in memory.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.pipeline import ExportOptions, ExportResult, build_whole, export_files
from kg.output import OutputPaths
from kg.publication import dataset_for_output, issued_from_environment
from kg.formats import format_of_file
from kg.serialize import serialize

PathLike = str | os.PathLike


def export(paths: Sequence[PathLike], options: ExportOptions | None = None, *, output: PathLike,
           report: PathLike | None = None, description: PathLike | None = None) -> ExportResult:
    """Export the profiles ``paths`` (files or folders) to ``output``, with the report
    (default: OUTPUT's name + ``.report.json``) and the VoID description (``.void.ttl``)
    beside it, as ``kg export PATHS -o OUTPUT`` does: the format from the file's
    extension and the dataset from its name unless ``options`` sets them. Raises
    kg.errors.InputError (bad input), NonConformingError (a shape violated: nothing
    written) or EnvironmentFailure (a full disk...); returns the summary and report."""
    output = Path(output)
    options = options or ExportOptions()
    given = options.model_fields_set
    update: dict[str, object] = {}
    if "format" not in given:
        update["format"] = format_of_file(output).name
    if "publication" not in given:  # as the CLI: the dataset named for the file, the date from SOURCE_DATE_EPOCH
        issued = issued_from_environment(os.environ)
        update["publication"] = options.publication.model_copy(update={"dataset": dataset_for_output(str(output)),
                                                                       "issued": issued})
    options = options.model_copy(update=update)
    stem = output.with_suffix("")
    outputs = OutputPaths(export=output, report=Path(report) if report else stem.with_name(f"{stem.name}.report.json"),
                          description=Path(description) if description else stem.with_name(f"{stem.name}.void.ttl"))
    return export_files([Path(p) for p in paths], options, outputs)


def build(paths: Sequence[PathLike], options: ExportOptions | None = None) -> ox.Store:
    """The graph of the profiles ``paths``, built in memory, in a pyoxigraph Store (its
    named graphs as the export's; no SHACL validation: see :func:`export`)."""
    options = options or ExportOptions()
    from kg.curation import read_curation

    curation = read_curation(options.curation) if options.curation else None
    _, quads = build_whole([Path(p) for p in paths], options.base, curation, options.publication,
                           options.max_errors)
    store = ox.Store()
    store.load(serialize(quads, "nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


__all__ = ["ExportOptions", "build", "export"]

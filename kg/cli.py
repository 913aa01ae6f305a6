"""The ``kg`` command: the only module that prints, reads argv or exits.

Exit codes: 0 ok, 1 the data does not conform to the shapes, 2 bad input or usage,
3 internal error (traceback only with ``--debug``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Iterator
from enum import Enum
from itertools import chain
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from kg import __version__
from kg.errors import InputError, KgError, NonConformingError
from kg.namespaces import DEFAULT_BASE
from kg.load import LoadOptions, load_files
from kg.parse import read_profile
from kg.pipeline import ExportOptions, ExportResult, export, find_profiles
from kg.reconcile import report_warnings
from kg.query import format_result, read_query, read_store, run_query
from kg.serialize import StagedFile, format_for, write_all_atomic
from kg.stream import Progress
from kg.validate import DEFAULT_ENGINE, ValidationReport, validate_file

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn publication-profile text files into a validated schema.org + BIBO knowledge graph.")

EXIT_OK, EXIT_NONCONFORMING, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]


class EngineName(str, Enum):
    fast = "fast"
    pyshacl = "pyshacl"


EngineOption = Annotated[EngineName, typer.Option(
    "--engine", help="SHACL engine: fast (kg's own) or pyshacl (the reference); they give the same results.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print no warnings or summary.")]


def _err(text: str) -> None:
    typer.echo(text, err=True)


def _fail(exc: BaseException, debug: bool) -> typer.Exit:
    """Turn an exception into its message on stderr and the documented exit code."""
    if isinstance(exc, NonConformingError):
        report: ValidationReport | None = getattr(exc, "report", None)
        _print_report(report)
        _err(f"error: {exc}")
        return typer.Exit(EXIT_NONCONFORMING)
    if isinstance(exc, KgError):
        _err(str(exc))
        return typer.Exit(exc.exit_code)
    if debug:
        traceback.print_exception(exc)
    else:
        _err(f"internal error: {exc!r} (run with --debug for the traceback)")
    return typer.Exit(EXIT_INTERNAL)


def _print_report(report: ValidationReport | None) -> None:
    if report is None:
        return
    for result in report.results:
        _err(result.render())
    warnings = len(report.results) - len(report.violations)
    _err(f"SHACL: {len(report.violations)} violation(s), {warnings} warning(s)")


@app.command("export")
def export_command(
    paths: Annotated[list[Path], typer.Argument(help="Profile files or folders of *.txt profiles.")],
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or - for stdout.")],
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="turtle, json-ld, ntriples, nquads or trig (default: from the output file's extension).")] = None,
    base: Annotated[str, typer.Option("--base", help="Base IRI of the exported resources.")] = DEFAULT_BASE,
    curation: Annotated[Optional[Path], typer.Option("--curation", help="Curation file (TOML): same / different person, profile owners.")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Reconciliation report (JSON); default: OUTPUT's name + .report.json.")] = None,
    description: Annotated[Optional[Path], typer.Option("--void", help="VoID/DCAT description (Turtle); default: OUTPUT's name + .void.ttl.")] = None,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Skip SHACL validation.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Processes to use (0: one per core); the output is the same for any.")] = 0,
    engine: EngineOption = EngineName(DEFAULT_ENGINE),
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Export profiles as one validated RDF graph, with its reconciliation report and
    VoID description beside it (all written atomically, or none)."""
    staged: StagedFile | None = None
    try:
        chosen = format_for(output, fmt) if fmt or output != "-" else "turtle"
        options = ExportOptions(base=base, format=chosen, validate_shapes=not no_validate, curation=curation,
                                jobs=jobs or os.cpu_count() or 1, engine=engine.value)
        report, description = _sidecars(output, report, description)
        with ExitStack() as stack:
            if output == "-":  # stdout gets the document once it is whole and valid
                handle = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n"))
            else:
                staged = StagedFile(Path(output))
                handle = staged.handle
            with _progress(enabled=not quiet) as progress:
                result = export(paths, options, handle, progress)
            sidecars = {path: content for path, content in ((report, result.write_report),
                                                      (description, result.description)) if path is not None}
            write_all_atomic(sidecars, [staged] if staged else [])
            if output == "-":
                handle.seek(0)
                shutil.copyfileobj(handle, sys.stdout)
    except Exception as exc:  # noqa: BLE001 - the CLI maps every error to an exit code
        if staged is not None:
            staged.discard()
        raise _fail(exc, debug) from None
    if not quiet:
        _summary(result, output, report, description)


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress display on an interactive stderr: stages, batches, rate, ETA."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

    rate = TextColumn("{task.fields[rate]}")
    with Bar(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TextColumn("batches"), rate,
             TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, rate="")
            bar.update(tasks[stage], completed=done, total=total)
            speed = bar.tasks[tasks[stage]].speed
            bar.update(tasks[stage], rate=f"{speed:.1f}/s" if speed else "")

        yield update


def _sidecars(output: str, report: Path | None, description: Path | None) -> tuple[Path | None, Path | None]:
    """Where the report and the description go: as asked, else beside a file output."""
    if output == "-":
        return report, description
    stem = Path(output).with_suffix("")
    return report or stem.with_name(f"{stem.name}.report.json"), description or stem.with_name(f"{stem.name}.void.ttl")


def _summary(result: ExportResult, output: str, report: Path | None, description: Path | None) -> None:
    for warning in chain(result.summary.warnings, report_warnings(result.summary.report)):
        _err(warning.render())
    g, r = result.summary, result.summary.report
    _err(f"exported {len(g.profiles)} profile(s), {g.records} records: "
         f"{g.works} works, {g.people} people, {g.organizations} organisations, "
         f"{result.triples} triples" + ("" if output == "-" else f" -> {output}"))
    _err(f"reconciliation: {len(r.disagreements)} disagreement(s), {len(r.unmatched_abstracts)} abstract(s) "
         f"matching no title, {len(r.person_candidates)} person candidate(s), {len(r.owner_candidates)} owner "
         f"candidate(s), {len(r.inferred_owners)} inferred owner(s)"
         + (f"; report -> {report}" if report else "") + (f"; description -> {description}" if description else ""))


@app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="An RDF file (.ttl, .nt, .nq, .trig, .jsonld).")],
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="Format of the file (default: from its extension).")] = None,
    engine: EngineOption = EngineName(DEFAULT_ENGINE),
    debug: Debug = False,
) -> None:
    """Validate any RDF file against the project's SHACL shapes (every graph of it, as one)."""
    try:
        report = validate_file(file, format_for(str(file), fmt), engine.value)
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None
    _print_report(report)
    if not report.conforms:
        raise typer.Exit(EXIT_NONCONFORMING)
    _err(f"{file}: conforms")


@app.command("parse")
def parse_command(
    paths: Annotated[list[Path], typer.Argument(help="Profile files or folders.")],
    debug: Debug = False,
) -> None:
    """Print the parsed records as JSON Lines (for debugging a parse)."""
    status = EXIT_OK
    try:
        files = find_profiles(paths)
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None
    for file, source in files:
        try:
            profile = read_profile(file, source)
        except InputError as exc:
            _err(str(exc))
            status = EXIT_INPUT
            continue
        header = profile.model_dump(mode="json", exclude={"records", "warnings"})
        typer.echo(json.dumps({"profile": header}, ensure_ascii=False))
        for record in profile.records:
            typer.echo(json.dumps(record.model_dump(mode="json"), ensure_ascii=False))
        for warning in profile.warnings:
            _err(warning.render())
    raise typer.Exit(status)


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command("query")
def query_command(
    source: Annotated[Path, typer.Argument(help="An RDF file: an export (.ttl, .nt, .nq, .trig, .jsonld).")],
    query: Annotated[str, typer.Argument(help="A SPARQL query: a .rq file, the query text, or - for stdin.")],
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, csv, tsv or json for SELECT and ASK (default: table on a terminal, else tsv); ntriples (default) or turtle for CONSTRUCT and DESCRIBE.")] = None,
    debug: Debug = False,
) -> None:
    """Run a SPARQL query over an export in an embedded store (default graph: the union of all graphs)."""
    try:
        text, name = (sys.stdin.read(), "stdin") if query == "-" else read_query(query)
        result = run_query(read_store(source), text, name)
        output = format_result(result, fmt, terminal=sys.stdout.isatty())
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None
    sys.stdout.write(output)


@app.command("load")
def load_command(
    endpoint: Annotated[str, typer.Argument(help="The store's SPARQL Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph). Credentials: KG_STORE_TOKEN (bearer), or KG_STORE_USER and KG_STORE_PASSWORD (basic or digest).")],
    files: Annotated[list[Path], typer.Argument(help="Export files: each named graph of .nq/.trig replaces that graph; .ttl/.nt/.jsonld need --graph.")],
    graph: Annotated[Optional[str], typer.Option("--graph", "-g", help="The graph IRI for triples outside a named graph.")] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Load an export into a triple store, replacing each graph it names (credentials from the environment)."""
    try:
        loaded = load_files(files, LoadOptions(endpoint=endpoint, graph=graph), os.environ)
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None
    if not quiet:
        for item in loaded:
            _err(f"replaced <{item.graph}>: {item.triples} triples")
        _err(f"loaded {len(loaded)} graph(s), {sum(i.triples for i in loaded)} triples into {endpoint}")


class _Notices(logging.Handler):
    """kg.validate's notices (pyshacl validates instead of the fast engine), on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        _err(f"warning: {record.getMessage()}")


logging.getLogger("kg").addHandler(logging.NullHandler())
logging.getLogger("kg.validate").addHandler(_Notices(logging.WARNING))
__all__ = ["app"]

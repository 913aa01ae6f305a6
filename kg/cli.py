"""The ``kg`` command: the only module that prints, reads argv or exits.

Exit codes: 0 ok, 1 the data does not conform to the shapes, 2 bad input or usage,
3 internal error (traceback only with ``--debug``), 130 interrupted (Ctrl-C), 141 the
reader of stdout went away (``kg query … | head``), 143 stopped by SIGTERM (``kg export``).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import traceback
from collections.abc import Iterator, Mapping
from enum import Enum
from itertools import chain
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from kg import __version__
from kg.errors import InputError, KgError, NonConformingError, environment_error, shown_path
from kg.namespaces import DEFAULT_BASE
from kg.load import LoadOptions, load_files
from kg.parse import Context, gather_evidence, read_profile
from kg.output import OutputPaths
from kg.pipeline import ExportOptions, ExportResult, export_files, find_profiles
from kg.publication import export_settings
from kg.reconcile import report_warnings
from kg.query import read_query
from kg.query_process import QueryJob, run_bounded
from kg.serialize import format_for
from kg.stream import UNITS as STAGE_UNITS, Progress
from kg.validate import DEFAULT_ENGINE, ValidationReport, validate_file

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn publication-profile text files into a validated schema.org + BIBO knowledge graph.")

EXIT_OK, EXIT_NONCONFORMING, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PIPE_CLOSED = 0, 1, 2, 3, 130, 141
EXIT_TERMINATED = 143

Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print no warnings: only a one-line summary.")]
EXAMPLES_PER_KIND = 3
"""Warnings printed per kind; the report has them all."""
REPORT_KEYS = {"disagreement": "disagreements", "unmatched-abstract": "unmatched_abstracts"}
"""Where the report lists warnings of a kind (the others: "warnings")."""


class EngineName(str, Enum):
    fast = "fast"
    pyshacl = "pyshacl"


EngineOption = Annotated[EngineName, typer.Option(
    "--engine", help="SHACL engine: fast (kg's own) or pyshacl (the reference); they give the same results.")]


def _err(text: str) -> None:
    typer.echo(text, err=True)


def _fail(exc: BaseException, debug: bool) -> typer.Exit:
    """Turn an exception into its message on stderr and the documented exit code."""
    if isinstance(exc, NonConformingError):
        report: ValidationReport | None = getattr(exc, "report", None)
        _print_report(report)
        _err(f"error: {exc}")
        return typer.Exit(EXIT_NONCONFORMING)
    if isinstance(exc, OSError):  # permissions, a full disk, a path that is not what it should be
        exc = environment_error(exc)
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
    base: Annotated[Optional[str], typer.Option("--base", help=f"Base IRI of the exported resources: an absolute http(s) IRI ending in / or # (default: {DEFAULT_BASE}).")] = None,
    dataset: Annotated[Optional[str], typer.Option("--dataset", help="The export's name in a store: its graphs are BASE graph/NAME/…, its description BASE dataset/NAME (default: OUTPUT's file name without extension; kg for stdout).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="The dataset's title (dcterms:title).")] = None,
    license_iri: Annotated[Optional[str], typer.Option("--license", help="IRI of the dataset's licence (dcterms:license), e.g. https://creativecommons.org/licenses/by/4.0/.")] = None,
    publisher: Annotated[Optional[str], typer.Option("--publisher", help="Name of the dataset's publisher (dcterms:publisher).")] = None,
    publisher_iri: Annotated[Optional[str], typer.Option("--publisher-iri", help="The publisher's own IRI (default: one under the dataset's).")] = None,
    issued: Annotated[Optional[str], typer.Option("--issued", help="Date of issue, YYYY-MM-DD (dcterms:issued; default: SOURCE_DATE_EPOCH's date, else none).")] = None,
    dump_url: Annotated[Optional[list[str]], typer.Option("--dump-url", help="URL the export can be downloaded from (void:dataDump); repeatable.")] = None,
    sparql_endpoint: Annotated[Optional[str], typer.Option("--sparql-endpoint", help="URL of a SPARQL endpoint serving the dataset (void:sparqlEndpoint).")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="TOML file of these settings (keys: the options' names); options win over it.")] = None,
    curation: Annotated[Optional[Path], typer.Option("--curation", help="Curation file (TOML): same / different person, profile owners.")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Reconciliation report (JSON); default: OUTPUT's name + .report.json.")] = None,
    description: Annotated[Optional[Path], typer.Option("--void", help="VoID/DCAT description (Turtle); default: OUTPUT's name + .void.ttl.")] = None,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Skip SHACL validation.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Processes to use (0: one per core); the output is the same for any.")] = 0,
    max_errors: Annotated[int, typer.Option("--max-errors", min=0, help="Skip up to N records that cannot be read, each reported (stderr and the report's 'rejected'); past N nothing is written. Default 0: any bad record stops the export.")] = 0,
    engine: EngineOption = EngineName(DEFAULT_ENGINE),
    dask: Annotated[bool, typer.Option("--dask", help="Run the batches on a Dask LocalCluster of --jobs worker processes on 127.0.0.1 (the same bytes).")] = False,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run the batches on the Dask cluster of this scheduler (tcp://host:8786); inputs and TMPDIR on storage every worker reads.")] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Export profiles as one validated RDF graph, with its reconciliation report and
    VoID description beside it (all three written whole, or none)."""
    try:
        with _signals_raise():
            chosen = format_for(output, fmt) if fmt or output != "-" else "turtle"
            given = {"base": base, "dataset": dataset, "title": title, "license": license_iri, "publisher": publisher,
                     "publisher-iri": publisher_iri, "issued": issued, "dump-url": dump_url,
                     "sparql-endpoint": sparql_endpoint}
            base, publication = export_settings(given, config, os.environ, output)
            options = ExportOptions(base=base, format=chosen, validate_shapes=not no_validate, curation=curation,
                                    jobs=jobs or os.cpu_count() or 1, publication=publication, max_errors=max_errors,
                                    engine=engine.value, scheduler="local" if dask else scheduler)
            report, description = _sidecars(output, report, description)
            outputs = OutputPaths(export=None if output == "-" else Path(output), report=report,
                                  description=description)
            with _progress(enabled=not quiet, units=STAGE_UNITS) as progress:  # stdout gets the document once it is whole and valid
                result = export_files(paths, options, outputs, progress, read=[("--config", config)] if config else (),
                                      stdout=sys.stdout.buffer if output == "-" else None)
            if not quiet:
                _rejected(result)
                _warnings(result, report)
            _summary(result, output, report, description, quiet)
    except KeyboardInterrupt as exc:
        raise _interrupted(exc) from None
    except BrokenPipeError:
        raise _reader_gone() from None
    except Exception as exc:  # noqa: BLE001 - the CLI maps every error to an exit code
        raise _fail(exc, debug) from None


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is, so that it stops as Ctrl-C does."""


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While the block runs, SIGTERM (``kill``, a service manager stopping kg) raises
    :class:`Terminated`: the export then removes its working files as for Ctrl-C."""
    def terminate(signum: int, frame: object) -> None:
        raise Terminated()

    before = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@contextmanager
def _progress(enabled: bool, units: Mapping[str, str] | str) -> Iterator[Progress | None]:
    """A rich progress display on an interactive stderr: stages, count, unit (``units``:
    one for every stage, or each stage's), rate, ETA.
    Redrawn by each update, never by rich's refresh thread (``auto_refresh=False``): the
    export forks its worker pools while the display runs, and a process must not fork
    while another thread may hold a lock (the child would inherit it held)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

    rate = TextColumn("{task.fields[rate]}")
    with Bar(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[unit]}"), rate,
             TimeRemainingColumn(), console=Console(stderr=True), transient=True, auto_refresh=False) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                unit = units if isinstance(units, str) else units.get(stage, "")
                tasks[stage] = bar.add_task(stage, total=total, rate="", unit=unit)
            bar.update(tasks[stage], completed=done, total=total)
            speed = bar.tasks[tasks[stage]].speed
            bar.update(tasks[stage], rate=f"{speed:.1f}/s" if speed else "", refresh=True)

        yield update


def _sidecars(output: str, report: Path | None, description: Path | None) -> tuple[Path | None, Path | None]:
    """Where the report and the description go: as asked, else beside a file output."""
    if output == "-":
        return report, description
    stem = Path(output).with_suffix("")
    return report or stem.with_name(f"{stem.name}.report.json"), description or stem.with_name(f"{stem.name}.void.ttl")


def _rejected(result: ExportResult) -> None:
    """Each record skipped under --max-errors (at most N), where it was and why."""
    for record in result.summary.report.rejected:
        _err(f"{record.diagnostic().render()}\n  skipped: the record of lines {record.first_line}-{record.last_line} "
             f"(--max-errors)")


def _warnings(result: ExportResult, report: Path | None) -> None:
    """Warnings grouped by kind: a count and the first few of each, then where all are."""
    counts: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    for warning in chain(result.summary.warnings, report_warnings(result.summary.report)):
        counts[warning.kind] = counts.get(warning.kind, 0) + 1
        if counts[warning.kind] <= EXAMPLES_PER_KIND:
            examples.setdefault(warning.kind, []).append(warning.render())
    for kind, count in counts.items():
        _err(f"{count} warning(s) [{kind}]" + (":" if count <= EXAMPLES_PER_KIND else f", the first {EXAMPLES_PER_KIND}:"))
        for example in examples[kind]:
            _err("  " + example.replace("\n", "\n  "))
        if count > EXAMPLES_PER_KIND:
            where = f"{report} ({REPORT_KEYS.get(kind, 'warnings')!r})" if report else "the report (--report FILE)"
            _err(f"  … {count - EXAMPLES_PER_KIND} more in {where}")


def _summary(result: ExportResult, output: str, report: Path | None, description: Path | None,
             quiet: bool) -> None:
    g, r = result.summary, result.summary.report
    _err(f"exported {len(g.profiles)} profile(s), {g.records} records ({g.records + len(r.rejected)} read, "
         f"{len(r.rejected)} rejected): {g.works} works, {g.people} people, {g.organizations} organisations, "
         f"{result.triples} triples" + ("" if output == "-" else f" -> {shown_path(output)}"))
    if quiet:
        return
    _err(f"reconciliation: {len(r.disagreements)} disagreement(s), {len(r.unmatched_abstracts)} abstract(s) "
         f"matching no title, {len(r.person_candidates)} person candidate(s), {len(r.owner_candidates)} owner "
         f"candidate(s), {len(r.inferred_owners)} inferred owner(s)"
         + (f"; report -> {shown_path(report)}" if report else "")
         + (f"; description -> {shown_path(description)}" if description else ""))


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
    """Print the parsed records as JSON Lines (for debugging a parse); records that cannot
    be read are errors on stderr (exit 2), the others are still printed."""
    status = EXIT_OK
    try:
        files = find_profiles(paths)
        context = Context(gather_evidence(files))
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None
    for file, source in files:
        try:
            profile = read_profile(file, source, context)
        except InputError as exc:
            _err(str(exc))
            status = EXIT_INPUT
            continue
        for rejected in profile.rejected:
            _err(rejected.diagnostic().render())
            status = EXIT_INPUT
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
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="Seconds the query may run once the file is loaded.")] = QueryJob.model_fields["timeout_seconds"].default,
    allow_service: Annotated[bool, typer.Option("--allow-service", help="Run SERVICE clauses, which fetch from the URLs the query names (within --timeout).")] = False,
    max_memory: Annotated[int, typer.Option("--max-memory", min=1, help="MB of memory the query may take beyond the loaded file.")] = QueryJob.model_fields["max_memory_mb"].default,
    debug: Debug = False,
) -> None:
    """Run a SPARQL query over an export in an embedded store (default graph: the union of all graphs)."""
    try:
        text, name = (sys.stdin.read(), "stdin") if query == "-" else read_query(query)
        job = QueryJob(source=source, query=text, name=name, fmt=fmt, terminal=sys.stdout.isatty(),
                       allow_service=allow_service, timeout_seconds=timeout, max_memory_mb=max_memory)
        run_bounded(job, _write_out)
    except KeyboardInterrupt:
        raise _interrupted() from None
    except BrokenPipeError:
        raise _reader_gone() from None
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None


def _write_out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _reader_gone() -> typer.Exit:
    """The reader closed stdout (``| head``): stop quietly, with the code of a process
    that SIGPIPE ended (128 + 13), as other Unix tools do."""
    try:  # nothing more may reach the closed pipe, not even Python's flush at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a file (a test's capture)
    return typer.Exit(EXIT_PIPE_CLOSED)


@app.command("load")
def load_command(
    endpoint: Annotated[str, typer.Argument(help="The store's SPARQL Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph). Credentials: KG_STORE_TOKEN (bearer), or KG_STORE_USER and KG_STORE_PASSWORD (basic or digest).")],
    files: Annotated[list[Path], typer.Argument(help="Export files: each named graph of .nq/.trig replaces that graph; .ttl/.nt/.jsonld need --graph.")],
    graph: Annotated[Optional[str], typer.Option("--graph", "-g", help="The graph IRI for triples outside a named graph.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite graphs that another export (or anything but this dataset) wrote; without it, kg load refuses.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="Seconds each graph may take: connecting, sending, the answer, retries.")] = LoadOptions.model_fields["timeout_seconds"].default,
    total_timeout: Annotated[float, typer.Option("--total-timeout", min=0.001, help="Seconds the whole load may take.")] = LoadOptions.model_fields["total_timeout_seconds"].default,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Load an export into a triple store, replacing each graph it names (credentials from the environment);
    refuses to replace a graph another export wrote unless --replace."""
    try:
        options = LoadOptions(endpoint=endpoint, graph=graph, replace=replace, timeout_seconds=timeout,
                              total_timeout_seconds=total_timeout)
        with _progress(enabled=not quiet, units="triples") as progress:
            loaded = load_files(files, options, os.environ, progress)
    except KeyboardInterrupt:
        raise _interrupted() from None
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None
    if not quiet:
        for item in loaded:
            _err(f"deleted <{item.graph}>: no longer in the dataset" if item.deleted
                 else f"replaced <{item.graph}>: {item.triples} triples")
        written = [i for i in loaded if not i.deleted]
        _err(f"loaded {len(written)} graph(s), {sum(i.triples for i in written)} triples into {endpoint}")


def _interrupted(exc: KeyboardInterrupt | None = None) -> typer.Exit:
    """Ctrl-C: one line and the shell's code for SIGINT (128 + 2); SIGTERM (kg export):
    the code for SIGTERM (128 + 15)."""
    if isinstance(exc, Terminated):
        _err("error: terminated")
        return typer.Exit(EXIT_TERMINATED)
    _err("error: interrupted")
    return typer.Exit(EXIT_INTERRUPTED)


@app.command("serve")
def serve_command(
    exports: Annotated[list[Path], typer.Argument(help="Export files (.nq, .trig, .ttl, .nt, .jsonld); the VoID and report beside each are read too.")],
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: this machine only).")] = "127.0.0.1",
    base: Annotated[Optional[str], typer.Option("--base", help="IRI prefix served at the server's root (default: the exports' void:uriSpace).")] = None,
    timeout: Annotated[float, typer.Option("--query-timeout", min=0.1, help="Seconds a SPARQL query may run.")] = 10.0,
    max_result: Annotated[int, typer.Option("--max-result-bytes", min=1000, help="Largest SPARQL result sent.")] = 10_000_000,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Serve every IRI of the exports as linked data: HTML pages, RDF by content
    negotiation, a read-only SPARQL endpoint at /sparql and the VoID at /.well-known/void."""
    try:
        import uvicorn

        from kg.publish.server import ServeOptions, create_app
        from kg.publish.sparql import Limits
        from kg.publish.store import read_published

        published = read_published(exports, base)
        application = create_app(published, ServeOptions(Limits(timeout=timeout, max_bytes=max_result)))
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None
    if not quiet:
        _err(f"serving <{published.base}> from {', '.join(map(str, exports))} at http://{host}:{port}/ "
             f"(SPARQL: /sparql); Ctrl-C stops")
    uvicorn.run(application, host=host, port=port, log_level="warning" if quiet else "info", access_log=not quiet)


@app.command("publish")
def publish_command(
    exports: Annotated[list[Path], typer.Argument(help="Export files; the VoID and report beside each are read too.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The site's folder (replaced whole, atomically).")],
    base: Annotated[Optional[str], typer.Option("--base", help="IRI prefix the site is published at (default: the exports' void:uriSpace).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Processes to use (0: one per core); the site is the same for any.")] = 0,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Write the pages and per-resource RDF documents as a static site, with indexes,
    search, sitemap.xml and nginx and Apache configurations that negotiate content."""
    try:
        from kg.publish.site import write_site
        from kg.publish.store import read_published

        summary = write_site(read_published(exports, base), output, jobs or None)
    except Exception as exc:  # noqa: BLE001
        raise _fail(exc, debug) from None
    if not quiet:
        _err(f"published {summary.resources} resources ({summary.files} files) -> {output}/ "
             f"(web server configuration: {output}/_config/)")


class _Notices(logging.Handler):
    """kg.validate's notices (pyshacl validates instead of the fast engine), on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        _err(f"warning: {record.getMessage()}")


logging.getLogger("kg").addHandler(logging.NullHandler())
logging.getLogger("kg.validate").addHandler(_Notices(logging.WARNING))
__all__ = ["app"]

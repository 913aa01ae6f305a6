"""The ``kg`` command: the only module that prints, reads argv or exits.

Every command ends the same way (:func:`_command`): an exception becomes the lines and
the exit code kg.errors.failure gives (kg.errors.ExitCode), and the library's log
records reach stderr through one handler (warnings by default, ``-v`` info, ``-vv``
debug, ``--quiet`` errors only).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
from collections.abc import Iterator, Mapping
from enum import Enum
from itertools import chain
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from kg import __version__
from kg.errors import ExitCode, InputError, Terminated, failure, printable, report_lines, shown_path
from kg.cleanup import release_held_signals, spill_folder
from kg.formats import STDIN, STDIN_NAME, export_extensions, export_names, format_of_file, shown_name
from kg.helptext import Commands
from kg.namespaces import DEFAULT_BASE
from kg.load import LoadOptions, load_files
from kg.parse import Context, gather_evidence, read_profile
from kg.output import OutputPaths
from kg.pipeline import ExportOptions, ExportResult, export_files, find_profiles
from kg.publication import export_settings
from kg.reconcile import report_warnings
from kg.query import read_query
from kg.query_process import QueryJob, run_bounded
from kg.stream import UNITS as STAGE_UNITS, Progress
from kg.validate import DEFAULT_ENGINE, ValidationReport, validate_file


app = typer.Typer(cls=Commands, add_completion=False, no_args_is_help=True,
                  help="Turn publication-profile text files into a validated schema.org + BIBO knowledge graph.")


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_print_version,
                                               help="Print the version and exit.")] = False) -> None:
    """Turn publication-profile text files into a validated schema.org + BIBO knowledge graph."""

Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print no warnings: only a one-line summary.")]
Verbose = Annotated[int, typer.Option("--verbose", "-v", count=True, show_default=False,
                                      help="Say more: -v what kg does, -vv debugging detail.")]
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
    for working, name in _SHOWN_AS.items():
        text = text.replace(working, name)
    typer.echo(text, err=True)


_SHOWN_AS: dict[str, str] = {}
"""The working copy of a profile read from stdin, for this run, and how messages name it."""


def _fail(exc: BaseException, debug: bool) -> typer.Exit:
    """Tell the user how the command ended (kg.errors.failure) and exit with its code."""
    told = failure(exc, debug)
    for line in told.lines:
        _err(line)
    if told.code == ExitCode.PIPE_CLOSED:
        _silence_stdout()
    return typer.Exit(told.code)


@contextmanager
def _command(debug: bool = False, verbose: int = 0, quiet: bool = False) -> Iterator[None]:
    """A command's body: the library's log records on stderr at the level asked, and
    whatever it raises as its message and exit code."""
    logger = logging.getLogger("kg")
    handler, level_before = _LogLines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)])
    try:
        release_held_signals()  # held since the console script started (kg/__main__.py)
        yield
    except typer.Exit:
        raise
    except (KeyboardInterrupt, Exception) as exc:  # noqa: BLE001 - kg.errors.failure tells each its code
        raise _fail(exc, debug) from None
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level_before)
        _SHOWN_AS.clear()


class _LogLines(logging.Handler):
    """kg's log records on stderr, one line each: ``warning: …``, ``info: …``,
    ``debug: logger: …``, with controls and bidi characters escaped (kg.errors.printable)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = printable(record.getMessage())
        except Exception:  # noqa: BLE001 - a bad log call: logging's own report, not a crash
            self.handleError(record)
            return
        where = f"{record.name}: " if record.levelno < logging.INFO else ""
        _err(f"{record.levelname.lower()}: {where}{message}")


def _print_report(report: ValidationReport | None) -> None:
    for line in report_lines(report):
        _err(line)


@app.command("export")
def export_command(
    paths: Annotated[list[Path], typer.Argument(help="Profile files or folders of *.txt profiles; - reads one profile from stdin.")],
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or - for stdout.")],
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help=f"{export_names()} (default: from the output file's extension).")] = None,
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
    stdin_name: Annotated[str, typer.Option("--stdin-name", help="The source name of the profile read from stdin (PATH -).")] = STDIN_NAME,
    dask: Annotated[bool, typer.Option("--dask", help="Run the batches on a Dask LocalCluster of --jobs worker processes on 127.0.0.1 (the same bytes).")] = False,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run the batches on the Dask cluster of this scheduler (tcp://host:8786); inputs and TMPDIR on storage every worker reads.")] = None,
    quiet: Quiet = False,
    verbose: Verbose = 0,
    debug: Debug = False,
) -> None:
    """Export profiles as one validated RDF graph, with its reconciliation report and
    VoID description beside it (all three written whole, or none)."""
    with _command(debug, verbose, quiet):
        with _signals_raise(), _stdin_profile(paths, stdin_name) as paths:
            chosen = format_of_file(output, fmt).name if fmt or output != "-" else "turtle"
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


@contextmanager
def _stdin_profile(paths: list[Path], name: str) -> Iterator[list[Path]]:
    """``paths`` with ``-`` replaced by a working copy of stdin named ``name`` (kg reads
    each profile twice, so it needs a file), in a folder of kg.cleanup (removed however
    the run ends; a killed run's, by the next run); messages name the copy ``name``."""
    if STDIN not in map(str, paths):
        if name != STDIN_NAME:
            raise InputError.at("--stdin-name", None, "names the profile read from stdin, but no PATH is -",
                                "give - among the paths, or leave --stdin-name out")
        yield paths
        return
    if [str(p) for p in paths].count(STDIN) > 1:
        raise InputError.at(STDIN, None, "stdin can be read once", "give - once")
    if not name or name in (".", "..") or "/" in name or not name.isprintable():
        raise InputError.at("--stdin-name", None, f"not a file name: {name!r}", "give a name such as me.txt")
    with spill_folder() as folder:
        copy = folder / name
        with copy.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        _SHOWN_AS[f"{folder}/"] = ""  # until the command has told how it ended (_command)
        yield [copy if str(p) == STDIN else p for p in paths]


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
    file: Annotated[Path, typer.Argument(help=f"An RDF file ({export_extensions()}), or - for stdin (with --format).")],
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help=f"Format of the file: {export_names()} (default: from its extension).")] = None,
    engine: EngineOption = EngineName(DEFAULT_ENGINE),
    verbose: Verbose = 0,
    debug: Debug = False,
) -> None:
    """Validate any RDF file against the project's SHACL shapes (every graph of it, as one)."""
    with _command(debug, verbose):
        report = validate_file(file, fmt, engine.value, stdin=sys.stdin.buffer)
    _print_report(report)
    if not report.conforms:
        raise typer.Exit(ExitCode.NONCONFORMING)
    _err(f"{shown_name(file)}: conforms")


@app.command("parse")
def parse_command(
    paths: Annotated[list[Path], typer.Argument(help="Profile files or folders.")],
    verbose: Verbose = 0,
    debug: Debug = False,
) -> None:
    """Print the parsed records as JSON Lines (for debugging a parse); records that cannot
    be read are errors on stderr (exit 2), the others are still printed."""
    with _command(debug, verbose):
        status = _parse(paths)
    raise typer.Exit(status)


def _parse(paths: list[Path]) -> ExitCode:
    status = ExitCode.OK
    files = find_profiles(paths)
    context = Context(gather_evidence(files))
    for file, source in files:
        try:
            profile = read_profile(file, source, context)
        except InputError as exc:
            _err(str(exc))
            status = ExitCode.INPUT
            continue
        for rejected in profile.rejected:
            _err(rejected.diagnostic().render())
            status = ExitCode.INPUT
        header = profile.model_dump(mode="json", exclude={"records", "warnings"})
        typer.echo(json.dumps({"profile": header}, ensure_ascii=False))
        for record in profile.records:
            typer.echo(json.dumps(record.model_dump(mode="json"), ensure_ascii=False))
        for warning in profile.warnings:
            _err(warning.render())
    return status


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command("query")
def query_command(
    source: Annotated[Path, typer.Argument(help=f"An RDF file: an export ({export_extensions()}).")],
    query: Annotated[str, typer.Argument(help="A SPARQL query: a .rq file, the query text, or - for stdin.")],
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, csv, tsv or json for SELECT and ASK (default: table on a terminal, else tsv); ntriples (default) or turtle for CONSTRUCT and DESCRIBE.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="Seconds the query may run once the file is loaded.")] = QueryJob.model_fields["timeout_seconds"].default,
    allow_service: Annotated[bool, typer.Option("--allow-service", help="Run SERVICE clauses, which fetch from the URLs the query names (within --timeout).")] = False,
    max_memory: Annotated[int, typer.Option("--max-memory", min=1, help="MB of memory the query may take beyond the loaded file.")] = QueryJob.model_fields["max_memory_mb"].default,
    verbose: Verbose = 0,
    debug: Debug = False,
) -> None:
    """Run a SPARQL query over an export in an embedded store (default graph: the union of all graphs)."""
    with _command(debug, verbose):
        text, name = (sys.stdin.read(), "stdin") if query == "-" else read_query(query)
        terminal = sys.stdout.isatty()
        job = QueryJob(source=source, query=text, name=name, fmt=fmt, terminal=terminal,
                       width=shutil.get_terminal_size().columns if terminal else None,
                       allow_service=allow_service, timeout_seconds=timeout, max_memory_mb=max_memory)
        run_bounded(job, _write_out)


def _write_out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _silence_stdout() -> None:
    """The reader closed stdout (``| head``): kg stops quietly, with the code of a
    process that SIGPIPE ended, as other Unix tools do; nothing more may reach the
    closed pipe, not even Python's flush at exit."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a file (a test's capture)


@app.command("load")
def load_command(
    endpoint: Annotated[str, typer.Argument(help="The store's SPARQL Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph). Credentials: KG_STORE_TOKEN (bearer), or KG_STORE_USER and KG_STORE_PASSWORD (basic or digest).")],
    files: Annotated[list[Path], typer.Argument(help="Export files, or - for stdin (with --format): each named graph of .nq/.trig replaces that graph; .ttl/.nt/.jsonld need --graph.")],
    graph: Annotated[Optional[str], typer.Option("--graph", "-g", help="The graph IRI for triples outside a named graph.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help=f"Format of the files: {export_names()} (default: from each file's extension).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite graphs that another export (or anything but this dataset) wrote; without it, kg load refuses.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="Seconds each graph may take: connecting, sending, the answer, retries.")] = LoadOptions.model_fields["timeout_seconds"].default,
    total_timeout: Annotated[float, typer.Option("--total-timeout", min=0.001, help="Seconds the whole load may take.")] = LoadOptions.model_fields["total_timeout_seconds"].default,
    quiet: Quiet = False,
    verbose: Verbose = 0,
    debug: Debug = False,
) -> None:
    """Load an export into a triple store, replacing each graph it names (credentials from the environment);
    refuses to replace a graph another export wrote unless --replace."""
    with _command(debug, verbose, quiet):
        options = LoadOptions(endpoint=endpoint, graph=graph, format=fmt, replace=replace, timeout_seconds=timeout,
                              total_timeout_seconds=total_timeout)
        with _progress(enabled=not quiet, units="triples") as progress:
            loaded = load_files(files, options, os.environ, progress, stdin=sys.stdin.buffer)
    if not quiet:
        for item in loaded:
            _err(f"deleted <{item.graph}>: no longer in the dataset" if item.deleted
                 else f"replaced <{item.graph}>: {item.triples} triples")
        written = [i for i in loaded if not i.deleted]
        _err(f"loaded {len(written)} graph(s), {sum(i.triples for i in written)} triples into {endpoint}")


@app.command("serve")
def serve_command(
    exports: Annotated[list[Path], typer.Argument(help=f"Export files ({export_extensions()}); the VoID and report beside each are read too.")],
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: this machine only).")] = "127.0.0.1",
    base: Annotated[Optional[str], typer.Option("--base", help="IRI prefix served at the server's root (default: the exports' void:uriSpace).")] = None,
    timeout: Annotated[float, typer.Option("--query-timeout", min=0.1, help="Seconds a SPARQL query may run.")] = 10.0,
    max_result: Annotated[int, typer.Option("--max-result-bytes", min=1000, help="Largest SPARQL result sent.")] = 10_000_000,
    quiet: Quiet = False,
    verbose: Verbose = 0,
    debug: Debug = False,
) -> None:
    """Serve every IRI of the exports as linked data: HTML pages, RDF by content
    negotiation, a read-only SPARQL endpoint at /sparql and the VoID at /.well-known/void."""
    with _command(debug, verbose, quiet):
        import uvicorn

        from kg.publish.server import ServeOptions, create_app
        from kg.publish.sparql import Limits
        from kg.publish.store import read_published

        published = read_published(exports, base)
        application = create_app(published, ServeOptions(Limits(timeout=timeout, max_bytes=max_result)))
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
    verbose: Verbose = 0,
    debug: Debug = False,
) -> None:
    """Write the pages and per-resource RDF documents as a static site, with indexes,
    search, sitemap.xml and nginx and Apache configurations that negotiate content."""
    with _command(debug, verbose, quiet):
        from kg.publish.site import write_site
        from kg.publish.store import read_published

        summary = write_site(read_published(exports, base), output, jobs or None)
    if not quiet:
        _err(f"published {summary.resources} resources ({summary.files} files) -> {output}/ "
             f"(web server configuration: {output}/_config/)")


__all__ = ["app"]

"""The CLI's habits, tried as a user would, with ``kg`` run as a real process: one
logging handler (library warnings on stderr by default, ``-v`` info, ``--quiet`` none),
errors told in one place with the documented exit codes, and README documenting every
command, option and exit code."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import typer.main
from rich.cells import cell_len

from kg.cli import app
from kg.errors import ExitCode
from kg.results import format_result
from tests.misbehaving import RawServer, respond

ROOT = Path(__file__).parents[1]
EXPORT = ROOT / "examples" / "export"
README = (ROOT / "README.md").read_text(encoding="utf-8")
ONE_GRAPH = ROOT / "tests" / "shapes" / "conforming.ttl"
GRAPH = "https://example.org/test/g"
KG = [sys.executable, "-m", "kg"]
NO_CREDENTIALS = {k: v for k, v in os.environ.items() if not k.startswith("KG_STORE_")}


def kg(*args: str | Path, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *map(str, args)], input=stdin, capture_output=True, timeout=timeout, check=False,
                          env=NO_CREDENTIALS)


@pytest.fixture
def flaky_store():
    """A store whose first PUT answers 503, then 201: kg load retries once."""
    puts = []

    def handle(connection, request, server):
        if request.method == "PUT":
            puts.append(request)
            respond(connection, "503 Service Unavailable" if len(puts) == 1 else "201 Created")
        else:
            respond(connection, "404 Not Found")
    server = RawServer(handle)
    yield server
    server.close()


def load(server: RawServer, *options: str) -> subprocess.CompletedProcess:
    return kg("load", f"{server.url}/store", ONE_GRAPH, "--graph", GRAPH, "--replace", *options)


def test_a_library_warning_reaches_the_user(flaky_store):
    result = load(flaky_store)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines[0] == (f"warning: {flaky_store.url}/store answered 503 Service Unavailable for graph <{GRAPH}>; "
                        "retrying in 0.5 s (attempt 2 of 3)")
    assert [line.split(":")[0] for line in lines[1:]] == ["replaced <https", "loaded 1 graph(s), 100 triples into http"]


def test_quiet_prints_no_warning(flaky_store):
    result = load(flaky_store, "--quiet")
    assert result.returncode == 0 and result.stderr == b"", result.stderr


@pytest.mark.parametrize("verbose", ["-v", "-vv"])
def test_verbose_says_what_kg_does(flaky_store, verbose):
    result = load(flaky_store, verbose)
    lines = result.stderr.decode().splitlines()
    assert result.returncode == 0, result.stderr
    assert lines[0].startswith("warning: ") and f"info: replaced <{GRAPH}> with 100 triples" in lines


def test_an_option_a_model_refuses_is_bad_usage_not_a_bug():
    result = kg("load", "http://127.0.0.1:9/store", ONE_GRAPH, "--format", "rdfxml")
    assert result.returncode == ExitCode.INPUT
    assert result.stderr.decode().startswith("--format: error: RDF/XML is not a format kg exports or reads"), \
        result.stderr


def test_each_failure_has_its_documented_exit_code(tmp_path):
    broken = tmp_path / "broken.nt"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    assert kg("validate", broken).returncode == ExitCode.INPUT
    nonconforming = tmp_path / "nonconforming.ttl"
    nonconforming.write_text(ONE_GRAPH.read_text(encoding="utf-8").replace("kg:position 2", "kg:position 5", 1),
                             encoding="utf-8")
    result = kg("validate", nonconforming)
    assert result.returncode == ExitCode.NONCONFORMING and b"Violation:" in result.stderr
    assert kg("validate", ONE_GRAPH).returncode == ExitCode.OK


# --- - for stdin --------------------------------------------------------------------

PROFILE = sorted((ROOT / "examples" / "profiles").glob("*.txt"))[0]


@pytest.mark.parametrize("name", [None, "000_me.txt"])
def test_export_reads_a_profile_from_stdin_as_a_file_of_its_name(tmp_path, name):
    named = tmp_path / "given" / (name or "stdin")
    named.parent.mkdir()
    named.write_bytes(PROFILE.read_bytes())
    (tmp_path / "piped").mkdir()
    by_file = kg("export", named, "-o", tmp_path / "given" / "out.nq", "-j", "1")
    by_stdin = subprocess.run([*KG, "export", "-", "-o", str(tmp_path / "piped" / "out.nq"), "-j", "1",
                               *(["--stdin-name", name] if name else [])], input=PROFILE.read_bytes(),
                              capture_output=True, timeout=120, env={**NO_CREDENTIALS, "TMPDIR": str(tmp_path)})
    assert by_file.returncode == by_stdin.returncode == 0, by_stdin.stderr
    for output in ("out.nq", "out.report.json", "out.void.ttl"):
        assert (tmp_path / "piped" / output).read_bytes() == (tmp_path / "given" / output).read_bytes(), output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["given", "piped"]  # the working copy is gone


def test_a_stdin_name_without_stdin_is_bad_usage(tmp_path):
    result = kg("export", PROFILE, "-o", tmp_path / "out.nq", "--stdin-name", "me.txt")
    assert result.returncode == ExitCode.INPUT and result.stderr.startswith(b"--stdin-name: error: ")
    assert list(tmp_path.iterdir()) == []


def test_a_bad_profile_on_stdin_is_named_stdin(tmp_path):
    result = subprocess.run([*KG, "export", "-", "-o", str(tmp_path / "out.nq")], input=b"A title\n\x00 binary\n",
                            capture_output=True, timeout=120, env={**NO_CREDENTIALS, "TMPDIR": str(tmp_path)})
    assert result.returncode == ExitCode.INPUT
    assert result.stderr.decode().splitlines()[0] == "stdin:2: error: binary file (NUL byte), not a profile text file"
    assert list(tmp_path.iterdir()) == []


def test_validate_reads_stdin_in_the_format_given():
    data = (EXPORT / "examples.nt").read_bytes()
    result = kg("validate", "-", "--format", "nt", stdin=data)
    assert result.returncode == ExitCode.OK and result.stderr.decode().endswith("stdin: conforms\n"), result.stderr
    unnamed = kg("validate", "-", stdin=data)
    assert unnamed.returncode == ExitCode.INPUT
    assert unnamed.stderr.decode().splitlines() == ["stdin: error: cannot tell the RDF format of stdin",
                                                    "  hint: give it with --format"]
    broken = kg("validate", "-", "-f", "nt", stdin=b"<https://a.example/> <https://b.example/> .\n")
    assert broken.returncode == ExitCode.INPUT and broken.stderr.startswith(b"stdin:1: error: cannot parse as ntriples")


def test_load_reads_stdin_in_the_format_given(flaky_store):
    result = kg("load", f"{flaky_store.url}/store", "-", "--format", "nq", "--replace", "-q",
                stdin=(EXPORT / "examples.nq").read_bytes())
    assert result.returncode == ExitCode.OK, result.stderr
    graphs = {q.graph_name.value for q in ox.parse(path=str(EXPORT / "examples.nq"), format=ox.RdfFormat.N_QUADS)}
    puts = [r for r in flaky_store.requests if r.method == "PUT"]
    assert len(puts) == len(graphs) + 1  # the first was refused (503) and sent again


# --- query tables ------------------------------------------------------------------

def on_a_terminal(*args: str | Path, columns: int) -> str:
    """What ``kg ARGS`` shows on a terminal ``columns`` cells wide (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([*KG, *map(str, args)], stdin=subprocess.DEVNULL, stdout=follower,
                               stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": str(columns)})
    os.close(follower)
    shown = b""
    while select.select([leader], [], [], 60)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, process.stderr.read()
    return shown.decode().replace("\r\n", "\n")


@pytest.mark.parametrize("columns", [60, 100, 200])
def test_a_query_table_fits_the_terminal_with_prefixed_iris(columns):
    query = ("SELECT ?work ?title ?category WHERE { ?work schema:name ?title ; schema:about ?category . "
             "?category a skos:Concept } ORDER BY ?work ?category LIMIT 8")
    lines = on_a_terminal("query", EXPORT / "examples.ttl", query, columns=columns).splitlines()
    assert [c.strip() for c in lines[0].split(" | ")] == ["work", "title", "category"]
    assert lines[-1] == "(8 rows)" and len(lines) == 11
    assert all(cell_len(line) <= columns for line in lines), lines
    assert all(" | cat:" in line for line in lines[2:-1]), lines  # <https://w3id.org/kg/category/…> as cat:…
    if columns == 60:
        assert all("…" in line for line in lines[2:-1])


def test_a_table_cut_to_width_counts_terminal_cells():
    wide = "日本語の論文の題名" * 5
    result = ox.Store().query(f'SELECT ?a ?b WHERE {{ VALUES (?a ?b) {{ ("{wide}" "x{wide}") }} }}')
    lines = format_result(result, "table", width=41).splitlines()
    assert all(cell_len(line) <= 41 for line in lines) and lines[2].count("…") == 2, lines


# --- README ------------------------------------------------------------------------

def test_readme_lists_every_exit_code():
    paragraph = README[README.index("Exit codes ("):].split("\n\n")[0]
    for code in ExitCode:
        assert re.search(rf"\b{code.value} ", paragraph), f"exit code {code.value} ({code.name}) not in README"


COMMON = {"--debug", "--quiet", "--verbose", "--help"}
"""Options every command has, documented once under the table."""


def _commands() -> dict[str, list[list[str]]]:
    """Each command's name and its options' names (long and short), as the CLI defines them."""
    group = typer.main.get_command(app)
    return {name: [p.opts for p in command.params if p.opts[0].startswith("-")]
            for name, command in group.commands.items()}


@pytest.mark.parametrize("command", sorted(_commands()))
def test_readme_documents_every_command_and_option(command):
    rows = [line for line in README.splitlines() if line.startswith(f"| `kg {command}")]
    assert rows, f"kg {command} is not in README's commands table"
    for names in _commands()[command]:
        if not COMMON & set(names):
            assert any(f"{name} " in row or f"{name}]" in row for row in rows for name in names), \
                f"kg {command} {names} is not in README's commands table"
    for option in COMMON - {"--help"}:
        assert option in README[README.index("## Commands"):README.index("## Input layouts")]


RAW_LABEL = re.compile(r"<(bool|str|int|float|path|list\[\w+\])>|\bTEXT\b")


@pytest.mark.parametrize("command", ["", *sorted(_commands())])
def test_every_command_has_help_without_raw_type_labels(command):
    result = subprocess.run([*KG, *([command] if command else []), "--help"], capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "200"}, timeout=60, check=False)
    assert result.returncode == 0 and "Usage" in result.stdout
    assert not RAW_LABEL.search(result.stdout), RAW_LABEL.search(result.stdout)
    for names in _commands().get(command, []):
        assert names[0] in result.stdout


def test_version_is_an_option_and_a_command():
    from kg import __version__

    assert kg("--version").stdout.decode() == kg("version").stdout.decode() == f"{__version__}\n"
    assert "--version" in README[README.index("## Commands"):README.index("## Input layouts")]

"""The CLI's habits, tried as a user would, with ``kg`` run as a real process: one
logging handler (library warnings on stderr by default, ``-v`` info, ``--quiet`` none),
errors told in one place with the documented exit codes, and README documenting every
command, option and exit code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from kg.cli import app
from kg.errors import ExitCode
from tests.misbehaving import RawServer, respond

ROOT = Path(__file__).parents[1]
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


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_has_help(command):
    result = kg(command, "--help")
    assert result.returncode == 0 and b"Usage" in result.stdout

"""Session fixtures: the real triple stores of tests/servers.py, each started once per
run, stopped at the end, and loaded with the bundled export by ``kg load``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.servers import Server, start_oxigraph, start_virtuoso

EXPORT = Path(__file__).parents[1] / "examples" / "export" / "examples.nq"
_started: list[Server] = []


def _serve(start, tmp_path_factory, name: str):
    server = start(tmp_path_factory.mktemp(name))
    _started.append(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    yield from _serve(start_oxigraph, tmp_path_factory, "oxigraph")


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    yield from _serve(start_virtuoso, tmp_path_factory, "virtuoso")


def load_export(server: Server, *files: Path) -> None:
    result = CliRunner().invoke(app, ["load", server.gsp_url, *(str(f) for f in files or (EXPORT,)), "--quiet"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def loaded_oxigraph(oxigraph_server) -> Server:
    load_export(oxigraph_server)
    return oxigraph_server


@pytest.fixture(scope="session")
def loaded_virtuoso(virtuoso_server) -> Server:
    load_export(virtuoso_server)
    return virtuoso_server


def pytest_terminal_summary(terminalreporter):
    if _started:
        terminalreporter.write_line("servers started: " + ", ".join(
            f"{s.name} in {s.started_in_seconds:.1f} s" for s in _started))

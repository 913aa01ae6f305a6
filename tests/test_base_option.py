"""``--base`` (issue 12): an absolute http(s) IRI without controls, bidi or other
invisible characters and without bad percent-escapes, refused otherwise by every
command that takes it (exit 2, ``--base: error: …`` and a hint), before any output."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).parents[1]
PROFILE = ROOT / "examples" / "profiles" / "004_b36c2fbe692e6225.txt"
EXPORT = ROOT / "examples" / "export" / "examples.nq"
runner = CliRunner()

BAD_BASES = {
    "not http": "schema:x/",
    "urn": "urn:kg:x/",
    "relative": "/kg/",
    "upper-case scheme": "HTTPS://example.org/kg/",
    "no host": "https:///kg/",
    "bad port": "https://example.org:99999/kg/",
    "bad percent-escape": "https://example.org/%zz/",
    "cut percent-escape": "https://example.org/kg%2/",
    "escape sequence": "https://example.org/\x1b[31m/",
    "NUL": "https://example.org/\x00/",
    "newline": "https://example.org/kg/\n",
    "bidi override": "https://example.org/\u202ekg/",
    "bidi isolate": "https://example.org/\u2066kg\u2069/",
    "zero-width space": "https://example.org/k\u200bg/",
    "space": "https://example.org/k g/",
    "angle bracket": "https://example.org/<kg>/",
    "no final slash": "https://example.org/kg",
}


def command_args(command: str, tmp_path: Path) -> list[str]:
    """Arguments that would make the command run, but for --base."""
    return {"export": ["export", str(PROFILE), "-o", str(tmp_path / "out.ttl"), "--no-validate"],
            "publish": ["publish", str(EXPORT), "-o", str(tmp_path / "site")],
            "serve": ["serve", str(EXPORT), "--port", "0"]}[command]


def commands_taking_base() -> list[str]:
    group = get_command(app)
    return sorted(name for name, command in group.commands.items()
                  if any("--base" in getattr(p, "opts", ()) for p in command.params))


def test_every_command_taking_base_is_checked_here(tmp_path):
    for command in commands_taking_base():
        assert command_args(command, tmp_path)  # a KeyError names a command to add above


@pytest.mark.parametrize("command", commands_taking_base())
@pytest.mark.parametrize("base", BAD_BASES.values(), ids=BAD_BASES.keys())
def test_a_bad_base_is_refused_before_any_output(command, base, tmp_path):
    result = runner.invoke(app, [*command_args(command, tmp_path), "--base", base])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("--base: error: ") and lines[1].startswith("  hint: "), result.stderr
    assert len(lines) == 2 and all(c.isprintable() for c in result.stderr.replace("\n", "")), repr(result.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("base", ["https://example.org/kg/", "http://127.0.0.1:8080/kg#",
                                  "https://example.org/k%C3%A9/", "https://example.org/ké/"])
def test_a_good_base_is_used(base, tmp_path):
    result = runner.invoke(app, [*command_args("export", tmp_path), "--base", base, "--quiet"])
    assert result.exit_code == 0, result.output
    assert f"<{base}work/" in (tmp_path / "out.ttl").read_text(encoding="utf-8")

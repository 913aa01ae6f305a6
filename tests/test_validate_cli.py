"""`kg validate` and validation inside `kg export`, on real pyshacl runs."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).parents[1]
GOLDEN = ROOT / "examples" / "export" / "examples.ttl"
runner = CliRunner()


def test_examples_export_conforms_with_only_title_warnings():
    result = runner.invoke(app, ["validate", str(GOLDEN)])
    assert result.exit_code == 0, result.stderr
    assert "SHACL: 0 violation(s), 20 warning(s)" in result.stderr
    assert "conforms" in result.stderr


def test_broken_author_list_exits_1_with_a_readable_report(tmp_path):
    broken = tmp_path / "broken.ttl"
    text = (ROOT / "tests" / "shapes" / "conforming.ttl").read_text(encoding="utf-8")
    broken.write_text(text.replace('kg:position 2', 'kg:position 5', 1), encoding="utf-8")
    assert broken.read_text(encoding="utf-8") != text
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "Violation:" in result.stderr and "position" in result.stderr


def test_unparsable_rdf_is_bad_input(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2 and "cannot parse" in result.stderr

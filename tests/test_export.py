"""End to end through the CLI: formats parse back to the same graph, output is
deterministic and atomic, bad input exits 2 with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pyoxigraph as ox
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from tests.rdfcompare import assert_same_triples, file_triples, text_triples

ROOT = Path(__file__).parents[1]
PROFILES = ROOT / "examples" / "profiles"
GOLDEN = ROOT / "examples" / "export"
PUBLISH = ROOT / "examples" / "publish.toml"
"""The publisher's statements the golden files were exported with."""
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("export")
    files = {}
    for ext in ("ttl", "nt", "nq", "trig", "jsonld"):
        files[ext] = out / f"examples.{ext}"
        result = run("export", str(PROFILES), "-o", str(files[ext]), "--config", str(PUBLISH), "--no-validate", "--quiet")
        assert result.exit_code == 0, result.output
    return files


EXTENSIONS = ("jsonld", "nq", "nt", "trig", "ttl")


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_every_format_matches_the_reviewed_golden_file(exports, ext):
    assert_same_triples(file_triples(exports[ext]), file_triples(GOLDEN / "examples.ttl"))


def test_rdflib_reads_every_format_back(exports):
    counts = {ext: len(Graph().parse(exports[ext], format={"nq": "nquads", "jsonld": "json-ld", "nt": "nt"}.get(ext, ext if ext != "ttl" else "turtle")))
              for ext in ("ttl", "nt", "jsonld")}
    assert len(set(counts.values())) == 1, counts


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_golden_files_are_current_bytes(exports, ext):
    assert exports[ext].read_bytes() == (GOLDEN / f"examples.{ext}").read_bytes()


def test_jsonld_expanded_by_pyld_is_the_turtle_graph(exports):
    pyld = pytest.importorskip("pyld")
    document = json.loads(exports["jsonld"].read_text(encoding="utf-8"))
    nquads = pyld.jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert_same_triples(text_triples(nquads, ox.RdfFormat.N_QUADS), file_triples(exports["ttl"]))


def test_jsonld_context_is_the_shipped_file(exports):
    document = json.loads(exports["jsonld"].read_text(encoding="utf-8"))
    shipped = json.loads((ROOT / "kg" / "data" / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == shipped["@context"]


def test_two_runs_give_identical_bytes(tmp_path):
    """Two runs into two folders (the output's name is the default dataset name, so it stays)."""
    for folder in ("a", "b"):
        assert run("export", str(PROFILES), "-o", str(tmp_path / folder / "x.nq"), "--no-validate", "-q").exit_code == 0
    assert (tmp_path / "a" / "x.nq").read_bytes() == (tmp_path / "b" / "x.nq").read_bytes()


def test_stdout_output(tmp_path):
    result = run("export", str(PROFILES / "000_d56e7dbe932bb055.txt"), "-o", "-", "--format", "ntriples",
                 "--no-validate", "-q")
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout, format="nt")) > 100


@pytest.mark.parametrize(("content", "message"), [
    (b"", ":1: error: empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", ":3: error: binary file"),
    (b"Some title\nnot an author line\n", ":1: error: not a recognised profile layout"),
])
def test_bad_input_exit_2_and_no_output(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    output = tmp_path / "out.ttl"
    result = run("export", str(PROFILES), str(bad), "-o", str(output))
    assert result.exit_code == 2
    assert f"{bad}{message}" in result.stderr
    assert not output.exists() and not list(tmp_path.glob(".out.ttl*"))


def test_unknown_extension_is_a_usage_error(tmp_path):
    result = run("export", str(PROFILES), "-o", str(tmp_path / "x.rdf"))
    assert result.exit_code == 2 and "--format" in result.stderr


def test_parse_prints_json_lines():
    result = run("parse", str(PROFILES / "004_b36c2fbe692e6225.txt"))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and rows[0]["profile"]["layout"] == "bibliography" and len(rows) == 9


def test_output_file_mode_follows_umask(tmp_path):
    output = tmp_path / "one.nt"
    assert run("export", str(PROFILES / "000_d56e7dbe932bb055.txt"), "-o", str(output), "--no-validate", "-q").exit_code == 0
    mask = __import__("os").umask(0)
    __import__("os").umask(mask)
    assert output.stat().st_mode & 0o777 == 0o666 & ~mask


def test_run_summary_groups_warnings_by_kind_and_points_to_the_report(tmp_path):
    """Each kind of warning: its count, the first three, and where the rest are; the
    counts are those of the report's lists."""
    result = run("export", str(PROFILES), "-o", str(tmp_path / "e.nq"), "--no-validate")
    report = json.loads((tmp_path / "e.report.json").read_text())
    lines = result.stderr.splitlines()
    assert result.exit_code == 0
    assert "1 warning(s) [disagreement]:" in lines
    assert "20 warning(s) [unmatched-abstract], the first 3:" in lines
    assert f"2 warning(s) [one-word-name]:" in lines and len(report["warnings"]) == 2
    unmatched = [line for line in lines if "abstract-only record matches no titled record" in line]
    first = report["unmatched_abstracts"][0]
    assert len(unmatched) == 3 and len(report["unmatched_abstracts"]) == 20
    assert f"{first['source']}:{first['line']}: warning:" in unmatched[0] and first["work"] in unmatched[0]
    assert f"  … 17 more in {tmp_path / 'e.report.json'} ('unmatched_abstracts')" in lines
    assert lines[-2].startswith("exported 5 profile(s), 46 records (46 read, 0 rejected): 40 works")


def test_quiet_prints_the_one_line_summary_only(tmp_path):
    result = run("export", str(PROFILES), "-o", str(tmp_path / "e.nq"), "--no-validate", "-q")
    assert result.exit_code == 0
    triples = sum(1 for _ in (tmp_path / "e.nq").open(encoding="utf-8"))
    assert result.stderr.splitlines() == [
        f"exported 5 profile(s), 46 records (46 read, 0 rejected): 40 works, 672 people, 5 organisations, "
        f"{triples} triples -> {tmp_path / 'e.nq'}"]

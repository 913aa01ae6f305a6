"""`kg validate` and validation inside `kg export`, with both engines on real runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).parents[1]
EXPORT = ROOT / "examples" / "export"
GOLDEN = EXPORT / "examples.ttl"
CONFORMING = ROOT / "tests" / "shapes" / "conforming.ttl"
runner = CliRunner()


@pytest.mark.parametrize("name", ["examples.ttl", "examples.nt", "examples.nq", "examples.trig", "examples.jsonld"])
def test_examples_export_conforms_with_only_title_warnings(name):
    result = runner.invoke(app, ["validate", str(EXPORT / name)])
    assert result.exit_code == 0, result.stderr
    assert "SHACL: 0 violation(s), 20 warning(s)" in result.stderr
    assert f"{name}: conforms" in result.stderr


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_both_engines_print_the_same_report(engine):
    result = runner.invoke(app, ["validate", "--engine", engine, str(CONFORMING)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "Warning: <https://example.org/kg/work/abstract-5d1f0c3a9b7e2468> http://schema.org/name: "
        "The work has no title (schema:name): no source gave one",
        "SHACL: 0 violation(s), 1 warning(s)", f"{CONFORMING}: conforms"]


def test_broken_author_list_exits_1_with_a_readable_report(tmp_path):
    broken = tmp_path / "broken.ttl"
    text = CONFORMING.read_text(encoding="utf-8")
    broken.write_text(text.replace('kg:position 2', 'kg:position 5', 1), encoding="utf-8")
    assert broken.read_text(encoding="utf-8") != text
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "Violation:" in result.stderr and "position" in result.stderr


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_position_not_in_canonical_form_is_reported(tmp_path, engine):
    """``"01"^^xsd:integer`` reaches the shapes as written: its pattern fails. (Read
    with rdflib's parsers, the literal would become ``"1"`` and pass.)"""
    broken = tmp_path / "broken.ttl"
    text = CONFORMING.read_text(encoding="utf-8")
    broken.write_text(text.replace("kg:position 1 ;", 'kg:position "01"^^xsd:integer ;', 1), encoding="utf-8")
    assert broken.read_text(encoding="utf-8") != text
    result = runner.invoke(app, ["validate", "--engine", engine, str(broken)])
    assert result.exit_code == 1, result.stderr
    authorship = "https://example.org/kg/work/gemini-a-family-of-highly-capable-multimodal-models/authorship/1"
    assert (f"Violation: <{authorship}> https://w3id.org/kg/ns#position: An authorship has exactly one "
            "kg:position, an xsd:integer of at least 1 written without sign or leading zeros "
            '(value "01"^^<http://www.w3.org/2001/XMLSchema#integer>)') in result.stderr.splitlines()


def test_unparsable_rdf_is_bad_input_with_its_line(tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://a> <http://b> <http://c> .\n<http://a> <http://b> "x .\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:2: error: cannot parse as ntriples")


def test_an_unknown_engine_is_a_usage_error():
    result = runner.invoke(app, ["validate", "--engine", "jena", str(CONFORMING)])
    assert result.exit_code == 2 and "jena" in result.stderr


def test_export_with_either_engine_writes_the_same_files(tmp_path):
    """A small profile exported with each engine: the same graph, report and summary."""
    profile = tmp_path / "profiles"
    profile.mkdir()
    (profile / "listing.txt").write_text("LGJan 2, 2024\nAlpha ResultsMaria Lopez, Kim Tan\nAlpha abstract.\n",
                                         encoding="utf-8")
    (profile / "abstracts.txt").write_text("Abstract: An untitled work.\n", encoding="utf-8")
    runs = {}
    for engine in ("fast", "pyshacl"):
        out = tmp_path / engine / "out.nq"
        out.parent.mkdir()
        result = runner.invoke(app, ["export", str(profile), "-o", str(out), "--engine", engine, "--jobs", "1"])
        assert result.exit_code == 0, result.stderr
        runs[engine] = (out.read_bytes(), (out.parent / "out.report.json").read_bytes(),
                        result.stderr.replace(str(out.parent), "OUT"))
    assert runs["fast"] == runs["pyshacl"]


def test_shapes_the_fast_engine_lacks_are_validated_by_pyshacl_with_a_notice(monkeypatch):
    """A shapes graph with sh:closed: one warning line, and pyshacl's verdict."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import SH

    import kg.validate.reference as reference
    from kg.validate.shapes import read_shapes

    shapes = Graph().parse(ROOT / "shapes" / "kg.shacl.ttl")
    shapes.add((URIRef("https://w3id.org/kg/shapes#SourceFileShape"), SH.closed, Literal(True)))
    model = read_shapes(shapes)
    monkeypatch.setattr(reference, "shapes_graph", lambda: shapes)
    monkeypatch.setattr("kg.validate.shapes", lambda: model)
    result = runner.invoke(app, ["validate", str(CONFORMING)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "warning: kg.validate: the fast engine does not implement what the shapes use "
        "(<https://w3id.org/kg/shapes#SourceFileShape> uses sh:closed): pyshacl validates instead")
    assert "Violation: <https://example.org/kg/source/rohan-anil.txt> http://www.w3.org/1999/02/22-rdf-syntax-ns#type" \
        in result.stderr

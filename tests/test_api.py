"""The Python API (kg.export, kg.build): the CLI's bytes and guarantees, in three lines."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import InputError
from tests.rdfcompare import assert_same_triples, canonical_triples

SEEDS = Path(__file__).parents[1] / "examples" / "profiles"


def test_export_writes_what_the_cli_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = kg.export([SEEDS], output=tmp_path / "api" / "examples.nq")
    assert result.summary.works == 40 and result.report is not None and result.report.conforms
    cli = CliRunner().invoke(app, ["export", str(SEEDS), "-o", str(tmp_path / "cli" / "examples.nq"), "-q", "-j", "1"])
    assert cli.exit_code == 0, cli.output
    for name in ("examples.nq", "examples.void.ttl"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert sorted(os.listdir(tmp_path / "api")) == ["examples.nq", "examples.report.json", "examples.void.ttl"]


def test_export_leaves_every_output_as_it_was_on_bad_input(tmp_path):
    """Python callers get the CLI's guarantee: nothing written before the scan succeeded."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.txt").write_text("LGJul\nBeta ResultsKim Tan\nBeta abstract.\n", encoding="utf-8")
    (tmp_path / "out.ttl").write_text("old\n", encoding="utf-8")
    with pytest.raises(InputError):
        kg.export([tmp_path / "in"], output=tmp_path / "out.ttl")
    assert sorted(os.listdir(tmp_path)) == ["in", "out.ttl"]
    assert (tmp_path / "out.ttl").read_text(encoding="utf-8") == "old\n"


def test_an_unknown_output_extension_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot tell the RDF format from the file name"):
        kg.export([SEEDS], output=tmp_path / "out.xyz")


def test_build_is_the_exported_graph_in_a_store(tmp_path):
    store = kg.build([SEEDS])
    assert isinstance(store, ox.Store)
    kg.export([SEEDS], kg.ExportOptions(format="nquads", validate_shapes=False), output=tmp_path / "kg.nq")
    exported = ox.parse((tmp_path / "kg.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)
    assert_same_triples(canonical_triples(store), canonical_triples(exported))
    works = store.query("SELECT (COUNT(?w) AS ?n) WHERE { GRAPH ?g { ?w a <http://schema.org/ScholarlyArticle> } }")
    assert int(next(iter(works))["n"].value) == 40

"""The format registry (kg.formats): every command reads the same names, aliases,
extensions and media types, and an unknown format is an error, never a fallback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from pydantic import ValidationError

from kg.formats import EXPORT_FORMATS, FORMATS, UnknownFormat, format_named, format_of_file
from kg.load import LoadOptions, read_graphs
from kg.pipeline import ExportOptions
from kg.publish.negotiation import JSONLD, NTRIPLES, RDFXML, TURTLE

ROOT = Path(__file__).parents[1]
EXPORT = ROOT / "examples" / "export"
PROFILE = sorted((ROOT / "examples" / "profiles").glob("*.txt"))[0]
KG = [sys.executable, "-m", "kg"]

IANA = {  # https://www.iana.org/assignments/media-types/ and each format's W3C recommendation
    "turtle": ("text/turtle", ".ttl"), "json-ld": ("application/ld+json", ".jsonld"),
    "ntriples": ("application/n-triples", ".nt"), "nquads": ("application/n-quads", ".nq"),
    "trig": ("application/trig", ".trig"), "rdf-xml": ("application/rdf+xml", ".rdf"),
}


def kg(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *map(str, args)], input=stdin, capture_output=True, timeout=120, check=False)


def test_the_registry_names_each_format_s_media_type_and_extension():
    assert {f.name: (f.media_type, f.extension) for f in FORMATS} == IANA


def test_publish_negotiates_the_registry_s_media_types():
    for representation in (TURTLE, JSONLD, NTRIPLES, RDFXML):
        assert (representation.media_type, representation.suffix) == IANA[representation.name]


@pytest.mark.parametrize("alias, name", [("jsonld", "json-ld"), ("JSON-LD", "json-ld"), ("ttl", "turtle"),
                                         ("nt", "ntriples"), ("n-quads", "nquads"), ("trig", "trig")])
def test_aliases_name_their_format(alias, name):
    assert format_named(alias).name == name
    assert ExportOptions(format=alias).format == name


@pytest.mark.parametrize("name", ["rdfxml", "rdf-xml", "xml", "turtle2", ""])
def test_an_unknown_or_unexported_format_is_a_validation_error(name):
    with pytest.raises(ValidationError, match="format"):
        ExportOptions(format=name)
    with pytest.raises(ValidationError):
        LoadOptions(endpoint="http://127.0.0.1:1/store", format=name)
    with pytest.raises(UnknownFormat):
        format_named(name)


@pytest.mark.parametrize("path", ["out.rdf", "out.txt", "out"])
def test_a_file_name_that_names_no_exported_format_is_an_error(path):
    with pytest.raises(UnknownFormat) as caught:
        format_of_file(path)
    assert caught.value.diagnostics[0].path == path


def test_export_takes_jsonld_beside_json_ld_with_the_same_bytes(tmp_path):
    outputs = []
    for name in ("json-ld", "jsonld"):
        (tmp_path / name).mkdir()
        out = tmp_path / name / "export.json"  # the same name: the dataset is named after it
        result = kg("export", PROFILE, "-o", out, "-f", name, "--no-validate", "-j", "1", "-q")
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"{")


def test_export_to_rdf_xml_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "out.rdf"
    result = kg("export", PROFILE, "-o", out, "--no-validate", "-j", "1")
    assert result.returncode == 2
    assert f"{out}: error: RDF/XML is not a format kg reads or exports" in result.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def test_validate_and_query_take_aliases(tmp_path):
    data = tmp_path / "export.data"  # an extension that names no format: --format must
    shutil.copyfile(EXPORT / "examples.jsonld", data)
    assert kg("validate", data).returncode == 2
    validated = kg("validate", data, "--format", "jsonld")
    assert validated.returncode == 0, validated.stderr
    construct = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } ORDER BY ?s ?c LIMIT 5"
    by_alias = kg("query", EXPORT / "examples.nt", construct, "-f", "nt")
    by_name = kg("query", EXPORT / "examples.nt", construct, "-f", "ntriples")
    assert by_alias.returncode == 0, by_alias.stderr
    assert by_alias.stdout == by_name.stdout and by_alias.stdout.count(b"\n") == 5


def test_load_reads_a_file_in_the_format_given(tmp_path):
    data = tmp_path / "export.data"
    shutil.copyfile(EXPORT / "examples.nq", data)
    expected = {str(q.graph_name.value) for q in ox.parse(path=str(EXPORT / "examples.nq"), format=ox.RdfFormat.N_QUADS)}
    assert set(read_graphs([data], None, "nq")) == expected
    with pytest.raises(UnknownFormat):
        read_graphs([data], None)


def test_every_exported_format_has_a_writer_and_a_reader():
    assert [f.name for f in EXPORT_FORMATS] == ["turtle", "json-ld", "ntriples", "nquads", "trig"]
    assert all(isinstance(f.oxigraph, ox.RdfFormat) for f in FORMATS)

"""What the publisher states about an export (README, "Publishing"): options and the
config file flow into the VoID/DCAT description; the issue date comes from an option or
SOURCE_DATE_EPOCH, never the clock; ``--dataset`` names the graphs and the dataset."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.publication import dataset_for_output
from tests.rdfcompare import assert_same_triples, canonical_triples, file_triples

ROOT = Path(__file__).parents[1]
SEED = ROOT / "examples" / "profiles" / "004_b36c2fbe692e6225.txt"
B = "https://example.org/kg/"
PREFIXES = """PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> """
NO_EPOCH = {"SOURCE_DATE_EPOCH": None}
runner = CliRunner()


def export(tmp_path: Path, *options: str, name: str = "lab.nq", env: dict | None = None):
    out = tmp_path / name
    result = runner.invoke(app, ["export", str(SEED), "-o", str(out), "--no-validate", "-q", *options],
                           env={**NO_EPOCH, **(env or {})})
    return result, out


def description(out: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(out.with_name(f"{out.stem}.void.ttl")), format=ox.RdfFormat.TURTLE)
    return store


def values(store: ox.Store, subject: str, predicate: str) -> list[str]:
    return sorted(str(r["o"]) for r in store.query(f"{PREFIXES} SELECT ?o WHERE {{ <{subject}> {predicate} ?o }}"))


def test_options_flow_into_the_description(tmp_path):
    result, out = export(tmp_path, "--dataset", "lab-2025", "--title", "Lab  publications",
                         "--license", "https://creativecommons.org/licenses/by/4.0/", "--publisher", "Example Lab",
                         "--publisher-iri", "https://ror.org/00example", "--issued", "2025-03-01",
                         "--dump-url", "https://data.example.org/lab.nq", "--dump-url", "https://data.example.org/lab.jsonld",
                         "--sparql-endpoint", "https://data.example.org/sparql")
    assert result.exit_code == 0, result.output
    store, d = description(out), f"{B}dataset/lab-2025"
    assert values(store, d, "dcterms:title") == ['"Lab publications"']
    assert values(store, d, "dcterms:license") == ["<https://creativecommons.org/licenses/by/4.0/>"]
    assert values(store, d, "dcterms:publisher") == ["<https://ror.org/00example>"]
    assert values(store, "https://ror.org/00example", "foaf:name") == ['"Example Lab"']
    assert values(store, d, "dcterms:issued") == ['"2025-03-01"^^<http://www.w3.org/2001/XMLSchema#date>']
    assert values(store, d, "void:dataDump") == ["<https://data.example.org/lab.jsonld>", "<https://data.example.org/lab.nq>"]
    assert values(store, d, "void:sparqlEndpoint") == ["<https://data.example.org/sparql>"]
    media = {str(r["url"]): str(r["type"]) for r in store.query(
        f"{PREFIXES} SELECT ?url ?type WHERE {{ <{d}> dcat:distribution [ a dcat:Distribution ; "
        "dcat:downloadURL ?url ; dcat:accessURL ?url ; dcat:mediaType ?type ; dcterms:license ?l ] }")}
    assert media == {"<https://data.example.org/lab.nq>": "<https://www.iana.org/assignments/media-types/application/n-quads>",
                     "<https://data.example.org/lab.jsonld>": "<https://www.iana.org/assignments/media-types/application/ld+json>"}


def test_the_description_is_the_exports_last_graph(tmp_path):
    result, out = export(tmp_path, "--publisher", "Example Lab")
    assert result.exit_code == 0, result.output
    graphs = defaultdict(list)
    for quad in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS):
        graphs[quad.graph_name.value].append(quad)
    assert sorted(graphs) == [f"{B}graph/lab/description", f"{B}graph/lab/reconciled",
                              f"{B}graph/lab/source/004_b36c2fbe692e6225.txt"]
    assert_same_triples(canonical_triples(graphs[f"{B}graph/lab/description"]),
                        file_triples(out.with_name("lab.void.ttl")))
    store = description(out)
    assert values(store, f"{B}dataset/lab", "void:triples") == [
        f'"{sum(map(len, graphs.values()))}"^^<http://www.w3.org/2001/XMLSchema#integer>']
    claimed = {str(r["g"]) for r in store.query(f"{PREFIXES} SELECT ?g WHERE {{ ?g void:inDataset <{B}dataset/lab> }}")}
    assert claimed == {f"<{g}>" for g in graphs}
    assert values(store, f"{B}dataset/lab/publisher", "foaf:name") == ['"Example Lab"']


@pytest.mark.parametrize(("env", "options", "issued"), [
    ({"SOURCE_DATE_EPOCH": "1700000000"}, (), ["2023-11-14"]),
    ({"SOURCE_DATE_EPOCH": "1700000000"}, ("--issued", "2020-02-29"), ["2020-02-29"]),
    ({}, (), []),
])
def test_the_issue_date_comes_from_the_option_or_source_date_epoch(tmp_path, env, options, issued):
    result, out = export(tmp_path, *options, env=env)
    assert result.exit_code == 0, result.output
    assert values(description(out), f"{B}dataset/lab", "dcterms:issued") == [
        f'"{day}"^^<http://www.w3.org/2001/XMLSchema#date>' for day in issued]


@pytest.mark.parametrize(("options", "env", "message"), [
    (("--license", "CC BY 4.0"), {}, "--license: error: not an absolute IRI: 'CC BY 4.0'"),
    (("--issued", "2025-02-30"), {}, "--issued: error: not a date YYYY-MM-DD: '2025-02-30'"),
    (("--dataset", "my data"), {}, "--dataset: error: not a dataset name: 'my data'"),
    (("--base", "example.org/kg"), {}, "--base: error: is not an absolute http:// or https:// IRI"),
    ((), {"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH: error: not a whole number of seconds"),
])
def test_bad_settings_exit_2_and_write_nothing(tmp_path, options, env, message):
    result, out = export(tmp_path, *options, env=env)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert list(tmp_path.iterdir()) == []


def test_the_config_file_states_the_same_and_options_win(tmp_path):
    config = tmp_path / "publish.toml"
    config.write_text('dataset = "from-file"\ntitle = "From the file"\nissued = 2024-01-02\n'
                      'license = "https://creativecommons.org/publicdomain/zero/1.0/"\n'
                      'dump-url = "https://data.example.org/x.ttl"\nbase = "https://data.example.org/kg/"\n',
                      encoding="utf-8")
    result, out = export(tmp_path, "--config", str(config), "--title", "From the option",
                         env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.exit_code == 0, result.output
    store, d = description(out), "https://data.example.org/kg/dataset/from-file"
    assert values(store, d, "dcterms:title") == ['"From the option"']
    assert values(store, d, "dcterms:issued") == ['"2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date>']
    assert values(store, d, "dcterms:license") == ["<https://creativecommons.org/publicdomain/zero/1.0/>"]
    assert values(store, d, "void:dataDump") == ["<https://data.example.org/x.ttl>"]


@pytest.mark.parametrize(("text", "line", "message"), [
    ('title = "x"\nlicence = "https://example.org/l"\n', 2, "unknown key 'licence'"),
    ('title = "x"\n\nsparql-endpoint = "not an iri"\n', 3, "sparql-endpoint: not an absolute IRI"),
    ('title = "x"\nissued = "2025/01/01"\n', 2, "issued: not a date YYYY-MM-DD"),
    ('title = "x\n', 1, "not valid TOML"),
])
def test_a_bad_config_file_names_its_line(tmp_path, text, line, message):
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    result, out = export(tmp_path, "--config", str(config))
    assert result.exit_code == 2, result.output
    assert f"{config}:{line}: error: " in result.stderr and message in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("output", "dataset"), [
    ("out/examples.nq", "examples"), ("Lab A.ttl", "lab-a"), ("données.jsonld", "donnees"), ("-", "kg"),
    ("研究.nq", "kg"), ("_.nq", "kg"),
])
def test_the_default_dataset_is_the_outputs_name(output, dataset):
    assert dataset_for_output(output) == dataset


def test_graph_iris_carry_the_dataset(tmp_path):
    result, out = export(tmp_path, "--dataset", "v2", "--base", "https://data.example.org/kg/", name="x.nq")
    assert result.exit_code == 0, result.output
    names = {q.graph_name.value for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)}
    assert names == {f"https://data.example.org/kg/graph/v2/{g}"
                     for g in ("reconciled", "description", "source/004_b36c2fbe692e6225.txt")}

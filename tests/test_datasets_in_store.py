"""Several exports in one store (README, "Several exports in one store"), on real servers
started here: two datasets loaded one after the other keep both their works; ``kg load``
refuses to replace what another export wrote (the same dataset name from other files, a
graph it cannot attribute) until ``--replace``, which also drops the graphs a dataset
no longer has."""

from __future__ import annotations

import shutil
import urllib.error
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.rdfcompare import assert_same_triples, canonical_triples
from tests.servers import Server, get_graph, sparql, start_oxigraph, start_virtuoso

PROFILES = Path(__file__).parents[1] / "examples" / "profiles"
SEEDS = sorted(PROFILES.glob("*.txt"))
NO_CREDENTIALS = {"KG_STORE_TOKEN": None, "KG_STORE_USER": None, "KG_STORE_PASSWORD": None, "SOURCE_DATE_EPOCH": None}
runner = CliRunner()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request, tmp_path_factory):
    start = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}[request.param]
    server = start(tmp_path_factory.mktemp(request.param))
    yield server
    server.stop()


def export(folder: Path, seeds: list[Path], output: str, *options: str) -> Path:
    """Export some seed profiles (copied into a folder of their own) to ``folder/output``."""
    inputs = folder / f"{output}-in"
    inputs.mkdir(parents=True)
    for seed in seeds:
        shutil.copy(seed, inputs / seed.name)
    out = folder / output
    result = runner.invoke(app, ["export", str(inputs), "-o", str(out), "--no-validate", "-q", *options],
                           env=NO_CREDENTIALS)
    assert result.exit_code == 0, result.output
    return out


def load(server: Server, *args: str):
    return runner.invoke(app, ["load", server.gsp_url, *args], env=NO_CREDENTIALS)


def graphs_in(path: Path) -> dict[str, set[str]]:
    quads = defaultdict(list)
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        quads[quad.graph_name.value].append(quad)
    return {graph: canonical_triples(q) for graph, q in quads.items()}


def works(server: Server, base: str, graph: str | None = None) -> set[str]:
    where = f"GRAPH <{graph}> {{ ?w a <http://schema.org/ScholarlyArticle> }}" if graph else \
        f"?w a <http://schema.org/ScholarlyArticle> FILTER STRSTARTS(STR(?w), \"{base}\")"
    return {row["w"].value for row in sparql(server, f"SELECT DISTINCT ?w WHERE {{ {where} }}")}


def exported_works(path: Path) -> set[str]:
    return {q.subject.value for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
            if q.predicate.value.endswith("22-rdf-syntax-ns#type") and q.object.value == "http://schema.org/ScholarlyArticle"}


def graph_or_none(server: Server, graph: str) -> list | None:
    try:
        return get_graph(server, graph)
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
        return None


def assert_store_holds(server: Server, path: Path) -> None:
    for graph, triples in graphs_in(path).items():
        assert_same_triples(canonical_triples(get_graph(server, graph)), triples)


def test_two_exports_loaded_one_after_the_other_keep_both_datasets_works(store, tmp_path):
    base = f"https://example.org/two-{store.name}/"
    first = export(tmp_path, SEEDS[:2], "lab-a.nq", "--base", base)
    second = export(tmp_path, SEEDS[2:], "lab-b.nq", "--base", base)
    for path in (first, second):
        result = load(store, str(path))
        assert result.exit_code == 0, result.output
    assert works(store, base, f"{base}graph/lab-a/reconciled") == exported_works(first)
    assert works(store, base, f"{base}graph/lab-b/reconciled") == exported_works(second)
    assert works(store, base) == exported_works(first) | exported_works(second)
    assert_store_holds(store, first)
    assert_store_holds(store, second)


def test_the_same_dataset_from_other_files_is_refused_until_replace(store, tmp_path):
    base = f"https://example.org/same-{store.name}/"
    before = export(tmp_path, SEEDS[:2], "lab.nq", "--base", base)
    after = export(tmp_path, SEEDS[1:4], "other.nq", "--base", base, "--dataset", "lab")
    assert load(store, str(before)).exit_code == 0
    refused = load(store, str(after))
    assert refused.exit_code == 2
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith(f"error: <{base}graph/lab/description> in the store says dataset <{base}dataset/lab> "
                           "was exported from other files (2 there, 3 here, 1 in common)") and "--replace" in line
    assert_store_holds(store, before)  # nothing was written
    replaced = load(store, str(after), "--replace")
    assert replaced.exit_code == 0, replaced.output
    written = [line for line in replaced.stderr.splitlines() if line.startswith("replaced <")]
    assert written[-1].startswith(f"replaced <{base}graph/lab/description>"), "the claim changes last"
    assert_store_holds(store, after)
    dropped = f"{base}graph/lab/source/{SEEDS[0].name}"
    assert f"deleted <{dropped}>" in replaced.stderr
    assert not graph_or_none(store, dropped)
    assert works(store, base) == exported_works(after)
    again = load(store, str(after))  # the same export again: replaced, no question asked
    assert again.exit_code == 0, again.output


def test_a_graph_named_by_option_is_replaced_only_with_replace(store, tmp_path):
    base = f"https://example.org/option-{store.name}/"
    turtle = export(tmp_path, SEEDS[:1], "one.ttl", "--base", base)
    graph = f"{base}graph/mine"
    assert load(store, str(turtle), "--graph", graph).exit_code == 0
    refused = load(store, str(turtle), "--graph", graph)
    assert refused.exit_code == 2
    assert f"the store already has a graph <{graph}>" in refused.stderr and "--replace" in refused.stderr
    assert load(store, str(turtle), "--graph", graph, "--replace").exit_code == 0
    assert len(get_graph(store, graph)) == len(canonical_triples(ox.parse(path=str(turtle),
                                                                          format=ox.RdfFormat.TURTLE)))


def test_a_description_graph_that_describes_no_dataset_is_refused(store, tmp_path):
    base = f"https://example.org/foreign-{store.name}/"
    foreign = tmp_path / "foreign.nt"
    foreign.write_text("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    assert load(store, str(foreign), "--graph", f"{base}graph/lab/description").exit_code == 0
    export_ = export(tmp_path, SEEDS[:1], "lab.nq", "--base", base)
    refused = load(store, str(export_))
    assert refused.exit_code == 2 and "holds triples that describe no dataset" in refused.stderr
    assert load(store, str(export_), "--replace").exit_code == 0
    assert_store_holds(store, export_)

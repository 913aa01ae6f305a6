"""The export files checked by parsers that share no code with ours: rapper (Raptor, C)
reads the Turtle, N-Triples, N-Quads and TriG, and jsonld.js turns the JSON-LD into
RDF offline; each must give exactly the graph pyoxigraph reads from the Turtle (and,
for the datasets, the same named graphs as the N-Quads)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.rdfcompare import assert_same_triples, canonical_triples, file_triples, text_triples

ROOT = Path(__file__).parents[1]
EXPORT = ROOT / "examples" / "export"
JS = ROOT / "tests" / "js"
CONTEXT = ROOT / "kg" / "data" / "context.jsonld"
RAPPER_SYNTAX = {".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig"}


def need(binary: str) -> str:
    found = shutil.which(binary)
    if not found:
        pytest.fail(f"{binary} is not installed: run tests/system-deps.sh", pytrace=False)
    return found


def run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def graphs_of(quads) -> dict[str, set[str]]:
    """Canonical triples per graph name."""
    by_graph = defaultdict(list)
    for quad in quads:
        by_graph[str(quad.graph_name)].append(quad)
    return {graph: canonical_triples(q) for graph, q in by_graph.items()}


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_rapper_reads_the_same_graph(suffix):
    output = run([need("rapper"), "-q", "-i", RAPPER_SYNTAX[suffix], "-o", "ntriples",
                  str(EXPORT / f"examples{suffix}")])
    assert_same_triples(text_triples(output, ox.RdfFormat.N_TRIPLES), file_triples(EXPORT / "examples.ttl"))


@pytest.mark.parametrize("suffix", [".nq", ".trig"])
def test_rapper_reads_the_same_named_graphs(suffix):
    output = run([need("rapper"), "-q", "-i", RAPPER_SYNTAX[suffix], "-o", "nquads",
                  str(EXPORT / f"examples{suffix}")])
    actual = graphs_of(ox.parse(output.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    expected = graphs_of(ox.parse(path=str(EXPORT / "examples.nq"), format=ox.RdfFormat.N_QUADS))
    assert sorted(actual) == sorted(expected)
    for graph in expected:
        assert_same_triples(actual[graph], expected[graph])


def jsonld_js(document: Path, *local_urls: str) -> str:
    """N-Quads from ``tests/js/expand.js`` (jsonld.js with an offline document loader)."""
    node = need("node")
    if not (JS / "node_modules" / "jsonld").is_dir():
        pytest.fail("jsonld.js is not installed: run tests/system-deps.sh", pytrace=False)
    done = subprocess.run([node, str(JS / "expand.js"), str(document), *local_urls],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip())
    return done.stdout


def test_jsonld_js_expands_the_export_to_the_turtle_graph():
    nquads = jsonld_js(EXPORT / "examples.jsonld")
    assert_same_triples(text_triples(nquads, ox.RdfFormat.N_QUADS), file_triples(EXPORT / "examples.ttl"))


def test_the_shipped_context_works_as_a_remote_context(tmp_path):
    """The same document with ``@context`` by reference, served from the package file."""
    url = "https://example.org/kg/context.jsonld"
    document = json.loads((EXPORT / "examples.jsonld").read_text(encoding="utf-8"))
    document["@context"] = url
    by_reference = tmp_path / "by-reference.jsonld"
    by_reference.write_text(json.dumps(document), encoding="utf-8")
    nquads = jsonld_js(by_reference, f"{url}={CONTEXT}")
    assert_same_triples(text_triples(nquads, ox.RdfFormat.N_QUADS), file_triples(EXPORT / "examples.ttl"))


def test_the_check_never_uses_the_network(tmp_path):
    document = tmp_path / "remote.jsonld"
    document.write_text('{"@context": "https://schema.org/", "@id": "https://example.org/x", "name": "x"}')
    with pytest.raises(RuntimeError, match="offline: no local copy of https://schema.org/"):
        jsonld_js(document)

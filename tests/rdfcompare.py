"""Graph comparison for tests: isomorphism by canonicalising blank nodes with pyoxigraph
(rdflib's isomorphic() needs ~50 s on the examples' 700 list cells; this takes 0.2 s)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD,
}


def canonical_triples(quads) -> set[str]:
    """The triples of some quads (graph names dropped), blank nodes canonically named."""
    dataset = ox.Dataset()
    for q in quads:
        dataset.add(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(ox.Triple(q.subject, q.predicate, q.object)) for q in dataset}


def file_triples(path: Path) -> set[str]:
    return canonical_triples(ox.parse(path=str(path), format=FORMATS[path.suffix]))


def text_triples(text: str, fmt: ox.RdfFormat) -> set[str]:
    return canonical_triples(ox.parse(text.encode("utf-8"), format=fmt))


def assert_same_triples(actual: set[str], expected: set[str]) -> None:
    if actual != expected:
        missing, extra = sorted(expected - actual), sorted(actual - expected)
        pytest.fail(f"missing {len(missing)}: {missing[:5]}\nextra {len(extra)}: {extra[:5]}")

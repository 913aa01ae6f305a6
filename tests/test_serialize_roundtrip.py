"""Property test: literals with quotes, newlines, backslashes and any Unicode survive
serialize -> parse unchanged in every format."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from kg.mapping.terms import rdf_list
from kg.serialize import WRITERS
from tests.rdfcompare import canonical_triples

FORMAT = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "ntriples": ox.RdfFormat.N_TRIPLES,
          "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters='\n\t"\\\''), max_size=40)
"""Any text the parser can produce: clean_text replaces other control characters."""
G = URIRef("https://example.org/kg/graph/reconciled")


def quads_for(value: str):
    s = URIRef("https://example.org/kg/work/x")
    head, cells = rdf_list(s, [URIRef("https://example.org/kg/person/a"), URIRef("https://example.org/kg/person/b")])
    triples = [(s, URIRef("http://schema.org/name"), Literal(value)),
               (s, URIRef("http://purl.org/ontology/bibo/authorList"), head), *cells]
    return [(*t, G) for t in triples]


def expected(quads) -> set[str]:
    nt = WRITERS["nquads"](quads)
    return canonical_triples(ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_literal_round_trip_in_every_format(value):
    quads = quads_for(value)
    want = expected(quads)
    for name, writer in WRITERS.items():
        text = writer(quads)
        got = canonical_triples(ox.parse(text.encode("utf-8"), format=FORMAT[name]))
        assert got == want, name
    parsed = next(q for q in ox.parse(WRITERS["ntriples"](quads).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
                  if q.predicate.value == "http://schema.org/name")
    assert parsed.object.value == value

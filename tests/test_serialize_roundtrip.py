"""Property test: literals with quotes, newlines, backslashes and any Unicode survive
serialize -> parse unchanged in every format."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st
from kg.mapping.terms import iri, rdf_list, text
from kg.formats import EXPORT_FORMATS
from kg.serialize import serialize
from tests.rdfcompare import canonical_triples

FORMAT = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "ntriples": ox.RdfFormat.N_TRIPLES,
          "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters='\n\t"\\\''), max_size=40)
"""Any text the parser can produce: clean_text replaces other control characters."""
G = iri("https://example.org/kg/graph/reconciled")
S, NAME, LIST = "https://example.org/kg/work/x", "http://schema.org/name", "http://purl.org/ontology/bibo/authorList"
MEMBERS = ("https://example.org/kg/person/a", "https://example.org/kg/person/b")


def quads_for(value: str):
    head, cells = rdf_list(iri(S), [iri(m) for m in MEMBERS])
    triples = [(iri(S), iri(NAME), text(value)), (iri(S), iri(LIST), head), *cells]
    return [(*t, G) for t in triples]


def expected(value: str) -> set[str]:
    """The same graph built with pyoxigraph's own terms: an independent writer."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    s, cells = ox.NamedNode(S), [ox.BlankNode(), ox.BlankNode()]
    triples = [ox.Triple(s, ox.NamedNode(NAME), ox.Literal(value)), ox.Triple(s, ox.NamedNode(LIST), cells[0])]
    for i, (cell, member) in enumerate(zip(cells, MEMBERS)):
        triples.append(ox.Triple(cell, ox.NamedNode(rdf + "first"), ox.NamedNode(member)))
        triples.append(ox.Triple(cell, ox.NamedNode(rdf + "rest"), cells[1] if i == 0 else ox.NamedNode(rdf + "nil")))
    return canonical_triples(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_literal_round_trip_in_every_format(value):
    quads = quads_for(value)
    want = expected(value)
    for name in (f.name for f in EXPORT_FORMATS):
        text = serialize(quads, name)
        got = canonical_triples(ox.parse(text.encode("utf-8"), format=FORMAT[name]))
        assert got == want, name
    parsed = next(q for q in ox.parse(serialize(quads, "ntriples").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
                  if q.predicate.value == "http://schema.org/name")
    assert parsed.object.value == value

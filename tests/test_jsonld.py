"""JSON-LD for schema.org consumers (MODEL.md, "Output"): plain schema.org keys, values
as plain JSON where the context types them, ``author`` in author order, one node per
``@id``, and still exactly the given triples when expanded (pyld, pyoxigraph; the
bundled export's expansion by pyld and jsonld.js is tested in test_export and
test_independent_parsers)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.jsonld import MAX_EXACT_INTEGER
from kg.mapping.terms import iri
from kg.namespaces import PREFIXES, SCHEMA
from kg.serialize import jsonld_context, serialize
from tests.rdfcompare import assert_same_triples, canonical_triples, text_triples

ROOT = Path(__file__).parents[1]
GOLDEN = ROOT / "examples" / "export"
XSD = "http://www.w3.org/2001/XMLSchema#"
KG = "https://w3id.org/kg/ns#"


@pytest.fixture(scope="module")
def nodes() -> dict[str, dict]:
    document = json.loads((GOLDEN / "examples.jsonld").read_text(encoding="utf-8"))
    return {node["@id"]: node for node in document["@graph"]}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_every_node_has_its_own_id_in_the_bundled_export():
    document = json.loads((GOLDEN / "examples.jsonld").read_text(encoding="utf-8"))
    repeated = [i for i, n in Counter(node["@id"] for node in document["@graph"]).items() if n > 1]
    assert repeated == []


def test_schema_org_terms_are_plain_keys_and_typed_values_plain_json(nodes):
    work = nodes["https://example.org/kg/work/vision-language-models-as-a-source-of-rewards"]
    assert as_list(work["@type"]) == ["ScholarlyArticle", "bibo:AcademicArticle"]
    assert {"name", "author", "datePublished", "abstract", "about"} <= set(work)
    assert isinstance(work["datePublished"], str) and len(work["datePublished"]) == 10
    assert work["dcterms:issued"] == work["datePublished"]
    assert work["kg:codeAvailable"] in (True, False) and work["kg:authorListComplete"] in (True, False)
    authorship = nodes[f"{work['@id']}/authorship/1"]
    assert authorship["kg:position"] == 1 and authorship["@type"] == "prov:Attribution"
    assert not [key for node in nodes.values() for key in node if key.startswith("schema:")]
    record = next(n for n in nodes.values() if "kg:line" in n)
    assert isinstance(record["kg:line"], int)


def _positions_from_turtle() -> dict[str, list[str]]:
    """Each work's authors by kg:position, read from the Turtle (not from the list)."""
    store = ox.Store()
    store.load(path=str(GOLDEN / "examples.ttl"), format=ox.RdfFormat.TURTLE)
    order: dict[str, list[str]] = {}
    for row in store.query(f"SELECT ?w ?a WHERE {{ ?w <http://www.w3.org/ns/prov#qualifiedAttribution> ?q . "
                           f"?q <http://www.w3.org/ns/prov#agent> ?a ; <{KG}position> ?p }} ORDER BY ?w ?p"):
        authors = order.setdefault(row["w"].value, [])
        if row["a"].value not in authors:
            authors.append(row["a"].value)
    return order


def test_author_arrays_are_in_author_order(nodes):
    order = _positions_from_turtle()
    unsorted = 0
    for work, authors in order.items():
        node = nodes[work]
        got = [a["@id"] for a in as_list(node["author"])]
        assert got == authors, work
        assert [a["@id"] for a in as_list(node["dcterms:creator"])] == authors, work
        attributions = [a["@id"] for a in as_list(node["prov:qualifiedAttribution"])]
        assert [nodes[a]["kg:position"] for a in attributions] == sorted(nodes[a]["kg:position"] for a in attributions)
        unsorted += got != sorted(got)
    assert len(order) == 20 and unsorted >= 10, "sorting by IRI would pass too"


def test_context_declares_every_prefix_and_schema_org_as_vocabulary():
    context = jsonld_context()
    assert context["@vocab"] == str(SCHEMA)
    assert {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@")} == PREFIXES
    shipped = json.loads((ROOT / "kg" / "data" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context == shipped


def test_one_resource_renders_with_the_same_context():
    """What kg publish embeds in a page: serialize() of one subject's quads."""
    work = "https://example.org/kg/work/openai-o1-system-card"
    quads = [q for q in ox.parse(path=str(GOLDEN / "examples.nq"), format=ox.RdfFormat.N_QUADS)
             if q.subject.value.startswith(work) or isinstance(q.subject, ox.BlankNode)]
    own = [(str(q.subject), str(q.predicate), str(q.object), "") for q in quads]
    document = json.loads(serialize(own, "json-ld"))
    assert document["@context"] == jsonld_context()
    [node] = [n for n in document["@graph"] if n["@id"] == work]
    assert node["author"][0] == {"@id": "https://example.org/kg/organization/openai"}
    assert len(node["bibo:authorList"]["@list"]) == len(node["prov:qualifiedAttribution"])
    assert_same_triples(text_triples(json.dumps(document), ox.RdfFormat.JSON_LD), canonical_triples(quads))


S = iri("https://example.org/kg/work/x")
LITERALS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(lambda n: f'"{n}"^^<{XSD}integer>'),
    st.sampled_from(["007", "+3", "-0", "1e3"]).map(lambda v: f'"{v}"^^<{XSD}integer>'),
    st.sampled_from(["true", "false", "1", "0"]).map(lambda v: f'"{v}"^^<{XSD}boolean>'),
    st.dates().map(lambda d: f'"{d.isoformat()}"^^<{XSD}date>'),
    st.sampled_from(["2024-13-45", "soon"]).map(lambda v: f'"{v}"^^<{XSD}date>'),
    st.sampled_from(["1.50", "-2.0"]).map(lambda v: f'"{v}"^^<{XSD}decimal>'),
    st.text(max_size=12).map(lambda v: json.dumps(v, ensure_ascii=False)),
    st.text(max_size=12).map(lambda v: f"{json.dumps(v, ensure_ascii=False)}@en"),
)
PREDICATES = st.sampled_from([f"<{SCHEMA}datePublished>", "<http://purl.org/dc/terms/issued>",
                              f"<{KG}position>", f"<{SCHEMA}name>", "<https://example.org/other#p>"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(PREDICATES, LITERALS), min_size=1, max_size=6))
def test_typed_literals_expand_to_exactly_themselves(pairs):
    """Plain JSON only where expansion gives the literal back: a non-canonical integer,
    a boolean "1", a string under a key the context types as a date, an integer beyond
    what JSON readers keep exactly: each stays a value object."""
    pyld = pytest.importorskip("pyld")
    quads = [(S, p, o, "") for p, o in pairs]
    expected = text_triples("".join(f"{s} {p} {o} .\n" for s, p, o, _ in quads), ox.RdfFormat.N_TRIPLES)
    document = serialize(quads, "json-ld")
    assert_same_triples(text_triples(document, ox.RdfFormat.JSON_LD), expected)
    nquads = pyld.jsonld.to_rdf(json.loads(document), {"format": "application/n-quads"})
    assert_same_triples(text_triples(nquads, ox.RdfFormat.N_QUADS), expected)
    for value in json.loads(document)["@graph"][0].values():
        for item in as_list(value):
            if isinstance(item, int) and not isinstance(item, bool):
                assert abs(item) < MAX_EXACT_INTEGER

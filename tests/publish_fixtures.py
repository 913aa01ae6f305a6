"""What the publishing tests check against, computed from the export itself (not by
kg.publish): a sample IRI of every kind the export mints, and each one's expected
triples, by SPARQL over the export and its VoID description in a store of their own."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

from tests.rdfcompare import canonical_triples

ROOT = Path(__file__).parents[1]
EXPORT = ROOT / "examples" / "export" / "examples.nq"
VOID = ROOT / "examples" / "export" / "examples.void.ttl"
BASE = "https://example.org/kg/"
ONTOLOGY = ROOT / "ontology" / "kg.ttl"

KINDS = {
    "work": "schema:ScholarlyArticle", "authorship": "prov:Attribution", "person": "schema:Person",
    "organisation": "schema:Organization", "category": "skos:Concept", "category scheme": "skos:ConceptScheme",
    "profile": "schema:ProfilePage", "source file": "kg:SourceFile", "source record": "kg:SourceRecord",
    "dataset": "void:Dataset",
}
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX void: <http://rdfs.org/ns/void#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
DESCRIBE = PREFIXES + """CONSTRUCT { ?s ?p ?o } WHERE {
  { BIND(<IRI> AS ?s) ?s ?p ?o }
  UNION { <IRI> prov:qualifiedAttribution ?s . ?s ?p ?o }
  UNION { <IRI> ?via ?head . FILTER(isBlank(?head)) ?head rdf:rest* ?s . ?s ?p ?o }
  UNION { <IRI> prov:qualifiedAttribution ?a . ?a ?via ?head . FILTER(isBlank(?head)) ?head rdf:rest* ?s . ?s ?p ?o }
}"""


@cache
def store() -> ox.Store:
    s = ox.Store()
    s.load(path=str(EXPORT), format=ox.RdfFormat.N_QUADS)
    s.load(path=str(VOID), format=ox.RdfFormat.TURTLE)
    return s


def samples() -> dict[str, str]:
    """kind -> one IRI of that kind (the first in IRI order; the work with the most
    authors, the page with most links), the named graphs the export names, the ontology."""
    found = {}
    for kind, cls in KINDS.items():
        rows = store().query(PREFIXES + f"SELECT ?s WHERE {{ ?s a {cls} FILTER(STRSTARTS(STR(?s), '{BASE}') || "
                             f"STRSTARTS(STR(?s), 'https://w3id.org/kg/')) }} ORDER BY ?s LIMIT 1",
                             use_default_graph_as_union=True)
        found[kind] = next(iter(rows))["s"].value
    rows = store().query(PREFIXES + "SELECT ?w WHERE { ?w schema:author ?a } GROUP BY ?w ORDER BY DESC(COUNT(?a)) ?w LIMIT 1",
                         use_default_graph_as_union=True)
    found["work"] = next(iter(rows))["w"].value
    graphs = sorted(g.value for g in store().named_graphs())
    found["file graph"] = next(g for g in graphs if "/source/" in g)
    found["reconciled graph"] = next(g for g in graphs if "/source/" not in g)
    found["ontology"] = "https://w3id.org/kg/ns"
    return found


def work_of(authorship: str) -> str:
    """The work that points to an authorship by prov:qualifiedAttribution: the resource
    whose documents describe it."""
    rows = store().query(PREFIXES + f"SELECT ?w WHERE {{ ?w prov:qualifiedAttribution <{authorship}> }}",
                         use_default_graph_as_union=True)
    (row,) = list(rows)
    return row["w"].value


def path_of(iri: str) -> str:
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    return "/" + iri[len("https://w3id.org/kg/"):]


@cache
def expected(iri: str) -> frozenset[str]:
    """The resource's triples: its own, its authorships', the rdf:List cells they lead to;
    a named graph that nothing describes: its triple count; the ontology: kg.ttl whole."""
    if iri == "https://w3id.org/kg/ns":
        return frozenset(canonical_triples(ox.parse(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE)))
    triples = list(store().query(DESCRIBE.replace("IRI", iri), use_default_graph_as_union=True))
    if not triples and iri in {g.value for g in store().named_graphs()}:
        count = next(iter(store().query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")))["n"]
        g = ox.NamedNode(iri)
        triples = [ox.Triple(g, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                             ox.NamedNode("http://rdfs.org/ns/void#Dataset")),
                   ox.Triple(g, ox.NamedNode("http://rdfs.org/ns/void#triples"), count)]
    return frozenset(canonical_triples(triples))

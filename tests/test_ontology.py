"""The shipped ontology files: ``ontology/kg.ttl`` declares exactly the terms of
:data:`kg.namespaces.KG`, and ``ontology/categories.ttl`` is a consistent SKOS scheme that
is also a schema.org ``DefinedTermSet`` (ontology/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import __version__
from kg.namespaces import CATEGORY, CATEGORY_NS, CATEGORY_SCHEME, KG, KG_NS, SCHEMA

ONTOLOGY_DIR = Path(__file__).parents[1] / "ontology"
KG_TTL = ONTOLOGY_DIR / "kg.ttl"
CATEGORIES_TTL = ONTOLOGY_DIR / "categories.ttl"
ONTOLOGY_IRI = URIRef(KG_NS.rstrip("#"))

# dir() of a ClosedNamespace lists its terms (iterating it would iterate the IRI string).
KG_TERMS = sorted(KG[name] for name in dir(KG))
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty}
TERM_TYPES = PROPERTY_TYPES | {OWL.Class}


@pytest.fixture(scope="module")
def kg_graph() -> Graph:
    return Graph().parse(KG_TTL, format="turtle")


@pytest.fixture(scope="module")
def categories() -> Graph:
    return Graph().parse(CATEGORIES_TTL, format="turtle")


def concepts(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDF.type, SKOS.Concept))


def english(values: list) -> list[Literal]:
    return [v for v in values if isinstance(v, Literal) and v.language == "en"]


def test_files_parse(kg_graph: Graph, categories: Graph) -> None:
    assert len(kg_graph) > 0
    assert len(categories) > 0


def test_namespace_has_terms() -> None:
    assert KG.position in KG_TERMS, "dir(KG) no longer lists the namespace's terms"


def test_ontology_header(kg_graph: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in kg_graph
    assert kg_graph.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert kg_graph.value(ONTOLOGY_IRI, RDFS.comment) is not None


def test_ontology_version_iri_names_its_version(kg_graph: Graph) -> None:
    """OWL 2 §3.1: the version IRI identifies this version of the ontology."""
    version = kg_graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    assert kg_graph.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert str(version) == __version__, "the ontology ships with the package: one version"


@pytest.mark.parametrize("term", KG_TERMS, ids=lambda t: t.removeprefix(KG_NS))
def test_every_kg_term_is_declared(kg_graph: Graph, term: URIRef) -> None:
    types = set(kg_graph.objects(term, RDF.type)) & TERM_TYPES
    assert len(types) == 1, f"{term} needs exactly one of owl:Class / owl:*Property"
    assert english(list(kg_graph.objects(term, RDFS.label))), f"{term} has no English label"
    assert english(list(kg_graph.objects(term, RDFS.comment))), f"{term} has no English comment"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in kg_graph
    if types & PROPERTY_TYPES:
        assert kg_graph.value(term, RDFS.domain) is not None, f"{term} has no rdfs:domain"
        assert kg_graph.value(term, RDFS.range) is not None, f"{term} has no rdfs:range"


def test_nothing_declared_beyond_namespace(kg_graph: Graph) -> None:
    declared = {s for s in kg_graph.subjects() if isinstance(s, URIRef) and s.startswith(KG_NS)}
    assert declared, "kg.ttl declares no kg: terms"
    extra = sorted(s for s in declared if s not in KG)
    assert not extra, f"declared in kg.ttl but not in kg.namespaces.KG: {extra}"


def test_scheme(categories: Graph) -> None:
    assert (CATEGORY_SCHEME, RDF.type, SKOS.ConceptScheme) in categories
    assert (CATEGORY_SCHEME, RDF.type, SCHEMA.DefinedTermSet) in categories
    assert english(list(categories.objects(CATEGORY_SCHEME, SKOS.prefLabel)))


def test_concepts_are_consistent(categories: Graph) -> None:
    found = concepts(categories)
    assert found
    for concept in found:
        notations = list(categories.objects(concept, SKOS.notation))
        assert len(notations) == 1, f"{concept}: {notations}"
        code = str(notations[0])
        term_codes = list(categories.objects(concept, SCHEMA.termCode))
        assert term_codes == [Literal(code)], f"{concept}: schema:termCode {term_codes} != {code}"
        assert concept == CATEGORY[code], f"{concept} does not end in its notation {code}"
        assert (concept, RDF.type, SCHEMA.DefinedTerm) in categories

        labels = list(categories.objects(concept, SKOS.prefLabel))
        assert len(labels) == 1 and labels[0].language == "en", f"{concept}: {labels}"
        names = list(categories.objects(concept, SCHEMA.name))
        assert names == [Literal(str(labels[0]))], f"{concept}: schema:name {names} != prefLabel"

        assert (concept, SKOS.inScheme, CATEGORY_SCHEME) in categories
        assert (concept, SCHEMA.inDefinedTermSet, CATEGORY_SCHEME) in categories
        assert (concept, SKOS.topConceptOf, CATEGORY_SCHEME) in categories
        assert (CATEGORY_SCHEME, SKOS.hasTopConcept, concept) in categories


def test_only_concepts_and_scheme_in_category_namespace(categories: Graph) -> None:
    subjects = {s for s in categories.subjects() if str(s).startswith(CATEGORY_NS)}
    assert subjects == set(concepts(categories)) | {CATEGORY_SCHEME}


def test_known_categories(categories: Graph) -> None:
    codes = {str(categories.value(c, SKOS.notation)) for c in concepts(categories)}
    assert sum(code.startswith("cs.") for code in codes) == 40
    assert {"cs.AI", "cs.CL", "cs.LG", "cs.RO", "stat.ML"} <= codes
    assert categories.value(CATEGORY["cs.LG"], SKOS.prefLabel) == Literal(
        "Machine Learning", lang="en"
    )

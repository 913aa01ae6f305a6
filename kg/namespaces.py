"""Every IRI prefix the project uses, in one place.

Standard vocabularies come from :mod:`rdflib.namespace`; the project's own terms
live in :data:`KG`, a closed namespace that raises on a typo. ``ontology/kg.ttl``
declares every one of them (a test checks it).
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, VOID, XSD, ClosedNamespace

SCHEMA = Namespace("http://schema.org/")
"""schema.org, in the ``http`` form the official JSON-LD context expands to (MODEL.md)."""

BIBO = Namespace("http://purl.org/ontology/bibo/")

KG_NS = "https://w3id.org/kg/ns#"
KG = ClosedNamespace(
    KG_NS,
    [
        "SourceFile",
        "SourceRecord",
        "sourceFile",
        "line",
        "layout",
        "position",
        "printedName",
        "printedAuthors",
        "printedOrganizations",
        "ownerInferred",
        "authorListComplete",
        "codeAvailable",
    ],
)
"""The project's own terms: only what no standard vocabulary says."""

CATEGORY_NS = "https://w3id.org/kg/category/"
CATEGORY = Namespace(CATEGORY_NS)
"""Subject categories (arXiv codes such as ``cs.LG``), a SKOS scheme shipped in ``ontology/``."""
CATEGORY_SCHEME = CATEGORY["scheme"]

DEFAULT_BASE = "https://example.org/kg/"
"""Where the IRIs of exported data sit unless ``--base`` says otherwise."""

DEFAULT_DATASET = "kg"
"""The dataset name of an export written to stdout, or built by the library without one
(``kg export -o FILE`` defaults to FILE's name: README, "Publishing")."""

PREFIXES: dict[str, str] = {
    "bibo": str(BIBO),
    "cat": CATEGORY_NS,
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "kg": KG_NS,
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "void": str(VOID),
    "xsd": str(XSD),
}
"""Prefixes written by every serializer, in this fixed order (deterministic output)."""

__all__ = [
    "BIBO", "CATEGORY", "CATEGORY_NS", "CATEGORY_SCHEME", "DCAT", "DCTERMS", "DEFAULT_BASE", "DEFAULT_DATASET", "FOAF",
    "KG", "KG_NS", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA", "SKOS", "VOID", "XSD",
]

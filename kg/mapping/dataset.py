"""Map stage: the VoID/DCAT description of an export, written beside it.

It says what the export holds (counts of works, people, organisations, profiles and
triples), where it came from (the source files) and what made it (kg and its version).
No timestamps: the same input gives the same description.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef

from kg import __version__
from kg.identity import Iris
from kg.mapping.terms import Triple, integer, text
from kg.models import KnowledgeGraph
from kg.namespaces import BIBO, DCAT, DCTERMS, FOAF, KG_NS, PROV, RDF, SCHEMA, SKOS, VOID

VOCABULARIES = (SCHEMA, BIBO, DCTERMS, FOAF, PROV, SKOS, KG_NS)


def _partitions(graph: KnowledgeGraph) -> dict[str, tuple[URIRef, int]]:
    """Class partitions: local name -> (class, number of entities)."""
    return {
        "ScholarlyArticle": (SCHEMA.ScholarlyArticle, len(graph.works)),
        "Person": (SCHEMA.Person, len(graph.people)),
        "Organization": (SCHEMA.Organization, len(graph.organizations)),
        "ProfilePage": (SCHEMA.ProfilePage, len(graph.profiles)),
        "SourceRecord": (URIRef(f"{KG_NS}SourceRecord"), sum(len(p.records) for p in graph.profiles)),
    }


def dataset_to_triples(graph: KnowledgeGraph, triples: int) -> Iterator[Triple]:
    """void:Dataset + dcat:Dataset with its counts, sources and generating activity."""
    iris = Iris(graph.base)
    d = URIRef(f"{iris.base}dataset")
    activity = URIRef(f"{iris.base}dataset/export")
    software = URIRef(f"{iris.base}software/kg/{__version__}")
    sources = [URIRef(iris.source_file(p.source.source)) for p in graph.profiles]
    yield d, RDF.type, VOID.Dataset
    yield d, RDF.type, DCAT.Dataset
    yield d, DCTERMS.title, text(f"Knowledge graph of {len(graph.profiles)} publication profile(s)")
    yield d, DCTERMS.description, text(
        f"{len(graph.works)} works, {len(graph.people)} people and {len(graph.organizations)} organisations "
        f"read from {len(graph.profiles)} profile file(s) by kg {__version__}.")
    yield d, VOID.triples, integer(triples)
    yield d, VOID.entities, integer(len(graph.works) + len(graph.people) + len(graph.organizations))
    yield d, VOID.uriSpace, text(iris.base)
    for vocabulary in VOCABULARIES:
        yield d, VOID.vocabulary, URIRef(str(vocabulary))
    for name, (cls, count) in _partitions(graph).items():
        partition = URIRef(f"{d}/class/{name}")
        yield d, VOID.classPartition, partition
        yield partition, VOID["class"], cls
        yield partition, VOID.entities, integer(count)
    for source in sources:
        yield d, DCTERMS.source, source
        yield source, RDF.type, PROV.Entity
    yield d, PROV.wasGeneratedBy, activity
    yield activity, RDF.type, PROV.Activity
    yield activity, PROV.wasAssociatedWith, software
    for source in sources:
        yield activity, PROV.used, source
    yield software, RDF.type, PROV.SoftwareAgent
    yield software, RDF.type, SCHEMA.SoftwareApplication
    yield software, SCHEMA.name, text("kg")
    yield software, SCHEMA.softwareVersion, text(__version__)

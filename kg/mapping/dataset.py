"""Map stage: the VoID/DCAT description of an export, written beside it.

It says what the export holds (counts of works, people, organisations, profiles and
triples), where it came from (the source files) and what made it (kg and its version).
No timestamps: the same input gives the same description.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg import __version__
from kg.identity import Iris
from kg.mapping.terms import Term, Triple, dcat, dcterms, integer, iri, kg, prov, rdf, schema, text, void
from kg.models import ExportSummary
from kg.namespaces import BIBO, DCTERMS, FOAF, KG_NS, PROV, SCHEMA, SKOS

VOCABULARIES = tuple(iri(str(n)) for n in (SCHEMA, BIBO, DCTERMS, FOAF, PROV, SKOS, KG_NS))


def _partitions(summary: ExportSummary) -> dict[str, tuple[Term, int]]:
    """Class partitions: local name -> (class, number of entities)."""
    return {
        "ScholarlyArticle": (schema.ScholarlyArticle, summary.works),
        "Person": (schema.Person, summary.people),
        "Organization": (schema.Organization, summary.organizations),
        "ProfilePage": (schema.ProfilePage, len(summary.profiles)),
        "SourceRecord": (kg.SourceRecord, summary.records),
    }


def dataset_to_triples(summary: ExportSummary, triples: int) -> Iterator[Triple]:
    """void:Dataset + dcat:Dataset with its counts, sources and generating activity."""
    iris = Iris(summary.base)
    d = iri(f"{iris.base}dataset")
    activity = iri(f"{iris.base}dataset/export")
    software = iri(f"{iris.base}software/kg/{__version__}")
    sources = [iri(iris.source_file(p.source.source)) for p in summary.profiles]
    yield d, rdf.type, void.Dataset
    yield d, rdf.type, dcat.Dataset
    yield d, dcterms.title, text(f"Knowledge graph of {len(summary.profiles)} publication profile(s)")
    yield d, dcterms.description, text(
        f"{summary.works} works, {summary.people} people and {summary.organizations} organisations "
        f"read from {len(summary.profiles)} profile file(s) by kg {__version__}.")
    yield d, void.triples, integer(triples)
    yield d, void.entities, integer(summary.works + summary.people + summary.organizations)
    yield d, void.uriSpace, text(iris.base)
    for vocabulary in VOCABULARIES:
        yield d, void.vocabulary, vocabulary
    for name, (cls, count) in _partitions(summary).items():
        partition = iri(f"{iris.base}dataset/class/{name}")
        yield d, void.classPartition, partition
        yield partition, void["class"], cls
        yield partition, void.entities, integer(count)
    for source in sources:
        yield d, dcterms.source, source
        yield source, rdf.type, prov.Entity
    yield d, prov.wasGeneratedBy, activity
    yield activity, rdf.type, prov.Activity
    yield activity, prov.wasAssociatedWith, software
    for source in sources:
        yield activity, prov.used, source
    yield software, rdf.type, prov.SoftwareAgent
    yield software, rdf.type, schema.SoftwareApplication
    yield software, schema.name, text("kg")
    yield software, schema.softwareVersion, text(__version__)

"""Map stage: the VoID/DCAT description of an export, in the export's own description
graph and in the ``.void.ttl`` file beside it (the same triples).

It says what the export holds (counts of works, people, organisations, profiles and
triples; its named graphs, by ``void:inDataset``), where it came from (the source files)
and what made it (kg and its version), and what the publisher states (README,
"Publishing"): title, licence (``dcterms:license``), publisher (``dcterms:publisher``),
issue date (``dcterms:issued``), dumps (``void:dataDump`` and a ``dcat:Distribution``
each) and SPARQL endpoint (``void:sparqlEndpoint``). VoID: https://www.w3.org/TR/void/;
DCAT: https://www.w3.org/TR/vocab-dcat-2/. No clock: the same input and options give
the same description.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from kg import __version__
from kg.formats import format_of_extension
from kg.identity import Iris
from kg.mapping.terms import Term, Triple, date, dcat, dcterms, foaf, integer, iri, kg, prov, rdf, schema, text, void
from kg.models import ExportSummary
from kg.namespaces import BIBO, DCTERMS, FOAF, KG_NS, PROV, SCHEMA, SKOS
from kg.publication import Publication

VOCABULARIES = tuple(iri(str(n)) for n in (SCHEMA, BIBO, DCTERMS, FOAF, PROV, SKOS, KG_NS))
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
"""dcat:mediaType values are IANA media type IRIs (DCAT 2, §6.8.12)."""


def _partitions(summary: ExportSummary) -> dict[str, tuple[Term, int]]:
    """Class partitions: local name -> (class, number of entities)."""
    return {
        "ScholarlyArticle": (schema.ScholarlyArticle, summary.works),
        "Person": (schema.Person, summary.people),
        "Organization": (schema.Organization, summary.organizations),
        "ProfilePage": (schema.ProfilePage, len(summary.profiles)),
        "SourceRecord": (kg.SourceRecord, summary.records),
    }


def description_graphs(summary: ExportSummary, iris: Iris) -> list[str]:
    """Every named graph of the export: the reconciled one, the description, one per file."""
    files = [iris.file_graph(p.source.source) for p in summary.profiles]
    return [iris.reconciled_graph, iris.description_graph, *sorted(files)]


def dataset_to_triples(summary: ExportSummary, data_triples: int, publication: Publication) -> list[Triple]:
    """void:Dataset + dcat:Dataset: the publisher's statements, counts, graphs, sources
    and generating activity. ``void:triples`` counts the export whole: ``data_triples``
    and these."""
    iris = Iris(summary.base, publication.dataset)
    d = iri(iris.dataset)
    title = publication.title or f"Knowledge graph of {len(summary.profiles)} publication profile(s)"
    triples = [
        (d, rdf.type, void.Dataset),
        (d, rdf.type, dcat.Dataset),
        (d, dcterms.title, text(title)),
        (d, dcterms.description, text(
            f"{summary.works} works, {summary.people} people and {summary.organizations} organisations "
            f"read from {len(summary.profiles)} profile file(s) by kg {__version__}.")),
        *_publisher_statements(d, iris, publication),
        (d, void.entities, integer(summary.works + summary.people + summary.organizations)),
        (d, void.uriSpace, text(iris.base)),
        *((d, void.vocabulary, vocabulary) for vocabulary in VOCABULARIES),
        *_contents(d, iris, summary),
    ]
    triples.sort(key=lambda t: t[0] != d)  # stable: the dataset's own triples first, in this order
    return [*triples[:2], (d, void.triples, integer(data_triples + len(triples) + 1)), *triples[2:]]


def _publisher_statements(d: Term, iris: Iris, publication: Publication) -> Iterator[Triple]:
    if publication.license:
        yield d, dcterms.license, iri(publication.license)
    if publication.publisher or publication.publisher_iri:
        agent = iri(publication.publisher_iri or f"{iris.dataset}/publisher")
        yield d, dcterms.publisher, agent
        if publication.publisher:
            yield agent, rdf.type, foaf.Agent
            yield agent, foaf.name, text(publication.publisher)
    if publication.issued:
        yield d, dcterms.issued, date(publication.issued)
    yield from ((d, void.dataDump, iri(url)) for url in publication.dumps)
    for number, url in enumerate(publication.dumps, 1):
        distribution = iri(f"{iris.dataset}/distribution/{number}")
        yield d, dcat.distribution, distribution
        yield distribution, rdf.type, dcat.Distribution
        yield distribution, dcat.accessURL, iri(url)
        yield distribution, dcat.downloadURL, iri(url)
        if media_type := _media_type(url):
            yield distribution, dcat.mediaType, iri(f"{IANA_MEDIA_TYPES}{media_type}")
        if publication.license:
            yield distribution, dcterms.license, iri(publication.license)
    if publication.sparql_endpoint:
        yield d, void.sparqlEndpoint, iri(publication.sparql_endpoint)


def _media_type(url: str) -> str | None:
    """The media type of a dump, by its file name's extension (kg.formats)."""
    found = format_of_extension(PurePosixPath(urlsplit(url).path))
    return found.media_type if found else None


def _contents(d: Term, iris: Iris, summary: ExportSummary) -> Iterator[Triple]:
    """Class partitions, sources, the activity that made the export, its named graphs."""
    partitions = {iri(f"{iris.dataset}/class/{name}"): kind for name, kind in _partitions(summary).items()}
    sources = [iri(iris.source_file(p.source.source)) for p in summary.profiles]
    activity = iri(f"{iris.dataset}/export")
    software = iri(f"{iris.base}software/kg/{__version__}")
    yield from ((d, void.classPartition, partition) for partition in partitions)
    yield from ((d, dcterms.source, source) for source in sources)
    yield d, prov.wasGeneratedBy, activity
    for partition, (cls, count) in partitions.items():
        yield partition, void["class"], cls
        yield partition, void.entities, integer(count)
    yield activity, rdf.type, prov.Activity
    yield activity, prov.wasAssociatedWith, software
    yield from ((activity, prov.used, source) for source in sources)
    yield software, rdf.type, prov.SoftwareAgent
    yield software, rdf.type, schema.SoftwareApplication
    yield software, schema.name, text("kg")
    yield software, schema.softwareVersion, text(__version__)
    for graph in description_graphs(summary, iris):
        yield iri(graph), void.inDataset, d

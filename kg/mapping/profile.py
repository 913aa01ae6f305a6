"""Map stage: a profile (schema:ProfilePage), its source file and its records as printed.

What one file said (:func:`file_to_triples`) depends on that file alone and goes in the
file's named graph; which reconciled works a profile lists and an inferred owner
(:func:`listing_to_triples`) need every input and go in the reconciled graph.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef

from kg.identity import Iris
from kg.mapping.category import category_iri
from kg.mapping.terms import Triple, boolean, date, each, integer, text
from kg.models import ProfileSummary, Record
from kg.namespaces import DCTERMS, KG, PROV, RDF, RDFS, SCHEMA


def file_to_triples(profile: ProfileSummary, iris: Iris) -> Iterator[Triple]:
    """MODEL.md, "Profile": the profile, its file, its owner as the header (or the
    curation file) names it, and every record as the file printed it."""
    p = URIRef(profile.iri)
    source_file = URIRef(iris.source_file(profile.source.source))
    yield p, RDF.type, SCHEMA.ProfilePage
    yield p, SCHEMA.name, text(f"Publication profile {profile.source.source}")
    yield p, KG.layout, text(profile.layout.value)
    yield p, PROV.wasDerivedFrom, source_file
    if profile.owner and not profile.owner_inferred:
        yield from each(p, (SCHEMA.about, SCHEMA.mainEntity), URIRef(profile.owner))
    yield source_file, RDF.type, KG.SourceFile
    yield source_file, RDF.type, PROV.Entity
    yield source_file, RDFS.label, text(profile.source.source)
    for record in profile.records:
        yield from record_to_triples(record, source_file, iris)


def record_to_triples(record: Record, source_file: URIRef, iris: Iris) -> Iterator[Triple]:
    """One entry of a file as printed (after clean-up): title, authors as printed, date,
    category, organisation tags, abstract."""
    ref = record.source
    r = URIRef(iris.record(ref))
    yield r, RDF.type, KG.SourceRecord
    yield r, RDF.type, PROV.Entity
    yield r, KG.sourceFile, source_file
    yield r, KG.line, integer(ref.line)
    yield r, RDFS.label, text(f"{ref.source}:{ref.line}")
    if record.title:
        yield r, DCTERMS.title, text(record.title)
    if record.authors:
        names = "; ".join(a.printed for a in record.authors)
        yield r, KG.printedAuthors, text(f"{names} et al." if record.authors_truncated else names)
    if record.date:
        yield r, DCTERMS.date, date(record.date)
    if record.category:
        yield r, DCTERMS.subject, category_iri(record.category)
    if record.organizations:
        yield r, KG.printedOrganizations, text(", ".join(record.organizations))
    if record.abstract:
        yield r, DCTERMS.abstract, text(record.abstract)


def listing_to_triples(profile: ProfileSummary) -> Iterator[Triple]:
    """The reconciled works a profile lists, and its owner where it was inferred."""
    p = URIRef(profile.iri)
    for work in profile.works:
        yield p, SCHEMA.hasPart, URIRef(work)
    if profile.owner and profile.owner_inferred:
        yield from each(p, (SCHEMA.about, SCHEMA.mainEntity), URIRef(profile.owner))
        yield p, KG.ownerInferred, boolean(True)

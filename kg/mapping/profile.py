"""Map stage: a profile (schema:ProfilePage), its source file and its records as printed.

What one file said (:func:`file_to_triples`) depends on that file alone and goes in the
file's named graph; which reconciled works a profile lists and an inferred owner
(:func:`listing_to_triples`) need every input and go in the reconciled graph.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.identity import Iris
from kg.mapping.category import category_iri
from kg.mapping.terms import Term, Triple, boolean, date, dcterms, each, integer, iri, kg, prov, rdf, rdfs, schema, text
from kg.models import ProfileSummary, Record


def file_to_triples(profile: ProfileSummary, iris: Iris) -> Iterator[Triple]:
    """MODEL.md, "Profile": the profile, its file, its owner as the header (or the
    curation file) names it, and every record as the file printed it."""
    p = iri(profile.iri)
    source_file = iri(iris.source_file(profile.source.source))
    yield p, rdf.type, schema.ProfilePage
    yield p, schema.name, text(f"Publication profile {profile.source.source}")
    yield p, kg.layout, text(profile.layout.value)
    yield p, prov.wasDerivedFrom, source_file
    if profile.owner and not profile.owner_inferred:
        yield from each(p, (schema.about, schema.mainEntity), iri(profile.owner))
    yield source_file, rdf.type, kg.SourceFile
    yield source_file, rdf.type, prov.Entity
    yield source_file, rdfs.label, text(profile.source.source)
    for record in profile.records:
        yield from record_to_triples(record, source_file, iris)


def record_to_triples(record: Record, source_file: Term, iris: Iris) -> Iterator[Triple]:
    """One entry of a file as printed (after clean-up): title, authors as printed, date,
    category, organisation tags, abstract."""
    ref = record.source
    r = iri(iris.record(ref))
    yield r, rdf.type, kg.SourceRecord
    yield r, rdf.type, prov.Entity
    yield r, kg.sourceFile, source_file
    yield r, kg.line, integer(ref.line)
    yield r, rdfs.label, text(f"{ref.source}:{ref.line}")
    if record.title:
        yield r, dcterms.title, text(record.title)
    if record.authors:
        names = "; ".join(a.printed for a in record.authors)
        yield r, kg.printedAuthors, text(f"{names} et al." if record.authors_truncated else names)
    if record.date:
        yield r, dcterms.date, date(record.date)
    if record.category:
        yield r, dcterms.subject, category_iri(record.category)
    if record.organizations:
        yield r, kg.printedOrganizations, text(", ".join(record.organizations))
    if record.abstract:
        yield r, dcterms.abstract, text(record.abstract)


def listing_to_triples(profile: ProfileSummary) -> Iterator[Triple]:
    """The reconciled works a profile lists, and its owner where it was inferred."""
    p = iri(profile.iri)
    for work in profile.works:
        yield p, schema.hasPart, iri(work)
    if profile.owner and profile.owner_inferred:
        yield from each(p, (schema.about, schema.mainEntity), iri(profile.owner))
        yield p, kg.ownerInferred, boolean(True)

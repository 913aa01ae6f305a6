"""Map stage: a profile (schema:ProfilePage), its source file and source records: what one
input file said, kept in that file's named graph."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rdflib import URIRef

from kg.identity import Iris
from kg.mapping.terms import Triple, each, integer, text
from kg.models import ProfileSummary, SourceRef
from kg.namespaces import KG, PROV, RDF, RDFS, SCHEMA


def profile_to_triples(profile: ProfileSummary, records: Sequence[SourceRef], iris: Iris) -> Iterator[Triple]:
    """MODEL.md, "Profile": names its file, links to every work it lists and to its owner."""
    p = URIRef(profile.iri)
    source_file = URIRef(iris.source_file(profile.source.source))
    yield p, RDF.type, SCHEMA.ProfilePage
    yield p, SCHEMA.name, text(f"Publication profile {profile.source.source}")
    yield p, KG.layout, text(profile.layout.value)
    yield p, PROV.wasDerivedFrom, source_file
    if profile.owner:
        yield from each(p, (SCHEMA.about, SCHEMA.mainEntity), URIRef(profile.owner))
    for work in profile.works:
        yield p, SCHEMA.hasPart, URIRef(work)
    yield source_file, RDF.type, KG.SourceFile
    yield source_file, RDF.type, PROV.Entity
    yield source_file, RDFS.label, text(profile.source.source)
    for ref in records:
        r = URIRef(iris.record(ref))
        yield r, RDF.type, KG.SourceRecord
        yield r, RDF.type, PROV.Entity
        yield r, KG.sourceFile, source_file
        yield r, KG.line, integer(ref.line)
        yield r, RDFS.label, text(f"{ref.source}:{ref.line}")

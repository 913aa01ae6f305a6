"""Map stage: people and organisations (schema.org and FOAF)."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef

from kg.mapping.terms import Triple, each, text
from kg.models import Organization, Person
from kg.namespaces import FOAF, RDF, SCHEMA


def person_to_triples(person: Person) -> Iterator[Triple]:
    """MODEL.md, "Person": display name ``Given Family``, name parts, other spellings."""
    p = URIRef(person.iri)
    yield p, RDF.type, SCHEMA.Person
    yield p, RDF.type, FOAF.Person
    yield from each(p, (SCHEMA.name, FOAF.name), text(person.name))
    if person.given_name:
        yield p, SCHEMA.givenName, text(person.given_name)
    if person.family_name:
        yield p, SCHEMA.familyName, text(person.family_name)
    for name in person.alternate_names:
        yield p, SCHEMA.alternateName, text(name)


def organization_to_triples(organization: Organization) -> Iterator[Triple]:
    """MODEL.md, "Organisation": never a person; printed tags kept as alternate names."""
    o = URIRef(organization.iri)
    yield o, RDF.type, SCHEMA.Organization
    yield o, RDF.type, FOAF.Organization
    yield from each(o, (SCHEMA.name, FOAF.name), text(organization.name))
    for name in organization.alternate_names:
        yield o, SCHEMA.alternateName, text(name)

"""Map stage: people and organisations (schema.org and FOAF)."""

from __future__ import annotations

from collections.abc import Iterator

from kg.mapping.terms import Triple, each, foaf, iri, rdf, schema, text
from kg.models import Organization, Person


def person_to_triples(person: Person) -> Iterator[Triple]:
    """MODEL.md, "Person": display name ``Given Family``, name parts (a generational suffix
    as schema:honorificSuffix), other spellings."""
    p = iri(person.iri)
    yield p, rdf.type, schema.Person
    yield p, rdf.type, foaf.Person
    yield from each(p, (schema.name, foaf.name), text(person.name))
    if person.given_name:
        yield p, schema.givenName, text(person.given_name)
    if person.family_name:
        yield p, schema.familyName, text(person.family_name)
    if person.suffix:
        yield p, schema.honorificSuffix, text(person.suffix)
    for name in person.alternate_names:
        yield p, schema.alternateName, text(name)


def organization_to_triples(organization: Organization) -> Iterator[Triple]:
    """MODEL.md, "Organisation": never a person; printed tags kept as alternate names."""
    o = iri(organization.iri)
    yield o, rdf.type, schema.Organization
    yield o, rdf.type, foaf.Organization
    yield from each(o, (schema.name, foaf.name), text(organization.name))
    for name in organization.alternate_names:
        yield o, schema.alternateName, text(name)

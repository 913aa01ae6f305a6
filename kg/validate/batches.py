"""Validate stage, batches: which node shapes each kind of batch of a streaming export
runs, and the context a batch needs besides its own triples (README, "Scale", says why
the verdicts are the whole graph's).

A batch describes some subjects whole; the shapes whose targets it describes run on it
(:data:`SHAPE_GROUPS`: every targeted shape is in one). The shapes' ``sh:class`` checks
look up the types of the nodes a batch points to but does not describe: the batch gets
their rdf:type triples (:func:`context_types`), decided by the kind of each IRI
(kg.identity.Iris.kind) and only for nodes the export does describe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter

from kg.mapping.terms import Term, Triple, foaf, kg, prov, rdf, schema, skos

FILE_SHAPES = ("SourceRecordShape", "SourceRecordAsPrintedShape", "SourceFileShape")
WORK_SHAPES = ("WorkShape", "AuthorListShape", "AuthorshipsShape", "AuthorshipShape", "ProfileShape")
PEOPLE_SHAPES = ("PersonShape",)
OTHER_SHAPES = ("OrganizationShape", "ConceptShape")
PROFILE_SHAPES = ("ProfileShape", "InferredOwnerShape")
"""The node shapes each kind of batch runs: those whose targets the batch describes
whole. Every targeted shape is in one of them (a test checks it)."""
SHAPE_GROUPS = (FILE_SHAPES, WORK_SHAPES, PEOPLE_SHAPES, OTHER_SHAPES, PROFILE_SHAPES)

TYPES_OF_KIND = {
    "person": (schema.Person, foaf.Person),
    "scoped-owner": (schema.Person, foaf.Person),
    "organization": (schema.Organization, foaf.Organization),
    "category": (skos.Concept, schema.DefinedTerm),
    "record": (kg.SourceRecord, prov.Entity),
    "file": (kg.SourceFile, prov.Entity),
}
"""The classes a node of each kind (kg.identity.IriKind) is stated to be an instance of."""
_OBJECT = itemgetter(2)


def context_types(triples: Iterable[Triple], own: set[Term], described: Callable[[str], str | None]) -> list[Triple]:
    """rdf:type triples of the nodes ``triples`` point to but ``own`` does not hold:
    ``described`` gives the kind of a node the export describes (None for any other)."""
    found: list[Triple] = []
    objects = set(map(_OBJECT, triples))
    objects -= own
    for o in sorted(objects):  # the distinct objects, a few per subject: classified one by one
        if o[0] != "<":
            continue
        for cls in TYPES_OF_KIND.get(described(o[1:-1]), ()):  # type: ignore[arg-type]
            found.append((o, rdf.type, cls))
    return found


__all__ = ["FILE_SHAPES", "OTHER_SHAPES", "PEOPLE_SHAPES", "PROFILE_SHAPES", "SHAPE_GROUPS", "TYPES_OF_KIND",
           "WORK_SHAPES", "context_types"]

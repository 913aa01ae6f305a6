"""Map stage: the small helpers every mapper shares (literal and list construction)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator, Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import RDF, XSD

Triple = tuple[Node, URIRef, Node]
Quad = tuple[Node, URIRef, Node, URIRef]


def text(value: str) -> Literal:
    """A plain string literal (xsd:string)."""
    return Literal(value)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD.boolean)


def date(value: datetime.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def rdf_list(subject: URIRef, members: Sequence[Node]) -> tuple[Node, list[Triple]]:
    """An rdf:List of members; cells are blank nodes labelled from ``subject`` so that the
    same input gives the same labels (deterministic N-Triples)."""
    if not members:
        return RDF.nil, []
    stem = "l" + hashlib.sha256(str(subject).encode("utf-8")).hexdigest()[:16]
    cells = [BNode(f"{stem}x{i}") for i in range(1, len(members) + 1)]
    triples: list[Triple] = []
    for i, (cell, member) in enumerate(zip(cells, members)):
        triples.append((cell, RDF.first, member))
        triples.append((cell, RDF.rest, cells[i + 1] if i + 1 < len(cells) else RDF.nil))
    return cells[0], triples


def each(subject: URIRef, predicates: Sequence[URIRef], value: Node) -> Iterator[Triple]:
    """The same value under several predicates (schema:name and dcterms:title)."""
    for predicate in predicates:
        yield subject, predicate, value

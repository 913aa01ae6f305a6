"""Map stage: RDF terms as N-Triples text, the form every writer starts from.

A term is a ``str`` in N-Triples syntax: ``<iri>``, ``_:label``, ``"text"``,
``"1"^^<…#integer>``, ``"label"@en``. Mappers build triples of such strings, so writing
N-Triples or N-Quads is joining them, and no RDF library object is made per term.
Vocabularies give their terms in that form (``schema.name`` is
``<http://schema.org/name>``); the project's own (``kg``) refuses unknown names.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator, Sequence

from rdflib import Namespace
from rdflib.namespace import ClosedNamespace

from kg import namespaces as ns

Term = str
Triple = tuple[Term, Term, Term]
Quad = tuple[Term, Term, Term, Term]


class Vocabulary:
    """The N-Triples form of a namespace's terms, made once per term."""

    def __init__(self, namespace: Namespace | ClosedNamespace):
        self._namespace = namespace

    def __getattr__(self, name: str) -> Term:
        if name.startswith("__"):
            raise AttributeError(name)
        term = f"<{self._namespace[name]}>"  # a ClosedNamespace raises on a term it lacks
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> Term:
        return getattr(self, name)


schema, bibo, dcterms, foaf, prov = (Vocabulary(n) for n in (ns.SCHEMA, ns.BIBO, ns.DCTERMS, ns.FOAF, ns.PROV))
rdf, rdfs, skos, xsd, kg = (Vocabulary(n) for n in (ns.RDF, ns.RDFS, ns.SKOS, ns.XSD, ns.KG))
void, dcat = Vocabulary(ns.VOID), Vocabulary(ns.DCAT)
RDF_NIL = rdf.nil

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> Term:
    """An IRI the exporter minted or read from a vocabulary (no characters to escape)."""
    return f"<{value}>"


def text(value: str) -> Term:
    """A plain string literal (xsd:string)."""
    return f'"{value.translate(_ESCAPES)}"'


def text_en(value: str) -> Term:
    return f'"{value.translate(_ESCAPES)}"@en'


def integer(value: int) -> Term:
    return f'"{value}"^^{xsd.integer}'


def boolean(value: bool) -> Term:
    return f'"{"true" if value else "false"}"^^{xsd.boolean}'


def date(value: datetime.date) -> Term:
    return f'"{value.isoformat()}"^^{xsd.date}'


def is_iri(term: Term) -> bool:
    return term.startswith("<")


def rdf_list(subject: Term, members: Sequence[Term]) -> tuple[Term, list[Triple]]:
    """An rdf:List of members; cells are blank nodes labelled from ``subject`` so that the
    same input gives the same labels, and two lists never share one."""
    if not members:
        return RDF_NIL, []
    stem = "_:l" + hashlib.sha256(subject.strip("<>").encode("utf-8")).hexdigest()[:16] + "x"
    cells = [f"{stem}{i}" for i in range(1, len(members) + 1)]
    triples: list[Triple] = []
    first, rest = rdf.first, rdf.rest
    for i, (cell, member) in enumerate(zip(cells, members)):
        triples.append((cell, first, member))
        triples.append((cell, rest, cells[i + 1] if i + 1 < len(cells) else RDF_NIL))
    return cells[0], triples


def each(subject: Term, predicates: Sequence[Term], value: Term) -> Iterator[Triple]:
    """The same value under several predicates (schema:name and dcterms:title)."""
    for predicate in predicates:
        yield subject, predicate, value

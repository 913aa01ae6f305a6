"""Publish stage: what a page shows, as typed values the templates render.

A page is a title, some facts (label: values), paragraphs, sections of linked items and
the table of every statement about the resource; links between pages are relative, so
the same pages work under ``kg serve``, on any static host and under any path prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import PREFIXES, RDF
from kg.publish.negotiation import RDF_REPRESENTATIONS
from kg.publish.store import Published

RDF_FIRST, RDF_REST, RDF_NIL = (ox.NamedNode(str(t)) for t in (RDF.first, RDF.rest, RDF.nil))


@dataclass(frozen=True, slots=True)
class Link:
    """A text that links somewhere (``href`` None: plain text)."""

    text: str
    href: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    values: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Item:
    link: Link
    details: tuple[Link, ...] = ()
    anchor: str = ""
    lead: str = ""
    """Words before the details (``with`` before co-authors)."""


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    items: tuple[Item, ...]
    ordered: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """One page: ``path`` is where it is served (the resource's path, or an index's)."""

    path: str
    title: str
    kind: str
    iri: str = ""
    facts: tuple[Fact, ...] = ()
    paragraphs: tuple[tuple[str, str], ...] = ()
    sections: tuple[Section, ...] = ()
    statements: tuple[Fact, ...] = ()
    jsonld: str = ""
    formats: tuple[Link, ...] = ()


def relative(from_path: str, to_path: str) -> str:
    """A link from the page at ``from_path`` to ``to_path`` (both site paths)."""
    href = "../" * from_path.count("/") + to_path
    if not href or href.startswith("#"):
        href = "./" + href
    elif ":" in href.split("/", 1)[0]:  # would read as a URI scheme
        href = "./" + href
    return href


def compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


class Linker:
    """Links from one page to resources: served ones by relative path, others by IRI."""

    def __init__(self, published: Published, from_path: str):
        self.published, self.from_path = published, from_path

    def href(self, iri: str) -> str:
        path = self.published.path_of(iri)
        return iri if path is None else relative(self.from_path, path)

    def to(self, iri: str, text: str | None = None, note: str = "") -> Link:
        return Link(self.published.label(iri) if text is None else text, self.href(iri), note)

    def page(self, path: str, text: str) -> Link:
        return Link(text, relative(self.from_path, path))

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[Link]:
        """How a value shows in the table of statements (a list: its members)."""
        if isinstance(term, ox.NamedNode):
            served = self.published.path_of(term.value) is not None
            return [self.to(term.value) if served else Link(compact(term.value), term.value)]
        if isinstance(term, ox.BlankNode):
            members = list_members(self.published, term)
            return [link for m in members for link in self.term(m)] if members else [Link(f"_:{term.value}")]
        note = f"@{term.language}" if term.language else ""
        if not note and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            note = compact(term.datatype.value)
        return [Link(term.value, None, note)]

    def statements(self, iri: str, triples: list[ox.Triple]) -> tuple[Fact, ...]:
        """Every triple whose subject is the resource, grouped by predicate, in order."""
        by_predicate: dict[str, list[Link]] = {}
        for t in triples:
            if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri:
                by_predicate.setdefault(t.predicate.value, []).extend(self.term(t.object))
        return tuple(Fact(compact(p), tuple(by_predicate[p])) for p in sorted(by_predicate, key=compact))

    def formats(self) -> tuple[Link, ...]:
        name = self.from_path.rsplit("/", 1)[-1]
        return tuple(Link(r.title, f"./{name}{r.suffix}", r.media_type) for r in RDF_REPRESENTATIONS)


def list_members(published: Published, head: ox.BlankNode | ox.NamedNode, limit: int | None = None) -> list:
    """The members of an rdf:List, in order (at most ``limit``)."""
    members: list = []
    cell, seen = head, set()
    while cell != RDF_NIL and cell not in seen and (limit is None or len(members) < limit):
        seen.add(cell)
        first = published.value(cell, str(RDF.first)) if isinstance(cell, ox.BlankNode) else None
        if first is None:
            break
        members.append(first)
        cell = published.value(cell, str(RDF.rest)) or RDF_NIL
    return members

"""Serialize stage: compact JSON-LD that reads the way schema.org consumers expect
(MODEL.md, "Output"), and expands to exactly the triples it was made from.

Under the package's own ``@context`` (``kg/data/context.jsonld``, JSON-LD 1.1 §4.1):

- schema.org terms are plain keys and types (``name``, ``author``, ``ScholarlyArticle``),
  through ``"@vocab": "http://schema.org/"``; other vocabularies' terms and the project's
  are compact IRIs (``bibo:authorList``, ``kg:position``);
- a literal whose datatype the context gives its key (``datePublished`` is ``xsd:date``)
  is a plain JSON string; an ``xsd:integer`` in canonical form and within the range every
  JSON reader keeps exactly is a JSON number, an ``xsd:boolean`` ``true``/``false`` a JSON
  boolean: JSON-LD 1.1 §8.6 (RDF conversion) turns them back into the same literals;
- the values of a key are in author order where the node states one (its ``rdf:List``,
  as ``bibo:authorList``, or the ``kg:position`` of the nodes they point to): a consumer
  reads an ``author`` array's order as author order; other values are sorted;
- a node's keys are ``@id``, ``@type``, then sorted; nodes are sorted by ``@id``.

Every node object describes one subject whole, provided the quads given hold all of its
triples (the streaming export writes each subject in one chunk).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache

import pyoxigraph as ox

from kg.data import data_file
from kg.namespaces import KG, RDF, XSD

KEYWORDS = ("@id", "@type")
MAX_EXACT_INTEGER = 2**53
"""Beyond it a JSON reader may round a number (JavaScript's doubles): kept as a typed value."""
_TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_SUFFIX = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*\Z")
_INTEGER = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")
"""The canonical lexical form of xsd:integer (what a JSON number converts back to)."""
_RDF_FIRST, _RDF_REST, _RDF_NIL = (ox.NamedNode(str(t)) for t in (RDF.first, RDF.rest, RDF.nil))
_RDF_TYPE, _POSITION = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KG.position))


@cache
def jsonld_context() -> dict:
    """The shipped ``@context``: the same dict every JSON-LD document of kg carries."""
    return json.loads(data_file("context.jsonld").read_text(encoding="utf-8"))["@context"]


class Compactor:
    """IRIs to the keys, types and values of :func:`jsonld_context` (JSON-LD 1.1 §6.1,
    IRI compaction, restricted to what expands back unambiguously)."""

    def __init__(self, context: dict):
        self.vocab: str = context["@vocab"]
        self.prefixes = sorted(((n, p) for p, n in context.items() if isinstance(n, str) and not p.startswith("@")),
                               key=lambda item: -len(item[0]))
        self.terms: dict[str, str] = {}
        """Every term the context defines -> the IRI it expands to."""
        self.coerced: dict[str, tuple[str, str]] = {}
        """Property IRI -> (its key, the datatype IRI the context gives it)."""
        for term, definition in context.items():
            if term.startswith("@"):
                continue
            if isinstance(definition, str):
                self.terms[term] = definition
                continue
            expanded = self.expand(definition["@id"])
            self.terms[term] = expanded
            if "@type" in definition:
                self.coerced[expanded] = (term, self.expand(definition["@type"]))

    def expand(self, compact: str) -> str:
        prefix, _, suffix = compact.partition(":")
        namespace = self.terms.get(prefix) if suffix else None
        return namespace + suffix if namespace is not None else compact

    @cache  # noqa: B019 - one compactor per context; the IRIs are the vocabularies' few terms
    def key(self, iri: str) -> str:
        """A property's key: its coerced term, a plain schema.org term, a compact IRI, or the IRI."""
        if iri in self.coerced:
            return self.coerced[iri][0]
        return self.vocab_relative(iri)

    @cache  # noqa: B019
    def vocab_relative(self, iri: str) -> str:
        """What ``@vocab`` expands back to ``iri`` (keys and ``@type`` values), else a compact IRI."""
        local = iri[len(self.vocab):] if iri.startswith(self.vocab) else ""
        if _TERM.match(local) and self.terms.get(local, iri) == iri:
            return local
        return self.compact_iri(iri)

    def compact_iri(self, iri: str) -> str:
        for namespace, prefix in self.prefixes:  # the longest namespace first
            suffix = iri[len(namespace):]
            if iri.startswith(namespace) and _SUFFIX.match(suffix) and not suffix.startswith("//"):
                compact = f"{prefix}:{suffix}"
                return compact if self.terms.get(compact, iri) == iri else iri
        return iri

    def literal(self, literal: ox.Literal, key: str, coerced: str | None) -> object:
        """A literal under ``key``: a plain JSON value where expansion gives it back exactly."""
        value, datatype = literal.value, literal.datatype.value
        if literal.language:
            return {"@value": value, "@language": literal.language}
        if datatype == coerced:
            return value
        if datatype == str(XSD.string):  # under a typed key, a plain string would take the type
            return {"@value": value} if coerced else value
        if coerced:  # so would a number or a boolean (JSON-LD 1.1 API §5.3.2, step 4)
            return {"@value": value, "@type": self.vocab_relative(datatype)}
        if datatype == str(XSD.integer) and _INTEGER.match(value) and abs(int(value)) < MAX_EXACT_INTEGER:
            return int(value)
        if datatype == str(XSD.boolean) and value in ("true", "false"):
            return value == "true"
        return {"@value": value, "@type": self.vocab_relative(datatype)}


@cache
def _compactor() -> Compactor:
    return Compactor(jsonld_context())


Subject = ox.NamedNode | ox.BlankNode


def _lists(triples: Iterable[ox.Triple]) -> tuple[dict, set]:
    """The rdf:Lists that ``@list`` can say (JSON-LD 1.1 API §8.4): head -> members, and
    the set of every cell. A list qualifies when one triple points to its head and each
    cell is a blank node with exactly one rdf:first, one rdf:rest and nothing else,
    pointed to by nothing but the cell before; other cells are written as nodes."""
    first: dict = {}
    rest: dict = {}
    other: set = set()
    pointers: dict = defaultdict(int)
    for t in triples:
        if isinstance(t.object, ox.BlankNode):
            pointers[t.object] += 1
        if t.predicate == _RDF_FIRST and t.subject not in first:
            first[t.subject] = t.object
        elif t.predicate == _RDF_REST and t.subject not in rest:
            rest[t.subject] = t.object
        else:
            other.add(t.subject)
    lists, cells = {}, set()
    for head in set(first) - set(rest.values()):
        members, chain, cell = [], [], head
        while isinstance(cell, ox.BlankNode) and cell in first and cell in rest and cell not in other:
            members.append(first[cell])
            chain.append(cell)
            cell = rest[cell]
        well_formed = cell == _RDF_NIL and pointers[head] == 1 and all(pointers[c] == 1 for c in chain[1:])
        if well_formed and not set(chain) & set(members):
            lists[head] = members
            cells.update(chain)
    return lists, cells


def _node_id(node: Subject) -> str:
    return node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"


class _Chunk:
    """The triples of some quads, indexed for writing node objects."""

    def __init__(self, quads: Sequence[ox.Quad]):
        self.triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        self.lists, self.cells = _lists(self.triples)
        self.position: dict[ox.NamedNode, int] = {}
        for t in self.triples:
            if t.predicate == _POSITION and isinstance(t.object, ox.Literal) and _INTEGER.match(t.object.value):
                self.position[t.subject] = int(t.object.value)  # type: ignore[index]

    def order(self, lists_held: Iterable) -> dict:
        """A subject's author order: members of its lists by index, then the nodes it
        points to by their kg:position (what authorships carry)."""
        rank: dict = dict(self.position)
        for head in lists_held:
            for index, member in reversed(list(enumerate(self.lists[head], 1))):
                rank[member] = index
        return rank

    def value(self, node, key: str, coerced: str | None) -> object:
        if isinstance(node, ox.Literal):
            return _compactor().literal(node, key, coerced)
        if node in self.lists:
            return {"@list": [self.value(m, key, None) for m in self.lists[node]]}
        return {"@id": _node_id(node)}


def jsonld_nodes(quads: Sequence[ox.Quad]) -> list[dict]:
    """One compact node object per subject of ``quads`` (graph names are dropped), sorted
    by ``@id``; an rdf:List is a ``@list`` where the quads hold its cells."""
    chunk, compactor = _Chunk(quads), _compactor()
    by_subject: dict[Subject, list[ox.Triple]] = defaultdict(list)
    for t in chunk.triples:
        if t.subject not in chunk.cells:
            by_subject[t.subject].append(t)  # type: ignore[index]
    nodes = []
    for subject, triples in by_subject.items():
        rank = chunk.order(t.object for t in triples if t.object in chunk.lists)
        values: dict[str, list] = defaultdict(list)
        for t in triples:
            if t.predicate == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
                values["@type"].append((None, compactor.vocab_relative(t.object.value)))
                continue
            key = compactor.key(t.predicate.value)
            coerced = compactor.coerced.get(t.predicate.value, (None, None))[1]
            values[key].append((rank.get(t.object), chunk.value(t.object, key, coerced)))
        nodes.append(_node_object(_node_id(subject), values))
    return sorted(nodes, key=lambda n: n["@id"])


def _node_object(node_id: str, values: dict[str, list]) -> dict:
    """Keys ``@id``, ``@type``, then sorted; each key's values ranked, then sorted."""
    node: dict[str, object] = {"@id": node_id}
    for key in sorted(values, key=lambda k: (k != "@type", k)):
        found = values[key]  # one value (most keys): no sort keys to make, each a json.dumps
        ranked = found if len(found) == 1 else sorted(found, key=lambda rv: (rv[0] is None, rv[0] or 0,
                                                                                _sort_text(rv[1])))
        items = [value for _, value in ranked]
        node[key] = items[0] if len(items) == 1 else items
    return node


def _sort_text(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def jsonld_chunk(quads: Sequence[ox.Quad]) -> str:
    """The node objects of ``quads`` as items of the document's ``@graph`` array."""
    return ",\n".join("    " + json.dumps(n, indent=2, ensure_ascii=False).replace("\n", "\n    ")
                      for n in jsonld_nodes(quads))


def jsonld_head() -> str:
    context = json.dumps(jsonld_context(), indent=2, ensure_ascii=False).replace("\n", "\n  ")
    return f'{{\n  "@context": {context},\n  "@graph": [\n'


JSONLD_TAIL = "\n  ]\n}\n"

__all__ = ["Compactor", "JSONLD_TAIL", "jsonld_chunk", "jsonld_context", "jsonld_head", "jsonld_nodes"]

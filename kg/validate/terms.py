"""Validate stage: RDF terms in N-Triples syntax, as the export writes them
(kg.mapping.terms), read without an RDF library, and converted to and from rdflib's
and pyoxigraph's terms for the reference engine and for files.

Terms are compared as written: ``"01"^^xsd:integer`` and ``"1"^^xsd:integer`` are two
terms, as in an rdflib graph whose literals were not normalised (SHACL compares value
nodes by term equality: https://www.w3.org/TR/shacl/#terminology, "value nodes"). Every
term has one written form, the export's: literal text escaped as :func:`kg.mapping.terms.text`
does, language tags in lower case (rdflib compares them without case, pyoxigraph lowers
them).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.mapping.terms import Term, text

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib.term import Node

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_ESCAPE = re.compile(r'\\(?:([tbnrf"\'\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(body: str) -> str:
    """The text of an N-Triples string (ECHAR and UCHAR escapes, N-Triples 1.1 §2.4)."""
    def one(match: re.Match) -> str:
        char, short, long = match.groups()
        return _ECHAR[char] if char else chr(int(short or long, 16))
    return _ESCAPE.sub(one, body) if "\\" in body else body


@lru_cache(maxsize=65536)
def literal_parts(term: Term) -> tuple[str, str | None, str | None]:
    """(lexical form, language tag, datatype IRI) of a literal term; a plain literal has
    neither tag nor datatype (rdflib's reading: ``"a"`` has datatype None)."""
    end = term.rfind('"')
    lexical, suffix = _unescape(term[1:end]), term[end + 1:]
    if suffix.startswith("@"):
        return lexical, suffix[1:], None
    if suffix.startswith("^^<"):
        return lexical, None, suffix[3:-1]
    return lexical, None, None


def literal(lexical: str, language: str | None = None, datatype: str | None = None) -> Term:
    """The written form of a literal."""
    if language:
        return f"{text(lexical)}@{language.lower()}"
    return text(lexical) if datatype is None else f"{text(lexical)}^^<{datatype}>"


def display(term: Term) -> str:
    """A term as ``str()`` of the rdflib term gives it: an IRI without brackets, a blank
    node's label, a literal's lexical form (the focus node of a result, and what
    pyshacl substitutes for ``{?var}`` in messages)."""
    if term[0] == "<":
        return term[1:-1]
    if term[0] == "_":
        return term[2:]
    return literal_parts(term)[0]


def written(term: Term) -> Term:
    """A term in the one written form of this module (the value of a result)."""
    return literal(*literal_parts(term)) if term[0] == '"' else term


def from_rdflib(node: Node) -> Term:
    """An rdflib term's written form (its lexical form kept as the graph has it)."""
    from rdflib import BNode, Literal

    if isinstance(node, Literal):
        return literal(str(node), node.language, None if node.datatype is None else str(node.datatype))
    if isinstance(node, BNode):
        return f"_:{node}"
    return f"<{node}>"


def from_oxigraph(node: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal) -> Term:
    """A pyoxigraph term's written form (pyoxigraph reads ``"a"^^xsd:string`` as ``"a"``,
    RDF 1.1's reading, and keeps lexical forms)."""
    import pyoxigraph as ox

    if isinstance(node, ox.Literal):
        datatype = node.datatype.value
        return literal(node.value, node.language, None if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype)
    if isinstance(node, ox.BlankNode):
        return f"_:{node.value}"
    return f"<{node.value}>"


def to_rdflib(term: Term) -> Node:
    """The rdflib term of a written term, its lexical form unchanged (``normalize=False``:
    rdflib would otherwise rewrite ``"01"^^xsd:integer`` to ``"1"``, whatever
    ``rdflib.NORMALIZE_LITERALS``, which pyshacl resets after each run, says)."""
    from rdflib import BNode, Literal, URIRef

    if term[0] == "<":
        return URIRef(term[1:-1])
    if term[0] == "_":
        return BNode(term[2:])
    lexical, language, datatype = literal_parts(term)
    return Literal(lexical, lang=language, datatype=None if datatype is None else URIRef(datatype), normalize=False)

"""Publish stage: a resource's triples as a document of each RDF representation.

Turtle, N-Triples and RDF/XML come from pyoxigraph's writers (with the project's
prefixes, in sorted order so one resource always gives the same bytes); JSON-LD from
the project's own writer (:mod:`kg.jsonld`, the head, node objects and tail that
:func:`kg.serialize.serialize` joins), so pages, the site and the export share one
context and one way of writing nodes. Each document is made from the resource's
pyoxigraph triples as they are: nothing is written out and parsed again.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from kg.formats import FORMATS_BY_NAME
from kg.jsonld import JSONLD_TAIL, jsonld_chunk, jsonld_head
from kg.namespaces import PREFIXES
from kg.publish.negotiation import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Representation
from kg.serialize import prefix_header

OX_FORMATS = {r: FORMATS_BY_NAME[r.name].oxigraph for r in (TURTLE, NTRIPLES, RDFXML)}


@cache
def _jsonld_head() -> str:
    return jsonld_head()


@cache
def _turtle_head() -> str:
    return prefix_header()


def jsonld_document(triples: list[ox.Triple]) -> str:
    """The triples as compact JSON-LD with the package's inline ``@context``: the same
    text as ``kg.serialize.serialize`` of them in ``json-ld``."""
    return _jsonld_head() + jsonld_chunk(triples) + JSONLD_TAIL


def rdf_document(triples: list[ox.Triple], representation: Representation) -> bytes:
    """The triples in an RDF representation (not HTML), UTF-8."""
    if representation is HTML:
        raise ValueError("HTML is rendered from templates, not serialized")
    if representation is JSONLD:
        return jsonld_document(triples).encode("utf-8")
    if representation is NTRIPLES:
        return "".join(f"{t} .\n" for t in triples).encode("utf-8")
    if representation is TURTLE:  # the prefixes in kg's fixed order, not the writer's
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
        return (_turtle_head() + "".join(line for line in body.splitlines(keepends=True)
                                          if not line.startswith("@prefix"))).encode("utf-8")
    return ox.serialize(triples, format=OX_FORMATS[representation], prefixes=PREFIXES)


def script_safe(jsonld: str) -> str:
    """JSON-LD text safe inside ``<script type="application/ld+json">``: ``<``, ``>`` and
    ``&`` occur only inside JSON strings, where ``\\u003c`` etc. mean the same characters."""
    return jsonld.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

"""Validate stage: an RDF file read as N-Triples terms, for ``kg validate``.

pyoxigraph parses the file as it reads it (N-Triples and N-Quads line by line), keeps
lexical forms as written and reads RDF 1.1 terms (``"a"^^xsd:string`` is ``"a"``,
language tags in lower case). Every graph of a dataset is read into one: the export's
shapes do not depend on the graph a triple is in.
"""

from __future__ import annotations

from pathlib import Path

from typing import IO

from kg.formats import read_quads
from kg.mapping.terms import Triple
from kg.validate.terms import from_oxigraph


def read_triples(path: Path, fmt: str | None = None, stdin: IO[bytes] | None = None) -> list[Triple]:
    """The distinct triples of an RDF file (``fmt``: a format of kg.formats, else the one
    its extension names), or of ``stdin`` for ``-``; InputError, naming the file and
    line, if it cannot be read."""
    terms: dict = {}

    def term(node) -> str:  # noqa: ANN001 - a pyoxigraph term, converted once per distinct term
        found = terms.get(node)
        if found is None:
            found = terms[node] = from_oxigraph(node)
        return found

    triples: dict[Triple, None] = {}
    for quad in read_quads(path, fmt, stdin=stdin):
        triples[(term(quad.subject), term(quad.predicate), term(quad.object))] = None
    return list(triples)

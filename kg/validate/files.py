"""Validate stage: an RDF file read as N-Triples terms, for ``kg validate``.

pyoxigraph parses the file as it reads it (N-Triples and N-Quads line by line), keeps
lexical forms as written and reads RDF 1.1 terms (``"a"^^xsd:string`` is ``"a"``,
language tags in lower case). Every graph of a dataset is read into one: the export's
shapes do not depend on the graph a triple is in.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import InputError
from kg.mapping.terms import Triple
from kg.validate.terms import from_oxigraph

_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


def read_triples(path: Path, fmt: str) -> list[Triple]:
    """The distinct triples of an RDF file (``fmt``: turtle, ntriples, nquads, trig,
    json-ld); InputError, naming the file and line, if it cannot be read."""
    import pyoxigraph as ox

    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
               "trig": ox.RdfFormat.TRIG, "json-ld": ox.RdfFormat.JSON_LD}
    if not path.is_file():
        raise InputError.at(str(path), None, "no such file")
    terms: dict = {}

    def term(node) -> str:  # noqa: ANN001 - a pyoxigraph term, converted once per distinct term
        found = terms.get(node)
        if found is None:
            found = terms[node] = from_oxigraph(node)
        return found

    triples: dict[Triple, None] = {}
    try:
        for quad in ox.parse(path=str(path), format=formats[fmt]):
            triples[(term(quad.subject), term(quad.predicate), term(quad.object))] = None
    except (SyntaxError, ValueError, OSError) as exc:
        found = _LINE.search(str(exc))
        raise InputError.at(str(path), int(found.group(1)) if found else None, f"cannot parse as {fmt}: {exc}",
                            "check the file's syntax, or give its format with --format") from None
    return list(triples)

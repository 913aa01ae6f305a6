"""Validate stage: what a literal's datatype and value are, as pyshacl decides it.

pyshacl reads a literal's value with rdflib (``rdflib.term.Literal``: ``value``,
``ill_typed``) and compares values with rdflib's operators. The common, canonical
forms (``"7"^^xsd:integer``, ``"2024-12-21"^^xsd:date``, ``"true"^^xsd:boolean``) are
decided here directly; any other literal is handed to rdflib itself, so that every
answer is rdflib's. Answers are kept per term: a batch repeats dates and positions.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from functools import lru_cache

from kg.mapping.terms import Term
from kg.validate.terms import literal_parts, to_rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal"
RDFS_DATATYPE = "http://www.w3.org/2000/01/rdf-schema#Datatype"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_INTEGER = re.compile(r"-?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VALUE_TYPES = {
    XSD + "string": (str, bytes), RDF_LANGSTRING: (str, bytes), XSD + "integer": int, XSD + "float": float,
    XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": datetime.date, XSD + "time": datetime.time,
    XSD + "dateTime": datetime.datetime,
}
"""pyshacl's check of a literal's Python value per datatype (DatatypeConstraintComponent
._assert_actual_datatype); a datatype not listed passes."""


def has_datatype(term: Term, datatype: str) -> bool:
    """Whether a value node matches ``sh:datatype`` (SHACL 4.1.2): a literal of that
    datatype that is not ill-typed, decided as pyshacl 0.40 does."""
    if term[0] != '"':
        return False
    if term[-1] == '"':  # a plain literal (rdflib: no datatype, no language): titles, names
        return datatype == XSD + "string" or datatype == RDFS_LITERAL
    return _typed_has_datatype(term, datatype)


@lru_cache(maxsize=65536)
def _typed_has_datatype(term: Term, datatype: str) -> bool:
    lexical, language, own = literal_parts(term)
    if own == datatype:
        return _well_typed(term, lexical, datatype)
    if datatype == RDFS_LITERAL or (datatype == RDFS_DATATYPE and own is not None):
        return True
    if own is None and language is None:
        return datatype == XSD + "string"
    return datatype == RDF_LANGSTRING and language is not None


def _well_typed(term: Term, lexical: str, datatype: str) -> bool:
    if datatype == XSD + "string":
        return True
    if datatype == XSD + "integer" and _INTEGER.fullmatch(lexical):
        return True
    if datatype == XSD + "boolean" and lexical in ("true", "false"):
        return True
    if datatype == XSD + "date" and _DATE.fullmatch(lexical):
        return _iso_date(lexical)  # rdflib 7 on Python >= 3.11 parses xsd:date with date.fromisoformat
    node = to_rdflib(term)
    if node.ill_typed is True:  # type: ignore[union-attr]
        return False
    expected = _VALUE_TYPES.get(datatype)
    return expected is None or isinstance(node.value, expected)  # type: ignore[union-attr]


def _iso_date(lexical: str) -> bool:
    try:
        datetime.date.fromisoformat(lexical)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def at_least(term: Term, minimum: Term) -> bool:
    """Whether a value node is >= ``minimum`` (sh:minInclusive, SHACL 4.3.3), as pyshacl
    0.40 decides it: a blank node or IRI never is, a literal only if both values are
    strings or both are not, and rdflib's comparison says so."""
    if term[0] != '"':
        return False
    integer = XSD + "integer"
    lexical, _, datatype = literal_parts(term)
    low, _, low_type = literal_parts(minimum)
    if datatype == integer == low_type and _INTEGER.fullmatch(lexical) and _INTEGER.fullmatch(low):
        return int(lexical) >= int(low)
    value, bound = to_rdflib(term), to_rdflib(minimum)
    if isinstance(value.value, str) != isinstance(bound.value, str):  # type: ignore[union-attr]
        return False
    try:
        return _compare(value, bound) >= 0
    except (TypeError, NotImplementedError):
        return False


def _compare(first, second) -> int:  # noqa: ANN001 - rdflib Literals
    """pyshacl.rdfutil.compare.compare_literal: value equality, else rdflib's order
    (datetimes and times by their Python values)."""
    if first.eq(second):
        return 0
    if first.value.__class__ in (datetime.datetime, datetime.time):
        if first.value == second.value:
            return 0
        if first.value > second.value:
            return 1
    elif first > second:
        return 1
    return -1

"""Map stage: subject categories, concepts of the scheme in ``ontology/categories.ttl``.

A listing prints a bare code (``LG``); it resolves to ``cs.LG`` when the scheme has it,
else to the one other code with that suffix (``ML`` -> ``stat.ML``). A code the scheme
lacks becomes a concept of its own, labelled with the code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from rdflib import Graph

from kg.data import data_file
from kg.mapping.terms import Term, Triple, each, iri, rdf, schema, skos, text, text_en
from kg.namespaces import CATEGORY, CATEGORY_SCHEME, SKOS

SCHEME = iri(CATEGORY_SCHEME)

SCHEME_LABEL = "arXiv subject categories"


@cache
def scheme_labels() -> dict[str, str]:
    """Notation -> English label of every concept the scheme ships."""
    graph = Graph().parse(data_file("categories.ttl"))
    return {str(n): str(graph.value(c, SKOS.prefLabel)) for c, n in graph.subject_objects(SKOS.notation)}


def notation(code: str) -> str:
    """``LG`` -> ``cs.LG``; codes already qualified or unknown are kept as printed."""
    labels = scheme_labels()
    if code in labels:
        return code
    if f"cs.{code}" in labels:
        return f"cs.{code}"
    others = [n for n in labels if n.split(".")[-1] == code]
    return others[0] if len(others) == 1 else code


@cache
def category_iri(code: str) -> Term:
    return iri(CATEGORY[notation(code)])


def categories_to_triples(codes: Sequence[str]) -> Iterator[Triple]:
    """The scheme and each concept used (skos:Concept + schema:DefinedTerm), so the
    export describes its categories without the ontology file."""
    yield SCHEME, rdf.type, skos.ConceptScheme
    yield SCHEME, rdf.type, schema.DefinedTermSet
    yield SCHEME, skos.prefLabel, text_en(SCHEME_LABEL)
    yield SCHEME, schema.name, text(SCHEME_LABEL)
    for code in sorted({notation(c) for c in codes}):
        concept = iri(CATEGORY[code])
        label = scheme_labels().get(code, code)
        yield concept, rdf.type, skos.Concept
        yield concept, rdf.type, schema.DefinedTerm
        yield from each(concept, (skos.notation, schema.termCode), text(code))
        yield concept, skos.prefLabel, text_en(label)
        yield concept, schema.name, text(label)
        yield from each(concept, (skos.inScheme, schema.inDefinedTermSet), SCHEME)

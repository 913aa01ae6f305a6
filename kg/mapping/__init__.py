"""Map stage: reconciled models to RDF quads, as ontology/README.md states.

Pure functions, one module per resource kind; no I/O and no shared graph. Quads carry
their named graph: what a file said goes in that file's graph, the reconciled works,
people and organisations in the reconciled graph.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.identity import Iris
from kg.mapping.agent import organization_to_triples, person_to_triples
from kg.mapping.category import categories_to_triples
from kg.mapping.profile import file_to_triples, listing_to_triples
from kg.mapping.terms import Quad, iri
from kg.mapping.work import work_to_triples
from kg.models import KnowledgeGraph
from kg.namespaces import DEFAULT_DATASET


def graph_to_quads(graph: KnowledgeGraph, dataset: str = DEFAULT_DATASET) -> Iterator[Quad]:
    """Every quad of an export but its description (kg.mapping.dataset), its graphs
    named for ``dataset``."""
    iris = Iris(graph.base, dataset)
    reconciled = iri(iris.reconciled_graph)
    for work in graph.works:
        yield from ((s, p, o, reconciled) for s, p, o in work_to_triples(work, iris))
    for person in graph.people:
        yield from ((s, p, o, reconciled) for s, p, o in person_to_triples(person))
    for organization in graph.organizations:
        yield from ((s, p, o, reconciled) for s, p, o in organization_to_triples(organization))
    codes = {w.category for w in graph.works if w.category}
    codes |= {r.category for p in graph.profiles for r in p.records if r.category}
    yield from ((s, p, o, reconciled) for s, p, o in categories_to_triples(sorted(codes)))
    for profile in graph.profiles:
        yield from ((s, p, o, reconciled) for s, p, o in listing_to_triples(profile))
    for profile in graph.profiles:
        file_graph = iri(iris.file_graph(profile.source.source))
        yield from ((s, p, o, file_graph) for s, p, o in file_to_triples(profile, iris))

"""Map stage: reconciled models to RDF quads, as ontology/README.md states.

Pure functions, one module per resource kind; no I/O and no shared graph. Quads carry
their named graph: what a file said goes in that file's graph, the reconciled works,
people and organisations in the reconciled graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rdflib import URIRef

from kg.identity import Iris
from kg.mapping.agent import organization_to_triples, person_to_triples
from kg.mapping.category import categories_to_triples
from kg.mapping.profile import profile_to_triples
from kg.mapping.terms import Quad
from kg.mapping.work import work_to_triples
from kg.models import KnowledgeGraph, SourceRef


def graph_to_quads(graph: KnowledgeGraph) -> Iterator[Quad]:
    """Every quad of an export."""
    iris = Iris(graph.base)
    reconciled = URIRef(iris.reconciled_graph)
    for work in graph.works:
        yield from ((s, p, o, reconciled) for s, p, o in work_to_triples(work, iris))
    for person in graph.people:
        yield from ((s, p, o, reconciled) for s, p, o in person_to_triples(person))
    for organization in graph.organizations:
        yield from ((s, p, o, reconciled) for s, p, o in organization_to_triples(organization))
    codes = sorted({w.category for w in graph.works if w.category})
    yield from ((s, p, o, reconciled) for s, p, o in categories_to_triples(codes))
    records_of: dict[str, set[SourceRef]] = defaultdict(set)
    for work in graph.works:  # one pass, not one per profile: linear in the export's size
        for ref in work.sources:
            records_of[ref.source].add(ref)
    for profile in graph.profiles:
        file_graph = URIRef(iris.file_graph(profile.source.source))
        records = sorted(records_of[profile.source.source], key=lambda r: r.line)
        yield from ((s, p, o, file_graph) for s, p, o in profile_to_triples(profile, records, iris))

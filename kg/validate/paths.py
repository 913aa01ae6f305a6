"""Validate stage: the value nodes of a property path (SHACL 2.3.1), over the index.

A path is compiled once into a function of (index, focus node). The semantics are
pyshacl's (``pyshacl.helper.expression_helper.value_nodes_from_path``), which the
result sets are compared against: an inverse path inverts every step beneath it in
place (a sequence under ``sh:inversePath`` is walked in its written order, backwards
edge by edge); zero-or-more and zero-or-one paths include the focus node itself.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from kg.mapping.terms import Term
from kg.validate.index import EMPTY, Index
from kg.validate.shapes import PropertyPath

PathFunction = Callable[[Index, Term], Collection[Term]]


def compile_path(path: PropertyPath, inverse: bool = False) -> PathFunction:
    """The value nodes of ``path`` from a focus node, as a function."""
    if path.kind == "predicate":
        predicate = path.iri
        if inverse:
            return lambda index, focus: index.inverse.get(focus, EMPTY).get(predicate, ())
        return lambda index, focus: index.out.get(focus, EMPTY).get(predicate, ())
    if path.kind == "inverse":
        return compile_path(path.steps[0], not inverse)
    steps = [compile_path(step, inverse) for step in path.steps]
    if path.kind == "sequence":
        return _sequence(steps)
    if path.kind == "alternative":
        return lambda index, focus: {v for step in steps for v in step(index, focus)}
    return _repeat(steps[0], path.kind)


def _sequence(steps: list[PathFunction]) -> PathFunction:
    def values(index: Index, focus: Term) -> Collection[Term]:
        nodes: Collection[Term] = (focus,)
        for step in steps:
            nodes = {v for node in nodes for v in step(index, node)}
        return nodes
    return values


def _repeat(step: PathFunction, kind: str) -> PathFunction:
    def values(index: Index, focus: Term) -> Collection[Term]:
        if kind == "zeroOrOne":
            return {focus, *step(index, focus)}
        found: set[Term] = {focus} if kind == "zeroOrMore" else set()
        todo = list(step(index, focus))
        while todo:
            node = todo.pop()
            if node not in found:
                found.add(node)
                todo.extend(step(index, node))
        return found
    return values


def backward_predicates(path: PropertyPath, inverse: bool = False) -> set[Term]:
    """Predicates the path follows from object to subject (the index keeps their
    incoming edges)."""
    if path.kind == "predicate":
        return {str(path.iri)} if inverse else set()
    flip = not inverse if path.kind == "inverse" else inverse
    return set().union(*(backward_predicates(step, flip) for step in path.steps))

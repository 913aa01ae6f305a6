"""Validate stage: the export's SHACL shapes (``shapes/kg.shacl.ttl``, shipped in the
package) checked by one of two engines that give the same results.

- ``fast`` (the default): kg's own validator (kg.validate.engine), which evaluates the
  constraint components the shapes use directly over an index of the data's N-Triples
  terms, ~50 times faster than pyshacl on these shapes. It hands pyshacl whatever it
  does not cover (a shapes construct it does not implement, an author list that is
  not well formed), so every result is pyshacl's.
- ``pyshacl``: the reference (kg.validate.reference), pyshacl as the shapes file's
  header says, on an rdflib graph built from the terms as written.

Both compare terms as written (``"01"^^xsd:integer`` is not ``"1"^^xsd:integer``) and
give :class:`ShapeResult` models with every field of pyshacl's results; the tests
check that the two agree field by field (tests/test_engines.py).

Ways in: :func:`validate_graph` (a whole graph), :func:`validate_batch` (the node
shapes a batch of a streaming export describes whole: kg.stream; README, "Scale",
says why the verdicts are the whole graph's), :func:`validate_file` (an RDF file,
read with pyoxigraph).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

from rdflib import Graph

from kg.mapping.terms import Term, Triple
from kg.validate import reference
from kg.validate.components import Unsupported
from kg.validate.engine import program
from kg.validate.report import ShapeResult, ValidationReport, report_of, sorted_results
from kg.validate.shapes import ShapesGraph, read_shapes
from kg.validate.terms import from_rdflib

Engine = Literal["fast", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("fast", "pyshacl")
DEFAULT_ENGINE: Engine = "fast"
SHAPES_NS = "https://w3id.org/kg/shapes#"

shapes_graph = reference.shapes_graph
as_graph = reference.as_graph


@cache
def shapes() -> ShapesGraph:
    """The shipped shapes, read once per process."""
    return read_shapes(shapes_graph())


def _selection(names: Iterable[str]) -> tuple[Term, ...]:
    return tuple(f"<{SHAPES_NS}{name}>" for name in names)


def triples_of(data: Graph | Iterable[Sequence[Term]]) -> list[Triple]:
    """The triples of an rdflib graph, or of triples or quads of N-Triples terms, as terms."""
    if isinstance(data, Graph):
        return [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in data]
    if isinstance(data, list) and (not data or len(data[0]) == 3):
        return data  # type: ignore[return-value]
    return [(q[0], q[1], q[2]) for q in data]


def validate_graph(data: Graph | Iterable[Sequence[Term]], engine: Engine = DEFAULT_ENGINE) -> ValidationReport:
    """SHACL-validate a whole graph (an rdflib graph, or triples or quads of N-Triples
    terms) against every shape. Results that pyshacl repeats are reported once."""
    if engine == "pyshacl":
        return reference.validate_graph(data if isinstance(data, Graph) else as_graph(data))
    triples = triples_of(data)
    try:
        results, conforms = program(shapes(), None).validate(triples)
    except Unsupported:
        return reference.validate_graph(data if isinstance(data, Graph) else as_graph(triples))
    return report_of(results, conforms)


def validate_batch(triples: Iterable[Sequence[Term]], shape_names: Iterable[str],
                   engine: Engine = DEFAULT_ENGINE) -> list[ShapeResult]:
    """Shape results of a batch of an export (N-Triples terms), running only the node
    shapes named (local names: those whose targets the batch describes whole; the
    batch's other nodes are there as context, for the types sh:class looks up)."""
    selection, batch = _selection(shape_names), triples_of(triples)
    if engine == "fast":
        try:
            return program(shapes(), selection).validate(batch)[0]
        except Unsupported:
            pass
    return reference.validate_batch(batch, selection)


def prepare(groups: Iterable[Iterable[str]], engine: Engine = DEFAULT_ENGINE) -> None:
    """Compile the shapes of each group of node shapes now (before worker processes
    fork, so that they inherit them)."""
    if engine == "fast":
        for names in groups:
            program(shapes(), _selection(names))


def validate_file(path: Path, fmt: str, engine: Engine = DEFAULT_ENGINE) -> ValidationReport:
    """SHACL-validate an RDF file (every graph of it, as one) against every shape; the
    file is read with pyoxigraph, as it streams (kg.validate.files)."""
    from kg.validate.files import read_triples

    return validate_graph(read_triples(path, fmt), engine)


def targeted_shapes() -> set[str]:
    """Local names of the node shapes that have targets (each must be run on some batch)."""
    return {s.node[1:-1].removeprefix(SHAPES_NS) for s in shapes().shapes.values() if s.targets}


__all__ = [
    "DEFAULT_ENGINE", "ENGINES", "Engine", "SHAPES_NS", "ShapeResult", "ValidationReport", "as_graph", "prepare",
    "shapes_graph", "sorted_results", "targeted_shapes", "validate_batch", "validate_file", "validate_graph",
]

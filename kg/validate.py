"""Validate stage: the only module that imports pyshacl.

Runs the shapes of ``shapes/kg.shacl.ttl`` (shipped in the package) over a graph, with
no inference: the export states every type the shapes look for. Warnings (a work with
no title) are reported but do not make a graph non-conforming.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.data import data_file


class ShapeResult(BaseModel):
    """One SHACL validation result, as a model rather than report text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    severity: Literal["Violation", "Warning", "Info"]
    focus: str
    path: str | None = None
    value: str | None = None
    message: str
    shape: str | None = None

    def render(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value {self.value})" if self.value else ""
        return f"{self.severity}: <{self.focus}>{where}: {self.message}{value}"


class ValidationReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    conforms: bool
    results: tuple[ShapeResult, ...]

    @property
    def violations(self) -> tuple[ShapeResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")


@cache
def shapes_graph() -> Graph:
    return Graph().parse(data_file("kg.shacl.ttl"))


def _result(report: Graph, node) -> ShapeResult:  # noqa: ANN001
    def value(predicate) -> str | None:  # noqa: ANN001
        found = report.value(node, predicate)
        return None if found is None else str(found)

    severity = value(SH.resultSeverity) or str(SH.Violation)
    return ShapeResult(
        severity=severity.rsplit("#", 1)[-1],  # type: ignore[arg-type]
        focus=value(SH.focusNode) or "",
        path=value(SH.resultPath),
        value=value(SH.value),
        message=value(SH.resultMessage) or "constraint not met",
        shape=value(SH.sourceShape),
    )


def validate_graph(data: Graph | Iterable) -> ValidationReport:
    """SHACL-validate a graph (or triples) against the project's shapes."""
    import pyshacl

    graph = data if isinstance(data, Graph) else as_graph(data)
    conforms, report, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True,
    )
    results = sorted((_result(report, n) for n in report.subjects(SH.resultSeverity, None)),
                     key=lambda r: (r.severity != "Violation", r.focus, r.path or "", r.message))
    return ValidationReport(conforms=bool(conforms), results=tuple(results))


def as_graph(quads: Iterable) -> Graph:
    """An rdflib graph of triples or quads of N-Triples terms (kg.mapping.terms)."""
    return Graph().parse(data="".join(f"{q[0]} {q[1]} {q[2]} .\n" for q in quads), format="nt")


SHAPES_NS = "https://w3id.org/kg/shapes#"


def validate_batch(triples: Iterable, shapes: Iterable[str]) -> list[ShapeResult]:
    """Shape results of a batch of an export (N-Triples terms), running only ``shapes``
    (local names of node shapes: those whose targets the batch describes whole; the
    batch's other nodes are there as context, for the types sh:class looks up)."""
    import pyshacl

    _, report, _ = pyshacl.validate(
        as_graph(triples), shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True,
        use_shapes=_with_property_shapes(tuple(shapes)),
    )
    return [_result(report, n) for n in report.subjects(SH.resultSeverity, None)]


@cache
def _with_property_shapes(shapes: tuple[str, ...]) -> list[str]:
    """The node shapes and their sh:property shapes: pyshacl's use_shapes runs a node
    shape's property shapes only when they are named too."""
    names = []
    for name in shapes:
        node = URIRef(SHAPES_NS + name)
        names += [str(node), *sorted(str(p) for p in shapes_graph().objects(node, SH.property))]
    return names


def targeted_shapes() -> set[str]:
    """Local names of the node shapes that have targets (each must be run on some batch)."""
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    return {str(s).removeprefix(SHAPES_NS) for t in targets for s in shapes_graph().subjects(t, None)}

"""Validate stage: the only module that imports pyshacl.

Runs the shapes of ``shapes/kg.shacl.ttl`` (shipped in the package) over a graph, with
no inference: the export states every type the shapes look for. Warnings (a work with
no title) are reported but do not make a graph non-conforming.

Two ways in: :func:`validate_graph` runs pyshacl once over a whole graph;
:func:`validate_batch` runs the node shapes a batch of a streaming export describes
whole (kg.stream; README, "Scale", says why the verdicts are the whole graph's).
Either way pyshacl parses and checks each SPARQL constraint once, not once per focus
node (the bulk of its time on these shapes: benchmarks/README.md has the profile).

Known limit: pyshacl is pure Python; with these shapes it needs ~10 ms of CPU per work,
so 100k works take minutes even on two cores.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

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
    constraint: str | None = None
    """The SPARQL constraint that produced the result (sh:sourceConstraint), if any."""

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


@lru_cache(maxsize=64)
def _prepared(text: str):  # noqa: ANN202
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


class _PreparedQueryGraph(Graph):
    """A Graph that parses each SPARQL text once.

    pyshacl runs a SPARQL constraint once per focus node and hands rdflib the query text
    each time, which rdflib parses anew (20-70 ms, most of pyshacl's time on these
    shapes). A prepared query is the same algebra evaluated the same way, so the results
    are the same; pyshacl passes the focus node as an initial binding, not in the text."""

    def query(self, query_object, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@cache
def _check_sparql_once() -> None:
    """Make pyshacl check each SPARQL constraint's text once, not once per focus node.

    Before running a constraint for a focus node, pyshacl's query helper searches the
    query text with five regular expressions (no MINUS, VALUES or SERVICE, nested
    SELECTs select $this, AS does not rebind a pre-bound variable): 16 % of whole-graph
    validation time at 10k works. The verdict depends on the text and on which
    variables may be pre-bound, so it is kept per (text, value bound, extra variables);
    a text that fails is checked (and fails) every time. pyshacl picks its helper class
    from ``pyshacl.helper.SPARQLQueryHelperCls``, which is where this subclass goes."""
    from pyshacl import helper
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    passed: set[tuple] = set()

    class CheckedOnceQueryHelper(SPARQLQueryHelper):
        def check_invalid_sparql(self, sparql_text, valuenode=None, extravars=None):  # noqa: ANN001, ANN201
            key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
            if key not in passed:
                super().check_invalid_sparql(sparql_text, valuenode, extravars)
                passed.add(key)
            return True

    helper.SPARQLQueryHelperCls = CheckedOnceQueryHelper  # type: ignore[attr-defined]


def _run_pyshacl(graph: Graph, use_shapes: list[str] | None = None) -> tuple[bool, Graph]:
    """pyshacl as the shapes file says (see its header). ``inplace=True`` spares pyshacl
    a copy of the data (it copies in advanced mode because SHACL rules could add
    triples; the shapes have none) and keeps the query cache of
    :class:`_PreparedQueryGraph`, which a copy would lose."""
    import pyshacl

    _check_sparql_once()
    if not isinstance(graph, _PreparedQueryGraph):
        graph = _PreparedQueryGraph(store=graph.store, identifier=graph.identifier)
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=True,
                                           allow_warnings=True, inplace=True, use_shapes=use_shapes)
    return bool(conforms), report


def _result(report: Graph, node) -> ShapeResult:  # noqa: ANN001
    def value(predicate) -> str | None:  # noqa: ANN001
        found = report.value(node, predicate)
        return None if found is None else str(found)

    severity = value(SH.resultSeverity) or str(SH.Violation)
    path = report.value(node, SH.resultPath)
    return ShapeResult(
        severity=severity.rsplit("#", 1)[-1],  # type: ignore[arg-type]
        focus=value(SH.focusNode) or "",
        path=None if path is None else str(path) if not isinstance(path, BNode) else _path_text(report, path),
        value=value(SH.value),
        message=value(SH.resultMessage) or "constraint not met",
        shape=value(SH.sourceShape),
        constraint=value(SH.sourceConstraint),
    )


_PATH_SUFFIX = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def _path_text(graph: Graph, path) -> str:  # noqa: ANN001
    """A complex SHACL property path in SPARQL syntax (``^<p>``, ``<p>/(<q>)*``): such
    paths are blank nodes that get a fresh label in every report, so their text is
    what compares (SHACL 2.3.1, property paths). A predicate path stays its IRI."""
    if not isinstance(path, BNode):
        return f"<{path}>"
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, step) for step in graph.items(path))
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return f"^{_path_text(graph, inverse)}"
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(_path_text(graph, step) for step in graph.items(alternatives)) + ")"
    for predicate, suffix in _PATH_SUFFIX.items():
        if (inner := graph.value(path, predicate)) is not None:
            return f"({_path_text(graph, inner)}){suffix}"
    return str(path)


def sorted_results(results: Iterable[ShapeResult]) -> tuple[ShapeResult, ...]:
    return tuple(sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.path or "", r.shape or "",
                                                r.message, r.value or "", r.constraint or "")))


def validate_graph(data: Graph | Iterable) -> ValidationReport:
    """SHACL-validate a graph (or triples) against the project's shapes. Results that
    pyshacl repeats (the same focus, path, shape, value and message) are reported once."""
    graph = data if isinstance(data, Graph) else as_graph(data)
    conforms, report = _run_pyshacl(graph)
    results = {_result(report, n) for n in report.subjects(SH.resultSeverity, None)}
    return ValidationReport(conforms=conforms, results=sorted_results(results))


def as_graph(quads: Iterable) -> Graph:
    """An rdflib graph of triples or quads of N-Triples terms (kg.mapping.terms)."""
    return Graph().parse(data="".join(f"{q[0]} {q[1]} {q[2]} .\n" for q in quads), format="nt")


SHAPES_NS = "https://w3id.org/kg/shapes#"


def validate_batch(triples: Iterable, shapes: Iterable[str]) -> list[ShapeResult]:
    """Shape results of a batch of an export (N-Triples terms), running only ``shapes``
    (local names of node shapes: those whose targets the batch describes whole; the
    batch's other nodes are there as context, for the types sh:class looks up)."""
    _, report = _run_pyshacl(as_graph(triples), _with_property_shapes(tuple(shapes)))
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

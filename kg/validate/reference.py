"""Validate stage: pyshacl, the reference engine (the only module that imports it).

Runs the shapes of ``shapes/kg.shacl.ttl`` as the shapes file's header says: no
inference, ``advanced=True``, ``allow_warnings=True``. Data reaches pyshacl as an
rdflib graph built term by term from the N-Triples terms (kg.validate.terms.to_rdflib),
never re-parsed, so literals keep their lexical form (rdflib's N-Triples parser would
rewrite ``"01"^^xsd:integer`` to ``"1"`` and hide a violation). Results are read back
into :class:`~kg.validate.report.ShapeResult` models with every field, sh:detail
results nested.

pyshacl parses and checks each SPARQL constraint once, not once per focus node (the
bulk of its time on these shapes: benchmarks/README.md has the profile), and its report
survives a blank value node that heads a cyclic list (:func:`_copy_cyclic_lists`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.data import data_file
from kg.mapping.terms import Term, Triple
from kg.validate.report import ShapeResult, ValidationReport, messages_text, report_of, sorted_results
from kg.validate.shapes import read_path
from kg.validate.terms import display, from_rdflib, to_rdflib


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


@cache
def _copy_cyclic_lists() -> None:
    """Let pyshacl's report keep a blank value node that heads a cyclic rdf:List.

    pyshacl copies a blank value node into its report graph, and a node with an
    rdf:first as a whole rdf:List, which fails on a cycle ("List contains a recursive
    rdf:rest reference"): the whole validation fails. The node itself is copied with its
    own label (``keepid=True``), which is all a :class:`ShapeResult` reads; where the
    list cannot be copied, the node alone is kept. What pyshacl evaluates, and so every
    result, is unchanged."""
    from pyshacl import validator

    copy = validator.clone_blank_node

    def copy_or_keep(graph, bnode, target_graph, keepid=False, recursion=0):  # noqa: ANN001, ANN202
        try:
            return copy(graph, bnode, target_graph, keepid=keepid, recursion=recursion)
        except ValueError:
            return BNode(str(bnode)) if keepid else BNode()

    validator.clone_blank_node = copy_or_keep


def as_graph(triples: Iterable[Sequence[Term]]) -> Graph:
    """An rdflib graph of triples (or quads: the graph name is dropped) of N-Triples
    terms, each term built as written (no parse, no literal normalisation)."""
    graph = Graph()
    for triple in triples:
        graph.add((to_rdflib(triple[0]), to_rdflib(triple[1]), to_rdflib(triple[2])))
    return graph


def run(graph: Graph, use_shapes: list[str] | None = None,
        focus_nodes: list[URIRef] | None = None) -> tuple[bool, list[ShapeResult]]:
    """pyshacl as the shapes file says (see its header): whether the graph conforms and
    the report's top-level results. ``inplace=True`` spares pyshacl a copy of the data
    (it copies in advanced mode because SHACL rules could add triples; the shapes have
    none) and keeps the query cache of :class:`_PreparedQueryGraph`, which a copy would
    lose. ``use_shapes`` and ``focus_nodes`` are pyshacl's options of those names."""
    import pyshacl

    _check_sparql_once()
    _copy_cyclic_lists()
    if not isinstance(graph, _PreparedQueryGraph):
        graph = _PreparedQueryGraph(store=graph.store, identifier=graph.identifier)
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=True,
                                           allow_warnings=True, inplace=True, use_shapes=use_shapes,
                                           focus_nodes=focus_nodes)
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    return bool(conforms), [_result(report, node) for node in report.objects(root, SH.result)]


def _result(report: Graph, node) -> ShapeResult:  # noqa: ANN001
    def text(predicate) -> str | None:  # noqa: ANN001
        found = report.value(node, predicate)
        return None if found is None else str(found)

    path, value = report.value(node, SH.resultPath), report.value(node, SH.value)
    return ShapeResult(
        severity=(text(SH.resultSeverity) or str(SH.Violation)).rsplit("#", 1)[-1],  # type: ignore[arg-type]
        focus=text(SH.focusNode) or "",
        path=None if path is None else read_path(report, path).result_text(),
        value=None if value is None else from_rdflib(value),
        message=messages_text(str(m) for m in report.objects(node, SH.resultMessage)),
        shape=text(SH.sourceShape), constraint=text(SH.sourceConstraint),
        component=text(SH.sourceConstraintComponent),
        details=sorted_results({_result(report, d) for d in report.objects(node, SH.detail)}),
    )


def validate_graph(graph: Graph) -> ValidationReport:
    """pyshacl over a whole graph; a result pyshacl states twice is reported once."""
    conforms, results = run(graph)
    return report_of(results, conforms)


def validate_batch(triples: Sequence[Triple], shapes: Sequence[Term]) -> list[ShapeResult]:
    """Results of the node shapes ``shapes`` (and their property shapes) on a batch."""
    _, results = run(as_graph(triples), _with_property_shapes(tuple(shapes)))
    return results


@cache
def _with_property_shapes(shapes: tuple[Term, ...]) -> list[str]:
    """The node shapes and their sh:property shapes: pyshacl's use_shapes runs a node
    shape's property shapes only when they are named too."""
    names = []
    for term in shapes:
        node = URIRef(display(term))
        names += [str(node), *sorted(str(p) for p in shapes_graph().objects(node, SH.property))]
    return names


SPARQL_COMPONENT = str(SH.SPARQLConstraintComponent)


def sparql_results(triples: Sequence[Triple], requests: Iterable[tuple[Term, Term, Term]]) -> list[ShapeResult]:
    """pyshacl's results of some SPARQL constraints on some focus nodes, each request
    (constraint, node shape, focus node), over the whole batch (a path such as
    ``rdf:rest*`` may reach cells that the focus node's own triples do not name).
    pyshacl runs just the node shapes asked about (not their property shapes), on just
    those focus nodes when they are all IRIs (its ``focus_nodes`` option ignores others)."""
    wanted = {(display(c), display(s), display(f)) for c, s, f in requests}
    foci = {f for _, _, f in requests}
    focus_nodes = [URIRef(display(f)) for f in sorted(foci)] if all(f[0] == "<" for f in foci) else None
    shapes = sorted({s for _, s, _ in wanted})
    _, results = run(as_graph(triples), shapes, focus_nodes)
    return [r for r in results if r.component == SPARQL_COMPONENT and (r.constraint, r.shape, r.focus) in wanted]

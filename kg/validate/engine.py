"""Validate stage: the fast engine, SHACL shapes evaluated over an index of the
batch's own N-Triples terms.

The shapes graph is compiled once per selection of shapes (a batch kind of the
streaming export, or every shape): each shape becomes its value-node function
(kg.validate.paths) and its checks (kg.validate.components, kg.validate.sparql).
A batch is indexed once (kg.validate.index) and every targeted shape evaluated on
each of its focus nodes, as SHACL 3.4 says and pyshacl 0.40 does it, with kg's
options (no inference, ``allow_warnings``): a shape's conformance counts only results
whose severity is not allowed, unless its own severity is allowed.

What is not compiled is not skipped: a shapes graph with a construct the engine does
not implement (:class:`~kg.validate.components.Unsupported`) is validated by pyshacl,
with a logged warning, and so is every focus node a SPARQL check does not cover.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Sequence

from kg.mapping.terms import Term, Triple
from kg.validate.components import SHAPE_EXPECTING, Check, Unsupported, checks_of
from kg.validate.index import EMPTY, Index
from kg.validate.paths import PathFunction, backward_predicates, compile_path
from kg.validate.report import ALLOWED, EVERY_FIELD, ShapeResult, messages_text, sorted_results
from kg.validate.shapes import SH, Shape, ShapesGraph, SparqlConstraint
from kg.validate.sparql import CHECKS, DirectCheck, fingerprint, substitute
from kg.validate.terms import display, written

log = logging.getLogger(__name__)

SPARQL_COMPONENT = f"{SH}SPARQLConstraintComponent"
CLASS_TYPES = {"<http://www.w3.org/2000/01/rdf-schema#Class>", "<http://www.w3.org/2002/07/owl#Class>"}
SEVERITIES = {f"<{SH}{name}>": name for name in ("Violation", "Warning", "Info")}

FallbackRequest = tuple[Term, Term, Term]
"""(SPARQL constraint, its shape, focus node): a solution set pyshacl computes."""


class Compiled:
    """A shape ready to run: its value nodes, checks and what its results say."""

    __slots__ = ("shape", "values", "predicate", "checks", "checks_on_none", "properties", "simple", "nested",
                 "sparql", "severity", "allowed", "focus_memo", "path", "message", "name", "leaf")

    def __init__(self, shape: Shape, checks: list[tuple[Check, bool]],
                 sparql: list[tuple[SparqlConstraint, DirectCheck | None]]):
        self.shape = shape
        self.values: PathFunction | None = compile_path(shape.path) if shape.path else None
        self.predicate = shape.path.iri if shape.path and shape.path.kind == "predicate" else None
        self.checks = [check for check, _ in checks]
        self.checks_on_none = [check for check, on_none in checks if on_none]
        """The checks that can fail on no value nodes."""
        self.properties: list[Compiled] = []
        self.simple: list[Compiled] = []
        """Property shapes evaluated in line (nothing nested, results not kept per node)."""
        self.nested: list[Compiled] = []
        self.leaf = False
        """A node shape of checks alone (no property shapes, SPARQL or deactivation)."""
        self.sparql = sparql
        self.severity = SEVERITIES[shape.severity]
        self.allowed = self.severity in ALLOWED
        self.focus_memo = False
        """Whether its results are kept per node (a shape that other shapes refer to)."""
        self.path = shape.path.result_text() if shape.path else None
        self.message = messages_text(shape.messages)
        self.name = display(shape.node)

    def result(self, focus: Term, component: str, value: Term | None,
               details: Sequence[ShapeResult] = ()) -> ShapeResult:
        return ShapeResult.model_construct(
            EVERY_FIELD, severity=self.severity, focus=display(focus), path=self.path,
            value=None if value is None else written(value), message=self.message, shape=self.name,
            constraint=None, component=component, details=sorted_results(set(details)))


class Program:
    """The shapes of a selection, compiled (or the reason they cannot be)."""

    def __init__(self, graph: ShapesGraph, selection: Sequence[Term] | None):
        self.graph, self.selection = graph, selection
        self.compiled: dict[Term, Compiled] = {}
        self.roots: list[Compiled] = []
        self.unsupported: str | None = None
        self.inverse: set[Term] = set()
        try:
            self._compile()
        except Unsupported as reason:
            self.unsupported = str(reason)
            log.warning("kg.validate: the fast engine does not implement what the shapes use (%s): "
                        "pyshacl validates instead", reason)
        targets = [s.shape.targets for s in self.roots]
        self.subjects_of = frozenset(p for t in targets for p in t.get("targetSubjectsOf", ()))
        self.objects_of = frozenset(p for t in targets for p in t.get("targetObjectsOf", ()))

    def _runs(self, node: Term) -> bool:
        """Whether a referenced shape runs: with a selection, as pyshacl's ``use_shapes``
        (kg.validate.reference) does, only the named shapes and their property shapes
        among IRI shapes; blank-node shapes always."""
        if self.selection is None or node[0] == "_":
            return node in self.graph.shapes
        named = self.graph.shapes
        return node in self.selection or any(node in named[s].properties for s in self.selection if s in named)

    def _compile(self) -> None:
        graph = self.graph
        if graph.declares_components:
            raise Unsupported("constraint components of its own (sh:ConstraintComponent)")
        roots = list(self.selection) if self.selection is not None else [
            n for n, s in graph.shapes.items() if s.targets]
        for node in roots:
            if node not in graph.shapes:
                raise Unsupported(f"a shape that is not in the shapes graph ({node})")
            self.roots.append(self._shape(node))
        for node, compiled in self.compiled.items():
            if compiled.shape.sparql and (compiled not in self.roots or compiled.focus_memo
                                          or compiled.shape.is_property_shape or node[0] == "_"):
                raise Unsupported(f"sh:sparql on {node}, a shape other shapes refer to or a property shape")
        self._check_messages()
        for compiled in self.compiled.values():
            for prop in compiled.properties:
                simple = not (prop.properties or prop.sparql or prop.focus_memo or prop.shape.deactivated)
                (compiled.simple if simple else compiled.nested).append(prop)
            compiled.leaf = compiled.values is None and not (compiled.properties or compiled.sparql
                                                             or compiled.shape.deactivated)

    def _shape(self, node: Term) -> Compiled:
        if node in self.compiled:
            return self.compiled[node]
        shape = self.graph.shapes[node]
        if shape.severity not in SEVERITIES:
            raise Unsupported(f"the severity {shape.severity} of {node}")
        if CLASS_TYPES & set(shape.types):
            raise Unsupported(f"implicit class targets ({node} is a class)")
        compiled = self.compiled[node] = Compiled(shape, checks_of(shape, self._runs),
                                                   [(c, self._direct(c)) for c in shape.sparql])
        if shape.path is not None:
            self.inverse |= backward_predicates(shape.path)
        compiled.properties = [self._shape(p) for p in shape.properties if self._runs(p)]
        for member in self._referenced(shape):
            self._shape(member).focus_memo = True
        return compiled

    def _referenced(self, shape: Shape, parameters: Sequence[str] = SHAPE_EXPECTING) -> list[Term]:
        """The shapes (that run) a shape's shape-expecting parameters name."""
        found = []
        for name in parameters:
            for value in shape.parameters.get(name, ()):
                found += [m for m in (value if isinstance(value, tuple) else (value,)) if self._runs(m)]
        return found

    def _check_messages(self) -> None:
        """Shapes whose results reach the report (the roots, their property shapes and
        what sh:node names) need sh:message: pyshacl's generic messages, for shapes
        without one, are not implemented."""
        todo, seen = [r.shape.node for r in self.roots], set()
        while todo:
            compiled = self.compiled[todo.pop()]
            if compiled.shape.node in seen:
                continue
            seen.add(compiled.shape.node)
            if compiled.checks and not compiled.shape.messages:
                raise Unsupported(f"a shape without sh:message ({compiled.shape.node}) whose results are reported")
            todo += [p.shape.node for p in compiled.properties] + self._referenced(compiled.shape, ("node",))

    @staticmethod
    def _direct(constraint: SparqlConstraint) -> DirectCheck | None:
        if constraint.select is None:
            raise Unsupported(f"a SPARQL constraint without one sh:select ({constraint.node})")
        check = CHECKS.get(fingerprint(constraint))
        if check is None:
            log.warning("kg.validate: no direct check for the SPARQL constraint %s (its query is not one "
                        "kg.validate.sparql knows): pyshacl runs it", constraint.node)
        return check

    def validate(self, triples: Sequence[Triple]) -> tuple[list[ShapeResult], bool]:
        """The results of the selected shapes on ``triples``, and whether they conform.
        Raises Unsupported if the shapes cannot be run here (see :attr:`unsupported`)."""
        if self.unsupported is not None:
            raise Unsupported(self.unsupported)
        collecting = gc.isenabled()
        gc.disable()  # the index and results hold no reference cycle: refcounting frees them (a
        # pyshacl fallback's cycles wait for the collector's next run); a worker's collections
        # would otherwise scan its whole heap for nothing, ~1/4 of validation's time
        try:
            return self._validate(triples)
        finally:
            if collecting:
                gc.enable()

    def _validate(self, triples: Sequence[Triple]) -> tuple[list[ShapeResult], bool]:
        index = Index(triples, frozenset(self.inverse), self.subjects_of, self.objects_of)
        run = _Run(self, index)
        results: list[ShapeResult] = []
        conforms = True
        for root in self.roots:
            found: list[ShapeResult] = []
            for focus in _targets(root.shape, index):
                found += run.evaluate(root, focus)[0] if root.focus_memo else run.results_of(root, focus)
            conforms = conforms and (root.allowed or all(r.severity in ALLOWED for r in found))
            results += found
        if run.fallback:
            from kg.validate.reference import sparql_results

            delegated = sparql_results(triples, run.fallback)
            results += delegated
            conforms = conforms and all(r.severity in ALLOWED for r in delegated)
        return results, conforms


def _targets(shape: Shape, index: Index) -> Iterable[Term]:
    """A shape's focus nodes (SHACL 2.1.3): target nodes, class instances (rdfs:subClassOf
    included), subjects and objects of the target predicates."""
    found: dict[Term, None] = dict.fromkeys(shape.targets.get("targetNode", ()))
    for cls in shape.targets.get("targetClass", ()):
        found.update(dict.fromkeys(index.instances(cls)))
    for predicate in shape.targets.get("targetSubjectsOf", ()):
        found.update(index.subjects_of.get(predicate, {}))
    for predicate in shape.targets.get("targetObjectsOf", ()):
        found.update(index.objects_of.get(predicate, {}))
    return found


class _Run:
    """One batch's evaluation: the index, the results of shapes other shapes refer to,
    and the focus nodes handed to pyshacl."""

    __slots__ = ("program", "index", "memo", "fallback")

    def __init__(self, program: Program, index: Index):
        self.program, self.index = program, index
        self.memo: dict[tuple[Term, Term], tuple[tuple[ShapeResult, ...], bool]] = {}
        self.fallback: set[FallbackRequest] = set()

    def conforms(self, shape: Term, node: Term) -> bool:
        compiled = self.program.compiled[shape]
        if compiled.leaf:  # conforms if no check fails (or failing is allowed): no results needed
            return compiled.allowed or not any(check(self, node, (node,)) for check in compiled.checks)
        return self.evaluate(compiled, node)[1]

    def results(self, shape: Term, node: Term) -> tuple[ShapeResult, ...]:
        return self.evaluate(self.program.compiled[shape], node)[0]

    def evaluate(self, compiled: Compiled, focus: Term) -> tuple[tuple[ShapeResult, ...], bool]:
        """A shape's results on one focus node and whether the node conforms (pyshacl's
        Shape.validate with a focus node)."""
        if compiled.focus_memo:
            key = (compiled.shape.node, focus)
            outcome = self.memo.get(key)
            if outcome is None:
                found = tuple(self.results_of(compiled, focus))
                outcome = self.memo[key] = found, compiled.allowed or all(r.severity in ALLOWED for r in found)
            return outcome
        found = tuple(self.results_of(compiled, focus))
        return found, compiled.allowed or all(r.severity in ALLOWED for r in found)

    def results_of(self, compiled: Compiled, focus: Term) -> list[ShapeResult]:
        """A shape's results on one focus node: its own constraints' on its value nodes,
        its property shapes' on each value node, its SPARQL constraints'."""
        if compiled.shape.deactivated:
            return []
        results: list[ShapeResult] = []
        values = (focus,) if compiled.values is None else compiled.values(self.index, focus)
        for check in compiled.checks:
            failures = check(self, focus, values)
            if failures:
                results += [compiled.result(focus, c, v, d) for c, v, d in failures]
        if compiled.values is None:
            edges = self.index.out.get(focus, EMPTY)
            for prop in compiled.simple:  # a predicate path's values are the focus node's objects
                objects = edges.get(prop.predicate, ()) if prop.predicate else prop.values(self.index, focus)
                for check in prop.checks if objects else prop.checks_on_none:
                    failures = check(self, focus, objects)
                    if failures:
                        results += [prop.result(focus, c, v, d) for c, v, d in failures]
            for prop in compiled.nested:
                results += self.evaluate(prop, focus)[0]
        else:
            for prop in compiled.properties:
                for value in values:
                    results += self.evaluate(prop, value)[0]
        for constraint, direct in compiled.sparql:
            results += self._sparql(compiled, constraint, direct, focus)
        return results

    def _sparql(self, compiled: Compiled, constraint: SparqlConstraint, direct: DirectCheck | None,
                focus: Term) -> list[ShapeResult]:
        if constraint.deactivated:
            return []
        rows = None if direct is None else direct(self.index, focus)
        if rows is None:
            self.fallback.add((constraint.node, compiled.shape.node, focus))
            return []
        own = compiled.shape.messages
        extra = [m for m in constraint.messages if m not in own]
        results = []
        for value, bindings in rows:
            node = focus if value is None else value
            filled = {**bindings, "this": display(focus), "value": display(node)}
            results.append(ShapeResult.model_construct(
                EVERY_FIELD, severity=compiled.severity, focus=display(focus), path=None, value=written(node),
                message=messages_text(substitute(m, filled) for m in (*extra, *own)), shape=compiled.name,
                constraint=display(constraint.node), component=SPARQL_COMPONENT, details=()))
        return results


_PROGRAMS: dict[tuple[int, tuple[Term, ...] | None], Program] = {}


def program(graph: ShapesGraph, selection: tuple[Term, ...] | None) -> Program:
    """The compiled shapes of a selection (None: every shape), once per process and graph."""
    key = (id(graph), selection)
    if key not in _PROGRAMS or _PROGRAMS[key].graph is not graph:
        _PROGRAMS[key] = Program(graph, selection)
    return _PROGRAMS[key]

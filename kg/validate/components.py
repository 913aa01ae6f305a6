"""Validate stage: the SHACL Core constraint components the fast engine implements,
one table entry each (SHACL 4, https://www.w3.org/TR/shacl/#core-components).

An entry compiles a shape's parameters into a check: a function of (the run, a focus
node, its value nodes) that returns the failures, each (component IRI, value node or
None, nested results). Which value nodes a failure names, and when a shape-expecting
component calls a value node conforming, follow pyshacl 0.40 (``pyshacl/constraints/
core``), whose results the engine is tested against; where pyshacl would refuse a
parameter (two sh:datatype values, say) the entry raises :class:`Unsupported`, and
pyshacl validates instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from kg.mapping.terms import Term
from kg.validate.index import EMPTY, RDF_TYPE
from kg.validate.literals import at_least, has_datatype
from kg.validate.report import ShapeResult
from kg.validate.shapes import SH, Shape, Value
from kg.validate.terms import literal_parts

if TYPE_CHECKING:
    from kg.validate.index import Index

Failure = tuple[str, Term | None, tuple[ShapeResult, ...]]
NO_FAILURES: tuple[Failure, ...] = ()


class Run(Protocol):
    """What a check may ask of the engine's run over one batch."""

    index: Index

    def conforms(self, shape: Term, node: Term) -> bool: ...

    def results(self, shape: Term, node: Term) -> tuple[ShapeResult, ...]: ...


Check = Callable[[Run, Term, Collection[Term]], Sequence[Failure]]


class Unsupported(Exception):
    """A shapes-graph construct the fast engine does not implement (or that pyshacl
    would reject): the shapes graph is validated by pyshacl instead."""


class Component(NamedTuple):
    parameters: tuple[str, ...]
    """The sh: parameters that make a shape have this component (the first is mandatory)."""
    compile: Callable[[Shape, Callable[[Term], bool]], Check]
    """(shape, "is this shape run?") -> check."""
    on_no_values: bool = False
    """Whether the check can fail when there are no value nodes (sh:minCount can, sh:class cannot)."""


def _component(name: str) -> str:
    return f"{SH}{name}ConstraintComponent"


def _one(shape: Shape, name: str) -> Value:
    values = shape.parameters[name]
    if len(values) != 1:
        raise Unsupported(f"{shape.node} has {len(values)} sh:{name} values (pyshacl takes exactly one)")
    return values[0]


def _integer(value: Value, name: str) -> int:
    if not isinstance(value, str) or value[0] != '"' or not re.fullmatch(r"[0-9]+", literal_parts(value)[0]):
        raise Unsupported(f"sh:{name} {value} is not a non-negative integer literal")
    return int(literal_parts(value)[0])


# ---------------------------------------------------------------- cardinality (SHACL 4.2)

def _min_count(shape: Shape, _: Callable) -> Check:
    least, component = _integer(_one(shape, "minCount"), "minCount"), _component("MinCount")
    failed = ((component, None, ()),)
    return lambda run, focus, values: failed if len(values) < least else NO_FAILURES


def _max_count(shape: Shape, _: Callable) -> Check:
    most, component = _integer(_one(shape, "maxCount"), "maxCount"), _component("MaxCount")
    failed = ((component, None, ()),)
    return lambda run, focus, values: failed if len(values) > most else NO_FAILURES


# ---------------------------------------------------------------- value type (SHACL 4.1)

def _class(shape: Shape, _: Callable) -> Check:
    classes, component = shape.parameters["class"], _component("Class")

    def check(run: Run, focus: Term, values: Collection[Term]) -> Sequence[Failure]:
        index = run.index
        edges = index.out
        return [(component, v, ()) for c in classes for v in values
                if v[0] == '"' or (c not in edges.get(v, EMPTY).get(RDF_TYPE, ())
                                   and not (index.subclassing and index.is_instance(v, c)))]  # type: ignore[arg-type]
    return check


def _datatype(shape: Shape, _: Callable) -> Check:
    datatype, component = str(_one(shape, "datatype"))[1:-1], _component("Datatype")

    def check(run: Run, focus: Term, values: Collection[Term]) -> Sequence[Failure]:
        return [(component, v, ()) for v in values if not has_datatype(v, datatype)]
    return check


_KINDS = {"IRI": "<", "BlankNode": "_", "Literal": '"', "BlankNodeOrIRI": "_<", "BlankNodeOrLiteral": '_"',
          "IRIOrLiteral": '<"'}


def _node_kind(shape: Shape, _: Callable) -> Check:
    kind, component = str(_one(shape, "nodeKind")), _component("NodeKind")
    if not kind.startswith(f"<{SH}") or kind[len(SH) + 1:-1] not in _KINDS:
        raise Unsupported(f"sh:nodeKind {kind} is not a SHACL node kind")
    allowed = _KINDS[kind[len(SH) + 1:-1]]
    return lambda run, focus, values: [(component, v, ()) for v in values if v[0] not in allowed]


# ---------------------------------------------------------------- value range and string (SHACL 4.3, 4.4)

def _min_inclusive(shape: Shape, _: Callable) -> Check:
    bounds, component = shape.parameters["minInclusive"], _component("MinInclusive")
    if any(not isinstance(b, str) or b[0] != '"' for b in bounds):
        raise Unsupported(f"sh:minInclusive of {shape.node} is not a literal")
    return lambda run, focus, values: [(component, v, ()) for b in bounds for v in values
                                       if not at_least(v, b)]  # type: ignore[arg-type]


def _string(term: Term) -> str:
    """A value node as pyshacl's string constraints read it: a literal's lexical form,
    an IRI's text."""
    return literal_parts(term)[0] if term[0] == '"' else term[1:-1]


def _min_length(shape: Shape, _: Callable) -> Check:
    least, component = _integer(_one(shape, "minLength"), "minLength"), _component("MinLength")
    return lambda run, focus, values: [(component, v, ()) for v in values
                                       if least and (v[0] == "_" or len(_string(v)) < least)]


def _pattern(shape: Shape, _: Callable) -> Check:
    flags = shape.parameters.get("flags", ())
    text = literal_parts(str(flags[0]))[0].lower() if flags else ""
    options = (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
    patterns = [re.compile(literal_parts(str(p))[0], options) for p in shape.parameters["pattern"]]
    component = _component("Pattern")
    return lambda run, focus, values: [(component, v, ()) for p in patterns for v in values
                                       if v[0] == "_" or not p.search(_string(v))]


# ---------------------------------------------------------------- property pairs and other (SHACL 4.5, 4.8)

def _equals(shape: Shape, _: Callable) -> Check:
    predicates, component = shape.parameters["equals"], _component("Equals")

    def check(run: Run, focus: Term, values: Collection[Term]) -> Sequence[Failure]:
        failures: list[Failure] = []
        edges = run.index.out.get(focus, EMPTY)
        for predicate in predicates:
            other = edges.get(predicate, ())  # type: ignore[call-overload]
            if len(other) == len(values) and (other == values or set(other) == set(values)):
                continue
            failures += [(component, v, ()) for v in values if v not in other]
            failures += [(component, v, ()) for v in other if v not in values]
        return failures
    return check


def _in(shape: Shape, _: Callable) -> Check:
    members, component = _one(shape, "in"), _component("In")
    if not isinstance(members, tuple):
        raise Unsupported(f"sh:in of {shape.node} is not a list")
    allowed = frozenset(members)
    return lambda run, focus, values: [(component, v, ()) for v in values if v not in allowed]


def _has_value(shape: Shape, _: Callable) -> Check:
    wanted, component = shape.parameters["hasValue"], _component("HasValue")
    return lambda run, focus, values: [(component, None, ()) for w in wanted if w not in values]


# ---------------------------------------------------------------- shape-based and logical (SHACL 4.6, 4.7)

def _shapes(shape: Shape, name: str, runs: Callable[[Term], bool]) -> list[Term]:
    """The shapes a parameter names, less those not run (pyshacl's ``use_shapes`` skips
    a named shape that was not selected)."""
    found = []
    for value in shape.parameters[name]:
        for member in (value if isinstance(value, tuple) else (value,)):
            if runs(member):
                found.append(member)
    return found


def _or(shape: Shape, runs: Callable[[Term], bool]) -> Check:
    component = _component("Or")
    if any(not isinstance(lst, tuple) for lst in shape.parameters["or"]):
        raise Unsupported(f"sh:or of {shape.node} is not a list")
    alternatives = [[m for m in lst if runs(m)] for lst in shape.parameters["or"]]  # type: ignore[union-attr]

    def check(run: Run, focus: Term, values: Collection[Term]) -> Sequence[Failure]:
        return [(component, v, ()) for members in alternatives if members for v in values
                if not any(run.conforms(m, v) for m in members)]
    return check


def _not(shape: Shape, runs: Callable[[Term], bool]) -> Check:
    negated, component = _shapes(shape, "not", runs), _component("Not")
    return lambda run, focus, values: [(component, v, ()) for s in negated for v in values if run.conforms(s, v)]


def _node(shape: Shape, runs: Callable[[Term], bool]) -> Check:
    targets, component = _shapes(shape, "node", runs), _component("Node")

    def check(run: Run, focus: Term, values: Collection[Term]) -> Sequence[Failure]:
        failures: list[Failure] = []
        for node_shape in targets:
            for v in values:
                nested = run.results(node_shape, v)
                if nested or not run.conforms(node_shape, v):
                    failures.append((component, v, nested))
        return failures
    return check


def _qualified(shape: Shape, runs: Callable[[Term], bool]) -> Check:
    if any(literal_parts(str(d))[0] == "true" for d in shape.parameters.get("qualifiedValueShapesDisjoint", ())
           if str(d)[0] == '"'):
        raise Unsupported(f"{shape.node} has sh:qualifiedValueShapesDisjoint true")
    value_shapes = _shapes(shape, "qualifiedValueShape", runs)
    least = [_integer(v, "qualifiedMinCount") for v in shape.parameters.get("qualifiedMinCount", ())]
    most = [_integer(v, "qualifiedMaxCount") for v in shape.parameters.get("qualifiedMaxCount", ())]
    if len(least) > 1 or len(most) > 1 or not (least or most):
        raise Unsupported(f"{shape.node} needs one sh:qualifiedMinCount or sh:qualifiedMaxCount")
    too_few, too_many = _component("QualifiedMinCount"), _component("QualifiedMaxCount")

    def check(run: Run, focus: Term, values: Collection[Term]) -> Sequence[Failure]:
        failures: list[Failure] = []
        for value_shape in value_shapes:
            count = sum(1 for v in values if run.conforms(value_shape, v))
            if most and count > most[0]:
                failures.append((too_many, None, ()))
            if least and count < least[0]:
                failures.append((too_few, None, ()))
        return failures
    return check


COMPONENTS: tuple[Component, ...] = (
    Component(("minCount",), _min_count, True),
    Component(("maxCount",), _max_count),
    Component(("class",), _class),
    Component(("datatype",), _datatype),
    Component(("nodeKind",), _node_kind),
    Component(("minInclusive",), _min_inclusive),
    Component(("minLength",), _min_length),
    Component(("pattern", "flags"), _pattern),
    Component(("equals",), _equals, True),
    Component(("in",), _in),
    Component(("hasValue",), _has_value, True),
    Component(("or",), _or),
    Component(("not",), _not),
    Component(("node",), _node),
    Component(("qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint"),
              _qualified, True),
)
"""The implemented components; any other sh: parameter makes the shapes graph pyshacl's."""

SHAPE_EXPECTING = ("node", "not", "or", "qualifiedValueShape")
"""Parameters whose values are shapes the engine evaluates on value nodes."""


def checks_of(shape: Shape, runs: Callable[[Term], bool]) -> list[tuple[Check, bool]]:
    """The checks of a shape's parameters, each with :attr:`Component.on_no_values`;
    raises Unsupported for a parameter no entry implements."""
    known = {p: c for c in COMPONENTS for p in c.parameters}
    unknown = sorted(set(shape.parameters) - set(known))
    if unknown:
        raise Unsupported(f"{shape.node} uses sh:{', sh:'.join(unknown)}")
    found = []
    for component in COMPONENTS:
        if component.parameters[0] in shape.parameters:
            found.append((component.compile(shape, runs), component.on_no_values))
        elif any(p in shape.parameters for p in component.parameters[1:]):
            raise Unsupported(f"{shape.node} has sh:{component.parameters[1]} without sh:{component.parameters[0]}")
    return found

"""Validate stage: the shapes graph read into typed models, once, at start.

Which nodes are shapes, and which are node or property shapes, follows SHACL 2.1
(https://www.w3.org/TR/shacl/#shapes) as pyshacl reads it: instances of sh:NodeShape or
sh:PropertyShape, subjects of targets, sh:property or sh:node, and values of the
shape-expecting parameters; a shape with a sh:path is a property shape. Every other
predicate of a shape in the SHACL namespace is kept as a constraint parameter, so that
the engine can tell which it implements (kg.validate.components) and hand a shapes
graph with any other to pyshacl.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from kg.mapping.terms import Term
from kg.validate.terms import from_rdflib

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

SH = "http://www.w3.org/ns/shacl#"
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
ANNOTATIONS = frozenset({"name", "description", "order", "group", "defaultValue"})
"""Non-validating shape properties (SHACL 2.3.2): ignored."""
LIST_PARAMETERS = frozenset({"in", "or", "and", "xone", "languageIn", "ignoredProperties"})
SHAPE_PARAMETERS = frozenset({"node", "not", "qualifiedValueShape", "property"})
SHAPE_LIST_PARAMETERS = frozenset({"or", "and", "xone"})

Value = Term | tuple[Term, ...]
"""A parameter's value: a term, or the members of an RDF list (sh:in, sh:or, ...)."""


class PropertyPath(BaseModel):
    """A SHACL property path (SHACL 2.3.1): a predicate, or one of the path forms over
    other paths (``steps``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["predicate", "sequence", "inverse", "alternative", "zeroOrMore", "oneOrMore", "zeroOrOne"]
    iri: Term | None = None
    steps: tuple[PropertyPath, ...] = ()

    def text(self) -> str:
        """The path in SPARQL syntax, as a result states it (kg.validate.reference
        reads the report's path into this model and renders it the same way)."""
        if self.kind == "predicate":
            return str(self.iri)
        if self.kind == "sequence":
            return "/".join(step.text() for step in self.steps)
        if self.kind == "inverse":
            return f"^{self.steps[0].text()}"
        if self.kind == "alternative":
            return "(" + "|".join(step.text() for step in self.steps) + ")"
        return f"({self.steps[0].text()}){_SUFFIX[self.kind]}"

    def result_text(self) -> str:
        """A result's path: a predicate path as its bare IRI, any other as :meth:`text`."""
        return str(self.iri)[1:-1] if self.kind == "predicate" else self.text()


_SUFFIX = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}


class SparqlConstraint(BaseModel):
    """A SPARQL-based constraint (SHACL 5.1): its SELECT text and messages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    node: Term
    select: str | None
    prefixes: tuple[tuple[str, str], ...] = ()
    """(prefix, namespace) pairs declared through sh:prefixes, sorted."""
    messages: tuple[str, ...] = ()
    deactivated: bool = False


class Shape(BaseModel):
    """A node or property shape: its targets, path, severity, messages, property
    shapes, SPARQL constraints and the parameters of its other constraints."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    node: Term
    path: PropertyPath | None = None
    severity: Term = f"<{SH}Violation>"
    messages: tuple[str, ...] = ()
    deactivated: bool = False
    targets: dict[str, tuple[Term, ...]] = {}
    """Target kind (``targetClass``, ...) -> its values."""
    properties: tuple[Term, ...] = ()
    sparql: tuple[SparqlConstraint, ...] = ()
    parameters: dict[str, tuple[Value, ...]] = {}
    """Local name of each other sh: predicate -> its values (lists read as tuples)."""
    types: tuple[Term, ...] = ()

    @property
    def is_property_shape(self) -> bool:
        return self.path is not None


class ShapesGraph(BaseModel):
    """Every shape of a shapes graph, by node."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shapes: dict[Term, Shape]
    declares_components: bool = False
    """Whether the graph declares constraint components of its own (SHACL 6)."""


def read_shapes(graph: Graph) -> ShapesGraph:
    """The shapes of an rdflib shapes graph."""
    from rdflib import RDF, BNode, Namespace

    sh = Namespace(SH)
    nodes = set(graph.subjects(RDF.type, sh.NodeShape)) | set(graph.subjects(RDF.type, sh.PropertyShape))
    for predicate in (*TARGETS, "property", "node"):
        nodes |= set(graph.subjects(sh[predicate], None))
    for predicate in SHAPE_PARAMETERS:
        nodes |= set(graph.objects(None, sh[predicate]))
    for predicate in SHAPE_LIST_PARAMETERS:
        for head in graph.objects(None, sh[predicate]):
            nodes |= {m for m in graph.items(head) if isinstance(m, BNode) or from_rdflib(m)[0] == "<"}
    shapes = {from_rdflib(n): _shape(graph, n) for n in nodes}
    return ShapesGraph(shapes=shapes, declares_components=(None, RDF.type, sh.ConstraintComponent) in graph)


def _shape(graph: Graph, node: Node) -> Shape:
    from rdflib import RDF, BNode, Literal

    fields: dict = {"node": from_rdflib(node), "targets": {}, "parameters": {}}
    properties, sparql, messages = [], [], []
    for predicate, value in graph.predicate_objects(node):
        if predicate == RDF.type:
            fields.setdefault("types", []).append(from_rdflib(value))
        if not str(predicate).startswith(SH):
            continue
        name = str(predicate)[len(SH):]
        if name in ANNOTATIONS:
            continue
        if name == "path":
            fields["path"] = read_path(graph, value)
        elif name == "property":
            properties.append(from_rdflib(value))
        elif name == "message":
            messages.append(str(value))
        elif name == "severity":
            fields["severity"] = from_rdflib(value)
        elif name == "deactivated":
            fields["deactivated"] = isinstance(value, Literal) and bool(value.value)
        elif name == "sparql":
            sparql.append(_sparql(graph, value))
        elif name in TARGETS:
            fields["targets"].setdefault(name, []).append(from_rdflib(value))
        else:
            listed = name in LIST_PARAMETERS and isinstance(value, BNode)
            item = tuple(from_rdflib(m) for m in graph.items(value)) if listed else from_rdflib(value)
            fields["parameters"].setdefault(name, []).append(item)
    fields["targets"] = {k: tuple(sorted(v)) for k, v in fields["targets"].items()}
    fields["parameters"] = {k: tuple(v) for k, v in fields["parameters"].items()}
    fields["types"] = tuple(fields.get("types", ()))
    return Shape(**fields, properties=tuple(sorted(properties)),
                 sparql=tuple(sorted(sparql, key=lambda c: c.node)), messages=tuple(sorted(messages)))


def read_path(graph: Graph, node: Node) -> PropertyPath:
    """A property path from its RDF form (SHACL 2.3.1)."""
    from rdflib import RDF, BNode, Namespace

    sh = Namespace(SH)
    if not isinstance(node, BNode):
        return PropertyPath(kind="predicate", iri=from_rdflib(node))
    if (node, RDF.first, None) in graph:
        return PropertyPath(kind="sequence", steps=tuple(read_path(graph, s) for s in graph.items(node)))
    if (inner := graph.value(node, sh.inversePath)) is not None:
        return PropertyPath(kind="inverse", steps=(read_path(graph, inner),))
    if (alternatives := graph.value(node, sh.alternativePath)) is not None:
        return PropertyPath(kind="alternative", steps=tuple(read_path(graph, s) for s in graph.items(alternatives)))
    for kind in ("zeroOrMore", "oneOrMore", "zeroOrOne"):
        if (inner := graph.value(node, sh[f"{kind}Path"])) is not None:
            return PropertyPath(kind=kind, steps=(read_path(graph, inner),))  # type: ignore[arg-type]
    raise ValueError(f"not a SHACL property path: {node!r}")


def _sparql(graph: Graph, node: Node) -> SparqlConstraint:
    from rdflib import Literal, Namespace

    sh = Namespace(SH)
    selects = [str(s) for s in graph.objects(node, sh.select)]
    prefixes = {(str(graph.value(d, sh.prefix)), str(graph.value(d, sh.namespace)))
                for source in graph.objects(node, sh.prefixes) for d in graph.objects(source, sh.declare)}
    deactivated = graph.value(node, sh.deactivated)
    return SparqlConstraint(node=from_rdflib(node), select=selects[0] if len(selects) == 1 else None,
                            prefixes=tuple(sorted(prefixes)),
                            messages=tuple(sorted(str(m) for m in graph.objects(node, sh.message))),
                            deactivated=isinstance(deactivated, Literal) and bool(deactivated.value))

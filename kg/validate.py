"""Validate stage: the only module that imports pyshacl.

Runs the shapes of ``shapes/kg.shacl.ttl`` (shipped in the package) over a graph, with
no inference: the export states every type the shapes look for. Warnings (a work with
no title) are reported but do not make a graph non-conforming.

Two ways in: :func:`validate_graph` runs pyshacl once over a whole graph;
:func:`validate_batches` runs it over many small batches, in parallel processes, and
merges the results into one report. :func:`split_for_validation` cuts a graph into
batches that give the same results as the whole graph (the argument is in
``benchmarks/README.md``, "Why batches give the whole graph's verdicts"; the test is
``tests/test_validate_batches.py``).

Known limit: pyshacl is pure Python; with these shapes it needs 11-14 ms of CPU per
work (``benchmarks/README.md`` has the profile), so 100k works take about ten minutes
on two cores. ``engine="turbo"`` (pyshacl-turbo, optional) is 2-3 times faster.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict
from rdflib import BNode, Graph
from rdflib.namespace import PROV, RDF, RDFS, SH
from rdflib.term import Node

from kg.data import data_file
from kg.namespaces import BIBO, KG, SCHEMA


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


def _run_pyshacl(graph: Graph) -> tuple[bool, Graph]:
    """pyshacl as the shapes file says (see its header). ``inplace=True`` spares pyshacl
    a copy of the data (it copies in advanced mode because SHACL rules could add
    triples; the shapes have none) and keeps the query cache of
    :class:`_PreparedQueryGraph`, which a copy would lose."""
    import pyshacl

    _check_sparql_once()
    if not isinstance(graph, _PreparedQueryGraph):
        graph = _PreparedQueryGraph(store=graph.store, identifier=graph.identifier)
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=True,
                                           allow_warnings=True, inplace=True)
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


def _sorted(results: Iterable[ShapeResult]) -> tuple[ShapeResult, ...]:
    return tuple(sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.path or "", r.shape or "",
                                                r.message, r.value or "", r.constraint or "")))


def validate_graph(data: Graph | Iterable) -> ValidationReport:
    """SHACL-validate a graph (or triples) against the project's shapes. Results that
    pyshacl repeats (the same focus, path, shape, value and message) are reported once."""
    graph = data if isinstance(data, Graph) else _as_graph(data)
    conforms, report = _run_pyshacl(graph)
    results = {_result(report, n) for n in report.subjects(SH.resultSeverity, None)}
    return ValidationReport(conforms=conforms, results=_sorted(results))


def _as_graph(triples: Iterable) -> Graph:
    graph = _PreparedQueryGraph()
    for triple in triples:
        graph.add(tuple(triple[:3]))
    return graph


# ---------------------------------------------------------------- batches


class Batch(NamedTuple):
    """A part of a graph validated on its own: ``data`` (an rdflib Graph, N-Triples
    text or a list of rdflib triples) and the ``focus`` nodes whose results it reports.
    Nodes outside ``focus`` are context (what the focus nodes' shapes read about them)
    and their results are dropped; with ``focus`` None every result counts, which is
    right only if every node in ``data`` is fully described (a closed batch)."""

    data: Graph | str | list[tuple]
    focus: frozenset[Node] | None = None


class _SameLabel(dict):
    """rdflib's N-Triples parser renames blank nodes unless its bnode_context maps each
    label to itself: keeping them lets results name the list cells the data names."""

    def get(self, key, default=None):  # noqa: ANN001, ANN201
        return key


def _batch_graph(data: Graph | str | list) -> Graph:
    if isinstance(data, Graph):
        return data
    graph = _PreparedQueryGraph()
    if isinstance(data, str):
        graph.parse(data=data, format="nt", bnode_context=_SameLabel())
    else:
        for triple in data:
            graph.add(triple)
    return graph


def _run_turbo(graph: Graph) -> Graph:
    """pyshacl-turbo (optional, not a dependency): a Rust engine with pyshacl's API and
    options. It gets an rdflib Graph, not text: from text it renames blank nodes, and
    the results would no longer name the blank focus nodes of the batch."""
    _, report, _ = _turbo_shapes().validate(graph, inference="none", allow_warnings=True)
    return report


@cache
def _turbo_shapes():  # noqa: ANN202
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(shapes_graph(), advanced=True)


def _validate_batch(batch: tuple) -> list[ShapeResult]:
    """Worker: one batch's results for its focus nodes (picklable in and out)."""
    data, focus, engine = batch
    graph = _batch_graph(data)
    report = _run_turbo(graph) if engine == "turbo" else _run_pyshacl(graph)[1]
    kept = []
    for node in report.subjects(SH.resultSeverity, None):
        if focus is None or report.value(node, SH.focusNode) in focus:
            kept.append(_result(report, node))
    return kept


def _payloads(batches: Iterable[Batch | Graph | str], engine: str) -> Iterator[tuple]:
    for batch in batches:
        data, focus = batch if isinstance(batch, Batch) else (batch, None)
        if isinstance(data, Graph):  # pickling a Graph drags its store along; triples are lighter
            data = list(data)
        yield data, (frozenset(focus) if focus is not None else None), engine


def validate_batches(batches: Iterable[Batch | Graph | str], jobs: int | None = None,
                     engine: Literal["pyshacl", "turbo"] = "pyshacl") -> ValidationReport:
    """Validate batches (see :class:`Batch`) in ``jobs`` processes (default: one per
    core) and merge their results into one report: the union of every batch's results
    for its focus nodes, each result once. The graph conforms if no result is a
    Violation, as ``allow_warnings`` makes pyshacl decide for these shapes.

    ``engine="turbo"`` runs pyshacl-turbo instead, if installed: an optional
    accelerator, not a dependency. Its reports matched pyshacl's on the generated
    corpora and on every shape-test mutant but one (a cyclic author list: the same
    constraint fires, with other messages); see ``benchmarks/README.md``."""
    jobs = jobs or os.cpu_count() or 1
    merged: set[ShapeResult] = set()
    payloads = _payloads(batches, engine)
    if jobs == 1:
        for payload in payloads:
            merged.update(_validate_batch(payload))
    else:
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            for results in pool.imap_unordered(_validate_batch, payloads, chunksize=1):
                merged.update(results)
    return ValidationReport(conforms=not any(r.severity == "Violation" for r in merged), results=_sorted(merged))


def split_for_validation(triples: Iterable, works_per_batch: int = 50) -> Iterator[Batch]:
    """Cut a graph into batches whose merged results are the whole graph's.

    Units of ownership: a profile owns itself, its source file, that file's records and
    the works it lists first; a work owns its rdf:List cells and its authorships; every
    other subject (person, organisation, category, stray node) is a unit of its own. A
    batch holds whole units (every triple of each subject it owns: its focus nodes)
    plus context about the nodes they point to: each such node whole (so that, as a
    focus node of the batch, it conforms as it does in the graph instead of failing
    for want of data), a work only by its types, and the types of the nodes those
    point to; every prov:qualifiedAttribution that points to an authorship of the
    batch (kgsh:Authorship-work counts them); the cells of any list; every
    rdfs:subClassOf triple (sh:class follows them)."""
    index = _Index(triples)
    owned: set[Node] = set()
    units: list[list[Node]] = []
    for profile in index.profiles:
        unit = [profile, *index.files_and_records(profile)]
        unit += [n for work in index.listed_works(profile) if work not in owned for n in index.work_unit(work, owned)]
        owned.update(unit)
        units.append(unit)
    units += [index.work_unit(w, owned) for w in index.works if w not in owned]
    owned.update(n for unit in units for n in unit)
    batch: list[list[Node]] = []
    for unit in units:
        batch.append(unit)
        if sum(1 for u in batch for n in u if n in index.works) >= works_per_batch:
            yield index.batch(batch)
            batch = []
    if batch:
        yield index.batch(batch)
    others = [[s] for s in index.by_subject if s not in owned]
    for start in range(0, len(others), works_per_batch * 10):
        yield index.batch(others[start:start + works_per_batch * 10])


class _Index:
    """The graph by subject, with the few reverse links the split needs."""

    def __init__(self, triples: Iterable):
        self.by_subject: dict[Node, list[tuple]] = defaultdict(list)
        self.pointers: dict[Node, list[tuple]] = defaultdict(list)
        self.records: dict[Node, list[Node]] = defaultdict(list)
        for triple in triples:
            s, p, o = triple[:3]
            self.by_subject[s].append((s, p, o))
            if p == PROV.qualifiedAttribution:
                self.pointers[o].append((s, p, o))
            elif p == KG.sourceFile:
                self.records[o].append(s)
        self.subclass = [t for ts in self.by_subject.values() for t in ts if t[1] == RDFS.subClassOf]
        self.works = {s for s, ts in self.by_subject.items() if any(_is_work_triple(t) for t in ts)}
        self.profiles = [s for s, ts in self.by_subject.items()
                         if any(p == RDF.type and o == SCHEMA.ProfilePage for _, p, o in ts)]

    def files_and_records(self, profile: Node) -> list[Node]:
        files = [o for _, p, o in self.by_subject[profile] if p == PROV.wasDerivedFrom and o in self.by_subject]
        return files + [r for f in files for r in self.records.get(f, ())]

    def listed_works(self, profile: Node) -> list[Node]:
        return [o for _, p, o in self.by_subject[profile] if p == SCHEMA.hasPart and o in self.works]

    def work_unit(self, work: Node, owned: set[Node]) -> list[Node]:
        unit = [work]
        for _, p, o in self.by_subject[work]:
            parts = [o] if p == PROV.qualifiedAttribution else self.cells(o) if p == BIBO.authorList else []
            unit += [n for n in parts if n not in owned and n in self.by_subject and n not in unit]
        return unit

    def cells(self, head: Node) -> list[Node]:
        """Every node reached from ``head`` by rdf:rest (cycles and branches included)."""
        seen, todo = [], [head]
        while todo:
            node = todo.pop()
            if node in seen or node not in self.by_subject:
                continue
            seen.append(node)
            todo.extend(o for _, p, o in self.by_subject[node] if p == RDF.rest)
        return seen

    def batch(self, units: list[list[Node]]) -> Batch:
        focus = [s for unit in units for s in unit]
        data: dict[tuple, None] = dict.fromkeys(self.subclass)

        def add(node: Node, whole: bool) -> None:
            data.update((t, None) for t in self.by_subject.get(node, ()) if whole or t[1] == RDF.type)

        for subject in focus:
            add(subject, True)
            data.update((t, None) for t in self.pointers.get(subject, ()))
            for _, p, o in self.by_subject[subject]:
                add(o, o not in self.works)
                data.update((t, None) for t in self.pointers.get(o, ()))
                for _, _, o2 in self.by_subject.get(o, ()):
                    add(o2, False)
                if p == BIBO.authorList:
                    for cell in self.cells(o):
                        add(cell, True)
        return Batch(data=list(data), focus=frozenset(focus))  # type: ignore[arg-type]


def _is_work_triple(triple: tuple) -> bool:
    _, p, o = triple
    return (p == RDF.type and o == SCHEMA.ScholarlyArticle) or p in (BIBO.authorList, PROV.qualifiedAttribution)

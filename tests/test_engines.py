"""The fast engine against pyshacl, the reference: the same result sets, compared on
every field (focus, path, value, source shape, component, source constraint, severity,
message, nested sh:detail results), on every mutant of tests/test_shapes.py; that the
comparison catches a check broken on purpose; and what the fast engine hands pyshacl.

tests/test_differential.py compares them on mutated batches of a real export.
"""

from __future__ import annotations

import logging

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

import kg.validate.components as components
import kg.validate.reference as reference
import kg.validate.sparql as sparql
from kg.validate import shapes, triples_of, validate_graph
from kg.validate.engine import Program
from kg.validate.report import report_of
from kg.validate.shapes import read_shapes
from tests.test_shapes import CASES, CATEGORIES, CONFORMING, PREFIXES, SHAPES, expand

KGSH = "https://w3id.org/kg/shapes#"


def mutant(update: str) -> Graph:
    """A copy of conforming.ttl changed by one of tests/test_shapes.py's updates."""
    data = Graph()
    for triple in Graph().parse(CONFORMING):
        data.add(triple)
    data.update(PREFIXES + expand(update))
    return data


def fast(data: Graph, program: Program | None = None):
    """The fast engine's report on a graph, with a given compiled program if any."""
    if program is None:
        return validate_graph(data, "fast")
    results, conforms = program.validate(triples_of(data))
    return report_of(results, conforms)


def show(report) -> str:  # noqa: ANN001
    return "\n".join(r.render() + f"  [{r.shape} {r.component} {r.constraint}]" for r in report.results)


@pytest.mark.parametrize(("update", "expect", "also"), CASES)
def test_every_mutant_gives_pyshacls_results_on_every_field(update, expect, also):
    data = mutant(update)
    reference_report = validate_graph(data, "pyshacl")
    assert reference_report.results, "a mutant always has results (at least the missing-title warning)"
    fast_report = fast(data)
    assert set(fast_report.results) == set(reference_report.results), (
        f"pyshacl:\n{show(reference_report)}\nfast:\n{show(fast_report)}")
    assert fast_report.conforms is reference_report.conforms


@pytest.mark.parametrize("path", [CONFORMING, CATEGORIES], ids=["conforming", "category-scheme"])
def test_conforming_graphs_give_the_same_report(path):
    data = Graph().parse(path)
    assert fast(data) == validate_graph(data, "pyshacl")


def test_results_carry_component_details_and_lexical_values():
    """The fields the comparison relies on are filled: a failed sh:node has its nested
    results, a value keeps its datatype and lexical form."""
    data = mutant('DELETE { <A1> kg:position 1 . } INSERT { <A1> kg:position "01"^^xsd:integer . } WHERE {}')
    report = fast(data)
    node = next(r for r in report.results if r.component == str(SH.NodeConstraintComponent))
    assert [d.shape for d in node.details] == [f"{KGSH}Authorship-position"]
    assert node.details[0].value == '"01"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert node.details[0].component == str(SH.PatternConstraintComponent)


# ---------------------------------------------------------------- a broken check is caught

def _compare_with_broken(monkeypatch, case_id: str) -> tuple[set, set]:
    case = next(c for c in CASES if c.id == case_id)
    data = mutant(case.values[0])
    return set(fast(data, Program(shapes(), None)).results), set(validate_graph(data, "pyshacl").results)


def test_the_comparison_fails_when_a_core_check_is_broken(monkeypatch):
    """sh:maxCount off by one (a work may have two titles): the mutant that has two
    titles now differs from pyshacl."""
    entries = [c._replace(compile=lambda shape, runs: (lambda run, focus, values: (
        ((f"{SH}MaxCountConstraintComponent", None, ()),) if len(values) > 2 else ())))
               if c.parameters == ("maxCount",) else c for c in components.COMPONENTS]
    monkeypatch.setattr(components, "COMPONENTS", tuple(entries))
    broken, expected = _compare_with_broken(monkeypatch, "work-with-two-titles")
    assert broken != expected
    assert {r.shape for r in expected - broken} == {f"{KGSH}Work-name"}


def test_the_comparison_fails_when_a_sparql_check_is_broken(monkeypatch):
    """The match-list check losing its last solution: the position-gap mutant differs."""
    def broken_match(index, work):  # noqa: ANN001, ANN202
        rows = sparql.match_list(index, work)
        return rows[:-1] if rows else rows
    checks = {k: (broken_match if v is sparql.match_list else v) for k, v in sparql.CHECKS.items()}
    monkeypatch.setattr(sparql, "CHECKS", checks)
    monkeypatch.setattr("kg.validate.engine.CHECKS", checks)
    broken, expected = _compare_with_broken(monkeypatch, "position-gap")
    assert broken != expected


# ---------------------------------------------------------------- what pyshacl is handed

@pytest.fixture
def pyshacl_runs(monkeypatch) -> list:
    """Every pyshacl run of the fast engine's fallback, with what it was asked."""
    calls: list = []
    original = reference.sparql_results

    def counted(triples, requests):  # noqa: ANN001, ANN202
        calls.append(sorted(requests))
        return original(triples, requests)
    monkeypatch.setattr(reference, "sparql_results", counted)
    return calls


def test_well_formed_data_runs_no_pyshacl(pyshacl_runs, monkeypatch):
    import pyshacl

    monkeypatch.setattr(pyshacl, "validate", lambda *a, **k: pytest.fail("pyshacl ran"))
    assert fast(Graph().parse(CONFORMING)).conforms
    assert pyshacl_runs == []


def test_a_list_that_is_not_well_formed_is_handed_to_pyshacl(pyshacl_runs):
    case = next(c for c in CASES if c.id == "list-is-a-cycle")
    data = mutant(case.values[0])
    assert fast(data) == validate_graph(data, "pyshacl")
    work = "<https://example.org/kg/work/gemini-a-family-of-highly-capable-multimodal-models>"
    assert pyshacl_runs == [sorted((f"<{KGSH}{c}>", f"<{KGSH}{s}>", work) for c, s in (
        ("AuthorList-wellFormed", "AuthorListShape"), ("Authorships-match-list", "AuthorshipsShape"),
        ("Authorships-position-unique", "AuthorshipsShape"),
        ("Authorships-position-within-list", "AuthorshipsShape")))]


def _edited_shapes(monkeypatch, edit) -> Graph:  # noqa: ANN001
    """Both engines on a copy of the shapes graph changed by ``edit``."""
    graph = Graph().parse(SHAPES)
    edit(graph)
    _use_shapes(monkeypatch, graph, read_shapes(graph))
    return graph


def _use_shapes(monkeypatch, graph: Graph, model) -> None:  # noqa: ANN001
    monkeypatch.setattr(reference, "shapes_graph", lambda: graph)
    monkeypatch.setattr("kg.validate.shapes", lambda: model)


def test_a_construct_the_engine_lacks_makes_pyshacl_validate(monkeypatch, caplog):
    """sh:closed on the source-file shape: a one-line warning, and pyshacl's results."""
    def close(graph: Graph) -> None:
        graph.add((URIRef(f"{KGSH}SourceFileShape"), SH.closed, Literal(True)))
    _edited_shapes(monkeypatch, close)
    data = Graph().parse(CONFORMING)
    with caplog.at_level(logging.WARNING, logger="kg.validate"):
        report = fast(data)
    assert [r.message for r in caplog.records] == [
        "kg.validate: the fast engine does not implement what the shapes use "
        "(<https://w3id.org/kg/shapes#SourceFileShape> uses sh:closed): pyshacl validates instead"]
    assert report == validate_graph(data, "pyshacl")
    assert str(SH.ClosedConstraintComponent) in {r.component for r in report.results}


def test_a_sparql_query_without_a_direct_check_is_run_by_pyshacl(monkeypatch, caplog, pyshacl_runs):
    """A changed query has no direct check: pyshacl runs it on every focus node."""
    constraint = URIRef(f"{KGSH}AuthorList-wellFormed")

    def change(graph: Graph) -> None:
        text = str(graph.value(constraint, SH.select))
        graph.set((constraint, SH.select, Literal(text.replace("WHERE {", "WHERE { # changed\n", 1))))
    _edited_shapes(monkeypatch, change)
    case = next(c for c in CASES if c.id == "list-cell-without-first")
    data = mutant(case.values[0])
    with caplog.at_level(logging.WARNING, logger="kg.validate"):
        report = fast(data)
    assert any("no direct check for the SPARQL constraint <https://w3id.org/kg/shapes#AuthorList-wellFormed>"
               in r.message for r in caplog.records)
    assert report == validate_graph(data, "pyshacl")
    assert any(r.constraint == str(constraint) for r in report.results)


# ---------------------------------------------------------------- constructs the shipped shapes do not use

EXTRA_SHAPES = """
@prefix ex: <https://example.org/extra#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix kgsh: <https://w3id.org/kg/shapes#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix schema: <http://schema.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .

ex:AuthorShape a sh:NodeShape ;
    sh:targetObjectsOf schema:author ;
    sh:targetNode <https://example.org/kg/person/ada-lovelace> ;
    sh:property ex:alternative, ex:one-or-more, ex:zero-or-one, ex:inverse-sequence .
ex:alternative sh:path [ sh:alternativePath ( schema:name foaf:name ) ] ; sh:maxCount 1 ;
    sh:message "one name, however said" .
ex:one-or-more sh:path [ sh:oneOrMorePath [ sh:inversePath schema:author ] ] ; sh:minCount 1 ;
    sh:class schema:ScholarlyArticle ; sh:message "authors a work" .
ex:zero-or-one sh:path [ sh:zeroOrOnePath rdf:type ] ; sh:minCount 3 ; sh:message "itself and two types" .
ex:inverse-sequence sh:path [ sh:inversePath ( prov:agent prov:qualifiedAttribution ) ] ;
    sh:maxCount 0 ; sh:message "an inverse sequence, walked step by step in its written order as pyshacl does" .

ex:AgentShape a sh:NodeShape ;
    sh:targetClass ex:Agent ;
    sh:property [ sh:path schema:name ; sh:minCount 1 ; sh:datatype schema:Text ; sh:message "an agent's name" ] .
ex:WorkAgents a sh:PropertyShape ;
    sh:targetClass schema:ScholarlyArticle ;
    sh:path schema:author ; sh:class ex:Agent ; sh:message "authors are agents, by subclass" .
ex:Off a sh:NodeShape ;
    sh:targetClass schema:Person ; sh:deactivated true ;
    sh:property [ sh:path schema:name ; sh:maxCount 0 ; sh:message "never run" ] .
"""
SUBCLASSES = """
<http://schema.org/Person> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://example.org/extra#Agent> .
<https://example.org/extra#Agent> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://example.org/extra#Thing> .
"""


@pytest.fixture(scope="module")
def extra_shapes_graph():
    graph = Graph().parse(SHAPES).parse(data=EXTRA_SHAPES, format="turtle")
    return graph, read_shapes(graph)


@pytest.fixture
def extra_shapes(monkeypatch, extra_shapes_graph) -> None:
    _use_shapes(monkeypatch, *extra_shapes_graph)


@pytest.mark.parametrize("case", [c.id for c in CASES])
def test_paths_targets_and_subclasses_the_shipped_shapes_lack_give_pyshacls_results(extra_shapes, case):
    """Alternative, one-or-more, zero-or-one and inverse-sequence paths, node and
    objects-of targets, rdfs:subClassOf in class targets and sh:class, a blank property
    shape, a deactivated shape: the same results from both engines on every mutant."""
    data = mutant(next(c for c in CASES if c.id == case).values[0])
    data.parse(data=SUBCLASSES, format="nt")
    reference_report = validate_graph(data, "pyshacl")
    assert fast(data) == reference_report, f"pyshacl:\n{show(reference_report)}\nfast:\n{show(fast(data))}"


def test_the_extra_shapes_fire(extra_shapes):
    """The comparison above is not vacuous: on the conforming graph, each extra path and
    target gives results (the deactivated shape none)."""
    data = Graph().parse(CONFORMING)
    data.parse(data=SUBCLASSES, format="nt")
    fired = {(r.shape if "extra" in str(r.shape) else "blank", r.component.rsplit("#", 1)[1])
             for r in fast(data).results if "kg/shapes" not in str(r.shape)}
    assert fired == {(f"https://example.org/extra#{s}", f"{c}ConstraintComponent") for s, c in (
        ("zero-or-one", "MinCount"), ("one-or-more", "MinCount"), ("inverse-sequence", "MaxCount"),
        ("WorkAgents", "Class"))} | {("blank", "DatatypeConstraintComponent")}


def test_the_shipped_shapes_compile_whole_with_a_direct_check_for_every_sparql_constraint():
    """The fast engine runs the shipped shapes itself: nothing unsupported, in any
    batch kind of the streaming export or whole, and no SPARQL query left to pyshacl."""
    from kg.validate.batches import SHAPE_GROUPS
    from kg.validate import _selection

    for selection in [None, *(_selection(group) for group in SHAPE_GROUPS)]:
        program = Program(shapes(), selection)
        assert program.unsupported is None, program.unsupported
        assert all(direct is not None for c in program.compiled.values() for _, direct in c.sparql)
    assert sum(len(s.sparql) for s in shapes().shapes.values()) == len(sparql.CHECKS) == 4


def test_a_blank_value_that_heads_a_cyclic_list_is_reported_by_both():
    """pyshacl copies a blank value node into its report as an rdf:List, and failed on a
    cyclic one (kg.validate.reference keeps the node alone): a creator that is the head
    of a cyclic author list."""
    data = mutant("""DELETE { ?last rdf:rest rdf:nil . <W> dcterms:creator <SEB> . }
                     INSERT { ?last rdf:rest ?head . <W> dcterms:creator ?head . }
                     WHERE { <W> bibo:authorList ?head . ?head rdf:rest/rdf:rest ?last . }""")
    report = validate_graph(data, "pyshacl")
    head = next(r.value for r in report.results if r.shape == f"{KGSH}Work-author" and r.value.startswith("_:"))
    assert head.startswith("_:")
    assert fast(data) == report


def test_a_run_leaves_no_reference_cycles():
    """The engine pauses the cyclic garbage collector while it runs: that is sound only
    if what it allocates is freed by reference counting alone."""
    import gc

    data = mutant(next(c for c in CASES if c.id == "position-gap").values[0])
    triples, program = triples_of(data), Program(shapes(), None)
    program.validate(triples)
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            assert program.validate(triples)[0]
        assert gc.collect() == 0
    finally:
        gc.enable()

"""Batch validation (kg.validate.validate_batches over split_for_validation) reports what
whole-graph validation reports: the same results, none missed and none twice, on a
generated corpus with violations injected, some of which reach across batches."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import FOAF, RDF, XSD

from kg.identity import build_graph
from kg.mapping import graph_to_quads
from kg.namespaces import BIBO, DCTERMS, KG, PROV, SCHEMA
from kg.pipeline import parse_all
from kg.serialize import nt_term
from kg.validate import Batch, split_for_validation, validate_batches, validate_graph

ROOT = Path(__file__).parents[1]
BASE = "https://example.org/kg/"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["generate_corpus"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _key(result) -> tuple:  # noqa: ANN001
    return result.focus, result.path, result.shape, result.severity


def _inject(triples: list[tuple]) -> tuple[list[tuple], dict[str, URIRef]]:
    """The corpus's triples with violations: a broken position, a mistyped date, a
    missing title, and some that reach across batches."""
    data = set(triples)
    works = sorted({s for s, p, o in data if p == RDF.type and o == SCHEMA.ScholarlyArticle}, key=str)
    authored = [w for w in works if sum(1 for s, p, _ in data if s == w and p == PROV.qualifiedAttribution) >= 2]
    titled = [w for w in works if (w, SCHEMA.name, None) not in data and any(s == w and p == SCHEMA.name for s, p, _ in data)]
    dated = [w for w in works if any(s == w and p == SCHEMA.datePublished for s, p, _ in data)]
    where = {"position": authored[0], "date": dated[len(dated) // 2], "title": titled[-1],
             "shared": authored[-1], "cell": authored[len(authored) // 2]}

    second = URIRef(f"{where['position']}/authorship/2")  # position 2 -> 7: a gap, and past the end
    data.remove((second, KG.position, Literal("2", datatype=XSD.integer)))
    data.add((second, KG.position, Literal("7", datatype=XSD.integer)))

    date = next(o for s, p, o in data if s == where["date"] and p == SCHEMA.datePublished)
    for predicate in (SCHEMA.datePublished, DCTERMS.issued):
        data.discard((where["date"], predicate, date))
        data.add((where["date"], predicate, Literal("Dec 21, 2024")))

    data -= {t for t in data if t[0] == where["title"] and t[1] in (SCHEMA.name, DCTERMS.title)}

    # An authorship of the first authored work also claimed by the last one (far apart).
    data.add((where["shared"], PROV.qualifiedAttribution, URIRef(f"{authored[0]}/authorship/1")))

    head = next(o for s, p, o in data if s == where["cell"] and p == BIBO.authorList)
    data -= {t for t in data if t[0] == head and t[1] == RDF.rest}

    # A person many works cite loses a type: every work citing it fails, in every batch.
    person = next(o for s, p, o in sorted(data, key=str) if p == SCHEMA.author and str(o).startswith(f"{BASE}person/"))
    data.discard((person, RDF.type, FOAF.Person))
    where["person"] = person

    blank = BNode("blankwork")
    data |= {(blank, RDF.type, SCHEMA.ScholarlyArticle), (blank, RDF.type, BIBO.AcademicArticle),
             (blank, SCHEMA.name, Literal("A blank work")), (blank, DCTERMS.title, Literal("A blank work"))}
    return sorted(data, key=lambda t: tuple(map(str, t))), where


@pytest.fixture(scope="module")
def corpus_triples(tmp_path_factory) -> tuple[list[tuple], dict[str, URIRef]]:
    folder = tmp_path_factory.mktemp("corpus")
    _generator().generate_corpus(120, 11, folder)
    graph = build_graph(parse_all([folder]), BASE)
    return _inject(list(dict.fromkeys(q[:3] for q in graph_to_quads(graph))))


@pytest.fixture(scope="module")
def whole(corpus_triples):
    return validate_graph(corpus_triples[0])


def test_the_injected_violations_are_reported(whole, corpus_triples):
    _, where = corpus_triples
    assert not whole.conforms
    shapes_by_focus = {(r.focus, (r.constraint or r.shape or "").rsplit("#", 1)[-1]) for r in whole.results}
    for focus, source in [
        (where["position"], "Authorships-match-list"),
        (where["position"], "Authorships-position-within-list"),
        (where["date"], "Work-datePublished"),
        (where["title"], "Work-title-present"),
        (where["shared"], "Work-authorship"),
        (where["cell"], "AuthorList-wellFormed"),
        (where["person"], "Person-foaf-class"),
    ]:
        assert (str(focus), source) in shapes_by_focus, (focus, source)
    assert any(r.shape and r.shape.endswith("#WorkShape") and r.focus == "blankwork" for r in whole.results)


@pytest.mark.parametrize(("works_per_batch", "jobs"), [(1, 1), (7, 2)])
def test_batches_give_the_whole_graph_report(whole, corpus_triples, works_per_batch, jobs):
    triples, _ = corpus_triples
    batches = list(split_for_validation(triples, works_per_batch))
    assert len(batches) > 5
    merged = validate_batches(batches, jobs=jobs)
    assert {_key(r) for r in merged.results} == {_key(r) for r in whole.results}
    assert set(merged.results) == set(whole.results)
    assert len(merged.results) == len(whole.results)
    assert merged.conforms == whole.conforms


def test_batches_as_n_triples_text(whole, corpus_triples):
    triples, _ = corpus_triples
    batches = [Batch("".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in b.data), b.focus)
               for b in split_for_validation(triples, 25)]
    assert set(validate_batches(batches, jobs=1).results) == set(whole.results)


def test_a_closed_batch_reports_everything(whole, corpus_triples):
    """A batch without a focus set is the whole graph's business: every result counts."""
    triples, _ = corpus_triples
    assert set(validate_batches([Batch(triples)], jobs=1).results) == set(whole.results)


def test_split_covers_every_subject_once_as_focus(corpus_triples):
    triples, _ = corpus_triples
    batches = list(split_for_validation(triples, 5))
    focus = [node for b in batches for node in b.focus]  # type: ignore[union-attr]
    assert len(focus) == len(set(focus))
    assert set(focus) == {s for s, _, _ in triples}


def test_turbo_engine_gives_the_same_report(whole, corpus_triples):
    pytest.importorskip("pyshacl_turbo")
    triples, _ = corpus_triples
    merged = validate_batches(split_for_validation(triples, 7), jobs=2, engine="turbo")
    assert set(merged.results) == set(whole.results)

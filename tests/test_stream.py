"""The streaming export against the whole-built reference: the same graph, report,
description and SHACL verdicts, and the same bytes for any number of jobs."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.mapping
import kg.pipeline
import kg.stream.phases
import kg.stream.run
from kg.mapping.terms import text
from kg.curation import read_curation
from kg.errors import InputError, NonConformingError
from kg.pipeline import ExportOptions, build_whole, export
from kg.stream import Batches
from kg.reconcile import summary_of
from kg.report import report_data
from kg.validate import targeted_shapes, validate_graph
from kg.validate.batches import SHAPE_GROUPS
from tests.rdfcompare import assert_same_triples, canonical_triples

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "examples" / "profiles"

EXTRA = {
    # a headerless listing whose works share one author: an inferred owner
    "extra/headerless.txt": "LGJan 2, 2024\nAlpha ResultsMaria Lopez, Kim Tan\nAlpha abstract.\n"
                            "LGJan 3, 2024\nBeta ResultsKim Tan, Jon Ode\nBeta abstract.\n",
    # a first-name owner with one fitting author: an owner candidate
    "extra/tony.txt": "Tony\nAbstract: Gamma abstract.\n",
    "extra/gamma.txt": "LGJan 4, 2024\nGamma ResultsTony Stark, Ana Ruiz\nGamma abstract.\n"
                       "LGMar 5, 2023\nAlpha resultsMaria Lopez, Kim Tan\nAlpha abstract.\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds, once more under another folder (every work listed twice more), and
    small profiles that exercise owner inference, candidates and disagreements."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(SEEDS, root / "again")
    for name, content in EXTRA.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    return root


def streamed(folder: Path, fmt: str = "nquads", jobs: int = 1, validate: bool = True, engine: str = "fast",
             batches: Batches = Batches()):
    out = io.StringIO()
    result = None
    try:
        options = ExportOptions(format=fmt, jobs=jobs, validate_shapes=validate, engine=engine, batches=batches)
        result = export([folder], options, out)
    except NonConformingError as exc:  # a non-conforming export still wrote its text; any other error fails
        result = exc
    return out.getvalue(), result


def test_streamed_lets_a_crash_fail_the_test(corpus, monkeypatch):
    """Two identical crashes must not pass a byte-identity test: only a non-conforming
    export's error is kept, any other propagates."""
    def crash(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("boom")
    monkeypatch.setattr(kg.pipeline, "export_stream", crash)
    with pytest.raises(RuntimeError, match="boom"):
        streamed(corpus)


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nquads"])
def test_nothing_reaches_the_output_before_the_scan_succeeded(tmp_path, fmt):
    """pipeline.export to a caller's stream: a rejected input raises InputError and the
    stream is untouched (no ``@prefix`` header, no file graph of the good files scanned
    before the bad one)."""
    for n in range(Batches().files):  # a whole scan batch of good files before the bad one
        (tmp_path / f"a-good-{n:03}.txt").write_text(f"LGJan 2, 2024\nAlpha {n} ResultsMaria Lopez, Kim Tan\n"
                                                     "Alpha abstract.\n", encoding="utf-8")
    (tmp_path / "b-bad.txt").write_text("LGJul\nBeta ResultsKim Tan\nBeta abstract.\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(InputError):
        export([tmp_path], ExportOptions(format=fmt, validate_shapes=False), out)
    assert out.getvalue() == ""


def quads_of(text_: str) -> set[str]:
    return canonical_triples(ox.parse(text_.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def graphs_of(text_: str) -> dict[str, set[str]]:
    by_graph: dict[str, list] = {}
    for quad in ox.parse(text_.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        by_graph.setdefault(str(quad.graph_name), []).append(quad)
    return {g: canonical_triples(q) for g, q in by_graph.items()}


def whole_nquads(folder: Path) -> str:
    _, quads = build_whole([folder])
    return "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in quads)


def test_streamed_export_is_the_whole_built_graph_graph_by_graph(corpus):
    text_, result = streamed(corpus)
    whole = graphs_of(whole_nquads(corpus))
    streamed_graphs = graphs_of(text_)
    assert sorted(streamed_graphs) == sorted(whole)
    for name in whole:
        assert_same_triples(streamed_graphs[name], whole[name])
    assert len(text_.splitlines()) == sum(len(t) for t in whole.values()), "no quad written twice"


def test_streamed_report_is_the_whole_built_report(corpus):
    _, result = streamed(corpus)
    graph, quads = build_whole([corpus])
    expected = report_data(summary_of(graph), len(quads))
    got = report_data(result.summary, result.triples)
    assert got == expected
    assert got["inferred_owners"] == [{"profile": "https://example.org/kg/profile/extra/headerless.txt",
                                       "owner": "https://example.org/kg/person/kim-tan"}]
    assert [c["name"] for c in got["owner_candidates"]] == ["Tony Stark"]
    assert {d["field"] for d in got["disagreements"]} >= {"authors", "date", "title"}
    assert [w.render() for w in result.summary.warnings] == [w.render() for w in graph.warnings]


SMALL = Batches(files=1, works=5, people=10, profiles=2, validate_works=3)
"""Many batches of every kind, as a large export has."""


def test_small_batches_give_the_same_graph_and_report(corpus):
    """Many works, people and candidate batches (as a large export has), on 2 processes:
    the same graph and report as one batch each, and the same bytes on 1 process."""
    text_, result = streamed(corpus, jobs=2, validate=False)
    small, small_result = streamed(corpus, jobs=2, validate=False, batches=SMALL)
    assert_same_triples(quads_of(small), quads_of(text_))
    assert report_data(small_result.summary, small_result.triples) == report_data(result.summary, result.triples)
    assert small == streamed(corpus, jobs=1, validate=False, batches=SMALL)[0]


def test_json_ld_in_many_small_batches_has_one_node_per_id_and_the_same_triples(corpus):
    """Profiles' links to works come from many works batches, their own triples from
    file batches: each profile is still one node object, as is every other subject."""
    document, _ = streamed(corpus, "json-ld", jobs=2, validate=False, batches=SMALL)
    nodes = json.loads(document)["@graph"]
    ids = [node["@id"] for node in nodes]
    assert len(ids) == len(set(ids)), [i for i in set(ids) if ids.count(i) > 1][:5]
    profiles = [n for n in nodes if "/profile/" in n["@id"] and "hasPart" in n]
    assert len(profiles) == 13 and all("kg:layout" in n for n in profiles)
    nquads, _ = streamed(corpus, jobs=2, validate=False, batches=SMALL)
    assert_same_triples(canonical_triples(ox.parse(document.encode("utf-8"), format=ox.RdfFormat.JSON_LD)),
                        quads_of(nquads))


@pytest.mark.parametrize("fmt", ["nquads", "turtle", "trig", "json-ld", "ntriples"])
def test_same_bytes_for_one_and_two_jobs(corpus, fmt):
    one, _ = streamed(corpus, fmt, jobs=1, validate=False)
    two, _ = streamed(corpus, fmt, jobs=2, validate=False)
    assert one == two


def test_every_targeted_shape_runs_in_some_batch():
    assert {s for kind in SHAPE_GROUPS for s in kind} == targeted_shapes()


def _broken(work_to_triples):
    """Mapping with mistakes in some works: a position off, a date typed as text, a
    title dropped (a warning), so the verdicts have something to agree on."""

    def mapped(work, iris):
        for s, p, o in work_to_triples(work, iris):
            digest = sum(work.iri.encode()) % 4
            if digest == 0 and p.endswith("#position>") and o.startswith('"2"'):
                o = o.replace('"2"', '"7"')
            elif digest == 1 and p == "<http://schema.org/datePublished>":
                o = text(o.split('"')[1])
            elif digest == 2 and p in ("<http://schema.org/name>", "<http://purl.org/dc/terms/title>"):
                continue
            yield s, p, o
    return mapped


def test_batch_validation_gives_the_whole_graph_verdicts(corpus, monkeypatch, tmp_path):
    """pyshacl on the whole graph (the reference) against the streamed export's batches,
    with the fast engine on 1 and 2 processes and with pyshacl on 2, compared on every
    field; the engine chosen is the one the worker processes run."""
    broken = _broken(kg.mapping.work_to_triples)
    monkeypatch.setattr(kg.mapping, "work_to_triples", broken)
    monkeypatch.setattr(kg.stream.phases, "work_to_triples", broken)
    _, quads = build_whole([corpus])
    whole = validate_graph(quads, engine="pyshacl")
    ran = tmp_path / "ran"
    ran.mkdir()
    batch = kg.stream.run.validate_batch

    def spy(triples, shapes, engine):  # noqa: ANN001, ANN202 - notes which process ran which engine
        (ran / f"{os.getpid()}-{engine}").touch()
        return batch(triples, shapes, engine)
    monkeypatch.setattr(kg.stream.run, "validate_batch", spy)
    for jobs, engine in ((1, "fast"), (2, "fast"), (2, "pyshacl")):  # on 2 processes, small batches of every kind
        _, error = streamed(corpus, jobs=jobs, engine=engine, batches=SMALL if jobs == 2 else Batches())
        assert error.report is not None, error
        # as sets: a whole-graph pyshacl run may state one result twice; batches state it once
        assert set(error.report.results) == set(whole.results), engine
    assert {r.severity for r in whole.results} == {"Violation", "Warning"}
    assert len(whole.violations) >= 10
    workers = {name.split("-")[1] for name in os.listdir(ran) if not name.startswith(f"{os.getpid()}-")}
    assert workers == {"fast", "pyshacl"}


def test_description_counts_match_the_streamed_export(corpus):
    text_, result = streamed(corpus)
    description = json.loads(json.dumps(report_data(result.summary, result.triples)))["counts"]
    assert description["triples"] == len(text_.splitlines())
    assert description["works"] == len({q.split(" ")[0] for q in text_.splitlines()
                                        if "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                                           "<http://schema.org/ScholarlyArticle>" in q})


def test_streamed_export_of_a_2k_work_corpus_is_the_whole_built_graph(tmp_path):
    """Isomorphism on a generated corpus in all four layouts (benchmarks/generate_corpus.py)."""
    from benchmarks.generate_corpus import generate_corpus

    generate_corpus(2000, 7, tmp_path / "corpus")
    text_, result = streamed(tmp_path / "corpus", validate=False, jobs=2)
    assert result.summary.works == 2000
    assert_same_triples(quads_of(text_), quads_of(whole_nquads(tmp_path / "corpus")))


def test_a_curated_merge_is_streamed_as_built_whole(tmp_path):
    """A first-name owner's candidate whose spelling in the listed work lacks the name
    ("Anthony Edward Stark") but whose display name has it (merged with "Tony Stark" by
    the curation file), and an unused curation name: the same report in small batches."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(
        "LGJan 2, 2024\nAlpha ResultsAnthony Edward Stark, Ana Ruiz\nAlpha abstract.\n"
        "LGJan 3, 2024\nBeta ResultsTony Stark, Jon Ode\nBeta abstract.\n"
        "LGJan 4, 2024\nGamma ResultsTony Stark, Kim Tan\nGamma abstract.\n", encoding="utf-8")
    (inputs / "tony.txt").write_text("Tony\nAbstract: Alpha abstract.\n", encoding="utf-8")
    toml = tmp_path / "c.toml"
    toml.write_text('[[same]]\nnames = ["Tony Stark", "Anthony Edward Stark"]\n\n'
                    '[[same]]\nnames = ["Nobody Here", "Nobody There"]\n', encoding="utf-8")
    result = export([inputs], ExportOptions(format="nquads", jobs=2, validate_shapes=False, curation=toml, batches=SMALL),
                    io.StringIO())
    graph, quads = build_whole([inputs], curation=read_curation(toml))
    got = report_data(result.summary, result.triples)
    assert got == report_data(summary_of(graph), len(quads))
    assert [(c["candidate"], c["name"]) for c in got["owner_candidates"]] == [
        ("https://example.org/kg/person/stark-tony", "Tony Stark")]
    assert got["curation_unused"] == ["Nobody Here", "Nobody There"]

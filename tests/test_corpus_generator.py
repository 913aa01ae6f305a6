"""The benchmark's corpus generator (benchmarks/generate_corpus.py) writes what kg reads:
every file parses, in the layout it was written in, the same seed gives the same bytes,
and the export of a small corpus conforms to the shapes."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest

from kg.parse import read_profile
from kg.pipeline import ExportOptions, export

ROOT = Path(__file__).parents[1]
WORKS, SEED = 300, 5
KG_LAYOUT = {"listing": "listing", "bibliography": "bibliography", "abstracts-header": "abstracts",
             "abstracts": "abstracts"}


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["generate_corpus"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


gc = _load_generator()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, gc.generate_corpus(WORKS, SEED, folder)


def test_every_layout_is_written(corpus):
    _, written = corpus
    assert {layout for _, layout in written.files} == set(gc.LAYOUTS)


def test_every_file_parses_in_the_layout_it_was_written_in(corpus):
    """Every record, and every listing's first author (glued to its title) as the
    generator drew it: name, person or organisation."""
    folder, written = corpus
    agents, papers, files = gc.build(WORKS, SEED)
    kinds = {a.display: ("organization" if a.organization else "person") for a in agents}
    kinds.update({a.folded_display: "person" for a in agents if a.folded_display})
    for (name, layout), plan in zip(written.files, files):
        profile = read_profile(folder / name, name)  # raises InputError on any error
        assert profile.rejected == (), (name, profile.rejected[:1])
        assert profile.layout.value == KG_LAYOUT[layout], name
        if layout == "listing":
            for record in profile.records:
                first = record.authors[0]
                assert kinds.get(first.name) == first.kind, (name, record.source.line, first)
        assert (profile.owner is not None) == (layout in ("bibliography", "abstracts-header")), name
        assert len(profile.records) == len(plan.papers), name
        for record, index in zip(profile.records, plan.papers):
            if layout in ("listing", "bibliography"):
                assert record.title == papers[index].title, (name, record.source.line)
                assert record.authors, (name, record.source.line)
            else:
                assert record.title is None and record.abstract


def test_the_corpus_has_the_seed_artefacts(corpus):
    folder, _ = corpus
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))
    for artefact in ("A BSTRACT ", "\\%", ", null, :, null", " et al.", " \u00b7 ", "Abstract:", "Code\n",
                     " Jr.", "-O'", " al-", "AI @ ", ".AI", "Team ", " Institute for AI", "Massive ", "\\\"{o}"):
        assert artefact in text, artefact
    assert any(ord(ch) > 127 for ch in text)


def test_same_seed_same_bytes(corpus, tmp_path):
    folder, written = corpus
    again = gc.generate_corpus(WORKS, SEED, tmp_path / "again")
    assert again.files == written.files
    for name, _ in written.files:
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    other = gc.generate_corpus(WORKS, SEED + 1, tmp_path / "other")
    assert [(tmp_path / "other" / n).read_bytes() for n, _ in other.files[:3]] != [
        (folder / n).read_bytes() for n, _ in written.files[:3]]


def test_refuses_a_folder_that_holds_profiles(corpus):
    folder, _ = corpus
    with pytest.raises(FileExistsError):
        gc.generate_corpus(WORKS, SEED, folder)


def test_export_of_the_corpus_conforms(corpus):
    folder, _ = corpus
    result = export([folder], ExportOptions(format="ntriples"), io.StringIO())
    assert result.report is not None and result.report.conforms, [r.render() for r in result.report.violations][:5]
    assert result.summary.works == WORKS
    untitled = len({u.work for u in result.summary.report.unmatched_abstracts})
    assert {r.severity for r in result.report.results} <= {"Warning"}
    assert len(result.report.results) == untitled

"""Titles and organisation names without letters or digits (issue 12): folding leaves
no words, so they are told apart by their exact characters, never merged into one
work or one organisation; the same characters in two files are still one."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.identity import person_key, symbols_key, text_key

runner = CliRunner()
SYMBOL_TITLES = ["🚀🎉", "!!! ??? ...", "--- *** ///"]
SCHEMA = "http://schema.org/"

BIBLIOGRAPHY = """\
Clark, Aidan
🚀🎉
Doe, Jane, Roe, Richard
An abstract about rockets.
!!! ??? ...
Doe, Jane
Another abstract.
--- *** ///
Doe, Jane
Third abstract.
🎉🚀
Doe, Jane
The same emoji, the other way round.
"""

SAME_TITLE_ELSEWHERE = """\
Roe, Richard
🚀🎉
Doe, Jane, Roe, Richard
An abstract about rockets.
"""

LISTING = """\
AIDec 21, 2024
A Study of ThingsAaron Jaech, Adam Kalai · ???, ***
An abstract of things.
LGDec 14, 2023
Another StudyAaron Jaech, Adam Kalai · !!!, ? ? ?
An abstract of other things.
"""


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> ox.Store:
    folder = tmp_path_factory.mktemp("symbols")
    for name, text in (("bib.txt", BIBLIOGRAPHY), ("again.txt", SAME_TITLE_ELSEWHERE), ("listing.txt", LISTING)):
        (folder / name).write_text(text, encoding="utf-8")
    output = folder / "out" / "symbols.nq"
    output.parent.mkdir()
    result = runner.invoke(app, ["export", str(folder), "-o", str(output), "--quiet"])  # validated
    assert result.exit_code == 0, result.output
    store = ox.Store()
    store.load(path=str(output), format=ox.RdfFormat.N_QUADS)
    return store


def names_by_iri(store: ox.Store, cls: str, prop: str) -> dict[str, set[str]]:
    rows = store.query(f"SELECT ?x ?n WHERE {{ ?x a <{SCHEMA}{cls}> ; <{SCHEMA}{prop}> ?n }}",
                       use_default_graph_as_union=True)
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["x"].value, set()).add(row["n"].value)
    return found


def test_titles_without_letters_are_different_works(export):
    works = names_by_iri(export, "ScholarlyArticle", "name")
    symbol_works = {iri: titles for iri, titles in works.items() if titles & {*SYMBOL_TITLES, "🎉🚀"}}
    assert sorted(sorted(t) for t in symbol_works.values()) == sorted(
        [[t] for t in (*SYMBOL_TITLES, "🎉🚀")]), symbol_works
    assert len(works) == 6  # four symbol titles and the two studies


def test_the_same_symbols_in_two_files_are_one_work(export):
    rows = export.query(f'SELECT (COUNT(DISTINCT ?source) AS ?n) WHERE {{ ?w <{SCHEMA}name> "🚀🎉" ; '
                        f'<http://www.w3.org/ns/prov#wasDerivedFrom> ?source }}', use_default_graph_as_union=True)
    assert int(next(iter(rows))["n"].value) == 2


def test_organisations_without_letters_are_different_organisations(export):
    organisations = names_by_iri(export, "Organization", "name")
    assert sorted(sorted(n) for n in organisations.values()) == [["!!!"], ["***"], ["? ? ?"], ["???"]]


def test_keys_of_text_without_words_never_meet_a_folded_key():
    keys = {text_key(t) for t in (*SYMBOL_TITLES, "🎉🚀", "???", "? ? ?")}
    assert len(keys) == 6 and all(k.startswith("_") for k in keys)
    assert text_key("!!!  ???\t...") == text_key("!!! ??? ...")  # whitespace runs are one space
    assert text_key("") == text_key("   ") == symbols_key("") == ""
    assert text_key("C++!") == "c"  # text with words keeps its folded key
    assert person_key("!!!") == text_key("!!!")

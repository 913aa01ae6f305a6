"""kg publish's static site: the same bytes on any number of processes, written whole
or not at all, never over a folder it did not write; untrusted text escaped; IRIs with
percent-encoded characters resolve under kg serve and nginx; sitemap and search index."""

from __future__ import annotations

import filecmp
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape
from typer.testing import CliRunner

from kg.cli import app
from kg.publish.documents import rdf_document
from kg.publish.negotiation import NTRIPLES, TURTLE
from kg.publish.render import _escape
from kg.publish.site import write_site
from kg.publish.store import read_published
from tests.publish_fixtures import EXPORT
from tests.webservers import start_kg_serve, start_nginx

TITLE = 'Safe <b>Bold</b> & "Quoted" <script>alert(1)</script> Models'
PROFILE = ("LGDec 14, 2023\n"
           f"{TITLE}Иван Петров, Émile Zola et al. · openai\n"
           "An abstract with <i>tags</i> & </script> ampersands.\n"
           "CLJan 2, 2024\n"
           "A Second Study of ThingsИван Петров, Ada Lovelace · deepmind\n"
           "Another abstract.\n")
ENCODED = ["/person/%D0%B8%D0%B2%D0%B0%D0%BD-%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2",
           "/profile/pro%20file%20%C3%A9.txt", "/source/pro%20file%20%C3%A9.txt/L1",
           "/graph/tricky/source/pro%20file%20%C3%A9.txt"]


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> tuple[Path, Path]:
    """An export of a profile whose file name, author names and title need escaping and
    percent-encoding, and its site (in a folder nginx's workers can read)."""
    profiles = tmp_path_factory.mktemp("profiles")
    (profiles / "pro file é.txt").write_text(PROFILE, encoding="utf-8")
    export = tmp_path_factory.mktemp("export") / "tricky.nq"
    result = CliRunner().invoke(app, ["export", str(profiles), "-o", str(export), "--quiet"])
    assert result.exit_code == 0, result.output
    folder = Path(tempfile.mkdtemp(prefix="kg-site-"))
    folder.chmod(0o755)
    result = CliRunner().invoke(app, ["publish", str(export), "-o", str(folder / "site"), "--quiet"])
    assert result.exit_code == 0, result.output
    yield export, folder / "site"
    shutil.rmtree(folder)


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self._in, self.h1, self._in_h1 = [], False, "", False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script"
        if self._in:
            self.scripts.append("")
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag):
        self._in = self._in_h1 = False

    def handle_data(self, data):
        if self._in:
            self.scripts[-1] += data
        if self._in_h1:
            self.h1 += data


def test_untrusted_text_is_escaped_in_pages_and_json_ld(tricky):
    _, site = tricky
    page = next((site / "work").glob("safe-*.html")).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "<b>Bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parsed = _Scripts()
    parsed.feed(page)
    assert parsed.h1 == TITLE  # the reader sees the title as printed
    assert len(parsed.scripts) == 1  # only the JSON-LD: no </script> in the data ended it early
    triples = list(ox.parse(parsed.scripts[0].encode("utf-8"), format=ox.RdfFormat.JSON_LD))
    titles = {t.object.value for t in triples if t.predicate.value == "http://schema.org/name"}
    abstracts = {t.object.value for t in triples if t.predicate.value == "http://schema.org/abstract"}
    assert titles == {TITLE} and abstracts == {"An abstract with <i>tags</i> & </script> ampersands."}


def test_titles_and_names_in_links_and_lists_are_escaped(tricky):
    """The title as a link in lists (a person's works, the indexes), written by
    kg.publish.render's own escaping: the same entities as Jinja's autoescape."""
    _, site = tricky
    escaped = str(escape(TITLE))
    pages = {path: path.read_text(encoding="utf-8") for path in site.rglob("*.html")}
    assert not [path for path, page in pages.items() if "<script>alert(1)</script>" in page or "<b>Bold</b>" in page]
    listing = [path.relative_to(site).as_posix() for path, page in pages.items() if f">{escaped}</a>" in page]
    assert any(path.startswith("person/") for path in listing) and "browse/works/2023.html" in listing, listing


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_page_escaping_is_markupsafes(text):
    assert _escape(text) == str(escape(text))


@pytest.mark.parametrize("server", ["kg serve", "nginx"])
def test_percent_encoded_iris_resolve(tricky, tmp_path, server):
    export, site = tricky
    web = start_kg_serve(export, tmp_path) if server == "kg serve" else start_nginx(site, tmp_path)
    try:
        for path in ENCODED:
            status, headers, _ = web.get(path, "text/turtle")
            assert status == 303 and headers["location"] == path.rsplit("/", 1)[1] + ".ttl", (server, path, status)
            status, _, body = web.get(path + ".ttl")
            assert status == 200, (server, path)
            subjects = {t.subject.value for t in ox.parse(body, format=ox.RdfFormat.TURTLE)}
            assert f"https://example.org/kg{path}" in subjects
            status, _, body = web.get(path + ".html")
            assert status == 200 and b'<html lang="en">' in body
    finally:
        web.stop()


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_publish_gives_the_same_bytes_on_one_and_two_processes(tmp_path):
    published = read_published([EXPORT])
    write_site(published, tmp_path / "one", jobs=1)
    write_site(published, tmp_path / "two", jobs=2)
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert one == two and len(one) > 4000
    configs = [f for f in one if f.startswith("_config/")]
    mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", [f for f in one if f not in configs],
                                        shallow=False)[1:]
    assert not mismatch and not errors, mismatch[:5]
    for name in configs:  # they name the site's folder, and differ only by it
        a = (tmp_path / "one" / name).read_text(encoding="utf-8").replace(str(tmp_path / "one"), "SITE")
        assert a == (tmp_path / "two" / name).read_text(encoding="utf-8").replace(str(tmp_path / "two"), "SITE")


def test_publish_replaces_its_own_site_whole_and_nothing_else(tmp_path):
    out = tmp_path / "site"
    assert CliRunner().invoke(app, ["publish", str(EXPORT), "-o", str(out), "-q"]).exit_code == 0
    (out / "stale.html").write_text("left from before")
    assert CliRunner().invoke(app, ["publish", str(EXPORT), "-o", str(out), "-q"]).exit_code == 0
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging or old folder left
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["publish", str(EXPORT), "-o", str(mine)])
    assert result.exit_code == 2 and "not a site kg publish wrote" in result.output
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    result = CliRunner().invoke(app, ["publish", str(tmp_path / "missing.nq"), "-o", str(tmp_path / "new")])
    assert result.exit_code == 2 and "missing.nq: error: no such file" in result.output
    assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "site"]


def test_sitemap_lists_every_resource_page_and_search_indexes_titles(tmp_path):
    out = tmp_path / "site"
    assert CliRunner().invoke(app, ["publish", str(EXPORT), "-o", str(out), "-q"]).exit_code == 0
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = [f for f in _files(out) if f.endswith(".html") and not re.match(r"(browse/|index|search|404)", f)]
    assert len(locs) == len(set(locs)) == len(pages)
    assert all(loc.startswith("https://example.org/kg/") for loc in locs)
    assert not any("/authorship/" in loc for loc in locs)  # they answer with their work's page
    index = (out / "search.json").read_text(encoding="utf-8")
    assert '"OpenAI o1 System Card","work/openai-o1-system-card","work"' in index
    assert '"H. Francis Song"' in index or '"Francis Song"' in index


def test_serve_says_which_file_is_missing():
    result = CliRunner().invoke(app, ["serve", "no-such-export.nq"])
    assert result.exit_code == 2 and "no-such-export.nq: error: no such file" in result.output


def test_serve_answers_for_several_exports_at_once(tricky, tmp_path):
    export, _ = tricky
    web = start_kg_serve(EXPORT, tmp_path, str(export))
    try:
        for path in ("/work/openai-o1-system-card", "/work/a-second-study-of-things", ENCODED[1]):
            status, headers, _ = web.get(path, "application/n-triples")
            assert status == 303 and headers["location"].endswith(".nt"), (path, status)
    finally:
        web.stop()


def test_documents_are_the_same_bytes_in_every_run():
    """Blank nodes (a work's bibo:authorList cells) keep the export's labels: a store's
    own loader would give them new random ones each time the exports are read."""
    first, second = read_published([EXPORT]), read_published([EXPORT])
    rows = first.store.query("SELECT DISTINCT ?w WHERE { GRAPH ?g { "
                             "?w <http://purl.org/ontology/bibo/authorList> ?l } }")
    works = [row["w"].value for row in rows]
    assert len(works) > 10
    for work in works:
        for representation in (NTRIPLES, TURTLE):
            one, two = (rdf_document(p.describe(work), representation) for p in (first, second))
            assert one == two and b"_:l" in one, work


def test_blank_nodes_of_two_exports_never_merge(tmp_path):
    """Two exports that use the same blank node labels for different lists (here: the
    same export, its lists' members changed in the second) keep each list whole."""
    changed = tmp_path / "changed.nq"
    changed.write_text(EXPORT.read_text(encoding="utf-8").replace("/person/", "/person/other-"), encoding="utf-8")
    published = read_published([EXPORT, changed])
    rows = published.store.query("SELECT ?cell (COUNT(?first) AS ?n) WHERE { GRAPH ?g { ?cell "
                                 "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?first } } GROUP BY ?cell")
    counts = [int(row["n"].value) for row in rows]
    assert counts and set(counts) == {1}


def test_an_iri_that_only_looks_like_an_authorship_keeps_its_documents(tmp_path):
    """``{x}/authorship/N`` answers with ``{x}``'s documents only where ``{x}`` points to
    it by prov:qualifiedAttribution; anything else under that shape has its own."""
    export = tmp_path / "shape.nq"
    base = "https://example.org/kg/"
    export.write_text(f"<{base}work/w> <http://schema.org/name> \"W\" .\n"
                      f"<{base}work/w/authorship/1> <http://www.w3.org/ns/prov#agent> <{base}person/p> .\n"
                      f"<{base}work/v> <http://www.w3.org/ns/prov#qualifiedAttribution> <{base}work/v/authorship/1> .\n"
                      f"<{base}work/v/authorship/1> <http://www.w3.org/ns/prov#agent> <{base}person/p> .\n",
                      encoding="utf-8")
    published = read_published([export], base)
    assert published.described_by(f"{base}work/w/authorship/1") is None
    assert published.described_by(f"{base}work/v/authorship/1") == f"{base}work/v"
    write_site(published, tmp_path / "site", jobs=1)
    assert (tmp_path / "site" / "work" / "w" / "authorship" / "1.ttl").is_file()
    assert not (tmp_path / "site" / "work" / "v").exists() and (tmp_path / "site" / "work" / "v.ttl").is_file()

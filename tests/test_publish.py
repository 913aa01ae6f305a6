"""kg serve, and kg publish's site under a real nginx and a real Apache with the
configuration it generated: every kind of IRI of the examples' export resolves, each
representation is parsed and equal (graph isomorphism) to the resource's triples,
Accept q-values choose as RFC 9110 says, Vary is sent, 404 and 406 say why."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.publish_fixtures import EXPORT, ROOT, VOID, expected, path_of, samples, work_of
from tests.rdfcompare import assert_same_triples, canonical_triples
from tests.webservers import Web, start_apache, start_kg_serve, start_nginx

PARSERS = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
           "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML}
SUFFIXES = {"text/html": ".html", "text/turtle": ".ttl", "application/ld+json": ".jsonld",
            "application/n-triples": ".nt", "application/rdf+xml": ".rdf"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
Q_VALUES = [  # Accept -> the media type chosen
    (None, "text/html"),
    ("*/*", "text/html"),
    (BROWSER, "text/html"),
    ("text/turtle", "text/turtle"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("application/n-triples, text/turtle;q=0.8", "application/n-triples"),
    ("application/rdf+xml;q=0.3, application/n-triples;q=0.2", "application/rdf+xml"),
    ("*/*;q=0.1, text/turtle", "text/turtle"),
    ("text/html;q=0, */*", "text/turtle"),
    ("text/*;q=0.9, text/html;q=0.1, */*;q=0", "text/turtle"),
    ("application/ld+json;q=0.5, text/html;q=0.4", "application/ld+json"),
    ("application/json", "application/ld+json"),
    ("text/turtle;q=2, application/n-triples;q=0.5", "application/n-triples"),
    ("TEXT/Turtle ; Q=0.7 , application/ld+json ; q=0.6", "text/turtle"),
    ("text/turtle, application/ld+json", "text/turtle"),
]
NOT_ACCEPTABLE = ["image/png", "text/turtle;q=0", "application/pdf, text/plain;q=0.5"]
SERVERS = ["kg serve", "nginx", "apache"]


@pytest.fixture(scope="module")
def site() -> Path:
    """The published site, in a folder that nginx's and Apache's unprivileged workers can
    read (pytest's temporary folders are private to the user who runs the tests)."""
    folder = Path(tempfile.mkdtemp(prefix="kg-site-"))
    folder.chmod(0o755)
    out = folder / "site"
    result = CliRunner().invoke(app, ["publish", str(EXPORT), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    yield out
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def web(request, site, tmp_path_factory):
    """One server per name, started once for the module."""
    started: dict[str, Web] = {}

    def get(name: str) -> Web:
        if name not in started:
            directory = tmp_path_factory.mktemp(name.replace(" ", "-"))
            if name == "kg serve":
                started[name] = start_kg_serve(EXPORT, directory, "--query-timeout", "2", "--max-result-bytes", "300000")
            elif name == "nginx":
                started[name] = start_nginx(site, directory)
            else:
                started[name] = start_apache(site, directory)
        return started[name]

    yield get
    for server in started.values():
        server.stop()


def media_type(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip()


def resolve(web: Web, path: str, accept: str | None, host: str | None = None) -> tuple[str, dict[str, str], bytes]:
    """GET a resource IRI: it must answer 303 with Vary: Accept (or, the ontology, 200
    directly with Content-Location); then GET the document. Returns its URL path. The
    303 of an authorship (``host``: the path of its work) is to its work's document,
    relative, the page at the authorship's anchor."""
    status, headers, _ = web.get(path, accept)
    assert "accept" in headers.get("vary", "").lower(), (web.name, path, headers)
    if path == "/ns":
        assert status == 200, (web.name, path, status)
        return f"/{headers['content-location']}", headers, web.get(path, accept)[2]
    assert status == 303, (web.name, path, accept, status)
    location = headers["location"]
    if host is None:
        assert "/" not in location and location.startswith(path.rsplit("/", 1)[1]), location
    else:
        stem, _, fragment = location.partition("#")
        assert stem.startswith("../" * (path.count("/") - 1) + host[1:] + "."), (web.name, path, location)
        assert fragment == (path[len(host) + 1:] if stem.endswith(".html") else ""), (web.name, location)
    document = urljoin(path, location).split("#")[0]
    status, headers, body = web.get(document, accept)
    assert status == 200, (web.name, document, status)
    return document, headers, body


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("kind", list(samples()))
def test_every_kind_of_iri_resolves_to_each_representation(web, server, kind):
    """Each document holds the resource's triples; an authorship's are its work's
    documents, which hold the work's triples and so its own."""
    iri = samples()[kind]
    path = path_of(iri)
    host = work_of(iri) if kind == "authorship" else None
    want = set(expected(host or iri))
    assert set(expected(iri)) <= want
    for media, suffix in SUFFIXES.items():
        document, headers, body = resolve(web(server), path, media, host and path_of(host))
        assert document.endswith(suffix), (server, path, media, document)
        assert media_type(headers) == media, (server, document, headers.get("content-type"))
        if media == "text/html":
            html = body.decode("utf-8")
            assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
            if kind != "ontology":
                assert_same_triples(embedded_jsonld(html), want)
            if host:
                assert f'<li id="{path[len(path_of(host)) + 1:]}">' in html
        else:
            assert_same_triples(canonical_triples(ox.parse(body, format=PARSERS[media])), want)


@pytest.mark.parametrize("server", SERVERS)
def test_authorships_have_no_documents_of_their_own(web, server, site):
    """No files for authorships; their suffix URLs, an authorship number the work does
    not have, one under a work that does not exist, and any other path below a work
    answer 404 from every server, as kg serve does."""
    assert not list(site.glob("work/*/authorship/*"))
    authorship = path_of(samples()["authorship"])
    work = path_of(work_of(samples()["authorship"]))
    for path in (authorship + ".ttl", authorship + ".html", f"{work}/authorship/9999", f"{work}/authorship/",
                 "/work/no-such-work-anywhere/authorship/1", f"{work}/no-such-thing", f"{work}/x/authorship/1"):
        for accept in ("text/turtle", BROWSER):
            status, _, _ = web(server).get(path, accept)
            assert status == 404, (server, path, accept, status)


def embedded_jsonld(html: str) -> set[str]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1, "one JSON-LD script per page"
    return canonical_triples(ox.parse(scripts[0].encode("utf-8"), format=ox.RdfFormat.JSON_LD))


@pytest.mark.parametrize("server", SERVERS)
def test_q_values_choose_as_rfc_9110_says(web, server):
    path = path_of(samples()["person"])
    for accept, chosen in Q_VALUES:
        status, headers, _ = web(server).get(path, accept)
        assert status == 303, (server, accept, status)
        assert headers["location"].endswith(SUFFIXES[chosen]), (server, accept, headers["location"])
        assert "accept" in headers["vary"].lower()


@pytest.mark.parametrize("server", SERVERS)
def test_406_lists_what_is_offered_and_404_names_what_is_missing(web, server):
    path = path_of(samples()["work"])
    for accept in NOT_ACCEPTABLE:
        status, headers, body = web(server).get(path, accept)
        assert status == 406, (server, accept, status)
        assert "accept" in headers.get("vary", "").lower()
        assert b"text/turtle" in body and b"application/ld+json" in body, body
    status, _, body = web(server).get("/work/no-such-work-anywhere", "text/turtle")
    assert status == 404, (server, status)
    status, _, _ = web(server).get("/work/no-such-work-anywhere.ttl")
    assert status == 404
    status, _, body = web(server).get("/work/no-such-work-anywhere", BROWSER)
    assert status == 404 and b"Not found" in body and b'lang="en"' in body


@pytest.mark.parametrize("server", SERVERS)
def test_the_void_is_at_its_well_known_address(web, server):
    want = canonical_triples(ox.parse(path=str(VOID), format=ox.RdfFormat.TURTLE))
    for media in PARSERS:
        status, headers, body = web(server).get("/.well-known/void", media)
        assert status == 200 and media_type(headers) == media, (server, media, status, headers)
        assert_same_triples(canonical_triples(ox.parse(body, format=PARSERS[media])), want)


@pytest.mark.parametrize("server", SERVERS)
def test_the_ontology_page_has_an_anchor_per_term(web, server):
    _, _, body = resolve(web(server), "/ns", "text/html")
    terms = {t.subject.value for t in ox.parse(path=str(ROOT / "ontology" / "kg.ttl"), format=ox.RdfFormat.TURTLE)
             if t.subject.value.startswith("https://w3id.org/kg/ns#")}
    assert terms
    for term in terms:
        assert f'id="{term.split("#")[1]}"'.encode() in body, term


# ---------------------------------------------------------------- SPARQL endpoint
def sparql(web: Web, query: str, accept: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    from urllib.parse import quote

    if method == "GET":
        return web.get(f"/sparql?query={quote(query)}", accept)
    if method == "POST form":
        return web.get("/sparql", accept, "POST", f"query={quote(query)}".encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
    return web.get("/sparql", accept, "POST", query.encode(), {"Content-Type": "application/sparql-query"})


@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
@pytest.mark.parametrize("name", ["profiles", "works-per-year", "coauthor-pairs"])
def test_sparql_endpoint_answers_the_example_queries_row_by_row(web, method, name):
    query = (ROOT / "examples" / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    status, headers, body = sparql(web("kg serve"), query, "text/tab-separated-values", method)
    assert status == 200, body
    assert media_type(headers) == "text/tab-separated-values"
    want = (ROOT / "examples" / "queries" / f"{name}.tsv").read_text(encoding="utf-8")
    assert body.decode("utf-8").splitlines() == want.splitlines()


def test_sparql_result_formats(web):
    query = "SELECT ?p ?layout WHERE { ?p kg:layout ?layout } ORDER BY ?p"
    server = web("kg serve")
    status, headers, body = sparql(server, query, "application/sparql-results+json")
    assert status == 200 and media_type(headers) == "application/sparql-results+json"
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == 5
    status, headers, body = sparql(server, query, "text/csv")
    assert media_type(headers) == "text/csv" and len(list(csv.reader(io.StringIO(body.decode())))) == 6
    status, headers, body = sparql(server, query, "application/sparql-results+xml")
    assert media_type(headers) == "application/sparql-results+xml" and body.count(b"<result>") == 5
    status, headers, body = sparql(server, "ASK { ?s a schema:Person }", "application/sparql-results+json")
    assert json.loads(body)["boolean"] is True
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{samples()['person']}> AS ?s) ?s ?p ?o }}"
    for media in ("text/turtle", "application/n-triples", "application/rdf+xml"):
        status, headers, body = sparql(server, construct, media)
        assert status == 200 and media_type(headers) == media
        assert_same_triples(canonical_triples(ox.parse(body, format=PARSERS[media])), set(expected(samples()["person"])))
    status, _, body = sparql(server, query, "text/html")
    assert status == 200 and b"<table>" in body and b"listing" in body
    status, _, body = sparql(server, query, "image/png")
    assert status == 406 and b"application/sparql-results+json" in body


def test_sparql_endpoint_refuses_updates_service_and_runaway_queries(web):
    server = web("kg serve")
    status, _, body = server.get("/sparql", None, "POST", b"INSERT DATA { <a:b> <a:c> <a:d> }",
                                 {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, body = server.get("/sparql?update=INSERT%20DATA%20%7B%7D")
    assert status == 403
    status, _, body = sparql(server, "INSERT DATA { <a:b> <a:c> <a:d> }", "text/csv")
    assert status == 400 and b"read-only" in body
    status, _, body = sparql(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "text/csv")
    assert status == 403 and b"SERVICE" in body
    status, _, body = sparql(server, "SELECT * WHERE { ?s ?p ?o }", "text/csv")  # ~2.3 MB > 300 kB
    assert status == 400 and b"larger than" in body
    status, _, body = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "text/csv")
    assert status == 503 and b"longer than 2 s" in body
    status, _, body = sparql(server, "SELECT ?s WHERE { ?s ?p }", "text/csv")
    assert status == 400 and b"bad SPARQL" in body
    status, _, body = sparql(server, "ASK {}", "text/csv")  # still answering after all that
    assert status == 200


def test_sparql_query_page(web):
    status, headers, body = web("kg serve").get("/sparql", BROWSER)
    assert status == 200 and media_type(headers) == "text/html"
    assert b'<textarea id="query" name="query"' in body and b'<label for="query">' in body


@pytest.mark.parametrize("server", SERVERS)
def test_home_index_pages_search_and_sitemap_answer(web, server):
    for path, media in (("/", "text/html"), ("/browse/works.html", "text/html"), ("/browse/people.html", "text/html"),
                        ("/browse/organizations.html", "text/html"), ("/browse/categories.html", "text/html"),
                        ("/browse/profiles.html", "text/html"), ("/search.html", "text/html"),
                        ("/search.json", "application/json"), ("/sitemap.xml", "application/xml"),
                        ("/static/style.css", "text/css")):
        status, headers, _ = web(server).get(path, BROWSER if media == "text/html" else "*/*")
        assert status == 200 and media_type(headers) == media, (server, path, status, headers.get("content-type"))
    _, _, body = web(server).get("/browse/works.html", BROWSER)
    for year in re.findall(rb'href="works/(\w+)\.html"', body):
        status, _, page = web(server).get(f"/browse/works/{year.decode()}.html", BROWSER)
        assert status == 200 and b'href="../../work/' in page


def test_pages_show_what_the_report_says(web):
    """A work's page shows each source record with its file and line and where the
    sources disagreed; a person's, the people who may be the same person."""
    server = web("kg serve")
    _, _, work = resolve(server, "/work/openai-o1-system-card", BROWSER)
    assert b"Where the sources disagree" in work and b"000_d56e7dbe932bb055.txt:1" in work
    assert b'href="../source/000_d56e7dbe932bb055.txt/L1"' in work
    first_author = rb'<ol class="items">\s*<li id="authorship/1"><a href="../organization/openai">OpenAI</a>'
    assert re.search(first_author, work)  # author order, and the anchor an authorship's 303 points to
    _, _, person = resolve(server, "/person/francis-song", BROWSER)
    assert b"May be the same person" in person and b'href="../person/francis-h-song"' in person
    assert b"a missing name" in person

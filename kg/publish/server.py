"""Publish stage: ``kg serve``, an ASGI application (Starlette) over a published store.

Every IRI under the base (and the project's namespaces) resolves, as the W3C note
"Cool URIs for the Semantic Web" (https://www.w3.org/TR/cooluris/) describes:

* a resource IRI (``/work/x``) names a thing, not a document: it answers
  ``303 See Other`` to the document the ``Accept`` header chooses (section 4.3, "303
  URIs forwarding to different documents"): ``x.html``, ``x.ttl``, ``x.jsonld``,
  ``x.nt`` or ``x.rdf``, with ``Vary: Accept``; an authorship
  (``/work/x/authorship/3``) to its work's document, which describes it
  (``../../../work/x.ttl``; the page at ``#authorship/3``, where it lists that author),
  and has no documents of its own (:meth:`kg.publish.store.Published.described_by`);
* the ontology (``/ns``) is a hash namespace (section 4.1): its document answers
  directly, ``200`` with the chosen representation, ``Content-Location`` and ``Vary``;
* a document URL (``/work/x.ttl``) answers ``200`` with its media type;
* nothing acceptable: ``406`` listing what is offered; an unknown IRI: ``404`` naming it.

Requests are answered from the store read at start, by a bounded lookup per request.
The path is taken raw (percent-encoding kept), since IRIs are matched as written.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from urllib.parse import parse_qsl

import pyoxigraph as ox

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.namespaces import PREFIXES
from kg.publish import sparql
from kg.publish.browse import Indexes, sitemaps
from kg.publish.documents import rdf_document
from kg.publish.negotiation import HTML, RDF_REPRESENTATIONS, REPRESENTATIONS, Representation, choose, split_suffix
from kg.publish.pages import resource_page
from kg.publish.render import Site, render, render_page
from kg.publish.store import ONTOLOGY_IRI, ONTOLOGY_PATH, Published, anchor
from kg.publish.views import Link, Linker, relative

VARY = {"Vary": "Accept"}
WELL_KNOWN_VOID = ".well-known/void"


@dataclass(frozen=True)
class ServeOptions:
    limits: sparql.Limits = sparql.Limits()


class ServerState:
    """The state a running server answers from (read once at start)."""

    def __init__(self, published: Published, options: ServeOptions):
        self.published = published
        self.site = Site(published.title, ", ".join(p.name for p in published.exports), sparql=True)
        self.indexes = Indexes(published)
        self.index_pages = {page.path: page for page in self.indexes.pages()}
        self.search_json = self.indexes.search_index().encode("utf-8")
        self.endpoint = sparql.Endpoint(published.store, options.limits)

    @cached_property
    def sitemaps(self) -> dict[str, str]:
        """Made on the first request for a sitemap, then kept."""
        return sitemaps(self.published, self.published.document_iris(self.published.served_iris()))


def _raw_path(request: Request) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode("utf-8")
    return raw.decode("latin-1").split("?", 1)[0].lstrip("/")


def _not_found(state: ServerState, request: Request, path: str, why: str) -> Response:
    message = f"404 Not Found: {why}"
    if choose(request.headers.get("accept"), (HTML, *RDF_REPRESENTATIONS)) is HTML:
        body = render("error.html", state.site, path, title="Not found", message=message,
                      hint="Browse the indexes or search titles and names.")
        return HTMLResponse(body, status_code=404)
    return PlainTextResponse(message + "\n", status_code=404)


def _not_acceptable(iri: str, offered: tuple = REPRESENTATIONS) -> Response:
    types = ", ".join(r.media_type for r in offered)
    return PlainTextResponse(f"406 Not Acceptable: <{iri}> is available as {types}\n", status_code=406, headers=VARY)


def _document(state: ServerState, iri: str, representation: Representation) -> Response:
    """The 200 answer of one document of a resource."""
    if representation is HTML:
        page = resource_page(state.published, iri)
        if page is None:
            return PlainTextResponse(f"404 Not Found: no resource <{iri}>\n", status_code=404)
        return HTMLResponse(render_page(page, state.site))
    body = rdf_document(state.published.describe(iri), representation)
    return Response(body, media_type=representation.content_type)


def _location(published: Published, iri: str, path: str, chosen: Representation) -> str:
    """Where a resource IRI's 303 points, relative to it: its own document, or the
    document of the resource that describes it (the page at its anchor)."""
    host = published.described_by(iri)
    if host is None:
        return f"{path.rsplit('/', 1)[-1]}{chosen.suffix}"
    fragment = f"#{anchor(iri, host)}" if chosen is HTML else ""
    return f"{relative(path, published.path_of(host) or '')}{chosen.suffix}{fragment}"


async def resource(request: Request) -> Response:
    state: ServerState = request.app.state.site
    path = _raw_path(request)
    published = state.published
    iri = published.iri_of(path)
    if path and published.path_of(iri) == path and published.exists(iri):
        chosen = choose(request.headers.get("accept"))
        if chosen is None:
            return _not_acceptable(iri)
        name = path.rsplit("/", 1)[-1]
        if iri == ONTOLOGY_IRI:  # a hash namespace's document answers directly
            response = _document(state, iri, chosen)
            response.headers.update({**VARY, "Content-Location": f"{name}{chosen.suffix}"})
            return response
        return RedirectResponse(_location(published, iri, path, chosen), status_code=303, headers=VARY)
    stem, representation = split_suffix(path)
    if representation is not None:
        iri = published.iri_of(stem)
        if published.path_of(iri) == stem and published.exists(iri):
            host = published.described_by(iri)
            if host is None:
                return _document(state, iri, representation)
            why = f"<{iri}> has no documents of its own: its work's describe it, /{published.path_of(host)}"
            return _not_found(state, request, path, why + representation.suffix)
        index = state.index_pages.get(stem) if representation is HTML else None
        if index is not None:
            return HTMLResponse(render_page(index, state.site))
    return _not_found(state, request, path, f"this site has no resource <{iri}> and no document /{path}")


async def home(request: Request) -> Response:
    state: ServerState = request.app.state.site
    return HTMLResponse(render_page(state.indexes.home(), state.site))


async def search_page(request: Request) -> Response:
    state: ServerState = request.app.state.site
    return HTMLResponse(render("search.html", state.site, "search", title="Search"))


async def search_index(request: Request) -> Response:
    return Response(request.app.state.site.search_json, media_type="application/json")


async def sitemap(request: Request) -> Response:
    state: ServerState = request.app.state.site
    name = request.url.path.lstrip("/")
    found = await asyncio.to_thread(lambda: state.sitemaps.get(name))
    if found is None:
        return PlainTextResponse(f"404 Not Found: no {name}\n", status_code=404)
    return Response(found, media_type="application/xml")


async def void(request: Request) -> Response:
    """The VoID description of the published exports (https://www.w3.org/TR/void/, section 7.2)."""
    state: ServerState = request.app.state.site
    chosen = choose(request.headers.get("accept"), RDF_REPRESENTATIONS)
    if chosen is None:
        return _not_acceptable(state.published.base + WELL_KNOWN_VOID, RDF_REPRESENTATIONS)
    return Response(rdf_document(state.published.void, chosen), media_type=chosen.content_type, headers=VARY)


async def sparql_endpoint(request: Request) -> Response:
    state: ServerState = request.app.state.site
    params = dict(parse_qsl(request.url.query, keep_blank_values=True))
    multi = parse_qsl(request.url.query, keep_blank_values=True)
    query = params.get("query")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method == "POST":
        body = (await request.body()).decode("utf-8", "replace")
        if content_type == "application/sparql-update":
            return PlainTextResponse("403 Forbidden: this endpoint is read-only: updates are refused\n", status_code=403)
        if content_type == "application/sparql-query":
            query = body
        elif content_type == "application/x-www-form-urlencoded":
            form = parse_qsl(body, keep_blank_values=True)
            multi += form
            params.update(dict(form))
            query = params.get("query", query)
        else:
            return PlainTextResponse("415 Unsupported Media Type: POST application/sparql-query or a form with query=\n",
                                     status_code=415)
    if "update" in params:
        return PlainTextResponse("403 Forbidden: this endpoint is read-only: updates are refused\n", status_code=403)
    if query is None:
        return HTMLResponse(_query_page(state, "SELECT ?work ?title WHERE {\n  ?work a schema:ScholarlyArticle ; schema:name ?title .\n} ORDER BY ?title LIMIT 20", None, None))
    sparql_request = sparql.Request(query=query, accept=request.headers.get("accept"), format=params.get("format") or None,
                                    default_graphs=tuple(v for k, v in multi if k == "default-graph-uri"),
                                    named_graphs=tuple(v for k, v in multi if k == "named-graph-uri"))
    answer = await asyncio.to_thread(state.endpoint.answer, sparql_request)
    if answer.html or (answer.status >= 400 and params.get("format") == "html"):
        error = answer.body.decode("utf-8", "replace") if answer.status >= 400 else None
        page = _query_page(state, query, _table(state, answer) if not error else None, error)
        return HTMLResponse(page, status_code=answer.status, headers=VARY)
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers=VARY)


def _table(state: ServerState, answer: sparql.Answer) -> dict:
    """A SPARQL JSON result (or N-Triples of a graph result) as rows of links, for the page."""
    linker = Linker(state.published, "sparql")
    if answer.media_type.startswith("application/n-triples"):
        rows = [[linker.term(t.subject)[0], linker.term(t.predicate)[0], linker.term(t.object)[0]]
                for t in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)]
        return {"header": ["subject", "predicate", "object"], "rows": rows[:1000], "note": f"{len(rows)} triples"}
    data = json.loads(answer.body)
    if "boolean" in data:
        return {"header": ["answer"], "rows": [[Link(str(data["boolean"]).lower())]], "note": "ASK"}
    header = data["head"]["vars"]
    rows = []
    for binding in data["results"]["bindings"][:1000]:
        row = []
        for var in header:
            cell = binding.get(var)
            if cell is None:
                row.append(Link(""))
            elif cell["type"] == "uri":
                row.append(linker.to(cell["value"], cell["value"]) if state.published.path_of(cell["value"]) is not None
                           else Link(cell["value"], cell["value"]))
            else:
                row.append(Link(cell["value"]))
        rows.append(row)
    count = len(data["results"]["bindings"])
    return {"header": header, "rows": rows, "note": f"{count} row(s)" + (", first 1000 shown" if count > 1000 else "")}


def _query_page(state: ServerState, query: str, table: dict | None, error: str | None) -> str:
    formats = [("html", "a table on this page"), ("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"),
               ("tsv", "TSV"), ("turtle", "Turtle (CONSTRUCT)"), ("ntriples", "N-Triples (CONSTRUCT)")]
    limits = state.endpoint.limits
    return render("sparql.html", state.site, "sparql", title="SPARQL query", query=query, table=table, error=error,
                  formats=formats, chosen="html", prefixes=list(PREFIXES.items()), timeout=f"{limits.timeout:g}",
                  max_mb=f"{limits.max_bytes / 1e6:g}")


def create_app(published: Published, options: ServeOptions = ServeOptions()) -> Starlette:
    """The ASGI application serving one published store."""
    static = StaticFiles(directory=str(files("kg.publish").joinpath("static")))
    routes = [
        Route("/", home), Route("/index.html", home),
        Route("/search.html", search_page), Route("/search.json", search_index),
        Route("/sitemap.xml", sitemap), Route("/sitemap-{n:int}.xml", sitemap),
        Route(f"/{WELL_KNOWN_VOID}", void),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Mount("/static", app=static, name="static"),
        Route("/{path:path}", resource),
    ]
    app = Starlette(routes=routes)
    app.state.site = ServerState(published, options)
    return app

"""Publish stage: the index pages (works by year, people A–Z, organisations, categories,
profiles), the home page, the search index and the sitemap.

Each is made from one SPARQL SELECT over the whole store, once (``kg serve`` keeps the
result; ``kg publish`` writes it). Index pages live under ``browse/`` and are documents,
linked with their ``.html`` suffix; resources are linked by their IRIs' paths.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from xml.sax.saxutils import escape

from kg.namespaces import DCTERMS, VOID
from kg.publish.store import Published
from kg.publish.views import Fact, Item, Link, Page, Section, relative

WORKS = """SELECT ?s ?name ?date WHERE { ?s a schema:ScholarlyArticle .
  OPTIONAL { ?s schema:name ?name } OPTIONAL { ?s schema:datePublished ?date } }"""
PEOPLE = """SELECT ?s ?name ?family WHERE { ?s a schema:Person ; schema:name ?name .
  OPTIONAL { ?s schema:familyName ?family } }"""
NAMED = "SELECT ?s ?name WHERE {{ ?s a {cls} . OPTIONAL {{ ?s schema:name ?name }} }}"
KINDS = (("organizations", "Organisations", "schema:Organization", "organisation"),
         ("categories", "Categories", "skos:Concept", "category"),
         ("profiles", "Profiles", "schema:ProfilePage", "profile"))
UNDATED, OTHER = "undated", "other"


@dataclass(frozen=True, slots=True)
class Entry:
    iri: str
    path: str
    text: str
    group: str
    sort: tuple
    kind: str
    detail: str = ""


def _first(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """One row per subject (the smallest name: deterministic when a subject has several)."""
    chosen: dict[str, dict[str, str]] = {}
    for row in rows:
        current = chosen.get(row["s"])
        if current is None or (row.get("name", ""), row.get("date", "")) < (current.get("name", ""), current.get("date", "")):
            chosen[row["s"]] = row
    return chosen


def _letter(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().strip().lower()
    return folded[0] if folded and folded[0].isalpha() else OTHER


class Indexes:
    """The listings of one published store, computed once."""

    def __init__(self, published: Published):
        self.published = published

    def _entry(self, row: dict[str, str], kind: str, group: str, sort: tuple, detail: str = "") -> Entry | None:
        path = self.published.path_of(row["s"])
        if path is None:
            return None
        text = row.get("name") or path.rsplit("/", 1)[-1]
        return Entry(row["s"], path, text, group, sort, kind, detail)

    @cached_property
    def works(self) -> list[Entry]:
        entries = []
        for row in _first(self.published.select(WORKS)).values():
            date = row["date"]
            entry = self._entry(row, "work", date[:4] if date else UNDATED, (date or "9999", row["name"], row["s"]), date)
            if entry:
                entries.append(entry)
        return sorted(entries, key=lambda e: e.sort)

    @cached_property
    def people(self) -> list[Entry]:
        entries = []
        for row in _first(self.published.select(PEOPLE)).values():
            family = row["family"] or row["name"].rsplit(" ", 1)[-1]
            entry = self._entry(row, "person", _letter(family), (family.casefold(), row["name"].casefold(), row["s"]))
            if entry:
                entries.append(entry)
        return sorted(entries, key=lambda e: e.sort)

    @cached_property
    def others(self) -> dict[str, list[Entry]]:
        listings = {}
        for name, _, cls, kind in KINDS:
            rows = _first(self.published.select(NAMED.format(cls=cls))).values()
            entries = [self._entry(r, kind, "", ((r["name"] or r["s"]).casefold(), r["s"])) for r in rows]
            listings[name] = sorted((e for e in entries if e), key=lambda e: e.sort)
        return listings

    # ------------------------------------------------------------- pages
    def pages(self) -> list[Page]:
        """Every index page: works, each year, people, each letter, the other kinds."""
        pages = [self._groups("browse/works", "Works by year", self.works, "works published in", reverse=True),
                 self._groups("browse/people", "People A–Z", self.people, "people under")]
        pages += self._group_pages("browse/works", "Works published in", self.works)
        pages += self._group_pages("browse/people", "People under", self.people)
        for name, title, _, _ in KINDS:
            path = f"browse/{name}"
            pages.append(Page(path=path, title=title, kind="Index",
                              sections=(Section(f"{len(self.others[name])} {title.lower()}",
                                                tuple(self._item(path, e) for e in self.others[name])),)))
        return pages

    def _groups(self, path: str, title: str, entries: list[Entry], what: str, reverse: bool = False) -> Page:
        counts: dict[str, int] = defaultdict(int)
        for e in entries:
            counts[e.group] += 1
        groups = sorted((g for g in counts if g not in (UNDATED, OTHER)), reverse=reverse)
        groups += [g for g in (UNDATED, OTHER) if g in counts]
        items = tuple(Item(Link(g.upper() if len(g) == 1 else g, relative(path, f"{path}/{g}.html"), f"{counts[g]}"))
                      for g in groups)
        return Page(path=path, title=title, kind="Index", sections=(Section(f"{len(entries)} in all", items),))

    def _group_pages(self, path: str, title: str, entries: list[Entry]) -> list[Page]:
        by_group: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            by_group[e.group].append(e)
        pages = []
        for group, members in sorted(by_group.items()):
            page_path = f"{path}/{group}"
            label = group.upper() if len(group) == 1 else group
            pages.append(Page(path=page_path, title=f"{title} {label}", kind="Index",
                              sections=(Section(f"{len(members)}", tuple(self._item(page_path, e) for e in members)),)))
        return pages

    @staticmethod
    def _item(from_path: str, entry: Entry) -> Item:
        details = (Link(entry.detail),) if entry.detail else ()
        return Item(Link(entry.text, relative(from_path, entry.path)), details)

    def home(self) -> Page:
        dataset = next((t.subject.value for t in self.published.void if t.predicate.value == str(VOID.triples)
                        and t.subject.value.startswith(self.published.base)), None)
        paragraphs = tuple(("About", t.object.value) for t in self.published.void
                           if t.predicate.value == str(DCTERMS.description) and t.subject.value == dataset)
        links = [Item(Link(title, f"browse/{name}.html"), (Link(f"{count}"),)) for name, title, count in (
            ("works", "Works by year", len(self.works)), ("people", "People A–Z", len(self.people)),
            *((n, t, len(self.others[n])) for n, t, _, _ in KINDS))]
        links.append(Item(Link("Search titles and names", "search.html")))
        links.append(Item(Link("The kg ontology", "ns")))
        if dataset:
            links.append(Item(Link("Dataset description", self.published.path_of(dataset) or dataset)))
        return Page(path="", title=self.published.title, kind="Dataset", paragraphs=paragraphs,
                    facts=(Fact("Base IRI", (Link(self.published.base),)),), sections=(Section("Browse", tuple(links)),))

    # ------------------------------------------------------------- machine-readable
    def search_index(self) -> str:
        """``[[text, path, kind, detail], ...]``: titles and names (people's other spellings too)."""
        rows = [[e.text, e.path, e.kind, e.detail] for e in self.works]
        rows += [[e.text, e.path, e.kind, ""] for e in self.people]
        for alternate in self.published.select("SELECT ?s ?name WHERE { ?s a schema:Person ; schema:alternateName ?name }"):
            path = self.published.path_of(alternate["s"])
            if path is not None:
                rows.append([alternate["name"], path, "person", "other spelling"])
        rows += [[e.text, e.path, e.kind, ""] for entries in self.others.values() for e in entries]
        rows.sort(key=lambda r: (r[2] != "work", r[0].casefold(), r[1], r[3]))
        return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


SITEMAP_URLS = 50_000
"""At most this many URLs per sitemap file (sitemaps.org protocol); more go in several
files listed by a sitemap index."""


def sitemaps(published: Published, iris: list[str]) -> dict[str, str]:
    """sitemaps.org files (name -> XML) listing every resource page at the site's base."""
    urls = [f"{published.base}{published.path_of(i)}" for i in iris]
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    chunks = [urls[i:i + SITEMAP_URLS] for i in range(0, len(urls), SITEMAP_URLS)] or [[]]

    def urlset(chunk: list[str]) -> str:
        lines = "".join(f"  <url><loc>{escape(u)}</loc></url>\n" for u in chunk)
        return f'{head}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{lines}</urlset>\n'

    if len(chunks) == 1:
        return {"sitemap.xml": urlset(chunks[0])}
    files = {f"sitemap-{n}.xml": urlset(c) for n, c in enumerate(chunks, 1)}
    index = "".join(f"  <sitemap><loc>{escape(published.base + name)}</loc></sitemap>\n" for name in files)
    return {"sitemap.xml": f'{head}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{index}</sitemapindex>\n',
            **files}

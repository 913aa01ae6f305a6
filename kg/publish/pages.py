"""Publish stage: the page of each kind of resource, built from bounded lookups.

A registry (:data:`KINDS`) maps an ``rdf:type`` to the kind's name and the function that
adds its facts and sections; every page also gets the table of all its statements, its
schema.org JSON-LD (from :mod:`kg.publish.documents`) and links to its RDF documents.
Disagreements and candidates come from the reconciliation reports beside the exports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import pyoxigraph as ox
from rdflib.namespace import OWL

from kg.identity import Iris
from kg.models import SourceRef
from kg.namespaces import BIBO, DCTERMS, KG, PROV, RDF, RDFS, SCHEMA, SKOS, VOID
from kg.publish.documents import jsonld_document, script_safe
from kg.publish.store import ONTOLOGY_IRI, Published, anchor
from kg.publish.views import Fact, Item, Link, Linker, Page, Section, compact, list_members

COAUTHORS_SHOWN = 8


@dataclass(frozen=True)
class Context:
    published: Published
    iri: str
    path: str
    triples: list[ox.Triple]
    link: Linker

    @cached_property
    def by_subject(self) -> dict[ox.NamedNode | ox.BlankNode, dict[str, list]]:
        """The triples indexed once: subject -> predicate IRI -> objects, sorted."""
        index: dict = defaultdict(lambda: defaultdict(set))
        for t in self.triples:
            index[t.subject][t.predicate.value].add(t.object)
        return {s: {p: sorted(objects, key=str) for p, objects in predicates.items()} for s, predicates in index.items()}

    def values(self, predicate: str, subject: ox.NamedNode | ox.BlankNode | None = None) -> list:
        """Objects of the resource's own triples (not its authorships' or lists'), or of
        ``subject``'s among the triples."""
        return self.by_subject.get(subject or ox.NamedNode(self.iri), {}).get(predicate, [])

    def texts(self, predicate: str) -> tuple[Link, ...]:
        return tuple(Link(v.value) for v in self.values(predicate) if isinstance(v, ox.Literal))

    def links(self, predicate: str) -> tuple[Link, ...]:
        return tuple(self.link.to(v.value) for v in self.values(predicate) if isinstance(v, ox.NamedNode))

    def reverse(self, predicate: str, heading: str, detail: Callable[[str], tuple[Link, ...]] | None = None,
                key: Callable[[str], object] | None = None, note: Callable[[str], str] | None = None,
                lead: str = "") -> Section:
        """The resources that point to this one by ``predicate`` (bounded), as items."""
        found, more = self.published.subjects(predicate, self.iri)
        found = sorted(found, key=key) if key else found
        items = []
        for s in found:
            details = detail(s) if detail else ()
            items.append(Item(self.link.to(s, note=note(s) if note else ""), details, lead=lead if details else ""))
        return Section(heading, tuple(items), note="and more: ask the SPARQL endpoint for all" if more else "")


def _facts(*facts: tuple[str, tuple[Link, ...]]) -> tuple[Fact, ...]:
    return tuple(Fact(label, values) for label, values in facts if values)


def _date_key(published: Published) -> Callable[[str], tuple[str, str]]:
    def key(work: str) -> tuple[str, str]:
        date = published.value(work, str(SCHEMA.datePublished))
        return (date.value if date else "9999", published.label(work))
    return key


def _date_note(ctx: Context) -> Callable[[str], str]:
    def note(work: str) -> str:
        date = ctx.published.value(work, str(SCHEMA.datePublished))
        return date.value if date else "undated"
    return note


def work(page: Page, ctx: Context) -> Page:
    """Title, ordered authors, date, categories, abstract, organisations, the profiles
    that list it, its source records and where the sources disagree."""
    authorships = []
    for a in ctx.values(str(PROV.qualifiedAttribution)):
        get = {predicate: objects[-1] for predicate, objects in ctx.by_subject.get(a, {}).items()}
        if str(KG.position) in get and str(PROV.agent) in get:
            authorships.append((int(get[str(KG.position)].value), get[str(PROV.agent)].value,
                                get.get(str(KG.printedName)), a.value))
    authors = []
    for _, agent, printed, authorship in sorted(authorships):  # an authorship's IRI answers with this page, here
        name = ctx.published.label(agent)
        note = f"printed “{printed.value}”" if printed is not None and printed.value != name else ""
        here = anchor(authorship, ctx.iri) if ctx.published.described_by(authorship) == ctx.iri else ""
        authors.append(Item(ctx.link.to(agent, name, note), anchor=here))
    complete = ctx.values(str(KG.authorListComplete))
    cut = bool(complete) and complete[0].value == "false"
    sections = [Section("Authors", tuple(authors), ordered=True,
                        note="the sources list only the first authors (et al.)" if cut else "")]
    sections.append(ctx.reverse(str(SCHEMA.hasPart), "Listed in profiles"))
    sections.append(_source_records(ctx))
    sections.append(_disagreements(ctx))
    abstract = ctx.values(str(SCHEMA.abstract))
    facts = _facts(("Published", ctx.texts(str(SCHEMA.datePublished))),
                   ("Categories", ctx.links(str(SCHEMA.about))),
                   ("Organisations", ctx.links(str(SCHEMA.sourceOrganization))),
                   ("Kind", tuple(Link(compact(t.value), t.value) for t in ctx.values(str(RDF.type)))),
                   ("Code available", ctx.texts(str(KG.codeAvailable))))
    return replace(page, facts=facts, paragraphs=tuple(("Abstract", a.value) for a in abstract),
                   sections=tuple(s for s in sections if s.items))


def _source_records(ctx: Context) -> Section:
    items = []
    for record in ctx.values(str(PROV.wasDerivedFrom)):
        file = ctx.published.value(record.value, str(KG.sourceFile))
        line = ctx.published.value(record.value, str(KG.line))
        title = ctx.published.value(record.value, str(DCTERMS.title))
        details = [ctx.link.to(file.value, note=f"line {line.value}" if line else "")] if file else []
        if title:
            details.append(Link(f"printed title “{title.value}”"))
        items.append(Item(ctx.link.to(record.value), tuple(details)))
    return Section("Source records", tuple(items))


def _disagreements(ctx: Context) -> Section:
    iris = Iris(ctx.published.base)
    items = []
    for item in ctx.published.report.disagreements.get(ctx.iri, []):
        details = [Link(f"kept: {item.get('kept', '')}", note=item.get("rule", ""))]
        for value in item.get("values", []):
            for source in value.get("sources", []):
                record = iris.record(SourceRef(source=source["source"], path=source["source"], line=source["line"]))
                details.append(Link(f"{value.get('value', '')}", ctx.link.href(record),
                                    note=f"{source['source']}:{source['line']}"))
        items.append(Item(Link(f"{item.get('field', '')}"), tuple(details)))
    return Section("Where the sources disagree", tuple(items))


def person(page: Page, ctx: Context) -> Page:
    """Name, other spellings, works in date order with co-authors, and the people the
    reconciliation report says may be the same person."""
    def coauthors(work: str) -> tuple[Link, ...]:
        head = ctx.published.value(work, str(BIBO.authorList))
        members = list_members(ctx.published, head, COAUTHORS_SHOWN + 1) if head is not None else []
        others = [m.value for m in members if isinstance(m, ox.NamedNode) and m.value != ctx.iri][:COAUTHORS_SHOWN]
        total = len(ctx.published.objects(work, str(SCHEMA.author)))
        more = total - 1 - len(others)
        links = [ctx.link.to(o) for o in others]
        return tuple(links + ([Link(f"and {more} more")] if more > 0 else []))

    works = ctx.reverse(str(SCHEMA.author), "Works", coauthors, key=_date_key(ctx.published),
                        note=_date_note(ctx), lead="with")
    candidates = []
    for item in ctx.published.report.person_candidates.get(ctx.iri, []):
        for other, name in zip(item["people"], item["names"]):
            if other != ctx.iri:
                candidates.append(Item(ctx.link.to(other, note=f"printed “{name}”"), (Link(f"reason: {item['reason']}"),)))
    for item in ctx.published.report.owner_candidates.get(ctx.iri, []):
        candidates.append(Item(ctx.link.to(item["owner"] if item.get("candidate") == ctx.iri else item["candidate"]),
                               (Link("owner of a profile known by a first name only"),)))
    sections = (replace(works, ordered=False), ctx.reverse(str(SCHEMA.about), "Profiles about this person"),
                Section("May be the same person", tuple(candidates)))
    facts = _facts(("Name", ctx.texts(str(SCHEMA.name))), ("Other spellings", ctx.texts(str(SCHEMA.alternateName))),
                   ("Given name", ctx.texts(str(SCHEMA.givenName))), ("Family name", ctx.texts(str(SCHEMA.familyName))))
    return replace(page, facts=facts, sections=tuple(s for s in sections if s.items))


def organization(page: Page, ctx: Context) -> Page:
    key = _date_key(ctx.published)
    sections = (ctx.reverse(str(SCHEMA.author), "Works it authored", None, key, _date_note(ctx)),
                ctx.reverse(str(SCHEMA.sourceOrganization), "Works tagged with it", None, key, _date_note(ctx)))
    facts = _facts(("Name", ctx.texts(str(SCHEMA.name))), ("Other spellings", ctx.texts(str(SCHEMA.alternateName))))
    return replace(page, facts=facts, sections=tuple(s for s in sections if s.items))


def category(page: Page, ctx: Context) -> Page:
    works = ctx.reverse(str(SCHEMA.about), "Works", None, _date_key(ctx.published), _date_note(ctx))
    facts = _facts(("Code", ctx.texts(str(SKOS.notation))), ("Label", ctx.texts(str(SCHEMA.name))),
                   ("Scheme", ctx.links(str(SKOS.inScheme))))
    return replace(page, facts=facts, sections=(works,) if works.items else ())


def profile(page: Page, ctx: Context) -> Page:
    inferred = ctx.values(str(KG.ownerInferred))
    owner_note = "inferred: the one author of every work it lists" if inferred and inferred[0].value == "true" else ""
    owners = tuple(replace(link, note=owner_note) for link in ctx.links(str(SCHEMA.about)))
    facts = _facts(("Owner", owners), ("Layout", ctx.texts(str(KG.layout))),
                   ("Source file", ctx.links(str(PROV.wasDerivedFrom))))
    works = ctx.reverse(str(SCHEMA.hasPart), "Works it lists", None, _date_key(ctx.published), _date_note(ctx))
    candidates = tuple(Item(ctx.link.to(c["candidate"], note=f"printed “{c.get('name', '')}”"),
                            (Link("the one author of its works with the owner's first name"),))
                       for c in ctx.published.report.owner_candidates.get(ctx.iri, []) if c.get("candidate"))
    sections = (works, Section("Owner candidates", candidates))
    return replace(page, facts=facts, sections=tuple(s for s in sections if s.items))


def source_file(page: Page, ctx: Context) -> Page:
    def line_key(record: str) -> tuple[int, str]:
        line = ctx.published.value(record, str(KG.line))
        return (int(line.value) if line else 0, record)

    def title(record: str) -> tuple[Link, ...]:
        text = ctx.published.value(record, str(DCTERMS.title))
        return (Link(text.value),) if text else ()

    records = ctx.reverse(str(KG.sourceFile), "Records", title, line_key)
    sections = (ctx.reverse(str(PROV.wasDerivedFrom), "Profile read from it"), replace(records, ordered=False))
    return replace(page, sections=tuple(s for s in sections if s.items))


def record(page: Page, ctx: Context) -> Page:
    facts = _facts(("File", ctx.links(str(KG.sourceFile))), ("Line", ctx.texts(str(KG.line))),
                   ("Printed title", ctx.texts(str(DCTERMS.title))),
                   ("Printed authors", ctx.texts(str(KG.printedAuthors))), ("Date", ctx.texts(str(DCTERMS.date))),
                   ("Category", ctx.links(str(DCTERMS.subject))),
                   ("Printed organisations", ctx.texts(str(KG.printedOrganizations))))
    works = ctx.reverse(str(PROV.wasDerivedFrom), "Work read from it")
    return replace(page, facts=facts, paragraphs=tuple(("Abstract", a.value) for a in ctx.values(str(DCTERMS.abstract))),
                   sections=(works,) if works.items else ())


def authorship(page: Page, ctx: Context) -> Page:
    """The page of an authorship that its work's documents do not describe (one that
    :meth:`Published.described_by` does not place: kg export's answer with the work's)."""
    works, _ = ctx.published.subjects(str(PROV.qualifiedAttribution), ctx.iri)
    facts = _facts(("Work", tuple(ctx.link.to(w) for w in works)), ("Position", ctx.texts(str(KG.position))),
                   ("Author", ctx.links(str(PROV.agent))), ("Printed name", ctx.texts(str(KG.printedName))))
    title = f"Author {facts[1].values[0].text if len(facts) > 1 else ''} of {ctx.published.label(works[0]) if works else 'a work'}"
    return replace(page, title=title, facts=facts)


def graph(page: Page, ctx: Context) -> Page:
    size = ctx.published.graph_sizes.get(ctx.iri)
    facts = _facts(("Triples", (Link(f"{size:,}"),) if size is not None else ()))
    return replace(page, facts=facts, paragraphs=(("About", "A named graph of the export: query it with "
                                                   f"GRAPH <{ctx.iri}> at the SPARQL endpoint, or get it whole "
                                                   "from the export's dump."),))


def ontology(page: Page, ctx: Context) -> Page:
    """Every term of the ``kg:`` namespace with an anchor, so ``ns#Term`` resolves."""
    terms: dict[str, dict[str, list[str]]] = {}
    for t in ctx.triples:
        if t.subject.value.startswith(ONTOLOGY_IRI + "#"):
            terms.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object.value)
    classes, properties = [], []
    for iri in sorted(terms):
        term = terms[iri]
        local = iri.split("#", 1)[1]
        item = Item(Link(f"kg:{local}", f"#{local}"), tuple(Link(text) for p in (RDFS.label, RDFS.comment)
                                                                for text in term.get(str(p), [])), anchor=local)
        (classes if str(OWL.Class) in term.get(str(RDF.type), []) else properties).append(item)
    comments = [t.object.value for t in ctx.triples if t.subject.value == ONTOLOGY_IRI and t.predicate == ox.NamedNode(str(RDFS.comment))]
    return replace(page, title="kg ontology", paragraphs=tuple(("About", c) for c in comments),
                   sections=(Section("Classes", tuple(classes)), Section("Properties", tuple(properties))))


KINDS: tuple[tuple[str, str, Callable[[Page, Context], Page]], ...] = (
    (str(OWL.Ontology), "Ontology", ontology),
    (str(SCHEMA.ScholarlyArticle), "Work", work),
    (str(PROV.Attribution), "Authorship", authorship),
    (str(SCHEMA.Person), "Person", person),
    (str(SCHEMA.Organization), "Organisation", organization),
    (str(SKOS.Concept), "Category", category),
    (str(SCHEMA.ProfilePage), "Profile", profile),
    (str(KG.SourceRecord), "Source record", record),
    (str(KG.SourceFile), "Source file", source_file),
)
"""rdf:type -> the kind's name and page builder; the first type a resource has wins."""


def resource_page(published: Published, iri: str, triples: list[ox.Triple] | None = None,
                  jsonld: str | None = None) -> Page | None:
    """The page of a served resource, or None when the export has nothing about it
    (``triples`` and their ``jsonld``, when the caller has them already)."""
    path = published.path_of(iri)
    if path is None or not published.exists(iri):
        return None
    triples = published.describe(iri) if triples is None else triples
    jsonld = jsonld_document(triples) if jsonld is None else jsonld
    link = Linker(published, path)
    page = Page(path=path, iri=iri, title=published.label(iri), kind="Resource",
                statements=link.statements(iri, triples), jsonld=script_safe(jsonld), formats=link.formats())
    types = set(published.types(iri))
    ctx = Context(published, iri, path, triples, link)
    if iri in published.graph_sizes and not types - {str(VOID.Dataset)}:
        return graph(replace(page, kind="Named graph"), ctx)
    for rdf_type, kind, build in KINDS:
        if rdf_type in types:
            return build(replace(page, kind=kind), ctx)
    if str(VOID.Dataset) in types:
        return replace(page, kind="Dataset")
    return page

"""Map stage: a work (schema:ScholarlyArticle + a BIBO class), its authorships and provenance."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.identity import Iris
from kg.mapping.category import category_iri
from kg.mapping.terms import Term, Triple, bibo, boolean, date, dcterms, each, integer, iri, kg, prov, rdf, rdf_list, schema, text
from kg.models import Work

REPORT_TITLE = re.compile(r"\b(?:system card|model card|technical report|report)\b", re.IGNORECASE)
"""System/model cards and technical reports are bibo:Report (MODEL.md); other works bibo:AcademicArticle."""


def bibo_class(work: Work) -> Term:
    return bibo.Report if work.title and REPORT_TITLE.search(work.title) else bibo.AcademicArticle


def work_to_triples(work: Work, iris: Iris) -> Iterator[Triple]:
    """schema.org and BIBO description of one work (MODEL.md, "Work")."""
    w = iri(work.iri)
    yield w, rdf.type, schema.ScholarlyArticle
    yield w, rdf.type, bibo_class(work)
    if work.title:
        yield from each(w, (schema.name, dcterms.title), text(work.title))
    if work.abstract:
        yield from each(w, (schema.abstract, bibo.abstract), text(work.abstract))
    if work.date:
        yield from each(w, (schema.datePublished, dcterms.issued), date(work.date))
    if work.category:
        yield from each(w, (schema.about, dcterms.subject), category_iri(work.category))
    for organization in work.organizations:
        yield w, schema.sourceOrganization, iri(organization)
    if work.code_available is not None:
        yield w, kg.codeAvailable, boolean(work.code_available)
    for ref in work.sources:
        yield w, prov.wasDerivedFrom, iri(iris.record(ref))
    yield from authors_to_triples(work)


def authors_to_triples(work: Work) -> Iterator[Triple]:
    """The ordered authors said two ways from one model: bibo:authorList, and one
    prov:Attribution per position with kg:position and kg:printedName."""
    if not work.authorships:
        return
    w = iri(work.iri)
    agents = [iri(a.agent) for a in work.authorships]
    for agent in dict.fromkeys(agents):
        yield w, schema.author, agent
        yield w, dcterms.creator, agent
    head, cells = rdf_list(w, agents)
    yield w, bibo.authorList, head
    yield w, kg.authorListComplete, boolean(bool(work.authors_complete))
    attributions = [f"<{work.iri}/authorship/{a.position}>" for a in work.authorships]
    for a in attributions:  # the work's own triples first, then each authorship's
        yield w, prov.qualifiedAttribution, a
    for authorship, agent, a in zip(work.authorships, agents, attributions):
        yield a, rdf.type, prov.Attribution
        yield a, prov.agent, agent
        yield a, kg.position, integer(authorship.position)
        yield a, kg.printedName, text(authorship.printed)
    yield from cells

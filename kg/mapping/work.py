"""Map stage: a work (schema:ScholarlyArticle + a BIBO class), its authorships and provenance."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import URIRef

from kg.identity import Iris
from kg.mapping.category import category_iri
from kg.mapping.terms import Triple, boolean, date, each, integer, rdf_list, text
from kg.models import Work
from kg.namespaces import BIBO, DCTERMS, KG, PROV, RDF, SCHEMA

REPORT_TITLE = re.compile(r"\b(?:system card|model card|technical report|report)\b", re.IGNORECASE)
"""System/model cards and technical reports are bibo:Report (MODEL.md); other works bibo:AcademicArticle."""


def bibo_class(work: Work) -> URIRef:
    return BIBO.Report if work.title and REPORT_TITLE.search(work.title) else BIBO.AcademicArticle


def work_to_triples(work: Work, iris: Iris) -> Iterator[Triple]:
    """schema.org and BIBO description of one work (MODEL.md, "Work")."""
    w = URIRef(work.iri)
    yield w, RDF.type, SCHEMA.ScholarlyArticle
    yield w, RDF.type, bibo_class(work)
    if work.title:
        yield from each(w, (SCHEMA.name, DCTERMS.title), text(work.title))
    if work.abstract:
        yield from each(w, (SCHEMA.abstract, BIBO.abstract), text(work.abstract))
    if work.date:
        yield from each(w, (SCHEMA.datePublished, DCTERMS.issued), date(work.date))
    if work.category:
        yield from each(w, (SCHEMA.about, DCTERMS.subject), category_iri(work.category))
    for organization in work.organizations:
        yield w, SCHEMA.sourceOrganization, URIRef(organization)
    if work.code_available is not None:
        yield w, KG.codeAvailable, boolean(work.code_available)
    yield from authors_to_triples(work)
    for ref in work.sources:
        yield w, PROV.wasDerivedFrom, URIRef(iris.record(ref))


def authors_to_triples(work: Work) -> Iterator[Triple]:
    """The ordered authors said two ways from one model: bibo:authorList, and one
    prov:Attribution per position with kg:position and kg:printedName."""
    if not work.authorships:
        return
    w = URIRef(work.iri)
    agents = [URIRef(a.agent) for a in work.authorships]
    for agent in dict.fromkeys(agents):
        yield from each(w, (SCHEMA.author, DCTERMS.creator), agent)
    head, cells = rdf_list(w, agents)
    yield w, BIBO.authorList, head
    yield from cells
    yield w, KG.authorListComplete, boolean(bool(work.authors_complete))
    for authorship in work.authorships:
        a = URIRef(f"{work.iri}/authorship/{authorship.position}")
        yield w, PROV.qualifiedAttribution, a
        yield a, RDF.type, PROV.Attribution
        yield a, PROV.agent, URIRef(authorship.agent)
        yield a, KG.position, integer(authorship.position)
        yield a, KG.printedName, text(authorship.printed)

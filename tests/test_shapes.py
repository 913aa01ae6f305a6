"""The SHACL shapes (shapes/kg.shacl.ttl) against a hand-written export and its mutants.

``tests/shapes/conforming.ttl`` is a small complete export that conforms, with exactly one
sh:Warning (a work known only by its abstract has no title). Each case in :data:`CASES`
breaks one thing in a copy of it with a SPARQL UPDATE and names the result it must produce
(severity, source shape or SPARQL constraint, focus node). The case fails if that result is
missing, and also if the mutant produces results from any source the case does not list,
so a shape that fires for the wrong reason shows up as well as one that does not fire.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

SHAPES = Path(__file__).parents[1] / "shapes" / "kg.shacl.ttl"
CONFORMING = Path(__file__).parent / "shapes" / "conforming.ttl"
CATEGORIES = Path(__file__).parents[1] / "ontology" / "categories.ttl"

KGSH = "https://w3id.org/kg/shapes#"
B = "https://example.org/kg/"
VIOLATION, WARNING = SH.Violation, SH.Warning

#: Short names for the IRIs of conforming.ttl, written ``<NAME>`` in the updates below.
ALIASES = {
    "W": f"{B}work/gemini-a-family-of-highly-capable-multimodal-models",
    "W2": f"{B}work/abstract-5d1f0c3a9b7e2468",
    "A1": f"{B}work/gemini-a-family-of-highly-capable-multimodal-models/authorship/1",
    "A2": f"{B}work/gemini-a-family-of-highly-capable-multimodal-models/authorship/2",
    "A2B": f"{B}work/gemini-a-family-of-highly-capable-multimodal-models/authorship/2b",
    "A3": f"{B}work/gemini-a-family-of-highly-capable-multimodal-models/authorship/3",
    "A4": f"{B}work/gemini-a-family-of-highly-capable-multimodal-models/authorship/4",
    "ORPHAN": f"{B}work/orphan/authorship/1",
    "ROHAN": f"{B}person/rohan-anil",
    "SEB": f"{B}person/sebastian-borgeaud",
    "ADA": f"{B}person/ada-lovelace",
    "TEAM": f"{B}organization/gemini-team",
    "DM": f"{B}organization/deepmind",
    "LG": "https://w3id.org/kg/category/cs.LG",
    "SCHEME": "https://w3id.org/kg/category/scheme",
    "PROFILE": f"{B}profile/rohan-anil.txt",
    "FILE": f"{B}source/rohan-anil.txt",
    "OTHERFILE": f"{B}source/other.txt",
    "L1": f"{B}source/rohan-anil.txt/L1",
    "L4": f"{B}source/rohan-anil.txt/L4",
    "NOTACELL": f"{B}not-a-list-cell",
}

PREFIXES = """
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def expand(text: str) -> str:
    """Replace each ``<NAME>`` of :data:`ALIASES` by its full IRI."""
    return re.sub(r"<([A-Z][A-Z0-9]*)>", lambda m: f"<{ALIASES[m.group(1)]}>", text)


def iri(name: str) -> URIRef:
    return URIRef(ALIASES[name])


def kgsh(local: str) -> URIRef:
    return URIRef(KGSH + local)


class Result(NamedTuple):
    severity: URIRef
    source: URIRef  # the SPARQL constraint if there is one, else the source shape
    focus: object
    message: str


@dataclass(frozen=True)
class Expect:
    """One result a mutant must produce. ``focus=None`` accepts any focus (blank nodes)."""

    source: str
    focus: str | None
    severity: URIRef = VIOLATION
    message: str | None = None  # a regular expression the result message must match

    def matches(self, r: Result) -> bool:
        return (
            r.severity == self.severity
            and r.source == kgsh(self.source)
            and (self.focus is None or r.focus == iri(self.focus))
            and (self.message is None or re.search(self.message, r.message) is not None)
        )


def run(data: Graph, shapes: Graph, **options) -> tuple[bool, list[Result]]:
    """Validate as kg does (see the comment at the top of the shapes file)."""
    options = {"allow_warnings": True, **options}
    conforms, report, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, **options
    )
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            Result(
                severity=report.value(r, SH.resultSeverity),
                source=report.value(r, SH.sourceConstraint) or report.value(r, SH.sourceShape),
                focus=report.value(r, SH.focusNode),
                message=" | ".join(sorted(str(m) for m in report.objects(r, SH.resultMessage))),
            )
        )
    return conforms, results


def show(results: list[Result]) -> str:
    return "\n".join(
        f"  {r.severity.split('#')[1]} {r.source.removeprefix(KGSH)} {r.focus}: {r.message}"
        for r in sorted(results, key=str)
    )


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES)


@pytest.fixture(scope="module")
def conforming() -> Graph:
    return Graph().parse(CONFORMING)


@pytest.fixture(scope="module")
def baseline(shapes: Graph, conforming: Graph) -> list[Result]:
    return run(conforming, shapes)[1]


# ---------------------------------------------------------------- the conforming export


def test_conforming_export_conforms_with_one_warning(shapes: Graph, conforming: Graph) -> None:
    conforms, results = run(conforming, shapes)
    assert conforms, show(results)
    assert [r for r in results if r.severity != WARNING] == [], show(results)
    assert len(results) == 1, show(results)
    assert Expect("Work-title-present", "W2", WARNING).matches(results[0]), show(results)


def test_the_warning_alone_fails_without_allow_warnings(shapes: Graph, conforming: Graph) -> None:
    """Why kg passes allow_warnings=True: otherwise a missing title fails the export."""
    conforms, results = run(conforming, shapes, allow_warnings=False)
    assert not conforms
    assert {r.severity for r in results} == {WARNING}


def test_shipped_category_scheme_conforms(shapes: Graph) -> None:
    conforms, results = run(Graph().parse(CATEGORIES), shapes)
    assert conforms and results == [], show(results)


# ---------------------------------------------------------------- one mutant per constraint

# Each case: the update, the result it must produce, and the other sources the mutant may
# (and must) also fire, because the one mistake breaks more than one rule.
CASES = [
    # ---- WorkShape
    pytest.param(
        """INSERT DATA { _:w a schema:ScholarlyArticle, bibo:AcademicArticle ;
               schema:name "A blank work" ; dcterms:title "A blank work" ;
               prov:wasDerivedFrom <L1> . }""",
        Expect("WorkShape", None), set(), id="work-is-a-blank-node"),
    pytest.param(
        "DELETE DATA { <W> a bibo:Report . }",
        Expect("Work-bibo-class", "W"), set(), id="work-without-bibo-class"),
    pytest.param(
        "INSERT DATA { <W> a bibo:AcademicArticle . }",
        Expect("Work-bibo-class", "W"), set(), id="work-with-two-bibo-classes"),
    pytest.param(
        "DELETE WHERE { <W> schema:name ?name ; dcterms:title ?title . }",
        Expect("Work-title-present", "W", WARNING), set(), id="work-without-title-warns"),
    pytest.param(
        """INSERT DATA { <W> schema:name "Gemini" ; dcterms:title "Gemini" . }""",
        Expect("Work-name", "W"), set(), id="work-with-two-titles"),
    pytest.param(
        """DELETE { <W> schema:name ?n ; dcterms:title ?n . }
           INSERT { <W> schema:name ?tagged ; dcterms:title ?tagged . }
           WHERE { <W> schema:name ?n . BIND (STRLANG(STR(?n), "en") AS ?tagged) }""",
        Expect("Work-name", "W"), set(), id="work-title-not-xsd-string"),
    pytest.param(
        """DELETE { <W> dcterms:title ?t . }
           INSERT { <W> dcterms:title "Gemini: a family of highly capable multimodal models" . }
           WHERE { <W> dcterms:title ?t . }""",
        Expect("Work-title", "W"), set(), id="work-dcterms-title-differs-from-name"),
    pytest.param(
        "DELETE WHERE { <W> schema:name ?name . }",
        Expect("Work-title", "W"), {"Work-title-present"}, id="work-dcterms-title-without-name"),
    pytest.param(
        """INSERT DATA { <W> schema:abstract "Another abstract." ;
                                bibo:abstract "Another abstract." . }""",
        Expect("Work-abstract", "W"), set(), id="work-with-two-abstracts"),
    pytest.param(
        """DELETE { <W> schema:abstract ?a ; bibo:abstract ?a . }
           INSERT { <W> schema:abstract ?tagged ; bibo:abstract ?tagged . }
           WHERE { <W> schema:abstract ?a . BIND (STRLANG(STR(?a), "en") AS ?tagged) }""",
        Expect("Work-abstract", "W"), set(), id="work-abstract-not-xsd-string"),
    pytest.param(
        """DELETE { <W> bibo:abstract ?a . } INSERT { <W> bibo:abstract "Abstract: Gemini." . }
           WHERE { <W> bibo:abstract ?a . }""",
        Expect("Work-bibo-abstract", "W"), set(), id="work-bibo-abstract-differs"),
    pytest.param(
        """DELETE { <W> schema:datePublished ?d ; dcterms:issued ?d . }
           INSERT { <W> schema:datePublished "2024-13-45"^^xsd:date ;
                        dcterms:issued "2024-13-45"^^xsd:date . }
           WHERE { <W> schema:datePublished ?d . }""",
        Expect("Work-datePublished", "W"), set(), id="work-date-ill-typed"),
    pytest.param(
        """DELETE { <W> schema:datePublished ?d ; dcterms:issued ?d . }
           INSERT { <W> schema:datePublished "Dec 21, 2024" ; dcterms:issued "Dec 21, 2024" . }
           WHERE { <W> schema:datePublished ?d . }""",
        Expect("Work-datePublished", "W"), set(), id="work-date-as-printed"),
    pytest.param(
        """DELETE { <W> schema:datePublished ?d ; dcterms:issued ?d . }
           INSERT { <W> schema:datePublished "2023-12-19T00:00:00"^^xsd:dateTime ;
                        dcterms:issued "2023-12-19T00:00:00"^^xsd:dateTime . }
           WHERE { <W> schema:datePublished ?d . }""",
        Expect("Work-datePublished", "W"), set(), id="work-date-is-a-datetime"),
    pytest.param(
        """INSERT DATA { <W> schema:datePublished "2023-12-06"^^xsd:date ;
                                dcterms:issued "2023-12-06"^^xsd:date . }""",
        Expect("Work-datePublished", "W"), set(), id="work-with-two-dates"),
    pytest.param(
        """DELETE { <W> dcterms:issued ?d . } INSERT { <W> dcterms:issued "2023-12-06"^^xsd:date . }
           WHERE { <W> dcterms:issued ?d . }""",
        Expect("Work-issued", "W"), set(), id="work-issued-differs-from-date-published"),
    pytest.param(
        "DELETE DATA { <W> dcterms:creator <SEB> . }",
        Expect("Work-author", "W"), set(), id="work-author-not-a-creator"),
    pytest.param(
        "DELETE DATA { <SEB> a schema:Person . }",
        Expect("Work-author-class", "W"), {"Authorship-agent", "Work-authorship"},
        id="work-author-neither-person-nor-organization"),
    pytest.param(
        "INSERT DATA { <W> bibo:authorList ( <TEAM> <ROHAN> <SEB> ) . }",
        Expect("Work-authorList", "W"), set(), id="work-with-two-author-lists"),
    pytest.param(
        "DELETE DATA { <A2> a prov:Attribution . }",
        Expect("Work-authorship", "W"), set(), id="work-authorship-not-an-attribution"),
    pytest.param(
        """DELETE { <W> kg:authorListComplete false . }
           INSERT { <W> kg:authorListComplete "false" . } WHERE {}""",
        Expect("Work-authorListComplete", "W"), set(), id="work-author-list-complete-not-boolean"),
    pytest.param(
        "INSERT DATA { <W> kg:authorListComplete true . }",
        Expect("Work-authorListComplete", "W"), set(), id="work-author-list-complete-twice"),
    pytest.param(
        "DELETE DATA { <W> dcterms:subject <LG> . }",
        Expect("Work-about", "W"), set(), id="work-about-without-dcterms-subject"),
    pytest.param(
        """DELETE { <W> schema:about <LG> ; dcterms:subject <LG> . }
           INSERT { <W> schema:about <DM> ; dcterms:subject <DM> . } WHERE {}""",
        Expect("Work-about-class", "W"), set(), id="work-about-not-a-concept"),
    pytest.param(
        """DELETE { <W> schema:sourceOrganization <DM> . }
           INSERT { <W> schema:sourceOrganization <ROHAN> . } WHERE {}""",
        Expect("Work-sourceOrganization", "W"), set(), id="work-organization-tag-is-a-person"),
    pytest.param(
        """DELETE { <W> kg:codeAvailable true . }
           INSERT { <W> kg:codeAvailable "Code" . } WHERE {}""",
        Expect("Work-codeAvailable", "W"), set(), id="work-code-available-not-boolean"),
    pytest.param(
        "INSERT DATA { <W> kg:codeAvailable false . }",
        Expect("Work-codeAvailable", "W"), set(), id="work-code-available-twice"),
    pytest.param(
        "DELETE DATA { <W> prov:wasDerivedFrom <L1> . }",
        Expect("Work-wasDerivedFrom", "W"), set(), id="work-without-source-record"),
    pytest.param(
        """DELETE { <W> prov:wasDerivedFrom <L1> . }
           INSERT { <W> prov:wasDerivedFrom <FILE> . } WHERE {}""",
        Expect("Work-wasDerivedFrom", "W"), set(), id="work-derived-from-a-file"),
    # ---- the author list: members, well-formedness, completeness
    pytest.param(
        "DELETE DATA { <W> schema:author <SEB> ; dcterms:creator <SEB> . }",
        Expect("Work-authorList-members", "W"), set(), id="list-member-not-an-author"),
    pytest.param(
        """INSERT DATA { <ADA> a schema:Person, foaf:Person ;
                           schema:name "Ada Lovelace" ; foaf:name "Ada Lovelace" .
                         <W> schema:author <ADA> ; dcterms:creator <ADA> . }""",
        Expect("Work-authorList-members", "W"), set(), id="author-not-in-list"),
    pytest.param(
        """DELETE { ?cell rdf:first ?member . }
           WHERE { <W> bibo:authorList/rdf:rest ?cell . ?cell rdf:first ?member . }""",
        Expect("AuthorList-wellFormed", "W", message="no rdf:first"),
        {"Work-authorList-members"}, id="list-cell-without-first"),
    pytest.param(
        "INSERT { ?cell rdf:first <SEB> . } WHERE { <W> bibo:authorList/rdf:rest ?cell . }",
        Expect("AuthorList-wellFormed", "W", message="more than one rdf:first"),
        {"Authorships-match-list"}, id="list-cell-with-two-firsts"),
    pytest.param(
        """DELETE { ?cell rdf:rest ?rest . }
           WHERE { <W> bibo:authorList/rdf:rest ?cell . ?cell rdf:rest ?rest . }""",
        Expect("AuthorList-wellFormed", "W", message="never reaches rdf:nil"),
        {"Work-authorList-members", "Authorships-position-within-list"},
        id="list-cell-without-rest"),
    pytest.param(
        "INSERT { ?head rdf:rest rdf:nil . } WHERE { <W> bibo:authorList ?head . }",
        Expect("AuthorList-wellFormed", "W", message="more than one rdf:rest"), set(),
        id="list-cell-with-two-rests"),
    pytest.param(
        """DELETE { ?last rdf:rest rdf:nil . } INSERT { ?last rdf:rest <NOTACELL> . }
           WHERE { <W> bibo:authorList/rdf:rest/rdf:rest ?last . }""",
        Expect("AuthorList-wellFormed", "W", message="not a blank node"), set(),
        id="list-ends-in-an-iri"),
    pytest.param(
        """DELETE { ?last rdf:rest rdf:nil . } INSERT { ?last rdf:rest ?head . }
           WHERE { <W> bibo:authorList ?head . ?head rdf:rest/rdf:rest ?last . }""",
        Expect("AuthorList-wellFormed", "W", message="never reaches rdf:nil"),
        {"Authorships-match-list"}, id="list-is-a-cycle"),
    pytest.param(
        "DELETE DATA { <W> kg:authorListComplete false . }",
        Expect("AuthorList-complete-flag", "W"), set(), id="list-without-complete-flag"),
    pytest.param(
        "DELETE WHERE { <W> prov:qualifiedAttribution ?a . ?a ?p ?o . }",
        Expect("AuthorList-authorships", "W"), set(), id="list-without-authorships"),
    # ---- authorships against the list
    pytest.param(
        """DELETE { <W> bibo:authorList ?head . ?cell ?p ?o . }
           WHERE { <W> bibo:authorList ?head . ?head rdf:rest* ?cell . ?cell ?p ?o . }""",
        Expect("Authorships-authorList", "W"), {"Work-authorList-members"},
        id="authorships-without-list"),
    pytest.param(
        "DELETE WHERE { <W> prov:qualifiedAttribution <A2> . <A2> ?p ?o . }",
        Expect("Authorships-match-list", "W", message="^No authorship at position 2,"), set(),
        id="position-gap"),
    pytest.param(
        """INSERT DATA { <W> prov:qualifiedAttribution <A2B> .
                         <A2B> a prov:Attribution ; kg:position 2 ; prov:agent <ROHAN> ;
                             kg:printedName "R. Anil" . }""",
        Expect("Authorships-position-unique", "W", message="2 authorships .* position 2"), set(),
        id="position-duplicate"),
    pytest.param(
        """INSERT DATA { <W> prov:qualifiedAttribution <A4> .
                         <A4> a prov:Attribution ; kg:position 4 ; prov:agent <SEB> ;
                             kg:printedName "Sebastian Borgeaud" . }""",
        Expect("Authorships-position-within-list", "W", message="position 4, past the end"),
        set(), id="position-past-list-length"),
    pytest.param(
        "DELETE { <A2> prov:agent <ROHAN> . } INSERT { <A2> prov:agent <SEB> . } WHERE {}",
        Expect("Authorships-match-list", "W", message="at position 2 names .*sebastian"), set(),
        id="position-agent-differs-from-list-member"),
    pytest.param(
        """DELETE { <A2> kg:position 2 . <A3> kg:position 3 . }
           INSERT { <A2> kg:position 3 . <A3> kg:position 2 . } WHERE {}""",
        Expect("Authorships-match-list", "W", message="at position 3 names .*rohan"), set(),
        id="position-agents-swapped"),
    # ---- AuthorshipShape
    pytest.param(
        """DELETE { <W> prov:qualifiedAttribution <A2> .
                    <A2> a prov:Attribution ; kg:position 2 ; prov:agent <ROHAN> ;
                        kg:printedName "Rohan Anil" . }
           INSERT { <W> prov:qualifiedAttribution _:a .
                    _:a a prov:Attribution ; kg:position 2 ; prov:agent <ROHAN> ;
                        kg:printedName "Rohan Anil" . }
           WHERE {}""",
        Expect("AuthorshipShape", None), {"Work-authorship"}, id="authorship-is-a-blank-node"),
    pytest.param(
        "DELETE { <A1> kg:position 1 . } INSERT { <A1> kg:position 0 . } WHERE {}",
        Expect("Authorship-position", "A1"), {"Work-authorship", "Authorships-match-list"},
        id="authorship-position-zero"),
    pytest.param(
        """DELETE { <A1> kg:position 1 . } INSERT { <A1> kg:position "1" . } WHERE {}""",
        Expect("Authorship-position", "A1"), {"Work-authorship", "Authorships-match-list"},
        id="authorship-position-not-integer"),
    pytest.param(
        """DELETE { <A1> kg:position 1 . }
            INSERT { <A1> kg:position "01"^^xsd:integer . } WHERE {}""",
        Expect("Authorship-position", "A1"), {"Work-authorship", "Authorships-match-list"},
        id="authorship-position-not-canonical"),
    pytest.param(
        "DELETE DATA { <A1> kg:position 1 . }",
        Expect("Authorship-position", "A1"), {"Work-authorship", "Authorships-match-list"},
        id="authorship-without-position"),
    pytest.param(
        """DELETE { <A1> kg:position 1 . }
            INSERT { <A1> kg:position "1"^^xsd:decimal . } WHERE {}""",
        Expect("Authorship-position", "A1"), {"Work-authorship", "Authorships-match-list"},
        id="authorship-position-decimal"),
    pytest.param(
        "INSERT DATA { <A1> kg:position 3 . }",
        Expect("Authorship-position", "A1"), {"Work-authorship", "Authorships-position-unique"},
        id="authorship-with-two-positions"),
    pytest.param(
        "INSERT DATA { <A2> prov:agent <SEB> . }",
        Expect("Authorship-agent", "A2"), {"Work-authorship"}, id="authorship-with-two-agents"),
    pytest.param(
        "DELETE DATA { <A2> prov:agent <ROHAN> . }",
        Expect("Authorship-agent", "A2"), {"Work-authorship", "Authorships-match-list"},
        id="authorship-without-agent"),
    pytest.param(
        "DELETE { <A2> prov:agent <ROHAN> . } INSERT { <A2> prov:agent <FILE> . } WHERE {}",
        Expect("Authorship-agent", "A2"), {"Work-authorship", "Authorships-match-list"},
        id="authorship-agent-not-an-agent"),
    pytest.param(
        """DELETE { <A2> kg:printedName "Rohan Anil" . }
           INSERT { <A2> kg:printedName "" . } WHERE {}""",
        Expect("Authorship-printedName", "A2"), {"Work-authorship"},
        id="authorship-printed-name-empty"),
    pytest.param(
        """DELETE DATA { <A2> kg:printedName "Rohan Anil" . }""",
        Expect("Authorship-printedName", "A2"), {"Work-authorship"},
        id="authorship-without-printed-name"),
    pytest.param(
        """INSERT DATA { <A2> kg:printedName "Anil, Rohan" . }""",
        Expect("Authorship-printedName", "A2"), {"Work-authorship"},
        id="authorship-with-two-printed-names"),
    pytest.param(
        """DELETE { <A2> kg:printedName "Rohan Anil" . }
            INSERT { <A2> kg:printedName "Rohan Anil"@en . }
           WHERE {}""",
        Expect("Authorship-printedName", "A2"), {"Work-authorship"},
        id="authorship-printed-name-not-xsd-string"),
    pytest.param(
        """INSERT DATA { <ORPHAN> a prov:Attribution ; kg:position 1 ; prov:agent <ROHAN> ;
                             kg:printedName "Rohan Anil" . }""",
        Expect("Authorship-work", "ORPHAN"), set(), id="authorship-of-no-work"),
    pytest.param(
        "INSERT DATA { <W2> prov:qualifiedAttribution <A1> . }",
        Expect("Authorship-work", "A1"), {"Work-authorship", "Authorships-authorList"},
        id="authorship-of-two-works"),
    # ---- PersonShape
    pytest.param(
        """INSERT DATA { _:p a schema:Person, foaf:Person ;
                   schema:name "Ada Lovelace" ; foaf:name "Ada Lovelace" . }""",
        Expect("PersonShape", None), set(), id="person-is-a-blank-node"),
    pytest.param(
        "DELETE DATA { <ROHAN> a foaf:Person . }",
        Expect("Person-foaf-class", "ROHAN"), set(), id="person-not-foaf"),
    pytest.param(
        "INSERT DATA { <SEB> a schema:Organization, foaf:Organization . }",
        Expect("Person-not-organization", "SEB"), set(), id="person-also-an-organization"),
    pytest.param(
        "DELETE WHERE { <ROHAN> schema:name ?n ; foaf:name ?f . }",
        Expect("Person-name", "ROHAN"), set(), id="person-without-name"),
    pytest.param(
        """DELETE { <ROHAN> schema:name "Rohan Anil" ; foaf:name "Rohan Anil" . }
           INSERT { <ROHAN> schema:name "Rohan Anil"@en ; foaf:name "Rohan Anil"@en . } WHERE {}""",
        Expect("Person-name", "ROHAN"), set(), id="person-name-not-xsd-string"),
    pytest.param(
        """DELETE { <ROHAN> foaf:name "Rohan Anil" . }
           INSERT { <ROHAN> foaf:name "Anil, Rohan" . } WHERE {}""",
        Expect("Person-foaf-name", "ROHAN"), set(), id="person-foaf-name-differs"),
    pytest.param(
        """INSERT DATA { <ROHAN> schema:givenName "R." . }""",
        Expect("Person-givenName", "ROHAN"), set(), id="person-with-two-given-names"),
    pytest.param(
        """DELETE { <ROHAN> schema:givenName "Rohan" . }
            INSERT { <ROHAN> schema:givenName "Rohan"@en . }
           WHERE {}""",
        Expect("Person-givenName", "ROHAN"), set(), id="person-given-name-not-xsd-string"),
    pytest.param(
        """INSERT DATA { <ROHAN> schema:familyName "Anil-Smith" . }""",
        Expect("Person-familyName", "ROHAN"), set(), id="person-with-two-family-names"),
    pytest.param(
        """DELETE { <ROHAN> schema:familyName "Anil" . }
           INSERT { <ROHAN> schema:familyName "Anil"@en . } WHERE {}""",
        Expect("Person-familyName", "ROHAN"), set(), id="person-family-name-not-xsd-string"),
    pytest.param(
        """INSERT DATA { <ROHAN> schema:honorificSuffix "Jr.", "III" . }""",
        Expect("Person-honorificSuffix", "ROHAN"), set(), id="person-with-two-suffixes"),
    pytest.param(
        """INSERT DATA { <ROHAN> schema:honorificSuffix "Jr."@en . }""",
        Expect("Person-honorificSuffix", "ROHAN"), set(), id="person-suffix-not-xsd-string"),
    # ---- OrganizationShape
    pytest.param(
        """INSERT DATA { _:o a schema:Organization, foaf:Organization ;
                   schema:name "openai" ; foaf:name "openai" . }""",
        Expect("OrganizationShape", None), set(), id="organization-is-a-blank-node"),
    pytest.param(
        "DELETE DATA { <DM> a foaf:Organization . }",
        Expect("Organization-foaf-class", "DM"), set(), id="organization-not-foaf"),
    pytest.param(
        "DELETE WHERE { <DM> schema:name ?n ; foaf:name ?f . }",
        Expect("Organization-name", "DM"), set(), id="organization-without-name"),
    pytest.param(
        """DELETE { <DM> foaf:name "deepmind" . }
            INSERT { <DM> foaf:name "DeepMind" . } WHERE {}""",
        Expect("Organization-foaf-name", "DM"), set(), id="organization-foaf-name-differs"),
    # ---- ConceptShape
    pytest.param(
        """INSERT DATA { _:c a skos:Concept, schema:DefinedTerm ;
                   skos:notation "cs.XX" ; schema:termCode "cs.XX" ; skos:prefLabel "X"@en ;
                   skos:inScheme <SCHEME> ; schema:inDefinedTermSet <SCHEME> . }""",
        Expect("ConceptShape", None), set(), id="concept-is-a-blank-node"),
    pytest.param(
        "DELETE DATA { <LG> a schema:DefinedTerm . }",
        Expect("Concept-definedTerm-class", "LG"), set(), id="concept-not-a-defined-term"),
    pytest.param(
        "DELETE WHERE { <LG> skos:notation ?n ; schema:termCode ?c . }",
        Expect("Concept-notation", "LG"), set(), id="concept-without-notation"),
    pytest.param(
        """INSERT DATA { <LG> skos:notation "LG" ; schema:termCode "LG" . }""",
        Expect("Concept-notation", "LG"), set(), id="concept-with-two-notations"),
    pytest.param(
        """DELETE { <LG> schema:termCode "cs.LG" . }
            INSERT { <LG> schema:termCode "LG" . } WHERE {}""",
        Expect("Concept-termCode", "LG"), set(), id="concept-term-code-differs"),
    pytest.param(
        "DELETE WHERE { <LG> skos:prefLabel ?label . }",
        Expect("Concept-prefLabel", "LG"), set(), id="concept-without-pref-label"),
    pytest.param(
        "DELETE DATA { <SCHEME> a skos:ConceptScheme . }",
        Expect("Concept-inScheme", "LG"), set(), id="concept-scheme-untyped"),
    pytest.param(
        "DELETE DATA { <LG> skos:inScheme <SCHEME> ; schema:inDefinedTermSet <SCHEME> . }",
        Expect("Concept-inScheme", "LG"), set(), id="concept-without-scheme"),
    pytest.param(
        "DELETE DATA { <LG> schema:inDefinedTermSet <SCHEME> . }",
        Expect("Concept-inDefinedTermSet", "LG"), set(), id="concept-defined-term-set-differs"),
    # ---- ProfileShape
    pytest.param(
        """INSERT DATA { _:p a schema:ProfilePage ; schema:name "other.txt" ;
                   prov:wasDerivedFrom <FILE> ; kg:layout "abstracts" . }""",
        Expect("ProfileShape", None), set(), id="profile-is-a-blank-node"),
    pytest.param(
        "DELETE WHERE { <PROFILE> schema:name ?n . }",
        Expect("Profile-name", "PROFILE"), set(), id="profile-without-name"),
    pytest.param(
        """INSERT DATA { <PROFILE> schema:name "Rohan Anil" . }""",
        Expect("Profile-name", "PROFILE"), set(), id="profile-with-two-names"),
    pytest.param(
        """DELETE { <PROFILE> schema:about <ROHAN> ; schema:mainEntity <ROHAN> . }
           INSERT { <PROFILE> schema:about <DM> ; schema:mainEntity <DM> . } WHERE {}""",
        Expect("Profile-about", "PROFILE"), set(), id="profile-owner-is-an-organization"),
    pytest.param(
        "INSERT DATA { <PROFILE> schema:about <SEB> ; schema:mainEntity <SEB> . }",
        Expect("Profile-about", "PROFILE"), set(), id="profile-with-two-owners"),
    pytest.param(
        "DELETE DATA { <PROFILE> schema:mainEntity <ROHAN> . }",
        Expect("Profile-mainEntity", "PROFILE"), set(), id="profile-main-entity-differs"),
    pytest.param(
        "INSERT DATA { <PROFILE> schema:hasPart <ROHAN> . }",
        Expect("Profile-hasPart", "PROFILE"), set(), id="profile-lists-a-person"),
    pytest.param(
        "DELETE DATA { <PROFILE> prov:wasDerivedFrom <FILE> . }",
        Expect("Profile-wasDerivedFrom", "PROFILE"), set(), id="profile-without-source-file"),
    pytest.param(
        """DELETE { <PROFILE> prov:wasDerivedFrom <FILE> . }
           INSERT { <PROFILE> prov:wasDerivedFrom <L1> . } WHERE {}""",
        Expect("Profile-wasDerivedFrom", "PROFILE"), set(), id="profile-derived-from-a-record"),
    pytest.param(
        """INSERT DATA { <OTHERFILE> a kg:SourceFile ; rdfs:label "other.txt" .
                         <PROFILE> prov:wasDerivedFrom <OTHERFILE> . }""",
        Expect("Profile-wasDerivedFrom", "PROFILE"), set(), id="profile-derived-from-two-files"),
    pytest.param(
        """INSERT DATA { <PROFILE> kg:layout "bibliography" . }""",
        Expect("Profile-layout", "PROFILE"), set(), id="profile-with-two-layouts"),
    pytest.param(
        """DELETE { <PROFILE> kg:layout "listing" . }
            INSERT { <PROFILE> kg:layout "table" . } WHERE {}""",
        Expect("Profile-layout", "PROFILE"), set(), id="profile-layout-unknown"),
    pytest.param(
        """DELETE DATA { <PROFILE> kg:layout "listing" . }""",
        Expect("Profile-layout", "PROFILE"), set(), id="profile-without-layout"),
    # ---- SourceRecordShape and SourceFileShape
    pytest.param(
        "INSERT DATA { _:r a kg:SourceRecord ; kg:sourceFile <FILE> ; kg:line 7 . }",
        Expect("SourceRecordShape", None), set(), id="record-is-a-blank-node"),
    pytest.param(
        """INSERT DATA { _:f a kg:SourceFile ; rdfs:label "other.txt" . }""",
        Expect("SourceFileShape", None), set(), id="file-is-a-blank-node"),
    pytest.param(
        "DELETE { <L1> kg:line 1 . } INSERT { <L1> kg:line 0 . } WHERE {}",
        Expect("SourceRecord-line", "L1"), set(), id="record-line-zero"),
    pytest.param(
        """DELETE { <L1> kg:line 1 . } INSERT { <L1> kg:line "1" . } WHERE {}""",
        Expect("SourceRecord-line", "L1"), set(), id="record-line-not-integer"),
    pytest.param(
        """DELETE { <L1> kg:line 1 . } INSERT { <L1> kg:line "1"^^xsd:decimal . } WHERE {}""",
        Expect("SourceRecord-line", "L1"), set(), id="record-line-decimal"),
    pytest.param(
        "DELETE DATA { <L1> kg:line 1 . }",
        Expect("SourceRecord-line", "L1"), set(), id="record-without-line"),
    pytest.param(
        "INSERT DATA { <L1> kg:line 2 . }",
        Expect("SourceRecord-line", "L1"), set(), id="record-with-two-lines"),
    pytest.param(
        "DELETE DATA { <L1> kg:sourceFile <FILE> . }",
        Expect("SourceRecord-sourceFile", "L1"), set(), id="record-without-file"),
    pytest.param(
        """DELETE { <L1> kg:sourceFile <FILE> . }
            INSERT { <L1> kg:sourceFile <OTHERFILE> . } WHERE {}""",
        Expect("SourceRecord-sourceFile", "L1"), set(), id="record-file-not-a-source-file"),
    pytest.param(
        """INSERT DATA { <OTHERFILE> a kg:SourceFile ; rdfs:label "other.txt" .
                         <L1> kg:sourceFile <OTHERFILE> . }""",
        Expect("SourceRecord-sourceFile", "L1"), set(), id="record-in-two-files"),
    pytest.param(
        "DELETE WHERE { <FILE> rdfs:label ?label . }",
        Expect("SourceFile-label", "FILE"), set(), id="file-without-label"),
    pytest.param(
        """INSERT DATA { <FILE> rdfs:label "other.txt" . }""",
        Expect("SourceFile-label", "FILE"), set(), id="file-with-two-labels"),
    # ---- SourceRecordAsPrintedShape and InferredOwnerShape
    pytest.param(
        """INSERT DATA { <L1> dcterms:title "One", "Two" . }""",
        Expect("SourceRecord-title", "L1"), set(), id="record-with-two-titles"),
    pytest.param(
        """INSERT DATA { <L1> dcterms:title "One"@en . }""",
        Expect("SourceRecord-title", "L1"), set(), id="record-title-with-language"),
    pytest.param(
        """INSERT DATA { <L1> kg:printedAuthors "A; B", "A; C" . }""",
        Expect("SourceRecord-printedAuthors", "L1"), set(), id="record-with-two-author-lines"),
    pytest.param(
        """INSERT DATA { <L1> dcterms:date "2024-01-02" . }""",
        Expect("SourceRecord-date", "L1"), set(), id="record-date-not-a-date"),
    pytest.param(
        """INSERT DATA { <L1> dcterms:subject <W> . }""",
        Expect("SourceRecord-subject", "L1"), set(), id="record-subject-not-a-concept"),
    pytest.param(
        """INSERT DATA { <L1> kg:printedOrganizations 3 . }""",
        Expect("SourceRecord-printedOrganizations", "L1"), set(), id="record-tags-not-a-string"),
    pytest.param(
        """INSERT DATA { <L1> dcterms:abstract "One.", "Two." . }""",
        Expect("SourceRecord-abstract", "L1"), set(), id="record-with-two-abstracts"),
    pytest.param(
        """INSERT DATA { <PROFILE> kg:ownerInferred false . }""",
        Expect("InferredOwner-flag", "PROFILE"), set(), id="owner-inferred-false"),
    pytest.param(
        """DELETE WHERE { <PROFILE> schema:about ?o ; schema:mainEntity ?m . } ;
           INSERT DATA { <PROFILE> kg:ownerInferred true . }""",
        Expect("InferredOwner-about", "PROFILE"), set(), id="owner-inferred-without-owner"),
]


@pytest.mark.parametrize(("update", "expect", "also"), CASES)
def test_mutant_is_reported(
    update: str, expect: Expect, also: set[str], shapes: Graph, conforming: Graph,
    baseline: list[Result],
) -> None:
    data = Graph()
    for triple in conforming:
        data.add(triple)
    data.update(PREFIXES + expand(update))
    assert set(data) != set(conforming), "the update changed nothing"

    conforms, results = run(data, shapes)
    new = [r for r in results if r not in baseline]
    assert any(expect.matches(r) for r in new), f"expected {expect}, got:\n{show(new)}"
    assert {r.source for r in new} == {kgsh(s) for s in {expect.source, *also}}, show(new)
    assert conforms is (expect.severity != VIOLATION), show(results)


def test_a_person_with_a_generational_suffix_conforms(shapes: Graph, conforming: Graph, baseline: list[Result]) -> None:
    data = Graph()
    for triple in conforming:
        data.add(triple)
    data.update(PREFIXES + expand("""DELETE { <ROHAN> schema:name ?n ; foaf:name ?n . }
        INSERT { <ROHAN> schema:name "Rohan Anil Jr." ; foaf:name "Rohan Anil Jr." ; schema:honorificSuffix "Jr." . }
        WHERE { <ROHAN> schema:name ?n }"""))
    _, results = run(data, shapes)
    assert [r for r in results if r not in baseline] == []


# ---------------------------------------------------------------- the shapes file itself


def test_every_constraint_has_a_violating_case(shapes: Graph) -> None:
    """Each property shape and SPARQL constraint is the expected source of some case."""
    expected = {kgsh(p.values[1].source) for p in CASES}
    constraints = {
        s for s in set(shapes.subjects(SH.path, None)) | set(shapes.subjects(SH.select, None))
        if isinstance(s, URIRef)
    }
    node_shapes = {
        s for s in shapes.subjects(RDF.type, SH.NodeShape) if (s, SH.nodeKind, None) in shapes
    }
    untested = (constraints | node_shapes) - expected
    assert not untested, sorted(untested)


def test_shapes_are_named_and_explained(shapes: Graph) -> None:
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert str(shape).startswith(KGSH), shape
        assert shapes.value(shape, RDFS.comment), f"{shape} has no rdfs:comment"
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert str(shape).startswith(KGSH), shape
        assert shapes.value(shape, SH.name), f"{shape} has no sh:name"
        assert shapes.value(shape, SH.message), f"{shape} has no sh:message"
    for constraint in shapes.subjects(SH.select, None):
        assert str(constraint).startswith(KGSH), constraint
        assert shapes.value(constraint, SH.message), f"{constraint} has no sh:message"
    # Only the missing title is a Warning (MODEL.md, Output); the rest are Violations.
    assert set(shapes.subject_objects(SH.severity)) == {(kgsh("Work-title-present"), WARNING)}


def test_case_ids_are_unique() -> None:
    assert len({p.id for p in CASES}) == len(CASES)

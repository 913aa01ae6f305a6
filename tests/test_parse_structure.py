"""Record boundaries by structure: a line that does not fit where it stands rejects its
record at that line, with the lines up to where the next record starts, and never
becomes part of a neighbour's abstract. Input is normalised once (NFC; LF, CRLF, CR)."""

from __future__ import annotations

import unicodedata

import pytest

from kg.models import Layout, SourceRef
from kg.parse import decode_profile, parse_profile


def parse(text: str):
    return parse_profile(text, SourceRef(source="p.txt", path="p.txt", line=1))


def listing(*records: tuple[str, str, str]) -> list[str]:
    return [line for record in records for line in record]


def abstract(what: str) -> str:
    return f"The {what} abstract: we study results in depth, and show that they hold across many settings."


R1 = ("LGDec 14, 2023", "First ResultsAnn Lee, Bo Chen", abstract("first"))
R2 = ("CLJan 2, 2024", "Second ResultsCara Diaz, Dan Eng", abstract("second"))
R3 = ("LGFeb 3, 2024", "Third ResultsEve Fox, Gil Hart", abstract("third"))


def test_well_formed_listing_has_every_record_and_its_own_abstract():
    profile = parse("\n".join(listing(R1, R2, R3)))
    assert [r.title for r in profile.records] == ["First Results", "Second Results", "Third Results"]
    assert [r.abstract for r in profile.records] == [R1[2], R2[2], R3[2]]
    assert profile.rejected == ()


@pytest.mark.parametrize(("lines", "error_line", "span", "kind"), [
    # the second record's header is missing: its byline stands where a header should
    (listing(R1, R2[1:], R3), 4, (4, 5), "bad-header"),
    # the second record's header is cut (LGJul)
    (listing(R1, ("LGJul",) + R2[1:], R3), 4, (4, 6), "bad-header"),
    # an abstract over two lines, the second record lost with it: the second line stands where a header should
    (listing(R1, ("A second paragraph of the first abstract.",), R2[1:], R3), 4, (4, 6), "bad-header"),
    # a byline no rule can read
    (listing(R1, (R2[0], "a title with no author at all", R2[2]), R3), 5, (4, 6), "bad-byline"),
])
def test_a_listing_line_out_of_place_rejects_its_record_only(lines, error_line, span, kind):
    profile = parse("\n".join(lines))
    assert [r.title for r in profile.records] == ["First Results", "Third Results"]
    assert profile.records[0].abstract == R1[2], "nothing is joined to the previous abstract"
    (rejected,) = profile.rejected
    assert (rejected.source.line, (rejected.first_line, rejected.last_line), rejected.kind) == (error_line, span, kind)
    assert rejected.raw == "\n".join(lines[span[0] - 1:span[1]])
    assert rejected.diagnostic().render().startswith(f"p.txt:{error_line}: error: ")


def test_a_listing_record_may_have_no_abstract():
    profile = parse("\n".join([*R1[:2], *R2]))
    assert [(r.title, r.abstract) for r in profile.records] == [("First Results", None), ("Second Results", R2[2])]


OWNER = "Lee, Ann"
B1 = ("First Results", "Lee, Ann, Chen, Bo", abstract("first"))
B2 = ("Second Results", "Diaz, Cara, Lee, Ann", abstract("second"))
B3 = ("Third Results", "Fox, Eve, Lee, Ann", abstract("third"))
LONG_TITLE = " ".join(["Words"] * 30)


def bibliography(*records: tuple[str, ...]) -> list[str]:
    return [OWNER] + [line for record in records for line in record]


@pytest.mark.parametrize(("lines", "error_line", "span", "kind"), [
    # the second record's author line is missing
    (bibliography(B1, (B2[0], B2[2]), B3), 6, (5, 6), "bad-authors"),
    # the second record's title is missing
    (bibliography(B1, B2[1:], B3), 5, (5, 6), "missing-title"),
    # an author list the grammar does not accept
    (bibliography(B1, (B2[0], "Smith, Anna, 12345, !!!", B2[2]), B3), 6, (5, 7), "bad-authors"),
    # an author list over two lines
    (bibliography(B1, (B2[0], B2[1], "Eng, Dan, Fox, Eve", B2[2]), B3), 7, (5, 8), "authors-continued"),
])
def test_a_bibliography_line_out_of_place_rejects_its_record_only(lines, error_line, span, kind):
    profile = parse("\n".join(lines))
    assert profile.layout is Layout.BIBLIOGRAPHY
    assert [r.title for r in profile.records] == ["First Results", "Third Results"]
    assert profile.records[0].abstract == B1[2], "nothing is joined to the previous abstract"
    (rejected,) = profile.rejected
    assert (rejected.source.line, (rejected.first_line, rejected.last_line), rejected.kind) == (error_line, span, kind)
    assert rejected.raw == "\n".join(lines[span[0] - 1:span[1]])


def test_a_title_of_thirty_words_is_a_title_where_a_title_stands():
    profile = parse("\n".join(bibliography(B1, (LONG_TITLE, *B2[1:]), B3)))
    assert [r.title for r in profile.records] == ["First Results", LONG_TITLE, "Third Results"]
    assert profile.rejected == ()


def test_a_bibliography_record_may_have_no_abstract():
    profile = parse("\n".join(bibliography(B1[:2], B2)))
    assert [(r.title, r.abstract) for r in profile.records] == [("First Results", None), ("Second Results", B2[2])]


def test_an_abstract_only_line_that_is_not_an_abstract_is_rejected():
    profile = parse("Tony\nAbstract: One work about results.\nLGDec 14, 2023\nAbstract: Another work.")
    assert [r.abstract for r in profile.records] == ["One work about results.", "Another work."]
    assert [(r.source.line, r.kind) for r in profile.rejected] == [(3, "bad-abstract-line")]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_line_ends_lf_crlf_and_lone_cr_read_alike(end):
    profile = parse(decode_profile(end.join(listing(R1, R2)).encode(), "p.txt"))
    assert [(r.source.line, r.title, r.abstract) for r in profile.records] == [
        (1, "First Results", R1[2]), (4, "Second Results", R2[2])]


def test_decomposed_names_read_as_composed():
    composed = "LGDec 14, 2023\nA Study of ResultsZoë Müller, José Núñez\nAn abstract about results."
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    records = parse(decomposed).records
    assert [a.name for a in records[0].authors] == ["Zoë Müller", "José Núñez"]
    assert records == parse(composed).records


def test_a_byline_after_a_record_without_abstract_is_not_its_abstract():
    """The second record's header is lost and the first has no abstract: the byline where
    the abstract would stand is the next record's, rejected, not the first's abstract."""
    profile = parse("\n".join([*R1[:2], *R2[1:], *R3]))
    assert [(r.title, r.abstract) for r in profile.records] == [("First Results", None), ("Third Results", R3[2])]
    assert [(r.source.line, r.first_line, r.last_line, r.kind) for r in profile.rejected] == [(3, 3, 4, "bad-header")]


def test_a_title_after_a_record_without_abstract_is_not_its_abstract():
    """The second record's author line is lost and the first has no abstract: its title is
    rejected, not taken for the first's abstract; a short abstract ending in a full stop
    before the next record is still an abstract."""
    lines = bibliography(B1[:2], (B2[0], B2[2]), B3)
    profile = parse("\n".join(lines))
    assert [(r.title, r.abstract) for r in profile.records] == [("First Results", None), ("Third Results", B3[2])]
    assert [(r.source.line, r.first_line, r.last_line, r.kind) for r in profile.rejected] == [
        (5, 4, 5, "bad-authors")]  # the abstract stands where the author list should
    short = parse("\n".join(bibliography((*B1[:2], "No abstract available."), B2)))
    assert [r.abstract for r in short.records] == ["No abstract available.", B2[2]]

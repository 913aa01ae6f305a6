"""The hard cases of each layout, by structure: glued titles, corporate authors, particles."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.models import Layout, SourceRef
from kg.parse import decode_profile, parse_profile
from kg.parse.bibliography import parse_author_list
from kg.parse.listing import BylineError, parse_byline, parse_header
from kg.parse.text import clean_abstract


@pytest.mark.parametrize(("byline", "title", "authors"), [
    ("CausalWorld: A Benchmark for Transfer LearningOssama Ahmed, Frederik Träuble et al.",
     "CausalWorld: A Benchmark for Transfer Learning", ["Ossama Ahmed", "Frederik Träuble"]),
    ("Scaling Laws for Neural Language ModelsJared Kaplan, Sam McCandlish", "Scaling Laws for Neural Language Models",
     ["Jared Kaplan", "Sam McCandlish"]),
    ("Deep Models, Part IIJohn Smith", "Deep Models, Part II", ["John Smith"]),
    ("Scaling to GPT-4John Smith, Jane Doe", "Scaling to GPT-4", ["John Smith", "Jane Doe"]),
    ("Is Attention All You Need?Jean-Baptiste Lespiau", "Is Attention All You Need?", ["Jean-Baptiste Lespiau"]),
    ("DeepSeek-V3 Technical ReportDeepSeek-AI, Aixin Liu", "DeepSeek-V3 Technical Report", ["DeepSeek-AI*", "Aixin Liu"]),
    ("Towards AGIŁukasz Kaiser, Émile Borel", "Towards AGI", ["Łukasz Kaiser", "Émile Borel"]),
    ("Introducing DeepMindJane Doe, Diego de Las Casas", "Introducing DeepMind", ["Jane Doe", "Diego de Las Casas"]),
    ("Learning at ScaleGoogle DeepMind", "Learning at Scale", ["Google DeepMind"]),  # kind: see test_parse_names
    ("Hello, World, and MoreGemini Team, Rohan Anil", "Hello, World, and More", ["Gemini Team*", "Rohan Anil"]),
])
def test_glued_title_split(byline, title, authors):
    parsed = parse_byline(byline)
    assert parsed.title == title
    assert [a.name + ("*" if a.kind == "organization" else "") for a in parsed.authors] == authors


def test_byline_tail_and_truncation():
    parsed = parse_byline("TitleAaron Jaech, Adam Kalai et al. · openai, deepmind")
    assert parsed.truncated and parsed.organizations == ("openai", "deepmind")
    assert not parse_byline("TitleAaron Jaech").truncated


def test_byline_without_author_is_an_error():
    with pytest.raises(BylineError):
        parse_byline("a title with no author at all")


def test_header():
    assert parse_header("ROOct 8, 2020Code") == ("RO", __import__("datetime").date(2020, 10, 8), True)
    with pytest.raises(ValueError):
        parse_header("LGFeb 30, 2020")


def test_corporate_and_noise_in_author_list():
    authors = [e.agent() for e in parse_author_list("OpenAI, null, :, null, Jaech, Aaron, Rae, Jack W.").entries]
    assert [(a.kind, a.name) for a in authors] == [
        ("organization", "OpenAI"), ("person", "Aaron Jaech"), ("person", "Jack W. Rae")]


def test_group_author_marked_by_colon_is_an_organization():
    entries = parse_author_list("Gemini, null, :, null, Anil, Rohan").entries
    assert entries[0].agent().kind == "organization"


def test_person_with_one_name_is_kept_with_a_note():
    parsed = parse_author_list("Shuaiqi, null, Rae, Jack W.")
    first = parsed.entries[0].agent()
    assert first.kind == "person" and first.given_name is None
    assert "no given name" in next(parsed.notes())


@pytest.mark.parametrize(("raw", "clean"), [
    ("Abstract:We show \\% and $\\to$ here", "We show % and → here"),
    ("A BSTRACT Owing to   their", "Owing to their"),
    ("Abstract reasoning is hard", "Abstract reasoning is hard"),
    ("costs $5 and $10", "costs $5 and $10"),
    ("4$\\times$ more", "4× more"),
])
def test_abstract_cleanup(raw, clean):
    assert clean_abstract(raw) == clean


def _parse(text: str):
    return parse_profile(text, SourceRef(source="p.txt", path="p.txt", line=1))


def test_layout_detection_and_no_final_newline():
    assert _parse("LGDec 14, 2023\nA TitleJohn Smith\nAbstract text").layout is Layout.LISTING
    assert _parse("Abstract: one line of text about a work").layout is Layout.ABSTRACTS
    bib = _parse("Smith, John\nA Title\nSmith, John, Doe, Jane\nSome abstract.")
    assert bib.layout is Layout.BIBLIOGRAPHY and bib.owner.name == "John Smith"


@pytest.mark.parametrize(("data", "line", "message"), [
    (b"", 1, "empty file"),
    (b"LGDec 14, 2023\nA Title\x00", 2, "binary"),
    (b"LGDec 14, 2023\r\rA Title\x00", 3, "binary"),
    (b"LGDec 14, 2023\n\xff\xfe", 2, "not UTF-8"),
    (b"just some words\nand more", 1, "not a recognised profile layout"),
])
def test_a_file_that_cannot_be_read_is_an_error_at_its_line(data, line, message):
    with pytest.raises(InputError) as caught:
        _parse(decode_profile(data, "p.txt"))
    assert f"p.txt:{line}: error: " in str(caught.value) and message in str(caught.value)


@pytest.mark.parametrize(("data", "line", "message"), [
    (b"LGDec 14, 2023\nTitle without author\nAbstract", 2, "cannot tell where the title ends"),
    (b"LGFeb 30, 2023\nA TitleJohn Smith\nAbstract", 1, "invalid date"),
])
def test_a_record_that_cannot_be_read_is_rejected_at_its_line(data, line, message):
    profile = _parse(decode_profile(data, "p.txt"))
    assert profile.records == () and len(profile.rejected) == 1
    assert f"p.txt:{line}: error: " in profile.rejected[0].diagnostic().render()
    assert message in profile.rejected[0].reason

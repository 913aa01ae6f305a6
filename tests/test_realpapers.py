"""Real papers in all four layouts: every record parses to its exact title, ordered
authors, person or organisation, given / family / suffix, and abstract.

The records are ``tests/realpapers/papers.jsonl`` (300 bylines and author lists copied
from arXiv listings and BibTeX files in public repositories; its README gives each
source and the reading rules). Each record is printed the way profile sites print it,
ten records a file, every layout in one folder, and the folder is parsed together (so a
name one file prints unambiguously is evidence for another's glued byline, as in an
export):

- **listing** (``CATEGORYdate`` / ``TitleFirst, Second, Third et al.`` / abstract): names
  in display order, ``Given Family Suffix`` (``Hal Daumé III``), particles where the name
  has them (``Diego de las Casas``, ``Teven Le Scao``); a name in CJK characters whole
  (``王晋东``); an organisation by its name, without arXiv's ``:`` pseudo-author; the
  first three authors, then ``et al.`` if there are more; arXiv titles and abstracts as
  arXiv prints them (TeX spans kept), BibTeX titles as their text.
- **bibliography** (owner ``Family, Given``, then title / ``Family, Given, …`` /
  abstract): a suffix after the family name (``Daumé III, Hal``), a one-word name or a
  name in CJK characters as ``Name, null``, an organisation as ``Name, null``, followed
  by ``:, null`` where the source's list holds arXiv's ``:`` pseudo-author after it (as the
  seeds print ``OpenAI, null, :, null``); ``others`` closes a list the source cut short.
- **abstracts** under the owner's first name, and **abstracts** without a header: one
  ``Abstract: …`` line per record that has an abstract.

Files are written as profile sites and editors save them: most with LF line ends, every
third with CRLF, every fifth with a lone CR, every seventh in Unicode NFD.

What is compared, exactly: the title; each author's kind; an organisation's name; a
person's given, family and suffix, which must be the data's reading or one of the
``alternatives`` its README lists as defensible (``Luc Van Gool``: family ``Gool`` by
BibTeX's rule, ``Van Gool`` by the comma form). One convention differs from the data's:
a one-word name (a mononym, a name in CJK characters) has no given and no family name in
kg, only its display name, where the data records it whole as the family name, as BibTeX
does; the test compares the data's family name with kg's display name there.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.models import Layout
from kg.pipeline import parse_inputs

DATA = Path(__file__).parent / "realpapers" / "papers.jsonl"
PAPERS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
PER_FILE = 10
LISTED = 3
"""A listing prints the first three authors, then ``et al.``."""
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def folded(text: str | None) -> str:
    return " ".join((text or "").split())


def display(author: dict) -> str:
    if author["kind"] == "organization":
        return author["name"]
    return " ".join(p for p in (author["given"], author["family"], author["suffix"]) if p)


def inverted(author: dict) -> str:
    if author["kind"] == "organization" or not author["given"]:
        return f"{display(author)}, null"
    family = f"{author['family']} {author['suffix']}" if author["suffix"] else author["family"]
    return f"{family}, {author['given']}"


def printed_title(paper: dict) -> str:
    """arXiv titles as arXiv prints them (TeX spans kept); BibTeX titles as their text."""
    return folded(paper["title_raw"] if paper["layout"] == "arxiv-listing" else paper["title"])


def printed_abstract(paper: dict) -> str:
    return folded(paper["abstract_raw"] if paper["layout"] == "arxiv-listing" else paper["abstract"])


def colon_after(paper: dict) -> set[int]:
    """Positions of the authors that arXiv's ``:`` pseudo-author follows in the source list
    (a list of names, or a BibTeX ``and`` list)."""
    raw = paper["authors_raw"]
    if isinstance(raw, str):
        raw = [name.strip() for name in raw.split(" and ")]
    if ":" not in [r.strip() for r in raw]:
        return set()
    names = [r for r in raw if r.strip() != ":"]
    return {names.index(raw[i - 1]) for i, r in enumerate(raw) if r.strip() == ":" and i > 0}


def listing_record(paper: dict) -> str:
    category = (paper["arxiv_category"] or "cs.CL").split(".")[-1]
    year = int(re.search(r"\d{4}", str(paper["year"])).group(0))  # type: ignore[union-attr]
    authors = ", ".join(display(a) for a in paper["authors"][:LISTED])
    more = " et al." if len(paper["authors"]) > LISTED or paper["truncated"] else ""
    lines = [f"{category}{MONTHS[year % 12]} {1 + year % 28}, {year}",
             f"{printed_title(paper)}{authors}{more}"]
    return "\n".join(lines + ([printed_abstract(paper)] if printed_abstract(paper) else [])) + "\n"


def bibliography_record(paper: dict) -> str:
    colons = colon_after(paper)
    names = [inverted(a) + (", :, null" if i in colons else "") for i, a in enumerate(paper["authors"])]
    lines = [printed_title(paper), ", ".join(names) + (", others" if paper["truncated"] else "")]
    return "\n".join(lines + ([printed_abstract(paper)] if printed_abstract(paper) else [])) + "\n"


def owner(papers: list[dict]) -> dict:
    return next(a for p in papers for a in p["authors"] if a["kind"] == "person" and a["given"])


def chunks(papers: list[dict]) -> Iterator[tuple[int, list[dict]]]:
    for start in range(0, len(papers), PER_FILE):
        yield start // PER_FILE, papers[start:start + PER_FILE]


def save(path: Path, text: str, number: int) -> None:
    """As saved by some editor: LF, CRLF (every third), lone CR (every fifth), NFD (every seventh)."""
    if number % 7 == 3:
        text = unicodedata.normalize("NFD", text)
    end = "\r\n" if number % 3 == 1 else "\r" if number % 5 == 2 else "\n"
    path.write_bytes(text.replace("\n", end).encode("utf-8"))


def profile_texts() -> dict[str, tuple[str, list[dict], str]]:
    """Each profile file's name, its layout, its papers in order and its text."""
    files: dict[str, tuple[str, list[dict], str]] = {}
    with_abstract = [p for p in PAPERS if printed_abstract(p)]
    for number, papers in chunks(PAPERS):
        files[f"listing-{number:02d}.txt"] = ("listing", papers, "".join(map(listing_record, papers)))
        files[f"bibliography-{number:02d}.txt"] = (
            "bibliography", papers, inverted(owner(papers)) + "\n" + "".join(map(bibliography_record, papers)))
    for number, papers in chunks(with_abstract):
        lines = [f"Abstract: {printed_abstract(p)}" for p in papers]
        first_name = next(w for w in owner(papers)["given"].split() if not w.endswith(".") and len(w) > 1)
        files[f"abstracts-named-{number:02d}.txt"] = ("abstracts", papers, "\n".join([first_name, *lines]) + "\n")
        files[f"abstracts-{number:02d}.txt"] = ("abstracts", papers, "\n".join(lines) + "\n")
    return files


def write_inputs(folder: Path) -> dict[str, tuple[str, list[dict]]]:
    """The profile files, and for each its layout and papers in order."""
    files = {}
    for number, (name, (layout, papers, text)) in enumerate(sorted(profile_texts().items())):
        save(folder / name, text, number)
        files[name] = (layout, papers)
    return files


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("realpapers")
    files = write_inputs(folder)
    profiles, unreadable = parse_inputs([folder], max_errors=10_000)
    return files, {p.source.source: p for p in profiles}, unreadable


def expected_readings(author: dict) -> list[tuple]:
    readings = [(author["given"], author["family"], author["suffix"])]
    readings += [(a.get("given"), a.get("family"), a.get("suffix")) for a in author.get("alternatives", ())]
    return readings


def reading(agent) -> tuple:
    if agent.given_name is None and agent.family_name is None:
        return None, agent.name, agent.suffix  # a one-word name (see the module docstring)
    return agent.given_name, agent.family_name, agent.suffix


def mismatches(paper: dict, record, listed: int | None) -> list[str]:
    found = []
    if record.title != paper["title"]:
        found.append(f"title {record.title!r} != {paper['title']!r}")
    authors = paper["authors"][:listed]
    if len(record.authors) != len(authors):
        found.append(f"{len(record.authors)} authors != {len(authors)}: {[a.name for a in record.authors][:5]}")
    for number, (agent, author) in enumerate(zip(record.authors, authors), 1):
        if agent.kind != author["kind"]:
            found.append(f"author {number} {agent.name!r} is a {agent.kind}, not a {author['kind']}")
        elif agent.kind == "organization" and agent.name != folded(author["name"]):
            found.append(f"author {number} {agent.name!r} != {author['name']!r}")
        elif agent.kind == "person" and reading(agent) not in expected_readings(author):
            found.append(f"author {number} {reading(agent)} not in {expected_readings(author)}")
    if paper["abstract"] and folded(record.abstract) != folded(paper["abstract"]):
        found.append(f"abstract {record.abstract!r:.80} != {paper['abstract']!r:.80}")
    return found


@pytest.mark.parametrize("layout", ["listing", "bibliography", "abstracts"])
def test_every_real_paper_is_read_exactly(parsed, layout):
    files, profiles, unreadable = parsed
    assert unreadable == []
    wrong = {}
    for name, (file_layout, papers) in sorted(files.items()):
        if file_layout != layout:
            continue
        profile = profiles[name]
        assert profile.layout is Layout(layout), name
        assert [r.reason for r in profile.rejected] == [], name
        assert len(profile.records) == len(papers), name
        for record, paper in zip(profile.records, papers):
            if layout == "abstracts":
                found = [] if record.abstract == folded(paper["abstract"]) else [
                    f"abstract {record.abstract!r:.80} != {paper['abstract']!r:.80}"]
            else:
                found = mismatches(paper, record, LISTED if layout == "listing" else None)
            if found:
                wrong[f"{paper['id']} ({name}:{record.source.line})"] = found
    assert not wrong, f"{len(wrong)} records differ:\n" + "\n".join(f"{k}: {v}" for k, v in wrong.items())


def test_the_set_covers_every_class_of_issue_10():
    classes = {c for p in PAPERS for c in p["classes"]}
    for needed in ("title_ends_plural_acronym", "title_ends_number_unit", "title_multi_hyphen_word",
                   "name_hyphen_and_apostrophe", "name_suffix", "particle_lowercase", "particle_capitalised",
                   "particle_al_hyphen", "mononym", "name_cjk_script", "org_digits", "org_at_or_amp",
                   "org_several_words", "org_one_word", "org_first_author", "abstract_tex", "abstract_tex_accent",
                   "name_tex_accent", "title_25_words", "names_korean", "names_vietnamese", "names_indian"):
        assert needed in classes, needed


def damage(texts: dict[str, tuple[str, list[dict], str]]) -> dict[str, list[int]]:
    """Real records made bad the ways issue 10 found: in ``listing-00.txt`` the third
    record's header removed and the sixth's cut to ``LGJul``; in ``bibliography-00.txt``
    the second record's author line removed, the fourth's title removed, the sixth's
    author list replaced by one the grammar refuses. Returns, per damaged file, the
    indexes (in the file's papers) of the records that must be rejected."""
    layout, papers, text = texts["listing-00.txt"]
    records = [listing_record(p) for p in papers]
    records[2] = records[2].split("\n", 1)[1]
    records[5] = "LGJul\n" + records[5].split("\n", 1)[1]
    texts["listing-00.txt"] = (layout, papers, "".join(records))
    layout, papers, text = texts["bibliography-00.txt"]
    records = [bibliography_record(p).split("\n") for p in papers]
    del records[1][1]
    del records[3][0]
    records[5][1] = "Smith, Anna, 12345, !!!"
    texts["bibliography-00.txt"] = (layout, papers, inverted(owner(papers)) + "\n" + "".join(
        "\n".join(r) for r in records))
    # The fourth record's author list, where a title should be, follows the third's: an author
    # list over two lines reads the same, so both records' lines are rejected as one.
    return {"listing-00.txt": [2, 5], "bibliography-00.txt": [1, 2, 3, 5]}


REJECTED_LINES = {"listing-00.txt": [5, 10], "bibliography-00.txt": [4, 7, 11]}
"""Where each damage is reported (read off the damaged files by eye): the byline whose
header is gone, the cut header; the title with no author list, the second author list,
the refused author list."""


def test_damaged_real_records_are_rejected_alone_and_accounted_for(tmp_path):
    """Each damaged record is rejected at the line that does not fit; every other record
    of those files is still read exactly, none gets a neighbour's line as its abstract; an export with --max-errors exports the rest and accounts
    for all (read = records + rejected); without it, nothing is written."""
    from typer.testing import CliRunner

    from kg.cli import app

    texts = profile_texts()
    bad = damage(texts)
    folder = tmp_path / "in"
    folder.mkdir()
    for number, (name, (_, _, text)) in enumerate(sorted(texts.items())):
        save(folder / name, text, number)
    profiles, _ = parse_inputs([folder], max_errors=10_000)
    by_name = {p.source.source: p for p in profiles}
    for name, indexes in bad.items():
        layout, papers, _ = texts[name]
        profile = by_name[name]
        kept = [p for i, p in enumerate(papers) if i not in indexes]
        assert [r.source.line for r in profile.rejected] == REJECTED_LINES[name], [r.reason for r in profile.rejected]
        assert len(profile.records) == len(kept), name
        for record, paper in zip(profile.records, kept):
            assert mismatches(paper, record, LISTED if layout == "listing" else None) == [], (name, paper["id"])
    assert [r.kind for r in by_name["listing-00.txt"].rejected] == ["bad-header", "bad-header"]
    assert [r.kind for r in by_name["bibliography-00.txt"].rejected] == ["missing-authors", "authors-continued",
                                                                          "bad-authors"]
    runner = CliRunner()
    strict = runner.invoke(app, ["export", str(folder), "-o", str(tmp_path / "strict.nq"), "--no-validate"])
    assert strict.exit_code == 2 and not (tmp_path / "strict.nq").exists()
    assert strict.stderr.count(": error: ") == 5
    lenient = runner.invoke(app, ["export", str(folder), "-o", str(tmp_path / "out.nq"), "--no-validate",
                                  "--max-errors", "5"])
    assert lenient.exit_code == 0, lenient.output
    counts = json.loads((tmp_path / "out.report.json").read_text())["counts"]
    printed = sum(len(papers) for _, papers, _ in texts.values())
    exported = printed - sum(len(indexes) for indexes in bad.values())
    assert (counts["read"], counts["records"], counts["rejected"]) == (exported + 5, exported, 5)


def test_a_megabyte_byline_of_real_names_parses_exactly():
    """Every author of the set, in display order, repeated to a megabyte, glued to a real
    title: the same ordered authors come back, in bounded time (linear parse)."""
    from kg.parse.byline import parse_byline
    from tests.test_parse_names import time_limit

    authors = [a for p in PAPERS for a in p["authors"]
               if a["kind"] == "person" and a["given"] and a["split_basis"] == "rule"]
    names = ", ".join(display(a) for a in authors)
    repeats = 1 + 1_000_000 // len(names)
    byline = printed_title(PAPERS[0]) + ", ".join([names] * repeats)
    assert len(byline) > 1_000_000
    with time_limit(10):
        parsed = parse_byline(byline)
    assert parsed.title == PAPERS[0]["title"]
    assert len(parsed.authors) == len(authors) * repeats
    for agent, author in zip(parsed.authors, authors):
        assert agent.kind == "person" and reading(agent) in expected_readings(author), (agent, author)

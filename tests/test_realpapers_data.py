"""The real-paper data set (tests/realpapers/papers.jsonl) is well formed and covers what its README claims.

The data set is real metadata copied from public BibTeX files and arXiv listing snapshots (see
tests/realpapers/README.md). These checks guard its shape, not the parser: every entry has its fields, every
author its kind and name parts, ids are unique, and each class's count is at least the README's figure. Classes
that can be read off the data (title shapes, organisations, suffixes, long and truncated lists, scripts) are
recounted here from the fields themselves, so a wrong tag cannot inflate a count.
"""
import json
import re
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "realpapers"
DATA = HERE / "papers.jsonl"
README = HERE / "README.md"

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}
FIELDS = {"id", "layout", "source", "title", "title_raw", "authors", "authors_raw", "truncated", "year",
          "abstract", "abstract_raw", "arxiv_category", "arxiv_categories", "note", "classes"}


def _entries():
    out = []
    for number, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{DATA}:{number}: empty line"
        out.append((number, json.loads(line)))
    return out


ENTRIES = _entries()


def _claimed_counts():
    """The README's class table: rows `| class | count | ... |` between the two CLASS-COUNTS markers."""
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- CLASS-COUNTS -->")[1]
    rows = re.findall(r"^\|\s*`([a-z0-9_]+)`\s*\|\s*(\d+)\s*\|", block, re.M)
    assert rows, "README has no class table"
    return {name: int(count) for name, count in rows}


CLAIMED = _claimed_counts()


def test_at_least_150_entries_with_unique_ids():
    assert len(ENTRIES) >= 150
    ids = [e["id"] for _, e in ENTRIES]
    assert len(ids) == len(set(ids))
    for number, e in ENTRIES:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]*", e["id"]), f"line {number}: id {e['id']!r}"


@pytest.mark.parametrize("number,entry", ENTRIES, ids=[e["id"] for _, e in ENTRIES])
def test_entry_fields(number, entry):
    where = f"{DATA}:{number} ({entry['id']})"
    assert set(entry) == FIELDS, f"{where}: fields {sorted(set(entry) ^ FIELDS)}"
    assert entry["layout"] in ("bibtex", "arxiv-listing"), where
    src = entry["source"]
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", src["repository"]), where
    assert re.fullmatch(r"[0-9a-f]{40}", src["commit"]), where
    assert src["path"] and isinstance(src["line"], int) and src["line"] >= 1, where
    assert src["url"].startswith(f"https://github.com/{src['repository']}/blob/{src['commit']}/"), where
    if entry["layout"] == "bibtex":
        assert src["bibtex_key"], where
        assert isinstance(entry["authors_raw"], str), where
    else:
        assert re.fullmatch(r"\d{4}\.\d{4,5}", src["arxiv_id"]), where
        assert isinstance(entry["authors_raw"], list), where
        assert entry["abstract"] and entry["abstract_raw"], f"{where}: arXiv metadata has an abstract"
        assert re.fullmatch(r"[a-z-]+(\.[A-Za-z-]+)?", entry["arxiv_category"]), where
        assert entry["arxiv_category"] == entry["arxiv_categories"][0], where
    assert entry["title"].strip() and entry["title_raw"].strip(), where
    assert entry["title"] == " ".join(entry["title"].split()), f"{where}: title whitespace not normalised"
    assert isinstance(entry["truncated"], bool), where
    if isinstance(entry["year"], int):
        assert 1800 <= entry["year"] <= 2100, where
    else:  # a year field that is not a plain year (`c1980`) is kept as printed, and says so
        assert isinstance(entry["year"], str) and "year field" in entry["note"], where
    assert (entry["abstract"] is None) == (entry["abstract_raw"] is None), where
    assert entry["authors"], f"{where}: no authors"
    for a in entry["authors"]:
        _check_author(a, where)


def _check_author(a, where):
    assert isinstance(a["raw"], str) and a["raw"].strip(), where
    assert a["split_basis"] in ("comma", "rule", "evidence", "braces", "label", "malformed"), where
    if a["kind"] == "organization":
        assert isinstance(a["name"], str) and a["name"].strip(), f"{where}: {a}"
        assert "given" not in a and "family" not in a, f"{where}: {a}"
        return
    assert a["kind"] == "person", f"{where}: {a}"
    assert isinstance(a["family"], str) and a["family"].strip(), f"{where}: {a}"
    assert a["given"] is None or (isinstance(a["given"], str) and a["given"].strip()), f"{where}: {a}"
    assert a["suffix"] is None or a["suffix"] in SUFFIXES, f"{where}: {a}"
    if a["split_basis"] == "evidence":
        assert a["evidence"], f"{where}: {a}"
    for alt in a.get("alternatives", []):
        assert alt["family"] and alt["why"], f"{where}: {a}"
        assert (alt["given"], alt["family"], alt["suffix"]) != (a["given"], a["family"], a["suffix"]), where


def _last_word(title):
    words = title.split()
    return words[-1].rstrip(".?!,;:)\"'") if words else ""


def _persons(e):
    return [a for a in e["authors"] if a["kind"] == "person"]


# Classes recounted from the data itself (not from the tags).
RECOUNT = {
    "title_ends_plural_acronym": lambda e: bool(
        re.fullmatch(r"(?:[A-Za-z0-9]+-)*[A-Z][A-Za-z0-9]*[A-Z0-9]s", _last_word(e["title"])))
        and sum(c.isupper() for c in _last_word(e["title"])) >= 2,
    "title_ends_number_unit": lambda e: bool(
        re.fullmatch(r"(?:[A-Za-z0-9.]+-)?(?:\d+x)?\d+(?:\.\d+)?[BMKT]", _last_word(e["title"]))),
    "title_number_unit": lambda e: bool(re.search(r"(?<![\w.])(?:\d+x)?\d+(?:\.\d+)?[BMKT](?!\w)", e["title"])),
    "title_multi_hyphen_word": lambda e: bool(re.search(r"[A-Za-z]\w*-\w+-\w+", e["title"])),
    "title_digits": lambda e: bool(re.search(r"\d", e["title"])),
    "title_colon": lambda e: ":" in e["title"] or "：" in e["title"],
    "title_question": lambda e: "?" in e["title"],
    "title_tex": lambda e: bool(re.search(r"\\|\$", e["title_raw"])),
    "title_cjk": lambda e: bool(CJK.search(e["title"])),
    "title_25_words": lambda e: len(e["title"].split()) >= 25,
    "abstract_tex": lambda e: bool(e["abstract_raw"] and re.search(r"\$[^$]+\$|\\[A-Za-z%&'\"`^~=.]",
                                                                   e["abstract_raw"])),
    "org_any": lambda e: any(a["kind"] == "organization" for a in e["authors"]),
    "org_first_author": lambda e: e["authors"][0]["kind"] == "organization",
    "org_one_word": lambda e: any(a["kind"] == "organization" and len(a["name"].split()) == 1
                                  for a in e["authors"]),
    "org_several_words": lambda e: any(a["kind"] == "organization" and len(a["name"].split()) > 1
                                       for a in e["authors"]),
    "org_digits": lambda e: any(a["kind"] == "organization" and re.search(r"\d", a["name"]) for a in e["authors"]),
    "org_at_or_amp": lambda e: any(a["kind"] == "organization" and re.search(r"[@&]", a["name"])
                                   for a in e["authors"]),
    "org_cjk_script": lambda e: any(a["kind"] == "organization" and CJK.search(a["name"]) for a in e["authors"]),
    "name_suffix": lambda e: any(a["suffix"] or any(x.get("suffix") for x in a.get("alternatives", []))
                                 for a in _persons(e)),
    "name_cjk_script": lambda e: any(CJK.search(a["family"]) for a in _persons(e)),
    "name_hyphen_and_apostrophe": lambda e: any(
        "-" in n and re.search(r"['’]", n)
        for n in (" ".join(filter(None, (a["given"], a["family"]))) for a in _persons(e))),
    "long_list_50": lambda e: len(e["authors"]) >= 50,
    "long_list_100": lambda e: len(e["authors"]) >= 100,
    "truncated": lambda e: e["truncated"],
    "single_author": lambda e: len(e["authors"]) == 1,
    "layout_arxiv_listing": lambda e: e["layout"] == "arxiv-listing",
    "split_ambiguous": lambda e: any(a.get("alternatives") for a in _persons(e)),
}


@pytest.mark.parametrize("name", sorted(CLAIMED))
def test_class_count_at_least_readme_claim(name):
    tagged = [e for _, e in ENTRIES if name in e["classes"]]
    assert len(tagged) >= CLAIMED[name], f"{name}: {len(tagged)} entries, README claims {CLAIMED[name]}"
    if name in RECOUNT:
        recounted = [e["id"] for _, e in ENTRIES if RECOUNT[name](e)]
        assert sorted(recounted) == sorted(e["id"] for e in tagged), f"{name}: tags differ from the data"


def test_every_readme_class_is_recounted_or_evidenced():
    """A class the data cannot recount (name origins, particles, mononyms...) names its evidence: author
    strings exactly as the entry's authors print them."""
    for _, e in ENTRIES:
        raws = {a["raw"] for a in e["authors"]}
        for name, evidence in e["classes"].items():
            assert name in CLAIMED, f"{e['id']}: class {name} is not in the README table"
            if name.startswith(("names_", "particle_", "name_", "initials_", "mononym", "one_word_")) \
                    and name not in RECOUNT:
                assert evidence and set(evidence) <= raws, f"{e['id']}: {name} evidence {evidence}"


def test_tex_is_resolved_in_titles():
    """Titles carry no TeX once converted, except spans the README says are kept as printed (noted)."""
    for number, e in ENTRIES:
        if "\\" in e["title"] or "{" in e["title"]:
            assert e["note"] and "kept as printed" in e["note"], f"{DATA}:{number}: {e['title']!r}"

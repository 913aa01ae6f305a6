"""Fuzzing the readers (issue 12): layout detection and the three layout parsers, given
arbitrary text and real records (examples/profiles, tests/realpapers) mutated, give
records or located errors, never another exception, and never lose a line: every line
is a header line, or in a record (at most the layout's lines per record), or in a
rejected record's span; the export of what they read has every record read (read =
exported + rejected).

Budget: ``KG_FUZZ_EXAMPLES`` examples per test (default 60, a few seconds each in CI);
the long run of README "Reliability" used 20,000 (its findings are the ``@example``s).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.models import Layout, Profile, SourceRef
from kg.parse import bibliography, listing
from kg.parse.abstracts import parse_abstracts
from kg.parse.detect import detect_layout
from kg.parse.text import numbered_lines
from kg.parse import parse_profile, read_profile
from kg.pipeline import build_whole
from tests.test_realpapers import profile_texts

ROOT = Path(__file__).parents[1]
EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOURCE = SourceRef(source="fuzz.txt", path="fuzz.txt", line=1)
REAL = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "profiles").glob("*.txt"))]
REAL += [text for _, (_, _, text) in sorted(profile_texts().items())[::7]]
REAL_LINES = sorted({line for text in REAL for line in text.splitlines() if line.strip()})
MOST_LINES = {Layout.LISTING: 3, Layout.BIBLIOGRAPHY: 3, Layout.ABSTRACTS: 1}
"""A record's lines in each layout: header, byline, abstract; title, authors, abstract; one line."""

FRAGMENTS = ["LGDec 14, 2023", "CLJan 2, 2024[Code]", "LGJul", "Abstract: ", "A BSTRACT", "et al.", " · ", "openai",
             "Smith, Anna", "OpenAI, null, :, null", "Casas, Diego de Las", "Steele Jr., Guy L.", "王, 小明", ", ",
             "$\\to$", "\\%", "Schr\\\"{o}dinger", "{", "}", "$", "\\", "Gemini Team", "Tony", "Jr.", "II", "null",
             "ModelsSam Altman", "01.AI", "DeepSeek-AI", "'", "-", ".", ":", "\u200d", "\u202e", "\x1b", "\t", "🚀"]


@st.composite
def lines_like_profiles(draw) -> list[str]:
    """Lines built from real lines, profile-shaped fragments and arbitrary text."""
    piece = st.one_of(st.sampled_from(REAL_LINES), st.sampled_from(FRAGMENTS), st.text(max_size=30))
    line = st.lists(piece, min_size=1, max_size=5).map("".join)
    return draw(st.lists(line, min_size=1, max_size=12))


@st.composite
def mutated_real(draw) -> list[str]:
    """A real profile's lines, mutated a few times: a line deleted, repeated, swapped,
    cut, split, joined to the next, or replaced by another real line or arbitrary text."""
    lines = draw(st.sampled_from(REAL)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "repeat", "swap", "cut", "split", "join", "replace", "insert"]))
        at = draw(st.integers(0, max(0, len(lines[i]))))
        if kind == "delete":
            del lines[i]
        elif kind == "repeat":
            lines.insert(i, lines[i])
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif kind == "cut":
            lines[i] = lines[i][:at]
        elif kind == "split":
            lines[i:i + 1] = [lines[i][:at], lines[i][at:]]
        elif kind == "join" and i + 1 < len(lines):
            lines[i:i + 2] = [lines[i] + lines[i + 1]]
        elif kind == "replace":
            lines[i] = draw(st.one_of(st.sampled_from(REAL_LINES), st.text(max_size=40)))
        elif kind == "insert":
            lines.insert(i, draw(st.one_of(st.sampled_from(REAL_LINES + FRAGMENTS), st.text(max_size=40))))
    return lines


@st.composite
def texts(draw) -> str:
    """A file's text: fuzzed lines, with LF, CRLF or lone CR, sometimes NFD."""
    lines = draw(st.one_of(lines_like_profiles(), mutated_real()))
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines) + draw(st.sampled_from(["", "\n"]))
    return unicodedata.normalize("NFD", text) if draw(st.booleans()) else text


def _check_coverage(numbered: list[tuple[int, str]], profile_lines: list, layout: Layout,
                    records: list, rejected: list) -> None:
    """No line lost: each line from the first record on is within a record (at most the
    layout's lines) or within a rejected record's span; spans in order, not overlapping."""
    starts = sorted([(r.source.line, "record", r.source.line) for r in records]
                    + [(r.first_line, "rejected", r.last_line) for r in rejected])
    lines = [n for n, _ in numbered]
    assert len({s for s, _, _ in starts}) == len(starts), f"two records start at one line: {starts}"
    for k, (start, kind, last) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else float("inf")
        span = [n for n in lines if start <= n < end]
        assert span and span[0] == start, f"a record starts at {start}, which is not a line"
        if kind == "record":
            assert len(span) <= MOST_LINES[layout], f"lines {span} read as one {layout.value} record: some are lost"
        else:
            assert last < end and all(n <= last for n in span), f"lines {span} after rejected {start}-{last} are lost"
            assert any(r.source.line in span for r in rejected if r.first_line == start)
    if starts:
        assert [n for n in lines if n < starts[0][0]] == profile_lines, "lines before the first record are lost"
    else:
        assert lines == profile_lines


def _check_reader(body: list[tuple[int, str]], layout: Layout, records: list, reader) -> None:
    assert all(r.layout is layout for r in records)
    _check_coverage(body, [], layout, records, list(reader.rejected))


@FUZZ
@given(texts())
@example("LGDec 14, 2023\n\nA Title Ann Lee\n")
def test_detection_and_parsing_give_records_or_located_errors_and_lose_no_line(text):
    numbered = numbered_lines(text)
    try:
        profile = parse_profile(text, SOURCE)
    except InputError as error:
        assert all(d.path == "fuzz.txt" and d.line for d in error.diagnostics)
        return
    layout, _, body_start = detect_layout(numbered, SOURCE.path)
    assert isinstance(profile, Profile) and profile.layout is layout
    header = [n for n, _ in numbered[:body_start]]
    _check_coverage(numbered, header, layout, list(profile.records), list(profile.rejected))


@FUZZ
@given(texts())
def test_the_listing_reader_never_raises_and_loses_no_line(text):
    body = numbered_lines(text)
    records, reader, _ = listing.parse_listing(body, SOURCE)
    _check_reader(body, Layout.LISTING, records, reader)


@FUZZ
@given(texts())
def test_the_bibliography_reader_never_raises_and_loses_no_line(text):
    body = numbered_lines(text)
    records, reader = bibliography.parse_bibliography(body, SOURCE)
    _check_reader(body, Layout.BIBLIOGRAPHY, records, reader)


@FUZZ
@given(texts())
def test_the_abstracts_reader_never_raises_and_loses_no_line(text):
    body = numbered_lines(text)
    records, reader = parse_abstracts(body, SOURCE)
    _check_reader(body, Layout.ABSTRACTS, records, reader)


def _read(path: Path) -> int:
    """Records read from one file, as the parse stage counts them: its records and
    rejected records, or one for a file that cannot be read at all."""
    try:
        profile = read_profile(path, path.name)
    except InputError:
        return 1
    return len(profile.records) + len(profile.rejected)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 4))
@given(st.lists(texts(), min_size=1, max_size=3))
@example(files=["$G^2$-Reader: Dual Evolving Graphs for Multimodal Document QAYaxin Du, Junru Song, Yifan Zhou et "
                "al.\n\x00"])
def test_the_export_of_fuzzed_files_has_every_record_read(tmp_path_factory, files):
    """read = exported (kg:SourceRecord nodes in the graph) + rejected (the report)."""
    folder = tmp_path_factory.mktemp("fuzz")
    for number, text in enumerate(files):
        (folder / f"f{number}.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
    graph, quads = build_whole([folder], max_errors=10_000)
    exported = {s for s, p, o, _ in quads if p.endswith("#type>") and o.endswith("#SourceRecord>")}
    read = sum(_read(folder / f"f{number}.txt") for number in range(len(files)))
    assert read == len(exported) + len(graph.report.rejected)

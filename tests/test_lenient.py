"""kg export --max-errors: bad records skipped and accounted for (read = exported +
rejected, in the summary and the report), past the budget nothing written, the same
bytes for any --jobs; a curation [[split]] chooses between close readings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
RECORDS = 1000
CORRUPT = 500
"""The record whose header is cut (``LGJul``), as issue 10 found."""


def name(n: int) -> str:
    """A family name per record: ``Bfa`` for 150."""
    return "".join(chr(ord("a") + int(d)) for d in str(n)).capitalize()


def record(n: int) -> str:
    header = "LGJul" if n == CORRUPT else f"LGJan {1 + n % 28}, {2000 + n % 25}"
    return (f"{header}\nResults Number {n} on ScalingAnn {name(n)}, Bo Chen et al.\n"
            f"We study results number {n} in depth, and show that they hold across many settings and scales.\n")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lenient")
    text = "".join(record(n) for n in range(RECORDS))
    (folder / "big.txt").write_text(text, encoding="utf-8")
    return folder


def export(inputs: Path, out: Path, *options: str):
    return runner.invoke(app, ["export", str(inputs), "-o", str(out), "--no-validate", *options])


def test_one_corrupt_record_in_a_thousand_is_skipped_and_accounted_for(inputs, tmp_path):
    result = export(inputs, tmp_path / "out.nq", "--max-errors", "1", "-j", "1")
    assert result.exit_code == 0, result.output
    counts = json.loads((tmp_path / "out.report.json").read_text())["counts"]
    rejected = json.loads((tmp_path / "out.report.json").read_text())["rejected"]
    assert (counts["read"], counts["records"], counts["rejected"]) == (RECORDS, RECORDS - 1, 1)
    assert counts["works"] == RECORDS - 1
    line = 3 * CORRUPT + 1
    assert rejected == [{"source": "big.txt", "line": line, "lines": [line, line + 2], "kind": "bad-header",
                         "reason": "expected a listing header such as 'LGDec 14, 2023', found 'LGJul'",
                         "raw": record(CORRUPT).rstrip("\n")}]
    assert f"big.txt:{line}: error: expected a listing header" in result.stderr
    assert f"skipped: the record of lines {line}-{line + 2} (--max-errors)" in result.stderr
    assert f"{RECORDS - 1} records ({RECORDS} read, 1 rejected)" in result.stderr


def test_the_same_bytes_for_any_number_of_jobs(inputs, tmp_path):
    for jobs in ("1", "2"):  # one file name in two folders: the name is the default dataset
        assert export(inputs, tmp_path / f"j{jobs}" / "out.nq", "--max-errors", "5", "-j", jobs, "-q").exit_code == 0
    assert (tmp_path / "j1" / "out.nq").read_bytes() == (tmp_path / "j2" / "out.nq").read_bytes()
    assert (tmp_path / "j1" / "out.report.json").read_bytes() == (tmp_path / "j2" / "out.report.json").read_bytes()


def test_past_the_budget_nothing_is_written(inputs, tmp_path):
    result = export(inputs, tmp_path / "out.nq")
    assert result.exit_code == 2
    assert f"big.txt:{3 * CORRUPT + 1}: error: expected a listing header" in result.stderr
    assert "hint: a listing record is three lines" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_file_is_one_rejected_record(inputs, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "big.txt").write_text((inputs / "big.txt").read_text())
    (tmp_path / "in" / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = export(tmp_path / "in", tmp_path / "out.nq", "--max-errors", "2")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out.report.json").read_text())
    assert [(r["source"], r["kind"]) for r in report["rejected"]] == [("big.txt", "bad-header"), ("blob.txt", "binary-file")]
    assert report["counts"]["read"] == report["counts"]["records"] + 2


GLUED = ("LGJan 2, 2024\nIntroducing DeepMindJane Doe, Ann Lee\n"
         "We study reading notes in depth, and show that they hold across many settings and scales.\n")


def test_a_near_tie_is_warned_reported_and_curated(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text(GLUED)
    result = export(tmp_path / "in", tmp_path / "a.nq")
    assert result.exit_code == 0
    assert "1 warning(s) [byline-near-tie]:" in result.stderr
    assert "notes.txt:2: warning: two readings of this byline are close" in result.stderr
    choices = json.loads((tmp_path / "a.report.json").read_text())["byline_choices"]
    assert choices == [{"source": "notes.txt", "line": 2,
                        "kept": {"title": "Introducing DeepMind", "first_author": "Jane Doe"},
                        "other": {"title": "Introducing Deep", "first_author": "MindJane Doe"}}]
    curation = tmp_path / "curation.toml"
    curation.write_text('[[split]]\nprofile = "notes.txt"\nline = 2\ntitle = "Introducing Deep"\n')
    result = export(tmp_path / "in", tmp_path / "b.nq", "--curation", str(curation))
    assert result.exit_code == 0
    report = json.loads((tmp_path / "b.report.json").read_text())
    assert report["byline_choices"] == [] and "near-tie" not in result.stderr
    assert "https://example.org/kg/work/introducing-deep>" in (tmp_path / "b.nq").read_text()

"""Every input accounted for (issue 12, README "Reliability"): what an input folder holds
that kg cannot read is an error naming it, or under ``--max-errors`` a rejected input in
the report, counted; ``*.TXT`` is read; UTF-16 and UTF-32 are named with their fix."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.faults import PROFILES, needs_permissions, run_kg, small_profiles, working_files

runner = CliRunner()
A, B = sorted(p.name for p in PROFILES.glob("*.txt"))[:2]


def export(*args: str | Path):
    return runner.invoke(app, ["export", *map(str, args), "--no-validate"])


def report(out: Path) -> dict:
    return json.loads(out.with_name(out.stem + ".report.json").read_text(encoding="utf-8"))


@pytest.fixture
def folder(tmp_path) -> Path:
    return small_profiles(tmp_path / "in")


def test_profile_names_are_matched_in_any_case(tmp_path, folder):
    (folder / A).rename(folder / "UPPER.TXT")
    (folder / B).rename(folder / "Mixed.Txt")
    result = export(folder, "-o", tmp_path / "out.nq", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p["source"] for p in report(tmp_path / "out.nq")["rejected"]) == []
    assert "exported 2 profile(s)" in result.stderr


def test_broken_and_looping_links_are_errors_naming_them(tmp_path, folder):
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "lab").symlink_to(tmp_path / "unmounted")  # a folder of profiles that is not there
    result = export(folder, "-o", tmp_path / "out.nq")
    assert result.exit_code == 2
    assert f"{folder / 'gone.txt'}: error: broken symbolic link to '{tmp_path / 'nowhere.txt'}'" in result.stderr
    assert f"{folder / 'loop.txt'}: error: symbolic link loop: it leads back to itself" in result.stderr
    assert f"{folder / 'lab'}: error: broken symbolic link to '{tmp_path / 'unmounted'}'" in result.stderr
    assert working_files(tmp_path) == [] and not (tmp_path / "out.nq").exists()


def test_with_max_errors_each_unreadable_entry_is_a_rejected_input_counted_once(tmp_path, folder):
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    result = export(folder, "-o", tmp_path / "out.nq", "--max-errors", "2")
    assert result.exit_code == 0, result.output
    found = report(tmp_path / "out.nq")
    assert [(r["source"], r["kind"]) for r in found["rejected"]] == [("gone.txt", "broken-link"),
                                                                      ("loop.txt", "link-loop")]
    assert found["counts"]["read"] == found["counts"]["records"] + 2
    assert export(folder, "-o", tmp_path / "again.nq", "--max-errors", "1").exit_code == 2


def test_a_link_to_a_folder_is_followed_and_a_link_back_up_is_a_loop(tmp_path, folder):
    elsewhere = small_profiles(tmp_path / "elsewhere", 3)
    (elsewhere / A).unlink()
    (elsewhere / B).unlink()
    (folder / "more").symlink_to(elsewhere)
    (folder / "up").symlink_to(folder)
    result = export(folder, "-o", tmp_path / "out.nq")
    assert result.exit_code == 2
    assert f"{folder / 'up'}: error: symbolic link to a folder that contains it (a loop)" in result.stderr
    (folder / "up").unlink()
    assert export(folder, "-o", tmp_path / "out.nq", "-q").exit_code == 0
    assert "more/" in (tmp_path / "out.nq").read_text()


def test_a_fifo_is_an_error_not_a_hang(tmp_path, folder):
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(tmp_path / "given.txt")
    result = run_kg("export", folder, tmp_path / "given.txt", "-o", tmp_path / "out.nq", tmpdir=tmp_path, timeout=60)
    assert result.returncode == 2
    assert f"{folder / 'pipe.txt'}: error: not a regular file: a FIFO (named pipe)" in result.stderr
    assert f"{tmp_path / 'given.txt'}: error: not a regular file: a FIFO (named pipe)" in result.stderr


@needs_permissions
def test_an_unreadable_folder_and_file_are_errors_or_rejected_inputs(tmp_path, folder):
    (folder / "private").mkdir()
    (folder / "private" / "x.txt").write_text("LGJan 1, 2020\nA TitleAnn Lee\n")
    (folder / "private").chmod(0)
    (folder / B).chmod(0)
    try:
        failed = run_kg("export", folder, "-o", tmp_path / "out.nq", obey_permissions=True, tmpdir=tmp_path)
        lenient = run_kg("export", folder, "-o", tmp_path / "out.nq", "--max-errors", "2", obey_permissions=True,
                         tmpdir=tmp_path)
    finally:
        (folder / "private").chmod(0o755)
        (folder / B).chmod(0o644)
    assert failed.returncode == 2
    assert f"{folder / 'private'}: error: cannot read folder: Permission denied" in failed.stderr
    assert f"{folder / B}: error: cannot read file: Permission denied" in failed.stderr
    assert lenient.returncode == 0, lenient.stderr
    found = report(tmp_path / "out.nq")
    assert [(r["source"], r["kind"]) for r in found["rejected"]] == [(B, "unreadable-file"),
                                                                      ("private", "unreadable-folder")]
    assert found["counts"]["read"] == found["counts"]["records"] + 2


def test_a_file_name_that_is_not_utf8_is_an_error_shown_escaped(tmp_path, folder):
    raw = os.fsencode(folder) + b"/caf\xe9.txt"
    os.rename(folder / A, raw)
    failed = run_kg("export", folder, "-o", tmp_path / "out.nq", tmpdir=tmp_path)
    assert failed.returncode == 2
    assert f"{folder}/caf\\xe9.txt: error: file name is not UTF-8" in failed.stderr
    lenient = run_kg("export", folder, "-o", tmp_path / "out.nq", "--max-errors", "1", tmpdir=tmp_path)
    assert lenient.returncode == 0, lenient.stderr
    assert [r["source"] for r in report(tmp_path / "out.nq")["rejected"]] == ["caf\\xe9.txt"]


def test_control_characters_in_a_file_name_are_shown_as_escapes(tmp_path, folder):
    (folder / "\x1b[31mred\u202e.txt").write_bytes(b"caf\xe9\n")
    result = export(folder, "-o", tmp_path / "out.nq")
    assert result.exit_code == 2
    assert "\\x1b[31mred\\u202e.txt:1: error: not UTF-8 text" in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


def test_a_file_given_twice_is_read_once(tmp_path):
    result = export(PROFILES / A, PROFILES / A, "-o", tmp_path / "out.nq", "-q")
    assert result.exit_code == 0 and "exported 1 profile(s)" in result.stderr


@pytest.mark.parametrize("encoding, named, fix", [
    ("utf-16", "UTF-16 (little-endian, with a byte order mark)", "iconv -f UTF-16 -t UTF-8"),
    ("utf-16-le", "UTF-16 (little-endian)", "iconv -f UTF-16LE -t UTF-8"),
    ("utf-16-be", "UTF-16 (big-endian)", "iconv -f UTF-16BE -t UTF-8"),
    ("utf-32", "UTF-32 (little-endian, with a byte order mark)", "iconv -f UTF-32 -t UTF-8"),
    ("utf-32-be", "UTF-32 (big-endian)", "iconv -f UTF-32BE -t UTF-8"),
])
def test_utf16_and_utf32_are_named_with_their_fix(tmp_path, encoding, named, fix):
    source = tmp_path / "wide.txt"
    source.write_bytes((PROFILES / A).read_text(encoding="utf-8").encode(encoding))
    result = runner.invoke(app, ["parse", str(source)])
    assert result.exit_code == 2
    assert result.stderr == f"{source}:1: error: {named} text, not UTF-8\n  hint: convert it to UTF-8: {fix} {source} > NEW.txt\n"


def test_binary_data_with_zero_bytes_is_still_binary(tmp_path):
    source = tmp_path / "image.txt"
    source.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8)
    result = runner.invoke(app, ["parse", str(source)])
    assert "binary file (NUL byte)" in result.stderr
    big = tmp_path / "cjk.txt"
    big.write_bytes(codecs.BOM_UTF16_LE + "王小明\n".encode("utf-16-le") * 3000)
    assert "UTF-16 (little-endian, with a byte order mark) text" in runner.invoke(app, ["parse", str(big)]).stderr

"""Fuzzing the CLI's path handling (issue 12): random combinations of inputs (folders,
files, links), outputs and side files (new files, inputs, links and hard links to
inputs, folders, paths under a file, one output twice, names that are not UTF-8) are
refused with ``path: error:`` lines and exit 2, changing nothing, or written whole
(the report names its export and description), changing nothing else; never a
traceback, never a working file left.

Budget: ``KG_FUZZ_PATHS`` examples (default 25 in CI, ~0.3 s each); the long run of
README "Reliability" used 1,000.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.serialize import FORMATS
from tests.faults import PROFILES, is_complete_set, working_files

runner = CliRunner()
EXAMPLES = int(os.environ.get("KG_FUZZ_PATHS", "25"))
SMALL = sorted(PROFILES.glob("*.txt"), key=lambda p: p.stat().st_size)[:2]

INPUTS = ["in", "solo.txt", "in/a.txt", "link-to-a.txt", "linked-folder"]
OUTPUTS = ["out.nq", "out.ttl", "in/a.txt", "in/new.txt", "in/graph.ttl", "link-to-a.txt", "hard-a.txt", "folder",
           "file/x.nq", "solo.txt", "new/deep/out.jsonld", "caf\udce9.nq", "dangling.nq", "report.json", "folder/.."]
SIDES = [None] * len(OUTPUTS) + OUTPUTS
"""Half the time a side file goes to its default place."""


def _world(root: Path) -> None:
    """The files a run may meet: an input folder, a lone profile, links, a folder, a file."""
    (root / "in").mkdir()
    shutil.copy(SMALL[0], root / "in" / "a.txt")
    shutil.copy(SMALL[1], root / "in" / "b.txt")
    shutil.copy(SMALL[1], root / "solo.txt")
    (root / "link-to-a.txt").symlink_to(root / "in" / "a.txt")
    (root / "linked-folder").symlink_to(root / "in")
    os.link(root / "in" / "a.txt", root / "hard-a.txt")
    (root / "folder").mkdir()
    (root / "file").write_text("a file\n")
    (root / "dangling.nq").symlink_to(root / "nowhere" / "x.nq")
    (root / "report.json").write_text("{}\n")


def _state(root: Path) -> dict[str, tuple]:
    """Every entry under ``root``: links by target, files by content."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            key = os.fsencode(path.relative_to(root)).decode("utf-8", "backslashreplace")
            found[key] = ("link", os.readlink(path)) if path.is_symlink() else \
                ("folder",) if path.is_dir() else ("file", path.read_bytes())
    return found


def _written(root: Path, *paths: str | None) -> set[str]:
    """The entries an export writes (links followed), relative to ``root``."""
    out = set()
    for path in paths:
        if path is not None:
            real = Path(os.path.realpath(root / path))
            out |= {os.fsencode(p.relative_to(root)).decode("utf-8", "backslashreplace")
                    for p in (real, *real.parents) if p != root and root in p.parents}
    return out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=st.lists(st.sampled_from(INPUTS), min_size=1, max_size=3, unique=True),
       output=st.sampled_from(OUTPUTS), report=st.sampled_from(SIDES), void=st.sampled_from(SIDES))
@example(inputs=["in"], output="in/a.txt", report=None, void=None)
@example(inputs=["in"], output="out.nq", report="out.nq", void=None)
@example(inputs=["in"], output="out.nq", report="folder", void=None)
@example(inputs=["linked-folder"], output="hard-a.txt", report=None, void=None)
def test_any_paths_are_refused_unchanged_or_written_whole(inputs, output, report, void):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _world(root)
        before = _state(root)
        args = ["export", *(str(root / i) for i in inputs), "-o", str(root / output), "--no-validate", "-j", "1"]
        if Path(output).suffix.lower() not in FORMATS:
            args += ["--format", "nquads"]
        for option, side in (("--report", report), ("--void", void)):
            if side is not None:
                args += [option, str(root / side)]
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        after = _state(root)
        assert working_files(*(Path(f) for f, _, _ in os.walk(root))) == []
        if result.exit_code == 2:
            event("refused: " + result.stderr.split(": error: ", 1)[1].replace(folder, "").split(":")[0][:50])
            assert all(": error: " in line or line.startswith("  ") for line in result.stderr.splitlines()), \
                result.stderr
            assert after == before, "a refused run changed something"
            return
        stem = str(Path(output).with_suffix(""))
        sides = (report or f"{stem}.report.json", void or f"{stem}.void.ttl")
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert changed <= _written(root, output, *sides), f"changed beyond the outputs: {changed}"
        assert is_complete_set(root / output, root / sides[0], root / sides[1])
        event("written")

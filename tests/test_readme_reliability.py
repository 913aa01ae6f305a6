"""README's Reliability table: every promise names tests, and every test it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def reliability_rows() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Reliability\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith(("| fault", "| ---"))]


def test_every_reliability_promise_names_tests_that_exist():
    rows = reliability_rows()
    assert len(rows) >= 10
    for row in rows:
        cited = re.findall(r"`((?:test_\w+\.py)?(?:::\w+)?)`", row.rsplit(" | ", 1)[1])
        assert cited, f"no test named for: {row}"
        module = None
        for name in cited:
            file, _, function = name.partition("::")
            module = file or module
            assert module and (ROOT / "tests" / module).is_file(), f"{name}: no such test file ({row})"
            if function:
                assert f"def {function}(" in (ROOT / "tests" / module).read_text(encoding="utf-8"), \
                    f"{module}::{function}: no such test"

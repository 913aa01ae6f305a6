"""The benchmark scripts that are not run by CI's benchmark job still run."""

from __future__ import annotations

from pathlib import Path

from benchmarks.seed_stats import main as seed_stats

SEEDS = Path(__file__).parents[1] / "examples" / "profiles"


def test_seed_stats_measures_the_seeds(capsys):
    assert seed_stats([str(SEEDS)]) == 0
    printed = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert int(printed["works"]) > 0 and int(printed["people"]) > 0
    assert "files by layout" in printed

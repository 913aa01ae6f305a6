"""The export's progress display (kg.cli._progress)."""

from __future__ import annotations

import io
import threading

from kg import cli
from kg.pipeline import ExportOptions, export
from kg.stream import UNITS, Batches


class Terminal(io.StringIO):
    """stderr as a terminal: the display is shown."""

    def isatty(self) -> bool:
        return True


def test_the_display_runs_no_thread_while_pools_fork(monkeypatch):
    """The export forks its worker pools while the display is up; a thread running then
    (rich's refresh thread) may hold a lock the children inherit held. The display draws
    on each update from the calling thread instead, and still shows the stage."""
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    before = set(threading.enumerate())
    with cli._progress(enabled=True, units={"parse": "files"}) as update:
        assert update is not None
        update("parse", 1, 4)
        assert set(threading.enumerate()) == before
        update("parse", 2, 4)
    assert "parse" in terminal.getvalue() and "2/4" in terminal.getvalue() and "files" in terminal.getvalue()


def test_progress_counts_files_records_names_and_profiles_not_batches(tmp_path):
    """Each stage's count ends at its total, known when the stage starts (an ETA that
    does not jump): files for the scan, records for the works, the people's names,
    profiles, in small batches and on 2 processes."""
    from benchmarks.generate_corpus import generate_corpus

    generate_corpus(300, 5, tmp_path / "corpus")
    calls: list[tuple[str, int, int]] = []
    options = ExportOptions(format="nquads", validate_shapes=False, jobs=2, batches=Batches(files=3, works=40,
                                                                                               people=50, profiles=4))
    result = export([tmp_path / "corpus"], options, io.StringIO(), lambda *call: calls.append(call))
    files = len(list((tmp_path / "corpus").glob("*.txt")))
    last = {stage: (done, total) for stage, done, total in calls}
    assert last == {"evidence": (files, files), "parse": (files, files),
                    "works": (result.summary.records, result.summary.records),
                    "people": last["people"], "profiles": (files, files)}
    assert last["people"][0] == last["people"][1] >= result.summary.people
    for stage in last:
        counts = [done for s, done, _ in calls if s == stage]
        assert counts == sorted(counts) and len(counts) > 2, stage
        assert {total for s, _, total in calls if s == stage} == {last[stage][1]}, "the total never changes"
    assert set(last) == set(UNITS)

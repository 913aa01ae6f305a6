"""The export's progress display (kg.cli._progress)."""

from __future__ import annotations

import io
import threading

from kg import cli


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
    with cli._progress(enabled=True) as update:
        assert update is not None
        update("parse", 1, 4)
        assert set(threading.enumerate()) == before
        update("parse", 2, 4)
    assert "parse" in terminal.getvalue() and "2/4" in terminal.getvalue()

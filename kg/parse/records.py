"""Parse stage: what every layout reader records besides its records.

A reader walks a file's lines by its layout's structure. What does not fit where it
stands is rejected with the record it belongs to (:class:`~kg.models.RejectedRecord`:
the error's line, the lines the record spans up to where the next record starts, and
their text); what parses but looks odd is a warning. Both carry a stable ``kind`` code.
"""

from __future__ import annotations

from kg.errors import Diagnostic
from kg.models import RejectedRecord, SourceRef


def at(file: SourceRef, line: int) -> SourceRef:
    """``file`` at another line (built directly: a copy of a pydantic model costs more)."""
    return SourceRef(source=file.source, path=file.path, line=line)


class Reader:
    """The lines of one file being read, and the warnings and rejected records found."""

    def __init__(self, file: SourceRef, lines: list[tuple[int, str]]):
        self.file = file
        self.lines = lines
        self.warnings: list[Diagnostic] = []
        self.rejected: list[RejectedRecord] = []

    def warn(self, index: int, message: str, kind: str) -> None:
        """A warning at ``lines[index]``."""
        self.warnings.append(Diagnostic(path=self.file.path, line=self.lines[index][0], severity="warning",
                                        message=message, kind=kind))

    def reject(self, first: int, error: int, end: int, reason: str, hint: str | None, kind: str) -> None:
        """The record of ``lines[first:end]`` is rejected for what ``lines[error]`` holds."""
        end = max(end, error + 1, first + 1)
        span = self.lines[first:end]
        self.rejected.append(RejectedRecord(
            source=at(self.file, self.lines[error][0]), first_line=span[0][0],
            last_line=span[-1][0], reason=reason, hint=hint, kind=kind, raw="\n".join(t for _, t in span)))

"""The reconciliation report: what a person may want to check, as JSON (``--report``).

Sources are named by their source name and line (not the path as typed), so the report
of the same inputs is the same file wherever it was made.
"""

from __future__ import annotations

import io
import json
from pathlib import PurePath
from collections.abc import Iterable, Iterator
from typing import IO

from kg import __version__
from kg.errors import shown_path
from kg.models import ExportSummary, SourceRef


def _ref(ref: SourceRef) -> dict:
    return {"source": ref.source, "line": ref.line}


def report_data(summary: ExportSummary, triples: int, files: dict | None = None) -> dict:
    """The report as plain data (README, "Reports" documents every key)."""
    return {key: value if isinstance(value, (str, dict)) else list(value)
            for key, value in _report_items(summary, triples, files)}


def _report_items(summary: ExportSummary, triples: int,
                  files: dict | None = None) -> Iterator[tuple[str, str | dict | Iterable]]:
    report = summary.report
    yield "kg_version", __version__
    yield "counts", {"profiles": len(summary.profiles), "read": summary.records + len(report.rejected),
                     "records": summary.records, "rejected": len(report.rejected), "works": summary.works,
                     "people": summary.people, "organizations": summary.organizations, "triples": triples}
    yield "disagreements", (
        {"work": d.work, "field": d.field, "kept": d.kept, "rule": d.rule,
         "values": [{"value": v.value, "sources": [_ref(s) for s in v.sources]} for v in d.values]}
        for d in report.disagreements)
    yield "unmatched_abstracts", ({"source": u.source, "line": u.line, "work": u.work}
                                  for u in report.unmatched_abstracts)
    yield "person_candidates", ({"people": list(c.people), "names": list(c.names), "reason": c.reason}
                                for c in report.person_candidates)
    yield "owner_candidates", ({"profile": c.profile, "owner": c.owner, "candidate": c.candidate, "name": c.name}
                               for c in report.owner_candidates)
    yield "inferred_owners", ({"profile": p, "owner": o} for p, o in report.inferred_owners)
    yield "curation_unused", iter(report.curation_unused)
    yield "rejected", ({"source": r.source.source, "line": r.source.line, "lines": [r.first_line, r.last_line],
                        "kind": r.kind, "reason": r.reason, "raw": r.raw} for r in report.rejected)
    yield "byline_choices", ({"source": c.source.source, "line": c.source.line,
                              "kept": {"title": c.kept_title, "first_author": c.kept_author},
                              "other": {"title": c.other_title, "first_author": c.other_author}}
                             for c in report.byline_choices)
    sources = {p.source.path: p.source.source for p in summary.profiles}
    yield "warnings", ({"source": sources.get(w.path, shown_path(PurePath(w.path).name)), "line": w.line, "kind": w.kind,
                        "message": w.message} for w in summary.warnings)
    if files is not None:
        yield "files", files


def write_report(summary: ExportSummary, triples: int, out: IO[str], files: dict | None = None) -> None:
    """The report as JSON (indented by 2, as ``json.dumps`` does), written one list item
    at a time: a large export has hundreds of thousands of unmatched abstracts. ``files``:
    the name, size and SHA-256 of the export and the description written with it
    (kg.output), so that a reader can tell the three belong together."""
    out.write("{")
    for number, (key, value) in enumerate(_report_items(summary, triples, files)):
        out.write(f'{"," if number else ""}\n  {_dumps(key)}: ')
        if isinstance(value, (str, dict)):
            out.write(_dumps(value).replace("\n", "\n  "))
            continue
        empty = True
        for item in value:
            out.write(f'{"[" if empty else ","}\n    ' + _dumps(item).replace("\n", "\n    "))
            empty = False
        out.write("[]" if empty else "\n  ]")
    out.write("\n}\n")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def report_json(summary: ExportSummary, triples: int) -> str:
    out = io.StringIO()
    write_report(summary, triples, out)
    return out.getvalue()

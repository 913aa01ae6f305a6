"""The reconciliation report: what a person may want to check, as JSON (``--report``).

Sources are named by their source name and line (not the path as typed), so the report
of the same inputs is the same file wherever it was made.
"""

from __future__ import annotations

import json

from kg import __version__
from kg.models import ExportSummary, SourceRef


def _ref(ref: SourceRef) -> dict:
    return {"source": ref.source, "line": ref.line}


def report_data(summary: ExportSummary, triples: int) -> dict:
    """The report as plain data (README, "Reports" documents every key)."""
    report = summary.report
    return {
        "kg_version": __version__,
        "counts": {"profiles": len(summary.profiles), "records": summary.records, "works": summary.works,
                   "people": summary.people, "organizations": summary.organizations, "triples": triples},
        "disagreements": [
            {"work": d.work, "field": d.field, "kept": d.kept, "rule": d.rule,
             "values": [{"value": v.value, "sources": [_ref(s) for s in v.sources]} for v in d.values]}
            for d in report.disagreements],
        "unmatched_abstracts": [{"source": u.source, "line": u.line, "work": u.work}
                                for u in report.unmatched_abstracts],
        "person_candidates": [
            {"people": list(c.people), "names": list(c.names), "reason": c.reason}
            for c in report.person_candidates],
        "owner_candidates": [
            {"profile": c.profile, "owner": c.owner, "candidate": c.candidate, "name": c.name}
            for c in report.owner_candidates],
        "inferred_owners": [{"profile": p, "owner": o} for p, o in report.inferred_owners],
        "curation_unused": list(report.curation_unused),
    }


def report_json(summary: ExportSummary, triples: int) -> str:
    return json.dumps(report_data(summary, triples), ensure_ascii=False, indent=2) + "\n"

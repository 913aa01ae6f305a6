"""The reconciliation report: what a person may want to check, as JSON (``--report``).

Sources are named by their source name and line (not the path as typed), so the report
of the same inputs is the same file wherever it was made.
"""

from __future__ import annotations

import json

from kg import __version__
from kg.models import KnowledgeGraph, SourceRef


def _ref(ref: SourceRef) -> dict:
    return {"source": ref.source, "line": ref.line}


def report_data(graph: KnowledgeGraph, triples: int) -> dict:
    """The report as plain data (README, "Reports" documents every key)."""
    report = graph.report
    return {
        "kg_version": __version__,
        "counts": {"profiles": len(graph.profiles), "records": sum(len(p.records) for p in graph.profiles),
                   "works": len(graph.works), "people": len(graph.people),
                   "organizations": len(graph.organizations), "triples": triples},
        "disagreements": [
            {"work": d.work, "field": d.field, "kept": d.kept, "rule": d.rule,
             "values": [{"value": v.value, "sources": [_ref(s) for s in v.sources]} for v in d.values]}
            for d in report.disagreements],
        "unmatched_abstracts": [{**_ref(ref), "work": work} for ref, work in _unmatched(graph)],
        "person_candidates": [
            {"people": list(c.people), "names": list(c.names), "reason": c.reason}
            for c in report.person_candidates],
        "owner_candidates": [
            {"profile": c.profile, "owner": c.owner, "candidate": c.candidate, "name": c.name}
            for c in report.owner_candidates],
        "inferred_owners": [{"profile": p, "owner": o} for p, o in report.inferred_owners],
        "curation_unused": list(report.curation_unused),
    }


def _unmatched(graph: KnowledgeGraph) -> list[tuple[SourceRef, str]]:
    work_of = {ref: w.iri for w in graph.works for ref in w.sources}
    return [(ref, work_of[ref]) for ref in graph.report.unmatched_abstracts]


def report_json(graph: KnowledgeGraph, triples: int) -> str:
    return json.dumps(report_data(graph, triples), ensure_ascii=False, indent=2) + "\n"

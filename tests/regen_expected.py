"""Recompute the expected results of every example query with the embedded store:
``python -m tests.regen_expected``, then review the change with ``git diff``.

``examples/queries/NAME.rq`` gets ``NAME.tsv`` (SPARQL 1.1 TSV results) for a SELECT
and ``NAME.nt`` (sorted N-Triples) for a CONSTRUCT, computed over the bundled export
``examples/export/examples.nq`` exactly as ``kg query`` evaluates it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from kg.query import format_result, read_store, run_query

ROOT = Path(__file__).parents[1]
QUERIES = ROOT / "examples" / "queries"
EXPORT = ROOT / "examples" / "export" / "examples.nq"


def expected_path(query: Path, result: object) -> Path:
    return query.with_suffix(".nt" if isinstance(result, ox.QueryTriples) else ".tsv")


def regenerate(queries: Path = QUERIES, export: Path = EXPORT) -> list[Path]:
    """Write each query's expected file; return the files written."""
    store = read_store(export)
    written = []
    for query in sorted(queries.glob("*.rq")):
        result = run_query(store, query.read_text(encoding="utf-8"), str(query))
        target = expected_path(query, result)
        fmt = "ntriples" if isinstance(result, ox.QueryTriples) else "tsv"
        text = format_result(result, fmt, terminal=False)
        if fmt == "ntriples":  # kg query prints triples as they come: sorted, they compare
            text = "".join(sorted(text.splitlines(keepends=True)))
        target.write_text(text, encoding="utf-8", newline="\n")
        written.append(target)
    return written


if __name__ == "__main__":
    for path in regenerate():
        print(path.relative_to(ROOT), file=sys.stderr)

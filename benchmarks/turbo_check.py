"""Does pyshacl-turbo report what pyshacl reports, on the shape tests' mutants?

    pip install pyshacl-turbo && python benchmarks/turbo_check.py

Runs the conforming export of ``tests/shapes/conforming.ttl`` and each of the mutants
of ``tests/test_shapes.py`` through both engines, as ``kg.validate`` runs them, and
compares the whole results (severity, focus, path, value, message, source shape and
SPARQL constraint), not only what the tests assert. Prints the cases that differ and
the time each engine took.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))


def results(report: Graph) -> set:
    from kg.validate import _result

    return {_result(report, n) for n in report.subjects(SH.resultSeverity, None)}


def main() -> int:
    from kg.validate import _batch_graph, _run_pyshacl, _run_turbo
    from tests.test_shapes import CASES, CONFORMING, PREFIXES, expand

    conforming = Graph().parse(CONFORMING)
    cases = [("conforming", None)] + [(p.id, p.values[0]) for p in CASES]
    differ, seconds = [], {"pyshacl": 0.0, "turbo": 0.0}
    for name, update in cases:
        data = Graph()
        for triple in conforming:
            data.add(triple)
        if update:
            data.update(PREFIXES + expand(update))
        start = time.perf_counter()
        expected = results(_run_pyshacl(_batch_graph(list(data)))[1])
        middle = time.perf_counter()
        got = results(_run_turbo(_batch_graph(list(data))))
        seconds["pyshacl"] += middle - start
        seconds["turbo"] += time.perf_counter() - middle
        if got != expected:
            differ.append(name)
            print(f"{name}: only pyshacl {sorted(map(str, expected - got))}; only turbo {sorted(map(str, got - expected))}")
    print(f"{len(cases)} graphs, {len(differ)} with different results; pyshacl {seconds['pyshacl']:.1f} s, "
          f"turbo {seconds['turbo']:.1f} s")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

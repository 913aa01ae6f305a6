"""Validation benchmark: the ways ``kg.validate`` can run the shapes, on one corpus.

    python benchmarks/validation.py CORPUS_DIR --mode whole
    python benchmarks/validation.py CORPUS_DIR --mode batches --jobs 2 --works-per-batch 50
    python benchmarks/validation.py CORPUS_DIR --mode batches --engine turbo --jobs 2
    python benchmarks/validation.py CORPUS_DIR --mode batches --compare whole

``whole`` is pyshacl over the whole graph (as ``kg.validate.validate_graph`` runs it:
parsed SPARQL cached, no copy of the data); ``batches`` splits the graph with
``split_for_validation`` and runs ``validate_batches``. ``--compare MODE`` runs a second
mode on the same triples and says whether the two reports are the same. Prints wall
and CPU seconds (this process and its workers), works/s and peak RSS (the larger of
this process and its largest worker). Figures on a shared machine are indicative.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return max(own.ru_maxrss, children.ru_maxrss) / 1024


def read_triples(corpus: Path) -> tuple[list, int]:
    """kg's parse, reconcile and map stages: the export's triples and its work count."""
    from kg.identity import build_graph
    from kg.mapping import graph_to_quads
    from kg.namespaces import DEFAULT_BASE
    from kg.pipeline import parse_all

    graph = build_graph(parse_all([corpus]), DEFAULT_BASE)
    return list(dict.fromkeys(q[:3] for q in graph_to_quads(graph))), len(graph.works)


def run(mode: str, triples: list, args: argparse.Namespace):  # noqa: ANN201
    from kg.validate import split_for_validation, validate_batches, validate_graph

    if mode == "whole":
        return validate_graph(triples)
    return validate_batches(split_for_validation(triples, args.works_per_batch), jobs=args.jobs, engine=args.engine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--mode", choices=("whole", "batches"), default="batches")
    parser.add_argument("--engine", choices=("pyshacl", "turbo"), default="pyshacl")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--works-per-batch", type=int, default=50)
    parser.add_argument("--compare", choices=("whole", "batches"))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    triples, works = read_triples(args.corpus)
    print(f"read {args.corpus}: {works} works, {len(triples)} triples in {time.perf_counter() - start:.1f} s",
          flush=True)
    reports = []
    for mode in [args.mode] + ([args.compare] if args.compare else []):
        wall, cpu = time.perf_counter(), cpu_seconds()
        report = run(mode, triples, args)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        label = mode if mode == "whole" else f"batches of {args.works_per_batch} works, {args.engine}, jobs={args.jobs}"
        print(f"{label}: wall {wall:.1f} s, cpu {cpu:.1f} s, {works / wall:,.0f} works/s, "
              f"{len(triples) / wall:,.0f} triples/s, peak RSS {peak_rss_mb():,.0f} MB, conforms={report.conforms}, "
              f"{len(report.results)} results", flush=True)
        reports.append(report)
    if len(reports) == 2:
        same = set(reports[0].results) == set(reports[1].results) and reports[0].conforms == reports[1].conforms
        print(f"same report: {same}")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

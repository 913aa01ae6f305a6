"""Benchmark reference points: the obvious pipeline and the raw N-Triples write.

    python benchmarks/baseline.py CORPUS_DIR [--out DIR] [--skip-validate]

The obvious pipeline is what one writes first with the stack: kg's parser, identity and
mapping stages into ONE rdflib Graph (built by rdflib's N-Triples parser from the mapped
terms), pyshacl over the whole graph with the project's
shapes (``shapes/kg.shacl.ttl``, as ``kg.validate`` runs them), then rdflib's Turtle
serializer. The raw write joins the same triples' terms (already N-Triples text) into lines with
plain f-strings and writes them to a file: the floor any exporter written in Python sits on.

Each measurement runs in its own freshly spawned process, so the peak RSS it reports
(``resource.getrusage``, ru_maxrss, cumulative within the process) is that pipeline's
alone; a stage's peak is the process's peak at the end of that stage. Figures taken on
a shared machine are indicative only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).parents[1]
SHAPES = ROOT / "shapes" / "kg.shacl.ttl"


@dataclass(frozen=True)
class Stage:
    """One timed stage of one pipeline."""

    pipeline: str
    stage: str
    seconds: float
    works: int
    triples: int
    peak_rss_mb: float
    note: str = ""


def peak_rss_mb() -> float:
    """This process's peak resident set so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Collects stages: ``with timer("parse"): ...`` then ``timer.stages``."""

    def __init__(self, pipeline: str):
        self.pipeline, self.stages = pipeline, []
        self.works = self.triples = 0
        self.note = ""

    def __call__(self, stage: str) -> Timer:
        self._stage = stage
        return self

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.stages.append(Stage(self.pipeline, self._stage, time.perf_counter() - self._start,
                                 self.works, self.triples, peak_rss_mb(), self.note))
        self.note = ""

    def result(self) -> list[Stage]:
        """The stages, each with the run's work and triple counts (known only after the
        reconcile and map stages), so every stage has a works/s and a triples/s."""
        return [replace(s, works=self.works, triples=self.triples) for s in self.stages]


def _read_and_map(corpus: Path, timer: Timer) -> list:
    """kg's parse, reconcile and map stages; the quads as a list."""
    from kg.mapping import graph_to_quads
    from kg.namespaces import DEFAULT_BASE
    from kg.pipeline import parse_all
    from kg.reconcile import build_graph

    with timer("parse"):
        profiles = parse_all([corpus])
    with timer("reconcile"):
        graph = build_graph(profiles, DEFAULT_BASE)
        timer.works = len(graph.works)
    with timer("map"):
        quads = list(graph_to_quads(graph))
    timer.triples = len({q[:3] for q in quads})
    return quads


def obvious_pipeline(corpus: Path, out: Path, validate: bool = True) -> list[Stage]:
    """Parse + map into one rdflib Graph, pyshacl on the whole graph, rdflib Turtle."""
    import pyshacl
    from rdflib import Graph

    from kg.namespaces import PREFIXES

    timer = Timer("obvious (rdflib + pyshacl)")
    quads = _read_and_map(corpus, timer)
    with timer("build rdflib graph"):
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, replace=True)
        graph.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o, _ in quads), format="nt")
        del quads
    if validate:
        with timer("validate (pyshacl, whole graph)"):
            shapes = Graph().parse(SHAPES)
            conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                                   allow_warnings=True)
            results = len(set(report.subjects(pyshacl.consts.SH_resultSeverity, None)))
            timer.note = f"conforms={conforms}, {results} results"
    with timer("write Turtle (rdflib)"):
        graph.serialize(destination=str(out / "obvious.ttl"), format="turtle")
    return timer.result()


def raw_ntriples_write(corpus: Path, out: Path) -> list[Stage]:
    """The same triples as N-Triples lines from plain f-strings: format, then write."""
    timer = Timer("raw N-Triples write")
    quads = _read_and_map(corpus, timer)
    timer.stages.clear()  # only the write is this pipeline's point
    triples = list(dict.fromkeys((s, p, o) for s, p, o, _ in quads))
    with timer("format lines"):
        lines = [f"{s} {p} {o} .\n" for s, p, o in triples]
    with timer("write lines"):
        with open(out / "raw.nt", "w", encoding="utf-8") as handle:
            handle.writelines(lines)
    return timer.result()


def _child(target: Callable, args: tuple, queue) -> None:  # noqa: ANN001
    try:
        queue.put(target(*args))
    except BaseException as exc:  # the parent reports it
        queue.put(exc)


def in_child(target: Callable[..., list[Stage]], *args) -> list[Stage]:
    """Run one measurement in a freshly spawned interpreter (its own peak RSS)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, args, queue))
    process.start()
    result = queue.get()
    process.join()
    if isinstance(result, BaseException):
        raise result
    return result


def table(stages: list[Stage]) -> str:
    """A plain-text table: seconds, works/s, triples/s and peak RSS per stage."""
    head = f"{'pipeline':<28} {'stage':<32} {'s':>8} {'works/s':>9} {'triples/s':>10} {'peak RSS MB':>11}  note"
    rows = [head, "-" * len(head)]
    for s in stages:
        rate = lambda n: f"{n / s.seconds:,.0f}" if s.seconds > 0 and n else "-"  # noqa: E731
        rows.append(f"{s.pipeline:<28} {s.stage:<32} {s.seconds:8.2f} {rate(s.works):>9} {rate(s.triples):>10} "
                    f"{s.peak_rss_mb:11.0f}  {s.note}")
    return "\n".join(rows)


def totals(stages: list[Stage]) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in stages:
        out[s.pipeline] = out.get(s.pipeline, 0.0) + s.seconds
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--out", type=Path, default=Path("out/bench"))
    parser.add_argument("--skip-validate", action="store_true", help="leave pyshacl out of the obvious pipeline")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    stages = in_child(obvious_pipeline, args.corpus, args.out, not args.skip_validate)
    stages += in_child(raw_ntriples_write, args.corpus, args.out)
    print(table(stages))
    total = totals(stages)
    raw = total.get("raw N-Triples write")
    for name, seconds in total.items():
        ratio = f" ({seconds / raw:,.0f}x the raw write)" if raw else ""
        print(f"total {name}: {seconds:.2f} s{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The scale benchmark: kg's streaming export, validated by each SHACL engine and not
validated, against the obvious pipeline and the raw N-Triples write, on generated
corpora of N works, in one run.

    python benchmarks/run.py [--works 1000 10000 100000] [--jobs 2] [--validate-up-to N]
                             [--pyshacl-up-to N] [--turtle-up-to N] [--obvious-up-to N]
                             [--raw-up-to N] [--out out/bench]

For each N it generates (once, seeded) a corpus in all four layouts
(``benchmarks/generate_corpus.py``), then runs, each in a fresh process so peaks do not
mix: the streaming export to N-Quads without validation; to N-Quads with full SHACL
validation by the fast engine (up to ``--validate-up-to`` works) and by pyshacl (up to
``--pyshacl-up-to``); to Turtle, validated by the fast engine (up to ``--turtle-up-to``);
the obvious pipeline (kg's stages into one rdflib Graph, pyshacl on the whole graph,
rdflib's Turtle writer; up to ``--obvious-up-to`` works) and the raw N-Triples write of
the same triples (up to ``--raw-up-to``). It prints per stage seconds, works/s,
triples/s and peak RSS, the ratios, and at the end one table of every run against the
unvalidated export of the same corpus, with the CPU time validation took per work.

Stage seconds of the streaming export are summed over its processes (parse, reconcile,
map, validate, write; ``validate (cpu)`` is validation's CPU time); its wall time is
what a user waits. Peak RSS is the main process's and, separately, the largest worker's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from benchmarks.baseline import Stage, in_child, obvious_pipeline, raw_ntriples_write, table  # noqa: E402
from benchmarks.generate_corpus import generate_corpus  # noqa: E402


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


CPU_STAGE = "validate, CPU s (all processes)"


def streaming_export(corpus: Path, out: Path, fmt: str, engine: str | None, jobs: int) -> list[Stage]:
    """kg export (kg.pipeline.export, what the CLI runs) in this process; ``engine``
    None: without validation."""
    from kg.errors import NonConformingError
    from kg.pipeline import ExportOptions, export

    name = f"kg stream {fmt} {engine or 'no-validate'} -j{jobs}"
    options = ExportOptions(format=fmt, validate_shapes=engine is not None, jobs=jobs, engine=engine or "fast")
    started = time.perf_counter()
    note = ""
    with open(out / f"stream.{fmt}", "w", encoding="utf-8") as handle:
        try:
            result = export([corpus], options, handle)
            summary, triples = result.summary, result.triples
            if result.report is not None:
                note = f"conforms, {len(result.report.results)} warnings"
        except NonConformingError as error:  # the benchmark still reports the time
            return [Stage(name, "FAILED: does not conform", time.perf_counter() - started, 0, 0,
                          _rss_mb(resource.RUSAGE_SELF), str(error.report.violations[:1]))]
    wall = time.perf_counter() - started
    stages = [Stage(name, CPU_STAGE if stage == "validate (cpu)" else f"{stage} (s, all processes)", seconds,
                    summary.works, triples, 0.0) for stage, seconds in result.stage_seconds.items()]
    stages += [Stage(name, f"phase {phase} (wall)", seconds, summary.works, triples, 0.0)
               for phase, seconds in result.phase_seconds.items()]
    stages.append(Stage(name, "TOTAL (wall)", wall, summary.works, triples, _rss_mb(resource.RUSAGE_SELF),
                        f"{note}; largest worker peak {_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB".strip("; ")))
    return stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--validate-up-to", type=int, default=1000000, help="the fast engine")
    parser.add_argument("--pyshacl-up-to", type=int, default=10000, help="pyshacl: ~6 ms of CPU a work")
    parser.add_argument("--turtle-up-to", type=int, default=100000)
    parser.add_argument("--obvious-up-to", type=int, default=10000)
    parser.add_argument("--raw-up-to", type=int, default=100000,
                        help="the raw write holds every triple in memory (3.2 GB at 100k works)")
    parser.add_argument("--out", type=Path, default=Path("out/bench"))
    args = parser.parse_args(argv)
    summary: list[str] = []
    for works in args.works:
        corpus = args.out / f"corpus-{works}-{args.seed}"
        if not corpus.exists():
            started = time.perf_counter()
            generate_corpus(works, args.seed, corpus)
            print(f"generated {corpus} in {time.perf_counter() - started:.1f} s")
        out = args.out / f"run-{works}"
        out.mkdir(parents=True, exist_ok=True)
        stages: list[Stage] = in_child(streaming_export, corpus, out, "nquads", None, args.jobs)
        if works <= args.validate_up_to:
            stages += in_child(streaming_export, corpus, out, "nquads", "fast", args.jobs)
        if works <= args.pyshacl_up_to:
            stages += in_child(streaming_export, corpus, out, "nquads", "pyshacl", args.jobs)
        if works <= min(args.turtle_up_to, args.validate_up_to):
            stages += in_child(streaming_export, corpus, out, "turtle", "fast", args.jobs)
        if works <= args.obvious_up_to:
            stages += in_child(obvious_pipeline, corpus, out, True)
        if works <= args.raw_up_to:
            stages += in_child(raw_ntriples_write, corpus, out)
        print(f"\n== {works} works ==")
        print(table(stages))
        print(_ratios(stages))
        summary += _summary_rows(works, stages)
    print("\n" + "\n".join(SUMMARY_HEADER + summary))
    return 0


SUMMARY_HEADER = [
    "| works (triples) | run | wall s | vs no validation (same run) | validation CPU s | validation CPU ms/work "
    "| peak RSS MB (main / largest worker) |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]


def _summary_rows(works: int, stages: list[Stage]) -> list[str]:
    """One markdown row per streaming run: its wall time against the unvalidated
    export's, and validation's CPU time (all processes) in total and per work."""
    runs = {s.pipeline: s for s in stages if s.stage == "TOTAL (wall)"}
    cpu = {s.pipeline: s.seconds for s in stages if s.stage == CPU_STAGE}
    plain = next((s for name, s in runs.items() if "no-validate" in name), None)
    rows = []
    for name, total in runs.items():
        ratio = f"{total.seconds / plain.seconds:.2f}x" if plain and total.seconds else ""
        validation = cpu.get(name, 0.0) if "no-validate" not in name else None
        worker = total.note.rsplit("largest worker peak ", 1)[-1].removesuffix(" MB")
        rows.append(f"| {works:,} ({total.triples:,}) | {name.removeprefix('kg stream ')} | {total.seconds:.2f} "
                    f"| {ratio} | {'' if validation is None else f'{validation:.2f}'} "
                    f"| {'' if validation is None else f'{1000 * validation / max(1, total.works):.3f}'} "
                    f"| {total.peak_rss_mb:.0f} / {worker} |")
    return rows


def _ratios(stages: list[Stage]) -> str:
    totals: dict[str, float] = {}
    for s in stages:
        if s.stage == "TOTAL (wall)":
            totals[s.pipeline] = s.seconds
        elif not s.pipeline.startswith("kg stream"):
            totals[s.pipeline] = totals.get(s.pipeline, 0.0) + s.seconds
    raw = next((v for k, v in totals.items() if k.startswith("raw")), None)
    obvious = next((v for k, v in totals.items() if k.startswith("obvious")), None)
    lines = []
    for name, seconds in totals.items():
        parts = [f"{name}: {seconds:.2f} s"]
        if raw:
            parts.append(f"{seconds / raw:.1f}x the raw N-Triples write")
        if obvious and name.startswith("kg stream"):
            parts.append(f"obvious pipeline / this = {obvious / seconds:.1f}x")
        lines.append("; ".join(parts))
    return "\n".join(lines)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn", force=True)
    sys.exit(main())

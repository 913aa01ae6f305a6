"""The streaming export on a Dask LocalCluster, with each worker's peak memory.

    python benchmarks/dask_run.py --works 1000000 [--workers 2] [--out out/bench-dask] [--discard]

Generates (once, seeded) a corpus of N works (``generate_corpus.py``), starts a
LocalCluster of ``--workers`` processes on 127.0.0.1, exports the corpus to N-Quads
without validation through it (``kg export --scheduler``'s path) and prints the wall
seconds, the main process's peak RSS and each worker's.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from benchmarks.generate_corpus import generate_corpus  # noqa: E402


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("out/bench-dask"))
    parser.add_argument("--discard", action="store_true", help="write the export to /dev/null (1M works: ~15 GB)")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    from kg.pipeline import ExportOptions, export

    corpus = args.out / f"corpus-{args.works}"
    if not corpus.exists():
        generate_corpus(args.works, 1, corpus)
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        started = time.perf_counter()
        with open(os.devnull if args.discard else args.out / "export.nq", "w", encoding="utf-8") as out:
            result = export([corpus], ExportOptions(format="nquads", validate_shapes=False, jobs=args.workers,
                                                    scheduler=cluster.scheduler_address), out)
        seconds = time.perf_counter() - started
        workers = client.run(_peak_mb)
    print(f"{result.summary.works:,} works, {result.triples:,} triples in {seconds:.1f} s on {args.workers} Dask "
          f"workers; peak RSS: main {_peak_mb():.0f} MB, " + ", ".join(
              f"worker {n} {mb:.0f} MB" for n, mb in enumerate(sorted(workers.values()))))
    print("phases (wall s):", {k: round(v, 1) for k, v in result.phase_seconds.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

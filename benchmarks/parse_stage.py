"""The parse stage against a baseline checkout, in one session: CPU seconds to parse a
corpus (this tree: the evidence pass included), alternating fresh processes.

    python benchmarks/parse_stage.py CORPUS --baseline OLD_CHECKOUT [--pairs 5]

``OLD_CHECKOUT`` is another checkout of kg (for example ``git worktree add /tmp/old
e8c5a7f``). Each pair runs the baseline, then this tree, each in a fresh process, single
process, on the same corpus (``benchmarks/generate_corpus.py``); it prints each run's
process CPU seconds, their medians and the ratio per pair (this / baseline), which holds
when a shared machine's speed drifts. The streaming export's ``parse`` stage
(``benchmarks/run.py``) is the same work summed over its processes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parents[1]
CHILD = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import kg.parse as parse
files = sorted(Path(sys.argv[2]).rglob("*.txt"))
started = time.process_time()
evidence = 0.0
if hasattr(parse, "gather_evidence"):
    context = parse.Context(parse.gather_evidence([(f, f.name) for f in files]))
    evidence = time.process_time() - started
    for f in files:
        parse.read_profile(f, f.name, context)
else:
    for f in files:
        parse.read_profile(f, f.name)
print(time.process_time() - started, evidence)
"""


def cpu_seconds(checkout: Path, corpus: Path) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(checkout), str(corpus)], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--baseline", type=Path, required=True, help="another checkout of kg")
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args(argv)
    old, new, evidence = [], [], []
    for _ in range(args.pairs):
        old.append(cpu_seconds(args.baseline, args.corpus)[0])
        seconds, gathered = cpu_seconds(HERE, args.corpus)
        new.append(seconds)
        evidence.append(gathered)
    ratios = [b / a for a, b in zip(old, new)]
    print(f"baseline   median {statistics.median(old):7.3f} s  " + " ".join(f"{x:.3f}" for x in old))
    print(f"this tree  median {statistics.median(new):7.3f} s  " + " ".join(f"{x:.3f}" for x in new))
    print(f"  of which the evidence pass: median {statistics.median(evidence):.3f} s")
    print("this / baseline per pair: " + " ".join(f"{r:.2f}" for r in ratios)
          + f"; median {statistics.median(ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Crafted bylines: a listing line parses or fails in time linear in its length.

    python benchmarks/pathological.py

Issue 10 measured the old splitter on a listing line of glued capitals: 3 s at 5 kB, 28 s
at 20 kB, no end in 300 s at 100 kB. This prints, for each crafted shape and size, the
seconds one ``kg.parse.parse_profile`` of a one-record listing takes (the best of three)
and whether it parsed or was rejected, and the time per kB, which stays flat when the
work is linear.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from kg.models import SourceRef  # noqa: E402
from kg.parse import parse_profile  # noqa: E402

SIZES = (5_000, 20_000, 100_000, 1_000_000)


def _names(n: int) -> str:
    rng = random.Random(1)
    syllables = "ba ke lo mi nu ra se ti vo za".split()
    word = lambda: "".join(rng.choice(syllables) for _ in range(3)).capitalize()  # noqa: E731
    return ", ".join(f"{word()} {word()}" for _ in range(n))


SHAPES = {
    "glued capitals (aBaB…)": lambda size: "aB" * (size // 2),
    "capitalised words glued (AbAb…)": lambda size: "Ab" * (size // 2),
    "one-word names after a bad piece": lambda size: "Ab, " * (size // 4),
    "hyphens (A-A-…)": lambda size: "A-" * (size // 2),
    "TeX signs ($\\$\\…)": lambda size: "$\\" * (size // 2),
    "pieces of a title glued to a CJK name": lambda size: ", ".join(
        ["Mixture-of-Experts Optimizers GPT-8 Planning\uc26a\u6773\u8272"] * (size // 50)),
    "a title, then real names (valid)": lambda size: "TitleJohn Smith, " + _names(size // 15),
}


def main() -> int:
    file = SourceRef(source="crafted.txt", path="crafted.txt", line=1)
    print(f"{'shape':36} {'bytes':>9} {'seconds':>8} {'ms/kB':>7}  result")
    for name, make in SHAPES.items():
        for size in SIZES:
            byline = make(size)
            text = f"LGDec 14, 2023\n{byline}\nAn abstract.\n"
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                profile = parse_profile(text, file)
                best = min(best, time.perf_counter() - started)
            result = (f"{len(profile.records[0].authors)} author(s)" if profile.records
                      else f"rejected: {profile.rejected[0].reason[:40]}")
            print(f"{name:36} {len(byline):9,} {best:8.3f} {1000 * best / (len(byline) / 1000):7.3f}  {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

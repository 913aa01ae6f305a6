"""The publishing benchmark: ``kg publish`` of a generated corpus's export, and ``kg
serve``'s page latency over random IRIs of a larger one, in one run.

    python benchmarks/publish.py [--publish-works 10000] [--serve-works 100000]
                                 [--requests 1000] [--jobs 2] [--out out/bench-publish]
                                 [--kg KG ...] [--runs 1]

For each size it generates a corpus (``benchmarks/generate_corpus.py``, seeded) and
exports it to N-Quads without validation (``kg export --no-validate``: validation is not
what is measured here). Then:

* ``kg publish EXPORT -o SITE`` in a fresh process, into a new folder: wall seconds,
  CPU seconds of all its processes (user and system: creating files is system time),
  resources and files written, resources/s, peak RSS. ``--kg`` names the executables
  to time (another checkout's, for a before/after in one session), taken in turn
  ``--runs`` times; the sites are removed at the end, not between runs (see below);
* ``kg serve EXPORT`` on a free 127.0.0.1 port: seconds until it answers and its RSS;
  then ``--requests`` random resource IRIs (seeded, drawn from the server's own
  sitemap), each requested as a browser does (``Accept: text/html``: the 303, then the
  page) and as Turtle (the 303, then the document), one at a time on one keep-alive
  connection; p50, p95 and max milliseconds of each step.

It prints the machine's load average before and after: the machine may be shared.
Removing a site of 10^5 files just before publishing another slows the next one: on
ext4 without a journal, a new file's inode skips those freed in the last minutes
(``recently_deleted`` in the kernel's inode allocator, seen with ``perf``), so every
run writes to a folder of its own and the folders go only after the last run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from benchmarks.generate_corpus import generate_corpus  # noqa: E402

KG = str(Path(sys.executable).parent / "kg")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def export(works: int, out: Path, jobs: int) -> Path:
    corpus, target = out / f"corpus-{works}", out / f"export-{works}" / f"e{works}.nq"
    if not target.is_file():
        if not corpus.is_dir():
            generate_corpus(works, 1, corpus)
        subprocess.run([KG, "export", str(corpus), "-o", str(target), "--no-validate", "--jobs", str(jobs), "-q"],
                       check=True, timeout=3600)
    return target


def bench_publish(target: Path, out: Path, jobs: int, kg: str, name: str) -> Path:
    site = out / f"site-{target.stem}-{name}"
    if site.exists():
        shutil.rmtree(site)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([kg, "publish", str(target), "-o", str(site), "--jobs", str(jobs)], capture_output=True,
                            text=True, timeout=3600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(result.stderr)
    counts = re.search(r"published (\d+) resources \((\d+) files\)", result.stderr)
    resources, files = int(counts[1]), int(counts[2])
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    print(f"kg publish {target.name} ({kg}): {wall:.1f} s wall, {user + system:.1f} s CPU (all processes: user "
          f"{user:.1f}, system {system:.1f}), {resources:,} resources, {files:,} files, {resources / wall:,.0f} "
          f"resources/s, peak RSS {after.ru_maxrss / 1024:.0f} MB (largest process so far); load {_load()}")
    return site


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(connection: http.client.HTTPConnection, path: str, accept: str) -> tuple[int, dict, bytes, float]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    body = response.read()
    return response.status, dict(response.getheaders()), body, (time.perf_counter() - started) * 1000


def _percentiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, max {max(values):.1f} ms"


def bench_serve(target: Path, out: Path, requests: int) -> None:
    port, log = _free_port(), (out / "serve.log").open("wb")
    started = time.perf_counter()
    process = subprocess.Popen([KG, "serve", str(target), "--port", str(port), "--quiet"], stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        connection = _wait(port, process, started)
        ready = time.perf_counter() - started
        rss = _rss_of(process.pid)
        paths = _sitemap_paths(connection)
        sample = random.Random(1).sample(paths, min(requests, len(paths)))
        timings: dict[str, list[float]] = {"303 (text/html)": [], "page (.html)": [], "303 (text/turtle)": [],
                                           "Turtle (.ttl)": []}
        for path in sample:
            for accept, redirect, document in ((BROWSER, "303 (text/html)", "page (.html)"),
                                               ("text/turtle", "303 (text/turtle)", "Turtle (.ttl)")):
                status, headers, _, ms = _get(connection, path, accept)
                assert status == 303, (path, status)
                timings[redirect].append(ms)
                status, _, _, ms = _get(connection, path.rsplit("/", 1)[0] + "/" + headers["location"], accept)
                assert status == 200, (path, status)
                timings[document].append(ms)
        print(f"kg serve {target.name}: ready in {ready:.1f} s, RSS {rss:.0f} MB, {len(paths):,} resources in its "
              f"sitemap; {len(sample)} random IRIs:")
        for name, values in timings.items():
            print(f"  {name:<18} {_percentiles(values)}")
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait(port: int, process: subprocess.Popen, started: float) -> http.client.HTTPConnection:
    while time.perf_counter() - started < 1800:
        if process.poll() is not None:
            sys.exit(f"kg serve exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            _get(connection, "/", "text/html")
            return connection
        except OSError:
            time.sleep(0.5)
    sys.exit("kg serve did not answer in 30 minutes")


def _rss_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _sitemap_paths(connection: http.client.HTTPConnection) -> list[str]:
    _, _, body, _ = _get(connection, "/sitemap.xml", "application/xml")
    names = re.findall(rb"<loc>[^<]*/(sitemap-\d+\.xml)</loc>", body)
    bodies = [body] if not names else [_get(connection, f"/{n.decode()}", "application/xml")[2] for n in names]
    locs = [loc.decode() for b in bodies for loc in re.findall(rb"<url><loc>([^<]*)</loc>", b)]
    return ["/" + loc.split("/", 4)[-1] if loc.startswith("https://example.org/kg/") else loc for loc in locs
            if loc.startswith("https://example.org/kg/")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publish-works", type=int, default=10_000)
    parser.add_argument("--serve-works", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("out/bench-publish"))
    parser.add_argument("--kg", nargs="+", default=[KG], help="kg executables to time kg publish with, in turn")
    parser.add_argument("--runs", type=int, default=1, help="kg publish runs of each executable")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {_load()}; {os.cpu_count()} cores")
    if args.publish_works:
        target = export(args.publish_works, args.out, args.jobs)
        sites = [bench_publish(target, args.out, args.jobs, kg, f"{number}-{run}")
                 for run in range(args.runs) for number, kg in enumerate(args.kg)]
        for site in sites:
            shutil.rmtree(site)
    if args.serve_works:
        bench_serve(export(args.serve_works, args.out, args.jobs), args.out, args.requests)
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()

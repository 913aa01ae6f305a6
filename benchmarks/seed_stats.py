"""The distributions of real profile files, as kg reads them: what the corpus
generator (``generate_corpus.py``) copies.

    python benchmarks/seed_stats.py examples/profiles
"""

from __future__ import annotations

import sys
from pathlib import Path


def measure(folder: Path) -> dict[str, object]:
    """The shares the docstring's table quotes, measured on a folder of real profiles with
    kg's parser and identity stage."""
    from collections import Counter

    from kg.pipeline import parse_all
    from kg.reconcile import build_graph

    profiles = parse_all([folder])
    records = [r for p in profiles for r in p.records]
    authored = [r for r in records if r.authors]
    mentions = [a for r in records for a in r.authors]
    graph = build_graph(profiles, "https://example.org/kg/")
    return {
        "files by layout": Counter((p.layout.value, p.owner is not None) for p in profiles),
        "records by layout": Counter(r.layout.value for r in records),
        "records per file": sorted(len(p.records) for p in profiles),
        "works": len(graph.works), "untitled works": sum(w.title is None for w in graph.works),
        "works by number of profiles": Counter(len({s.source for s in w.sources}) for w in graph.works),
        "author list lengths by layout": sorted((r.layout.value, len(r.authors)) for r in authored),
        "et al.": f"{sum(r.authors_truncated for r in authored)}/{len(authored)}",
        "lists with a corporate author": sum(any(a.kind == "organization" for a in r.authors) for r in authored),
        "listing records with tags": sum(bool(r.organizations) for r in records),
        "categories": Counter(r.category for r in records if r.category),
        "code badges": sum(bool(r.code_available) for r in records),
        "people": len(graph.people),
        "non-ASCII people": sum(any(ord(c) > 127 for c in p.name) for p in graph.people),
        "author mentions": len(mentions),
        "mentions with a particle": sum(bool(a.family_name and " " in a.family_name) for a in mentions),
        "mentions with an initial": sum(bool(a.given_name and "." in a.given_name) for a in mentions),
        "one-name mentions": sum(a.kind == "person" and not a.given_name for a in mentions),
        "abstract words": sorted(len(r.abstract.split()) for r in records if r.abstract),
        "title words": sorted(len(r.title.split()) for r in records if r.title),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python benchmarks/seed_stats.py FOLDER", file=sys.stderr)
        return 2
    for key, value in measure(Path(args[0])).items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

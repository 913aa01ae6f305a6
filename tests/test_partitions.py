"""Each reconciliation rule once (kg.reconcile), shown by a property: any partition of
the profiles into batches, merged in any order, with the works, people and candidate
searches split into any number of batches merged in any order, gives the same graph
(the same N-Quads bytes) and the same report as one partition (the in-memory build).

The corpus exercises every rule: the seeds (all layouts), a generated corpus, an
abstract-only record joining its titled work, an ambiguous abstract (two titled works
share it: no join), a headerless profile (inferred owner), first-name owners (scoped
owner, owner candidate), a curation file's merge and unused names, disagreements, and
rejected records (as under --max-errors).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.curation import read_curation
from kg.mapping import graph_to_quads
from kg.models import KnowledgeGraph
from kg.pipeline import parse_inputs
from kg.reconcile import Partition, build_graph, summary_of
from kg.report import report_json
from kg.serialize import serialize

SEEDS = Path(__file__).parents[1] / "examples" / "profiles"
BASE = "https://example.org/kg/"
EXAMPLES = int(os.environ.get("KG_PARTITION_EXAMPLES", "25"))
EXTRA = {
    "headerless.txt": "LGJan 2, 2024\nAlpha ResultsMaria Lopez, Kim Tan\nAlpha abstract.\n"
                      "LGJan 3, 2024\nBeta ResultsKim Tan, Jon Ode\nBeta abstract.\n"
                      "LGJul\nBroken ResultsKim Tan\nBroken abstract.\n",
    "tony.txt": "Tony\nAbstract: Gamma abstract.\n\nAbstract: Shared abstract.\n",
    "gamma.txt": "LGJan 4, 2024\nGamma ResultsTony Stark, Ana Ruiz\nGamma abstract.\n"
                 "LGMar 5, 2023\nAlpha resultsMaria Lopez, Kim Tan\nAlpha abstract.\n"
                 "LGMar 6, 2023\nDelta ResultsAnthony Edward Stark, Ana Ruiz\nShared abstract.\n"
                 "LGMar 7, 2023\nEpsilon ResultsTony Stark, Jon Ode\nShared abstract.\n",
}
CURATION = ('[[same]]\nnames = ["Tony Stark", "Anthony Edward Stark"]\n\n'
            '[[same]]\nnames = ["Nobody Here", "Nobody There"]\n')


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """The profiles, the unreadable files' records and the curation, read once."""
    from benchmarks.generate_corpus import generate_corpus

    root = tmp_path_factory.mktemp("partitions")
    shutil.copytree(SEEDS, root / "in" / "seeds")
    generate_corpus(150, 3, root / "in" / "generated")
    for name, content in EXTRA.items():
        (root / "in" / "extra" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "in" / "extra" / name).write_text(content, encoding="utf-8")
    (root / "curation.toml").write_text(CURATION, encoding="utf-8")
    curation = read_curation(root / "curation.toml")
    profiles, unreadable = parse_inputs([root / "in"], curation, max_errors=10)
    return profiles, unreadable, curation


def _document(graph: KnowledgeGraph) -> tuple[str, str]:
    return serialize(list(graph_to_quads(graph)), "nquads"), report_json(summary_of(graph), 0)


@pytest.fixture(scope="module")
def whole(parsed):
    """One partition: the in-memory build."""
    graph = build_graph(*parsed[:1], BASE, parsed[2], parsed[1])
    report = graph.report
    # the corpus does exercise every rule
    assert report.inferred_owners and report.owner_candidates and report.unmatched_abstracts
    assert report.rejected and report.curation_unused and report.person_candidates
    assert {d.field for d in report.disagreements} >= {"authors", "date", "title"}
    shared = [u for u in report.unmatched_abstracts if u.source.endswith("tony.txt")]
    assert len(shared) == 1, "the ambiguous abstract joins neither titled work"
    return _document(graph)


@st.composite
def partitions(draw, profiles: int) -> Partition:
    """Any partition: profiles shuffled and cut into batches; works, people and families
    in 1-8 batches each, merged in any order."""
    order = draw(st.permutations(range(profiles)))
    cuts = sorted(draw(st.sets(st.integers(1, profiles - 1), max_size=profiles - 1)))
    batches = tuple(tuple(order[a:b]) for a, b in zip([0, *cuts], [*cuts, profiles]))

    def merged() -> tuple[int, ...]:
        return tuple(draw(st.permutations(range(draw(st.integers(1, 8))))))
    return Partition(profiles=batches, works=merged(), people=merged(), families=merged())


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_any_partition_gives_the_same_graph_and_report(parsed, whole, data):
    profiles, unreadable, curation = parsed
    partition = data.draw(partitions(len(profiles)))
    graph = build_graph(profiles, BASE, curation, unreadable, partition)
    document, report = _document(graph)
    assert report == whole[1]
    assert document == whole[0]

"""Identity and reconciliation across profiles (issue 3): merged works, people, owners,
candidates, the curation file, the report and the VoID description."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.curation import read_curation
from kg.errors import InputError
from kg.identity import symbols_key, text_key
from kg.models import Curation
from kg.pipeline import parse_all
from kg.reconcile import build_graph
from tests.rdfcompare import assert_same_triples, canonical_triples, file_triples

ROOT = Path(__file__).parents[1]
PROFILES = ROOT / "examples" / "profiles"
GOLDEN = ROOT / "examples" / "export"
B = "https://example.org/kg/"
SEEDS = sorted(p.name for p in PROFILES.glob("*.txt"))
runner = CliRunner()


def build(folder: Path, curation: Curation | None = None):
    return build_graph(parse_all([folder]), B, curation)


@pytest.fixture(scope="module")
def seeds():
    return build(PROFILES)


def where(refs) -> list[str]:
    return [f"{r.source[:3]}:{r.line}" for r in refs]


def listed_by(graph, work_iri: str) -> list[str]:
    return sorted(p.source.source[:3] for p in graph.profiles if work_iri in p.works)


# ---------------------------------------------------------------- works on the seeds

def test_o1_system_card_is_one_work_listed_by_five_profiles_with_the_full_list(seeds):
    work = next(w for w in seeds.works if w.title == "OpenAI o1 System Card")
    assert work.iri == f"{B}work/openai-o1-system-card"
    assert listed_by(seeds, work.iri) == ["000", "001", "002", "003", "004"]
    assert where(work.sources) == ["000:1", "001:2", "002:1", "003:2", "004:2"]
    assert work.authors_complete is True
    assert len(work.authorships) == 262  # 004's complete list, not 000's three with et al.
    assert [a.printed for a in work.authorships[:3]] == ["OpenAI", "Jaech, Aaron", "Kalai, Adam"]
    assert work.authorships[0].agent == f"{B}organization/openai"


def test_gpt4o_system_card_is_one_work_listed_by_three_profiles(seeds):
    work = next(w for w in seeds.works if w.title == "GPT-4o System Card")
    assert listed_by(seeds, work.iri) == ["001", "003", "004"]
    assert where(work.sources) == ["001:3", "003:3", "004:5"]


def test_abstract_only_records_join_their_titled_work_and_the_rest_are_reported(seeds):
    joined = sorted(f"{r.source[:3]}:{r.line}" for w in seeds.works if w.title for r in w.sources
                    if r.source[:3] in {"001", "002", "003"})
    assert joined == ["001:2", "001:3", "002:1", "003:2", "003:3"]
    assert where(u.ref for u in seeds.report.unmatched_abstracts) == (
        [f"001:{n}" for n in range(4, 12)] + [f"002:{n}" for n in range(2, 10)] + [f"003:{n}" for n in range(4, 8)])
    untitled = [w for w in seeds.works if w.title is None]
    assert len(untitled) == 20 and all(w.iri.startswith(f"{B}work/abstract-") for w in untitled)
    assert len(seeds.works) == 40


def test_the_only_disagreement_in_the_seeds_is_the_o1_author_list(seeds):
    [d] = seeds.report.disagreements
    assert (d.work, d.field) == (f"{B}work/openai-o1-system-card", "authors")
    assert d.kept.startswith("OpenAI; Jaech, Aaron; Kalai, Adam")
    assert [(v.value, where(v.sources)) for v in d.values][0] == (
        "Aaron Jaech; Adam Kalai; Adam Lerer et al.", ["000:1"])


# ---------------------------------------------------------------- people on the seeds

def test_alexander_neitz_is_one_person_across_files_000_and_004(seeds):
    iri = f"{B}person/alexander-neitz"
    works = [w for w in seeds.works if any(a.agent == iri for a in w.authorships)]
    sources = {r.source[:3] for w in works for r in w.sources}
    assert {"000", "004"} <= sources
    printed = {a.printed for w in works for a in w.authorships if a.agent == iri}
    assert printed == {"Alexander Neitz", "Neitz, Alexander"}
    assert [p.name for p in seeds.people if "Neitz" in p.name] == ["Alexander Neitz"]


def test_spellings_differing_in_diacritics_are_one_person_with_alternate_names(seeds):
    madry = next(p for p in seeds.people if p.iri == f"{B}person/aleksander-madry")
    assert (madry.name, madry.alternate_names) == ("Aleksander Mądry", ("Aleksander Madry",))


def test_person_candidates_on_the_seeds(seeds):
    assert [(c.names, c.reason) for c in seeds.report.person_candidates] == [
        (("Chak Li", "Chak Ming Li"), "a missing name"),
        (("H. Francis Song", "Francis Song"), "a missing name"),
        (("Siddhant M. Jayakumar", "Siddhant Jayakumar"), "a missing name"),
    ]


def test_owners_on_the_seeds(seeds):
    owners = {p.source.source[:3]: (p.owner, p.owner_inferred) for p in seeds.profiles}
    assert owners == {
        "000": (None, False),  # headerless; its et-al. lists name no author of every work
        "001": (f"{B}profile/001_c072ff5ac69f094b.txt/owner", False),
        "002": (None, False),
        "003": (f"{B}profile/003_3e653c801abf3224.txt/owner", False),
        "004": (f"{B}person/aidan-clark", False),
    }
    clark = f"{B}person/aidan-clark"
    assert any(a.agent == clark for w in seeds.works for a in w.authorships), "the owner is the author"
    assert seeds.report.owner_candidates == () and seeds.report.inferred_owners == ()


# ---------------------------------------------------------------- rules on small profiles

def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def listing(*records: tuple[str, str, str]) -> str:
    return "".join(f"LGJan 2, 2024\n{title}{byline}\n{abstract}\n" for title, byline, abstract in records)


def test_people_differing_in_order_case_and_diacritics_are_one(tmp_path):
    write(tmp_path, "a.txt", listing(("Paper One", "Łukasz Kaiser, Diego de Las Casas", "First abstract."),
                                     ("Paper Four", "Łukasz Kaiser", "Fourth abstract.")))
    write(tmp_path, "b.txt", "Ruiz, Ana\nPaper Two\nKaiser, Lukasz, Casas, Diego de las\nSecond abstract.\n")
    write(tmp_path, "c.txt", listing(("Paper Three", "Kaiser Łukasz, Ana Ruiz", "Third abstract.")))
    graph = build(tmp_path)
    people = {p.iri: (p.name, set(p.alternate_names)) for p in graph.people}
    assert people[f"{B}person/kaiser-lukasz"] == ("Łukasz Kaiser", {"Lukasz Kaiser", "Kaiser Łukasz"})
    assert people[f"{B}person/casas-de-diego-las"] == ("Diego de Las Casas", {"Diego de las Casas"})
    assert len(people) == 3


def test_headerless_listing_infers_the_one_author_of_every_work(tmp_path):
    write(tmp_path, "p.txt", listing(("Alpha Results", "Maria Lopez, Kim Tan", "A."),
                                     ("Beta Results", "Kim Tan, Jon Ode", "B.")))
    [profile] = build(tmp_path).profiles
    assert (profile.owner, profile.owner_inferred) == (f"{B}person/kim-tan", True)


def test_no_owner_is_inferred_when_two_authors_are_on_every_work(tmp_path):
    write(tmp_path, "p.txt", listing(("Alpha Results", "Maria Lopez, Kim Tan", "A."),
                                     ("Beta Results", "Kim Tan, Maria Lopez", "B.")))
    [profile] = build(tmp_path).profiles
    assert profile.owner is None


def test_first_name_owner_is_scoped_and_its_one_fitting_author_is_a_candidate(tmp_path):
    write(tmp_path, "a.txt", listing(("Alpha Results", "Tony Stark, Ana Ruiz", "Alpha abstract.")))
    write(tmp_path, "b.txt", "Tony\nAbstract: Alpha abstract.\n")
    write(tmp_path, "c.txt", "Tony\nAbstract: Something else entirely.\n")
    graph = build(tmp_path)
    owners = {p.source.source: p.owner for p in graph.profiles}
    assert owners["b.txt"] == f"{B}profile/b.txt/owner" != owners["c.txt"] == f"{B}profile/c.txt/owner"
    [candidate] = graph.report.owner_candidates
    assert (candidate.profile, candidate.candidate, candidate.name) == (
        f"{B}profile/b.txt", f"{B}person/stark-tony", "Tony Stark")


def test_disagreeing_titles_and_dates_keep_one_value_and_report_both(tmp_path):
    write(tmp_path, "a.txt", "LGJan 2, 2024\nDeep Nets WorkAna Ruiz, Kim Tan\nSame abstract here.\n")
    write(tmp_path, "b.txt", "LGMar 5, 2023\nDeep nets workAna Ruiz, Kim Tan\nSame abstract here.\n"
                             "LGMar 5, 2023\nOther PaperAna Ruiz\nOther.\n")
    graph = build(tmp_path)
    work = next(w for w in graph.works if w.iri == f"{B}work/deep-nets-work")
    assert (work.title, str(work.date)) == ("Deep Nets Work", "2023-03-05")
    fields = {d.field: d for d in graph.report.disagreements}
    assert sorted(fields) == ["date", "title"]
    assert [(v.value, where(v.sources)) for v in fields["date"].values] == [
        ("2023-03-05", ["b.t:1"]), ("2024-01-02", ["a.t:1"])]
    assert fields["date"].rule == "the earliest"


# ---------------------------------------------------------------- curation

CURATION = """\
# decisions of a person
[[same]]
names = ["Francis Song", "H. Francis Song"]

[[different]]
names = ["Wei Wang", "Wang Wei"]

[[owner]]
profile = "b.txt"
person = "Tony Stark"
"""


def curated_inputs(tmp_path: Path) -> Path:
    write(tmp_path, "a.txt", listing(("Alpha Results", "Tony Stark, Francis Song, Wei Wang", "Alpha abstract."),
                                     ("Beta Results", "H. Francis Song, Wang Wei", "Beta abstract.")))
    return write(tmp_path, "b.txt", "Tony\nAbstract: Alpha abstract.\n")


def test_curation_file_overrides_the_rules(tmp_path):
    folder = curated_inputs(tmp_path / "in")
    curation = read_curation(write(tmp_path, "c.toml", CURATION) / "c.toml")
    graph = build(folder, curation)
    agents = {a.printed: a.agent for w in graph.works for a in w.authorships}
    assert agents["Francis Song"] == agents["H. Francis Song"] == f"{B}person/francis-song"
    assert agents["Wei Wang"] == f"{B}person/wang-wei"
    assert agents["Wang Wei"].startswith(f"{B}person/wang-wei-") and agents["Wang Wei"] != agents["Wei Wang"]
    owner = next(p for p in graph.profiles if p.source.source == "b.txt").owner
    assert owner == agents["Tony Stark"] == f"{B}person/stark-tony"
    assert graph.report.person_candidates == () and graph.report.curation_unused == ()


def test_without_curation_the_same_inputs_give_candidates_and_one_wang(tmp_path):
    graph = build(curated_inputs(tmp_path))
    agents = {a.printed: a.agent for w in graph.works for a in w.authorships}
    assert agents["Wei Wang"] == agents["Wang Wei"]
    assert [c.names for c in graph.report.person_candidates] == [("H. Francis Song", "Francis Song")]


def test_curation_names_no_input_mentions_are_reported(tmp_path):
    folder = curated_inputs(tmp_path / "in")
    text = CURATION + '\n[[same]]\nnames = ["Nobody Here", "Nobody There"]\n'
    graph = build(folder, read_curation(write(tmp_path, "c.toml", text) / "c.toml"))
    assert graph.report.curation_unused == ("Nobody Here", "Nobody There")
    assert any("Nobody Here" in w.message for w in graph.warnings)


@pytest.mark.parametrize(("text", "line", "message"), [
    ("[[same]]\nnames = [\"A B\"\n", 2, "not valid TOML"),
    ("[[same]]\nnames = [\"A B\", \"C D\"]\n[[same]]\nnames = [\"A B\"]\n", 3, "at least two"),
    ("[[owner]]\nprofile = \"x.txt\"\n", 1, "needs profile"),
    ("[[owner]]\nprofile = \"x.txt\"\nperson = \"A B\"\nwho = 1\n", 1, "unknown key 'who'"),
    ("[[merge]]\nnames = [\"A B\", \"C D\"]\n", 1, "unknown table 'merge'"),
])
def test_bad_curation_file_names_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, "c.toml", text) / "c.toml"
    with pytest.raises(InputError) as error:
        read_curation(path)
    [d] = error.value.diagnostics
    assert (d.path, d.line) == (str(path), line) and message in d.message


def test_bad_curation_file_exits_2_and_writes_nothing(tmp_path):
    path = write(tmp_path, "c.toml", "[[same]]\nnames = 3\n") / "c.toml"
    out = tmp_path / "out.ttl"
    result = runner.invoke(app, ["export", str(PROFILES), "-o", str(out), "--curation", str(path), "--no-validate"])
    assert result.exit_code == 2 and f"{path}:1: error" in result.output
    assert list(tmp_path.iterdir()) == [path]


# ---------------------------------------------------------------- graphs, report, description

def graphs_of(path: Path) -> dict[str, set[str]]:
    by_graph: dict[str, list] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        by_graph.setdefault(str(quad.graph_name), []).append(quad)
    return {name: canonical_triples(quads) for name, quads in by_graph.items()}


def test_file_graphs_are_the_same_whether_files_are_exported_alone_or_together(tmp_path):
    """The same triples in each file's graph; the graphs' names carry each export's dataset."""
    together = graphs_of(GOLDEN / "examples.nq")
    for seed in SEEDS:
        out = tmp_path / f"{seed}.nq"
        result = runner.invoke(app, ["export", str(PROFILES / seed), "-o", str(out), "--dataset", "alone",
                                     "--no-validate", "-q"])
        assert result.exit_code == 0, result.output
        graph = f"<{B}graph/alone/source/{seed}>"
        alone = graphs_of(out)
        assert sorted(alone) == sorted([graph, f"<{B}graph/alone/reconciled>", f"<{B}graph/alone/description>"])
        assert_same_triples(alone[graph], together[f"<{B}graph/examples/source/{seed}>"])


def test_report_and_description_match_the_reviewed_golden_files(tmp_path):
    out = tmp_path / "examples.ttl"
    result = runner.invoke(app, ["export", str(PROFILES), "-o", str(out), "--no-validate",
                                 "--config", str(ROOT / "examples" / "publish.toml")])
    assert result.exit_code == 0, result.output
    assert "reconciliation: 1 disagreement(s), 20 abstract(s) matching no title, 3 person candidate(s)" in result.output
    report = json.loads((tmp_path / "examples.report.json").read_text(encoding="utf-8"))
    golden = json.loads((GOLDEN / "examples.report.json").read_text(encoding="utf-8"))
    assert report.pop("files")["export"]["name"] == "examples.ttl"  # the golden one names examples.nq
    assert golden.pop("files")["export"]["name"] == "examples.nq"
    assert report == golden
    written = (tmp_path / "examples.report.json").read_text(encoding="utf-8")
    assert written == json.dumps(json.loads(written), ensure_ascii=False, indent=2) + "\n", "written item by item as json.dumps"
    assert_same_triples(file_triples(tmp_path / "examples.void.ttl"), file_triples(GOLDEN / "examples.void.ttl"))


def test_description_counts_are_the_exports_own(tmp_path):
    store = ox.Store()
    store.load(path=str(GOLDEN / "examples.ttl"), format=ox.RdfFormat.TURTLE)
    store.load(path=str(GOLDEN / "examples.void.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{B}void"))
    counted = {str(r["cls"].value): int(r["n"].value) for r in store.query(
        "SELECT ?cls (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?cls } GROUP BY ?cls")}
    stated = {str(r["cls"].value): int(r["n"].value) for r in store.query(
        "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?cls ?n WHERE { GRAPH ?g { ?p void:class ?cls ; void:entities ?n } }")}
    assert stated == {c: counted[c] for c in stated} and len(stated) == 5
    [row] = store.query("PREFIX void: <http://rdfs.org/ns/void#> SELECT ?n WHERE { GRAPH ?g { ?d void:triples ?n } }")
    assert int(row["n"].value) == len(file_triples(GOLDEN / "examples.ttl"))


def test_curation_unused_and_summary_in_the_report(tmp_path):
    folder = curated_inputs(tmp_path / "in")
    path = write(tmp_path, "c.toml", CURATION + '[[same]]\nnames = ["Nobody Here", "Nobody There"]\n') / "c.toml"
    out = tmp_path / "o.nt"
    result = runner.invoke(app, ["export", str(folder), "-o", str(out), "--curation", str(path),
                                 "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["curation_unused"] == ["Nobody Here", "Nobody There"]
    assert report["counts"]["works"] == 2 and (tmp_path / "o.void.ttl").exists()


# ---------------------------------------------------------------- shapes on a merged graph

def merged_graph(tmp_path: Path):
    """Two profiles listing one paper: a full author list and an et-al. one, merged."""
    write(tmp_path, "a.txt", listing(("Shared Paper", "Ana Ruiz, Kim Tan, Jon Ode", "Shared abstract."),
                                     ("Solo Paper", "Kim Tan, Jon Ode", "Solo abstract.")))
    write(tmp_path, "b.txt", listing(("Shared Paper", "Ana Ruiz et al.", "Shared abstract.")))
    from kg.mapping import graph_to_quads
    from kg.validate import as_graph

    return as_graph(graph_to_quads(build(tmp_path)))


def test_merged_graph_conforms_and_a_broken_merged_author_list_is_a_violation(tmp_path):
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from kg.namespaces import KG
    from kg.validate import validate_graph

    graph = merged_graph(tmp_path)
    assert validate_graph(graph).conforms
    work = f"{B}work/shared-paper"
    second = URIRef(f"{work}/authorship/2")
    graph.set((second, KG.position, Literal("3", datatype=XSD.integer)))
    report = validate_graph(graph)
    assert not report.conforms
    assert {r.focus for r in report.violations} >= {work}


@pytest.mark.parametrize(("predicate", "value", "message"), [
    ("http://purl.org/dc/terms/date", '"2024"', "dcterms:date, an xsd:date"),
    ("http://purl.org/dc/terms/title", '"Another title"', "at most one dcterms:title"),
    ("https://w3id.org/kg/ns#ownerInferred", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>', "names it with"),
])
def test_records_and_inferred_owners_break_their_shapes(tmp_path, predicate, value, message):

    from kg.validate import validate_graph

    graph = merged_graph(tmp_path)
    subject = f"{B}source/a.txt/L1" if "dc/terms" in predicate else f"{B}profile/b.txt"
    graph.parse(data=f"<{subject}> <{predicate}> {value} .", format="nt")
    report = validate_graph(graph)
    assert {r.focus for r in report.violations if message in r.message} == {subject}


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_text_key_of_ascii_text_is_its_folded_words(text):
    """text_key's fast path for ASCII gives the regular-expression definition's key
    (and, for a text without words, the key of its exact characters)."""
    words = " ".join(re.findall(r"[^\W_]+", text.casefold()))
    assert text_key(text) == (words or symbols_key(text))


def test_text_key_folds_case_diacritics_and_punctuation():
    assert text_key("Mądry, ALEKSANDER — (ed.)") == text_key("madry aleksander ed") == "madry aleksander ed"

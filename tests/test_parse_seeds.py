"""Every record of the five seed profiles, with the values a reader sees in the file.

The expected values were read off the seed files by eye, not produced by the parser."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kg.models import Layout
from kg.parse import read_profile

PROFILES = Path(__file__).parents[1] / "examples" / "profiles"


def profile(name: str):
    path = PROFILES / name
    return read_profile(path, path.name)


D = datetime.date
# line, title, authors (display names; "*" marks an organisation), date, category, code, orgs, abstract start
LISTING = [
    (1, "OpenAI o1 System Card", ["Aaron Jaech", "Adam Kalai", "Adam Lerer"], D(2024, 12, 21), "AI", False, ("openai",), "The o1 model series is trained"),
    (4, "gpt-oss-120b & gpt-oss-20b Model Card", ["Sandhini Agarwal", "Lama Ahmad", "Jason Ai"], D(2025, 8, 8), "CL", False, ("openai",), "We present gpt-oss-120b"),
    (7, "Predicting Ordinary Differential Equations with Transformers", ["Sören Becker", "Michal Klein", "Alexander Neitz"], D(2023, 7, 24), "LG", False, (), "We develop a transformer-based"),
    (10, "Discovering ordinary differential equations that govern time-series", ["Sören Becker", "Michal Klein", "Alexander Neitz"], D(2022, 11, 5), "LG", False, (), "Natural laws are often"),
    (13, "Gemini 1.5: Unlocking multimodal understanding across millions of tokens of context", ["Gemini Team*", "Petko Georgiev", "Ving Ian Lei"], D(2024, 3, 8), "CL", False, ("deepmind", "mila"), "In this report, we introduce"),
    (16, "CausalWorld: A Robotic Manipulation Benchmark for Causal Structure and Transfer Learning", ["Ossama Ahmed", "Frederik Träuble", "Anirudh Goyal"], D(2020, 10, 8), "RO", True, (), "Despite recent successes"),
    (19, "Vision-Language Models as a Source of Rewards", ["Kate Baumli", "Satinder Baveja", "Feryal Behbahani"], D(2023, 12, 14), "LG", False, ("oxford",), "Building generalist agents"),
    (22, "Gemini: A Family of Highly Capable Multimodal Models", ["Gemini Team*", "Rohan Anil", "Sebastian Borgeaud"], D(2023, 12, 19), "CL", False, (), "This report introduces"),
    (25, "Direct Advantage Estimation", ["Hsiao-Ru Pan", "Nico Gürtler", "Alexander Neitz"], D(2021, 9, 13), "LG", False, (), "The predominant approach"),
    (28, "Neural Symbolic Regression that Scales", ["Luca Biggio", "Tommaso Bendinelli", "Alexander Neitz"], D(2021, 6, 11), "LG", False, (), "Symbolic equations are at the core"),
    (31, "Learning explanations that are hard to vary", ["Giambattista Parascandolo", "Alexander Neitz", "Antonio Orvieto"], D(2020, 9, 1), "LG", False, (), "In this paper, we investigate the principle that \u2018good explanations are hard to vary\u2019"),
    (34, "Divide-and-Conquer Monte Carlo Tree Search For Goal-Directed Planning", ["Giambattista Parascandolo", "Lars Buesing", "Josh Merel"], D(2020, 4, 23), "LG", False, (), "Standard planners"),
    (37, "Adaptive Skip Intervals: Temporal Abstraction for Recurrent Dynamical Models", ["Alexander Neitz", "Giambattista Parascandolo", "Stefan Bauer"], D(2018, 8, 14), "LG", False, (), "We introduce a method"),
]


def _names(record):
    return [a.name + ("*" if a.kind == "organization" else "") for a in record.authors]


def test_listing_seed_every_record():
    parsed = profile("000_d56e7dbe932bb055.txt")
    assert parsed.layout is Layout.LISTING and parsed.owner is None
    assert len(parsed.records) == len(LISTING)
    for record, (line, title, authors, date, category, code, orgs, abstract) in zip(parsed.records, LISTING):
        assert record.source.line == line
        assert record.title == title
        assert _names(record) == authors
        assert record.authors_truncated is True
        assert (record.date, record.category, record.code_available, record.organizations) == (date, category, code, orgs)
        assert record.abstract.startswith(abstract)
        assert "  " not in record.abstract and not record.abstract.startswith("Abstract")


# line, title, number of authors, first authors (printed), organisations at positions, abstract start
BIBLIOGRAPHY = [
    (2, "OpenAI o1 System Card", 262, ["OpenAI", "Jaech, Aaron", "Kalai, Adam"], {1: "OpenAI"}, "The o1 model series"),
    (5, "GPT-4o System Card", 419, ["OpenAI", "Hurst, Aaron", "Lerer, Adam"], {1: "OpenAI"}, "GPT-4o is an autoregressive omni model"),
    (8, "Training Compute-Optimal Large Language Models", 22, ["Hoffmann, Jordan", "Borgeaud, Sebastian", "Mensch, Arthur"], {}, "We investigate the optimal model size"),
    (11, "Scaling Language Models: Methods, Analysis & Insights from Training Gopher", 80, ["Rae, Jack W.", "Borgeaud, Sebastian", "Cai, Trevor"], {}, "Natural language communication"),
    (14, "Stabilizing Transformers for Reinforcement Learning", 13, ["Parisotto, Emilio", "Song, H. Francis", "Rae, Jack W."], {}, "Owing to their ability"),
    (17, "V-MPO: On-Policy Maximum a Posteriori Policy Optimization for Discrete and Continuous Control", 14, ["Song, H. Francis", "Abdolmaleki, Abbas", "Springenberg, Jost Tobias"], {}, "Some of the most successful"),
    (20, "Efficient Video Generation on Complex Datasets", 3, ["Clark, Aidan", "Donahue, Jeff", "Simonyan, Karen"], {}, "Generative models of natural images"),
    (23, "TF-Replicator: Distributed Machine Learning for Researchers", 12, ["Buchlovsky, Peter", "Budden, David", "Grewe, Dominik"], {}, "We describe TF-Replicator"),
]


def test_bibliography_seed_every_record():
    parsed = profile("004_b36c2fbe692e6225.txt")
    assert parsed.layout is Layout.BIBLIOGRAPHY
    assert (parsed.owner.given_name, parsed.owner.family_name) == ("Aidan", "Clark")
    assert len(parsed.records) == len(BIBLIOGRAPHY)
    for record, (line, title, count, first, orgs, abstract) in zip(parsed.records, BIBLIOGRAPHY):
        assert (record.source.line, record.title, len(record.authors)) == (line, title, count)
        assert [a.printed for a in record.authors[:3]] == first
        assert {i: a.name for i, a in enumerate(record.authors, 1) if a.kind == "organization"} == orgs
        assert record.authors_truncated is False and record.date is None and record.category is None
        assert record.abstract.startswith(abstract)


def test_bibliography_name_parts():
    records = profile("004_b36c2fbe692e6225.txt").records
    by_printed = {a.printed: a for r in records for a in r.authors}
    assert (by_printed["Casas, Diego de Las"].given_name, by_printed["Casas, Diego de Las"].family_name) == ("Diego", "de Las Casas")
    assert by_printed["Driessche, George van den"].family_name == "van den Driessche"
    assert by_printed["d'Autume, Cyprien de Masson"].family_name == "de Masson d'Autume"
    assert by_printed["Rae, Jack W."].name == "Jack W. Rae"
    assert by_printed["Mądry, Aleksander"].name == "Aleksander Mądry"
    assert by_printed["de Bourcy, Charles"].family_name == "de Bourcy"
    assert ":" not in by_printed and "null" not in str(list(by_printed))
    assert records[3].abstract.startswith("Natural language") and "4\u00d7 more" in records[2].abstract


def test_bibliography_abstract_cleanup():
    records = profile("004_b36c2fbe692e6225.txt").records
    assert records[4].abstract.startswith("Owing to their ability")  # "A BSTRACT " removed
    assert "50% cheaper" in records[1].abstract and "\\%" not in records[1].abstract


ABSTRACT_STARTS = {
    "001_c072ff5ac69f094b.txt": ("Tony", ["The o1 model series", "GPT-4o is an autoregressive", "Online evolution strategies", "Modern machine learning requires", "In this paper, we propose a new approach to learned optimization", "While deep learning models have replaced", "Tremendous progress has been made", "Learned optimizers -- neural networks", "Language models demonstrate both", "Optimization plays a costly"]),
    "002_96e1fc8eea33ab4a.txt": (None, ["The o1 model series", "Recent work has shown that asking", "Recent large language models often", "Language Models (LMs) often cannot", "Language modelling provides a step", "Since the earliest days of reinforcement", "There has been rapidly growing interest", "When observing the actions of others", "Artificial intelligence (AI) has undergone"]),
    "003_3e653c801abf3224.txt": ("Tony", ["The o1 model series", "GPT-4o is an autoregressive", "Hyperparameter (HP) tuning", "On April 13th, 2019, OpenAI Five", "We use reinforcement learning (RL) to learn dexterous", "Reinforcement learning algorithms can train agents"]),
}


@pytest.mark.parametrize("name", sorted(ABSTRACT_STARTS))
def test_abstract_only_seeds_every_record(name):
    owner, starts = ABSTRACT_STARTS[name]
    parsed = profile(name)
    assert parsed.layout is Layout.ABSTRACTS
    assert (parsed.owner and (parsed.owner.given_name, parsed.owner.family_name)) == ((owner, None) if owner else None)
    first_line = 2 if owner else 1
    assert [r.source.line for r in parsed.records] == list(range(first_line, first_line + len(starts)))
    for record, start in zip(parsed.records, starts):
        assert record.abstract.startswith(start), record.abstract[:60]
        assert record.title is None and record.authors == () and record.date is None


def test_latex_and_percent_cleaned():
    abstracts = [r.abstract for r in profile("002_96e1fc8eea33ab4a.txt").records]
    assert any("16.8% \u2192 12.7%" in a for a in abstracts)
    assert not any("\\" in a or "$" in a for a in abstracts)

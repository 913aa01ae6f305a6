"""Benchmark input: synthetic profile corpora in the four layouts kg reads.

    python benchmarks/generate_corpus.py --works 100000 --seed 1 OUT_DIR

writes ``OUT_DIR/NNNNNN_<hash>.txt`` profile files that ``kg parse`` / ``kg export`` read
without errors, describing exactly ``--works`` distinct works (unique titles, unique
abstracts). Same seed, same bytes. Names, titles and organisations are built by
structure from syllable and word pools (no lists of real people).

Distributions measured from ``examples/profiles`` (5 files, 46 records, 40 works; read
with kg's own parser, so the counts are what the export sees; ``python
benchmarks/seed_stats.py examples/profiles`` prints them again):

=============================================  =========================================
what                                            seeds -> generator
=============================================  =========================================
files by layout                                 listing 1, bibliography 1, abstracts with
                                                a first-name header 2, without 1 (too few
                                                files to weigh; the generator follows the
                                                record shares, 2/3 of abstract-only files
                                                with a header)
records by layout                               listing 13 (28 %), bibliography 8 (17 %),
                                                abstracts 25 (54 %) -> ~29/18/53 % (from
                                                the lines below)
records per file                                6-13, mean 9.2 -> uniform 6..13
works with no title anywhere                    20/40 (50 %) -> 50 %
titled works first listed in a listing vs a     13 : 8 -> 62 % : 38 %
bibliography
works listed by several profiles                2/40 (5 %), in 3 and in 5 profiles -> 5 %,
                                                each in 3..5 profiles (extra copies are
                                                abstract-only lines in 70 %, as in the seeds)
abstract-only records that copy a titled work   5/25 -> whatever the 5 % above gives
listing author lines                            3 names + ``et al.`` in 13/13 -> first 3
                                                names, ``et al.`` when the work has more
bibliography author lists                       complete; 3, 12, 13, 14, 22, 80, 262, 419
                                                -> 1 + lognormal (median 4) + a heavy tail
                                                of 40..420 in 2 % (see ASSUMED)
corporate authors                               4/21 author lists (Gemini Team first in
                                                listings; ``OpenAI, null, :, null`` first
                                                in the bibliography) -> 19 %, first place
organisation tags (`` · openai``)               4/13 listing records, 1-2 tags -> 31 %
category                                        LG 8, CL 3, AI 1, RO 1 -> same weights
``Code`` badge                                  1/13 -> 8 %
non-ASCII people (Sören, Mądry, Gómez)          6/672 people -> 1 %
particles (``de Las``, ``van den``, ``d'``)     10/864 author mentions -> 1.5 % of people
middle initials (``Rae, Jack W.``)              11/864 mentions -> 2 % of people
one-name people (``Xia, null``)                 2/864 mentions -> 0.3 %, bibliographies only
``\\%`` / ``$\\to$`` in abstracts               4/46 and 2/46 lines -> 9 % and 4 %
``A BSTRACT`` label                             1/8 bibliography abstracts -> 12 %
abstract length                                 86-354 words, mean 174 -> triangular
                                                86..354, mode 100 (mean 180)
title length                                    3-12 words, mean 6.8 -> 3..11
=============================================  =========================================

ASSUMED (the seeds are too few to say): how often the heavy tail occurs at scale (the
seeds' three lists over 80 names are 3 of 8 bibliography records, which would give
~30 M triples per 100k works; the tail here is 2 % of works, so that 100k works give
about the 4 M triples the issue reports: ~44 triples a work); the population of people
(1.3 per work) and how often each is reused (Zipf-like weights); dates (uniform 2015-2025); that a
bibliography owner and a listing's subject person are authors of the works listed
(true in the seeds); the share of names printed without their diacritics (25 % of a
non-ASCII person's mentions, so that identity has variants to merge); titles with a
comma only in works listed by bibliographies alone (a comma in a listing byline is
ambiguous by design, and the seeds' one comma title is in a bibliography).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

LISTING, BIBLIOGRAPHY, ABSTRACTS_HEADER, ABSTRACTS = "listing", "bibliography", "abstracts-header", "abstracts"
LAYOUTS = (LISTING, BIBLIOGRAPHY, ABSTRACTS_HEADER, ABSTRACTS)
"""Layout (d) is layout (c) without its header; kg reports both as ``abstracts``."""

CATEGORIES = (("LG", 8), ("CL", 3), ("AI", 1), ("RO", 1))
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ONSETS = "b c d f g h j k l m n p r s t v z br ch dr gr kr sh st th tr".split()
VOWELS = "a e i o u a e i o ai ei ia io".split()
CODAS = [""] * 6 + "n r s l m k t".split()
DIACRITICS = {"a": "áäą", "e": "éèę", "o": "öóø", "u": "üú", "i": "í", "n": "ñ", "s": "šś", "c": "čç", "z": "žź", "r": "ř", "l": "ł"}
PARTICLES = ("de", "van", "von", "van den", "van der", "de la", "de Las", "di", "da", "dos", "bin", "le")
SUFFIXES = ("Jr.", "Sr.", "II", "III")
ORGANIZATION_KINDS = ("team", "labs", "acronym", "ai", "hyphen-ai", "digits", "at", "amp", "team-acronym", "institute")
NAME_SHAPES = (("plain", 0.955), ("suffix", 0.01), ("hyphen-apostrophe", 0.005), ("al", 0.005), ("caseless", 0.015),
               ("mononym", 0.01))
"""Issue 10's name shapes, each ~1 % of people (caseless names: CJK ideographs and Hangul
syllables drawn from their Unicode blocks, family name first and unspaced)."""

TAIL_SHARE = 0.02
"""Works whose full author list is drawn from the heavy tail (40-420 names, log-uniform)."""

RESERVED = {"none", "null"}
"""Words a bibliography reads as a missing name."""

FUNCTION_WORDS = "of for with in via to and on from under".split()
TITLE_WORDS = """Learning Neural Models Language Reasoning Scaling Policy Optimization Agents
Transformers Representations Benchmark Attention Generalization Inference Diffusion Graphs Memory
Control Planning Robust Efficient Sparse Latent Causal Adaptive Multimodal Generative Contrastive
Hierarchical Structured Probabilistic Differentiable Distributed Continual Federated Embodied
Visual Symbolic Discovery Estimation Alignment Evaluation Retrieval Compression Exploration
Dynamics Equations Rewards Tokens Context Video Speech Vision Dexterous Manipulation Optimizers
Uncertainty Calibration Priors Kernels Flows Features Gradients Networks Systems Methods""".split()
LAST_WORDS = [w for w in TITLE_WORDS if len(w) >= 5]
"""A title's last word is glued to the first author in listings; a word of four letters
or more keeps ``WordGiven`` from being read as one name word (``LabAlice`` would be:
kg allows a second capital after a prefix of up to three letters, as in ``McCandlish``)."""
HYPHENATED = """Self-Supervised Vision-Language Divide-and-Conquer Long-Context Off-Policy Model-Based
Mixture-of-Experts State-of-the-Art""".split()
PLURAL_ACRONYMS = "APIs LLMs GPUs CNNs VAEs".split()
"""Title ends such as ``Massive APIs``: a capital run then ``s``, glued to a given name."""
ABSTRACT_WORDS = """model models method methods data training learning task tasks performance results
approach network networks policy policies agent agents reward language image video text large small
scale scaling efficient robust simple novel new existing prior standard benchmark benchmarks set
sets evaluation evaluations variance gradient gradients objective loss function functions parameters
representation representations structure structures environment environments problem problems
trajectory observations distribution distributions sample samples inference generalization accuracy
compute memory long short context tokens sequence sequences transformer transformers architecture
optimizer optimizers reinforcement supervised unsupervised synthetic real-world empirical theoretical
causal symbolic continuous discrete hierarchical temporal spatial multimodal open-source""".split()
VERBS = "improves outperforms reduces enables matches exceeds achieves yields recovers learns scales".split()
OPENERS = ("We propose", "We introduce", "We present", "We investigate", "We study", "This paper presents",
           "In this work we propose", "Recent results suggest that", "Standard approaches require")
"""Every abstract opens with a word of 6+ lower-case letters before any comma, so no
abstract line can be read as a ``Last, First`` author list."""


@dataclass
class Agent:
    """A person or organisation and the forms a profile may print it in."""

    display: str
    inverted: str
    folded_display: str | None = None
    folded_inverted: str | None = None
    first_name: str = ""
    listing_first_ok: bool = True
    """Whether a listing may glue it after a title (``XLabs`` may not: glued, ``TitleXLabs``
    reads as well as ``TitleX`` + ``Labs`` unless the input prints it elsewhere)."""
    bibliography_only: bool = False
    organization: bool = False
    mononym: bool = False
    """A profile's owner has a given and a family name (``Name, null`` heads no bibliography)."""


@dataclass
class Paper:
    title: str | None
    abstract: str
    date: str
    category: str
    code: bool
    tags: tuple[str, ...]
    authors: list[int]
    a_bstract: bool = False


@dataclass
class ProfileFile:
    layout: str
    papers: list[int] = field(default_factory=list)
    owner: int | None = None
    header: str | None = None
    """The first name heading an abstract-only profile (``Tony``)."""


@dataclass(frozen=True)
class Corpus:
    """What was written: files with their intended layouts, and the counts."""

    files: tuple[tuple[str, str], ...]
    works: int
    records: int
    people: int


class Generator:
    """The name, title and abstract makers, sharing one seeded random stream."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.sentences = [self._sentence() for _ in range(4000)]

    # ---------------------------------------------------------------- names

    def word(self, syllables: int) -> str:
        rng = self.rng
        while True:
            word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(CODAS)
            if word not in RESERVED:
                return word.capitalize()

    def _accented(self, word: str) -> str:
        positions = [i for i, ch in enumerate(word) if ch in DIACRITICS]
        if not positions:
            return word[0] + "\u00e4" + word[1:]
        i = self.rng.choice(positions)
        return word[:i] + self.rng.choice(DIACRITICS[word[i]]) + word[i + 1:]

    def _caseless(self, length: int) -> str:
        """``length`` CJK ideographs or Hangul syllables (by their Unicode blocks)."""
        rng = self.rng
        if rng.random() < 0.7:
            return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))
        return "".join(chr(0xAC00 + (rng.randrange(19) * 21 + rng.randrange(21)) * 28 + rng.randrange(28))
                       for _ in range(length))

    def person(self, shape: str | None = None) -> Agent:
        rng = self.rng
        shape = shape or rng.choices([s for s, _ in NAME_SHAPES], [w for _, w in NAME_SHAPES])[0]
        if shape == "caseless":  # 王, 小明 in a bibliography; 王小明 in a listing
            family, given = self._caseless(1), self._caseless(2)
            return Agent(f"{family}{given}", f"{family}, {given}", first_name=given)
        if shape == "mononym":
            return self.one_name_person()
        given = self.word(rng.choice((1, 2, 2, 3)))
        family = self.word(rng.choice((1, 2, 2, 3)))
        if rng.random() < 0.04:
            family = f"{family}-{self.word(2)}"
        elif rng.random() < 0.02:
            given = f"{given}-{self.word(1)}"
        if rng.random() < 0.02:
            given = f"{given} {rng.choice('ABCDEFGHJKLMNPRSTW')}."
        elif rng.random() < 0.01:
            given = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}. {given}"
        folded = None
        if rng.random() < 0.01:
            plain = (given, family)
            family = self._accented(family) if rng.random() < 0.7 else family
            given = self._accented(given) if family == plain[1] else given
            folded = plain
        particle = rng.choice(PARTICLES) if rng.random() < 0.015 else None
        apostrophe = particle is None and "-" not in family and rng.random() < 0.002

        def forms(g: str, f: str) -> tuple[str, str]:
            if apostrophe:
                return f"{g} d'{f}", f"d'{f}, {g}"
            if particle is None:
                return f"{g} {f}", f"{f}, {g}"
            # Both printings occur in the seeds: ``de Bourcy, Charles``, ``Casas, Diego de Las``.
            before = len(particle.split()) == 1 and rng.random() < 0.5
            return f"{g} {particle} {f}", (f"{particle} {f}, {g}" if before else f"{f}, {g} {particle}")

        if shape == "hyphen-apostrophe" and particle is None:
            family = f"{family}-O'{self.word(1)}"  # Lovelace-O'Neil
        elif shape == "al" and particle is None:
            family = f"al-{family}"
        display, inverted = forms(given, family)
        folded_forms = forms(*folded) if folded else (None, None)
        if shape == "suffix":  # Steele Jr., Guy L. or Steele, Guy L., Jr.
            suffix = rng.choice(SUFFIXES)
            display = f"{display} {suffix}"
            inverted = f"{family} {suffix}, {given}" if rng.random() < 0.5 else f"{inverted}, {suffix}"
            folded_forms = (None, None)
        first_name = next(w for w in given.split() if not w.endswith("."))
        return Agent(display, inverted, *folded_forms, first_name=first_name)

    def one_name_person(self) -> Agent:
        """A mononym: ``Name, null`` in a bibliography (with a warning), ``Name`` in a listing."""
        name = self.word(self.rng.choice((1, 2)))
        return Agent(name, f"{name}, null", first_name=name, mononym=True)

    def organization(self, kind: str | None = None) -> Agent:
        rng = self.rng
        stem = self.word(2)
        acronym = "".join(rng.choice("ABCDEFGHKLMNPRSTVXZ") for _ in range(rng.randint(3, 6)))
        kind = kind or rng.choices(ORGANIZATION_KINDS, (4, 2, 1, 2, 1, 1, 1, 1, 1, 1))[0]
        name = {"team": f"{stem} Team", "labs": f"{stem}Labs", "ai": f"{stem}AI", "hyphen-ai": f"{stem}-AI",
                "acronym": acronym if len(acronym) >= 4 else f"{acronym}X", "digits": f"{rng.randint(1, 99):02d}.AI",
                "at": f"AI @ {stem}", "amp": f"{stem} & {self.word(2)} Lab", "team-acronym": f"Team {acronym}",
                "institute": f"{stem} Institute for AI"}[kind]
        group = kind in ("ai", "acronym", "digits") and rng.random() < 0.5
        return Agent(name, f"{name}, null, :, null" if group else f"{name}, null", listing_first_ok=kind != "labs",
                     organization=True)

    # ---------------------------------------------------------------- text

    def _sentence(self) -> str:
        rng = self.rng
        words = rng.choices(ABSTRACT_WORDS, k=rng.randint(10, 26))
        words.insert(rng.randint(2, len(words) - 1), rng.choice(VERBS))
        if rng.random() < 0.3:
            words[rng.randint(3, len(words) - 2)] += ","
        return " ".join(words).capitalize() + "."

    def abstract(self) -> str:
        rng = self.rng
        target = int(rng.triangular(86, 354, 100))
        parts = [f"{rng.choice(OPENERS)} a {rng.choice(ABSTRACT_WORDS)} {rng.choice(ABSTRACT_WORDS)} "
                 f"{rng.choice(ABSTRACT_WORDS)} that {rng.choice(VERBS)} {rng.choice(ABSTRACT_WORDS)}."]
        count = len(parts[0].split())
        while count < target:
            sentence = rng.choice(self.sentences)
            parts.append(sentence)
            count += sentence.count(" ") + 1
        if rng.random() < 0.09:
            parts.insert(rng.randint(1, len(parts)), f"It {rng.choice(VERBS)} accuracy by {rng.randint(2, 98)}\\% "
                         f"over the {rng.choice(ABSTRACT_WORDS)} baseline.")
        if rng.random() < 0.04:
            parts.insert(rng.randint(1, len(parts)), f"Compute grows {rng.randint(2, 9)}$\\times$ and the "
                         f"{rng.choice(ABSTRACT_WORDS)} error falls $\\to$ zero.")
        if rng.random() < 0.01:  # TeX accents and math, and dollars that are not TeX
            word = self.word(2)
            parts.insert(rng.randint(1, len(parts)), f"The {word[:2]}\\\"{{o}}{word[2:]} method runs in "
                         f"$O(n \\log n)$ time and costs $5 and ${rng.randint(6, 9)} a run.")
        return " ".join(parts)

    def title(self, comma: bool) -> str:
        rng = self.rng
        n = rng.randint(3, 11)
        words = [rng.choice(TITLE_WORDS) if rng.random() < 0.8 else rng.choice(FUNCTION_WORDS)
                 for _ in range(n - 1)]
        words[0] = words[0].capitalize()
        if rng.random() < 0.15:
            words[0] = rng.choice(HYPHENATED)
        if rng.random() < 0.1:
            words.insert(0, self.word(2) + self.word(1) + ":")  # CausalWorld:
        if rng.random() < 0.05:
            words.insert(rng.randint(0, len(words)), f"{rng.choice(('GPT', 'RL', 'ODE', 'LLM'))}-{rng.randint(1, 9)}")
        if comma:
            words = [f"{words[0].rstrip(':')}:", *words[1:-1], f"{rng.choice(LAST_WORDS)},", "Analysis", "and"]
        if rng.random() < 0.08:
            return " ".join(words) + rng.choice((" System Card", " Model Card", " Technical Report"))
        if rng.random() < 0.03:  # a number and its unit last: Nemotron-4 340B
            return " ".join(words + [rng.choice(LAST_WORDS), f"{rng.choice((7, 13, 70, 340))}B"])
        if rng.random() < 0.03:
            return " ".join(words + [rng.choice(("with", "for", "of")), "Massive", rng.choice(PLURAL_ACRONYMS)])
        return " ".join(words + [rng.choice(LAST_WORDS)])

    # ---------------------------------------------------------------- the corpus

    def authors(self, cum_weights: list[float], agents: list[Agent], orgs: int) -> list[int]:
        """A work's full author list: mostly short, 3 % from a heavy tail up to 420 names,
        19 % led by a corporate author; at least one person a listing can print."""
        rng = self.rng
        if rng.random() < TAIL_SHARE:
            n = int(math.exp(rng.uniform(math.log(40), math.log(420))))
        else:
            n = 1 + int(rng.lognormvariate(math.log(3), 0.6))
        picks = rng.choices(range(orgs, len(agents)), cum_weights=cum_weights, k=n)
        chosen = list(dict.fromkeys(picks))
        while all(agents[a].bibliography_only for a in chosen):
            chosen.append(rng.randrange(orgs, len(agents)))
        if rng.random() < 0.19:
            chosen.insert(0, rng.randrange(orgs))
        return chosen


def build(works: int, seed: int) -> tuple[list[Agent], list[Paper], list[ProfileFile]]:
    """The agents, papers and profile files of a corpus, before any text is printed."""
    gen = Generator(seed)
    rng = gen.rng
    # Every shape at least once (the first people are the most published), then by their shares.
    orgs = [gen.organization(kind) for kind in ORGANIZATION_KINDS]
    orgs += [gen.organization() for _ in range(max(8, works // 400) - len(orgs))]
    n_people = max(40, int(works * 1.3))
    people = [gen.person(shape) for shape, _ in NAME_SHAPES]
    people += [gen.one_name_person() if rng.random() < 0.003 else gen.person() for _ in range(n_people - len(people))]
    agents = orgs + people
    cum, total = [], 0.0
    for rank in range(1, n_people + 1):  # Zipf-like: a few prolific authors, a long tail
        total += 1.0 / rank ** 0.6
        cum.append(total)
    tag_pool = [a.display.split()[0].lower() for a in orgs] + [gen.word(2).lower() for _ in orgs]

    papers: list[Paper] = []
    primary: dict[str, list[int]] = {layout: [] for layout in LAYOUTS}
    shared = set(rng.sample(range(works), k=round(works * 0.05)))
    abstracts: set[str] = set()
    for index in range(works):
        titled = rng.random() < 0.5
        layout = (LISTING if rng.random() < 0.62 else BIBLIOGRAPHY) if titled else (
            ABSTRACTS_HEADER if rng.random() < 2 / 3 else ABSTRACTS)
        comma = titled and layout == BIBLIOGRAPHY and index not in shared and rng.random() < 0.05
        abstract = gen.abstract()
        while abstract in abstracts:  # an untitled work is known by its abstract alone
            abstract = gen.abstract()
        abstracts.add(abstract)
        year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
        papers.append(Paper(
            title=gen.title(comma) if titled else None, abstract=abstract,
            date=f"{MONTHS[month - 1]} {day}, {year}",
            category=rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0],
            code=rng.random() < 0.08,
            tags=tuple(rng.sample(tag_pool, k=rng.choice((1, 1, 1, 2)))) if rng.random() < 0.31 else (),
            authors=gen.authors(cum, agents, len(orgs)) if titled else [],
            a_bstract=rng.random() < 0.12))
        primary[layout].append(index)
    _unique_titles(gen, papers)
    files = _files(rng, primary, papers, shared)
    _add_owners(rng, files, papers, agents, len(orgs))
    return agents, papers, files


def _files(rng: random.Random, primary: dict[str, list[int]], papers: list[Paper], shared: set[int]) -> list[ProfileFile]:
    """Profiles of 6-13 records per layout; each shared work copied into 2-4 more profiles,
    as abstract-only lines in 70 % of the copies (the seeds' o1 and GPT-4o pattern)."""
    files: list[ProfileFile] = []
    for layout in LAYOUTS:
        queue, start = primary[layout], 0
        rng.shuffle(queue)
        while start < len(queue):
            size = rng.randint(6, 13)
            files.append(ProfileFile(layout, queue[start:start + size]))
            start += size
    rng.shuffle(files)
    by_layout = {layout: [f for f in files if f.layout == layout] for layout in LAYOUTS}
    for index in sorted(shared):
        titled = papers[index].title is not None
        for _ in range(rng.randint(2, 4)):
            if titled and rng.random() < 0.3:
                layout = rng.choice((LISTING, BIBLIOGRAPHY))
            else:
                layout = rng.choice((ABSTRACTS_HEADER, ABSTRACTS_HEADER, ABSTRACTS))
            candidates = by_layout[layout]
            if candidates:
                target = candidates[rng.randrange(len(candidates))]
                if index not in target.papers:
                    target.papers.insert(rng.randint(0, len(target.papers)), index)
    return files


def _unique_titles(gen: Generator, papers: list[Paper]) -> None:
    """Distinct titles (folded as kg folds them), so N papers are N works."""
    from kg.identity import text_key

    seen: set[str] = set()
    for paper in papers:
        while paper.title is not None and text_key(paper.title) in seen:
            paper.title = gen.title("," in paper.title)
        if paper.title is not None:
            seen.add(text_key(paper.title))


def _add_owners(rng: random.Random, files: list[ProfileFile], papers: list[Paper], agents: list[Agent],
                orgs: int) -> None:
    """A bibliography's owner is an author of every work it lists; a listing's subject
    person is among the first three authors of most of its works (as in the seeds); an
    abstract-only profile is headed by a first name or nothing."""
    for f in files:
        owner = rng.randrange(orgs, len(agents))
        while agents[owner].bibliography_only or agents[owner].mononym:
            owner = rng.randrange(orgs, len(agents))
        if f.layout == ABSTRACTS_HEADER:
            f.header = agents[owner].first_name
        if f.layout not in (BIBLIOGRAPHY, LISTING):
            continue
        f.owner = owner
        for index in f.papers:
            authors = papers[index].authors
            if owner not in authors and (f.layout == BIBLIOGRAPHY or rng.random() < 0.6):
                authors.insert(rng.randint(0, min(3, len(authors))), owner)


def _printed(rng: random.Random, agent: Agent, inverted: bool) -> str:
    if agent.folded_display is not None and rng.random() < 0.25:
        return agent.folded_inverted if inverted else agent.folded_display  # type: ignore[return-value]
    return agent.inverted if inverted else agent.display


def render_listing_record(rng: random.Random, paper: Paper, agents: list[Agent]) -> str:
    """``LGDec 14, 2023[Code]`` / ``TitleFirst Author, … et al. · tags`` / abstract; the
    first author is one a title can be glued to and still be split off by shape."""
    authors = [a for a in paper.authors if not agents[a].bibliography_only]
    if not agents[authors[0]].listing_first_ok:
        authors.insert(0, authors.pop(next(i for i, a in enumerate(authors) if agents[a].listing_first_ok)))
    byline = ", ".join(_printed(rng, agents[a], False) for a in authors[:3])
    more = " et al." if len(authors) > 3 else ""
    tags = f" \u00b7 {', '.join(paper.tags)}" if paper.tags else ""
    code = "Code" if paper.code else ""
    return f"{paper.category}{paper.date}{code}\n{paper.title}{byline}{more}{tags}\n{paper.abstract}\n"


def render_file(rng: random.Random, f: ProfileFile, papers: list[Paper], agents: list[Agent]) -> str:
    if f.layout == LISTING:
        return "".join(render_listing_record(rng, papers[i], agents) for i in f.papers)
    if f.layout == BIBLIOGRAPHY:
        lines = [agents[f.owner].inverted]  # type: ignore[index]
        for i in f.papers:
            paper = papers[i]
            lines.append(paper.title)  # type: ignore[arg-type]
            lines.append(", ".join(_printed(rng, agents[a], True) for a in paper.authors))
            lines.append(("A BSTRACT " if paper.a_bstract else "") + paper.abstract)
        return "\n".join(lines) + "\n"
    lines = [f"Abstract:{papers[i].abstract}" for i in f.papers]
    if f.layout == ABSTRACTS_HEADER:
        lines.insert(0, f.header)  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


def generate_corpus(works: int, seed: int, out_dir: Path) -> Corpus:
    """Write a corpus of ``works`` distinct works to ``out_dir`` (created; must hold no
    ``*.txt`` yet). Deterministic: the same (works, seed) gives byte-identical files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.glob("*.txt")):
        raise FileExistsError(f"{out_dir} already holds profile files; use an empty folder")
    agents, papers, files = build(works, seed)
    rng = random.Random(seed + 1)
    written = []
    for number, f in enumerate(files):
        digest = hashlib.sha256(f"{seed}:{works}:{number}".encode()).hexdigest()[:16]
        name = f"{number:06d}_{digest}.txt"
        text, line_end = render_file(rng, f, papers, agents), rng.choices(("\n", "\r\n", "\r"), (98, 1, 1))[0]
        if rng.random() < 0.005:
            text = unicodedata.normalize("NFD", text)  # as macOS writes names
        (out_dir / name).write_text(text, encoding="utf-8", newline=line_end)
        written.append((name, f.layout))
    return Corpus(files=tuple(written), works=works, records=sum(len(f.papers) for f in files),
                  people=len(agents))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, required=True, help="distinct works in the corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    try:
        corpus = generate_corpus(args.works, args.seed, args.out_dir)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    layouts = {layout: sum(1 for _, l in corpus.files if l == layout) for layout in LAYOUTS}
    print(f"{corpus.works} works, {corpus.records} records, {len(corpus.files)} files {layouts}, "
          f"{corpus.people} people and organisations in the pool -> {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

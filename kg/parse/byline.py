"""Parse stage: a listing byline ``TitleFirst Author, Author et al. · org, org``.

The title is glued to the first author with no space between them. Every place where
a name could begin glued to the character before it is a candidate split, and each is
scored (:func:`_readings`); the best wins, the earliest among equals. A candidate counts
only if what follows it is a complete name of the grammar (:mod:`kg.parse.names`) and
the title does not end inside a word (``Mixture-of-``). Then:

- a name the input prints unambiguously elsewhere (:mod:`kg.parse.evidence`) is strong
  evidence for the split that yields it;
- a CamelCase seam left in the title (``ModelsSam``), a complete name left in the title
  (a split in a later piece), a seam in a given name (``IsShishir``) or a second one in a
  corporate word (``ReportDeepSeek-AI``), a mononym, a corporate name by CamelCase alone,
  a number cut from its unit (``340`` / ``B Technical…``), a cut inside a run of capitals
  (``01.A`` / ``I01.AI``) or a title ending in a full stop each make a split less likely.

Where the two best readings score within :data:`NEAR_TIE`, the best is kept and the
byline reports both (:class:`SplitChoice`), so that the run warns and a curation entry
can choose the other (``[[split]]``, README "Curation file").

Linear in the byline's length: a name is at most :data:`MAX_NAME_CHARS` long, so only
the last that many characters of a piece hold candidates, and the title's CamelCase
seams are counted once per piece.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kg.models import Agent
from kg.parse.evidence import NO_EVIDENCE, Evidence
from kg.parse.names import (
    MAX_INNER_CAPITAL_PREFIX,
    MAX_NAME_CHARS,
    count_humps as _humps,
    humps,
    is_caseless_word,
    is_person_name,
    is_suffix,
    person_from_display,
)
from kg.parse.organizations import STRONG, agent_from_display, corporate_strength, organization
from kg.parse.text import clean_text

ORGANIZATION_SEPARATOR = " \u00b7 "
TRUNCATION = re.compile(r",? (?:et al\.?|and others)$")
NOT_BEFORE_A_NAME = frozenset("-'\u2019/([{@&_+\u2013\u2014")
"""A title does not end in these: a split after them cuts a word (``Mixture-of-Experts``)."""

EVIDENCE = 8.0
MONONYM = -4.0
WEAK_ORGANIZATION = -4.0
CAMEL_SEAM = -1.5
"""Each CamelCase seam left in the title (``ModelsSam``; titles hold ``PyTorch`` too)."""
CAMEL_GIVEN_NAME = -2.5
"""Each seam in a personal name but a short prefix's (``McCandlish``): rarer than in titles."""
CAMEL_CORPORATE = -4.0
"""Each seam in a corporate word beyond its first (``ReportDeepSeek-AI``)."""
UNIT_CUT = -4.0
CAPITALS_CUT = -2.0
LONE_CAPITAL = -4.0
"""More when the cut leaves the title ending in a word of one capital (``ODE-2``: ``O`` / ``DE-2``)."""
FULL_STOP = -2.0
NAMES_IN_TITLE = -4.0
"""Each ``, `` piece that reads as a complete name but would become title text."""
NEAR_TIE = 2.0
"""Readings whose scores differ by less than this are reported as a choice."""


class BylineError(ValueError):
    """A byline whose title and authors cannot be told apart by structure."""


class SplitChoice(NamedTuple):
    """Two close readings of one byline: the kept one first."""

    kept_title: str
    kept_author: str
    other_title: str
    other_author: str


class Byline(NamedTuple):
    title: str
    authors: tuple[Agent, ...]
    truncated: bool
    organizations: tuple[str, ...]
    choice: SplitChoice | None = None


class _Reading(NamedTuple):
    score: float
    order: int
    """Earlier candidates (longer first authors) win ties."""
    piece: int
    start: int
    first: Agent


def _is_glue_point(piece: str, i: int, evidence: Evidence) -> bool:
    """Whether a name may begin at ``piece[i]``, glued to the character before it: a
    capital, a change of script (``Things王小明``), a digit after a letter (``01.AI``); in
    one caseless run (``手册王晋东``) only where the input prints the rest as a name."""
    before, ch = piece[i - 1], piece[i]
    if before.isspace() or before in NOT_BEFORE_A_NAME:
        return False
    if ch.isalpha() and ch.isupper():
        return True
    if ch.isalpha() and is_caseless_word(ch):
        return not is_caseless_word(before) or evidence.kind_of(_display(piece[i:])) is not None
    return ch.isdigit() and before.isalpha()


def _first_author(printed: str, evidence: Evidence) -> tuple[Agent, float] | None:
    """The agent that ``printed`` names in full, and the score its shape and the evidence give."""
    text = _display(printed)
    strength = corporate_strength(text)
    person = is_person_name(text)
    known = evidence.kind_of(text)
    if known == "organization" and (strength or person):
        return organization(printed), EVIDENCE
    cut = evidence.split_of(text.split(" ")) if person else None
    if known == "name":
        if strength == STRONG or (strength and not person):
            return organization(printed), EVIDENCE
        if person:
            return person_from_display(printed, cut), EVIDENCE
    if strength == STRONG:
        return organization(printed), _corporate_seams(text)
    if person:
        score = MONONYM if " " not in text and not is_caseless_word(text) else 0.0
        return person_from_display(printed, cut), score + CAMEL_GIVEN_NAME * _personal_seams(text)
    if strength:
        return organization(printed), WEAK_ORGANIZATION + _corporate_seams(text)
    return None


def _personal_seams(text: str) -> int:
    """CamelCase seams in a personal name: any in its first word (``IsShishir``), else
    those not right after a short prefix (``McCandlish`` has none, ``ReportNvidia`` one)."""
    words = text.split(" ")
    return len(humps(words[0])) + sum(1 for w in words[1:] for h in humps(w) if h > MAX_INNER_CAPITAL_PREFIX)


def _corporate_seams(text: str) -> float:
    """A corporate word has one CamelCase seam at most (``DeepMind``, ``DeepSeek-AI``);
    more (``ReportDeepSeek-AI``) are a title glued to it, and so is a seam right after a
    short prefix in the first word (``GPUs`` + ``Team``: ``UsTeam``)."""
    words = text.split(" ")
    first = words[0]
    prefix = next((i for i in range(1, min(len(first), MAX_INNER_CAPITAL_PREFIX + 1))
                   if first[i - 1].islower() and first[i].isupper()), None)
    return CAMEL_CORPORATE * sum(max(0, _humps(word) - 1) for word in words) + CAMEL_SEAM * (prefix is not None)


def _seam_score(piece: str, i: int) -> float:
    """What the characters around a split say about it."""
    score = 0.0
    before = piece[i - 1]
    if before == ".":
        score += FULL_STOP
    if before.isdigit() and piece[i].isupper() and not (i + 1 < len(piece) and piece[i + 1].islower()):
        score += UNIT_CUT  # 340|B Technical Report, 340|BRarasAI: a number is cut from its unit
    if before.isupper() and piece[i].isupper() and not (i + 1 < len(piece) and piece[i + 1].islower()):
        score += CAPITALS_CUT  # 01.A|I01.AI
        if i < 2 or piece[i - 2].isspace():
            score += LONE_CAPITAL
    return score


_MAYBE_GLUED = re.compile(r"(?<=\S)(?:[A-Z]|[^\x00-\x7f]|(?<=[A-Za-z])\d)")
"""Where :func:`_is_glue_point` may hold: a fast first pass over a piece."""


def _readings(pieces: list[str], k: int, humps_before: int, evidence: Evidence, names_before: int
              ) -> list[_Reading]:
    """The candidate splits of piece ``k``; ``names_before`` pieces that are names would go to the title."""
    piece = pieces[k]
    first = max(1, len(piece) - MAX_NAME_CHARS)
    found: list[_Reading] = []
    points = [m.start() for m in _MAYBE_GLUED.finditer(piece, first) if _is_glue_point(piece, m.start(), evidence)]
    if not points:
        return found
    seams = humps_before + _humps(piece[:first])  # CamelCase seams in the title, counted once
    counted = first
    for i in points:
        seams += _humps(piece[counted - 1:i]) if i > counted else 0
        counted = max(counted, i)
        author = _first_author(piece[i:], evidence)
        if author is None:
            continue
        agent, score = author
        score += _seam_score(piece, i) + CAMEL_SEAM * seams + NAMES_IN_TITLE * names_before
        found.append(_Reading(score, -(k * (MAX_NAME_CHARS + 1) + MAX_NAME_CHARS - (len(piece) - i)), k, i, agent))
    return found


_LOOSE_WORD = re.compile(r"[^\W\d_]+(?:[.'\u2019-][^\W\d_]+)*\.?")
"""Letters, single dots, hyphens or apostrophes between them, a final dot: each part of
the pattern starts with a character the part before cannot hold, so matching is linear."""
MAX_LOOSE_WORDS = 4


def _loose_name(text: str) -> bool:
    """A later author the grammar does not read but that is shaped like a name, not a
    title's words: letters, dots, hyphens, apostrophes, at most four words, the first
    capitalised (``Sand. ai``). Only ever a piece after the first author."""
    words = text.split(" ")
    return (text[:1].isupper() and len(words) <= MAX_LOOSE_WORDS
            and all(_LOOSE_WORD.fullmatch(w) for w in words))


def _is_name(piece: str) -> bool:
    """Whether a piece is an author by shape (cheap: no agent is built)."""
    if len(piece) > MAX_NAME_CHARS:
        return False
    text = _display(piece)
    return bool(corporate_strength(text)) or is_person_name(text) or _loose_name(text)


def _author(piece: str, evidence: Evidence) -> Agent:
    """An author after the first: by the grammar, else read in display order as printed."""
    text = _display(piece)
    agent = agent_from_display(piece, evidence.kind_of(text), evidence.split_of(text.split(" ")))
    return agent or person_from_display(piece)


def _join_suffixes(pieces: list[str]) -> list[str]:
    """``Guy L. Steele, Jr.``: a suffix printed as a piece of its own belongs to the name before it."""
    joined: list[str] = []
    for piece in pieces:
        if joined and is_suffix(piece):
            joined[-1] = f"{joined[-1]}, {piece}"
        else:
            joined.append(piece)
    return joined


def _display(piece: str) -> str:
    return piece.replace(", ", " ")


def _title(pieces: list[str], k: int, start: int) -> str:
    return clean_text(", ".join(pieces[:k] + [pieces[k][:start]]))


def parse_byline(text: str, evidence: Evidence = NO_EVIDENCE, curated_title: str | None = None) -> Byline:
    """Split ``TitleAuthor, Author et al. · org, org`` into its parts; ``curated_title``
    (a curation file's ``[[split]]``) picks the reading with that title. Raises
    :class:`BylineError`."""
    pieces, truncated, organizations = byline_pieces(text)
    last_bad = next((k for k in range(len(pieces) - 1, -1, -1) if not _is_name(pieces[k])), 0)
    readings: list[_Reading] = []
    humps_before = 0  # the title's seams before piece last_bad are in every reading
    for k in range(last_bad, len(pieces)):
        readings += _readings(pieces, k, humps_before, evidence, k - last_bad)
        humps_before += _humps(pieces[k])
    if not readings:
        raise BylineError("cannot tell where the title ends and the first author begins")
    readings.sort(reverse=True)
    best, choice = readings[0], None
    if curated_title is not None:
        best = next((r for r in readings if _title(pieces, r.piece, r.start) == curated_title), None)  # type: ignore[assignment]
        if best is None:
            raise BylineError(f"no reading of the byline has the curated title {curated_title!r}")
    elif len(readings) > 1 and best.score - readings[1].score < NEAR_TIE:
        other = readings[1]
        choice = SplitChoice(_title(pieces, best.piece, best.start), best.first.name,
                             _title(pieces, other.piece, other.start), other.first.name)
    authors = (best.first, *(_author(p, evidence) for p in pieces[best.piece + 1:]))
    return Byline(_title(pieces, best.piece, best.start), authors, truncated, organizations,  # type: ignore[arg-type]
                  choice)


def byline_pieces(text: str) -> tuple[list[str], bool, tuple[str, ...]]:
    """A byline's ``, ``-separated pieces (a suffix joined to the name before it), whether
    ``et al.`` cut the author list, and its organisation tags."""
    text = " ".join(text.split())
    body, sep, tail = text.rpartition(ORGANIZATION_SEPARATOR)
    if not sep:
        body, tail = text, ""
    organizations = tuple(t.strip() for t in tail.split(",") if t.strip())
    truncation = TRUNCATION.search(body)
    if truncation:
        body = body[: truncation.start()]
    return _join_suffixes(body.split(", ")), bool(truncation), organizations

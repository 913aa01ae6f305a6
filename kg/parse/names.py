"""Parse stage: the shapes of personal and corporate names.

Everything here judges a name by its structure (capitalisation, punctuation, number
of words), never by lists of known people. Known limits: names in scripts without
letter case are accepted as words but cannot be found where they are glued to a
title; a lone lower-case word in a name is read as a particle (``de``, ``van``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.models import Agent

APOSTROPHES = "'\u2019"
ORGANIZATION_WORDS = frozenset(
    """Academy Agency AI Alliance Association Authors Center Centre Collaboration Committee
    Community Company Consortium Contributors Corporation Corp Corp. Council Department
    Foundation Group Inc Inc. Initiative Institute Lab Labs Laboratory Laboratories LLC Ltd
    Ltd. Ministry Network Organization Organisation Project Research School Society Team
    University Workshop""".split()
)
"""Words that make a name corporate ("Gemini Team", "Meta AI"): generic English
organisation vocabulary, matched case-sensitively ("Ai" is a surname, "AI" is not)."""

MAX_INNER_CAPITAL_PREFIX = 3

WORD_CACHE = 1 << 16
"""Words repeat across a corpus (names, title words): word shapes are computed once."""
"""``Mc``/``Mac``/``Le``/``Di``: a capital inside a personal name follows a short prefix."""

def _is_upper(ch: str) -> bool:
    return ch.isalpha() and ch.isupper()


def _is_caseless_letter(ch: str) -> bool:
    return ch.isalpha() and not ch.isupper() and not ch.islower()


def _is_capitalised_part(part: str) -> bool:
    """``Neitz``, ``McCandlish``, ``LeCun``, ``Träuble``: a capital, then lower case,
    with at most one more capital right after a short prefix."""
    if not part or not _is_upper(part[0]) or not part.isalpha():
        return False
    humps = [i for i, ch in enumerate(part) if ch.isupper()]
    if len(humps) == 1:
        return len(part) > 1
    return (
        len(humps) == 2
        and humps[1] <= MAX_INNER_CAPITAL_PREFIX
        and humps[1] < len(part) - 1
        and part[1 : humps[1]].islower()
        and part[humps[1] + 1 :].islower()
    )


@lru_cache(maxsize=WORD_CACHE)
def is_initials(word: str) -> bool:
    """``H.``, ``J.R.``, ``AJ``, ``J.-P.``: up to three capitals, with dots or hyphens."""
    letters = [ch for ch in word if ch not in ".-"]
    return (
        0 < len(letters) <= 3
        and all(_is_upper(ch) for ch in letters)
        and all(ch.isalpha() or ch in ".-" for ch in word)
        and _is_upper(word[0])
    )


@lru_cache(maxsize=WORD_CACHE)
def is_particle(word: str) -> bool:
    """``de``, ``van``, ``von``, ``d'`` + capitalised (``d'Autume``): lower-case name particles."""
    if word.isalpha() and word.islower() and len(word) <= 5:
        return True
    for apostrophe in APOSTROPHES:
        head, sep, tail = word.partition(apostrophe)
        if sep and head.isalpha() and head.islower() and len(head) <= 2:
            return _is_capitalised_part(tail)
    return False


@lru_cache(maxsize=WORD_CACHE)
def is_name_word(word: str) -> bool:
    """One word of a personal name: capitalised (parts joined by ``-`` or an apostrophe),
    initials, a particle, or a word in a script without case."""
    if is_initials(word) or is_particle(word):
        return True
    if word and all(_is_caseless_letter(ch) for ch in word):
        return True
    parts = re.split(r"[-'\u2019]", word)
    if len(parts) > 1 and len(parts[0]) == 1 and _is_upper(parts[0]) and word[1] in APOSTROPHES:
        parts = parts[1:]  # O'Brien, D'Angelo
    return _is_capitalised_part(parts[0]) and all(
        _is_capitalised_part(p) or (p.isalpha() and p.islower()) for p in parts[1:]
    )


def is_person_name(text: str, min_words: int = 1) -> bool:
    """Name-shaped words separated by single spaces, not starting with a lone particle,
    and not all initials."""
    words = text.split(" ")
    return (
        len(words) >= min_words
        and all(is_name_word(w) for w in words)
        and not (words[0].isalpha() and words[0].islower())
        and any(not w.islower() and not is_initials(w) for w in words)
    )


def _ends_in_acronym(part: str) -> bool:
    """``OpenAI``, ``AI``: a capitalised word ending in two or more capitals."""
    return len(part) >= 2 and part.isalpha() and _is_upper(part[0]) and _is_upper(part[-1]) and _is_upper(part[-2])


@lru_cache(maxsize=WORD_CACHE)
def corporate_word_kind(word: str) -> str | None:
    """Why a word makes a name corporate: ``keyword`` (``Team``), ``acronym`` (``NVIDIA``,
    ``OpenAI``, ``DeepSeek-AI``), ``camel`` (``DeepMind``); None for other words.

    ``camel`` is the weakest sign: a title glued to a first name (``ResearchOssama``)
    has the same shape, so the title splitter only trusts it as a last resort."""
    if word in ORGANIZATION_WORDS:
        return "keyword"
    letters = word.replace("-", "")
    if not letters.isalpha():
        return None
    if letters.isupper():
        return "acronym" if len(letters) >= 4 else None
    parts = [p for p in word.split("-") if p]
    if any(_ends_in_acronym(p) for p in parts) and all(_is_upper(p[0]) for p in parts):
        return "acronym"
    humps = [p for p in parts if sum(ch.isupper() for ch in p) >= 2]
    if humps and all(p.isalpha() and not _is_capitalised_part(p) and not is_initials(p) for p in humps):
        return "camel"
    return None


def is_organization_name(text: str, allow_camel: bool = True) -> bool:
    """Whether a name is corporate by its shape: its words are name-like or corporate,
    and at least one is corporate (:func:`corporate_word_kind`); or it is one
    all-capitals word (``IBM``)."""
    words = text.split()
    if len(words) == 1 and words[0].isalpha() and words[0].isupper() and len(words[0]) >= 2:
        return True
    kinds = [corporate_word_kind(w) for w in words]
    accepted = {"keyword", "acronym", "camel"} if allow_camel else {"keyword", "acronym"}
    return (
        any(kind in accepted for kind in kinds)
        and all(kind in accepted or is_name_word(w) or w == "&" for w, kind in zip(words, kinds))
    )


def organization(printed: str) -> Agent:
    return Agent(printed=printed, kind="organization", name=" ".join(printed.split()))


def _split_family(words: list[str]) -> int:
    """Index where the family name starts in ``Given … Family``: at the first particle
    after the first word, else the last word."""
    for i, word in enumerate(words[1:-1], start=1):
        if is_particle(word):
            return i
    return len(words) - 1


def person_from_display(printed: str) -> Agent:
    """``Diego de Las Casas`` -> given ``Diego``, family ``de Las Casas``."""
    words = printed.split()
    if len(words) == 1:
        return Agent(printed=printed, kind="person", name=words[0])
    cut = _split_family(words)
    given, family = " ".join(words[:cut]), " ".join(words[cut:])
    return Agent(printed=printed, kind="person", name=f"{given} {family}",
                 given_name=given, family_name=family)


def person_from_inverted(printed: str, family: str, given: str | None) -> Agent:
    """``Casas``, ``Diego de Las`` -> given ``Diego``, family ``de Las Casas``: particles
    printed after the given name belong to the family name."""
    family = " ".join(family.split())
    if not given:
        return Agent(printed=printed, kind="person", name=family)
    words = given.split()
    cut = next((i for i, w in enumerate(words) if i > 0 and is_particle(w)), len(words))
    given_name = " ".join(words[:cut])
    family_name = " ".join(words[cut:] + [family])
    return Agent(printed=printed, kind="person", name=f"{given_name} {family_name}",
                 given_name=given_name, family_name=family_name)


def agent_from_display(printed: str) -> Agent | None:
    """An author printed ``Given Family`` (listings): an organisation if corporate by shape,
    a person if name-shaped, else None."""
    text = " ".join(printed.split())
    if is_organization_name(text):
        return organization(text)
    if is_person_name(text):
        return person_from_display(text)
    return None


def is_family_name(text: str) -> bool:
    """The family part of ``Last, First``: name words, particles first allowed (``de Bourcy``)."""
    words = text.split(" ")
    return all(is_name_word(w) for w in words) and any(
        not w.islower() and not is_initials(w) for w in words
    )

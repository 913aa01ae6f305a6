"""Parse stage: the grammar of personal and corporate names.

A name is judged by its structure, never by lists of known people or organisations.

Words of a **personal name**: capitalised words whose parts are joined by hyphens and
apostrophes in any combination (``Lovelace-O'Neil``, ``D'Angelo``, ``Ma'ayan``,
``Jean-Baptiste``), with at most one inner capital after a short prefix (``McCandlish``,
``LeCun``); initials with or without dots (``H.``, ``J.-P.``, ``AJ``); lower-case
particles (``de``, ``van der``, ``bin``, ``dos``) and particle-prefixed words
(``al-Dosari``, ``d'Autume``); words in scripts without letter case (``王小明``,
``김민준``). A generational suffix (``Jr.``, ``Sr.``, ``II``, ``III``, ``IV``) closes a
name and is kept apart (schema:honorificSuffix), never taken for a family name. A
name of one word is a mononym.

A **corporate name** is made of such words plus acronyms (``NVIDIA``, ``GLM``,
``01.AI``), CamelCase words (``DeepMind``, ``OpenAI``, ``DeepSeek-AI``), organisation
vocabulary (``Team``, ``Lab``, ``University``), ``@`` and ``&`` and lower-case function
words between them (``AI @ Meta``, ``Allen Institute for AI``). Known limits: a name in
a caseless script is not split into given and family names (its order varies); a
one-word name with no corporate sign (``Nvidia``) is a mononym unless the input prints
it as an organisation elsewhere (:mod:`kg.parse.evidence`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from kg.models import Agent

APOSTROPHES = "'\u2019"
JOINERS = "-" + APOSTROPHES
SUFFIXES = frozenset("Jr. Jr Sr. Sr Jnr. Snr. II III IV".split())
"""Generational suffixes: a closed class of the name grammar, like particles."""
ORGANIZATION_WORDS = frozenset(
    """Academy Agency AI Alliance Association Authors Center Centre Collaboration Committee
    Community Company Consortium Contributors Corporation Corp Corp. Council Department
    Foundation GmbH Group Inc Inc. Initiative Institute Lab Labs Laboratory Laboratories LLC Ltd
    Ltd. Ministry Network Organization Organisation Project Research School Society Team
    University Workshop""".split()
)
"""Words that make a name corporate ("Gemini Team", "Meta AI"): generic English
organisation vocabulary, matched case-sensitively ("Ai" is a surname, "AI" is not)."""
CONNECTORS = frozenset("@ & and of for the at in on de du und für".split())
"""What may join the words of a corporate name (``AI @ Meta``, ``Institute for AI``)."""

MAX_INNER_CAPITAL_PREFIX = 3
"""``Mc``/``Mac``/``Le``/``Di``: a capital inside a personal name follows a short prefix."""
MAX_PARTICLE_LETTERS = 5
MAX_NAME_WORDS = 10
MAX_NAME_CHARS = 120
"""No name is longer: a longer candidate is rejected without reading it (linear bylines)."""
WORD_CACHE = 1 << 16
"""Words repeat across a corpus (names, title words): word shapes are computed once."""


def _is_upper(ch: str) -> bool:
    return ch.isalpha() and ch.isupper()


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _is_caseless_letter(ch: str) -> bool:
    return ch.isalpha() and not ch.isupper() and not ch.islower()


def _lower_run(text: str) -> bool:
    """Lower-case letters (combining marks allowed), at least one."""
    if text.isascii():
        return text.isalpha() and text.islower()
    return bool(text) and text[0].isalpha() and all(ch.islower() or _is_mark(ch) for ch in text)


def _is_capitalised_part(part: str) -> bool:
    """``Neitz``, ``McCandlish``, ``LeCun``, ``Träuble``: a capital, then lower case,
    with at most one more capital right after a short prefix."""
    if len(part) < 2 or not _is_upper(part[0]):
        return False
    if part.isalpha() and part[1:].islower() and part.isascii():
        return True  # the common case, Neitz
    humps = [i for i, ch in enumerate(part) if ch.isupper()]
    if len(humps) == 1:
        return _lower_run(part[1:])
    return (
        len(humps) == 2
        and humps[1] <= MAX_INNER_CAPITAL_PREFIX
        and humps[1] < len(part) - 1
        and _lower_run(part[1 : humps[1]])
        and _lower_run(part[humps[1] + 1 :])
    )


def _segments(word: str) -> list[tuple[str, str]]:
    """``Lovelace-O'Neil`` -> [("Lovelace", "-"), ("O", "'"), ("Neil", "")]: the parts
    of a word and the joiner after each."""
    parts, start = [], 0
    for i, ch in enumerate(word):
        if ch in JOINERS:
            parts.append((word[start:i], ch))
            start = i + 1
    parts.append((word[start:], ""))
    return parts


@lru_cache(maxsize=WORD_CACHE)
def is_initials(word: str) -> bool:
    """``H.``, ``J.R.``, ``AJ``, ``J.-P.``: up to three capitals, with dots or hyphens."""
    letters = [ch for ch in word if ch not in ".-"]
    return (
        0 < len(letters) <= 3
        and all(_is_upper(ch) for ch in letters)
        and _is_upper(word[0])
        and "--" not in word and ".." not in word
    )


def is_suffix(word: str) -> bool:
    return word in SUFFIXES


@lru_cache(maxsize=WORD_CACHE)
def is_particle(word: str) -> bool:
    """Where a family name may start in lower case: ``de``, ``van``, ``bin``, ``dos``,
    and particle-prefixed words ``d'Autume``, ``dell'Orto``, ``al-Dosari``."""
    if len(word) <= MAX_PARTICLE_LETTERS and _lower_run(word):
        return True
    parts = _segments(word)
    head, joiner = parts[0]
    return (
        len(parts) >= 2 and joiner and 0 < len(head) <= 4 and _lower_run(head)
        and is_name_word(word[len(head) + 1:])
    )


@lru_cache(maxsize=WORD_CACHE)
def is_caseless_word(word: str) -> bool:
    """``王小明``, ``김민준``, ``राहुल``: letters of a script without case (marks allowed)."""
    return bool(word) and _is_caseless_letter(word[0]) and all(
        _is_caseless_letter(ch) or _is_mark(ch) for ch in word)


@lru_cache(maxsize=WORD_CACHE)
def is_cased_name_word(word: str) -> bool:
    """A capitalised personal-name word, its parts joined by hyphens and apostrophes in any
    combination: ``Neitz``, ``Jean-Baptiste``, ``O'Neil``, ``Lovelace-O'Neil``, ``Ma'ayan``."""
    parts = _segments(word)
    if parts[-1][0] == "":
        return False
    for index, (part, joiner) in enumerate(parts):
        if len(part) == 1 and _is_upper(part) and joiner in APOSTROPHES and joiner:
            continue  # O'Neil, D'Angelo, N'Dour
        if _is_capitalised_part(part):
            continue
        if index > 0 and _lower_run(part):
            continue  # Ma'ayan, Saint-de-x
        return False
    return True


@lru_cache(maxsize=WORD_CACHE)
def is_name_word(word: str) -> bool:
    """One word of a personal name: a capitalised word, initials, a particle, a word in a
    script without case."""
    return is_cased_name_word(word) or is_initials(word) or is_particle(word) or is_caseless_word(word)


# ---------------------------------------------------------------- personal names

def _split_suffix(words: list[str]) -> tuple[list[str], str | None]:
    if len(words) >= 2 and is_suffix(words[-1]):
        return words[:-1], words[-1]
    return words, None


def _person_words(words: list[str]) -> bool:
    """Name words, not opening with a lone particle or ending in one, not all initials."""
    return (
        0 < len(words) <= MAX_NAME_WORDS
        and all(is_name_word(w) for w in words)
        and not is_particle(words[0]) and (len(words) == 1 or not _lower_run(words[-1]))
        and any(not is_initials(w) and not _lower_run(w) for w in words)
    )


@lru_cache(maxsize=WORD_CACHE)
def is_person_name(text: str, min_words: int = 1) -> bool:
    """Whether ``text`` (single spaces) is a personal name in display order ``Given Family``."""
    if len(text) > MAX_NAME_CHARS:
        return False
    words, _ = _split_suffix(text.split(" "))
    return len(words) >= min_words and _person_words(words)


def _split_family(words: list[str]) -> int:
    """Index where the family name starts in ``Given … Family``: at the first particle
    after the first word, else the last word."""
    for i, word in enumerate(words[1:-1], start=1):
        if is_particle(word):
            return i
    return len(words) - 1


def _agent(printed: str, kind: str, name: str, given: str | None = None, family: str | None = None,
           suffix: str | None = None) -> Agent:
    return Agent(printed=printed, kind=kind, name=name, given_name=given, family_name=family, suffix=suffix)


def person_from_display(printed: str) -> Agent:
    """``Diego de Las Casas`` -> given ``Diego``, family ``de Las Casas``; ``Guy L.
    Steele Jr.`` -> given ``Guy L.``, family ``Steele``, suffix ``Jr.``. A name in a
    caseless script or of one word keeps only its display name."""
    name = " ".join(printed.replace(", ", " ").split())
    words, suffix = _split_suffix(name.split(" "))
    if len(words) == 1 or any(is_caseless_word(w) for w in words):
        return _agent(printed, "person", name, None, words[0] if suffix and len(words) == 1 else None, suffix)
    cut = _split_family(words)
    return _agent(printed, "person", name, " ".join(words[:cut]), " ".join(words[cut:]), suffix)


def person_from_inverted(printed: str, family: str, given: str | None, suffix: str | None = None) -> Agent:
    """``Casas``, ``Diego de Las`` -> given ``Diego``, family ``de Las Casas``: particles
    printed after the given name belong to the family name. A suffix may be printed after
    the family name (``Steele Jr., Guy L.``) or given apart (``Steele, Guy L., Jr.``). A
    name in a caseless script displays family first without a space (``王, 小明`` is
    ``王小明``), as listings print it."""
    family_words, trailing = _split_suffix(family.split())
    suffix = suffix or trailing
    family = " ".join(family_words)
    tail = f" {suffix}" if suffix else ""
    if not given:
        return _agent(printed, "person", family + tail, None, family if suffix else None, suffix)
    if is_caseless_word(family) and is_caseless_word(given):  # 王, 小明: printed family first, unspaced
        return _agent(printed, "person", f"{family}{given}{tail}", given, family, suffix)
    words = given.split()
    cut = next((i for i, w in enumerate(words) if i > 0 and is_particle(w)), len(words))
    given_name = " ".join(words[:cut])
    family_name = " ".join(words[cut:] + [family])
    return _agent(printed, "person", f"{given_name} {family_name}{tail}", given_name, family_name, suffix)


@lru_cache(maxsize=WORD_CACHE)
def is_family_name(text: str) -> bool:
    """The family part of ``Last, First``: name words, particles first allowed (``de
    Bourcy``), a suffix last allowed (``Steele Jr.``)."""
    words, _ = _split_suffix(text.split(" "))
    return (0 < len(words) <= MAX_NAME_WORDS and all(is_name_word(w) for w in words)
            and any(not is_initials(w) and not _lower_run(w) for w in words))


@lru_cache(maxsize=WORD_CACHE)
def is_given_name(text: str) -> bool:
    words = text.split(" ")
    return 0 < len(words) <= MAX_NAME_WORDS and all(is_name_word(w) for w in words)


# ---------------------------------------------------------------- corporate names

STRONG, WEAK = 2, 1
"""How corporate a name's shape is (:func:`corporate_strength`)."""


MAX_CAMEL_SEAMS = 2
"""``DeepSeekMath`` has two CamelCase seams; a word with more is not a name."""


def _humps(part: str) -> int:
    return sum(1 for a, b in zip(part, part[1:]) if a.islower() and b.isupper())


def _has_hump(part: str) -> bool:
    return _humps(part) > 0


@lru_cache(maxsize=WORD_CACHE)
def corporate_word_kind(word: str) -> str | None:
    """Why a word makes a name corporate: ``keyword`` (``Team``), ``symbol`` (``@``,
    ``AT&T``), ``acronym`` (``NVIDIA``, ``01.AI``, ``OpenAI``, ``DeepSeek-AI``), ``short``
    (``GLM``: two or three capitals, also initials), ``camel`` (``DeepMind``); None
    for other words.

    ``camel`` is the weakest sign: a title glued to a first name (``ResearchOssama``)
    has the same shape; ``short`` is also a person's initials (``AJ Piergiovanni``)."""
    if word in ORGANIZATION_WORDS:
        return "keyword"
    if word.isalpha() and word[1:].islower():
        return None  # the common case: a capitalised word (Neitz), not an organisation's sign
    if word in ("@", "&") or ("&" in word and len(word) > 1) or ("@" in word and len(word) > 1):
        return "symbol"
    letters = [ch for ch in word if ch.isalpha()]
    if not letters or not all(ch.isalnum() or ch in ".-" for ch in word):
        return None
    capitals = sum(ch.isupper() for ch in letters)
    if all(ch.isupper() for ch in letters):
        if any(ch.isdigit() for ch in word) and capitals >= 2:
            return "acronym"  # 01.AI, AI2, GLM-4 (not T-1: a token cut from GPT-1)
        if capitals >= 4 or (capitals >= 2 and "." in word.strip(".") and not is_initials(word)):
            return "acronym"
        return "short" if capitals >= 2 else None
    parts = [p for p in word.split("-") if p]
    if not all(p[0].isupper() or p[0].isdigit() for p in parts):
        return None
    if any(len(p) >= 2 and p[-1].isupper() and p[-2].isupper() and p.isalpha() for p in parts):
        return "acronym"  # OpenAI, DeepSeek-AI
    humps = [p for p in parts if _has_hump(p)]
    if humps and all(p.isalpha() and not _is_capitalised_part(p) for p in humps) and sum(
            _humps(p) for p in humps) <= MAX_CAMEL_SEAMS:
        return "camel"
    return None


_STRONG_KINDS = frozenset({"keyword", "symbol", "acronym"})


@lru_cache(maxsize=WORD_CACHE)
def corporate_strength(text: str) -> int:
    """0 unless ``text`` is a corporate name of the grammar; :data:`STRONG` when a word
    says so (``Gemini Team``, ``AI @ Meta``, ``01.AI``, ``NVIDIA``, ``OpenAI``), else
    :data:`WEAK` (``Google DeepMind``; ``GLM``: capitals that might be initials)."""
    if len(text) > MAX_NAME_CHARS:
        return 0
    words = text.split(" ")
    kinds = [corporate_word_kind(w) for w in words]
    if not any(kinds) or len(words) > MAX_NAME_WORDS or words[0] in CONNECTORS or words[-1] in CONNECTORS:
        return 0
    for word, kind in zip(words, kinds):
        if kind is None and word not in CONNECTORS and not word.isdigit() and not (
                is_cased_name_word(word) or is_initials(word) or is_caseless_word(word)):
            return 0  # lower-case words only as connectors: "via Reasoning" is a title's
    return STRONG if any(k in _STRONG_KINDS for k in kinds) else WEAK


def is_organization_name(text: str, allow_camel: bool = True) -> bool:
    strength = corporate_strength(text)
    return strength == STRONG or (strength == WEAK and allow_camel)


def organization(printed: str) -> Agent:
    return _agent(printed, "organization", " ".join(printed.replace(", ", " ").split()))


def agent_from_display(printed: str, known: str | None = None) -> Agent | None:
    """An author printed ``Given Family`` (listings; a suffix may follow a comma: ``Guy L.
    Steele, Jr.``): an organisation if its shape says so strongly or the input prints it
    as one elsewhere (``known``, :mod:`kg.parse.evidence`), else a person if it is a
    personal name, else an organisation by a weaker sign (CamelCase, capitals), else None."""
    text = " ".join(printed.replace(", ", " ").split())
    strength = corporate_strength(text)
    person = is_person_name(text)
    if strength == STRONG or (known == "organization" and (strength or person)):
        return organization(printed)
    if person:
        return person_from_display(printed)
    return organization(printed) if strength else None

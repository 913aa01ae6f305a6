"""Parse stage: the grammar of personal names (corporate names: :mod:`kg.parse.organizations`).

A name is judged by its structure, never by lists of known people.

Words of a **personal name**: capitalised words whose parts are joined by hyphens and
apostrophes in any combination (``Lovelace-O'Neil``, ``D'Angelo``, ``Ma'ayan``,
``Jean-Baptiste``) or written in CamelCase (``McCandlish``, ``LeCun``, ``AmirAli``,
``BingChang``); an abbreviation with its dot (``Md.``); initials with or without dots
(``H.``, ``J.-P.``, ``AJ``, ``S. -M.``); lower-case particles (``de``, ``van der``,
``bin``, ``dos``) and particle-prefixed words (``al-Dosari``, ``d'Autume``); a nickname
in quotes (``Ho Yin 'Sam' Ng``); words in scripts without letter case (``王小明``,
``김민준``); a TeX accent a source left half-converted (``St\\ütz``) is kept as printed.
A generational suffix (``Jr.``, ``Sr.``, ``II``, ``III``, ``IV``) closes a name and is
kept apart (schema:honorificSuffix), never taken for a family name. A name of one word
is a mononym.

Where a family name is marked as such (``Last, First``), it may also be written in
capitals (``DIOP, Abdou Aziz``), in lower case (``zhao, Zhuofeng``) or be an initial
(``K, Leon C. C.``). Known limit: a name in a caseless script printed whole (``王晋东``)
is not split into given and family names (which part is which needs a list of names).

Libraries measured and left out: ``nameparser`` (its lists of titles and particles read
``Hon Wong``, ``Judge Lee``, ``King Lee`` as titles and ``De Wang`` as a family name) and
``probablepeople`` (on the real-paper set's one-word names, 27 of 73 wrong: every one-word
organisation read as a person, every CJK personal name as a corporation).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.models import Agent

APOSTROPHES = "'\u2019"
JOINERS = "-" + APOSTROPHES
QUOTES = ("''", "\u2018\u2019", '""', "\u201c\u201d", "()")
"""Around a nickname: ``'Sam'``, ``“Sam”``, ``(Sam)``."""
SUFFIXES = frozenset("Jr. Jr Sr. Sr Jnr. Snr. II III IV".split())
CONJUNCTIONS = frozenset("y e i".split())
"""Between two family names (``Ramón y Cajal``, ``Puig i Cadafalch``): the family name
starts at the word before."""
"""Generational suffixes: a closed class of the name grammar, like particles."""

MAX_INNER_CAPITAL_PREFIX = 3
"""``Mc``/``Mac``/``Le``/``Di``: a short prefix before an inner capital (``McCandlish``)."""
MAX_PARTICLE_LETTERS = 5
MAX_INITIALS_RUN = 6
MAX_NAME_WORDS = 10
MAX_NAME_CHARS = 120
"""No name is longer: a longer candidate is rejected without reading it (linear bylines)."""
WORD_CACHE = 1 << 16
"""Words repeat across a corpus (names, title words): word shapes are computed once."""
_TEX_REMNANT = re.compile(r"\\(?=[^\W\d_])")


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


def humps(text: str) -> list[int]:
    """Where a capital follows a lower-case letter (CamelCase seams)."""
    return [i for i in range(1, len(text)) if text[i - 1].islower() and text[i].isupper()]


_ASCII_HUMP = re.compile(r"[a-z][A-Z]")


def count_humps(text: str) -> int:
    """How many CamelCase seams: :func:`humps`, fast on ASCII (titles of a megabyte)."""
    return len(_ASCII_HUMP.findall(text)) if text.isascii() else len(humps(text))


def _is_capitalised_part(part: str) -> bool:
    """``Neitz``, ``Träuble``, ``McCandlish``, ``AmirAli``: a capital, then lower case;
    in CamelCase, every piece so."""
    if len(part) < 2 or not _is_upper(part[0]):
        return False
    if part.isalpha() and part[1:].islower() and part.isascii():
        return True  # the common case, Neitz
    cuts = [0, *humps(part), len(part)]
    return all(_is_upper(part[a]) and _lower_run(part[a + 1:b]) for a, b in zip(cuts, cuts[1:]))


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
    """``H.``, ``J.R.``, ``AJ``, ``J.-P.``, ``-M.`` (of ``S. -M.``): up to three capitals,
    with dots or hyphens; or up to six capitals alone (``USVSN Sai Prashanth``)."""
    if word.isalpha() and word.isupper() and len(word) <= MAX_INITIALS_RUN:
        return True
    letters = [ch for ch in word if ch not in ".-"]
    return (
        0 < len(letters) <= 3
        and all(_is_upper(ch) for ch in letters)
        and (_is_upper(word[0]) or (word[0] == "-" and _is_upper(word[1:2])))
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
    combination: ``Neitz``, ``Jean-Baptiste``, ``O'Neil``, ``Lovelace-O'Neil``,
    ``Ma'ayan``, ``AmirAli``, ``Md.``, ``St\\ütz``."""
    word = _TEX_REMNANT.sub("", word)
    if word.endswith(".") and len(word) > 2 and _is_capitalised_part(word[:-1]):
        return True  # Md., Wm.
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


def _nickname(word: str) -> bool:
    return len(word) > 2 and any(word[0] == a and word[-1] == b for a, b in QUOTES) and \
        is_cased_name_word(word[1:-1])


@lru_cache(maxsize=WORD_CACHE)
def is_name_word(word: str) -> bool:
    """One word of a personal name: a capitalised word, initials, a particle, a word in a
    script without case, a nickname in quotes."""
    return (is_cased_name_word(word) or is_initials(word) or is_particle(word) or is_caseless_word(word)
            or _nickname(word))


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


def split_family(words: list[str]) -> int:
    """Index where the family name starts in ``Given … Family``: at the first particle
    after the first word (the word before a conjunction: ``Santiago Ramón y Cajal``), else
    the last word (BibTeX's First von Last)."""
    for i, word in enumerate(words[1:-1], start=1):
        if is_particle(word):
            return i - 1 if word in CONJUNCTIONS and i >= 2 else i
    return len(words) - 1


def _agent(printed: str, kind: str, name: str, given: str | None = None, family: str | None = None,
           suffix: str | None = None) -> Agent:
    return Agent(printed=printed, kind=kind, name=name, given_name=given, family_name=family, suffix=suffix)


def display_text(printed: str) -> str:
    """A name as displayed: whitespace folded, a suffix's comma dropped (``Steele, Jr.``)."""
    return " ".join(printed.replace(", ", " ").split())


def person_from_display(printed: str, cut: int | None = None) -> Agent:
    """``Diego de Las Casas`` -> given ``Diego``, family ``de Las Casas``; ``Guy L.
    Steele Jr.`` -> given ``Guy L.``, family ``Steele``, suffix ``Jr.``; ``cut``: where
    the family name starts, where the input says so elsewhere (``Villanova del Moral,
    Albert``). A name in a caseless script or of one word keeps only its display name."""
    name = display_text(printed)
    words, suffix = _split_suffix(name.split(" "))
    if len(words) == 1 or any(is_caseless_word(w) for w in words):
        return _agent(printed, "person", name, None, words[0] if suffix and len(words) == 1 else None, suffix)
    cut = cut if cut is not None and 0 < cut < len(words) else split_family(words)
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


def _marked_family_word(word: str) -> bool:
    """A word that is a family name only where a comma marks it as one: ``DIOP``,
    ``zhao``, ``K``."""
    letters = word.replace("-", "")
    return letters.isalpha() and (letters.isupper() or letters.islower())


@lru_cache(maxsize=WORD_CACHE)
def is_family_name(text: str, given: bool = False) -> bool:
    """The family part of ``Last, First``: name words, particles first allowed (``de
    Bourcy``), a suffix last allowed (``Steele Jr.``); with a given name beside it, also
    capitals, lower case or an initial (``DIOP``, ``zhao``, ``K``)."""
    words, _ = _split_suffix(text.split(" "))
    if not 0 < len(words) <= MAX_NAME_WORDS:
        return False
    if given and len(words) == 1 and _marked_family_word(words[0]):
        return True
    return all(is_name_word(w) for w in words) and any(not is_initials(w) and not _lower_run(w) for w in words)


@lru_cache(maxsize=WORD_CACHE)
def is_given_name(text: str) -> bool:
    words = text.split(" ")
    return 0 < len(words) <= MAX_NAME_WORDS and all(is_name_word(w) for w in words) and any(
        not _lower_run(w) for w in words)

"""Parse stage: the grammar of corporate names, and which kind of agent a printed name is.

A corporate name is made of personal-name words (:mod:`kg.parse.names`) plus signs that
make it corporate: organisation vocabulary (``Team``, ``Lab``, ``University``, also
glued: ``KimiTeam``), acronyms (``NVIDIA``, ``GLM-4.``, ``01.AI``, ``OpenAI``,
``DeepSeek-AI``, ``SII-GAIR``), ``@`` and ``&`` (``AI@Meta``, ``AI @ Meta``), a long
word in a caseless script (``中国造纸学会``: personal names in these scripts are two to
four characters), and words that are neither (``OLMo``, ``3D``, ``01.``) or lower-case
function words between them (``Allen Institute for AI``, ``the UUSIC25 Challenge
Consortium``). Judged by structure, never by lists of known organisations. Known limit:
a one-word name with no corporate sign (``Nvidia``, ``Codefuse``) is a mononym unless the
input prints it as an organisation elsewhere (:mod:`kg.parse.evidence`).
"""

from __future__ import annotations

from functools import lru_cache

from kg.models import Agent
from kg.parse.names import (
    MAX_NAME_CHARS,
    MAX_NAME_WORDS,
    WORD_CACHE,
    display_text,
    humps,
    is_caseless_word,
    is_cased_name_word,
    is_initials,
    is_person_name,
    person_from_display,
)

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
MIN_CASELESS_ORGANIZATION = 5
"""Characters from which a word in a caseless script is a corporate name: personal
names in CJK and Hangul are two to four (``王晋东``, ``沃尔德伦``)."""
MAX_CAMEL_SEAMS = 2
"""``DeepSeekMath`` has two CamelCase seams; a word with more is not a name."""
STRONG, WEAK = 2, 1
"""How corporate a name's shape is (:func:`corporate_strength`)."""
_STRONG_KINDS = frozenset({"keyword", "symbol", "acronym"})
_BRACKETS = str.maketrans("", "", "()（）[]【】·")


def _caseless_organization(word: str) -> bool:
    bare = word.translate(_BRACKETS)
    return len(bare) >= MIN_CASELESS_ORGANIZATION and is_caseless_word(bare)


@lru_cache(maxsize=WORD_CACHE)
def corporate_word_kind(word: str) -> str | None:
    """Why a word makes a name corporate: ``keyword`` (``Team``, ``KimiTeam``, a long
    caseless word), ``symbol`` (``@``, ``AI@Meta``), ``acronym`` (``NVIDIA``, ``01.AI``,
    ``OpenAI``, ``DeepSeek-AI``), ``short`` (``GLM``: two or three capitals, also
    initials), ``camel`` (``DeepMind``), ``mixed`` (``OLMo``); None for other words.

    ``camel`` is the weakest sign: a title glued to a first name (``ResearchOssama``)
    has the same shape; ``short`` is also a person's initials (``AJ Piergiovanni``)."""
    if word in ORGANIZATION_WORDS:
        return "keyword"
    if word.isalpha() and word[1:].islower():
        return None  # the common case: a capitalised word (Neitz), not an organisation's sign
    if "@" in word or "&" in word:
        return "symbol"
    if _caseless_organization(word):
        return "keyword"
    letters = [ch for ch in word if ch.isalpha()]
    if not letters or not all(ch.isalnum() or ch in ".-" for ch in word):
        return None
    capitals = sum(ch.isupper() for ch in letters)
    if all(ch.isupper() for ch in letters):
        if any(ch.isdigit() for ch in word) and capitals >= 2:
            return "acronym"  # 01.AI, AI2, GLM-4. (not T-1: a token cut from GPT-1)
        if capitals >= 4 or (capitals >= 2 and "." in word.strip(".") and not is_initials(word)):
            return "acronym"
        return "short" if capitals >= 2 else None
    parts = [p for p in word.split("-") if p]
    if not all(p[0].isupper() or p[0].isdigit() for p in parts):
        return None
    seams = [p for p in parts if humps(p)]
    if seams and word[humps(word)[-1]:] in ORGANIZATION_WORDS:
        return "keyword"  # KimiTeam, WanTeam
    if any(len(p) >= 2 and p[-1].isupper() and p[-2].isupper() and p.isalpha() for p in parts):
        return "acronym"  # OpenAI, DeepSeek-AI
    if seams and all(p.isalpha() for p in seams) and sum(len(humps(p)) for p in seams) <= MAX_CAMEL_SEAMS:
        return "camel"
    return "mixed" if capitals >= 2 and not is_cased_name_word(word) else None


def _plain_word(word: str) -> bool:
    """A word a corporate name may hold besides its signs: a name word, initials, a number
    (``2``, ``01.``, ``3D``), a connector."""
    return (is_cased_name_word(word) or is_initials(word) or is_caseless_word(word) or word in CONNECTORS
            or (word[:1].isdigit() and all(ch.isalnum() or ch in ".-" for ch in word)))


@lru_cache(maxsize=WORD_CACHE)
def corporate_strength(text: str) -> int:
    """0 unless ``text`` is a corporate name of the grammar; :data:`STRONG` when a word
    says so (``Gemini Team``, ``AI @ Meta``, ``01.AI``, ``NVIDIA``, ``OpenAI``), else
    :data:`WEAK` (``DeepMind``, ``Team OLMo``'s ``OLMo``; ``GLM``: capitals that might be
    initials)."""
    if len(text) > MAX_NAME_CHARS:
        return 0
    words = text.split(" ")
    kinds = [corporate_word_kind(w) for w in words]
    if not any(kinds) or len(words) > MAX_NAME_WORDS or words[-1] in CONNECTORS:
        return 0
    if words[0] in CONNECTORS and words[0] != "the" or words[0].isdigit():
        return 0  # not "and X Team", nor "3 Technical Report…" (a number cut from a title)
    if not all(kind is not None or _plain_word(word) for word, kind in zip(words, kinds)):
        return 0  # lower-case words only as connectors: "via Reasoning" is a title's
    strong = [(w, k) for w, k in zip(words, kinds) if k in _STRONG_KINDS]
    if strong and all(k == "acronym" and w.isalpha() for w, k in strong) and len(words) > 1 and is_person_name(text):
        return WEAK  # capitals before a personal name are its initials: USVSN Sai Prashanth
    return STRONG if strong else WEAK


def is_organization_name(text: str, allow_camel: bool = True) -> bool:
    strength = corporate_strength(text)
    return strength == STRONG or (strength == WEAK and allow_camel)


def organization(printed: str) -> Agent:
    return Agent(printed=printed, kind="organization", name=display_text(printed))


def agent_from_display(printed: str, known: str | None = None, cut: int | None = None) -> Agent | None:
    """An author printed ``Given Family`` (listings; a suffix may follow a comma: ``Guy L.
    Steele, Jr.``): an organisation if its shape says so strongly or the input prints it
    as one elsewhere (``known``, :mod:`kg.parse.evidence`), else a person if it is a
    personal name, else an organisation by a weaker sign (CamelCase, capitals), else None."""
    text = display_text(printed)
    strength = corporate_strength(text)
    person = is_person_name(text)
    if strength == STRONG or (known == "organization" and (strength or person)):
        return organization(printed)
    if person:
        return person_from_display(printed, cut)
    return organization(printed) if strength else None

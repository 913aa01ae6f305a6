"""Parse stage: which layout a profile file is in, and its owner header.

Decided from the first lines' shapes only: a listing header (``LGDec 14, 2023``), a
``Last, First`` owner over a title and an author list, abstract lines under a
first-name header or none. A file that fits none is an error at line 1, never a guess.
"""

from __future__ import annotations

from kg.errors import InputError
from kg.models import Agent, Layout
from kg.parse.abstracts import is_abstract_line
from kg.parse.bibliography import is_author_list, is_owner_header, owner_from_header
from kg.parse.listing import is_header
from kg.parse.names import is_person_name, person_from_display
from kg.parse.text import looks_like_prose

MAX_OWNER_WORDS = 4

LAYOUT_HINT = (
    "known layouts: a listing ('LGDec 14, 2023' / 'TitleAuthor, Author et al.' / abstract), "
    "a bibliography ('Last, First' owner, then title / 'Last, First, …' / abstract), "
    "or one 'Abstract: …' line per work, under a first-name header or none"
)


def _display_owner(text: str) -> Agent | None:
    """``Tony`` or ``Tony Smith``: a short display-order name heading a profile."""
    text = " ".join(text.split())
    if len(text.split()) > MAX_OWNER_WORDS or not is_person_name(text):
        return None
    if " " not in text:
        return Agent(printed=text, kind="person", name=text, given_name=text)
    return person_from_display(text)


def detect_layout(lines: list[tuple[int, str]], path: str) -> tuple[Layout, Agent | None, int]:
    """(layout, owner or None, index of the first record line) for a file's non-blank lines."""
    text = [t for _, t in lines[:3]] + ["", ""]
    if is_header(text[0]):
        return Layout.LISTING, None, 0
    owner = _display_owner(text[0])
    if owner and is_header(text[1]):
        return Layout.LISTING, owner, 1
    if is_owner_header(text[0]) and not is_author_list(text[1]) and is_author_list(text[2]):
        return Layout.BIBLIOGRAPHY, owner_from_header(text[0]), 1
    if is_author_list(text[1]) and not looks_like_prose(text[0]):
        return Layout.BIBLIOGRAPHY, None, 0
    if is_abstract_line(text[0]):
        return Layout.ABSTRACTS, None, 0
    if owner and (len(lines) == 1 or is_abstract_line(text[1])):
        return Layout.ABSTRACTS, owner, 1
    if is_header(text[1]) or is_header(text[2]):  # a listing whose first record's header is missing or cut
        return Layout.LISTING, None, 0
    raise InputError.at(path, lines[0][0], "not a recognised profile layout", LAYOUT_HINT, kind="unknown-layout")

"""Parse stage: names the input prints unambiguously, as evidence for glued bylines.

A listing glues its title to its first author (``…ReportNvidia, Bo Adler``); where
the shapes leave two readings close, a name that the same input prints where nothing
is glued decides: the second and later authors of listing bylines, bibliography author
lists (``Nvidia, null, :, null`` is a group author: an organisation), owner headers, in
any file of the run. They are read fast and unchecked: a string that is no name
never matches, because evidence only counts for candidates the grammar finds complete. :func:`gather` collects them from files before any byline is
split; :class:`Evidence` answers "is this name printed elsewhere, and as what?".

Names are kept as 64-bit hashes (Python's ``hash`` of the kind and the name), so the
evidence of a million works is a set of a few million integers. The hash is the
interpreter's: evidence gathered in one process is valid in that process and the
processes it forks (the streaming export forks its workers), never across interpreters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Kind = Literal["name", "organization", "split"]
"""``name``: printed as an author where nothing is glued (its kind is its shape's);
``organization``: printed as a group author (``Nvidia, null, :, null``); ``split``: a
``Given\x00Family`` reading printed ``Family, Given`` where display order reads it
otherwise (``Villanova del Moral, Albert``)."""
_TAG = {"name": "n\x00", "organization": "o\x00", "split": "s\x00"}


def name_hash(kind: Kind, name: str) -> int:
    """What the evidence keeps of a name printed as ``kind``."""
    return hash(_TAG[kind] + name)


class Evidence:
    """Hashes of names printed unambiguously somewhere in the input (:func:`name_hash`)."""

    __slots__ = ("_hashes",)

    def __init__(self, hashes: Iterable[int] = ()):
        # A set is kept as given, not copied: at a million works it holds millions of hashes.
        self._hashes = hashes if isinstance(hashes, (set, frozenset)) else frozenset(hashes)

    def __len__(self) -> int:
        return len(self._hashes)

    def kind_of(self, name: str) -> Kind | None:
        """How the input prints ``name`` elsewhere: as an organisation (a group author), as
        a name, or not at all."""
        if not self._hashes:
            return None
        if name_hash("organization", name) in self._hashes:
            return "organization"
        if name_hash("name", name) in self._hashes:
            return "name"
        return None

    def split_of(self, words: list[str]) -> int | None:
        """Where the family name starts in a display name of three words or more, where the
        input prints it ``Family, Given`` elsewhere."""
        if len(words) < 3 or not self._hashes:
            return None
        return next((cut for cut in range(1, len(words)) if name_hash(
            "split", f"{' '.join(words[:cut])}\x00{' '.join(words[cut:])}") in self._hashes), None)


NO_EVIDENCE = Evidence()

"""Identity: normalised keys and the deterministic IRIs built from them.

Keys fold diacritics, case and punctuation; a person's key also forgets word order, so
``Mądry, Aleksander``, ``Aleksander Madry`` and ``Madry Aleksander`` share the key
``aleksander madry``. Known limit: identity by name cannot tell homonyms apart, and
looser variants (initials, a missing middle name) stay separate (``kg.reconcile``
reports them as candidates). A curation file overrides the rules (:class:`People`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from typing import Literal
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from kg.errors import InputError
from kg.models import Agent, Curation, SourceRef
from kg.namespaces import CATEGORY_NS, DEFAULT_DATASET

FOLDED_LETTERS = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th",
})
"""Latin letters that Unicode does not decompose into a base letter and a mark."""

MAX_SLUG = 80
MEMO_SIZE = 200_000
_WORD = re.compile(r"[^\W_]+")
DATASET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
IriKind = Literal["work", "person", "scoped-owner", "organization", "category", "profile", "file", "record",
                  "graph", "dataset", "other"]
"""The kinds of resource an export's IRIs name (:meth:`Iris.kind`)."""
KIND_OF_HEAD = {"work": "work", "person": "person", "organization": "organization", "graph": "graph",
                "dataset": "dataset"}
"""The kind of an IRI by its first segment under the base (the others: :meth:`Iris.kind`)."""
RECORD_TAIL = re.compile(r"/L[0-9]+\Z")
"""A dataset name: one IRI path segment that needs no escaping (letters, digits, ``.``, ``_``, ``-``)."""


class _CombiningMarks(dict):
    """``str.translate`` table that deletes combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_STRIP_MARKS = _CombiningMarks()


def fold(text: str) -> str:
    """Case- and diacritic-free form of a text (``Mądry`` -> ``madry``)."""
    if text.isascii():
        return text.casefold()
    return unicodedata.normalize("NFKD", text.translate(FOLDED_LETTERS)).translate(_STRIP_MARKS).casefold()


_ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
"""ASCII characters that are not word characters of :data:`_WORD`, to spaces."""


def text_key(text: str) -> str:
    """The words of a text, folded, one space apart: what two spellings of it share.

    A text with no letter or digit (``🚀🎉``, ``!!! ???``) has no words to share: its key
    is :func:`symbols_key` of the exact text, so two such texts are one only when they
    are the same characters."""
    if text.isascii():  # the same words, twice as fast on a long abstract
        key = " ".join(text.lower().translate(_ASCII_NON_WORD).split())
    else:
        key = " ".join(_WORD.findall(fold(text)))
    return key or symbols_key(text)


def symbols_key(text: str) -> str:
    """The key of a text without words: ``_`` and a hash of its NFC form with runs of
    whitespace made one space (``""`` for no text at all). Folded keys are words of
    letters and digits, so no folded key starts with ``_``: the two never meet."""
    exact = " ".join(unicodedata.normalize("NFC", text).split())
    return f"_{_digest(exact, 16)}" if exact else ""


def _digest(text: str, length: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def slug(key: str) -> str:
    """IRI path segment for a key: its words joined by ``-``, percent-encoded; long keys
    are cut at a word and end in a hash of the whole key, so they stay unique."""
    if not key:
        return _digest(key)
    text = key.replace(" ", "-")
    if len(text) > MAX_SLUG:
        text = f"{text[: MAX_SLUG - 16].rsplit('-', 1)[0]}-{_digest(key, 8)}"
    return quote(text, safe="-")


def person_key(name: str) -> str:
    """What every spelling of one person's name shares: folded words in sorted order."""
    return " ".join(sorted(text_key(name).split()))


BASE_HINT = "use an absolute http(s) IRI ending in '/' or '#', for example --base https://example.org/kg/"
_NOT_IN_IRIS = frozenset('<>"{}|^`\\')
"""ASCII characters an IRI never holds (RFC 3987 §2.2; space and controls are refused apart)."""
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
"""Unicode categories of controls, format characters (bidi overrides, zero-width
characters), surrogates, private-use, unassigned and space characters."""


def check_base(base: str) -> str:
    """The base IRI every data IRI sits under: an absolute ``http`` or ``https`` IRI
    (RFC 3987) with a host, ending in ``/`` or ``#``, with no control, bidi or other
    invisible character and only well-formed percent-escapes, so that every IRI made
    from it is valid and means the same in every format."""
    problem = _base_problem(base)
    if problem:
        raise InputError.at("--base", None, f"{problem}: {base!r}", BASE_HINT)
    return base


def check_dataset(name: str) -> str:
    """A dataset name (``--dataset``): what names an export's graphs and description."""
    if not DATASET_NAME.match(name):
        raise InputError.at("--dataset", None, f"not a dataset name: {name!r}",
                            "use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return name


def _base_problem(base: str) -> str | None:
    invisible = next((c for c in base if unicodedata.category(c) in _INVISIBLE), None)
    if invisible is not None:
        return f"contains U+{ord(invisible):04X}, a control, space or invisible character"
    excluded = next((c for c in base if c in _NOT_IN_IRIS), None)
    if excluded is not None:
        return f"contains {excluded!r}, which no IRI may hold"
    if _BAD_PERCENT.search(base):
        return "has a '%' that is not followed by two hexadecimal digits"
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not base.startswith(f"{parts.scheme}://"):
        return "is not an absolute http:// or https:// IRI"
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError:
        return "has a port that is not a number from 0 to 65535"
    if not parts.hostname:
        return "has no host"
    if not base.endswith(("/", "#")):
        return "does not end in '/' or '#'"
    try:
        ox.NamedNode(base)
    except ValueError as exc:
        return f"is not a valid IRI ({' '.join(str(exc).split())})"
    return None


class Iris:
    """The IRIs of one export, all under its base (ontology/README.md, "IRIs"); its
    graphs and description also carry its dataset name."""

    def __init__(self, base: str, dataset: str = DEFAULT_DATASET):
        self.base = check_base(base)
        self.dataset_name = check_dataset(dataset)

    def work(self, title_key: str) -> str:
        return f"{self.base}work/{slug(title_key)}"

    def untitled_work(self, abstract_key: str) -> str:
        return f"{self.base}work/abstract-{_digest(abstract_key, 16)}"

    @property
    def person_prefix(self) -> str:
        """What every person IRI but a profile-scoped owner starts with."""
        return f"{self.base}person/"

    def person(self, key: str) -> str:
        return f"{self.person_prefix}{slug(key)}"

    def organization(self, key: str) -> str:
        return f"{self.base}organization/{slug(key)}"

    def profile(self, source: str) -> str:
        return f"{self.base}profile/{quote(source)}"

    def scoped_owner(self, source: str) -> str:
        """An owner known only by a first name is no identity: scoped to its profile."""
        return f"{self.profile(source)}/owner"

    def source_file(self, source: str) -> str:
        return f"{self.base}source/{quote(source)}"

    def record(self, ref: SourceRef) -> str:
        return f"{self.source_file(ref.source)}/L{ref.line}"

    def file_graph(self, source: str) -> str:
        return f"{self.base}graph/{self.dataset_name}/source/{quote(source)}"

    @property
    def reconciled_graph(self) -> str:
        return f"{self.base}graph/{self.dataset_name}/reconciled"

    @property
    def description_graph(self) -> str:
        """The graph that holds the export's VoID/DCAT description."""
        return f"{self.base}graph/{self.dataset_name}/description"

    @property
    def dataset(self) -> str:
        """The export as a void:Dataset; its description's other nodes sit under it."""
        return f"{self.base}dataset/{self.dataset_name}"

    def kind(self, iri: str) -> IriKind:
        """Which kind of resource an IRI of this export names, by its shape
        (ontology/README.md, "IRIs"): the one place that reads an IRI back. A profile's
        ``…/owner`` and a file's ``…/L<line>`` are read by shape: whether the export
        describes such a node is the caller's to check."""
        if iri.startswith(CATEGORY_NS):
            return "category"
        if not iri.startswith(self.base):
            return "other"
        head, _, rest = iri[len(self.base):].partition("/")
        if head == "profile":
            return "scoped-owner" if rest.endswith("/owner") else "profile"
        if head == "source":
            return "record" if RECORD_TAIL.search(rest) else "file"
        return KIND_OF_HEAD.get(head, "other")  # type: ignore[return-value]

    def split_person(self, key: str, name: str) -> str:
        """A spelling that a curation file says is a different person from the others
        sharing its key: the key's IRI plus a hash of the exact spelling."""
        return f"{self.person(key)}-{_digest(unicodedata.normalize('NFC', name), 8)}"


class People:
    """Who is who: person IRIs from name keys, overridden by a curation file's decisions."""

    def __init__(self, iris: Iris, curation: Curation | None = None):
        self.iris = iris
        self.curation = curation or Curation()
        self._by_key: dict[str, str] = {}
        self._by_spelling: dict[str, str] = {}
        self._memo: dict[str, str] = {}
        for names in self.curation.different:
            by_key: dict[str, list[str]] = defaultdict(list)
            for name in names:
                by_key[person_key(name)].append(name)
            for key, spellings in by_key.items():
                for i, name in enumerate(spellings):
                    iri = iris.person(key) if i == 0 else iris.split_person(key, name)
                    self._by_spelling[unicodedata.normalize("NFC", name)] = iri
        for names in self.curation.same:
            target = self.person(names[0])
            for name in names[1:]:
                self._by_key.setdefault(person_key(name), target)
        # People whom the curation file gives spellings of other keys ([[same]]).
        self.merged_iris = frozenset(self._by_key.values())

    def person(self, name: str) -> str:
        """The IRI of the person printed as ``name`` (display form ``Given Family``)."""
        iri = self._memo.get(name)
        if iri is None:
            iri = self._by_spelling.get(unicodedata.normalize("NFC", name))
            if iri is None:
                key = person_key(name)
                iri = self._by_key.get(key) or self.iris.person(key)
            if len(self._memo) >= MEMO_SIZE:  # bounded: a long run meets millions of names
                self._memo.clear()
            self._memo[name] = iri
        return iri


    def agent(self, agent: Agent) -> str:
        if agent.kind == "organization":
            return self.iris.organization(text_key(agent.name))
        return self.person(agent.name)

    def curated_names(self) -> list[str]:
        """Every name the curation file mentions, for the "unused" check."""
        return [n for group in (*self.curation.same, *self.curation.different) for n in group] + [
            name for _, name in self.curation.owners]

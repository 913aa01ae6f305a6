"""Content negotiation: which representation of a resource a request gets.

One table (:data:`REPRESENTATIONS`) lists what every resource is published as: name,
file suffix, the media type answered and the media types accepted for it. The server,
the static site's file names and the generated nginx and Apache configurations all
read it, so they offer the same documents.

The choice follows RFC 9110 section 12.5.1 (``Accept``): each offered media type gets
the quality of the most specific media range that matches it (``text/turtle`` before
``text/*`` before ``*/*``), a quality of 0 means "not acceptable", the highest quality
wins and ties go to the server's order (HTML, then Turtle, JSON-LD, N-Triples, RDF/XML).
No ``Accept`` header is ``*/*``. A malformed range (no ``/``, a ``q`` that is not a
number from 0 to 1 with at most three decimals) is ignored, as if it were absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.formats import FORMATS_BY_NAME


@dataclass(frozen=True, slots=True)
class Representation:
    """One kind of document a resource is published as."""

    name: str
    suffix: str
    media_type: str
    accepted: tuple[str, ...]
    """Media types a client may ask for to get it (the first is the one answered)."""
    title: str = ""
    charset: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


HTML = Representation("html", ".html", "text/html", ("text/html", "application/xhtml+xml"), "HTML")


def _rdf(name: str, *also_accepted: str) -> Representation:
    """An RDF representation: name, suffix, media type and title from kg.formats."""
    rdf = FORMATS_BY_NAME[name]
    return Representation(rdf.name, rdf.extension, rdf.media_type, (rdf.media_type, *also_accepted), rdf.title)


TURTLE = _rdf("turtle", "application/x-turtle")
JSONLD = _rdf("json-ld", "application/json")
NTRIPLES = _rdf("ntriples")
RDFXML = _rdf("rdf-xml")

REPRESENTATIONS: tuple[Representation, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
"""Every representation, in the server's order of preference (ties in ``Accept`` go to
the first): browsers that send ``*/*`` get the page."""

RDF_REPRESENTATIONS = REPRESENTATIONS[1:]
BY_SUFFIX = {r.suffix: r for r in REPRESENTATIONS}

_QUALITY = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True, slots=True)
class MediaRange:
    type: str
    subtype: str
    quality: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 2 exact, 1 ``type/*``,
        0 ``*/*``, -1 not at all."""
        main, sub = media_type.split("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header, lower-cased, malformed ones left out."""
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not _TOKEN.match(main) or not _TOKEN.match(sub) or (main == "*" and sub != "*"):
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QUALITY.match(value) else -1.0
        if quality >= 0:
            ranges.append(MediaRange(main, sub, quality))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """The quality a client gives a media type, that of its most specific matching range,
    and how specific that range is (-1: none matches)."""
    best, specificity = 0.0, -1
    for media_range in ranges:
        match = media_range.matches(media_type)
        if match > specificity or (match == specificity and match >= 0 and media_range.quality > best):
            best, specificity = media_range.quality, match
    return (best if specificity >= 0 else 0.0), specificity


def representation_quality(ranges: list[MediaRange], representation: Representation) -> float:
    """The quality of the media type answered; another accepted type (an alias such as
    ``application/json``) counts only where ``Accept`` names it exactly, so ``*/*`` does
    not override ``text/html;q=0`` through ``application/xhtml+xml``."""
    q = quality(ranges, representation.media_type)[0]
    for alias in representation.accepted[1:]:
        alias_quality, specificity = quality(ranges, alias)
        if specificity == 2:
            q = max(q, alias_quality)
    return q


def choose(header: str | None, offered: tuple[Representation, ...] = REPRESENTATIONS) -> Representation | None:
    """The representation to answer with, or None when nothing offered is acceptable (406)."""
    ranges = parse_accept(header)
    best: Representation | None = None
    best_quality = 0.0
    for representation in offered:
        q = representation_quality(ranges, representation)
        if q > best_quality:
            best, best_quality = representation, q
    return best


def split_suffix(path: str) -> tuple[str, Representation | None]:
    """``work/x.ttl`` -> (``work/x``, Turtle); a path without a known suffix is itself."""
    stem, dot, suffix = path.rpartition(".")
    if dot and f".{suffix}" in BY_SUFFIX and "/" not in suffix:
        return stem, BY_SUFFIX[f".{suffix}"]
    return path, None

"""Parse stage: telling UTF-16 and UTF-32 text from binary data, so that a profile saved
in one of them (Windows editors' "Unicode") gets an error that names the encoding and
the command that converts it, instead of "binary file".

Evidence from the bytes themselves: a byte order mark (U+FEFF as ``FF FE``, ``FE FF``,
``FF FE 00 00``, ``00 00 FE FF``: https://www.unicode.org/faq/utf_bom.html#BOM), or
else, for text without one, the pattern of zero bytes that text mostly below U+0100
leaves: in UTF-16LE every other byte of Latin text is zero, in UTF-32LE three bytes of
four. The sample must then decode in that encoding, with no control characters but tab
and line ends. Known limit: UTF-16 without a mark of text in other scripts (CJK) has no
such pattern and is reported as not UTF-8.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from kg.errors import shown_path

SAMPLE = 4096
"""Bytes looked at (an even multiple of 4)."""
ZERO_SHARE = 0.9
"""Of the positions that are zero in the pattern, the share that must be zero."""
TEXT_CONTROLS = frozenset("\t\n\r")

BOMS = ((codecs.BOM_UTF32_LE, "UTF-32", "little-endian"), (codecs.BOM_UTF32_BE, "UTF-32", "big-endian"),
        (codecs.BOM_UTF16_LE, "UTF-16", "little-endian"), (codecs.BOM_UTF16_BE, "UTF-16", "big-endian"))
"""UTF-32's marks first: UTF-32LE's begins with UTF-16LE's."""


class WideEncoding(NamedTuple):
    """UTF-16 or UTF-32 text found in a file: which, and whether it has a byte order mark."""

    family: str
    order: str
    bom: bool

    @property
    def name(self) -> str:
        return f"{self.family} ({self.order}{', with a byte order mark' if self.bom else ''})"

    @property
    def codec(self) -> str:
        """iconv's name: with a mark it reads the order from it; without, it must be told."""
        return self.family if self.bom else f"{self.family}{'LE' if self.order == 'little-endian' else 'BE'}"

    def hint(self, path: str) -> str:
        return f"convert it to UTF-8: iconv -f {self.codec} -t UTF-8 {shown_path(path)} > NEW.txt"


def wide_encoding(data: bytes) -> WideEncoding | None:
    """The UTF-16 or UTF-32 encoding ``data`` is text in, or None."""
    for bom, family, order in BOMS:
        if data.startswith(bom) and _decodes(data[len(bom):], family, order):
            return WideEncoding(family, order, True)
    if b"\x00" not in data[:SAMPLE]:  # UTF-8 text: the usual case, decided at once
        return None
    for family, width in (("UTF-32", 4), ("UTF-16", 2)):
        for order in ("little-endian", "big-endian"):
            if _zero_pattern(data, width, order) and _decodes(data, family, order):
                return WideEncoding(family, order, False)
    return None


def _zero_pattern(data: bytes, width: int, order: str) -> bool:
    """Whether the high bytes of ``width``-byte units are (nearly all) zero and the low
    byte (nearly always) not: text mostly below U+0100 in that encoding."""
    sample = data[:SAMPLE]
    units = len(sample) // width
    if units < 2:
        return False
    low = 0 if order == "little-endian" else width - 1
    high = [sample[i] for u in range(units) for i in range(u * width, u * width + width) if i != u * width + low]
    lows = [sample[u * width + low] for u in range(units)]
    return high.count(0) >= ZERO_SHARE * len(high) and lows.count(0) <= (1 - ZERO_SHARE) * len(lows)


def _decodes(data: bytes, family: str, order: str) -> bool:
    codec = f"{family.lower().replace('-', '_')}_{'le' if order == 'little-endian' else 'be'}"
    width = 4 if family == "UTF-32" else 2
    sample = data[:SAMPLE - SAMPLE % width]
    try:
        text = codecs.decode(sample, codec) if len(data) <= SAMPLE else _decode_prefix(sample, codec)
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in TEXT_CONTROLS for c in text)


def _decode_prefix(sample: bytes, codec: str) -> str:
    """The sample decoded, a character cut at its end (a surrogate pair) left out."""
    return codecs.getincrementaldecoder(codec)().decode(sample, final=False)


__all__ = ["WideEncoding", "wide_encoding"]

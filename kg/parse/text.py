"""Parse stage: clean-up of printed text (titles and abstracts).

Undoes what PDF extraction and LaTeX sources leave in profile text: ``Abstract:`` and
letter-spaced ``A BSTRACT`` labels, escapes such as ``\\%``, inline math such as
``$\\to$``, TeX quotes, and runs of whitespace. Text that only looks like LaTeX (a
``$5`` price) is left alone. Known limit: words broken by PDF kerning (``Y et``) are
not rejoined: that needs a dictionary.
"""

from __future__ import annotations

import re

ABSTRACT_LABEL = re.compile(
    r"^\s*(?:(?i:abstract|a\s+bstract)\s*[:.\u2013\u2014-]\s*|(?:ABSTRACT|A\s+BSTRACT)\s+)"
)
"""``Abstract:``, ``Abstract.``, ``ABSTRACT``, ``A BSTRACT``; not the word in ``Abstract reasoning``."""

TEX_SYMBOLS = {
    "to": "\u2192", "rightarrow": "\u2192", "leftarrow": "\u2190", "Rightarrow": "\u21d2",
    "times": "\u00d7", "cdot": "\u00b7", "approx": "\u2248", "sim": "~", "simeq": "\u2243",
    "le": "\u2264", "leq": "\u2264", "ge": "\u2265", "geq": "\u2265", "neq": "\u2260", "ne": "\u2260",
    "pm": "\u00b1", "infty": "\u221e", "ll": "\u226a", "gg": "\u226b", "in": "\u2208",
    "alpha": "\u03b1", "beta": "\u03b2", "gamma": "\u03b3", "delta": "\u03b4", "epsilon": "\u03b5",
    "eta": "\u03b7", "theta": "\u03b8", "lambda": "\u03bb", "mu": "\u03bc", "pi": "\u03c0",
    "rho": "\u03c1", "sigma": "\u03c3", "tau": "\u03c4", "phi": "\u03c6", "omega": "\u03c9",
    "Delta": "\u0394", "Omega": "\u03a9", "ell": "\u2113", "dots": "\u2026", "ldots": "\u2026",
    "%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}",
}
"""LaTeX commands and escapes, and the Unicode they print as."""

_ESCAPE = re.compile(r"\\([%&_#${}])")
_FONT_COMMAND = re.compile(r"\\(?:emph|textit|textbf|textrm|texttt|text|mathrm|mathbf|mathit|mathcal|mathbb|textsc)\{([^{}]*)\}")
_MATH = re.compile(r"(?<!\\)\$([^$]*?[\\^_{][^$]*?)(?<!\\)\$")
_COMMAND = re.compile(r"\\([A-Za-z]+)\b\s*")
_TEX_DOUBLE_QUOTES = re.compile(r"``(.*?)''")
_TEX_SINGLE_QUOTES = re.compile(r"`([^`'\n]*)'")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _math_to_text(match: re.Match[str]) -> str:
    body = _COMMAND.sub(lambda m: TEX_SYMBOLS.get(m.group(1), m.group(0)), match.group(1))
    return body.replace("{", "").replace("}", "").strip()


def clean_text(text: str) -> str:
    """Printed text to plain Unicode: LaTeX escapes, font commands, inline math and TeX
    quotes resolved; whitespace folded to single spaces."""
    if "\\" in text or "$" in text or "`" in text:  # most text has no TeX: skip the scans
        text = _FONT_COMMAND.sub(r"\1", text)
        text = _MATH.sub(_math_to_text, text)
        text = _ESCAPE.sub(r"\1", text)
        text = _TEX_DOUBLE_QUOTES.sub("\u201c\\1\u201d", text)
        text = _TEX_SINGLE_QUOTES.sub("\u2018\\1\u2019", text)
    return " ".join(_CONTROL.sub(" ", text).split())


def has_abstract_label(line: str) -> bool:
    """Whether a line opens with an abstract label (``Abstract:``, ``A BSTRACT``)."""
    return bool(ABSTRACT_LABEL.match(line))


def clean_abstract(text: str) -> str:
    """An abstract as MODEL.md wants it: no label, no LaTeX, whitespace folded
    (schema:abstract, bibo:abstract)."""
    return clean_text(ABSTRACT_LABEL.sub("", text, count=1))


PROSE_WORDS = 25
"""A line this long (in words) is prose, whatever it ends with; titles are shorter."""


def looks_like_prose(line: str) -> bool:
    """Whether a line reads as running text (an abstract) rather than a title or a name:
    many words, or a dozen words and a final full stop."""
    words = line.split()
    return len(words) >= PROSE_WORDS or (len(words) >= 12 and line.rstrip().endswith("."))

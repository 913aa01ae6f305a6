"""Parse stage: input normalisation and the clean-up of printed text (titles, abstracts).

Every input is normalised once (:func:`numbered_lines`): Unicode NFC (macOS writes
names decomposed, NFD) and LF, CRLF or lone-CR line ends. Printed text then loses what
PDF extraction and LaTeX sources leave in it: ``Abstract:`` and letter-spaced
``A BSTRACT`` labels, TeX spans (accents, escapes, inline math, font commands), TeX
quotes, and runs of whitespace.

TeX is converted to Unicode inside the spans that are TeX only, by ``pylatexenc``
(https://pylatexenc.readthedocs.io/): a backslash command with its arguments
(``Schr\\"{o}dinger``, ``\\%``, ``\\emph{x}``) and inline math, whose dollars hug
their content or hold a TeX sign (``$T$``, ``$O(n \\log n)$``, ``$\\to$``). Text that
only looks like TeX is left as printed: ``$5 and $6`` neither hugs nor holds a TeX sign,
and ``50%`` is not a comment.
Known limit: words broken by PDF kerning (``Y et``) are not rejoined: that needs a
dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

LINE_END = re.compile(r"\r\n|\r|\n")
"""LF, CRLF and a lone CR (old Mac text) each end a line."""

ABSTRACT_LABEL = re.compile(
    r"^\s*(?:(?i:abstract|a\s+bstract)\s*[:.\u2013\u2014-]\s*|(?:ABSTRACT|A\s+BSTRACT)\s+)"
)
"""``Abstract:``, ``Abstract.``, ``ABSTRACT``, ``A BSTRACT``; not the word in ``Abstract reasoning``."""

_TEX_SPAN = re.compile(
    r"(?<!\\)\$(?:(?=[^$]*?[\\^_{])[^$]+|(?=[^\s$])[^$]*?(?<=[^\s\\]))(?<!\\)\$"  # inline math: $\to$, $x^2$, $T$
    r"|\{\\[^{}]*(?:\{[^{}]*\}[^{}]*)*\}"  # a group opened by a command: {\"o}, {\'{e}}
    r"|\\[\"'`^~=.](?:\{[^{}]*\}|\\?[A-Za-z])"  # an accent: \"o, \'{e}, \^\i
    r"|\\[A-Za-z]+\*?(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})*"  # a command and its arguments: \H{o}, \emph{x}
    r"|\\[%&_#${}]"  # an escaped special character
)
"""The spans of printed text that are TeX; everything else is left as printed."""

TEX_OVERRIDES = {
    "sim": "~", "epsilon": "\u03b5", "phi": "\u03c6", "ne": "\u2260", "LaTeX": "LaTeX", "TeX": "TeX",
    "mathrm": "%(1)s", "mathbf": "%(1)s", "mathit": "%(1)s", "mathcal": "%(1)s", "mathbb": "%(1)s",
    "mathsf": "%(1)s", "mathtt": "%(1)s", "texttt": "%(1)s", "boldsymbol": "%(1)s", "bm": "%(1)s",
}
"""Where pylatexenc 2.11's text differs from what this project printed before and what a
reader searches for: ``$\\sim$100`` reads ``~100``, ``\\epsilon`` the letter ε (not the
lunate ϵ), font commands keep their letters (``$\\mathcal{O}(n)$`` is ``O(n)``), and two
of its gaps (``\\ne`` and ``\\LaTeX`` print nothing)."""

_TEX_DOUBLE_QUOTES = re.compile(r"``((?:[^`']|'(?!'))*)''")
_TEX_SINGLE_QUOTES = re.compile(r"`([^`'\n]*)'")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


_COMMAND_NAME = re.compile(r"\\([A-Za-z]+)")
KEPT_AS_PRINTED = frozenset({"url", "href"})
"""Links stay as the source wrote them (pylatexenc would print ``<https://…>``)."""


def _latex_to_text() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    db.add_context_category("kg", prepend=True, macros=[MacroTextSpec(name, text)
                                                        for name, text in TEX_OVERRIDES.items()])
    return LatexNodes2Text(latex_context=db, math_mode="text")


_LATEX = _latex_to_text()


@lru_cache(maxsize=1 << 14)
def tex_to_text(span: str) -> str:
    """One TeX span as Unicode (spans repeat: ``\\%``, ``$\\to$``). A command outside math
    that pylatexenc does not know (``C:\\Users``, a ``\\n`` left by a scraper) is not TeX
    that anyone meant: it stays as printed."""
    if not span.startswith("$"):
        name = _COMMAND_NAME.match(span.lstrip("{"))
        if name and (name.group(1) in KEPT_AS_PRINTED or _LATEX.latex_context.get_macro_spec(name.group(1)) is None):
            return span
    return _LATEX.latex_to_text(span).strip()


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """The input normalised once (NFC) and split at LF, CRLF or lone CR: its non-blank
    lines with their 1-based numbers; a missing final newline is fine."""
    text = unicodedata.normalize("NFC", text)
    lines = LINE_END.split(text) if "\r" in text else text.split("\n")
    return [(n, line) for n, line in enumerate(lines, start=1) if line and not line.isspace()]


def clean_text(text: str) -> str:
    """Printed text to plain Unicode: TeX spans converted, TeX quotes made typographic,
    control characters and runs of whitespace folded to single spaces."""
    if "\\" in text or "$" in text:  # most text has no TeX: skip the scan
        text = _TEX_SPAN.sub(lambda m: tex_to_text(m.group(0)), text)
    if "`" in text:
        text = _TEX_DOUBLE_QUOTES.sub("\u201c\\1\u201d", text)
        text = _TEX_SINGLE_QUOTES.sub("\u2018\\1\u2019", text)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # most text is folded already (no whitespace but single inner spaces, no controls)
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
    if line.count(" ") < 11 and "\t" not in line:
        return False  # fewer than 12 words: no need to split
    if line.isprintable() and "  " not in line:
        words = line.strip(" ").count(" ") + 1  # single spaces between words: no need to split
    else:
        words = len(line.split())
    return words >= PROSE_WORDS or (words >= 12 and line.rstrip().endswith("."))

"""Parse stage: the abstract-only layout.

One abstract per line (``Abstract:…``), under a first-name header (``Tony``) or none.
Such records have no title, authors or date: the identity stage joins them to titled
works by their abstract.
"""

from __future__ import annotations

from kg.errors import Diagnostic
from kg.models import Layout, Record, SourceRef
from kg.parse.listing import is_header
from kg.parse.text import clean_abstract, has_abstract_label, looks_like_prose


def is_abstract_line(text: str) -> bool:
    return has_abstract_label(text) or looks_like_prose(text)


def parse_abstracts(lines: list[tuple[int, str]], file: SourceRef) -> tuple[list[Record], list[Diagnostic]]:
    """Records of an abstract-only list; ``lines`` are the numbered non-blank lines after any header."""
    records: list[Record] = []
    problems: list[Diagnostic] = []
    for number, text in lines:
        if is_header(text) or not is_abstract_line(text):
            problems.append(Diagnostic(
                path=file.path, line=number, severity="error",
                message=f"expected an abstract line, found {text.strip()[:60]!r}",
                hint="an abstract-only profile has one 'Abstract: …' line per work"))
            continue
        abstract = clean_abstract(text)
        if not abstract:
            problems.append(Diagnostic(path=file.path, line=number, severity="error",
                                       message="abstract label without text"))
            continue
        records.append(Record(source=file.model_copy(update={"line": number}),
                              layout=Layout.ABSTRACTS, abstract=abstract))
    return records, problems

"""Parse stage: the abstract-only layout.

One abstract per line (``Abstract:…``), under a first-name header (``Tony``) or none.
Such records have no title, authors or date: the identity stage joins them to titled
works by their abstract. A line that is not an abstract is an error at that line (a
rejected record with ``--max-errors``).
"""

from __future__ import annotations

from kg.models import Layout, Record, SourceRef
from kg.parse.listing import is_header
from kg.parse.records import Reader, at
from kg.parse.text import clean_abstract, has_abstract_label, looks_like_prose

HINT = "an abstract-only profile has one 'Abstract: …' line per work"


def is_abstract_line(text: str) -> bool:
    return has_abstract_label(text) or looks_like_prose(text)


def parse_abstracts(lines: list[tuple[int, str]], file: SourceRef) -> tuple[list[Record], Reader]:
    """Records of an abstract-only list; ``lines`` are the numbered non-blank lines after any header."""
    reader = Reader(file, lines)
    records: list[Record] = []
    for index, (number, text) in enumerate(lines):
        if is_header(text) or not is_abstract_line(text):
            reader.reject(index, index, index + 1, f"expected an abstract line, found {text.strip()[:60]!r}",
                          HINT, "bad-abstract-line")
            continue
        abstract = clean_abstract(text)
        if not abstract:
            reader.reject(index, index, index + 1, "abstract label without text", HINT, "empty-abstract")
            continue
        records.append(Record(source=at(file, number),
                              layout=Layout.ABSTRACTS, abstract=abstract))
    return records, reader

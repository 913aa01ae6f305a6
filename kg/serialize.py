"""Serialize stage: a whole document assembled from chunks (kg.output writes the files,
whole or not at all).

The formats and their writers are in :mod:`kg.formats`: a document is its format's
head, its chunks with the format's separator between two, and its tail. The same quads
always give the same bytes.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from kg.formats import Format, format_named, prefix_header
from kg.jsonld import jsonld_context
from kg.mapping.terms import Quad

COPY_BUFFER = 1 << 20


def _writable(fmt: str | Format) -> Format:
    return fmt if isinstance(fmt, Format) else format_named(fmt)


class ChunkWriter:
    """One output document written chunk by chunk: the head, each chunk of quads as text
    (made by :meth:`chunk`, possibly in another process), the tail. Each subject's triples
    should be in one chunk: a subject in two chunks would be repeated in Turtle and TriG
    and be two node objects with one ``@id`` in JSON-LD (kg.stream keeps them together).
    ``fmt``: a format of kg.formats, or its name; an unknown one raises InputError."""

    def __init__(self, output: IO[str], fmt: str | Format):
        self.output, self.format, self.first = output, _writable(fmt), True
        output.write(self.format.writer.head())

    @staticmethod
    def chunk(quads: Sequence[Quad], fmt: str | Format) -> str:
        return _writable(fmt).writer.chunk(quads)

    def write(self, text: str) -> None:
        if text:
            self._next_chunk()
            self.output.write(text)

    def write_file(self, path: Path) -> None:
        """Write a chunk kept in a UTF-8 file (bytes copied, never held whole)."""
        self._next_chunk()
        if hasattr(self.output, "buffer") and self.output.encoding.lower() in ("utf-8", "utf8"):
            self.output.flush()
            with path.open("rb") as chunk:
                shutil.copyfileobj(chunk, self.output.buffer, COPY_BUFFER)
        else:
            with path.open(encoding="utf-8", newline="") as chunk:
                shutil.copyfileobj(chunk, self.output, COPY_BUFFER)

    def _next_chunk(self) -> None:
        """The format's separator between two chunks (JSON-LD: a comma between array items)."""
        if not self.first:
            self.output.write(self.format.writer.separator)
        self.first = False

    def close(self) -> None:
        self.output.write(self.format.writer.tail)


def serialize(quads: Sequence[Quad], fmt: str | Format) -> str:
    """A whole document of ``quads`` in ``fmt``."""
    buffer = io.StringIO()
    writer = ChunkWriter(buffer, fmt)
    writer.write(ChunkWriter.chunk(quads, fmt))
    writer.close()
    return buffer.getvalue()


__all__ = ["ChunkWriter", "jsonld_context", "prefix_header", "serialize"]

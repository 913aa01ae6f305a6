"""Serialize stage: deterministic writers (kg.output writes the files, whole or not at all).

Mappers give quads of N-Triples terms, so N-Triples and N-Quads are written line by line
in the order the quads come (itself deterministic); Turtle and TriG go through
pyoxigraph's writers, which read those lines; JSON-LD by :mod:`kg.jsonld`, compact, with
the package's own ``@context`` inline so no reader fetches anything. The same quads
always give the same bytes.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import InputError
from kg.jsonld import JSONLD_TAIL, jsonld_chunk, jsonld_context, jsonld_head
from kg.mapping.terms import Quad
from kg.namespaces import PREFIXES

FORMATS = {
    ".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig",
    ".jsonld": "json-ld", ".json": "json-ld",
}
"""Output file extension -> format name (``--format`` takes the names)."""

MEDIA_TYPES = {
    "turtle": "text/turtle", "ntriples": "application/n-triples", "nquads": "application/n-quads",
    "trig": "application/trig", "json-ld": "application/ld+json",
}
"""Format name -> its IANA media type."""

COPY_BUFFER = 1 << 20

OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG}


def format_for(path: str, explicit: str | None) -> str:
    if explicit:
        if explicit not in FORMATS.values():
            raise InputError.at("--format", None, f"unknown format {explicit!r}",
                                f"choose one of {', '.join(sorted(set(FORMATS.values())))}")
        return explicit
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError.at(path, None, "cannot tell the output format from the file name",
                            f"use one of {', '.join(FORMATS)} or --format")
    return FORMATS[suffix]


def ntriples_lines(quads: Iterable[Quad]) -> Iterable[str]:
    return (f"{s} {p} {o} .\n" for s, p, o, _ in quads)


def nquads_lines(quads: Iterable[Quad]) -> Iterable[str]:
    """N-Quads lines; a quad whose graph is ``""`` is in the default graph."""
    return (f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads)


def oxigraph_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    """The quads as pyoxigraph objects (its N-Quads parser reads our lines)."""
    return list(ox.parse("".join(nquads_lines(quads)).encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def prefix_header() -> str:
    """The ``@prefix`` lines, in the fixed order of kg.namespaces.PREFIXES."""
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())


def _oxigraph_body(quads: Sequence[Quad], fmt: str) -> str:
    """Turtle or TriG of some quads, without the prefix lines (the document has them once)."""
    parsed = oxigraph_quads(quads)
    if fmt == "turtle":
        parsed = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]  # type: ignore[misc]
    body = ox.serialize(parsed, format=OX_FORMATS[fmt], prefixes=PREFIXES).decode("utf-8")
    return "".join(line for line in body.splitlines(keepends=True) if not line.startswith("@prefix"))


class ChunkWriter:
    """One output document written chunk by chunk: the head, each chunk of quads as text
    (made by :meth:`chunk`, possibly in another process), the tail. Each subject's triples
    should be in one chunk: a subject in two chunks would be repeated in Turtle and TriG
    and be two node objects with one ``@id`` in JSON-LD (kg.stream keeps them together)."""

    def __init__(self, output: IO[str], fmt: str):
        self.output, self.fmt, self.first = output, fmt, True
        if fmt in OX_FORMATS:
            output.write(prefix_header())
        elif fmt == "json-ld":
            output.write(jsonld_head())

    @staticmethod
    def chunk(quads: Sequence[Quad], fmt: str) -> str:
        if not quads:
            return ""
        if fmt == "ntriples":
            return "".join(ntriples_lines(quads))
        if fmt == "nquads":
            return "".join(nquads_lines(quads))
        if fmt in OX_FORMATS:
            return _oxigraph_body(quads, fmt)
        return jsonld_chunk(oxigraph_quads(quads))

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
        """JSON-LD's node objects of two chunks are array items: a comma between them."""
        if self.fmt == "json-ld" and not self.first:
            self.output.write(",\n")
        self.first = False

    def close(self) -> None:
        if self.fmt == "json-ld":
            self.output.write(JSONLD_TAIL)


def serialize(quads: Sequence[Quad], fmt: str) -> str:
    """A whole document of ``quads`` in ``fmt``."""
    buffer = io.StringIO()
    writer = ChunkWriter(buffer, fmt)
    writer.write(ChunkWriter.chunk(quads, fmt))
    writer.close()
    return buffer.getvalue()


FORMAT_NAMES = tuple(dict.fromkeys(FORMATS.values()))

__all__ = ["FORMATS", "FORMAT_NAMES", "MEDIA_TYPES", "ChunkWriter", "format_for", "jsonld_context", "serialize"]

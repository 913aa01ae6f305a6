"""The RDF formats kg reads and writes: one registry that every command reads.

Each :class:`Format` gives its name (what ``--format`` takes, with aliases such as
``jsonld`` beside ``json-ld``), its file extensions, its IANA media type, pyoxigraph's
parser for it (:attr:`Format.oxigraph`) and kg's writer (:class:`Writer`). ``kg export``
writes, and ``kg validate``, ``kg query``, ``kg load``, ``kg serve`` and ``kg publish``
read, the formats that have a writer; RDF/XML is in the registry for the linked-data
documents kg serves and publishes (kg.publish), which pyoxigraph writes whole. A name
or extension that is not here is an InputError: nothing falls back to another format.

Writers take quads of N-Triples terms (kg.mapping.terms) a chunk at a time: N-Triples
and N-Quads are written line by line in the order the quads come; Turtle and TriG by
pyoxigraph's writers (their ``@prefix`` lines once, in the document's head); JSON-LD by
:mod:`kg.jsonld`, compact, with the package's own ``@context`` inline. The same quads
always give the same bytes. kg.serialize assembles a document from the chunks.

Adding an output format is one entry in :data:`FORMATS` (and its chunk function here).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import IO

import pyoxigraph as ox

from kg.errors import InputError
from kg.jsonld import JSONLD_TAIL, jsonld_chunk, jsonld_head
from kg.mapping.terms import Quad
from kg.namespaces import PREFIXES


@dataclass(frozen=True)
class Writer:
    """How kg writes a format a chunk of quads at a time: the head (before the first
    chunk), each chunk (a subject's triples all in one), what goes between two chunks,
    the tail. Each function is pure: a chunk can be made in another process."""

    chunk: Callable[[Sequence[Quad]], str]
    head: Callable[[], str] = str
    separator: str = ""
    tail: str = ""


@dataclass(frozen=True)
class Format:
    """An RDF format: how it is named, recognised, announced, read and written."""

    name: str
    """The name ``--format`` takes and messages use."""
    title: str
    media_type: str
    """Its IANA media type (https://www.iana.org/assignments/media-types/)."""
    extensions: tuple[str, ...]
    """File extensions, lower case; the first is the one kg gives the files it writes."""
    oxigraph: ox.RdfFormat
    """pyoxigraph's parser (and serializer) of the format."""
    writer: Writer | None
    """kg's chunked writer; None: kg does not export (nor read) this format."""
    aliases: tuple[str, ...] = ()
    """Other names ``--format`` takes for it."""
    graphs: bool = False
    """Whether the format holds named graphs (N-Quads, TriG): a dataset, not one graph."""

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def prefix_header() -> str:
    """The ``@prefix`` lines, in the fixed order of kg.namespaces.PREFIXES."""
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())


def ntriples_lines(quads: Iterable[Quad]) -> Iterable[str]:
    return (f"{s} {p} {o} .\n" for s, p, o, _ in quads)


def nquads_lines(quads: Iterable[Quad]) -> Iterable[str]:
    """N-Quads lines; a quad whose graph is ``""`` is in the default graph."""
    return (f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads)


def oxigraph_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    """The quads as pyoxigraph objects (its N-Quads parser reads our lines)."""
    return list(ox.parse("".join(nquads_lines(quads)).encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _lines_chunk(lines: Callable[[Iterable[Quad]], Iterable[str]], quads: Sequence[Quad]) -> str:
    return "".join(lines(quads))


def _oxigraph_chunk(fmt: ox.RdfFormat, quads: Sequence[Quad]) -> str:
    """Turtle or TriG of some quads, without the prefix lines (the document has them once)."""
    if not quads:
        return ""
    parsed = oxigraph_quads(quads)
    if fmt == ox.RdfFormat.TURTLE:
        parsed = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]  # type: ignore[misc]
    body = ox.serialize(parsed, format=fmt, prefixes=PREFIXES).decode("utf-8")
    return "".join(line for line in body.splitlines(keepends=True) if not line.startswith("@prefix"))


def _jsonld_chunk(quads: Sequence[Quad]) -> str:
    return jsonld_chunk(oxigraph_quads(quads)) if quads else ""


FORMATS: tuple[Format, ...] = (
    Format("turtle", "Turtle", "text/turtle", (".ttl",), ox.RdfFormat.TURTLE,
           Writer(partial(_oxigraph_chunk, ox.RdfFormat.TURTLE), prefix_header), aliases=("ttl",)),
    Format("json-ld", "JSON-LD", "application/ld+json", (".jsonld", ".json"), ox.RdfFormat.JSON_LD,
           Writer(_jsonld_chunk, jsonld_head, ",\n", JSONLD_TAIL), aliases=("jsonld",)),
    Format("ntriples", "N-Triples", "application/n-triples", (".nt",), ox.RdfFormat.N_TRIPLES,
           Writer(partial(_lines_chunk, ntriples_lines)), aliases=("nt", "n-triples")),
    Format("nquads", "N-Quads", "application/n-quads", (".nq",), ox.RdfFormat.N_QUADS,
           Writer(partial(_lines_chunk, nquads_lines)), aliases=("nq", "n-quads"), graphs=True),
    Format("trig", "TriG", "application/trig", (".trig",), ox.RdfFormat.TRIG,
           Writer(partial(_oxigraph_chunk, ox.RdfFormat.TRIG), prefix_header), graphs=True),
    Format("rdf-xml", "RDF/XML", "application/rdf+xml", (".rdf",), ox.RdfFormat.RDF_XML, None,
           aliases=("rdfxml",)),
)
"""Every format, in the order help and messages list them."""

EXPORT_FORMATS = tuple(f for f in FORMATS if f.writer is not None)
"""What ``kg export`` writes and the other commands read."""
FORMATS_BY_NAME = {f.name: f for f in FORMATS}
_BY_NAME = {name: f for f in FORMATS for name in f.names}
_BY_EXTENSION = {extension: f for f in FORMATS for extension in f.extensions}


class UnknownFormat(InputError, ValueError):
    """A format name or file extension that is not in the registry, or names a format
    kg neither exports nor reads: an InputError (exit code 2) and, so that a pydantic
    model's validator reports it as a ValidationError, a ValueError."""


def format_named(name: str, option: str = "--format") -> Format:
    """The format ``name`` (or an alias, in any case) names, one kg exports and reads;
    :class:`UnknownFormat` otherwise, naming ``option``."""
    found = _BY_NAME.get(name.strip().lower())
    if found is None or found.writer is None:
        raise UnknownFormat.at(option, None, f"unknown format {name!r}" if found is None else
                               f"{found.title} is not a format kg exports or reads (only kg serve and kg publish "
                               "write it)", f"choose one of {export_names()}", kind="unknown-format")
    return found


def format_of_file(path: str | PurePath, explicit: str | None = None) -> Format:
    """The format of a file kg writes or reads: ``explicit`` (``--format``) if given,
    else the one its extension names; InputError when neither tells."""
    if explicit:
        return format_named(explicit)
    found = _BY_EXTENSION.get(PurePath(path).suffix.lower())
    if found is None or found.writer is None:
        message = "cannot tell the RDF format from the file name" if found is None else \
            f"{found.title} is not a format kg reads or exports (only kg serve and kg publish write it)"
        raise UnknownFormat.at(str(path), None, message, f"name it {export_extensions()}, or give --format",
                               kind="unknown-format")
    return found


def readable_file(path: PurePath, explicit: str | None = None) -> Format:
    """The format of an RDF file to read (:func:`format_of_file`), once sure it is a file."""
    found = format_of_file(path, explicit)
    if not os.path.isfile(path):
        raise InputError.at(str(path), None, "no such file")
    return found


_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


GIVE_FORMAT = "check the file's syntax, or give its format with --format"
"""The hint of a command that has ``--format`` for its input files."""


def unparsable(path: str | PurePath, fmt: Format, exc: BaseException,
               hint: str = "check the file's syntax") -> InputError:
    """A file that does not parse as ``fmt``: its path, the line pyoxigraph names, why."""
    reason = " ".join(str(exc).split())
    line = _LINE.search(reason)
    return InputError.at(str(path), int(line.group(1)) if line else None, f"cannot parse as {fmt.name}: {reason}",
                         hint)


STDIN = "-"
"""The file name that means standard input (``kg validate - --format nt``)."""
STDIN_NAME = "stdin"
"""How messages name standard input."""


def shown_name(path: str | PurePath) -> str:
    """A file as messages name it: ``stdin`` for ``-``."""
    return STDIN_NAME if str(path) == STDIN else str(path)


def read_quads(path: str | PurePath, explicit: str | None = None, *, stdin: IO[bytes] | None = None,
               hint: str = GIVE_FORMAT, rename_blank_nodes: bool = False) -> Iterator[ox.Quad]:
    """The quads of an RDF file, as pyoxigraph parses them, streamed; of ``stdin`` when
    ``path`` is ``-`` (its format must then be given: it has no extension). A file or
    format that will not do raises at once; a syntax error, as the quads are read, is an
    InputError naming the file (``stdin``) and the line."""
    if str(path) == STDIN:
        if stdin is None:
            raise ValueError("read_quads('-') needs the stdin stream")
        if not explicit:
            raise UnknownFormat.at(STDIN_NAME, None, "cannot tell the RDF format of stdin", "give it with --format",
                                   kind="unknown-format")
        found, source = format_named(explicit), {"input": stdin}
    else:
        found, source = readable_file(PurePath(path), explicit), {"path": str(path)}
    return _parsed(found, source, shown_name(path), hint, rename_blank_nodes)


def _parsed(found: Format, source: dict, name: str, hint: str, rename_blank_nodes: bool) -> Iterator[ox.Quad]:
    try:
        yield from ox.parse(format=found.oxigraph, rename_blank_nodes=rename_blank_nodes, **source)
    except (SyntaxError, ValueError, OSError) as exc:
        raise unparsable(name, found, exc, hint) from None


def format_of_extension(path: str | PurePath) -> Format | None:
    """The format kg exports that a file name's extension names, or None."""
    found = _BY_EXTENSION.get(PurePath(path).suffix.lower())
    return found if found is not None and found.writer is not None else None


def export_names() -> str:
    """The names ``--format`` takes, for help and hints: ``turtle (ttl), json-ld (jsonld), …``."""
    return ", ".join(f.name + (f" ({', '.join(f.aliases)})" if f.aliases else "") for f in EXPORT_FORMATS)


def export_extensions() -> str:
    return ", ".join(e for f in EXPORT_FORMATS for e in f.extensions)


__all__ = ["EXPORT_FORMATS", "FORMATS", "FORMATS_BY_NAME", "GIVE_FORMAT", "Format", "UnknownFormat", "Writer", "export_extensions",
           "export_names", "format_named", "format_of_extension", "format_of_file", "nquads_lines", "ntriples_lines",
           "oxigraph_quads", "prefix_header", "read_quads", "readable_file", "shown_name", "unparsable"]

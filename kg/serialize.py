"""Serialize stage: deterministic writers and atomic file output.

Mappers give quads of N-Triples terms, so N-Triples and N-Quads are written line by line
in the order the quads come (itself deterministic); Turtle and TriG go through
pyoxigraph's writers, which read those lines; JSON-LD is written here, compact, with the
package's own ``@context`` inline so no reader fetches anything. The same quads always
give the same bytes.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.data import data_file
from kg.errors import InputError
from kg.mapping.terms import Quad
from kg.namespaces import PREFIXES, RDF, XSD

FORMATS = {
    ".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig",
    ".jsonld": "json-ld", ".json": "json-ld",
}
"""Output file extension -> format name (``--format`` takes the names)."""

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


@cache
def jsonld_context() -> dict:
    """The shipped ``@context`` (prefixes only, so expansion is exactly the triples)."""
    return json.loads(data_file("context.jsonld").read_text(encoding="utf-8"))["@context"]


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace):]
            if all(c.isalnum() or c in "_-." for c in local) and not local.startswith("."):
                return f"{prefix}:{local}"
    return iri


def _value(node: ox.NamedNode | ox.BlankNode | ox.Literal, lists: dict) -> object:
    if isinstance(node, ox.BlankNode) and node in lists:
        return {"@list": [_value(m, lists) for m in lists[node]]}
    if isinstance(node, ox.NamedNode):
        return {"@id": node.value}
    if isinstance(node, ox.BlankNode):
        return {"@id": f"_:{node.value}"}
    if node.language:
        return {"@value": node.value, "@language": node.language}
    if node.datatype.value == str(XSD.string):
        return node.value
    return {"@value": node.value, "@type": _compact(node.datatype.value)}


def _lists(triples: Iterable[ox.Triple]) -> tuple[dict, set]:
    """Well-formed rdf:List cells: head -> members, and the set of every cell."""
    first_p, rest_p, nil = ox.NamedNode(str(RDF.first)), ox.NamedNode(str(RDF.rest)), ox.NamedNode(str(RDF.nil))
    first, rest = {}, {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode) and t.predicate == first_p:
            first[t.subject] = t.object
        elif isinstance(t.subject, ox.BlankNode) and t.predicate == rest_p:
            rest[t.subject] = t.object
    heads = set(first) - set(rest.values())
    lists, cells = {}, set()
    for head in heads:
        members, cell = [], head
        while cell != nil and cell in first:
            members.append(first[cell])
            cells.add(cell)
            cell = rest.get(cell, nil)
        lists[head] = members
    return lists, cells


def _subject_id(node: ox.NamedNode | ox.BlankNode) -> str:
    return node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"


def _jsonld_nodes(quads: Sequence[Quad]) -> list[dict]:
    """One compact node object per subject, sorted; lists as ``@list`` (a list's cells
    must be in the same quads as the triple that points to it)."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in oxigraph_quads(quads)}
    lists, cells = _lists(triples)
    rdf_type = ox.NamedNode(str(RDF.type))
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if t.subject in cells:
            continue
        if t.predicate == rdf_type:
            nodes[_subject_id(t.subject)]["@type"].append(_compact(t.object.value))
        else:
            nodes[_subject_id(t.subject)][_compact(t.predicate.value)].append(_value(t.object, lists))
    graph = []
    for subject in sorted(nodes):
        node: dict[str, object] = {"@id": subject}
        for key in sorted(nodes[subject], key=lambda k: (k != "@type", k)):
            values = sorted(nodes[subject][key], key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            node[key] = values[0] if len(values) == 1 else values
        graph.append(node)
    return graph


class ChunkWriter:
    """One output document written chunk by chunk: the head, each chunk of quads as text
    (made by :meth:`chunk`, possibly in another process), the tail. A subject may appear
    in several chunks (Turtle and TriG repeat it, JSON-LD gives it several node objects
    with one @id): each reader merges them."""

    def __init__(self, output: IO[str], fmt: str):
        self.output, self.fmt, self.first = output, fmt, True
        if fmt in OX_FORMATS:
            output.write(prefix_header())
        elif fmt == "json-ld":
            context = json.dumps(jsonld_context(), indent=2, ensure_ascii=False).replace("\n", "\n  ")
            output.write(f'{{\n  "@context": {context},\n  "@graph": [\n')

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
        return ",\n".join("    " + json.dumps(n, indent=2, ensure_ascii=False).replace("\n", "\n    ")
                           for n in _jsonld_nodes(quads))

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
            self.output.write("\n  ]\n}\n")


def serialize(quads: Sequence[Quad], fmt: str) -> str:
    """A whole document of ``quads`` in ``fmt``."""
    buffer = io.StringIO()
    writer = ChunkWriter(buffer, fmt)
    writer.write(ChunkWriter.chunk(quads, fmt))
    writer.close()
    return buffer.getvalue()


FORMAT_NAMES = tuple(dict.fromkeys(FORMATS.values()))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class StagedFile:
    """An output file written whole or not at all: a temporary file beside it, renamed
    over it by :meth:`commit`, removed by :meth:`discard`."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self.path, self.temporary = path, Path(tmp)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.chmod(self.temporary, 0o666 & ~_umask())  # mkstemp makes 0600; an output file is the user's
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        self.handle.close()
        self.temporary.unlink(missing_ok=True)


def write_all_atomic(files: dict[Path, str | Callable[[IO[str]], None]], staged: Sequence[StagedFile] = ()) -> None:
    """Write every file whole or none (its text, or what a function writes to it): all
    to temporary files first (with ``staged`` ones already written), then renamed."""
    stages = list(staged)
    try:
        for path, content in files.items():
            stages.append(StagedFile(path))
            if isinstance(content, str):
                stages[-1].handle.write(content)
            else:
                content(stages[-1].handle)
    except BaseException:
        for stage in stages:
            stage.discard()
        raise
    for stage in stages:
        stage.commit()

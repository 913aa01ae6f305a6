"""Serialize stage: deterministic writers and atomic file output.

Mappers give quads of N-Triples terms, so N-Triples and N-Quads are written line by line
in the order the quads come (itself deterministic); Turtle and TriG go through
pyoxigraph's writers, which read those lines; JSON-LD is written here, compact, with the
package's own ``@context`` inline so no reader fetches anything. The same quads always
give the same bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

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


def serialize_ntriples(quads: Sequence[Quad]) -> str:
    return "".join(ntriples_lines(quads))


def serialize_nquads(quads: Sequence[Quad]) -> str:
    return "".join(nquads_lines(quads))


def oxigraph_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    """The quads as pyoxigraph objects (its N-Quads parser reads our lines)."""
    return list(ox.parse("".join(nquads_lines(quads)).encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _oxigraph_text(quads: Sequence[Quad], fmt: str, head: bool = True) -> str:
    parsed = oxigraph_quads(quads)
    if fmt == "turtle":
        parsed = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]  # type: ignore[misc]
    body = ox.serialize(parsed, format=OX_FORMATS[fmt], prefixes=PREFIXES).decode("utf-8")
    body = "".join(line for line in body.splitlines(keepends=True) if not line.startswith("@prefix"))
    return prefix_header() + body if head else body


def prefix_header() -> str:
    """The ``@prefix`` lines, in the fixed order of kg.namespaces.PREFIXES."""
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())


def serialize_turtle(quads: Sequence[Quad]) -> str:
    return _oxigraph_text(quads, "turtle")


def serialize_trig(quads: Sequence[Quad]) -> str:
    return _oxigraph_text(quads, "trig")


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


def serialize_jsonld(quads: Sequence[Quad]) -> str:
    """Compact JSON-LD: one node object per subject, sorted; lists as ``@list``."""
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
    document = {"@context": jsonld_context(), "@graph": graph}
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


WRITERS = {
    "turtle": serialize_turtle, "trig": serialize_trig, "ntriples": serialize_ntriples,
    "nquads": serialize_nquads, "json-ld": serialize_jsonld,
}


def serialize(quads: Sequence[Quad], fmt: str) -> str:
    return WRITERS[fmt](quads)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_temporary(path: Path, text: str) -> Path:
    """The text in a new temporary file beside ``path``, with the umask's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an output file is the user's
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_all_atomic(files: dict[Path, str]) -> None:
    """Write every file whole or none: all to temporary files first, then renamed."""
    written: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            written.append((_write_temporary(path, text), path))
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in written:
        os.replace(tmp, path)


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename."""
    write_all_atomic({path: text})

"""Serialize stage: deterministic writers and atomic file output.

Turtle and TriG go through rdflib (which sorts subjects and predicates); N-Triples and
N-Quads are written line by line and sorted; JSON-LD is written here, compact, with the
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

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.data import data_file
from kg.errors import InputError
from kg.mapping.terms import Quad
from kg.namespaces import PREFIXES, RDF, XSD

FORMATS = {
    ".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig",
    ".jsonld": "json-ld", ".json": "json-ld",
}
"""Output file extension -> format name (``--format`` takes the names)."""


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


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)


def serialize_turtle(quads: Sequence[Quad]) -> str:
    graph = Graph(bind_namespaces="none")
    _bind(graph)
    for s, p, o, _ in quads:
        graph.add((s, p, o))
    return graph.serialize(format="turtle")


def serialize_trig(quads: Sequence[Quad]) -> str:
    """TriG: the shared prefixes, then one block per named graph in IRI order, each with
    the body of its deterministic Turtle."""
    by_graph: dict[URIRef, list[Quad]] = defaultdict(list)
    for quad in quads:
        by_graph[quad[3]].append(quad)
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    blocks = []
    for graph in sorted(by_graph):
        body = "\n".join(line for line in serialize_turtle(by_graph[graph]).splitlines()
                         if not line.startswith("@prefix")).strip("\n")
        blocks.append(f"{graph.n3()} {{\n{body}\n}}\n")
    return head + "\n" + "\n".join(blocks)


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_term(node: Node) -> str:
    """A term in N-Triples syntax (rdflib's ``n3()`` writes multi-line literals in
    triple quotes, which N-Triples does not allow)."""
    if isinstance(node, Literal):
        text = f'"{str(node).translate(_NT_ESCAPES)}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{text}^^<{node.datatype}>"
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    return f"<{node}>"


def serialize_ntriples(quads: Sequence[Quad]) -> str:
    lines = {f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o, _ in quads}
    return "".join(sorted(lines))


def serialize_nquads(quads: Sequence[Quad]) -> str:
    return "".join(sorted({f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {nt_term(g)} .\n" for s, p, o, g in quads}))


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


def _value(node: Node, lists: dict[Node, list[Node]]) -> object:
    if isinstance(node, BNode) and node in lists:
        return {"@list": [_value(m, lists) for m in lists[node]]}
    if isinstance(node, (URIRef, BNode)):
        return {"@id": str(node) if isinstance(node, URIRef) else f"_:{node}"}
    assert isinstance(node, Literal)
    if node.language:
        return {"@value": str(node), "@language": node.language}
    if node.datatype is None or node.datatype == XSD.string:
        return str(node)
    return {"@value": str(node), "@type": _compact(str(node.datatype))}


def _lists(triples: Iterable[tuple[Node, Node, Node]]) -> tuple[dict[Node, list[Node]], set[Node]]:
    """Well-formed rdf:List cells: head -> members, and the set of every cell."""
    first, rest = {}, {}
    for s, p, o in triples:
        if isinstance(s, BNode) and p == RDF.first:
            first[s] = o
        elif isinstance(s, BNode) and p == RDF.rest:
            rest[s] = o
    heads = set(first) - {o for o in rest.values()}
    lists, cells = {}, set()
    for head in heads:
        members, cell = [], head
        while cell != RDF.nil and cell in first:
            members.append(first[cell])
            cells.add(cell)
            cell = rest.get(cell, RDF.nil)
        lists[head] = members
    return lists, cells


def serialize_jsonld(quads: Sequence[Quad]) -> str:
    """Compact JSON-LD: one node object per subject, sorted; lists as ``@list``."""
    triples = {(s, p, o) for s, p, o, _ in quads}
    lists, cells = _lists(triples)
    nodes: dict[Node, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        if s in cells:
            continue
        key = "@type" if p == RDF.type else _compact(str(p))
        nodes[s][key].append(_compact(str(o)) if p == RDF.type else _value(o, lists))
    graph = []
    for subject in sorted(nodes, key=str):
        node: dict[str, object] = {"@id": str(subject)}
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

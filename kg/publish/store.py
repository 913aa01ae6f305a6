"""Publish stage: the exports to publish, read once into an embedded store, and the
bounded lookups that every page and RDF document is made from.

``read_published`` loads each export (any format ``kg export`` writes) into one
in-memory pyoxigraph store, with the VoID description and the reconciliation report
found beside it (``EXPORT-stem.void.ttl``, ``EXPORT-stem.report.json``) and the
project's ontology (``kg/data/kg.ttl``) kept apart, so the SPARQL endpoint answers
over exactly the exports and their descriptions.

IRIs and paths: an IRI under the base is served at its path relative to the base; the
project's own namespaces (``https://w3id.org/kg/ns``, the ontology, a hash namespace,
and ``https://w3id.org/kg/category/``) are served at ``ns`` and ``category/``, where a
w3id.org redirect for this site would point.

Documents: every served IRI has its own page and RDF documents but an authorship,
``{work}/authorship/N`` (as :func:`kg.mapping.work.authors_to_triples` mints it),
which its work's documents describe whole (:meth:`Published.describe` of a work holds
its authorships' triples): it answers with its work's documents (:meth:`Published.described_by`).
Authorships are 42 % of the resources of a typical export, and each of their pages
said no more than the work's list of authors.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from kg.data import data_file
from kg.errors import InputError
from kg.formats import readable_file, unparsable
from kg.identity import check_base
from kg.namespaces import CATEGORY_NS, DCTERMS, DEFAULT_BASE, KG_NS, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, XSD
from kg.query import read_store

ONTOLOGY_IRI = KG_NS.rstrip("#")
"""The ontology document: ``kg:`` terms are hash IRIs of it (Cool URIs, section 4.1)."""
ONTOLOGY_PATH, CATEGORY_PATH = "ns", "category/"

LABELS = tuple(ox.NamedNode(str(p)) for p in (SCHEMA.name, RDFS.label, SKOS.prefLabel, DCTERMS.title))
"""Predicates whose value names a resource on a page, first found wins."""
TYPE = ox.NamedNode(str(RDF.type))
QUALIFIED_ATTRIBUTION = ox.NamedNode(str(PROV.qualifiedAttribution))
AUTHORSHIP = "/authorship/"
"""What separates a work's IRI and its authorships' (kg.mapping.work)."""
MAX_REVERSE = 1000
"""At most this many resources pointing to one are listed on its page (bounded pages)."""
CACHED_LOOKUPS = 1 << 16
"""Labels and values kept by a process (the store is read-only): pages name the same
people, works and categories again and again (co-authors, a person's works' dates)."""


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@dataclass(frozen=True)
class Sidecars:
    """What ``kg export`` writes beside an export."""

    void: Path | None
    report: Path | None


def sidecars(export: Path) -> Sidecars:
    stem = export.with_suffix("")
    void, report = stem.with_name(f"{stem.name}.void.ttl"), stem.with_name(f"{stem.name}.report.json")
    return Sidecars(void if void.is_file() else None, report if report.is_file() else None)


@dataclass
class Report:
    """The parts of the reconciliation reports that pages show, by the IRI they concern."""

    disagreements: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    person_candidates: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    owner_candidates: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))

    def add(self, path: Path) -> None:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError.at(str(path), None, f"cannot read the reconciliation report: {exc}") from None
        for item in report.get("disagreements", []):
            self.disagreements[item["work"]].append(item)
        for item in report.get("person_candidates", []):
            for person in item["people"]:
                self.person_candidates[person].append(item)
        for item in report.get("owner_candidates", []):
            for key in (item.get("candidate"), item.get("owner"), item.get("profile")):
                if key:
                    self.owner_candidates[key].append(item)


class Published:
    """Exports read once; every lookup after that touches only one resource's triples."""

    def __init__(self, store: ox.Store, base: str, report: Report, ontology: list[ox.Triple],
                 void: list[ox.Triple], exports: tuple[Path, ...]):
        self.store, self.base, self.report, self.exports = store, base, report, exports
        self.ontology, self.void = ontology, void
        titles = sorted(t.object.value for t in void if t.predicate.value == str(DCTERMS.title))
        self.title = titles[0] if titles else "Knowledge graph"
        self.graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        self.graph_sizes = self._graph_sizes()
        self.label = lru_cache(maxsize=CACHED_LOOKUPS)(self._label)
        self._objects = lru_cache(maxsize=CACHED_LOOKUPS)(self._objects_of)

    # ------------------------------------------------------------- IRIs and paths
    def path_of(self, iri: str) -> str | None:
        """The site path of an IRI this site serves (percent-encoding kept), else None;
        a ``kg:`` term is a fragment of the ontology document (``ns#Term``)."""
        if iri.startswith(self.base):
            return iri[len(self.base):]
        if iri == ONTOLOGY_IRI:
            return ONTOLOGY_PATH
        if iri.startswith(KG_NS):
            return f"{ONTOLOGY_PATH}#{iri[len(KG_NS):]}"
        if iri.startswith(CATEGORY_NS):
            return CATEGORY_PATH + iri[len(CATEGORY_NS):]
        return None

    def iri_of(self, path: str) -> str:
        if path == ONTOLOGY_PATH:
            return ONTOLOGY_IRI
        if path.startswith(CATEGORY_PATH):
            return CATEGORY_NS + path[len(CATEGORY_PATH):]
        return self.base + path

    def described_by(self, iri: str) -> str | None:
        """The IRI whose documents describe this resource, when they are not its own: for
        an authorship ``{work}/authorship/N`` that ``{work}`` points to by
        prov:qualifiedAttribution, the work; else None."""
        work, separator, number = iri.rpartition(AUTHORSHIP)
        if not separator or not number or "/" in number or self.path_of(work) is None:
            return None
        found = self.store.quads_for_pattern(node(work), QUALIFIED_ATTRIBUTION, node(iri), None)
        return work if next(iter(found), None) is not None else None

    # ------------------------------------------------------------- lookups
    def exists(self, iri: str) -> bool:
        if iri == ONTOLOGY_IRI or iri in self.graph_sizes:
            return True
        return next(iter(self.store.quads_for_pattern(node(iri), None, None, None)), None) is not None

    def describe(self, iri: str) -> list[ox.Triple]:
        """The resource's triples: its own, with the blank nodes they lead to (the cells of
        an rdf:List) and, for a work, its authorships' (prov:qualifiedAttribution); for a
        named graph that nothing describes, its size (void:triples); for the ontology, the
        whole document. Sorted, so the same resource always gives the same document."""
        if iri == ONTOLOGY_IRI:
            return list(self.ontology)
        triples: set[ox.Triple] = set()
        self._closure(node(iri), triples)
        for t in [t for t in triples if t.predicate == QUALIFIED_ATTRIBUTION]:
            self._closure(t.object, triples)
        if not triples and iri in self.graph_sizes:
            triples = set(self._graph_description(iri))
        return sorted(triples, key=str)

    def _closure(self, subject: ox.NamedNode | ox.BlankNode, triples: set[ox.Triple]) -> None:
        pending, seen = [subject], {subject}
        while pending:
            for q in self.store.quads_for_pattern(pending.pop(), None, None, None):
                triples.add(q.triple)
                if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                    seen.add(q.object)
                    pending.append(q.object)

    def _graph_description(self, iri: str) -> Iterator[ox.Triple]:
        g = node(iri)
        yield ox.Triple(g, TYPE, node(str(VOID.Dataset)))
        yield ox.Triple(g, node(str(VOID.triples)), ox.Literal(str(self.graph_sizes[iri]), datatype=node(str(XSD.integer))))

    def objects(self, iri: str | ox.NamedNode | ox.BlankNode, predicate: str) -> tuple:
        return self._objects(iri, predicate)

    def _objects_of(self, iri: str | ox.NamedNode | ox.BlankNode, predicate: str) -> tuple:
        subject = node(iri) if isinstance(iri, str) else iri
        return tuple(sorted({q.object for q in self.store.quads_for_pattern(subject, node(predicate), None, None)},
                            key=str))

    def value(self, iri: str | ox.NamedNode, predicate: str) -> ox.NamedNode | ox.Literal | None:
        found = self.objects(iri, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj: str, limit: int = MAX_REVERSE) -> tuple[list[str], bool]:
        """IRIs that point to ``obj`` by ``predicate``, at most ``limit`` (and whether there were more)."""
        quads = self.store.quads_for_pattern(None, node(predicate), node(obj), None)
        found = sorted({q.subject.value for q in islice(quads, limit * 4) if isinstance(q.subject, ox.NamedNode)})
        return found[:limit], len(found) > limit

    def types(self, iri: str) -> list[str]:
        if iri == ONTOLOGY_IRI:
            return ["http://www.w3.org/2002/07/owl#Ontology"]
        return [t.value for t in self.objects(iri, str(RDF.type)) if isinstance(t, ox.NamedNode)]

    def _label(self, iri: str) -> str:
        """What a page calls a resource: its name, label or title, else its IRI's last part."""
        subject = node(iri)
        for predicate in LABELS:
            values = sorted(q.object.value for q in self.store.quads_for_pattern(subject, predicate, None, None))
            if values:
                return values[0]
        if iri in self.graph_sizes:
            return f"Named graph {iri[len(self.base):] if iri.startswith(self.base) else iri}"
        return _local_name(iri)

    def _graph_sizes(self) -> dict[str, int]:
        rows = self.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in rows if isinstance(row["g"], ox.NamedNode)}

    # ------------------------------------------------------------- listings
    def select(self, query: str) -> list[dict[str, str]]:
        """A SELECT over every graph, as rows of plain strings (missing values: "")."""
        result = self.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
        names = [v.value for v in result.variables]
        return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]

    def served_iris(self) -> list[str]:
        """Every IRI this site resolves: each subject it can serve, each named graph, the
        ontology document; sorted."""
        subjects = {s.value for s in _subjects(self.store) if self.path_of(s.value) is not None}
        subjects |= {g for g in self.graphs if self.path_of(g) is not None}
        subjects.add(ONTOLOGY_IRI)
        return sorted(s for s in subjects if "#" not in (self.path_of(s) or "#"))

    def document_iris(self, served: list[str]) -> list[str]:
        """Those of the ``served`` IRIs that have a page and documents of their own."""
        return [iri for iri in served if self.described_by(iri) is None]


def anchor(iri: str, host: str) -> str:
    """The fragment of the page of ``host`` (its :meth:`Published.described_by`) that
    shows ``iri``: ``authorship/3``."""
    return iri[len(host) + 1:]


def _subjects(store: ox.Store) -> Iterable[ox.NamedNode]:
    rows = store.query("SELECT DISTINCT ?s WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } FILTER(isIRI(?s)) }")
    return (row["s"] for row in rows)


def _local_name(iri: str) -> str:
    for separator in ("#", "/"):
        head, _, tail = iri.rstrip("/").rpartition(separator)
        if head and tail:
            return tail
    return iri


def read_published(exports: list[Path], base: str | None = None) -> Published:
    """Read exports, their VoID descriptions and reports, and the ontology (once)."""
    if not exports:
        raise InputError.at("EXPORT", None, "no export given", "kg serve out/examples.nq")
    store, report, bases, void_triples = ox.Store(), Report(), [], []
    for number, export in enumerate(exports):
        _load_into(store, export, number)
        found = sidecars(export)
        if found.void:
            void = read_store(found.void)
            void_triples += [q.triple for q in void.quads_for_pattern(None, None, None, None)]
            store.extend(void.quads_for_pattern(None, None, None, None))
            bases += [t.object.value for t in void.quads_for_pattern(None, node(str(VOID.uriSpace)), None, None)]
        if found.report:
            report.add(found.report)
    if base is None and len(set(bases)) > 1:
        raise InputError.at(str(exports[0]), None, f"the exports have different bases: {', '.join(sorted(set(bases)))}",
                            "serve or publish them separately, or choose one with --base")
    base = check_base(base or (bases[0] if bases else _guess_base(store)))
    if not base.endswith("/"):
        raise InputError.at("--base", None, f"a base ending in '#' cannot be served as paths: {base!r}",
                            "export with a base ending in '/'")
    ontology = [q.triple for q in read_store(data_file("kg.ttl")).quads_for_pattern(None, None, None, None)]
    return Published(store, base, report, ontology, sorted(set(void_triples), key=str), tuple(exports))


def _load_into(store: ox.Store, path: Path, number: int = 0) -> None:
    """Add an RDF file to the store (format from its extension), or say which file is bad.

    Blank nodes keep the labels the export gave them (a store's loader would give them
    random ones, and the site's documents would differ from run to run); those of the
    second and later exports get ``e{number}`` before their label, so two exports'
    blank nodes never merge."""
    fmt = readable_file(path)
    try:
        quads = ox.parse(path=str(path), format=fmt.oxigraph)
        store.bulk_extend(quads if number == 0 else (_relabelled(q, f"e{number}") for q in quads))
    except (SyntaxError, ValueError, OSError) as exc:
        raise unparsable(path, fmt, exc) from None


def _relabelled(quad: ox.Quad, prefix: str) -> ox.Quad:
    def term(t: Any) -> Any:
        return ox.BlankNode(prefix + t.value) if isinstance(t, ox.BlankNode) else t

    if not any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object, quad.graph_name)):
        return quad
    return ox.Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))


def _guess_base(store: ox.Store) -> str:
    """The base of an export without its VoID: a source file's IRI is
    ``{base}source/{its label, percent-encoded}`` (kg.identity.Iris.source_file)."""
    for q in store.quads_for_pattern(None, TYPE, node(KG_NS + "SourceFile"), None):
        for label in store.quads_for_pattern(q.subject, node(str(RDFS.label)), None, None):
            tail = f"source/{quote(label.object.value)}"
            if q.subject.value.endswith(tail):
                return q.subject.value[: -len(tail)]
    return DEFAULT_BASE

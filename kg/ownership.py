"""Load stage: before ``kg load`` replaces any graph, make sure that it replaces only
what the same export wrote (README, "Several exports in one store").

An export states who wrote its graphs in its description graph (kg.mapping.dataset):
the dataset (``void:Dataset``), its source files (``dcterms:source``) and every named
graph that belongs to it, the description graph included (``void:inDataset``). Before
the first PUT, for each dataset the files describe, the store's copy of that
description graph is read (SPARQL 1.1 Graph Store Protocol, GET, §5.2):

- no such graph: the dataset is new to the store;
- the same dataset from the same source files: a re-load, which replaces it;
- anything else (the dataset made from other files, or a graph that describes no such
  dataset): refused, unless ``replace``.

A graph the files' datasets do not claim (``--graph``, or a file not made by kg) is
refused when the store already has it (HEAD, §5.4, or GET where HEAD is not
implemented), unless ``replace``. Where the store's copy of a dataset claimed graphs
this export no longer has (a profile file dropped since), they are returned to be
deleted (DELETE, §5.5) after the load, so the store holds the dataset as exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import StoreError, printable
from kg.load import DETAIL_LIMIT, NTRIPLES, LoadOptions, describe_answer, describe_failure, graph_url
from kg.store_client import ANSWER_LIMIT, Answer, Deadline, RequestFailed, StoreClient, earliest
from kg.namespaces import DCTERMS, VOID

IN_DATASET = ox.NamedNode(str(VOID.inDataset))
SOURCE = ox.NamedNode(str(DCTERMS.source))
DESCRIPTION_LIMIT = 256 << 20
"""The most of a description graph kg reads (one ``dcterms:source`` line per profile file)."""
NO_HEAD = frozenset({405, 501})
"""Answers of a store that does not implement HEAD (Virtuoso 7 answers 501)."""


@dataclass(frozen=True)
class Claim:
    """What a description graph says: ``dataset`` owns ``graphs`` and was made from ``sources``."""

    dataset: str
    description: str
    graphs: frozenset[str]
    sources: frozenset[str]


def claims_in(graphs: Mapping[str, Sequence[ox.Triple]]) -> list[Claim]:
    """The datasets that the graphs describe: each one's claim from the description graph
    that claims itself (so triples loaded into another graph with ``--graph`` claim nothing)."""
    found = []
    for description, triples in sorted(graphs.items()):
        for claim in _claims(description, triples):
            if description in claim.graphs:
                found.append(claim)
    return found


def _claims(description: str, triples: Iterable[ox.Triple]) -> list[Claim]:
    members: dict[str, set[str]] = {}
    sources: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate == IN_DATASET and isinstance(t.object, ox.NamedNode):
            members.setdefault(t.object.value, set()).add(t.subject.value)
        elif t.predicate == SOURCE and isinstance(t.subject, ox.NamedNode):
            sources.setdefault(t.subject.value, set()).add(t.object.value)
    return [Claim(d, description, frozenset(g), frozenset(sources.get(d, ()))) for d, g in sorted(members.items())]


def load_order(graphs: Mapping[str, Sequence[ox.Triple]]) -> list[str]:
    """The graphs in the order to send them: sorted, each dataset's description last, so
    that the store's copy names the new sources only once the rest is written (a load cut
    short is then retried, or refused, as the store's earlier description says)."""
    descriptions = {claim.description for claim in claims_in(graphs)}
    return sorted(graphs, key=lambda graph: (graph in descriptions, graph))


def check_overwrites(client: StoreClient, graphs: Mapping[str, Sequence[ox.Triple]], options: LoadOptions,
                     whole_load: Deadline) -> list[str]:
    """Raise StoreError if loading ``graphs`` would replace what another export wrote
    (unless ``options.replace``); return the store's graphs of these datasets that the
    load leaves behind, to be deleted after it."""
    claims = claims_in(graphs)
    claimed = {g for claim in claims for g in claim.graphs}
    refusals: list[str] = []
    stale: set[str] = set()
    for claim in claims:
        stored = _stored_claim(client, claim, options, whole_load)
        if stored is None:
            continue
        same = stored.dataset == claim.dataset
        if not (same and stored.sources == claim.sources) and not options.replace:
            refusals.append(_refusal(claim, stored))
        elif same:
            stale |= stored.graphs - claim.graphs - set(graphs)
    for graph in sorted(set(graphs) - claimed):
        if not options.replace and graph_exists(client, graph, options, whole_load):
            refusals.append(f"the store already has a graph <{graph}> that this load would replace, and "
                            "kg cannot tell which export wrote it")
    if refusals:
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        raise StoreError(f"{refusals[0]}{more}: load with --replace to overwrite it, or export this one "
                         "with another --dataset to keep both")
    return sorted(stale)


def _refusal(claim: Claim, stored: Claim) -> str:
    where = f"<{claim.description}> in the store"
    if not stored.dataset:
        return f"{where} holds triples that describe no dataset"
    if stored.dataset != claim.dataset:
        return f"{where} describes another dataset, <{stored.dataset}>"
    common = len(stored.sources & claim.sources)
    return (f"{where} says dataset <{claim.dataset}> was exported from other files "
            f"({len(stored.sources)} there, {len(claim.sources)} here, {common} in common)")


def _stored_claim(client: StoreClient, claim: Claim, options: LoadOptions, whole_load: Deadline) -> Claim | None:
    """The store's copy of the claim's description graph, read as a claim: None where the
    store has no such graph (or an empty one), else the claim of this dataset, or of
    another it describes, or of no dataset (``""``)."""
    body = read_graph(client, claim.description, options, whole_load)
    if not body:
        return None
    try:
        parsed = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{client.endpoint} sent graph <{claim.description}> as N-Triples kg cannot read: "
                         f"{printable(' '.join(str(exc).split()))[:DETAIL_LIMIT]}") from None
    found = _claims(claim.description, triples)
    nothing = Claim("", claim.description, frozenset(), frozenset())
    return next((c for c in found if c.dataset == claim.dataset), found[0] if found else nothing)


def _deadline(options: LoadOptions, whole_load: Deadline) -> Deadline:
    return earliest(Deadline.after(options.timeout_seconds, "--timeout"), whole_load)


def _ask(client: StoreClient, method: str, graph: str, options: LoadOptions, whole_load: Deadline,
         headers: Mapping[str, str] | None = None, limit: int = ANSWER_LIMIT) -> Answer:
    """One request about a graph, or StoreError naming the endpoint and the graph."""
    try:
        return client.request(method, graph_url(client.endpoint, graph), _deadline(options, whole_load),
                              headers=headers, limit=limit)
    except RequestFailed as failure:
        raise StoreError(describe_failure(failure, client, graph)) from None


def read_graph(client: StoreClient, graph: str, options: LoadOptions, whole_load: Deadline) -> bytes | None:
    """A graph's N-Triples (GET, §5.2), or None if the store has no such graph."""
    answer = _ask(client, "GET", graph, options, whole_load, {"Accept": NTRIPLES}, DESCRIPTION_LIMIT)
    if answer.status == 404:
        return None
    if not 200 <= answer.status < 300:
        raise StoreError(describe_answer(answer, client, graph))
    if len(answer.body) >= DESCRIPTION_LIMIT:
        raise StoreError(f"{client.endpoint}: graph <{graph}> is larger than {DESCRIPTION_LIMIT >> 20} MiB: "
                         "not a description kg wrote")
    return answer.body


def graph_exists(client: StoreClient, graph: str, options: LoadOptions, whole_load: Deadline) -> bool:
    """Whether the store has the graph: HEAD (§5.4), or the status of a GET where the
    store does not implement HEAD."""
    for method in ("HEAD", "GET"):
        answer = _ask(client, method, graph, options, whole_load, {"Accept": NTRIPLES})
        if answer.status == 404:
            return False
        if 200 <= answer.status < 300:
            return True
        if not (method == "HEAD" and answer.status in NO_HEAD):
            raise StoreError(describe_answer(answer, client, graph))
    return True


def delete_graph(client: StoreClient, graph: str, options: LoadOptions, whole_load: Deadline) -> None:
    """Drop a graph (DELETE, §5.5); one the store no longer has is fine. No Accept header:
    Virtuoso answers 406 to a DELETE that asks for N-Triples."""
    answer = _ask(client, "DELETE", graph, options, whole_load)
    if answer.status != 404 and not 200 <= answer.status < 300:
        raise StoreError(describe_answer(answer, client, graph))


__all__ = ["Claim", "check_overwrites", "claims_in", "delete_graph", "graph_exists", "load_order", "read_graph"]

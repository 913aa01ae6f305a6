"""Validate stage: the shapes' SPARQL-based constraints (SHACL 5) as direct checks.

Each check is written for one SELECT query of shapes/kg.shacl.ttl, found by the
query's text (a fingerprint of its words and prefixes: a query that changes has no
check until one is written for it, and pyshacl runs it meanwhile). A check answers
only for a work whose author list and authorships are well formed, where the query's
solutions are plain to state: one ``bibo:authorList``, an rdf:List of blank cells with
one ``rdf:first`` and one ``rdf:rest`` each that reaches ``rdf:nil`` (which has no
``rdf:first`` or ``rdf:rest`` of its own), IRI members, IRI authorships with IRI
agents and positions written as canonical ``xsd:integer``s. For any other work it
returns None, and the engine hands the work to pyshacl (kg.validate.reference), with
the batch's own graph: those results are pyshacl's by construction.

A solution becomes a result as pyshacl 0.40 makes it
(``pyshacl/constraints/sparql/sparql_based_constraints.py``): ``sh:value`` is ``?value``
or else the focus node, and each ``{?var}`` or ``{$var}`` of a message is replaced, in
the order of the query's projection, then ``this`` and ``value``, by the text of the
bound term.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from kg.mapping.terms import Term
from kg.validate.index import EMPTY, Index
from kg.validate.shapes import SparqlConstraint
from kg.validate.terms import display

BIBO_AUTHOR_LIST = "<http://purl.org/ontology/bibo/authorList>"
FIRST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"
REST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>"
NIL = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"
QUALIFIED = "<http://www.w3.org/ns/prov#qualifiedAttribution>"
AGENT = "<http://www.w3.org/ns/prov#agent>"
POSITION = "<https://w3id.org/kg/ns#position>"
INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"
_CANONICAL_INTEGER = re.compile(r'"(?:0|-?[1-9][0-9]*)"\^\^' + re.escape(INTEGER))

Row = tuple[Term | None, dict[str, str]]
"""One solution: ``?value`` (or None) and the other bound variables' texts, in the
query's projection order."""
DirectCheck = Callable[[Index, Term], "list[Row] | None"]


def fingerprint(constraint: SparqlConstraint) -> str:
    """What identifies a query: its words and its declared prefixes."""
    text = " ".join((constraint.select or "").split()) + repr(constraint.prefixes)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class AuthorList:
    """A work's well-formed author list and authorships, as the checks need them."""

    __slots__ = ("members", "authorships")

    def __init__(self, members: list[Term], authorships: dict[Term, tuple[list[Term], list[Term]]]):
        self.members = members
        self.authorships = authorships
        """authorship -> (its positions, its agents)."""


def author_list(index: Index, work: Term) -> AuthorList | None:
    """The work's list and authorships if they are well formed (module docstring),
    else None; once per work and index."""
    key = ("author list", work)
    if key not in index.memo:
        index.memo[key] = _author_list(index, work)
    return index.memo[key]


def _author_list(index: Index, work: Term) -> AuthorList | None:
    heads = index.objects(work, BIBO_AUTHOR_LIST)
    nil = index.out.get(NIL, EMPTY)
    if len(heads) != 1 or FIRST in nil or REST in nil:
        return None
    members: list[Term] = []
    seen: set[Term] = set()
    cell = heads[0]
    while cell != NIL:
        if cell[0] != "_" or cell in seen:
            return None
        seen.add(cell)
        links = index.out.get(cell, EMPTY)
        firsts, rests = links.get(FIRST, ()), links.get(REST, ())
        if len(firsts) != 1 or len(rests) != 1 or firsts[0][0] != "<":
            return None
        members.append(firsts[0])
        cell = rests[0]
    authorships = {}
    for authorship in index.objects(work, QUALIFIED):
        positions, agents = index.objects(authorship, POSITION), index.objects(authorship, AGENT)
        if authorship[0] != "<" or any(a[0] != "<" for a in agents) \
                or not all(_CANONICAL_INTEGER.fullmatch(p) for p in positions):
            return None
        authorships[authorship] = (positions, agents)
    return AuthorList(members, authorships) if members else None


def well_formed(index: Index, work: Term) -> list[Row] | None:
    """kgsh:AuthorList-wellFormed: no solution for a well-formed list."""
    return None if author_list(index, work) is None else []


def positions_unique(index: Index, work: Term) -> list[Row] | None:
    """kgsh:Authorships-position-unique: positions held by more than one authorship."""
    found = author_list(index, work)
    if found is None:
        return None
    holders: dict[Term, set[Term]] = {}
    for authorship, (positions, _) in found.authorships.items():
        for position in positions:
            holders.setdefault(position, set()).add(authorship)
    return [(None, {"position": display(p), "count": str(len(h))}) for p, h in holders.items() if len(h) > 1]


def positions_within_list(index: Index, work: Term) -> list[Row] | None:
    """kgsh:Authorships-position-within-list: positions past the list's length."""
    found = author_list(index, work)
    if found is None:
        return None
    length = len(found.members)
    return [(authorship, {"position": display(p), "length": str(length)})
            for authorship, (positions, _) in found.authorships.items() for p in positions
            if int(display(p)) > length]


def match_list(index: Index, work: Term) -> list[Row] | None:
    """kgsh:Authorships-match-list: each position i of the list has an authorship whose
    agent is member i; where none does, what stands at i instead."""
    found = author_list(index, work)
    if found is None:
        return None
    at: dict[Term, list[tuple[Term, list[Term]]]] = {}
    for authorship, (positions, agents) in found.authorships.items():
        for position in positions:
            at.setdefault(position, []).append((authorship, agents))
    rows: list[Row] = []
    for i, member in enumerate(found.members, 1):
        standing = at.get(f'"{i}"^^{INTEGER}', [])
        if any(member in agents for _, agents in standing):
            continue
        named = display(member)
        wrong = [(a, agent) for a, agents in standing for agent in agents]
        rows += [(a, {"position": str(i), "member": named, "agent": display(agent),
                      "problem": f"Authorship <{display(a)}> at position {i} names <{display(agent)}>, "
                                 f"but member {i} of bibo:authorList is <{named}>"}) for a, agent in wrong]
        if not wrong:
            rows.append((None, {"position": str(i), "member": named,
                                "problem": f"No authorship at position {i}, where bibo:authorList has <{named}>"}))
    return rows


CHECKS: dict[str, DirectCheck] = {
    "35172dc01748a73a": well_formed,
    "34ab3470a8dda0ae": positions_unique,
    "5287e7539d0b75b6": positions_within_list,
    "270a32664aa4b497": match_list,
}
"""Fingerprint of a query (:func:`fingerprint`) -> its direct check."""


def substitute(message: str, bindings: dict[str, str]) -> str:
    """``{?var}`` and ``{$var}`` replaced by the bound texts, in order, as pyshacl does
    (``ConstraintComponent._format_sparql_based_result_message``: a ``re.sub`` per
    variable, the text used as the replacement template)."""
    for var, text_ in bindings.items():
        message = re.sub("{{[?$]{}}}".format(var), text_, message)
    return message

"""Validate stage: a batch's triples indexed once, as the shapes will read them.

Terms stay the strings the export wrote (kg.validate.terms); a triple stated twice is
indexed once (an RDF graph is a set). Only what the compiled shapes ask for is indexed
besides each subject's predicates and objects: the subjects of each class (class
targets), the subjects and objects of the target predicates, and the incoming edges of
the predicates that paths follow backwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.mapping.terms import Term, Triple

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS_OF = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
EMPTY: dict = {}


class Index:
    """Objects by subject and predicate; subjects by class; what targets and inverse
    paths need: the predicates read backwards (``inverse``: object -> predicate ->
    subjects) and the target predicates (``subjects_of``, ``objects_of``)."""

    __slots__ = ("out", "inverse", "typed", "subjects_of", "objects_of", "subclassing", "memo")

    def __init__(self, triples: Iterable[Triple], inverse: frozenset[Term] = frozenset(),
                 subjects_of: frozenset[Term] = frozenset(), objects_of: frozenset[Term] = frozenset()):
        out: dict[Term, dict[Term, list[Term]]] = {}
        last, po = None, EMPTY
        for s, p, o in triples:
            if s != last:  # a batch states a subject's triples together: look it up once
                po = out.get(s)  # type: ignore[assignment]
                if po is None:
                    po = out[s] = {}
                last = s
            values = po.get(p)
            if values is None:
                po[p] = [o]
            elif o not in values:
                values.append(o)
        typed: dict[Term, dict[Term, None]] = {}
        back: dict[Term, dict[Term, list[Term]]] = {}
        subjects: dict[Term, dict[Term, None]] = {p: {} for p in subjects_of}
        objects: dict[Term, dict[Term, None]] = {p: {} for p in objects_of}
        subclassing = False
        wanted = tuple(inverse | subjects_of | objects_of)
        for s, po in out.items():  # one pass over the subjects for what the rest needs
            for cls in po.get(RDF_TYPE, ()):
                typed.setdefault(cls, {})[s] = None
            subclassing = subclassing or SUBCLASS_OF in po
            for p in wanted:
                for o in po.get(p, ()):
                    if p in inverse:
                        back.setdefault(o, {}).setdefault(p, []).append(s)
                    if p in subjects:
                        subjects[p][s] = None
                    if p in objects:
                        objects[p][o] = None
        self.out, self.inverse, self.typed = out, back, typed
        self.subjects_of, self.objects_of = subjects, objects
        self.subclassing = subclassing
        self.memo: dict = {}
        """What checks derive from the index and reuse (kg.validate.sparql's author lists)."""

    def objects(self, subject: Term, predicate: Term) -> list[Term]:
        return self.out.get(subject, EMPTY).get(predicate, ())  # type: ignore[return-value]

    def superclasses(self, cls: Term) -> set[Term]:
        """``cls`` and every class it is an rdfs:subClassOf, transitively (SHACL 1.5,
        "SHACL instance")."""
        found, todo = {cls}, [cls]
        while todo:
            for parent in self.objects(todo.pop(), SUBCLASS_OF):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def instances(self, cls: Term) -> list[Term]:
        """Nodes whose rdf:type is ``cls`` or, transitively, a subclass of it."""
        found = dict(self.typed.get(cls, EMPTY))
        if self.subclassing:
            for other, members in self.typed.items():
                if other != cls and cls in self.superclasses(other):
                    found.update(members)
        return list(found)

    def is_instance(self, node: Term, cls: Term) -> bool:
        """Whether ``node`` is a SHACL instance of ``cls`` (sh:class, SHACL 4.1.1)."""
        types = self.objects(node, RDF_TYPE)
        if cls in types:
            return True
        return self.subclassing and any(cls in self.superclasses(t) for t in types)

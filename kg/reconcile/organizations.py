"""Reconcile stage, organisations: one organisation per IRI (its name's key) from the
names printed for it, as corporate authors or as a listing's tags.

The display name is the most frequent spelling, preferring one not all lower case; the
others are its alternate names. :class:`OrganizationNames` counts (``add``), merges
(``merge``) and resolves (``resolve``) in any partition.
"""

from __future__ import annotations

from collections import Counter

from kg.models import Organization
from kg.reconcile.works import most_common


class OrganizationNames:
    """How often each name was printed for each organisation IRI."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def add(self, iri: str, name: str) -> None:
        """One printing of an organisation's name: a corporate author's, or a listing's
        tag (kg.reconcile.partition.Scan.add_record)."""
        self.counts[(iri, name)] += 1

    def merge(self, other: OrganizationNames) -> None:
        self.counts.update(other.counts)

    def resolve(self) -> list[Organization]:
        """One organisation per IRI, by IRI."""
        names: dict[str, Counter[str]] = {}
        for (iri, name), count in self.counts.items():
            names.setdefault(iri, Counter())[name] += count
        found = []
        for iri in sorted(names):
            name = most_common(names[iri].elements(), prefer=lambda v: v.islower())
            found.append(Organization(iri=iri, name=name, alternate_names=tuple(sorted(set(names[iri]) - {name}))))
        return found

"""Reconcile stage, people: one person per IRI from the spellings seen of it, candidates
for a person to confirm, and the curation file's names that nothing matched.

People merge by :func:`kg.identity.person_key` (kg.identity.People); looser matches
(initials, a missing name) are only reported (:func:`person_candidates`). Each rule is
here once: :class:`Spellings` is the accumulator every path fills (``add`` a spelling,
``merge`` two partial states, ``resolve`` the people).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

from kg.errors import Diagnostic
from kg.identity import People, person_key, text_key
from kg.models import Agent, Person, PersonCandidate, Record
from kg.reconcile.works import most_common

SpellingKey = tuple[str, str, "str | None", "str | None", "str | None"]
"""(person IRI, name, given, family, suffix): one way a person's name was printed."""
Place = tuple[int, str, int, int]
"""Where a spelling was first seen: (0, source, line, position) for an author, (1,
source, 0, 0) for a profile's owner: every record's authors come before the owners."""


def spelling(agent: Agent) -> tuple[str, str | None, str | None, str | None]:
    return agent.name, agent.given_name, agent.family_name, agent.suffix


def author_place(record: Record, position: int) -> Place:
    return (0, record.source.source, record.source.line, position)


def owner_place(source: str) -> Place:
    return (1, source, 0, 0)


def diacritics_first(text: str) -> int:
    return -sum(1 for ch in text if ord(ch) > 127)


class Spellings:
    """Spellings of people: how often each was seen and where first."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: dict[SpellingKey, tuple[int, Place]] = {}

    def __len__(self) -> int:
        return len(self.seen)

    def add(self, key: SpellingKey, where: Place, count: int = 1) -> None:
        self.add_rows(((key, count, where),))

    def add_rows(self, rows: Iterable[tuple[SpellingKey, int, Place]]) -> None:
        """Count each (spelling, times seen, first place seen): the times add up, the
        first place is the least (:data:`Place` orders authors before owners)."""
        seen = self.seen
        for key, count, where in rows:
            known = seen.get(key)
            seen[key] = (count, where) if known is None else (known[0] + count, min(known[1], where))

    def merge(self, other: Spellings) -> None:
        self.add_rows(other.rows())

    def rows(self) -> Iterable[tuple[SpellingKey, int, Place]]:
        """The state as plain rows (for the spill files: :meth:`add_rows` reads them)."""
        return ((key, count, where) for key, (count, where) in self.seen.items())

    def resolve(self) -> list[Person]:
        """One person per IRI, by IRI (:func:`person_from_spellings`)."""
        by_person: dict[str, list[tuple]] = defaultdict(list)
        for (person, name, given, family, suffix), (count, where) in self.seen.items():
            by_person[person].append((name, given, family, suffix, count, where))
        return [person_from_spellings(person, by_person[person]) for person in sorted(by_person)]


def person_from_spellings(iri: str, spellings: Sequence[tuple[str, str | None, str | None, str | None, int, tuple]]
                          ) -> Person:
    """One person from the spellings seen of it, each (name, given, family, suffix, times
    seen, first place seen): the display name with the most diacritics, then the most
    frequent; its name parts as first seen; the other spellings as alternate names."""
    names: Counter = Counter()
    for name, _, _, _, count, _ in spellings:
        names[name] += count
    name = most_common(names.elements(), prefer=diacritics_first)
    _, given, family, suffix, _, _ = min((v for v in spellings if v[0] == name), key=lambda v: v[5])
    return Person(iri=iri, name=name, given_name=given, family_name=family, suffix=suffix,
                  alternate_names=tuple(sorted(set(names) - {name})))


def given_words(person: Person) -> list[str]:
    return text_key(person.given_name or "").split()


def family_key(person: Person) -> str | None:
    """What a person's candidates share (their family name's key), None for a person who
    has no family and given name (no candidate then)."""
    return text_key(person.family_name) if person.family_name and person.given_name else None


def _loose_match(a: list[str], b: list[str]) -> str | None:
    """Why given names ``a`` and ``b`` may be one person's (one reads as the other with
    initials or a missing name), or None. Equal lists are not a loose match."""
    short, long_ = sorted((a, b), key=len)
    if not short or a == b:
        return None

    def fits(i: int, j: int, initials: bool) -> str | None:
        if i == len(short):
            reasons = (["initials"] if initials else []) + (["a missing name"] if len(short) < len(long_) else [])
            return " and ".join(reasons) or None
        for k in range(j, len(long_)):
            x, y = short[i], long_[k]
            if x == y or (min(len(x), len(y)) == 1 and x[0] == y[0]):
                if (found := fits(i + 1, k + 1, initials or x != y)) is not None:
                    return found
        return None

    return fits(0, 0, False)


def person_candidates(people: Sequence[Person]) -> list[PersonCandidate]:
    """Pairs of people who may be one (``H. Francis Song`` / ``Francis Song``), found
    through an index by family name and initial, never by comparing all pairs; any
    partition of the people by :func:`family_key` gives the same pairs."""
    buckets: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in sorted(people, key=lambda p: p.iri):
        if person.family_name and (given := given_words(person)):
            for initial in sorted({w[0] for w in given}):
                buckets[(text_key(person.family_name), initial)].append(person)
    found: dict[tuple[str, str], PersonCandidate] = {}
    for bucket in buckets.values():
        for p, q in combinations(bucket, 2):
            pair = tuple(sorted((p.iri, q.iri)))
            if pair in found or p.iri == q.iri:
                continue
            if (reason := _loose_match(given_words(p), given_words(q))) is not None:
                first, second = (p, q) if p.iri == pair[0] else (q, p)
                found[pair] = PersonCandidate(people=pair, names=(first.name, second.name),  # type: ignore[arg-type]
                                              reason=reason)
    return [found[k] for k in sorted(found)]


class CurationUse:
    """The curation file's names that no person matches (by :func:`person_key` of a
    name or an alternate name); merging keeps what neither partition matched."""

    __slots__ = ("unused",)

    def __init__(self, people: People) -> None:
        self.unused = set(people.curated_names())

    def add(self, persons: Iterable[Person]) -> None:
        if self.unused:
            seen = {person_key(n) for p in persons for n in (p.name, *p.alternate_names)}
            self.unused = {n for n in self.unused if person_key(n) not in seen}

    def merge(self, other: CurationUse) -> None:
        self.unused &= other.unused

    def resolve(self) -> tuple[str, ...]:
        return tuple(sorted(self.unused))


def curation_warnings(people: People, unused: Sequence[str]) -> list[Diagnostic]:
    return [Diagnostic(path=people.curation.path or "curation", severity="warning", kind="curation-unused",
                       message=f"the curation file names {n!r}, whom no input mentions") for n in unused]

"""Reconcile stage, works: which work a record belongs to, and one description per work.

Each rule is written once, as a mergeable accumulator (``add``, ``merge``, ``resolve``)
or a pure function of one work's records, so that building in memory is one partition
of the same code and a streaming or a cluster run is many:

- **work key**: a titled record belongs to the work of its title key; an abstract-only
  record joins the one titled work with the same abstract key (:class:`AbstractIndex`),
  else it is a work of its own. Two titled works sharing an abstract: no join (the
  *ambiguous abstract* rule).
- **one description per work** (:func:`reconcile_work`): where records disagree, one
  value is kept by the rule :data:`RULES` names, and the disagreement is reported
  (fields in the order :data:`FIELDS`).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from kg.identity import Iris, People, text_key
from kg.models import Authorship, Disagreement, Record, SourceRef, SourceValues, UnmatchedAbstract, Work

RULES = {
    "title": "the most frequent, then the first in Unicode order",
    "abstract": "the longest, then the most frequent",
    "date": "the earliest",
    "category": "the most frequent, then the first in Unicode order",
    "authors": "a complete list over an et-al. one, then the longest, then the first source",
}
"""How a value is kept where sources disagree (README, "Identity and reconciliation")."""
FIELDS = tuple(RULES)
"""The order a work's disagreements are reported in."""

AMBIGUOUS = -1
"""An abstract key that two titled works share: abstract-only records do not join either."""
WorkKey = tuple[str, int]
"""``("t", title digest)`` for a titled work, ``("u", abstract digest)`` for an untitled one."""


def digest(text: str) -> int:
    """A 64-bit digest of a key, the same in every process (keys and buckets of the spill)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def most_common(values: Iterable[str], prefer: Callable[[str], object] = lambda v: 0) -> str:
    """Deterministic pick: best by ``prefer`` (lower first), then most frequent, then smallest."""
    counts = Counter(values)
    return min(counts, key=lambda v: (prefer(v), -counts[v], v))


def untitled_key(record: Record) -> str:
    """What identifies a work known only by this record: its abstract's key (the record's
    place where it has no abstract either)."""
    return text_key(record.abstract or f"{record.source.source}:{record.source.line}")


def title_digest(record: Record) -> int:
    return digest(text_key(record.title))  # type: ignore[arg-type]


def abstract_digest(record: Record) -> int:
    """The key an abstract-only record joins by, and a titled record is indexed by."""
    return digest(untitled_key(record))


class AbstractIndex:
    """Which titled work each abstract belongs to: abstract digest -> title digest, or
    :data:`AMBIGUOUS` where two titled works share it. Merging is commutative."""

    __slots__ = ("titles",)

    def __init__(self) -> None:
        self.titles: dict[int, int] = {}

    def add(self, abstract: int, title: int) -> None:
        if self.titles.setdefault(abstract, title) != title:
            self.titles[abstract] = AMBIGUOUS

    def merge(self, other: AbstractIndex) -> None:
        for abstract, title in other.titles.items():
            self.add(abstract, title)

    def resolve(self, abstract: int) -> WorkKey:
        """The work an abstract-only record with this abstract belongs to."""
        title = self.titles.get(abstract, AMBIGUOUS)
        return ("t", title) if title != AMBIGUOUS else ("u", abstract)


def index_record(record: Record, index: AbstractIndex) -> WorkKey | None:
    """A titled record's work key (its abstract, if any, noted in ``index``); None for an
    abstract-only record, whose work the complete index decides (:meth:`AbstractIndex.resolve`
    of :func:`abstract_digest`)."""
    if not record.title:
        return None
    title = title_digest(record)
    if record.abstract:
        index.add(digest(text_key(record.abstract)), title)
    return ("t", title)


class WorkGroups:
    """Records grouped by work key (``add`` a record under its key, ``merge`` another
    partial grouping); :meth:`resolve` gives each work's IRI and its records."""

    __slots__ = ("groups",)

    def __init__(self) -> None:
        self.groups: dict[WorkKey, list[Record]] = defaultdict(list)

    def add(self, key: WorkKey, record: Record) -> None:
        self.groups[key].append(record)

    def merge(self, other: WorkGroups) -> None:
        for key, records in other.groups.items():
            self.groups[key].extend(records)

    def resolve(self, iris: Iris) -> list[tuple[str, list[Record]]]:
        """(work IRI, its records by source and line), by IRI."""
        found = {}
        for records in self.groups.values():
            records.sort(key=lambda r: (r.source.source, r.source.line))
            found[work_iri(records, iris)] = records
        return sorted(found.items())


def work_iri(records: Sequence[Record], iris: Iris) -> str:
    """A work's IRI: its first titled record's title key, else its abstract's key."""
    titled = next((r for r in records if r.title), None)
    if titled is not None:
        return iris.work(text_key(titled.title))  # type: ignore[arg-type]
    return iris.untitled_work(untitled_key(records[0]))


def _printed_authors(record: Record) -> str:
    return "; ".join(a.printed for a in record.authors) + (" et al." if record.authors_truncated else "")


def _author_record(records: Sequence[Record]) -> Record | None:
    """The most complete author list wins: a full list over an ``et al.`` one, then the
    longest, then the first source."""
    with_authors = [r for r in records if r.authors]
    if not with_authors:
        return None
    return min(with_authors, key=lambda r: (r.authors_truncated, -len(r.authors), r.source.source, r.source.line))


def _pick(iri: str, field: str, records: Sequence[Record], value_of: Callable[[Record], str | None],
          prefer: Callable[[str], object] = lambda v: 0) -> tuple[str | None, Disagreement | None]:
    values: dict[str, list[SourceRef]] = defaultdict(list)
    for record in records:
        if (value := value_of(record)) is not None:
            values[value].append(record.source)
    if not values:
        return None, None
    kept = most_common((v for v, refs in values.items() for _ in refs), prefer)
    if len(values) < 2:
        return kept, None
    return kept, Disagreement(work=iri, field=field, kept=kept, rule=RULES[field],  # type: ignore[arg-type]
                              values=tuple(SourceValues(value=v, sources=tuple(s)) for v, s in sorted(values.items())))


def _authors_disagreement(iri: str, records: Sequence[Record], chosen: Record, people: People) -> Disagreement | None:
    lists: dict[str, list[SourceRef]] = defaultdict(list)
    identities = set()
    for record in records:
        if record.authors:
            lists[_printed_authors(record)].append(record.source)
            identities.add((tuple(people.agent(a) for a in record.authors), record.authors_truncated))
    if len(identities) < 2:
        return None
    return Disagreement(work=iri, field="authors", kept=_printed_authors(chosen), rule=RULES["authors"],
                        values=tuple(SourceValues(value=v, sources=tuple(s)) for v, s in sorted(lists.items())))


def reconcile_work(iri: str, records: Sequence[Record], iris: Iris, people: People) -> tuple[Work, list[Disagreement]]:
    """One description of a work from every record that lists it, and the disagreements
    (in the order :data:`FIELDS`)."""
    title, t = _pick(iri, "title", records, lambda r: r.title)
    abstract, a = _pick(iri, "abstract", records, lambda r: r.abstract, prefer=lambda v: -len(v))
    date, d = _pick(iri, "date", records, lambda r: r.date.isoformat() if r.date else None, prefer=lambda v: v)
    category, c = _pick(iri, "category", records, lambda r: r.category)
    chosen = _author_record(records)
    authors = _authors_disagreement(iri, records, chosen, people) if chosen else None
    codes = {r.code_available for r in records if r.code_available is not None}
    work = Work(
        iri=iri, title=title, abstract=abstract, category=category,
        date=datetime.date.fromisoformat(date) if date else None,
        code_available=(True in codes) if codes else None,
        organizations=tuple(sorted({iris.organization(text_key(t)) for r in records for t in r.organizations})),
        authorships=tuple(
            Authorship(position=i, agent=people.agent(agent), printed=agent.printed)
            for i, agent in enumerate(chosen.authors if chosen else (), start=1)
        ),
        authors_complete=None if chosen is None else not chosen.authors_truncated,
        sources=tuple(sorted({r.source for r in records}, key=lambda s: (s.source, s.line))),
    )
    return work, [x for x in (t, a, d, c, authors) if x is not None]


def unmatched_of(iri: str, work: Work, records: Sequence[Record]) -> list[UnmatchedAbstract]:
    """The abstract-only records that matched no titled record: every record of a work
    without a title (a titled record always makes its work titled)."""
    if work.title is not None:
        return []
    return [UnmatchedAbstract(r.source.source, r.source.path, r.source.line, iri) for r in records]

"""Reconcile stage: parsed profiles -> one description per work, person and organisation.

Works merge by title key; abstract-only records join the titled work whose cleaned
abstract matches (an index by key: linear in the number of records). Where sources
disagree, one value is kept by a documented rule and the disagreement is reported.
People merge by :func:`kg.identity.person_key`; looser matches are only reported.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import combinations

from kg.errors import Diagnostic
from kg.identity import Iris, People, person_key, text_key
from kg.models import (
    Agent,
    Authorship,
    Curation,
    Disagreement,
    ExportSummary,
    KnowledgeGraph,
    Organization,
    OwnerCandidate,
    Person,
    PersonCandidate,
    Profile,
    ProfileSummary,
    ReconciliationReport,
    Record,
    RejectedRecord,
    SourceRef,
    SourceValues,
    UnmatchedAbstract,
    Work,
)
from kg.parse.names import person_from_display

RULES = {
    "title": "the most frequent, then the first in Unicode order",
    "abstract": "the longest, then the most frequent",
    "date": "the earliest",
    "category": "the most frequent, then the first in Unicode order",
    "authors": "a complete list over an et-al. one, then the longest, then the first source",
}
"""How a value is kept where sources disagree (README, "Identity and reconciliation")."""


def most_common(values: Iterable[str], prefer: Callable[[str], object] = lambda v: 0) -> str:
    """Deterministic pick: best by ``prefer`` (lower first), then most frequent, then smallest."""
    counts = Counter(values)
    return min(counts, key=lambda v: (prefer(v), -counts[v], v))


def diacritics_first(text: str) -> int:
    return -sum(1 for ch in text if ord(ch) > 127)


def _where(ref: SourceRef) -> str:
    return f"{ref.source}:{ref.line}"


def _warning(ref: SourceRef, message: str, kind: str) -> Diagnostic:
    return Diagnostic(path=ref.path, line=ref.line, severity="warning", message=message, kind=kind)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def disagreement_warning(d: Disagreement) -> Diagnostic:
    """The one-line form of a disagreement, for the run summary on stderr."""
    first = min((s for v in d.values for s in v.sources), key=lambda s: (s.source, s.line))
    given = "; ".join(f"{_short(v.value)!r} ({', '.join(map(_where, v.sources))})" for v in d.values)
    return _warning(first, f"sources disagree on the {d.field} of {d.work}: {given}; kept {_short(d.kept)!r} "
                           f"({d.rule})", "disagreement")


def unmatched_warning(unmatched: UnmatchedAbstract) -> Diagnostic:
    return _warning(unmatched.ref, f"abstract-only record matches no titled record: {unmatched.work} has no title",
                    "unmatched-abstract")


def report_warnings(report: ReconciliationReport) -> Iterator[Diagnostic]:
    """The report's disagreements and unmatched abstracts as warnings, one at a time (a
    large export has hundreds of thousands)."""
    yield from map(disagreement_warning, report.disagreements)
    yield from map(unmatched_warning, report.unmatched_abstracts)


def unused_curation(people: People, persons: Sequence[Person]) -> tuple[str, ...]:
    """Names of the curation file that match no person of the inputs."""
    if not (names := people.curated_names()):
        return ()
    seen = {person_key(n) for p in persons for n in (p.name, *p.alternate_names)}
    return tuple(sorted({n for n in names if person_key(n) not in seen}))


def curation_warnings(people: People, unused: Sequence[str]) -> list[Diagnostic]:
    return [Diagnostic(path=people.curation.path or "curation", severity="warning", kind="curation-unused",
                       message=f"the curation file names {n!r}, whom no input mentions") for n in unused]


def untitled_key(record: Record) -> str:
    """What identifies a work known only by this record: its abstract's key (the record's
    place where it has no abstract either)."""
    return text_key(record.abstract or _where(record.source))


def group_records(records: Sequence[Record], iris: Iris) -> tuple[dict[str, list[Record]], list[SourceRef]]:
    """Records grouped by the work they describe, and the abstract-only records that
    matched no titled record (each then a work of its own)."""
    titled_by_abstract: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.title and record.abstract:
            titled_by_abstract[text_key(record.abstract)].add(iris.work(text_key(record.title)))
    groups: dict[str, list[Record]] = defaultdict(list)
    unmatched: list[SourceRef] = []
    for record in records:
        if record.title:
            groups[iris.work(text_key(record.title))].append(record)
            continue
        abstract_key = untitled_key(record)
        matches = titled_by_abstract.get(abstract_key, set())
        if len(matches) == 1:
            groups[next(iter(matches))].append(record)
        else:
            unmatched.append(record.source)
            groups[iris.untitled_work(abstract_key)].append(record)
    return groups, unmatched


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
    """One description of a work from every record that lists it, and the disagreements."""
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


Spelling = tuple[str, str | None, str | None, str | None]
"""(name, given, family, suffix): one way a person's name was printed."""


def spelling(agent: Agent) -> Spelling:
    return agent.name, agent.given_name, agent.family_name, agent.suffix


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


def _people(variants: dict[str, list[Agent]], used: set[str]) -> list[Person]:
    """One person per IRI used, from its agents in the order they were read."""
    people = []
    for iri in sorted(used & variants.keys()):
        seen: dict[tuple, list] = {}
        for place, agent in enumerate(variants[iri]):
            seen.setdefault(spelling(agent), [0, place])[0] += 1
        people.append(person_from_spellings(iri, [(*key, count, (place,)) for key, (count, place) in seen.items()]))
    return people


def organizations_from_names(names: dict[str, list[str]], used: set[str]) -> list[Organization]:
    organizations = []
    for iri in sorted(used & names.keys()):
        name = most_common(names[iri], prefer=lambda v: v.islower())
        organizations.append(Organization(iri=iri, name=name,
                                          alternate_names=tuple(sorted(set(names[iri]) - {name}))))
    return organizations


def _given_words(person: Person) -> list[str]:
    return text_key(person.given_name or "").split()


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
    through an index by family name and initial, never by comparing all pairs."""
    buckets: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in people:
        if person.family_name and (given := _given_words(person)):
            for initial in sorted({w[0] for w in given}):
                buckets[(text_key(person.family_name), initial)].append(person)
    found: dict[tuple[str, str], PersonCandidate] = {}
    for bucket in buckets.values():
        for p, q in combinations(bucket, 2):
            pair = tuple(sorted((p.iri, q.iri)))
            if pair in found or p.iri == q.iri:
                continue
            if (reason := _loose_match(_given_words(p), _given_words(q))) is not None:
                first, second = (p, q) if p.iri == pair[0] else (q, p)
                found[pair] = PersonCandidate(people=pair, names=(first.name, second.name),  # type: ignore[arg-type]
                                              reason=reason)
    return [found[k] for k in sorted(found)]


def profile_owner(profile: Profile, people: People) -> tuple[str | None, Agent | None, Person | None]:
    """A profile's owner: (IRI, the agent to count among that person's spellings, the
    person itself where the owner is scoped to the profile). Named by the curation file,
    else by a ``Last, First`` header; a first-name header is scoped to its profile;
    no header, no owner (it may be inferred later)."""
    source = profile.source.source
    curated = dict(people.curation.owners).get(source)
    if curated is not None:
        agent = person_from_display(curated)
    elif profile.owner is not None and profile.owner.family_name is not None:
        agent = profile.owner
    elif profile.owner is not None:
        iri = people.iris.scoped_owner(source)
        return iri, None, Person(iri=iri, name=profile.owner.name, given_name=profile.owner.given_name)
    else:
        return None, None, None
    return people.agent(agent), agent, None


def fits_first_name(person: Person, first_name: str) -> bool:
    """Whether a person's given names include a first-name owner's name (``Tony``)."""
    return text_key(first_name) in _given_words(person)


def _inferred_owner(works: Sequence[Work], persons: set[str]) -> str | None:
    """The one person who authored every listed work, if there is exactly one."""
    if not works or any(not w.authorships for w in works):
        return None
    common = set.intersection(*({a.agent for a in w.authorships} & persons for w in works))
    return next(iter(common)) if len(common) == 1 else None


def _owner_candidate(summary: ProfileSummary, owner: Person, works: Sequence[Work],
                     people: dict[str, Person]) -> OwnerCandidate | None:
    """The one author of the listed works whose given names include the owner's first name."""
    fits = sorted({a.agent for w in works for a in w.authorships
                   if a.agent in people and fits_first_name(people[a.agent], owner.name)})
    if len(fits) != 1:
        return None
    return OwnerCandidate(profile=summary.iri, owner=owner.iri, candidate=fits[0], name=people[fits[0]].name)


def build_graph(profiles: Sequence[Profile], base: str, curation: Curation | None = None,
                rejected: Sequence[RejectedRecord] = ()) -> KnowledgeGraph:
    """Merge parsed profiles into one reconciled description (works, people, organisations,
    profiles) and the report of what a person may want to check; ``rejected``: the
    records of files that could not be read at all (the profiles hold their own)."""
    iris = Iris(base)
    people = People(iris, curation)
    profiles = sorted(profiles, key=lambda p: p.source.source)
    records = [r for p in profiles for r in p.records]
    warnings: list[Diagnostic] = [w for p in profiles for w in p.warnings]
    groups, unmatched = group_records(records, iris)
    works: list[Work] = []
    disagreements: list[Disagreement] = []
    work_of: dict[SourceRef, str] = {}
    for iri, group in sorted(groups.items()):
        work, found = reconcile_work(iri, group, iris, people)
        works.append(work)
        disagreements.extend(found)
        work_of.update((r.source, iri) for r in group)
    unmatched_works = tuple(UnmatchedAbstract(ref.source, ref.path, ref.line, work_of[ref]) for ref in unmatched)

    variants: dict[str, list[Agent]] = defaultdict(list)
    org_names: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for agent in record.authors:
            if agent.kind == "person":
                variants[people.agent(agent)].append(agent)
            else:
                org_names[people.agent(agent)].append(agent.name)
        for tag in record.organizations:
            org_names[iris.organization(text_key(tag))].append(tag)

    scoped: list[Person] = []
    work_by_iri = {w.iri: w for w in works}
    summaries, inferred = [], []
    for profile in profiles:
        listed = tuple(sorted({work_of[r.source] for r in profile.records}))
        owner, agent, scoped_owner = profile_owner(profile, people)
        if agent is not None:
            variants[owner].append(agent)  # type: ignore[index]
        if scoped_owner is not None:
            scoped.append(scoped_owner)
        is_inferred = False
        if owner is None and (owner := _inferred_owner([work_by_iri[w] for w in listed], set(variants))):
            is_inferred = True
            inferred.append((iris.profile(profile.source.source), owner))
        summaries.append(ProfileSummary(
            iri=iris.profile(profile.source.source), source=profile.source, layout=profile.layout,
            owner=owner, owner_inferred=is_inferred, works=listed, records=profile.records))

    used_agents = {a.agent for w in works for a in w.authorships} | {s.owner for s in summaries if s.owner}
    persons = _people(variants, used_agents)
    by_iri = {p.iri: p for p in persons}
    owner_candidates = [c for s in summaries for o in scoped if o.iri == s.owner
                        if (c := _owner_candidate(s, o, [work_by_iri[w] for w in s.works], by_iri))]
    report = ReconciliationReport(
        disagreements=tuple(disagreements), unmatched_abstracts=unmatched_works,
        person_candidates=tuple(person_candidates(persons)), owner_candidates=tuple(owner_candidates),
        inferred_owners=tuple(inferred), curation_unused=unused_curation(people, persons),
        rejected=sorted_rejected([*rejected, *(r for p in profiles for r in p.rejected)]),
        byline_choices=tuple(sorted((c for p in profiles for c in p.choices), key=lambda c: (c.source.source, c.source.line))),
    )
    warnings.extend(curation_warnings(people, report.curation_unused))
    used_orgs = used_agents | {o for w in works for o in w.organizations}
    return KnowledgeGraph(
        base=iris.base, works=tuple(works),
        people=tuple(sorted(persons + scoped, key=lambda p: p.iri)),
        organizations=tuple(organizations_from_names(org_names, used_orgs)),
        profiles=tuple(summaries), warnings=tuple(warnings), report=report,
    )


def sorted_rejected(rejected: Iterable[RejectedRecord]) -> tuple[RejectedRecord, ...]:
    """Rejected records in the report's order: by source, then line."""
    return tuple(sorted(rejected, key=lambda r: (r.source.source, r.first_line, r.source.line)))


def summary_of(graph: KnowledgeGraph) -> ExportSummary:
    """The counts and findings of a whole-built graph, as a streaming export reports them."""
    return ExportSummary(
        base=graph.base, profiles=tuple(p.model_copy(update={"records": ()}) for p in graph.profiles),
        records=sum(len(p.records) for p in graph.profiles), works=len(graph.works), people=len(graph.people),
        organizations=len(graph.organizations), report=graph.report, warnings=graph.warnings)

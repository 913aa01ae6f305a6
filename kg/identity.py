"""Identity stage: deterministic IRIs, name normalisation, and the merging of records
into one work per paper and one resource per person or organisation.

Keys fold diacritics, case and punctuation (``Mądry, Aleksander`` and ``Aleksander
Madry`` share the key ``aleksander madry``). Known limit: identity by name cannot tell
homonyms apart, and looser variants (initials, a missing middle name) stay separate.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from kg.errors import Diagnostic, InputError
from kg.models import (
    Agent,
    Authorship,
    KnowledgeGraph,
    Organization,
    Person,
    Profile,
    ProfileSummary,
    Record,
    SourceRef,
    Work,
)

FOLDED_LETTERS = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th",
})
"""Latin letters that Unicode does not decompose into a base letter and a mark."""

MAX_SLUG = 80
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Case- and diacritic-free form of a text (``Mądry`` -> ``madry``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLDED_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def text_key(text: str) -> str:
    """The words of a text, folded, one space apart: what two spellings of it share."""
    return " ".join(_WORD.findall(fold(text)))


def _digest(text: str, length: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def slug(key: str) -> str:
    """IRI path segment for a key: its words joined by ``-``, percent-encoded; long keys
    are cut at a word and end in a hash of the whole key, so they stay unique."""
    if not key:
        return _digest(key)
    text = key.replace(" ", "-")
    if len(text) > MAX_SLUG:
        text = f"{text[: MAX_SLUG - 16].rsplit('-', 1)[0]}-{_digest(key, 8)}"
    return quote(text, safe="-")


def person_key(agent: Agent) -> str:
    return text_key(agent.name)


def check_base(base: str) -> str:
    """The base IRI every data IRI sits under; must be absolute and end in ``/`` or ``#``."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+[/#]$", base) or any(c in base for c in '<>"{}|^`\\'):
        raise InputError.at("--base", None, f"not an absolute IRI ending in '/' or '#': {base!r}",
                            "for example --base https://example.org/kg/")
    return base


class Iris:
    """The IRIs of one export, all under its base (ontology/README.md, "IRIs")."""

    def __init__(self, base: str):
        self.base = check_base(base)

    def work(self, title_key: str) -> str:
        return f"{self.base}work/{slug(title_key)}"

    def untitled_work(self, abstract_key: str) -> str:
        return f"{self.base}work/abstract-{_digest(abstract_key, 16)}"

    def person(self, key: str) -> str:
        return f"{self.base}person/{slug(key)}"

    def organization(self, key: str) -> str:
        return f"{self.base}organization/{slug(key)}"

    def profile(self, source: str) -> str:
        return f"{self.base}profile/{quote(source)}"

    def scoped_owner(self, source: str) -> str:
        """An owner known only by a first name is no identity: scoped to its profile."""
        return f"{self.profile(source)}/owner"

    def source_file(self, source: str) -> str:
        return f"{self.base}source/{quote(source)}"

    def record(self, ref: SourceRef) -> str:
        return f"{self.source_file(ref.source)}/L{ref.line}"

    def file_graph(self, source: str) -> str:
        return f"{self.base}graph/source/{quote(source)}"

    @property
    def reconciled_graph(self) -> str:
        return f"{self.base}graph/reconciled"

    def agent(self, agent: Agent) -> str:
        if agent.kind == "organization":
            return self.organization(text_key(agent.name))
        return self.person(person_key(agent))


def _most_common(values: Iterable[str], prefer: callable = lambda v: 0) -> str:  # type: ignore[valid-type]
    """Deterministic pick: best by ``prefer`` (lower first), then most frequent, then smallest."""
    counts = Counter(values)
    return min(counts, key=lambda v: (prefer(v), -counts[v], v))


def _non_ascii(text: str) -> int:
    return -sum(1 for ch in text if ord(ch) > 127)


def _group_records(records: Sequence[Record], iris: Iris, warnings: list[Diagnostic]) -> dict[str, list[Record]]:
    """Records grouped by the work they describe: by title, and for records with only an
    abstract, by the titled work whose abstract matches once cleaned."""
    titled_by_abstract: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.title and record.abstract:
            titled_by_abstract[text_key(record.abstract)].add(iris.work(text_key(record.title)))
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record.title:
            groups[iris.work(text_key(record.title))].append(record)
            continue
        abstract_key = text_key(record.abstract or f"{record.source.source}:{record.source.line}")
        matches = sorted(titled_by_abstract.get(abstract_key, ()))
        if len(matches) == 1:
            groups[matches[0]].append(record)
            continue
        if len(matches) > 1:
            warnings.append(_warning(record.source, f"abstract matches {len(matches)} titled works "
                                     f"({', '.join(matches)}); kept as a work of its own"))
        groups[iris.untitled_work(abstract_key)].append(record)
    return groups


def _warning(ref: SourceRef, message: str) -> Diagnostic:
    return Diagnostic(path=ref.path, line=ref.line, severity="warning", message=message)


def _disagreement(iri: str, field: str, values: dict[str, list[Record]], kept: str) -> Diagnostic | None:
    if len(values) < 2:
        return None
    where = "; ".join(f"{v!r} ({', '.join(f'{r.source.source}:{r.source.line}' for r in rs)})"
                      for v, rs in sorted(values.items()))
    first = min((r for rs in values.values() for r in rs), key=lambda r: (r.source.source, r.source.line))
    return _warning(first.source, f"sources disagree on the {field} of {iri}: {where}; kept {kept!r}")


def _author_record(records: Sequence[Record]) -> Record | None:
    """The most complete author list wins: a full list over an ``et al.`` one, then the
    longest, then the first source."""
    with_authors = [r for r in records if r.authors]
    if not with_authors:
        return None
    return min(with_authors, key=lambda r: (r.authors_truncated, -len(r.authors), r.source.source, r.source.line))


def reconcile_work(iri: str, records: Sequence[Record], iris: Iris) -> tuple[Work, list[Diagnostic]]:
    """One description of a work from every record that lists it (README, "Reconciliation")."""
    notes: list[Diagnostic] = []

    def pick(field: str, value_of, prefer=lambda v: 0):  # noqa: ANN001, ANN202
        values: dict[str, list[Record]] = defaultdict(list)
        for record in records:
            if (value := value_of(record)) is not None:
                values[value].append(record)
        if not values:
            return None
        kept = _most_common((v for v, rs in values.items() for _ in rs), prefer)
        if (note := _disagreement(iri, field, values, kept)) is not None:
            notes.append(note)
        return kept

    title = pick("title", lambda r: r.title)
    abstract = pick("abstract", lambda r: r.abstract, prefer=lambda v: -len(v))
    date = pick("date", lambda r: r.date.isoformat() if r.date else None, prefer=lambda v: v)
    category = pick("category", lambda r: r.category)
    chosen = _author_record(records)
    if chosen is not None:
        lists = {" | ".join(a.printed for a in r.authors) + (" et al." if r.authors_truncated else ""): [r]
                 for r in records if r.authors}
        if len({text_key(k) for k in lists}) > 1:
            notes.append(_warning(chosen.source, f"sources give different author lists for {iri}; kept the "
                                  f"{'complete' if not chosen.authors_truncated else 'longest'} list of "
                                  f"{chosen.source.source}:{chosen.source.line} ({len(chosen.authors)} authors)"))
    codes = {r.code_available for r in records if r.code_available is not None}
    work = Work(
        iri=iri, title=title, abstract=abstract, category=category,
        date=datetime.date.fromisoformat(date) if date else None,
        code_available=(True in codes) if codes else None,
        organizations=tuple(sorted({iris.organization(text_key(t)) for r in records for t in r.organizations})),
        authorships=tuple(
            Authorship(position=i, agent=iris.agent(a), printed=a.printed)
            for i, a in enumerate(chosen.authors if chosen else (), start=1)
        ),
        authors_complete=None if chosen is None else not chosen.authors_truncated,
        sources=tuple(sorted({r.source for r in records}, key=lambda s: (s.source, s.line))),
    )
    return work, notes


def _people(variants: dict[str, list[Agent]], used: set[str]) -> list[Person]:
    people = []
    for iri in sorted(used & variants.keys()):
        agents = variants[iri]
        name = _most_common((a.name for a in agents), prefer=_non_ascii)
        model = next(a for a in agents if a.name == name)
        people.append(Person(iri=iri, name=name, given_name=model.given_name, family_name=model.family_name,
                             alternate_names=tuple(sorted({a.name for a in agents} - {name}))))
    return people


def _organizations(names: dict[str, list[str]], used: set[str]) -> list[Organization]:
    organizations = []
    for iri in sorted(used & names.keys()):
        name = _most_common(names[iri], prefer=lambda v: v.islower())
        organizations.append(Organization(iri=iri, name=name,
                                          alternate_names=tuple(sorted(set(names[iri]) - {name}))))
    return organizations


def build_graph(profiles: Sequence[Profile], base: str) -> KnowledgeGraph:
    """Merge parsed profiles into one reconciled description (works, people, organisations,
    profiles), with a warning for every disagreement between sources."""
    iris = Iris(base)
    profiles = sorted(profiles, key=lambda p: p.source.source)
    records = [r for p in profiles for r in p.records]
    warnings: list[Diagnostic] = [w for p in profiles for w in p.warnings]
    works: list[Work] = []
    work_of: dict[SourceRef, str] = {}
    for iri, group in sorted(_group_records(records, iris, warnings).items()):
        work, notes = reconcile_work(iri, group, iris)
        works.append(work)
        warnings.extend(notes)
        work_of.update((r.source, iri) for r in group)
        if work.title is None:
            warnings.append(_warning(work.sources[0], f"work {iri} has no title: no source that lists it "
                                     "gives one"))

    people: dict[str, list[Agent]] = defaultdict(list)
    org_names: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for agent in record.authors:
            (people if agent.kind == "person" else org_names)[iris.agent(agent)].append(
                agent if agent.kind == "person" else agent.name)  # type: ignore[arg-type]
        for tag in record.organizations:
            org_names[iris.organization(text_key(tag))].append(tag)

    summaries, owners = [], []
    for profile in profiles:
        owner_iri = None
        if profile.owner is not None:
            scoped = profile.owner.family_name is None
            owner_iri = iris.scoped_owner(profile.source.source) if scoped else iris.agent(profile.owner)
            (owners if scoped else people[owner_iri]).append(
                Person(iri=owner_iri, name=profile.owner.name, given_name=profile.owner.given_name)
                if scoped else profile.owner)  # type: ignore[arg-type]
        summaries.append(ProfileSummary(
            iri=iris.profile(profile.source.source), source=profile.source, layout=profile.layout,
            owner=owner_iri, works=tuple(sorted({work_of[r.source] for r in profile.records}))))

    used_agents = {a.agent for w in works for a in w.authorships} | {s.owner for s in summaries if s.owner}
    used_orgs = used_agents | {o for w in works for o in w.organizations}
    return KnowledgeGraph(
        base=iris.base, works=tuple(works),
        people=tuple(sorted(_people(people, used_agents) + owners, key=lambda p: p.iri)),
        organizations=tuple(_organizations(org_names, used_orgs)),
        profiles=tuple(summaries), warnings=tuple(warnings),
    )

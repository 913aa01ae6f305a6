"""Reconcile stage, owners: who owns each profile, named or inferred.

- **named owner** (:func:`profile_owner`): the curation file's, else a ``Last, First``
  header's person; a first-name header (``Tony``) is no identity, so that owner is a
  person scoped to its profile; no header, no owner yet.
- **inferred owner** (:class:`OwnerEvidence`): a headerless profile's owner is the one
  person who authored every work it lists (the intersection of the works' people; a
  listed work without authors spoils it).
- **owner candidate**: a first-name owner's one fitting author (given names include the
  first name, :func:`fits_first_name`) among the listed works' authors, reported.

:class:`OwnerEvidence` is filled work by work (``add``), merged across partitions
(``merge``) and resolved once the people are known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kg.identity import People, person_key, text_key
from kg.models import Agent, OwnerCandidate, Person, Profile, ProfileSummary, Record, Work
from kg.parse.names import person_from_display
from kg.reconcile.people import given_words


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
    return text_key(first_name) in given_words(person)


def may_fit(first_name: str, records: Sequence[Record], people: People) -> set[str]:
    """People of these records whose display name may have ``first_name`` among its given
    names: a display name is one of the person's spellings, which all share the words of
    its key, except for people a curation file merges (kept, to be checked once resolved)."""
    wanted = text_key(first_name)
    found = {people.agent(a) for r in records for a in r.authors
             if a.kind == "person" and wanted in person_key(a.name).split()}
    return found | people.merged_iris


class OwnerEvidence:
    """Per profile (by source): for a headerless one, the people who authored every work
    seen so far (None once a work without authors is seen); for a first-name owner's,
    the people who may fit the name."""

    __slots__ = ("common", "fits")

    def __init__(self) -> None:
        self.common: dict[str, frozenset[str] | None] = {}
        self.fits: dict[str, set[str]] = {}

    def add(self, profile: ProfileSummary, work: Work, records: Sequence[Record], people: People,
            scoped: Mapping[str, str], is_person) -> None:  # noqa: ANN001 - Callable[[str], bool]
        """What a work listed by ``profile`` tells about its owner (``scoped``: first-name
        owners' IRIs and names)."""
        if profile.owner is not None and profile.owner not in scoped:
            return  # a named owner: nothing to infer
        persons = frozenset(a.agent for a in work.authorships if is_person(a.agent))
        source = profile.source.source
        if profile.owner is None:
            self._common(source, persons if work.authorships else None)
        else:
            self.fits.setdefault(source, set()).update(persons & may_fit(scoped[profile.owner], records, people))

    def _common(self, source: str, persons: frozenset[str] | None) -> None:
        if source not in self.common:
            self.common[source] = persons
        elif (seen := self.common[source]) is not None:
            self.common[source] = None if persons is None else seen & persons

    def merge(self, other: OwnerEvidence) -> None:
        for source, persons in other.common.items():
            self._common(source, persons)
        for source, found in other.fits.items():
            self.fits.setdefault(source, set()).update(found)

    def inferred(self) -> dict[str, str]:
        """Headerless profiles' owners (source -> person IRI), where exactly one person
        authored every listed work."""
        return {source: next(iter(persons)) for source, persons in sorted(self.common.items())
                if persons is not None and len(persons) == 1}

    def wanted(self) -> set[str]:
        """The people whose display names :meth:`candidates` needs."""
        return set().union(*self.fits.values())

    def candidates(self, profiles: Mapping[str, ProfileSummary], scoped: Mapping[str, str],
                   persons: Mapping[str, Person]) -> list[OwnerCandidate]:
        """First-name owners' one fitting author each, by profile source (``persons``:
        at least :meth:`wanted`)."""
        found = []
        for source, maybe in sorted(self.fits.items()):
            profile = profiles[source]
            fitting = sorted(p for p in maybe if fits_first_name(persons[p], scoped[profile.owner]))  # type: ignore[index]
            if len(fitting) == 1:
                found.append(OwnerCandidate(profile=profile.iri, owner=profile.owner, candidate=fitting[0],
                                            name=persons[fitting[0]].name))
        return found

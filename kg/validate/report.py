"""Validate stage: SHACL results as models, the same from either engine.

A :class:`ShapeResult` carries every field of a ``sh:ValidationResult`` that pyshacl
writes (SHACL 3.6.2, https://www.w3.org/TR/shacl/#results-validation-result): focus
node, result path, value, source shape, source constraint component, source
constraint, severity and message, and the nested ``sh:detail`` results that pyshacl
gives a failed ``sh:node``. Terms are written so that the two engines compare on them:
the focus node as its IRI (a blank node as its label, a literal as its lexical form,
as ``str()`` of an rdflib term gives them), the value in N-Triples syntax (so that
``"1"^^xsd:decimal`` and ``"1"^^xsd:integer`` differ), paths in SPARQL syntax
(``^<p>``, ``<p>/(<q>)*``; a predicate path as its bare IRI).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["Violation", "Warning", "Info"]
ALLOWED = frozenset({"Warning", "Info"})
"""Severities that do not make a report non-conforming: kg runs pyshacl with
``allow_warnings=True`` (see the header of shapes/kg.shacl.ttl)."""
NO_MESSAGE = "constraint not met"
"""The message of a result that has none (a shape without sh:message)."""


class ShapeResult(BaseModel):
    """One SHACL validation result, as a model rather than report text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    severity: Severity
    focus: str
    path: str | None = None
    value: str | None = None
    """The value node in N-Triples syntax (``<iri>``, ``"1"^^<…#integer>``, ``_:b``)."""
    message: str
    """The result's messages (sh:resultMessage), sorted, joined with `` | ``."""
    shape: str | None = None
    constraint: str | None = None
    """The SPARQL constraint that produced the result (sh:sourceConstraint), if any."""
    component: str | None = None
    """The constraint component (sh:sourceConstraintComponent), such as
    ``http://www.w3.org/ns/shacl#MinCountConstraintComponent``."""
    details: tuple[ShapeResult, ...] = ()
    """Results nested under this one with sh:detail (a failed sh:node), in
    :func:`sorted_results` order."""

    def render(self, indent: str = "") -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value {self.value})" if self.value else ""
        lines = [f"{indent}{self.severity}: <{self.focus}>{where}: {self.message}{value}"]
        lines += [d.render(indent + "  ") for d in self.details]
        return "\n".join(lines)


EVERY_FIELD = set(ShapeResult.model_fields)
"""The fields set of a result made with every field given: the fast engine's results
share this one set (pydantic would give each its own: 1.2 KB -> 0.5 KB a result, which
matters for the half a million warnings of an export of 10^6 works)."""


def _key(result: ShapeResult) -> tuple:
    return (result.severity != "Violation", result.focus, result.path or "", result.shape or "", result.message,
            result.value or "", result.constraint or "", result.component or "",
            tuple(_key(d) for d in result.details))


def sorted_results(results: Iterable[ShapeResult]) -> tuple[ShapeResult, ...]:
    """Results in a fixed order (violations first, then by focus, path, shape, ...)."""
    return tuple(sorted(results, key=_key))


def messages_text(messages: Iterable[str]) -> str:
    """The one ``message`` field of a result with these sh:resultMessage texts."""
    return " | ".join(sorted(set(messages))) or NO_MESSAGE


class ValidationReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    conforms: bool
    results: tuple[ShapeResult, ...]

    @property
    def violations(self) -> tuple[ShapeResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")


def report_of(results: Iterable[ShapeResult], conforms: bool | None = None) -> ValidationReport:
    """A report of some results, each stated once, in :func:`sorted_results` order;
    ``conforms`` defaults to "no result is a violation"."""
    unique = sorted_results(set(results))
    if conforms is None:
        conforms = all(r.severity in ALLOWED for r in unique)
    return ValidationReport(conforms=conforms, results=unique)

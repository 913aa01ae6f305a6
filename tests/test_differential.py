"""Differential test: the fast engine and pyshacl on mutated batches of a real export.

The batches are those the streaming export validates (kg.stream: the triples and the
node shapes of each batch), recorded during an export of a generated corpus in small
batches. Hypothesis mutates one in the ways an export goes wrong, or a hand edits it
(delete, duplicate, retype, re-datatype, swap list cells, renumber positions, break
literals, blank a node, repoint an edge, declare a subclass, give rdf:nil links), then
both engines validate it and the result sets must be equal on every field.

The budget is small in CI (``KG_DIFFERENTIAL_EXAMPLES``, default 25, on batches of at
most ``KG_DIFFERENTIAL_MAX_TRIPLES`` triples, of a 120-work corpus, ``KG_DIFFERENTIAL_WORKS``
and ``_SEED``, and of the bundled profiles, whose long author lists only a larger limit
lets in); a larger run, ``KG_DIFFERENTIAL_EXAMPLES=2000 pytest -s
tests/test_differential.py``, prints how many graphs and results were compared.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kg.stream.run
from kg.stream import Batches
from kg.pipeline import ExportOptions, export
from kg.validate import sorted_results, validate_batch
from kg.validate.terms import literal, literal_parts

EXAMPLES = int(os.environ.get("KG_DIFFERENTIAL_EXAMPLES", "25"))
PROFILES = Path(__file__).parents[1] / "examples" / "profiles"
MAX_TRIPLES = int(os.environ.get("KG_DIFFERENTIAL_MAX_TRIPLES", "500"))
"""Batches larger than this are left out (pyshacl's time grows with the author lists)."""
WORKS, SEED = int(os.environ.get("KG_DIFFERENTIAL_WORKS", "120")), int(os.environ.get("KG_DIFFERENTIAL_SEED", "3"))
"""The generated corpus whose export is mutated (benchmarks/generate_corpus.py)."""

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
TYPE, FIRST, REST, NIL = f"<{RDF}type>", f"<{RDF}first>", f"<{RDF}rest>", f"<{RDF}nil>"
POSITIONAL = ("<https://w3id.org/kg/ns#position>", "<https://w3id.org/kg/ns#line>")
CLASSES = [f"<{c}>" for c in (
    "http://schema.org/ScholarlyArticle", "http://purl.org/ontology/bibo/AcademicArticle",
    "http://purl.org/ontology/bibo/Report", "http://schema.org/Person", "http://xmlns.com/foaf/0.1/Person",
    "http://schema.org/Organization", "http://xmlns.com/foaf/0.1/Organization", "http://www.w3.org/ns/prov#Attribution",
    "http://www.w3.org/2004/02/skos/core#Concept", "https://w3id.org/kg/ns#SourceRecord",
    "https://w3id.org/kg/ns#SourceFile", "http://schema.org/ProfilePage")]
DATATYPES = [None, "@en", *(XSD + t for t in ("string", "integer", "decimal", "double", "date", "dateTime",
                                              "boolean", "int", "nonNegativeInteger", "gYear"))]
LEXICALS = ["", "0", "1", "01", "+2", "-1", " 3", "1.0", "7", "2024-13-45", "2024-02-29", "2023-02-29",
            "2024-12-21T00:00:00", "true", "false", "abc", 'a "quoted" \\ back\nslash', "Ünïcode ✓",
            "{?problem}", "{$this} \\1"]
MUTATIONS = [
    "delete", "duplicate", "retype", "datatype", "swap-first", "relink-rest", "position", "lexical", "blank", "repoint",
    "subclass", "nil",
]
SUBCLASS_OF = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> list[tuple[list, tuple[str, ...]]]:
    """(triples, node shapes) of every batch a small streamed export validates."""
    from benchmarks.generate_corpus import generate_corpus

    folder = tmp_path_factory.mktemp("differential")
    generate_corpus(WORKS, SEED, folder / "corpus")
    recorded: list = []

    def record(triples, shapes, engine="fast"):  # noqa: ANN001, ANN202
        recorded.append((list(triples), tuple(shapes)))
        return []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.stream.run, "validate_batch", record)
        small = Batches(files=2, works=4, people=12, profiles=2)
        for corpus in (folder / "corpus", PROFILES):  # the bundled profiles have 250-420-author lists
            export([corpus], ExportOptions(format="nquads", jobs=1, batches=small), io.StringIO())
    kept = [b for b in recorded if len(b[0]) <= MAX_TRIPLES]
    print(f"\ndifferential: {len(kept)} batches of {len(recorded)}, "
          f"{min(len(b[0]) for b in kept)}-{max(len(b[0]) for b in kept)} triples")
    assert len({b[1] for b in kept}) == 5, "every kind of batch is there"
    return kept


@pytest.fixture(scope="module")
def tally():
    counts = {"graphs": 0, "results": 0, "violations": 0, "errors": 0, "largest": 0}
    yield counts
    print(f"\ndifferential: {counts['graphs']} graphs compared (the largest {counts['largest']} triples), "
          f"{counts['results']} results ({counts['violations']} violations), identical under both engines; "
          f"{counts['errors']} graphs on which both failed alike")


def mutate(data: st.DataObject, triples: list) -> list:
    """One mutation of a batch's triples, chosen by hypothesis (none if the batch has
    nothing it applies to)."""
    kind = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    pick = lambda items, label: data.draw(st.sampled_from(items), label=label)  # noqa: E731
    literals = [t for t in triples if t[2][0] == '"']
    positional = [t for t in literals if t[1] in POSITIONAL]
    firsts, rests = [t for t in triples if t[1] == FIRST], [t for t in triples if t[1] == REST]
    edges = [t for t in triples if t[2][0] == "<" and t[1] != TYPE]
    if kind == "delete" and triples:
        triples.remove(pick(triples, "deleted"))
    elif kind == "duplicate" and triples:  # a second value: another object of the same predicate
        s, p, _ = pick(triples, "subject")
        triples.append((s, p, pick([t[2] for t in triples if t[1] == p], "object")))
    elif kind == "retype" and triples:
        s = pick([t[0] for t in triples], "typed")
        if data.draw(st.booleans(), label="drop types"):
            triples[:] = [t for t in triples if not (t[0] == s and t[1] == TYPE)]
        triples.append((s, TYPE, pick(CLASSES, "class")))
    elif kind in ("datatype", "lexical", "position") and literals:
        chosen = pick(positional if kind == "position" and positional else literals, "literal")
        lexical, language, datatype = literal_parts(chosen[2])
        if kind == "datatype":
            dt = pick(DATATYPES, "datatype")
            language, datatype = ("en", None) if dt == "@en" else (None, dt)
        elif kind == "position":
            lexical = str(data.draw(st.integers(-2, 9), label="number"))
        else:
            lexical = pick(LEXICALS, "lexical")
        triples[triples.index(chosen)] = (chosen[0], chosen[1], literal(lexical, language, datatype))
    elif kind == "swap-first" and len(set(firsts)) > 1:
        a, b = data.draw(st.lists(st.sampled_from(firsts), min_size=2, max_size=2, unique=True), label="cells")
        triples[triples.index(a)], triples[triples.index(b)] = (a[0], FIRST, b[2]), (b[0], FIRST, a[2])
    elif kind == "relink-rest" and rests:
        link = pick(rests, "link")
        nodes = [t[0] for t in firsts + rests] + [NIL, "<https://example.org/kg/not-a-cell>"]
        triples[triples.index(link)] = (link[0], REST, pick(nodes, "to"))
    elif kind == "blank" and any(t[0][0] == "<" for t in triples):  # an IRI node becomes a blank node
        node = pick([t[0] for t in triples if t[0][0] == "<"], "node")
        triples[:] = [("_:blanked" if s == node else s, p, "_:blanked" if o == node else o) for s, p, o in triples]
    elif kind == "repoint" and edges:
        s, p, o = pick(edges, "edge")
        triples[triples.index((s, p, o))] = (s, p, pick([t[0] for t in triples], "target"))
    elif kind == "subclass":  # the data says one class is a subclass of another
        triples.append((pick(CLASSES, "subclass"), SUBCLASS_OF, pick(CLASSES, "superclass")))
    elif kind == "nil" and triples:  # rdf:nil given a first or a rest of its own
        triples.append((NIL, pick([FIRST, REST], "link"), pick([t[0] for t in triples], "to")))
    return triples


def outcome(triples: list, shapes: tuple[str, ...], engine: str) -> tuple | str:
    """An engine's results, or the error it raised (pyshacl fails on some data: a
    message whose bound text has a backslash, which its re.sub reads as a group)."""
    try:
        return sorted_results(set(validate_batch(triples, shapes, engine)))  # type: ignore[arg-type]
    except Exception as error:  # noqa: BLE001 - compared, not swallowed
        return f"{type(error).__name__}: {error}"


@settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], derandomize="KG_DIFFERENTIAL_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_batches_give_pyshacls_results(batches, tally, data):
    triples, shapes = data.draw(st.sampled_from(batches), label="batch")
    triples = list(triples)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        triples = mutate(data, triples)
    reference, fast = outcome(triples, shapes, "pyshacl"), outcome(triples, shapes, "fast")
    tally["graphs"] += 1
    tally["largest"] = max(tally["largest"], len(triples))
    if isinstance(reference, str) or isinstance(fast, str):
        assert fast == reference  # the same failure: pyshacl's, which the fast engine reached
        tally["errors"] += 1
        return
    assert fast == reference, "\n".join(
        [f"batch {shapes}, {len(triples)} triples", "pyshacl only:"] + [r.render() for r in reference if r not in fast]
        + ["fast only:"] + [r.render() for r in fast if r not in reference])
    tally["results"] += len(reference)
    tally["violations"] += sum(r.severity == "Violation" for r in reference)

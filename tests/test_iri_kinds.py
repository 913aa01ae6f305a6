"""IRI kinds decided in one place (kg.identity.Iris.kind): every IRI an export mints
reads back as the kind of resource it names, under any base."""

from __future__ import annotations

import pytest

from kg.identity import Iris
from kg.models import SourceRef


@pytest.mark.parametrize("base", ["https://example.org/kg/", "https://example.org/kg#", "http://h/a/b/"])
def test_every_minted_iri_reads_back_as_its_kind(base):
    iris = Iris(base, "lab-a")
    minted = {
        iris.work("a title"): "work", iris.untitled_work("an abstract"): "work",
        iris.person("ann smith"): "person", iris.split_person("ann smith", "Ann Smith"): "person",
        iris.scoped_owner("lab/tony.txt"): "scoped-owner", iris.organization("openai"): "organization",
        iris.profile("lab/a b.txt"): "profile", iris.source_file("lab/a b.txt"): "file",
        iris.record(SourceRef(source="lab/a b.txt", path="/x", line=12)): "record",
        iris.file_graph("a.txt"): "graph", iris.reconciled_graph: "graph", iris.description_graph: "graph",
        iris.dataset: "dataset", "https://w3id.org/kg/category/cs.LG": "category",
        "https://elsewhere.org/person/x": "other", f"{base}unknown/x": "other",
    }
    assert {iri: iris.kind(iri) for iri in minted} == minted

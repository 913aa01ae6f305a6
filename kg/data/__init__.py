"""Files the package ships: the category scheme, the ontology, the shapes (links to
``ontology/`` and ``shapes/`` in the source tree) and the JSON-LD context."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_file(name: str) -> Path:
    """Path of a shipped file (``categories.ttl``, ``kg.shacl.ttl``, ``context.jsonld``)."""
    return Path(str(files(__package__).joinpath(name)))

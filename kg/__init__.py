"""kg: publication-profile text files to a validated schema.org + BIBO knowledge graph."""

__version__ = "0.1.0"

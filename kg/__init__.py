"""kg: publication-profile text files to a validated schema.org + BIBO knowledge graph.

The Python API (README, "Python API"): :func:`kg.export` (what ``kg export`` does,
files written whole or not at all) and :func:`kg.build` (the graph in memory, in a
pyoxigraph Store), with :class:`kg.ExportOptions`; loaded on first use (kg.api), so
that ``import kg`` stays light.
"""

__version__ = "0.1.0"

API = ("export", "build", "ExportOptions")


def __getattr__(name: str):  # noqa: ANN202 - PEP 562: the API, imported when first used
    if name in API:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


__all__ = ["ExportOptions", "__version__", "build", "export"]

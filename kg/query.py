"""Query stage: SPARQL 1.1 over an export, in an embedded pyoxigraph store, and the
formatting of its results.

The default graph of every query is the union of all the file's graphs, so a query
does not depend on which named graph of an N-Quads/TriG export holds a triple (the
same answers as from a Turtle export, or from a store such as Virtuoso whose default
graph is the union). The project's prefixes (``kg.namespaces.PREFIXES``) are
predeclared; a query's own ``PREFIX`` lines win.

Known limit: the whole file is loaded into memory.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.namespaces import PREFIXES

RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
}
"""Input file extension -> RDF format: every format ``kg export`` writes."""

SOLUTION_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                    "json": ox.QueryResultsFormat.JSON}
GRAPH_FORMATS = {"ntriples": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE}
OUTPUT_FORMATS = ("table", *SOLUTION_FORMATS, *GRAPH_FORMATS)
"""``--format`` values: ``table`` and the SPARQL results formats for SELECT and ASK,
N-Triples or Turtle for CONSTRUCT and DESCRIBE."""

QUERY_SUFFIXES = (".rq", ".sparql")
Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
TABLE_CELL_WIDTH = 60


def read_store(path: Path) -> ox.Store:
    """An in-memory store holding an RDF file (format from the extension)."""
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError.at(str(path), None, "cannot tell the RDF format from the file name",
                            f"use one of {', '.join(RDF_FORMATS)}")
    if not path.is_file():
        raise InputError.at(str(path), None, "no such file")
    store = ox.Store()
    try:
        store.load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError.at(str(path), None, f"cannot parse: {_one_line(exc)}") from None
    return store


def read_query(argument: str) -> tuple[str, str]:
    """The query text and a name for messages: the content of the file the argument
    names (``.rq``), else the argument itself as SPARQL text."""
    path = Path(argument)
    if _is_file(path):
        try:
            return path.read_text(encoding="utf-8"), argument
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError.at(argument, None, f"cannot read the query: {_one_line(exc)}") from None
    if path.suffix.lower() in QUERY_SUFFIXES and not any(c.isspace() for c in argument):
        raise InputError.at(argument, None, "no such file")
    return argument, "query"


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a query text too long or odd to be a file name
        return False


def run_query(store: ox.Store, query: str, name: str = "query") -> Result:
    """Evaluate a SPARQL 1.1 query with the union of all graphs as the default graph."""
    try:
        return store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise InputError.at(name, None, f"bad SPARQL: {_one_line(exc)}") from None
    except (OSError, ValueError) as exc:
        raise InputError.at(name, None, f"query failed: {_one_line(exc)}") from None


def format_result(result: Result, fmt: str | None, terminal: bool = True) -> str:
    """The result as text in ``fmt``. By default SELECT and ASK results are a table on
    a terminal and SPARQL TSV otherwise; CONSTRUCT and DESCRIBE give sorted N-Triples."""
    if fmt is not None and fmt not in OUTPUT_FORMATS:
        raise InputError.at("--format", None, f"unknown format {fmt!r}",
                            f"choose one of {', '.join(OUTPUT_FORMATS)}")
    if isinstance(result, ox.QueryTriples):
        return _format_triples(result, fmt or "ntriples")
    fmt = fmt or ("table" if terminal else "tsv")
    if fmt in GRAPH_FORMATS:
        raise InputError.at("--format", None, f"{fmt} is for CONSTRUCT and DESCRIBE queries",
                            "use table, csv, tsv or json")
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
        return ("true" if bool(result) else "false") + "\n"
    if fmt in SOLUTION_FORMATS:
        text = result.serialize(format=SOLUTION_FORMATS[fmt]).decode("utf-8")
        return text if text.endswith("\n") else text + "\n"
    return format_table(result)


def _format_triples(triples: ox.QueryTriples, fmt: str) -> str:
    if fmt not in GRAPH_FORMATS:
        raise InputError.at("--format", None, f"{fmt} is for SELECT and ASK queries",
                            "use ntriples or turtle")
    if fmt == "ntriples":  # canonical and sorted: the same graph always prints the same
        text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        return "".join(sorted(text.splitlines(keepends=True)))
    return ox.serialize(list(triples), format=GRAPH_FORMATS[fmt], prefixes=PREFIXES).decode("utf-8")


def format_table(solutions: ox.QuerySolutions) -> str:
    """A plain-text table for a terminal: IRIs shortened with the project's prefixes,
    literals by their value, long cells cut, then the row count."""
    header = [v.value for v in solutions.variables]
    rows = [[display_term(solution[v]) for v in solutions.variables] for solution in solutions]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = [_table_line(header, widths), "-+-".join("-" * w for w in widths)]
    lines += [_table_line(row, widths) for row in rows]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _table_line(cells: list[str], widths: list[int]) -> str:
    return " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()


def display_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """How a table shows one term (not a serialization: use csv/tsv/json for that)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = _compact(term.value)
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Literal):
        text = term.value
    else:  # RDF-star quoted triple
        text = str(term)
    text = " ".join(text.split())
    return text if len(text) <= TABLE_CELL_WIDTH else text[:TABLE_CELL_WIDTH - 1] + "…"


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())

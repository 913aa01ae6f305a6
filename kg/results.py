"""Query results as text, streamed: each solution or triple is formatted as the engine
produces it, so the memory a result takes does not grow with its size.

- SELECT: SPARQL 1.1 Query Results TSV and CSV (https://www.w3.org/TR/sparql11-results-csv-tsv/)
  and JSON (https://www.w3.org/TR/sparql11-results-json/), a line (or a binding) per
  solution, the same bytes as pyoxigraph's own serializers; or a table for a terminal.
- ASK: ``true``/``false``, or the JSON boolean result.
- CONSTRUCT and DESCRIBE: N-Triples (or Turtle, with the project's prefixes), in
  chunks of :data:`TRIPLES_PER_CHUNK` triples, in the order the engine produces them.

A table is for reading on a terminal: it reads the first :data:`TABLE_HEAD_ROWS` rows to
size its columns, prints them, then prints every later row as it comes with the same
column widths. Given the terminal's width, the columns share it (the widest give way
first, down to :data:`TABLE_MIN_WIDTH`) and every cell is cut to its column; without
one, a longer later cell widens its own line. Widths are terminal cells (a CJK
character takes two; rich.cells measures them). Cells are cut at
:data:`TABLE_CELL_WIDTH` cells, show IRIs shortened by the project's prefixes, and show
controls and bidi characters as escapes (:func:`kg.errors.printable`), so data cannot
drive the terminal; csv, tsv and json give the exact values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice

import pyoxigraph as ox
from rich.cells import cell_len, set_cell_size

from kg.errors import InputError, printable
from kg.formats import UnknownFormat, format_named
from kg.namespaces import PREFIXES

SOLUTION_FORMATS = ("csv", "tsv", "json")
GRAPH_FORMATS = ("ntriples", "turtle")
"""The RDF formats (kg.formats, aliases too: ``nt``, ``ttl``) of CONSTRUCT and DESCRIBE results."""
OUTPUT_FORMATS = ("table", *SOLUTION_FORMATS, *GRAPH_FORMATS)
"""``--format`` values: ``table`` and the SPARQL results formats for SELECT and ASK,
N-Triples or Turtle for CONSTRUCT and DESCRIBE."""

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
TABLE_CELL_WIDTH = 60
TABLE_MIN_WIDTH = 8
"""The narrowest a column gets to fit the terminal (a narrower header keeps its width)."""
TABLE_SEPARATOR = " | "
TABLE_HEAD_ROWS = 1000
TRIPLES_PER_CHUNK = 1000
XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE_IN_TSV = {f"{XSD}boolean", f"{XSD}integer", f"{XSD}decimal", f"{XSD}double"}


def check_format(fmt: str | None) -> str | None:
    """The output format ``fmt`` names (an RDF format's alias gives its name), or InputError."""
    if fmt is None or fmt in ("table", *SOLUTION_FORMATS):
        return fmt
    try:
        found = format_named(fmt).name
    except UnknownFormat:
        found = None
    if found not in GRAPH_FORMATS:
        raise InputError.at("--format", None, f"unknown format {fmt!r}", f"choose one of {', '.join(OUTPUT_FORMATS)}")
    return found


def format_result(result: Result, fmt: str | None, terminal: bool = True, name: str = "query",
                  width: int | None = None) -> str:
    """The whole result as text (see :func:`stream_result`)."""
    return "".join(stream_result(result, fmt, terminal, name, width))


def stream_result(result: Result, fmt: str | None, terminal: bool = True, name: str = "query",
                  width: int | None = None) -> Iterator[str]:
    """The result as text in ``fmt``, piece by piece. By default SELECT and ASK results
    are a table on a terminal and SPARQL TSV otherwise; CONSTRUCT and DESCRIBE give
    N-Triples. A table fits ``width`` terminal cells when given. A failure while the
    engine evaluates (a SERVICE's bad answer) is an InputError naming the query."""
    fmt = check_format(fmt)
    if isinstance(result, ox.QueryTriples):
        if fmt is not None and fmt not in GRAPH_FORMATS:
            raise InputError.at("--format", None, f"{fmt} is for SELECT and ASK queries", "use ntriples or turtle")
        yield from _triples(_guarded(result, name), fmt or "ntriples")
        return
    fmt = fmt or ("table" if terminal else "tsv")
    if fmt in GRAPH_FORMATS:
        raise InputError.at("--format", None, f"{fmt} is for CONSTRUCT and DESCRIBE queries",
                            "use table, csv, tsv or json")
    if isinstance(result, ox.QueryBoolean):
        value = "true" if bool(result) else "false"
        yield f'{{"head":{{}},"boolean":{value}}}\n' if fmt == "json" else f"{value}\n"
        return
    variables = [v.value for v in result.variables]
    rows = (_row(s, result.variables) for s in _guarded(result, name))
    if fmt == "table":
        yield from _table(variables, rows, width)
        return
    yield from {"tsv": _tsv, "csv": _csv, "json": _json}[fmt](variables, rows)


def _guarded(result: Iterable, name: str) -> Iterator:
    """The result's items; the engine's errors while producing them as InputError."""
    iterator = iter(result)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
            raise InputError.at(name, None, f"query failed: {' '.join(str(exc).split())}") from None
        yield item


def _row(solution: ox.QuerySolution, variables: list[ox.Variable]) -> list[Term | None]:
    return [solution[v] for v in variables]


# ---------------------------------------------------------------- SPARQL results formats

def _tsv(variables: list[str], rows: Iterable[list[Term | None]]) -> Iterator[str]:
    yield "\t".join(f"?{v}" for v in variables) + "\n"
    for row in rows:
        yield "\t".join("" if t is None else tsv_term(t) for t in row) + "\n"


def tsv_term(term: Term) -> str:
    """A term in SPARQL TSV: Turtle-like, numbers and booleans bare when their lexical
    form is Turtle's (§3.2 of the CSV/TSV spec), strings with \\t \\n \\r \\" \\\\ escaped."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language:
            direction = f"--{term.direction.value}" if term.direction else ""
            return f"{_tsv_string(term.value)}@{term.language}{direction}"
        datatype = term.datatype.value
        if datatype in _BARE_IN_TSV and _is_turtle_literal(term.value, datatype):
            return term.value
        suffix = "" if datatype == f"{XSD}string" else f"^^<{datatype}>"
        return _tsv_string(term.value) + suffix
    return f"<<( {tsv_term(term.subject)} {tsv_term(term.predicate)} {tsv_term(term.object)} )>>"


def _tsv_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped.replace('"', '\\"') + '"'


def _is_turtle_literal(value: str, datatype: str) -> bool:
    """Whether ``value`` is written bare in Turtle as a literal of ``datatype``
    (Turtle's BooleanLiteral, INTEGER, DECIMAL and DOUBLE productions)."""
    if datatype.endswith("boolean"):
        return value in ("true", "false")
    unsigned = value[1:] if value[:1] in "+-" and value else value
    whole, dot, fraction = unsigned.partition(".")
    if datatype.endswith("integer"):
        return unsigned.isascii() and unsigned.isdigit()
    if datatype.endswith("decimal"):
        return bool(dot) and _digits(whole, empty=True) and _digits(fraction)
    mantissa, e, exponent = unsigned.replace("E", "e").partition("e")
    whole, dot, fraction = mantissa.partition(".")
    exponent = exponent[1:] if exponent[:1] in "+-" else exponent
    return bool(e) and _digits(whole, empty=True) and _digits(fraction, empty=True) and bool(whole or fraction) \
        and _digits(exponent)


def _digits(text: str, empty: bool = False) -> bool:
    return (text.isascii() and text.isdigit()) or (empty and not text)


def _csv(variables: list[str], rows: Iterable[list[Term | None]]) -> Iterator[str]:
    yield ",".join(variables) + "\r\n"
    for row in rows:
        yield ",".join("" if t is None else csv_term(t) for t in row) + "\r\n"


def csv_term(term: Term) -> str:
    """A term in SPARQL CSV: IRIs and literals by their plain value, quoted when needed."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        value = term.value
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in '",\n\r') else value
    return f"{csv_term(term.subject)} {csv_term(term.predicate)} {csv_term(term.object)}"


def _json(variables: list[str], rows: Iterable[list[Term | None]]) -> Iterator[str]:
    yield '{"head":{"vars":' + _dumps(variables) + '},"results":{"bindings":['
    separator = ""
    for row in rows:
        yield separator + _dumps({v: json_term(t) for v, t in zip(variables, row) if t is not None})
        separator = ","
    yield "]}}\n"


def json_term(term: Term) -> dict:
    """A term as a SPARQL JSON results RDF term (§3.2.2)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
            if term.direction:
                found["its:dir"] = term.direction.value
        elif term.datatype.value != f"{XSD}string":
            found["datatype"] = term.datatype.value
        return found
    return {"type": "triple", "value": {"subject": json_term(term.subject), "predicate": json_term(term.predicate),
                                        "object": json_term(term.object)}}


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- graphs

def _triples(triples: Iterable[ox.Triple], fmt: str) -> Iterator[str]:
    """N-Triples or Turtle, a chunk at a time; Turtle's prefixes only before the first."""
    iterator, first = iter(triples), True
    while chunk := list(islice(iterator, TRIPLES_PER_CHUNK)):
        text = ox.serialize(chunk, format=format_named(fmt).oxigraph, prefixes=PREFIXES if fmt == "turtle" else None)
        text = text.decode("utf-8")
        if fmt == "turtle" and not first:  # every chunk declares the prefixes again
            text = text.split("\n", len(PREFIXES))[-1]
        first = False
        yield text


# ---------------------------------------------------------------- table

def _table(variables: list[str], rows: Iterable[list[Term | None]], width: int | None = None) -> Iterator[str]:
    """A plain-text table for a terminal: IRIs shortened with the project's prefixes,
    literals by their value, then the row count (module docstring)."""
    iterator = iter(rows)
    head = [[display_term(t) for t in row] for row in islice(iterator, TABLE_HEAD_ROWS)]
    widths = [max([cell_len(v), *(cell_len(r[i]) for r in head)]) for i, v in enumerate(variables)]
    cut = width is not None
    if cut:
        widths = fit_widths(widths, width - len(TABLE_SEPARATOR) * (len(widths) - 1), [cell_len(v) for v in variables])
    yield _table_line(variables, widths, cut) + "\n" + "-+-".join("-" * w for w in widths) + "\n"
    count = len(head)
    for row in head:
        yield _table_line(row, widths, cut) + "\n"
    for row in iterator:
        count += 1
        yield _table_line([display_term(t) for t in row], widths, cut) + "\n"
    yield f"({count} row{'' if count == 1 else 's'})\n"


def fit_widths(widths: list[int], room: int, least: list[int]) -> list[int]:
    """Column widths that fit ``room`` cells: the widest columns give way first, none
    narrower than :data:`TABLE_MIN_WIDTH` or its header (``least``) unless that
    alone is too wide for the room."""
    floors = [min(w, max(TABLE_MIN_WIDTH, header)) for w, header in zip(widths, least)]
    cap = max(widths, default=0)
    while cap > 0 and sum(max(min(w, cap), f) for w, f in zip(widths, floors)) > room:
        cap -= 1
    return [max(min(w, cap), f) for w, f in zip(widths, floors)]


def _table_line(cells: list[str], widths: list[int], cut: bool = False) -> str:
    return TABLE_SEPARATOR.join(_fitted(c, w) if cut else c + " " * (w - cell_len(c))
                                for c, w in zip(cells, widths)).rstrip()


def _fitted(text: str, width: int) -> str:
    """``text`` in exactly ``width`` terminal cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, width - 1) + "…"


def display_term(term: Term | None) -> str:
    """How a table shows one term (not a serialization: use csv/tsv/json for that)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = _compact(term.value)
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Literal):
        text = term.value
    else:  # RDF 1.2 triple term
        text = str(term)
    text = printable(" ".join(text.split()))
    return text if cell_len(text) <= TABLE_CELL_WIDTH else set_cell_size(text, TABLE_CELL_WIDTH - 1) + "…"


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri

"""Query stage: SPARQL 1.1 over an export, in an embedded pyoxigraph store.

The default graph of every query is the union of all the file's graphs, so a query
does not depend on which named graph of an N-Quads/TriG export holds a triple (the
same answers as from a Turtle export, or from a store such as Virtuoso whose default
graph is the union). The project's prefixes (``kg.namespaces.PREFIXES``) are
predeclared; a query's own ``PREFIX`` lines win. A query with ``SERVICE`` is refused
unless allowed, as it makes the engine fetch any URL it names. :mod:`kg.results`
formats the results as they come; :mod:`kg.query_process` runs a query where it can be
stopped (a deadline, Ctrl-C).

Known limit: the whole file is loaded into memory.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.formats import readable_file, unparsable
from kg.namespaces import PREFIXES
from kg.results import OUTPUT_FORMATS, Result, format_result, stream_result  # noqa: F401 - kg.query's API

QUERY_SUFFIXES = (".rq", ".sparql")


def read_store(path: Path, fmt: str | None = None) -> ox.Store:
    """An in-memory store holding an RDF file (format: ``fmt``, else from the extension;
    kg.formats)."""
    found = readable_file(path, fmt)
    store = ox.Store()
    try:
        store.load(path=str(path), format=found.oxigraph)
    except (SyntaxError, ValueError, OSError) as exc:
        raise unparsable(path, found, exc) from None
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


def run_query(store: ox.Store, query: str, name: str = "query", allow_service: bool = False) -> Result:
    """Evaluate a SPARQL 1.1 query with the union of all graphs as the default graph;
    a query with ``SERVICE`` only if ``allow_service``."""
    if not allow_service:
        check_no_service(query, name)
    try:
        return store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise InputError.at(name, None, f"bad SPARQL: {_one_line(exc)}") from None
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: a SERVICE's answer
        raise InputError.at(name, None, f"query failed: {_one_line(exc)}") from None


_NAME_CHAR = r"\w\u00b7\u0300-\u036f\u203f\u2040"
_SPARQL_NOT_CODE = re.compile("|".join([
    r"#[^\r\n]*",  # comment
    r"'''(?:[^'\\]|\\.|'(?!''))*'''", r'"""(?:[^"\\]|\\.|"(?!""))*"""',  # long strings
    r"'(?:[^'\\\r\n]|\\.)*'", r'"(?:[^"\\\r\n]|\\.)*"',  # strings
    r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>',  # IRI
    rf"[?$][{_NAME_CHAR}]+",  # variable
    rf"_:[{_NAME_CHAR}.\-]+",  # blank node label
    r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*",  # language tag
    rf":(?:[{_NAME_CHAR}.\-:%]|\\[_~.\-!$&'()*+,;=/?#@%])*",  # the local part of a prefixed name
]), re.DOTALL)
"""What in a query is not SPARQL syntax (SPARQL 1.1 §19.8, the terminals): comments,
strings, IRIs, variables, blank node labels, language tags and the local part of a
prefixed name. Where this lexer and the query engine could disagree, it errs towards
code: more text is searched for the keyword, never less."""


def uses_service(query: str) -> bool:
    """Whether the query may contain the ``SERVICE`` keyword (SPARQL 1.1 Federated Query
    §3): ``service`` in any case anywhere in its code, that is outside comments, strings,
    IRIs, variables, labels and local names. Glued spellings count (the engine reads
    ``1SERVICE``, ``trueSERVICE`` and ``SERVICE:x`` as the keyword), so an unusual query
    may be refused though it has none, never the other way round."""
    code = _SPARQL_NOT_CODE.sub(" ", query)
    return "service" in code.casefold()


def check_no_service(query: str, name: str = "query") -> None:
    """Refuse a query with ``SERVICE``: it makes the engine fetch any URL the query names."""
    if uses_service(query):
        raise InputError.at(name, None, "the query has a SERVICE clause, which would make kg contact "
                            "another server", "run it with --allow-service if you trust the query and that server")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())

"""The example queries (examples/queries/*.rq) give their stored expected results on
the embedded store, on an Oxigraph server and on Virtuoso; and ``kg query`` prints
results in every format.

Results are compared term by term after parsing, row by row, in order where the
query has ORDER BY (every such ORDER BY is total, so the order is the same on every
store) and as a multiset otherwise. One normalisation, of lexical forms only:
Virtuoso writes booleans as "1"/"0", which are valid xsd:boolean forms of true/false,
so booleans and integers are compared by their canonical form (the value). Datatypes
are never normalised: Virtuoso 7.2 types COUNT, MAX and YEAR results xsd:integer as
the spec says, so a store that answered xsd:int would fail here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.query import read_store
from tests.servers import sparql

ROOT = Path(__file__).parents[1]
QUERIES = sorted((ROOT / "examples" / "queries").glob("*.rq"))
EXPORT = ROOT / "examples" / "export" / "examples.nq"
XSD = "http://www.w3.org/2001/XMLSchema#"
runner = CliRunner()


@pytest.fixture(scope="module")
def embedded() -> ox.Store:
    return read_store(EXPORT)


def canonical(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A term as N-Triples text, with booleans and integers in canonical lexical form."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and term.datatype.value == f"{XSD}boolean":
        value = {"1": "true", "0": "false"}.get(term.value, term.value)
        return str(ox.Literal(value, datatype=term.datatype))
    if isinstance(term, ox.Literal) and term.datatype.value == f"{XSD}integer":
        return str(ox.Literal(str(int(term.value)), datatype=term.datatype))
    return str(term)


def solution_rows(solutions: ox.QuerySolutions) -> tuple[list[str], list[tuple[str, ...]]]:
    variables = solutions.variables
    return [v.value for v in variables], [tuple(canonical(s[v]) for v in variables) for s in solutions]


def triple_text(t: ox.Triple | ox.Quad) -> str:
    return " ".join(canonical(term) for term in (t.subject, t.predicate, t.object))


def has_order_by(query: str) -> bool:
    text = "\n".join(line.split("#", 1)[0] for line in query.splitlines())
    return re.search(r"\bORDER\s+BY\b", text, re.IGNORECASE) is not None


def expected_file(query: Path) -> Path:
    return next(p for p in (query.with_suffix(".tsv"), query.with_suffix(".nt")) if p.exists())


def run_on(engine: str, query: str, request) -> ox.QuerySolutions | list[ox.Triple]:
    if engine == "embedded":
        result = request.getfixturevalue("embedded").query(query, use_default_graph_as_union=True)
        return list(result) if isinstance(result, ox.QueryTriples) else result
    return sparql(request.getfixturevalue(f"loaded_{engine}"), query)


def assert_same_rows(actual: list[tuple[str, ...]], expected: list[tuple[str, ...]], ordered: bool) -> None:
    if ordered and actual == expected or not ordered and Counter(actual) == Counter(expected):
        return
    lines = [f"{len(actual)} rows, expected {len(expected)}"]
    if ordered:
        first = next((i for i, (a, e) in enumerate(zip(actual, expected)) if a != e), min(len(actual), len(expected)))
        lines.append(f"first difference at row {first + 1}:")
        lines.append(f"  got      {actual[first] if first < len(actual) else '(none)'}")
        lines.append(f"  expected {expected[first] if first < len(expected) else '(none)'}")
    lines.append(f"missing: {sorted((Counter(expected) - Counter(actual)).elements())[:5]}")
    lines.append(f"extra:   {sorted((Counter(actual) - Counter(expected)).elements())[:5]}")
    pytest.fail("\n".join(lines), pytrace=False)


def test_there_are_ten_commented_queries_each_with_expected_results():
    assert len(QUERIES) >= 10
    for query in QUERIES:
        assert query.read_text(encoding="utf-8").startswith("# "), f"{query.name}: say what it answers"
        assert query.with_suffix(".tsv").exists() != query.with_suffix(".nt").exists(), query.name
    results = sorted(p.stem for p in QUERIES[0].parent.iterdir() if p.suffix in (".tsv", ".nt"))
    assert results == [q.stem for q in QUERIES], "expected results without a query"


@pytest.mark.parametrize("engine", ["embedded", "oxigraph", "virtuoso"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_example_query_gives_its_expected_rows(query, engine, request):
    text = query.read_text(encoding="utf-8")
    expected = expected_file(query)
    result = run_on(engine, text, request)
    if expected.suffix == ".nt":  # a graph: compared as a set (no blank nodes in these queries)
        actual = sorted({triple_text(t) for t in result})
        wanted = sorted({triple_text(q) for q in ox.parse(path=str(expected), format=ox.RdfFormat.N_TRIPLES)})
        assert_same_rows([(t,) for t in actual], [(t,) for t in wanted], ordered=True)
        return
    variables, rows = solution_rows(result)
    wanted_variables, wanted_rows = solution_rows(
        ox.parse_query_results(path=str(expected), format=ox.QueryResultsFormat.TSV))
    assert variables == wanted_variables
    assert_same_rows(rows, wanted_rows, ordered=has_order_by(text))


# --- kg query ------------------------------------------------------------------------

QUERY_DIR = ROOT / "examples" / "queries"


def kg_query(*args: str, stdin: str | None = None):
    return runner.invoke(app, ["query", *args], input=stdin)


@pytest.mark.parametrize("ext", ["nq", "trig", "ttl", "nt", "jsonld"])
def test_kg_query_answers_the_same_from_every_export_format(ext):
    """profiles.rq joins the per-file graphs with the reconciled one: the union."""
    result = kg_query(str(EXPORT.with_suffix(f".{ext}")), str(QUERY_DIR / "profiles.rq"))
    assert result.exit_code == 0, result.output
    assert result.stdout == (QUERY_DIR / "profiles.tsv").read_text(encoding="utf-8")


def test_kg_query_prints_a_construct_as_ntriples_as_they_come():
    result = kg_query(str(EXPORT), str(QUERY_DIR / "person-subgraph.rq"))
    assert result.exit_code == 0, result.output
    expected = (QUERY_DIR / "person-subgraph.nt").read_text(encoding="utf-8")  # sorted
    assert sorted(result.stdout.splitlines(keepends=True)) == expected.splitlines(keepends=True)
    assert kg_query(str(EXPORT), str(QUERY_DIR / "person-subgraph.rq")).stdout == result.stdout  # same order


def test_kg_query_turtle_output_is_the_same_graph():
    result = kg_query(str(EXPORT), str(QUERY_DIR / "person-subgraph.rq"), "--format", "turtle")
    assert result.exit_code == 0, result.output
    assert "@prefix schema: <http://schema.org/> ." in result.stdout
    parsed = {str(ox.Triple(q.subject, q.predicate, q.object))
              for q in ox.parse(result.stdout.encode("utf-8"), format=ox.RdfFormat.TURTLE)}
    assert parsed == {str(ox.Triple(q.subject, q.predicate, q.object))
                      for q in ox.parse(path=str(QUERY_DIR / "person-subgraph.nt"))}


def test_kg_query_table_csv_and_json():
    query = str(QUERY_DIR / "works-per-category.rq")
    table = kg_query(str(EXPORT), query, "--format", "table").stdout.splitlines()
    assert [c.strip() for c in table[0].split(" | ")] == ["category", "code", "label", "works"]
    assert [c.strip() for c in table[2].split(" | ")] == ["cat:cs.LG", "cs.LG", "Machine Learning", "8"]
    assert table[-1] == "(4 rows)"
    csv = kg_query(str(EXPORT), query, "--format", "csv").stdout.splitlines()
    assert csv[:2] == ["category,code,label,works", "https://w3id.org/kg/category/cs.LG,cs.LG,Machine Learning,8"]
    document = __import__("json").loads(kg_query(str(EXPORT), query, "--format", "json").stdout)
    assert document["head"]["vars"] == ["category", "code", "label", "works"]
    assert len(document["results"]["bindings"]) == 4


def test_kg_query_takes_text_with_the_project_prefixes_or_stdin():
    text = "SELECT ?name WHERE { ?p a schema:Person ; schema:alternateName ?name } ORDER BY ?name"
    expected = '?name\n"Aleksander Madry"\n"Joaquin Quinonero Candela"\n'
    assert kg_query(str(EXPORT), text).stdout == expected
    assert kg_query(str(EXPORT), "-", stdin=text).stdout == expected
    assert kg_query(str(EXPORT), "ASK { ?w a schema:ScholarlyArticle }").stdout == "true\n"


@pytest.mark.parametrize(("args", "message"), [
    (["SELECT ?x WHERE { ?x ?p }"], "query: error: bad SPARQL"),
    (["no-such-query.rq"], "no-such-query.rq: error: no such file"),
    (["ASK {}", "--format", "turtle"], "--format: error: turtle is for CONSTRUCT and DESCRIBE queries"),
    (["CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"], "--format: error: csv is for SELECT and ASK queries"),
    (["ASK {}", "--format", "xml"], "--format: error: unknown format 'xml'"),
])
def test_kg_query_bad_requests_exit_2(args, message):
    result = kg_query(str(EXPORT), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_kg_query_bad_input_file_exits_2(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n")
    for path, where, message in ((broken, f"{broken}:1", "cannot parse as turtle"),
                                 (tmp_path / "missing.nq", tmp_path / "missing.nq", "no such file"),
                                 (tmp_path / "graph.rdf", tmp_path / "graph.rdf", "RDF/XML is not a format kg reads"),
                                 (tmp_path / "graph.xyz", tmp_path / "graph.xyz", "cannot tell the RDF format")):
        result = kg_query(str(path), "ASK {}")
        assert result.exit_code == 2 and f"{where}: error: {message}" in result.stderr


@pytest.mark.parametrize("command", ["query", "load"])
def test_command_has_help_and_is_in_the_readme(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout
    assert f"| `kg {command} " in (ROOT / "README.md").read_text(encoding="utf-8")

"""A malformed query's error names the line and column of the text the client sent.

The service used to put ``BASE <endpoint> `` in front of line 1 and ``\\nLIMIT n\\n`` after
the text, so pyoxigraph's positions were shifted by the BASE's length, or fell on lines the
client never wrote. Now the base IRI is pyoxigraph's ``base_iri`` argument and an error of a
row-limited text is taken from the client's own text; the message keeps what was expected,
without pyoxigraph's lists of character ranges, and names an undeclared prefix.
"""

import pyoxigraph as ox
import pytest

SPARQL_QUERY = {"Content-Type": "application/sparql-query"}


def engine_position(text: str) -> str:
    """Where plain pyoxigraph, given the text alone, says the error is."""
    with pytest.raises(SyntaxError) as refused:
        ox.Store().query(text)
    line, column = str(refused.value).removeprefix("error at ").split(":")[:2]
    return f"at line {line}, column {column}:"


@pytest.mark.parametrize("text", [
    "SELECT ?x WHERE { ?x ?y }",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT -1",
    "PREFIX ex: <http://e/>\nSELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}\n",
    "# a comment\nSELECT *\nWHERE { ?s ?p ?o }\nORDER BY # nothing\n",
    "CONSTRUCT { ?s ?p } WHERE { ?s ?p ?o }",
])
def test_an_engine_error_is_placed_in_the_text_as_sent(client, text):
    for answer in (client.post("/sparql", content=text, headers=SPARQL_QUERY),
                   client.get("/sparql", params={"query": text})):
        assert answer.status_code == 400
        assert f"malformed query: {engine_position(text)}" in answer.text
        line = int(answer.text.split("at line ")[1].split(",")[0])
        assert line <= text.count("\n") + 1  # never a line the client did not write


def test_an_undeclared_prefix_is_named_where_it_is_used(client):
    answer = client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s hsvo:label ?o }"})
    assert answer.status_code == 400
    assert answer.text == ("malformed query: at line 2, column 22: undeclared prefix hsvo: "
                           "(declare it with PREFIX hsvo: <IRI>)\n")


def test_what_was_expected_is_kept_without_character_ranges(client):
    answer = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY"})
    assert answer.text == ('malformed query: at line 1, column 38: expected one of "$", "(", '
                           '":", "<", "?"\n')


def test_relative_iris_still_resolve_against_the_endpoint(service):
    answer = service.get("/sparql", params={"query": "BASE <a/> SELECT ?x ?y { BIND(<r> AS ?x) "
                                                      "BIND(<../s> AS ?y) }"})
    [row] = answer.json()["results"]["bindings"]
    assert row["x"]["value"] == "http://testserver/a/r"
    assert row["y"]["value"] == "http://testserver/s"

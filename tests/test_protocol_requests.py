"""How requests are read: what a client sends is the query it meant, or a clear 4xx.

From the audit: a GET with ``%FF`` or ``%ZZ`` ran a different query (U+FFFD, a literal
``%ZZ``) where the form POST already said 400; a byte order mark at the start of a saved
``.rq`` file was a syntax error; a gzip body or a Latin-1 charset was reported as bad UTF-8;
``output=`` / ``results=`` were ignored; an Accept header that cannot be parsed was a 406;
an entity 404 echoed a raw NUL.
"""

import gzip

import pytest

ASK = "ASK { FILTER(\"x\" = \"x\") }"
SPARQL_QUERY = "application/sparql-query"


@pytest.mark.parametrize(("query_string", "says"), [
    ("query=SELECT%20(%22%FF%22%20AS%20%3Fx)%20%7B%7D", "not UTF-8"),
    ("query=SELECT%20(%22%ZZ%22%20AS%20%3Fx)%20%7B%7D", "'%ZZ' at character 20 is not a percent-escape"),
    ("query=ASK%20%7B%7D&format=%E", "'%E' at character 27 is not a percent-escape"),
])
def test_a_bad_escape_in_the_url_is_a_400_as_in_a_form(client, query_string, says):
    for answer in (client.get(f"/sparql?{query_string}"),
                   client.post("/sparql", content=query_string,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})):
        assert answer.status_code == 400
        assert says in answer.text


def test_a_byte_order_mark_before_the_query_is_dropped(client):
    bom = "\ufeff" + ASK
    for answer in (client.post("/sparql", content=bom.encode(), headers={"Content-Type": SPARQL_QUERY}),
                   client.post("/sparql", data={"query": bom}),
                   client.get("/sparql", params={"query": bom})):
        assert answer.status_code == 200, answer.text
        assert answer.json()["boolean"] is True


def test_a_compressed_body_is_a_415(client):
    answer = client.post("/sparql", content=gzip.compress(ASK.encode()),
                         headers={"Content-Type": SPARQL_QUERY, "Content-Encoding": "gzip"})
    assert answer.status_code == 415
    assert "content coding 'gzip' is not supported" in answer.text


@pytest.mark.parametrize("content_type", [f"{SPARQL_QUERY}; charset=iso-8859-1",
                                          "application/x-www-form-urlencoded; charset=latin1"])
def test_a_charset_other_than_utf8_is_a_415(client, content_type):
    answer = client.post("/sparql", content="query=ASK%7B%7D", headers={"Content-Type": content_type})
    assert answer.status_code == 415
    assert "only UTF-8 is accepted" in answer.text
    accepted = client.post("/sparql", content=ASK.encode(),
                           headers={"Content-Type": f'{SPARQL_QUERY}; charset="UTF-8"'})
    assert accepted.status_code == 200


@pytest.mark.parametrize("name", ["output", "results", "format"])
def test_output_and_results_name_the_format_as_format_does(client, name):
    answer = client.get("/sparql", params={"query": "SELECT ?x { BIND(1 AS ?x) }", name: "csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text == "x\r\n1\r\n"


@pytest.mark.parametrize("accept", ["garbage", "text/csv;q=abc", "text/csv;q=7", "text csv"])
def test_an_accept_header_that_cannot_be_read_is_ignored(client, accept):
    answer = client.get("/sparql", params={"query": ASK}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/sparql-results+json")


def test_an_accept_header_that_rules_everything_out_is_still_a_406(client):
    answer = client.get("/sparql", params={"query": ASK}, headers={"Accept": "image/png"})
    assert answer.status_code == 406


def test_an_entity_404_echoes_no_control_character(client):
    answer = client.get("/id/body/x%00y", headers={"Accept": "text/turtle"})
    assert answer.status_code == 404
    assert "\x00" not in answer.text
    assert "x%00y" in answer.text

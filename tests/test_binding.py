"""Parameter binding: values become RDF terms in a VALUES block, never query syntax."""

import pytest
from rdflib import Literal, URIRef

from hsvo_graph.namespaces import ID
from hsvo_graph.sparql.analysis import tokenize
from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.sparql.binding import BindingError, bind_values, where_group_start
from hsvo_graph.canned.bodies import NO_BODY
from hsvo_graph.canned.catalog import ParameterError, bind_arguments, load_catalog, run_canned

HOSTILE = [
    '"} UNION { ?s ?p ?o }',
    "'} UNION { ?s ?p ?o } #",
    '\\" } ; DROP ALL ; #',
    "äln\" ) } SELECT * WHERE { ?s ?p ?o",
    '"""} } UNION {',
    "}\nUNION\n{ ?x ?y ?z }",
    "<http://evil/> } SERVICE <http://evil/> { ?s ?p ?o",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_round_trip_as_one_literal(store, value):
    query = bind_values("SELECT ?v WHERE { }", {"v": [Literal(value)]})
    table = store.select(query)
    assert [str(r["v"]) for r in table.rows] == [value]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_a_canned_query_match_nothing(store, settings, value):
    query = load_catalog(settings.queries_dir)["activities_by_body_and_area"]
    bound = bind_arguments(StoreReader(store), query, {"body": value, "area": "nära vård"})
    assert bound["body"] == [NO_BODY]  # a name no body bears
    assert run_canned(StoreReader(store), query, {"body": value, "area": "nära vård"}).rows == []
    assert run_canned(StoreReader(store), query, {"body": "ÄLN", "area": value}).rows == []


def test_values_go_into_the_top_level_where_group_not_into_strings_or_comments():
    query = 'PREFIX ex: <http://x/{}#>\n# WHERE { in a comment\nSELECT ("WHERE {" AS ?w) ?where WHERE { ?s ex:where ?o }'
    bound = bind_values(query, {"o": [Literal("x")]})
    assert bound.endswith('WHERE {\n  VALUES ?o { "x" }\n ?s ex:where ?o }')


def test_values_go_into_a_sub_select_that_is_all_the_where_group_holds():
    """A query that orders its lists in a sub-select (queries/README.md) is narrowed there,
    where its pattern is, not joined with the sub-select's whole answer afterwards."""
    ordered = ("SELECT ?a (GROUP_CONCAT(?n) AS ?ns) WHERE {\n  # why\n  { SELECT DISTINCT ?a ?n "
               "WHERE { ?a ?p ?n } ORDER BY ?n }\n} GROUP BY ?a ORDER BY ?a")
    bound = bind_values(ordered, {"p": [URIRef("http://x/p")]})
    assert 'ORDER BY ?n }' in bound and "WHERE {\n  VALUES ?p { <http://x/p> }\n ?a ?p ?n }" in bound
    nested = "SELECT * { { SELECT * { { SELECT ?a { ?a ?p ?o } } } } }"
    assert nested[where_group_start(nested):].startswith("{ ?a ?p ?o }")
    for shared in ("SELECT * WHERE { { SELECT ?a WHERE { ?a ?p ?o } } FILTER (BOUND(?a)) }",
                   "SELECT * WHERE { ?a ?p ?o { SELECT ?a WHERE { ?a ?q ?r } } }",
                   "SELECT * WHERE { { SELECT ?a WHERE { ?a ?p ?o } } { SELECT ?a WHERE { ?a ?q ?r } } }",
                   "SELECT * WHERE { { ?a ?p ?o } }"):
        assert where_group_start(shared) == shared.index("{")  # the top-level group, as before


def test_select_without_where_keyword_and_construct():
    assert where_group_start("SELECT * { ?s ?p ?o }") == 9
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert construct[where_group_start(construct) - 6 : where_group_start(construct)] == "WHERE "


def test_several_values_are_alternatives(store):
    query = bind_values("SELECT ?v WHERE { }", {"v": [Literal("ä"), Literal("ö")]})
    assert sorted(str(r["v"]) for r in store.select(query).rows) == ["ä", "ö"]


def test_bad_iris_and_variable_names_are_refused():
    with pytest.raises(BindingError):
        bind_values("SELECT * {}", {"v": [URIRef("http://x/> } ; <http://y")]})
    with pytest.raises(BindingError):
        bind_values("SELECT * {}", {"v ?x": [Literal("a")]})
    with pytest.raises(BindingError):
        bind_values("ASK", {"v": [Literal("a")]})


def test_keywords_ignore_strings_iris_comments_variables_and_prefixed_names():
    query = 'SELECT ?service WHERE { ?s <http://x/SERVICE> "LOAD" ; ex:insert ?o } # DROP'
    words = {t.text for t in tokenize(query) if t.kind == "WORD"}
    assert words == {"SELECT", "WHERE"}


def test_arguments_are_checked_against_the_declared_parameters(store, settings):
    query = load_catalog(settings.queries_dir)["activities_by_body_and_area"]
    reader = StoreReader(store)
    with pytest.raises(ParameterError, match="required"):
        bind_arguments(reader, query, {"body": "ÄLN"})
    with pytest.raises(ParameterError, match="required"):
        bind_arguments(reader, query, {"body": " \t\n", "area": "x"})  # only white space: a 400
    with pytest.raises(ParameterError, match="unknown"):
        bind_arguments(reader, query, {"body": "ÄLN", "area": "x", "graph": "y"})
    with pytest.raises(ParameterError, match="year"):
        bind_arguments(reader, query, {"body": "ÄLN", "area": "x", "year": "2025 } UNION {"})
    bound = bind_arguments(reader, query, {"body": " A\u0308LN ", "area": "Nära\tVård", "year": "2025"})
    assert bound == {
        "body": [URIRef(f"{ID}body/uppsala-aln")],  # the body's node, not its name
        "area": [Literal("nära vård")],
        "year": [Literal(2025)],
    }


def test_default_latest_is_only_for_years(tmp_path):
    from hsvo_graph.canned.catalog import CatalogError, parse_canned_query

    path = tmp_path / "bad.rq"
    path.write_text("#+ title: x\n#+ parameters:\n#+   - name: body\n#+     type: body\n"
                    "#+     default: latest\nSELECT * WHERE { }\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="default 'latest' is for type year only"):
        parse_canned_query(path)

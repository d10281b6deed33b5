"""The canned queries: the header format, the catalog, and the exact answer of each query
this module owns on the seed graph. The expected values are copied by hand from the seed
documents (seed 000 = äldrenämnden's letter with Samverkansberättelse 2024 and the plan
with Aktivitetslista 2025; seed 001 = socialnämnden's letter with the county strategy),
not from data/, so a test fails when the data drifts from the source."""

import time
from pathlib import Path

import pytest

from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.canned.catalog import (
    CatalogError,
    fold_text,
    load_catalog,
    parse_canned_query,
    run_canned,
)
from hsvo_graph.canned.tables import table_rows

from .expected import ACTIVITIES_2025, ALN_NARA_VARD_2025, VS_KOMPETENS_2025

HSVO = "https://w3id.org/hsvo-graph/ontology#"
NARA_VARD_LOCAL_AREAS = {"Omställning till en nära vård", "Samsjuklighet", "Kunskapsstyrning",
                         "Nationellt arbete, nära vård"}


@pytest.fixture(scope="module")
def catalog(settings):
    return load_catalog(settings.queries_dir)


def ask(store, catalog, query_id: str, **arguments):
    return table_rows(run_canned(StoreReader(store), catalog[query_id], arguments))


# -- header format and catalog --------------------------------------------------

def test_every_query_file_parses_and_runs_with_its_examples(store, catalog):
    assert len(catalog) >= 8
    for query in catalog.values():
        assert query.title["sv"] and query.title["en"] and query.question["sv"], query.id
        arguments = {p.name: p.example for p in query.parameters if p.example}
        if all(p.name in arguments for p in query.parameters if p.required):
            run_canned(StoreReader(store), query, arguments)  # raises on a malformed query


def test_header_declares_question_columns_links_and_folding(catalog):
    search = catalog["search"]
    assert search.question["sv"].startswith("Var nämns ett ord?")
    assert search.parameter("text").fold and search.parameter("text").required
    changes = catalog["activity_list_changes"]
    assert changes.links == {"title": "activity", "nextTitle": "nextActivity"}
    assert changes.columns["change"] == {"sv": "Förändring", "en": "Change"}
    assert catalog["body_involvement_by_year"].parameter("body").multiple


@pytest.mark.parametrize(("header", "message"), [
    ("#+ title: x\n#+ links: [title]\n", "'links' must map"),
    ("#+ title: x\n#+ columns: heading\n", "'columns' must map"),
    ("#+ title: x\n#+ parameters:\n#+   - {name: d, type: date}\n",
     "expected one of body, area, year, document, text, iri"),
])
def test_header_errors_name_the_file(tmp_path: Path, header: str, message: str):
    path = tmp_path / "bad.rq"
    path.write_text(header + "SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=message) as error:
        parse_canned_query(path)
    assert str(path) in str(error.value)


def test_folding_removes_case_and_diacritics_only():
    assert fold_text("  ÄLDRE  Vård ") == "aldre vard"
    assert fold_text("Översyn café") == "oversyn cafe"
    assert fold_text("aldre") == fold_text("äldre") == fold_text("ÄLDRE")


# -- exact answers on the seed graph ------------------------------------------------

def test_body_involvement_of_aln_in_nara_vard_2025(store, catalog):
    # Data: data/uppsala-2024-2026.ttl (activity list 2025).
    rows = ask(store, catalog, "body_involvement_by_year", body="ÄLN", year="2025")
    responsible = [r["title"] for r in rows
                   if r["role"] == HSVO + "responsibleBody" and r["localFocusArea"] in NARA_VARD_LOCAL_AREAS]
    assert responsible == ALN_NARA_VARD_2025
    assert {r["year"] for r in rows} == {2025} and {r["bodyName"] for r in rows} == {"ÄLN"}


def test_body_involvement_of_funktionsratt_over_all_years(store, catalog):
    # Seed 000, Samverkansberättelse 2024: "Funktionsrätt" is in the Delaktiga column of three
    # activities (2.1.3 and 2.5); the 2025 list has no Delaktiga column and never names it in
    # Ansvar. Data: data/uppsala-2024-2026.ttl (activity lists 2024 and 2025, outcomes).
    rows = ask(store, catalog, "body_involvement_by_year", body="funktionsrätt")
    assert sorted(r["title"] for r in rows) == sorted([
        "Definiera och synliggöra samverkansbehov och möjligheter kring exempelvis Jag gör "
        "politik, Ge makten vidare, FunkIT och Program för full delaktighet",
        "Fortsatt arbete med referensgrupper och inflytandegrupper för att främja delaktighet och "
        "inflytande tidigt i processerna",
        "Möjliggöra och främja delaktighet under hela processen för utvecklingsarbete, bland annat "
        "genom strategiska referensgruppen, medverkan i TL HSVO Uppsala från Funktionsrätt Uppsala "
        "kommun",
    ])
    assert {(r["year"], r["role"], r["status"]) for r in rows} == {
        (2024, HSVO + "participatingBody", HSVO + "Ongoing")}


def test_goal_tree_2025_traces_every_traced_activity_to_the_strategy(store, catalog):
    # Data: data/uppsala-2024-2026.ttl (plan, list 2025), data/strategi-hsvo-2024-2026.ttl.
    rows = ask(store, catalog, "goal_tree", year="2025")
    assert len(rows) == ACTIVITIES_2025
    untraced = {r["localFocusAreaName"] for r in rows if r["countyArea"] is None}
    # 2.5 Invånartjänster och digitalisering is a local focus area of its own (plan p. 9).
    assert untraced == {"Invånartjänster och digitalisering"}
    kompetens = ask(store, catalog, "goal_tree", year="2025", area="kompetens")
    assert [(r["countyAreaName"], r["priorityAreaName"], r["title"]) for r in kompetens] == [
        ("C. Kompetensförsörjning", "Kompetensförsörjning", title) for title in VS_KOMPETENS_2025]


def test_goal_tree_of_every_year_is_fast(store, catalog):
    # The goal structure is worked out per focus area, not per activity (was 0.6–2.4 s).
    ask(store, catalog, "goal_tree")
    started = time.perf_counter()
    rows = ask(store, catalog, "goal_tree")
    assert time.perf_counter() - started < 0.25
    assert {r["year"] for r in rows} >= {2024, 2025}


def test_documents_and_decisions_of_2025_in_date_order(store, catalog):
    # Seed 000: the activity list 2025; "Den 10 februari 2025 godkändes samverkansberättelsen
    # för 2024 av samråd HSVO Uppsala"; the letter to äldrenämnden is dated 2025-02-27.
    # Data: data/uppsala-2024-2026.ttl.
    rows = ask(store, catalog, "documents_and_decisions", year="2025")
    assert [(r["when"], r["kind"].split("#")[1], r["who"]) for r in rows] == [
        ("2025", "ActivityList", None),
        ("2025-02-10", "Decision", "Samråd HSVO Uppsala"),
        ("2025-02-27", "OfficialLetter", "ÄLN"),
    ]


def test_documents_and_decisions_addressed_to_scn(store, catalog):
    # Seed 001: tjänsteskrivelse SCN-2024-00258 to socialnämnden, dated 2024-04-02, whose
    # decision proposal (undated) is to place the information on file.
    # Data: data/strategi-hsvo-2024-2026.ttl.
    dated = ask(store, catalog, "documents_and_decisions", body="scn", year="2024")
    assert [(r["when"], r["diaryNumber"]) for r in dated] == [("2024-04-02", "SCN-2024-00258")]
    every = ask(store, catalog, "documents_and_decisions", body="Socialnämnden")
    assert any(r["decisionText"] == "att lägga informationen till handlingarna" for r in every)


def test_changes_between_the_2024_and_2025_lists(store, catalog):
    # Seed 000: the six activities below appear only in Aktivitetslista 2025; the fourteen
    # "utgår" ones only in Samverkansberättelse 2024. Data: data/uppsala-2024-2026.ttl
    # (hsvo:continuedBy between the two lists, outcomes of 2024).
    rows = ask(store, catalog, "activity_list_changes")
    assert ask(store, catalog, "activity_list_changes", year="2024") == rows  # 2024 is the default
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["change"]] = counts.get(row["change"], 0) + 1
    assert counts == {"fortsätter": 10, "fortsätter med ny formulering": 18, "utgår": 14, "ny": 6}
    assert {r["nextTitle"] for r in rows if r["change"] == "ny"} == {
        "Utveckla teamsamverkan mellan specialiserad rehabilitering och rehabilitering på "
        "primärvårdsnivå",
        "Arbeta för att stärka tidiga insatser genom att utveckla tillgänglighet, kvalitet och "
        "samlokalisering i det familjecentrerade arbetssättet",
        "Identifiera samverkansbehov kring fallpreventivt arbete",
        "Förtydliga styrningen i HSVO Uppsala så att mandat blir tydligt samt hur "
        "kommunikationskanaler, beslutsprocesser och ansvarsfördelning ser ut",
        "Skapa rutiner och bättre förutsättningar för en god kommunikation och förankring av beslut "
        "inom respektive huvudmannaorganisation",
        "Identifiera samverkansbehov utifrån respektive parts kompetensförsörjningsplaner",
    }
    ended = {r["title"]: r["status"] for r in rows if r["change"] == "utgår"}
    assert ended["Samverkan kring förskolebarn med autism"] == HSVO + "Completed"
    assert ended["Genomföra interventioner inom ramen för arbetsmodellen Gruppvåldsintervention "
                 "(GVI) i samverkan med polis och kriminalvård"] == HSVO + "Stopped"
    assert ask(store, catalog, "activity_list_changes", year="2019") == []  # no 2020 list


def test_stopped_activities_and_missing_indicators(store, catalog):
    # Seed 000, Samverkansberättelse 2024: the ungdomsmottagningar analysis "har stoppats"
    # (SCN, UBN, VS), GVI "har avslutats" (SCN, SHS, VS), and the vårdstyrelsen ended the
    # geografiskt hälsouppdrag (AMN, OSN, SCN, UBN, ÄLN, VS). Every activity of the 2025 list
    # has an Uppföljning. Data: data/uppsala-2024-2026.ttl.
    # The names in code-point order (Ä after Z), the same from every copy of the data.
    rows = ask(store, catalog, "activities_missing_indicator")
    found = {r["title"]: r["participating"] for r in rows}
    assert found == {
        "Genomföra lokal analys och ta fram en lokal överenskommelse för ungdomsmottagningarna":
            "SCN, UBN, VS",
        "Genomföra interventioner inom ramen för arbetsmodellen Gruppvåldsintervention (GVI) i "
        "samverkan med polis och kriminalvård": "SCN, SHS, VS",
        "Identifiera vad inom Geografiskt hälsouppdrag som skall ske i samverkan":
            "AMN, OSN, SCN, UBN, VS, ÄLN",
    }
    assert {r["reason"] for r in rows} == {"stoppad eller avskriven"}
    assert all(r["summary"] for r in rows)
    assert ask(store, catalog, "activities_missing_indicator", year="2025") == []


def test_renaming_of_the_strategist_title(store, catalog):
    # Seed 000: "Den 13 september 2024 beslutade tjänsteledning HSVO att byta titeln
    # närvårdsstrateg till samverkansstrateg". Data: data/uppsala-2024-2026.ttl, bodies.ttl.
    rows = ask(store, catalog, "renamings", name="STRATEG")
    assert [(r["changeDate"], r["oldName"], r["newName"], r["decidedBy"]) for r in rows] == [
        ("2024-09-13", "Närvårdsstrateg", "Samverkansstrateg", "https://w3id.org/hsvo-graph/id/body/tl-hsvo")]
    every = ask(store, catalog, "renamings")
    assert [r["changeDate"] for r in every if r["changeDate"]] == sorted(
        r["changeDate"] for r in every if r["changeDate"])


def test_search_ignores_case_and_diacritics(store, catalog):
    # Data: bodies.ttl (Äldrenämnden), the strategy's focus area C (seed 001, p. 8).
    hits = {r["entity"] for r in ask(store, catalog, "search", text="aldre")}
    assert "https://w3id.org/hsvo-graph/id/body/uppsala-aln" in hits
    assert hits == {r["entity"] for r in ask(store, catalog, "search", text="ÄLDRE")}
    assert hits == {r["entity"] for r in ask(store, catalog, "search", text=" Äldre ")}
    kompetens = {r["entity"] for r in ask(store, catalog, "search", text="kompetensforsorjning")}
    assert "https://w3id.org/hsvo-graph/id/goal/strategi-2024-2026-C" in kompetens
    assert ask(store, catalog, "search", text="zzzqqq") == []


def test_friendly_json_keeps_every_value_whatever_its_size():
    """The JSON of a canned answer is written by orjson, which stops at 64-bit integers:
    a bigger one (an xsd:integer may have any number of digits) still comes out as the
    same number, and text with å ä ö and quotes round-trips, compact and indented."""
    import json

    from rdflib import XSD, Literal, URIRef

    from hsvo_graph.canned.tables import to_json
    from hsvo_graph.sparql.reader import Table

    rows = [{"n": Literal(7), "label": Literal('Äldrenämnden "ÄLN"', lang="sv"),
             "body": URIRef("https://w3id.org/hsvo-graph/id/body/aln")},
            {"n": Literal("123456789012345678901234567890", datatype=XSD.integer),
             "label": Literal("x = 1,5"), "body": URIRef("urn:x:å")}]
    table = Table(["n", "label", "body"], rows)
    for pretty in (False, True):
        text = to_json(table, pretty=pretty, query="q")
        assert ("\n  " in text) is pretty
        document = json.loads(text)
        assert document["query"] == "q" and document["count"] == 2
        assert [row["n"] for row in document["rows"]] == [7, 123456789012345678901234567890]
        assert document["rows"][0]["label"] == 'Äldrenämnden "ÄLN"'
        assert "Äldrenämnden" in text  # written as UTF-8, not escaped


def test_friendly_json_read_from_sparql_json_equals_the_terms_it_stands_for():
    """A table made from a store's SPARQL JSON answer keeps the answer and writes friendly
    JSON straight from it, without rdflib terms: for every kind of term, ill-typed and
    unusual ones included, that JSON must be what the terms themselves give."""
    import json

    import pyoxigraph as ox

    from hsvo_graph.canned.tables import to_json
    from hsvo_graph.sparql.reader import Table
    from hsvo_graph.store.base import table_from_json

    xsd = "http://www.w3.org/2001/XMLSchema#"
    values = [f'"{lexical}"^^<{xsd}{kind}>' for lexical, kind in [
        ("7", "integer"), ("01", "integer"), (" 5 ", "integer"), ("abc", "integer"),
        ("123456789012345678901234567890", "integer"), ("0042", "int"), ("1.50", "decimal"),
        ("1e3", "double"), ("NaN", "double"), ("-0", "float"), ("true", "boolean"),
        ("1", "boolean"), ("maybe", "boolean"), ("2025-01-01", "date"),
        ("2025-01-01T10:00:00Z", "dateTime"), ("P1Y", "duration"), ("x", "string"),
        ("2025", "gYear")]]
    values += ['"Äldrenämnden"@sv', '"x = 1,5"', '"=SUM(A1)"@en', '"x"^^<urn:custom:type>',
               "<urn:x:å>", "<https://w3id.org/hsvo-graph/id/body/aln>", "UNDEF"]
    query = (f"SELECT ?v ?w WHERE {{ {{ VALUES ?v {{ {' '.join(values)} }} }} "
             "UNION { BIND (BNODE() AS ?w) } }")
    answer = ox.Store().query(query)
    body = answer.serialize(format=ox.QueryResultsFormat.JSON)  # as the query workers write it
    kept = table_from_json(body)
    assert kept.bindings is not None and len(kept.bindings) == len(values) + 1
    from_json = to_json(kept)
    assert kept.bindings is not None  # the friendly JSON made no terms
    from_terms = to_json(Table(kept.variables, kept.rows))
    assert from_json == from_terms
    document = json.loads(from_json)
    assert document["count"] == 26
    assert {7, 1, 5, 123456789012345678901234567890, "Äldrenämnden", "urn:x:å"} <= {
        row["v"] for row in document["rows"]}


@pytest.mark.parametrize("term", [{"type": "literal"}, {"value": "x"}, "x", {"type": "triple", "value": "x"}])
def test_a_broken_term_in_a_kept_answer_is_a_store_error(term):
    """The terms of a kept SPARQL JSON answer are made when read: a term that is not SPARQL
    JSON is then a StoreError (502 over HTTP), whether the rows or the friendly JSON read it."""
    import orjson

    from hsvo_graph.canned.tables import to_json
    from hsvo_graph.store import StoreError
    from hsvo_graph.store.base import table_from_json

    body = orjson.dumps({"head": {"vars": ["v"]}, "results": {"bindings": [{"v": term}]}})
    with pytest.raises(StoreError):
        table_from_json(body).rows
    with pytest.raises(StoreError):
        to_json(table_from_json(body))

"""The 2025 activity list in the graph matches the seed, and the example question answers it."""

from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.canned.catalog import load_catalog, run_canned
from hsvo_graph.config import Settings
from hsvo_graph.namespaces import sparql_prologue
from hsvo_graph.store import GraphStore

from .expected import (
    ACTIVITIES_2025,
    ALN_NARA_VARD_2025,
    BOARDS,
    PER_LOCAL_FOCUS_AREA_2025,
    TL_ONLY_2025,
    VS_KOMPETENS_2025,
)

PREFIXES = sparql_prologue()


def ask(store: GraphStore, settings: Settings, query_id: str, **arguments: str) -> list[str]:
    query = load_catalog(settings.queries_dir)[query_id]
    return run_canned(StoreReader(store), query, arguments).column("title")


def test_aln_under_nara_vard_is_exactly_the_hand_checked_list(store, settings):
    assert ask(store, settings, "activities_by_body_and_area", body="ÄLN", area="nära vård", year="2025") == ALN_NARA_VARD_2025


def test_vs_under_kompetens_is_the_two_competence_supply_activities(store, settings):
    assert ask(store, settings, "activities_by_body_and_area", body="VS", area="kompetens", year="2025") == VS_KOMPETENS_2025


def test_body_and_area_match_without_regard_to_case_or_spacing(store, settings):
    for body in ("ÄLN", "äln", "Äldrenämnden", "  äldrenämnden ", "ÄLDRENÄMNDEN"):
        for area in ("nära vård", "NÄRA VÅRD", " nära   vård "):
            assert ask(store, settings, "activities_by_body_and_area", body=body, area=area, year="2025") == ALN_NARA_VARD_2025


def test_year_filter_narrows_and_unknown_year_gives_nothing(store, settings):
    assert ask(store, settings, "activities_by_body_and_area", body="ÄLN", area="nära vård", year="2025") == ALN_NARA_VARD_2025
    assert ask(store, settings, "activities_by_body_and_area", body="ÄLN", area="nära vård", year="2019") == []


def test_the_list_has_every_activity(store):
    table = store.select(PREFIXES + """
        SELECT (COUNT(?a) AS ?n) WHERE { ?a a hsvo:Activity ; hsvo:year 2025 }""")
    assert int(table.rows[0]["n"]) == ACTIVITIES_2025


def test_activities_per_local_focus_area(store):
    table = store.select(PREFIXES + """
        SELECT ?label (COUNT(?a) AS ?n) WHERE {
          ?a hsvo:year 2025 ; hsvo:localFocusArea/skos:prefLabel ?label
        } GROUP BY ?label""")
    assert {str(r["label"]): int(r["n"]) for r in table.rows} == PER_LOCAL_FOCUS_AREA_2025


def test_every_activity_has_indicator_responsible_body_and_provenance(store):
    table = store.select(PREFIXES + """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?a WHERE {
          ?a hsvo:year 2025 .
          FILTER NOT EXISTS {
            ?a hsvo:followUpIndicator ?i ; hsvo:responsibleBody ?b ;
               prov:qualifiedPrimarySource [ prov:entity ?doc ; hsvo:section ?s ; hsvo:page ?p ] .
          }
        }""")
    assert table.rows == []


def test_tjansteledning_is_the_only_responsible_body_of_four_activities(store):
    table = store.select(PREFIXES + """
        PREFIX bd: <https://w3id.org/hsvo-graph/id/body/>
        SELECT ?title WHERE {
          ?a hsvo:year 2025 ; rdfs:label ?title ; hsvo:responsibleBody bd:tl-hsvo-uppsala .
          FILTER NOT EXISTS { ?a hsvo:responsibleBody ?other FILTER (?other != bd:tl-hsvo-uppsala) }
        } ORDER BY ?title""")
    assert table.column("title") == sorted(TL_ONLY_2025)


def test_the_seven_boards_with_their_principals(store):
    table = store.select(PREFIXES + """
        SELECT ?abbr ?name ?principal WHERE {
          ?b a hsvo:Board ; hsvo:abbreviation ?abbr ; skos:prefLabel ?name ;
             hsvo:principal/rdfs:label ?principal .
          FILTER (LANG(?name) = "sv" && LANG(?principal) = "sv")
        }""")
    found = {str(r["abbr"]): (str(r["name"]), str(r["principal"])) for r in table.rows}
    assert found == BOARDS


def test_without_a_year_the_latest_list_answers(store, settings):
    """The acceptance question as a strategist asks it: no year means this year's list."""
    assert ask(store, settings, "activities_by_body_and_area", body="ÄLN", area="nära vård") == ALN_NARA_VARD_2025
    assert ask(store, settings, "activities_by_body_and_area", body="VS", area="kompetens") == VS_KOMPETENS_2025


def test_several_years_can_be_compared(store, settings):
    query = load_catalog(settings.queries_dir)["activities_by_body_and_area"]
    table = run_canned(StoreReader(store), query, {"body": "ÄLN", "area": "nära vård", "year": ["2024", "2025"]})
    years = [int(y) for y in table.column("year")]
    assert years == sorted(years) and set(years) == {2024, 2025}
    assert table.column("title")[-len(ALN_NARA_VARD_2025):] == ALN_NARA_VARD_2025

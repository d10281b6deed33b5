"""Seed 004 in the graph: Verksamhetsplan NSU 2019 and utbildningsnämnden's förslag till beslut.

Every number and text below was counted or copied by hand from
``../shared/seeds/004_9bb18136b4fd6bf6.txt`` (not from data/), so a test fails when
``data/nsu-uppsala-2019.ttl`` drifts from the source. How the broken tables were rebuilt is
explained in docs/data-coverage.md (section "Seed 004").
"""

import re

import pytest

from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.canned.catalog import load_catalog, run_canned
from hsvo_graph.config import Settings
from hsvo_graph.namespaces import sparql_prologue
from hsvo_graph.store import GraphStore

SEED_004 = "004_9bb18136b4fd6bf6.txt"
PLAN = "https://w3id.org/hsvo-graph/id/document/verksamhetsplan-nsu-2019"
BD = "https://w3id.org/hsvo-graph/id/body/"
HSVO = "https://w3id.org/hsvo-graph/ontology#"

PREFIXES = sparql_prologue()

# --- hand-counted from the seed ----------------------------------------------------

# "Aktiviteter 2019" in the plan's order, with the mål (section 3.x/4.x/5.x heading) of
# their table. Table 5.1's cell "Inventera kuskapsläget. Implementera nya arbetssätt" has
# one indicator per sentence and counts as two activities.
ACTIVITIES_2019 = [
    ("2.1.1", "Implementera beskrivning av flödet mellan de regionala och lokala samverkansstukturerna"),
    ("2.1.1", "Skapa delaktighet i planarbetet inom berörda förvaltningar"),
    ("2.1.1", "Ta fram implementeringsplaner för att möjliggöra förankring"),
    ("2.1.1", "Inkludera social hållbarhet i närvårdsarbetet"),
    ("2.1.1", "Ta fram en gemensam plan för samordnade utbildningsinsatser"),
    ("2.1.2", "Involvera brukarombudet i närvårsarbete"),
    ("2.1.2", "Delta i regional utveckling inom området"),
    ("2.1.3", "Påbörja arbetet med att definiera lokalsamhällen"),
    ("2.1.4", "Ta fram anpassade modeller som möjliggör uppföjning och analys"),
    ("2.1.4", "Skapa arenor/strukturer för dialog och lärande kring avvikelser mellan huvudmännen"),
    ("2.2.1", "Hålla samman pågående samverkansprojekt via ledningsgrupper NSU"),
    ("2.2.2", "Prator anpassas för målgruppen"),
    ("2.2.3", "Kartlägga hur SIP tillämpas inom olika verksamhetsområden"),
    ("2.2.3", "Ta fram en handlingsplan för utvecklingsarbete inom området"),
    ("2.2.3", "Utifrån kartläggning och handlingsplan medverka i planerade aktiviteter"),
    ("2.2.3", "Anhörigas situation beaktas i närvårdsarbetet inom ramen för arbetet med ”God och nära vård”"),
    ("2.3.1", "Färdigställa och samordna handlingsplaner för suicidprevention"),
    ("2.3.1", "Skapa struktur för att genomföra utbildningen ”Första hjälpen till psykisk hälsa”"),
    ("2.3.1", "Inventera kuskapsläget."),
    ("2.3.1", "Implementera nya arbetssätt"),
    ("2.3.1", "Återuppta systematiskt kvalitetsarbete från bättre liv satsningen med tydlig samverkan"),
    ("2.3.2", "Skapa ökad samverkan mellan huvudmännen inom ramen för skolnärvaroprojektet"),
    ("2.3.2", "Kartlägga problematik kring lång skolfrånvaro (mer än ett år)"),
    ("2.3.2", "Genomföra pilotprojekt för ungdomar med missbruk/beroende"),
    ("2.3.2", "Förstärka samarbetet mellan huvudmännen för målgruppen"),
    ("2.3.2", "Projekt ”Ung Intro” (Tidigare ”Förrehabiliterande insatser för unga med "
              "aktivitetsersättning”) genomförs tom 30 juni 2020."),
    ("2.3.2", "Progressionsteam SFI. Kartlägga orsaken till avbrutna studier och erbjuda anpassning. "
              "Pågående ansökan om medel från samordningsförbundet."),
    ("2.3.2", "Identifiera och kartlägga samverkansfrågor vid behov i projekt Regional överenskommelse "
              "och integrationsstrategier (RÖK), vars syfte är att fastställa ett gemensamt synsätt och "
              "främja en sammanhållen integrations- och etableringsprocess i kommuner."),
    ("2.3.2", "Arbete enligt projektplan ”Samverkan kring cancerrehabilitering”"),
    ("2.3.2", "Genomföra en utredning med fokus på äldre och missbruk"),
    ("2.3.2", "Uppföljning och utveckling inom området"),
    ("2.3.2", "Det finns en uppdaterad lokal överenskommelse för riskbruk, missbruk och beroende (RIM)"),
    ("2.3.2", "Ta fram en lokal handlingsplan för driva utvecklingen i enlighet med ”Effektiv och nära vård 2030”"),
    ("2.3.2", "Fortsätta arbetet med att anpassa vårdprocessen i enlighet med lag (2017:612) om samverkan "
              "vid utskrivning från sluten hälso- och sjukvård"),
    ("2.3.2", "Utveckla samarbetet mellan Region Uppsala och kommun avseende mobilt närvårdsteam"),
]
ACTIVITY_COUNT_2019 = 35
PER_SECTION_2019 = {"2.1.1": 5, "2.1.2": 2, "2.1.3": 1, "2.1.4": 2, "2.2.1": 1, "2.2.2": 1,
                    "2.2.3": 4, "2.3.1": 5, "2.3.2": 14}
PER_TARGET_GROUP_5_2 = {"Barn och unga": 3, "Unga personer (19–29 år)": 2, "Vuxna": 3,
                        "Äldre": 2, "Alla målgrupper": 4}

# Row number -> (indicators, responsible bodies, the Ansvar cell when it is not just a body name).
SAMPLE_ROWS = {
    1: ({"Antal framtaga riktlinjer/ rutiner med utgångspunkt i samverkan"},
        {"nsu-ledningsgrupp"}, "Representanter i respektive ledningsgrupp NSU"),
    6: ({"Deltagit (Ja/Nej)"}, set(), "Närvårdsstrateger"),
    7: ({"Möjlighet till inflytande mätt (Ja/Nej)"}, set(), "Närvårdsstrateger"),
    8: ({"Inkluderat i handlingsplan för God och nära vård 2030 (Ja/Nej)"}, {"nsu-ledningsgrupp"}, None),
    10: ({"Gemensam analys genomförd (Ja/Nej)", "Lokala rutiner framtagna (Ja/Nej)"},
         {"nsu-ledningsgrupp"}, None),
    11: ({"Innovationsprojekt inkluderade i närvårdsstrukturen (Ja/Nej)",
          "Arbete enligt projektplaner för: ”Innovationskompetens och nya former för lärande” (Ja/Nej) "
          "”Trygg hemgång med digitalt stöd” (Ja/Nej)"}, {"nsu-ledningsgrupp"}, None),
    12: ({"Pilot genomförd (Ja/Nej)"}, {"barnsjukhuset", "uppsala-omsorgsforvaltningen"},
         "Barnsjukhuset och omsorgsförvaltningen"),
    13: ({"Kartläggning genomförd (Ja/Nej)"}, {"nsu-ledningsgrupp"},
         "Länsgemensam styrgrupp för projekt Lokalt anpassning:Ledningsgrupp NSU"),
    18: ({"Utbildningar erbjudna (Ja/Nej)"}, set(), "Samordnare vid FOU-S"),
    19: ({"Inventering genomförd (Ja/Nej)"}, {"nsu-ledningsgrupp"}, "Ledningsgrupp (NSU)"),
    22: ({"Plan för samverkan finns (Ja/Nej)"}, {"ledningsgrupp-psykiatri-missbruk", "nsu-utsedd-styrgrupp"},
         "Utsedd styrgrupp och ledningsgrupp psykiatri och missbruk"),
    25: ({"Ökad andel ungdomar i arbete (procent)"}, {"nsu-ledningsgrupp"}, None),
    26: ({"Arbete enligt projektplan (Ja/Nej)"}, {"uppsala-kommun"},
         "Uppsala kommun är insatsägare och Arbetsförmedlingen, Försäkringskassan och Region Uppsala "
         "är samverkansparter"),
    27: ({"Arbete enligt projektplan (Ja/Nej) (under förutsättning att ansökan beviljas)"}, {"nsu-utsedd-styrgrupp"},
         "Utsedd styrgrupp"),
    32: ({"Överenskommelse uppdaterad (Ja/Nej)"}, {"nsu-utsedd-styrgrupp"}, "Utsedd styrgrupp"),
    34: ({"Analysgrupper somatik respektive psykiati följer identifierade indikatorer - arbete enligt "
          "projektplan (Ja/Nej)"}, {"nsu-ledningsgrupp"}, None),
}
# "Ansvar" names a role, not a body, in these rows.
ROLE_ROWS = {6: "role-narvardsstrateg", 7: "role-narvardsstrateg", 17: "role-narvardsstrateg",
             18: "role-samordnare-fou-s"}
# "Ansvar" names only a role in these rows, so no body is responsible. ("Utsedd styrgrupp",
# an unnamed appointed steering group, is bd:nsu-utsedd-styrgrupp.)
NO_BODY_ROWS = [6, 7, 17, 18]

OVERALL_GOAL = "Länets invånare upplever en god, sammanhållen och nära hälso- och sjukvård och omsorg"
FOCUS_AREAS = {
    "2.1": "Stärk grundläggande förutsättningar i närvården",
    "2.2": "Effektivisera arbetssätt och verktyg i närvården",
    "2.3": "Förändra vårdstrukturen och kraftsamla kring vissa grupper i närvården",
}
GOALS_PER_FOCUS_AREA = {"2.1": 4, "2.2": 3, "2.3": 3}
GOAL_2_3_3 = ("De mål som finns i handlingsplan ”psykisk hälsa” ska prioriteras, hälsofrämjande, "
              "förebyggande och tidiga insatser är självklara delar.")
# Prioritised areas ("Prioriterat område" cells) per mål.
PRIORITY_AREAS_PER_GOAL = {"2.1.1": 4, "2.1.2": 1, "2.1.3": 1, "2.1.4": 1, "2.2.1": 1, "2.2.2": 1,
                           "2.2.3": 2, "2.3.1": 3, "2.3.2": 13}

ORDINARY_OPERATIONS = [
    "SUF – Samverkan Utveckling Föräldraskap", "Psykosvårdens beroendeteam",
    "VOSS (Vård- och stödsamordning,Vuxna)", "Närvårdsteamet NPF", "Hikikomori",
    "Socialpsykiatriska behandlingsteamet (SPBT)", "Familjecentral/ familjecentrerat arbete",
    "HVB Övernäs (Läkarinsats)", "Kommunkoordinatorn på akutmottagningen", "LOKUS gruppen",
    "Samverkan med Enheten för transkulturell psykiatri (ETP)",
]

DECISION_TEXTS = {
    HSVO + "Commission": "att uppdra till förvaltningsdirektören att inkomma med förslag på prioriterade "
    "områden för verksamhetsplan 2020 som grund för fortsatt dialog inom ramen för regional och lokal "
    "närvårdssamverkan",
    HSVO + "Adoption": "att anta verksamhetsplanen som fastställts av den politiska styrgruppen för "
    "närvård och lägga den till handlingarna",
}

RENAMINGS = {
    ("nsu-politisk-styrgrupp", "samrad-hsvo-uppsala"),
    ("nsu-ledningsgrupp", "tl-hsvo-uppsala"),
    ("nsu", "hsvo-uppsala"),
}


# --- helpers ---------------------------------------------------------------------------

def rows(store: GraphStore, query: str) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.items()} for row in store.select(PREFIXES + query).rows]


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def activity(n: int) -> str:
    return f"act:nsu-2019-{n}"


# --- activities --------------------------------------------------------------------------

def test_every_2019_activity_in_the_plans_order(store):
    found = rows(store, """
        SELECT ?row ?title ?goal WHERE {
          ?a hsvo:year 2019 ; hsvo:rowNumber ?row ; rdfs:label ?title ;
             hsvo:listedIn doc:verksamhetsplan-nsu-2019 ;
             hsvo:localFocusArea/skos:broader/skos:notation ?goal .
        } ORDER BY ?row""")
    assert len(found) == ACTIVITY_COUNT_2019
    assert [r["row"] for r in found] == [str(n) for n in range(1, ACTIVITY_COUNT_2019 + 1)]
    assert [(r["goal"], r["title"]) for r in found] == ACTIVITIES_2019


def test_activities_per_goal_section_and_per_target_group(store):
    per_goal = rows(store, """
        SELECT ?goal (COUNT(?a) AS ?n) WHERE {
          ?a hsvo:year 2019 ; hsvo:localFocusArea/skos:broader/skos:notation ?goal
        } GROUP BY ?goal""")
    assert {r["goal"]: int(r["n"]) for r in per_goal} == PER_SECTION_2019
    per_group = rows(store, """
        SELECT ?group (COUNT(?a) AS ?n) WHERE {
          ?a hsvo:year 2019 ; hsvo:localFocusArea/hsvo:targetGroup ?group
        } GROUP BY ?group""")
    assert {r["group"]: int(r["n"]) for r in per_group} == PER_TARGET_GROUP_5_2


@pytest.mark.parametrize("row", sorted(SAMPLE_ROWS))
def test_sample_rows_have_their_indicators_and_responsibility(store, row):
    indicators, bodies, ansvar = SAMPLE_ROWS[row]
    found = rows(store, f"""
        SELECT ?indicator WHERE {{ {activity(row)} hsvo:followUpIndicator ?indicator }}""")
    assert {r["indicator"] for r in found} == indicators
    found = rows(store, f"SELECT ?b WHERE {{ {activity(row)} hsvo:responsibleBody ?b }}")
    assert {local(r["b"]) for r in found} == bodies
    printed = [r["c"] for r in rows(store, f"""
        SELECT ?c WHERE {{ {activity(row)} hsvo:responsibilityText ?c }}""")]
    assert printed == ([ansvar] if ansvar else [])
    assert not rows(store, f"""SELECT ?c WHERE {{ {activity(row)} rdfs:comment ?c
        FILTER STRSTARTS(?c, "Ansvar i källan") }}""")


def test_roles_are_recorded_where_ansvar_names_a_role_and_no_body_is_invented(store):
    found = rows(store, """
        SELECT ?row ?role WHERE {
          ?a hsvo:year 2019 ; hsvo:rowNumber ?row ; hsvo:responsibleRole ?role }""")
    assert {int(r["row"]): local(r["role"]) for r in found} == ROLE_ROWS
    found = rows(store, """
        SELECT ?row WHERE {
          ?a hsvo:year 2019 ; hsvo:rowNumber ?row .
          FILTER NOT EXISTS { ?a hsvo:responsibleBody ?b }
        } ORDER BY ?row""")
    assert [int(r["row"]) for r in found] == NO_BODY_ROWS


def test_ung_intro_names_the_owner_and_the_partners(store):
    found = rows(store, f"SELECT ?b WHERE {{ {activity(26)} hsvo:participatingBody ?b }}")
    assert {local(r["b"]) for r in found} == {"arbetsformedlingen", "forsakringskassan", "region-uppsala"}


def test_every_activity_has_an_indicator_and_a_section_as_provenance(store):
    found = rows(store, """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?a WHERE {
          ?a hsvo:year 2019 .
          FILTER NOT EXISTS {
            ?a hsvo:followUpIndicator ?i ;
               prov:qualifiedPrimarySource [ prov:entity doc:verksamhetsplan-nsu-2019 ; hsvo:section ?s ] .
          }
        }""")
    assert found == []


# --- goals ---------------------------------------------------------------------------------

def test_overall_goal_focus_areas_and_their_goals(store):
    found = rows(store, """
        SELECT ?text WHERE { ?g a hsvo:OverallGoal ; skos:inScheme goal:strategi-2018-2020 ;
                                skos:prefLabel ?text FILTER (LANG(?text) = "sv") }""")
    assert [r["text"] for r in found] == [OVERALL_GOAL]
    found = rows(store, """
        SELECT ?code ?label WHERE { ?f a hsvo:FocusArea ; skos:inScheme goal:strategi-2018-2020 ;
                                       skos:notation ?code ; skos:prefLabel ?label FILTER (LANG(?label) = "sv") }""")
    assert {r["code"]: r["label"] for r in found} == FOCUS_AREAS
    found = rows(store, """
        SELECT ?code (COUNT(?g) AS ?n) WHERE {
          ?g a hsvo:SubGoal ; skos:broader/skos:notation ?code ; skos:inScheme goal:strategi-2018-2020 }
        GROUP BY ?code""")
    assert {r["code"]: int(r["n"]) for r in found} == GOALS_PER_FOCUS_AREA
    found = rows(store, """
        SELECT ?text WHERE { ?g skos:notation "2.3.3" ; skos:inScheme goal:strategi-2018-2020 ;
                                skos:prefLabel ?text }""")
    assert [r["text"] for r in found] == [GOAL_2_3_3]


def test_prioritised_areas_per_goal_trace_to_the_strategy(store):
    found = rows(store, """
        SELECT ?code (COUNT(?pa) AS ?n) WHERE {
          ?pa a hsvo:PriorityArea ; hsvo:definedIn doc:verksamhetsplan-nsu-2019 ;
              skos:broader ?goal ; hsvo:tracesTo ?goal .
          ?goal skos:notation ?code ; hsvo:definedIn doc:strategi-narvardssamverkan-2018-2020 .
        } GROUP BY ?code""")
    assert {r["code"]: int(r["n"]) for r in found} == PRIORITY_AREAS_PER_GOAL


def test_the_strategy_and_the_plan(store):
    found = rows(store, """
        SELECT ?title ?from ?to WHERE {
          doc:verksamhetsplan-nsu-2019 a hsvo:OperationalPlan ; hsvo:implements ?s .
          ?s a hsvo:Strategy ; dct:title ?title ; hsvo:startYear ?from ; hsvo:endYear ?to }""")
    assert found == [{"title": "Strategi för närvårdssamverkan 2018-2020", "from": "2018", "to": "2020"}]


# --- documents and decisions ------------------------------------------------------------

def test_steering_group_adopted_the_plan_on_16_october_2018(store):
    found = rows(store, """
        SELECT ?date ?kind ?by WHERE {
          ?d a hsvo:Decision ; hsvo:concerns doc:verksamhetsplan-nsu-2019 ; hsvo:decisionDate ?date ;
             hsvo:decisionKind ?kind ; hsvo:decidedBy ?by .
          FILTER NOT EXISTS { ?d a hsvo:DecisionProposal } }""")
    assert found == [{"date": "2018-10-16", "kind": HSVO + "Adoption", "by": BD + "nsu-politisk-styrgrupp"}]


def test_utbildningsnamnden_gets_two_att_clauses(store):
    found = rows(store, """
        SELECT ?kind ?text ?to WHERE {
          ?p a hsvo:DecisionProposal ; dct:isPartOf doc:ubn-forslag-verksamhetsplan-nsu-2019 ;
             hsvo:decisionKind ?kind ; hsvo:decisionText ?text ; hsvo:addressedTo ?to ;
             hsvo:decidedBy bd:uppsala-ubn .
          FILTER (?kind != hsvo:Noting) }""")
    assert {r["kind"]: r["text"] for r in found} == DECISION_TEXTS
    assert {r["to"] for r in found} == {BD + "uppsala-ubn"}


# --- bodies, roles and renamings -----------------------------------------------------

def test_the_nsu_bodies(store):
    found = rows(store, """
        SELECT ?meetings ?tier ?level WHERE {
          bd:nsu-politisk-styrgrupp a hsvo:SteeringGroup ; hsvo:meetingsPerYear ?meetings ;
              hsvo:tier ?tier ; hsvo:level ?level ; hsvo:partOf bd:nsu }""")
    assert found == [{"meetings": "3", "tier": HSVO + "PoliticalTier", "level": HSVO + "LocalLevel"}]
    found = rows(store, """
        SELECT ?power WHERE { bd:nsu-ledningsgrupp a hsvo:ManagementGroup ;
                                 hsvo:supports bd:nsu-politisk-styrgrupp ; hsvo:hasMandate/hsvo:grants ?power }""")
    assert {local(r["power"]).split("#")[-1] for r in found} == {
        "OrganiseWork", "EstablishWorkingGroups", "ActAsSteeringGroup"}
    found = rows(store, "SELECT ?role WHERE { bd:nsu-au a hsvo:WorkingCommittee ; hsvo:includesRole ?role }")
    assert {local(r["role"]) for r in found} == {"role-narvardsstrateg", "role-samordningschef", "role-stabschef"}
    found = rows(store, """
        SELECT ?label WHERE { bd:nsu a hsvo:CollaborationBody ; rdfs:label ?label FILTER (LANG(?label) = "sv") }""")
    assert [r["label"] for r in found] == ["Närvårdssamverkan Uppsala (NSU)"]


def test_three_co_funded_narvardsstrateger(store):
    found = rows(store, """
        SELECT ?n ?by WHERE { GRAPH <https://w3id.org/hsvo-graph/graph/nsu-uppsala-2019> {
          bd:role-narvardsstrateg hsvo:headcount ?n ; hsvo:coFundedBy ?by } }""")
    assert {(r["n"], local(r["by"])) for r in found} == {("3", "uppsala-kommun"), ("3", "region-uppsala")}


def test_renamings_of_the_nsu_bodies_with_their_attested_years(store):
    found = rows(store, """
        SELECT ?from ?to WHERE {
          ?r a hsvo:Renaming ; hsvo:renamedFrom ?from ; hsvo:renamedTo ?to .
          ?from hsvo:succeededBy ?to ; hsvo:validUntil 2019 .
          FILTER STRSTARTS(STR(?r), "https://w3id.org/hsvo-graph/id/document/namnbyte-nsu") }""")
    assert {(local(r["from"]), local(r["to"])) for r in found} == RENAMINGS


def test_ordinary_operations(store):
    found = rows(store, """
        SELECT ?label WHERE { ?o a hsvo:OrdinaryOperation ; hsvo:operationOf doc:verksamhetsplan-nsu-2019 ;
                                 hsvo:hasName [ hsvo:attestedIn doc:verksamhetsplan-nsu-2019 ; hsvo:name ?label ] }""")
    assert sorted(r["label"] for r in found) == sorted(ORDINARY_OPERATIONS)


# --- the canned question "what was this body called in year X?" --------------------

def names(store: GraphStore, settings: Settings, **arguments: str) -> list[tuple[str, str, str]]:
    query = load_catalog(settings.queries_dir)["body_names_over_time"]
    table = run_canned(StoreReader(store), query, arguments)
    return list(zip(table.column("name"), table.column("validFrom"), table.column("validUntil")))


def test_tl_hsvo_uppsala_was_ledningsgrupp_nsu_in_2019(store, settings):
    for spelling in ("TL HSVO Uppsala", " tl  hsvo uppsala", "Tjänsteledning HSVO Uppsala"):
        assert names(store, settings, body=spelling, year="2019") == [("Ledningsgrupp NSU", "", "2019")]


def test_former_name_leads_to_the_current_one(store, settings):
    assert names(store, settings, body="Ledningsgrupp NSU", year="2025") == [
        ("Tjänsteledning HSVO Uppsala", "2021", "")]
    assert names(store, settings, body="Politisk styrgrupp NSU", year="2024") == [("Samråd HSVO Uppsala", "2021", "")]
    assert names(store, settings, body="nsu", year="2024") == [("HSVO Uppsala", "2023", "")]


def test_without_a_year_the_whole_history_and_between_names_nothing(store, settings):
    assert names(store, settings, body="Samråd HSVO Uppsala") == [
        ("Politisk styrgrupp närvårdssamverkan Uppsala", "", "2019"), ("Samråd HSVO Uppsala", "2021", "")]
    assert names(store, settings, body="TL HSVO Uppsala", year="2020") == []
    assert names(store, settings, body="no such body") == []


# --- every text occurs in the seed --------------------------------------------------------

def _flat(text: str) -> str:
    """Seed text with line breaks, hyphenation at line ends and white space folded away."""
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", "", text)


def test_titles_indicators_and_areas_occur_in_the_seed(store, seeds_dir):
    seed = _flat((seeds_dir / SEED_004).read_text(encoding="utf-8"))
    found = rows(store, """
        SELECT ?text WHERE {
          { ?x hsvo:year 2019 ; rdfs:label ?text }
          UNION { ?x hsvo:year 2019 ; hsvo:followUpIndicator ?text }
          UNION { ?x hsvo:definedIn doc:verksamhetsplan-nsu-2019 ; skos:prefLabel ?text }
          UNION { ?x skos:inScheme goal:strategi-2018-2020 ; skos:prefLabel ?text FILTER (LANG(?text) = "sv") }
          UNION { ?x hsvo:hasName [ hsvo:attestedIn doc:verksamhetsplan-nsu-2019 ; hsvo:name ?text ] }
        }""")
    assert len(found) > 80
    for row in found:
        assert _flat(row["text"]) in seed, f"not in seed: {row['text']}"

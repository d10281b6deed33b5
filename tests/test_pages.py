"""The pages for strategists: start page, query pages with forms and exports, language
switch, content negotiation, the OpenAPI description of the canned queries, pictures."""

import io
import re
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from hsvo_graph.api.negotiation import negotiate

from .expected import ALN_NARA_VARD_2025

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CANNED = "/q/activities_by_body_and_area"
ALN_NARA_VARD = {"body": "ÄLN", "area": "nära vård", "year": "2025"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_start_page_lists_every_question_in_swedish_with_researcher_links(client):
    page = client.get("/", headers=HTML)
    assert page.status_code == 200 and '<html lang="sv">' in page.text
    for query in client.get("/q").json():
        assert f'href="/q/{query["id"]}"' in page.text
        assert query["question"]["sv"] in page.text
    for link in ('href="/sparql', 'href="/docs"', 'href="/health"'):
        assert link in page.text
    for picture in ("/pictures/organisation", "/pictures/heatmap", "/pictures/goal-tree"):
        assert f'href="{picture}"' in page.text


def test_english_by_switch_and_remembered_by_cookie(settings, store):
    from fastapi.testclient import TestClient

    from hsvo_graph.api.app import create_app

    with TestClient(create_app(settings, store)) as fresh:
        swedish = fresh.get("/", headers=HTML)
        assert 'href="/?lang=en"' in swedish.text and "Vad vill du veta?" in swedish.text
        english = fresh.get("/?lang=en", headers=HTML)
        assert '<html lang="en">' in english.text and "What do you want to know?" in english.text
        assert english.cookies.get("lang") == "en"
        later = fresh.get(CANNED, headers=HTML)  # the cookie now travels with the client
        assert '<html lang="en">' in later.text and "Show the answer" in later.text
        back = fresh.get(f"{CANNED}?lang=sv", headers=HTML)
        assert "Visa svaret" in back.text


def test_query_page_form_offers_bodies_areas_years_from_the_graph(client):
    page = client.get(CANNED, headers=HTML)
    assert page.status_code == 200 and "<form" in page.text
    assert '<option value="ÄLN">ÄLN – Äldrenämnden</option>' in page.text
    assert '<option value="Nära vård">Nära vård</option>' in page.text
    assert '<input type="checkbox" name="year" value="2025" checked>' in page.text  # default: the latest list
    assert '<label for="p-body">' in page.text and 'id="p-body"' in page.text
    assert "<table" not in page.text  # nothing asked yet: no answer


def test_query_page_answers_and_keeps_the_choices_case_insensitively(client):
    page = client.get(CANNED, params={"body": "äln", "area": "NÄRA VÅRD", "year": "2025"}, headers=HTML)
    assert page.status_code == 200
    assert '<option value="ÄLN" selected>' in page.text
    assert '<option value="Nära vård" selected>' in page.text
    assert f'<span id="result-count">{len(ALN_NARA_VARD_2025)}</span>' in page.text
    for title in ALN_NARA_VARD_2025:
        assert title.split(" • ")[0] in page.text
    assert 'href="/id/activity/uppsala-2025-20"' in page.text  # titles link to their pages
    for fmt in ("csv", "xlsx", "json"):
        assert re.search(rf'href="/q/activities_by_body_and_area\?[^"]*format={fmt}(&amp;|")', page.text)


def test_query_page_reports_a_bad_value_next_to_the_form(client):
    page = client.get(CANNED, params={"body": "ÄLN", "area": "vård", "year": "tjugo"}, headers=HTML)
    assert page.status_code == 400
    assert 'role="alert"' in page.text and "ange ett år med fyra siffror, till exempel 2025 (nu: tjugo)" in page.text
    assert "<form" in page.text


def test_html_escapes_what_the_user_typed(client):
    page = client.get(CANNED, params={"body": "<script>alert(1)</script>", "area": "vård"}, headers=HTML)
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_xlsx_export_is_a_real_workbook_with_swedish_intact(client):
    response = client.get(CANNED, params={**ALN_NARA_VARD, "format": "xlsx"})
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert 'filename="Aktiviteter_per_organ_och_fokusomrade_ALN' in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Aktivitet (länk)", "Titel")  # the IRIs the titles link to, headed as links
    assert [row[1] for row in rows[1:]] == ALN_NARA_VARD_2025
    assert rows[1][2] == 2025 and isinstance(rows[1][2], int)  # numbers stay numbers
    assert sheet.cell(row=2, column=1).hyperlink.target.startswith("https://w3id.org/hsvo-graph/id/activity/")
    about = dict(book["Om frågan"].iter_rows(values_only=True))
    assert about["Organ"] == "ÄLN" and about["Fokusområde"] == "nära vård"


def test_accept_header_chooses_the_format(client):
    as_csv = client.get(CANNED, params=ALN_NARA_VARD, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    as_xlsx = client.get(CANNED, params=ALN_NARA_VARD, headers={"Accept": XLSX})
    assert as_xlsx.content[:2] == b"PK"  # a zip container
    as_json = client.get(CANNED, params=ALN_NARA_VARD, headers={"Accept": "application/json"})
    assert as_json.json()["count"] == len(ALN_NARA_VARD_2025)
    assert client.get(CANNED, params=ALN_NARA_VARD, headers={"Accept": "image/png"}).status_code == 406
    assert client.get(CANNED, params={**ALN_NARA_VARD, "format": "pdf"}).status_code == 400


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "json"),
    ("*/*", "json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("application/json;q=0.5, text/csv", "csv"),
    ("text/*", "html"),
    ("text/csv;q=0, */*;q=0.1", "json"),
])
def test_negotiation_rules(accept, expected):
    assert negotiate(None, accept, ["json", "html", "csv", "xlsx"], "json") == expected


def test_query_list_sends_browsers_to_the_start_page(client):
    response = client.get("/q", headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_openapi_documents_each_canned_query_with_its_parameters(client):
    spec = client.get("/openapi.json").json()
    for query in client.get("/q").json():
        operation = spec["paths"][f"/q/{query['id']}"]["get"]
        documented = {p["name"]: p for p in operation["parameters"]}
        assert set(documented) == {p["name"] for p in query["parameters"]} | {"format"}
        for parameter in query["parameters"]:
            assert documented[parameter["name"]]["required"] == parameter["required"]
        assert "text/csv" in operation["responses"]["200"]["content"]
    body = {p["name"]: p for p in spec["paths"]["/q/body_involvement_by_year"]["get"]["parameters"]}
    assert body["body"]["schema"]["type"] == "array" and body["year"]["schema"]["items"]["type"] == "integer"


def test_several_values_of_one_parameter(client):
    one = client.get("/q/body_involvement_by_year", params={"body": "ÄLN", "year": "2025"}).json()
    two = client.get("/q/body_involvement_by_year",
                     params=[("body", "ÄLN"), ("body", "vs"), ("year", "2025")]).json()
    assert {row["bodyName"] for row in two["rows"]} == {"ÄLN", "VS"}
    assert one["count"] < two["count"]


# -- pictures -----------------------------------------------------------------

def _svg(client, path: str, **params: str) -> ElementTree.Element:
    response = client.get(path, params={**params, "format": "svg"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    return root


def _texts(root: ElementTree.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]


def test_heatmap_counts_activities_per_body_and_area_and_links_them(client):
    root = _svg(client, "/pictures/heatmap", year="2025")
    links = {a.get("aria-label"): a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")}
    label = f"ÄLN – Nära vård: {len(ALN_NARA_VARD_2025)}"
    assert label in links
    listed = client.get(links[label]).json()  # the cell's link lists the same activities
    assert [row["title"] for row in listed["rows"]] == ALN_NARA_VARD_2025
    page = client.get("/pictures/heatmap?year=2025", headers=HTML)
    assert '<table id="heatmap-table">' in page.text and "<svg" in page.text


def test_organisation_chart_places_bodies_and_says_mandates_in_words(client):
    root = _svg(client, "/pictures/organisation")
    texts = _texts(root)
    assert {"Länsnivå", "Lokal nivå", "Politisk nivå", "Tjänstepersonsnivå"} <= set(texts)
    assert "Samråd HSVO Uppsala" in texts
    assert "✕ inte beslutande" in texts  # a withheld power, in words, not colour only
    assert "✓ fastställer planer" in texts
    page = client.get("/pictures/organisation", headers=HTML)
    assert "Lokal nivå – politisk nivå" in page.text and 'href="/id/body/samrad-hsvo-uppsala"' in page.text


def test_goal_tree_shows_status_in_words(client):
    root = _svg(client, "/pictures/goal-tree", year="2024")
    texts = " ".join(_texts(root))
    assert "A. Förebyggande och" in texts and "Nära vård" in texts
    assert "✓ genomförd" in texts and "◐ pågår" in texts
    page = client.get("/pictures/goal-tree?year=2024", headers=HTML)
    marker = '<span class="status status-completed"><span aria-hidden="true">✓</span> genomförd</span>'
    assert marker in page.text


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _by_language(element: ElementTree.Element, lang: str | None = None) -> list[tuple[str, str | None]]:
    """Every text of an SVG with the language it is marked as (None: the page's)."""
    lang = element.get(XML_LANG, lang)
    texts = [(element.text, lang)] if element.text and element.text.strip() else []
    for child in element:
        texts += _by_language(child, lang)
        if child.tail and child.tail.strip():
            texts.append((child.tail, lang))
    return texts


def test_goal_tree_marks_its_swedish_names_on_an_english_page(client, store):
    """The tree's names come from the query in Swedish: on an English page every one is
    marked xml:lang/lang="sv" (the box, its tooltip, the text alternative), the status and
    the headings are not; a Swedish page marks nothing."""
    english = _svg(client, "/pictures/goal-tree", year="2024", lang="en")
    marked = _by_language(english)
    titles = {str(row["t"]) for row in store.select(
        'SELECT ?t WHERE { ?a a <https://w3id.org/hsvo-graph/ontology#Activity> ; '
        '<http://www.w3.org/2000/01/rdf-schema#label> ?t FILTER (LANG(?t) = "sv") }').rows}
    shown = [(text.strip(), lang) for text, lang in marked if any(text.strip() in t for t in titles)]
    assert len(shown) > 40 and all(lang == "sv" for _, lang in shown), [t for t, l in shown if l != "sv"][:5]
    assert ("✓ completed ·", None) in [(t.strip(), lang) for t, lang in marked]
    assert all(lang is None for text, lang in marked if text.strip() in ("Activity 2024", "County strategy"))
    for a in english.iter("{http://www.w3.org/2000/svg}a"):
        if a.get("aria-label"):
            assert a.get("lang") == a.get(XML_LANG)
    assert all(lang is None for _, lang in _by_language(_svg(client, "/pictures/goal-tree", year="2024", lang="sv")))
    page = client.get("/pictures/goal-tree?year=2024&lang=en", headers=HTML).text
    listed = page.split('id="text-heading"', 1)[1]
    assert len(re.findall(r'<a href="/id/activity/[^"]*" lang="sv">', listed)) == 41
    assert 'lang="sv"' not in client.get("/pictures/goal-tree?year=2024&lang=sv", headers=HTML).text.split("<main", 1)[1]


def test_pictures_reject_a_bad_year(client):
    assert client.get("/pictures/heatmap", params={"year": "20x5"}).status_code == 400


def test_heatmap_of_a_big_year_shows_the_busiest_bodies_and_areas_and_says_so(client, monkeypatch):
    """At a million triples a year had 2 088 bodies × 1 565 areas; the picture keeps the
    busiest (here capped at 3 bodies and 2 areas of the seed's 8 and 5) and the page says
    how many it leaves out, in the page's language."""
    from hsvo_graph.web.pictures import heatmap

    full = _svg(client, "/pictures/heatmap", year="2025")
    totals = {}
    for a in full.iter("{http://www.w3.org/2000/svg}a"):
        body, count = a.get("aria-label").split(" – ")[0], int(a.get("aria-label").rsplit(": ", 1)[1])
        totals[body] = totals.get(body, 0) + count
    monkeypatch.setattr(heatmap, "MAX_BODIES", 3)
    monkeypatch.setattr(heatmap, "MAX_AREAS", 2)
    capped = _svg(client, "/pictures/heatmap", year="2025")
    cells = [a.get("aria-label") for a in capped.iter("{http://www.w3.org/2000/svg}a")]
    shown_bodies = {label.split(" – ")[0] for label in cells}
    assert len(shown_bodies) <= 3 and len({label.split(" – ")[1].rsplit(":", 1)[0] for label in cells}) <= 2
    busiest = sorted(totals.values(), reverse=True)[:3]
    assert sorted((totals[b] for b in shown_bodies), reverse=True) == busiest[:len(shown_bodies)]
    sv = client.get("/pictures/heatmap?year=2025", headers=HTML).text
    assert "Här visas de 3 organ och de 2 områden som har flest aktiviteter, av 8 organ och 5 områden" in sv
    assert sv.count('<th scope="row">') == 3
    en = client.get("/pictures/heatmap?year=2025&lang=en", headers=HTML).text
    assert "Shown here are the 3 bodies and the 2 areas with the most activities, of 8 bodies and 5 areas" in en
    assert "Här visas" not in en


def test_heatmap_of_the_seed_is_whole(client):
    page = client.get("/pictures/heatmap?year=2025", headers=HTML).text
    assert "Här visas de" not in page and page.count('<th scope="row">') == 8


def test_goal_tree_of_a_big_year_draws_the_first_activities_and_says_so(client, monkeypatch):
    from hsvo_graph.api.routes import pictures

    monkeypatch.setattr(pictures, "MAX_ACTIVITIES", 5)
    root = _svg(client, "/pictures/goal-tree", year="2024")
    activities = [a for a in root.iter("{http://www.w3.org/2000/svg}a") if "/id/activity/" in (a.get("href") or "")]
    assert len(activities) == 5
    sv = client.get("/pictures/goal-tree?year=2024", headers=HTML).text
    assert "de första 5 av 41 aktiviteter" in sv
    assert sv.count('href="/id/activity/') == 2 * 5  # in the picture, and in the list below it
    en = client.get("/pictures/goal-tree?year=2024&lang=en", headers=HTML).text
    assert "the first 5 of 41 activities" in en


def test_goal_tree_of_the_seed_is_whole(client):
    page = client.get("/pictures/goal-tree?year=2024", headers=HTML).text
    assert "de första" not in page and page.count('href="/id/activity/') == 2 * 41


# -- the page language ---------------------------------------------------------

@pytest.mark.parametrize(("query", "cookie", "accept_language", "expected"), [
    ("", None, "en-GB,en;q=0.9,sv;q=0.8", "en"),    # the browser's choice, region tags as their language
    ("", None, "sv-FI,en;q=0.5", "sv"),
    ("", None, "de-DE,de;q=0.9,en;q=0.7,sv;q=0.6", "en"),  # the best of the two by q-value
    ("", None, "en;q=0,sv;q=0.2", "sv"),             # q=0 refuses
    ("", None, "de,fr", "sv"),                       # neither: Swedish
    ("", "en", "sv", "en"),                          # the cookie before the browser
    ("?lang=sv", "en", "en", "sv"),                  # the parameter before both
    ("?lang=en-GB", None, None, "en"),
    ("?lang=de", None, "en-US", "en"),               # an unknown code keeps the negotiated language
    ("?lang=de", "en", None, "en"),
])
def test_page_language_is_the_parameter_then_the_cookie_then_the_browsers(
        client, query, cookie, accept_language, expected):
    client.cookies.clear()
    if cookie:
        client.cookies.set("lang", cookie)
    headers = {**HTML, **({"Accept-Language": accept_language} if accept_language else {})}
    page = client.get(f"/{query}", headers=headers)
    assert page.status_code == 200 and f'<html lang="{expected}">' in page.text
    client.cookies.clear()


def test_a_region_tag_is_remembered_as_its_language_and_an_unknown_one_not_at_all(client):
    client.cookies.clear()
    assert client.get("/?lang=en-GB", headers=HTML).cookies.get("lang") == "en"
    client.cookies.clear()
    assert "lang" not in client.get("/?lang=de", headers=HTML).cookies
    client.cookies.clear()


@pytest.mark.parametrize(("lang", "name"), [("sv", "Aktiviteter per organ och område 2025"),
                                            ("en", "Activities per body and area 2025")])
def test_picture_download_keeps_the_page_language_and_is_named_in_it(client, lang, name):
    client.cookies.clear()
    page = client.get("/pictures/heatmap", params={"year": "2025"},
                      headers={**HTML, "Accept-Language": lang})
    link = re.search(r'href="([^"]+)" download>', page.text).group(1).replace("&amp;", "&")
    assert f"lang={lang}" in link and "format=svg" in link
    client.cookies.set("lang", "en" if lang == "sv" else "sv")  # the link, not the cookie, decides
    svg = client.get(link)
    client.cookies.clear()
    assert f"<title id=\"picture-title\">{name}</title>" in svg.text or f">{name}</title>" in svg.text
    disposition = svg.headers["content-disposition"]
    assert disposition.startswith("inline;") and "filename*=UTF-8''" in disposition
    from urllib.parse import unquote
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith(f"{name} – ")


@pytest.mark.parametrize("picture", ["/pictures/heatmap", "/pictures/organisation", "/pictures/goal-tree"])
def test_a_picture_of_a_year_without_activities_says_so_and_offers_the_years(client, picture):
    sv = client.get(picture, params={"year": "1999"}, headers=HTML)
    assert sv.status_code == 400
    assert "År: det finns inga aktiviteter år 1999; välj ett av åren 2025, 2024, 2019." in sv.text
    assert "Organisationen 1999" not in sv.text and "1999</title>" not in sv.text
    assert '<select id="p-year" name="year">' in sv.text  # the form to choose another
    en = client.get(picture, params={"year": "1999", "lang": "en"}, headers=HTML)
    assert "Year: there are no activities in 1999; choose one of the years 2025, 2024, 2019." in en.text
    bad = client.get(picture, params={"year": "abc", "lang": "en"}, headers=HTML)
    assert bad.status_code == 400 and "Year: give a year in four digits, such as 2025 (now: abc)." in bad.text
    svg = client.get(picture, params={"year": "1999", "format": "svg"})
    assert svg.status_code == 400 and "no activities in 1999" in svg.text

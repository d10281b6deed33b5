"""Exports carry their context: CSV as Excel opens it in the page language, XLSX with an
autofilter and an "Om frågan" sheet, file names with the question, values and date; an
empty answer says what was searched for; every example on the start page answers."""

import io
import re
from datetime import UTC, datetime
from urllib.parse import unquote

from openpyxl import load_workbook

HTML = {"Accept": "text/html"}
CANNED = "/q/activities_by_body_and_area"
ALN = {"body": "ÄLN", "area": "nära vård", "year": "2025"}


def test_swedish_csv_has_semicolons_a_bom_and_swedish_headings(client):
    response = client.get(CANNED, params={**ALN, "format": "csv", "lang": "sv"})
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    header = body[1:].splitlines()[0]
    assert header.split(";")[:3] == ["Aktivitet (länk)", "Titel", "År"]


def test_english_csv_has_commas_and_english_headings(client):
    body = client.get(CANNED, params={**ALN, "format": "csv", "lang": "en"}).content.decode()
    header = body.lstrip("\ufeff").splitlines()[0].split(",")
    assert "Prioritised area" in header and "Year" in header


def test_machine_csv_is_unchanged_without_a_language(client):
    body = client.get(CANNED, params={**ALN, "format": "csv"}).text
    assert body.splitlines()[0].startswith("activity,title,year")


def test_file_names_carry_question_values_and_date(client):
    response = client.get(CANNED, params={**ALN, "format": "xlsx", "lang": "sv"})
    disposition = response.headers["content-disposition"]
    ascii_name = re.search(r'filename="([^"]+)"', disposition).group(1)
    utf8_name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert utf8_name.startswith("Aktiviteter per organ och fokusområde – ÄLN – nära vård – 2025")
    assert utf8_name.endswith(f"{today}.xlsx")
    assert ascii_name.isascii() and "ALN" in ascii_name and ascii_name.endswith(".xlsx")


def test_xlsx_has_an_autofilter_and_the_about_sheet(client):
    response = client.get(CANNED, params={**ALN, "format": "xlsx", "lang": "sv"})
    book = load_workbook(io.BytesIO(response.content))
    results, about = book.worksheets
    assert results.auto_filter.ref and results.auto_filter.ref.startswith("A1:")
    assert about.title == "Om frågan"
    assert any(row[0] == "Data från" for row in about.iter_rows(values_only=True))


def test_mandate_values_are_words_of_the_page_language_in_page_and_exports(client):
    page = client.get("/q/bodies_and_mandates", params={"body": "Samråd HSVO"}, headers=HTML).text
    page = page.split("<table")[1].split("</table>")[0]  # the answer, not the SPARQL shown below
    assert "har befogenheten" in page and "granted" not in page and "powerNode" not in page
    csv_sv = client.get("/q/bodies_and_mandates", params={"body": "Samråd HSVO", "format": "csv", "lang": "sv"}).text
    assert "har befogenheten" in csv_sv and "granted" not in csv_sv
    english = client.get("/q/bodies_and_mandates", params={"body": "Samråd HSVO", "lang": "en"}, headers=HTML).text
    english = english.split("<table")[1].split("</table>")[0]
    assert "granted" in english and "har befogenheten" not in english


def test_print_view_states_the_question_values_date_and_data_version(client):
    page = client.get(CANNED, params=ALN, headers=HTML).text
    context = page.split('class="print-only print-context"')[1].split("</div>")[0]
    assert "ÄLN" in context and "nära vård" in context and "2025" in context
    assert "data från" in context and datetime.now(UTC).strftime("%Y-%m-%d") in context


def test_an_empty_answer_says_what_was_searched_and_offers_wider_questions(client):
    page = client.get("/q/bodies_and_mandates", params={"body": "Samråd HSVO", "power": "arbetsgrupper"},
                      headers=HTML).text
    assert "Inga träffar." in page and "<q>Samråd HSVO</q>" in page and "<q>arbetsgrupper</q>" in page
    assert 'href="/q/bodies_and_mandates?body=Samr%C3%A5d+HSVO"' in page  # the same without the power


def test_every_example_on_the_start_page_returns_rows(client):
    start = client.get("/", headers=HTML).text
    examples = re.findall(r'href="(/q/[^"?]+\?[^"]+)"', start)
    assert len(examples) >= 8
    for href in examples:
        url = href.replace("&amp;", "&")
        answer = client.get(url, headers={"Accept": "application/json"}).json()
        assert answer["count"] > 0, url

"""The place of a problem in a plan is named in the report's language: a reader writes it in
both languages at once ("plan.xlsx, blad/sheet Lista, rad/row 1", as the terminal report and
programs have it), and an English page, the JSON's English text and the English line of the
terminal's error show only "sheet", "row", "table", "column"; the Swedish ones only "blad",
"rad", "tabell", "kolumn" (the words are ``model.PLACE_WORDS``, not a list of this test's).
Every kind of table is checked: CSV, XLSX, ODS, DOCX, PDF, and an RDF file's line."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from hsvo_graph.validation.model import PLACE_WORDS, PlanError, Text, located
from hsvo_graph.validation.report import error_text

from .test_plans_documents import docx_bytes, pdf_bytes
from .test_plans_hidden import ods_bytes

BROKEN = Path(__file__).parent / "plans" / "broken"


def broken_upload(name: str) -> dict[str, tuple[str, bytes]]:
    """A plan of tests/plans/broken as the files of an upload, with its metadata file when
    it has one."""
    path = BROKEN / name
    files = {"file": (name, path.read_bytes())}
    if (meta := path.with_suffix(".meta.yaml")).is_file():
        files["meta"] = (meta.name, meta.read_bytes())
    return files


# a heading row without Ansvar: "missing columns", located at the heading row of the table
HEADING = ["Prioriterat område", "Lokalt fokusområde", "Aktivitet", "Uppföljning"]
ROW = ["Nära vård", "Samsjuklighet", "Införa gemensam samsjuklighetsmottagning", "Öppen"]
OTHER = {"sv": "en", "en": "sv"}


def _xlsx() -> bytes:
    book = Workbook()
    book.active.title = "Lista"
    for row in (HEADING, ROW):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# file name: (the file, its place in Swedish, in English)
PLANS = {
    "plan.csv": (lambda: "\n".join(";".join(r) for r in (HEADING, ROW)).encode(),
                 "plan.csv, rad 1", "plan.csv, row 1"),
    "plan.xlsx": (_xlsx, "plan.xlsx, blad Lista, rad 1", "plan.xlsx, sheet Lista, row 1"),
    "plan.ods": (lambda: ods_bytes([("Lista", [HEADING, ROW])]),
                 "plan.ods, blad Lista, rad 1", "plan.ods, sheet Lista, row 1"),
    "plan.docx": (lambda: docx_bytes([HEADING, ROW]),
                  "plan.docx, tabell 1, rad 1", "plan.docx, table 1, row 1"),
    "plan.pdf": (lambda: pdf_bytes([[*HEADING, "", "", ""], [*ROW, "", "", ""]]),
                 "plan.pdf, tabell 1, rad 1", "plan.pdf, table 1, row 1"),
    "plan.ttl": ((BROKEN / "syntax-error.ttl").read_bytes,
                 "plan.ttl:8", "plan.ttl:8"),
}


def _foreign_places(lang: str) -> re.Pattern[str]:
    """A place word of the other language, or a place in both ("blad/sheet")."""
    words = [getattr(word, OTHER[lang]) for word in PLACE_WORDS]
    pairs = [f"{word.sv}/{word.en}" for word in PLACE_WORDS]
    return re.compile(rf"\b({'|'.join(words + pairs)})\b", re.IGNORECASE)


class _Alert(HTMLParser):
    """The text of the page's error box (``role="alert"``)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth or ("role", "alert") in attrs:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(self.depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", list(PLANS))
def test_an_unusable_plans_place_is_in_the_reports_language(client: TestClient, name: str,
                                                             lang: str) -> None:
    make, sv, en = PLANS[name]
    data = make()
    page = client.post(f"/validate?lang={lang}", data={"format": "html"},
                       files={"file": (name, data)}, headers={"Accept": "text/html"})
    assert page.status_code == 400
    alert = _Alert()
    alert.feed(page.text)
    shown = " ".join(alert.text)
    assert {"sv": sv, "en": en}[lang] in shown
    assert not _foreign_places(lang).search(shown), shown
    error = client.post("/validate", files={"file": (name, data)}).json()["error"]
    assert error["place"] == {"sv": sv, "en": en}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_terminals_error_names_the_place_in_each_line_s_language(lang: str) -> None:
    error = PlanError("plan.xlsx, blad/sheet Lista, rad/row 3, kolumn/column E",
                      Text("meddelande", "message"))
    [line] = [line for line in error_text(error).splitlines()
              if line.endswith(": " + {"sv": "meddelande", "en": "message"}[lang])]
    assert not _foreign_places(lang).search(line.rsplit(": ", 1)[0]), line


def test_only_a_place_the_readers_named_is_translated() -> None:
    """A file or sheet named like a place word stays as it was written."""
    assert located("rad/row.csv, blad/sheet Rad/row 2, rad/row 4").en == \
        "rad/row.csv, sheet Rad/row 2, row 4"


# a file its library cannot read, and the library's words for why
UNREADABLE = {"corrupt.docx": "File is not a zip file", "broken-meta.csv": "expected ',' or ']'",
              "syntax-error.ttl": "expected '.'", "broken.jsonld": "Parser error at line 1"}


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_a_librarys_reason_is_kept_apart_as_a_technical_message_in_english(
        client: TestClient, name: str) -> None:
    """A Swedish sentence does not quote the parser's English: the reason is the error's
    ``detail``, which a Swedish page shows under "Tekniskt meddelande (på engelska)" marked
    lang="en"."""
    files = broken_upload(name)
    error = client.post("/validate", files=files).json()["error"]
    reason = UNREADABLE[name]
    assert reason in error["detail"]
    assert reason not in error["message"]["sv"] and reason not in error["message"]["en"]
    page = client.post("/validate?lang=sv", data={"format": "html"}, files=files,
                       headers={"Accept": "text/html"}).text
    assert re.search(r'<summary>Tekniskt meddelande \(på engelska\)</summary><p lang="en"><code>[^<]*'
                     + re.escape(reason.replace("'", "&#39;")), page)


def test_a_metadata_files_unknown_key_is_told_the_keys_of_each_language() -> None:
    from hsvo_graph.validation.meta import meta_from_mapping

    with pytest.raises(PlanError) as caught:
        meta_from_mapping({"kommune": "Uppsala"}, "plan.meta.yaml")
    assert "kommun, samverkansplan, titel, typ, år (eller de engelska)" in caught.value.message.sv
    assert "municipality" not in caught.value.message.sv
    assert "kommun" not in caught.value.message.en.removeprefix("unknown key 'kommune'")


# an upload whose problem is in the request, not in a plan file: (what is sent, the place
# in Swedish, in English)
FIELD_PROBLEMS = {
    "no file": ({"data": {"format": "html"}, "files": {"meta": ("m.yaml", b"kommun: Uppsala\n")}},
                "fältet file", "the field file"),
    "a format not offered": ({"data": {"format": "pdf"}, "files": {"file": ("p.csv", b"x")}},
                             "fältet format", "the field format"),
    "a year that is no year": ({"data": {"format": "html", "year": "tjugo"},
                                "files": {"file": ("p.csv", b"x")}}, "formuläret", "the form"),
    "no form": ({"content": b"x", "headers": {"Content-Type": "multipart/form-data"}},
                "förfrågan", "the request"),
    "a form without a format": ({"content": b"--x\r\nbroken", "headers": {
        "Content-Type": "multipart/form-data; boundary=x"}}, "fältet file", "the field file"),
}


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("problem", list(FIELD_PROBLEMS))
def test_a_problem_of_the_request_is_placed_in_the_pages_language(
        client: TestClient, problem: str, lang: str) -> None:
    """Not "file", "form", "request" on a Swedish page: the API's names of the upload's parts
    are said in the page's language (``model.FIELDS``)."""
    sent, sv, en = FIELD_PROBLEMS[problem]
    headers = {"Accept": "text/html", **sent.get("headers", {})}
    page = client.post(f"/validate?lang={lang}", headers=headers,
                       **{k: v for k, v in sent.items() if k != "headers"})
    assert page.status_code == 400
    alert = _Alert()
    alert.feed(page.text)
    places = [text.strip() for text in alert.text if text.strip().startswith((sv, en))]
    assert places and all(place.startswith({"sv": sv, "en": en}[lang]) for place in places), places
    assert "(Missing boundary" not in page.text  # the parser's words are apart, not in the message


def test_what_an_english_report_quotes_of_the_plan_and_the_graph_is_marked_swedish(
        client: TestClient, context) -> None:
    """An English message is about Swedish text (a cell, a body's Swedish name) and quotes it
    "…": on the page and in the CLI's HTML report that text is marked lang="sv"; a Swedish
    page marks nothing in its messages."""
    from hsvo_graph.cli.plans import to_html
    from hsvo_graph.validation.check import validate_plan
    from hsvo_graph.validation.meta import parse_meta
    from hsvo_graph.validation.plans import read_plan

    files = broken_upload("samrad-adopts.csv")
    marked = 'attributed to "<span lang="sv">Samråd HSVO Uppsala</span>"'
    english = client.post("/validate?lang=en", data={"format": "html"}, files=files,
                          headers={"Accept": "text/html"}).text
    assert marked in english
    swedish = client.post("/validate?lang=sv", data={"format": "html"}, files=files,
                          headers={"Accept": "text/html"}).text
    assert "tillskrivs &#34;Samråd HSVO Uppsala&#34;" in swedish
    name, data = files["file"]
    meta = parse_meta(files["meta"][1].decode(), files["meta"][0])
    report = validate_plan(read_plan(data, name, meta, context), context)
    assert marked in to_html(report, lang="en")

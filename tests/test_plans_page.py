"""The plan owner's page and the hostile-input guarantees over HTTP: every broken plan is a
4xx or a report (never a 500), one language per page without server paths or IRIs in the
running text, the template and an XLSX error report to download, import with the admin token
(preview, then confirm), the imported plans with their history; formula-like cells never run
in a CSV or XLSX export."""

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from rdflib import Literal

from hsvo_graph.api.app import create_app
from hsvo_graph.canned.cells import csv_cell, formula_like
from hsvo_graph.canned.tables import to_csv, to_xlsx
from hsvo_graph.config import Settings
from hsvo_graph.store import Table

from .test_import import PLAN_2026, seeded
from .test_validation_broken import BROKEN, EXPECTED

FORM = {"municipality": "Uppsala", "year": "2026"}
ONE_BAD = PLAN_2026.replace("ÄLN och VS\n".encode(), "ÄLN och XYZ\n".encode())  # row 3


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_broken_plan_is_a_4xx_or_a_report_never_a_500(name: str, client: TestClient) -> None:
    meta = BROKEN / (name.rsplit(".", 1)[0] + ".meta.yaml")
    files = {"file": (name, (BROKEN / name).read_bytes())}
    if meta.is_file():  # sent as the form's metadata file, as the page does
        files["meta"] = (meta.name, meta.read_bytes())
    response = client.post("/validate", files=files)
    code, said = EXPECTED[name]
    if code == 2:
        assert response.status_code == 400
        body = response.json()
        assert body["usable"] is False and said in body["error"]["message"]["en"]
    else:
        assert response.status_code == 200
        rules = {f["rule"].rsplit("#", 1)[1] for g in response.json()["groups"]
                 for f in g["findings"]}
        assert said in rules
    html = client.post("/validate", files=files, data={"format": "html"})
    assert html.status_code in (200, 400) and "Traceback" not in html.text


def _running_text(html: str) -> str:
    """The page's visible text outside the folded technical details, forms and scripts."""
    html = re.sub(r"<details class=\"technical\">.*?</details>", "", html, flags=re.S)
    html = re.sub(r"<(script|style|head)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return " ".join(html.split())


def test_the_swedish_page_is_swedish_and_the_english_page_english(client: TestClient) -> None:
    files = {"file": ("plan.csv", ONE_BAD)}
    sv = client.post("/validate", files=files, data={**FORM, "format": "html"}).text
    en = client.post("/validate?lang=en", files=files, data={**FORM, "format": "html"}).text
    sv_text, en_text = _running_text(sv), _running_text(en)
    for english in ("violation", "warning", "Expected", "The plan", "Result for", "infos"):
        assert english not in sv_text, english
    for swedish in ("Förväntat", "varning", "Resultat för", "Kontrollerad"):
        assert swedish not in en_text, swedish
    assert "1 fel, 0 varningar, 0 noteringar" in sv_text
    assert "1 violation, 0 warnings, 0 notes" in en_text
    for text in (sv_text, en_text):
        assert "https://" not in text and "/var/" not in text and "pyoxigraph" not in text
    assert "Tekniska detaljer" in sv and "shapes#Activity-bodyKnown" in sv  # folded away


def test_template_and_xlsx_error_report_downloads(client: TestClient) -> None:
    page = client.get("/validate").text
    for kind in ("xlsx", "csv", "meta.yaml"):
        assert f'href="/validate/template.{kind}"' in page
        assert client.get(f"/validate/template.{kind}").status_code == 200
    assert client.get("/validate/template.exe").status_code == 404
    report = client.post("/validate", files={"file": ("plan.csv", ONE_BAD)},
                         data={**FORM, "format": "xlsx"})
    assert report.status_code == 200 and "plan-rapport.xlsx" in report.headers["content-disposition"]
    book = load_workbook(io.BytesIO(report.content))
    plan = book["Plan"]
    heading = [c.value for c in plan[1]]
    assert heading[-1] == "Fel och varningar"
    marked = plan.cell(row=3, column=heading.index("Ansvar") + 1)
    assert marked.value == "ÄLN och XYZ" and marked.fill.fgColor.rgb.endswith("F4B6B2")
    assert "XYZ" in plan.cell(row=3, column=len(heading)).value
    assert book["Rapport"].max_row == 2


def test_import_from_the_page_preview_then_confirm(tmp_path: Path) -> None:
    store, _ = seeded()
    settings = Settings(store="embedded", store_path=None, admin_token="hemligt",
                        plans_dir=tmp_path / "plans")
    files = {"file": ("plan.csv", PLAN_2026)}
    with TestClient(create_app(settings, store)) as client:
        denied = client.post("/validate/import", files=files, data={**FORM, "token": "fel"})
        assert denied.status_code == 401 and "fel eller saknad admin-token" in denied.text
        preview = client.post("/validate/import", files=files, data={**FORM, "token": "hemligt"})
        assert preview.status_code == 200 and "Bekräfta importen" in preview.text
        assert "plan-aktivitetslista-hsvo-uppsala-2026" not in store.graph_names()[0:0]
        pending = re.search(r'name="pending" value="([0-9a-f]{64})"', preview.text)
        assert pending is not None
        done = client.post("/validate/import", data={"pending": pending.group(1),
                                                     "token": "hemligt"})
        assert done.status_code == 200 and "Planen är importerad" in done.text
        page = client.get("/validate").text
        assert "Importerade planer" in page and "Aktivitetslista 2026, HSVO Uppsala" in page
        assert "importerad" in page


FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tx", "\rx"]


def test_formula_like_cells_are_neutralised_in_csv_and_xlsx_exports() -> None:
    assert all(formula_like(f) for f in FORMULAS)
    assert not formula_like("-1") and not formula_like("Nära vård") and csv_cell("-1") == "-1"
    table = Table(["title"], [{"title": Literal(f)} for f in FORMULAS], False)
    rows = list(csv.reader(io.StringIO(to_csv(table))))[1:]
    assert [r[0] for r in rows] == ["'" + f for f in FORMULAS]
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    cells = [sheet.cell(row=i + 2, column=1) for i in range(len(FORMULAS))]
    assert [c.data_type for c in cells] == ["s"] * len(FORMULAS)
    assert cells[0].value == FORMULAS[0]  # kept as text, not run

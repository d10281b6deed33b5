"""Minimal reproductions of what a hostile-input fuzz campaign against the plan owners'
path (POST /validate, the CLI's validate) found: each was a 500, a hang or unbounded
memory, and is now a located 4xx."""

import io
import re
import time
import zipfile

import pytest
from fastapi.testclient import TestClient

from hsvo_graph.config import PROJECT_ROOT
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.documents import MAX_PDF_PAGES
from hsvo_graph.validation.headings import MAX_BYTES
from hsvo_graph.validation.meta import TOO_DEEP

from .test_import import PLAN_2026
from .test_plans_documents import ods_bytes, plan, rows

EXAMPLE_XLSX = PROJECT_ROOT / "data" / "templates" / "examples" / "aktivitetslista-uppsala-2025.xlsx"


@pytest.mark.parametrize(
    ("name", "text"),
    [("plan.meta.yaml", "kommun: " + "[" * 5000), ("plan.meta.yaml", "kommun: " + "{a: " * 3000),
     ("plan.meta.toml", "kommun = " + "[" * 5000)],
)
def test_a_deeply_nested_metadata_file_is_a_located_400(
    client: TestClient, name: str, text: str
) -> None:
    """5 kB of brackets exceeded the YAML and TOML parsers' recursion (RecursionError, 500),
    and, under a raised recursion limit (mypy's, in the same process), took 22 s."""
    started = time.monotonic()
    response = client.post("/validate", files={"file": ("plan.csv", PLAN_2026),
                                               "meta": (name, text.encode())})
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["where"] in (name, f"{name}:1")
    # (under a raised recursion limit tomllib reads as deep as the brackets go, and finds
    # them unclosed)
    assert error["message"]["en"] == TOO_DEEP.en or (name.endswith(".toml")
                                                     and error["message"]["en"] == "invalid TOML")


def _ods(old: str, new: str) -> bytes:
    """The example plan as an ODS file, its content.xml changed (``old`` made ``new``)."""
    with zipfile.ZipFile(io.BytesIO(ods_bytes(rows()))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert old.encode() in parts["content.xml"]
    parts["content.xml"] = parts["content.xml"].replace(old.encode(), new.encode(), 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    return out.getvalue()


HEADING = '<table:table-cell office:value-type="string"><text:p>Prioriterat område</text:p>'


@pytest.mark.parametrize(
    "repeated",
    ['<table:table-row table:number-rows-repeated="1048576">' + HEADING,
     '<table:table-row><table:table-cell table:number-columns-repeated="16384" '
     'office:value-type="string"><text:p>Prioriterat område</text:p>'],
)
def test_a_heading_repeated_to_the_end_of_an_ods_sheet_is_refused_before_it_is_read(
    client: TestClient, repeated: str
) -> None:
    """calamine writes every repetition out: the heading row repeated to the sheet's last
    row (a file of a few kB) took 40 s and 2 GB."""
    data = _ods(f"<table:table-row>{HEADING}", repeated)
    started = time.monotonic()
    response = client.post("/validate", files={"file": ("plan.ods", data)})
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["where"] == "plan.ods, blad/sheet Aktiviteter, rad/row 1"
    assert "filled cells beyond row 2000 or column 64" in error["message"]["en"]


def test_empty_repetitions_to_the_end_of_an_ods_sheet_are_read(context: Context) -> None:
    """How LibreOffice ends every sheet: a million empty rows, a thousand empty columns."""
    data = _ods(
        "</table:table></office:spreadsheet>",
        '<table:table-row table:number-rows-repeated="1048500"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet>",
    )
    plain = plan(ods_bytes(rows()), "plan.ods", context)
    assert len(plan(data, "plan.ods", context).graph) == len(plain.graph)


def test_an_xlsx_whose_sheets_unpack_far_beyond_a_plan_is_refused_before_it_is_read(
    client: TestClient,
) -> None:
    """openpyxl reads a sheet up to three times (for its size, its head, all of it when
    no row is found): 24 MB of elements it does not know, in a 1.1 MB workbook, took 18 s."""
    with zipfile.ZipFile(EXAMPLE_XLSX) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    junk = b"<x/>" * (3 * MAX_BYTES // 4)
    parts[sheet] = re.sub(rb"<dimension[^>]*>", b"", parts[sheet]).replace(
        b"<sheetData>", b"<sheetData>" + junk, 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    assert len(out.getvalue()) < MAX_BYTES // 10
    started = time.monotonic()
    response = client.post("/validate", files={"file": ("plan.xlsx", out.getvalue())})
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert response.json()["error"]["message"]["en"] == "the spreadsheet is too large"


def test_a_pdf_of_more_pages_than_a_plan_is_refused_before_they_are_read(
    client: TestClient,
) -> None:
    """pdfplumber took about a second a page of a table (11 pages of a 300-row list: 10 s),
    and a 5 MB upload holds thousands of pages."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    pdf = Canvas(out)
    for page in range(MAX_PDF_PAGES + 1):
        pdf.drawString(72, 720, f"Aktivitetslista, sida {page + 1}")
        pdf.showPage()
    pdf.save()
    response = client.post("/validate", files={"file": ("plan.pdf", out.getvalue())})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["where"] == "plan.pdf"
    assert error["message"]["en"] == (
        f"the PDF has {MAX_PDF_PAGES + 1} pages; a plan has at most {MAX_PDF_PAGES}; "
        "use the Word file or a CSV"
    )


@pytest.mark.parametrize("name", ["plan.xlsx", "plan.docx", "plan.ods"])
def test_a_zip_that_needs_an_unknown_version_to_extract_is_unreadable(
    client: TestClient, name: str
) -> None:
    """zipfile raises NotImplementedError for it (one flipped byte), which was a 500."""
    data = bytearray(EXAMPLE_XLSX.read_bytes())
    data[data.index(b"PK\x01\x02") + 6] = 188  # version 18.8 needed to extract
    response = client.post("/validate", files={"file": (name, bytes(data))})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["where"] == name
    assert error["message"]["en"].startswith("the file is not a readable")
    assert error["detail"] == "zip file version 18.8"

"""A plan read straight from its document: the activity table of a Word file (python-docx),
of a text-based PDF (pdfplumber) and of an OpenDocument spreadsheet (python-calamine) gives
the same plan graph as the CSV of the same plan. The fixtures are built here from the example
plan, so they cannot drift from it."""

import csv
import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from rdflib.compare import isomorphic

from hsvo_graph.config import PROJECT_ROOT
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.model import Plan
from hsvo_graph.validation.plans import read_plan

EXAMPLE = PROJECT_ROOT / "data" / "templates" / "examples" / "aktivitetslista-uppsala-2025.csv"




def rows() -> list[list[str]]:
    text = EXAMPLE.read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text), delimiter=";") if row]


def plan(data: bytes, name: str, context: Context) -> Plan:
    return read_plan(data, name, meta_beside(EXAMPLE)[0], context)


def docx_bytes(table: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Bilaga 1 – Aktivitetslista 2025", level=1)
    document.add_paragraph("Aktiviteterna för året, per prioriterat område.")
    sheet = document.add_table(rows=len(table), cols=len(table[0]))
    for cells, row in zip(table, sheet.rows, strict=True):
        for text, cell in zip(cells, row.cells, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(table: list[list[str]]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    # An embedded TrueType font (shipped with reportlab), as Word embeds its fonts: the PDF
    # then maps every glyph back to its character (å, –, •).
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    style = getSampleStyleSheet()["BodyText"]
    style.fontName, style.fontSize, style.leading = "Vera", 7, 8.5
    cells = [[Paragraph(escape(text), style) for text in row] for row in table]
    widths = [110, 150, 330, 230, 150, 100, 40]
    grid = Table(cells, colWidths=widths, repeatRows=1)
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=landscape(A3)).build(
        [Paragraph("Bilaga 1 – Aktivitetslista 2025", style), grid]
    )
    return out.getvalue()


def ods_bytes(table: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet (mimetype, manifest, content)."""
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p>'
            "</table:table-cell>"
            for c in row
        )
        + "</table:table-row>"
        for row in table
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Instruktioner">'
        "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>Fyll i "
        "bladet Aktiviteter</text:p></table:table-cell></table:table-row></table:table>"
        f'<table:table table:name="Aktiviteter">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "build"),
    [("lista.docx", docx_bytes), ("lista.pdf", pdf_bytes), ("lista.ods", ods_bytes)],
)
def test_document_table_gives_the_csv_plan(name: str, build, context: Context) -> None:  # type: ignore[no-untyped-def]
    expected = plan(EXAMPLE.read_bytes(), EXAMPLE.name, context)
    found = plan(build(rows()), name, context)
    assert len(found.graph) == len(expected.graph)
    assert isomorphic(found.graph, expected.graph)
    notes = " ".join(n.en for n in found.info.notes)
    assert ("Read table 1 of" in notes) if name != "lista.ods" else (
        'Read the sheet "Aktiviteter" (ignored Instruktioner)' in notes
    )


def test_unmapped_columns_are_reported(context: Context) -> None:
    table = [[*row, "Kommentar" if i == 0 else "fri text"] for i, row in enumerate(rows())]
    found = plan(docx_bytes(table), "lista.docx", context)
    assert any('The column "Kommentar" is ignored' in n.en for n in found.info.notes)


def test_a_pdf_table_broken_over_pages_is_read_whole(context: Context) -> None:
    import pdfplumber

    data = pdf_bytes(rows())
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) > 1  # the heading row is repeated on every page
    found = plan(data, "lista.pdf", context)
    assert len([n for n in found.locations if "/activity/" in str(n)]) == len(rows()) - 1

"""Write the binary and hostile plans of tests/plans/broken/ (run from the project root:
``python tests/plans/make_broken.py``). The text ones are kept as they are; these are made
by code because they are binary, or hold characters an editor would not keep."""

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

BROKEN = Path(__file__).parent / "broken"
HEADING = ["Prioriterat område", "Lokalt fokusområde", "Aktivitet", "Uppföljning", "Ansvar"]
ROW = ["Nära vård", "Samsjuklighet", "Införa gemensam samsjuklighetsmottagning",
       "Mottagningen är öppen", "OSN, SCN och VS"]
META = "kommun: Uppsala\når: 2026\n"


def csv(*rows: list[str]) -> bytes:
    return "\r\n".join(";".join(r) for r in (HEADING, *rows)).encode("utf-8") + b"\r\n"


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_zip(data: bytes, change: dict[str, bytes]) -> bytes:
    """The same zip with some members replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, change.get(item.filename, src.read(item.filename)))
    return out.getvalue()


def stale_dimension() -> bytes:
    """Three rows, but the sheet says it is A1:E2: the last row (an unknown body) must be
    read and reported all the same."""
    data = xlsx([HEADING, ROW, [*ROW[:2], "Ta fram en plan", "Klar", "XYZ"]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    start = sheet.index("<dimension ref=\"")
    end = sheet.index('"', start + len('<dimension ref="'))
    sheet = sheet[:start] + '<dimension ref="A1:E2' + sheet[end:]
    return rewrite_zip(data, {"xl/worksheets/sheet1.xml": sheet.encode()})


def entity_bomb() -> bytes:
    """A billion laughs in the sheet XML."""
    lol = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + lol + "]>"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return rewrite_zip(xlsx([HEADING, ROW]), {"xl/worksheets/sheet1.xml": bomb.encode()})


def formula_without_value() -> bytes:
    """A formula cell as openpyxl writes it: no cached value, as if never opened in Excel."""
    return xlsx([HEADING, [*ROW[:2], '=CONCATENATE("Införa ","mottagning")', *ROW[3:]]])


def scanned_pdf() -> bytes:
    """A PDF of one drawn rectangle: no text, as a scanned page has none."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.rect(100, 100, 200, 200, fill=1)
    page.save()
    return out.getvalue()


def docx_without_table() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Aktivitetslista 2026 – tabellen saknas")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


FILES: dict[str, bytes] = {
    "stale-dimension.xlsx": stale_dimension(),
    "entity-bomb.xlsx": entity_bomb(),
    "corrupt-zip.xlsx": xlsx([HEADING, ROW])[:700],
    "formula-without-value.xlsx": formula_without_value(),
    "binary.csv": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "corrupt.docx": b"PK\x03\x04" + b"\x00" * 200,
    "no-table.docx": docx_without_table(),
    "scanned.pdf": scanned_pdf(),
    "corrupt.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n%%EOF garbage",
    "corrupt.ods": b"PK\x03\x04" + b"\x01" * 100,
    "nul-character.csv": csv([*ROW[:2], "Införa\x00mottagning", *ROW[3:]]),
    "control-character.csv": csv([*ROW[:2], "Införa\x07 mottagning", *ROW[3:]]),
    "bidi-override.csv": csv([*ROW[:2], "Införa \u202emottagning\u202c", *ROW[3:]]),
    "long-cell.csv": csv([*ROW[:2], "Införa " + "mycket " * 500, *ROW[3:]]),
    "formula-hyperlink.csv": csv(
        [*ROW[:2], '=HYPERLINK("http://example.org/x","Klicka")', *ROW[3:]]
    ),
    "formula-command.csv": csv([*ROW[:3], "+cmd|' /C calc'!A0", ROW[4]]),
    "formula-at.csv": csv([*ROW[:3], "@SUM(1+1)*cmd|' /C calc'!A0", ROW[4]]),
}
META_FOR = [n for n in FILES if n.endswith((".csv", ".xlsx")) and n != "binary.csv"]


def main() -> None:
    for name, data in FILES.items():
        (BROKEN / name).write_bytes(data)
    for name in META_FOR:
        (BROKEN / (name.rsplit(".", 1)[0] + ".meta.yaml")).write_text(META, encoding="utf-8")


if __name__ == "__main__":
    main()

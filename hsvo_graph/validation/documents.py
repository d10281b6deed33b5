"""The table of a plan in a binary file: an Excel workbook (.xlsx with openpyxl; .ods and old
.xls with python-calamine) or the plan's own document, as written in Word (.docx, with
python-docx) and published as PDF (text-based .pdf, with pdfplumber's table extraction).

Each reader returns the cells row by row and says which sheet or table it read; the heading
row and the columns are found by ``readers._sheet`` as for a CSV file, so a document maps its
columns by their headings and reports the ones it could not map. Whatever these libraries
raise on a corrupt or hostile file (bad zip, XML entity bomb, broken PDF) becomes a clean
``PlanError``; nothing else escapes.
"""

import datetime
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence

from hsvo_graph.validation.model import PlanError, Text
from hsvo_graph.validation.headings import (
    MAX_BYTES, MAX_COLUMNS, MAX_ROWS, RawTable, is_heading_row,
)

Rows = list[tuple[int, list[str]]]
# A plan's whole document (decision, plan, the activity list as an appendix) printed; the
# list alone is a few pages
MAX_PDF_PAGES = 100


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text the user sees (2025, not 2025.0; dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return unicodedata.normalize("NFC", str(value))


def _unreadable(name: str, kind: str, error: BaseException) -> PlanError:
    """A file its library cannot read, said in the user's terms, the library's reason
    beside it."""
    detail = " ".join(str(error).split())[:200] or type(error).__name__
    return PlanError(
        name,
        Text(
            f"filen är ingen läsbar {kind}-fil; spara planen som Excel-arbetsbok (.xlsx) eller "
            "CSV UTF-8",
            f"the file is not a readable {kind} file; save the plan as an Excel workbook (.xlsx) "
            "or CSV UTF-8",
        ),
        detail,
    )


def _check_archive(data: bytes, name: str, kind: str, most: int = 20 * MAX_BYTES) -> None:
    """A zip (XLSX, ODS, DOCX) that is corrupt, or that unpacks to more than ``most`` (a zip
    bomb), is refused before any XML in it is parsed. One part over 5 × MAX_BYTES
    (a sheet of 2000 rows is a few MB) is refused too: openpyxl reads a whole sheet to find
    its size before a row is read, which took 13 s for a 93 MB sheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = [entry.file_size for entry in archive.infolist()]
    # NotImplementedError: a version needed to extract that zipfile does not know
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise _unreadable(name, kind, error) from error
    if sum(sizes) > most or max(sizes, default=0) > 5 * MAX_BYTES:
        raise PlanError(name, Text("kalkylbladet är för stort", "the spreadsheet is too large"))


def sheet_note(chosen: str, names: Sequence[str], hidden: Sequence[str] = ()) -> Text:
    """Which sheet was read, and which were not (so a plan on the second sheet, or on a
    hidden one, is noticed)."""
    others = [n for n in names if n != chosen]
    sv, en = f"Läste bladet ”{chosen}”", f'Read the sheet "{chosen}"'
    if others:
        sv, en = sv + f" (ignorerade {', '.join(others)})", en + f" (ignored {', '.join(others)})"
    if hidden:
        sv += f"; dolda blad lästes inte: {', '.join(hidden)}"
        en += f"; hidden sheets were not read: {', '.join(hidden)}"
    return Text(sv, en)


def _pick(sheets: Sequence[tuple[str, Rows]]) -> tuple[str, Rows]:
    """The first sheet whose top rows hold a heading row (Aktivitet), else the first."""
    return next(((n, r) for n, r in sheets if is_heading_row(r)), sheets[0])


def read_xlsx(data: bytes, name: str) -> RawTable:
    """Every row that is really there, whatever size the file states (a stale stated size
    used to drop rows), read in one pass within the limits (``xlsx.read_sheets``)."""
    from hsvo_graph.validation.xlsx import read_sheets  # openpyxl: only for spreadsheets

    # at most 2 × MAX_BYTES unpacked: the XML of any table a 5 MB CSV holds, and images.
    # openpyxl reads a sheet up to three times (for its size, when it states none; its
    # head; all of it again when no row is found there): a 1.1 MB workbook whose sheet
    # unpacks to 24 MB took 18 s.
    _check_archive(data, name, "XLSX", most=2 * MAX_BYTES)
    try:
        table, _ = read_sheets(data, name, _cell_text)
    except PlanError:
        raise
    except Exception as error:  # zipfile, openpyxl, lxml and expat raise many unrelated types
        raise _unreadable(name, "XLSX", error) from error
    return table


def read_calamine(data: bytes, name: str) -> RawTable:
    """An OpenDocument (.ods) or old Excel (.xls) workbook, read by python-calamine."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    kind = name.rsplit(".", 1)[-1].upper()
    if kind == "ODS":
        _check_archive(data, name, kind)
        try:
            _check_ods_extent(data, name)
        except PlanError:
            raise
        except Exception as error:  # zipfile and expat: what calamine would have refused
            raise _unreadable(name, kind, error) from error
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        shown = {m.name: m.visible == SheetVisibleEnum.Visible for m in book.sheets_metadata}
        every = [
            (sheet, [(n, [_cell_text(v) for v in row]) for n, row in
                     enumerate(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False), 1)])
            for sheet in book.sheet_names
        ]
    except Exception as error:  # calamine raises its own error types and ValueError
        raise _unreadable(name, kind, error) from error
    # as in an XLSX workbook, only visible sheets are read: a hidden one is not what the
    # plan owner sees (calamine reads them all)
    sheets = [(n, rows) for n, rows in every if shown.get(n, True)]
    hidden = [n for n, _ in every if not shown.get(n, True)]
    if not sheets:
        raise PlanError(name, Text("arbetsboken har inga synliga blad",
                                   "the workbook has no visible sheets"))
    chosen, rows = _pick(sheets)
    table = RawTable(rows, [sheet_note(chosen, [n for n, _ in sheets], hidden)],
                     f"blad/sheet {chosen}",
                     hidden_tables=[n for n, r in every if n in hidden and is_heading_row(r)],
                     other_tables=[n for n, r in sheets[[n for n, _ in sheets].index(chosen) + 1:]
                                   if is_heading_row(r)])
    if kind == "ODS":
        try:
            table.hidden_rows, table.hidden_columns = _ods_hidden(data, chosen)
        except Exception as error:  # the same content calamine read; a parser's own errors
            raise _unreadable(name, kind, error) from error
    return table


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"


def _check_ods_extent(data: bytes, name: str) -> None:
    """Refuse an ODS file whose repetitions (``table:number-rows-repeated``,
    ``number-columns-repeated``) put a filled cell beyond row MAX_ROWS + 20 or column
    MAX_COLUMNS of any sheet, before calamine reads it: calamine writes every repetition
    out, and a 3 kB file whose heading row is repeated 1,048,576 times took 40 s and 2 GB.
    Empty repetitions (LibreOffice fills each sheet to its end with them) cost nothing.
    The error names the row where the repeated row starts."""
    from xml.etree.ElementTree import iterparse

    sheet = ""
    row = column = filled = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as xml:
        for event, element in iterparse(xml, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _TABLE + "table":
                    sheet, row = element.get(_TABLE + "name", ""), 0
                elif tag == _TABLE + "table-row":
                    column = filled = 0
            elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                column += _repeated(element.get(_TABLE + "number-columns-repeated"))
                if len(element) or element.get(_OFFICE_TYPE):
                    filled = column
                element.clear()
            elif tag == _TABLE + "table-row":
                start = row + 1
                row += _repeated(element.get(_TABLE + "number-rows-repeated"))
                if filled and (row > MAX_ROWS + 20 or filled > MAX_COLUMNS):
                    raise PlanError(
                        f"{name}, blad/sheet {sheet}, rad/row {start}",
                        Text(
                            f"bladet har ifyllda celler bortom rad {MAX_ROWS} eller kolumn "
                            f"{MAX_COLUMNS}; en aktivitetslista har några hundra rader och "
                            "några få kolumner",
                            f"the sheet has filled cells beyond row {MAX_ROWS} or column "
                            f"{MAX_COLUMNS}; an activity list has a few hundred rows and a "
                            "few columns",
                        ),
                    )
                element.clear()


def _ods_hidden(data: bytes, sheet: str) -> tuple[list[int], list[int]]:
    """The hidden (collapsed or filtered) rows and columns of one sheet of an ODS file, by
    number from 1, as they count in ``table:number-rows-repeated`` and
    ``table:number-columns-repeated`` (calamine does not say which are hidden)."""
    from xml.etree.ElementTree import iterparse

    rows: list[int] = []
    columns: list[int] = []
    row = column = 0
    inside = False
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as xml:
        for event, element in iterparse(xml, events=("start", "end")):
            tag = element.tag
            if event == "end":
                if tag == _TABLE + "table" and inside:
                    break
                if tag in (_TABLE + "table-row", _TABLE + "table"):
                    element.clear()
                continue
            if tag == _TABLE + "table":
                inside = element.get(_TABLE + "name") == sheet
            elif not inside:
                continue
            elif tag == _TABLE + "table-column":
                count = _repeated(element.get(_TABLE + "number-columns-repeated"))
                if element.get(_TABLE + "visibility", "visible") != "visible":
                    columns += range(column + 1, min(column + count, MAX_COLUMNS) + 1)
                column += count
            elif tag == _TABLE + "table-row":
                count = _repeated(element.get(_TABLE + "number-rows-repeated"))
                if element.get(_TABLE + "visibility", "visible") != "visible":
                    rows += range(row + 1, min(row + count, MAX_ROWS + 20) + 1)
                row += count
                if row > MAX_ROWS + 20:
                    break
    return rows, columns


def _repeated(count: str | None) -> int:
    return int(count) if count and count.isdigit() else 1


def read_docx(data: bytes, name: str) -> RawTable:
    """The activity table of a Word document: the first table with an Aktivitet heading."""
    import docx

    _check_archive(data, name, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
        tables = [
            [(n, [cell.text for cell in row.cells]) for n, row in enumerate(table.rows, 1)]
            for table in document.tables
        ]
    except Exception as error:  # python-docx, lxml and zipfile raise many unrelated types
        raise _unreadable(name, "DOCX", error) from error
    return _document_table(name, tables, "tabell/table")


def read_pdf(data: bytes, name: str) -> RawTable:
    """The activity table of a text-based PDF, continued over pages (a heading row repeated
    at the top of a page is dropped). pdfplumber takes about a second a page of a table, so
    a file of more than MAX_PDF_PAGES pages (a 5 MB upload holds thousands) is refused
    before any is read."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise PlanError(
                    name,
                    Text(
                        f"PDF-filen har {len(pdf.pages)} sidor; en plan har högst "
                        f"{MAX_PDF_PAGES}; använd Word-filen eller en CSV",
                        f"the PDF has {len(pdf.pages)} pages; a plan has at most "
                        f"{MAX_PDF_PAGES}; use the Word file or a CSV",
                    ),
                )
            tables = [
                [(n, [cell or "" for cell in row]) for n, row in enumerate(table, 1)]
                for page in pdf.pages
                for table in page.extract_tables()
            ]
            has_text = any((page.extract_text() or "").strip() for page in pdf.pages[:3])
    except PlanError:
        raise
    except Exception as error:  # pdfminer raises many unrelated types on a broken file
        raise _unreadable(name, "PDF", error) from error
    if not tables and not has_text:
        raise PlanError(
            name,
            Text(
                "PDF-filen har ingen text (en inskannad bild?); använd Word-filen eller en CSV",
                "the PDF holds no text (a scanned image?); use the Word file or a CSV",
            ),
        )
    return _document_table(name, tables, "tabell/table", continued=True)


def _document_table(
    name: str, tables: Iterable[Rows], place: str, continued: bool = False
) -> RawTable:
    """The first table with a heading row; with ``continued`` (a PDF, where a table breaks
    over pages) the tables after it with the same number of columns are appended."""
    found = list(tables)
    start = next((i for i, rows in enumerate(found) if is_heading_row(rows)), None)
    if start is None:
        raise PlanError(
            name,
            Text(
                f"dokumentet har {len(found)} tabeller men ingen med kolumnen Aktivitet",
                f"the document has {len(found)} tables but none with the column Aktivitet",
            ),
        )
    rows = list(found[start])
    heading = next(cells for _, cells in rows if any(c.strip() for c in cells))
    for more in found[start + 1 :] if continued else ():
        if not more or len(more[0][1]) != len(heading):
            break
        rows += [(len(rows) + 1, cells) for _, cells in more if cells != heading]
    note = Text(
        f"Läste tabell {start + 1} av {len(found)} i dokumentet",
        f"Read table {start + 1} of {len(found)} in the document",
    )
    return RawTable(rows, [note], f"{place} {start + 1}")


READERS: dict[str, Callable[[bytes, str], RawTable]] = {
    ".xlsx": read_xlsx,
    ".ods": read_calamine,
    ".xls": read_calamine,
    ".docx": read_docx,
    ".pdf": read_pdf,
}

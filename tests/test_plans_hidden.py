"""What a plan owner does not see in the spreadsheet program, and sloppy tables: hidden rows
and plan columns are imported and each is a located warning (sheet, row; column letter) in
both languages; a hidden sheet is not read (XLSX and ODS alike), and one that holds an
activity table is a warning; a CSV row that lost a delimiter, a column named twice (with
its letters). The web service's report has the same findings in the same words as the
CLI's (both are the one ``Report``)."""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from hsvo_graph.validation.check import validate_plan
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.meta import PlanMeta
from hsvo_graph.validation.model import Finding, PlanError, Report
from hsvo_graph.validation.plans import read_plan
from hsvo_graph.validation.report import as_data, to_text

HEADING = ["Prioriterat område", "Lokalt fokusområde", "Aktivitet", "Uppföljning", "Ansvar",
           "Delaktiga", "Kommentar"]
ROWS = [["Nära vård", "Samsjuklighet", f"Aktivitet nummer {n}", "Klar", "VS", "ÄLN", ""]
        for n in range(1, 4)]
META = PlanMeta(municipality="Uppsala", year=2026)


def _xlsx(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _book(title: str = "Lista") -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in [HEADING, *ROWS]:
        sheet.append(row)
    return book


def _report(data: bytes, name: str, context: Context) -> Report:
    return validate_plan(read_plan(data, name, META, context), context)


def _rule(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule.endswith("#" + rule)]


def _activities(report: Report, context: Context, data: bytes, name: str) -> int:
    from rdflib import RDF

    from hsvo_graph.namespaces import HSVO

    plan = read_plan(data, name, META, context)
    return len(set(plan.graph.subjects(RDF.type, HSVO.Activity)))


def test_a_hidden_row_is_imported_and_warned_of_with_its_sheet_and_row(context: Context) -> None:
    book = _book()
    book.active.row_dimensions[3].hidden = True
    data = _xlsx(book)
    report = _report(data, "plan.xlsx", context)
    [hidden] = _rule(report, "Sheet-hiddenRow")
    assert hidden.severity == "warning" and hidden.row == 3
    assert hidden.subject == "Aktivitet nummer 2"
    assert hidden.message.sv.startswith("Rad 3 i bladet ”Lista” är dold men läses och importeras")
    assert hidden.message.en.startswith('Row 3 of the sheet "Lista" is hidden but is read and '
                                        "imported")
    assert _activities(report, context, data, "plan.xlsx") == 3  # the hidden row is imported
    assert not any("Hidden rows" in n.en for n in report.plan.notes)  # a warning, not a note
    assert report.conforms() and not report.conforms(strict=True)


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_many_hidden_rows_are_one_warning_naming_them_as_runs(suffix: str, context: Context) -> None:
    """A filtered list hides hundreds of rows: one warning for the sheet, not one a row."""
    rows = [["Nära vård", "Samsjuklighet", f"Aktivitet nummer {n}", "Klar", "VS", "ÄLN", ""]
            for n in range(2, 301)]
    hidden = {*range(5, 41), 52, *range(100, 301)}
    if suffix == "xlsx":
        book = _book()
        book.active.delete_rows(2, len(ROWS))
        for row in rows:
            book.active.append(row)
        for line in hidden:
            book.active.row_dimensions[line].hidden = True
        data = _xlsx(book)
    else:
        data = ods_bytes([("Lista", [HEADING, *rows])], hidden_rows=hidden)
    report = _report(data, f"plan.{suffix}", context)
    [warning] = _rule(report, "Sheet-hiddenRow")
    assert warning.message.sv.startswith(
        "Raderna 5–40, 52, 100–300 i bladet ”Lista” är dolda men läses och importeras som de "
        "andra raderna (238 rader)")
    assert warning.message.en.startswith(
        'Rows 5–40, 52, 100–300 of the sheet "Lista" are hidden but are read and imported like '
        "the other rows (238 rows)")
    assert warning.row is None and warning.subject == "blad/sheet Lista"
    assert warning.expected is not None and warning.expected.en.startswith("Visible rows")
    heading = next(g["heading"] for g in as_data(report)["groups"]
                   if g["findings"][0]["rule"].endswith("#Sheet-hiddenRow"))
    assert heading == {"sv": "blad Lista", "en": "sheet Lista"}
    assert _activities(report, context, data, f"plan.{suffix}") == 299  # every one imported


def test_a_hidden_plan_column_is_warned_of_with_its_letter(context: Context) -> None:
    book = _book()
    book.active.column_dimensions["E"].hidden = True  # Ansvar
    book.active.column_dimensions["G"].hidden = True  # Kommentar: not read, not warned of
    report = _report(_xlsx(book), "plan.xlsx", context)
    [hidden] = _rule(report, "Sheet-hiddenColumn")
    assert hidden.column == "Ansvar" and hidden.row is None
    assert hidden.subject == "blad/sheet Lista, kolumn/column E"
    assert hidden.message.sv.startswith("Kolumn E (Ansvar) i bladet ”Lista” är dold")
    assert hidden.message.en.startswith('Column E (Ansvar) of the sheet "Lista" is hidden')


def test_a_hidden_empty_plan_column_is_not_warned_of(context: Context) -> None:
    book = _book()
    for row in range(2, 5):
        book.active.cell(row=row, column=6).value = None  # Delaktiga, empty
    book.active.column_dimensions["F"].hidden = True
    assert not _rule(_report(_xlsx(book), "plan.xlsx", context), "Sheet-hiddenColumn")


def test_a_hidden_sheet_with_a_table_is_a_warning_one_without_a_note(context: Context) -> None:
    book = _book()
    old = book.create_sheet("Gammal", 0)
    old.append(HEADING)
    old.append(["Nära vård", "Samsjuklighet", "Gammal aktivitet", "Klar", "VS"])
    old.sheet_state = "hidden"
    lists = book.create_sheet("Listor")
    lists.append(["VS", "ÄLN"])  # a template's drop-down values
    lists.sheet_state = "veryHidden"
    book.active = 1
    report = _report(_xlsx(book), "plan.xlsx", context)
    [hidden] = _rule(report, "Sheet-hiddenSheet")
    assert hidden.subject == "blad/sheet Gammal"
    assert hidden.message.sv.startswith("Bladet ”Gammal” är dolt och lästes inte")
    assert 'the plan was read from the sheet "Lista"' in hidden.message.en
    assert any("hidden sheets were not read: Gammal, Listor" in n.en for n in report.plan.notes)


def ods_bytes(sheets: list[tuple[str, list[list[str]]]], hidden_rows: set[int] = set(),
              hidden_columns: set[int] = set(), hidden_sheets: set[str] = set()) -> bytes:
    """A minimal OpenDocument spreadsheet; hidden sheets by a table style with
    ``table:display="false"``, hidden rows and columns by ``table:visibility="collapse"``."""
    collapse = ' table:visibility="collapse"'
    tables = ""
    for name, rows in sheets:
        style = "hidden" if name in hidden_sheets else "shown"
        columns = "".join("<table:table-column" + (collapse if i in hidden_columns else "") + "/>"
                          for i in range(1, max(map(len, rows)) + 1))
        body = "".join(
            "<table:table-row" + (collapse if n in hidden_rows else "") + ">"
            + "".join(f'<table:table-cell office:value-type="string"><text:p>{escape(c)}'
                      "</text:p></table:table-cell>" for c in row)
            + "</table:table-row>"
            for n, row in enumerate(rows, 1)
        )
        tables += f'<table:table table:name="{name}" table:style-name="{style}">{columns}{body}' \
                  "</table:table>"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:automatic-styles><style:style style:name="shown" style:family="table">'
        '<style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="hidden" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
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


def test_an_ods_hidden_sheet_is_not_read_and_hidden_rows_and_columns_are_warned_of(
    context: Context,
) -> None:
    old = [HEADING, ["Nära vård", "Samsjuklighet", "Gammal aktivitet", "Klar", "VS", "", ""]]
    data = ods_bytes([("Gammal", old), ("Lista", [HEADING, *ROWS])], hidden_rows={3},
                     hidden_columns={6}, hidden_sheets={"Gammal"})
    report = _report(data, "plan.ods", context)
    titles = {f.subject for f in report.findings if f.row is not None}
    assert "Gammal aktivitet" not in titles  # calamine reads every sheet; the hidden is left
    assert any('Read the sheet "Lista"' in n.en for n in report.plan.notes)
    [row] = _rule(report, "Sheet-hiddenRow")
    assert row.row == 3 and 'Row 3 of the sheet "Lista" is hidden' in row.message.en
    [column] = _rule(report, "Sheet-hiddenColumn")
    assert column.column == "Delaktiga" and column.message.sv.startswith("Kolumn F (Delaktiga)")
    [sheet] = _rule(report, "Sheet-hiddenSheet")
    assert sheet.subject == "blad/sheet Gammal"


def test_an_ods_row_repeated_hidden_counts_its_repeats(context: Context) -> None:
    from hsvo_graph.validation.documents import _ods_hidden

    data = ods_bytes([("Lista", [HEADING, *ROWS])])
    text = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    text = text.replace("<table:table-row>", '<table:table-row table:number-rows-repeated="2">',
                        1)  # the heading row twice: rows 1-2, the data rows 3-5
    text = text.replace("<table:table-row>", '<table:table-row table:visibility="filter">', 2)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", text)
    assert _ods_hidden(out.getvalue(), "Lista") == ([3, 4], [])


def test_a_csv_row_that_lost_a_delimiter_is_warned_of(context: Context) -> None:
    lines = [";".join(HEADING[:6] + ["År"])] + [
        ";".join(row[:6] + ["2026"]) for row in ROWS
    ]
    lines[2] = lines[2].replace("Klar;VS", "Klar,VS")  # row 3: a comma for a semicolon
    report = _report("\n".join(lines).encode(), "plan.csv", context)
    [short] = _rule(report, "Row-missingCells")
    assert short.row == 3 and short.subject == "Aktivitet nummer 2"
    assert short.message.en.startswith("The row has 6 cells but the heading row 7")
    assert short.message.sv.startswith("Raden har 6 celler men rubrikraden 7")


def test_a_csv_row_without_trailing_empty_cells_of_the_heading_is_not_short(
    context: Context,
) -> None:
    lines = [";".join(HEADING[:5]) + ";;"] + [";".join(row[:5]) for row in ROWS]
    assert not _rule(_report("\n".join(lines).encode(), "plan.csv", context), "Row-missingCells")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_column_named_twice_is_located_by_its_letters(suffix: str, context: Context) -> None:
    heading = [*HEADING, "Aktiviteter"]
    if suffix == "csv":
        data = "\n".join(";".join(r) for r in [heading, *ROWS]).encode()
    else:
        book = _book()
        book.active["H1"] = "Aktiviteter"
        data = _xlsx(book)
    with pytest.raises(PlanError) as caught:
        read_plan(data, f"plan.{suffix}", META, context)
    assert caught.value.message.sv.startswith("kolumnen Aktivitet finns två gånger (kolumn C och H)")
    assert "(columns C and H)" in caught.value.message.en
    assert caught.value.where.endswith("rad/row 1")


def test_the_web_report_has_the_cli_reports_findings(client: TestClient, context: Context) -> None:
    book = _book()
    book.active.row_dimensions[3].hidden = True
    book.active.column_dimensions["E"].hidden = True
    data = _xlsx(book)
    report = _report(data, "plan.xlsx", context)
    text = to_text(report)
    for finding in report.findings:
        assert finding.message.sv in text and finding.message.en in text
    answer = client.post(
        "/validate", files={"file": ("plan.xlsx", data)},
        data={"municipality": "Uppsala", "year": "2026"},
    )
    assert answer.status_code == 200
    assert answer.json()["groups"] == as_data(report)["groups"]
    page = client.post(
        "/validate?lang=en", files={"file": ("plan.xlsx", data)},
        data={"municipality": "Uppsala", "year": "2026", "format": "html"},
    ).text
    assert "Row 3 of the sheet" in page and "Column E (Ansvar)" in page


def _csv(rows: list[list[str]], first: str = "") -> bytes:
    return (first + "\n".join(";".join(r) for r in rows)).encode()


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row(context: Context) -> None:
    rows = [HEADING[:5], *(r[:5] for r in ROWS)]
    rows[1][2] = "Aktivitet, med komma"
    report = _report(_csv(rows, "sep=;\r\n"), "plan.csv", context)
    assert not report.findings
    plan = read_plan(_csv(rows, "sep=;\n"), "plan.csv", META, context)
    assert sorted(loc.row for loc in plan.locations.values() if loc.row) == [2, 3, 4]


def test_a_row_with_text_only_outside_the_plan_columns_is_skipped_with_a_note(
    context: Context,
) -> None:
    rows = [HEADING, *ROWS, ["", "", "", "", "", "", "* = ny aktivitet"]]
    report = _report(_csv(rows), "plan.csv", context)
    assert not report.findings
    assert any(n.en == "Rows without text in the plan's columns (only in ignored columns) were "
               "skipped: 5" for n in report.plan.notes)


def test_a_row_without_a_title_is_one_group_of_the_report(context: Context) -> None:
    rows = [HEADING, *ROWS, ["", "", "", "", "ÄLN", "", ""]]  # Ansvar continued on a row
    report = _report(_csv(rows), "plan.csv", context)
    groups = [key for key, _ in report.groups() if key[0] == 5]
    assert groups == [(5, "(ingen titel / no title)")]


def test_an_error_value_in_a_plan_column_is_refused_with_its_cell(context: Context) -> None:
    import re

    data = _xlsx(_book())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # as Excel saves =VLOOKUP(…) → #N/A
                part = re.sub(rb'<c r="C3"[^>]*>.*?</c>',
                              b'<c r="C3" t="e"><f>VLOOKUP(A3,X:Y,2,0)</f><v>#N/A</v></c>', part)
            target.writestr(item, part)
    with pytest.raises(PlanError) as caught:
        read_plan(out.getvalue(), "plan.xlsx", META, context)
    assert caught.value.where == "plan.xlsx, blad/sheet Lista, C3"
    assert caught.value.message.en == (
        "the cell in the column Aktivitet holds the error value #N/A (the formula "
        "=VLOOKUP(A3,X:Y,2,0)); fix the formula or type the value")
    assert "har felvärdet #N/A" in caught.value.message.sv


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_missing_columns_are_located_and_name_the_headings_not_recognised(
    suffix: str, context: Context
) -> None:
    heading = [h if h != "Ansvar" else "Ansvarig nämnd" for h in HEADING]
    rows = [["Aktivitetslista 2026"], heading, *ROWS]
    if suffix == "csv":
        data = _csv(rows)
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.active.title = "Blad1"
        data = _xlsx(book)
    with pytest.raises(PlanError) as caught:
        read_plan(data, f"plan.{suffix}", META, context)
    error = caught.value
    assert error.where == ("plan.csv, rad/row 2" if suffix == "csv"
                           else "plan.xlsx, blad/sheet Blad1, rad/row 2")
    assert error.message.en.startswith("missing columns: Ansvar (found: ")
    assert 'headings not recognised: "Ansvarig nämnd" (column E); "Kommentar" (column G)' \
        in error.message.en
    assert "rubriker som inte känns igen: ”Ansvarig nämnd” (kolumn E)" in error.message.sv
    assert "the headings must be Prioriterat område, Lokalt fokusområde, Aktivitet" \
        in error.message.en


def test_an_ignored_column_is_named_with_its_letter(context: Context) -> None:
    report = _report(_xlsx(_book()), "plan.xlsx", context)
    assert any(n.en == 'The column "Kommentar" is ignored (column G)' for n in report.plan.notes)
    assert any(n.sv == "Kolumnen ”Kommentar” ignoreras (kolumn G)" for n in report.plan.notes)


def test_a_windows_1252_file_is_refused_with_the_character_and_where_it_is(
    context: Context,
) -> None:
    lines = [";".join(HEADING), ";".join(ROWS[0])]
    with pytest.raises(PlanError) as caught:
        read_plan("\n".join(lines).encode("cp1252"), "plan.csv", META, context)
    assert caught.value.where == "plan.csv:1"
    assert caught.value.message.en.startswith(
        'byte 0xE5 is not UTF-8 ("å" in Windows-1252, at "Prioriterat områ")')
    assert "(”å” i Windows-1252, vid ”Prioriterat områ”)" in caught.value.message.sv


def test_a_groups_heading_is_in_the_pages_language(client: TestClient, context: Context) -> None:
    book = _book()
    book.active.column_dimensions["E"].hidden = True
    book.active.append(["", "", "", "", "ÄLN", "", ""])  # row 5: no title
    data = _xlsx(book)
    headings = [g["heading"] for g in as_data(_report(data, "plan.xlsx", context))["groups"]]
    assert {"sv": "Rad 5 – (ingen titel)", "en": "Row 5 – (no title)"} in headings
    assert {"sv": "blad Lista, kolumn E", "en": "sheet Lista, column E"} in headings
    page = client.post(
        "/validate?lang=en", files={"file": ("plan.xlsx", data)},
        data={"municipality": "Uppsala", "year": "2026", "format": "html"},
    ).text
    assert "sheet Lista, column E" in page and "Row 5 – (no title)" in page
    assert "kolumn/column" not in page and "ingen titel" not in page


def test_invisible_characters_do_not_make_a_known_name_unknown(context: Context) -> None:
    rows = [HEADING, *(list(r) for r in ROWS)]
    rows[0][4] = "Ansvar\u200b"
    rows[1][4], rows[2][4], rows[3][0] = "VS\u200b", "\ufeffÄLN\u00ad", "Nära\u2060 vård"
    report = _report(_csv(rows), "plan.csv", context)
    assert not report.findings, [f.message.en for f in report.findings]


def test_a_heading_merged_over_two_columns_names_the_first_only(context: Context) -> None:
    book = _book()
    sheet = book.active
    sheet.insert_cols(4)  # an empty column D under a heading merged over C and D
    sheet["D1"] = None
    sheet.merge_cells("C1:D1")
    report = _report(_xlsx(book), "plan.xlsx", context)
    assert not report.findings, [f.message.en for f in report.findings]


def test_a_second_sheet_with_an_activity_table_is_a_warning(context: Context) -> None:
    book = _book()
    book.create_sheet("Instruktioner").append(["Fyll i bladet Lista"])
    newer = book.create_sheet("Lista 2027")
    for row in [HEADING, *ROWS]:
        newer.append(row)
    report = _report(_xlsx(book), "plan.xlsx", context)
    [other] = _rule(report, "Sheet-otherTable")
    assert other.subject == "blad/sheet Lista 2027"
    assert other.message.en.startswith('The sheet "Lista 2027" holds an activity table too but '
                                       'was not read; the plan was read from the sheet "Lista"')
    ods = ods_bytes([("Lista", [HEADING, *ROWS]), ("Lista 2027", [HEADING, *ROWS])])
    [other] = _rule(_report(ods, "plan.ods", context), "Sheet-otherTable")
    assert other.message.sv.startswith("Bladet ”Lista 2027” har också en aktivitetstabell")


def test_a_year_in_a_date_formatted_cell_is_explained(context: Context) -> None:
    book = Workbook()
    book.active.append([*HEADING[:5], "År"])
    book.active.append([*ROWS[0][:5], 2026])
    book.active["F2"].number_format = "yyyy-mm-dd"  # Excel shows (and saves) 1905-07-18
    report = _report(_xlsx(book), "plan.xlsx", context)
    [hint] = _rule(report, "Cell-dateAsYear")
    assert hint.severity == "info" and hint.row == 2 and hint.column == "År"
    assert hint.message.en.startswith("The cell is formatted as a date: 1905-07-18 is the "
                                      "number 2026 shown as a date")
    assert _rule(report, "Activity-yearInteger")  # still not a year: nothing is guessed


def _lines(broken: str) -> bytes:
    rows = [";".join(HEADING[:5])] + [";".join(r[:5]) for r in ROWS] + ["Nära vård;x;Sista;Klar;VS"]
    rows[2] = broken
    return "\n".join(rows).encode()


def test_a_quote_never_closed_is_located_where_it_opens(context: Context) -> None:
    with pytest.raises(PlanError) as caught:
        read_plan(_lines('Nära vård;Samsjuklighet;"Aktivitet 2;Klar;VS'), "plan.csv", META, context)
    assert caught.value.where == "plan.csv:3"  # not the file's last line, where it was noticed
    assert caught.value.message.en == (
        "malformed CSV (row 3 of the sheet): a quote in the row that begins on text line 3 is "
        "never closed, so the rest of the file became one cell")
    assert caught.value.message.sv.startswith("felaktig CSV (rad 3 i kalkylbladet): ett "
                                              "citattecken i raden")


def test_a_quote_inside_a_quoted_cell_is_explained_in_the_pages_language(
    context: Context,
) -> None:
    with pytest.raises(PlanError) as caught:
        read_plan(_lines('Nära vård;Samsjuklighet;"Aktivitet "X" 2";Klar;VS'), "plan.csv",
                  META, context)
    assert caught.value.where == "plan.csv:3"
    assert caught.value.message.sv == (
        "felaktig CSV (rad 3 i kalkylbladet): ett citattecken avslutar en cell men följs inte "
        'av ”;”; ett citattecken inne i en cell skrivs dubbelt ("")')
    assert "expected" not in caught.value.message.sv  # the csv module's English words


def test_headings_in_english_are_named_with_the_swedish_to_write(context: Context) -> None:
    english = ["Priority area", "Local focus area", "Activity", "Follow-up", "Responsible"]
    data = _csv([["Activity list 2026"], english, *(r[:5] for r in ROWS)])
    with pytest.raises(PlanError) as caught:
        read_plan(data, "plan.csv", META, context)
    assert caught.value.where == "plan.csv, rad/row 2"
    assert caught.value.message.en.endswith(
        "; the headings are in English – write Prioriterat område for Priority area, Lokalt "
        "fokusområde for Local focus area, Aktivitet for Activity, Uppföljning for Follow-up, "
        "Ansvar for Responsible")
    assert "rubrikerna är på engelska – skriv Prioriterat område för Priority area" \
        in caught.value.message.sv


def test_the_turtle_report_names_places_in_files_with_spaces(context: Context) -> None:
    from rdflib import Graph as RDFGraph
    from rdflib.namespace import SH

    from hsvo_graph.validation.report import to_turtle

    book = _book("Lista 2026")
    book.active.row_dimensions[3].hidden = True
    report = _report(_xlsx(book), "min plan \"2026\".xlsx", context)
    assert _rule(report, "Sheet-hiddenRow")
    graph = RDFGraph().parse(data=to_turtle(report), format="turtle")
    focus = [str(o) for o in graph.objects(None, SH.focusNode)]
    assert [f for f in focus if f.endswith("/min%20plan%20%222026%22.xlsx#row=3")]


def test_a_row_of_height_zero_and_a_column_of_width_zero_are_hidden(context: Context) -> None:
    def sized(part: bytes) -> bytes:  # openpyxl does not write a size of 0
        part = part.replace(b'<row r="4"', b'<row r="4" ht="0" customHeight="1"')
        return part.replace(b"<sheetData>", b'<cols><col min="5" max="5" width="0" '
                            b'customWidth="1"/></cols><sheetData>')

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx(_book()))) as source, \
            zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item)
            target.writestr(item, sized(part) if item.filename.endswith("sheet1.xml") else part)
    report = _report(out.getvalue(), "plan.xlsx", context)
    assert [f.row for f in _rule(report, "Sheet-hiddenRow")] == [4]
    assert [f.column for f in _rule(report, "Sheet-hiddenColumn")] == ["Ansvar"]


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_title_line_naming_aktiviteter_is_not_taken_for_the_heading_row(
    delimiter: str, context: Context
) -> None:
    lines = ["Aktiviteter 2026", delimiter.join(HEADING[:5])]
    lines += [delimiter.join(r[:5]) for r in ROWS]
    report = _report("\n".join(lines).encode(), "plan.csv", context)
    assert not report.findings, [f.message.en for f in report.findings]
    plan = read_plan("\n".join(lines).encode(), "plan.csv", META, context)
    assert sorted(loc.row for loc in plan.locations.values() if loc.row) == [3, 4, 5]


def test_a_heading_row_below_the_top_ten_rows_is_named(context: Context) -> None:
    book = Workbook()
    for n in range(12):
        book.active.append([f"Instruktion {n + 1}"])
    for row in [HEADING, *ROWS]:
        book.active.append(row)
    book.active.title = "Lista"
    with pytest.raises(PlanError) as caught:
        read_plan(_xlsx(book), "plan.xlsx", META, context)
    assert caught.value.where == "plan.xlsx, blad/sheet Lista, rad/row 13"
    assert caught.value.message.en.startswith(
        "the heading row is row 13, but it must be one of the first ten rows")
    assert caught.value.message.sv.startswith("rubrikraden står på rad 13")


def test_a_data_line_full_of_commas_does_not_decide_the_delimiter(context: Context) -> None:
    rows = [HEADING[:5], *(list(r[:5]) for r in ROWS)]
    rows[1][2] = "Bevaka aktiviteter, nätverk, forum, möten, rapporter, samverkan och mer"
    report = _report(_csv(rows), "plan.csv", context)
    assert not report.findings, [f.message.en for f in report.findings]


def test_a_title_merged_down_two_rows_is_explained(context: Context) -> None:
    book = _book()
    book.active.merge_cells("C2:C3")  # one title over two rows: read as two activities
    book.active.merge_cells("A2:A4")  # a priority area down a block: as a printed plan means it
    report = _report(_xlsx(book), "plan.xlsx", context)
    [merged] = _rule(report, "Cell-mergedTitle")
    assert merged.row == 3 and merged.column == "Aktivitet"
    assert merged.message.en.startswith("The cell C3 is part of the merged cells C2:C3 and is "
                                        "read as C2: the same activity once more")
    assert merged.message.sv.startswith("Cellen C3 ingår i de sammanfogade cellerna C2:C3")
    assert {f.row for f in _rule(report, "Activity-unique")} == {2, 3}

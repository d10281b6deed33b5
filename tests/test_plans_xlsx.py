"""Spreadsheets as plan owners save them: a comma CSV with a title line above the heading
row; merged cells filled with their top-left value, hidden
sheets not read in place of the visible one, hidden rows kept, a formula without a saved
value refused only in a plan column; and a workbook far wider or larger than a plan is
refused at once instead of being read cell by cell."""

import io

import pytest
from openpyxl import Workbook

from hsvo_graph.validation.headings import RawTable
from hsvo_graph.validation.documents import read_xlsx
from hsvo_graph.validation.model import PlanError

HEADING = ["Prioriterat område", "Lokalt fokusområde", "Aktivitet", "Uppföljning", "Ansvar",
           "Kommentar"]
ROWS = [["Nära vård", "Samsjuklighet", f"Aktivitet {n}", "Klar", "VS", ""] for n in range(3)]


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan(rows: list[list[object]] = ROWS) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Aktivitetslista 2026"
    for row in [HEADING, *rows]:
        sheet.append(row)
    return book


def _cells(table: RawTable) -> dict[int, list[str]]:
    return dict(table.rows)


def test_merged_cells_are_filled_with_their_top_left_value() -> None:
    book = _plan([["Nära vård", "Samsjuklighet", "A", "Klar", "VS"],
                  [None, None, "B", "Klar", "VS"], [None, None, "C", "Klar", "VS"]])
    book.active.merge_cells("A2:B4")
    cells = _cells(read_xlsx(_save(book), "plan.xlsx"))
    assert [cells[n][:3] for n in (2, 3, 4)] == [
        ["Nära vård", "Nära vård", "A"], ["Nära vård", "Nära vård", "B"],
        ["Nära vård", "Nära vård", "C"]]


def test_a_hidden_sheet_is_not_read_and_hidden_rows_are_kept() -> None:
    book = _plan()
    old = book.create_sheet("Gammal", 0)
    old.append(HEADING)
    old.append(["Nära vård", "Samsjuklighet", "Gammal aktivitet", "Klar", "VS"])
    old.sheet_state = "hidden"
    book.active = 1
    book["Aktivitetslista 2026"].row_dimensions[3].hidden = True
    table = read_xlsx(_save(book), "plan.xlsx")
    assert _cells(table)[2][2] == "Aktivitet 0"
    notes = " ".join(note.en for note in table.notes)
    assert 'Read the sheet "Aktivitetslista 2026"' in notes
    assert "hidden sheets were not read: Gammal" in notes
    assert table.hidden_rows == [3] and table.hidden_tables == ["Gammal"]
    assert 3 in _cells(table)  # read like the others (and warned of: test_plans_hidden.py)


def test_an_unsaved_formula_is_refused_only_in_a_plan_column() -> None:
    from hsvo_graph.validation.readers import read_plan_file

    book = _plan()
    book.active["F2"] = "=LEN(C2)"  # openpyxl saves no value: as if never opened in Excel
    sheet = read_plan_file(_save(book), "plan.xlsx")
    assert "Kommentar" in getattr(sheet, "ignored")
    book.active["C3"] = '=CONCATENATE("a","b")'
    with pytest.raises(PlanError) as caught:
        read_plan_file(_save(book), "plan.xlsx")
    assert caught.value.where == "plan.xlsx, blad/sheet Aktivitetslista 2026, C3"
    assert 'column Aktivitet has the formula =CONCATENATE("a","b")' in caught.value.message.en


def test_a_row_wider_than_a_plan_is_refused_at_once() -> None:
    data = _save(_plan([[*row, *([1] * 300)] for row in ROWS * 100]))
    with pytest.raises(PlanError) as caught:
        read_xlsx(data, "wide.xlsx")
    assert caught.value.where == "wide.xlsx, blad/sheet Aktivitetslista 2026, rad/row 2"
    assert "cells beyond column 64" in caught.value.message.en


def test_a_comma_csv_with_a_title_line_finds_its_heading_row() -> None:
    from hsvo_graph.validation.readers import Sheet, read_plan_file

    text = "Aktivitetslista 2026 HSVO Uppsala\n" + "\n".join(
        ",".join(row[:5]) for row in [HEADING[:5], *ROWS]) + "\n"
    sheet = read_plan_file(text.encode(), "plan.csv")
    assert isinstance(sheet, Sheet) and sheet.columns == HEADING[:5]
    assert [cells["Aktivitet"] for _, cells in sheet.rows] == ["Aktivitet 0", "Aktivitet 1",
                                                              "Aktivitet 2"]

"""An Excel workbook's activity table, read in one pass over the sheet's XML.

openpyxl's read-only workbook gives either the saved values or the formulas, so the plan was
read twice, every cell of every sheet, before any limit applied: a 329 kB workbook that
unpacks to 93 MB took almost four minutes. Here one parser (openpyxl's own, extended to keep
"a formula without a saved value" beside the value) reads a sheet row by row and stops at
the first row or cell beyond what a plan can have; only visible sheets are read, and only as
far as needed to find the heading row until the plan's sheet is found. The same pass gives
the merged ranges (filled with their top-left value, as a printed plan means them; a merged
heading names its first column only) and the
hidden rows and columns: they are read and imported like any other, and each is a located
warning in the report, since the plan owner does not see in Excel what would be imported.
A hidden sheet is not read; one that holds an activity table is a warning too.
"""

import io
from collections.abc import Iterator
from typing import Any

from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from hsvo_graph.validation.documents import sheet_note
from hsvo_graph.validation.headings import (
    MAX_COLUMNS, MAX_ROWS, RawTable, heading_at, is_heading_row,
)
from hsvo_graph.validation.model import PlanError, Text

Rows = list[tuple[int, list[str]]]


class _Parser(WorkSheetParser):
    """Saved values, and for a formula without one its text under ``"formula"``."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        formula = element.find(FORMULA_TAG)
        if cell["value"] is None and formula is not None:
            cell["formula"] = "=" + (formula.text or "")
        elif cell["data_type"] == "e" and cell["value"] is not None:  # #N/A, #REF! …
            cell["error"] = "=" + (formula.text or "") if formula is not None else ""
        return cell


class _Sheet:
    """One sheet read row by row, within the limits, into cell texts."""

    def __init__(self, book: Any, sheet: Any, name: str, cell_text: Any) -> None:
        self.title: str = sheet.title
        self.where = f"{name}, blad/sheet {sheet.title}"
        self.source = sheet._get_source()
        self.parser = _Parser(self.source, sheet._shared_strings, data_only=True,
                              epoch=book.epoch, date_formats=book._date_formats,
                              timedelta_formats=book._timedelta_formats)
        self.cell_text = cell_text
        self.rows: Rows = []
        self.unsaved: dict[tuple[int, int], str] = {}
        self.errors: dict[tuple[int, int], str] = {}
        self.filled: dict[tuple[int, int], tuple[str, str, str]] = {}  # cell, range, source
        self._rows = self._read()

    def _read(self) -> Iterator[tuple[int, list[str]]]:
        for number, cells in self.parser.parse():
            if number > MAX_ROWS + 20:
                return  # the table check then says "more than MAX_ROWS rows"
            filled = [c for c in cells if c["value"] is not None or "formula" in c]
            if filled and filled[-1]["column"] > MAX_COLUMNS:
                raise PlanError(
                    f"{self.where}, rad/row {number}",
                    Text(
                        f"raden har celler bortom kolumn {MAX_COLUMNS}; en aktivitetslista har "
                        "några få kolumner",
                        f"the row has cells beyond column {MAX_COLUMNS}; an activity list has a "
                        "few columns",
                    ),
                )
            texts = [""] * (filled[-1]["column"] if filled else 0)
            for cell in filled:
                texts[cell["column"] - 1] = self.cell_text(cell["value"])
                if "formula" in cell:
                    self.unsaved[(number, cell["column"] - 1)] = (
                        f"{_letter(cell['column'])}{number}: {cell['formula'][:60]}")
                if "error" in cell:
                    self.errors[(number, cell["column"] - 1)] = (
                        f"{_letter(cell['column'])}{number}: {cell['value']} {cell['error'][:60]}"
                    ).rstrip()
            yield number, texts

    def head(self) -> Rows:
        """The first ten rows (enough to find the heading row)."""
        while len(self.rows) < 10 and (row := next(self._rows, None)) is not None:
            self.rows.append(row)
        return self.rows

    def rest(self) -> Rows:
        """Every row, then the merged ranges filled with their top-left value."""
        self.rows.extend(self._rows)
        self.source.close()
        by_number = {number: cells for number, cells in self.rows}
        at = heading_at(self.rows)
        heading = self.rows[at][0] if at is not None else None
        for merged in getattr(self.parser.merged_cells, "mergeCell", []):
            top, left, bottom, right = _bounds(merged.ref)
            if top == heading:  # a heading centred over two columns names the first only
                continue
            value = by_number.get(top, [])[left - 1] if left <= len(by_number.get(top, [])) else ""
            for number in range(top, min(bottom, MAX_ROWS + 20) + 1):
                cells = by_number.get(number)
                if cells is None:
                    continue
                cells.extend([""] * (min(right, MAX_COLUMNS) - len(cells)))
                for column in range(left, min(right, MAX_COLUMNS) + 1):
                    if not cells[column - 1]:
                        cells[column - 1] = value
                        if number > top:  # read from the row above: said where it matters
                            self.filled[(number, column - 1)] = (
                                f"{_letter(column)}{number}", merged.ref, f"{_letter(left)}{top}")
        return self.rows

    def hidden_rows(self) -> list[int]:
        return sorted(int(n) for n, attrs in self.parser.row_dimensions.items()
                      if _hidden(attrs))

    def hidden_columns(self) -> list[int]:
        """Hidden columns by number (``<col min= max= hidden=>``, within the plan's width)."""
        found: set[int] = set()
        for attrs in self.parser.column_dimensions.values():
            if _hidden(attrs):
                low, high = int(attrs.get("min", 0)), int(attrs.get("max", 0))
                found.update(range(max(low, 1), min(high, MAX_COLUMNS) + 1))
        return sorted(found)


def _hidden(attrs: dict[str, str]) -> bool:
    """Hidden, or as good as hidden: a row of height 0 or a column of width 0 is not seen
    either (Excel writes ``hidden``; a script or another program may write the size)."""
    if attrs.get("hidden") in ("1", "true"):
        return True
    size = attrs.get("ht", attrs.get("width"))
    try:
        return size is not None and float(size) == 0
    except ValueError:
        return False


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _bounds(ref: str) -> tuple[int, int, int, int]:
    from openpyxl.utils import range_boundaries

    left, top, right, bottom = range_boundaries(ref)
    return top, left, bottom, right


def read_sheets(data: bytes, name: str, cell_text: Any) -> tuple[RawTable, str]:
    """The plan's table: the first visible sheet with a heading row (else the first visible
    sheet), with notes on which sheets were not read and on hidden rows; the sheet's title."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        visible = [s for s in book.worksheets if s.sheet_state == "visible"]
        hidden = [s.title for s in book.worksheets if s.sheet_state != "visible"]
        if not visible:
            raise PlanError(name, Text("arbetsboken har inga synliga blad",
                                       "the workbook has no visible sheets"))
        chosen = None
        for sheet in visible:
            reader = _Sheet(book, sheet, name, cell_text)
            if is_heading_row(reader.head()):
                chosen = reader
                break
            reader.source.close()
        chosen = chosen or _Sheet(book, visible[0], name, cell_text)
        rows = chosen.rest()
        tables = [s.title for s in book.worksheets if s.sheet_state != "visible"
                  and _holds_table(book, s, name, cell_text)]
        after = visible[visible.index(next(s for s in visible if s.title == chosen.title)) + 1:]
        more = [s.title for s in after if _holds_table(book, s, name, cell_text)]
    finally:
        book.close()
    others = [s.title for s in visible]
    notes = [sheet_note(chosen.title, others, hidden)]
    return RawTable(rows, notes, f"blad/sheet {chosen.title}", unsaved=chosen.unsaved,
                    errors=chosen.errors, filled=chosen.filled,
                    hidden_rows=chosen.hidden_rows(), hidden_columns=chosen.hidden_columns(),
                    hidden_tables=tables, other_tables=more), chosen.title


def _holds_table(book: Any, sheet: Any, name: str, cell_text: Any) -> bool:
    """Whether a sheet (hidden, or after the plan's) has a heading row in its top rows."""
    reader = _Sheet(book, sheet, name, cell_text)
    try:
        return is_heading_row(reader.head())
    except PlanError:
        return False
    finally:
        reader.source.close()

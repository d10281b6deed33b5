"""Cells that a spreadsheet program would run as a formula (CSV injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken as a
formula by Excel and LibreOffice when a CSV file is opened, and ``=HYPERLINK(…)`` or
``+cmd|…`` in a plan's text would then run on the reader's machine. OWASP's guidance is
followed: in CSV such a cell is written with a single quote in front (the program shows the
text as written and runs nothing); in XLSX it is stored as a string cell, never a formula.
Plain numbers ("-1", "+2.5") cannot run anything and are left alone.
"""

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported by whoever writes a sheet, not by every reader of cells
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet program would read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def csv_cell(text: str) -> str:
    """The text as a CSV cell that opens as text: a formula-like cell gets a leading quote."""
    return "'" + text if formula_like(text) else text


def append_row(sheet: "Worksheet", values: Sequence[Any]) -> None:
    """Append a row to an XLSX sheet with every formula-like string stored as a string
    (openpyxl would otherwise write any text that starts with ``=`` as a live formula)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and formula_like(cell.value):
            cell.data_type = "s"

"""Cells that a spreadsheet program would run as a formula (CSV injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken as a
formula by Excel and LibreOffice when a CSV file is opened, and ``=HYPERLINK(…)`` or
``+cmd|…`` in a plan's text would then run on the reader's machine. OWASP's guidance is
followed: in CSV such a cell is written with a single quote in front (the program shows the
text as written and runs nothing); in XLSX it is stored as a string cell, never a formula.
Plain numbers ("-1", "+2.5") cannot run anything and are left alone.

XLSX is XML 1.0, which cannot hold most control characters (a vertical tab, as Word pastes
a manual line break; NUL; ESC), lone surrogates, U+FFFE or U+FFFF: openpyxl and lxml refuse
them. Every string written to a sheet has each such character replaced by U+FFFD (�), so
that no value, typed or stored, can make an export fail.
"""

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported by whoever writes a sheet, not by every reader of cells
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold (its Char production: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD,
# U+10000–U+10FFFF)
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet program would read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def csv_cell(text: str) -> str:
    """The text as a CSV cell that opens as text: a formula-like cell gets a leading quote."""
    return "'" + text if formula_like(text) else text


def xml_safe(text: str) -> str:
    """The text with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def append_row(sheet: "Worksheet", values: Sequence[Any]) -> None:
    """Append a row to an XLSX sheet with every string stored as a text cell, made XML-safe
    (openpyxl would otherwise write any text that starts with ``=`` as a live formula, and
    refuse a control character with an exception)."""
    sheet.append([xml_safe(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"

"""Turn query results into what people and programs read: a text table, CSV, JSON, and a
real spreadsheet (XLSX) for people who continue in Excel or LibreOffice."""

import csv
import functools
import io
import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.term import Identifier

from hsvo_graph.canned.cells import append_row, csv_cell, xml_safe
from hsvo_graph.sparql.reader import Table, term_from_json


def plain(term: Identifier | None) -> Any:
    """A term as a plain value: IRIs and text as strings, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, (int, float, bool)) else str(term)
    return str(term)


def table_rows(table: Table) -> list[dict[str, Any]]:
    """Rows as dicts of plain values, one key per variable (None where unbound); read
    straight from the store's SPARQL JSON when the table still has it (no rdflib terms)."""
    if table.bindings is None:
        return [{v: plain(row.get(v)) for v in table.variables} for row in table.rows]
    return [{v: None if (term := binding.get(v)) is None else _plain_json(term)
             for v in table.variables} for binding in table.bindings]


_TEXT_TYPES = {None, str(XSD.string), str(RDF.langString)}


def _plain_json(term: Mapping[str, str]) -> Any:
    """``plain`` of a SPARQL JSON term: an IRI's or a text's value as it is, any other
    literal as ``plain`` casts it."""
    try:
        value, kind, datatype = term["value"], term["type"], term.get("datatype")
        if isinstance(value, str) and (kind == "uri" or (kind == "literal" and datatype in _TEXT_TYPES)):
            return value
        return _plain_of(kind, value, term.get("xml:lang"), datatype)
    except (KeyError, TypeError, AttributeError):
        return plain(term_from_json(term))  # which says what is wrong with it


# A service answers the same values over and over, and ``plain`` of an rdflib Literal casts
# its lexical form each time: the plain value of each SPARQL JSON term read last is kept.
@functools.lru_cache(maxsize=16384)
def _plain_of(kind: str, value: str, lang: str | None, datatype: str | None) -> Any:
    term = {"type": kind, "value": value}
    if lang is not None:
        term["xml:lang"] = lang
    if datatype is not None:
        term["datatype"] = datatype
    return plain(term_from_json(term))


def to_json(table: Table, *, pretty: bool = False, **meta: Any) -> str:
    """Friendly JSON: metadata, column names, and rows as objects with plain values; compact,
    or indented by two spaces when ``pretty`` (for a terminal). Written by orjson, 20× faster
    than the standard library's encoder (a tenth of a canned JSON request), except for an
    integer beyond 64 bits, which only the standard library writes."""
    rows = table_rows(table)
    document = {**meta, "columns": table.variables, "count": len(rows), "rows": rows}
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 if pretty else 0).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(document, ensure_ascii=False, indent=2 if pretty else None)


def to_csv(
    table: Table, headings: Sequence[str] | None = None, *, delimiter: str = ",", bom: bool = False
) -> str:
    """CSV with a header row (the variables, or ``headings`` for people); UTF-8 text,
    values as in the graph. Swedish Excel wants ``delimiter=";"`` and ``bom=True`` (it
    reads a file without a byte-order mark as Windows-1252 and splits on semicolons)."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(list(headings or table.variables))
    for row in table.rows:
        writer.writerow(["" if row.get(v) is None else csv_cell(str(row[v])) for v in table.variables])
    return out.getvalue()


def _cell(term: Identifier | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    return str(term)


def to_text(table: Table, width: int = 60) -> str:
    """An aligned text table for terminals; long cells wrap at ``width`` characters."""
    columns = table.variables
    wrapped = [
        [textwrap.wrap(_cell(row.get(c)), width) or [""] for c in columns] for row in table.rows
    ]
    widths = [
        max([len(c)] + [len(line) for row in wrapped for line in row[i]])
        for i, c in enumerate(columns)
    ]
    rule = "-+-".join("-" * w for w in widths)
    lines = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)), rule]
    for row in wrapped:
        for k in range(max(len(cell) for cell in row)):
            lines.append(
                " | ".join(
                    (cell[k] if k < len(cell) else "").ljust(w)
                    for cell, w in zip(row, widths, strict=True)
                ).rstrip()
            )
    lines.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(lines)


def _xlsx_value(term: Identifier | None) -> Any:
    """Numbers, dates and booleans stay typed so that the spreadsheet can sort and sum."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (int, float, bool, date, datetime)):
            return value
    return str(term)


# Excel refuses a sheet name longer than 31 characters, or with one of these in it.
_SHEET_NAME_LENGTH = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str) -> str:
    """``title`` as a sheet name Excel accepts: none of ``[]:*?/\\``, no apostrophe at either
    end, and at most 31 characters: a longer title is cut at the last word boundary that
    leaves room for an ellipsis ("Namnbyten av organ och roller…"), not in mid-word."""
    name = _NOT_IN_SHEET_NAMES.sub("-", xml_safe(title)).strip("' ") or "-"
    if len(name) <= _SHEET_NAME_LENGTH:
        return name
    cut = name[:_SHEET_NAME_LENGTH - 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:–-'") + "…"


def to_xlsx(
    table: Table,
    headings: Sequence[str] | None = None,
    *,
    sheet: str = "Svar",
    about: Sequence[tuple[str, str]] = (),
    about_sheet: str = "Om frågan",
) -> bytes:
    """An XLSX workbook: one sheet with the results (bold header row, frozen, IRIs as
    hyperlinks) and, when ``about`` is given, a second sheet (``about_sheet``) saying what
    was asked. Every string, in either sheet, is a text cell with only characters XML can
    hold (``cells.append_row``): a question's values are user input, and neither a formula
    nor a control character in them may reach the file as such."""
    book = Workbook()
    results = book.active
    results.title = sheet_name(sheet)
    append_row(results, list(headings or table.variables))
    for cell in results[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        append_row(results, [_xlsx_value(row.get(v)) for v in table.variables])
        for column, variable in enumerate(table.variables, 1):
            if isinstance(row.get(variable), URIRef):
                target = results.cell(row=results.max_row, column=column)
                target.hyperlink = str(row[variable])
                target.style = "Hyperlink"
    results.freeze_panes = "A2"
    results.auto_filter.ref = results.dimensions
    for column, variable in enumerate(table.variables, 1):
        longest = max([len(str(results.cell(row=1, column=column).value))]
                      + [len(str(row.get(variable, ""))) for row in table.rows])
        results.column_dimensions[get_column_letter(column)].width = min(max(longest, 6) + 2, 80)
    if about:
        info = book.create_sheet(sheet_name(about_sheet))
        for key, value in about:
            append_row(info, [key, value])
        for cell in info["A"]:
            cell.font = Font(bold=True)
        info.column_dimensions["A"].width = 22
        info.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

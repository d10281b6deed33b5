"""Read an uploaded or local plan file: a spreadsheet (CSV or XLSX) into rows, or an RDF
file (Turtle, TriG, JSON-LD, N-Triples) into a graph.

Anything that makes the file unreadable is a ``PlanError`` that names the file and line and
says what to do (save as CSV UTF-8, …); nothing is guessed silently.
"""

import csv
import datetime
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import Dataset, Graph

from hsvo_graph.canned.catalog import normalise_text
from hsvo_graph.validation.model import PlanError, Text

MAX_BYTES = 5_000_000  # an activity list is a few tens of kB; this stops runaway uploads
MAX_ROWS = 2_000

TABULAR = (".csv", ".xlsx")
RDF_FORMATS = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
}
SUPPORTED = TABULAR + tuple(RDF_FORMATS)

# The columns of an activity list, as printed in the plans; headings match whatever the case
# or spacing, in singular or plural, with or without a trailing year ("Aktiviteter 2025").
COLUMNS = (
    "Prioriterat område",
    "Lokalt fokusområde",
    "Aktivitet",
    "Uppföljning",
    "Ansvar",
    "Delaktiga",
    "År",
    "Status",
)
_ALIASES = {
    "prioriterat område": "Prioriterat område",
    "prioriterade områden": "Prioriterat område",
    "lokalt fokusområde": "Lokalt fokusområde",
    "lokala fokusområden": "Lokalt fokusområde",
    "aktivitet": "Aktivitet",
    "aktiviteter": "Aktivitet",
    "uppföljning": "Uppföljning",
    "ansvar": "Ansvar",
    "ansvarig": "Ansvar",
    "ansvariga": "Ansvar",
    "delaktiga": "Delaktiga",
    "delaktig": "Delaktiga",
    "år": "År",
    "status": "Status",
}
_HEADING_YEAR = re.compile(r"^(.*?)\s+(\d{4})$")
_LINE = re.compile(r"line (\d+)")


@dataclass
class Sheet:
    """The data rows of a spreadsheet, cells keyed by column name (see ``COLUMNS``)."""

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number the user's program shows, cells)
    ignored: list[str] = field(default_factory=list)  # headings that are not plan columns
    heading_years: set[int] = field(default_factory=set)  # "Aktiviteter 2025" → 2025


@contextmanager
def quiet_literals() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal ("2025-13-45"^^xsd:date); the
    shapes report those as findings, so the log noise is held back meanwhile."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_plan_file(data: bytes, name: str) -> Sheet | Graph:
    """The file's rows or triples, by its extension."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUPPORTED:
        raise PlanError(
            name,
            Text(
                f"okänt filformat {suffix or '(ingen filändelse)'}; använd {', '.join(SUPPORTED)}",
                f"unknown file format {suffix or '(no extension)'}; use {', '.join(SUPPORTED)}",
            ),
        )
    if len(data) > MAX_BYTES:
        raise PlanError(
            name,
            Text(
                f"filen är {len(data) / 1e6:.1f} MB; en plan får vara högst "
                f"{MAX_BYTES / 1e6:.0f} MB",
                f"the file is {len(data) / 1e6:.1f} MB; a plan may be at most "
                f"{MAX_BYTES / 1e6:.0f} MB",
            ),
        )
    if not data.strip():
        raise PlanError(name, Text("filen är tom", "the file is empty"))
    if suffix == ".csv":
        return _sheet(name, _csv_rows(decode(data, name), name))
    if suffix == ".xlsx":
        return _sheet(name, _xlsx_rows(data, name))
    return _rdf(decode(data, name), name, RDF_FORMATS[suffix])


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is allowed), NFC-normalised; other encodings are refused clearly."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise PlanError(
            name,
            Text(
                "filen är kodad som UTF-16; spara den som ”CSV UTF-8 (kommaavgränsad)”",
                'the file is UTF-16 encoded; save it as "CSV UTF-8 (comma delimited)"',
            ),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise PlanError(
            f"{name}:{line}",
            Text(
                f"byte 0x{byte:02X} är inte UTF-8 – filen är troligen sparad som Latin-1 eller "
                "Windows-1252; spara den som ”CSV UTF-8 (kommaavgränsad)”",
                f"byte 0x{byte:02X} is not UTF-8 – the file was probably saved as Latin-1 or "
                'Windows-1252; save it as "CSV UTF-8 (comma delimited)"',
            ),
        ) from exc
    return unicodedata.normalize("NFC", text)


def _delimiter(text: str) -> str:
    """``;`` (Swedish Excel) or ``,``, whichever the heading line uses more (outside quotes)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    return max((";", ",", "\t"), key=unquoted.count)


def _csv_rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:  # numbered as a spreadsheet shows them, not by text line
            rows.append((len(rows) + 1, cells))
            if len(rows) > MAX_ROWS + 10:
                break
    except csv.Error as exc:
        raise PlanError(
            f"{name}:{reader.line_num}",
            Text(
                f"felaktig CSV ({exc}); kontrollera citattecknen i raden",
                f"malformed CSV ({exc}); check the quotes in that line",
            ),
        ) from exc
    return rows


def _xlsx_rows(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    import openpyxl  # only needed for spreadsheets; keeps the CLI quick to start

    not_xlsx = Text(
        "filen är inget XLSX-kalkylblad; spara den som Excel-arbetsbok (.xlsx) eller CSV UTF-8",
        "the file is not an XLSX spreadsheet; save it as an Excel workbook (.xlsx) or CSV UTF-8",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(entry.file_size for entry in archive.infolist()) > 20 * MAX_BYTES:
                raise PlanError(
                    name, Text("kalkylbladet är för stort", "the spreadsheet is too large")
                )
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except PlanError:
        raise
    except Exception as exc:  # zipfile, openpyxl and lxml raise many unrelated types
        raise PlanError(name, not_xlsx) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            rows.append((number, [_cell_text(v) for v in values]))
            if len(rows) > MAX_ROWS + 10:
                break
        return rows
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text the user sees (2025, not 2025.0; dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return unicodedata.normalize("NFC", str(value))


def _canonical(heading: str) -> tuple[str | None, int | None]:
    """The plan column a heading names, and the year it carries ("Uppföljning 2025")."""
    text = normalise_text(heading)
    year = None
    match = _HEADING_YEAR.match(text)
    if match and match.group(1) in _ALIASES:
        text, year = match.group(1), int(match.group(2))
    return _ALIASES.get(text), year


def _sheet(name: str, raw: list[tuple[int, list[str]]]) -> Sheet:
    """Find the heading row (the first that names Aktivitet), then map the rows below it."""
    header_at = next(
        (
            i
            for i, (_, cells) in enumerate(raw[:10])
            if any(_canonical(c)[0] == "Aktivitet" for c in cells)
        ),
        None,
    )
    if header_at is None:
        first = next((cells for _, cells in raw if any(c.strip() for c in cells)), [])
        found = ", ".join(repr(c) for c in first if c.strip()) or "inga / none"
        raise PlanError(
            _row(name, raw[0][0] if raw else 1),
            Text(
                f"hittar ingen rubrikrad med kolumnen Aktivitet; rubrikerna ska vara "
                f"{', '.join(COLUMNS)} (hittade: {found})",
                f"no heading row with the column Aktivitet; the headings must be "
                f"{', '.join(COLUMNS)} (found: {found})",
            ),
        )
    line, headings = raw[header_at]
    sheet = Sheet(name, [], [])
    positions: dict[int, str] = {}
    for index, heading in enumerate(headings):
        column, year = _canonical(heading)
        if column is None:
            if heading.strip():
                sheet.ignored.append(heading.strip())
            continue
        if column in sheet.columns:
            raise PlanError(
                _row(name, line),
                Text(f"kolumnen {column} finns två gånger", f"the column {column} appears twice"),
            )
        sheet.columns.append(column)
        positions[index] = column
        if year is not None:
            sheet.heading_years.add(year)
    for number, cells in raw[header_at + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        extra = [c for c in cells[len(headings) :] if c.strip()]
        if extra:
            raise PlanError(
                _row(name, number),
                Text(
                    f"raden har {len(headings) + len(extra)} ifyllda celler men rubrikraden bara "
                    f"{len(headings)}; har en cell ett avgränsningstecken utan citattecken?",
                    f"the row has {len(headings) + len(extra)} filled cells but the heading row "
                    f"only {len(headings)}; does a cell hold a delimiter without quotes?",
                ),
            )
        sheet.rows.append(
            (number, {col: _clean(col, cells[i]) for i, col in positions.items() if i < len(cells)})
        )
        if len(sheet.rows) > MAX_ROWS:
            raise PlanError(
                _row(name, number),
                Text(
                    f"fler än {MAX_ROWS} rader; en aktivitetslista har högst några hundra",
                    f"more than {MAX_ROWS} rows; an activity list has a few hundred at most",
                ),
            )
    if not sheet.rows:
        raise PlanError(
            _row(name, line),
            Text(
                "filen har inga rader under rubrikraden",
                "the file has no rows below the heading row",
            ),
        )
    return sheet


def _row(name: str, row: int) -> str:
    """Where a problem is, as a spreadsheet user looks for it (``file:line`` is for text)."""
    return f"{name}, rad/row {row}"


def _clean(column: str, text: str) -> str:
    """Cell text with white space collapsed; in the body columns a line break still
    separates two names ("… ÄLN och VS⏎Tjänsteledning HSVO Uppsala")."""
    if column in ("Ansvar", "Delaktiga"):
        return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return " ".join(text.split())


def _rdf(text: str, name: str, rdf_format: str) -> Graph:
    graph = Graph()
    try:
        if rdf_format == "trig":
            dataset = Dataset()
            dataset.parse(data=text, format="trig")
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
        else:
            graph.parse(data=text, format=rdf_format)
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        message = " ".join(str(exc).split())
        match = _LINE.search(message)
        where = f"{name}:{match.group(1)}" if match else name
        raise PlanError(
            where,
            Text(
                f"ogiltig RDF ({rdf_format}): {message}", f"invalid RDF ({rdf_format}): {message}"
            ),
        ) from exc
    if not len(graph):
        raise PlanError(name, Text("filen innehåller inga tripler", "the file holds no triples"))
    return graph

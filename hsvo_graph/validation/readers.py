"""Read an uploaded or local plan file: a table (CSV, XLSX, ODS, old XLS, or the activity
table of the plan's own Word or PDF document) into rows, or an RDF file (Turtle, TriG,
JSON-LD, N-Triples) into a graph.

Anything that makes the file unreadable is a ``PlanError`` that names the file, line, row or
cell and says what to do (save as CSV UTF-8, …); nothing is guessed silently. Hostile input
is refused the same way: control characters and bidi overrides, overlong cells, IRIs that no
store accepts, XML bombs and corrupt archives.
"""

import csv
import io
import itertools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, Literal, URIRef

from hsvo_graph.canned.cells import formula_like
from hsvo_graph.canned.folding import normalise_text
from hsvo_graph.namespaces import GRAPH
from hsvo_graph.validation.headings import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    RawTable,
    canonical_column,
    column_letter,
    english_headings,
    heading_at,
)
from hsvo_graph.validation.model import PlanError, Text

if TYPE_CHECKING:
    import pyoxigraph as ox  # imported where a plan in RDF is read

MAX_CELL = 2_000  # characters; the longest activity title in the seeds is about 300

TABULAR = (".csv", ".xlsx", ".ods", ".xls", ".docx", ".pdf")  # spreadsheets and documents
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
_LINE = re.compile(r"line (\d+)")


@dataclass
class Sheet:
    """The data rows of a spreadsheet, cells keyed by column name (see ``COLUMNS``)."""

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number the user's program shows, cells)
    ignored: list[str] = field(default_factory=list)  # headings that are not plan columns
    heading_years: set[int] = field(default_factory=set)  # "Aktiviteter 2025" → 2025
    notes: list[Text] = field(default_factory=list)  # which sheet or table was read
    formulas: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, text)
    place: str = ""  # the sheet or table that was read ("blad/sheet Aktiviteter")
    letters: dict[str, str] = field(default_factory=dict)  # column → its letter: Ansvar → E
    # what the spreadsheet program hides but is read (see RawTable): data rows, plan columns
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[str] = field(default_factory=list)
    hidden_tables: list[str] = field(default_factory=list)  # hidden sheets not read
    other_tables: list[str] = field(default_factory=list)  # visible sheets not read
    short_rows: list[tuple[int, int]] = field(default_factory=list)  # (row, cells) of a CSV
    skipped: list[int] = field(default_factory=list)  # rows with text only outside the plan
    # Aktivitet cells read from a merged range above them: (row, cell, range, top-left cell)
    merged_titles: list[tuple[int, str, str, str]] = field(default_factory=list)
    heading_width: int = 0
    heading_row: int = 0  # as the spreadsheet numbers it
    ignored_letters: list[str] = field(default_factory=list)  # the letter of each ignored


class _QuietThreads(logging.Filter):
    """Drops rdflib.term's records logged by the threads inside ``quiet_literals`` (the
    service checks plans in several threads at once: a logger level that each one raised
    and restored could be left raised by the other)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth: dict[int, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread not in self.depth


_QUIET = _QuietThreads()
logging.getLogger("rdflib.term").addFilter(_QUIET)


@contextmanager
def quiet_literals() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal ("2025-13-45"^^xsd:date); the
    shapes report those as findings, so the log noise is held back meanwhile (in this
    thread only)."""
    thread = threading.get_ident()
    _QUIET.depth[thread] = _QUIET.depth.get(thread, 0) + 1
    try:
        yield
    finally:
        _QUIET.depth[thread] -= 1
        if not _QUIET.depth[thread]:
            del _QUIET.depth[thread]


def read_plan_file(data: bytes, name: str) -> Sheet | Graph:
    """The file's rows or triples, by its extension (and refused when its bytes are not
    what the extension says)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUPPORTED:
        raise PlanError(
            name,
            Text(
                f"okänt filformat {suffix or '(ingen filändelse)'}; använd {', '.join(SUPPORTED)}",
                f"unknown file format {suffix or '(no extension)'}; use {', '.join(SUPPORTED)}",
            ),
        )
    check_size(name, len(data))
    if not data.strip():
        raise PlanError(name, Text("filen är tom", "the file is empty"))
    if suffix == ".csv":
        return _sheet(name, RawTable(_csv_rows(decode(data, name), name), fixed_width=True))
    if suffix in TABULAR:
        from hsvo_graph.validation import documents  # heavy readers, loaded when needed

        return _sheet(name, documents.READERS[suffix](data, name))
    graph = _rdf(decode(data, name), name, RDF_FORMATS[suffix])
    check_graph(graph, name)
    return graph


def check_size(name: str, size: int) -> None:
    """Refuse a plan over ``MAX_BYTES``, saying its real size (an upload's whole size, not
    the part that was read)."""
    if size > MAX_BYTES:
        raise PlanError(
            name,
            Text(
                f"filen är {size / 1e6:.1f} MB; en plan får vara högst {MAX_BYTES / 1e6:.0f} MB",
                f"the file is {size / 1e6:.1f} MB; a plan may be at most "
                f"{MAX_BYTES / 1e6:.0f} MB",
            ),
        )


_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def _utf16_without_bom(head: bytes) -> bool:
    """Text saved as UTF-16 without a byte-order mark: every other byte is zero."""
    even, odd = head[0::2], head[1::2]
    return len(head) >= 8 and (odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even))


def _not_plan_file(name: str) -> PlanError:
    """A binary file under a text extension: said as such, not as a wrong text encoding."""
    return PlanError(
        name,
        Text(
            "filen är inte en CSV-, XLSX- eller RDF-fil (den innehåller binärdata); spara "
            "planen som ”CSV UTF-8 (kommaavgränsad)” eller som Excel-arbetsbok (.xlsx)",
            "the file is not a CSV, XLSX or RDF file (it holds binary data); save the plan as "
            '"CSV UTF-8 (comma delimited)" or as an Excel workbook (.xlsx)',
        ),
    )


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is allowed), NFC-normalised; other encodings are refused clearly,
    and so is a binary file (a spreadsheet, PDF or picture saved under a text extension)."""
    head = data[:4096]
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head)
    if data.startswith(_BINARY_MAGIC) or (not utf16 and head.count(0) > len(head) // 50):
        raise _not_plan_file(name)
    if utf16:
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
        start = data.rfind(b"\n", 0, exc.start) + 1
        # the line as Windows-1252 reads it, up to the byte: where to look ("…;Uppf|ö")
        shown = " ".join(data[start : exc.start + 1].decode("cp1252", errors="replace")
                         .replace('"', "'").split())[-30:]
        char = bytes([byte]).decode("cp1252", errors="replace")
        near = (f" (”{char}” i Windows-1252, vid ”{shown}”)",
                f' ("{char}" in Windows-1252, at "{shown}")') if char != "\ufffd" else ("", "")
        raise PlanError(
            f"{name}:{line}",
            Text(
                f"byte 0x{byte:02X} är inte UTF-8{near[0]} – filen är troligen sparad som "
                "Latin-1 eller Windows-1252; spara den som ”CSV UTF-8 (kommaavgränsad)”",
                f"byte 0x{byte:02X} is not UTF-8{near[1]} – the file was probably saved as "
                'Latin-1 or Windows-1252; save it as "CSV UTF-8 (comma delimited)"',
            ),
        ) from exc
    return unicodedata.normalize("NFC", text)


def _delimiter(text: str) -> str:
    """``;`` (Swedish Excel), ``,`` or a tab: the one that splits a heading row (of the top
    ten lines, one naming Aktivitet) into the most plan columns, so that neither a title line
    above it ("Aktiviteter 2026") nor a data line full of commas decides; else the one the
    first line uses most (outside quotes)."""
    lines = [re.sub(r'"[^"]*"', "", line) for line in text.splitlines()[:50] if line.strip()][:10]
    best, chosen = 0, ""
    for delimiter in (";", ",", "\t"):
        for line in lines:
            named = {canonical_column(cell)[0] for cell in line.split(delimiter)} - {None}
            if "Aktivitet" in named and len(named) > best:
                best, chosen = len(named), delimiter
    if chosen:
        return chosen
    first = lines[0] if lines else ""
    return max((";", ",", "\t"), key=first.count)


_SEP_LINE = re.compile(r"(?i)sep=([;,\t|])[ \t]*\r?")


def _csv_rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """The rows of a CSV text, numbered as a spreadsheet program shows them. A first line
    "sep=;" (Excel's delimiter hint, which Excel reads and does not show as a row) names the
    delimiter and is not a row."""
    first, _, rest = text.partition("\n")
    hint = _SEP_LINE.fullmatch(first)
    if hint:
        text = rest
    delimiter = hint.group(1) if hint else _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1  # the text line the row being read begins on (a quoted cell may span lines)
    try:
        for cells in reader:  # numbered as a spreadsheet shows them, not by text line
            rows.append((len(rows) + 1, cells))
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS + 10:
                break
    except csv.Error as exc:
        raise _malformed(name, exc, start + bool(hint), reader.line_num + bool(hint),
                         delimiter, len(rows) + 1) from exc
    return rows


def _malformed(name: str, exc: csv.Error, start: int, line: int, delimiter: str,
               row: int) -> PlanError:
    """A CSV the csv module cannot split, said in the user's language and located where
    the problem begins: a quote never closed is reported on the line it opens, not at the
    end of the file where the reader noticed it."""
    sv, en = ("tabb", "a tab") if delimiter == "\t" else (f"”{delimiter}”", f'"{delimiter}"')
    if "expected after" in str(exc):
        return PlanError(
            f"{name}:{line}",
            Text(
                f"felaktig CSV (rad {row} i kalkylbladet): ett citattecken avslutar en cell men "
                f"följs inte av {sv}; ett citattecken inne i en cell skrivs dubbelt (\"\")",
                f"malformed CSV (row {row} of the sheet): a quote ends a cell but is not "
                f'followed by {en}; a quote inside a cell is written twice ("")',
            ),
        )
    if "unexpected end of data" in str(exc):
        return PlanError(
            f"{name}:{start}",
            Text(
                f"felaktig CSV (rad {row} i kalkylbladet): ett citattecken i raden som börjar "
                f"på textrad {start} stängs aldrig, så resten av filen blev en enda cell",
                f"malformed CSV (row {row} of the sheet): a quote in the row that begins on "
                f"text line {start} is never closed, so the rest of the file became one cell",
            ),
        )
    return PlanError(
        f"{name}:{line}",
        Text("felaktig CSV; kontrollera citattecknen i raden",
             "malformed CSV; check the quotes in that line"),
        str(exc),
    )


def _sheet(name: str, table: RawTable) -> Sheet:
    """Find the heading row (the first that names Aktivitet), then map the rows below it,
    checking every mapped cell (``check_cell``) on the way."""
    raw = table.rows
    where = f"{name}, {table.place}" if table.place else name
    header_at = heading_at(raw)
    lower = heading_at(raw[10:60]) if header_at is None else None
    if lower is not None:  # the table below a long introduction: say so, not "no heading row"
        at = raw[10 + lower][0]
        raise PlanError(
            _row(where, at),
            Text(
                f"rubrikraden står på rad {at}, men den ska vara en av de tio första raderna; "
                "ta bort raderna ovanför den (eller flytta texten till ett annat blad)",
                f"the heading row is row {at}, but it must be one of the first ten rows; "
                "delete the rows above it (or move their text to another sheet)",
            ),
        )
    if header_at is None:
        first = next((cells for _, cells in raw if any(c.strip() for c in cells)), [])
        found = ", ".join(repr(c) for c in first if c.strip())
        at, english = next(((n, e) for n, cells in raw[:10] if (e := english_headings(cells))),
                           (raw[0][0] if raw else 1, []))
        hint = (
            "; rubrikerna är på engelska – skriv " + ", ".join(f"{c} för {h}" for h, c in english),
            "; the headings are in English – write " + ", ".join(f"{c} for {h}" for h, c in english),
        ) if english else ("", "")
        raise PlanError(
            _row(where, at),
            Text(
                f"hittar ingen rubrikrad med kolumnen Aktivitet; rubrikerna ska vara "
                f"{', '.join(COLUMNS)} (hittade: {found or 'inga'}){hint[0]}",
                f"no heading row with the column Aktivitet; the headings must be "
                f"{', '.join(COLUMNS)} (found: {found or 'none'}){hint[1]}",
            ),
        )
    line, headings = raw[header_at]
    sheet = Sheet(name, [], [], notes=list(table.notes), place=table.place,
                  hidden_tables=list(table.hidden_tables),
                  other_tables=list(table.other_tables), heading_row=line)
    positions: dict[int, str] = {}
    for index, heading in enumerate(headings):
        heading = heading.translate(_INVISIBLE)
        column, year = canonical_column(heading)
        if column is None:
            if heading.strip():
                sheet.ignored.append(heading.strip())
                sheet.ignored_letters.append(column_letter(index + 1))
            continue
        if column in sheet.columns:
            earlier, later = sheet.letters[column], column_letter(index + 1)
            raise PlanError(
                _row(where, line),
                Text(
                    f"kolumnen {column} finns två gånger (kolumn {earlier} och {later}); ta bort "
                    "eller byt namn på den ena",
                    f"the column {column} appears twice (columns {earlier} and {later}); remove "
                    "or rename one of them",
                ),
            )
        sheet.columns.append(column)
        sheet.letters[column] = column_letter(index + 1)
        positions[index] = column
        if year is not None:
            sheet.heading_years.add(year)
    hidden_columns = set(table.hidden_columns)
    sheet.hidden_columns = [c for i, c in positions.items() if i + 1 in hidden_columns]
    hidden_rows = set(table.hidden_rows)
    # the heading row's width up to its last heading (a CSV row ends in empty cells too)
    sheet.heading_width = max((i + 1 for i, h in enumerate(headings) if h.strip()), default=0)
    short: list[tuple[int, int]] = []
    for number, cells in raw[header_at + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        extra = [c for c in cells[len(headings) :] if c.strip()]
        if extra:
            raise PlanError(
                _row(where, number),
                Text(
                    f"raden har {len(headings) + len(extra)} ifyllda celler men rubrikraden bara "
                    f"{len(headings)}; har en cell ett avgränsningstecken utan citattecken?",
                    f"the row has {len(headings) + len(extra)} filled cells but the heading row "
                    f"only {len(headings)}; does a cell hold a delimiter without quotes?",
                ),
            )
        for i, col in positions.items():
            if (number, i) in table.unsaved:
                raise _unsaved_formula(where, col, table.unsaved[(number, i)])
            if (number, i) in table.errors:
                raise _error_value(where, col, table.errors[(number, i)])
        if not any(cells[i].strip() for i in positions if i < len(cells)):
            sheet.skipped.append(number)  # a comment or a sum beside the table: no activity
            continue
        if number in hidden_rows:
            sheet.hidden_rows.append(number)
        for i, col in positions.items():
            if col == "Aktivitet" and (number, i) in table.filled:
                sheet.merged_titles.append((number, *table.filled[(number, i)]))
        if table.fixed_width:
            short.append((number, len(cells)))
        mapped = {col: cells[i] for i, col in positions.items() if i < len(cells)}
        for column, text in mapped.items():
            check_cell(text, f"{_row(where, number)}, {column}")
            if formula_like(text):
                sheet.formulas.append((number, column, text))
        sheet.rows.append((number, {col: _clean(col, text) for col, text in mapped.items()}))
        if len(sheet.rows) > MAX_ROWS:
            raise PlanError(
                _row(where, number),
                Text(
                    f"fler än {MAX_ROWS} rader; en aktivitetslista har högst några hundra",
                    f"more than {MAX_ROWS} rows; an activity list has a few hundred at most",
                ),
            )
    # A CSV row shorter than the heading row and than the others has lost a delimiter (a
    # file written by hand without trailing empty cells has them all short alike)
    full = min(sheet.heading_width, max((n for _, n in short), default=0))
    sheet.short_rows = [(number, n) for number, n in short if n < full]
    if not sheet.rows:
        raise PlanError(
            _row(where, line),
            Text(
                "filen har inga rader under rubrikraden",
                "the file has no rows below the heading row",
            ),
        )
    return sheet


def _unsaved_formula(where: str, column: str, formula: str) -> PlanError:
    """A formula without a saved value (never opened in Excel) in a plan column: reading it
    as empty would report a missing title instead."""
    cell, text = formula.split(": ", 1)
    return PlanError(
        f"{where}, {cell}",
        Text(
            f"cellen i kolumnen {column} har formeln {text} men inget sparat värde; öppna "
            "filen i Excel och spara den igen, eller skriv in värdet",
            f"the cell in the column {column} has the formula {text} but no saved value; open "
            "the file in Excel and save it again, or type the value",
        ),
    )


def _error_value(where: str, column: str, error: str) -> PlanError:
    """A cell whose saved value is a spreadsheet error (#N/A, #REF!, #VALUE!), in a plan
    column: it would be imported as the text "#N/A"."""
    cell, text = error.split(": ", 1)
    value, _, formula = text.partition(" ")
    made = (f" (formeln {formula})", f" (the formula {formula})") if formula else ("", "")
    return PlanError(
        f"{where}, {cell}",
        Text(
            f"cellen i kolumnen {column} har felvärdet {value}{made[0]}; rätta formeln "
            "eller skriv in värdet",
            f"the cell in the column {column} holds the error value {value}{made[1]}; fix "
            "the formula or type the value",
        ),
    )


def _row(name: str, row: int) -> str:
    """Where a problem is, as a spreadsheet user looks for it (``file:line`` is for text)."""
    return f"{name}, rad/row {row}"


# Control characters other than tab and line breaks, and the bidi controls that make text
# read differently from how it is stored ("Trojan Source"): never part of a plan.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# Characters an IRI may not hold (RFC 3987): a store refuses them, so the plan is refused first.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def check_cell(text: str, where: str) -> None:
    """Refuse a cell (or literal) with control characters or bidi overrides, or overlong."""
    found = _FORBIDDEN.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise PlanError(
            where,
            Text(
                f"texten innehåller ett otillåtet tecken ({code}, ett styrtecken) på plats "
                f"{found.start() + 1}; ta bort det",
                f"the text holds a forbidden character ({code}, a control character) at "
                f"position {found.start() + 1}; remove it",
            ),
        )
    if len(text) > MAX_CELL:
        raise PlanError(
            where,
            Text(
                f"cellen har {len(text)} tecken; högst {MAX_CELL} är tillåtna",
                f"the cell has {len(text)} characters; at most {MAX_CELL} are allowed",
            ),
        )


def check_graph(graph: Graph, name: str) -> None:
    """Refuse an RDF plan whose IRIs a store would not take (``>`` inside an IRI crashed the
    reasoner at import) or whose literals hold control characters."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and (bad := _NOT_IN_IRI.search(str(term))):
                raise PlanError(
                    name,
                    Text(
                        f"IRI:n <{term!s}> innehåller tecknet {bad.group()!r}, som inte är "
                        "tillåtet i en IRI",
                        f"the IRI <{term!s}> holds the character {bad.group()!r}, which an IRI "
                        "may not hold",
                    ),
                )
            if isinstance(term, Literal):
                check_cell(str(term), f"{name}: {str(term)[:60]!r}")


# Characters that are not shown (zero-width space, joiners, word joiner, a BOM inside the
# text, soft hyphen): pasted from web pages and Word, they made "VS" an unknown body that
# the report could only quote as "VS"; what is imported is what the plan shows.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _clean(column: str, text: str) -> str:
    """Cell text with white space collapsed and invisible characters removed; in the body
    columns a line break still separates two names ("… ÄLN och VS⏎Tjänsteledning HSVO
    Uppsala")."""
    text = text.translate(_INVISIBLE)
    if column in ("Ansvar", "Delaktiga"):
        return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return " ".join(text.split())


def _syntax_message(exc: Exception) -> str:
    """rdflib's Turtle error as text: its own message quotes the input as a ``bytes`` repr,
    which shows "genomförd" as ``genomf\\xc3\\xb6rd``; the place is quoted decoded instead."""
    why, at, source = (getattr(exc, attr, None) for attr in ("_why", "_i", "_str"))
    if isinstance(exc, SyntaxError) and isinstance(source, bytes) and isinstance(at, int):
        text = source.decode("utf-8", errors="replace")
        near = " ".join(f"{text[max(0, at - 60):at]}^{text[at:at + 60]}".split())
        return f"line {getattr(exc, 'lines', 0) + 1}: {why} at ^ in: {near}"
    return " ".join(str(exc).split())


def _jsonld(text: str, name: str) -> Graph:
    """JSON-LD read by pyoxigraph, whose parser has no document loader: a ``@context`` (or
    ``@import``, or a scoped context) naming a URL or a file is refused without anything
    being fetched or opened. rdflib's parser would fetch it, which let an unauthenticated
    upload make the service open local files and call internal hosts. Named graphs are
    merged, as for TriG. Its nesting is bounded before (``_rdf``)."""
    import pyoxigraph as ox

    try:
        quads = list(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD))
    except SyntaxError as exc:
        message = " ".join(str(exc.msg).split())
        if "remote context" in message:  # the parser's words for a context it will not load
            raise PlanError(
                name,
                Text(
                    "ogiltig RDF (json-ld): @context får inte hänvisa till ett annat dokument "
                    "(en URL eller fil); skriv kontexten i filen",
                    "invalid RDF (json-ld): @context may not refer to another document (a URL "
                    "or file); write the context in the file",
                ),
            ) from exc
        where = f"{name}:{exc.lineno}" if exc.lineno else name
        raise PlanError(where, Text("ogiltig RDF (json-ld)", "invalid RDF (json-ld)"), message) from exc
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    graph = Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def _check_triples(text: str, name: str, fmt: "ox.RdfFormat") -> None:
    """Refuse Turtle, TriG or N-Triples of more triples than a plan may have
    (``rdfplan.MAX_TRIPLES``) before rdflib reads them: counted by pyoxigraph, which stops at
    the first triple too many (5 MB of N-Triples took rdflib 13 s, of Turtle 29 s, on this
    public endpoint, before the plan's size was checked). Syntax is left to rdflib's
    verdict."""
    import pyoxigraph as ox

    from hsvo_graph.validation.rdfplan import MAX_TRIPLES

    quads = ox.parse(text.encode(), format=fmt, base_iri=str(GRAPH))
    try:
        count = sum(1 for _ in itertools.islice(quads, MAX_TRIPLES + 1))
    except SyntaxError:
        return
    if count > MAX_TRIPLES:
        raise PlanError(
            name,
            Text(f"planen har fler än {MAX_TRIPLES} tripler; högst {MAX_TRIPLES} är tillåtna",
                 f"the plan has more than {MAX_TRIPLES} triples; at most {MAX_TRIPLES} are "
                 "allowed"),
        )


def _rdf(text: str, name: str, rdf_format: str) -> Graph:
    """An RDF plan's graph. Its nesting is bounded before any parser reads it
    (``hsvo_graph.graph.bounds``: 170 kB of nested JSON-LD objects took pyoxigraph 1.7 GB and
    crashed the service; deep triple terms overflow its stack), and its triples counted."""
    import pyoxigraph as ox

    from hsvo_graph.graph.bounds import TooLarge, check_depth

    fmt = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
           "nt": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD}[rdf_format]
    try:
        check_depth(text, fmt)
    except TooLarge as exc:
        raise PlanError(name, Text(f"ogiltig RDF ({rdf_format})", f"invalid RDF ({rdf_format})"),
                        str(exc)) from exc
    if fmt != ox.RdfFormat.JSON_LD:
        _check_triples(text, name, fmt)
    graph = Graph()
    try:
        if rdf_format == "json-ld":
            graph = _jsonld(text, name)
        elif rdf_format == "trig":
            dataset = Dataset()
            dataset.parse(data=text, format="trig")
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
        else:
            graph.parse(data=text, format=rdf_format)
    except PlanError:
        raise
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        message = _syntax_message(exc)
        match = _LINE.search(message)
        where = f"{name}:{match.group(1)}" if match else name
        raise PlanError(
            where, Text(f"ogiltig RDF ({rdf_format})", f"invalid RDF ({rdf_format})"), message
        ) from exc
    if not len(graph):
        raise PlanError(name, Text("filen innehåller inga tripler", "the file holds no triples"))
    return graph

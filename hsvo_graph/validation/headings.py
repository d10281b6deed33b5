"""The plan's columns and how a table's heading row names them: shared by the readers of
every file kind (CSV, spreadsheets, Word and PDF tables), so that a table is recognised as
the activity table, and its columns mapped, the same way whatever the file.
"""

import re
from dataclasses import dataclass, field

from hsvo_graph.canned.folding import normalise_text
from hsvo_graph.validation.model import Text

MAX_BYTES = 5_000_000  # an activity list is a few tens of kB; this stops runaway uploads
MAX_ROWS = 2_000
MAX_COLUMNS = 64  # the plan's eight columns and room for a plan owner's own (Kommentar …)

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


@dataclass
class RawTable:
    """The cells of the table a file holds, before the heading row is looked for."""

    rows: list[tuple[int, list[str]]]
    notes: list[Text] = field(default_factory=list)
    place: str = ""  # the sheet or table, to locate a row ("blad/sheet Aktiviteter")
    # (row, column index) of formulas without a saved value: "E2: =CONCATENATE(…)"; refused
    # only in a plan column, where reading it as empty would report a missing value instead
    unsaved: dict[tuple[int, int], str] = field(default_factory=dict)
    # cells whose saved value is an error (#N/A, #REF!): "C3: #N/A =VLOOKUP(…)"; refused
    # only in a plan column, where it would be imported as text
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    # cells filled from a merged range above them: (cell, range, top-left cell)
    filled: dict[tuple[int, int], tuple[str, str, str]] = field(default_factory=dict)
    # What a spreadsheet program does not show (XLSX; ODS sheets): hidden rows and columns
    # (numbers from 1) of the table that was read, and the hidden sheets that hold an
    # activity table of their own (not read)
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)
    hidden_tables: list[str] = field(default_factory=list)
    other_tables: list[str] = field(default_factory=list)  # visible sheets with a table, not read
    # every row holds all its cells (a CSV: a short row has lost a delimiter)
    fixed_width: bool = False


def column_letter(number: int) -> str:
    """A column's letter as a spreadsheet shows it: 1 → A, 27 → AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def canonical_column(heading: str) -> tuple[str | None, int | None]:
    """The plan column a heading names, and the year it carries ("Uppföljning 2025")."""
    text = normalise_text(heading)
    year = None
    match = _HEADING_YEAR.match(text)
    if match and match.group(1) in _ALIASES:
        text, year = match.group(1), int(match.group(2))
    return _ALIASES.get(text), year


# Headings of the same table in English (a translated template): not read as the plan's
# columns, which are the plan document's own words, but named in the error as what to write.
_ENGLISH = {
    "priority area": "Prioriterat område",
    "prioritised area": "Prioriterat område",
    "prioritized area": "Prioriterat område",
    "local focus area": "Lokalt fokusområde",
    "activity": "Aktivitet",
    "activities": "Aktivitet",
    "follow-up": "Uppföljning",
    "follow up": "Uppföljning",
    "responsible": "Ansvar",
    "responsibility": "Ansvar",
    "participants": "Delaktiga",
    "participating": "Delaktiga",
    "year": "År",
}


def english_headings(cells: list[str]) -> list[tuple[str, str]]:
    """(heading, plan column) for each heading written in English."""
    found = []
    for cell in cells:
        column = _ENGLISH.get(normalise_text(cell))
        if column is not None:
            found.append((cell.strip(), column))
    return found


def heading_at(raw: list[tuple[int, list[str]]]) -> int | None:
    """Index of the heading row: of the top ten rows that name Aktivitet, the one that names
    the most plan columns (the first of those), so that a title line "Aktiviteter 2026" above
    the heading row is not taken for it."""
    best: tuple[int, int] | None = None  # (columns named, index)
    for i, (_, cells) in enumerate(raw[:10]):
        named = {canonical_column(c or "")[0] for c in cells} - {None}
        if "Aktivitet" in named and (best is None or len(named) > best[0]):
            best = (len(named), i)
    return best[1] if best is not None else None


def is_heading_row(raw: list[tuple[int, list[str]]]) -> bool:
    """Whether a sheet or table has a heading row (so is the plan's activity table)."""
    return heading_at(raw) is not None

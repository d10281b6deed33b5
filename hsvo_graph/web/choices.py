"""What a query form offers in its drop-downs, read from the graph for each parameter type.

A choice's value is exactly what the canned queries accept for that type (an abbreviation
or a name for a body, a label for an area, a year, a document's local name), so a value
picked from the list and one typed by hand go through the same normalisation and binding.
"""

from dataclasses import dataclass

from rdflib import Literal

from hsvo_graph.canned.folding import normalise_text
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq

# Each query (queries/choices_<type>.rq) yields ?value ?text ?group (?group may be
# unbound) in display order; ?lang is bound to the page language so group names and
# labels come in that language if they exist. Types are read from the data graphs, not graph:inferred, so each entity is
# grouped under the class its source gives it rather than every super-class.
_TYPES = ("body", "area", "year", "document")


@dataclass(frozen=True)
class Choice:
    """One option of a drop-down: the value sent, the text shown, the group it sits in."""

    value: str
    text: str
    group: str = ""


def choices(reader: Reader, parameter_type: str, lang: str) -> list[Choice]:
    """The options for a parameter type (empty for free text and IRIs: those are typed);
    read once per version of the dataset."""
    if parameter_type not in _TYPES:
        return []
    return reader.remembered(("choices", parameter_type, lang),
                             lambda r: _read_choices(r, parameter_type, lang))


def _read_choices(reader: Reader, parameter_type: str, lang: str) -> list[Choice]:
    table = reader.select(load_rq("hsvo_graph.web", f"choices_{parameter_type}"), {"lang": [Literal(lang)]})
    seen: set[str] = set()
    options = []
    for row in table.rows:
        value = str(row["value"])
        if normalise_text(value) in seen:
            continue
        seen.add(normalise_text(value))
        options.append(Choice(value, str(row["text"]), str(row.get("group", "") or "")))
    return options


def selected(options: list[Choice], submitted: list[str]) -> tuple[list[Choice], set[str]]:
    """The options plus any submitted value that is not among them, and which values are
    selected — matched as the queries match them (case and spacing do not matter)."""
    wanted = {normalise_text(v) for v in submitted if v.strip()}
    known = {normalise_text(c.value) for c in options}
    extra = [Choice(v, v) for v in submitted if v.strip() and normalise_text(v) not in known]
    all_options = options + extra
    return all_options, {c.value for c in all_options if normalise_text(c.value) in wanted}

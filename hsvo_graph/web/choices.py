"""What a query form offers in its drop-downs, read from the graph for each parameter type.

A choice's value is exactly what the canned queries accept for that type (an abbreviation
or a name for a body, a label for an area, a year, a document's local name), so a value
picked from the list and one typed by hand go through the same normalisation and binding.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from rdflib import Literal

from hsvo_graph.canned.folding import normalise_text
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq
from hsvo_graph.web.collation import collation_key

# Each query (queries/choices_<type>.rq) yields ?value ?text ?group (?group may be
# unbound) and ?textLang (the text's language where it is not the page's) in display order; ?lang is bound to the page language so group names and
# labels come in that language if they exist. Types are read from the data graphs, not graph:inferred, so each entity is
# grouped under the class its source gives it rather than every super-class.
_TYPES = ("body", "area", "year", "document")
# Options shown by name, put in the page language's order (the queries' ORDER BY compares
# code points); years keep the query's order, the newest first.
_NAMED = ("body", "area", "document")


@dataclass(frozen=True)
class Choice:
    """One option of a drop-down: the value sent, the text shown, the group it sits in."""

    value: str
    text: str
    group: str = ""
    #: the text's language when the graph has it in another language than the page's only
    lang: str = ""


@dataclass(frozen=True)
class Offered:
    """A parameter type's options with what every page asks of them worked out once per
    version of the dataset: the drop-down's groups, and each option's value as input is
    matched (a page with a list of sixty bodies did both for every request)."""

    options: list[Choice]
    groups: list[tuple[str, list[Choice]]]
    #: the options' values by the form a submitted value is matched in (``normalise_text``)
    matched: dict[str, list[str]]
    #: the page language's sort key, which orders the groups
    order: Callable[[str], bytes]

    @classmethod
    def of(cls, options: list[Choice], order: Callable[[str], bytes]) -> "Offered":
        matched: dict[str, list[str]] = {}
        for choice in options:
            matched.setdefault(normalise_text(choice.value), []).append(choice.value)
        return cls(options, grouped(options, order), matched, order)


def grouped(options: Sequence[Choice], order: Callable[[str], bytes]) -> list[tuple[str, list[Choice]]]:
    """The options under their groups as a drop-down shows them (Jinja's ``groupby`` did
    this in the template): groups in the order of the page language (``order``), whatever
    the case, each named as its first option names it; within a group the options' own
    order."""
    def key(choice: Choice) -> bytes:
        return order(choice.group.lower())
    return [(members[0].group, members)
            for members in (list(group) for _, group in groupby(sorted(options, key=key), key))]


def offered(reader: Reader, parameter_type: str, lang: str) -> Offered:
    """The options for a parameter type (none for free text and IRIs: those are typed);
    read once per version of the dataset."""
    if parameter_type not in _TYPES:
        return _NOTHING
    return reader.remembered(("choices", parameter_type, lang),
                             lambda r: Offered.of(_read_choices(r, parameter_type, lang), collation_key(lang)))


def _read_choices(reader: Reader, parameter_type: str, lang: str) -> list[Choice]:
    table = reader.select(load_rq("hsvo_graph.web", f"choices_{parameter_type}"), {"lang": [Literal(lang)]})
    seen: set[str] = set()
    options = []
    for row in table.rows:
        value = str(row["value"])
        if normalise_text(value) in seen:
            continue
        seen.add(normalise_text(value))
        options.append(Choice(value, str(row["text"]), str(row.get("group", "") or ""),
                              str(row.get("textLang", "") or "")))
    if parameter_type in _NAMED:
        key = collation_key(lang)
        options.sort(key=lambda choice: key(choice.text))
    return options


def selected(offer: Offered, submitted: list[str]) -> tuple[list[Choice], list[tuple[str, list[Choice]]], set[str]]:
    """The options plus any submitted value that is not among them, their groups, and which
    values are selected — matched as the queries match them (case and spacing do not
    matter)."""
    wanted: dict[str, str] = {}  # each value submitted, once however it was typed
    for value in submitted:
        if value.strip():
            wanted.setdefault(normalise_text(value), value)
    chosen = {value for match in wanted for value in offer.matched.get(match, ())}
    extra = [Choice(v, v) for match, v in wanted.items() if match not in offer.matched]
    if not extra:
        return offer.options, offer.groups, chosen
    options = offer.options + extra
    return options, grouped(options, offer.order), chosen | {choice.value for choice in extra}


_NOTHING = Offered([], [], {}, str.encode)

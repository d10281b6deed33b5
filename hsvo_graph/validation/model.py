"""What a plan run produces: the plan as RDF with where each node came from, and findings.

Every message exists in Swedish and English (``Text``), so the CLI, JSON, Turtle and HTML
reports carry both languages without translating anything themselves.
"""

import re
from dataclasses import dataclass, field
from typing import Literal as Kind

from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node

SHAPES = Namespace("https://w3id.org/hsvo-graph/shapes#")  # the rules, see shapes/

Severity = Kind["violation", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("violation", "warning", "info")


@dataclass(frozen=True)
class Text:
    """One message in both languages."""

    sv: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"sv": self.sv, "en": self.en}


# The words of a place the readers name. A place is written in both languages at once
# ("plan.xlsx, blad/sheet Lista, rad/row 5"), as the terminal report shows it and programs
# match it; a report in one language shows it in that language (``located``).
PLACE_WORDS = (Text("blad", "sheet"), Text("kolumn", "column"), Text("rad", "row"),
               Text("tabell", "table"))
_PLACES = {f"{word.sv}/{word.en}": word for word in PLACE_WORDS}
# a place word starts the text or follows ", ", and a name or number follows it: the words
# of a file name or a title ("Rad/row.csv") are not places
_PLACE = re.compile(rf"(?:^|(?<=, ))({'|'.join(map(re.escape, _PLACES))})(?= )")


# What of an upload a problem is in when it is not in the plan file: the HTTP API's names
# of them ("form: year" is the form's field year)
FIELDS = {"request": Text("förfrågan", "the request"), "form": Text("formuläret", "the form"),
          "file": Text("fältet file", "the field file"),
          "format": Text("fältet format", "the field format")}


def located(where: str) -> Text:
    """A place the readers named, in each language: "plan.xlsx, blad/sheet Lista, rad/row
    5" is "plan.xlsx, blad Lista, rad 5" and "plan.xlsx, sheet Lista, row 5"; "form: year"
    is "formuläret: year" and "the form: year"."""
    field, colon, rest = where.partition(":")
    if field in FIELDS:
        return Text(FIELDS[field].sv + colon + rest, FIELDS[field].en + colon + rest)
    return Text(_PLACE.sub(lambda m: _PLACES[m.group(1)].sv, where),
                _PLACE.sub(lambda m: _PLACES[m.group(1)].en, where))


def is_place(text: str) -> bool:
    """Whether ``text`` is a place the readers named ("blad/sheet Lista, kolumn/column E"),
    not a title someone wrote."""
    return _PLACE.match(text) is not None


class PlanError(ValueError):
    """The plan cannot be read at all (exit code 2): says where and what was expected.
    ``detail`` is a library's own reason (a parser's "File is not a zip file"), in English
    and never translated: kept apart from the message, so that a Swedish report can show it
    as what it is (a technical message in English) instead of inside a Swedish sentence."""

    def __init__(self, where: str, message: Text, detail: str | None = None) -> None:
        told = f"{where}: {message.sv} / {message.en}"
        super().__init__(f"{told} ({detail})" if detail else told)
        self.where = where
        self.message = message
        self.detail = detail

    @property
    def place(self) -> Text:
        """``where`` in each language."""
        return located(self.where)


@dataclass(frozen=True)
class Location:
    """Where a node of the plan was written: a spreadsheet row, or a node of an RDF file."""

    row: int | None = None  # row as a spreadsheet shows it (the heading row is row 1)
    title: str | None = None  # the activity's title (or the node's label), to recognise it by


@dataclass
class PlanInfo:
    """What the plan is, where it goes, and which defaults were assumed."""

    source: str
    kind: Kind["activity-list", "follow-up", "rdf"]
    document: URIRef | None
    graph: URIRef
    municipality: str | None = None
    year: int | None = None
    title: str | None = None
    notes: list[Text] = field(default_factory=list)


@dataclass
class Plan:
    """A plan as RDF, ready to validate and import, with the way back to its source."""

    info: PlanInfo
    graph: Graph
    locations: dict[Node, Location] = field(default_factory=dict)
    # Names that could not be resolved stand in the graph as placeholder IRIs; this maps
    # each back to the text the user wrote, so a finding can quote it.
    written: dict[Node, str] = field(default_factory=dict)
    # Spreadsheet column of each property, so a finding can name the cell.
    columns: dict[URIRef, str] = field(default_factory=dict)
    # Findings made while reading (formula-like cells, an unknown prioritised area), and
    # the nodes whose unknown local focus area they already explain (the root cause is
    # reported, not the symptom).
    findings: list["Finding"] = field(default_factory=list)
    explained: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Finding:
    """One problem: which rule, how bad, where, the offending value, and what would do."""

    severity: Severity
    rule: str  # IRI of the shape that states the rule
    message: Text
    expected: Text | None
    focus: str  # IRI (or blank node id) of the node the rule was checked on
    row: int | None = None
    subject: str | None = None  # the activity's title or the node's label
    column: str | None = None
    value: str | None = None  # the offending value as written
    suggestions: tuple[str, ...] = ()


@dataclass
class Report:
    """The findings of one validation run, in source order."""

    plan: PlanInfo
    findings: list[Finding]
    context: str  # what the plan was checked against (the store or the source files)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def conforms(self, strict: bool = False) -> bool:
        """No violations; with ``strict``, no warnings either."""
        return self.count("violation") == 0 and not (strict and self.count("warning"))

    def exit_code(self, strict: bool = False) -> int:
        """0 when the plan may be imported, 1 when it may not."""
        return 0 if self.conforms(strict) else 1

    def groups(self) -> list[tuple[tuple[int | None, str], list["Finding"]]]:
        """Findings grouped by row or node: rows first in source order, then other nodes."""
        grouped: dict[tuple[int | None, str], list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault((finding.row, finding.subject or finding.focus), []).append(finding)
        return sorted(
            grouped.items(), key=lambda item: (item[0][0] is None, item[0][0] or 0, item[0][1])
        )

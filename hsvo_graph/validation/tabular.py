"""Turn the rows of an activity-list (or follow-up) spreadsheet into the plan's RDF graph.

Names are resolved against the context: bodies by abbreviation or name, local focus areas
by name (a new one is created under a known prioritised area), statuses by word, and, for
a follow-up, activities by title in the list it follows up. A name that resolves to nothing
becomes a placeholder IRI that the shapes then reject, so every problem is reported the
same way, with the cell and the text the user wrote.
"""

import datetime
import re
from urllib.parse import quote

from rdflib import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from hsvo_graph.namespaces import GRAPH, HSVO, ID
from hsvo_graph.validation import names
from hsvo_graph.validation.meta import PlanMeta, parse_year
from hsvo_graph.validation.model import (
    SHAPES, Finding, Location, Plan, PlanError, PlanInfo, Text,
)
from hsvo_graph.validation.headings import COLUMNS as HEADINGS
from hsvo_graph.validation.readers import Sheet

DOC = Namespace(str(ID) + "document/")
ACT = Namespace(str(ID) + "activity/")
GOAL = Namespace(str(ID) + "goal/")
UNRESOLVED = Namespace("urn:hsvo-graph:unresolved:")
DEFAULT_MUNICIPALITY = "Uppsala"
# How a row without an activity title is named in the report (with its row number), so
# that every finding of the row is in one group, not under the activity's IRI
UNTITLED = "(ingen titel / no title)"

REQUIRED = {
    "activity-list": (
        "Prioriterat område",
        "Lokalt fokusområde",
        "Aktivitet",
        "Uppföljning",
        "Ansvar",
    ),
    "follow-up": ("Aktivitet", "Status"),
}
# Where a finding about a property points the user: a column, or a key of the metadata file.
COLUMNS: dict[URIRef, str] = {
    RDFS.label: "Aktivitet",
    HSVO.year: "År",
    HSVO.localFocusArea: "Lokalt fokusområde",
    HSVO.followUpIndicator: "Uppföljning",
    HSVO.responsibleBody: "Ansvar",
    HSVO.participatingBody: "Delaktiga",
    HSVO.status: "Status",
    HSVO.summary: "Uppföljning",
    SHAPES["Outcome-knownActivity"]: "Aktivitet",
    SHAPES["Outcome-listedActivity"]: "Aktivitet",
    SHAPES["Activity-body"]: "Ansvar",
    SHAPES["Activity-responsibleBody"]: "Ansvar",
    DCTERMS.issued: "datum",
    HSVO.diaryNumber: "diarienummer",
    DCTERMS.isPartOf: "plan",
    HSVO.followsUp: "följer_upp",
    HSVO.decidedBy: "fastställd_av",
    HSVO.decisionDate: "fastställd_datum",
    DCTERMS.title: "titel",
}


def date_literal(text: str) -> Literal:
    """A date, month or year typed by its shape; anything else stays an (ill-formed)
    xsd:date so that the shapes report it."""
    for pattern, datatype in (
        (r"\d{4}-\d{2}-\d{2}", XSD.date),
        (r"\d{4}-\d{2}", XSD.gYearMonth),
        (r"\d{4}", XSD.gYear),
    ):
        if re.fullmatch(pattern, text):
            return Literal(text, datatype=datatype)
    return Literal(text, datatype=XSD.date)


_ITEMS = re.compile(r"•|\s-\s")


def lead_text(cell: str) -> str:
    """An activity's title from its printed cell: the text before its bullet or dash items
    ("Utveckla … målgrupper inom: • LSS • Socialpsykiatri" → "Utveckla … målgrupper inom"),
    as the seed models it (shapes/fidelity.ttl, Activity-titleLeadText); a cell without
    items is its own title."""
    found = _ITEMS.search(cell)
    if found is None:
        return cell
    lead = cell[: found.start()].rstrip()
    return lead.removesuffix(":").rstrip() or cell


def year_literal(text: str) -> Literal:
    """A four-digit year as an integer; anything else ("-1", "99999999999999999999", "nästa
    år", "²⁰²⁶", "0999") stays text, so that the shapes report it as not a year instead of comparing it."""
    year = parse_year(text)
    return Literal(year) if year is not None else Literal(text.strip())


class SheetPlan:
    """Builds one plan from a sheet; every default it assumes becomes a note in the report."""

    def __init__(self, sheet: Sheet, meta: PlanMeta, context: Graph, known: names.Registers) -> None:
        self.sheet, self.meta, self.context = sheet, meta, context
        self.kind = meta.kind or "activity-list"
        self.notes: list[Text] = list(sheet.notes)
        self.findings: list[Finding] = []
        self.explained: set[str] = set()
        self.graph = Graph()
        self.locations: dict[Node, Location] = {}
        self.written: dict[Node, str] = {}
        self._bodies = known.bodies
        self._areas = known.local_focus_areas
        self._priorities = known.priority_areas
        self._municipalities = known.municipalities
        self._new_areas: dict[str, URIRef] = {}
        # Names resolved once per text (rows repeat them: 2000 rows, a dozen areas).
        self._known_priorities: dict[tuple[str, Node | None], URIRef | None] = {}
        self._known_areas: dict[tuple[str, URIRef | None, Node | None], URIRef | None] = {}
        self.municipality = DEFAULT_MUNICIPALITY
        self.plan: Node | None = None

    # -- metadata and defaults ---------------------------------------------------------

    def _municipality(self) -> str:
        known = self._municipalities
        if self.meta.municipality:
            found = known.lookup(self.meta.municipality)
            return known.display(min(found)) if len(found) == 1 else self.meta.municipality
        stem = names.slug(self.sheet.name.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        for node in known.nodes():
            short = known.display(node)
            if re.search(rf"(^|-){re.escape(names.slug(short))}(-|$)", stem):
                self._note(
                    f"Kommun saknas i metadata; antar {short} (ur filnamnet)",
                    f"No municipality in the metadata; assuming {short} (from the file name)",
                )
                return short
        self._note(
            f"Kommun saknas i metadata; antar {DEFAULT_MUNICIPALITY}",
            f"No municipality in the metadata; assuming {DEFAULT_MUNICIPALITY}",
        )
        return DEFAULT_MUNICIPALITY

    def _year(self) -> int:
        if self.meta.year:
            return self.meta.year
        in_rows = {cells.get("År", "").strip() for _, cells in self.sheet.rows} - {""}
        if len(in_rows) == 1 and (only := parse_year(next(iter(in_rows)))) is not None:
            self._note(
                f"År saknas i metadata; antar {only} (ur kolumnen År)",
                f"No year in the metadata; assuming {only} (from the År column)",
            )
            return only
        if len(self.sheet.heading_years) == 1:
            year = next(iter(self.sheet.heading_years))
            self._note(
                f"År saknas i metadata; antar {year} (ur kolumnrubrikerna)",
                f"No year in the metadata; assuming {year} (from the column headings)",
            )
            return year
        match = re.search(r"(?<!\d)(20\d\d)(?!\d)", self.sheet.name.rsplit("/", 1)[-1])
        if match:
            self._note(
                f"År saknas i metadata; antar {match.group(1)} (ur filnamnet)",
                f"No year in the metadata; assuming {match.group(1)} (from the file name)",
            )
            return int(match.group(1))
        year = datetime.date.today().year
        self._note(
            f"År saknas i metadata; antar {year} (innevarande år)",
            f"No year in the metadata; assuming {year} (the current year)",
        )
        return year

    def _collaboration_plan(self, municipality: str, year: int) -> Node | None:
        """The plan the list belongs to: as named in the metadata, else the one of the
        municipality that is in force in ``year``."""
        plans = names.documents(self.context, HSVO.CollaborationPlan)
        if self.meta.plan:
            found = plans.lookup(self.meta.plan)
            return min(found) if found else self._placeholder("plan", self.meta.plan)
        key = names.slug(municipality)
        in_force = sorted(
            node
            for node in names.instances(self.context, HSVO.CollaborationPlan)
            if key in names.slug(names.label(self.context, node) or "")
            and _within(self.context, node, year)
        )
        if len(in_force) == 1:
            shown = plans.display(in_force[0])
            self._note(
                f"Hör till {shown} (planen som gäller {municipality} {year})",
                f"Belongs to {shown} (the plan in force for {municipality} {year})",
            )
            return in_force[0]
        self._note(
            f"Ingen samverkansplan för {municipality} {year} hittades; "
            "listan knyts inte till någon plan",
            f"No collaboration plan for {municipality} {year} found; "
            "the list is not tied to a plan",
        )
        return None

    # -- building ----------------------------------------------------------------------

    def build(self) -> Plan:
        sheet = self.sheet
        missing = ", ".join(c for c in REQUIRED[self.kind] if c not in sheet.columns)
        unknown = list(zip(sheet.ignored, sheet.ignored_letters, strict=False))
        if missing:
            found = ", ".join(sheet.columns)
            sv = "; ".join(f"”{h[:60]}” (kolumn {letter})" for h, letter in unknown)
            en = "; ".join(f'"{h[:60]}" (column {letter})' for h, letter in unknown)
            where = ", ".join(p for p in (sheet.name, sheet.place) if p)
            raise PlanError(
                f"{where}, rad/row {sheet.heading_row}" if sheet.heading_row else where,
                Text(
                    f"kolumner saknas: {missing} (hittade: {found or 'inga'}"
                    + (f"; rubriker som inte känns igen: {sv}" if sv else "") + "); "
                    f"rubrikerna ska vara {', '.join(HEADINGS)}",
                    f"missing columns: {missing} (found: {found or 'none'}"
                    + (f"; headings not recognised: {en}" if en else "") + "); "
                    f"the headings must be {', '.join(HEADINGS)}",
                ),
            )
        for heading, letter in unknown:
            self._note(f"Kolumnen ”{heading}” ignoreras (kolumn {letter})",
                       f'The column "{heading}" is ignored (column {letter})')
        if self.sheet.skipped:
            rows = ", ".join(map(str, self.sheet.skipped[:20])) + (
                " …" if len(self.sheet.skipped) > 20 else "")
            self._note(
                f"Rader utan text i planens kolumner (bara i kolumner som ignoreras) hoppades "
                f"över: {rows}",
                f"Rows without text in the plan's columns (only in ignored columns) were "
                f"skipped: {rows}",
            )
        municipality, year = self._municipality(), self._year()
        self.municipality = municipality
        local = (
            f"{'aktivitetslista' if self.kind == 'activity-list' else 'samverkansberattelse'}"
            f"-hsvo-{names.slug(municipality)}-{year}"
        )
        document = DOC[local]
        # The label names the list the way the graph names every list; the title is the
        # document's own (as the seed does: "Bilaga 1 – Aktivitetslista 2025").
        label = (
            f"Aktivitetslista {year}, HSVO {municipality}"
            if self.kind == "activity-list"
            else f"Samverkansberättelse HSVO {municipality} {year}"
        )
        title = self.meta.title or label
        if not self.meta.title:
            self._note(
                f"Titel saknas i metadata; antar ”{title}”",
                f'No title in the metadata; assuming "{title}"',
            )
        self._document(document, title, label, year)
        if self.kind == "activity-list":
            self.plan = self._collaboration_plan(municipality, year)
            if self.plan is not None:
                self.graph.add((document, DCTERMS.isPartOf, self.plan))
            self._activities(document, municipality, year)
        else:
            self._outcomes(document, municipality, year)
        info = PlanInfo(
            source=self.sheet.name,
            kind=self.kind,
            document=document,
            graph=GRAPH["plan-" + local],
            municipality=municipality,
            year=year,
            title=title,
            notes=self.notes,
        )
        self._formulas()
        self._unseen()
        return Plan(
            info, self.graph, self.locations, self.written, dict(COLUMNS), self.findings,
            self.explained,
        )

    def _formulas(self) -> None:
        """A cell a spreadsheet would run as a formula (=HYPERLINK(…), +cmd|…) is flagged;
        the exports write it as text (canned/cells.py)."""
        titles = {line: cells.get("Aktivitet") or UNTITLED for line, cells in self.sheet.rows}
        for line, column, text in self.sheet.formulas:
            self.findings.append(
                Finding(
                    severity="warning",
                    rule=str(SHAPES["Cell-formulaLike"]),
                    message=Text(
                        f"Cellen börjar med {text[:1]!r} och läses som en formel av Excel; "
                        "den importeras som text",
                        f"The cell starts with {text[:1]!r} and is read as a formula by Excel; "
                        "it is imported as text",
                    ),
                    expected=Text(
                        "Text som inte börjar med =, +, -, @, tabb eller radbrytning.",
                        "Text that does not start with =, +, -, @, tab or line break.",
                    ),
                    focus=f"{self.sheet.name}#row={line}",
                    row=line,
                    subject=titles.get(line),
                    column=column,
                    value=text,
                )
            )

    def _unseen(self) -> None:
        """What the plan owner does not see in the spreadsheet program is a located warning:
        a hidden row or plan column is read and imported like the others, and a hidden sheet
        with an activity table of its own is not read at all."""
        sheet = self.sheet
        place = place_words(sheet.place)
        titles = {line: cells.get("Aktivitet") or UNTITLED for line, cells in sheet.rows}
        if len(sheet.hidden_rows) == 1:
            [line] = sheet.hidden_rows
            self._warn(
                "Sheet-hiddenRow",
                Text(
                    f"Rad {line} i {place.sv} är dold men läses och importeras som de andra "
                    "raderna; visa raden och kontrollera den, eller ta bort den om den inte "
                    "ska med",
                    f"Row {line} of {place.en} is hidden but is read and imported like the "
                    "other rows; unhide it and check it, or delete it if it does not belong "
                    "in the plan",
                ),
                Text("En synlig rad: det som importeras är det som syns i planen.",
                     "A visible row: what is imported is what the plan shows."),
                focus=f"{sheet.name}#row={line}", row=line, subject=titles.get(line),
            )
        elif sheet.hidden_rows:  # one warning a sheet, not one a row of a sheet that hides hundreds
            spans, count = row_spans(sheet.hidden_rows), len(sheet.hidden_rows)
            self._warn(
                "Sheet-hiddenRow",
                Text(
                    f"Raderna {spans} i {place.sv} är dolda men läses och importeras som de "
                    f"andra raderna ({count} rader); visa raderna och kontrollera dem, eller "
                    "ta bort dem som inte ska med",
                    f"Rows {spans} of {place.en} are hidden but are read and imported like the "
                    f"other rows ({count} rows); unhide them and check them, or delete those "
                    "that do not belong in the plan",
                ),
                Text("Synliga rader: det som importeras är det som syns i planen.",
                     "Visible rows: what is imported is what the plan shows."),
                focus=f"{sheet.name}#rows={spans.replace('–', '-').replace(', ', ',')}",
                subject=sheet.place or None,
            )
        for column in sheet.hidden_columns:
            if not any(cells.get(column) for _, cells in sheet.rows):
                continue  # nothing in it is imported
            letter = sheet.letters[column]
            self._warn(
                "Sheet-hiddenColumn",
                Text(
                    f"Kolumn {letter} ({column}) i {place.sv} är dold men läses och "
                    "importeras; visa kolumnen och kontrollera den",
                    f"Column {letter} ({column}) of {place.en} is hidden but is read and "
                    "imported; unhide it and check it",
                ),
                Text("Synliga kolumner: det som importeras är det som syns i planen.",
                     "Visible columns: what is imported is what the plan shows."),
                focus=f"{sheet.name}#column={letter}", column=column,
                subject=f"{sheet.place}, kolumn/column {letter}" if sheet.place
                else f"kolumn/column {letter}",
            )
        for hidden in sheet.hidden_tables:
            self._warn(
                "Sheet-hiddenSheet",
                Text(
                    f"Bladet ”{hidden}” är dolt och lästes inte, fast det har en "
                    f"aktivitetstabell; planen lästes från {place.sv}. Står planen på det "
                    "dolda bladet: visa det och ta bort de andra",
                    f'The sheet "{hidden}" is hidden and was not read, although it holds an '
                    f"activity table; the plan was read from {place.en}. If the plan is on "
                    "the hidden sheet: unhide it and delete the others",
                ),
                Text("Planen på ett synligt blad, och inga dolda aktivitetstabeller.",
                     "The plan on a visible sheet, and no hidden activity tables."),
                focus=f"{sheet.name}#sheet={hidden}", subject=f"blad/sheet {hidden}",
            )
        for line, cells in sheet.rows:
            serial = _date_serial(cells.get("År", ""))
            if serial is not None and 1000 <= serial <= 9999:
                self.findings.append(Finding(
                    severity="info", rule=str(SHAPES["Cell-dateAsYear"]),
                    message=Text(
                        f"Cellen är formaterad som datum: {cells['År']} är talet {serial} "
                        f"visat som datum; formatera kolumnen År som tal, så visas {serial}",
                        f"The cell is formatted as a date: {cells['År']} is the number "
                        f"{serial} shown as a date; format the År column as a number, and it "
                        f"shows {serial}",
                    ),
                    expected=Text("Ett årtal med fyra siffror, som tal eller text.",
                                  "A year in four digits, as a number or text."),
                    focus=f"{sheet.name}#row={line}", row=line, subject=titles.get(line),
                    column="År", value=cells["År"],
                ))
        for line, cell, merged, source in sheet.merged_titles:
            self._warn(
                "Cell-mergedTitle",
                Text(
                    f"Cellen {cell} ingår i de sammanfogade cellerna {merged} och läses som "
                    f"{source}: samma aktivitet en gång till. Dela upp de sammanfogade cellerna "
                    "och skriv varje aktivitet på en egen rad",
                    f"The cell {cell} is part of the merged cells {merged} and is read as "
                    f"{source}: the same activity once more. Unmerge the cells and write each "
                    "activity on a row of its own",
                ),
                Text("En aktivitet per rad, utan sammanfogade celler i kolumnen Aktivitet.",
                     "One activity per row, without merged cells in the Aktivitet column."),
                focus=f"{sheet.name}#row={line}", row=line, subject=titles.get(line),
                column="Aktivitet",
            )
        for other in sheet.other_tables:
            self._warn(
                "Sheet-otherTable",
                Text(
                    f"Bladet ”{other}” har också en aktivitetstabell men lästes inte; planen "
                    f"lästes från {place.sv}, det första bladet med en. Är det fel blad: flytta "
                    "planens blad först eller ta bort de andra",
                    f'The sheet "{other}" holds an activity table too but was not read; the '
                    f"plan was read from {place.en}, the first sheet with one. If that is the "
                    "wrong sheet: move the plan's sheet first or delete the others",
                ),
                Text("En aktivitetstabell i arbetsboken.",
                     "One activity table in the workbook."),
                focus=f"{sheet.name}#sheet={other}", subject=f"blad/sheet {other}",
            )
        for line, count in sheet.short_rows:
            self._warn(
                "Row-missingCells",
                Text(
                    f"Raden har {count} celler men rubrikraden {sheet.heading_width}; cellerna "
                    "läses från vänster, så saknas ett avgränsningstecken hamnar resten i fel "
                    "kolumn",
                    f"The row has {count} cells but the heading row {sheet.heading_width}; the "
                    "cells are read from the left, so if a delimiter is missing the rest land "
                    "in the wrong column",
                ),
                Text("Lika många celler (avgränsningstecken) på varje rad som i rubrikraden.",
                     "As many cells (delimiters) on every row as in the heading row."),
                focus=f"{sheet.name}#row={line}", row=line, subject=titles.get(line),
            )

    def _warn(self, rule: str, message: Text, expected: Text, *, focus: str,
              row: int | None = None, subject: str | None = None,
              column: str | None = None) -> None:
        self.findings.append(Finding(severity="warning", rule=str(SHAPES[rule]), message=message,
                                     expected=expected, focus=focus, row=row, subject=subject,
                                     column=column))

    def _priority_known(self, activity: URIRef, text: str, line: int, title: str) -> None:
        """The root cause first: a missing or unknown *Prioriterat område* is reported as
        such (with the closest known names), and not again as an unknown local focus area."""
        if text and self._priority(text) is not None:
            return
        rule, message = (
            ("Activity-priorityAreaKnown", Text(
                f"Prioriterat område ”{text}” finns inte i planen eller länsstrategin",
                f'The prioritised area "{text}" is not in the plan or the county strategy',
            ))
            if text
            else ("Activity-priorityAreaRequired", Text(
                "Prioriterat område saknas", "The prioritised area (Prioriterat område) is missing"
            ))
        )
        self.explained.add(str(activity))
        self.findings.append(
            Finding(
                severity="violation",
                rule=str(SHAPES[rule]),
                message=message,
                expected=Text(
                    "Ett prioriterat område i samverkansplanen eller ett fokusområde i "
                    "länsstrategin.",
                    "A prioritised area of the collaboration plan or a focus area of the "
                    "county strategy.",
                ),
                focus=str(activity),
                row=line,
                subject=title or UNTITLED,
                column="Prioriterat område",
                value=text or None,
                suggestions=self._priorities.closest(text) if text else (),
            )
        )

    def _document(self, document: URIRef, title: str, label: str, year: int) -> None:
        g = self.graph
        g.add(
            (
                document,
                RDF.type,
                HSVO.ActivityList if self.kind == "activity-list" else HSVO.FollowUpReport,
            )
        )
        g.add((document, RDFS.label, Literal(label, lang="sv")))
        g.add((document, DCTERMS.title, Literal(title, lang="sv")))
        g.add((document, HSVO.level, HSVO.LocalLevel))
        g.add((document, HSVO.startYear, Literal(year)))
        g.add((document, HSVO.endYear, Literal(year)))
        if self.meta.date:
            g.add((document, DCTERMS.issued, date_literal(self.meta.date)))
        if self.meta.diary_number:
            g.add((document, HSVO.diaryNumber, Literal(self.meta.diary_number)))
        self.locations[document] = Location(None, title)
        if self.meta.adopted_by:
            decision = URIRef(f"{document}-faststallelse")
            g.add((decision, RDF.type, HSVO.Decision))
            g.add((decision, RDFS.label, Literal(f"Fastställelse av {title}", lang="sv")))
            g.add((decision, HSVO.decisionKind, HSVO.Adoption))
            g.add((decision, HSVO.concerns, document))
            g.add((decision, HSVO.decidedBy, self._body(self.meta.adopted_by)))
            if self.meta.adopted_on:
                g.add((decision, HSVO.decisionDate, date_literal(self.meta.adopted_on)))
            self.locations[decision] = Location(None, f"Fastställelse av {title}")

    def _activities(self, document: URIRef, municipality: str, year: int) -> None:
        g = self.graph
        if any(cells.get("Status") for _, cells in self.sheet.rows):
            self._note(
                "Kolumnen Status ignoreras i en aktivitetslista "
                "(ange typ: samverkansberättelse för en uppföljning)",
                "The Status column is ignored in an activity list "
                "(set kind: follow-up for a follow-up report)",
            )
        for number, (line, cells) in enumerate(self.sheet.rows, 1):
            activity = ACT[f"{names.slug(municipality)}-{year}-{number:02d}"]
            title = cells.get("Aktivitet", "")
            g.add((activity, RDF.type, HSVO.Activity))
            g.add((activity, HSVO.rowNumber, Literal(number)))
            g.add((activity, HSVO.listedIn, document))
            g.add((activity, PROV.hadPrimarySource, document))
            g.add((activity, HSVO.year, year_literal(cells.get("År") or str(year))))
            if title:  # as the seed has it: the cell's lead text as title, the cell kept whole
                g.add((activity, RDFS.label, Literal(lead_text(title), lang="sv")))
                g.add((activity, HSVO.sourceText, Literal(title, lang="sv")))
            if cells.get("Uppföljning"):
                g.add((activity, HSVO.followUpIndicator, Literal(cells["Uppföljning"], lang="sv")))
            self._priority_known(activity, cells.get("Prioriterat område", ""), line, title)
            area = self._area(
                cells.get("Lokalt fokusområde", ""),
                cells.get("Prioriterat område", ""),
                document,
                line,
            )
            if area is not None:
                g.add((activity, HSVO.localFocusArea, area))
            for column, prop in (
                ("Ansvar", HSVO.responsibleBody),
                ("Delaktiga", HSVO.participatingBody),
            ):
                for name in names.split_names(cells.get(column, ""), self._bodies):
                    g.add((activity, prop, self._body(name)))
            self.locations[activity] = Location(line, title or UNTITLED)

    def _outcomes(self, report: URIRef, municipality: str, year: int) -> None:
        g = self.graph
        lists = names.documents(self.context, HSVO.ActivityList)
        if self.meta.follows_up:
            found = lists.lookup(self.meta.follows_up)
            followed = min(found) if found else self._placeholder("list", self.meta.follows_up)
        else:
            followed = DOC[f"aktivitetslista-hsvo-{names.slug(municipality)}-{year}"]
            # the list by its name, as the user knows it (no IRI in the report's text)
            shown = names.label(self.context, followed) or f"Aktivitetslista {year}"
            self._note(
                f"Följer upp ”{shown}” (standard för {municipality} {year})",
                f'Follows up "{shown}" (the default for {municipality} {year})',
            )
        g.add((report, HSVO.followsUp, followed))
        activities = names.activities_of(self.context, followed)
        statuses = names.statuses(self.context)
        used: set[Node] = set()
        for number, (line, cells) in enumerate(self.sheet.rows, 1):
            title = cells.get("Aktivitet", "")
            activity = self._followed_activity(
                activities, title, cells.get("Lokalt fokusområde", ""), used
            )
            # "<activity>-utfall", as in data/: the same outcome whichever way it arrives
            outcome = (
                URIRef(f"{activity}-utfall")
                if activity not in self.written
                else ACT[f"utfall-{names.slug(municipality)}-{year}-{number:02d}"]
            )
            g.add((outcome, RDF.type, HSVO.Outcome))
            g.add((outcome, HSVO.reportedIn, report))
            g.add((activity, HSVO.hasOutcome, outcome))
            if cells.get("Status"):
                found = statuses.lookup(cells["Status"])
                g.add(
                    (
                        outcome,
                        HSVO.status,
                        min(found) if found else self._placeholder("status", cells["Status"]),
                    )
                )
            if cells.get("Uppföljning"):
                g.add((outcome, HSVO.summary, Literal(cells["Uppföljning"], lang="sv")))
            self.locations[outcome] = Location(line, title or UNTITLED)

    def _followed_activity(
        self, activities: names.Names, title: str, area: str, used: set[Node]
    ) -> Node:
        """The listed activity a follow-up row is about; the local focus area tells apart
        activities with the same title ("Medverka i nationella nätverk …")."""
        found = sorted(activities.lookup(title))
        if area:
            in_area = [
                a
                for a in found
                if any(
                    self._areas.lookup(area) & {o}
                    for o in self.context.objects(a, HSVO.localFocusArea)
                )
            ]
            found = in_area or found
        fresh = [a for a in found if a not in used] or found
        if not fresh:
            return self._placeholder("activity", title or "–")
        used.add(fresh[0])
        return fresh[0]

    # -- names -------------------------------------------------------------------------

    def _body(self, name: str) -> Node:
        found = self._bodies.lookup(name)
        if len(found) > 1:  # the same name in two municipalities: take this plan's
            found = {b for b in found if names.slug(self.municipality) in str(b)} or found
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            shown = ", ".join(self._bodies.display(b) for b in sorted(found))
            self._note(
                f"”{name}” kan vara flera organ: {shown}; skriv hela namnet",
                f'"{name}" may be several bodies: {shown}; write the full name',
            )
        return self._placeholder("body", name)

    def _area(self, text: str, priority_text: str, document: URIRef, line: int) -> Node | None:
        """The local focus area a row names; a new one under a known prioritised area."""
        if not text:
            return None
        priority = self._priority(priority_text)
        known = self._known_area(text, priority)
        if known is not None:
            return known
        key = names.slug(text)
        if key in self._new_areas:
            return self._new_areas[key]
        if priority is None:
            return self._placeholder("area", text)
        area = URIRef(f"{GOAL}{str(document).rsplit('/', 1)[-1]}-lfa-{key}")
        g = self.graph
        g.add((area, RDF.type, HSVO.LocalFocusArea))
        g.add((area, RDFS.label, Literal(text, lang="sv")))
        g.add((area, SKOS.prefLabel, Literal(text, lang="sv")))
        g.add((area, HSVO.definedIn, document))
        is_local = (priority, RDF.type, HSVO.PriorityArea) in self.context
        g.add((area, SKOS.broader if is_local else HSVO.tracesTo, priority))
        for scheme in self.context.objects(priority, SKOS.inScheme) if is_local else ():
            g.add((area, SKOS.inScheme, scheme))
        self._new_areas[key] = area
        self.locations[area] = Location(line, text)
        shown = self._priorities.display(priority)
        self._note(
            f"Nytt lokalt fokusområde ”{text}” under ”{shown}”",
            f'New local focus area "{text}" under "{shown}"',
        )
        return area

    def _known_area(self, text: str, priority: URIRef | None) -> URIRef | None:
        """The known local focus area of that name: this plan's own first, and one under
        ``priority`` before others."""
        key = (text, priority, self.plan)
        if key not in self._known_areas:
            found = self._own_first(self._areas.lookup(text))
            under = [
                a
                for a in found
                if priority is not None
                and priority in set(self.context.transitive_objects(a, SKOS.broader))
            ]
            self._known_areas[key] = (under or found)[0] if found else None
        return self._known_areas[key]

    def _priority(self, text: str) -> URIRef | None:
        """The prioritised area (or county focus area/sub-goal) a row names: this plan's
        own first, then any plan's, then the county's."""
        key = (text, self.plan)
        if key not in self._known_priorities:
            found = self._own_first(self._priorities.lookup(text) if text else set())
            local = [p for p in found if (p, RDF.type, HSVO.PriorityArea) in self.context]
            candidates = local or found
            self._known_priorities[key] = candidates[0] if candidates else None
        return self._known_priorities[key]

    def _own_first(self, goals: set[URIRef]) -> list[URIRef]:
        """Goals of the same name, those of this list's collaboration plan first (Uppsala
        and Älvkarleby may both have a "Nära vård")."""

        def foreign(goal: URIRef) -> bool:
            schemes = self.context.objects(goal, SKOS.inScheme)
            return not any((s, DCTERMS.source, self.plan) in self.context for s in schemes)

        return sorted(goals, key=lambda goal: (foreign(goal), goal))

    def _placeholder(self, kind: str, text: str) -> URIRef:
        node = UNRESOLVED[f"{kind}/{quote(text, safe='')}"]
        self.written[node] = text
        return node

    def _note(self, sv: str, en: str) -> None:
        self.notes.append(Text(sv, en))


def _date_serial(text: str) -> int | None:
    """The spreadsheet's day number of a date as the readers write it ("1905-07-18" →
    2026): a year typed into a cell formatted as a date is shown (and saved) as one."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return (day - datetime.date(1899, 12, 30)).days


def row_spans(rows: list[int]) -> str:
    """Row numbers as runs, as a reader looks them up: [5, 6, 7, 9] → "5–7, 9"."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def place_words(place: str) -> Text:
    """Where a table was read, in each language: "blad/sheet Lista" → bladet ”Lista” / the
    sheet "Lista"; "tabell/table 2" → tabell 2 / table 2; a CSV file is "filen" / "the file"."""
    if place.startswith("blad/sheet "):
        title = place.removeprefix("blad/sheet ")
        return Text(f"bladet ”{title}”", f'the sheet "{title}"')
    if place.startswith("tabell/table "):
        number = place.removeprefix("tabell/table ")
        return Text(f"tabell {number}", f"table {number}")
    return Text("filen", "the file")


def _within(graph: Graph, document: Node, year: int) -> bool:
    start = graph.value(document, HSVO.startYear)
    end = graph.value(document, HSVO.endYear)
    if start is None or end is None:
        return False
    try:
        return int(str(start)) <= year <= int(str(end))
    except ValueError:
        return False


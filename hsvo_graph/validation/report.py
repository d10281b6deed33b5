"""A validation report as people and programs read it: bilingual text for the terminal,
JSON (also what the HTML page and the CLI's standalone HTML report are rendered from), a
SHACL validation report in Turtle, and an XLSX to fix the plan in."""

import io
import json
import re
from urllib.parse import quote
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from hsvo_graph.canned.cells import append_row
from hsvo_graph.validation.model import (
    SEVERITIES, Finding, PlanError, Report, Text, is_place, located,
)
from hsvo_graph.validation.readers import Sheet
from hsvo_graph.validation.tabular import UNTITLED

SEVERITY_WORDS = {
    "violation": Text("FEL", "VIOLATION"),
    "warning": Text("VARNING", "WARNING"),
    "info": Text("INFO", "INFO"),
}
_SH_SEVERITY = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}


def verdict(report: Report, strict: bool) -> Text:
    """One line: may the plan be imported?"""
    if report.conforms(strict):
        return Text("planen kan importeras", "the plan can be imported")
    if report.count("violation"):
        return Text(
            "planen kan inte importeras förrän felen är rättade",
            "the plan cannot be imported until the violations are fixed",
        )
    return Text(
        "planen har varningar och --strict är valt", "the plan has warnings and --strict is set"
    )


def where(row: int | None, subject: str) -> Text:
    """A group's heading in each language. A subject that locates a place in both languages
    ("blad/sheet Lista, kolumn/column E", "(ingen titel / no title)") is given in one."""
    place = _localised(subject)
    return (
        Text(f"Rad {row} – {place.sv}", f"Row {row} – {place.en}")
        if row is not None
        else place
    )


def _localised(subject: str) -> Text:
    if subject == UNTITLED:
        return Text("(ingen titel)", "(no title)")
    if not is_place(subject):  # only a place the readers named, never a title
        return Text(subject, subject)
    return located(subject)


def to_text(report: Report, strict: bool = False) -> str:
    """The report for a terminal: every line in Swedish, then in English."""
    plan = report.plan
    lines = [f"Validering av {plan.source} / Validation of {plan.source}"]
    if plan.title:
        lines.append(f"Plan: {plan.title}")
    lines.append(f"Graf / graph: <{plan.graph}>")
    lines.append(f"Kontrollerad mot / checked against: {report.context}")
    if plan.notes:
        lines.append("Antaganden och noteringar / assumptions and notes:")
        for note in plan.notes:
            lines += [f"  - {note.sv}", f"    {note.en}"]
    for (row, subject), findings in report.groups():
        lines += ["", f"Rad / row {row}: {subject}" if row is not None else subject]
        for finding in findings:
            lines += _finding_lines(finding)
    lines += ["", summary(report, strict)]
    return "\n".join(lines)


def _finding_lines(finding: Finding) -> list[str]:
    word = SEVERITY_WORDS[finding.severity]
    cell = f" [{finding.column}]" if finding.column else ""
    value = f' "{finding.value}"' if finding.value is not None else ""
    lines = [
        f"  {word.sv} / {word.en}{cell}{value}",
        f"    {finding.message.sv}",
        f"    {finding.message.en}",
    ]
    if finding.expected:
        lines.append(f"    Förväntat: {finding.expected.sv}")
        lines.append(f"    Expected: {finding.expected.en}")
    if finding.suggestions:
        lines.append(f"    Närmast kända / closest known: {'; '.join(finding.suggestions)}")
    lines.append(f"    Regel / rule: {finding.rule}")
    return lines


def summary(report: Report, strict: bool = False) -> str:
    counts = {s: report.count(s) for s in SEVERITIES}
    decision = verdict(report, strict)
    sv = ", ".join(counted(counts[s], *COUNT_WORDS[s].sv.split("|")) for s in SEVERITIES)
    en = ", ".join(counted(counts[s], *COUNT_WORDS[s].en.split("|")) for s in SEVERITIES)
    return f"Sammanfattning: {sv} – {decision.sv}.\nSummary: {en} – {decision.en}."


# Singular|plural of each severity, as counted in a summary ("1 varning", "0 varningar").
COUNT_WORDS = {
    "violation": Text("fel|fel", "violation|violations"),
    "warning": Text("varning|varningar", "warning|warnings"),
    "info": Text("notering|noteringar", "note|notes"),
}


def counted(n: int, one: str, other: str) -> str:
    """``n`` with the right form of the word: 1 varning, 0 varningar, 2 varningar."""
    return f"{n} {one if n == 1 else other}"


def as_data(report: Report, strict: bool = False) -> dict[str, Any]:
    """The report as plain data (the JSON format, also used by the HTML page)."""
    plan = report.plan
    return {
        "usable": True,
        "source": plan.source,
        "plan": {
            "kind": plan.kind,
            "title": plan.title,
            "municipality": plan.municipality,
            "year": plan.year,
            "document": str(plan.document) if plan.document else None,
            "graph": str(plan.graph),
        },
        "context": report.context,
        "notes": [n.as_dict() for n in plan.notes],
        "strict": strict,
        "conforms": report.conforms(strict),
        "counts": {s: report.count(s) for s in SEVERITIES},
        "verdict": verdict(report, strict).as_dict(),
        "groups": [
            {
                "row": row,
                "subject": subject,
                "heading": where(row, subject).as_dict(),
                # the plan's own words that end the heading (a title), or None (a place)
                "title": None if subject == UNTITLED or is_place(subject) else subject,
                "findings": [_finding_data(f) for f in findings],
            }
            for (row, subject), findings in report.groups()
        ],
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity,
        "severity_words": SEVERITY_WORDS[finding.severity].as_dict(),
        "rule": finding.rule,
        "message": finding.message.as_dict(),
        "expected": finding.expected.as_dict() if finding.expected else None,
        "focus": finding.focus,
        "row": finding.row,
        "subject": finding.subject,
        "column": finding.column,
        "value": finding.value,
        "suggestions": list(finding.suggestions),
    }


def to_json(report: Report, strict: bool = False) -> str:
    return json.dumps(as_data(report, strict), ensure_ascii=False, indent=2)


def to_turtle(report: Report, strict: bool = False) -> str:
    """A SHACL validation report (sh:ValidationReport), messages in both languages."""
    graph = Graph()
    graph.bind("sh", SH)
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(report.conforms(strict))))
    for finding in report.findings:
        result = BNode()
        graph.add((node, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, _SH_SEVERITY[finding.severity]))
        graph.add((result, SH.sourceShape, URIRef(finding.rule)))
        graph.add((result, SH.focusNode, _focus_node(finding.focus)))
        graph.add((result, SH.resultMessage, Literal(finding.message.sv, lang="sv")))
        graph.add((result, SH.resultMessage, Literal(finding.message.en, lang="en")))
        if finding.value is not None:
            graph.add((result, SH.value, Literal(finding.value)))
    return graph.serialize(format="turtle")


def _focus_node(focus: str) -> BNode | URIRef:
    """The focus as an RDF term: a blank node, an IRI, or a place in the file the readers
    named ("my plan.xlsx#sheet=Lista 2027"), percent-encoded so that Turtle can write it
    (a space or quote in a file or sheet name made the whole report fail)."""
    if focus.startswith("_:"):
        return BNode(focus[2:])
    return URIRef(_NOT_IN_IRI.sub(lambda m: quote(m.group()), focus))


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')  # RFC 3987; any other character stays


def error_data(error: PlanError) -> dict[str, Any]:
    """Why a file cannot be used: ``where`` as the readers named it (both languages at once,
    for programs to match), ``place`` and ``message`` in each language (for people), and a
    library's own reason in English (``detail``, or None)."""
    return {"usable": False, "error": {"where": error.where, "place": error.place.as_dict(),
                                       "message": error.message.as_dict(), "detail": error.detail}}


def error_text(error: PlanError) -> str:
    place = error.place
    detail = f"Tekniskt meddelande / technical message: {error.detail}\n" if error.detail else ""
    return (
        f"{place.sv}: {error.message.sv}\n{place.en}: {error.message.en}\n{detail}"
        "Filen kan inte användas / the file cannot be used."
    )


_FILLS = {"violation": "F4B6B2", "warning": "FFE08A", "info": "CFE2F3"}


def to_xlsx(report: Report, sheet: Sheet | None, lang: str = "sv") -> bytes:
    """The report as a workbook to fix the plan in: the plan's own rows with every
    offending cell filled (red: violation, yellow: warning) and the messages in a column
    beside them, then every finding on a second sheet. Cells are written as text, never
    formulas (canned/cells.py)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    word = SEVERITY_WORDS
    book = Workbook()
    plan_sheet = book.active
    if sheet is not None:
        plan_sheet.title = "Plan"
        heading = [*sheet.columns, "Fel och varningar" if lang == "sv" else "Problems"]
        append_row(plan_sheet, heading)
        by_row: dict[int, list[Finding]] = {}
        for finding in report.findings:
            if finding.row is not None:
                by_row.setdefault(finding.row, []).append(finding)
        for number, cells in sheet.rows:
            found = by_row.get(number, [])
            messages = "\n".join(
                f"{getattr(word[f.severity], lang)}: {getattr(f.message, lang)}" for f in found
            )
            append_row(plan_sheet, [cells.get(c, "") for c in sheet.columns] + [messages])
            for finding in (f for f in found if f.column in sheet.columns):
                column = sheet.columns.index(str(finding.column)) + 1
                cell = plan_sheet.cell(row=plan_sheet.max_row, column=column)
                cell.fill = PatternFill("solid", fgColor=_FILLS[finding.severity])
                cell.comment = Comment(getattr(finding.message, lang), "hsvo-graph")
        for cell in plan_sheet[1]:
            cell.font = Font(bold=True)
        findings_sheet = book.create_sheet("Rapport" if lang == "sv" else "Report")
    else:
        findings_sheet = plan_sheet
        findings_sheet.title = "Rapport" if lang == "sv" else "Report"
    append_row(findings_sheet, ["Rad", "Kolumn", "Värde", "Allvar", "Meddelande", "Förväntat",
                                "Närmast kända"] if lang == "sv" else
               ["Row", "Column", "Value", "Severity", "Message", "Expected", "Closest known"])
    for finding in report.findings:
        append_row(findings_sheet, [
            finding.row, finding.column, finding.value, getattr(word[finding.severity], lang),
            getattr(finding.message, lang),
            getattr(finding.expected, lang) if finding.expected else None,
            "; ".join(finding.suggestions),
        ])
        findings_sheet.cell(row=findings_sheet.max_row, column=4).fill = PatternFill(
            "solid", fgColor=_FILLS[finding.severity]
        )
    for cell in findings_sheet[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

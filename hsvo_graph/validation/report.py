"""A validation report as people and programs read it: bilingual text for the terminal,
JSON, a SHACL validation report in Turtle, and an HTML page."""

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from hsvo_graph.validation.model import SEVERITIES, Finding, PlanError, Report, Text

SEVERITY_WORDS = {
    "violation": Text("FEL", "VIOLATION"),
    "warning": Text("VARNING", "WARNING"),
    "info": Text("INFO", "INFO"),
}
_SH_SEVERITY = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


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
    return (
        Text(f"Rad {row} – {subject}", f"Row {row} – {subject}")
        if row is not None
        else Text(subject, subject)
    )


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
    return (
        f"Sammanfattning: {counts['violation']} fel, {counts['warning']} varningar, "
        f"{counts['info']} info – {decision.sv}.\n"
        f"Summary: {counts['violation']} violations, {counts['warning']} warnings, "
        f"{counts['info']} infos – {decision.en}."
    )


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
        graph.add(
            (
                result,
                SH.focusNode,
                BNode(finding.focus[2:])
                if finding.focus.startswith("_:")
                else URIRef(finding.focus),
            )
        )
        graph.add((result, SH.resultMessage, Literal(finding.message.sv, lang="sv")))
        graph.add((result, SH.resultMessage, Literal(finding.message.en, lang="en")))
        if finding.value is not None:
            graph.add((result, SH.value, Literal(finding.value)))
    return graph.serialize(format="turtle")


def environment() -> Environment:
    """Jinja for the report pages, with HTML escaping of every value."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
    )


def to_html(report: Report, strict: bool = False, lang: str = "sv") -> str:
    """A standalone HTML page of the report (the upload page shows the same body)."""
    return (
        environment()
        .get_template("validate_report.html")
        .render(report=as_data(report, strict), lang=lang)
    )


def error_data(error: PlanError) -> dict[str, Any]:
    return {"usable": False, "error": {"where": error.where, "message": error.message.as_dict()}}


def error_text(error: PlanError) -> str:
    return (
        f"{error.where}: {error.message.sv}\n{error.where}: {error.message.en}\n"
        "Filen kan inte användas / the file cannot be used."
    )

"""Reading plans (CSV, XLSX, RDF), resolving names, defaults, and the report formats, on
the example plans made from the seeds (data/templates/examples/)."""

import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import SH

from hsvo_graph.config import PROJECT_ROOT
from hsvo_graph.namespaces import HSVO
from hsvo_graph.validation.plans import Plan, PlanMeta, read_plan
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.meta import meta_beside, parse_meta
from hsvo_graph.validation.names import label
from hsvo_graph.cli.plans import to_html
from hsvo_graph.validation.report import to_json, to_text, to_turtle
from hsvo_graph.validation.check import validate_plan

from .expected import (
    ACTIVITIES_2025,
    ALN_NARA_VARD_2025,
    PER_LOCAL_FOCUS_AREA_2025,
    TL_ONLY_2025,
)

EXAMPLES = PROJECT_ROOT / "data" / "templates" / "examples"
HEADING = "Prioriterat område;Lokalt fokusområde;Aktivitet;Uppföljning;Ansvar"




def example(name: str, context: Context) -> Plan:
    path = EXAMPLES / name
    return read_plan(path.read_bytes(), path.name, meta_beside(path)[0], context)


def plan_from(text: str, context: Context, name: str = "plan-2026.csv", **meta: object) -> Plan:
    return read_plan(text.encode("utf-8"), name, PlanMeta(**meta), context)  # type: ignore[arg-type]


def titles(plan: Plan, *pairs: tuple) -> set[str]:
    """Titles of the plan's activities that have all the given (property, value) pairs."""
    found = set()
    for activity in plan.graph.subjects(RDF.type, HSVO.Activity):
        if all((activity, p, v) in plan.graph for p, v in pairs):
            found.add(str(plan.graph.value(activity, RDFS.label)))
    return found


@pytest.mark.parametrize(
    "name",
    [
        "aktivitetslista-uppsala-2025.csv",
        "aktivitetslista-uppsala-2025.xlsx",
        "aktivitetslista-uppsala-2025.ttl",
    ],
)
def test_examples_restate_the_2025_list_of_the_seed(name: str, context: Context) -> None:
    plan = example(name, context)
    graph = plan.graph
    activities = set(graph.subjects(RDF.type, HSVO.Activity))
    assert len(activities) == ACTIVITIES_2025
    aln = next(context.graph.subjects(HSVO.abbreviation, Literal("ÄLN")))
    tl = next(context.graph.subjects(HSVO.abbreviation, Literal("TL HSVO Uppsala")))
    only_tl = {
        str(graph.value(a, RDFS.label))
        for a in activities
        if set(graph.objects(a, HSVO.responsibleBody)) == {tl}
    }
    assert only_tl == set(TL_ONLY_2025)
    assert set(ALN_NARA_VARD_2025) <= titles(plan, (HSVO.responsibleBody, aln))  # lead texts
    per_area: dict[str, int] = {}
    for activity in activities:
        area = graph.value(activity, HSVO.localFocusArea)
        label = str(context.graph.value(area, RDFS.label))
        per_area[label] = per_area.get(label, 0) + 1
    assert per_area == PER_LOCAL_FOCUS_AREA_2025
    report = validate_plan(plan, context)
    assert report.count("violation") == 0
    warnings = {(f.rule.rsplit("#", 1)[1], f.subject) for f in report.findings}
    assert {s for r, s in warnings if r == "Activity-responsibleMandate"} == set(TL_ONLY_2025)
    assert len([r for r, _ in warnings if r == "Activity-tracesToStrategy"]) == 4
    assert len(warnings) == 8


def test_spreadsheet_rows_are_located(context: Context) -> None:
    plan = example("aktivitetslista-uppsala-2025.xlsx", context)
    report = validate_plan(plan, context)
    rows = sorted(f.row for f in report.findings if f.rule.endswith("responsibleMandate"))
    assert rows == [18, 26, 31, 35]  # heading = row 1; activities 17, 25, 30, 34
    assert {f.column for f in report.findings} == {"Ansvar", "Lokalt fokusområde"}


def test_follow_up_example_reports_on_the_2024_list(context: Context) -> None:
    plan = example("samverkansberattelse-uppsala-2024.csv", context)
    report = validate_plan(plan, context)
    assert report.findings == []
    outcomes = list(plan.graph.subjects(RDF.type, HSVO.Outcome))
    assert len(outcomes) == 41
    statuses = {plan.graph.value(o, HSVO.status) for o in outcomes}
    assert statuses == {HSVO.Ongoing, HSVO.Completed, HSVO.Stopped}


@pytest.mark.parametrize(
    "cell",
    [
        "AMN, OSN, SCN, UBN, ÄLN, SHS och VS",
        "amn,osn ,  SCN;UBN\nÄLN samt shs & vs",
        "Arbetsmarknadsnämnden, Omsorgsnämnden, Socialnämnden, "
        "Utbildningsnämnden, Äldrenämnden, Sjukhusstyrelsen och Vårdstyrelsen",
    ],
)
def test_body_names_resolve_whatever_the_case_and_spacing(cell: str, context: Context) -> None:
    text = f'{HEADING}\nNära vård;Samsjuklighet;Ett test;Klart;"{cell}"\n'
    plan = plan_from(text, context, municipality="Uppsala", year=2026)
    [activity] = plan.graph.subjects(RDF.type, HSVO.Activity)
    bodies = set(plan.graph.objects(activity, HSVO.responsibleBody))
    assert len(bodies) == 7 and not plan.written
    assert validate_plan(plan, context).count("violation") == 0


def test_a_name_with_commas_is_kept_whole(context: Context) -> None:
    cell = "Tjänsteledning för hälsa, stöd, vård och omsorg och VS"
    plan = plan_from(f'{HEADING}\nNära vård;Samsjuklighet;Ett test;Klart;"{cell}"\n', context)
    [activity] = plan.graph.subjects(RDF.type, HSVO.Activity)
    names = {label(context.graph, b) for b in plan.graph.objects(activity, HSVO.responsibleBody)}
    assert names == {"Tjänsteledning HSVO", "Vårdstyrelsen"}


def test_defaults_are_assumed_and_stated(context: Context) -> None:
    plan = plan_from(
        f"{HEADING}\nNära vård;Samsjuklighet;Ett test;Klart;VS\n", context, name="activities.csv"
    )
    notes = " ".join(n.en for n in plan.info.notes)
    assert "assuming Uppsala" in notes and "(the current year)" in notes
    assert plan.info.municipality == "Uppsala" and plan.info.kind == "activity-list"


def test_comma_csv_without_bom_and_year_from_headings(context: Context) -> None:
    text = (
        "Prioriterat område,Lokalt fokusområde,Aktiviteter 2026,Uppföljning 2026,Ansvar\n"
        'Nära vård,Samsjuklighet,Ett test,Klart,"OSN, VS"\n'
    )
    plan = plan_from(text, context, name="lista.csv")
    assert plan.info.year == 2026
    assert "from the column headings" in " ".join(n.en for n in plan.info.notes)
    assert validate_plan(plan, context).count("violation") == 0


def test_new_local_focus_area_under_a_known_priority(context: Context) -> None:
    text = f"{HEADING}\nNära vård;Hemsjukvård för barn;Ett test;Klart;VS\n"
    plan = plan_from(text, context, municipality="Uppsala", year=2026)
    report = validate_plan(plan, context)
    assert report.findings == []
    assert any("New local focus area" in n.en for n in plan.info.notes)
    [area] = plan.graph.subjects(RDF.type, HSVO.LocalFocusArea)
    assert (area, RDFS.label, Literal("Hemsjukvård för barn", lang="sv")) in plan.graph


def test_metadata_in_toml_and_options_on_top(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.with_name("lista.meta.toml").write_text(  # TOML wants "år" quoted; "year" need not be
        'kommun = "Uppsala"\n"år" = 2026\ndatum = "2026-01-15"\n', encoding="utf-8"
    )
    meta, found = meta_beside(path)
    assert found is not None and (meta.municipality, meta.year, meta.date) == (
        "Uppsala",
        2026,
        "2026-01-15",
    )
    merged = meta.merged(parse_meta("year: 2027\ntitel: Ny titel\n", "x.meta.yaml"))
    assert (merged.year, merged.title, merged.municipality) == (2027, "Ny titel", "Uppsala")


def test_report_formats(context: Context) -> None:
    text = f"{HEADING}\nNära vård;Samsjuklighet;<script>alert(1)</script>;Klart;OSN, XYZ\n"
    plan = plan_from(text, context, municipality="Uppsala", year=2026)
    report = validate_plan(plan, context)
    data = json.loads(to_json(report))
    assert data["counts"]["violation"] == 1 and data["conforms"] is False
    finding = data["groups"][0]["findings"][0]
    assert finding["value"] == "XYZ" and finding["column"] == "Ansvar" and finding["suggestions"]
    assert set(finding["message"]) == {"sv", "en"}
    turtle = Graph().parse(data=to_turtle(report), format="turtle")
    assert (None, SH.conforms, Literal(False)) in turtle
    assert {m.language for m in turtle.objects(None, SH.resultMessage)} == {"sv", "en"}
    html = to_html(report)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    text_report = to_text(report)
    assert 'FEL / VIOLATION [Ansvar] "XYZ"' in text_report
    assert (
        "Närmast kända / closest known:" in text_report and "Summary: 1 violation, 0 warnings" in text_report
    )

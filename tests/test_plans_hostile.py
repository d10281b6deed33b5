"""Details of the hostile-input and isolation guarantees that the broken-plan corpus
(test_validation_broken.py) only checks by rule: where a finding points, what it names."""

from pathlib import Path

import pytest

from hsvo_graph.validation.check import validate_plan
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.model import PlanError, Report
from hsvo_graph.validation.plans import read_plan

from .test_validation_broken import BROKEN




def report(name: str, context: Context) -> Report:
    path = BROKEN / name
    return validate_plan(read_plan(path.read_bytes(), name, meta_beside(path)[0], context), context)


def error(name: str, context: Context) -> PlanError:
    path = BROKEN / name
    with pytest.raises(PlanError) as caught:
        read_plan(path.read_bytes(), name, meta_beside(path)[0], context)
    return caught.value


def test_a_plan_cannot_restate_the_seed(context: Context) -> None:
    [alias] = [f for f in report("seed-alias.ttl", context).findings
               if f.rule.endswith("Plan-ownEntitiesOnly")]
    assert alias.focus.endswith("/body/uppsala-aln") and alias.value == "HACK"
    assert "Äldrenämnden" in alias.message.sv or "ÄLN" in alias.message.sv
    [year] = [f for f in report("seed-activity-year.ttl", context).findings
              if f.rule.endswith("Plan-ownEntitiesOnly")]
    assert year.focus.endswith("/activity/uppsala-2024-05") and year.value == "1999"
    same = report("seed-same-as.ttl", context).findings
    assert any(f.rule.endswith("Plan-ownEntitiesOnly") and "sameAs" in f.message.en for f in same)


def test_the_root_cause_is_named_with_the_closest_names(context: Context) -> None:
    findings = report("unknown-priority-area.csv", context).findings
    [root] = [f for f in findings if f.severity == "violation"]
    assert root.rule.endswith("Activity-priorityAreaKnown")
    assert (root.row, root.column, root.value) == (3, "Prioriterat område", "Rymden")
    assert '"Rymden"' in root.message.en and root.suggestions
    assert not any(f.rule.endswith("localFocusAreaKnown") for f in findings)
    [missing] = [f for f in report("missing-priority-area.csv", context).findings
                 if f.severity == "violation"]
    assert missing.rule.endswith("Activity-priorityAreaRequired") and missing.row == 2


def test_hostile_cells_are_located(context: Context) -> None:
    nul = error("nul-character.csv", context)
    assert nul.where == "nul-character.csv, rad/row 2, Aktivitet"
    assert "position 7" in nul.message.en
    formula = [f for f in report("formula-hyperlink.csv", context).findings
               if f.rule.endswith("Cell-formulaLike")]
    assert [(f.row, f.column, f.severity) for f in formula] == [(2, "Aktivitet", "warning")]


def test_xlsx_is_read_by_its_rows_and_says_which_sheet(context: Context) -> None:
    found = report("stale-dimension.xlsx", context)
    assert [f.row for f in found.findings if f.rule.endswith("bodyKnown")] == [3]
    assert any('Read the sheet "Sheet"' in n.en for n in found.plan.notes)
    formula = error("formula-without-value.xlsx", context)
    assert formula.where.endswith("C2") and "no saved value" in formula.message.en


def test_unusable_files_say_what_they_are(context: Context, tmp_path: Path) -> None:
    assert "not a CSV, XLSX or RDF file" in error("binary.csv", context).message.en
    assert error("no-plan.ttl", context).message.en.startswith("the file holds no plan")
    assert "'>'" in error("iri-with-gt.ttl", context).message.en


_DOCUMENT_ONLY = b"""@prefix hsvo: <https://w3id.org/hsvo-graph/ontology#> .
<%s> a hsvo:ActivityList ; hsvo:startYear 2026 ; hsvo:endYear 2026 .
"""


def test_a_plan_that_says_nothing_besides_its_document_is_refused(context: Context) -> None:
    """The audit's empty plan: a document alone was imported as an empty, untitled list."""
    document = b"https://w3id.org/hsvo-graph/id/document/tom"
    with pytest.raises(PlanError) as caught:
        read_plan(_DOCUMENT_ONLY % document, "tom.ttl", meta_beside(BROKEN / "x.ttl")[0], context)
    assert "says nothing besides its document" in caught.value.message.en


def test_a_plans_document_is_named_under_doc(context: Context) -> None:
    """The plan's graph and registry key are named after the document's last part: a
    document named elsewhere could take another plan's graph (an empty-diff replacement)."""
    plan = (BROKEN / "seed-same-as.ttl").read_bytes().replace(
        b"doc:aktivitetslista-hsvo-uppsala-2026 a",
        b"<http://evil.example/x/aktivitetslista-hsvo-uppsala-2025> a")
    with pytest.raises(PlanError) as caught:
        read_plan(plan, "evil.ttl", meta_beside(BROKEN / "x.ttl")[0], context)
    assert "is not named under https://w3id.org/hsvo-graph/id/document/" in caught.value.message.en

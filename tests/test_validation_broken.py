"""A corpus of broken plans (tests/plans/broken/): each is caught with a located, readable
message and the right exit code, and nothing of any of them reaches the store."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from hsvo_graph.cli.main import main
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.validation.importing import import_plan
from hsvo_graph.validation.plans import PlanError, read_plan
from hsvo_graph.validation.context import Context, context_from_store
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.headings import MAX_BYTES, MAX_ROWS
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation.check import validate_plan

BROKEN = Path(__file__).parent / "plans" / "broken"

# file: (exit code, what the report must say): for exit code 2 a fragment of the English
# message and whether the place is a line or row; for 1 (or 0) the rule that fires.
EXPECTED: dict[str, tuple[int, str]] = {
    "malformed-quote.csv": (2, "malformed CSV"),
    "latin1.csv": (2, "Latin-1"),
    "utf16.csv": (2, "UTF-16"),
    "missing-columns.csv": (
        2,
        "missing columns: Prioriterat område, Lokalt fokusområde, Uppföljning",
    ),
    "no-heading-row.csv": (2, "no heading row with the column Aktivitet"),
    "empty.csv": (2, "the file is empty"),
    "heading-only.csv": (2, "no rows below the heading row"),
    "extra-cells.csv": (2, "filled cells but the heading row only"),
    "duplicate-column.csv": (2, "the column Ansvar appears twice"),
    "unknown-meta-key.csv": (2, "unknown key 'kommune'"),
    "broken-meta.csv": (2, "invalid YAML"),
    "not-a-spreadsheet.xlsx": (2, "not a readable XLSX file"),
    "old-excel.xls": (2, "not a readable XLS file"),
    "syntax-error.ttl": (2, "invalid RDF (turtle)"),
    "broken.jsonld": (2, "invalid RDF (json-ld)"),
    "empty-ansvar.csv": (1, "Activity-body"),
    "unknown-body.csv": (1, "Activity-bodyKnown"),
    "duplicate-activity.csv": (1, "Activity-unique"),
    "year-outside-period.csv": (1, "Activity-yearInPeriod"),
    "year-not-a-number.csv": (1, "Activity-yearInteger"),
    "unknown-priority-area.csv": (1, "Activity-priorityAreaKnown"),
    "missing-priority-area.csv": (1, "Activity-priorityAreaRequired"),
    "blank-title.csv": (1, "Activity-title"),
    "bad-date.csv": (1, "Date-wellFormed"),
    "bad-diary-number.csv": (1, "Document-diaryNumber"),
    "report-on-missing-activity.csv": (1, "Outcome-knownActivity"),
    "unknown-status.csv": (1, "Outcome-statusKnown"),
    "untagged-label.ttl": (1, "Labelled-label"),
    "samrad-adopts.csv": (0, "Decision-mandateWithheld"),  # a warning: 1 only with --strict
    # Hostile and broken input (binary ones made by tests/plans/make_broken.py).
    "year-huge.csv": (1, "Activity-yearInteger"),
    "year-negative.csv": (1, "Activity-yearInteger"),
    "nul-character.csv": (2, "forbidden character (U+0000"),
    "control-character.csv": (2, "forbidden character (U+0007"),
    "bidi-override.csv": (2, "forbidden character (U+202E"),
    "long-cell.csv": (2, "characters; at most 2000 are allowed"),
    "formula-hyperlink.csv": (0, "Cell-formulaLike"),
    "formula-command.csv": (0, "Cell-formulaLike"),
    "formula-at.csv": (0, "Cell-formulaLike"),
    "stale-dimension.xlsx": (1, "Activity-bodyKnown"),
    "entity-bomb.xlsx": (2, "not a readable XLSX file"),
    "corrupt-zip.xlsx": (2, "not a readable XLSX file"),
    "formula-without-value.xlsx": (2, "formula =CONCATENATE"),
    "binary.csv": (2, "not a CSV, XLSX or RDF file"),
    "corrupt.docx": (2, "not a readable DOCX file"),
    "no-table.docx": (2, "none with the column Aktivitet"),
    "scanned.pdf": (2, "the PDF holds no text"),
    "corrupt.pdf": (2, "not a readable PDF file"),
    "corrupt.ods": (2, "not a readable ODS file"),
    "no-plan.ttl": (2, "the file holds no plan"),
    "iri-with-gt.ttl": (2, "which an IRI may not hold"),
    "control-character.ttl": (2, "forbidden character (U+0007"),
    "bidi-in-metadata.csv": (2, "forbidden character (U+202E"),
    "seed-alias.ttl": (1, "Plan-ownEntitiesOnly"),
    "seed-activity-year.ttl": (1, "Plan-ownEntitiesOnly"),
    "seed-same-as.ttl": (1, "Plan-ownEntitiesOnly"),
    "seed-activity-relisted.ttl": (1, "Plan-ownEntitiesOnly"),
}


def test_the_corpus_is_complete() -> None:
    plans = {p.name for p in BROKEN.iterdir() if ".meta." not in p.name}
    assert plans == set(EXPECTED)
    assert len(plans) >= 40


@pytest.fixture(scope="module")
def seeded() -> tuple[EmbeddedStore, Context, Settings]:
    """A store of its own with the seed graph: the import attempts below must not touch it."""
    settings = Settings(store="embedded", store_path=None)
    store = EmbeddedStore(None)
    load(store, settings)
    return store, context_from_store(store, settings), settings


def _snapshot(store: EmbeddedStore) -> dict[str, int]:
    return {graph: store.triple_count(graph) for graph in store.graph_names()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_plan_is_caught_and_not_imported(name: str, seeded) -> None:  # type: ignore[no-untyped-def]
    store, context, _ = seeded
    code, said = EXPECTED[name]
    path = BROKEN / name
    before = _snapshot(store)
    if code == 2:
        with pytest.raises(PlanError) as caught:
            meta, _ = meta_beside(path)
            read_plan(path.read_bytes(), name, meta, context)
        error = caught.value
        assert said in error.message.en and error.message.sv
        assert Path(name).stem in error.where, error.where  # the file (and line or row) it is in
    else:
        meta, _ = meta_beside(path)
        plan = read_plan(path.read_bytes(), name, meta, context)
        report = validate_plan(plan, context)
        assert said in {f.rule.rsplit("#", 1)[1] for f in report.findings}
        assert report.exit_code() == code and report.exit_code(strict=True) == 1
        result = import_plan(store, plan, context, strict=True)
        assert not result.imported
    assert _snapshot(store) == before


def test_located_messages_name_line_row_and_cell(seeded) -> None:  # type: ignore[no-untyped-def]
    _, context, _ = seeded

    def error(name: str) -> PlanError:
        with pytest.raises(PlanError) as caught:
            read_plan((BROKEN / name).read_bytes(), name, meta_beside(BROKEN / name)[0], context)
        return caught.value

    assert error("latin1.csv").where == "latin1.csv:1"  # "område" in the heading row
    assert error("malformed-quote.csv").where == "malformed-quote.csv:3"
    assert error("extra-cells.csv").where == "extra-cells.csv, rad/row 3"
    assert error("syntax-error.ttl").where.startswith("syntax-error.ttl:")

    path = BROKEN / "unknown-body.csv"
    report = validate_plan(
        read_plan(path.read_bytes(), path.name, meta_beside(path)[0], context), context
    )
    [finding] = [f for f in report.findings if f.severity == "violation"]
    assert (finding.row, finding.column, finding.value) == (3, "Ansvar", "XYZ")
    assert finding.subject.startswith("Genomföra pilot av ramverk")
    assert '"XYZ"' in finding.message.sv and '"XYZ"' in finding.message.en
    assert len(finding.suggestions) == 3 and finding.expected is not None

    path = BROKEN / "report-on-missing-activity.csv"
    report = validate_plan(
        read_plan(path.read_bytes(), path.name, meta_beside(path)[0], context), context
    )
    [finding] = [f for f in report.findings if f.severity == "violation"]
    assert (finding.row, finding.column, finding.value) == (
        3,
        "Aktivitet",
        "Bygga en raket till månen",
    )
    assert finding.suggestions  # the titles of the 2025 list closest to it


def test_huge_and_long_files_are_refused(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, context, _ = seeded
    row = "Nära vård;Samsjuklighet;Aktivitet {};Klar;VS\r\n"
    heading = "Prioriterat område;Lokalt fokusområde;Aktivitet;Uppföljning;Ansvar\r\n"
    huge = (heading + row.format("x" * 200) * (MAX_BYTES // 200 + 10)).encode()
    with pytest.raises(PlanError, match="MB"):
        read_plan(huge, "huge.csv", meta_beside(tmp_path / "huge.csv")[0], context)
    long = (heading + "".join(row.format(n) for n in range(MAX_ROWS + 5))).encode()
    assert len(long) < MAX_BYTES
    with pytest.raises(PlanError, match=f"more than {MAX_ROWS} rows"):
        read_plan(long, "long.csv", meta_beside(tmp_path / "long.csv")[0], context)


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans-store")
    store = EmbeddedStore(path)
    load(store, Settings(store="embedded", store_path=path))
    store.close()
    return path


@pytest.mark.parametrize(
    "name",
    [
        "latin1.csv",
        "unknown-body.csv",
        "samrad-adopts.csv",
        "old-excel.xls",
        "entity-bomb.xlsx",
        "corrupt-zip.xlsx",
        "binary.csv",
        "iri-with-gt.ttl",
        "seed-alias.ttl",
    ],
)
def test_cli_exit_codes(name: str, disk_store: Path, tmp_path: Path) -> None:
    code, _ = EXPECTED[name]
    runner = CliRunner()
    args = ["--store-path", str(disk_store), "--plans-dir", str(tmp_path)]
    before = _graphs_on_disk(disk_store)
    result = runner.invoke(main, [*args, "validate", str(BROKEN / name)])
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    strict = runner.invoke(
        main, [*args, "validate", "--strict", "--format", "json", str(BROKEN / name)]
    )
    assert strict.exit_code == (2 if code == 2 else 1)
    imported = runner.invoke(main, [*args, "import", str(BROKEN / name)])
    assert imported.exit_code == code
    added = _graphs_on_disk(disk_store) - before
    assert added == (set() if code else {"plan-aktivitetslista-hsvo-uppsala-2026"})


def _graphs_on_disk(path: Path) -> set[str]:
    store = EmbeddedStore(path)
    try:
        return {g.rsplit("/", 1)[1] for g in store.graph_names()}
    finally:
        store.close()


def test_a_year_outside_the_period_names_the_period(seeded) -> None:  # type: ignore[no-untyped-def]
    """The list and its plan say 2026–2026; the row says 2023: the report names both, the
    period as the graph has it (the intersection of the list's and the plan's periods)."""
    _, context, _ = seeded
    path = BROKEN / "year-outside-period.csv"
    report = validate_plan(
        read_plan(path.read_bytes(), path.name, meta_beside(path)[0], context), context
    )
    [finding] = [f for f in report.findings if f.rule.endswith("#Activity-yearInPeriod")]
    assert finding.message.sv == 'Året "2023" ligger utanför perioden 2026–2026 för listan och planen.'
    assert finding.message.en == 'The year "2023" lies outside the period 2026–2026 of the list and the plan.'

"""The parsed ontology and shapes kept between processes (hsvo_graph/validation/cache.py):
the same graph as parsing the Turtle, a new entry whenever a file changes, the same reports
with and without the cache, and no failure when the cache cannot be written."""

import shutil
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from hsvo_graph.config import Settings
from hsvo_graph.graph import loading
from hsvo_graph.validation import cache
from hsvo_graph.validation.cache import turtle_directory_cached
from hsvo_graph.validation.check import validate_plan
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.plans import read_plan
from hsvo_graph.validation.report import to_json

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "templates" / "examples" / "aktivitetslista-uppsala-2025.csv"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "hsvo-graph"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(directory: Path) -> None:
        raise AssertionError(f"{directory} was parsed although it is cached")

    monkeypatch.setattr(loading, "turtle_directory", refuse)


@pytest.mark.parametrize("which", ["ontology_dir", "shapes_dir"])
def test_the_cached_graph_is_the_parsed_graph(which: str, settings: Settings, cache_home: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    directory = getattr(settings, which)
    parsed = loading.turtle_directory(directory)
    assert isomorphic(turtle_directory_cached(directory), parsed)  # parsed, then written
    assert len(list(cache_home.glob(f"{directory.name}-*.nt"))) == 1
    _no_parsing(monkeypatch)
    assert isomorphic(turtle_directory_cached(directory), parsed)  # read back


def test_a_changed_file_is_parsed_again_and_replaces_the_old_entry(
    settings: Settings, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = tmp_path / "shapes"
    shutil.copytree(settings.shapes_dir, shapes)
    before = turtle_directory_cached(shapes)
    rule = shapes / "activities.ttl"
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        "Aktiviteten saknar titel.", "Aktiviteten har ingen titel."), encoding="utf-8")
    after = turtle_directory_cached(shapes)
    assert not isomorphic(before, after)
    assert "Aktiviteten har ingen titel." in {str(o) for o in after.objects()}
    assert len(list(cache_home.glob("shapes-*.nt"))) == 1, "the old entry is removed"
    (shapes / "extra.ttl").write_text("<https://example.org/a> <https://example.org/b> 1 .\n")
    assert len(turtle_directory_cached(shapes)) == len(after) + 1, "an added file counts"


def test_reports_are_the_same_with_and_without_the_cache(
    settings: Settings, context: Context, cache_home: Path
) -> None:
    meta, _ = meta_beside(EXAMPLE)
    plan = read_plan(EXAMPLE.read_bytes(), EXAMPLE.name, meta, context)
    fresh = validate_plan(plan, context, loading.turtle_directory(settings.shapes_dir))
    turtle_directory_cached(settings.shapes_dir)  # written
    cached = validate_plan(plan, context, turtle_directory_cached(settings.shapes_dir))
    assert fresh.findings, "the 2025 list has its warnings"
    assert to_json(cached) == to_json(fresh)


def test_an_unwritable_cache_is_no_error(settings: Settings, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setattr(cache, "cache_dir", lambda: blocked / "hsvo-graph")
    assert isomorphic(turtle_directory_cached(settings.shapes_dir),
                      loading.turtle_directory(settings.shapes_dir))

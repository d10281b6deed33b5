"""A large context keeps its activities and outcomes in a pyoxigraph store and reads them
per plan (hsvo_graph/validation/bulk.py): every plan gets the report it gets in the whole
context, and rdflib never holds the bulk.

The seed is small, so it is made "large" here by lowering ``BULK_FROM`` to nothing: every
activity and outcome of the seed then lives in the bulk, and each plan of the example and
broken corpora is read and checked in both contexts."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from hsvo_graph.config import PROJECT_ROOT, Settings
from hsvo_graph.namespaces import HSVO
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation import bulk, cache, context as context_module
from hsvo_graph.validation.check import validate_plan
from hsvo_graph.validation.context import Context, context_from_store
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.model import PlanError, Report
from hsvo_graph.validation.plans import read_plan

from .test_validation_broken import BROKEN

EXAMPLES = PROJECT_ROOT / "data" / "templates" / "examples"
PLANS = sorted(p for folder in (EXAMPLES, BROKEN) for p in folder.iterdir()
               if not p.name.endswith((".meta.yaml", ".meta.toml", ".py")))
ACTIVITY = URIRef("https://w3id.org/hsvo-graph/id/activity/uppsala-2024-05")


def large_context(store: EmbeddedStore, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Context:
    """The store's context with every activity and outcome in the bulk (no cache)."""
    with monkeypatch.context() as patch:
        patch.setattr(bulk, "BULK_FROM", 0)
        patch.setattr(context_module, "_cached_parts", lambda name: None)
        patch.setattr(cache, "keep", lambda *args, **kwargs: None)
        return context_from_store(store, settings)


@pytest.fixture(scope="module")
def large(store: EmbeddedStore, settings: Settings) -> Context:
    with pytest.MonkeyPatch.context() as patch:
        return large_context(store, settings, patch)


def outcome(path: Path, context: Context) -> Report | str:
    """The plan's report, or the error that stopped reading it."""
    try:
        plan = read_plan(path.read_bytes(), path.name, meta_beside(path)[0], context)
    except PlanError as error:
        return str(error)
    return validate_plan(plan, context)


def findings(result: Report | str) -> object:
    if isinstance(result, str):
        return result
    return [(f.severity, f.rule, f.focus, f.row, f.column, f.subject, f.value, f.message.sv,
             f.message.en, f.suggestions) for f in result.findings]


def test_the_seed_holds_activities_for_the_bulk(large: Context, context: Context) -> None:
    assert not context.bulk  # the seed is below BULK_FROM: held whole, as before
    assert large.bulk.size > 1000
    kinds = {HSVO.Activity, HSVO.Outcome}
    assert not any(o in kinds for o in large.core.objects(None, RDF.type))  # never in rdflib
    assert (ACTIVITY, RDF.type, HSVO.Activity) in large.graph
    prov_activity = (ACTIVITY, RDF.type, URIRef("http://www.w3.org/ns/prov#Activity"))
    for each in (large, context):  # a superclass type, not a statement, in both
        assert prov_activity not in each.graph and prov_activity in each.superclass_types
    assert set(large.graph.objects(ACTIVITY, RDFS.label)) == set(context.graph.objects(ACTIVITY, RDFS.label))
    assert ACTIVITY in large.subjects and ACTIVITY in context.subjects


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_a_plan_gets_the_same_report_in_a_large_context(path: Path, large: Context,
                                                       context: Context) -> None:
    assert findings(outcome(path, large)) == findings(outcome(path, context))


def test_the_corpora_exercise_the_bulk(large: Context, context: Context) -> None:
    """The comparison above is not vacuous: plans in it restate, follow up and change
    activities that only the bulk holds."""
    restated = outcome(BROKEN / "seed-activity-year.ttl", large)
    assert isinstance(restated, Report)
    assert any(f.focus == str(ACTIVITY) and f.value == "1999" for f in restated.findings)
    followed = outcome(EXAMPLES / "samverkansberattelse-uppsala-2024.csv", large)
    assert isinstance(followed, Report) and followed.conforms()
    missing = outcome(BROKEN / "report-on-missing-activity.csv", large)
    assert not isinstance(missing, Report) or not missing.conforms()


def test_a_graph_left_out_is_left_out_of_the_bulk(large: Context) -> None:
    graph = next(iri for iri in large.parts if iri.endswith("uppsala-2024-2026"))
    assert ACTIVITY in large.subjects
    without = large.without(graph)
    assert ACTIVITY not in without.subjects
    assert not list(without.graph.triples((ACTIVITY, None, None)))
    assert without.around(_naming(ACTIVITY), set()) == []
    assert large.around(_naming(ACTIVITY), set())  # the full context still has it
    left_out = large.around(_naming(ACTIVITY), {ACTIVITY})  # a focus node's own statements
    assert left_out and not any(q.subject == ox.NamedNode(str(ACTIVITY)) for q in left_out)


def _naming(node: URIRef) -> Graph:
    graph = Graph()
    graph.add((URIRef("https://example.org/x"), RDFS.seeAlso, node))
    return graph


def test_a_large_context_is_kept_and_read_back(settings: Settings, store: EmbeddedStore,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(bulk, "BULK_FROM", 0)
    disk = EmbeddedStore(tmp_path / "store")
    quads = ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS) or b""
    disk.replace_graphs(quads, store.graph_names())
    read = context_from_store(disk, settings)

    def refuse(*args: object) -> None:
        raise AssertionError("the store was read although its context is cached")

    monkeypatch.setattr(context_module, "_read_parts", refuse)
    kept = context_from_store(disk, settings)
    assert kept.bulk.size == read.bulk.size > 1000
    assert sorted(kept.bulk.nquads().splitlines()) == sorted(read.bulk.nquads().splitlines())
    assert kept.parts == read.parts
    assert findings(outcome(BROKEN / "seed-activity-year.ttl", kept)) == \
        findings(outcome(BROKEN / "seed-activity-year.ttl", read))
    disk.close()


def test_literals_are_matched_as_rdflib_has_them(large: Context, context: Context) -> None:
    year = next(context.graph.objects(ACTIVITY, HSVO.year))
    assert (ACTIVITY, HSVO.year, year) in large.graph
    assert (ACTIVITY, HSVO.year, Literal("1999")) not in large.graph

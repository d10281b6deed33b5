"""The service's plan context after a write (api/deps.py ``PlanContexts``): after an import
only the graphs it replaced are read again, and the context is the one a full reading
gives; after a write that could change any graph, everything is read again."""

from pathlib import Path

import pytest
from rdflib import BNode

from hsvo_graph.api.deps import PlanContexts
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.sparql.reader import StoreReader
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.validation import bulk
from hsvo_graph.validation.check import validate_plan
from hsvo_graph.validation.context import Context, context_from_reader
from hsvo_graph.validation.managed import Upload, import_managed
from hsvo_graph.validation.plans import PlanMeta, read_plan

from .test_import import META_2026, PLAN_2026, TARGET

# Another document's plan that re-dates an activity of the imported 2026 plan: one
# isolation violation, which only a context that knows the import can find.
REDATING = b"""@prefix hsvo: <https://w3id.org/hsvo-graph/ontology#> .
@prefix act: <https://w3id.org/hsvo-graph/id/activity/> .
@prefix doc: <https://w3id.org/hsvo-graph/id/document/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
doc:aktivitetslista-hsvo-uppsala-2027 a hsvo:ActivityList ;
    rdfs:label "Aktivitetslista 2027, HSVO Uppsala"@sv ;
    hsvo:startYear 2027 ; hsvo:endYear 2027 .
act:uppsala-2026-01 hsvo:year 1999 .
"""


class CountingReader(StoreReader):
    """Reads the store directly, counting the context's per-graph projections."""

    projections: list[str] = []

    def construct(self, query: str, bindings: object = None) -> bytes:  # type: ignore[override]
        CountingReader.projections.append(query)
        return super().construct(query)


class DirectExecutor:
    """Just what PlanContexts asks of an executor: a reader."""

    def __init__(self, store: TrackedStore) -> None:
        self.store = store

    def reader(self, **options: object) -> StoreReader:
        return CountingReader(self.store)


def triples(context: Context) -> set[tuple[object, ...]]:
    """The context's statements, blank nodes as one placeholder (their labels are a read's)."""
    return {tuple("_" if isinstance(t, BNode) else t for t in triple) for triple in context.graph}


def findings(context: Context) -> list[tuple[str, str, str | None]]:
    plan = read_plan(REDATING, "plan-2027.ttl", PlanMeta(municipality="Uppsala", year=2027), context)
    return [(f.rule, f.focus, f.value) for f in validate_plan(plan, context).findings]


@pytest.fixture(params=["whole", "bulk"])
def setup(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A seeded store behind the service's contexts; with "bulk", the seed's activities and
    outcomes kept in the bulk (as at scale; a plan's few are not)."""
    if request.param == "bulk":
        monkeypatch.setattr(bulk, "BULK_FROM", 100)
    settings = Settings(store="embedded", store_path=None, plans_dir=tmp_path / "plans")
    store = TrackedStore(EmbeddedStore(None))
    load(store, settings)
    CountingReader.projections = []
    return store, settings, PlanContexts(store, DirectExecutor(store), settings)  # type: ignore[arg-type]


def test_after_an_import_only_its_graph_is_read_again(setup) -> None:  # type: ignore[no-untyped-def]
    store, settings, contexts = setup
    first = contexts()
    assert bool(first.bulk) == (bulk.BULK_FROM == 100)
    read_first = len(CountingReader.projections)
    assert read_first >= 6 and contexts() is first  # kept while the store is unchanged
    change = import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026), contexts, "test")
    assert change.result is not None and change.result.imported
    after = contexts()
    [again] = CountingReader.projections[read_first:]  # the plan's graph, not the rest
    assert f"<{TARGET}>" in again
    fresh = context_from_reader(StoreReader(store), store.description, settings)
    assert triples(after) == triples(fresh) and TARGET in after.parts
    redated = findings(after)
    assert redated == findings(fresh)
    assert any(rule.endswith("Plan-ownEntitiesOnly") and value == "1999" for rule, _, value in redated)


def test_a_sparql_update_makes_everything_be_read_again(setup) -> None:  # type: ignore[no-untyped-def]
    store, settings, contexts = setup
    contexts()
    read_first = len(CountingReader.projections)
    store.update('INSERT DATA { GRAPH <https://w3id.org/hsvo-graph/graph/bodies> { '
                 '<https://w3id.org/hsvo-graph/id/body/x> <http://www.w3.org/2000/01/rdf-schema#label> "X"@sv } }')
    contexts()
    assert len(CountingReader.projections) == 2 * read_first


def test_the_store_says_which_graphs_changed(tmp_path: Path) -> None:
    store = TrackedStore(EmbeddedStore(None))
    assert store.changed_since(0, None) == (0, frozenset())
    store.replace_graphs(b'<http://x/s> <http://x/p> "a" <http://x/g1> .\n', ["http://x/g1"])
    store.replace_graphs(b'<http://x/s> <http://x/p> "b" <http://x/g2> .\n', ["http://x/g2"])
    assert store.changed_since(0, None) == (2, frozenset({"http://x/g1", "http://x/g2"}))
    assert store.changed_since(1, None) == (2, frozenset({"http://x/g2"}))
    store.update("INSERT DATA { <http://x/s> <http://x/p> 1 }")
    assert store.changed_since(1, None) == (3, None)
    assert store.changed_since(3, None) == (3, frozenset())


def test_the_store_says_when_another_process_wrote(tmp_path: Path) -> None:
    """On a store with versions the graphs are named only while this process's writes are
    all that happened: another's write (a second store object on the same directory, as
    `hsvo import` beside a running service) breaks the chain of versions."""
    store = TrackedStore(EmbeddedStore(tmp_path / "store"))
    store.replace_graphs(b'<http://x/s> <http://x/p> "a" <http://x/g1> .\n', ["http://x/g1"])
    version = store.version()
    store.replace_graphs(b'<http://x/s> <http://x/p> "b" <http://x/g2> .\n', ["http://x/g2"])
    assert store.changed_since(1, version) == (2, frozenset({"http://x/g2"}))
    other = EmbeddedStore(tmp_path / "store")
    other.replace_graphs(b'<http://x/s> <http://x/p> "c" <http://x/g3> .\n', ["http://x/g3"])
    assert store.changed_since(1, version) == (2, None)
    assert store.changed_since(2, store.version()) == (2, frozenset())  # read after it: nothing new
    store.replace_graphs(b'<http://x/s> <http://x/p> "d" <http://x/g4> .\n', ["http://x/g4"])
    assert store.changed_since(1, version) == (3, None)  # this process's write came after the other's
    other.close()
    store.close()


@pytest.fixture
def on_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A seeded store in a directory behind the service's contexts, and the same directory
    opened again, as another process (``hsvo import``, ``hsvo load``) opens it."""
    settings = Settings(store="embedded", store_path=tmp_path / "store", plans_dir=tmp_path / "plans")
    store = TrackedStore(EmbeddedStore(tmp_path / "store"))
    load(store, settings)
    other = TrackedStore(EmbeddedStore(tmp_path / "store"))
    CountingReader.projections = []
    yield store, other, settings, PlanContexts(store, DirectExecutor(store), settings)  # type: ignore[arg-type]
    other.close()
    store.close()


def test_a_plan_imported_by_another_process_is_in_the_next_context(on_disk) -> None:  # type: ignore[no-untyped-def]
    """The audit's case: `hsvo import` beside a running service, then a plan that re-dates
    the imported activity checked by the service: it must be refused, as the CLI refuses
    it, so no plan rewrites what another document says."""
    store, other, settings, contexts = on_disk
    before = contexts()
    assert TARGET not in before.parts and findings(before) == []
    theirs = PlanContexts(other, DirectExecutor(other), settings)  # type: ignore[arg-type]
    change = import_managed(other, settings, Upload(PLAN_2026, "plan.csv", META_2026), theirs, "cli")
    assert change.result is not None and change.result.imported
    after = contexts()
    assert TARGET in after.parts
    assert any(rule.endswith("Plan-ownEntitiesOnly") and value == "1999" for rule, _, value in findings(after))
    assert contexts() is after  # kept again until the next write


def test_an_own_write_after_another_processes_reads_everything_again(on_disk) -> None:  # type: ignore[no-untyped-def]
    store, other, settings, contexts = on_disk
    contexts()
    read_first = len(CountingReader.projections)
    other.update('INSERT DATA { GRAPH <https://w3id.org/hsvo-graph/graph/bodies> { '
                 '<https://w3id.org/hsvo-graph/id/body/x> <http://www.w3.org/2000/01/rdf-schema#label> "X"@sv } }')
    change = import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026), contexts, "test")
    assert change.result is not None and change.result.imported
    after = contexts()
    assert len(CountingReader.projections) >= 2 * read_first  # all of it, not the plan's graph alone
    fresh = context_from_reader(StoreReader(store), store.description, settings)
    assert triples(after) == triples(fresh)


def test_on_disk_an_own_import_alone_still_reads_only_its_graph(on_disk) -> None:  # type: ignore[no-untyped-def]
    store, _, settings, contexts = on_disk
    contexts()
    read_first = len(CountingReader.projections)
    import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026), contexts, "test")
    contexts()
    assert len(CountingReader.projections) == read_first + 1
    assert f"<{TARGET}>" in CountingReader.projections[-1]


def test_a_plan_checked_again_reuses_the_context_without_its_graph(setup) -> None:  # type: ignore[no-untyped-def]
    """Re-checking an imported plan leaves its own graph out of the context: that context is
    kept for the next check of the same plan (its merged graph is built once)."""
    store, settings, contexts = setup
    contexts()
    import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026), contexts, "test")
    context = contexts()
    first = context.without(TARGET)
    assert TARGET not in first.parts and first.core is context.without(TARGET).core
    for other in [iri for iri in context.parts if iri != TARGET][:4]:  # four other graphs asked
        context.without(other)
    assert context.without(TARGET) is not first  # the oldest was let go

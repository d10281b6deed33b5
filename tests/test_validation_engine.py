"""The compiled SHACL engine (hsvo_graph/validation/shacl.py) gives pySHACL's results: on
every rule case, on the seed graph, on the example plans and on the corpus of broken plans.
The plan is checked in a layered view of the cached context; that gives the same findings
as the plain copy of the context it replaces. Shapes the engine cannot run are refused."""

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import SH
from rdflib.term import Node

from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation.check import (
    _check,
    _compiled,
    _plan_data,
    _with_superclass_types,
    run_shapes,
    shapes_graph,
)
from hsvo_graph.validation.context import Context, context_from_store, ontology
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.model import PlanError
from hsvo_graph.validation.plans import read_plan
from hsvo_graph.validation.shacl import Shapes, ShapesError
from hsvo_graph.validation.terms import graph_of

from .test_validation_shapes import CASE_FILES, CONTEXT

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "templates" / "examples"
BROKEN = Path(__file__).parent / "plans" / "broken"
PLANS = sorted(EXAMPLES.glob("*.csv")) + sorted(EXAMPLES.glob("*.ttl")) + sorted(
    p for p in BROKEN.iterdir() if not p.name.endswith((".yaml", ".toml"))
)

Key = tuple[Node, Node, Node | None, Node | None, Node]


def pyshacl_results(data: Graph, focus: set[Node] | None) -> Counter[Key]:
    """What pySHACL reports on ``data`` (the reference), each result as a comparable tuple."""
    _, results, _ = pyshacl_validate(
        data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True,
        focus_nodes=sorted(focus) if focus else None,  # type: ignore[type-var]
    )
    get = results.value
    return Counter(
        (get(r, SH.sourceShape), get(r, SH.focusNode), get(r, SH.value), _path(results, get(r, SH.resultPath)),
         get(r, SH.resultSeverity))
        for r in results.subjects(RDF.type, SH.ValidationResult)
    )


def _path(graph: Graph, path: Node | None) -> Node | None:
    """Blank-node paths are copied into pySHACL's report: compare them by what they say."""
    return Literal(_describe(graph, path)) if isinstance(path, BNode) else path


def _describe(graph: Graph, node: Node) -> str:
    if not isinstance(node, BNode):
        return str(node)
    if (node, RDF.first, None) in graph:
        return "(" + " ".join(_describe(graph, item) for item in Collection(graph, node)) + ")"
    return "[" + " ".join(sorted(f"{p}={_describe(graph, o)}" for p, o in graph.predicate_objects(node))) + "]"


def engine_results(data: Graph, store: ox.Store, focus: set[Node] | None) -> Counter[Key]:
    shapes = shapes_graph()
    return Counter(
        (r.shape, r.focus, r.value, _path(shapes, r.path), r.severity)
        for r in _compiled(shapes).validate(data, store, focus)
    )


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_rule_case_gives_pyshacls_results(path: Path, settings: Settings) -> None:
    data, store, focus = _on_the_rule_context(Graph().parse(path), settings)
    assert engine_results(data, store, focus) == pyshacl_results(data, focus)


def _on_the_rule_context(own: Graph, settings: Settings) -> tuple[Graph, ox.Store, set[Node]]:
    """``own`` with the ontology and the rule cases' context graph, as the engine reads it,
    and its typed subjects: the focus nodes."""
    data = Graph()
    data += ontology(settings.ontology_dir)
    data += Graph().parse(CONTEXT)
    data += own
    return data, _with_superclass_types(data), set(own.subjects(RDF.type, None))


def test_the_seed_graph_gives_pyshacls_results(store: EmbeddedStore) -> None:
    data = Graph()
    for iri in store.graph_names():
        data += Graph().parse(data=store.read_graph(iri), format="nt")
    oxi = _with_superclass_types(data)
    expected = pyshacl_results(data, None)
    assert expected, "the seed has its documented warnings"
    assert engine_results(data, oxi, None) == expected


def _plan(path: Path, context: Context):  # type: ignore[no-untyped-def]
    meta, _ = meta_beside(path)
    return read_plan(path.read_bytes(), path.name, meta, context)


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_plans_give_pyshacls_results_and_the_layers_those_of_a_copy(path: Path, context: Context) -> None:
    try:
        plan = _plan(path, context)
    except PlanError:
        pytest.skip("not readable: no shapes run")
    scope = context.without(str(plan.info.graph))
    focus = set(plan.graph.subjects(RDF.type, None))
    layered, layered_store = _plan_data(plan.graph, focus, scope)
    copy = Graph()
    copy += layered
    copy_store = _with_superclass_types(copy)
    assert set(copy) == {t for t in layered}, "the layers hold what the copy holds"
    assert engine_results(layered, layered_store, focus) == pyshacl_results(copy, focus)
    assert _check(layered, layered_store, focus, None, plan) == _check(copy, copy_store, focus, None, plan)


def test_a_plan_that_changes_the_class_hierarchy_is_checked_on_a_copy(context: Context) -> None:
    """A plan stating rdfs:subClassOf changes the superclass types of every node: the
    cached ones of the context no longer hold, and a full copy is checked instead."""
    plan_graph = Graph()
    activity, kind = URIRef("https://example.org/a"), URIRef("https://example.org/Kind")
    hsvo = "https://w3id.org/hsvo-graph/ontology#"
    plan_graph.add((activity, RDF.type, kind))
    plan_graph.add((kind, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), URIRef(hsvo + "Activity")))
    data, store = _plan_data(plan_graph, {activity, kind}, context)
    assert not isinstance(data, type(_plan_data(Graph(), set(), context)[0]))
    assert (activity, RDF.type, URIRef(hsvo + "Activity")) in data
    findings = run_shapes(data, {activity})
    assert "https://w3id.org/hsvo-graph/shapes#Activity-title" in {f.rule for f in findings}


SHAPE_PREFIXES = """
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix ex: <https://example.org/> .
"""


@pytest.mark.parametrize(("shape", "says"), [
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minLength 3 ] .",
     "minLength"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
     '"SELECT $this WHERE { $this ex:p ?v MINUS { $this ex:q ?v } }" ] .', "MINUS"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
     '"SELECT $this WHERE { { SELECT ?this WHERE { ?this ex:p ?v } } }" ] .', "subqueries"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:ask \"ASK { $this ex:p ?v }\" ] .",
     "sh:select"),
    ("ex:S a sh:NodeShape, rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", "implicit"),
])
def test_shapes_the_engine_cannot_run_are_refused(shape: str, says: str) -> None:
    with pytest.raises(ShapesError, match=says):
        Shapes(Graph().parse(data=SHAPE_PREFIXES + shape, format="turtle"))


def test_blank_node_focus_nodes_give_pyshacls_results() -> None:
    """Blank nodes cannot be named in a query: SPARQL constraints bind them one at a time."""
    shapes = Graph().parse(data=SHAPE_PREFIXES + """
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:severity sh:Violation ;
            sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <https://example.org/p> ?value FILTER (?value > 1) }" ] ;
            sh:property [ sh:path ex:q ; sh:minCount 1 ] .
    """, format="turtle")
    data = Graph().parse(data=SHAPE_PREFIXES + """
        ex:a ex:p 2 ; ex:q 1 .  [ ex:p 3 ] .  [ ex:p 1 ; ex:q 2 ] .  ex:b ex:p 0 .
    """, format="turtle")
    store = _with_superclass_types(data)
    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none")
    expected = Counter((report.value(r, SH.focusNode), report.value(r, SH.value))
                       for r in report.subjects(RDF.type, SH.ValidationResult))
    found = Counter((r.focus, r.value) for r in Shapes(shapes).validate(data, store))
    assert found == expected and len(found) == 4


def test_context_graphs_are_parsed_as_rdflib_parses_them(store: EmbeddedStore) -> None:
    for iri in store.graph_names():
        ntriples = store.read_graph(iri)
        assert isomorphic(graph_of(ntriples), Graph().parse(data=ntriples, format="nt")), iri


def test_context_caches_belong_to_their_context(store: EmbeddedStore, settings: Settings) -> None:
    """A context read again (the service does after a write) and a context without a graph
    (a plan's earlier version) compute their own caches, never an older context's."""
    first, again = context_from_store(store, settings), context_from_store(store, settings)
    assert first.ox_triples is not again.ox_triples and len(first.ox_triples) == len(again.ox_triples)
    bodies = next(iri for iri in first.parts if iri.endswith("/bodies"))
    without = first.without(bodies)
    assert len(without.ox_triples) < len(first.ox_triples)
    assert without.subjects < first.subjects


def test_ill_typed_literal_noise_is_held_back_only_in_the_checking_thread() -> None:
    """Plans are checked in several threads at once (no lock any more): one thread's quiet
    spell neither silences another thread nor outlasts itself."""
    import logging
    import threading

    from rdflib import XSD

    from hsvo_graph.validation.readers import quiet_literals

    class Records(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.threads: list[int | None] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.threads.append(record.thread)

    records = Records()
    logger = logging.getLogger("rdflib.term")
    logger.addHandler(records)
    try:
        inside, done = threading.Event(), threading.Event()

        def checking() -> None:
            with quiet_literals():
                Literal("2025-13-45", datatype=XSD.date)
                inside.set()
                done.wait(5)

        worker = threading.Thread(target=checking)
        worker.start()
        inside.wait(5)
        assert records.threads == []
        Literal("2025-13-46", datatype=XSD.date)  # another thread, meanwhile
        assert records.threads == [threading.get_ident()]
        done.set()
        worker.join()
        with quiet_literals():
            Literal("2025-13-47", datatype=XSD.date)
        Literal("2025-13-48", datatype=XSD.date)
        assert len(records.threads) == 2
    finally:
        logger.removeHandler(records)


def test_name_registers_are_made_once_per_context(store: EmbeddedStore, settings: Settings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The service reads many plans in one cached context: the names their cells are
    resolved against are collected once, and give the same plan as before."""
    from hsvo_graph.validation import names

    context = context_from_store(store, settings)
    example = EXAMPLES / "aktivitetslista-uppsala-2025.csv"
    first = _plan(example, context)
    calls = []
    monkeypatch.setattr(names, "bodies", lambda graph: calls.append(graph))
    second = _plan(example, context)
    assert calls == []
    assert isomorphic(first.graph, second.graph) and first.locations == second.locations


def test_many_focus_nodes_are_pre_bound_in_batches_with_the_results_of_one_query(
    settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SPARQL constraints bind their IRI focus nodes ``BATCH`` at a time (shacl.py says why):
    1200 activities are three queries per constraint, and the results are those of one query
    for all of them, also where a duplicate's copies or a body's activities fall in
    different batches."""
    from hsvo_graph.validation import shacl

    own = Graph()
    ex, hsvo = "https://example.org/test/", "https://w3id.org/hsvo-graph/ontology#"
    titles = {5: "Dubblett i listan", 1100: "DUBBLETT I LISTAN"}
    only_management = {3, 700, 1150}
    for i in range(1200):
        activity = URIRef(f"{ex}many-{i}")
        own.add((activity, RDF.type, URIRef(hsvo + "Activity")))
        own.add((activity, URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                 Literal(titles.get(i, f"Aktivitet {i}"), lang="sv")))
        own.add((activity, URIRef(hsvo + "year"), Literal(2025)))
        own.add((activity, URIRef(hsvo + "listedIn"), URIRef(ex + "list")))
        own.add((activity, URIRef(hsvo + "localFocusArea"), URIRef(ex + "lfa")))
        own.add((activity, URIRef(hsvo + "followUpIndicator"), Literal("Uppföljd", lang="sv")))
        own.add((activity, URIRef(hsvo + "responsibleBody"), URIRef(ex + ("tl" if i in only_management else "osn"))))
    data, store, focus = _on_the_rule_context(own, settings)
    queries: Counter[str] = Counter()
    store_rows = shacl.store_rows

    def counted(store: ox.Store, query: str,
                substitutions: shacl.Substitutions | None = None) -> list[dict[str, Node]]:
        queries[re.sub(r"VALUES \$this \{[^}]*\}", "", query)] += 1
        return store_rows(store, query, substitutions)

    monkeypatch.setattr(shacl, "store_rows", counted)
    batched = Counter(Shapes(shapes_graph()).validate(data, store, focus))
    assert shacl.BATCH == 500 and len(queries) == 5 and set(queries.values()) == {3}
    monkeypatch.setattr(shacl, "BATCH", 10_000)
    assert Counter(Shapes(shapes_graph()).validate(data, store, focus)) == batched
    found = {(str(r.shape).split("#")[1], str(r.focus).removeprefix(ex)) for r in batched}
    assert {("Activity-unique", "many-5"), ("Activity-unique", "many-1100")} <= found
    assert {("Activity-responsibleMandate", f"many-{i}") for i in only_management} <= found

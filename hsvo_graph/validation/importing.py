"""Import a plan into the store as its own named graph, all or nothing.

The plan is validated first; only a plan without violations (and, with ``strict``, without
warnings) is imported. Its graph and the recomputed inferred graph replace the old ones in
one SPARQL update request, which the store runs as one transaction: a failure or a crash
half way leaves the store exactly as it was, and importing the same plan again replaces its
graph (the graph IRI is derived from the plan's metadata) instead of adding a copy.
"""

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from rdflib import Graph

from hsvo_graph.graph.inference import infer
from hsvo_graph.namespaces import INFERRED_GRAPH
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.model import Plan, Report
from hsvo_graph.store import GraphStore
from hsvo_graph.store.base import nquads_of
from hsvo_graph.validation.check import validate_plan


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the validation report, and the graphs it wrote (if any)."""

    report: Report
    imported: bool
    triples: int = 0
    inferred: int = 0
    replaced: bool = False  # an earlier version of the same plan was replaced
    seconds: float = 0.0


def import_plan(
    store: GraphStore,
    plan: Plan,
    context: Context,
    strict: bool = False,
    report: Report | None = None,
) -> ImportResult:
    """Validate ``plan`` against ``context`` (read from ``store``; ``report`` when the caller
    has just done so) and, if it conforms, put it in ``store`` with the inferred graph
    recomputed over everything.

    The caller holds the import lock (``locking.import_lock``) around reading the context
    and this call, so that no other import changes the graphs in between."""
    started = time.perf_counter()
    report = report if report is not None else validate_plan(plan, context)
    if not report.conforms(strict):
        return ImportResult(report, imported=False)
    target = str(plan.info.graph)
    replaced = target in store.graph_names()
    inferred = rewrite(store, {target: plan.graph})
    return ImportResult(
        report, True, len(plan.graph), len(inferred), replaced, time.perf_counter() - started
    )


def rewrite(
    store: GraphStore, new: Mapping[str, Graph], removed: Collection[str] = ()
) -> Graph:
    """Put the ``new`` graphs in the store and empty the ``removed`` ones, with the inferred
    graph recomputed over the result, in one all-or-nothing write; the inferred graph."""
    kept = [
        Graph().parse(data=store.read_graph(iri), format="nt")
        for iri in store.graph_names()
        if iri not in new and iri not in removed and iri != str(INFERRED_GRAPH)
    ]
    inferred = infer([*kept, *new.values()])
    graphs = {**new, **{iri: Graph() for iri in removed}, str(INFERRED_GRAPH): inferred}
    store.replace_graphs(nquads_of(graphs), graphs.keys())
    return inferred

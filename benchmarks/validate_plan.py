"""How long validating one plan the size of the 2025 activity list takes, against a naive
baseline measured in the same run.

    .venv/bin/python benchmarks/validate_plan.py [--runs 10] [--plan FILE]

Our path (what `hsvo validate` and POST /validate do): read the plan's context from the
store (the triples the shapes need, the ontology parsed once), read and resolve the plan,
then run pySHACL on the plan's own nodes only, with each SPARQL constraint parsed once.
Baseline: pySHACL as one would first call it – the whole dataset as data graph, the ontology
as ont_graph, OWL-RL inference, every node a focus node. Shapes are parsed once for both.
The machine is shared, so the script prints the minimum and the median of several runs.
"""

import argparse
import statistics
import time
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph

from hsvo_graph.config import PROJECT_ROOT, Settings
from hsvo_graph.loading import load
from hsvo_graph.namespaces import HSVO, INFERRED_GRAPH
from hsvo_graph.plans import read_plan
from hsvo_graph.plans.context import context_from_store, ontology
from hsvo_graph.plans.meta import meta_beside
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation import shapes_graph, validate_plan

EXAMPLE = PROJECT_ROOT / "data" / "templates" / "examples" / "aktivitetslista-uppsala-2025.csv"


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--plan", type=Path, default=EXAMPLE)
    args = parser.parse_args()

    settings = Settings(store="embedded", store_path=None)
    store = EmbeddedStore(None)
    load(store, settings)
    data = args.plan.read_bytes()
    meta, _ = meta_beside(args.plan)

    def ours() -> None:
        context = context_from_store(store, settings)
        validate_plan(read_plan(data, args.plan.name, meta, context), context)

    first = timed(ours)  # parses the shapes and the ontology once
    runs = [timed(ours) for _ in range(args.runs)]

    context = context_from_store(store, settings)
    plan = read_plan(data, args.plan.name, meta, context)
    shapes_only = [timed(lambda: validate_plan(plan, context)) for _ in range(args.runs)]

    dataset = Graph()
    for iri in store.graph_names():
        if iri != str(INFERRED_GRAPH):
            dataset.parse(data=store.read_graph(iri), format="nt")
    dataset += plan.graph
    shapes, onto = shapes_graph(), ontology(settings.ontology_dir)
    baseline = timed(
        lambda: shacl_validate(
            dataset, shacl_graph=shapes, ont_graph=onto, inference="owlrl", allow_warnings=True
        )
    )

    activities = len(set(plan.graph.subjects(RDF.type, HSVO.Activity)))
    print(
        f"plan: {args.plan.name} ({len(plan.graph)} triples, {activities} activities); "
        f"store: {len(dataset)} triples"
    )
    print(f"ours, first run (parses shapes + ontology): {first:.3f} s")
    print(
        f"ours, context + read + validate: min {min(runs):.3f} s, "
        f"median {statistics.median(runs):.3f} s over {args.runs} runs"
    )
    print(
        f"ours, validate only (context ready): min {min(shapes_only):.3f} s, "
        f"median {statistics.median(shapes_only):.3f} s"
    )
    print(f"baseline, whole dataset + OWL-RL: {baseline:.3f} s (1 run)")
    print(f"ratio baseline / ours (median): {baseline / statistics.median(runs):.1f}x")
    print("target: ours under 1 s -", "met" if statistics.median(runs) < 1.0 else "NOT met")


if __name__ == "__main__":
    main()

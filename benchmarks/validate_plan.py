"""How long validating one plan the size of the 2025 activity list takes, against a naive
baseline measured in the same run.

    .venv/bin/python benchmarks/validate_plan.py [--runs 10] [--plan FILE]
    .venv/bin/python benchmarks/validate_plan.py --smoke     # one run, no baseline (make test)

Our path (what `hsvo validate` and POST /validate do): the plan's context read from the
store (the triples the shapes need; the ontology and the shapes parsed once per process,
the context kept by the server until the store changes), the plan read and its names
resolved, then pySHACL on the plan's own nodes only, each SPARQL constraint parsed once.
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
from hsvo_graph.graph.loading import load
from hsvo_graph.namespaces import HSVO, INFERRED_GRAPH
from hsvo_graph.validation.plans import read_plan
from hsvo_graph.validation.context import Context, context_from_store, ontology
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation.check import shapes_graph, validate_plan

EXAMPLE = PROJECT_ROOT / "data" / "templates" / "examples" / "aktivitetslista-uppsala-2025.csv"


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--plan", type=Path, default=EXAMPLE)
    parser.add_argument("--smoke", action="store_true", help="one run and no baseline (test suite)")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1

    settings = Settings(store="embedded", store_path=None)
    store = EmbeddedStore(None)
    load(store, settings)
    data = args.plan.read_bytes()
    meta, _ = meta_beside(args.plan)

    def read_context() -> Context:
        return context_from_store(store, settings)

    def check(context: Context) -> None:
        validate_plan(read_plan(data, args.plan.name, meta, context), context)

    first = timed(lambda: check(read_context()))  # parses the shapes and the ontology once
    context = read_context()
    cached = [timed(lambda: check(context)) for _ in range(args.runs)]
    fresh = [timed(lambda: check(read_context())) for _ in range(args.runs)]
    plan = read_plan(data, args.plan.name, meta, context)

    activities = len(set(plan.graph.subjects(RDF.type, HSVO.Activity)))
    print(f"plan: {args.plan.name} ({len(plan.graph)} triples, {activities} activities)")
    print(f"first run (parses shapes and ontology, reads the store): {first:.3f} s")
    print(f"read + validate, context kept (as `hsvo serve` does until the store changes): "
          f"min {min(cached):.3f} s, median {statistics.median(cached):.3f} s")
    print(f"read + validate, context read from the store each time (as `hsvo validate`): "
          f"min {min(fresh):.3f} s, median {statistics.median(fresh):.3f} s")
    if args.smoke:
        return
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

    print(f"store: {len(dataset)} triples; baseline, whole dataset + OWL-RL: {baseline:.3f} s (1 run)")
    print(f"ratio baseline / ours (median, context kept): "
          f"{baseline / statistics.median(cached):.0f}x")
    verdict = "met" if statistics.median(cached) < 1.0 else "NOT met (is the machine busy?)"
    print(f"target, one plan of the size of the 2025 list under 1 s: {verdict}")


if __name__ == "__main__":
    main()

"""How long validating one plan the size of the 2025 activity list takes: from the command
line, inside the running service, and against a naive baseline measured in the same run.

    .venv/bin/python benchmarks/validate_plan.py [--runs 10] [--plan FILE]
    .venv/bin/python benchmarks/validate_plan.py --smoke     # one run each, no verdict (make test)
    .venv/bin/python benchmarks/validate_plan.py --rows 1999 --runs 3   # the row cap instead

Targets (issue 10):
- CLI: the real ``hsvo validate PLAN`` as a subprocess on a store built by ``hsvo load``
  (imports, reading the context from the store, checking, printing), median wall time ≤ 0.5 s;
  its CPU time is printed too (on a shared machine the wall time includes waiting for a core).
- Service: ``POST /validate`` on a running app whose plan context is already cached (as
  ``PlanContexts`` in hsvo_graph/api/deps.py keeps it until the store changes): reading the
  upload, the plan, checking and the JSON answer, median ≤ 0.1 s.

With ``--rows N`` (the row cap: ``--rows 1999``), instead: a list of N activities in ONE local
focus area (the audit's ``t-1999-2026.csv``, session 12: 16-17 s per unauthenticated upload,
14 s of it Activity-unique comparing every pair of the area) against the same N activities
spread over the 13 areas of the 2025 list, both by ``hsvo validate``:
- the CPU ratio one area / spread ≤ 1.2 (a check that compares pairs within an area costs
  about 13 times as much in one area; the join on the lowercased title costs the same);
- the one-area list's CLI wall (median) ≤ 2 s.

Also printed: the library path (``read_plan`` + ``validate_plan``) with the context kept and
with the context read from the store each time, and the baseline: pySHACL as one would first
call it – the whole dataset as data graph, the ontology as ont_graph, OWL-RL inference, every
node a focus node. The machine is shared, so the script prints the minimum and the median.
"""

import argparse
import csv
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from common import HSVO, Measured, machine, measure, verdict
from fastapi.testclient import TestClient
from rdflib import RDF, Graph

from hsvo_graph.api.app import create_app
from hsvo_graph.config import PROJECT_ROOT, Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.namespaces import HSVO as HSVO_NS
from hsvo_graph.namespaces import INFERRED_GRAPH
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation.check import shapes_graph, validate_plan
from hsvo_graph.validation.context import Context, context_from_store, ontology
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.plans import read_plan

EXAMPLE = PROJECT_ROOT / "data" / "templates" / "examples" / "aktivitetslista-uppsala-2025.csv"


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def spread(times: Sequence[float]) -> str:
    return f"min {min(times):.3f} s, median {statistics.median(times):.3f} s ({len(times)} runs)"


def cli_runs(plan: Path, runs: int) -> list[Measured]:
    """``hsvo validate PLAN`` on a store that ``hsvo load`` built, each a fresh process
    (the plan must be valid: exit code 0)."""
    with tempfile.TemporaryDirectory(prefix="hsvo-validate-bench-") as scratch:
        env = {
            **os.environ,
            "HSVO_STORE_PATH": f"{scratch}/store",
            "HSVO_PLANS_DIR": f"{scratch}/plans",
            "HSVO_CHANGES_LOG": f"{scratch}/changes.jsonl",
        }
        subprocess.run([HSVO, "load"], env=env, check=True, stdout=subprocess.DEVNULL)
        return [measure([HSVO, "validate", str(plan)], env=env) for _ in range(runs)]


def service_times(settings: Settings, store: EmbeddedStore, plan: Path, runs: int) -> list[float]:
    """Seconds of ``POST /validate`` (JSON answer) in the app, after one request that reads
    and caches the context."""
    _, meta_path = meta_beside(plan)
    files = {"file": (plan.name, plan.read_bytes())}
    if meta_path is not None:
        files["meta"] = (meta_path.name, meta_path.read_bytes())

    def post() -> None:
        response = client.post("/validate", files=files, data={"format": "json"})
        response.raise_for_status()

    with TestClient(create_app(settings, store)) as client:
        post()  # reads the context, as the first upload after a start or a write does
        return [timed(post) for _ in range(runs)]


def cap_lists(rows: int, directory: Path) -> tuple[Path, Path]:
    """Two activity lists of ``rows`` activities with distinct titles for Uppsala 2026: all
    in one local focus area, and spread over the areas (and priority areas) of the 2025 list."""
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as example:
        areas = sorted({(row[0], row[1]) for row in list(csv.reader(example, delimiter=";"))[1:]
                        if len(row) > 2})
    heading = "Prioriterat område;Lokalt fokusområde;Aktivitet;Uppföljning;Ansvar;Delaktiga;År\n"

    def write(name: str, area_of: Callable[[int], tuple[str, str]]) -> Path:
        path = directory / name
        path.write_text(heading + "".join(
            f"{';'.join(area_of(i))};Aktivitet nummer {i} om samverkan kring barn och unga;"
            "Arbetet sker enligt plan;OSN och VS;;2026\n" for i in range(rows)), encoding="utf-8")
        return path

    one = areas.index(("Förebyggande och hälsofrämjande",
                       "Hälsofrämjande, förebyggande och rehabiliterande insatser"))
    return (write(f"one-area-{rows}-2026.csv", lambda _: areas[one]),
            write(f"spread-{rows}-2026.csv", lambda i: areas[i % len(areas)]))


def cap_report(rows: int, runs: int, smoke: bool) -> None:
    """``hsvo validate`` on the two lists of ``cap_lists``: the CPU ratio and the wall time."""
    with tempfile.TemporaryDirectory(prefix="hsvo-validate-cap-") as scratch:
        one_area, spread_out = cap_lists(rows, Path(scratch))
        measured = {plan: cli_runs(plan, runs) for plan in (one_area, spread_out)}
    cpu = {plan: statistics.median(m.cpu_s for m in runs_) for plan, runs_ in measured.items()}
    wall = statistics.median(m.wall_s for m in measured[one_area])
    for plan, runs_ in measured.items():
        print(f"`hsvo validate` of {plan.name}: wall {spread([m.wall_s for m in runs_])}; "
              f"CPU median {cpu[plan]:.3f} s")
    verdict(f"{rows} activities in one area / spread over areas, CLI CPU (median)",
            cpu[one_area] / cpu[spread_out], 1.2, judged=not smoke)
    verdict(f"hsvo validate of {rows} activities in one area, CLI wall (median)", wall, 2.0, unit=" s",
            judged=not smoke and rows >= 1999)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--plan", type=Path, default=EXAMPLE)
    parser.add_argument("--smoke", action="store_true", help="one run each and no verdict (test suite)")
    parser.add_argument("--rows", type=int, default=0,
                        help="only: N activities in one local focus area against N spread over areas (cap: 1999)")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    if args.rows:
        cap_report(args.rows, args.runs, args.smoke)
        return

    settings = Settings(store="embedded", store_path=None, changes_log=None)
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
    service = service_times(settings, store, args.plan, args.runs)
    cli_measured = cli_runs(args.plan, args.runs)
    cli = [m.wall_s for m in cli_measured]

    activities = len(set(plan.graph.subjects(RDF.type, HSVO_NS.Activity)))
    print(machine())
    print(f"plan: {args.plan.name} ({len(plan.graph)} triples, {activities} activities)")
    print(f"first run (parses shapes and ontology, reads the store): {first:.3f} s")
    print(f"read + validate, context kept (as `hsvo serve` does until the store changes): {spread(cached)}")
    print(f"read + validate, context read from the store each time: {spread(fresh)}")
    print(f"POST /validate in the service, context cached: {spread(service)}")
    print(f"`hsvo validate` from the command line (a fresh process each): {spread(cli)}; CPU "
          f"median {statistics.median(m.cpu_s for m in cli_measured):.3f} s (wall above CPU: a busy machine)")
    if args.smoke:
        return
    dataset = Graph()
    for iri in store.graph_names():
        if iri != str(INFERRED_GRAPH):
            dataset.parse(data=store.read_graph(iri), format="nt")
    dataset += plan.graph
    baseline = timed(lambda: _pyshacl_baseline(dataset, shapes_graph(), ontology(settings.ontology_dir)))
    print(f"store: {len(dataset)} triples; baseline, pySHACL on the whole dataset + OWL-RL: "
          f"{baseline:.3f} s (1 run); ratio baseline / ours (median, context kept): "
          f"{baseline / statistics.median(cached):.0f}x")
    verdict("hsvo validate of the 2025 list, CLI wall (median)", statistics.median(cli), 0.5, unit=" s")
    verdict("POST /validate, context cached, in the service (median)", statistics.median(service), 0.1,
            unit=" s")


def _pyshacl_baseline(dataset: Graph, shapes: Graph, onto: Graph) -> None:
    from pyshacl import validate as shacl_validate  # the baseline only

    shacl_validate(dataset, shacl_graph=shapes, ont_graph=onto, inference="owlrl", allow_warnings=True)


if __name__ == "__main__":
    main()

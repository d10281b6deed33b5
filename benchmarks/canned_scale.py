"""Every canned question at scale: `hsvo serve` against `oxigraph serve` in memory, same data.

`serve.py` and `canned.py` drive a few questions hard; this script asks every question of
queries/ once per round, so that a question whose query does not scale shows up before a
strategist's page ends in a 503. Each question is asked with its documented example
arguments, and also without arguments where none is required (its defaults then apply):

- of `hsvo serve`, as `/q/<id>` JSON (the service binds the arguments and runs the query in
  its workers, within its time limit);
- of `hsvo serve`'s `/sparql`, the same SPARQL, bound by the catalog's own functions over the
  same store (`serve.store_reader`): what the question costs beyond its query;
- of `oxigraph serve` in memory (union default graph), the same SPARQL.

One request at a time, `--rounds` rounds (the median wall time is judged). Target: every
question answers (200) within the service's time limit (`HSVO_QUERY_TIME_LIMIT_S`, 5 s by
default). The ratio to oxigraph is printed for information: both run the same engine, so a
question that is slow on both is its query's own cost, to be mended in its `.rq` file.

    cp -r WORKDIR/serve-hsvo /tmp/canned-store     # a serve.py --workdir run's store and dump
    .venv/bin/python benchmarks/canned_scale.py --store /tmp/canned-store --dataset WORKDIR/dataset.nq
    .venv/bin/python benchmarks/canned_scale.py --smoke     # the seed graph, one round
"""

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from common import HSVO, JSON, OXIGRAPH, ROOT, free_port, measure, running, verdict, workers_in_memory_s
from hsvo_graph.canned.catalog import CannedQuery, bind_arguments, load_catalog, with_defaults
from hsvo_graph.config import Settings
from hsvo_graph.sparql.binding import bind_values
from hsvo_graph.sparql.reader import Reader
from serve import dump_dataset, store_reader

Question = tuple[str, dict[str, str]]


def questions(catalog: dict[str, CannedQuery]) -> Iterator[Question]:
    """Each question with its documented examples, and without arguments where it may be."""
    for query_id, query in catalog.items():
        examples = {p.name: p.example for p in query.parameters if p.example}
        if examples:
            yield query_id, examples
        if not any(p.required for p in query.parameters):
            yield query_id, {}


def bound_sparql(reader: Reader, query: CannedQuery, arguments: dict[str, str]) -> str:
    """The text the service runs for the question: defaults filled and arguments bound as the
    service does (a body by the IRIs its name resolves to in the store)."""
    filled = with_defaults(reader, query, arguments)
    return bind_values(query.sparql, bind_arguments(reader, query, filled))


def timed_get(client: httpx.Client, url: str, params: dict[str, str], accept: str) -> tuple[float, int]:
    """Wall seconds and status of one GET."""
    started = time.perf_counter()
    response = client.get(url, params=params, headers={"Accept": accept})
    return time.perf_counter() - started, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an hsvo store directory (served as it is)")
    parser.add_argument("--dataset", type=Path, help="its dataset as N-Quads (dumped from the store if not given)")
    parser.add_argument("--smoke", action="store_true", help="the seed graph, one round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="hsvo-canned-scale-"))
    try:
        if args.smoke:
            store, rounds = scratch / "store", 1
            measure([HSVO, "--store-path", str(store), "load"], cwd=ROOT)
        elif args.store is None:
            parser.error("give --store (or --smoke)")
        else:
            store, rounds = args.store, args.rounds
        dataset = args.dataset
        if dataset is None:
            dataset = scratch / "dataset.nq"
            dump_dataset(store, dataset)
        measured(store, dataset, rounds, judged=not args.smoke)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measured(store: Path, dataset: Path, rounds: int, judged: bool) -> None:
    catalog = load_catalog(Settings().queries_dir)
    asked = list(questions(catalog))
    with store_reader(store) as reader:  # before the service holds the store
        texts = {index: bound_sparql(reader, catalog[query_id], arguments)
                 for index, (query_id, arguments) in enumerate(asked)}
    limit = Settings().query_time_limit_s
    ports = free_port(), free_port()
    hsvo_url, memory_url = (f"http://127.0.0.1:{port}" for port in ports)
    with running([HSVO, "--store-path", str(store), "serve", "--port", str(ports[0])],
                 f"{hsvo_url}/health"), \
            running([OXIGRAPH, "serve", "--union-default-graph", "--bind", f"127.0.0.1:{ports[1]}"],
                    f"{memory_url}/query?query=ASK%7B%7D"), \
            httpx.Client(timeout=max(120.0, 4 * limit)) as client:
        client.post(f"{memory_url}/store", content=dataset.read_bytes(),
                    headers={"Content-Type": "application/n-quads"}, timeout=600).raise_for_status()
        client.get(f"{hsvo_url}/sparql", params={"query": "ASK {}"}).raise_for_status()
        workers_in_memory_s(hsvo_url)
        hsvo_s: dict[int, list[float]] = {index: [] for index in texts}
        sparql_s: dict[int, list[float]] = {index: [] for index in texts}
        oxigraph_s: dict[int, list[float]] = {index: [] for index in texts}
        statuses: dict[int, set[int]] = {index: set() for index in texts}
        for query_id, arguments in asked:  # once each: the dataset memos filled
            client.get(f"{hsvo_url}/q/{query_id}", params=arguments, headers={"Accept": "application/json"})
        for _ in range(rounds):
            for index, (query_id, arguments) in enumerate(asked):
                seconds, status = timed_get(client, f"{hsvo_url}/q/{query_id}", arguments,
                                               "application/json")
                hsvo_s[index].append(seconds)
                statuses[index].add(status)
                seconds, status = timed_get(client, f"{hsvo_url}/sparql", {"query": texts[index]}, JSON)
                sparql_s[index].append(seconds if status == 200 else float("nan"))
                seconds, status = timed_get(client, f"{memory_url}/query", {"query": texts[index]}, JSON)
                oxigraph_s[index].append(seconds if status == 200 else float("nan"))
    print(f"{'question':54} {'/q JSON':>10} {'/sparql':>10} {'oxigraph':>10}  ratio  status")
    for index, (query_id, arguments) in enumerate(asked):
        name = " ".join([query_id, *(f"{key}={value}" for key, value in arguments.items())])
        ours, theirs = statistics.median(hsvo_s[index]), statistics.median(oxigraph_s[index])
        print(f"{name[:54]:54} {1e3 * ours:8.1f}ms {1e3 * statistics.median(sparql_s[index]):8.1f}ms "
              f"{1e3 * theirs:8.1f}ms  {ours / theirs:5.2f}  "
              f"{','.join(map(str, sorted(statuses[index])))}", flush=True)
    slowest = max(texts, key=lambda index: statistics.median(hsvo_s[index]))
    failed = [asked[index][0] for index in texts if statuses[index] != {200}]
    print(f"{len(failed)} of {len(asked)} questions answered other than 200" +
          (f": {', '.join(failed)}" if failed else ""))
    worst = float("inf") if failed else statistics.median(hsvo_s[slowest])
    verdict(f"every canned question within the time limit: the slowest ({asked[slowest][0]}), "
            f"median of {rounds}", worst, limit, unit=" s", judged=judged)


if __name__ == "__main__":
    main()

"""`hsvo serve` against `oxigraph serve` on the same data, driven by `wrk`; and the soak.

The synthetic governance graph (benchmarks/synthetic.py) is loaded with `hsvo load`; the
resulting dataset (inferences included) is dumped and loaded into `oxigraph serve` on RocksDB
(its normal mode) and in memory, both with the union default graph as hsvo has it. Each query
is then driven at c=8 against each server, and the targets of issue 10 are printed as ratios:

- `/sparql` throughput ≥ 1.0× oxigraph on RocksDB on every query, ≥ 0.8× oxigraph in memory on
  the selective ones;
- `ASK {}` p50 at c=1 (the fixed cost of a request) ≤ 3× oxigraph's;
- RSS while serving ≤ 2× oxigraph in memory;
- the first query after start answers within 2 s.

With ``--soak SECONDS`` (480 for the 8-minute soak; never in the test suite) it then drives
hsvo alone at c=16 and checks for zero errors and flat memory.

    .venv/bin/python benchmarks/serve.py --size 1m
    .venv/bin/python benchmarks/serve.py --size 1m --soak 480
    .venv/bin/python benchmarks/serve.py --smoke       # 10k triples, a second per query
"""

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from common import (
    HSVO, OXIGRAPH, ROOT, Load, drive, first_answer_s, free_port, machine, measure, query_url,
    running, tree_rss, verdict,
)
from synthetic import ID, SIZES, generate

_PREFIXES = """PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# name -> (query, selective?)
QUERIES = {
    "ask": ("ASK {}", True),
    "a (one body's activities)": (_PREFIXES + f"""SELECT ?activity ?label WHERE {{
  ?activity hsvo:involves <{ID}body/m0-b1> ; rdfs:label ?label }}""", True),
    "b (activities per year)": (_PREFIXES + """SELECT ?year (COUNT(?activity) AS ?n) WHERE {
  ?activity a hsvo:Activity ; hsvo:year ?year } GROUP BY ?year ORDER BY ?year""", False),
    "d (13 OPTIONALs, one list)": (_PREFIXES + f"""SELECT * WHERE {{
  ?activity hsvo:listedIn <{ID}document/m0-aktivitetslista-2024> .
  OPTIONAL {{ ?activity rdfs:label ?label }} OPTIONAL {{ ?activity hsvo:year ?year }}
  OPTIONAL {{ ?activity hsvo:rowNumber ?row }} OPTIONAL {{ ?activity hsvo:localFocusArea ?area }}
  OPTIONAL {{ ?activity hsvo:localFocusArea/rdfs:label ?areaLabel }}
  OPTIONAL {{ ?activity hsvo:followUpIndicator ?indicator }}
  OPTIONAL {{ ?activity hsvo:responsibleBody ?body }}
  OPTIONAL {{ ?activity hsvo:responsibleBody/rdfs:label ?bodyLabel }}
  OPTIONAL {{ ?activity hsvo:responsibleBody/hsvo:abbreviation ?abbreviation }}
  OPTIONAL {{ ?activity hsvo:hasOutcome ?outcome }}
  OPTIONAL {{ ?activity hsvo:hasOutcome/hsvo:status ?status }}
  OPTIONAL {{ ?activity hsvo:hasOutcome/hsvo:summary ?summary }}
  OPTIONAL {{ ?activity hsvo:participatingBody ?party }}
}}""", True),
    "seed: Äldrenämnden's activities": (_PREFIXES + """SELECT ?activity ?label WHERE {
  ?body hsvo:abbreviation "ÄLN" . ?activity hsvo:responsibleBody ?body ; rdfs:label ?label }""", True),
}


def dump_dataset(store_path: Path, out: Path) -> None:
    """The current generation of an hsvo store as N-Quads (what oxigraph serves)."""
    generation = store_path / (store_path / "GENERATION").read_text().strip()
    ox.Store.read_only(str(generation)).dump(str(out), format=ox.RdfFormat.N_QUADS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1m", choices=sorted(SIZES))
    parser.add_argument("--smoke", action="store_true", help="10k triples, 1 s per query")
    parser.add_argument("--seconds", type=float, default=10, help="how long each query is driven")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--soak", type=float, default=0, help="then drive hsvo for this many seconds at c=16")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    size, seconds = ("10k", 1.0) if args.smoke else (args.size, args.seconds)
    warm_up = not args.smoke
    work = args.workdir or Path(tempfile.mkdtemp(prefix="hsvo-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(machine())
    try:
        data = generate(SIZES[size], work / f"synthetic-{size}.nt")
        store, rocks, dataset = work / "serve-hsvo", work / "serve-oxigraph", work / "dataset.nq"
        for old in (store, rocks):
            shutil.rmtree(old, ignore_errors=True)
        measure([HSVO, "--store-path", str(store), "load", str(data)], cwd=ROOT)
        dump_dataset(store, dataset)
        measure([OXIGRAPH, "load", "--location", str(rocks), "--file", str(dataset)],
                stderr=subprocess.DEVNULL)
        compare(store, rocks, dataset, seconds, args.connections, args.soak, warm_up)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def compare(store: Path, rocks: Path, dataset: Path, seconds: float, connections: int,
            soak_s: float, warm_up: bool) -> None:
    ports = [free_port() for _ in range(3)]
    hsvo_url, rocks_url, memory_url = (f"http://127.0.0.1:{p}" for p in ports)
    hsvo = [HSVO, "--store-path", str(store), "serve", "--port", str(ports[0])]
    rocks_server = [OXIGRAPH, "serve", "--location", str(rocks), "--union-default-graph",
                    "--bind", f"127.0.0.1:{ports[1]}"]
    memory_server = [OXIGRAPH, "serve", "--union-default-graph", "--bind", f"127.0.0.1:{ports[2]}"]
    with running(hsvo, f"{hsvo_url}/health") as hsvo_process, \
            running(rocks_server, f"{rocks_url}/query?query=ASK%7B%7D") as _, \
            running(memory_server, f"{memory_url}/query?query=ASK%7B%7D") as memory_process:
        first = first_answer_s(f"{hsvo_url}/sparql", list(QUERIES.values())[1][0])
        import httpx

        httpx.post(f"{memory_url}/store", content=dataset.read_bytes(),
                   headers={"Content-Type": "application/n-quads"}, timeout=600).raise_for_status()
        endpoints = {"hsvo": f"{hsvo_url}/sparql", "oxigraph RocksDB": f"{rocks_url}/query",
                     "oxigraph memory": f"{memory_url}/query"}
        results: dict[str, dict[str, Load]] = {}
        for name, (query, _) in QUERIES.items():
            results[name] = {}
            for server, endpoint in endpoints.items():
                if warm_up:
                    drive(query_url(endpoint, query), connections=connections, seconds=1)
                load = drive(query_url(endpoint, query), connections=connections, seconds=seconds)
                results[name][server] = load
                print(f"{name:34} {server:17} {load.rps:8.0f} req/s  p50 {load.p50_ms:7.2f} ms  "
                      f"p99 {load.p99_ms:7.2f} ms  errors {load.errors}", flush=True)
        fixed = {server: drive(query_url(endpoint, "ASK {}"), connections=1, seconds=seconds)
                 for server, endpoint in list(endpoints.items())[:2]}
        print("ASK {} at c=1, p50: " + ", ".join(f"{s} {load.p50_ms:.2f} ms" for s, load in fixed.items()))
        hsvo_rss, memory_rss = tree_rss(hsvo_process.pid), tree_rss(memory_process.pid)
        print(f"RSS: hsvo serve {hsvo_rss / 2**20:.0f} MiB (API + workers), "
              f"oxigraph serve in memory {memory_rss / 2**20:.0f} MiB")
        for name, (_, selective) in QUERIES.items():
            got = {server: load.rps for server, load in results[name].items()}
            if not all(got.values()):
                print(f"n/a  {name}: a server finished no request in {seconds:g} s at "
                      f"c={connections} ({', '.join(s for s, rps in got.items() if not rps)})")
                continue
            verdict(f"{name} vs oxigraph RocksDB", got["hsvo"] / got["oxigraph RocksDB"], 1.0,
                    higher_is_better=True)
            if selective:
                verdict(f"{name} vs oxigraph memory", got["hsvo"] / got["oxigraph memory"], 0.8,
                        higher_is_better=True)
        verdict("ASK {} p50 (c=1) vs oxigraph RocksDB",
                fixed["hsvo"].p50_ms / fixed["oxigraph RocksDB"].p50_ms, 3)
        verdict("RSS serving vs oxigraph in memory", hsvo_rss / memory_rss, 2)
        verdict("first query after start", first, 2, unit=" s")
        if soak_s:
            soak(hsvo_process.pid, f"{hsvo_url}/sparql", soak_s)


def soak(pid: int, endpoint: str, seconds: float) -> None:
    """c=16 for ``seconds`` in rounds of a minute, cycling the queries: zero errors, flat RSS."""
    names = list(QUERIES)
    samples, errors, requests = [tree_rss(pid)], 0, 0
    started = time.monotonic()
    round_number = 0
    while time.monotonic() - started < seconds:
        query = QUERIES[names[round_number % len(names)]][0]
        load = drive(query_url(endpoint, query), connections=16,
                     seconds=min(60, seconds - (time.monotonic() - started)) or 1)
        errors, requests = errors + load.errors, requests + load.requests
        samples.append(tree_rss(pid))
        round_number += 1
    print(f"soak: {requests} requests, {errors} errors, RSS MiB "
          f"{' '.join(str(s // 2**20) for s in samples)}")
    verdict("soak errors", errors, 0, unit="")
    verdict("soak RSS growth (last/second sample)", samples[-1] / samples[min(1, len(samples) - 1)], 1.2)


if __name__ == "__main__":
    main()

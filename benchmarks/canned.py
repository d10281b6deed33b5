"""A canned question against the same SPARQL on `/sparql`, on a store that already exists.

`serve.py` builds its stores from scratch and measures everything; this script serves an
existing hsvo store (for instance the `serve-hsvo` of a `serve.py --workdir` run, copied: the
service takes leases in the store directory) and measures only the canned targets of issue
10, in rounds, each request kind driven alone at c=8 with `wrk`:

- `/sparql` with the canned question's SPARQL, as `serve.py` sends it (`canned_sparql`);
- `/q/<id>` as JSON (target: p50 ≤ 1.2× `/sparql`) and as its HTML page (p50 ≤ 2×).

Besides latency it prints the CPU the service's own process (the API, not the query
workers, which run the same query for all three) spent per request, which a busy machine
disturbs much less than latency. `--cold` first drives the HTML page for a few seconds right
after start (once the workers answer from the in-memory copy), before any page has run:
what a burst of first pages costs.

    cp -r WORKDIR/serve-hsvo /tmp/canned-store
    .venv/bin/python benchmarks/canned.py --store /tmp/canned-store --rounds 3 --cold
    .venv/bin/python benchmarks/canned.py --smoke     # the seed graph, a second per request kind
"""

import argparse
import os
import shutil
import statistics
import tempfile
import urllib.parse
from pathlib import Path

import httpx

from common import (
    HSVO, JSON, ROOT, Load, drive, free_port, measure, query_url, running, verdict, wait_idle,
    workers_in_memory_s,
)
from serve import CANNED, canned_sparql, store_reader

KINDS = ("SPARQL on /sparql", "canned JSON", "canned HTML page")


def own_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of one process, without its children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def urls(base: str, sparql: str) -> dict[str, tuple[str, str]]:
    """Each request kind: (URL, Accept); ``sparql`` is the text the service runs for ``CANNED``."""
    query_id, arguments = CANNED
    page = f"{base}/q/{query_id}" + (f"?{urllib.parse.urlencode(arguments)}" if arguments else "")
    return {KINDS[0]: (query_url(f"{base}/sparql", sparql), JSON),
            KINDS[1]: (page, "application/json"), KINDS[2]: (page, "text/html")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an hsvo store directory (served as it is)")
    parser.add_argument("--smoke", action="store_true", help="the seed graph, 1 s per request kind")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--cold", action="store_true", help="first drive the HTML page right after start")
    args = parser.parse_args()
    scratch = None
    if args.smoke:
        scratch = Path(tempfile.mkdtemp(prefix="hsvo-canned-"))
        store, seconds, rounds = scratch / "store", 1.0, 1
        measure([HSVO, "--store-path", str(store), "load"], cwd=ROOT)
    elif args.store is None:
        parser.error("give --store (or --smoke)")
    else:
        store, seconds, rounds = args.store, args.seconds, args.rounds
    try:
        measured(store, seconds, rounds, args.connections, args.cold, judged=not args.smoke)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def measured(store: Path, seconds: float, rounds: int, connections: int, cold: bool,
             judged: bool) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with store_reader(store) as reader:  # before the service holds the store
        sparql = canned_sparql(reader, *CANNED)
    with running([HSVO, "--store-path", str(store), "serve", "--port", str(port)],
                 f"{base}/health") as server:
        httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=120).raise_for_status()
        workers_in_memory_s(base)
        kinds = urls(base, sparql)
        if cold:
            page, accept = kinds[KINDS[2]]
            load = drive(page, connections=connections, seconds=4, accept=accept)
            print(f"cold: the HTML page in the first 4 s  {load.rps:6.0f} req/s  p50 {load.p50_ms:7.2f} ms  "
                  f"p99 {load.p99_ms:8.2f} ms  errors {load.errors}", flush=True)
        for url, accept in kinds.values():  # every kind answered once: nothing left to compute
            httpx.get(url, headers={"Accept": accept}, timeout=120).raise_for_status()
        p50: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for round_number in range(rounds):
            for kind, (url, accept) in kinds.items():
                wait_idle([server.pid])
                if judged:
                    drive(url, connections=connections, seconds=1, accept=accept)
                before = own_cpu_s(server.pid)
                load: Load = drive(url, connections=connections, seconds=seconds, accept=accept)
                cpu_ms = (own_cpu_s(server.pid) - before) / max(1, load.requests) * 1000
                p50[kind].append(load.p50_ms)
                print(f"round {round_number}  {kind:18} {load.rps:6.0f} req/s  p50 {load.p50_ms:7.2f} ms  "
                      f"p99 {load.p99_ms:8.2f} ms  API CPU {cpu_ms:5.2f} ms/request  errors {load.errors}",
                      flush=True)
    sparql = statistics.median(p50[KINDS[0]])
    verdict(f"canned JSON p50 vs the same SPARQL on /sparql ({CANNED[0]}, median of {rounds})",
            statistics.median(p50[KINDS[1]]) / sparql, 1.2, judged=judged)
    verdict(f"canned HTML page p50 vs the same SPARQL on /sparql ({CANNED[0]}, median of {rounds})",
            statistics.median(p50[KINDS[2]]) / sparql, 2, judged=judged)


if __name__ == "__main__":
    main()

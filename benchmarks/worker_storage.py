"""Should a query worker answer from the generation on disk (read-only RocksDB) or from its own
in-memory copy? Measured here on the same data, without HTTP: the time to get ready (open vs
load the copy), the memory it costs, and the median time of the serve benchmark's queries.

    .venv/bin/python benchmarks/worker_storage.py --size 1m
    .venv/bin/python benchmarks/worker_storage.py --smoke
"""

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from common import HSVO, ROOT, machine, measure, tree_rss
from serve import benchmark_queries, store_reader
from synthetic import SIZES, generate


def median_ms(store: ox.Store, query: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = store.query(query, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryBoolean):
            for _ in result:
                pass
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1m", choices=sorted(SIZES))
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    size, runs = ("10k", 2) if args.smoke else (args.size, args.runs)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="hsvo-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(machine())
    try:
        data = generate(SIZES[size], work / f"synthetic-{size}.nt")
        store_path = work / "workers-hsvo"
        shutil.rmtree(store_path, ignore_errors=True)
        measure([HSVO, "--store-path", str(store_path), "load", str(data)], cwd=ROOT)
        with store_reader(store_path) as reader:
            queries = benchmark_queries(reader)
        generation = store_path / (store_path / "GENERATION").read_text().strip()

        before = tree_rss(os.getpid())
        started = time.perf_counter()
        on_disk = ox.Store.read_only(str(generation))
        open_s = time.perf_counter() - started
        after_open = tree_rss(os.getpid())
        started = time.perf_counter()
        in_memory = ox.Store()
        in_memory.bulk_load(on_disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        copy_s = time.perf_counter() - started
        after_copy = tree_rss(os.getpid())
        print(f"ready: on disk {open_s * 1000:.0f} ms (+{(after_open - before) / 2**20:.0f} MiB), "
              f"in memory {copy_s:.1f} s (+{(after_copy - after_open) / 2**20:.0f} MiB per worker)")
        for name, (query, _) in queries.items():
            disk, memory = median_ms(on_disk, query, runs), median_ms(in_memory, query, runs)
            print(f"{name:34} on disk {disk:8.2f} ms  in memory {memory:8.2f} ms  "
                  f"memory/disk speed {disk / max(memory, 1e-6):5.2f}×")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Why the service queries pyoxigraph: the example question on the seed graph, timed on the
embedded store against rdflib's pure-Python SPARQL engine over the same triples (the
baseline), both measured in this run.

    .venv/bin/python benchmarks/query_engines.py [--repeat N]

Prints median times and the speed-up ratio; also the load (parse + inference) time.
"""

import argparse
import statistics
import time

from rdflib import Dataset, URIRef

from hsvo_graph.sparql.binding import bind_values
from hsvo_graph.canned.catalog import bind_arguments, load_catalog
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import build_graphs
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.base import nquads_of


def median_seconds(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    settings = Settings(store_path=None)
    started = time.perf_counter()
    graphs = build_graphs(settings)
    build = time.perf_counter() - started
    triples = sum(len(g) for g in graphs.values())

    store = EmbeddedStore(None)
    store.replace_graphs(nquads_of(graphs), graphs.keys(), drop_others=True)
    dataset = Dataset(default_union=True)
    for iri, graph in graphs.items():
        target = dataset.graph(URIRef(iri))
        for triple in graph:
            target.add(triple)

    query = load_catalog(settings.queries_dir)["activities_by_body_and_area"]
    bound = bind_values(query.sparql, bind_arguments(query, {"body": "ÄLN", "area": "nära vård"}))
    expected = len(store.select(bound).rows)
    assert len(list(dataset.query(bound))) == expected, "engines disagree"

    oxigraph = median_seconds(lambda: store.select(bound), args.repeat)
    rdflib_time = median_seconds(lambda: list(dataset.query(bound)), max(3, args.repeat // 5))
    print(f"seed graph: {triples} triples; parse + OWL-RL inference: {build:.2f} s")
    print(f"example question ({expected} rows), median of runs:")
    print(f"  rdflib (baseline)  {rdflib_time * 1000:9.2f} ms")
    print(f"  pyoxigraph         {oxigraph * 1000:9.2f} ms")
    print(f"  ratio              {rdflib_time / oxigraph:9.1f}x faster")


if __name__ == "__main__":
    main()

"""Queries that nest or chain deeper than pyoxigraph's stack allows are refused before they run.

pyoxigraph recurses once per operator of a chain (``1*1*…``, ``!!…``, ``a/b/…``, UNION after
UNION, projected expressions, …): a 16 KB query of 8,000 ``*`` overflowed the query
worker's stack, killed it, and the client got a 502 naming its process id. The analysis
now counts those chains (``analysis.MAX_CHAIN``) and the guard answers 400; a worker that
dies anyway is logged, with the start of its query, and the client is not told its pid.
"""

import logging
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hsvo_graph.sparql.analysis import MAX_CHAIN, MAX_DEPTH, AnalysisError, analyse
from hsvo_graph.sparql.executor import WorkerPool
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store import EmbeddedStore, StoreError
from hsvo_graph.store.tracking import TrackedStore

JSON = "application/sparql-results+json"

# Each made with n links, and the n that overflowed the 8 MiB stack of pyoxigraph 0.5.13
# (measured by bisection; every such text is under the 64 KiB size limit).
CHAINS: dict[str, tuple[Callable[[int], str], int]] = {
    "product": (lambda n: "ASK { FILTER(" + "*".join(["1"] * n) + ") }", 6933),
    "sum": (lambda n: "ASK { FILTER(" + "+".join(["1"] * n) + ") }", 6933),
    "negation": (lambda n: "ASK { FILTER(" + "!" * n + "true) }", 9375),
    "disjunction": (lambda n: "ASK { FILTER(" + "||".join(["?x"] * n) + ") }", 9375),
    "path": (lambda n: "ASK { ?s " + "/".join(["<p:a>"] * n) + " ?o }", 8202),
    "alternative path": (lambda n: "ASK { ?s " + "|".join(["<a:>"] * n) + " ?o }", 11015),
    "union": (lambda n: "ASK { " + "UNION".join(["{}"] * n) + " }", 6562),
    "triple patterns": (lambda n: "ASK { <a:> " + ";".join(["<a:> 1"] * n) + " }", 8202),
    "projection": (lambda n: "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(n)) + " {}", 2635),
    "chain in nested calls": (lambda n: "ASK { FILTER(" + "CONCAT(" * (MAX_DEPTH - 2)
                              + "*".join(["1"] * n) + ")" * (MAX_DEPTH - 2) + ") }", 6933),
}


def longest_accepted(make: Callable[[int], str]) -> str:
    """The query of ``make`` with the most links the analysis accepts."""
    low, high = 1, 4 * MAX_CHAIN
    while high - low > 1:
        middle = (low + high) // 2
        try:
            analyse(make(middle))
            low = middle
        except AnalysisError:
            high = middle
    return make(low)


@pytest.mark.parametrize("name", CHAINS)
def test_a_chain_that_overflowed_the_worker_is_refused_with_a_located_400(client, name):
    make, crashed_at = CHAINS[name]
    text = make(crashed_at)
    assert len(text.encode()) < 65536  # under the size limit: only the depth refuses it
    answer = client.post("/sparql", content=text,
                         headers={"Content-Type": "application/sparql-query"})
    assert answer.status_code == 400, answer.text
    assert f"more than {MAX_CHAIN} operators or pattern elements" in answer.text
    assert "at line 1, column " in answer.text


@pytest.mark.parametrize("name", CHAINS)
def test_the_longest_accepted_chains_run_even_on_a_quarter_of_the_stack(name):
    """The margin: what the analysis lets through runs with a 2 MiB stack (workers have
    8 MiB), in a plain pyoxigraph process."""
    text = longest_accepted(CHAINS[name][0])
    assert len(text) > MAX_CHAIN  # the chain is long, not cut short by another limit

    def small_stack() -> None:
        resource.setrlimit(resource.RLIMIT_STACK, (2 << 20, 2 << 20))

    run = subprocess.run(
        [sys.executable, "-c", "import pyoxigraph, sys; "
         "r = pyoxigraph.Store().query(sys.stdin.read()); "
         "r if isinstance(r, pyoxigraph.QueryBoolean) else list(r)"],
        input=text, text=True, capture_output=True, preexec_fn=small_stack, timeout=120)
    assert run.returncode == 0, run.stderr[-500:]


@pytest.mark.parametrize("text", [
    "SELECT * { VALUES ?x { " + " ".join(f"-{i}" for i in range(3000)) + " } }",
    "SELECT * { VALUES (?x ?y) { " + " ".join(f"(-{i} +{i})" for i in range(2000)) + " } }",
    "ASK { FILTER(1 IN (" + ", ".join(f"-{i}" for i in range(3000)) + ")) }",
    "ASK { FILTER(CONCAT(" + ", ".join(['"a"'] * 3000) + ") != '') }",
])
def test_long_lists_are_data_not_chains(client, text):
    answer = client.post("/sparql", content=text,
                         headers={"Content-Type": "application/sparql-query"})
    assert answer.status_code == 200, answer.text


def test_the_guards_positions_are_line_and_column(client):
    for text, where in [("SELECT * WHERE {\n  ?s ?p ?o ]\n}", "unbalanced ']' at line 2, column 12"),
                        ("ASK {\n  FILTER(?o = ' )\n}", "unexpected \"'\" at line 2, column 15"),
                        ("ASK {\n" + "(" * 70 + ")" * 70 + "}", "levels at line 2, column 64")]:
        answer = client.post("/sparql", content=text,
                             headers={"Content-Type": "application/sparql-query"})
        assert answer.status_code == 400
        assert where in answer.text
        assert "offset" not in answer.text


def test_a_worker_that_dies_is_logged_and_its_pid_is_not_shown(tmp_path: Path, caplog):
    """Past the guard (the service's own readers do not pass it), a chain still kills a
    worker: the pool logs which one and the query's start, and says nothing internal."""
    pool = WorkerPool(TrackedStore(EmbeddedStore(tmp_path / "db")), 30.0, 1)
    crash = CHAINS["product"][0](20000)
    try:
        with caplog.at_level(logging.ERROR, "hsvo_graph.sparql.executor"), \
                pytest.raises(StoreError) as refused:
            pool.run_blocking(QueryRequest(crash, JSON, "text/turtle", 10), 30.0)
        [pid] = {record.args[0] for record in caplog.records  # type: ignore[index]
                 if "stopped unexpectedly" in record.getMessage()}
        logged = caplog.text
        assert crash[:100] in logged and crash not in logged  # its start, not all of it
        assert str(pid) not in str(refused.value)
        assert not any(ch.isdigit() for ch in str(refused.value))
        # the pool answers again, with a new worker
        assert pool.run_blocking(QueryRequest("ASK {}", JSON, "text/turtle", 10), 30.0).body
    finally:
        pool.close()

"""The benchmark scripts still run: each one once on a 10k-triple graph (``--smoke``), so they
cannot rot between the real runs recorded in benchmarks/README.md. Nothing here judges speed."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], capture_output=True,
                          text=True, timeout=120, cwd=BENCHMARKS.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout


def assert_judges_nothing(out: str) -> None:
    """A 10k-triple run shows the figures but says nothing about targets set at 1 M."""
    assert not [line for line in out.splitlines() if line.startswith(("ok ", "MISS"))]


def test_the_synthetic_graph_is_seeded_and_sized(tmp_path: Path):
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    run("synthetic.py", "10k", "--out", str(first))
    run("synthetic.py", "10k", "--out", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert 7_000 < len(first.read_bytes().splitlines()) < 13_000


def test_load_benchmark_prints_its_ratios():
    out = run("load.py", "--smoke")
    for target in ("load CPU vs oxigraph load (10k)", "load peak RSS vs oxigraph", "completes within 24 GiB"):
        assert target in out
    assert_judges_nothing(out)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (scripts/install-system-deps.sh)")
@pytest.mark.parametrize(("script", "lines"), [
    ("serve.py", ("vs oxigraph RocksDB", "ASK {} p50", "canned JSON p50", "canned HTML page p50",
                  "RSS serving vs oxigraph in memory, judged on PSS", "first query after start",
                  "first query after a write", "ms/request (service process",
                  "info ask throughput")),  # for information at any size
    ("canned.py", ("SPARQL on /sparql", "canned JSON", "canned HTML page", "API CPU",
                   "canned JSON p50 vs the same SPARQL", "canned HTML page p50 vs the same SPARQL")),
])
def test_the_wrk_benchmarks_print_their_ratios(script: str, lines: tuple[str, ...]):
    out = run(script, "--smoke")
    for line in lines:
        assert line in out
    assert_judges_nothing(out)


def test_pss_counts_memory_shared_with_a_forked_worker_once(monkeypatch: pytest.MonkeyPatch):
    """Why the memory target is judged on PSS: a worker forked from its parent shares the
    parent's pages copy-on-write, and summed RSS counts them twice."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from common import tree_pss, tree_rss

    forking = subprocess.Popen(
        [sys.executable, "-c", "import os, sys, time\n"
         "data = b'x' * (64 << 20)\n"
         "if os.fork(): print('forked', flush=True)\n"
         "time.sleep(30)"], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert forking.stdout is not None and forking.stdout.readline() == "forked\n"
        rss, pss = tree_rss(forking.pid), tree_pss(forking.pid)
        assert rss > 128 << 20
        assert pss < 0.75 * rss
    finally:
        os.killpg(forking.pid, signal.SIGKILL)  # the parent and its forked child
        forking.wait()


def test_validation_benchmark_runs():
    assert "context kept" in run("validate_plan.py", "--smoke")


def test_worker_storage_benchmark_runs():
    assert "in memory" in run("worker_storage.py", "--smoke")


def test_canned_scale_benchmark_asks_every_question_of_both_servers():
    """Every .rq file is asked (its examples, and without arguments where it may be), and
    every question answered 200 by hsvo (canned JSON and /sparql) and by oxigraph."""
    out = run("canned_scale.py", "--smoke")
    rows = [line.split()[0] for line in out.splitlines() if "ms " in line and line.endswith(" 200")]
    asked = {path.stem for path in (BENCHMARKS.parent / "queries").glob("*.rq")}
    assert set(rows) == asked
    assert "nan" not in out  # /sparql and oxigraph answered the same text
    assert f"0 of {len(rows)} questions answered other than 200" in out
    assert "every canned question within the time limit" in out
    assert_judges_nothing(out)

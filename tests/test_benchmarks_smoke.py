"""The benchmark scripts still run: each one once on a 10k-triple graph (``--smoke``), so they
cannot rot between the real runs recorded in benchmarks/README.md. Nothing here judges speed."""

import shutil
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


def test_the_synthetic_graph_is_seeded_and_sized(tmp_path: Path):
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    run("synthetic.py", "10k", "--out", str(first))
    run("synthetic.py", "10k", "--out", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert 7_000 < len(first.read_bytes().splitlines()) < 13_000


def test_load_benchmark_prints_its_ratios():
    out = run("load.py", "--smoke")
    assert "load CPU vs oxigraph load (10k)" in out and "load peak RSS" in out


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (scripts/install-system-deps.sh)")
def test_serve_benchmark_prints_its_ratios():
    out = run("serve.py", "--smoke")
    for target in ("vs oxigraph RocksDB", "ASK {} p50", "RSS serving", "first query after start"):
        assert target in out


def test_validation_benchmark_runs():
    assert "context kept" in run("validate_plan.py", "--smoke")


def test_worker_storage_benchmark_runs():
    assert "in memory" in run("worker_storage.py", "--smoke")

"""Concurrency: validation answers two uploads at once on a fresh process (pySHACL's SPARQL
parser is not thread-safe; before the lock both got 500 and every later one too), and
imports are serialised with the inferred graph recomputed under the same lock, over HTTP
(threads) and from the CLI (processes), against the embedded and the remote store."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.namespaces import GRAPH, INFERRED_GRAPH
from hsvo_graph.store import EmbeddedStore, GraphStore, RemoteStore

from .servers import running_oxigraph
from .test_import import PLAN_2026

PLANS = {  # two plans that import side by side: (municipality, graph)
    "Uppsala": str(GRAPH["plan-aktivitetslista-hsvo-uppsala-2026"]),
    "Älvkarleby": str(GRAPH["plan-aktivitetslista-hsvo-alvkarleby-2026"]),
}
BAD = PLAN_2026.replace(b"VS\n", b"XYZ\n")

# One fresh process: the app over a copy of a loaded store, two uploads at the same moment.
_TWO_AT_ONCE = textwrap.dedent("""
    import json, sys, threading
    from pathlib import Path
    from fastapi.testclient import TestClient
    from hsvo_graph.api.app import create_app
    from hsvo_graph.config import Settings
    path, good, bad = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(store="embedded", store_path=path, plans_dir=path.parent / "plans",
                        query_workers=1)
    answers = {}
    with TestClient(create_app(settings)) as client:
        barrier = threading.Barrier(2)
        def upload(name, data):
            barrier.wait()
            r = client.post("/validate", files={"file": ("plan.csv", data)},
                            data={"municipality": "Uppsala", "year": "2026"})
            answers[name] = [r.status_code, r.json().get("conforms"),
                             sorted({f["rule"].rsplit("#", 1)[1] for g in r.json().get("groups", [])
                                     for f in g["findings"]})]
        threads = [threading.Thread(target=upload, args=(n, p.read_bytes()))
                   for n, p in (("good", good), ("bad", bad))]
        [t.start() for t in threads]
        [t.join() for t in threads]
    print(json.dumps(answers))
""")


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("concurrency") / "store"
    store = EmbeddedStore(path)
    load(store, Settings(store="embedded", store_path=path))
    store.close()
    return path


def test_two_uploads_at_once_on_a_fresh_process_ten_times(loaded_store: Path, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(PLAN_2026)
    bad.write_bytes(BAD)
    for trial in range(10):
        copy = tmp_path / f"trial-{trial}" / "store"
        shutil.copytree(loaded_store, copy)
        process = subprocess.run(
            [sys.executable, "-c", _TWO_AT_ONCE, str(copy), str(good), str(bad)],
            capture_output=True, timeout=300,
        )
        assert process.returncode == 0, process.stderr.decode()[-2000:]
        answers = json.loads(process.stdout.decode().strip().splitlines()[-1])
        assert answers["good"] == [200, True, []], (trial, answers)
        assert answers["bad"] == [200, False, ["Activity-bodyKnown"]], (trial, answers)
        shutil.rmtree(copy.parent)


def _plan_facts_inferred(store: GraphStore) -> dict[str, bool]:
    """For each plan: is it in the store, and does the inferred graph hold facts about its
    activities (it was recomputed with the plan in it)?"""
    found = {}
    for municipality, graph in PLANS.items():
        found[municipality] = store.ask(
            f"ASK {{ GRAPH <{graph}> {{ ?a a <https://w3id.org/hsvo-graph/ontology#Activity> }}"
            f" GRAPH <{INFERRED_GRAPH}> {{ ?a ?p ?o }} }}"
        )
    return found


def _at_once(*calls: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _http_imports(store: GraphStore, settings: Settings) -> None:
    with TestClient(create_app(settings, store)) as client:
        def upload(municipality: str) -> Callable[[], int]:
            return lambda: client.post(
                "/import", files={"file": ("plan.csv", PLAN_2026)},
                data={"municipality": municipality, "year": "2026"},
                headers={"Authorization": "Bearer hemligt"},
            ).status_code

        assert _at_once(*(upload(m) for m in PLANS)) == [200, 200]
    assert _plan_facts_inferred(store) == {m: True for m in PLANS}


def test_concurrent_http_imports_embedded(tmp_path: Path) -> None:
    settings = Settings(store="embedded", store_path=None, admin_token="hemligt",
                        plans_dir=tmp_path / "plans")
    store = EmbeddedStore(None)
    load(store, settings)
    _http_imports(store, settings)


def _remote(url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(store="remote", remote_query_url=f"{url}/query",
                    remote_update_url=f"{url}/update", remote_gsp_url=f"{url}/store",
                    plans_dir=tmp_path / "plans", **extra)  # type: ignore[arg-type]


def _remote_store(settings: Settings) -> RemoteStore:
    return RemoteStore(settings.remote_query_url, settings.remote_update_url,
                       settings.remote_gsp_url)


@pytest.mark.remote
def test_concurrent_http_imports_remote(tmp_path: Path) -> None:
    with running_oxigraph(tmp_path / "oxigraph") as url:
        settings = _remote(url, tmp_path, admin_token="hemligt")
        store = _remote_store(settings)
        load(store, settings)
        _http_imports(store, settings)


def _cli_imports(options: list[str], plans: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_bytes(PLAN_2026)
    env = {**os.environ, "HSVO_PLANS_DIR": str(plans)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "hsvo_graph.cli.main", *options, "import",
             "--municipality", municipality, "--year", "2026", str(plan)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for municipality in PLANS
    ]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, (out.decode()[-1500:], err.decode()[-1500:])


def test_concurrent_cli_imports_embedded(loaded_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(loaded_store, copy)
    _cli_imports(["--store-path", str(copy)], tmp_path / "plans", tmp_path)
    store = EmbeddedStore(copy)
    try:
        assert _plan_facts_inferred(store) == {m: True for m in PLANS}
    finally:
        store.close()


@pytest.mark.remote
def test_concurrent_cli_imports_remote(tmp_path: Path) -> None:
    with running_oxigraph(tmp_path / "oxigraph") as url:
        settings = _remote(url, tmp_path)
        store = _remote_store(settings)
        load(store, settings)
        _cli_imports(["--store", "remote", "--remote-query-url", settings.remote_query_url,
                      "--remote-update-url", settings.remote_update_url,
                      "--remote-gsp-url", settings.remote_gsp_url], tmp_path / "plans", tmp_path)
        assert _plan_facts_inferred(store) == {m: True for m in PLANS}

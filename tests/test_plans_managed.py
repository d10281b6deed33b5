"""Imported plans are durable, managed sources: kept with their history under the plans
directory, re-applied by every rebuild (also across a real `hsvo load` + `hsvo serve`
restart, as `make serve` does), listed, shown, exported and removed from the CLI and the
admin HTTP API; a re-import shows the difference and lands only when confirmed."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.cli.main import main
from hsvo_graph.config import Settings
from hsvo_graph.namespaces import GRAPH, INFERRED_GRAPH
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.validation.registry import PlanRegistry

from .servers import free_port
from .test_import import PLAN_2026, seeded

KEY = "plan-aktivitetslista-hsvo-uppsala-2026"
TARGET = str(GRAPH[KEY])
EXTRA_ROW = (
    "Kompetensförsörjning;Proaktiv samverkan kring kompetensförsörjning och bemanning;"
    "Starta ett gemensamt traineeprogram;Programmet har startat;VS\n"
).encode()
HSVO = [sys.executable, "-m", "hsvo_graph.cli.main"]


def cli(tmp_path: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    options = ["--store-path", str(tmp_path / "store"), "--plans-dir", str(tmp_path / "plans")]
    return CliRunner().invoke(main, [*options, *args], input=input)


def graphs(tmp_path: Path) -> dict[str, int]:
    store = EmbeddedStore(tmp_path / "store")
    try:
        return {g: store.triple_count(g) for g in store.graph_names()}
    finally:
        store.close()


def test_cli_lifecycle_import_replace_list_show_export_remove(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_bytes(PLAN_2026)
    assert cli(tmp_path, "load").exit_code == 0
    first = cli(tmp_path, "import", "--year", "2026", str(plan))
    assert first.exit_code == 0, first.output
    plan.write_bytes(PLAN_2026 + EXTRA_ROW)
    # A replacement shows the difference and waits for a yes; no answer imports nothing.
    refused = cli(tmp_path, "import", "--year", "2026", str(plan), input="n\n")
    assert refused.exit_code == 4
    assert "+ Starta ett gemensamt traineeprogram" in refused.output
    assert "1 tillagda / added" in refused.output and "0 borttagna / removed" in refused.output
    dry = cli(tmp_path, "import", "--dry-run", "--year", "2026", str(plan))
    assert dry.exit_code == 0 and "dry run; nothing was imported" in dry.output
    before = graphs(tmp_path)
    replaced = cli(tmp_path, "import", "--year", "2026", str(plan), input="y\n")
    assert replaced.exit_code == 0, replaced.output
    assert graphs(tmp_path)[TARGET] > before[TARGET]

    listed = cli(tmp_path, "plans", "list", "--format", "json")
    [entry] = json.loads(listed.output)
    assert (entry["key"], entry["version"], entry["action"]) == (KEY, 2, "replaced")
    assert entry["actor"].startswith("cli:") and len(entry["sha256"]) == 64
    assert entry["diff"]["added"] == ["Starta ett gemensamt traineeprogram"]
    shown = cli(tmp_path, "plans", "show", KEY)
    assert shown.output.count(KEY) == 2 and "added: Starta ett gemensamt" in shown.output
    out = tmp_path / "exported.csv"
    assert cli(tmp_path, "plans", "export", KEY, "-o", str(out)).exit_code == 0
    assert out.read_bytes() == PLAN_2026 + EXTRA_ROW

    removed = cli(tmp_path, "plans", "remove", KEY)
    assert removed.exit_code == 0, removed.output
    assert TARGET not in graphs(tmp_path)
    history = PlanRegistry(tmp_path / "plans").history(KEY)
    assert [e.action for e in history] == ["imported", "replaced", "removed"]
    assert cli(tmp_path, "plans", "export", KEY).exit_code != 0  # nothing in force
    reloaded = cli(tmp_path, "load")
    assert "re-applied" not in reloaded.output and TARGET not in graphs(tmp_path)


def test_load_reapplies_the_plans_and_says_so(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_bytes(PLAN_2026)
    cli(tmp_path, "load")
    assert cli(tmp_path, "import", "--year", "2026", str(plan)).exit_code == 0
    imported = graphs(tmp_path)
    reloaded = cli(tmp_path, "load")
    assert reloaded.exit_code == 0
    assert f"plan {KEY} v1 återlagd / re-applied" in reloaded.output
    assert graphs(tmp_path) == imported  # the plan's graph and the inferred graph with it


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"hsvo serve stopped: {process.stderr.read() if process.stderr else ''}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError(f"hsvo serve did not start on {url}")


def test_a_plan_survives_a_restart_as_make_serve_does_it(tmp_path: Path) -> None:
    """`hsvo import`, then `hsvo load` and `hsvo serve` as separate processes: the plan is
    still in the graph and served."""
    env = {**os.environ, "HSVO_STORE_PATH": str(tmp_path / "store"),
           "HSVO_PLANS_DIR": str(tmp_path / "plans"), "HSVO_QUERY_WORKERS": "1"}
    plan = tmp_path / "plan.csv"
    plan.write_bytes(PLAN_2026)

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([*HSVO, *args], env=env, capture_output=True, timeout=300)

    assert run("load").returncode == 0
    imported = run("import", "--year", "2026", str(plan))
    assert imported.returncode == 0, imported.stderr.decode()
    reloaded = run("load")  # make serve: hsvo load …
    assert reloaded.returncode == 0 and b"re-applied" in reloaded.stdout
    port = free_port()
    server = subprocess.Popen([*HSVO, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:  # … then hsvo serve
        url = f"http://127.0.0.1:{port}"
        _wait_for(f"{url}/validate", server)
        answer = httpx.get(f"{url}/sparql", params={"query": (
            "SELECT ?title WHERE { GRAPH <%s> { ?a <http://www.w3.org/2000/01/rdf-schema#label> "
            "?title } }" % TARGET)}, headers={"Accept": "application/sparql-results+json"},
            timeout=30)
        titles = {b["title"]["value"] for b in answer.json()["results"]["bindings"]}
        assert "Införa gemensam samsjuklighetsmottagning" in titles
        page = httpx.get(f"{url}/validate", timeout=30).text
        assert "Aktivitetslista 2026, HSVO Uppsala" in page  # in the list of imported plans
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_admin_api_import_preview_confirm_list_export_remove(tmp_path: Path) -> None:
    store, _ = seeded()
    settings = Settings(store="embedded", store_path=None, admin_token="hemligt",
                        plans_dir=tmp_path / "plans")
    auth = {"Authorization": "Bearer hemligt"}
    form = {"municipality": "Uppsala", "year": "2026"}
    with TestClient(create_app(settings, store)) as client:
        assert client.get("/admin/plans").status_code == 401
        first = client.post("/import", files={"file": ("plan.csv", PLAN_2026)}, data=form,
                            headers=auth)
        assert first.status_code == 200 and first.json()["import"]["version"] == 1
        bigger = {"file": ("plan.csv", PLAN_2026 + EXTRA_ROW)}
        preview = client.post("/import", files=bigger, data={**form, "preview": "1"},
                              headers=auth)
        body = preview.json()["import"]
        assert preview.status_code == 200 and not body["imported"]
        assert body["diff"] == {"added": ["Starta ett gemensamt traineeprogram"],
                                "removed": [], "changed": []}
        unconfirmed = client.post("/import", files=bigger, data=form, headers=auth)
        assert unconfirmed.status_code == 409 and unconfirmed.json()["import"]["needs_confirmation"]
        confirmed = client.post("/import", files=bigger,
                                data={**form, "confirm": body["confirm"]}, headers=auth)
        assert confirmed.status_code == 200 and confirmed.json()["import"]["version"] == 2
        [listed] = client.get("/admin/plans", headers=auth).json()
        assert listed["key"] == KEY and listed["actor"].startswith("token:")
        assert "hemligt" not in json.dumps(listed)  # a fingerprint, never the token
        history = client.get(f"/admin/plans/{KEY}", headers=auth).json()
        assert [e["action"] for e in history] == ["imported", "replaced"]
        kept = client.get(f"/admin/plans/{KEY}/report", headers=auth).json()
        assert kept["conforms"] is True and kept["source"] == "plan.csv"
        exported = client.get(f"/admin/plans/{KEY}/export", headers=auth)
        assert exported.content == PLAN_2026 + EXTRA_ROW
        assert client.get("/admin/plans/nope/export", headers=auth).status_code == 404
        assert client.delete(f"/admin/plans/{KEY}", headers=auth).status_code == 200
        assert TARGET not in store.graph_names()
        assert client.delete(f"/admin/plans/{KEY}", headers=auth).status_code == 404
        inferred = store.triple_count(str(INFERRED_GRAPH))
        assert inferred > 0


RDF_PLAN = """
@prefix hsvo: <https://w3id.org/hsvo-graph/ontology#> .
@prefix act:  <https://w3id.org/hsvo-graph/id/activity/> .
@prefix doc:  <https://w3id.org/hsvo-graph/id/document/> .
@prefix goal: <https://w3id.org/hsvo-graph/id/goal/> .
@prefix bd:   <https://w3id.org/hsvo-graph/id/body/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct:  <http://purl.org/dc/terms/> .

doc:lista-höst-2026 a hsvo:ActivityList ;
    rdfs:label "Höstlista 2026, HSVO Uppsala"@sv ; dct:title "Höstlista 2026"@sv ;
    dct:isPartOf doc:samverkansplan-hsvo-uppsala-2024-2026 ;
    hsvo:level hsvo:LocalLevel ; hsvo:startYear 2026 ; hsvo:endYear 2026 .

act:höst-2026-01 a hsvo:Activity ;
    rdfs:label "Genomföra pilot av ramverk för uppföljning"@sv ;
    hsvo:year 2026 ; hsvo:listedIn doc:lista-höst-2026 ;
    hsvo:localFocusArea goal:uppsala-2024-2026-lfa-kunskapsstyrning ;
    hsvo:followUpIndicator "Pilot genomförd"@sv ;
    hsvo:responsibleBody bd:uppsala-aln , bd:region-vs .
""".encode()


def test_an_rdf_plan_with_a_non_ascii_name_is_kept_under_a_safe_key(tmp_path: Path) -> None:
    store, _ = seeded()
    settings = Settings(store="embedded", store_path=None, admin_token="hemligt",
                        plans_dir=tmp_path / "plans")
    with TestClient(create_app(settings, store)) as client:
        done = client.post("/import", files={"file": ("höst.ttl", RDF_PLAN)},
                           headers={"Authorization": "Bearer hemligt"})
        assert done.status_code == 200, done.text
        [entry] = client.get("/admin/plans", headers={"Authorization": "Bearer hemligt"}).json()
        assert entry["key"].startswith("plan-lista-h_st-2026-") and entry["key"].isascii()
        assert entry["graph"].endswith("plan-lista-höst-2026")


def test_a_write_that_fails_leaves_no_trace_in_the_registry(tmp_path: Path) -> None:
    """The registry keeps a plan before its write (test_import: a crash never loses it);
    when the write fails instead, that version is taken back, file and report too, and so is
    a removal whose write fails."""
    from hsvo_graph.store import StoreError
    from hsvo_graph.validation.managed import Upload, import_managed, remove_managed
    from hsvo_graph.validation.context import context_from_store
    from hsvo_graph.validation.plans import PlanMeta

    from .test_import import FailingStore, load

    settings = Settings(store="embedded", store_path=None, plans_dir=tmp_path / "plans")
    store = FailingStore(None)
    load(store, settings)
    upload = Upload(PLAN_2026, "plan.csv", PlanMeta(municipality="Uppsala", year=2026))
    context_of = lambda: context_from_store(store, settings)  # noqa: E731
    registry = PlanRegistry(settings.plans_dir)
    store.failing = True
    try:
        import_managed(store, settings, upload, context_of, "test")
    except StoreError:
        pass
    else:
        raise AssertionError("the failing write was not reported")
    assert registry.current_plans() == [] and not list(settings.plans_dir.rglob("*.csv"))
    store.failing = False
    entry = import_managed(store, settings, upload, context_of, "test").entry
    assert entry is not None and registry.current_plans() == [entry]
    store.failing = True
    try:
        remove_managed(store, settings, entry.key, "test")
    except StoreError:
        pass
    assert registry.current_plans() == [entry] and len(registry.history(entry.key)) == 1

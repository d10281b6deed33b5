"""Importing a plan: its own named graph, all or nothing, replaced on re-import, on both
store implementations; crashes and failing stores leave the graph exactly as it was."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.namespaces import GRAPH, HSVO, INFERRED_GRAPH
from hsvo_graph.validation.importing import import_plan
from hsvo_graph.validation.plans import PlanMeta, read_plan
from hsvo_graph.validation.context import context_from_store
from hsvo_graph.store import EmbeddedStore, GraphStore, RemoteStore, StoreError
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.validation.managed import Upload, import_managed

from .test_inference import DISCONNECTED, ON_BLANK_NODES

PLAN_2026 = (
    "Prioriterat område;Lokalt fokusområde;Aktivitet;Uppföljning;Ansvar\n"
    "Nära vård;Samsjuklighet;Införa gemensam samsjuklighetsmottagning;Mottagningen är öppen;"
    "OSN, SCN och VS\n"
    "Kompetensförsörjning;Proaktiv samverkan kring kompetensförsörjning och bemanning;"
    "Ta fram en gemensam bemanningsplan;Planen är framtagen;ÄLN och VS\n"
).encode()
META_2026 = PlanMeta(municipality="Uppsala", year=2026)
TARGET = str(GRAPH["plan-aktivitetslista-hsvo-uppsala-2026"])


def snapshot(store: GraphStore) -> dict[str, int]:
    return {graph: store.triple_count(graph) for graph in store.graph_names()}


def seeded(path: Path | None = None) -> tuple[EmbeddedStore, Settings]:
    settings = Settings(store="embedded", store_path=path)
    store = EmbeddedStore(path)
    load(store, settings)
    return store, settings


def run_import(
    store: GraphStore,
    settings: Settings,
    data: bytes = PLAN_2026,
    meta: PlanMeta = META_2026,
    name: str = "plan.csv",
):  # type: ignore[no-untyped-def]
    context = context_from_store(store, settings)
    return import_plan(store, read_plan(data, name, meta, context), context)


def test_import_adds_one_graph_and_recomputes_inferences() -> None:
    store, settings = seeded()
    before = snapshot(store)
    result = run_import(store, settings)
    assert result.imported and not result.replaced and result.triples > 0
    after = snapshot(store)
    assert set(after) - set(before) == {TARGET}
    assert after[TARGET] == result.triples
    assert {g: n for g, n in after.items() if g not in (TARGET, str(INFERRED_GRAPH))} == {
        g: n for g, n in before.items() if g != str(INFERRED_GRAPH)
    }
    # the inferred graph now covers the plan too: hsvo:involves from hsvo:responsibleBody
    assert store.ask(
        f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ "
        f"<https://w3id.org/hsvo-graph/id/activity/uppsala-2026-01> <{HSVO.involves}> ?b }} }}"
    )


def iri_inferences(store: GraphStore) -> set[tuple[str, str, str]]:
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} "
                        "FILTER (!isBlank(?s) && !isBlank(?o)) }")
    return {(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows.rows}


def test_an_import_infers_what_a_load_of_the_same_content_infers(tmp_path: Path) -> None:
    """The importer reasons in its own store (no rdflib): what it infers is what ``hsvo
    load`` infers from the seed with the plan's graph beside it, and it makes no copies of
    other graphs' blank nodes."""
    store, settings = seeded()
    on_blank_nodes = int(store.select(ON_BLANK_NODES).rows[0]["n"])
    assert run_import(store, settings).imported
    assert int(store.select(ON_BLANK_NODES).rows[0]["n"]) == on_blank_nodes > 0
    plan = tmp_path / "plan.nt"
    plan.write_bytes(store.read_graph(TARGET))
    loaded = EmbeddedStore(None)
    load(loaded, settings, extra=[plan])
    assert iri_inferences(store) == iri_inferences(loaded)
    assert int(store.select(DISCONNECTED).rows[0]["n"]) == 0


def test_reimport_replaces_the_graph_instead_of_adding_a_copy() -> None:
    store, settings = seeded()
    first = run_import(store, settings)
    once = snapshot(store)
    again = run_import(store, settings)
    assert again.imported and again.replaced
    assert snapshot(store) == once
    shorter = b"\n".join(PLAN_2026.split(b"\n")[:2]) + b"\n"  # one activity fewer
    third = run_import(store, settings, shorter)
    assert third.replaced and snapshot(store)[TARGET] < first.triples


def test_a_plan_with_violations_leaves_the_store_as_it_was() -> None:
    store, settings = seeded()
    before = snapshot(store)
    result = run_import(store, settings, PLAN_2026.replace(b"OSN, SCN och VS", b"OSN, XYZ"))
    assert not result.imported and result.report.count("violation") == 1
    assert snapshot(store) == before


class FailingStore(EmbeddedStore):
    """An embedded store whose writes fail once ``failing`` is set, as a full disk or a lost
    connection would."""

    failing = False

    def replace_graphs(self, quads, graphs, **options) -> None:  # type: ignore[no-untyped-def]
        if self.failing:
            raise StoreError("simulated failure during the write")
        super().replace_graphs(quads, graphs, **options)


def test_a_failing_store_leaves_the_graph_as_it_was() -> None:
    settings = Settings(store="embedded", store_path=None)
    store = FailingStore(None)
    load(store, settings)
    before = snapshot(store)
    store.failing = True
    with pytest.raises(StoreError):
        run_import(store, settings)
    assert snapshot(store) == before


# A process that imports the 2026 plan into an on-disk store and is killed by SIGKILL: with
# "before", as the write starts; with "after", right after the store acknowledged it.
_CRASH = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from hsvo_graph.store.embedded import EmbeddedStore
    moment, path, command = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    real_write = EmbeddedStore.replace_graphs
    def crashing_write(self, *args, **kwargs):
        if moment == "after":
            real_write(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
    EmbeddedStore.replace_graphs = crashing_write
    from hsvo_graph.cli.main import main
    main(["--store-path", str(path), *command])
""")
_IMPORT_2026 = ["import", "--municipality", "Uppsala", "--year", "2026"]


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_crash_half_way_leaves_old_or_new_never_a_mix(moment: str, tmp_path: Path) -> None:
    path = tmp_path / "store"
    store, _ = seeded(path)
    before = snapshot(store)
    store.close()
    plan = tmp_path / "plan.csv"
    plan.write_bytes(PLAN_2026)
    process = subprocess.run(
        [sys.executable, "-c", _CRASH, moment, str(path), *_IMPORT_2026, str(plan)],
        capture_output=True,
        env={**os.environ, "HSVO_PLANS_DIR": str(tmp_path / "plans")},
        timeout=120,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()
    reopened = EmbeddedStore(path)
    after = snapshot(reopened)
    reopened.close()
    if moment == "before":
        assert after == before
    else:  # all of it: the plan's graph and the inferred graph that includes it
        assert set(after) == set(before) | {TARGET}
        assert after[str(INFERRED_GRAPH)] > before[str(INFERRED_GRAPH)]


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_plan_accepted_before_a_crash_is_never_lost(moment: str, tmp_path: Path) -> None:
    """Killed as its write starts or right after it, an accepted plan is in the registry of
    imported plans: the service starting again puts it in the store if it is not there, and
    so does ``hsvo load`` (which rebuilds the store from the sources and the registry). It is
    never silently gone."""
    from hsvo_graph.validation.managed import reapply_plans
    from hsvo_graph.validation.registry import PlanRegistry

    path, plans = tmp_path / "store", tmp_path / "plans"
    seeded(path)[0].close()
    plan = tmp_path / "plan.csv"
    plan.write_bytes(PLAN_2026)
    subprocess.run([sys.executable, "-c", _CRASH, moment, str(path), *_IMPORT_2026, str(plan)],
                   capture_output=True, env={**os.environ, "HSVO_PLANS_DIR": str(plans)}, timeout=120)
    [entry] = PlanRegistry(plans).current_plans()
    assert entry.graph == TARGET
    settings = Settings(store="embedded", store_path=path, plans_dir=plans)
    store = EmbeddedStore(path)
    assert (TARGET in store.graph_names()) == (moment == "after")
    store.close()
    with TestClient(create_app(settings)) as client:  # the service starting again completes it
        assert client.get("/health").status_code == 200
    store = EmbeddedStore(path)
    assert TARGET in store.graph_names()
    load(store, settings)  # and so does a rebuild
    assert [r.applied for r in reapply_plans(store, settings)] == [True]
    assert TARGET in store.graph_names()
    store.close()


@pytest.mark.remote
def test_import_on_the_remote_store(remote_store: RemoteStore, remote_settings: Settings) -> None:
    before = snapshot(remote_store)
    on_blank_nodes = int(remote_store.select(ON_BLANK_NODES).rows[0]["n"])
    try:
        result = run_import(remote_store, remote_settings)
        assert result.imported
        once = snapshot(remote_store)
        assert set(once) - set(before) == {TARGET}
        assert run_import(remote_store, remote_settings).replaced
        assert snapshot(remote_store) == once
        # what is inferred about the seed's blank nodes stays on them, across both writes
        assert int(remote_store.select(ON_BLANK_NODES).rows[0]["n"]) == on_blank_nodes > 0
        assert int(remote_store.select(DISCONNECTED).rows[0]["n"]) == 0
        broken = RemoteStore(
            remote_settings.remote_query_url,
            remote_settings.remote_update_url + "-nowhere",
            remote_settings.remote_gsp_url,
        )
        with pytest.raises(StoreError):
            run_import(broken, remote_settings)
        assert snapshot(remote_store) == once
    finally:  # leave the session's server as the other tests expect it
        load(remote_store, remote_settings)
    assert snapshot(remote_store) == before


def test_http_validate_and_import() -> None:
    store, _ = seeded()
    settings = Settings(store="embedded", store_path=None, admin_token="hemligt")
    files = {"file": ("plan.csv", PLAN_2026, "text/csv")}
    form = {"municipality": "Uppsala", "year": "2026"}
    with TestClient(create_app(settings, store)) as client:
        page = client.get("/validate")
        assert page.status_code == 200 and "Kontrollera en aktivitetslista" in page.text
        checked = client.post("/validate", files=files, data=form)
        assert checked.status_code == 200 and checked.json()["conforms"] is True
        html = client.post("/validate", files=files, data={**form, "format": "html"})
        assert "Resultat för" in html.text and "plan-aktivitetslista-hsvo-uppsala-2026" in html.text
        unusable = client.post("/validate", files={"file": ("plan.xls", b"x", "text/csv")})
        assert unusable.status_code == 400 and unusable.json()["usable"] is False
        before = snapshot(store)
        assert client.post("/import", files=files, data=form).status_code == 401
        denied = client.post(
            "/import", files=files, data=form, headers={"Authorization": "Bearer fel"}
        )
        assert denied.status_code == 401 and snapshot(store) == before
        bad = {"file": ("plan.csv", PLAN_2026.replace(b"VS\n", b"XYZ\n"), "text/csv")}
        rejected = client.post(
            "/import", files=bad, data=form, headers={"Authorization": "Bearer hemligt"}
        )
        assert rejected.status_code == 422 and snapshot(store) == before
        done = client.post(
            "/import", files=files, data=form, headers={"Authorization": "Bearer hemligt"}
        )
        assert done.status_code == 200 and done.json()["import"]["graph"] == TARGET
        assert TARGET in store.graph_names()
        assert "Check an activity list" in client.get("/validate?lang=en").text


def test_http_import_is_off_without_a_token(client: TestClient) -> None:
    response = client.post("/import", files={"file": ("plan.csv", PLAN_2026, "text/csv")})
    assert response.status_code == 403


REPLACEMENT_2026 = PLAN_2026.replace(b"Ta fram en gemensam bemanningsplan", b"Ta fram en ny bemanningsplan")


@pytest.mark.parametrize("change", ["replace", "remove"])
def test_a_replacement_or_removal_killed_before_its_write_is_completed_at_start(
        change: str, tmp_path: Path) -> None:
    """The registry keeps a replacement or a removal before the store's write: killed in
    between, the history says the new version (or that the plan is gone) while the store
    still holds the old one. The service starting again finishes the change, so the
    registry, the admin API and every query agree again."""
    from hsvo_graph.validation.registry import PlanRegistry

    path, plans = tmp_path / "store", tmp_path / "plans"
    settings = Settings(store="embedded", store_path=path, plans_dir=plans)
    store = TrackedStore(seeded(path)[0])
    first = import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026),
                           lambda: context_from_store(store, settings), "test")
    assert first.imported
    store.close()
    if change == "replace":
        (tmp_path / "plan.csv").write_bytes(REPLACEMENT_2026)
        command = [*_IMPORT_2026, "--yes", str(tmp_path / "plan.csv")]
    else:
        command = ["plans", "remove", "plan-aktivitetslista-hsvo-uppsala-2026"]
    killed = subprocess.run([sys.executable, "-c", _CRASH, "before", str(path), *command], capture_output=True,
                            env={**os.environ, "HSVO_PLANS_DIR": str(plans)}, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    registry = PlanRegistry(plans)
    assert registry.pending() == ["plan-aktivitetslista-hsvo-uppsala-2026"]
    store = EmbeddedStore(path)
    assert TARGET in store.graph_names()  # the old version, still
    store.close()
    with TestClient(create_app(settings)) as client:  # the service starting again finishes it
        titles = client.get("/q/body_involvement_by_year", params={"body": "ÄLN", "year": "2026"},
                            headers={"Accept": "application/json"}).json()["rows"]
    store = EmbeddedStore(path)
    names = store.graph_names()
    store.close()
    shown = {row["title"] for row in titles}
    if change == "replace":
        assert TARGET in names and "Ta fram en ny bemanningsplan" in shown
        assert "Ta fram en gemensam bemanningsplan" not in shown
    else:
        assert TARGET not in names and registry.current("plan-aktivitetslista-hsvo-uppsala-2026") is None
        assert not {"Ta fram en ny bemanningsplan", "Ta fram en gemensam bemanningsplan"} & shown
    assert registry.pending() == []


def test_a_change_that_landed_leaves_nothing_pending(tmp_path: Path) -> None:
    from hsvo_graph.validation.managed import remove_managed
    from hsvo_graph.validation.registry import PlanRegistry

    settings = Settings(store="embedded", store_path=None, plans_dir=tmp_path / "plans")
    store = TrackedStore(seeded()[0])
    import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026),
                   lambda: context_from_store(store, settings), "test")
    assert PlanRegistry(settings.plans_dir).pending() == []
    remove_managed(store, settings, "plan-aktivitetslista-hsvo-uppsala-2026", "test")
    assert PlanRegistry(settings.plans_dir).pending() == []

"""A plan change killed half way on an external store is finished when the service starts,
as on the embedded store (test_import.py): the registry notes the change as pending
before the write, `hsvo import` (or `plans remove`) is killed before its write lands, and
`hsvo serve` starting on the external store completes it. On a real `oxigraph serve`."""

import logging
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
from hsvo_graph.store import RemoteStore
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.validation.context import context_from_store
from hsvo_graph.validation.managed import Upload, import_managed
from hsvo_graph.validation.registry import PlanRegistry

from .test_import import META_2026, PLAN_2026, REPLACEMENT_2026, TARGET, _IMPORT_2026
from .test_remote_version import own_server, remote_options  # noqa: F401  (a fixture)

KEY = "plan-aktivitetslista-hsvo-uppsala-2026"

# The CLI with the remote store's write killed as it starts (after the registry's note)
_CRASH = textwrap.dedent("""
    import os, signal, sys
    from hsvo_graph.store.remote import RemoteStore
    def crashing_write(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    RemoteStore.replace_graphs = crashing_write
    from hsvo_graph.cli.main import main
    main(sys.argv[1:])
""")


def titles(client: TestClient) -> set[str]:
    rows = client.get("/q/body_involvement_by_year", params={"body": "ÄLN", "year": "2026"},
                      headers={"Accept": "application/json"}).json()["rows"]
    return {row["title"] for row in rows}


def remote(settings: Settings) -> RemoteStore:
    return RemoteStore(settings.remote_query_url, settings.remote_update_url, settings.remote_gsp_url)


@pytest.mark.parametrize("change", ["replace", "remove"])
def test_a_change_killed_before_its_write_is_finished_when_the_service_starts(
        own_server: Settings, tmp_path: Path, change: str,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    settings = own_server
    store = TrackedStore(remote(settings))
    first = import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026),
                           lambda: context_from_store(store, settings), "test")
    assert first.imported
    store.close()
    if change == "replace":
        (tmp_path / "plan.csv").write_bytes(REPLACEMENT_2026)
        command = [*_IMPORT_2026, "--yes", str(tmp_path / "plan.csv")]
    else:
        command = ["plans", "remove", KEY]
    killed = subprocess.run([sys.executable, "-c", _CRASH, *remote_options(settings), *command],
                            capture_output=True, timeout=300,
                            env={**os.environ, "HSVO_PLANS_DIR": str(settings.plans_dir)})
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    registry = PlanRegistry(settings.plans_dir)
    assert registry.pending() == [KEY]
    assert TARGET in remote(settings).graph_names()  # the old version, still
    with caplog.at_level(logging.INFO), TestClient(create_app(settings)) as client:
        shown = titles(client)
    assert f"plan {KEY} re-applied: True" in caplog.text or change == "remove"
    assert registry.pending() == []
    names = remote(settings).graph_names()
    if change == "replace":
        assert TARGET in names and "Ta fram en ny bemanningsplan" in shown
        assert "Ta fram en gemensam bemanningsplan" not in shown
    else:
        assert TARGET not in names and registry.current(KEY) is None
        assert not {"Ta fram en ny bemanningsplan", "Ta fram en gemensam bemanningsplan"} & shown


def test_the_service_never_fills_an_empty_external_store(own_server: Settings,  # noqa: F811
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """A pending change on a store that holds no graph (emptied, never loaded) is left to
    `hsvo load`, and the service says so in its log: it never writes plans into a store
    without the graph they were checked against."""
    settings = own_server
    store = TrackedStore(remote(settings))
    import_managed(store, settings, Upload(PLAN_2026, "plan.csv", META_2026),
                   lambda: context_from_store(store, settings), "test")
    store.update("DROP ALL")
    assert store.graph_names() == []
    (settings.plans_dir / KEY / "pending").write_text("1\n")  # as a killed import leaves it
    with caplog.at_level(logging.INFO), TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["triples"] == 0
    assert store.graph_names() == []
    assert PlanRegistry(settings.plans_dir).pending() == [KEY]
    assert f"plan changes not finished (the store may not hold what their history says): {KEY}" \
        in caplog.text
    store.close()

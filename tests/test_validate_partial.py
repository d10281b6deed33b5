"""`hsvo validate` with a store it cannot read (D14 of audit E): the plan is checked against
ontology/ and data/ only, so a plan that conflicts with plans imported in the store could
pass. The summary says that the check was partial (Swedish and English), and the exit code
is 5, not 0, so that a script does not read it as "the plan can be imported"."""

import json
from pathlib import Path

from click.testing import CliRunner

from hsvo_graph.cli.main import main
from hsvo_graph.config import PROJECT_ROOT

from .servers import free_port

EXIT_PARTIAL = 5  # hsvo_graph.cli.plans.EXIT_PARTIAL
PLAN = str(PROJECT_ROOT / "data/templates/examples/aktivitetslista-uppsala-2025.csv")


def down(tmp_path: Path) -> list[str]:
    """Options naming a remote store that nothing answers for."""
    url = f"http://127.0.0.1:{free_port()}"
    return ["--store", "remote", "--remote-query-url", f"{url}/query", "--remote-update-url",
            f"{url}/update", "--remote-gsp-url", f"{url}/store", "--plans-dir", str(tmp_path)]


def test_a_check_without_the_store_says_it_was_partial_and_exits_5(tmp_path: Path) -> None:
    checked = CliRunner().invoke(main, [*down(tmp_path), "validate", PLAN])
    assert checked.exit_code == 5, checked.output
    last = checked.stdout.rstrip("\n").splitlines()
    assert last[-4].startswith("Sammanfattning:") and last[-3].startswith("Summary:")
    assert last[-2].startswith("OFULLSTÄNDIG KONTROLL: lagret kunde inte läsas")
    assert last[-1].startswith("PARTIAL CHECK: the store could not be read")
    assert "checked against ontology/ and data/" in checked.stderr


def test_a_partial_check_in_json_keeps_the_json_and_says_it_on_stderr(tmp_path: Path) -> None:
    checked = CliRunner().invoke(main, [*down(tmp_path), "validate", "--format", "json", PLAN])
    assert checked.exit_code == 5, checked.output
    assert json.loads(checked.stdout)  # still the report, whole
    assert "PARTIAL CHECK" in checked.stderr and "PARTIAL" not in checked.stdout

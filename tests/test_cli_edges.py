"""The ``hsvo`` command at its edges (audit E, s13): keys that cannot name a plan, ports
out of range, a store path that is a file, an address that cannot be bound, Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsvo_graph.cli import main as cli
from hsvo_graph.cli.main import main
from hsvo_graph.config import PROJECT_ROOT, get_settings


@pytest.fixture
def never_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails the test if ``hsvo serve`` gets as far as making the application."""
    import hsvo_graph.api.app

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the service was started")

    monkeypatch.setattr(hsvo_graph.api.app, "create_app", refuse)


@pytest.mark.parametrize("command", ["show", "remove", "export"])
@pytest.mark.parametrize("key", ["../x", "a/b", "/etc/passwd", "x/../../y"])
def test_a_key_with_a_slash_is_an_unknown_plan(tmp_path: Path, command: str, key: str) -> None:
    runner = CliRunner()
    options = ["--plans-dir", str(tmp_path / "plans"), "--store-path", str(tmp_path / "store")]
    unknown = runner.invoke(main, [*options, "plans", command, "nope"])
    result = runner.invoke(main, [*options, "plans", command, key])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == unknown.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0] == unknown.output.strip().replace("'nope'", repr(key))


@pytest.mark.parametrize("port", ["99999", "-1", "0", "65536"])
def test_a_port_out_of_range_is_a_usage_error(never_started: None, port: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", port])
    assert result.exit_code == 2, result.output
    assert "is not in the range 1<=x<=65535" in result.output
    assert "hsvo-graph on" not in result.output


@pytest.mark.parametrize("port", ["99999", "-1", "0"])
def test_hsvo_port_out_of_range_names_the_variable(monkeypatch: pytest.MonkeyPatch,
                                                   never_started: None, port: str) -> None:
    monkeypatch.setenv("HSVO_PORT", port)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: HSVO_PORT={port!r}: expected a port from 1 to 65535"


@pytest.mark.parametrize("command", [["serve"], ["load"], ["query", "ASK {}"],
                                     ["ask", "stopped_activities"]])
def test_a_store_path_that_is_a_file_is_one_line(tmp_path: Path, never_started: None,
                                                 command: list[str]) -> None:
    afile = tmp_path / "afile"
    afile.write_text("hi\n")
    result = CliRunner().invoke(main, ["--store-path", str(afile), *command])
    assert result.exit_code == 1, result.output
    assert result.output == (f"Error: {afile} är en fil, inte en lagerkatalog / {afile} is a "
                             "file, not a store directory\n")


def test_a_port_in_use_stops_serve_before_anything_starts(tmp_path: Path,
                                                          never_started: None) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        result = CliRunner().invoke(main, ["--store-path", str(tmp_path / "store"), "serve",
                                           "--port", str(port)])
    finally:
        taken.close()
    assert result.exit_code == 1
    assert result.output == (f"Error: kan inte lyssna på 127.0.0.1:{port} / cannot listen on "
                             f"127.0.0.1:{port}: Address already in use\n")
    assert not (tmp_path / "store").exists()  # the store was not even opened


def test_an_address_this_machine_lacks_stops_serve_at_once(never_started: None) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "192.0.2.1", "--port", "8123"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: kan inte lyssna på 192.0.2.1:8123 / cannot listen on")
    assert len(result.output.splitlines()) == 1


def test_an_interrupted_command_exits_130_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "with_prefixes", interrupt)
    result = CliRunner().invoke(main, ["--store-path", "/nonexistent-hsvo", "query", "ASK {}"])
    assert result.exit_code == 130
    assert result.output == "Avbrutet / interrupted\n"  # not click's "Aborted!" (exit 1)


def _interrupted(after: float, *arguments: str) -> subprocess.CompletedProcess[str]:
    program = Path(sys.executable).parent / "hsvo"
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.Popen([str(program), *arguments], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=environment, cwd=PROJECT_ROOT)
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_ctrl_c_while_the_command_runs_exits_130(tmp_path: Path) -> None:
    """The program waits for its query on standard input when it is interrupted."""
    done = _interrupted(3.0, "--store-path", str(tmp_path / "store"), "query", "--file", "-")
    assert done.returncode == 130, done.stderr
    assert done.stderr == "Avbrutet / interrupted\n"


def test_ctrl_c_while_the_program_still_imports_exits_130() -> None:
    """An interrupt that arrives once the program's module runs, before its command does
    (it used to print a KeyboardInterrupt traceback from whatever import was under way)."""
    script = ("import os, signal, sys, time\n"
              "sys.argv = ['hsvo', 'query', 'ASK {}']\n"
              "import hsvo_graph.cli.main\n"
              "os.kill(os.getpid(), signal.SIGINT)\n"
              "time.sleep(5)\n"
              "print('not interrupted')\n")
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, env=environment, cwd=PROJECT_ROOT)
    assert done.returncode == 130, done.stderr
    assert done.stderr == "Avbrutet / interrupted\n" and done.stdout == ""


def test_validate_and_import_on_a_store_path_that_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("hi\n")
    plan = str(PROJECT_ROOT / "data/templates/examples/aktivitetslista-uppsala-2025.csv")
    said = f"{afile} är en fil, inte en lagerkatalog / {afile} is a file, not a store directory"
    checked = CliRunner().invoke(main, ["--store-path", str(afile), "validate", plan])
    # checked against ontology/ and data/, as it says: a partial check (exit 5, and said
    # after the summary: tests/test_validate_partial.py)
    assert checked.exit_code == 5
    assert checked.stderr == (f"{said} – kontrollerad mot ontology/ och data/ / checked "
                              "against ontology/ and data/\n")
    imported = CliRunner().invoke(main, ["--store-path", str(afile), "import", plan])
    assert imported.exit_code == 3  # the store failed
    assert imported.stderr == said + "\n"


def test_serve_says_where_it_listens_once_it_answers(tmp_path: Path) -> None:
    """The banner comes after the start-up, and the service answers at once when it does
    (it used to be printed before the store was opened, also when the port was taken)."""
    import httpx

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment.update({"HSVO_STORE_PATH": str(tmp_path / "store"), "HSVO_QUERY_WORKERS": "1",
                        "HSVO_PLANS_DIR": str(tmp_path / "plans"),
                        "HSVO_QUERY_MEMORY_IMAGE": "false"})
    server = subprocess.Popen([sys.executable, "-m", "hsvo_graph.cli.main", "serve", "--port",
                               str(port)], env=environment, cwd=PROJECT_ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        assert server.stderr is not None
        for line in server.stderr:
            seen.append(line)
            if line.startswith("hsvo-graph on "):
                break
        assert seen and seen[-1] == f"hsvo-graph on http://127.0.0.1:{port}/\n", seen
        assert any("Application startup complete" in line for line in seen)
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)

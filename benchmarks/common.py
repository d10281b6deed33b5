"""What the benchmark scripts share: measuring a command, running servers, driving them with
``wrk`` (Debian package; see scripts/install-system-deps.sh), printing targets as ratios."""

import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HSVO = str(BIN / "hsvo")
OXIGRAPH = str(BIN / "oxigraph") if (BIN / "oxigraph").exists() else "oxigraph"
JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Measured:
    """One finished command: wall seconds, CPU seconds (user + system) and peak RSS (bytes)
    of the process and every child it waited for, and its exit code."""

    wall_s: float
    cpu_s: float
    peak_rss: int
    returncode: int = 0


def measure(command: Sequence[str], *, check: bool = True, **kwargs: object) -> Measured:
    """Run ``command`` to completion and measure it with ``wait4``'s resource usage. With
    ``check=False`` a failed command is measured too (a load that runs out of memory still
    has a peak RSS worth reporting); otherwise it raises."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with {process.returncode}")
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, process.returncode)


def machine() -> str:
    """A line that says where the figures were measured."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}"


def verdict(name: str, value: float, target: float, unit: str = "×", higher_is_better: bool = False,
            judged: bool = True) -> str:
    """One line of the report: the target, the measured value and whether it is met. With
    ``judged=False`` (a smoke run, or a size the target is not set for) the line says ``info``
    instead of ``ok`` or ``MISS``: the figure is shown, but a 10k-triple run, say, says nothing
    about a target set at 1 M."""
    met = value >= target if higher_is_better else value <= target
    sign = "≥" if higher_is_better else "≤"
    mark = ("ok  " if met else "MISS") if judged else "info"
    line = f"{mark} {name}: {value:.2f}{unit} (target {sign} {target:g}{unit}{'' if judged else ', not judged here'})"
    print(line, flush=True)
    return line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tree_pids(pid: int) -> Iterator[int]:
    """A process and all its descendants still running. Children are read from every thread
    of a process, not only the main one: a pool may fork its workers from another thread."""
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        yield current
        for task in tasks:
            try:
                pending += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass


def _tree_kib(pid: int, proc_file: str, field: str) -> int:
    """The sum of one ``field: N kB`` line of ``/proc/<pid>/<proc_file>`` over the process
    tree, in bytes (a process that is gone or unreadable counts 0)."""
    total = 0
    for current in tree_pids(pid):
        try:
            text = Path(f"/proc/{current}/{proc_file}").read_text()
        except OSError:
            continue
        match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
        total += int(match.group(1)) * 1024 if match else 0
    return total


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes. Pages shared between
    them (a forked worker's copy-on-write pages, shared libraries) count once per process."""
    return _tree_kib(pid, "status", "VmRSS")


def tree_pss(pid: int) -> int:
    """Proportional set size of a process and all its descendants, in bytes: each shared page
    is divided among the processes mapping it, so workers forked from a parent that share
    its memory copy-on-write are not double-counted as they are by ``tree_rss``."""
    return _tree_kib(pid, "smaps_rollup", "Pss")


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants, and by
    the children they have reaped (a query worker replaced during a run counts too)."""
    return sum(process_cpu_s(current, children=True) for current in tree_pids(pid))


def process_cpu_s(pid: int, *, children: bool = False) -> float:
    """CPU seconds (user + system) of one process (with ``children``: and of the children it
    has reaped); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(f) for f in fields[11:15 if children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_idle(pids: Sequence[int], quiet_s: float = 1.0, timeout_s: float = 180) -> None:
    """Wait until the servers ``pids`` use (almost) no CPU: a peer keeps evaluating queries
    whose clients went away (oxigraph does), which would otherwise run beside the next
    measurement and slow down whichever server is measured then."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        before = sum(tree_cpu_s(pid) for pid in pids)
        time.sleep(quiet_s)
        if sum(tree_cpu_s(pid) for pid in pids) - before < 0.05 * quiet_s:
            return
    print(f"note: servers still busy after {timeout_s:g} s; measuring anyway")


@contextmanager
def running(command: Sequence[str], ready_url: str, env: dict[str, str] | None = None,
            timeout_s: float = 600) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, once ``ready_url`` answers; stopped afterwards."""
    process = subprocess.Popen(command, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}")
            try:
                if httpx.get(ready_url, timeout=5).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{ready_url} never answered")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Load:
    """What the load generator saw: requests per second, latency percentiles (ms), errors."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def query_url(endpoint: str, query: str) -> str:
    return f"{endpoint}?{urllib.parse.urlencode({'query': query})}"


def drive(url: str, *, connections: int, seconds: float, accept: str = JSON) -> Load:
    """GET ``url`` with ``wrk`` (2 threads, ``connections`` connections) for ``seconds``
    (whole seconds: wrk takes no fractions)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: bash scripts/install-system-deps.sh")
    done = subprocess.run(
        [wrk, "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
         "--timeout", "30s", "--latency", "-H", f"Accept: {accept}", url],
        capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> Load:
    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if match is None:
            return float("nan")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
        return float(match.group(1)) * scale

    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(g) for g in match.groups())
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return Load(rps, latency("50%"), latency("99%"), errors, requests)


def workers_in_memory_s(base_url: str, timeout: float = 600) -> float | None:
    """Seconds until every query worker of a just started ``hsvo serve`` answers from the
    shared in-memory copy (``/health``); None when it serves from disk only."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        workers = httpx.get(f"{base_url}/health", timeout=30).json().get("query_workers", {})
        if not workers or workers.get("in_memory") == workers.get("workers"):
            return time.perf_counter() - started if workers.get("in_memory") else None
        time.sleep(0.2)
    raise RuntimeError(f"the in-memory copy was not ready within {timeout:g} s")


def first_answer_after_write_s(base_url: str, token: str, query: str) -> tuple[float, float]:
    """Seconds that a write took (one triple PUT into a graph of its own with the Graph Store
    Protocol), and then until the first answer to ``query``; the answer after that must see
    the triple (RuntimeError otherwise), so the time is for the dataset after the write."""
    graph = f"urn:hsvo:benchmark:write:{time.time_ns()}"
    started = time.perf_counter()
    httpx.put(f"{base_url}/store", params={"graph": graph},
              content=b"<urn:hsvo:benchmark:s> <urn:hsvo:benchmark:p> \"written\" .\n",
              headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {token}"},
              timeout=600).raise_for_status()
    written = time.perf_counter()
    answered = first_answer_s(f"{base_url}/sparql", query)
    seen = httpx.get(f"{base_url}/sparql", params={"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                     headers={"Accept": JSON}, timeout=120).raise_for_status().json()["boolean"]
    if not seen:
        raise RuntimeError("the first answers after a write do not see it")
    return written - started, answered


def first_answer_s(endpoint: str, query: str) -> float:
    """Seconds until the first answer to ``query`` (the server just started)."""
    started = time.perf_counter()
    response = httpx.get(endpoint, params={"query": query}, headers={"Accept": JSON}, timeout=120)
    response.raise_for_status()
    return time.perf_counter() - started

"""Settings as data: one object, read from HSVO_* environment variables (or a ``.env`` file
in the working directory) or given explicitly.

A plain dataclass rather than pydantic-settings: every command reads the settings first,
and importing pydantic-settings took 0.2 s, as long as all of ``hsvo validate``'s own work.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "HSVO_"
ENV_FILE = ".env"
DEFAULT_STORE_PATH = PROJECT_ROOT / "var" / "store"
# the change logs kept by default (hsvo_graph.store.changes.log_path): the default store's,
# where it always was, and the directory of the remote stores' logs
DEFAULT_STORE_CHANGES_LOG = PROJECT_ROOT / "var" / "changes.jsonl"
REMOTE_CHANGES_DIR = PROJECT_ROOT / "var" / "changes"

T = TypeVar("T")
StoreKind = Literal["embedded", "remote"]
# Where the change log is kept: a file, "store" (the log that belongs with the store: see
# hsvo_graph.store.changes.log_path) or None (not kept).
ChangesLog = Path | Literal["store"] | None


class SettingsError(ValueError):
    """An HSVO_* variable whose value does not fit its setting."""


def _variables() -> dict[str, str]:
    """The ``.env`` file's variables under the environment's (which win), names lowercased:
    variable names are not case-sensitive."""
    found = {name.lower(): value for name, value in _dotenv(Path(ENV_FILE)).items()}
    found.update((name.lower(), value) for name, value in os.environ.items())
    return found


def _dotenv(path: Path) -> dict[str, str]:
    """``NAME=value`` lines (``export`` allowed, ``#`` comments, quotes stripped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    found = {}
    for line in lines:
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        name, equals, value = line.partition("=")
        if line.startswith("#") or not equals:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].rstrip()
        found[name.strip()] = value
    return found


def _env(name: str, parse: Callable[[str], T], default: T | Callable[[], T]) -> T:
    """A field whose default the variable HSVO_<NAME> overrides, read when the settings
    are made (a value given explicitly wins over both)."""
    variable = f"{ENV_PREFIX}{name.upper()}"

    def value() -> T:
        text = _variables().get(variable.lower())
        if text is None:
            return cast(Callable[[], T], default)() if callable(default) else default
        try:
            return parse(text)
        except ValueError as exc:
            raise SettingsError(f"{variable}={text!r}: {exc}") from None

    return field(default_factory=value)


def _boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in {"1", "true", "t", "yes", "y", "on"}:
        return True
    if word in {"0", "false", "f", "no", "n", "off"}:
        return False
    raise ValueError("expected true or false")


def _port(text: str) -> int:
    """A TCP port, 1-65535 (a larger number is not taken modulo 65536, as a socket would)."""
    port = int(text)
    if not 1 <= port <= 65535:
        raise ValueError("expected a port from 1 to 65535")
    return port


def _changes_log(text: str) -> "ChangesLog":
    return Path(text)


def _store_kind(text: str) -> StoreKind:
    if text not in ("embedded", "remote"):
        raise ValueError("expected 'embedded' or 'remote'")
    return cast(StoreKind, text)


@dataclass
class Settings:
    """Where the sources are, which store to use, and how the service behaves.

    Every field can be set as an environment variable with the prefix ``HSVO_``
    (e.g. ``HSVO_STORE=remote``), or by the matching CLI option.
    """

    ontology_dir: Path = _env("ontology_dir", Path, PROJECT_ROOT / "ontology")
    data_dir: Path = _env("data_dir", Path, PROJECT_ROOT / "data")
    queries_dir: Path = _env("queries_dir", Path, PROJECT_ROOT / "queries")
    # SHACL shapes (shapes/**/*.ttl), also served as one file at /dumps/shapes.ttl.
    shapes_dir: Path = _env("shapes_dir", Path, PROJECT_ROOT / "shapes")

    # Numbered data releases (written by `python -m hsvo_graph.publish.releases VERSION`),
    # served at /dumps/releases/<version>/; and the log of every load and import, served
    # as the Atom feed /changes.atom (None: not kept). "store" (the default): the log that
    # belongs with the store, so that a feed describes the dataset its service serves
    # (hsvo_graph.store.changes.log_path: the default store's var/changes.jsonl, another
    # store directory's changes.jsonl inside it, a remote store's file under var/changes/).
    releases_dir: Path = _env("releases_dir", Path, PROJECT_ROOT / "data" / "releases")
    changes_log: ChangesLog = _env("changes_log", _changes_log, "store")

    # Imported plans (the original files, who imported them when, their reports and the
    # history of every change), re-applied on every rebuild. Not under data/: data/ is
    # tracked by git, the plans are the service's own state.
    plans_dir: Path = _env("plans_dir", Path, PROJECT_ROOT / "var" / "plans")

    store: StoreKind = _env("store", _store_kind, "embedded")
    # Embedded store: directory of the on-disk database; None keeps it in memory.
    store_path: Path | None = _env("store_path", Path, DEFAULT_STORE_PATH)

    # Remote store: SPARQL 1.1 Protocol endpoints of an external triplestore.
    remote_query_url: str = _env("remote_query_url", str, "http://127.0.0.1:7878/query")
    remote_update_url: str = _env("remote_update_url", str, "http://127.0.0.1:7878/update")
    remote_gsp_url: str = _env("remote_gsp_url", str, "http://127.0.0.1:7878/store")
    remote_timeout_s: float = _env("remote_timeout_s", float, 30.0)
    remote_write_timeout_s: float = _env("remote_write_timeout_s", float, 600.0)

    host: str = _env("host", str, "127.0.0.1")
    port: int = _env("port", _port, 8000)

    # Writes over HTTP (plan import, SPARQL Update, Graph Store Protocol writes) are off
    # unless a token is configured; clients then send "Authorization: Bearer <token>".
    admin_token: str | None = _env("admin_token", str, None)

    # Limits of the public SPARQL endpoint (see docs/sparql.md). A query that runs longer
    # than the time limit is stopped and answered with 503; results longer than
    # max_result_rows are cut there and flagged (X-HSVO-Truncated).
    query_time_limit_s: float = _env("query_time_limit_s", float, 5.0)
    max_result_rows: int = _env("max_result_rows", int, 10_000)
    # The service's own read of what plans are checked against (the validation context,
    # hsvo_graph.validation.context): no public query, but the projection of every named
    # graph, read once per state of the store and kept. It runs through the same executor,
    # within this limit instead: at a million triples it takes about 25 s, and under the
    # public limit no plan could be checked or imported at all (503 every time).
    context_time_limit_s: float = _env("context_time_limit_s", float, 120.0)
    max_query_bytes: int = _env("max_query_bytes", int, 64 * 1024)
    max_upload_bytes: int = _env("max_upload_bytes", int, 32 * 1024 * 1024)
    # Embedded store: worker processes that answer queries (each opens the current store
    # generation read-only); one per CPU unless set.
    query_workers: int = _env("query_workers", int, lambda: os.cpu_count() or 2)
    # ... and, once it is built, they are replaced by workers forked from one in-memory copy
    # of the generation that they all share (hsvo_graph.sparql.images): several times faster
    # on selective queries, for the memory of one copy of the dataset. Off: disk only.
    query_memory_image: bool = _env("query_memory_image", _boolean, True)
    # How many in-memory workers: forks cost milliseconds and share the copy, and more
    # workers than cores keep the service busy while each waits for its next request;
    # four per CPU unless set.
    query_workers_in_memory: int = _env("query_workers_in_memory", int,
                                        lambda: 4 * (os.cpu_count() or 2))
    # An in-memory worker that has made this many MiB of the shared copy its own (a query
    # that scans the store writes to every quad it visits) is replaced after its query.
    query_worker_private_mib: int = _env("query_worker_private_mib", int, 64)
    # What the hop to a worker costs the service, in µs of CPU: a request that a worker
    # answered cheaply on the current generation is answered again in the service's own
    # process while it costs no more there than in the worker plus this
    # (hsvo_graph.sparql.inline); 0: always in a worker.
    query_inline_us: int = _env("query_inline_us", int, 100)
    # After a /sparql answer on a keep-alive connection, an idle in-memory worker may take
    # the connection and answer the same request there again without the service's event
    # loop (hsvo_graph.sparql.direct); it gives it back after this many ms without a
    # request (or at once for any other request). 0: connections stay with the service.
    query_pin_idle_ms: int = _env("query_pin_idle_ms", int, 1000)

    def model_copy(self, *, update: dict[str, Any]) -> "Settings":
        """A copy with some fields replaced (the name and call of the pydantic settings
        this class replaced, which the CLI and the tests use)."""
        return replace(self, **update)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings read from the environment (cached)."""
    return Settings()

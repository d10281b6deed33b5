"""Settings as data: one object, read from HSVO_* environment variables or given explicitly."""

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the sources are, which store to use, and how the service behaves.

    Every field can be set as an environment variable with the prefix ``HSVO_``
    (e.g. ``HSVO_STORE=remote``), or by the matching CLI option.
    """

    model_config = SettingsConfigDict(env_prefix="HSVO_", env_file=".env", extra="ignore")

    ontology_dir: Path = PROJECT_ROOT / "ontology"
    data_dir: Path = PROJECT_ROOT / "data"
    queries_dir: Path = PROJECT_ROOT / "queries"
    # SHACL shapes (shapes/**/*.ttl), also served as one file at /dumps/shapes.ttl.
    shapes_dir: Path = PROJECT_ROOT / "shapes"

    # Numbered data releases (written by `python -m hsvo_graph.publish.releases VERSION`),
    # served at /dumps/releases/<version>/; and the log of every load and import, served
    # as the Atom feed /changes.atom (None: not kept).
    releases_dir: Path = PROJECT_ROOT / "data" / "releases"
    changes_log: Path | None = PROJECT_ROOT / "var" / "changes.jsonl"

    # Imported plans (the original files, who imported them when, their reports and the
    # history of every change), re-applied on every rebuild. Not under data/: data/ is
    # tracked by git, the plans are the service's own state.
    plans_dir: Path = PROJECT_ROOT / "var" / "plans"

    store: Literal["embedded", "remote"] = "embedded"
    # Embedded store: directory of the on-disk database; None keeps it in memory.
    store_path: Path | None = PROJECT_ROOT / "var" / "store"

    # Remote store: SPARQL 1.1 Protocol endpoints of an external triplestore.
    remote_query_url: str = "http://127.0.0.1:7878/query"
    remote_update_url: str = "http://127.0.0.1:7878/update"
    remote_gsp_url: str = "http://127.0.0.1:7878/store"
    remote_timeout_s: float = 30.0

    host: str = "127.0.0.1"
    port: int = 8000

    # Writes over HTTP (plan import, SPARQL Update, Graph Store Protocol writes) are off
    # unless a token is configured; clients then send "Authorization: Bearer <token>".
    admin_token: str | None = None

    # Limits of the public SPARQL endpoint (see docs/sparql.md). A query that runs longer
    # than the time limit is stopped and answered with 503; results longer than
    # max_result_rows are cut there and flagged (X-HSVO-Truncated).
    query_time_limit_s: float = 5.0
    max_result_rows: int = 10_000
    max_query_bytes: int = 64 * 1024
    max_upload_bytes: int = 32 * 1024 * 1024
    # Embedded store: worker processes that answer queries (each opens the current store
    # generation read-only); one per CPU unless set.
    query_workers: int = Field(default_factory=lambda: os.cpu_count() or 2)
    # ... and, once it is built, they are replaced by workers forked from one in-memory copy
    # of the generation that they all share (hsvo_graph.sparql.images): several times faster
    # on selective queries, for the memory of one copy of the dataset. Off: disk only.
    query_memory_image: bool = True
    # How many in-memory workers: forks cost milliseconds and share the copy, and more
    # workers than cores keep the service busy while each waits for its next request;
    # four per CPU unless set.
    query_workers_in_memory: int = Field(default_factory=lambda: 4 * (os.cpu_count() or 2))
    # An in-memory worker that has made this many MiB of the shared copy its own (a query
    # that scans the store writes to every quad it visits) is replaced after its query.
    query_worker_private_mib: int = 64


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings read from the environment (cached)."""
    return Settings()

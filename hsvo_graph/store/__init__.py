"""Stores behind one interface; ``open_store`` picks the one the settings ask for.

``RemoteStore`` is imported when first used: it brings httpx (and what httpx brings), which
the commands that work on the embedded store should not pay for at start-up.
"""

from typing import TYPE_CHECKING, Any

from hsvo_graph.config import Settings
from hsvo_graph.store.base import (
    GraphStore, QueryResponse, QuerySyntaxError, StoreError, Table, WriteUnconfirmed,
)
from hsvo_graph.store.embedded import EmbeddedStore
from hsvo_graph.store.changes import ChangeLog, log_path
from hsvo_graph.store.tracking import TrackedStore

if TYPE_CHECKING:
    from hsvo_graph.store.remote import RemoteStore

__all__ = [
    "EmbeddedStore",
    "GraphStore",
    "QueryResponse",
    "QuerySyntaxError",
    "RemoteStore",
    "StoreError",
    "Table",
    "TrackedStore",
    "WriteUnconfirmed",
    "open_store",
    "open_untracked",
]


def __getattr__(name: str) -> Any:
    if name == "RemoteStore":
        from hsvo_graph.store.remote import RemoteStore

        return RemoteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(settings: Settings) -> TrackedStore:
    """The embedded or the remote store, as configured, counting its writes and logging
    every load and import to the change log (settings.changes_log)."""
    return track(open_untracked(settings), settings)


def open_untracked(settings: Settings) -> GraphStore:
    """The configured store as it is: for a command that only reads (``hsvo validate``),
    which needs neither the change log nor the count of every triple that tracking
    starts with (the count opens the store's files, which a cached read never needs)."""
    if settings.store == "remote":
        from hsvo_graph.store.remote import RemoteStore

        return RemoteStore(
            settings.remote_query_url,
            settings.remote_update_url,
            settings.remote_gsp_url,
            settings.remote_timeout_s,
            write_timeout_s=settings.remote_write_timeout_s,
        )
    return EmbeddedStore(settings.store_path)


def track(store: GraphStore, settings: Settings) -> TrackedStore:
    """``store`` with its writes counted and its loads and imports logged (once)."""
    if isinstance(store, TrackedStore):
        return store
    path = log_path(settings, store.root if isinstance(store, EmbeddedStore) else None)
    return TrackedStore(store, ChangeLog(path) if path is not None else None)

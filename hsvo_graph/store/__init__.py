"""Stores behind one interface; ``open_store`` picks the one the settings ask for."""

from hsvo_graph.config import Settings
from hsvo_graph.store.base import GraphStore, QueryResponse, QuerySyntaxError, StoreError, Table
from hsvo_graph.store.embedded import EmbeddedStore
from hsvo_graph.store.remote import RemoteStore

__all__ = [
    "EmbeddedStore",
    "GraphStore",
    "QueryResponse",
    "QuerySyntaxError",
    "RemoteStore",
    "StoreError",
    "Table",
    "open_store",
]


def open_store(settings: Settings) -> GraphStore:
    """The embedded or the remote store, as configured."""
    if settings.store == "remote":
        return RemoteStore(
            settings.remote_query_url,
            settings.remote_update_url,
            settings.remote_gsp_url,
            settings.remote_timeout_s,
        )
    return EmbeddedStore(settings.store_path)

"""The service in its own process for the evasion test: ``python -m tests.evasion.server
PORT STORE_URL`` (STORE_URL ``embedded``, or the base URL of an ``oxigraph serve``), with a
few triples so that every pattern a SERVICE could join with has something to join, and an
admin token (``ADMIN_TOKEN``) so the update path can be tried too."""

import sys

import uvicorn

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore, GraphStore, RemoteStore

ADMIN_TOKEN = "evasion-test-token"
TRIPLES = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> <http://example.org/o> , \"x\"@en-service } }"


def main(port: int, store_url: str) -> None:
    store: GraphStore
    if store_url == "embedded":
        settings = Settings(store="embedded", store_path=None, admin_token=ADMIN_TOKEN)
        store = EmbeddedStore(None)
    else:
        settings = Settings(store="remote", remote_query_url=f"{store_url}/query",
                            remote_update_url=f"{store_url}/update",
                            remote_gsp_url=f"{store_url}/store", admin_token=ADMIN_TOKEN)
        store = RemoteStore(settings.remote_query_url, settings.remote_update_url,
                            settings.remote_gsp_url)
    store.update(TRIPLES)
    uvicorn.run(create_app(settings, store), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])

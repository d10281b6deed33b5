"""The start page for strategists (questions, pictures, links for researchers) and the
health check."""

from typing import Any

import anyio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from hsvo_graph import __version__
from hsvo_graph.namespaces import PREFIXES
from hsvo_graph.store import StoreError
from hsvo_graph.api.deps import CatalogDep, StoreDep
from hsvo_graph.api.rendering import render

router = APIRouter()
# Health checks get threads of their own: a flood of slow requests that fills the shared
# thread pool must not make /health wait behind it.
_HEALTH_CHECKS = anyio.CapacityLimiter(2)


@router.get("/health", tags=["Service"], summary="Health check")
async def health(store: StoreDep) -> JSONResponse:
    """Status, store and number of triples; 503 while the store cannot answer."""
    try:
        await anyio.to_thread.run_sync(store.inner.check, limiter=_HEALTH_CHECKS)
    except StoreError as exc:
        return JSONResponse({"status": "unavailable", "version": __version__,
                             "store": store.description, "error": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "version": __version__, "store": store.description,
                         "triples": store.triples})


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def landing(request: Request, store: StoreDep, catalog: CatalogDep) -> HTMLResponse:
    """Swedish by default; ``?lang=en`` switches (and a cookie remembers it)."""
    triples = store.triples
    return render(request, "index.html", {
        "catalog": list(catalog.values()), "triples": triples, "store": store.description,
        "prefixes": PREFIXES, "version": __version__,
    })

"""The landing page and the health check."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ... import __version__
from ...namespaces import PREFIXES
from ..deps import CatalogDep, StoreDep

router = APIRouter()


@router.get("/health", tags=["Service"], summary="Health check")
async def health(store: StoreDep) -> dict[str, Any]:
    """Status, store and number of triples."""
    triples = await run_in_threadpool(store.triple_count)
    return {"status": "ok", "version": __version__, "store": store.description, "triples": triples}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def landing(request: Request, store: StoreDep, catalog: CatalogDep) -> HTMLResponse:
    triples = await run_in_threadpool(store.triple_count)
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "index.html",
        {"catalog": catalog.values(), "triples": triples, "store": store.description,
         "prefixes": PREFIXES, "version": __version__},
    )

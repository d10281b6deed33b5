"""The start page for strategists (questions, pictures, links for researchers) and the
health check."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from hsvo_graph import __version__
from hsvo_graph.namespaces import PREFIXES
from hsvo_graph.api.deps import CatalogDep, StoreDep
from hsvo_graph.api.rendering import data_version, render

router = APIRouter()


@router.get("/health", tags=["Service"], summary="Health check")
async def health(store: StoreDep) -> dict[str, Any]:
    """Status, store and number of triples."""
    triples = store.triples
    return {"status": "ok", "version": __version__, "store": store.description, "triples": triples}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def landing(request: Request, store: StoreDep, catalog: CatalogDep) -> HTMLResponse:
    """Swedish by default; ``?lang=en`` switches (and a cookie remembers it)."""
    return render(request, "index.html", {
        "catalog": list(catalog.values()), "prefixes": PREFIXES,
        "data_version": data_version(store),
    })

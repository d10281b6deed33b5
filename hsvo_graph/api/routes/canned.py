"""Canned queries over HTTP: ``/q`` lists them, ``/q/{id}?param=…`` runs one (JSON or CSV)."""

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from ...canned import ParameterError, run_canned
from ...formats import to_csv, to_json
from ...store import QuerySyntaxError, StoreError
from ..deps import CatalogDep, StoreDep

router = APIRouter(tags=["Canned queries"])


def describe(query: Any) -> dict[str, Any]:
    return {
        "id": query.id,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required, "label": p.label,
             "example": p.example, "multiple": p.multiple}
            for p in query.parameters
        ],
        "url": f"/q/{query.id}",
    }


@router.get("/q", summary="List canned queries")
def list_queries(catalog: CatalogDep) -> list[dict[str, Any]]:
    """Färdiga frågor. / The canned queries with their parameters."""
    return [describe(q) for q in catalog.values()]


@router.get("/q/{query_id}", summary="Run a canned query")
async def run_query(
    query_id: str,
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """Kör en färdig fråga; parametrar som query-parametrar. / Run a canned query."""
    query = catalog.get(query_id)
    if query is None:
        raise HTTPException(404, f"no canned query {query_id!r}; see /q")
    arguments = {
        key: request.query_params.getlist(key) for key in request.query_params if key != "format"
    }
    try:
        table = await run_in_threadpool(run_canned, store, query, arguments)
    except ParameterError as exc:
        raise HTTPException(400, str(exc)) from exc
    except (QuerySyntaxError, StoreError) as exc:
        raise HTTPException(502, str(exc)) from exc
    if format == "csv":
        return Response(
            to_csv(table),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{query.id}.csv"'},
        )
    body = to_json(table, query=query.id, parameters=arguments)
    return Response(body, media_type="application/json; charset=utf-8")

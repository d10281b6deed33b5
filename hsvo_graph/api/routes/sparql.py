"""SPARQL 1.1 Protocol query endpoint (read-only): GET ?query=, POST form, POST sparql-query."""

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from ...guard import ForbiddenQuery, check_public_query
from ...store import QuerySyntaxError, StoreError
from ..deps import StoreDep

router = APIRouter(tags=["SPARQL"])

GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml")


def _graph_format(accept: str) -> str:
    return next((t for t in GRAPH_TYPES if t in accept), "text/turtle")


async def _answer(store: StoreDep, query: str, accept: str) -> Response:
    try:
        check_public_query(query)
    except ForbiddenQuery as exc:
        raise HTTPException(403, str(exc)) from exc
    try:
        result = await run_in_threadpool(store.query, query, graph_format=_graph_format(accept))
    except QuerySyntaxError as exc:
        raise HTTPException(400, f"malformed query: {exc}") from exc
    except StoreError as exc:
        raise HTTPException(502, str(exc)) from exc
    return Response(result.body, media_type=f"{result.media_type}; charset=utf-8")


@router.get("/sparql", summary="SPARQL query (GET)")
async def sparql_get(
    store: StoreDep, query: str, accept: Annotated[str, Header()] = "*/*"
) -> Response:
    """Kör en SPARQL-fråga. / Run a SPARQL query; SELECT/ASK answer in SPARQL JSON."""
    return await _answer(store, query, accept)


@router.post("/sparql", summary="SPARQL query (POST)")
async def sparql_post(
    request: Request, store: StoreDep, accept: Annotated[str, Header()] = "*/*"
) -> Response:
    """POST med `application/x-www-form-urlencoded` (query=…) eller `application/sparql-query`."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type == "application/sparql-query":
        query = (await request.body()).decode("utf-8")
    elif content_type == "application/x-www-form-urlencoded":
        form = await request.form()
        values = form.getlist("query")
        if len(values) != 1:
            raise HTTPException(400, "exactly one 'query' parameter is required")
        query = str(values[0])
    else:
        raise HTTPException(
            415, "use application/sparql-query or application/x-www-form-urlencoded"
        )
    return await _answer(store, query, accept)

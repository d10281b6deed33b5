"""Canned queries over HTTP: ``/q`` lists them, ``/q/{id}?param=…`` answers one.

One route per ``.rq`` file is generated at start-up, so each query and its parameters
appear in the OpenAPI document. The same URL negotiates: a page with a form and a
results table for browsers, JSON by default for programs, CSV or XLSX for downloads
(``format=`` or the Accept header).
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from hsvo_graph.canned.catalog import CannedQuery, ParameterError, run_canned, with_defaults
from hsvo_graph.web.display import ResultTable, result_table
from hsvo_graph.canned.tables import to_csv, to_json, to_xlsx
from hsvo_graph.web.i18n import Translator, localise
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.store import QuerySyntaxError, StoreError, Table
from hsvo_graph.api.deps import CatalogDep, ReaderDep
from hsvo_graph.web.forms import form_fields
from hsvo_graph.api.negotiation import MEDIA_TYPES, negotiate
from hsvo_graph.api.rendering import language, render, url_with

FORMATS = ["json", "html", "csv", "xlsx"]
_RESERVED = {"format", "lang"}
_SCHEMA_TYPES = {"year": {"type": "integer", "minimum": 1000, "maximum": 9999}}


def describe(query: CannedQuery) -> dict[str, Any]:
    """A query's metadata as the ``/q`` listing gives it."""
    return {
        "id": query.id,
        "title": query.title,
        "question": query.question,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required, "label": p.label,
             "example": p.example, "multiple": p.multiple}
            for p in query.parameters
        ],
        "url": f"/q/{query.id}",
    }


def openapi_operation(query: CannedQuery) -> dict[str, Any]:
    """The query's parameters (and ``format``) documented for /openapi.json."""
    parameters = []
    for p in query.parameters:
        schema: dict[str, Any] = _SCHEMA_TYPES.get(p.type, {"type": "string"})
        if p.multiple:
            schema = {"type": "array", "items": schema}
        entry: dict[str, Any] = {
            "name": p.name, "in": "query", "required": p.required, "schema": schema,
            "description": f"{p.label.get('sv', p.name)} / {p.label.get('en', p.name)} "
                           f"(type: {p.type}{'; repeat for several values' if p.multiple else ''})",
        }
        if p.example:
            entry["example"] = [p.example] if p.multiple else p.example
        parameters.append(entry)
    parameters.append({
        "name": "format", "in": "query", "required": False,
        "schema": {"type": "string", "enum": FORMATS},
        "description": "json (default for programs), html (default for browsers), csv or xlsx; "
                       "or send the matching Accept header",
    })
    return {
        "parameters": parameters,
        "responses": {"200": {"description": "The answer", "content": {
            MEDIA_TYPES[f]: {} for f in FORMATS}}},
    }


def _arguments(request: Request) -> dict[str, list[str]]:
    return {k: request.query_params.getlist(k) for k in request.query_params if k not in _RESERVED}


def _run(reader: Reader, query: CannedQuery, arguments: dict[str, list[str]]) -> Table:
    try:
        return run_canned(reader, query, arguments)
    except (QuerySyntaxError, StoreError) as exc:
        raise HTTPException(502, str(exc)) from exc


def _about(query: CannedQuery, arguments: dict[str, list[str]], lang: str, url: str) -> list[tuple[str, str]]:
    """The second sheet of a download: what was asked, with which values, when, where."""
    t = Translator(lang)
    rows = [(t("question"), localise(query.question, lang)),
            ("", localise(query.description, lang))]
    for parameter in query.parameters:
        values = arguments.get(parameter.name) or []
        rows.append((localise(parameter.label, lang), ", ".join(v for v in values if v.strip())))
    rows.append(("URL", url))
    rows.append(("hsvo-graph", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")))
    return rows


async def answer(request: Request, reader: Reader, query: CannedQuery) -> Response:
    """Run ``query`` with the request's arguments and answer in the negotiated format."""
    fmt = negotiate(request.query_params.get("format"), request.headers.get("accept"),
                    FORMATS, default="json")
    arguments = await run_in_threadpool(with_defaults, reader, query, _arguments(request))
    if fmt == "html":
        return await _page(request, reader, query, arguments)
    try:
        table = await run_in_threadpool(_run, reader, query, arguments)
    except ParameterError as exc:
        raise HTTPException(400, str(exc)) from exc
    if fmt == "csv":
        return Response(to_csv(table), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{query.id}.csv"'})
    if fmt == "xlsx":
        lang = language(request)
        t = Translator(lang)
        body = await run_in_threadpool(
            to_xlsx, table, [t.column(v, query.columns) for v in table.variables],
            sheet=localise(query.title, lang), about=_about(query, arguments, lang, str(request.url)),
        )
        return Response(body, media_type=MEDIA_TYPES["xlsx"],
                        headers={"Content-Disposition": f'attachment; filename="{query.id}.xlsx"'})
    return Response(to_json(table, query=query.id, parameters=arguments),
                    media_type="application/json; charset=utf-8")


async def _page(
    request: Request, reader: Reader, query: CannedQuery, arguments: dict[str, list[str]]
) -> Response:
    """The query page: the form, and the answer once something has been asked."""
    lang = language(request)
    t = Translator(lang)
    asked = any(v.strip() for values in _arguments(request).values() for v in values) or not any(
        p.required for p in query.parameters)
    error, results = None, None
    if asked:
        try:
            table = await run_in_threadpool(_run, reader, query, arguments)
            results = await run_in_threadpool(_display, reader, query, table, t)
        except ParameterError as exc:
            error = str(exc)
    fields = await run_in_threadpool(form_fields, reader, query, arguments, lang)
    exports = {f: url_with(request, format=f, lang=None) for f in ("csv", "xlsx", "json")}
    return render(request, "query.html", {
        "query": query, "fields": fields, "results": results, "error": error,
        "exports": exports, "asked": asked,
    }, status_code=400 if error else 200)


def _display(reader: Reader, query: CannedQuery, table: Table, t: Translator) -> ResultTable:
    headings = {v: t.column(v, query.columns) for v in table.variables}
    return result_table(reader, table.rows, table.variables, headings=headings,
                        links=query.links, lang=t.lang)


def _endpoint(query: CannedQuery) -> Callable[[Request, ReaderDep], Awaitable[Response]]:
    async def run_query(request: Request, reader: ReaderDep) -> Response:
        return await answer(request, reader, query)

    run_query.__doc__ = (
        f"{localise(query.description, 'sv')}\n\n{localise(query.description, 'en')}"
    )
    return run_query


def build_router(catalog: dict[str, CannedQuery]) -> APIRouter:
    """``/q``, one documented route per canned query, and a 404 for unknown ids."""
    router = APIRouter(tags=["Canned queries"])

    @router.get("/q", summary="List canned queries")
    def list_queries(request: Request, catalog: CatalogDep) -> Any:
        """Färdiga frågor. / The canned queries with their parameters (browsers go to the
        start page, which lists them as questions)."""
        if negotiate(None, request.headers.get("accept"), ["json", "html"], "json") == "html":
            return RedirectResponse("/", status_code=303)
        return [describe(q) for q in catalog.values()]

    for query in catalog.values():
        router.add_api_route(
            f"/q/{query.id}",
            _endpoint(query),
            methods=["GET"],
            summary=f"{query.title.get('sv', query.id)} / {query.title.get('en', query.id)}",
            name=f"canned_{query.id}",
            openapi_extra=openapi_operation(query),
            response_class=Response,
        )

    @router.get("/q/{query_id}", include_in_schema=False)
    def unknown_query(query_id: str) -> None:
        raise HTTPException(404, f"no canned query {query_id!r}; see /q")

    return router

"""The SPARQL 1.1 Protocol query endpoint (read-only) and the service's self-description.

``/sparql``: GET ``?query=``, POST form, POST ``application/sparql-query``; parameters
``default-graph-uri``, ``named-graph-uri``, ``inference=false`` and ``format``. Without a
query, GET answers with the SPARQL Service Description (RDF), or the query editor for a
browser. ``/.well-known/void``: the VoID description of the dataset.
"""

from dataclasses import dataclass

import anyio
from fastapi import APIRouter, Request, Response

from hsvo_graph.sparql.describe import (
    DESCRIPTION_PREFIXES,
    service_description,
    statistics,
    void_description,
)
from hsvo_graph.sparql.executor import Executor, QueryTimeout, ServiceBusy
from hsvo_graph.sparql.guard import ForbiddenQuery, check_public_query
from hsvo_graph.namespaces import PREFIXES
from hsvo_graph.formats import SPARQL_JSON, TURTLE
from hsvo_graph.sparql.protocol import (
    OFFERS,
    ProtocolError,
    negotiate,
    prefers_html,
    query_dataset,
    query_form,
)
from hsvo_graph.sparql.results import Encoded, serialize_rdf
from hsvo_graph.store import QuerySyntaxError, StoreError
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.api.deps import ExecutorDep
from hsvo_graph.api.transport import (
    conditional_response,
    decode,
    form_fields,
    media_type_of,
    plain_error,
    read_body,
)
from hsvo_graph.api.routes.editor import render_editor

router = APIRouter(tags=["SPARQL"])

_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
_PARAMETERS = [
    {"name": "query", "in": "query", "schema": {"type": "string"},
     "description": "SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE). Without it: the "
                    "Service Description."},
    {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "inference", "in": "query", "schema": {"type": "boolean", "default": True},
     "description": "false: leave out the inferred triples (graph:inferred)."},
    {"name": "format", "in": "query", "schema": {"type": "string"},
     "description": "json, xml, csv, tsv; turtle, ntriples, rdfxml, jsonld, trig, nquads "
                    "(instead of an Accept header)."},
]


def base_url(request: Request) -> str:
    """The service's own URL (scheme, host, root path) without a trailing slash."""
    return str(request.base_url).rstrip("/")


@dataclass(frozen=True)
class QueryParams:
    """The protocol parameters of one request, from the URL and (POST) the body."""

    query: str | None
    default_graph_uris: list[str]
    named_graph_uris: list[str]
    inference: bool
    formats: list[str]


def _single(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name, [])
    if len(values) > 1:
        raise ProtocolError(f"exactly one '{name}' parameter is allowed, got {len(values)}")
    return values[0] if values else None


def _flag(value: str | None, name: str) -> bool:
    if value is None or value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ProtocolError(f"'{name}' must be true or false, not {value!r}")


async def query_params(request: Request) -> QueryParams:
    """Read the parameters the SPARQL 1.1 Protocol defines for a query operation."""
    limit = request.app.state.settings.max_query_bytes
    fields: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        fields.setdefault(key, []).append(value)
    if request.method == "POST":
        content_type = media_type_of(request)
        body = await read_body(request, limit)
        if content_type == "application/sparql-query":
            if "query" in fields:
                raise ProtocolError("the query is the request body; do not send a 'query' parameter too")
            fields["query"] = [decode(body, "query")]
        elif content_type == "application/x-www-form-urlencoded":
            for key, values in form_fields(body).items():
                fields.setdefault(key, []).extend(values)
        else:
            raise ProtocolError(
                "POST a query as application/sparql-query or application/x-www-form-urlencoded"
                f", not {content_type or 'a body without Content-Type'}", 415,
            )
    if "update" in fields:
        raise ProtocolError("SPARQL Update is not accepted here: this is the read-only query endpoint")
    query = _single(fields, "query")
    if query is not None and len(query.encode("utf-8")) > limit:
        raise ProtocolError(f"query longer than the limit of {limit} bytes",
                            414 if request.method == "GET" else 413)
    return QueryParams(
        query=query,
        default_graph_uris=fields.get("default-graph-uri", []),
        named_graph_uris=fields.get("named-graph-uri", []),
        inference=_flag(_single(fields, "inference"), "inference"),
        formats=fields.get("format", []),
    )


async def answer(executor: Executor, params: QueryParams, accept: str | None,
                 max_rows: int) -> Encoded:
    """Check, negotiate and run one query (never on the event loop); ProtocolError on any
    refusal, with the status the SPARQL 1.1 Protocol gives it."""
    assert params.query is not None
    try:
        check_public_query(params.query)
    except ForbiddenQuery as exc:
        raise ProtocolError(str(exc), exc.status) from exc
    kind = query_form(params.query) or "solutions"
    chosen = negotiate(OFFERS[kind], accept, params.formats)
    graphs = [] if params.inference else await executor.graph_names()
    dataset = query_dataset(params.query, params.default_graph_uris, params.named_graph_uris,
                            params.inference, graphs)
    request = QueryRequest(
        query=params.query,
        solutions_type=chosen.media_type if kind in ("solutions", "boolean") else SPARQL_JSON.media_type,
        graph_type=chosen.media_type if kind == "graph" else TURTLE.media_type,
        max_rows=max_rows,
        union_default=dataset.union_default,
        default_graphs=dataset.default_graphs,
        named_graphs=dataset.named_graphs,
        prefixes=PREFIXES,
    )
    try:
        return await executor.run(request)
    except QuerySyntaxError as exc:
        raise ProtocolError(f"malformed query: {exc}") from exc
    except QueryTimeout as exc:
        raise ProtocolError(str(exc), 503) from exc
    except ServiceBusy as exc:
        raise ProtocolError(str(exc), 503, {"Retry-After": "2"}) from exc
    except StoreError as exc:
        raise ProtocolError(str(exc), 502) from exc


async def run_query(executor: Executor, params: QueryParams, accept: str | None,
                    max_rows: int) -> Response:
    """The HTTP answer to one query; a cut result says so in X-HSVO-Truncated."""
    encoded = await answer(executor, params, accept, max_rows)
    headers = {"Vary": "Accept", "Content-Type": f"{encoded.media_type}; charset=utf-8"}
    if encoded.truncated:
        headers["X-HSVO-Truncated"] = "true"
        headers["X-HSVO-Row-Limit"] = str(max_rows)
    return Response(encoded.body, headers=headers)


async def _describe_service(request: Request, executor: Executor, formats: list[str]) -> Response:
    accept = request.headers.get("accept")
    if not formats and prefers_html(accept, OFFERS["graph"]):
        return render_editor(request, None)
    chosen = negotiate(OFFERS["graph"], accept, formats)
    base = base_url(request)
    graphs = await executor.graph_names()
    triples = service_description(base + "/sparql", base + "/.well-known/void", graphs)
    body = serialize_rdf(triples, chosen.media_type, DESCRIPTION_PREFIXES)
    return Response(body, headers={
        "Content-Type": chosen.content_type, "Vary": "Accept",
        "Link": f'<{base}/.well-known/void>; rel="describedby"',
    })


async def _endpoint(request: Request, executor: Executor) -> Response:
    try:
        params = await query_params(request)
        if params.query is None:
            if request.method == "POST":
                raise ProtocolError("missing 'query' parameter")
            return await _describe_service(request, executor, params.formats)
        accept = request.headers.get("accept")
        if (request.method == "GET" and not params.formats
                and prefers_html(accept, OFFERS[query_form(params.query) or "solutions"])):
            return render_editor(request, params.query)
        return await run_query(executor, params, accept, request.app.state.settings.max_result_rows)
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc), exc.headers)


@router.get("/sparql", summary="SPARQL query (GET), or the service description",
            openapi_extra={"parameters": _PARAMETERS})
async def sparql_get(request: Request, executor: ExecutorDep) -> Response:
    """Kör en SPARQL-fråga; utan fråga: tjänstebeskrivningen (RDF) eller frågeredigeraren.
    / Run a SPARQL query; without one: the Service Description, or the editor in a browser."""
    return await _endpoint(request, executor)


@router.post("/sparql", summary="SPARQL query (POST)", openapi_extra={"parameters": _PARAMETERS[1:]})
async def sparql_post(request: Request, executor: ExecutorDep) -> Response:
    """POST med `application/x-www-form-urlencoded` (query=…) eller `application/sparql-query`."""
    return await _endpoint(request, executor)


@router.get("/.well-known/void", summary="VoID description of the dataset")
async def void(request: Request, executor: ExecutorDep) -> Response:
    """Datamängdens VoID-beskrivning: grafer per källdokument, antal tripler, vokabulär.
    / The dataset's VoID description: graphs per source document, counts, vocabularies.
    Format by Accept or `?format=` (turtle, ntriples, rdfxml, jsonld, trig, nquads)."""
    try:
        chosen = negotiate(OFFERS["graph"], request.headers.get("accept"),
                           request.query_params.getlist("format"))
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc))
    snapshot = await executor.snapshot()

    def describe() -> bytes:
        stats = snapshot.derived("statistics", lambda s: statistics(s.quads))
        triples = void_description(stats, base_url(request), snapshot.modified)
        return serialize_rdf(triples, chosen.media_type, DESCRIPTION_PREFIXES)

    body = await anyio.to_thread.run_sync(describe)
    return conditional_response(request, body, chosen.content_type, snapshot.modified,
                                {"Vary": "Accept"})

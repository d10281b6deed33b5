"""The SPARQL 1.1 Protocol's query operation, shared by the endpoint (``/sparql``) and its
documentation page (which runs its worked examples the same way): read a request's
parameters, check the query, negotiate the format, run it through the executor; and the
endpoint itself (``sparql_endpoint``), which the route and the query lane both serve.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.types import Scope

from hsvo_graph.config import Settings
from hsvo_graph.formats import SPARQL_JSON, TURTLE
from hsvo_graph.namespaces import PREFIXES
from hsvo_graph.sparql.analysis import Analysis, with_row_limit
from hsvo_graph.sparql.direct import KEYED_HEADERS, Answerable
from hsvo_graph.sparql.executor import Executor, QueryTimeout, ServiceBusy
from hsvo_graph.sparql.guard import ForbiddenQuery, analysed_off_loop, check_public_query
from hsvo_graph.sparql.describe import DESCRIPTION_PREFIXES, service_description
from hsvo_graph.sparql.protocol import (
    OFFERS,
    ProtocolError,
    negotiate,
    prefers_html,
    query_dataset,
    query_kind,
    base_iri,
)
from hsvo_graph.sparql.recent import Recent
from hsvo_graph.sparql.results import MAX_VALUE_BYTES, Encoded, serialize_rdf
from hsvo_graph.sparql.worker import QueryRequest
from hsvo_graph.store import QuerySyntaxError, StoreError
from hsvo_graph.api.editor import render_editor
from hsvo_graph.api.transport import (
    base_url,
    check_plain_utf8,
    decode,
    form_fields,
    media_type_of,
    plain_error,
    RawResponse,
    read_body,
)

_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
@dataclass(frozen=True)
class QueryParams:
    """The protocol parameters of one request, from the URL and (POST) the body."""

    query: str | None
    default_graph_uris: list[str]
    named_graph_uris: list[str]
    inference: bool
    formats: list[str]
    # the public URL relative IRIs resolve against; None (internal callers): as the store does
    endpoint: str | None = None


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


async def query_params(request: Request, limit: int) -> QueryParams:
    """Read the parameters the SPARQL 1.1 Protocol defines for a query operation; a query
    longer than ``limit`` bytes is refused (414 or 413)."""
    fields = form_fields(request.scope["query_string"], "the URL's query string")
    if request.method == "POST":
        content_type = media_type_of(request)
        check_plain_utf8(request)
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
    if query is not None:
        query = query.removeprefix("\ufeff")  # a byte order mark, as editors save .rq files
    # ``lang`` is every page's language switch (the editor's too: its "English" link is
    # /sparql?lang=en), so it alone still asks for the description or the editor
    if query is None and set(fields) - {"lang"}:
        raise ProtocolError(f"missing 'query' parameter (got {', '.join(sorted(fields))}); "
                            "only a GET without parameters describes the service")
    if query is not None and len(query.encode("utf-8")) > limit:
        raise ProtocolError(f"query longer than the limit of {limit} bytes",
                            414 if request.method == "GET" else 413)
    return QueryParams(
        query=query,
        default_graph_uris=fields.get("default-graph-uri", []),
        named_graph_uris=fields.get("named-graph-uri", []),
        inference=_flag(_single(fields, "inference"), "inference"),
        # output= and results= are Fuseki's and Virtuoso's spellings (SPARQLWrapper sends them)
        formats=[*fields.get("format", []), *fields.get("output", []), *fields.get("results", [])],
        endpoint=base_url(request) + "/sparql",
    )


async def prepare(executor: Executor, params: QueryParams, accept: str | None,
                  max_rows: int, analysis: Analysis | None = None) -> QueryRequest:
    """Check and negotiate one query and decide what a worker is asked to run; ProtocolError
    on any refusal, with the status the SPARQL 1.1 Protocol gives it. ``analysis``: the
    query's, when the caller has it already (the text is analysed once per request)."""
    assert params.query is not None
    try:
        analysis = analysis or await analysed_off_loop(params.query)
        check_public_query(analysis)
    except ForbiddenQuery as exc:
        raise ProtocolError(str(exc), exc.status) from exc
    kind = query_kind(analysis)
    chosen = negotiate(OFFERS[kind], accept, params.formats)
    graphs = [] if params.inference else await executor.graph_names()
    dataset = query_dataset(analysis, params.default_graph_uris, params.named_graph_uris,
                            params.inference, graphs, params.endpoint or "")
    limited = with_row_limit(params.query, analysis, max_rows + 1)
    return QueryRequest(
        query=params.query if limited is None else limited,
        base_iri=base_iri(params.endpoint) if params.endpoint else None,
        original=None if limited is None or limited == params.query else params.query,
        solutions_type=chosen.media_type if kind in ("solutions", "boolean") else SPARQL_JSON.media_type,
        graph_type=chosen.media_type if kind == "graph" else TURTLE.media_type,
        max_rows=max_rows,
        union_default=dataset.union_default,
        default_graphs=dataset.default_graphs,
        named_graphs=dataset.named_graphs,
        prefixes=PREFIXES if kind == "graph" else {},  # only RDF formats declare prefixes
        row_limited=limited is not None,
    )


async def execute(executor: Executor, request: QueryRequest) -> Encoded:
    """Run a prepared query; its failures as the ProtocolError the protocol gives them."""
    try:
        return await executor.run(request)
    except QuerySyntaxError as exc:
        raise ProtocolError(f"malformed query: {exc}") from exc
    except QueryTimeout as exc:
        raise ProtocolError(str(exc), 503) from exc
    except ServiceBusy as exc:
        raise ProtocolError(str(exc), 503, {"Retry-After": "2"}) from exc
    except StoreError as exc:
        raise ProtocolError(str(exc), exc.status) from exc


async def answer(executor: Executor, params: QueryParams, accept: str | None,
                 max_rows: int, analysis: Analysis | None = None) -> Encoded:
    """Check, negotiate and run one query (see ``prepare``)."""
    return await execute(executor, await prepare(executor, params, accept, max_rows, analysis))


def respond(encoded: Encoded, max_rows: int) -> Response:
    """The HTTP answer to one query; a cut result says so in X-HSVO-Truncated, with the
    two limits it may have reached (rows, and bytes of values)."""
    headers = [(b"vary", b"Accept"), (b"content-type", _content_type(encoded.media_type)),
               (b"content-length", b"%d" % len(encoded.body))]
    if encoded.truncated:
        headers += [(b"x-hsvo-truncated", b"true"), (b"x-hsvo-row-limit", b"%d" % max_rows),
                    (b"x-hsvo-byte-limit", b"%d" % MAX_VALUE_BYTES)]
    return RawResponse(encoded.body, headers)


@functools.lru_cache(maxsize=64)
def _content_type(media_type: str) -> bytes:
    return f"{media_type}; charset=utf-8".encode("latin-1")


# What a GET query operation asks a worker to run is decided by its request line and a few
# headers alone: the query string, Accept, and what the endpoint's own URL is made of (Host,
# scheme, server, root path), once the query is not asked for the dataset of the moment's
# graph list (inference=false). Deciding it (parameters, analysis, negotiation, the row
# limit, the base IRI) was half the service's own time on a cheap query, and the same
# requests come again and again, so the prepared request of the last ones is remembered.
_PREPARED: Recent[tuple[object, ...], QueryRequest] = Recent(512)
_LONGEST_KEY = 16 * 1024  # longer query strings are prepared every time, not kept


def _prepared_key(scope: Scope, settings: Settings) -> tuple[object, ...] | None:
    """The inputs a GET query operation's prepared request depends on (the limits of the
    service answering it included); None for other requests."""
    if scope["method"] != "GET" or len(scope["query_string"]) > _LONGEST_KEY:
        return None
    headers = tuple((name, value) for name, value in scope["headers"] if name in KEYED_HEADERS)
    server = scope.get("server")  # a tuple from servers, a list from some test clients
    return (scope["query_string"], headers, scope.get("scheme"), server and tuple(server),
            scope.get("root_path", ""), settings.max_query_bytes, settings.max_result_rows)


def answer_at_hand(scope: Scope, executor: Executor, settings: Settings) -> Response | None:
    """The answer to a GET query operation when nothing needs waiting for: its request was
    prepared before (``_PREPARED``) and the executor answers it at once (``answer_now``: known
    to be cheap on the current generation); None otherwise, and ``sparql_endpoint`` answers.
    It is the same answer ``sparql_endpoint`` gives, built by the same functions, without a
    task or the awaits that one request costs (``cli.http_protocol`` asks this first)."""
    key = _prepared_key(scope, settings)
    prepared = None if key is None else _PREPARED.get(key)
    if prepared is None:
        return None
    encoded = executor.answer_now(prepared)
    return None if encoded is None else _answered(scope, prepared, encoded, settings)


# The scope's note that a GET query operation was answered with a prepared request that
# is kept (``_PREPARED``): the prepared request and the answer's media type. The HTTP server
# may then hand the connection to a query worker that answers the same request again
# (``answer_again``, ``sparql.direct``).
ANSWERED = "hsvo.answered"


def _answered(scope: Scope, prepared: QueryRequest, encoded: Encoded,
              settings: Settings) -> Response:
    scope[ANSWERED] = (prepared, encoded.media_type)
    return respond(encoded, settings.max_result_rows)


def answer_again(scope: Scope, settings: Settings,
                 finish: Callable[[Response], list[tuple[bytes, bytes]]]) -> Answerable | None:
    """What a pinned worker needs to answer the request of ``scope`` again, as this service
    answers it (``ANSWERED``); None when it was not such a request. ``finish``: the headers
    the layers around the endpoint give an answer (CORS, Vary, the server's own)."""
    answered = scope.get(ANSWERED)
    if answered is None:
        return None
    prepared, media_type = answered
    heads = []
    for truncated in (False, True):
        headers = finish(respond(Encoded("", media_type, b"", truncated), settings.max_result_rows))
        heads.append(b"".join(b"%s: %s\r\n" % (name, value) for name, value in headers
                              if name != b"content-length"))
    headers = scope["headers"]
    key = (scope["query_string"], tuple(h for h in headers if h[0] in KEYED_HEADERS),
           any(name == b"origin" for name, _ in headers))
    return Answerable(key, prepared, heads[0], heads[1])


async def _describe_service(request: Request, executor: Executor) -> Response:
    accept = request.headers.get("accept")
    if prefers_html(accept, OFFERS["graph"]):
        return await render_editor(request, None)
    chosen = negotiate(OFFERS["graph"], accept)
    base = base_url(request)
    graphs = await executor.graph_names()
    triples = service_description(base + "/sparql", base + "/.well-known/void", graphs)
    body = serialize_rdf(triples, chosen.media_type, DESCRIPTION_PREFIXES)
    return Response(body, headers={
        "Content-Type": chosen.content_type, "Vary": "Accept",
        "Link": f'<{base}/.well-known/void>; rel="describedby"',
    })


async def sparql_endpoint(request: Request, executor: Executor, settings: Settings) -> Response:
    """The whole ``/sparql`` endpoint: a query operation, the service description (a bare
    GET) or the editor (a browser); every refusal is a plain-text error with its status.
    Served by the route (``routes/sparql.py``) and, for query operations, by the lane in
    front of the router (``api/query_lane.py``)."""
    key = _prepared_key(request.scope, settings)
    prepared = None if key is None else _PREPARED.get(key)
    try:
        if prepared is not None:
            return _answered(request.scope, prepared, await execute(executor, prepared), settings)
        params = await query_params(request, settings.max_query_bytes)
        if params.query is None:
            if request.method == "POST":
                raise ProtocolError("missing 'query' parameter")
            return await _describe_service(request, executor)
        accept = request.headers.get("accept")
        refusal: ForbiddenQuery | None = None
        try:
            analysis = await analysed_off_loop(params.query)
            kind = query_kind(analysis)
        except ForbiddenQuery as exc:  # a 400, unless a browser asks for the editor
            refusal, kind = exc, "solutions"
        if request.method == "GET" and not params.formats and prefers_html(accept, OFFERS[kind]):
            return await render_editor(request, params.query)
        if refusal is not None:
            raise ProtocolError(str(refusal), refusal.status) from refusal
        prepared = await prepare(executor, params, accept, settings.max_result_rows, analysis)
        encoded = await execute(executor, prepared)
        if key is not None and params.inference:
            _PREPARED.keep(key, prepared)
            return _answered(request.scope, prepared, encoded, settings)
        return respond(encoded, settings.max_result_rows)
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc), exc.headers)

"""SPARQL 1.1 Graph Store HTTP Protocol: public reads at ``/store``, token-protected writes
at ``/admin/store``, and SPARQL Update at ``/admin/update`` (off unless HSVO_ADMIN_TOKEN is
set; see ``hsvo_graph.api.auth``).

``GET /store?graph=IRI`` is one named graph; ``GET /store?default`` the default graph that
queries see (the union of all graphs); ``GET /store`` the whole dataset (TriG, N-Quads,
JSON-LD). Every write goes through the store's update, so the query workers see it at
their next query.
"""

import anyio
import pyoxigraph as ox
from fastapi import APIRouter, Request, Response

from hsvo_graph.sparql.binding import BindingError, check_iri
from hsvo_graph.sparql.dumps import dataset_file, graph_file, union_file
from hsvo_graph.sparql.guard import ForbiddenQuery, analysed_off_loop, check_admin_update
from hsvo_graph.graph.loading import LoadError, check_nfc
from hsvo_graph.sparql.protocol import OFFERS, ProtocolError, negotiate
from hsvo_graph.formats import rdf_format
from hsvo_graph.sparql.results import serialize_rdf
from hsvo_graph.store import QuerySyntaxError, StoreError
from hsvo_graph.api.auth import AdminDep
from hsvo_graph.api.deps import ExecutorDep, SettingsDep, StoreDep
from hsvo_graph.api.transport import (
    conditional_response,
    decode,
    form_fields,
    media_type_of,
    plain_error,
    read_body,
)

router = APIRouter(tags=["Graph Store"])

# A graph is sent in a triple format (JSON-LD too: any graphs inside are flattened).
_TRIPLE_FORMATS = {
    media_type: rdf_format(media_type) for media_type in
    ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")
}


def _target(request: Request) -> str | None:
    """The graph a request addresses: an IRI, or None (``?default``, or neither parameter:
    the caller decides); 400 for both, two graphs, or a bad IRI."""
    graphs = request.query_params.getlist("graph")
    default = "default" in request.query_params
    if len(graphs) > 1 or (graphs and default):
        raise ProtocolError("give exactly one of ?graph=IRI and ?default")
    if not graphs:
        return None
    try:
        return str(check_iri(graphs[0]))
    except BindingError as exc:
        raise ProtocolError(f"graph: {exc}") from exc


@router.api_route("/store", methods=["GET", "HEAD"], summary="Graph Store Protocol: read")
async def read(request: Request, executor: ExecutorDep) -> Response:
    """Läs en graf (?graph=IRI), standardgrafen (?default) eller hela datamängden.
    / Read one graph (?graph=IRI), the default graph (?default) or the whole dataset.
    Format by Accept or `?format=` (turtle, ntriples, rdfxml, jsonld; trig, nquads)."""
    accept = request.headers.get("accept")
    try:
        graph = _target(request)
        whole = graph is None and "default" not in request.query_params
        chosen = negotiate(OFFERS["dataset" if whole else "graph"], accept,
                           request.query_params.getlist("format"))
        snapshot = await executor.snapshot()
        if graph is not None and graph not in snapshot.graphs:
            raise ProtocolError(f"no graph <{graph}> in the store", 404)
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc), exc.headers)
    if whole:
        body = await anyio.to_thread.run_sync(dataset_file, snapshot, chosen.media_type)
    elif graph is None:
        body = await anyio.to_thread.run_sync(union_file, snapshot, chosen.media_type)
    else:
        body = await anyio.to_thread.run_sync(graph_file, snapshot, graph, chosen.media_type)
    return conditional_response(request, body, chosen.content_type, snapshot.modified,
                                {"Vary": "Accept"})


def _parse(body: bytes, content_type: str, graph: str) -> bytes:
    """The request body as N-Triples, checked: UTF-8, NFC, valid syntax (400 otherwise)."""
    fmt = _TRIPLE_FORMATS.get(content_type)
    if fmt is None:
        raise ProtocolError(
            f"send the graph as one of {', '.join(_TRIPLE_FORMATS)}, not {content_type or 'no Content-Type'}",
            415,
        )
    text = decode(body, "request body")
    try:
        check_nfc("request body", text)
        triples = [q.triple for q in ox.parse(body, format=fmt, base_iri=graph)]
    except LoadError as exc:
        raise ProtocolError(str(exc)) from exc
    except SyntaxError as exc:
        raise ProtocolError(f"request body: invalid {fmt.name}: {exc}") from exc
    return serialize_rdf(triples, "application/n-triples", {})


async def _apply(store: StoreDep, update: str) -> None:
    try:
        await anyio.to_thread.run_sync(store.update, update)
    except QuerySyntaxError as exc:
        raise ProtocolError(f"the store refused the update: {exc}") from exc
    except StoreError as exc:
        raise ProtocolError(str(exc), 502) from exc


@router.api_route("/admin/store", methods=["PUT", "POST", "DELETE"],
                  summary="Graph Store Protocol: write (admin token)", status_code=204)
async def write(request: Request, _: AdminDep, store: StoreDep, settings: SettingsDep) -> Response:
    """PUT ersätter, POST lägger till, DELETE tar bort en namngiven graf (?graph=IRI).
    / PUT replaces, POST adds to, DELETE drops one named graph."""
    try:
        graph = _target(request)
        if graph is None:
            raise ProtocolError("write a named graph (?graph=IRI): the default graph is the union "
                                "of all named graphs and cannot be written itself")
        exists = graph in await anyio.to_thread.run_sync(store.graph_names)
        if request.method == "DELETE":
            if not exists:
                raise ProtocolError(f"no graph <{graph}> in the store", 404)
            await _apply(store, f"DROP GRAPH <{graph}>")
            return Response(status_code=204)
        body = await read_body(request, settings.max_upload_bytes)
        n_triples = _parse(body, media_type_of(request), graph).decode("utf-8")
        drop = f"DROP SILENT GRAPH <{graph}> ;\n" if request.method == "PUT" else ""
        await _apply(store, f"{drop}INSERT DATA {{ GRAPH <{graph}> {{\n{n_triples}}} }}")
        return Response(status_code=204 if exists else 201)
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc), exc.headers)


@router.post("/admin/update", summary="SPARQL 1.1 Update (admin token)", status_code=204)
async def update(request: Request, _: AdminDep, store: StoreDep, settings: SettingsDep) -> Response:
    """SPARQL Update som `application/sparql-update` eller formulärfältet `update`; LOAD och
    SERVICE avvisas. / SPARQL Update; LOAD and SERVICE are refused."""
    try:
        body = await read_body(request, settings.max_upload_bytes)
        content_type = media_type_of(request)
        if content_type == "application/sparql-update":
            text = decode(body, "update")
        elif content_type == "application/x-www-form-urlencoded":
            fields = form_fields(body)
            if len(fields.get("update", [])) != 1:
                raise ProtocolError("exactly one 'update' parameter is required")
            if "using-graph-uri" in fields or "using-named-graph-uri" in fields:
                raise ProtocolError("using-graph-uri and using-named-graph-uri are not supported; "
                                    "write USING or WITH in the update")
            text = fields["update"][0]
        else:
            raise ProtocolError("POST the update as application/sparql-update or "
                                "application/x-www-form-urlencoded", 415)
        try:
            check_admin_update(await analysed_off_loop(text))
        except ForbiddenQuery as exc:
            raise ProtocolError(str(exc), exc.status) from exc
        await _apply(store, text)
        return Response(status_code=204)
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc), exc.headers)

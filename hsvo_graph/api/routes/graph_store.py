"""SPARQL 1.1 Graph Store HTTP Protocol at one URL, ``/store``, and SPARQL 1.1 Update at
``/admin/update``. Reads are public; writes need the admin token (off unless
HSVO_ADMIN_TOKEN is set; see ``hsvo_graph.api.auth``). ``/admin/store`` still takes writes,
for clients written against the earlier split.

``GET /store?graph=IRI`` is one named graph, ``GET /store/graph/NAME`` the graph
``https://w3id.org/hsvo-graph/graph/NAME`` identified directly; ``GET /store?default`` the
default graph that queries see (the union of all graphs); ``GET /store`` the whole dataset
(TriG, N-Quads, JSON-LD). Writes to ``?default`` change the store's own default graph,
which is one part of that union (docs/sparql.md). POST to ``/store`` itself creates a new
graph and answers 201 with its IRI as Location (readable at ``/store/graph/NAME``).

PUT and POST of a named graph go through the store's ``replace_graphs``
(``hsvo_graph.api.graph_writes``): whole or not at all on every store, of any size, blank
nodes included (Virtuoso too). Every write is counted by the store, so the query workers
see it at their next query.
"""

import uuid
from collections.abc import Callable

import anyio
import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from hsvo_graph.namespaces import GRAPH
from hsvo_graph.sparql.analysis import Analysis, tokenize
from hsvo_graph.sparql.binding import BindingError, check_iri
from hsvo_graph.sparql.dumps import dataset_file, graph_file, union_file
from hsvo_graph.sparql.guard import ForbiddenQuery, analysed_off_loop, check_admin_update
from hsvo_graph.graph.loading import LoadError, check_source, syntax_error
from hsvo_graph.sparql.protocol import OFFERS, ProtocolError, negotiate
from hsvo_graph.formats import rdf_format
from hsvo_graph.store import QuerySyntaxError, StoreError
from hsvo_graph.api.auth import AdminDep
from hsvo_graph.api.graph_writes import (
    add_to_graph,
    default_graph_update,
    replace_graph,
)
from hsvo_graph.api.deps import ExecutorDep, SettingsDep, StoreDep
from hsvo_graph.api.transport import (
    check_plain_utf8,
    conditional_response,
    decode,
    form_fields,
    media_type_of,
    plain_error,
    read_body,
    base_url,
)

router = APIRouter(tags=["Graph Store"])

# A graph is sent in a triple format (JSON-LD too: any graphs inside are flattened).
_TRIPLE_FORMATS = {
    media_type: rdf_format(media_type) for media_type in
    ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")
}


def _target(request: Request, name: str | None = None) -> str | None:
    """The graph a request addresses: an IRI (``?graph=IRI``, or ``name`` under the
    project's graph namespace when identified directly), or None (``?default``, or the
    store itself: the caller decides); 400 for both, two graphs, or a bad IRI."""
    graphs = request.query_params.getlist("graph")
    default = "default" in request.query_params
    if name is not None:
        if graphs or default:
            raise ProtocolError("a graph identified directly takes no ?graph or ?default")
        graphs = [str(GRAPH[name])]
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
    return await _read(request, executor, None)


@router.api_route("/store/graph/{name:path}", methods=["GET", "HEAD"],
                  summary="Graph Store Protocol: read a graph identified directly")
async def read_direct(name: str, request: Request, executor: ExecutorDep) -> Response:
    """Läs grafen https://w3id.org/hsvo-graph/graph/NAME. / Read the graph NAME directly."""
    return await _read(request, executor, name)


async def _read(request: Request, executor: ExecutorDep, name: str | None) -> Response:
    accept = request.headers.get("accept")
    try:
        graph = _target(request, name)
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


async def _payload(request: Request, settings: SettingsDep, base: str) -> list[ox.Triple]:
    """The triples a write sends: the body, or each file of a multipart/form-data body (each
    in the format its part's Content-Type names), merged; every document's blank nodes are
    fresh ones, distinct from those of the other parts and of the graph written to. A body
    in a content coding or another charset is a 415, as for queries (a gzip body was a 400
    "not valid UTF-8", a charset=utf-16 body read as UTF-8). Parsed off the event loop:
    32 MiB of N-Triples held every other request, public queries too, for 15 s."""
    check_plain_utf8(request)
    if media_type_of(request) != "multipart/form-data":
        body = await read_body(request, settings.max_upload_bytes)
        return await anyio.to_thread.run_sync(_parse, body, media_type_of(request), base)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_upload_bytes:
        raise ProtocolError(f"request body larger than the limit of "
                            f"{settings.max_upload_bytes} bytes", 413)
    form = await request.form(max_part_size=settings.max_upload_bytes)
    files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
    if not files:
        raise ProtocolError("a multipart/form-data body needs at least one file part")
    triples: list[ox.Triple] = []
    for upload in files:
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        triples += await anyio.to_thread.run_sync(_parse, await upload.read(), content_type, base)
    return triples


def _parse(body: bytes, content_type: str, graph: str) -> list[ox.Triple]:
    """The triples of one document, checked: UTF-8, NFC, RDF/XML entities bounded, valid
    syntax (400 with the line otherwise; a term over the parser's 16 MiB too, which was a
    500). The parser renames every blank node to a fresh, random one (see
    ``hsvo_graph.api.graph_writes``), inside triple terms ``<<( _:b … )>>`` as well."""
    fmt = _TRIPLE_FORMATS.get(content_type)
    if fmt is None:
        raise ProtocolError(
            f"send the graph as one of {', '.join(_TRIPLE_FORMATS)}, not {content_type or 'no Content-Type'}",
            415,
        )
    text = decode(body, "request body")
    try:
        check_source("request body", text, fmt)
        try:
            return [q.triple for q in ox.parse(body, format=fmt, base_iri=graph,
                                               rename_blank_nodes=True)]
        except (SyntaxError, MemoryError) as exc:
            raise syntax_error("request body", fmt, exc) from exc
    except LoadError as exc:
        raise ProtocolError(str(exc)) from exc


async def _apply(write: Callable[[], None]) -> None:
    """Run one write off the event loop; the store's refusals become protocol errors (400
    for a refused text, the StoreError's status when the store failed)."""
    try:
        await anyio.to_thread.run_sync(write)
    except QuerySyntaxError as exc:
        raise ProtocolError(f"the store refused the update: {exc}") from exc
    except StoreError as exc:
        raise ProtocolError(str(exc), exc.status) from exc


async def _write(request: Request, store: StoreDep, settings: SettingsDep,
                 name: str | None = None) -> Response:
    """PUT, POST or DELETE one graph: a named graph, the store's default graph, or (POST to
    the store itself) a new graph. Named graphs are written through ``replace_graphs``
    (hsvo_graph.api.graph_writes): whole on every store, or not at all."""
    try:
        graph = _target(request, name)
        default = graph is None and "default" in request.query_params
        headers: dict[str, str] = {}
        if graph is None and not default:
            if request.method != "POST":
                raise ProtocolError("PUT and DELETE need a graph: ?graph=IRI or ?default")
            graph = str(GRAPH[uuid.uuid4().hex])
            headers["Location"] = graph  # the new graph's IRI, as the protocol asks
        exists = default or graph in await anyio.to_thread.run_sync(store.graph_names)
        if request.method == "DELETE":
            if not exists:
                raise ProtocolError(f"no graph <{graph}> in the store", 404)
            drop = "DROP SILENT DEFAULT" if default else f"DROP GRAPH <{graph}>"
            await _apply(lambda: store.update(drop))
            return Response(status_code=204)
        triples = await _payload(request, settings, graph or f"{base_url(request)}/store")
        replace = request.method == "PUT"
        if graph is None:
            update = default_graph_update(triples, replace=replace)
            try:
                await _apply(lambda: store.update(update))
            except ProtocolError as exc:
                if exc.status != 400:
                    raise
                raise ProtocolError(f"{exc} (this write goes to the store's own default "
                                    "graph as one update; Virtuoso keeps no such graph: "
                                    "write a named graph, ?graph=IRI)") from exc
        else:
            named = graph
            write = replace_graph if replace else add_to_graph
            await _apply(lambda: write(store, named, triples))
        return Response(status_code=204 if exists else 201, headers=headers)
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc), exc.headers)


_WRITES = ["PUT", "POST", "DELETE"]


@router.api_route("/store", summary="Graph Store Protocol: write (admin token)", methods=_WRITES, status_code=204)
async def write(request: Request, _: AdminDep, store: StoreDep, settings: SettingsDep) -> Response:
    """PUT ersätter, POST lägger till, DELETE tar bort en graf (?graph=IRI eller ?default);
    POST utan graf skapar en ny. / PUT replaces, POST adds to, DELETE drops a graph
    (?graph=IRI or ?default); POST to the store itself creates a new graph (201, Location)."""
    return await _write(request, store, settings)


@router.api_route("/store/graph/{name:path}", summary="Graph Store Protocol: write a graph "
                  "identified directly (admin token)", methods=_WRITES, status_code=204)
async def write_direct(name: str, request: Request, _: AdminDep, store: StoreDep,
                       settings: SettingsDep) -> Response:
    """Skriv grafen https://w3id.org/hsvo-graph/graph/NAME. / Write the graph NAME directly."""
    return await _write(request, store, settings, name)


@router.api_route("/admin/store", summary="Graph Store Protocol: write (earlier URL)",
                  include_in_schema=False, methods=_WRITES, status_code=204)
async def write_admin_alias(request: Request, _: AdminDep, store: StoreDep,
                            settings: SettingsDep) -> Response:
    """The write URL before reads and writes shared ``/store``; kept for existing clients."""
    return await _write(request, store, settings)


def with_using(update: str, using: list[str], using_named: list[str]) -> str:
    """``update`` with USING / USING NAMED clauses for the protocol's ``using-graph-uri`` and
    ``using-named-graph-uri`` placed before the WHERE of each DELETE/INSERT operation (the
    short form DELETE WHERE takes none)."""
    clauses = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    depth, previous, cuts = 0, "", []
    for token in tokenize(update):
        word = token.text.upper() if token.kind == "WORD" else token.text
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and word == "WHERE" and previous != "DELETE":
            cuts.append(token.start)
        if depth == 0 or token.text in "{}":
            previous = word
    for at in reversed(cuts):
        update = f"{update[:at]}{clauses} {update[at:]}"
    return update


def _update_dataset(update: str, analysis: Analysis, fields: dict[str, list[str]],
                    graphs: list[str] | None) -> str:
    """Apply the protocol's dataset parameters; 400 when the update text names its own
    dataset as well (Protocol §2.2.3) or an IRI is malformed. Without either, and with
    ``graphs`` (a store whose updates do not see the union by themselves), the WHERE of
    each DELETE/INSERT sees what queries see: every graph, merged, and each by name."""
    using, named = fields.get("using-graph-uri", []), fields.get("using-named-graph-uri", [])
    own = analysis.using or analysis.with_graph
    if not (using or named):
        if graphs and not own:
            return with_using(update, graphs, graphs)
        return update
    if own:
        raise ProtocolError("using-graph-uri / using-named-graph-uri cannot be combined with "
                            "USING, USING NAMED or WITH in the update (SPARQL 1.1 Protocol 2.2.3)")
    try:
        return with_using(update, [str(check_iri(g)) for g in using],
                          [str(check_iri(g)) for g in named])
    except BindingError as exc:
        raise ProtocolError(f"using-graph-uri: {exc}") from exc


@router.post("/admin/update", summary="SPARQL 1.1 Update (admin token)", status_code=204)
async def update(request: Request, _: AdminDep, store: StoreDep, settings: SettingsDep) -> Response:
    """SPARQL Update som `application/sparql-update` eller formulärfältet `update`, med
    using-graph-uri / using-named-graph-uri; LOAD och SERVICE avvisas. / SPARQL Update, with
    the protocol's dataset parameters; LOAD and SERVICE are refused."""
    try:
        body = await read_body(request, settings.max_upload_bytes)
        content_type = media_type_of(request)
        fields = {key: request.query_params.getlist(key) for key in request.query_params}
        if content_type == "application/sparql-update":
            text = decode(body, "update")
        elif content_type == "application/x-www-form-urlencoded":
            fields = form_fields(body)
            if len(fields.get("update", [])) != 1:
                raise ProtocolError("exactly one 'update' parameter is required")
            text = fields["update"][0]
        else:
            raise ProtocolError("POST the update as application/sparql-update or "
                                "application/x-www-form-urlencoded", 415)
        try:
            analysis = await analysed_off_loop(text)
            check_admin_update(analysis)
        except ForbiddenQuery as exc:
            raise ProtocolError(str(exc), exc.status) from exc
        union = None if store.inner.update_sees_union else \
            await anyio.to_thread.run_sync(store.graph_names)
        text = _update_dataset(text, analysis, fields, union)
        # relative IRIs resolve against the endpoint (the protocol lets the service choose
        # the base; without one the store refuses them); on the first line, so the store's
        # line numbers stay right
        based = f"BASE <{base_url(request)}/admin/update> {text}"
        await _apply(lambda: store.update(based))
        return Response(status_code=204)
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc), exc.headers)

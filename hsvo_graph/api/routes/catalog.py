"""The dataset's DCAT-AP catalogue record at a stable URL: /catalog (Turtle or JSON-LD by
Accept), /catalog.ttl and /catalog.jsonld."""

from fastapi import APIRouter, Request, Response
from rdflib import Graph
from rdflib.compare import to_canonical_graph
from starlette.concurrency import run_in_threadpool

from hsvo_graph.publish.catalog import catalog_graph, covered_years
from hsvo_graph.publish.releases import releases
from hsvo_graph.formats import JSON_LD, TURTLE
from hsvo_graph.sparql.protocol import ProtocolError, negotiate
from hsvo_graph.api.deps import ExecutorDep, ReaderDep, SettingsDep
from hsvo_graph.api.transport import conditional_response, plain_error, base_url

router = APIRouter(tags=["Catalogue"])

async def _catalog(request: Request, executor: ExecutorDep, reader: ReaderDep,
                   settings: SettingsDep, media_type: str | None) -> Response:
    try:
        chosen = negotiate((TURTLE, JSON_LD), request.headers.get("accept"),
                           [media_type] if media_type else [])
    except ProtocolError as exc:
        return plain_error(exc.status, str(exc), exc.headers)
    snapshot = await executor.snapshot()
    first, last = await run_in_threadpool(covered_years, reader)
    version = (releases(settings.releases_dir) or ["unreleased"])[-1]
    graph: Graph = catalog_graph(base_url(request), version, snapshot.modified, first, last)
    fmt = "json-ld" if chosen.media_type == JSON_LD.media_type else "turtle"
    if fmt == "json-ld":
        # rdflib's JSON-LD follows the blank nodes' random labels (their order too): every
        # answer had other bytes, so another ETag, and no request was ever answered 304;
        # canonical labels, and the statements added in order, give the same bytes
        canonical = Graph()
        for triple in sorted(to_canonical_graph(graph)):
            canonical.add(triple)
        graph = canonical
    body = graph.serialize(format=fmt, encoding="utf-8")
    return conditional_response(request, body, chosen.content_type, snapshot.modified,
                                {"Vary": "Accept"})


@router.api_route("/catalog", methods=["GET", "HEAD"], summary="DCAT-AP catalogue record")
async def catalog(request: Request, executor: ExecutorDep, reader: ReaderDep,
                  settings: SettingsDep) -> Response:
    """Katalogposten (DCAT-AP-SE) för datamängden. / The dataset's catalogue record."""
    return await _catalog(request, executor, reader, settings, None)


@router.api_route("/catalog.ttl", methods=["GET", "HEAD"], summary="Catalogue record (Turtle)")
async def catalog_turtle(request: Request, executor: ExecutorDep, reader: ReaderDep,
                         settings: SettingsDep) -> Response:
    """Katalogposten som Turtle. / The catalogue record as Turtle."""
    return await _catalog(request, executor, reader, settings, "turtle")


@router.api_route("/catalog.jsonld", methods=["GET", "HEAD"], summary="Catalogue record (JSON-LD)")
async def catalog_jsonld(request: Request, executor: ExecutorDep, reader: ReaderDep,
                         settings: SettingsDep) -> Response:
    """Katalogposten som JSON-LD. / The catalogue record as JSON-LD."""
    return await _catalog(request, executor, reader, settings, "jsonld")

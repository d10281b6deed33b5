"""The SPARQL 1.1 Protocol query endpoint (read-only) and the service's self-description.

``/sparql``: GET ``?query=``, POST form, POST ``application/sparql-query``; parameters
``default-graph-uri``, ``named-graph-uri``, ``inference=false`` and ``format``. A bare GET
(no parameters at all) answers with the SPARQL Service Description (RDF), or the query
editor for a browser; parameters without a query are a 400. Relative IRIs in a query
resolve against this endpoint's public URL. ``/.well-known/void``: the VoID description of
the dataset.
"""

import anyio
from fastapi import APIRouter, Request, Response

from hsvo_graph.sparql.describe import DESCRIPTION_PREFIXES, statistics, void_description
from hsvo_graph.sparql.protocol import OFFERS, ProtocolError, negotiate
from hsvo_graph.sparql.results import serialize_rdf
from hsvo_graph.api.deps import ExecutorDep, SettingsDep
from hsvo_graph.api.query_operation import sparql_endpoint
from hsvo_graph.api.transport import base_url, conditional_response, plain_error

router = APIRouter(tags=["SPARQL"])

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


@router.get("/sparql", summary="SPARQL query (GET), or the service description",
            openapi_extra={"parameters": _PARAMETERS})
async def sparql_get(request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """Kör en SPARQL-fråga; utan fråga: tjänstebeskrivningen (RDF) eller frågeredigeraren.
    / Run a SPARQL query; without one: the Service Description, or the editor in a browser."""
    return await sparql_endpoint(request, executor, settings)


@router.post("/sparql", summary="SPARQL query (POST)", openapi_extra={"parameters": _PARAMETERS[1:]})
async def sparql_post(request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """POST med `application/x-www-form-urlencoded` (query=…) eller `application/sparql-query`."""
    return await sparql_endpoint(request, executor, settings)


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
        stats = snapshot.derived("statistics", lambda s: statistics(s.store))
        triples = void_description(stats, base_url(request), snapshot.modified)
        return serialize_rdf(triples, chosen.media_type, DESCRIPTION_PREFIXES)

    body = await anyio.to_thread.run_sync(describe)
    return conditional_response(request, body, chosen.content_type, snapshot.modified,
                                {"Vary": "Accept"})

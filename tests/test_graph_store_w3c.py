"""The W3C SPARQL 1.1 Graph Store Protocol test manifests (vendored in tests/w3c), run as
they are written: every request of every test, in order, against the service on a fresh
embedded store and a fresh `oxigraph serve` (with the admin token on writes), checking
the status, the Content-Type and — by graph isomorphism — the body of each response.
The manifests' /gsp is the service's /store (/gsp/NAME: /store/graph/NAME)."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.term import Node

from .test_protocol_admin import ADMIN, admin, writer  # noqa: F401

MANIFESTS = Path(__file__).parent / "w3c" / "graph-store-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
FEATURES = {MF.DirectGraphIdentification, MF.IndirectGraphIdentification, MF.POSTGraphCreation}


def _list(graph: Graph, node: Node | None) -> list[Node]:
    return list(Collection(graph, node)) if node is not None else []


def _headers(graph: Graph, node: Node) -> dict[str, str]:
    return {str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
            for h in _list(graph, graph.value(node, HT.headers))}


def _body(graph: Graph, node: Node) -> str | None:
    body = graph.value(node, HT.body)
    return str(graph.value(body, CNT.chars)) if body is not None else None


def _tests() -> list[Any]:
    cases = []
    for path in sorted(MANIFESTS.glob("manifest-*.ttl")):
        graph = Graph().parse(path, format="turtle")
        manifest = next(graph.subjects(MF.entries, None))
        for entry in _list(graph, graph.value(manifest, MF.entries)):
            requests = []
            for request in _list(graph, graph.value(graph.value(entry, MF.action), HT.requests)):
                response = graph.value(request, HT.resp)
                requests.append({
                    "method": str(graph.value(request, HT.methodName)),
                    "path": str(graph.value(request, HT.absolutePath)),
                    "headers": _headers(graph, request),
                    "body": _body(graph, request),
                    "status": {STATUS[str(s).rsplit("#", 1)[1]]
                               for s in graph.objects(response, MF.expectedStatus)},
                    "location": graph.value(response, MF.expectedLocation),
                    "response_headers": _headers(graph, response),
                    "response_body": _body(graph, response),
                })
            required = set(graph.objects(entry, MF.requires))
            assert required <= FEATURES, f"{entry}: unknown feature {required - FEATURES}"
            name = str(entry).rsplit("#", 1)[1]
            cases.append(pytest.param(requests, id=name))
    return cases


def _local(path: str, variables: dict[str, str]) -> str:
    for name, value in variables.items():
        path = path.replace(name, value)
    if path.startswith("/gsp/"):
        return "/store/graph/" + path[len("/gsp/"):]
    return "/store" + path[len("/gsp"):]


@pytest.mark.parametrize("requests", _tests())
def test_w3c_graph_store_protocol(writer: TestClient, requests: list[dict[str, Any]]) -> None:
    variables: dict[str, str] = {}
    for step, request in enumerate(requests, 1):
        headers = dict(request["headers"])
        if request["method"] in ("PUT", "POST", "DELETE"):
            headers.update(ADMIN)
        body = request["body"]
        for name, value in variables.items():
            body = body.replace(name, value) if body else body
        response = writer.request(request["method"], _local(request["path"], variables),
                                  headers=headers, content=body.encode() if body else None)
        what = f"step {step}: {request['method']} {request['path']}"
        assert response.status_code in request["status"], f"{what}: {response.text}"
        if request["location"] is not None:
            variables[str(request["location"])] = response.headers["location"]
        expected_type = request["response_headers"].get("content-type")
        if expected_type:
            assert response.headers["content-type"].split(";")[0] == expected_type.split(";")[0], what
        if request["response_body"] is not None and request["method"] != "HEAD":
            expected = Graph().parse(data=request["response_body"], format="turtle")
            got = Graph().parse(data=response.text, format="turtle")
            assert isomorphic(expected, got), f"{what}: got\n{response.text}"

"""The W3C SPARQL 1.1 Protocol test manifest (vendored in tests/w3c/protocol), run as it is
written: each test's graphs loaded first (ut:graphData), then every request in order —
queries at /sparql, updates at /admin/update with the admin token — checking the status
(or status class), the kind of result (boolean, tabular, RDF) and ASK answers; on a fresh
embedded store and a fresh `oxigraph serve`."""

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from rdflib import RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from .test_protocol_admin import ADMIN, admin, writer  # noqa: F401

HERE = Path(__file__).parent / "w3c" / "protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS = {"OK": (200, 200), "StatusCode2xx": (200, 299), "StatusCode3xx": (300, 399),
          "StatusCode4xx": (400, 499)}
SOLUTIONS = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
             "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
             "application/trig", "application/n-quads"}


def _list(graph: Graph, node: Node | None) -> list[Node]:
    return list(Collection(graph, node)) if node is not None else []


def _tests() -> list[Any]:
    graph = Graph().parse(HERE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    cases = []
    for entry in _list(graph, graph.value(manifest, MF.entries)):
        data = {str(graph.value(d, RDFS.label)): Path(str(graph.value(d, UT.graph))).name
                for d in graph.objects(entry, UT.graphData)}
        requests = []
        for request in _list(graph, graph.value(graph.value(entry, MF.action), HT.requests)):
            response = graph.value(request, HT.resp)
            body = graph.value(request, HT.body)
            expected_boolean = graph.value(response, MF.expectedBoolean)
            requests.append({
                "method": str(graph.value(request, HT.methodName)),
                "path": str(graph.value(request, HT.absolutePath)),
                "headers": {str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
                            for h in _list(graph, graph.value(request, HT.headers))},
                "body": str(graph.value(body, CNT.chars)) if body is not None else None,
                "status": [STATUS[str(s).rsplit("#", 1)[1]]
                           for s in graph.objects(response, MF.expectedStatus)],
                "format": str(graph.value(response, MF.expectedFormat) or "") or None,
                "boolean": None if expected_boolean is None else bool(expected_boolean.toPython()),
            })
        cases.append(pytest.param(data, requests, id=str(entry).rsplit("#", 1)[1]))
    return cases


def _is_update(request: dict[str, Any]) -> bool:
    """Whether the request is an update (sent to /admin/update) rather than a query."""
    content_type = request["headers"].get("content-type", "")
    fields = parse_qs(urlsplit(request["path"]).query)
    if content_type.startswith("application/x-www-form-urlencoded") and request["body"]:
        fields.update(parse_qs(request["body"]))
    return (content_type.startswith("application/sparql-update") or "update" in fields
            or "using-graph-uri" in fields or "using-named-graph-uri" in fields)


def _boolean(response: Any) -> bool:
    if "json" in response.headers["content-type"]:
        return bool(json.loads(response.text)["boolean"])
    return re.search(r"<boolean>\s*true\s*</boolean>", response.text) is not None


# Where the service does not pass yet, and why (strict: a fix shows up).
KNOWN = {
    **{f"remote-update_dataset_{name}":
       "`oxigraph serve --union-default-graph` refuses USING, which using-graph-uri becomes"
       for name in ("default_graph", "default_graphs", "named_graphs", "full")},
}


@pytest.mark.parametrize(("data", "requests"), _tests())
def test_w3c_sparql_protocol(writer: TestClient, data: dict[str, str],
                             requests: list[dict[str, Any]], request: pytest.FixtureRequest) -> None:
    reason = KNOWN.get(request.node.callspec.id)
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    for graph, name in data.items():
        loaded = writer.put("/store", params={"graph": graph}, content=(HERE / name).read_bytes(),
                            headers={**ADMIN, "Content-Type": "application/n-triples"})
        assert loaded.status_code in (201, 204), loaded.text
    for step, request in enumerate(requests, 1):
        update = _is_update(request)
        path = request["path"].replace("/sparql/", "/admin/update" if update else "/sparql", 1)
        headers = {**request["headers"], **(ADMIN if update else {})}
        charset = re.search(r"charset=([\w-]+)", headers.get("content-type", ""))
        body = request["body"]
        content = body.encode(charset.group(1) if charset else "utf-8") if body is not None else None
        response = writer.request(request["method"], path, headers=headers, content=content)
        what = f"step {step}: {request['method']} {request['path'][:80]}"
        assert any(low <= response.status_code <= high for low, high in request["status"]), \
            f"{what}: {response.status_code} {response.text[:300]}"
        media_type = response.headers.get("content-type", "").split(";")[0]
        if request["format"] in ("boolean", "tabular"):
            assert media_type in SOLUTIONS, what
        elif request["format"] == "RDF":
            assert media_type in RDF_TYPES, what
        if request["boolean"] is not None:
            assert _boolean(response) is request["boolean"], f"{what}: {response.text}"

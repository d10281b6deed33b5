"""Every GET route of the service answers HEAD with the GET's status and headers (the
README: "every path answers HEAD where it answers GET"), walked from the app's own routes,
so a route added later is covered without being listed here. A GET-only route before a
route whose pattern also matches and that answers HEAD itself (``/dumps/releases`` before
``/dumps/{name}``) once sent its HEAD to the other route: 404 where GET gave 200."""

import re

from fastapi.testclient import TestClient
from starlette.routing import Mount

#: an example value for each path parameter of the service's routes
EXAMPLES = {
    "kind": "body",
    "slug": "uppsala-aln",
    "name": "hsvo-graph.ttl",
    "version": "1.0.0",
    "query_id": "stopped_activities",
    "key": "nope",
}
PER_PATH = {
    "/store/graph/{name:path}": "/store/graph/bodies",
    "/dumps/releases/{version}/{name}": "/dumps/releases/1.0.0/hsvo-graph.nq",
    "/validate/template.{kind}": "/validate/template.csv",
}
#: headers that may differ between two answers to the same request
VOLATILE = {"date", "x-hsvo-elapsed", "server-timing", "x-request-id"}


def _get_paths(client: TestClient) -> list[str]:
    app = client.app
    routes = [*app.router.routes[:1], *app.method_routes]  # type: ignore[attr-defined]
    paths = []
    for route in routes:
        if isinstance(route, Mount):
            paths.append("/static/hsvo.css")
            continue
        if "GET" not in (getattr(route, "methods", None) or ()):
            continue
        pattern: str = route.path  # type: ignore[attr-defined]
        path = PER_PATH.get(pattern) or re.sub(
            r"\{(\w+)(:\w+)?\}", lambda m: EXAMPLES[m.group(1)], pattern)
        paths.append(path)
    return paths


def test_the_walk_covers_the_routes_that_once_differed(client: TestClient) -> None:
    paths = _get_paths(client)
    assert {"/dumps/releases", "/dumps", "/changes.atom", "/id/body/uppsala-aln",
            "/dumps/hsvo-graph.ttl", "/openapi.json"} <= set(paths)
    assert len(paths) > 40


def test_head_gives_the_status_and_headers_of_get_on_every_get_route(client: TestClient) -> None:
    differences = []
    for path in _get_paths(client):
        got = client.get(path)
        head = client.head(path)
        if head.content:
            differences.append(f"{path}: HEAD has a body")
        if head.status_code != got.status_code:
            differences.append(f"{path}: HEAD {head.status_code}, GET {got.status_code}")
            continue
        mine = {k: v for k, v in head.headers.items() if k not in VOLATILE}
        theirs = {k: v for k, v in got.headers.items() if k not in VOLATILE}
        if mine != theirs:
            differences.append(f"{path}: HEAD {mine} GET {theirs}")
    assert not differences, "\n".join(differences)

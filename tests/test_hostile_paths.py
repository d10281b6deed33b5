"""No GET route answers a hostile path parameter or query value with a 5xx: every path
parameter of every route (walked from the app's own routes, so a route added later is
covered) gets values no IRI, file name or number can be (a space, ``<``, a NUL, a newline,
NFD letters, a very long one, ``..``), and every route gets the query parameters the pages
and the API read (``lang``, ``year``, ``format``, ``page``…) with such values. ``/organ/a b``
was a 500: the slug was built into an IRI that the query binding then refused."""

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

HOSTILE = ["a b", "a<b>", "\x00x", "x\n", "a\u0308ldre", "..", "%", "x" * 3000, "=1+1",
           "9" * 40, "-1", "\u202eevil"]
QUERY_NAMES = ["lang", "year", "format", "page", "body", "area", "plan", "status", "a", "b",
               "from", "to", "text", "name", "role", "code", "power", "q"]


def _patterns(client: TestClient) -> list[str]:
    app = client.app
    routes = [*app.router.routes[:1], *app.method_routes]  # type: ignore[attr-defined]
    return [route.path for route in routes  # type: ignore[attr-defined]
            if not isinstance(route, Mount) and "GET" in (getattr(route, "methods", None) or ())]


def test_hostile_path_parameters_are_never_a_server_error(client: TestClient) -> None:
    failures = []
    for pattern in _patterns(client):
        if "{" not in pattern:
            continue
        for value in HOSTILE:
            path = re.sub(r"\{(\w+)(:\w+)?\}", lambda _: quote(value, safe=""), pattern)
            for accept in ("text/html", "text/plain"):
                status = client.get(path, headers={"Accept": accept}).status_code
                if status >= 500:
                    failures.append(f"{status} GET {path[:120]} ({accept})")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_values_are_never_a_server_error(client: TestClient, value: str) -> None:
    failures = []
    query = "&".join(f"{name}={quote(value, safe='')}" for name in QUERY_NAMES)
    for pattern in _patterns(client):
        if "{" in pattern or pattern in ("/sparql",):
            continue
        status = client.get(f"{pattern}?{query}", headers={"Accept": "text/html"}).status_code
        if status >= 500:
            failures.append(f"{status} GET {pattern}?…")
    assert not failures, "\n".join(failures)

"""The floor of any Python ASGI service on this machine: an app that answers every request
with the same small SPARQL JSON body, served by uvicorn exactly as ``hsvo serve`` serves
(uvloop, httptools, no access log). ``serve.py`` drives it beside the real servers to show
how close to oxigraph a Python front end could come at all: its cost per request plus
oxigraph's own time for a query is the best any such service can do."""

from collections.abc import Awaitable, Callable
from typing import Any

BODY = b'{"head":{},"boolean":true}'
HEADERS = [(b"content-type", b"application/sparql-results+json"),
           (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
              send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
    if scope["type"] != "http":  # lifespan: nothing to start
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})

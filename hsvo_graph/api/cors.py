"""CORS for the public data paths only, so notebooks and web pages elsewhere can query the
endpoint, while the admin paths and the HTML pages stay same-origin."""

from collections.abc import Sequence
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PUBLIC_DATA_PATHS = ("/sparql", "/store", "/dumps", "/.well-known/void")
EXPOSED_HEADERS = ["X-HSVO-Truncated", "X-HSVO-Row-Limit", "X-HSVO-Byte-Limit", "ETag", "Last-Modified", "Link"]


class PublicDataCORS:
    """Starlette's CORSMiddleware (any origin, GET/HEAD/POST, no credentials), applied to
    ``paths`` and everything under them."""

    def __init__(
        self, app: ASGIApp, /, paths: Sequence[str] = PUBLIC_DATA_PATHS, **options: Any
    ) -> None:
        self.app = app
        self.paths = tuple(paths)
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Accept", "Content-Type", "If-None-Match", "If-Modified-Since"],
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
            **options,
        )

    def simple_headers(self) -> list[tuple[bytes, bytes]]:
        """What the middleware adds to a response to a (non-preflight) request that names
        an ``Origin``, as raw ASGI headers, for the query lane (``api/query_lane.py``),
        which answers in front of it."""
        return [(k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in self.cors.simple_headers.items()]

    def _public(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._public(scope["path"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)

"""What every answer of the service gets, whichever route gives it: HEAD wherever GET is
answered, OPTIONS and a complete ``Allow`` on every path, and a ``Vary`` that names what
the answer depends on.

FastAPI adds no HEAD to a GET route, so ``curl -I``, link checkers and Linked Data clients
probing an IRI got 405 from ``/``, ``/q/…``, ``/id/…`` and ``/sparql``; and the ``Allow``
of a 405 listed the methods of the first route with that path only (``GET`` for
``/sparql``, which takes POST too). Pages and canned answers change with ``Accept`` (HTML,
JSON, CSV…), with the language (``lang`` cookie, ``Accept-Language``) and, on the public
data paths, with ``Accept`` alone: without ``Vary`` a shared cache could hand a Swedish page
to an English reader, or a CSV to a browser.

The envelope is the outermost layer (``api.app``), so the query lane behind it gets a HEAD
as the GET it answers. A route that answers HEAD itself (the Graph Store, the dumps) keeps
doing so: only a 405 is answered again as GET.
"""

from collections.abc import Iterable

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hsvo_graph.api.cors import PUBLIC_DATA_PATHS

#: what a page or a canned answer depends on; the public data paths depend on Accept only
#: (the CORS layer adds Origin)
_PAGE_VARY = (b"Accept", b"Accept-Language", b"Cookie")
_DATA_VARY = (b"Accept",)


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route answers on ``scope``'s path (HEAD with GET, and OPTIONS)."""
    methods: set[str] = set()
    for route in routes:
        if route.matches(scope)[0] is Match.NONE:
            continue
        if isinstance(route, Mount):  # the static files
            methods.update(("GET", "HEAD"))
        else:
            methods.update(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"})


_PUBLIC_DATA_UNDER = tuple(p + "/" for p in PUBLIC_DATA_PATHS)


def _vary_for(path: str) -> tuple[bytes, ...]:
    if path.startswith("/static/"):
        return ()
    if path in PUBLIC_DATA_PATHS or path.startswith(_PUBLIC_DATA_UNDER):
        return _DATA_VARY
    return _PAGE_VARY


def _with_vary(headers: list[tuple[bytes, bytes]], names: tuple[bytes, ...]) -> list[tuple[bytes, bytes]]:
    """``headers`` (ASGI's, lower-case names), changed in place, with a ``Vary`` that names
    ``names`` besides what it named already; written for the common cases, none or one
    ``Vary`` (this runs for every answer, cheap queries included)."""
    for index, (name, value) in enumerate(headers):
        if name == b"vary":
            present = value.lower()
            missing = [n for n in names if n.lower() not in present]
            if missing:
                headers[index] = (name, b", ".join([value, *missing]))
            return headers
    headers.append((b"vary", b", ".join(names)))
    return headers


def with_vary_for(path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` of an answer on ``path``, changed in place, with the ``Vary`` the
    envelope gives it."""
    vary = _vary_for(path)
    return _with_vary(headers, vary) if vary else headers


def _empty_request(receive: Receive) -> Receive:
    """``receive`` for an answer given again: a request without a body, then the client's
    own messages (its disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return await receive()
    return replay


class Envelope:
    """ASGI layer around the whole service; see the module."""

    def __init__(self, app: ASGIApp, routes: Iterable[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        vary = _vary_for(scope["path"])
        method = scope["method"]
        if method in ("HEAD", "OPTIONS"):
            refused = (method == "HEAD" and self._head_elsewhere(scope)
                       or await self._unless_refused(scope, receive, send, vary))
            if not refused:
                return
            if method == "OPTIONS":
                await self._options(scope, send)
                return
            scope = {**scope, "method": "GET"}
            receive = _empty_request(receive)

        async def enveloped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if message["status"] == 405:
                    allow = ", ".join(allowed_methods(self.routes, scope)).encode()
                    headers = [(n, v) for n, v in headers if n != b"allow"] + [(b"allow", allow)]
                if vary:
                    _with_vary(headers, vary)
                message["headers"] = headers  # the message is the layer's to hand on
            elif method == "HEAD" and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, enveloped)

    def _head_elsewhere(self, scope: Scope) -> bool:
        """Whether a HEAD would reach another route than the GET of the same path: a
        GET-only route before a route that answers HEAD itself and whose pattern also
        matches (``/dumps/releases`` before ``/dumps/{name}``). Such a HEAD is answered
        as the GET, so it gets the GET's status and headers."""
        as_get = {**scope, "method": "GET"}
        for route in self.routes:
            if route.matches(as_get)[0] is Match.FULL:
                return route.matches(scope)[0] is not Match.FULL
            if route.matches(scope)[0] is Match.FULL:
                return True  # a route HEAD reaches that the GET does not
        return False

    async def _unless_refused(self, scope: Scope, receive: Receive, send: Send,
                              vary: tuple[bytes, ...]) -> bool:
        """Let the service answer a HEAD or OPTIONS itself; True (and nothing sent) when it
        refuses the method with 405."""
        refused = False

        async def watched(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start":
                refused = message["status"] == 405
                if not refused and vary:
                    message["headers"] = _with_vary(list(message.get("headers", ())), vary)
            if not refused:
                await send(message)

        await self.app(scope, receive, watched)
        return refused

    async def _options(self, scope: Scope, send: Send) -> None:
        """204 with every method the path takes (a CORS preflight is answered before this,
        by the CORS layer of the public data paths)."""
        allow = ", ".join(allowed_methods(self.routes, scope)).encode()
        await send({"type": "http.response.start", "status": 204,
                    "headers": [(b"allow", allow), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

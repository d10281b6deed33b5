"""The query lane: ``/sparql`` query operations and canned questions (``GET /q/{id}``)
answered in front of the whole middleware stack and FastAPI's router.

A cheap query takes a worker well under a millisecond, so the per-request machinery around
it was most of the cost of an ``ASK {}``: FastAPI's routing and dependency injection and the
generic disconnect middleware (about 1 ms of Python per request on a 2-core machine), then
the error, telemetry, body-limit and CORS middleware (70 µs of the 200 µs left); a canned
question paid the same, with FastAPI's router trying one included router after another. The
lane is the outermost ASGI layer (``api.app`` puts it there) and calls the same functions
as the routes (``query_operation.sparql_endpoint``, ``routes.canned.answer``) straight from
the ASGI scope. On ``/sparql`` it adds what the CORS middleware would (``api.cors``): the
public-data headers when the request names an Origin, and ``Vary: Origin``. Once a request
has run for 2 ms, a task watches for its client going away: when it disconnects, the
request is cancelled, which kills and replaces its query worker
(``sparql.executor.WorkerPool``). Everything else (the bare GET that describes the service,
CORS preflights, HEAD, unknown canned ids) goes on to the stack unchanged, and the routes
stay: they document the API and answer what the lane does not.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from fastapi import Request, Response
from fastapi.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hsvo_graph.canned.catalog import CannedQuery
from hsvo_graph.api.errors import EXCEPTION_HANDLERS, error_response
from hsvo_graph.api.query_operation import sparql_endpoint
from hsvo_graph.api.routes.canned import answer as canned_answer

log = logging.getLogger("hsvo_graph")
_HANDLED = tuple(EXCEPTION_HANDLERS)


Handler = Callable[[Request], Awaitable[Response]]


def is_query_operation(scope: Scope) -> bool:
    """A ``/sparql`` request the lane answers: POST, or a GET with parameters (a bare GET
    is the service description or the editor, which the router serves)."""
    return (scope["type"] == "http" and scope["path"] == "/sparql"
            and (scope["method"] == "POST"
                 or (scope["method"] == "GET" and bool(scope["query_string"]))))


async def _sparql(request: Request) -> Response:
    state = request.app.state
    return await sparql_endpoint(request, state.executor, state.settings)


def _canned(query: CannedQuery) -> Handler:
    async def answering(request: Request) -> Response:
        state = request.app.state
        return await canned_answer(request, state.executor.reader(), query, state.store)
    return answering


def lane_handler(scope: Scope, catalog: Mapping[str, CannedQuery]) -> Handler | None:
    """What answers ``scope`` in the lane, or None when the stack behind it does."""
    if is_query_operation(scope):
        return _sparql
    if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith("/q/"):
        query = catalog.get(scope["path"][3:])
        return None if query is None else _canned(query)
    return None


async def _cancel_on_disconnect(body_read: asyncio.Event, receive: Receive,
                                handler: asyncio.Task[object]) -> None:
    """Once the request body is read, wait for the client to go away and cancel ``handler``."""
    await body_read.wait()
    while (await receive())["type"] != "http.disconnect":
        pass
    handler.cancel()


# A request still running after this long gets a task that watches for its client going
# away; one answered sooner (most are: a query known to be tiny is answered in the service
# itself, ``sparql.inline``) never costs a task, whose start and cancellation were a fifth
# of the service's own time on an ``ASK {}``.
_WATCH_AFTER_S = 0.002


class _Watch:
    """Cancels the request's task when its client goes away, from ``_WATCH_AFTER_S`` on."""

    def __init__(self, body_read: asyncio.Event, receive: Receive,
                 task: asyncio.Task[object]) -> None:
        self._loop = asyncio.get_running_loop()
        self._watcher: asyncio.Task[None] | None = None
        self._timer = self._loop.call_later(_WATCH_AFTER_S, self._start, body_read, receive, task)

    def _start(self, body_read: asyncio.Event, receive: Receive, task: asyncio.Task[object]) -> None:
        self._watcher = self._loop.create_task(_cancel_on_disconnect(body_read, receive, task))

    def client_left(self) -> bool:
        """Whether the request was cancelled because its client went away."""
        watcher = self._watcher
        return watcher is not None and watcher.done() and not watcher.cancelled()

    def stop(self) -> None:
        self._timer.cancel()
        if self._watcher is not None:
            self._watcher.cancel()


def _add_cors(response: Response, origin: bool, cors: Sequence[tuple[bytes, bytes]]) -> None:
    """Give ``response`` the headers the CORS middleware would: ``Vary: Origin`` (joined to
    a ``Vary`` it has), and the public-data headers when the request named an Origin."""
    headers = response.raw_headers
    vary = [value for name, value in headers if name == b"vary"]
    headers[:] = [(name, value) for name, value in headers if name != b"vary"]
    headers.append((b"vary", b", ".join([*vary, b"Origin"])))
    if origin:
        headers.extend(cors)


class QueryLane:
    """ASGI middleware in front of the service: query operations on ``/sparql`` skip the
    rest of the stack; see the module."""

    def __init__(self, app: ASGIApp, cors: Sequence[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.cors = tuple(cors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = lane_handler(scope, scope["app"].state.catalog) if scope["type"] == "http" else None
        if handler is None:
            await self.app(scope, receive, send)
            return
        await self.answer(handler, scope, receive, send)

    async def answer(self, handler: Handler, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a request the lane takes (``lane_handler``) with ``handler``."""
        body_read = asyncio.Event()

        async def receive_body() -> Message:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_read.set()
            return message

        if scope["method"] == "GET":
            body_read.set()
        task = asyncio.current_task()
        assert task is not None
        watch = _Watch(body_read, receive, task)
        request = Request(scope, receive_body)
        try:
            response = await handler(request)
        except asyncio.CancelledError:
            if watch.client_left():  # no answer: nobody is there to read it
                task.uncancel()
                return
            raise
        except _HANDLED as exc:
            response = await error_response(request, exc)
        except Exception:  # what the error middleware behind the lane would do
            log.exception("unexpected error answering a query")
            response = PlainTextResponse("Internal Server Error", status_code=500)
        finally:
            watch.stop()
        if handler is _sparql:  # a public data path: CORS as the middleware would
            self.add_cors(response, scope)
        await response(scope, receive, send)

    def add_cors(self, response: Response, scope: Scope) -> None:
        """What the CORS middleware would add to a ``/sparql`` answer (``_add_cors``)."""
        origin = any(name == b"origin" for name, _ in scope["headers"])
        _add_cors(response, origin, self.cors)

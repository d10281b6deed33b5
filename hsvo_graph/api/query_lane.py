"""The query lane: ``/sparql`` query operations answered in front of the whole middleware
stack and FastAPI's router.

A cheap query takes a worker well under a millisecond, so the per-request machinery around
it was most of the cost of an ``ASK {}``: FastAPI's routing and dependency injection and the
generic disconnect middleware (about 1 ms of Python per request on a 2-core machine), then
the error, telemetry, body-limit and CORS middleware (70 µs of the 200 µs left). The lane
is the outermost ASGI layer (``api.app`` puts it there) and calls the same endpoint function
as the route (``query_operation.sparql_endpoint``) straight from the ASGI scope. It adds what
the CORS middleware would (``api.cors``): the public-data headers when the request names an
Origin, and ``Vary: Origin``. One task watches for the client going away: when it
disconnects, the request is cancelled, which kills and replaces its query worker
(``sparql.executor.WorkerPool``). Everything else, the bare GET that describes the service
and CORS preflights included, goes on to the stack unchanged.
"""

import asyncio
import logging
from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hsvo_graph.api.errors import EXCEPTION_HANDLERS, error_response
from hsvo_graph.api.query_operation import sparql_endpoint

log = logging.getLogger("hsvo_graph")
_HANDLED = tuple(EXCEPTION_HANDLERS)


def is_query_operation(scope: Scope) -> bool:
    """A request the lane answers: POST ``/sparql``, or a GET with parameters (a bare GET
    is the service description or the editor, which the router serves)."""
    return (scope["type"] == "http" and scope["path"] == "/sparql"
            and (scope["method"] == "POST"
                 or (scope["method"] == "GET" and bool(scope["query_string"]))))


async def _cancel_on_disconnect(body_read: asyncio.Event, receive: Receive,
                                handler: asyncio.Task[object]) -> None:
    """Once the request body is read, wait for the client to go away and cancel ``handler``."""
    await body_read.wait()
    while (await receive())["type"] != "http.disconnect":
        pass
    handler.cancel()


def _with_cors(send: Send, origin: bool, cors: Sequence[tuple[bytes, bytes]]) -> Send:
    """``send`` adding the CORS middleware's headers to the response's start."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            vary = [value for name, value in headers if name == b"vary"]
            headers = [(name, value) for name, value in headers if name != b"vary"]
            headers.append((b"vary", b", ".join([*vary, b"Origin"])))
            if origin:
                headers.extend(cors)
            message = {**message, "headers": headers}
        await send(message)

    return sending


class QueryLane:
    """ASGI middleware in front of the service: query operations on ``/sparql`` skip the
    rest of the stack; see the module."""

    def __init__(self, app: ASGIApp, cors: Sequence[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.cors = tuple(cors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_query_operation(scope):
            await self.app(scope, receive, send)
            return
        body_read = asyncio.Event()

        async def receive_body() -> Message:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_read.set()
            return message

        if scope["method"] == "GET":
            body_read.set()
        handler = asyncio.current_task()
        assert handler is not None
        watcher = asyncio.get_running_loop().create_task(
            _cancel_on_disconnect(body_read, receive, handler))
        request = Request(scope, receive_body)
        state = scope["app"].state
        try:
            response = await sparql_endpoint(request, state.executor, state.settings)
        except asyncio.CancelledError:
            if watcher.done() and not watcher.cancelled():  # the client went away: no answer
                handler.uncancel()
                return
            raise
        except _HANDLED as exc:
            response = await error_response(request, exc)
        except Exception:  # what the error middleware behind the lane would do
            log.exception("unexpected error answering a query")
            response = PlainTextResponse("Internal Server Error", status_code=500)
        finally:
            watcher.cancel()
        origin = any(name == b"origin" for name, _ in scope["headers"])
        await response(scope, receive, _with_cors(send, origin, self.cors))

"""The query lane: ``/sparql`` query operations answered in front of FastAPI's router.

A cheap query takes a worker well under a millisecond, so FastAPI's per-request machinery
(matching every route, dependency injection, the generic disconnect middleware's task group
and stream) was most of the cost of an ``ASK {}``: about 1 ms of Python per request on a
2-core machine, which capped cheap queries at a few hundred per second. The lane calls the
same endpoint function as the route (``query_operation.sparql_endpoint``) straight from the
ASGI scope, and watches for the client going away with a single task: when it disconnects,
the request is cancelled, which kills and replaces its query worker
(``sparql.executor.WorkerPool``). Everything else, the bare GET that describes the service
included, goes on to the router unchanged. CORS (``api.cors``) wraps the lane.
"""

import asyncio

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hsvo_graph.api.errors import EXCEPTION_HANDLERS, error_response
from hsvo_graph.api.query_operation import sparql_endpoint

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


class QueryLane:
    """ASGI middleware: query operations on ``/sparql`` skip the router; see the module."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
        finally:
            watcher.cancel()
        await response(scope, receive, send)

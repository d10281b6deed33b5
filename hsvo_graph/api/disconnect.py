"""Cancel a request's handler when its client goes away, so its query worker is freed.

Neither uvicorn nor Starlette cancels a handler whose client disconnected: a heavy query would
keep its worker busy for the whole time limit with nobody waiting for the answer. This ASGI
middleware reads the client's messages in one task, hands them to the app through a queue,
and cancels the request's task on ``http.disconnect``; the executor turns the cancellation
into killing the worker (``WorkerPool.run``). Plain asyncio, one task per request: the
query lane (``api/query_lane.py``) does the same for ``/sparql`` without the queue.
"""

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CancelOnDisconnect:
    """Run the app while a task reads the client's messages and forwards them to it; an
    ``http.disconnect`` before the app has finished cancels the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        handler = asyncio.current_task()
        assert handler is not None
        messages: asyncio.Queue[Message] = asyncio.Queue()

        async def listen() -> None:
            while True:
                message = await receive()
                messages.put_nowait(message)
                if message["type"] == "http.disconnect":
                    handler.cancel()
                    return

        listener = asyncio.get_running_loop().create_task(listen())
        try:
            await self.app(scope, messages.get, send)
        except asyncio.CancelledError:
            if listener.done() and not listener.cancelled():  # the client went away
                handler.uncancel()
                return
            raise
        finally:
            listener.cancel()

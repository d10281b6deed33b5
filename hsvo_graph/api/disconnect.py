"""Cancel a request's handler when its client goes away, so its query worker is freed.

Neither uvicorn nor Starlette cancels a handler whose client disconnected: a heavy query would
keep its worker busy for the whole time limit with nobody waiting for the answer. This ASGI
middleware listens for ``http.disconnect`` while the handler runs and cancels it; the executor
turns the cancellation into killing the worker (``WorkerPool.run``).
"""

import math

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CancelOnDisconnect:
    """Run the app beside a task that reads the client's messages and forwards them to the
    app; an ``http.disconnect`` before the app has finished cancels it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        forward, messages = anyio.create_memory_object_stream[Message](math.inf)

        async def listen(cancel: anyio.CancelScope) -> None:
            while True:
                message = await receive()
                await forward.send(message)
                if message["type"] == "http.disconnect":
                    cancel.cancel()
                    return

        async with anyio.create_task_group() as group:
            group.start_soon(listen, group.cancel_scope)
            await self.app(scope, messages.receive, send)
            group.cancel_scope.cancel()

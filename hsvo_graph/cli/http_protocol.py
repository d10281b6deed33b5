"""uvicorn's httptools protocol, with a 414 for a request line too long to parse, and each
response's head and body sent together.

httptools (``parse_url``, llhttp's URL parser with 16-bit offsets) refuses a request target
of more than 65,535 bytes, and uvicorn answers any parser error with its fixed "400 Invalid
HTTP request received.", before the application sees the request. A long SPARQL query sent
by GET (percent-encoding makes a URL up to three times its query) then got a 400 that says
nothing of the cause; this protocol answers 414 and tells the client to POST, and stops
reading the URL there instead of holding all of it. Everything else is uvicorn's.

The rest of such a request is read and dropped until the client closes (or a few seconds
pass), not left unread: closing a socket with unread input sends a reset, which can destroy
the 414 before the client reads it.

uvicorn writes a response's status line and headers, then its body, in two writes: with
uvloop each is a system call of its own (and a packet for the client to read); on a 1 M
store the two were a fifth of the event loop's busy time per ``ASK {}``. ``JoinedWrites``
holds a small write back until the next one (or the next turn of the loop), so a response
goes out in one: ``ASK {}`` p50 at c=1 212–221 → 191–201 µs.

A request the application can answer without waiting (``answer_at_once``: a cheap query it
has answered before, ``api.app``) is answered from the parser's callback, through uvicorn's
own ``send`` (the same head, keep-alive, access log), without the task, the ASGI layers and
the awaits uvicorn gives every request: on a 1 M store the service's CPU per ``ASK {}`` went
from 205–214 to 164–166 µs. A request with a body, or one a proxy speaks for
(``X-Forwarded-*``, ``Forwarded``: uvicorn's proxy-headers layer would change its scheme and
client), always goes the usual way.
"""

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle

# the longest request target httptools.parse_url accepts (a larger one: HttpParserInvalidURLError)
MAX_URL_BYTES = 65_535
URL_TOO_LONG = "the URL is longer than 64 KiB (65,535 bytes): send the query with POST"


# a write at least this long goes out at once (after what is held): joining copies it
_HOLD_BELOW = 64 * 1024


class JoinedWrites:
    """A connection's transport whose small writes are held back until the next write or
    the next turn of the loop, and then sent with it: a response's head and body in one
    system call. Order is kept; closing sends what is held first."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held = b""

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._held:
            data, self._held = self._held + bytes(data), b""
            self._transport.write(data)
        elif len(data) < _HOLD_BELOW:
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        """Send what is held now."""
        if self._held:
            data, self._held = self._held, b""
            self._transport.write(data)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        """Everything else is the transport's (reading, flow control, addresses …)."""
        return getattr(self._transport, name)


# headers that make a request other than it looks on the wire: uvicorn's proxy-headers layer
# rewrites the scheme and client from the first two, a body needs reading
_NOT_AT_ONCE = (b"x-forwarded-proto", b"x-forwarded-for", b"forwarded", b"content-length",
                b"transfer-encoding", b"expect")

AnswerAtOnce = Callable[[dict[str, Any]], list[dict[str, Any]] | None]
Adopt = Callable[[int, bytes, bytes], None]
HandOver = Callable[[dict[str, Any], int, Adopt, Sequence[tuple[bytes, bytes]]], bool]
# the scope's note of a /sparql answer a worker may give again (api.query_operation.ANSWERED)
_ANSWERED = "hsvo.answered"


def _completed(step: Coroutine[Any, Any, None]) -> None:
    """Run ``step`` (uvicorn's ``send``, which awaits only while writing is paused) to its
    end now; it must not wait."""
    try:
        step.send(None)
    except StopIteration:
        return
    step.close()
    raise RuntimeError("uvicorn's send waited although writing was not paused")


async def _adopted(loop: asyncio.AbstractEventLoop,
                   factory: Callable[[], "HsvoHttpToolsProtocol"], connection: socket.socket,
                   unread: bytes, unsent: bytes) -> None:
    """Serve ``connection`` (given back by a query worker) with a new protocol."""
    try:
        _, protocol = await loop.connect_accepted_socket(factory, connection)
    except OSError:
        connection.close()
        return
    if unsent:
        protocol.transport.write(unsent)
    if unread:
        protocol.data_received(unread)


class UrlTooLong(Exception):
    """Raised from the parser's URL callback; llhttp then stops and feed_data fails."""


class HsvoHttpToolsProtocol(HttpToolsProtocol):
    """``uvicorn.run(..., http=HsvoHttpToolsProtocol)``: 414 instead of 400 for a long URL."""

    url_too_long = False
    #: the application's ``answer_at_once`` (``api.app``), when it has one
    answer_at_once: AnswerAtOnce | None = None
    #: the application's ``hand_over`` (``api.app``), when it has one
    hand_over: HandOver | None = None
    reading_message = False  # a request has begun and is not complete yet
    offer_after_reading = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(JoinedWrites(transport, self.loop))  # type: ignore[arg-type]
        self.answer_at_once = getattr(self.config.app, "answer_at_once", None)
        self.hand_over = getattr(self.config.app, "hand_over", None)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.reading_message = True

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.reading_message = False

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.reading_message:  # answered at once, from the parser's callback: the
            self.offer_after_reading = True  # connection is offered once it has read all
        else:
            self._offer_connection()

    def _offer_connection(self) -> None:
        """After a ``/sparql`` answer a query worker may give again (``api.app.hand_over``,
        ``sparql.direct``), hand the connection to one: when nothing of it is left here
        (no request begun or waiting, nothing unwritten), requests are not logged (a
        worker does not log them), and the connection is plain HTTP from its client."""
        cycle = self.cycle
        hand_over = self.hand_over
        if hand_over is None or cycle is None or not cycle.response_complete \
                or _ANSWERED not in cycle.scope \
                or self.logging_requests or self.pipeline or self.reading_message \
                or self.transport.is_closing() or not cycle.keep_alive \
                or any(name in _NOT_AT_ONCE for name, _ in cycle.scope["headers"]) \
                or self.transport.get_extra_info("ssl_object") is not None:
            return  # a proxy's request, or TLS, whose bytes a worker could not read
        transport: JoinedWrites = self.transport  # type: ignore[assignment]
        transport.flush()
        if transport.get_write_buffer_size():
            return
        fd = os.dup(transport.get_extra_info("socket").fileno())
        try:
            handed = hand_over(cycle.scope, fd, self._adopter(),  # type: ignore[arg-type]
                               [h for h in self.server_state.default_headers if h[0] != b"date"])
        except Exception:  # noqa: BLE001 - the connection stays here
            self.logger.exception("handing a connection to a query worker failed")
            handed = False
        if not handed:
            os.close(fd)
            return
        transport.abort()  # the pool's copy keeps the connection open

    @property
    def logging_requests(self) -> bool:
        """Whether uvicorn logs each request here (its access log, at INFO)."""
        return self.access_log and self.access_logger.isEnabledFor(logging.INFO)

    def _adopter(self) -> Adopt:
        """How the pool gives a connection back: a new protocol of this server on it, which
        writes ``unsent`` and parses ``unread`` first."""
        config, server_state, app_state, loop = self.config, self.server_state, self.app_state, self.loop
        protocol = type(self)

        def adopt(fd: int, unread: bytes, unsent: bytes) -> None:
            loop.create_task(_adopted(
                loop, lambda: protocol(config, server_state, app_state, _loop=loop),
                socket.socket(fileno=fd), unread, unsent))
        return adopt

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        """Answer at once what the application can answer without waiting (a cheap query it
        has answered before: ``api.app.answer_at_once``), through uvicorn's own ``send`` (the
        same head, keep-alive and access log); everything else gets uvicorn's task."""
        answer = self.answer_at_once
        if answer is not None and app is self.app and not self.flow.write_paused \
                and not any(name in _NOT_AT_ONCE for name, _ in cycle.scope["headers"]):
            try:
                messages = answer(cycle.scope)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001 - the usual way answers it, and reports it
                self.logger.exception("answering at once failed; answering the usual way")
                messages = None
            if messages is not None:
                for message in messages:
                    _completed(cycle.send(message))  # type: ignore[arg-type]
                return
        super()._start_asgi_task(cycle, app)

    def data_received(self, data: bytes) -> None:
        if not self.url_too_long:  # after the 414: the rest of the request, dropped
            super().data_received(data)
        if self.offer_after_reading:
            self.offer_after_reading = False
            self._offer_connection()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self.url_too_long = True
            raise UrlTooLong

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request the parser refused; a URL too long gets a 414."""
        if not self.url_too_long:
            super().send_400_response(msg)
            return
        self.logger.info("Refused a request whose URL is longer than %d bytes (414).", MAX_URL_BYTES)
        body = URL_TOO_LONG.encode("ascii")
        content = [STATUS_LINE[414]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend([
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n",
            b"\r\n",
            body,
        ])
        self.transport.write(b"".join(content))
        self.transport.write_eof()  # the client reads the 414 and closes: eof_received closes
        self.loop.call_later(self.timeout_keep_alive, self.transport.close)

"""uvicorn's httptools protocol, with a 414 for a request line too long to parse.

httptools (``parse_url``, llhttp's URL parser with 16-bit offsets) refuses a request target
of more than 65,535 bytes, and uvicorn answers any parser error with its fixed "400 Invalid
HTTP request received.", before the application sees the request. A long SPARQL query sent
by GET (percent-encoding makes a URL up to three times its query) then got a 400 that says
nothing of the cause; this protocol answers 414 and tells the client to POST, and stops
reading the URL there instead of holding all of it. Everything else is uvicorn's.

The rest of such a request is read and dropped until the client closes (or a few seconds
pass), not left unread: closing a socket with unread input sends a reset, which can destroy
the 414 before the client reads it.
"""

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

# the longest request target httptools.parse_url accepts (a larger one: HttpParserInvalidURLError)
MAX_URL_BYTES = 65_535
URL_TOO_LONG = "the URL is longer than 64 KiB (65,535 bytes): send the query with POST"


class UrlTooLong(Exception):
    """Raised from the parser's URL callback; llhttp then stops and feed_data fails."""


class HsvoHttpToolsProtocol(HttpToolsProtocol):
    """``uvicorn.run(..., http=HsvoHttpToolsProtocol)``: 414 instead of 400 for a long URL."""

    url_too_long = False

    def data_received(self, data: bytes) -> None:
        if not self.url_too_long:  # after the 414: the rest of the request, dropped
            super().data_received(data)

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

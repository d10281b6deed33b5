"""A canary: an HTTP server on 127.0.0.1 that answers anything and records every request,
so a test can prove that nothing (a SERVICE call, a LOAD) ever reached it."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Canary:
    """The canary's base URL and the request lines it has received."""

    url: str
    hits: list[str] = field(default_factory=list)


@contextmanager
def canary() -> Iterator[Canary]:
    """A running canary; every request (any method) is recorded and answered with an empty
    SPARQL JSON result, so a federating engine would happily use it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    bird = Canary(f"http://127.0.0.1:{server.server_address[1]}/")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            bird.hits.append(self.requestline)
            body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_HEAD = _answer

        def log_message(self, *args: object) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield bird
    finally:
        server.shutdown()
        server.server_close()

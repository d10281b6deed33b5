"""Every error becomes an HTTP response here, in one style, registered once in the app
factory (as Prez does): routes and the code below them only raise.

The body is the message as plain UTF-8 text (what SPARQL clients and curl show), or, for a
browser that asks for HTML, the same message on a page of the site in its language. A
message never names a backend's URL or a server path: stores and executors word theirs for
the public.
"""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi import HTTPException as FastAPIHTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException

from hsvo_graph.canned.catalog import ParameterError
from hsvo_graph.sparql.executor import QueryTimeout, ServiceBusy
from hsvo_graph.sparql.guard import ForbiddenQuery
from hsvo_graph.sparql.protocol import ProtocolError, prefers_html
from hsvo_graph.store import QuerySyntaxError, StoreError
from hsvo_graph.web.i18n import COOKIE
from hsvo_graph.web.problems import Worded, problem
from hsvo_graph.api.rendering import language, render

Handler = Callable[[Request, Exception], Awaitable[Response]]

_RETRY_AFTER_S = "2"


class Refused(Worded, FastAPIHTTPException):
    """A refusal worded in the message catalog (``web.i18n.MESSAGES[message]``, filled in
    with ``values``): told to a program as plain text and to a browser as a page, both in the
    language negotiated as for pages (``?lang=``, the cookie, ``Accept-Language``); its
    ``detail`` is the English. FastAPI's HTTPException, as the routes catch it."""

    def __init__(self, status_code: int, message: str, /, headers: dict[str, str] | None = None,
                 **values: str) -> None:
        self.key, self.values = message, values
        super().__init__(status_code, self.told("en"), headers)


def _status_and_headers(exc: Exception) -> tuple[int, dict[str, str]]:
    """The HTTP status of an error, and the headers that go with it."""
    if isinstance(exc, ProtocolError):
        return exc.status, exc.headers
    if isinstance(exc, HTTPException):
        return exc.status_code, dict(exc.headers or {})
    if isinstance(exc, ForbiddenQuery):
        return exc.status, {}
    if isinstance(exc, ServiceBusy):
        return 503, {"Retry-After": _RETRY_AFTER_S}
    if isinstance(exc, QueryTimeout):
        return 503, {}
    if isinstance(exc, (QuerySyntaxError, ParameterError, RequestValidationError)):
        return 400, {}
    if isinstance(exc, StoreError):
        return exc.status, {}  # 502 failed, 503 unreachable or changing, 504 too slow
    return 500, {}


def _message(exc: Exception) -> str:
    if isinstance(exc, HTTPException):
        return str(exc.detail)
    if isinstance(exc, RequestValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    if isinstance(exc, QuerySyntaxError):
        return f"malformed query: {exc}"
    return str(exc)


def _program_language(request: Request) -> str:
    """The language a program is told a refusal in: the one it asks for (``?lang=``, the
    cookie, ``Accept-Language``), else English, as every other message of the API (a page's
    default, Swedish, is for people reading pages)."""
    asked = ("lang" in request.query_params or COOKIE in request.cookies
             or "accept-language" in request.headers)
    return language(request) if asked else "en"


async def error_response(request: Request, exc: Exception) -> Response:
    """The response for ``exc``: a page for browsers, in the page's language (the technical
    message behind a toggle), plain text for everyone else."""
    status, headers = _status_and_headers(exc)
    message = exc.told(_program_language(request)) if isinstance(exc, Refused) else _message(exc)
    if prefers_html(request.headers.get("accept"), ()):
        told = problem(exc, status, language(request),
                       time_limit_s=request.app.state.settings.query_time_limit_s,
                       busy="Retry-After" in headers)
        response = render(request, "error.html", {"status": status, "problem": told},
                          status_code=status)
        response.headers.update(headers)
        return response
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


EXCEPTION_HANDLERS: dict[type[Exception], Handler] = {
    error: error_response
    for error in (ProtocolError, HTTPException, RequestValidationError, ForbiddenQuery,
                  QueryTimeout, ServiceBusy, QuerySyntaxError, ParameterError, StoreError)
}


def install(app: FastAPI) -> None:
    """Register the handlers (the app factory calls this once)."""
    for error, handler in EXCEPTION_HANDLERS.items():
        app.add_exception_handler(error, handler)

"""HTTP mechanics shared by the protocol routes (SPARQL, Graph Store, dumps, descriptions):
bounded request bodies, form fields, plain-text errors, and conditional GET.
"""

import hashlib
import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs

from fastapi import Request, Response
from fastapi.responses import PlainTextResponse

from hsvo_graph.sparql.protocol import ProtocolError


def media_type_of(request: Request) -> str:
    """The request's Content-Type without parameters, lower-cased ('' when absent)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def check_plain_utf8(request: Request) -> None:
    """Refuse (415) a body this service cannot read as it is: one with a content coding
    (gzip, …: RFC 9110 says 415) or declared in a charset other than UTF-8."""
    coding = request.headers.get("content-encoding", "").strip().lower()
    if coding not in ("", "identity"):
        raise ProtocolError(f"content coding {coding!r} is not supported: send the body "
                            "uncompressed", 415)
    for param in request.headers.get("content-type", "").split(";")[1:]:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise ProtocolError(f"charset {charset!r}: only UTF-8 is accepted", 415)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    too_large = ProtocolError(f"request body larger than the limit of {limit} bytes", 413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes, what: str) -> str:
    """UTF-8 text of a body, or a 400 that says where the bad byte is."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"{what} is not valid UTF-8 (byte {exc.start})") from exc


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def form_fields(body: bytes, what: str = "form body") -> dict[str, list[str]]:
    """Fields of an ``application/x-www-form-urlencoded`` body (or a URL's query string),
    every value kept; a 400 for text that is not UTF-8 once decoded, and for a ``%`` that
    does not start a percent-escape (both would silently change the query otherwise)."""
    text = decode(body, what)
    bad = _BAD_ESCAPE.search(text)
    if bad is not None:
        raise ProtocolError(f"{what}: {text[bad.start():bad.start() + 3]!r} at character "
                            f"{bad.start() + 1} is not a percent-escape (% and two hex digits)")
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"{what}: a percent-encoded value is not UTF-8 ({exc.reason})") from exc


def plain_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error as the SPARQL servers send it: the message as UTF-8 plain text."""
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


class RawResponse(Response):
    """A 200 with its headers given as the bytes they are sent as: a query's answer is
    the hot path, and Starlette's header building was a tenth of the service's own time
    on a cheap query."""

    def __init__(self, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code, self.background = 200, None
        self.body, self.raw_headers = body, raw_headers


def etag_of(body: bytes) -> str:
    """A strong entity tag: a digest of the exact bytes sent."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def conditional_response(
    request: Request, body: bytes, content_type: str, modified: datetime,
    headers: dict[str, str] | None = None,
) -> Response:
    """200 with ETag and Last-Modified, or 304 when the client's copy is current
    (If-None-Match first, If-Modified-Since only without it, as RFC 9110 says). A state
    stamped a second ahead (the second change within a second: ``TrackedStore._moved_on``)
    has no Last-Modified until that second has come, since none may be later than the
    answer's Date; If-Modified-Since is not asked about it then (a copy dated in its second
    may be of the state before)."""
    etag = etag_of(body)
    dated = modified <= datetime.now(UTC)
    validators = {"ETag": etag, "Cache-Control": "no-cache", **(headers or {})}
    if dated:
        validators["Last-Modified"] = format_datetime(modified, usegmt=True)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        if etag in tags or "*" in tags:
            return Response(status_code=304, headers=validators)
    elif dated and (since := request.headers.get("if-modified-since")) is not None:
        try:
            if modified <= parsedate_to_datetime(since):
                return Response(status_code=304, headers=validators)
        except (TypeError, ValueError):
            pass  # an unreadable date is ignored, as RFC 9110 says
    return Response(body, headers={**validators, "Content-Type": content_type})


def base_url(request: Request) -> str:
    """The service's own URL (scheme, host, root path) without a trailing slash."""
    return str(request.base_url).rstrip("/")

"""Reading a plan upload's form with the request's size bounded.

Starlette reads a whole multipart body (spooling files to the temporary directory) before
the route sees any of it, so a 300 MB upload used to fill /tmp and only then be told the
plan may be 5 MB. Here the body is refused as soon as it is known to be too large: by its
Content-Length before anything is read, else while it streams. A form that cannot be parsed
at all (no boundary) is a located ``PlanError`` like any unusable file, so the client gets
the same bilingual answer (JSON or the page) instead of a plain-text 400.
"""

from starlette.exceptions import HTTPException
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message, Receive

from hsvo_graph.validation.headings import MAX_BYTES
from hsvo_graph.validation.model import PlanError, Text

MAX_META = 64 * 1024  # a header file is a few hundred bytes
MAX_BODY = MAX_BYTES + MAX_META + 64 * 1024  # the plan, its header file and the form fields


class BodyTooLarge(PlanError):
    """The request is larger than any plan with its header file and fields (413)."""

    status_code = 413

    def __init__(self, size: int | None) -> None:
        said = f"{size / 1e6:.1f} MB" if size is not None else None
        super().__init__(
            "request",
            Text(
                f"förfrågan är {said or f'över {MAX_BODY / 1e6:.1f} MB'}; en plan får vara "
                f"högst {MAX_BYTES / 1e6:.0f} MB och dess metadatafil {MAX_META // 1024} kB",
                f"the request is {said or f'over {MAX_BODY / 1e6:.1f} MB'}; a plan may be at "
                f"most {MAX_BYTES / 1e6:.0f} MB and its metadata file {MAX_META // 1024} kB",
            ),
        )


def status_of(error: PlanError) -> int:
    """The HTTP status of an unusable upload: 413 for an oversized request, else 400."""
    return getattr(error, "status_code", 400)


def _counted(receive: Receive) -> Receive:
    """``receive`` that refuses the body once more than ``MAX_BODY`` bytes have come."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise BodyTooLarge(None)
        return message

    return counted


async def read_form(request: Request) -> FormData:
    """The request's form, its size bounded (413) and its syntax checked (400)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise BodyTooLarge(int(declared))
    try:
        return await Request(request.scope, _counted(request.receive)).form()
    except HTTPException as error:  # the multipart parser's complaint, e.g. no boundary
        raise PlanError(
            "request",
            Text(
                "formuläret kunde inte läsas; skicka planen som multipart/form-data med "
                "fältet file",
                "the form could not be read; send the plan as multipart/form-data with the "
                "field file",
            ),
            str(error.detail),
        ) from error

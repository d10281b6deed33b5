"""The token gate for every write over HTTP; the public side stays read-only."""

import secrets
from typing import Annotated

from fastapi import Depends, Header

from hsvo_graph.api.deps import SettingsDep
from hsvo_graph.api.errors import Refused


def require_admin(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Allow the request only with ``Authorization: Bearer <HSVO_ADMIN_TOKEN>``.

    Without a configured token the write paths are disabled altogether (403), so a default
    installation cannot be written to over HTTP. The refusal is told in the language
    negotiated as for pages (``api.errors.Refused``).
    """
    if not settings.admin_token:
        raise Refused(403, "admin_writes_disabled")
    scheme, _, token = (authorization or "").partition(" ")
    # compared as bytes: compare_digest refuses str with non-ASCII characters, and any
    # string a client sends must give 401, not an error
    given = token.strip().encode("utf-8")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
            given, settings.admin_token.encode("utf-8")):
        raise Refused(401, "admin_token_required", headers={"WWW-Authenticate": "Bearer"})


AdminDep = Annotated[None, Depends(require_admin)]

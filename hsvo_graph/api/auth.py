"""The token gate for every write over HTTP; the public side stays read-only."""

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException

from hsvo_graph.api.deps import SettingsDep


def require_admin(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Allow the request only with ``Authorization: Bearer <HSVO_ADMIN_TOKEN>``.

    Without a configured token the write paths are disabled altogether (403), so a default
    installation cannot be written to over HTTP.
    """
    if not settings.admin_token:
        raise HTTPException(403, "writes over HTTP are disabled (set HSVO_ADMIN_TOKEN to enable)")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(token, settings.admin_token):
        raise HTTPException(
            401, "a valid admin token is required", headers={"WWW-Authenticate": "Bearer"}
        )


AdminDep = Annotated[None, Depends(require_admin)]

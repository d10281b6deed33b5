"""Keep the public endpoint read-only and closed: no updates, no SERVICE, no LOAD.

Checked on the query text before it reaches any store (both engines would otherwise open
outbound connections for SERVICE), using the same scanner as parameter binding, so
keywords inside strings, IRIs or comments do not trigger it.
"""

from .binding import BindingError, keywords

FORBIDDEN = {
    "SERVICE": "SERVICE (federated queries to other hosts) is not allowed on this endpoint",
    "LOAD": "LOAD is not allowed: the public endpoint is read-only",
}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "DROP", "CLEAR", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


class ForbiddenQuery(ValueError):
    """The query asks for something the public endpoint does not allow."""


def check_public_query(query: str) -> None:
    """Raise ForbiddenQuery for SERVICE, LOAD or any SPARQL Update operation."""
    try:
        words = keywords(query)
    except BindingError as exc:
        raise ForbiddenQuery(f"malformed query: {exc}") from exc
    for word, reason in FORBIDDEN.items():
        if word in words:
            raise ForbiddenQuery(reason)
    updates = sorted(words & UPDATE_KEYWORDS)
    if updates:
        raise ForbiddenQuery(
            f"SPARQL Update ({', '.join(updates)}) is not allowed: the public endpoint is read-only"
        )

"""Keep the service closed: no updates on the public endpoint, no SERVICE, no LOAD anywhere.

Checked on the text before it reaches any store (both engines would otherwise open
outbound connections for SERVICE, and LOAD reads URLs or files), using the same scanner as
parameter binding, so keywords inside strings, IRIs or comments do not trigger it.

The HTTP status follows the SPARQL 1.1 Protocol: an update (LOAD included) sent to the
query endpoint is not a query, so 400; SERVICE is a well-formed query this service refuses
to run, so 403.
"""

from hsvo_graph.sparql.binding import BindingError, keywords

UPDATE_KEYWORDS = {
    "INSERT", "DELETE", "DROP", "CLEAR", "CREATE", "ADD", "MOVE", "COPY", "WITH", "LOAD",
}
_SERVICE = "SERVICE (federated queries to other hosts) is not allowed on this endpoint"
_LOAD = "LOAD is not allowed: this service never reads files or URLs on request"


class ForbiddenQuery(ValueError):
    """The request asks for something this endpoint does not do; ``status`` is the HTTP
    status to answer with (400 or 403)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _words(text: str) -> set[str]:
    try:
        return keywords(text)
    except BindingError as exc:
        raise ForbiddenQuery(f"malformed query: {exc}", 400) from exc


def check_public_query(query: str) -> None:
    """Refuse SPARQL Update (400, LOAD included) and SERVICE (403)."""
    words = _words(query)
    updates = sorted(words & UPDATE_KEYWORDS)
    if "LOAD" in updates:
        raise ForbiddenQuery(_LOAD, 400)
    if updates:
        raise ForbiddenQuery(
            f"SPARQL Update ({', '.join(updates)}) is not accepted here: this is the read-only "
            "query endpoint", 400,
        )
    if "SERVICE" in words:
        raise ForbiddenQuery(_SERVICE, 403)


def check_admin_update(update: str) -> None:
    """Even with the admin token: no LOAD (file or URL access) and no SERVICE (403)."""
    words = _words(update)
    if "LOAD" in words:
        raise ForbiddenQuery(_LOAD, 403)
    if "SERVICE" in words:
        raise ForbiddenQuery(_SERVICE, 403)

"""Keep the service closed: no updates on the public endpoint, no SERVICE, no LOAD anywhere.

Decided on the one analysis of the text (``hsvo_graph.sparql.analysis``), before it reaches
any store: both engines would otherwise open outbound connections for SERVICE, and LOAD
reads URLs or files. The analysis reads the grammar's tokens, so a keyword inside an IRI, a
string, a comment, a prefixed name, a variable or a language tag does not count, while
escapes, case, comments and glued keywords cannot hide one. If the guard ever missed one,
the query workers have no network either (``hsvo_graph.sparql.worker``).

The HTTP status follows the SPARQL 1.1 Protocol: an update (LOAD included) sent to the
query endpoint is not a query, so 400; SERVICE is a well-formed query this service refuses
to run, so 403. Text that is not SPARQL at all is a 400 that says where.
"""

import anyio

from hsvo_graph.sparql.analysis import Analysis, AnalysisError, analyse
from hsvo_graph.sparql.recent import Recent

_SERVICE = "SERVICE (federated queries to other hosts) is not allowed on this endpoint"
_LOAD = "LOAD is not allowed: this service never reads files or URLs on request"


class ForbiddenQuery(ValueError):
    """The request asks for something this endpoint does not do; ``status`` is the HTTP
    status to answer with (400 or 403)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


# The analyses of the texts seen last, by text. Reading a text costs 0.3-0.6 µs a character
# (a thread hop for a long one); an analysis is a frozen value of its text alone, so a
# remembered one is always right. Texts that are not SPARQL are not remembered (each gets its
# error again), nor texts over _LONGEST characters (at most 512 × 16 KiB of text is kept).
_LONGEST = 16 * 1024
_REMEMBERED: Recent[str, Analysis] = Recent(512)


def analysed(text: str) -> Analysis:
    """The analysis of a request's text; ForbiddenQuery (400) when it is not SPARQL 1.1."""
    analysis = _REMEMBERED.get(text)
    if analysis is not None:
        return analysis
    try:
        analysis = analyse(text)
    except AnalysisError as exc:
        raise ForbiddenQuery(f"malformed query: {exc}", 400) from exc
    if len(text) <= _LONGEST:
        _REMEMBERED.keep(text, analysis)
    return analysis


# Longer texts are analysed in a worker thread: at roughly 0.3-0.6 µs a character, a query at
# the size limit (64 KiB) or an admin update would otherwise hold up the event loop.
_ON_THE_LOOP_CHARS = 1024


async def analysed_off_loop(text: str) -> Analysis:
    """``analysed(text)`` for async callers: on the event loop while that costs less than a
    thread hop (a short query, or one analysed before), else in a worker thread."""
    if len(text) <= _ON_THE_LOOP_CHARS or _REMEMBERED.get(text) is not None:
        return analysed(text)
    return await anyio.to_thread.run_sync(analysed, text)


def check_public_query(analysis: Analysis) -> None:
    """Refuse SPARQL Update (400, LOAD included) and SERVICE (403)."""
    if analysis.load:
        raise ForbiddenQuery(_LOAD, 400)
    if analysis.operations:
        raise ForbiddenQuery(
            f"SPARQL Update ({', '.join(analysis.operations)}) is not accepted here: this is "
            "the read-only query endpoint", 400,
        )
    if analysis.is_update:
        raise ForbiddenQuery("malformed query: no SELECT, ASK, CONSTRUCT or DESCRIBE", 400)
    if analysis.service:
        raise ForbiddenQuery(_SERVICE, 403)


def check_admin_update(analysis: Analysis) -> None:
    """Even with the admin token: no LOAD (file or URL access) and no SERVICE (403), and
    only updates (a query belongs on /sparql: 400)."""
    if analysis.load:
        raise ForbiddenQuery(_LOAD, 403)
    if analysis.service:
        raise ForbiddenQuery(_SERVICE, 403)
    if not analysis.is_update:
        raise ForbiddenQuery(f"a {analysis.form} query is not an update; send queries to "
                             "/sparql", 400)

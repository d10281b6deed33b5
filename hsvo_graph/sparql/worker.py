"""One query worker process: answers queries from a frozen store generation, opened read-only.

pyoxigraph cannot interrupt a running query, so queries on the embedded store run here,
in a process the service can kill when the time limit passes (``hsvo_graph.sparql.executor``).
Started as ``python -m hsvo_graph.sparql.worker IN_FD OUT_FD``: a plain new interpreter that
imports only pyoxigraph (never the service's main module), talking over two pipes. The
parent sends ``("open", directory)`` to switch to a generation (``hsvo_graph.store.generations``:
nobody writes it any more, which pyoxigraph's read-only mode needs; the parent holds its lease)
and ``("query", request)`` to run one; every message gets exactly one reply. Opening takes
milliseconds, and the data stays in the OS page cache that all workers share, instead of a
private copy per worker.
"""

import sys
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from hsvo_graph.sparql.results import Encoded, encode


@dataclass(frozen=True)
class QueryRequest:
    """A query, the dataset to run it on, and how to write its answer.

    ``union_default``: the default graph is the union of all graphs (the service's
    default), unless the query has its own FROM or the protocol names graphs; otherwise
    ``default_graphs``/``named_graphs`` as the SPARQL Protocol's ``default-graph-uri`` and
    ``named-graph-uri`` give them (None: the query's own dataset clause decides).
    """

    query: str
    solutions_type: str
    graph_type: str
    max_rows: int | None
    union_default: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    prefixes: dict[str, str] = field(default_factory=dict)


def dataset_options(request: QueryRequest) -> dict[str, Any]:
    """pyoxigraph ``Store.query`` options for the request's dataset."""
    options: dict[str, Any] = {}
    if request.union_default:
        options["use_default_graph_as_union"] = True
    if request.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    return options


def execute(store: ox.Store, request: QueryRequest) -> Encoded:
    """Run one request; SyntaxError carries the parser's message."""
    result = store.query(request.query, **dataset_options(request))
    return encode(result, request.solutions_type, request.graph_type, request.max_rows,
                  request.prefixes)


def open_generation(directory: str | None) -> ox.Store:
    """The generation at ``directory``, read-only; an empty store for an empty dataset."""
    return ox.Store() if directory is None else ox.Store.read_only(directory)


def serve(requests: Connection, replies: Connection) -> None:
    """The worker's main loop; returns when the parent closes the pipe."""
    store = ox.Store()
    while True:
        try:
            op, payload = requests.recv()
        except (EOFError, OSError):
            return
        try:
            if op == "open":
                store = open_generation(payload)
                replies.send(("opened", None))
            else:
                replies.send(("ok", execute(store, payload)))
        except SyntaxError as exc:
            replies.send(("syntax", str(exc)))
        except Exception as exc:  # reported to the parent, which answers with an error
            replies.send(("error", f"{type(exc).__name__}: {exc}"))


if __name__ == "__main__":
    sys.stdout = sys.stderr  # the pipes carry the protocol; stray output goes to the log
    serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))

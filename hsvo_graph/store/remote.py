"""A store behind SPARQL 1.1 Protocol endpoints (Oxigraph server, Fuseki, Virtuoso, …).

A small httpx client rather than a general SPARQL library, because the stores differ in
ways the service has to handle itself (see ``Dialect``): queries go as form-encoded POST
(Virtuoso never answers a POST of ``application/sparql-query``), the Accept header follows
the query form (so a CONSTRUCT is never answered as a JSON table), whole-graph reads page
past a store's result cap, loads are cut into updates a store accepts, and graphs a store
keeps for itself are left out. Errors become ``QuerySyntaxError`` (the store refused the
text) or ``StoreError`` with the HTTP status the service should answer (502, 503, 504);
their messages never name the backend's URL nor echo a long update.

The server must present the union of its named graphs as the default graph
(``oxigraph serve --union-default-graph``, Fuseki ``tdb2:unionDefaultGraph true``; on
Virtuoso the client names the graphs itself); ``check_union_default_graph`` says so clearly
when it does not.
"""

import json
import logging
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pyoxigraph as ox

from hsvo_graph.store.base import (
    GENID,
    VERSION_GRAPH,
    GraphStore,
    QueryKind,
    QueryResponse,
    QuerySyntaxError,
    StoreError,
    WriteUnconfirmed,
    kept_blank_statements,
    quads_in_graphs,
    solution_rows,
)
from hsvo_graph.store.chunks import update_chunks

log = logging.getLogger(__name__)

_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"
_N_QUADS = "application/n-quads"
_SOLUTION_TYPES = frozenset({_JSON, "application/sparql-results+xml", "text/csv",
                             "text/tab-separated-values"})
#: Deeper bracket nesting than this is refused before it reaches the store: 10,000 nested
#: parentheses overflow the stack of `oxigraph serve`, and no real query comes near 100.
MAX_NESTING = 200
#: The longest store message passed on (a store may echo a whole 1 MB update back).
_MAX_MESSAGE = 400

# What the query text scanner skips: strings (long and short), IRIs and comments.
_SKIPPED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*',
    re.DOTALL,
)
# One RDF term as hsvo_graph.sparql.binding writes it: an IRI, a one-line literal, a number.
_TERM = (r'(?:<[^<>"\s]*>|"(?:[^"\\\n]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^<>"\s]*>)?'
         r'|[+-]?[0-9][0-9.eE+-]*|true|false)')
_ONE_VALUE = re.compile(rf"VALUES\s+\?(\w+)\s*\{{\s*({_TERM})\s*\}}")
_LEADING_VALUES = re.compile(rf"\{{((?:\s*VALUES\s+\?\w+\s*\{{\s*{_TERM}\s*\}})+)")
# GROUP BY, not DISTINCT: Virtuoso answers the same question in 0.1 s instead of a minute
_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_SELECT_DISTINCT = re.compile(r"SELECT\s+DISTINCT\b", re.IGNORECASE)

# The version marker (VERSION_GRAPH): every write this product makes to the store (the
# service and the CLI alike: they share this class) replaces its statements, so that a
# process keeping something read from the store (a plan's context) sees another's write
# with one small query (``version``). Kept out of the graphs the service lists, counts,
# dumps and describes; see ``hidden``.
_VERSION = f"{VERSION_GRAPH}#version"
_PREVIOUS = f"{VERSION_GRAPH}#previous"
# The version before the write is kept beside the new one in the same request, so a writer
# reading the marker back knows the version its write started from (as the embedded store's
# write lock lets it know): a chain of this process's writes alone. Three operations, none
# with OPTIONAL (Virtuoso's DELETE/INSERT over OPTIONALs of an empty graph matches nothing).
_MARK = (f"DELETE WHERE {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{_PREVIOUS}> ?gone }} }} ;\n"
         f"DELETE {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{_VERSION}> ?old }} }}\n"
         f"INSERT {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{_PREVIOUS}> ?old }} }}\n"
         f"WHERE {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{_VERSION}> ?old }} }} ;\n"
         f"INSERT DATA {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{_VERSION}> \"%s\" }} }}")
_READ_MARK = (f"SELECT ?version ?previous WHERE {{ GRAPH <{VERSION_GRAPH}> {{ "
              f"<{VERSION_GRAPH}> <{_VERSION}> ?version "
              f"OPTIONAL {{ <{VERSION_GRAPH}> <{_PREVIOUS}> ?previous }} }} }}")


# -- deadlines ------------------------------------------------------------------------
# httpx's timeouts limit each read of the socket, not an answer: a store that sends one byte
# a second never times out. Every socket operation of the store's client is therefore cut
# at the deadline of the exchange it belongs to (``within``), whatever httpx asks.
_deadlines = threading.local()


def deadline() -> float | None:
    """The ``time.monotonic()`` by which this thread's exchange with a store must end."""
    return getattr(_deadlines, "at", None)


@contextmanager
def within(seconds: float) -> Iterator[float]:
    """Every exchange with a remote store in the block ends ``seconds`` from now (or at an
    enclosing block's deadline if that comes first): past it, the store's answer is given
    up (StoreError 504). Yields the deadline."""
    outer = deadline()
    at = time.monotonic() + seconds
    if outer is not None:
        at = min(at, outer)
    _deadlines.at = at
    try:
        yield at
    finally:
        _deadlines.at = outer


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of this thread's deadline; ``error`` when none is."""
    at = deadline()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the deadline of the exchange passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the deadline (``within``)."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(
            ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with connections that keep the deadline (``within``)."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(
            host, port, _bounded(timeout, httpcore.ConnectTimeout), local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(
            path, _bounded(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _client(timeout_s: float) -> httpx.Client:
    """An httpx client whose connections keep the deadline of ``within``: the network
    backend of each of its transports wrapped (the proxies of the environment's
    ``HTTP_PROXY`` … included, which an explicit transport would turn off)."""
    client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)))
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if isinstance(pool, httpcore.ConnectionPool):  # HTTP proxies' pools are ones too
            pool._network_backend = _DeadlineBackend(pool._network_backend)
    return client


def _not_valid(problem: object) -> StoreError:
    return StoreError(f"the store's answer is not valid SPARQL JSON results: {str(problem)[:200]}")


def _bindings(body: bytes) -> list[Mapping[str, Any]]:
    """The solutions of a SPARQL JSON answer; StoreError (502) when it is not one."""
    try:
        data = json.loads(body)
        rows = data["results"]["bindings"]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:  # ValueError: JSON, UTF-8
        raise _not_valid(f"{type(exc).__name__}: {exc}") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise _not_valid("results.bindings is not a list of objects")
    return rows


def _values(rows: list[Mapping[str, Any]], name: str, *, optional: bool = False) -> list[str]:
    """The value of ``name`` in each row (rows without it left out when ``optional``)."""
    try:
        return [row[name]["value"] for row in rows if not optional or name in row]
    except (KeyError, TypeError) as exc:
        raise _not_valid(f"a solution without ?{name}: {exc}") from None


@dataclass(frozen=True)
class Dialect:
    """What one kind of SPARQL store needs beyond the standard protocol."""

    name: str
    #: graphs the store keeps for itself: never listed, read, dumped or reasoned over
    internal_graphs: frozenset[str] = frozenset()
    #: triples per INSERT DATA when loading (a store refuses longer updates); without
    #: ``skolemise``, a group of linked blank nodes larger than this is one longer update
    chunk_triples: int = 50_000
    #: the store refuses blank nodes in INSERT DATA: write them as well-known IRIs
    skolemise: bool = False
    #: rows a SELECT answers at most (whole-graph reads page below it); None = no cap
    result_cap: int | None = None
    #: the store's default graph is not the union of the service's graphs: name them
    name_graphs: bool = False
    #: one value bound in a VALUES block at the start of a group is sent as BIND instead
    #: (the same solutions): Virtuoso 7.2 can freeze on such a block
    values_as_bind: bool = False
    #: the store may answer a SELECT DISTINCT with one row twice, byte for byte (Virtuoso
    #: 7.2.5: a transitive path joined with a grouped sub-select, body_names_over_time,
    #: in some of its runs): the repeats are dropped here
    repeats_distinct_rows: bool = False


GENERIC = Dialect("SPARQL 1.1")
VIRTUOSO = Dialect(
    "Virtuoso",
    internal_graphs=frozenset({
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://www.w3.org/ns/ldp#",
        "http://www.w3.org/2002/07/owl#",
        "http://localhost:8890/sparql",
        "http://localhost:8890/DAV/",
        "http://localuriqaserver/sparql",
    }),
    chunk_triples=1_000,
    skolemise=True,
    result_cap=10_000,
    name_graphs=True,
    values_as_bind=True,
    repeats_distinct_rows=True,
)
DIALECTS = {"generic": GENERIC, "virtuoso": VIRTUOSO}


def _code(text: str) -> str:
    """The query text without strings, IRIs and comments (for counting brackets, keywords)."""
    return _SKIPPED.sub(" ", text)


def nesting_depth(sparql: str) -> int:
    """The deepest nesting of (), {} and [] in the query's syntax."""
    depth = deepest = 0
    for char in _code(sparql):
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth -= 1
    return deepest


def query_form(sparql: str) -> QueryKind:
    """Which kind of answer a query asks for, from its first form keyword."""
    match = _FORM.search(_code(sparql))
    keyword = match.group(1).upper() if match else "SELECT"
    return {"SELECT": "solutions", "ASK": "boolean"}.get(keyword, "graph")  # type: ignore[return-value]


def selects_distinct(sparql: str) -> bool:
    """Whether the query's own SELECT (its first form keyword: a sub-select comes after
    it) asks for DISTINCT solutions."""
    code = _code(sparql)
    match = _FORM.search(code)
    return match is not None and _SELECT_DISTINCT.match(code, match.start()) is not None


def values_as_bind(sparql: str) -> str:
    """``sparql`` with each one-value VALUES block at the start of a group written as BIND."""
    return _LEADING_VALUES.sub(
        lambda m: "{" + _ONE_VALUE.sub(r"BIND (\2 AS ?\1)", m.group(1)), sparql)


def _short(text: str) -> str:
    """A store's error message, without its echo of the request, at most a few lines."""
    for marker in ("\nSPARQL query:", "\nSPARQL request:"):
        text = text.split(marker, 1)[0]
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE] + " …"


class RemoteStore(GraphStore):
    """SPARQL 1.1 Query and Update Protocol client for an external store."""

    # `oxigraph serve --union-default-graph` applies the union to updates too (and refuses
    # USING); Virtuoso's default graph is every graph
    update_sees_union = True
    #: the version marker is this product's: another client's write leaves it as it was
    version_sees_every_write = False

    def __init__(
        self, query_url: str, update_url: str, gsp_url: str, timeout_s: float = 30.0,
        dialect: Dialect | None = None, write_timeout_s: float = 600.0,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.timeout_s = timeout_s
        # A store finishes a write it was sent whether or not the client waits, so an
        # update is waited for longer than a read (replacing the inferred graph of 1 M
        # triples took `oxigraph serve` over 30 s), and a timeout means "unconfirmed".
        self.write_timeout_s = write_timeout_s
        self._client = _client(timeout_s)
        self._dialect = dialect
        self._graphs: tuple[float, list[str]] | None = None
        # the versions the last write of this object started from and made (``written_versions``)
        self._written: tuple[str | None, str | None] | None = None
        self.description = "remote SPARQL store"

    @property
    def dialect(self) -> Dialect:
        """The store's dialect, recognised from its Server header on first use."""
        if self._dialect is None:
            response = self._post(self.query_url, {"query": "ASK {}"}, _JSON)
            server = response.headers.get("server", "")
            self._dialect = VIRTUOSO if server.lower().startswith("virtuoso") else GENERIC
            self.description = f"remote SPARQL store ({self._dialect.name})"
        return self._dialect

    @property
    def known_dialect(self) -> Dialect | None:
        """The dialect if it is known already (None: not recognised yet, asking nothing)."""
        return self._dialect

    # -- HTTP ---------------------------------------------------------------------

    def _post(self, url: str, form: dict[str, str | list[str]], accept: str,
              timeout_s: float | None = None) -> httpx.Response:
        """One form-encoded POST, answered whole within ``timeout_s`` (the client's timeout
        unless given; an enclosing ``within`` may end it sooner); transport failures and 5xx
        become StoreError with the status the service should answer, 4xx QuerySyntaxError
        with the store's message."""
        timeout = self.timeout_s if timeout_s is None else timeout_s
        try:
            with within(timeout):
                response = self._client.post(url, data=form, headers={"Accept": accept},
                                             timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))
        except httpx.TimeoutException as exc:
            log.warning("SPARQL store %s timed out: %s", url, exc)
            raise StoreError(f"the SPARQL store did not answer within {timeout:g} s",
                             status=504) from exc
        except httpx.HTTPError as exc:
            log.warning("SPARQL store %s unreachable: %s", url, exc)
            raise StoreError("the SPARQL store cannot be reached", status=503) from exc
        if response.status_code >= 500 or response.status_code in (401, 403, 404):
            log.warning("SPARQL store %s answered %s: %s", url, response.status_code,
                        _short(response.text))
            status = 503 if response.status_code == 503 else 502
            raise StoreError(f"the SPARQL store failed (HTTP {response.status_code}): "
                             f"{_short(response.text)}", status=status)
        if response.status_code >= 400:
            raise QuerySyntaxError(_short(response.text) or f"HTTP {response.status_code}")
        return response

    # -- the GraphStore primitives ------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        solutions_format: str = _JSON,
        graph_format: str = _N_TRIPLES,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout_s: float | None = None,
    ) -> QueryResponse:
        """``timeout_s``: how long to wait for the answer, the client's timeout unless given
        (the executor passes what is left of a request's budget)."""
        if nesting_depth(sparql) > MAX_NESTING:
            raise QuerySyntaxError(f"the query nests brackets more than {MAX_NESTING} deep; "
                                   "the store cannot evaluate it")
        kind = query_form(sparql)
        if self.dialect.values_as_bind:
            sparql = values_as_bind(sparql)
        if default_graphs is None and named_graphs is None and self.dialect.name_graphs:
            # the store's own default graph holds its internal graphs too: name ours
            default_graphs = named_graphs = self.graph_names() or [f"{GENID}none"]
        form: dict[str, str | list[str]] = {"query": sparql}
        if default_graphs is not None:
            form["default-graph-uri"] = list(default_graphs)
        if named_graphs is not None:
            form["named-graph-uri"] = list(named_graphs)
        accept = graph_format if kind == "graph" else solutions_format
        response = self._post(self.query_url, form, accept, timeout_s)
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body = response.content
        if kind == "graph" and media_type in _SOLUTION_TYPES:
            raise StoreError(f"the SPARQL store answered a graph query with {media_type}")
        if kind != "graph" and media_type not in _SOLUTION_TYPES:
            raise StoreError(f"the SPARQL store answered a {kind} query with {media_type}")
        distinct = kind == "solutions" and self.dialect.repeats_distinct_rows \
            and selects_distinct(sparql)
        if media_type == _JSON and (distinct or b"nodeID://" in body):
            body = _mended(body, distinct)
        return QueryResponse(kind, media_type, body)

    def update(self, sparql_update: str) -> None:
        """One update request, then the version marker replaced (a request of its own:
        the client's text is sent as it is); WriteUnconfirmed when the store does not
        answer within ``write_timeout_s`` (it may still apply it)."""
        self._written = None
        self._send(sparql_update)
        token = _token()
        try:
            self._send(_MARK % token)
        except (StoreError, QuerySyntaxError) as exc:
            # the write landed; only other processes' caches miss it until the next write
            log.warning("the store's version marker was not replaced after a write: %s", exc)
            return
        self._written = self._marked(token)

    def _send(self, sparql_update: str) -> None:
        """One update request as it is (staging, and the writes that mark themselves)."""
        self._graphs = None
        try:
            self._post(self.update_url, {"update": sparql_update}, "*/*", self.write_timeout_s)
        except StoreError as exc:
            if exc.status == 504:
                raise WriteUnconfirmed(self.write_timeout_s) from exc
            raise

    def _marked(self, token: str) -> tuple[str | None, str | None]:
        """The versions a write that set the marker to ``token`` started from and made, as
        the marker says now: the one before it is known only while the marker is still
        this write's (a later write of another process breaks the chain: None)."""
        found = self._read_marker()
        if found is None or found[0] != token:
            return None, token
        return found[1], token

    def _read_marker(self) -> tuple[str, str | None] | None:
        """The marker's version and the one before it; None on a store that has none (never
        written by this product, or written before it kept one). Two writes whose requests
        a store interleaves may leave two versions: both are the version, joined."""
        response = self.query(_READ_MARK, default_graphs=[VERSION_GRAPH],
                              named_graphs=[VERSION_GRAPH])
        rows = _bindings(response.body)
        versions = sorted(set(_values(rows, "version")))
        previous = sorted(set(_values(rows, "previous", optional=True)))
        if not versions:
            return None
        return " ".join(versions), " ".join(previous) or None

    def version(self) -> str | None:
        """The store's version marker (one small query): changed by every write of this
        product, from any process, not by other clients' writes (the marker is this
        product's own). None on a store without one."""
        found = self._read_marker()
        return None if found is None else found[0]

    def written_versions(self) -> tuple[str | None, str | None] | None:
        return self._written

    def hidden(self, graph: str) -> bool:
        """Whether ``graph`` is the store's own (Virtuoso's system graphs), a write's for a
        moment (staging, under ``GENID``) or the version marker's: never listed, counted,
        read whole, dumped or described."""
        return (graph in self.dialect.internal_graphs or graph.startswith(GENID)
                or graph == VERSION_GRAPH)

    def graph_names(self) -> list[str]:
        """The store's graphs but its internal and staging ones (cached for a second:
        on Virtuoso every query names them)."""
        cached = self._graphs
        if cached is not None and time.monotonic() - cached[0] < 1.0:
            return cached[1]
        response = self._post(self.query_url, {"query": _GRAPHS}, _JSON)
        names = _values(_bindings(response.content), "g")
        graphs = sorted(g for g in names if not self.hidden(g))
        self._graphs = (time.monotonic(), graphs)
        return graphs

    def read_graph(self, graph: str) -> bytes:
        triples = (ox.Triple(s, p, o) for s, p, o in self._paged(
            "?s ?p ?o", f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"))
        return _serialize(triples, ox.RdfFormat.N_TRIPLES)

    def quads(self) -> list[ox.Quad]:
        """Every quad but those of the ``hidden`` graphs."""
        if not self.dialect.name_graphs:
            found = self._dataset_by_gsp()
            if found is None:
                found = [q for q in super().quads() if not self._hidden_quad(q)]
            return found
        # every triple of a store like Virtuoso is in a named graph: no default graph to add
        return [ox.Quad(s, p, o, g) for g, s, p, o in self._paged(
            "?g ?s ?p ?o", "GRAPH ?g { ?s ?p ?o }")]

    def _hidden_quad(self, quad: ox.Quad) -> bool:
        graph = quad.graph_name
        return isinstance(graph, ox.NamedNode) and self.hidden(graph.value)

    def graph_sizes(self) -> dict[str, int]:
        """As ``GraphStore.graph_sizes``, but the ``hidden`` graphs."""
        return {g: n for g, n in super().graph_sizes().items() if not self.hidden(g)}

    def triple_count(self, graph: str | None = None) -> int:
        """As ``GraphStore.triple_count``; the union leaves the ``hidden`` graphs out."""
        if graph is not None:
            return super().triple_count(graph)
        return sum(self.graph_sizes().values())

    def _dataset_by_gsp(self) -> list[ox.Quad] | None:
        """Every quad in one Graph Store Protocol GET of the store's address, as N-Quads:
        ``oxigraph serve`` answers so, 1.6 M quads in 22 s, where the same read as SPARQL
        JSON results ran past the server's own timeout and was cut off. None when the store
        does not answer so, or when what it sends is not what its graphs hold (a store
        that sends its default graph only): then the quads are read with SPARQL."""
        try:
            with within(self.timeout_s):
                response = self._client.get(self.gsp_url, headers={"Accept": _N_QUADS})
        except httpx.TimeoutException as exc:  # a store that is slow to answer is slow in SPARQL too
            log.warning("SPARQL store %s timed out: %s", self.gsp_url, exc)
            raise StoreError(f"the SPARQL store did not answer within {self.timeout_s:g} s",
                             status=504) from exc
        except httpx.HTTPError:
            return None
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code != 200 or media_type != _N_QUADS:
            return None
        try:
            quads = [q for q in ox.parse(response.content, format=ox.RdfFormat.N_QUADS)
                     if not self._hidden_quad(q)]
        except (SyntaxError, MemoryError):  # pyoxigraph's parser: a line over 16 MiB
            return None
        held = Counter(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
        return quads if held == self.graph_sizes() else None

    def close(self) -> None:
        self._client.close()

    def check(self) -> None:
        self._post(self.query_url, {"query": "ASK {}"}, _JSON)

    # -- reads past the result cap, writes within the update limits ---------------

    def _paged(self, variables: str, pattern: str) -> Iterator[tuple[Any, ...]]:
        """The rows of ``SELECT variables WHERE { pattern }`` (a whole-graph read binding
        ?s), with well-known blank-node IRIs turned back into blank nodes.

        Below a store's result cap the rows are read in pages ordered by subject, each page
        starting at the last subject of the one before (that subject's rows are read again
        in full): Virtuoso refuses an OFFSET past its cap, so OFFSET paging cannot get there.
        """
        cap = self.dialect.result_cap
        key = variables.split().index("?s")
        after: str | None = None
        while True:
            where = pattern if after is None else \
                f"{pattern} FILTER (STR(?s) >= {ox.Literal(after)})"
            text = f"SELECT {variables} WHERE {{ {where} }}"
            if cap:
                text += f" ORDER BY STR(?s) LIMIT {cap}"
            raw = [tuple(row) for row in solution_rows(self.query(text).body)]
            rows = [tuple(_unskolemised(term) for term in row) for row in raw]
            if not cap or len(rows) < cap:
                yield from rows
                return
            # the next page starts at the subject as the store has it (a well-known IRI,
            # not the blank node it reads back as: that label would sort elsewhere)
            last = raw[-1][key].value
            complete = [row for row, stored in zip(rows, raw) if stored[key].value != last]
            if not complete:
                raise StoreError(f"one subject has more than {cap} triples, the store's "
                                 "result cap; it cannot be read whole")
            yield from complete
            after = last

    def replace_graphs(
        self, quads: bytes | Path, graphs: Collection[str], *, drop_others: bool = False,
        keep_blank: Collection[str] = (),
    ) -> None:
        """Put the N-Quads ``quads`` in place of ``graphs``, all or nothing; ``keep_blank``
        as ``GraphStore.replace_graphs`` says (nothing to do where blank nodes are
        skolemised: they are IRIs, which a write names like any other).

        The new content is written to fresh staging graphs in updates of at most
        ``Dialect.chunk_triples`` triples (Virtuoso refuses larger ones), and then one final
        update moves each staging graph onto its target (and drops the others with
        ``drop_others``), so readers see the old graphs until that request and the new
        ones after it. A failure while staging drops the staging graphs and leaves the old
        graphs as they were.

        A blank node's label means one node only within one update request, so on a store
        that keeps blank nodes (the dialect does not skolemise) the triples of blank nodes
        linked to each other, in any of the graphs, all go in the same update
        (``update_chunks``); a group of them larger than ``chunk_triples`` is one longer
        update of its own (a store that refuses long updates must skolemise). A skolemising
        store gets plain slices of each graph: its well-known IRIs name the same node in
        every request.
        """
        self._written = None
        content = quads_in_graphs(quads, graphs)  # quads: a blank node may be in several graphs
        run = secrets.token_hex(6)
        staging = {iri: f"{GENID}staging-{run}-{n}" for n, iri in enumerate(content)}
        size = self.dialect.chunk_triples
        if self.dialect.skolemise:
            chunks: Iterator[list[ox.Quad]] = (
                part[start:start + size]
                for part in content.values() for start in range(0, len(part), size))
        else:
            chunks = update_chunks([quad for part in content.values() for quad in part], size)
        try:
            for chunk in chunks:
                self._send(self._insert_data(chunk, staging))
        except (StoreError, QuerySyntaxError) as exc:
            self._drop_quietly(staging.values())
            if isinstance(exc, WriteUnconfirmed):  # only staging graphs could have changed
                raise StoreError("the SPARQL store did not take the new content in time; "
                                 "nothing was changed", status=504) from exc
            raise
        try:
            keep = set(graphs)
            kept = [] if self.dialect.skolemise else [
                kept_blank_statements(iri, f"{GENID}kept-{run}-{n}") for n, iri in enumerate(keep_blank)]
            drops = [g for g in self.graph_names() if g not in keep] if drop_others else []
            ops = [before for before, _ in kept] + [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in drops]
            for iri, part in content.items():
                target = ox.NamedNode(iri)
                ops.append(f"MOVE SILENT <{staging[iri]}> TO {target}" if part
                           else f"DROP SILENT GRAPH {target}")
            # the marker in the same request: on a store that runs a request as one
            # transaction (Oxigraph), no reader sees the new graphs under the old version
            token = _token()
            self._send(" ;\n".join(ops + [after for _, after in kept] + [_MARK % token]))
            self._written = self._marked(token)
        except WriteUnconfirmed:
            raise  # the switch may still be applied: its staging graphs must stay for it
        except (StoreError, QuerySyntaxError):
            self._drop_quietly(staging.values())
            raise

    def _insert_data(self, quads: list[ox.Quad], staging: dict[str, str]) -> str:
        """One INSERT DATA of ``quads``, each in the staging graph of its graph."""
        by_graph: dict[str, list[ox.Triple]] = {}
        for quad in quads:
            graph = quad.graph_name.value  # type: ignore[union-attr]  # a named graph: quads_in_graphs
            by_graph.setdefault(graph, []).append(quad.triple)
        blocks = "".join(f"GRAPH <{staging[iri]}> {{\n{self._ntriples(triples)}}}\n"
                         for iri, triples in by_graph.items())
        return f"INSERT DATA {{\n{blocks}}}"

    def _drop_quietly(self, graphs: Collection[str]) -> None:
        try:
            self._send(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        except (StoreError, QuerySyntaxError) as exc:
            log.warning("could not drop staging graphs after a failed load: %s", exc)

    def _ntriples(self, triples: list[ox.Triple]) -> str:
        if self.dialect.skolemise:
            triples = [ox.Triple(_skolemised(t.subject), t.predicate, _skolemised(t.object))
                       for t in triples]
        return _serialize(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def check_union_default_graph(self) -> None:
        """Fail clearly when the server's default graph is not the union of its graphs."""
        if self.ask("ASK { GRAPH ?g { ?s ?p ?o } }") and not self.ask("ASK { ?s ?p ?o }"):
            raise StoreError(
                "the SPARQL store does not query the union of its named graphs by default; "
                "start it with `oxigraph serve --union-default-graph` (Fuseki: "
                "tdb2:unionDefaultGraph true)"
            )


def _token() -> str:
    """A version no write ever made before: random, and the time it was made."""
    return f"{secrets.token_hex(8)}-{time.time_ns()}"


def _serialize(triples: object, fmt: ox.RdfFormat) -> bytes:
    body = ox.serialize(triples, format=fmt)  # type: ignore[arg-type]
    assert body is not None  # without an output file, serialize returns the bytes
    return body


def _skolemised(term: Any) -> Any:
    return ox.NamedNode(f"{GENID}{term.value}") if isinstance(term, ox.BlankNode) else term


def _unskolemised(term: Any) -> Any:
    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
        return ox.BlankNode(term.value[len(GENID):])
    if isinstance(term, ox.BlankNode) and term.value.startswith("nodeID"):
        return ox.BlankNode(re.sub(r"\W", "", term.value))
    return term


def _mended(body: bytes, distinct: bool) -> bytes:
    """JSON results with Virtuoso's ``nodeID://b123`` blank-node labels made valid and, when
    the query asked for ``distinct`` solutions, each row the store repeated kept once (the
    first: the order stays)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
        raise _not_valid(exc) from None
    results = data.get("results", {})
    rows = results.get("bindings", [])
    for row in rows:
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = re.sub(r"\W", "", term["value"].removeprefix("nodeID://"))
    if distinct:
        seen: set[str] = set()
        kept = []
        for row in rows:
            key = json.dumps(row, sort_keys=True)
            if key not in seen:
                seen.add(key)
                kept.append(row)
        results["bindings"] = kept
    return json.dumps(data).encode("utf-8")

"""The one interface every store implements, and the logic shared by all of them.

Implementations only speak SPARQL 1.1 (query, update) plus a graph read, so the service
runs the same on the embedded pyoxigraph store and on an external triplestore.
"""

import functools
import json
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal as Kind

import orjson
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from hsvo_graph.namespaces import BASE

#: Blank nodes become IRIs under this prefix where a store refuses them in updates
#: (RFC 7511 well-known "genid" IRIs), and blank nodes again when read back; graphs a write
#: needs for a moment are named under it too.
GENID = f"{BASE}.well-known/genid/"

#: The graph of a remote store's version marker (remote.py): one statement that every write
#: of this product replaces, so that another process of it can tell the store changed.
VERSION_GRAPH = f"{BASE}graph/store-version"

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"

QueryKind = Kind["solutions", "boolean", "graph"]

# Every quad in one request: the named graphs, and the triples of the store's own default
# graph (written by an update without GRAPH), which the union default graph also shows.
_ALL_QUADS = """SELECT ?g ?s ?p ?o WHERE {
  { GRAPH ?g { ?s ?p ?o } }
  UNION
  { ?s ?p ?o MINUS { GRAPH ?named { ?s ?p ?o } } }
}"""


class StoreError(RuntimeError):
    """The store failed or could not be reached; the message says which and why (and
    never the store's address: it may be shown to the public). ``status`` is the HTTP
    status the service answers with: 502 the store failed, 503 it cannot be reached,
    504 it did not answer in time."""

    def __init__(self, message: str, *, status: int = 502) -> None:
        super().__init__(message)
        self.status = status


class WriteUnconfirmed(StoreError):
    """The store was sent a whole write but did not confirm it in time: it may still be
    applied, so a caller must not say that nothing changed."""

    SV = "lagret bekräftade inte skrivningen i tid; den kan ändå ha genomförts: se efter innan du försöker igen"
    EN = "the store did not confirm the write in time; it may still be applied: look before trying again"

    def __init__(self, waited_s: float) -> None:
        super().__init__(f"{self.EN} (waited {waited_s:g} s)", status=504)


class QuerySyntaxError(ValueError):
    """The store rejected a query or update as malformed; the message is the parser's."""


@dataclass(frozen=True)
class QueryResponse:
    """A query result exactly as serialised by the store, ready to send on."""

    kind: QueryKind
    media_type: str
    body: bytes


JsonBinding = Mapping[str, Mapping[str, str]]  # one solution of SPARQL 1.1 JSON results


class Table:
    """SELECT results as rdflib terms, in the store's row order.

    Made from a store's SPARQL JSON answer (``table_from_json``) it keeps the answer's
    ``bindings`` and makes the rdflib terms when ``rows`` is first read: friendly JSON
    (``canned.tables``) reads plain values straight from the bindings: making the terms was
    the largest part of what a canned JSON answer cost the service beyond ``/sparql``."""

    __slots__ = ("variables", "truncated", "bindings", "_rows")

    def __init__(self, variables: list[str], rows: list[dict[str, Identifier]] | None = None,
                 truncated: bool = False, *, bindings: Sequence[JsonBinding] | None = None) -> None:
        self.variables = variables
        #: the answer was cut at the row cap
        self.truncated = truncated
        #: the SPARQL JSON solutions the rows are to be made from (None once they are made)
        self.bindings = None if rows is not None else bindings
        self._rows = rows if rows is not None else None if bindings is not None else []

    @property
    def rows(self) -> list[dict[str, Identifier]]:
        """One dict per solution, variable name to term (unbound variables left out)."""
        if self._rows is None:
            assert self.bindings is not None
            self._rows = [{name: term_from_json(term) for name, term in binding.items()}
                          for binding in self.bindings]
            self.bindings = None  # one copy of the answer is enough
        return self._rows

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return (self.variables, self.rows, self.truncated) == (other.variables, other.rows,
                                                              other.truncated)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return f"Table(variables={self.variables!r}, rows={self.rows!r}, truncated={self.truncated!r})"

    def column(self, name: str) -> list[str]:
        """The string values of one column (empty string where unbound)."""
        return [str(row.get(name, "")) for row in self.rows]


def term_from_json(value: Mapping[str, str]) -> Identifier:
    """One RDF term from the SPARQL 1.1 JSON results format; StoreError for anything else."""
    try:
        return _term(value["type"], value["value"], value.get("xml:lang"), value.get("datatype"))
    except (KeyError, TypeError, AttributeError):
        raise StoreError(f"the store's answer is not valid SPARQL JSON: it holds a term "
                         f"that is not one: {str(value)[:200]}") from None


# The terms of the answers read last. A service reads the same IRIs, labels and years over
# and over (a canned answer, its page, the next request for it), and an rdflib Literal costs
# a cast of its lexical form to a Python value: making the terms was a quarter of the CPU of
# a canned answer. rdflib terms are immutable, so one object serves every table.
@functools.lru_cache(maxsize=16384)
def _term(kind: str, value: str, lang: str | None, datatype: str | None) -> Identifier:
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        return Literal(value, lang=lang,
                       datatype=URIRef(datatype) if datatype and not lang else None)
    raise StoreError(f"unsupported term type in results: {kind!r}")


def table_from_json(body: bytes) -> Table:
    """Parse SPARQL 1.1 JSON results (SELECT) into a Table (orjson: 2.4× faster than the
    standard library on a canned answer, same values). StoreError, saying where, when the
    store's answer is not JSON (a remote store's answer cut off, say)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"the store's answer is not valid SPARQL JSON results: {exc}") from None
    try:
        variables, bindings = list(data["head"].get("vars", [])), data["results"]["bindings"]
    except (KeyError, TypeError, AttributeError):
        raise StoreError("the store's answer is not valid SPARQL JSON results of a SELECT query: "
                         "no head.vars and results.bindings") from None
    if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
        raise StoreError("the store's answer is not valid SPARQL JSON results: results.bindings "
                         "is not a list of objects")
    return Table(variables, bindings=bindings)


def solution_rows(body: bytes) -> list[Any]:
    """Every solution of a store's SPARQL JSON answer (each a sequence of terms, None where
    unbound); StoreError when it is not valid JSON results: ``oxigraph serve``, stopped by
    its own timeout while it streams an answer, ends it early and keeps its status 200 (a
    whole-dataset read at a million triples, cut off at 375 MB, ended in a 500 of this
    service). An answer holding a value over 8 MiB, which pyoxigraph's parser refuses
    (MemoryError), is read with orjson instead: the dumps of a store holding one."""
    try:
        return list(_solutions(body))
    except SyntaxError as exc:
        problem = str(exc)
    except MemoryError:
        return _rows_by_orjson(body)
    # raised outside the handler: the parser's solutions (which must be dropped on the thread
    # that made them) stay out of the error's context
    raise StoreError(f"the store's answer is not valid SPARQL JSON results (cut off?): {problem}")


def _rows_by_orjson(body: bytes) -> list[Any]:
    """``solution_rows`` read with orjson (no limit on a value's size), as pyoxigraph terms."""
    try:
        data = orjson.loads(body)
        names = list(data["head"]["vars"])
        return [tuple(_ox_term(row[name]) if name in row else None for name in names)
                for row in data["results"]["bindings"]]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"the store's answer is not valid SPARQL JSON results: {exc}") from None


def _ox_term(value: Mapping[str, Any]) -> Any:
    """One pyoxigraph term from the SPARQL 1.1 JSON results format."""
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        return ox.BlankNode(text)
    if kind in ("literal", "typed-literal"):
        if value.get("xml:lang"):
            return ox.Literal(text, language=value["xml:lang"])
        datatype = value.get("datatype")
        return ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)
    if kind == "triple":
        return ox.Triple(_ox_term(text["subject"]), _ox_term(text["predicate"]),
                         _ox_term(text["object"]))
    raise ValueError(f"unsupported term type in results: {kind!r}")


def _solutions(body: bytes) -> ox.QuerySolutions:
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def nquads_of(graphs: Mapping[str, Graph]) -> bytes:
    """N-Quads of rdflib graphs, each in the named graph of its key (for ``replace_graphs``)."""
    parts = []
    for iri, graph in graphs.items():
        body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        parts += [f"{line[:-1].rstrip()} {ox.NamedNode(iri)} .\n"
                  for line in body.splitlines() if line.strip()]
    return "".join(parts).encode("utf-8")


def quads_in_graphs(quads: bytes | Path, graphs: Collection[str]) -> dict[str, list[ox.Quad]]:
    """The quads of each listed graph in an N-Quads source; ValueError for a quad outside them."""
    wanted: dict[str, list[ox.Quad]] = {g: [] for g in graphs}
    source = {"path": str(quads)} if isinstance(quads, Path) else {"input": quads}
    for quad in ox.parse(format=ox.RdfFormat.N_QUADS, **source):
        graph = quad.graph_name
        name = graph.value if isinstance(graph, ox.NamedNode) else None
        if name not in wanted:
            raise ValueError(f"a quad in graph {name or 'DEFAULT'} is not in the graphs to replace")
        wanted[name].append(quad)
    return wanted


def quads_by_graph(quads: bytes | Path, graphs: Collection[str]) -> dict[str, list[ox.Triple]]:
    """The triples of each listed graph in an N-Quads source; ValueError for a quad outside them."""
    return {graph: [quad.triple for quad in found]
            for graph, found in quads_in_graphs(quads, graphs).items()}


class GraphStore(ABC):
    """A SPARQL 1.1 dataset: query it, update it, read one graph."""

    #: short human description for logs, /health and the landing page
    description: str = "store"
    #: whether an update's WHERE, without USING, already matches the union of the graphs as
    #: queries do (a server started with a union default graph); if not, the admin update
    #: route names the graphs itself (USING / USING NAMED)
    update_sees_union: bool = False

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        solutions_format: str = SPARQL_JSON,
        graph_format: str = N_TRIPLES,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResponse:
        """Run a read-only query; without ``default_graphs`` the default graph is the union
        of all named graphs."""

    @abstractmethod
    def update(self, sparql_update: str) -> None:
        """Run a SPARQL 1.1 Update request as one transaction."""

    @abstractmethod
    def graph_names(self) -> list[str]:
        """IRIs of the named graphs in the dataset."""

    @abstractmethod
    def read_graph(self, graph: str) -> bytes:
        """One named graph as N-Triples."""

    def close(self) -> None:
        """Release files or connections (no-op where there are none)."""

    def check(self) -> None:
        """Raise StoreError when the store cannot answer now (a remote server is down);
        /health asks this on every call, so it recovers as soon as the store does."""

    def version(self) -> str | None:
        """A name of the store's current content that no other content ever has, changed by
        every write of any process: the key of caches kept between processes (a plan's
        context, validation/context.py; see ``version_sees_every_write``). None when the
        store cannot tell or does not outlive the process."""
        return None

    #: whether ``version`` changes with the writes of every client of the store, so that it
    #: may name a cache kept on disk between processes; a remote store's version marker is
    #: changed by this product's writes only (another client's write leaves it), so what is
    #: read of a remote store is kept in the reading process only
    version_sees_every_write: bool = True

    def written_versions(self) -> tuple[str | None, str | None] | None:
        """The ``version`` the last write of this process started from and the one it
        made, as the write itself saw them (no other process's write can fall in between):
        a cache of one version can tell that only its own process's writes came after it.
        None when the store cannot tell."""
        return None

    def scratch(self) -> AbstractContextManager[Path]:
        """A directory for the files a write prepares, removed afterwards. Here a temporary
        one; a store with a directory of its own keeps it there, so that what a killed
        writer left is removed the next time the store is opened or written."""
        return _temporary_directory()

    # -- shared behaviour, built on the four primitives above -------------------

    def select(self, sparql: str) -> Table:
        """Run a SELECT query (the store's own reads, and tests; the service reads through a
        ``hsvo_graph.sparql.reader.Reader``)."""
        response = self.query(sparql)
        if response.kind != "solutions":
            raise QuerySyntaxError("expected a SELECT query")
        return table_from_json(response.body)

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        response = self.query(sparql)
        if response.kind != "boolean":
            raise QuerySyntaxError("expected an ASK query")
        try:
            answer = json.loads(response.body)["boolean"]
        except (ValueError, KeyError, TypeError, RecursionError) as exc:  # ValueError: JSON, UTF-8
            raise StoreError(f"the store's answer is not valid SPARQL JSON results of an ASK "
                             f"query: {type(exc).__name__}: {str(exc)[:200]}") from None
        return bool(answer)

    def quads(self) -> list[ox.Quad]:
        """Every quad of the dataset (the snapshot's source), in the store's order."""
        rows = solution_rows(self.query(_ALL_QUADS).body)
        return [ox.Quad(s, p, o, g or ox.DefaultGraph()) for g, s, p, o in rows]

    def triple_count(self, graph: str | None = None) -> int:
        """Number of triples in one named graph, or in the union of all of them."""
        where = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        table = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        with _counts_read():
            return int(table.rows[0]["n"])

    def graph_sizes(self) -> dict[str, int]:
        """The number of triples in each non-empty named graph: one aggregate the store
        answers by itself (0.8 s for 1.6 M quads on ``oxigraph serve``), where reading the
        quads takes half a minute."""
        table = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        with _counts_read():
            return {str(row["g"]): int(row["n"]) for row in table.rows}

    def replace_graphs(
        self, quads: bytes | Path, graphs: Collection[str], *, drop_others: bool = False,
        keep_blank: Collection[str] = (),
    ) -> None:
        """Put the N-Quads ``quads`` in place of the named ``graphs``, all or nothing.

        Every quad must be in one of ``graphs``; a listed graph with no quads ends up empty.
        ``drop_others`` also removes every graph not listed (a full rebuild). ``keep_blank``
        names listed graphs whose statements about blank nodes that other graphs still have
        after the write stay as they are (``kept_blank_statements``). This default sends one
        update request, which is one transaction on Oxigraph and Fuseki: readers see the old
        graphs or the new ones, never a mix, and a failure leaves the old ones.
        """
        content = quads_by_graph(quads, graphs)
        kept = [kept_blank_statements(iri, f"{GENID}kept-{n}") for n, iri in enumerate(keep_blank)]
        ops = [before for before, _ in kept]
        ops += ["DROP SILENT ALL"] if drop_others else [
            f"DROP SILENT GRAPH {ox.NamedNode(iri)}" for iri in graphs
        ]
        blocks = "\n".join(
            f"GRAPH {ox.NamedNode(iri)} {{\n{_ntriples(triples)}}}" for iri, triples in content.items()
        )
        ops += [f"INSERT DATA {{\n{blocks}\n}}", *(after for _, after in kept)]
        self.update(" ;\n".join(ops))


@contextmanager
def _counts_read() -> Iterator[None]:
    """StoreError (502) for an answer to a count that holds no count (a remote store's)."""
    try:
        yield
    except (KeyError, IndexError, ValueError) as exc:
        raise StoreError(f"the store's answer is not valid SPARQL JSON results of a count: "
                         f"{type(exc).__name__}: {str(exc)[:200]}") from None


def kept_blank_statements(graph: str, holding: str) -> tuple[str, str]:
    """Update operations that keep, across a write replacing ``graph``, its statements
    about blank nodes that other graphs still have after the write: the first (before the
    write) copies them to the ``holding`` graph, the second (after it) puts back those whose
    blank nodes occur outside ``graph`` and drops ``holding``. A write cannot name a blank
    node already in the store, so what it says about one (the inferred graph's types of a
    cell's items) would otherwise be lost, or said of a disconnected copy."""
    target, held = ox.NamedNode(graph), ox.NamedNode(holding)

    def described(term: str, n: int) -> str:
        return (f"(!isBlank({term}) || EXISTS {{ GRAPH ?g{n} {{ {{ {term} ?a{n} ?b{n} }} UNION "
                f"{{ ?b{n} ?a{n} {term} }} }} FILTER (?g{n} NOT IN ({target}, {held})) }})")

    before = (f"INSERT {{ GRAPH {held} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {target} {{ ?s ?p ?o "
              f"FILTER (isBlank(?s) || isBlank(?o)) }} }}")
    after = (f"INSERT {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {held} {{ ?s ?p ?o }} "
             f"FILTER ({described('?s', 1)} && {described('?o', 2)}) }} ;\n"
             f"DROP SILENT GRAPH {held}")
    return before, after


def _ntriples(triples: list[ox.Triple]) -> str:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert body is not None  # without an output file, serialize returns the bytes
    return body.decode("utf-8")


@contextmanager
def _temporary_directory() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hsvo-scratch-") as directory:
        yield Path(directory)

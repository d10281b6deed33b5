"""A canned answer comes in the same row order whichever copy of the data answers it.

The service answers one question from different copies of the same generation: the workers'
in-memory copy, a worker reading the generation on disk, the service's own read-only view
(``sparql/inline.py``). Oxigraph evaluates on hash tables seeded anew for each evaluation,
so rows that tie on a query's ORDER BY came in another order from one request to the next
(seen on the stopped-activities page). Every canned query therefore orders its rows
completely; this test runs each documented example, several times, on the generation on
disk and on in-memory copies (built as the image host builds its copy, and filled in the
opposite order), and wants the same rows in the same order.

The names inside one GROUP_CONCAT list came in another order from each copy too ("ÄLN, SN"
and "SN, ÄLN"): SPARQL leaves that order open, and the grouping takes the rows as the
joins give them. So each list is read from a sub-select that orders its names, and these
tests want every list alphabetical (by code point), each name once, on every copy.
"""

from collections.abc import Callable, Hashable, Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Literal, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from hsvo_graph.canned.catalog import load_catalog, run_canned
from hsvo_graph.config import PROJECT_ROOT
from hsvo_graph.sparql.binding import bind_values
from hsvo_graph.sparql.reader import Bindings, Table
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.base import table_from_json

CATALOG = load_catalog(PROJECT_ROOT / "queries")
CASES = [pytest.param(query_id, arguments, id=f"{query_id}-{'-'.join(arguments) or 'none'}")
         for query_id, query in sorted(CATALOG.items())
         for arguments in ({p.name: p.example for p in query.parameters if p.example is not None},
                           {p.name: p.example for p in query.parameters
                            if p.required and p.example is not None})]
# Runs of each example on each copy: a copy answered one order again and again, another
# copy another, so the copies matter more than the runs; the runs catch an order that moves.
RUNS = 5


class _Direct:
    """A reader over a bare pyoxigraph store, with the union default graph, as a worker runs
    its queries."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def select(self, query: str, bindings: Bindings | None = None) -> Table:
        result = self.store.query(bind_values(query, bindings or {}), use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions), query  # every canned query is a SELECT
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        assert body is not None  # no output file given: the bytes are returned
        return table_from_json(body)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return bool(self.store.query(bind_values(query, bindings or {}), use_default_graph_as_union=True))

    def construct(self, query: str, bindings: Bindings | None = None) -> bytes:
        raise NotImplementedError

    def remembered(self, key: Hashable, compute: Callable[[Any], Any]) -> Any:
        return compute(self)


@pytest.fixture(scope="module")
def copies(store: EmbeddedStore) -> list[_Direct]:
    """The generation on disk, an in-memory copy built as the image host builds one (from an
    N-Quads dump of the generation), and one filled in the opposite order."""
    generation = store.current()
    assert generation is not None
    as_the_image_host = ox.Store()
    as_the_image_host.load(generation.store.dump(format=ox.RdfFormat.N_QUADS),
                           format=ox.RdfFormat.N_QUADS)
    reversed_copy = ox.Store()
    reversed_copy.bulk_extend(reversed(list(generation.store)))
    return [_Direct(generation.store), _Direct(as_the_image_host), _Direct(reversed_copy)]


def _rows(table: Table) -> list[tuple[tuple[str, str | None], ...]]:
    return [tuple((name, term.n3() if (term := row.get(name)) is not None else None)
                  for name in table.variables) for row in table.rows]


@pytest.mark.parametrize(("query_id", "arguments"), CASES)
def test_every_canned_answer_has_one_row_order(copies: list[_Direct], query_id: str,
                                               arguments: dict[str, str]) -> None:
    """The same rows in the same order, lists included, from every run on every copy."""
    query = CATALOG[query_id]
    first = _rows(run_canned(copies[0], query, arguments))
    assert first, "an example that answers nothing shows no order"
    for number, copy in enumerate(copies):
        for _ in range(RUNS):
            assert _rows(run_canned(copy, query, arguments)) == first, f"copy {number}"


@pytest.mark.parametrize(("query_id", "arguments"), CASES)
def test_every_list_is_alphabetical_and_names_each_once(copies: list[_Direct], query_id: str,
                                                        arguments: dict[str, str]) -> None:
    """Each GROUP_CONCAT cell: its names in code-point order (SPARQL's order of strings, and
    Python's), none twice."""
    lists = _lists(query_id)
    table = run_canned(copies[0], CATALOG[query_id], arguments)
    for row in table.rows:
        for name, separator in lists.items():
            if (cell := row.get(name)) is not None:
                names = str(cell).split(separator)
                assert names == sorted(set(names)), f"?{name}: {str(cell)!r}"


def _walk(node: object) -> Iterator[CompValue]:
    """Every node of an rdflib SPARQL algebra tree, parents first."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def _variables(node: object) -> set[str]:
    """The variables an expression (or a list of them) mentions."""
    if isinstance(node, Variable):
        return {str(node)}
    if isinstance(node, CompValue):
        return set().union(*(_variables(value) for value in node.values()))
    if isinstance(node, (list, tuple)):
        return set().union(*(_variables(value) for value in node))
    return set()


def _lists(query_id: str) -> dict[str, str]:
    """The GROUP_CONCAT lists a query shows (directly or through an alias, in a sub-select
    too), each with its separator."""
    nodes = list(_walk(prepareQuery(CATALOG[query_id].sparql).algebra))
    separators = {str(n["res"]): n.get("separator") or " "
                  for n in nodes if n.name == "Aggregate_GroupConcat"}
    aliases = {str(n["var"]): str(n["expr"]) for n in nodes if n.name == "Extend"}
    lists: dict[str, str] = {}
    for alias, source in aliases.items():
        while source not in separators and source in aliases:
            source = aliases[source]
        if source in separators:
            lists[alias] = separators[source]
    return lists


@pytest.mark.parametrize("query_id", sorted(CATALOG))
def test_every_list_reads_the_names_in_order(query_id: str) -> None:
    """Read from the query as the service sends it, every parameter bound: the grouping that
    makes a GROUP_CONCAT list reads a sub-select (nothing joined to it, the values block
    included) whose ORDER BY names the variable the list concatenates, so the grouping gets
    its names in order (the SPARQL order of strings: by code point)."""
    query = CATALOG[query_id]
    bound = bind_values(query.sparql, {p.name: [Literal("x")] for p in query.parameters})
    nodes = list(_walk(prepareQuery(bound).algebra))
    for join in (n for n in nodes if n.name == "AggregateJoin"):
        concatenated = [str(a["vars"]) for a in join["A"] if a.name == "Aggregate_GroupConcat"]
        if not concatenated:
            continue
        below = join["p"]["p"]  # Group -> its input
        while below.name in ("ToMultiSet", "Distinct", "Reduced", "Project"):
            below = below["p"]
        assert below.name == "OrderBy", f"{concatenated}: the grouping reads {below.name}"
        assert set(concatenated) <= _variables(below["expr"]), \
            f"the sub-select's ORDER BY leaves {set(concatenated) - _variables(below['expr'])}"


@pytest.mark.parametrize("query_id", sorted(CATALOG))
def test_every_canned_query_orders_by_all_it_shows(query_id: str) -> None:
    """Read from the query itself (parsed, as rdflib's algebra): its last ORDER BY names
    every variable it projects, directly or as the source of a projected alias, except the
    GROUP_CONCAT lists (ordered inside, see above), so that no two different rows can tie,
    on any store."""
    nodes = list(_walk(prepareQuery(CATALOG[query_id].sparql).algebra))
    projected = [str(v) for v in next(n for n in nodes if n.name == "Project")["PV"]]
    ordered = _variables(next(n for n in nodes if n.name == "OrderBy")["expr"])
    sources = {str(n["var"]): _variables(n["expr"]) for n in nodes if n.name == "Extend"}
    concatenated = {str(n["res"]) for n in nodes if n.name == "Aggregate_GroupConcat"}
    lists = {var for var, used in sources.items() if used & concatenated}
    unordered = [v for v in projected
                 if v not in ordered and v not in lists and not sources.get(v, set()) & ordered]
    assert not unordered, f"ORDER BY leaves {unordered} to the store"

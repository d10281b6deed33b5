"""A write to a remote store in several updates never cuts a blank node in two.

Blank-node labels are scoped to one update request, so ``RemoteStore.replace_graphs``
keeps every group of triples linked by blank nodes in one update (``update_chunks``).
The unit tests check the cutting; the others write, with 50 triples an update, a dataset
whose blank nodes are spread all over it into a real `oxigraph serve` (started here) and
the session's Virtuoso, and read it back: the same dataset, up to blank-node labels.
"""

import dataclasses
import random
import urllib.parse
from collections.abc import Callable, Iterator

import httpx
import pyoxigraph as ox
import pytest

from hsvo_graph.store import RemoteStore, StoreError, WriteUnconfirmed
from hsvo_graph.store.chunks import update_chunks
from hsvo_graph.store.remote import GENERIC, GENID, VIRTUOSO

from .servers import running_oxigraph

EX = "http://example.org/chunks/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
G1, G2 = f"{EX}graph/one", f"{EX}graph/two"
SIZE = 50


# -- the cutting ------------------------------------------------------------------


def _term(name: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(name[2:]) if name.startswith("_:") else ox.NamedNode(EX + name)


def _triple(subject: str, obj: str, n: int = 0) -> ox.Triple:
    return ox.Triple(_term(subject), ox.NamedNode(f"{EX}p{n}"), _term(obj))


def _blank_labels(term: object) -> set[str]:
    if isinstance(term, ox.BlankNode):
        return {term.value}
    if isinstance(term, ox.Triple):
        return _blank_labels(term.subject) | _blank_labels(term.object)
    return set()


def _groups(statements: list[ox.Triple]) -> list[list[int]]:
    """The statements (by index) linked by blank nodes, found the slow, obvious way."""
    groups: list[tuple[set[str], list[int]]] = []
    for i, statement in enumerate(statements):
        labels = _blank_labels(statement.subject) | _blank_labels(statement.object)
        if not labels:
            continue
        joined = [g for g in groups if g[0] & labels]
        for g in joined:
            groups.remove(g)
        members = sorted([i, *(j for g in joined for j in g[1])])
        groups.append((labels.union(*(g[0] for g in joined)), members))
    return sorted((g[1] for g in groups), key=lambda members: members[0])


def _expected_order(statements: list[ox.Triple]) -> list[int]:
    """The statements in the order the chunks give them: each group whole where its first
    statement is."""
    group_of = {i: members for members in _groups(statements) for i in members}
    order: list[int] = []
    for i in range(len(statements)):
        if i not in group_of:
            order.append(i)
        elif group_of[i][0] == i:
            order += group_of[i]
    return order


def _check(statements: list[ox.Triple], size: int) -> list[list[int]]:
    """Cut ``statements`` and check every promise of ``update_chunks``; the chunks as
    indices."""
    index = {id(s): i for i, s in enumerate(statements)}
    chunks = [[index[id(s)] for s in chunk] for chunk in update_chunks(statements, size)]
    # every statement exactly once, in the promised order (so: deterministic)
    assert [i for chunk in chunks for i in chunk] == _expected_order(statements)
    assert chunks == [[index[id(s)] for s in c] for c in update_chunks(statements, size)]
    # no group split
    where = {i: n for n, chunk in enumerate(chunks) for i in chunk}
    groups = _groups(statements)
    for members in groups:
        assert len({where[i] for i in members}) == 1, members
    # at most `size` each, but a group larger than that alone
    oversized = [members for members in groups if len(members) > size]
    for chunk in chunks:
        assert chunk and (len(chunk) <= size or chunk in oversized), chunk
    return chunks


def test_without_blank_nodes_the_chunks_are_plain_slices() -> None:
    statements = [_triple(f"s{i}", f"o{i}") for i in range(23)]
    chunks = _check(statements, 5)
    assert chunks == [list(range(n, min(n + 5, 23))) for n in range(0, 23, 5)]
    assert list(update_chunks([], 5)) == []


def test_a_chain_of_blank_nodes_is_one_group_wherever_its_links_are() -> None:
    statements = [_triple(f"s{i}", f"o{i}") for i in range(30)]
    statements[2] = _triple("_:a", "_:b")
    statements[17] = _triple("_:c", "x")
    statements[29] = _triple("_:b", "_:c")  # joins _:c (seen before) to _:a's group
    statements[8] = _triple("_:d", "_:d")
    chunks = _check(statements, 4)
    # where its first link is, the rest moved up to it; too long for what was left of the
    # first chunk, so it starts the next one
    assert chunks[:2] == [[0, 1], [2, 17, 29, 3]]


def test_groups_that_do_not_fit_start_a_new_chunk_and_big_ones_go_alone() -> None:
    statements = [_triple("x", "y"), _triple("_:a", "z", 1), _triple("_:a", "z", 2),
                  _triple("_:a", "z", 3), _triple("_:big", "z", 0), _triple("w", "v")]
    statements += [_triple("_:big", "z", n) for n in range(1, 7)] + [_triple("u", "t")]
    chunks = _check(statements, 3)
    assert chunks == [[0], [1, 2, 3], [4, 6, 7, 8, 9, 10, 11], [5, 12]]


def test_blank_nodes_in_triple_terms_and_across_graphs() -> None:
    # a triple term (RDF 1.2) links the blank nodes inside it
    nested = ox.Triple(ox.BlankNode("a"), ox.NamedNode(f"{EX}p"), ox.BlankNode("b"))
    statements = [_triple("_:b", "x"), _triple("y", "z"),
                  ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}says"), nested),
                  _triple("_:a", "w")]
    assert _check(statements, 2) == [[0, 2, 3], [1]]
    # quads: a blank node is one node in every graph
    g1, g2 = ox.NamedNode(G1), ox.NamedNode(G2)
    quads = [ox.Quad(ox.BlankNode("q"), ox.NamedNode(f"{EX}p"), ox.Literal("1"), g1),
             ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"), ox.Literal("2"), g1),
             ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"), ox.BlankNode("q"), g2)]
    assert list(update_chunks(quads, 2)) == [[quads[0], quads[2]], [quads[1]]]


@pytest.mark.parametrize("seed", range(40))
def test_random_statements_are_cut_as_promised(seed: int) -> None:
    rng = random.Random(seed)
    blanks = [f"_:b{n}" for n in range(rng.randint(1, 60))]
    names = [f"n{n}" for n in range(20)]
    share = rng.random()

    def term() -> str:
        return rng.choice(blanks) if rng.random() < share else rng.choice(names)

    statements = [_triple(term(), term(), n) for n in range(rng.randint(0, 200))]
    _check(statements, rng.randint(1, 40))


def test_a_chunk_holds_at_least_one_statement() -> None:
    with pytest.raises(ValueError):
        list(update_chunks([_triple("a", "b")], 0))


# -- writes to real stores ----------------------------------------------------------


def _dataset(tag: str = "v", seed: int = 7) -> str:
    """N-Quads in two graphs, shuffled so that every blank node's triples are far apart:
    200 blank nodes with 3-5 triples each, 30 chains ``_:a -> _:b -> _:c``, a 40-item
    RDF list (one group of 81 triples, more than a chunk), 10 blank nodes in both graphs,
    a blank node that is its own object, and 500 triples without blank nodes."""
    lines = []
    for i in range(200):
        lines.append(f"<{EX}thing{i}> <{EX}has> _:n{i} <{G1}> .\n")
        lines += [f'_:n{i} <{EX}p{k}> "{tag} {i}.{k}" <{G1}> .\n' for k in range(2 + i % 3)]
    for j in range(30):
        lines += [f"_:a{j} <{EX}next> _:b{j} <{G2}> .\n", f"_:b{j} <{EX}next> _:c{j} <{G2}> .\n",
                  f'_:c{j} <{EX}end> "{tag} {j}" <{G2}> .\n']
    lines.append(f"<{EX}list> <{EX}items> _:l0 <{G2}> .\n")
    for k in range(40):
        rest = f"_:l{k + 1}" if k < 39 else f"<{RDF}nil>"
        lines += [f'_:l{k} <{RDF}first> "{tag} item {k}" <{G2}> .\n',
                  f"_:l{k} <{RDF}rest> {rest} <{G2}> .\n"]
    for j in range(10):
        lines += [f'_:shared{j} <{EX}in> "{tag} one" <{G1}> .\n',
                  f'_:shared{j} <{EX}in> "{tag} two" <{G2}> .\n']
    lines.append(f"_:self <{EX}knows> _:self <{G1}> .\n")
    lines += [f'<{EX}plain{i}> <{EX}value> "{tag} {i}" <{G1 if i % 2 else G2}> .\n'
              for i in range(500)]
    random.Random(seed).shuffle(lines)
    return "".join(lines)


BLANK_NODES = 200 + 3 * 30 + 40 + 10 + 1
TRIPLES = _dataset().count("\n")
LIST_GROUP = 81


def _canonical(quads: list[ox.Quad]) -> set[str]:
    """The quads with canonical blank-node labels (RDFC-1.0)."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(quad) for quad in dataset}


def _parsed(nquads: str) -> list[ox.Quad]:
    return list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _stored(store: RemoteStore) -> list[ox.Quad]:
    """The test's two graphs as the store has them, read in one request (so a blank node
    in both graphs reads back as one; Virtuoso's well-known IRIs as blank nodes)."""
    rows = store._paged("?g ?s ?p ?o",
                        f"GRAPH ?g {{ ?s ?p ?o }} FILTER (?g IN (<{G1}>, <{G2}>))")
    return [ox.Quad(s, p, o, g) for g, s, p, o in rows]


def _blank_nodes(quads: list[ox.Quad]) -> int:
    return len({t for q in quads for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)})


def _staging_graphs(store: RemoteStore) -> list[str]:
    """Staging graphs left in the store, asked straight (the store's ``graph_names``
    and its queries on Virtuoso leave them out)."""
    response = httpx.post(store.query_url, timeout=30,
                          headers={"Accept": "application/sparql-results+json"},
                          data={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
    response.raise_for_status()
    names = [row["g"]["value"] for row in response.json()["results"]["bindings"]]
    return [g for g in names if g.startswith(GENID)]


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def small_updates(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    """A remote store written 50 triples an update: a fresh `oxigraph serve` (blank nodes
    kept as they are) and the session's Virtuoso (blank nodes skolemised)."""
    if request.param == "virtuoso":
        url = request.getfixturevalue("virtuoso_url")
        store = RemoteStore(url, url, url,
                            dialect=dataclasses.replace(VIRTUOSO, chunk_triples=SIZE))
        yield store
        store.replace_graphs(b"", [G1, G2])
        store.close()
        return
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-chunks")) as base:
        store = RemoteStore(f"{base}/query", f"{base}/update", f"{base}/store",
                            dialect=dataclasses.replace(GENERIC, chunk_triples=SIZE))
        yield store
        store.close()


def _recording(store: RemoteStore, monkeypatch: pytest.MonkeyPatch,
               fail: Callable[[int], bool] = lambda n: False) -> list[int]:
    """Record the triples of each INSERT DATA the store is sent (and fail the n-th update
    where ``fail(n)``, as a store that crashes half way)."""
    sizes: list[int] = []
    update, calls = store._send, [0]  # every update request, as it is sent

    def recorded(text: str) -> None:
        calls[0] += 1
        if fail(calls[0]):
            raise StoreError("the SPARQL store failed (HTTP 500): injected")
        if text.startswith("INSERT DATA"):
            sizes.append(sum(1 for line in text.splitlines() if line.endswith(" .")))
        update(text)

    monkeypatch.setattr(store, "_send", recorded)
    return sizes


def test_blank_nodes_spread_over_many_updates_stay_whole(
    small_updates: RemoteStore, monkeypatch: pytest.MonkeyPatch,
) -> None:
    payload = _dataset()
    sizes = _recording(small_updates, monkeypatch)
    small_updates.replace_graphs(payload.encode(), [G1, G2])
    assert sum(sizes) == TRIPLES and len(sizes) >= TRIPLES // SIZE
    if not small_updates.dialect.skolemise:
        # only the list is longer than an update; every other group fits in one
        assert max(sizes) == LIST_GROUP and sorted(sizes)[-2] <= SIZE
    stored = _stored(small_updates)
    assert len(stored) == TRIPLES
    assert _blank_nodes(stored) == BLANK_NODES
    assert _canonical(stored) == _canonical(_parsed(payload))
    assert _staging_graphs(small_updates) == []


def test_the_data_would_be_changed_if_an_update_cut_a_blank_node(
    small_updates: RemoteStore,
) -> None:
    """The control: the same dataset in plain slices of 50 triples (as before, one graph
    after the other) comes back changed from a store that keeps blank nodes (one per
    update they are in), and whole from one that skolemises them."""
    quads = _parsed(_dataset(tag="sliced"))
    small_updates.replace_graphs(b"", [G1, G2])
    store = small_updates
    for graph in (G1, G2):
        triples = [q.triple for q in quads if q.graph_name == ox.NamedNode(graph)]
        for start in range(0, len(triples), SIZE):
            store.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n"
                         f"{store._ntriples(triples[start:start + SIZE])}}} }}")
    stored = _stored(store)
    assert len(stored) == TRIPLES
    if store.dialect.skolemise:
        assert _canonical(stored) == _canonical(quads)
    else:
        assert _blank_nodes(stored) > BLANK_NODES * 2
        assert _canonical(stored) != _canonical(quads)
    # and written again through replace_graphs, it is whole
    store.replace_graphs(_dataset(tag="whole").encode(), [G1, G2])
    assert _canonical(_stored(store)) == _canonical(_parsed(_dataset(tag="whole")))


@pytest.mark.parametrize("failing", [3, 20])
def test_a_store_failing_half_way_leaves_the_old_graphs(
    small_updates: RemoteStore, monkeypatch: pytest.MonkeyPatch, failing: int,
) -> None:
    old = _dataset(tag="old")
    small_updates.replace_graphs(old.encode(), [G1, G2])
    _recording(small_updates, monkeypatch, fail=lambda n: n == failing)
    with pytest.raises(StoreError, match="injected"):
        small_updates.replace_graphs(_dataset(tag="new", seed=8).encode(), [G1, G2])
    monkeypatch.undo()
    assert _canonical(_stored(small_updates)) == _canonical(_parsed(old))
    assert _staging_graphs(small_updates) == []


def test_a_quad_outside_the_graphs_is_refused_before_anything_is_written(
    small_updates: RemoteStore, monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes = _recording(small_updates, monkeypatch)
    payload = _dataset() + f"<{EX}a> <{EX}b> <{EX}c> <{EX}graph/other> .\n"
    with pytest.raises(ValueError, match="graph/other"):
        small_updates.replace_graphs(payload.encode(), [G1, G2])
    assert sizes == []


def _store_answering(update: Callable[[str], httpx.Response], sent: list[tuple[str, float]]) -> RemoteStore:
    """A remote store whose update endpoint answers with ``update``; every update's text
    and read timeout are noted in ``sent``. Queries list no graphs."""
    empty = b'{"head":{"vars":["g"]},"results":{"bindings":[]}}'

    def answer(request: httpx.Request) -> httpx.Response:
        form = dict(urllib.parse.parse_qsl(request.content.decode()))
        if "update" not in form:
            return httpx.Response(200, content=empty, headers={"content-type": "application/sparql-results+json"})
        sent.append((form["update"], request.extensions["timeout"]["read"]))
        return update(form["update"])

    store = RemoteStore("http://store.invalid/query", "http://store.invalid/update",
                        "http://store.invalid/store", timeout_s=30, dialect=GENERIC, write_timeout_s=600)
    store._client = httpx.Client(transport=httpx.MockTransport(answer))
    return store


QUADS = b'<http://x/s> <http://x/p> "o" <http://x/g> .\n'


def test_a_write_is_waited_for_longer_than_a_read() -> None:
    sent: list[tuple[str, float]] = []
    _store_answering(lambda update: httpx.Response(204), sent).replace_graphs(QUADS, ["http://x/g"])
    assert [timeout for _, timeout in sent] == [600, 600]  # staging, then the switch


def test_a_switch_not_confirmed_in_time_is_not_called_a_failure() -> None:
    """The switch was sent whole: the store may still apply it, so the service must not
    say that nothing changed, and the staging graphs it moves must stay."""
    sent: list[tuple[str, float]] = []

    def slow_switch(update: str) -> httpx.Response:
        if "MOVE" in update:
            raise httpx.ReadTimeout("no answer", request=httpx.Request("POST", "http://store.invalid"))
        return httpx.Response(204)

    with pytest.raises(WriteUnconfirmed, match="may still be applied"):
        _store_answering(slow_switch, sent).replace_graphs(QUADS, ["http://x/g"])
    assert not any("DROP" in update and "staging" in update for update, _ in sent)


def test_a_staging_write_not_confirmed_in_time_changes_nothing() -> None:
    sent: list[tuple[str, float]] = []

    def slow_staging(update: str) -> httpx.Response:
        if "INSERT DATA" in update:
            raise httpx.ReadTimeout("no answer", request=httpx.Request("POST", "http://store.invalid"))
        return httpx.Response(204)

    with pytest.raises(StoreError, match="nothing was changed") as caught:
        _store_answering(slow_staging, sent).replace_graphs(QUADS, ["http://x/g"])
    assert not isinstance(caught.value, WriteUnconfirmed)
    assert any("DROP" in update and "staging" in update for update, _ in sent)  # cleaned up
    assert not any("MOVE" in update for update, _ in sent)

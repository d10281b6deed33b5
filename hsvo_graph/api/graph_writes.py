"""What a Graph Store Protocol PUT or POST of one named graph writes, and how.

Both go through ``GraphStore.replace_graphs`` with N-Quads of exactly that graph, the path
loads and imports take: one new generation on the embedded store; on a remote store
staging graphs filled in updates the store accepts (Virtuoso: at most
``Dialect.chunk_triples`` triples each, blank nodes as well-known IRIs) and moved into
place by one last update. So a write of any size lands whole on every store, or not at all,
and readers see the old graph or the new one, never a mix.

A POST is the graph's current content plus the payload, written as one replacement. The
payload's blank nodes are renamed to fresh ones by the parser (``rename_blank_nodes``):
a document's own labels would make a ``_:b1`` sent the ``_:b1`` already in the graph (or
in another part of the same multipart body), where RDF merge semantics keep them apart.
pyoxigraph renames them inside triple terms too, which a rename of the parsed triples'
subjects and objects had missed (``<<( _:b1 … )>>`` kept its label).

The store's own default graph (``?default``) is no named graph, which ``replace_graphs``
cannot address on any store: those writes stay one SPARQL update (``default_graph_update``).
"""

from collections.abc import Iterable

import pyoxigraph as ox

from hsvo_graph.store.tracking import TrackedStore


def graph_nquads(graph: str, triples: Iterable[ox.Triple]) -> bytes:
    """``triples`` as N-Quads in the named graph ``graph`` (what ``replace_graphs`` takes)."""
    name = ox.NamedNode(graph)
    body = ox.serialize((ox.Quad(t.subject, t.predicate, t.object, name) for t in triples),
                        format=ox.RdfFormat.N_QUADS)
    assert body is not None  # without an output file, serialize returns the bytes
    return body


def replace_graph(store: TrackedStore, graph: str, triples: list[ox.Triple]) -> None:
    """PUT: ``triples`` become the whole content of ``graph``, all or nothing."""
    store.rewrite([graph], lambda _: graph_nquads(graph, triples))


def add_to_graph(store: TrackedStore, graph: str, triples: list[ox.Triple]) -> None:
    """POST: ``graph`` gets ``triples`` besides what it holds, all or nothing. The current
    content is read under the store's write lock, so no other write of this service comes
    between the read and the replacement (``triples`` must carry fresh blank nodes)."""

    def content(current: TrackedStore) -> bytes:
        old = ox.parse(current.read_graph(graph), format=ox.RdfFormat.N_TRIPLES)
        return graph_nquads(graph, [*old, *triples])

    store.rewrite([graph], content)


def default_graph_update(triples: list[ox.Triple], *, replace: bool) -> str:
    """The one SPARQL update that writes ``triples`` into the store's own default graph
    (after emptying it for a PUT). Virtuoso keeps no default graph of its own and refuses
    it before executing anything, so there it is a 400 with the store's reason, never a
    partial write."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert body is not None
    drop = "DROP SILENT DEFAULT ;\n" if replace else ""
    return f"{drop}INSERT DATA {{ {body.decode('utf-8')} }}"

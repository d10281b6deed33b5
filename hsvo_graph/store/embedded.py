"""The default store: pyoxigraph (Rust) as a series of frozen generations on disk.

Every write builds a new generation directory and publishes it atomically
(``hsvo_graph.store.generations``); reads open the current generation read-only. Without a
path the generations live in a private temporary directory, removed when the store is closed
or the process exits: "in memory" for tests and scratch work, with exactly the code path of
the on-disk store, so query worker processes can open it too.
"""

import shutil
import tempfile
import threading
import weakref
from contextlib import AbstractContextManager
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from hsvo_graph.formats import rdf_format, results_format
from hsvo_graph.store.base import GraphStore, QueryKind, QueryResponse, QuerySyntaxError, StoreError
from hsvo_graph.store.generations import Generations, ReadOnlyGeneration, open_current

_EMPTY = ox.Store()  # what an empty store (no generation yet) answers from


def not_a_directory(path: Path) -> str:
    """The one line for a store path that names something other than a directory."""
    return (f"{path} är en fil, inte en lagerkatalog / {path} is a file, not a store "
            "directory")


class EmbeddedStore(GraphStore):
    """A pyoxigraph store in generations; queries see the union of all named graphs by default."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        root = path if path is not None else Path(tempfile.mkdtemp(prefix="hsvo-store-"))
        if path is None:
            self._cleanup = weakref.finalize(self, shutil.rmtree, root, True)
        if root.exists() and not root.is_dir():
            raise StoreError(not_a_directory(root))
        try:
            self.generations = Generations(root)
            self.generations.collect()  # what an interrupted write or a killed reader left
        except OSError as exc:
            raise StoreError(f"cannot open the store at {root}: {exc}") from exc
        self._current: ReadOnlyGeneration | None = None
        self._lock = threading.Lock()
        self.description = f"embedded pyoxigraph store ({path or 'in memory'})"

    def scratch(self) -> AbstractContextManager[Path]:
        return self.generations.scratch()

    @property
    def root(self) -> Path:
        """The directory that holds the generations (a temporary one without a path)."""
        return self.generations.root

    def current(self) -> ReadOnlyGeneration | None:
        """The current generation opened read-only (reused until another is published, by this
        or any other process); None while the store is empty. Keep the object while reading:
        it holds the generation's lease."""
        latest = self.generations.current()
        with self._lock:
            if latest is None:
                self._current = None
            elif self._current is None or self._current.directory != latest:
                replaced = self._current is not None
                self._current = open_current(self.root)
                if replaced:
                    self.generations.collect()
            return self._current

    def query(
        self,
        sparql: str,
        *,
        solutions_format: str = "application/sparql-results+json",
        graph_format: str = "application/n-triples",
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResponse:
        options: dict[str, object] = {}
        if default_graphs is None:
            options["use_default_graph_as_union"] = True
        else:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        current = self.current()  # held until the answer is written: its lease keeps the files
        try:
            result = _store(current).query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc
        # With no output file, pyoxigraph's serialize/dump return bytes; the stubs say bytes | None.
        if isinstance(result, ox.QueryTriples):
            return QueryResponse(
                "graph",
                graph_format,
                cast(bytes, result.serialize(format=rdf_format(graph_format))),
            )
        kind: QueryKind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        body = cast(bytes, result.serialize(format=results_format(solutions_format)))
        return QueryResponse(kind, solutions_format, body)

    def _write(self, fill: Callable[[ox.Store], None], *, copy_current: bool) -> None:
        """One write: a new generation, published only when ``fill`` succeeds."""
        try:
            self.generations.write(fill, copy_current=copy_current)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def update(self, sparql_update: str) -> None:
        self._write(lambda store: store.update(sparql_update), copy_current=True)

    def replace_graphs(
        self, quads: bytes | Path, graphs: Collection[str], *, drop_others: bool = False,
        keep_blank: Collection[str] = (),
    ) -> None:
        """Bulk-load ``quads`` into a copy of the current generation with ``graphs`` removed,
        or with ``drop_others`` into an empty one (a full load: checked after loading, with no
        pass over the quads in Python, then compacted), then publish it. All or nothing: a failure discards
        the copy. ``keep_blank``: as ``GraphStore.replace_graphs`` says, the statements kept
        as terms (a load would give their blank nodes new identities)."""
        names = set(graphs)
        if not drop_others:
            check_graphs(quads, names)

        def fill(store: ox.Store) -> None:
            kept = [q for iri in keep_blank for q in _about_blank_nodes(store, ox.NamedNode(iri))]
            if not drop_others:
                for name in names:
                    node = ox.NamedNode(name)
                    if store.contains_named_graph(node):
                        store.remove_graph(node)
            store.bulk_load(format=ox.RdfFormat.N_QUADS, **_source(quads))
            if drop_others:
                outside = [str(g) for g in store.named_graphs()
                           if not isinstance(g, ox.NamedNode) or g.value not in names]
                if any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
                    outside.append("DEFAULT")
                if outside:
                    raise ValueError(f"quads in graphs not listed to replace: {', '.join(outside)}")
                # compact the bulk-loaded files once, as `oxigraph optimize` would: reads of the
                # generation get several times faster, for ~10 % more load time
                store.optimize()
            store.extend([q for q in kept if _still_described(store, q, set(keep_blank))])

        self._write(fill, copy_current=not drop_others)

    def version(self) -> str | None:
        return self.generations.version() if self.path is not None else None

    def written_versions(self) -> tuple[str | None, str | None] | None:
        return self.generations.published if self.path is not None else None

    def graph_names(self) -> list[str]:
        current = self.current()
        return sorted(g.value for g in _store(current).named_graphs() if isinstance(g, ox.NamedNode))

    def read_graph(self, graph: str) -> bytes:
        current = self.current()
        dumped = _store(current).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        return cast(bytes, dumped)  # bytes when no output file is given; the stubs say bytes | None

    def close(self) -> None:
        with self._lock:
            self._current = None
        if self.path is None:
            self._cleanup()


def _store(current: ReadOnlyGeneration | None) -> ox.Store:
    """What a reader of ``current`` reads; the caller keeps ``current`` (and so its lease)
    for as long as it reads."""
    return _EMPTY if current is None else current.store


def check_graphs(quads: bytes | Path, graphs: Collection[str]) -> None:
    """ValueError unless every quad of the N-Quads ``quads`` is in one of ``graphs`` (a
    streaming pass: nothing is kept)."""
    for quad in ox.parse(format=ox.RdfFormat.N_QUADS, **_source(quads)):
        graph = quad.graph_name
        if not (isinstance(graph, ox.NamedNode) and graph.value in graphs):
            name = graph.value if isinstance(graph, ox.NamedNode) else "DEFAULT"
            raise ValueError(f"a quad in graph {name} is not in the graphs to replace")


def _source(quads: bytes | Path) -> dict[str, Any]:
    """pyoxigraph's keyword for reading N-Quads from bytes or from a file."""
    return {"path": str(quads)} if isinstance(quads, Path) else {"input": quads}


def _about_blank_nodes(store: ox.Store, graph: ox.NamedNode) -> list[ox.Quad]:
    """The statements of ``graph`` with a blank node as subject or object."""
    return [q for q in store.quads_for_pattern(None, None, None, graph)
            if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]


def _still_described(store: ox.Store, quad: ox.Quad, kept_in: set[str]) -> bool:
    """Whether every blank node of ``quad`` occurs in a graph outside ``kept_in``."""
    def outside(quads: Iterator[ox.Quad]) -> bool:
        return any(getattr(q.graph_name, "value", None) not in kept_in for q in quads)

    return all(outside(store.quads_for_pattern(node, None, None, None))
               or outside(store.quads_for_pattern(None, None, node, None))
               for node in (quad.subject, quad.object) if isinstance(node, ox.BlankNode))

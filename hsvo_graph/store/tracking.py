"""A store wrapper that counts writes: the cheap change signal behind snapshots and caches.

Every write of the service goes through ``update`` or ``replace_graphs`` (the
loader, imports, SPARQL Update, Graph Store Protocol writes), so counting calls there is enough:
comparing one integer tells a cache whether the store changed. ``frozen()`` holds writes
back while a reader copies the store, so the copy is one consistent state.

Writes of other processes (``hsvo load`` or ``hsvo import`` beside a running service) are
seen by ``refresh``: when the store's version (the embedded store's ``GENERATION``
pointer, a remote store's version marker) is not the one the counts were taken at, the
triples are counted again and ``modified`` moves on. A store that cannot be reached when
the service starts is counted once it answers (``triples`` is None until then).
"""

import collections
import logging
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from hsvo_graph.store.base import GraphStore, QueryResponse, StoreError
from hsvo_graph.store.changes import ChangeLog


log = logging.getLogger(__name__)
_UNSEEN = object()  # the version of a store not read yet

_Write = tuple[int, frozenset[str] | None, tuple[str | None, str | None] | None]


class TrackedStore(GraphStore):
    """Delegates to ``inner`` and keeps ``generation``, ``modified`` and the number of
    ``triples`` up to date: counted once per write, so /health and the start page answer
    in constant time however large the dataset is."""

    def __init__(self, inner: GraphStore, changes: ChangeLog | None = None) -> None:
        self.inner = inner
        self.changes = changes
        self.description = inner.description
        self.generation = 0
        # (generation, the graphs its write replaced (None: unknown, e.g. a SPARQL Update),
        # the store's versions before and after it as the write saw them)
        self._writes: collections.deque[_Write] = collections.deque(maxlen=64)
        self.modified = datetime.now(UTC).replace(microsecond=0)
        self._lock = threading.Lock()
        #: the number of triples (None: not counted yet, the store could not be reached)
        self.triples: int | None = None
        self._seen: object = _UNSEEN  # the store's version when ``triples`` was counted
        try:
            self._count()
        except StoreError as exc:  # a remote store that is down: counted once it answers
            log.warning("the store's triples are not counted yet: %s", exc)

    def _count(self) -> None:
        """Count the triples, noting the store's version they were counted at (the version
        first: a write landing between the two is counted again at the next ``refresh``)."""
        version = self.inner.version()
        self.triples = self.inner.triple_count()
        self._seen = version

    def refresh(self) -> None:
        """Follow writes of other processes: when the store's version is not the one the
        counts were taken at (or nothing was counted yet), count again and move ``modified``
        on. One small read when nothing changed (a file on the embedded store, one query on
        a remote one); StoreError when the store cannot be read. Nothing while a write of
        this service runs: it counts when it ends (and /health must not wait for it)."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self.triples is not None and self.inner.version() == self._seen:
                return
            counted_before = self._seen is not _UNSEEN
            self._count()
            if counted_before:
                self._moved_on()
        finally:
            self._lock.release()

    def _moved_on(self) -> None:
        """``modified`` set to now, and at least a second past what it was: ``Last-Modified``
        has whole seconds, and a change in the second the last one was seen must still be
        newer to ``If-Modified-Since``. It may then lie up to a second ahead (more after a
        burst of writes): ``api.transport.conditional_response`` sends no date that has not
        come yet."""
        now = datetime.now(UTC).replace(microsecond=0)
        self.modified = max(now, self.modified + timedelta(seconds=1))

    def query(
        self,
        sparql: str,
        *,
        solutions_format: str = "application/sparql-results+json",
        graph_format: str = "application/n-triples",
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResponse:
        return self.inner.query(
            sparql, solutions_format=solutions_format, graph_format=graph_format,
            default_graphs=default_graphs, named_graphs=named_graphs,
        )

    def update(self, sparql_update: str) -> None:
        self._counted(lambda: self.inner.update(sparql_update), None)

    def replace_graphs(
        self, quads: bytes | Path, graphs: Collection[str], *, drop_others: bool = False,
        keep_blank: Collection[str] = (),
    ) -> None:
        # the inner store's own way (a remote store stages and switches)
        self._counted(lambda: self.inner.replace_graphs(quads, graphs, drop_others=drop_others,
                                                        keep_blank=keep_blank),
                      None if drop_others else frozenset(graphs))
        if self.changes is not None:
            self.changes.record(graphs, full=drop_others)

    def rewrite(self, graphs: Collection[str],
                content: Callable[["TrackedStore"], bytes | Path]) -> None:
        """Replace ``graphs`` with the N-Quads ``content`` makes from the store as it is
        now, through the inner store's ``replace_graphs`` (all or nothing). ``content``
        runs under the write lock, so no write of this service comes between what it reads
        and the replacement (a Graph Store Protocol POST reads a graph and writes it back
        longer). Counted like every write, but not in the change log: like a SPARQL Update,
        a Graph Store Protocol write is no load or import."""
        self._counted(lambda: self.inner.replace_graphs(content(self), graphs), frozenset(graphs))

    def quads(self) -> list[ox.Quad]:
        return self.inner.quads()

    def graph_sizes(self) -> dict[str, int]:
        return self.inner.graph_sizes()  # the inner store's own way (a remote one hides graphs)

    def triple_count(self, graph: str | None = None) -> int:
        return self.inner.triple_count(graph)

    def version(self) -> str | None:
        return self.inner.version()

    @property
    def version_sees_every_write(self) -> bool:  # type: ignore[override]
        return self.inner.version_sees_every_write

    def _counted(self, write: Callable[[], None], graphs: frozenset[str] | None) -> None:
        """Run one write of the inner store and move the counters, even when it fails (a
        remote store may have changed partly); note the ``graphs`` it could change (None:
        any)."""
        with self._lock:
            try:
                write()
            finally:
                self.generation += 1
                self._writes.append((self.generation, graphs, self.inner.written_versions()))
                self._moved_on()
                try:
                    self._count()
                except StoreError as exc:  # counted at the next ``refresh``
                    log.warning("the store's triples were not counted after a write: %s", exc)
                    self.triples, self._seen = None, _UNSEEN

    def changed_since(self, generation: int, version: str | None) -> tuple[int, frozenset[str] | None]:
        """The generation now, and the graphs this service's writes since ``generation``
        replaced, the store being at ``version`` then: a cache of that reading can read
        those graphs again instead of all. None when one of the writes could change any
        graph or is no longer noted, or when another process wrote to the store meanwhile
        (the versions each write started from and made do not lead from ``version`` to the
        store's version now; a store without versions cannot tell, and only this service's
        writes are seen)."""
        with self._lock:
            later = [(graphs, versions) for number, graphs, versions in self._writes if number > generation]
            known = [graphs for graphs, _ in later if graphs is not None]
            if len(known) != self.generation - generation:  # one could change any graph
                return self.generation, None
            now = self.inner.version()
            if now is not None:  # a store with versions: other processes' writes show
                reached = version
                for _, versions in later:
                    if versions is None or versions[0] != reached:
                        return self.generation, None
                    reached = versions[1]
                if reached != now:
                    return self.generation, None
            return self.generation, frozenset().union(*known)

    @contextmanager
    def frozen(self) -> Iterator[int]:
        """No writes while the block runs; yields the generation it sees."""
        with self._lock:
            yield self.generation

    def graph_names(self) -> list[str]:
        return self.inner.graph_names()

    def read_graph(self, graph: str) -> bytes:
        return self.inner.read_graph(graph)

    def close(self) -> None:
        self.inner.close()

    def scratch(self) -> AbstractContextManager[Path]:
        return self.inner.scratch()

    def __getattr__(self, name: str) -> Any:
        """Anything specific to one store (``path``, ``query_url`` …) comes from ``inner``."""
        return getattr(self.inner, name)

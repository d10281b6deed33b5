"""A consistent copy of the whole dataset as N-Quads, rebuilt only when the store changed.

The query workers load it, and the dumps, the Graph Store Protocol's whole-dataset answers
and the VoID statistics are computed from it, so all of them describe the same state.
Through the ``GraphStore`` interface only, so it works on the embedded and remote stores.
"""

import dataclasses
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import pyoxigraph as ox

from hsvo_graph.store.tracking import TrackedStore

T = TypeVar("T")

@dataclass(frozen=True)
class Snapshot:
    """One state of the dataset: its non-empty named graphs, its quads (as sorted N-Quads, so
    equal states give equal bytes), a digest of them, and when this state was first seen or
    written."""

    generation: int
    graphs: tuple[str, ...]
    n_quads: bytes
    digest: str
    modified: datetime
    quads: tuple[ox.Quad, ...] = field(repr=False, compare=False)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, key: str, compute: Callable[["Snapshot"], T]) -> T:
        """A value computed from this state once (a dump, statistics) and then reused."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]


def read_quads(store: TrackedStore) -> list[ox.Quad]:
    """Every quad of the store, in the store's order."""
    return store.quads()


def canonical_n_quads(quads: list[ox.Quad]) -> bytes:
    """N-Quads with the lines sorted: the same dataset always gives the same bytes."""
    body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert body is not None  # without an output file, serialize returns the bytes
    return b"".join(sorted(body.splitlines(keepends=True)))


class Snapshots:
    """The current snapshot of a store.

    With ``trust_generation`` (the service is the only writer: embedded store) a snapshot
    is reused until the store's write counter moves; otherwise (a remote store that other
    clients may write to) it is re-read on every call, and its ``modified`` time is kept
    as long as the digest does not change.
    """

    def __init__(self, store: TrackedStore, *, trust_generation: bool) -> None:
        self.store = store
        self.trust_generation = trust_generation
        self._current: Snapshot | None = None
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        """The snapshot of the store as it is now (blocking: call it in a worker thread)."""
        with self._lock:
            cached = self._current
            if cached is not None and self.trust_generation and cached.generation == self.store.generation:
                return cached
            with self.store.frozen() as generation:
                n_quads = canonical_n_quads(read_quads(self.store))
                modified = self.store.modified
            digest = hashlib.sha256(n_quads).hexdigest()
            if cached is not None and cached.digest == digest:
                # same content: keep its time and everything already derived from it
                self._current = dataclasses.replace(cached, generation=generation,
                                                    _derived=cached._derived)
                return self._current
            if not self.trust_generation:
                modified = datetime.now(UTC).replace(microsecond=0)
            quads = tuple(ox.parse(n_quads, format=ox.RdfFormat.N_QUADS))
            graphs = tuple(sorted({q.graph_name.value for q in quads
                                   if isinstance(q.graph_name, ox.NamedNode)}))
            self._current = Snapshot(generation, graphs, n_quads, digest, modified, quads)
            return self._current

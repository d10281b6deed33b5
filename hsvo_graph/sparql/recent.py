"""A small, thread-safe memory of the values of the keys seen last.

Used where a value is a pure function of its key (a query text's analysis, a GET query's
prepared request) and computing it costs more than looking it up: a service gets the same
requests again and again (canned questions, dashboards, notebooks re-run). The size bound
keeps a stream of distinct keys from growing it.
"""

import collections
import threading
from typing import Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """The values of the last ``kept`` keys, least recently used dropped first."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._values: collections.OrderedDict[K, V] = collections.OrderedDict()
        self._lock = threading.Lock()  # page threads and the event loop share one

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def keep(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            if len(self._values) > self._kept:
                self._values.popitem(last=False)


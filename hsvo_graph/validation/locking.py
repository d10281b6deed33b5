"""One import at a time: an import reads every graph, recomputes the inferred graph over all
of them and writes it back, so two at once would each write an inferred graph without the
other's plan (seen with the remote store: a plan's facts missing after two CLI imports).

The lock is held over the whole read-infer-write-record sequence. Threads of one process
(``hsvo serve`` answers uploads in a thread pool) wait on a ``threading.Lock``; processes
(``hsvo import`` next to a running service, or two CLI imports) wait on an ``fcntl`` lock of
a file in the plans directory, which every importer of the same store shares. The lock is
re-entrant within a thread: the CLI takes it before opening an embedded store (which only one
process may open) and the import inside takes it again.
"""

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_GUARD = threading.Lock()
_HELD = threading.local()  # the directories this thread holds the lock of


def _thread_lock(directory: Path) -> threading.Lock:
    with _GUARD:
        return _THREAD_LOCKS.setdefault(directory, threading.Lock())


@contextmanager
def import_lock(plans_dir: Path) -> Iterator[None]:
    """Hold the import lock of ``plans_dir`` (waits for any other import to finish)."""
    plans_dir.mkdir(parents=True, exist_ok=True)
    key = plans_dir.resolve()
    held: set[Path] = _HELD.__dict__.setdefault("dirs", set())
    if key in held:
        yield
        return
    with _thread_lock(key), open(key / ".import.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            fcntl.flock(handle, fcntl.LOCK_UN)

"""Give the memory that a large transient piece of work freed back to the system.

Reading a plan context or reasoning for an import at a million triples builds and drops
several hundred megabytes (N-Triples text, scratch pyoxigraph stores, Python objects).
glibc's allocator keeps what was freed for later, so a service that did it once stayed
that much larger for good: 990 MB after an import at 1 M, 517 MB once trimmed.
``malloc_trim`` hands it back; where there is no glibc it does nothing.
"""

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _trim() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return getattr(libc, "malloc_trim", None)


def release_freed_memory() -> None:
    trim = _trim()
    if trim is not None:
        trim(0)

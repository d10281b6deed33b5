"""Memory a large transient piece of work freed goes back to the system
(hsvo_graph/validation/memory.py): the service does not stay as large as its largest
import or context reading."""

import gc

import pyoxigraph as ox
import pytest

from hsvo_graph.validation import memory


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) / 1024


@pytest.mark.skipif(memory._trim() is None, reason="no glibc malloc_trim here")
def test_what_a_scratch_store_freed_is_given_back() -> None:
    scratch = ox.Store()
    scratch.extend(ox.Quad(ox.NamedNode(f"http://x/{n}"), ox.NamedNode("http://x/p"),
                           ox.Literal(f"value {n}"), ox.NamedNode("http://x/g"))
                   for n in range(300_000))
    del scratch
    gc.collect()
    kept = rss_mib()
    memory.release_freed_memory()
    assert rss_mib() < kept - 20  # a scratch store of 300 k quads: well over 20 MiB

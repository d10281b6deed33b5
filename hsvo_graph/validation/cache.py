"""The ontology and the shapes as parsed before, so that a short-lived process (``hsvo
validate``) does not parse their Turtle again each time.

A directory's graph is kept as N-Triples in the user's cache directory
(``$XDG_CACHE_HOME/hsvo-graph``, else ``~/.cache/hsvo-graph``) under the SHA-256 of the
names and bytes of its ``*.ttl`` files – the files ``turtle_directory`` reads – so an
edited, added, renamed or removed file is a different key and is parsed afresh: nothing
needs invalidating. Files are written whole under a temporary name and renamed, so
processes running at the same moment read either nothing or a complete file; a cache
directory that cannot be read or written is no error (the graph is simply parsed each
time).

The context of a plan read from a store is kept the same way (``read``/``keep``), under a
key naming the store's current content (``GraphStore.version``); see context.py.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from rdflib import Graph

from hsvo_graph.validation.terms import graph_of

FORMAT = "1"  # part of every key: a change of what is cached makes old entries unused


def cache_dir() -> Path:
    """Where parsed graphs are kept (XDG base directory convention)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hsvo-graph"


def directory_key(directory: Path) -> str:
    """The hash of the Turtle files of ``directory``: their names and contents."""
    digest = hashlib.sha256(FORMAT.encode())
    for path in sorted(directory.glob("*.ttl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def turtle_directory_cached(directory: Path) -> Graph:
    """``turtle_directory(directory)``, from the cache when its files are unchanged."""
    return graph_of(turtle_directory_ntriples(directory))


def turtle_directory_ntriples(directory: Path) -> bytes:
    """``turtle_directory(directory)`` as N-Triples, from the cache when its files are
    unchanged (else parsed, with the loader's checks, and kept)."""
    name = f"{directory.name}-{directory_key(directory)}.nt"
    cached = read(name)
    if cached is not None:
        return cached
    from hsvo_graph.graph.loading import turtle_directory  # parses with its checks (cache misses only)

    content = turtle_directory(directory).serialize(format="nt", encoding="utf-8")
    keep(name, content)
    return content


def read(name: str) -> bytes | None:
    """The entry ``name``; None when it is not cached yet or cannot be read."""
    try:
        return (cache_dir() / name).read_bytes()  # complete: entries are only ever renamed into place
    except OSError:
        return None


def keep(name: str, content: bytes, kept: int = 1) -> None:
    """Write the entry ``name`` atomically; of the entries of its family (the same name up
    to the last ``-`` and of the same length: other keys of the same thing), keep only the
    ``kept`` newest."""
    entry = cache_dir() / name
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temporary, entry)
        finally:
            Path(temporary).unlink(missing_ok=True)
        stem = entry.name.rsplit("-", 1)[0]
        family = [old for old in entry.parent.glob(f"{stem}-*{entry.suffix}")
                  if len(old.name) == len(entry.name)]
        family.sort(key=_age)
        for old in family[kept:]:
            if old != entry:
                old.unlink(missing_ok=True)
    except OSError:
        return


def _age(entry: Path) -> float:
    """Newest first (a vanished entry sorts last)."""
    try:
        return -entry.stat().st_mtime
    except OSError:
        return 0.0

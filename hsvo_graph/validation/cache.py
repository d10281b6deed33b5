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
    entry = cache_dir() / f"{directory.name}-{directory_key(directory)}.nt"
    try:
        return entry.read_bytes()  # complete: entries are only ever renamed into place
    except OSError:  # not cached yet, or unreadable: parse and keep it
        pass
    from hsvo_graph.graph.loading import turtle_directory  # parses with its checks (cache misses only)

    content = turtle_directory(directory).serialize(format="nt", encoding="utf-8")
    _keep(entry, content)
    return content


def _keep(entry: Path, content: bytes) -> None:
    """Write ``entry`` atomically and remove the older entries of the same directory."""
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
        for old in entry.parent.glob(f"{stem}-*.nt"):
            if old != entry and len(old.name) == len(entry.name):
                old.unlink(missing_ok=True)
    except OSError:
        return

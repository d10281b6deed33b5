"""An append-only log of every load and import (which graphs changed, when, by which plan),
kept as JSON Lines with the store and published as the Atom feed /changes.atom, so that
harvesters can follow the dataset without downloading it again.

Each store has its own log (``log_path``), so a service's feed lists the changes of the
dataset it serves and of no other: the default store (``var/store``) keeps
``var/changes.jsonl`` beside it, where it always was; any other store directory keeps
``changes.jsonl`` inside it (beside ``GENERATION``: the generations never touch a file
there, and a store that is copied or deleted takes its log with it); a store in memory
keeps it in its temporary directory; a remote store's log is under
``var/changes/``, named after its query endpoint. ``HSVO_CHANGES_LOG`` names one file for
every store instead.

Written by ``TrackedStore.replace_graphs`` (every load and import goes through it), after
the store accepted the change. A full load (``drop_others``) is a "load"; anything else an
"import", whose plan is the graph it wrote besides the inferred one.
"""

import hashlib
import json
import re
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hsvo_graph.config import DEFAULT_STORE_CHANGES_LOG, DEFAULT_STORE_PATH, REMOTE_CHANGES_DIR
from hsvo_graph.namespaces import GRAPH

if TYPE_CHECKING:
    from hsvo_graph.config import Settings

_INFERRED = str(GRAPH["inferred"])


def log_path(settings: "Settings", store_root: Path | None = None) -> Path | None:
    """The change log of the configured store (None: not kept). ``store_root`` is the
    directory of the embedded store opened (a temporary one for a store in memory), which
    wins over the settings' store path."""
    if settings.changes_log != "store":
        return settings.changes_log
    if store_root is None and settings.store == "remote":
        url = settings.remote_query_url
        readable = re.sub(r"[^A-Za-z0-9.-]+", "_", url.split("://", 1)[-1]).strip("_")[:80]
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
        return REMOTE_CHANGES_DIR / f"{readable}-{digest}.jsonl"
    directory = store_root if store_root is not None else settings.store_path
    if directory is None:
        return None
    if directory.resolve() == DEFAULT_STORE_PATH.resolve():
        return DEFAULT_STORE_CHANGES_LOG
    return directory / "changes.jsonl"


@dataclass(frozen=True)
class Change:
    """One accepted load or import."""

    number: int
    time: datetime
    action: str
    graphs: tuple[str, ...]
    plans: tuple[str, ...]


class ChangeLog:
    """The log in ``path`` (created on first write)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, graphs: Collection[str], *, full: bool) -> Change:
        """Append one change: ``graphs`` replaced, ``full`` for a load of everything."""
        with self._lock:
            number = len(self.entries()) + 1
            change = Change(number, datetime.now(UTC).replace(microsecond=0),
                            "load" if full else "import", tuple(sorted(graphs)),
                            () if full else tuple(sorted(g for g in graphs if g != _INFERRED)))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"number": change.number, "time": change.time.isoformat(),
                                      "action": change.action, "graphs": list(change.graphs),
                                      "plans": list(change.plans)}) + "\n")
            return change

    def entries(self) -> list[Change]:
        """Every change so far, oldest first (a torn last line is skipped)."""
        if not self.path.exists():
            return []
        changes = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                raw = json.loads(line)
            except json.JSONDecodeError:
                continue
            changes.append(Change(raw["number"], datetime.fromisoformat(raw["time"]),
                                  raw["action"], tuple(raw["graphs"]), tuple(raw["plans"])))
        return changes

"""An append-only log of every load and import (which graphs changed, when, by which plan),
kept as JSON Lines beside the store and published as the Atom feed /changes.atom, so that
harvesters can follow the dataset without downloading it again.

Written by ``TrackedStore.replace_graphs`` (every load and import goes through it), after
the store accepted the change. A full load (``drop_others``) is a "load"; anything else an
"import", whose plan is the graph it wrote besides the inferred one.
"""

import json
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hsvo_graph.namespaces import GRAPH

_INFERRED = str(GRAPH["inferred"])


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

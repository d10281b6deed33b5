"""Imported plans as managed sources: every import keeps the original file, when and by whom
it came, its checksum and its report under ``settings.plans_dir``, one folder per plan graph,
with the history of every change (imported, replaced, removed) as JSON lines.

``hsvo load`` (and so ``make serve``) rebuilds the store from ``ontology/`` + ``data/``
only; ``reapply_plans`` then puts every current plan back, so an imported plan is never lost
silently. The token that imported a plan is kept only as a fingerprint, never as itself.
"""

import datetime
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from hsvo_graph.validation.filenames import UNSAFE, safe_name
from hsvo_graph.validation.meta import PlanMeta
from hsvo_graph.validation.model import Plan, Report
from hsvo_graph.validation.report import to_json

Action = Literal["imported", "replaced", "removed"]
_PENDING = "pending"  # beside history.jsonl: see PlanRegistry.pending


def token_fingerprint(token: str) -> str:
    """Who imported, without keeping the secret: the first 16 hex digits of its SHA-256."""
    return "token:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def checksum(data: bytes) -> str:
    """SHA-256 of a file, kept with it: what was imported can be told from a look-alike."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class PlanDiff:
    """What a new version of a plan changes, activity by activity (keyed by title)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class Entry:
    """One change of one plan, as kept in its history."""

    key: str  # the plan graph's local name, e.g. plan-aktivitetslista-hsvo-uppsala-2026
    version: int
    action: Action
    at: str  # ISO 8601, UTC
    actor: str  # "token:<fingerprint>" or "cli:<user>"
    graph: str
    name: str = ""  # the file name as uploaded
    file: str = ""  # the kept original, relative to the plan's folder
    sha256: str = ""
    title: str | None = None
    municipality: str | None = None
    year: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    diff: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Entry":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


class PlanRegistry:
    """The folder of managed plans: ``<plans_dir>/<key>/history.jsonl`` and ``files/``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def keys(self) -> list[str]:
        """Every plan that has a history (current or removed), by key."""
        if not self.directory.is_dir():
            return []
        return sorted(p.parent.name for p in self.directory.glob("*/history.jsonl"))

    def history(self, key: str) -> list[Entry]:
        """Every change of one plan, oldest first (empty for an unknown key)."""
        path = self._folder(key) / "history.jsonl"
        if not path.is_file():
            return []
        return [Entry.from_dict(json.loads(line)) for line in path.read_text("utf-8").splitlines()]

    def current(self, key: str) -> Entry | None:
        """The version in force, or None when the plan was removed (or never imported)."""
        history = self.history(key)
        return history[-1] if history and history[-1].action != "removed" else None

    def current_plans(self) -> list[Entry]:
        """The plans in force, oldest import first (a follow-up after the list it follows)."""
        found = [entry for key in self.keys() if (entry := self.current(key)) is not None]
        first = {key: self.history(key)[0].at for key in self.keys()}
        return sorted(found, key=lambda e: (first[e.key], e.key))

    def original(self, entry: Entry) -> bytes:
        """The file as it was uploaded for this version."""
        return (self._folder(entry.key) / entry.file).read_bytes()

    def report(self, entry: Entry) -> dict[str, Any]:
        """The validation report of this version, as it was at its import (JSON data)."""
        path = (self._folder(entry.key) / entry.file).with_name(f"{entry.version:03d}-report.json")
        return dict(json.loads(path.read_text("utf-8")))

    def record(
        self,
        plan: Plan,
        report: Report,
        data: bytes,
        name: str,
        meta: PlanMeta,
        actor: str,
        diff: PlanDiff,
    ) -> Entry:
        """Keep a newly imported version (its file first, then the history line)."""
        key = key_of(str(plan.info.graph))
        history = self.history(key)
        version = (history[-1].version + 1) if history else 1
        digest = checksum(data)
        # the original as a plain file name, cleaned as its export is (filenames.py)
        relative = f"files/{version:03d}-{digest[:12]}-{safe_name(name, 80)}"
        target = self._folder(key) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        report_file = target.with_name(f"{version:03d}-report.json")
        report_file.write_text(to_json(report), encoding="utf-8")
        entry = Entry(
            key=key,
            version=version,
            action="replaced" if self.current(key) is not None else "imported",
            at=_now(),
            actor=actor,
            graph=str(plan.info.graph),
            name=name,
            file=relative,
            sha256=digest,
            title=plan.info.title,
            municipality=plan.info.municipality,
            year=plan.info.year,
            meta={k: v for k, v in asdict(meta).items() if v is not None},
            counts={s: report.count(s) for s in ("violation", "warning", "info")},
            diff=asdict(diff),
        )
        self._append(entry)
        return entry

    def pending(self) -> list[str]:
        """The plans whose last recorded change may not have reached the store: noted
        before the history line (``record``, ``record_removal``) and cleared once the
        store's write is done (``landed``) or taken back (``withdraw``). A process killed in
        between leaves it, and the next start completes the change."""
        if not self.directory.is_dir():
            return []
        return sorted(p.parent.name for p in self.directory.glob(f"*/{_PENDING}"))

    def landed(self, key: str) -> None:
        """The store holds what the history of ``key`` says (see ``pending``)."""
        (self._folder(key) / _PENDING).unlink(missing_ok=True)

    def withdraw(self, entry: Entry) -> None:
        """Take back the version ``record`` (or ``record_removal``) kept for a change whose
        write then failed (the store is as it was): its history line, file and report."""
        self._withdrawn(entry)
        self.landed(entry.key)

    def _withdrawn(self, entry: Entry) -> None:
        """``entry``'s history line, file and report removed, if it is the last line."""
        path = self._folder(entry.key) / "history.jsonl"
        lines = path.read_text("utf-8").splitlines() if path.is_file() else []
        if not lines or Entry.from_dict(json.loads(lines[-1])).version != entry.version:
            return
        if lines[:-1]:
            kept = path.with_name("history.jsonl.tmp")
            kept.write_text("".join(line + "\n" for line in lines[:-1]), encoding="utf-8")
            kept.replace(path)
        else:
            path.unlink()
        if entry.file:  # a removal keeps no file
            original = self._folder(entry.key) / entry.file
            original.with_name(f"{entry.version:03d}-report.json").unlink(missing_ok=True)
            original.unlink(missing_ok=True)

    def record_removal(self, entry: Entry, actor: str) -> Entry:
        """Note that a plan was taken out of the graph; its files stay for export."""
        removed = Entry(
            key=entry.key,
            version=entry.version + 1,
            action="removed",
            at=_now(),
            actor=actor,
            graph=entry.graph,
            title=entry.title,
            municipality=entry.municipality,
            year=entry.year,
        )
        self._append(removed)
        return removed

    def _append(self, entry: Entry) -> None:
        """The history line of a change about to be written to the store, with its
        ``pending`` note first."""
        path = self._folder(entry.key) / "history.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / _PENDING).write_text(f"{entry.version}\n", encoding="ascii")
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry.as_dict(), ensure_ascii=False) + "\n")

    def _folder(self, key: str) -> Path:
        """The plan's folder; a key that could leave the plans directory is a KeyError."""
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", key):
            raise KeyError(key)
        return self.directory / key


def key_of(graph: str) -> str:
    """The registry key (and folder name) of a plan graph: its local name (graph:plan-… →
    plan-…); a name with other characters than ASCII letters, digits, ``.``, ``_`` and
    ``-`` (an RDF plan names its own document) gets them replaced and a short hash added,
    so that two such names never share a folder. (The characters are those of
    ``filenames.safe_name``, but no accent is folded: a key, once a folder, never changes.)"""
    local = graph.rstrip("/").rsplit("/", 1)[-1]
    safe = UNSAFE.sub("_", local).lstrip("._-")
    if safe == local and safe:
        return safe
    return f"{safe[:80] or 'plan'}-{hashlib.sha256(graph.encode()).hexdigest()[:8]}"


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")

"""Import, preview, remove and re-apply managed plans: the one place where the import lock,
the store write and the registry's record meet, for the CLI and the HTTP API alike.

Every step that reads the graphs, recomputes the inferred graph and writes runs under the
import lock, and the context is read inside it (``context_of``), so an import never
validates against, or infers over, graphs that another import is replacing.
"""

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import RDF, RDFS, Graph
from rdflib.term import Node

from hsvo_graph.config import Settings
from hsvo_graph.namespaces import HSVO
from hsvo_graph.store import GraphStore, WriteUnconfirmed
from hsvo_graph.validation.check import validate_plan
from hsvo_graph.validation.context import Context, context_from_store
from hsvo_graph.validation.importing import ImportResult, import_plan, rewrite
from hsvo_graph.validation.locking import import_lock
from hsvo_graph.validation.meta import PlanMeta, meta_from_mapping
from hsvo_graph.validation.model import Plan, PlanError, Report
from hsvo_graph.validation.plans import read_plan
from hsvo_graph.validation.registry import Entry, PlanDiff, PlanRegistry, checksum, key_of

# Properties that say where an item sits rather than what it is: not compared in a diff.
_BOOKKEEPING = {RDF.type, RDFS.label, HSVO.rowNumber, HSVO.listedIn, HSVO.reportedIn}
_ITEM_CLASSES = (HSVO.Activity, HSVO.Outcome)


@dataclass(frozen=True)
class Upload:
    """A plan file as it arrives: its bytes, its name and the metadata given with it."""

    data: bytes
    name: str
    meta: PlanMeta
    strict: bool = False


@dataclass
class Change:
    """What an import did or, as a preview, would do."""

    report: Report
    sha256: str
    replaces: Entry | None = None  # the registry's version in force, if there is one
    diff: PlanDiff = field(default_factory=PlanDiff)
    confirm: str | None = None  # checksum of the graph in the store that this replaces
    result: ImportResult | None = None  # None for a preview or a plan with violations
    entry: Entry | None = None
    needs_confirmation: bool = False  # it would replace a plan in force: confirm first

    @property
    def imported(self) -> bool:
        return self.result is not None and self.result.imported

    def as_data(self) -> dict[str, Any]:
        """What the import did, as data (the CLI's and the HTTP API's JSON); ``confirm`` is
        what to send back to replace the version in force."""
        result = self.result
        return {
            "imported": self.imported,
            "needs_confirmation": self.needs_confirmation,
            "replaced": self.confirm is not None,
            "replaces": self.replaces.as_dict() if self.replaces else None,
            "confirm": self.confirm,
            "graph": str(self.report.plan.graph),
            "sha256": self.sha256,
            "diff": asdict(self.diff),
            "version": self.entry.version if self.entry else None,
            "triples": result.triples if result else 0,
            "inferred": result.inferred if result else 0,
        }


def import_managed(
    store: GraphStore,
    settings: Settings,
    upload: Upload,
    context_of: Callable[[], Context],
    actor: str,
    *,
    preview: bool = False,
    confirm: str | None = None,
) -> Change:
    """Validate the upload and, unless ``preview``, import it and keep it in the registry.

    A plan whose graph is in the store already is replaced only when ``confirm`` is the
    checksum of that graph (``Change.confirm``, given by a preview), i.e. the caller has
    shown the difference (``Change.diff``) and been told to go on; otherwise nothing is
    written and ``needs_confirmation`` is set. Checking it under the lock means that what
    was confirmed is exactly what is replaced.
    """
    registry = PlanRegistry(settings.plans_dir)
    with import_lock(settings.plans_dir):
        context = context_of()
        plan = read_plan(upload.data, upload.name, upload.meta, context)
        target = str(plan.info.graph)
        in_store = store.read_graph(target) if target in store.graph_names() else b""
        old = Graph().parse(data=in_store, format="nt")
        change = Change(
            validate_plan(plan, context),
            checksum(upload.data),
            registry.current(key_of(target)),
            diff_plans(old, plan),
            confirm=checksum(b"\n".join(sorted(in_store.splitlines()))) if len(old) else None,
        )
        if preview or not change.report.conforms(upload.strict):
            return change
        if change.confirm is not None and confirm != change.confirm:
            change.needs_confirmation = True
            return change
        # Kept before the write: a process killed after the write (whose generation is
        # published) must not leave a plan in the store that the registry does not know,
        # and so that the next `hsvo load` drops. Killed before it, the plan is kept, and the
        # service starting again (or the next load) puts it in; a write that fails takes it
        # back.
        entry = registry.record(
            plan, change.report, upload.data, upload.name, upload.meta, actor, change.diff
        )
        try:
            change.result = import_plan(store, plan, context, upload.strict, change.report)
        except WriteUnconfirmed:
            raise  # it may be in the store: kept, and the next start or load makes sure
        except BaseException:
            registry.withdraw(entry)
            raise
        registry.landed(entry.key)
        change.entry = entry
        return change


def remove_managed(store: GraphStore, settings: Settings, key: str, actor: str) -> Entry:
    """Take a plan out of the store (its graph, and its inferences) and note it in its
    history; the kept files stay, so it can be exported or re-imported. KeyError when no
    such plan is in force."""
    registry = PlanRegistry(settings.plans_dir)
    with import_lock(settings.plans_dir):
        entry = registry.current(key)
        if entry is None:
            raise KeyError(key)
        removal = registry.record_removal(entry, actor)  # first: as for an import
        try:
            rewrite(store, {}, [entry.graph])
        except WriteUnconfirmed:
            raise
        except BaseException:
            registry.withdraw(removal)
            raise
        registry.landed(key)
        return removal


@dataclass(frozen=True)
class Reapplied:
    """One managed plan after a rebuild: put back, or left out and why."""

    entry: Entry
    applied: bool
    triples: int = 0
    reason: str = ""


def reapply_plans(store: GraphStore, settings: Settings) -> list[Reapplied]:
    """Put every plan in force back into a freshly rebuilt store, in the order they were
    first imported, each validated against the rebuilt graph (and the plans before it);
    one write with the inferred graph recomputed. A plan that no longer conforms (the seed
    changed under it) is left out and said so; it stays in the registry."""
    return _put_back(store, settings, lambda entries: entries, everything=True)


def complete_interrupted_changes(store: GraphStore, settings: Settings, *,
                                 pending_only: bool = False) -> list[Reapplied]:
    """Finish the imports, replacements and removals that a killed process recorded but
    may not have written (``PlanRegistry.pending``), and put back any plan in force whose
    graph the store lacks, as ``reapply_plans`` does: the registry keeps a change before
    the write (``import_managed``, ``remove_managed``), so the service starting again
    completes it, as the next ``hsvo load`` would. A plan in force that was pending is
    written again (its replacement may not have landed: the store could still hold the
    version before); a removed one's graph is dropped. Usually there is nothing to do, and
    this is a look at the store's graph names and the plans directory.

    ``pending_only`` (an external store, which others may fill or empty): only the pending
    changes, and none in a store without graphs (never loaded, or emptied: ``hsvo load``
    fills it, plans included); a plan in force whose graph the store lacks otherwise is
    left as the store's owner left it."""
    present = set(store.graph_names())
    registry = PlanRegistry(settings.plans_dir)
    if pending_only and not present:
        return []

    def chosen(entries: list[Entry]) -> list[Entry]:
        pending = set(registry.pending())
        return [e for e in entries
                if e.key in pending or (e.graph not in present and not pending_only)]
    return _put_back(store, settings, chosen)


def _put_back(store: GraphStore, settings: Settings,
              chosen: Callable[[list[Entry]], list[Entry]], everything: bool = False) -> list[Reapplied]:
    """The ``chosen`` plans in force, validated one after the other against the store and
    the plans before them, written in one go, with the graphs of pending removals dropped
    (``everything``: a rebuilt store, which holds no removed plan, and is all the registry
    says once the plans are back)."""
    registry = PlanRegistry(settings.plans_dir)
    if not chosen(registry.current_plans()) and not registry.pending():  # the usual answer, without the lock
        return []
    outcomes: list[Reapplied] = []
    with import_lock(settings.plans_dir):
        pending = registry.pending()
        entries = chosen(registry.current_plans())
        present = set(store.graph_names())
        removed = [graph for key in pending if registry.current(key) is None
                   for graph in {e.graph for e in registry.history(key)} if graph in present]
        if not entries and not removed:
            for key in pending:
                registry.landed(key)
            return []
        context = context_from_store(store, settings)
        graphs: dict[str, Graph] = {}
        for entry in entries:
            try:
                plan = read_plan(
                    registry.original(entry), entry.name, meta_from_mapping(entry.meta, entry.key),
                    context,
                )
            except (PlanError, OSError) as error:
                outcomes.append(Reapplied(entry, False, reason=str(error)))
                continue
            report = validate_plan(plan, context)
            if not report.conforms():
                reason = f"{report.count('violation')} violations against the rebuilt graph"
                outcomes.append(Reapplied(entry, False, reason=reason))
                continue
            graphs[str(plan.info.graph)] = plan.graph
            context = context.with_graph(str(plan.info.graph), plan.graph)
            outcomes.append(Reapplied(entry, True, len(plan.graph)))
        if graphs or removed:
            rewrite(store, graphs, removed)
        left_out = set() if everything else {o.entry.key for o in outcomes if not o.applied}
        for key in (registry.pending() if everything else pending):
            if key not in left_out:  # one that no longer conforms stays pending, and is said so
                registry.landed(key)
    return outcomes


def diff_plans(old: Graph, new: Plan) -> PlanDiff:
    """Activities (and outcomes) added, removed and changed between the version in force
    and the new one, by title: a row moved up or down is not a change."""
    before, after = _items(old), _items(new.graph)
    return PlanDiff(
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        changed=sorted(k for k in before.keys() & after.keys() if before[k] != after[k]),
    )


def _items(graph: Graph) -> dict[str, frozenset[tuple[Node, Node]]]:
    """Each activity or outcome by its title, with what it says (bookkeeping left out)."""
    items: dict[str, frozenset[tuple[Node, Node]]] = {}
    for cls in _ITEM_CLASSES:
        for node in graph.subjects(RDF.type, cls):
            owner = next(graph.subjects(HSVO.hasOutcome, node), node)
            title = graph.value(owner, RDFS.label) or graph.value(node, RDFS.label)
            key = str(title) if title is not None else str(node).rsplit("/", 1)[-1]
            items[key] = frozenset(
                (p, o) for p, o in graph.predicate_objects(node) if p not in _BOOKKEEPING
            )
    return items


def hold(settings: Settings, upload: Upload) -> str:
    """Keep an upload between the preview and the confirmation of a web import (a form
    cannot send the file twice); its checksum names it."""
    digest = checksum(upload.data)
    folder = settings.plans_dir / ".pending"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{digest}.plan").write_bytes(upload.data)
    about = {"name": upload.name, "meta": asdict(upload.meta), "strict": upload.strict}
    (folder / f"{digest}.json").write_text(json.dumps(about, ensure_ascii=False), "utf-8")
    return digest


def held(settings: Settings, digest: str) -> Upload:
    """The upload kept by ``hold``, taken (a confirmation is used once); KeyError when there
    is none by that checksum."""
    folder = settings.plans_dir / ".pending"
    about_file, data_file = folder / f"{digest}.json", folder / f"{digest}.plan"
    if not re.fullmatch(r"[0-9a-f]{64}", digest) or not about_file.is_file():
        raise KeyError(digest)
    about = json.loads(about_file.read_text("utf-8"))
    data = data_file.read_bytes()
    about_file.unlink()
    data_file.unlink()
    meta = {k: v for k, v in about["meta"].items() if v is not None}
    return Upload(data, about["name"], meta_from_mapping(meta, "pending"), bool(about["strict"]))

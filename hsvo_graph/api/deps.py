"""FastAPI dependencies: routes receive the store, catalog and settings, never build them.

All ``async``: they only read ``app.state``, and FastAPI runs a plain ``def`` dependency in
the thread pool, a thread hop per dependency on every request."""

import threading
from typing import Annotated

from fastapi import Depends, Request

from hsvo_graph.canned.catalog import CannedQuery
from hsvo_graph.config import Settings
from hsvo_graph.sparql.executor import Executor
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.validation.context import Context, context_from_reader, context_updated
from hsvo_graph.validation.memory import release_freed_memory


async def get_store(request: Request) -> TrackedStore:
    """The store, for writes (admin routes) and its constant-time facts; reads go through
    ``get_reader``."""
    return request.app.state.store


async def get_reader(request: Request) -> Reader:
    """A reader for this request: its queries share one time limit (see sparql.reader)."""
    executor: Executor = request.app.state.executor
    return executor.reader()


async def get_catalog(request: Request) -> dict[str, CannedQuery]:
    return request.app.state.catalog


async def get_executor(request: Request) -> Executor:
    return request.app.state.executor


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[TrackedStore, Depends(get_store)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
CatalogDep = Annotated[dict[str, CannedQuery], Depends(get_catalog)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ExecutorDep = Annotated[Executor, Depends(get_executor)]


class PlanContexts:
    """The context plans are checked against, read through the executor (uncapped: a
    context missing triples would report violations that are not there; within the
    context's own time limit, not the public one) and kept until the store changes: the
    tracked store counts this service's writes, and the store's version (``version``)
    shows any process's (``hsvo import`` or ``hsvo load`` beside a running service). After
    writes of this service alone that replaced known graphs (an import, a Graph Store
    Protocol write), only those are read again. Safe to call from many threads: one reads,
    the others wait for it."""

    def __init__(self, store: TrackedStore, executor: Executor, settings: Settings) -> None:
        self.store, self.executor, self.settings = store, executor, settings
        self._lock = threading.Lock()
        self._cached: tuple[int, str | None, Context] | None = None

    def __call__(self) -> Context:
        with self._lock:
            cached = self._cached
            version = self.store.version()
            if cached is None:
                generation, changed = self.store.generation, None
            else:
                if cached[0] == self.store.generation and cached[1] == version:
                    return cached[2]
                generation, changed = self.store.changed_since(cached[0], cached[1])
            reader = self.executor.reader(capped=False, budget_s=self.settings.context_time_limit_s)
            context = None
            if cached is not None and changed is not None:  # only these graphs were replaced
                context = context_updated(cached[2], reader, changed)
            if context is None:
                context = context_from_reader(reader, self.store.description, self.settings)
                release_freed_memory()  # the projections' text and the scratch store
            self._cached = (generation, version, context)
            return context


async def get_plan_contexts(request: Request) -> PlanContexts:
    """Async, so it runs on the event loop: one PlanContexts per app, made without a race."""
    state = request.app.state
    contexts = getattr(state, "plan_contexts", None)
    if contexts is None:  # made on first use: the executor exists only after start-up
        contexts = state.plan_contexts = PlanContexts(state.store, state.executor, state.settings)
    return contexts


PlanContextsDep = Annotated[PlanContexts, Depends(get_plan_contexts)]

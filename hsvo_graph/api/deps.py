"""FastAPI dependencies: routes receive the store, catalog and settings, never build them.

All ``async``: they only read ``app.state``, and FastAPI runs a plain ``def`` dependency in
the thread pool, a thread hop per dependency on every request."""

from typing import Annotated

from fastapi import Depends, Request

from hsvo_graph.canned.catalog import CannedQuery
from hsvo_graph.config import Settings
from hsvo_graph.sparql.executor import Executor
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.store.tracking import TrackedStore


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

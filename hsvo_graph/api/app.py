"""The FastAPI application factory: one store, one query catalog, thin routes over them."""

import logging
import threading
from email.utils import formatdate
from http import HTTPStatus
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Response
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hsvo_graph import __version__
from hsvo_graph.canned.catalog import load_catalog
from hsvo_graph.config import Settings, get_settings
from hsvo_graph.graph.loading import load
from hsvo_graph.sparql.executor import Adopt, WorkerPool, open_executor
from hsvo_graph.store import GraphStore, RemoteStore, StoreError, open_store, track
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.validation.managed import complete_interrupted_changes, reapply_plans
from hsvo_graph.validation.registry import PlanRegistry
from hsvo_graph.api import errors
from hsvo_graph.api.cors import PublicDataCORS
from hsvo_graph.api.disconnect import CancelOnDisconnect
from hsvo_graph.api.envelope import Envelope, with_vary_for
from hsvo_graph.api.query_lane import QueryLane, is_query_operation, lane_handler
from hsvo_graph.api.query_operation import answer_again, answer_at_hand
from hsvo_graph.api.transport import plain_error
from hsvo_graph.api.routes import (
    canned, catalog as catalog_routes, changes, dumps, graph_store, ontology, pages, pictures, resources, sparql,
    sparql_docs,
)
from hsvo_graph.api.routes import plans, validate

log = logging.getLogger("hsvo_graph")
STATIC = Path(__file__).resolve().parent.parent / "web" / "static"


class _Service(FastAPI):
    """FastAPI with the query lane (``api.query_lane``) in front of its whole middleware
    stack, where per-request layers cost a third of a cheap query's own time."""

    def build_middleware_stack(self) -> ASGIApp:
        return QueryLane(super().build_middleware_stack(), PublicDataCORS(self).simple_headers())

    #: the routes whose methods the envelope lists in ``Allow`` (set by ``create_app``:
    #: FastAPI keeps the included routers' routes inside objects of its own)
    method_routes: Sequence[BaseRoute] = ()

    @cached_property
    def _envelope(self) -> Envelope:
        return Envelope(self._dispatch, self.method_routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Every request in the envelope (``api.envelope``: HEAD, OPTIONS, ``Allow``,
        ``Vary``), around the lane and the stack."""
        await self._envelope(scope, receive, send)

    def answer_at_once(self, scope: Scope) -> list[Message] | None:
        """The messages of the answer to a ``/sparql`` GET that needs no waiting
        (``query_operation.answer_at_hand``), as the lane and the envelope would send them;
        None when the request must go the usual way. ``cli.http_protocol`` asks this before
        it starts a task for a request: for a query answered in microseconds the task and
        the layers' awaits were most of the service's own time."""
        lane = self.middleware_stack
        state = self.state
        executor = getattr(state, "executor", None)  # None until the lifespan has opened it
        if executor is None or not isinstance(lane, QueryLane) or scope["method"] != "GET" \
                or not is_query_operation(scope):
            return None
        response = answer_at_hand(scope, executor, state.settings)
        if response is None:
            return None
        lane.add_cors(response, scope)
        headers = with_vary_for(scope["path"], list(response.raw_headers))
        return [{"type": "http.response.start", "status": response.status_code, "headers": headers},
                {"type": "http.response.body", "body": response.body}]

    def hand_over(self, scope: Scope, fd: int, adopt: Adopt,
                  server_headers: Sequence[tuple[bytes, bytes]]) -> bool:
        """Hand the connection ``fd`` (the server's copy), on which the ``/sparql`` answer to
        ``scope`` was just sent, to a query worker that answers the same request there
        again (``sparql.direct``, ``WorkerPool.pin``), with the headers the lane, the
        envelope and the server (``server_headers``) give it. True: the pool owns ``fd``
        and gives it back with ``adopt``; False: nothing changed. ``cli.http_protocol``
        offers every connection after such an answer."""
        lane = self.middleware_stack
        executor = getattr(self.state, "executor", None)
        if not isinstance(executor, WorkerPool) or not isinstance(lane, QueryLane) \
                or not executor.may_pin():
            return False

        def finish(response: Response) -> list[tuple[bytes, bytes]]:
            lane.add_cors(response, scope)
            return [*server_headers, *with_vary_for(scope["path"], list(response.raw_headers))]

        again = answer_again(scope, self.state.settings, finish)
        if again is None:
            return False

        def failure(status: int, message: str) -> bytes:
            response = plain_error(status, message)
            lines = [b"HTTP/1.1 %d %s\r\n" % (status, HTTPStatus(status).phrase.encode()),
                     b"date: %s\r\n" % formatdate(usegmt=True).encode()]
            lines += [b"%s: %s\r\n" % header for header in finish(response)]
            return b"".join([*lines, b"\r\n", response.body])

        return executor.pin(fd, again, adopt, failure)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        """What the lane answers goes straight to it once the stack is built: FastAPI's own
        entry asks the OpenTelemetry providers and the environment on every request."""
        lane = self.middleware_stack
        handler = lane_handler(scope, self.state.catalog) if scope["type"] == "http" else None
        if handler is not None and isinstance(lane, QueryLane):
            scope["app"] = self  # as Starlette's entry sets it
            if self.root_path:
                scope["root_path"] = self.root_path
            await lane.answer(handler, scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _started(outcomes: Sequence[Any], settings: Settings, own: bool) -> None:
    """Log the plan changes finished at start, and those still pending."""
    for outcome in outcomes:
        log.info("plan %s re-applied: %s %s", outcome.entry.key, outcome.applied,
                 outcome.reason)
    left = PlanRegistry(settings.plans_dir).pending() if own else []
    if left:
        log.warning("plan changes not finished (the store may not hold what their history "
                    "says): %s; `hsvo load` puts every plan in force back", ", ".join(left))


_RETRY_FIRST_S, _RETRY_MOST_S = 1.0, 15.0  # waits between tries to reach a store that is down


def _start_on_remote(store: TrackedStore, settings: Settings, own: bool,
                     stop: threading.Event) -> None:
    """What starting needs of an external store: the plan changes a killed process left
    pending (the service's own store only: never filling it) and the check that its default
    graph is the union. A store that cannot be reached (or does not answer in time) does not
    stop the service: it starts, answers 503 where it needs the store (/health included),
    and a thread tries again, more slowly each time, until the store answers; then the
    same is done and the triples are counted. A store that answers but is set up wrongly
    (no union default graph) still stops the start."""
    inner: RemoteStore = store.inner  # type: ignore[assignment]

    def start() -> None:
        outcomes = complete_interrupted_changes(store, settings, pending_only=True) if own else []
        _started(outcomes, settings, own)
        inner.check_union_default_graph()

    def unreachable(exc: StoreError) -> bool:
        return exc.status in (503, 504)

    try:
        start()
        return
    except StoreError as exc:
        if not unreachable(exc):
            raise
        log.warning("the SPARQL store at %s cannot be used yet (%s): the service starts, "
                    "answers 503 where it needs the store, and finishes starting once it "
                    "answers", settings.remote_query_url, exc)

    def retry() -> None:
        wait = _RETRY_FIRST_S
        while not stop.wait(wait):
            try:
                start()
                store.refresh()
            except StoreError as exc:
                if not unreachable(exc):
                    log.error("the SPARQL store at %s answers but cannot serve: %s",
                              settings.remote_query_url, exc)
                    return
                wait = min(wait * 2, _RETRY_MOST_S)
                continue
            log.info("the SPARQL store at %s answers: the service has finished starting",
                     settings.remote_query_url)
            return

    threading.Thread(target=retry, name="hsvo-store-start", daemon=True).start()


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the service. Without ``store`` the configured one is opened at start-up and, if
    it is an empty embedded store, seeded from ontology/ + data/."""
    settings = settings or get_settings()
    catalog = load_catalog(settings.queries_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        # Every write goes through the tracked store, so /health and the start page know the
        # counts without scanning, and the change feed records it.
        app.state.store = track(store, settings) if store is not None else open_store(settings)
        if own and settings.store == "embedded" and not app.state.store.graph_names():
            report = load(app.state.store, settings)
            log.info("seeded empty store with %d triples", report.total)
            outcomes = reapply_plans(app.state.store, settings)
        elif own and settings.store == "embedded":  # a change killed before its write landed
            outcomes = complete_interrupted_changes(app.state.store, settings)
        else:
            outcomes = []
        stop = threading.Event()
        if isinstance(app.state.store.inner, RemoteStore):
            _start_on_remote(app.state.store, settings, own, stop)
        else:
            _started(outcomes, settings, own)
        app.state.executor = open_executor(
            app.state.store, settings.query_time_limit_s, settings.query_workers,
            settings.max_result_rows, memory_image=settings.query_memory_image,
            private_budget=settings.query_worker_private_mib * 2**20,
            image_workers=settings.query_workers_in_memory,
            inline_s=settings.query_inline_us / 1e6,
            pin_idle_s=settings.query_pin_idle_ms / 1e3,
        )
        try:
            yield
        finally:
            stop.set()
            app.state.executor.close()
            if own:
                app.state.store.close()

    app = _Service(
        title="hsvo-graph",
        version=__version__,
        description=(
            "Kunskapsgraf över styrningen av HSVO (hälsa, stöd, vård och omsorg) i Uppsala län. "
            "/ Knowledge graph of HSVO governance in Uppsala county: SPARQL 1.1 endpoint and "
            "canned queries."
        ),
        lifespan=lifespan,
        docs_url=None,  # served offline by routes/pages.py (FastAPI's page loads a CDN)
        redoc_url=None,
    )
    errors.install(app)
    app.state.settings = settings
    app.state.catalog = catalog
    # canned questions first: FastAPI's router tries the included routers in turn, and
    # /q/… is the busiest path it serves (the query lane answers /sparql before it)
    routers = [canned.build_router(catalog), pages.router, sparql.router, sparql_docs.router,
               graph_store.router, dumps.router, catalog_routes.router, changes.router,
               resources.router, pictures.router, ontology.router, validate.router, plans.router]
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # the last added runs first: CORS, then the router's own stack (the query lane is in
    # front of them all, and the envelope around everything: see _Service)
    app.add_middleware(CancelOnDisconnect)
    app.add_middleware(PublicDataCORS)
    app.method_routes = [*(route for router in routers for route in router.routes), *app.router.routes[-1:]]
    return app

"""The FastAPI application factory: one store, one query catalog, thin routes over them."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..canned import load_catalog
from ..config import Settings, get_settings
from ..loading import load
from ..store import GraphStore, open_store
from .routes import canned, ontology, pages, sparql

log = logging.getLogger("hsvo_graph")
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the service. Without ``store`` the configured one is opened at start-up and, if
    it is an empty embedded store, seeded from ontology/ + data/."""
    settings = settings or get_settings()
    catalog = load_catalog(settings.queries_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        app.state.store = store if store is not None else open_store(settings)
        if own and settings.store == "embedded" and not app.state.store.graph_names():
            report = load(app.state.store, settings)
            log.info("seeded empty store with %d triples", report.total)
        try:
            yield
        finally:
            if own:
                app.state.store.close()

    app = FastAPI(
        title="hsvo-graph",
        version=__version__,
        description=(
            "Kunskapsgraf över styrningen av HSVO (hälsa, stöd, vård och omsorg) i Uppsala län. "
            "/ Knowledge graph of HSVO governance in Uppsala county: SPARQL 1.1 endpoint and "
            "canned queries."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.catalog = catalog
    app.state.templates = TEMPLATES
    app.include_router(pages.router)
    app.include_router(sparql.router)
    app.include_router(canned.router)
    app.include_router(ontology.router)
    return app

"""The start page for strategists (questions, pictures, links for researchers) and the
health check."""

from datetime import UTC, datetime
from importlib.resources import files
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from hsvo_graph import __version__
from hsvo_graph.namespaces import ID, PREFIXES, entity_slug
from hsvo_graph.store import StoreError
from hsvo_graph.api.deps import CatalogDep, ExecutorDep, ReaderDep, StoreDep
from hsvo_graph.api.rendering import data_version, language, render, render_checked
from hsvo_graph.web.followup import FILTERS, dashboard
from hsvo_graph.web.compare import compare
from hsvo_graph.web.glossary import glossary
from hsvo_graph.web.i18n import Translator
from hsvo_graph.web.profile import body_profile
from hsvo_graph.web.start import question_groups

router = APIRouter()
FAVICON = str(files("hsvo_graph.web").joinpath("static", "favicon.ico"))
# Health checks get threads of their own: a flood of slow requests that fills the shared
# thread pool must not make /health wait behind it.
_HEALTH_CHECKS = anyio.CapacityLimiter(2)


@router.get("/health", tags=["Service"], summary="Health check")
async def health(store: StoreDep, executor: ExecutorDep) -> JSONResponse:
    """Status, store and number of triples; 503 while the store cannot answer (within the
    remote store's timeout). The count follows writes of other processes too (``hsvo load``
    or ``hsvo import`` beside the service): ``TrackedStore.refresh``."""
    def checked() -> None:
        store.inner.check()
        store.refresh()

    try:
        await anyio.to_thread.run_sync(checked, limiter=_HEALTH_CHECKS)
    except StoreError as exc:
        return JSONResponse({"status": "unavailable", "version": __version__,
                             "store": store.description, "error": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "version": __version__, "store": store.description,
                         "triples": store.triples, "query_workers": executor.status()})


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page says; answer rather than 404."""
    return FileResponse(FAVICON, media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
async def api_docs() -> HTMLResponse:
    """Swagger UI from the project's own copy (static/swagger-ui), so /docs works offline."""
    page = get_swagger_ui_html(
        openapi_url="/openapi.json", title="hsvo-graph – API",
        swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui/swagger-ui.css", swagger_favicon_url="/favicon.ico",
        # deep links put a link inside each operation's toggle button (nested controls)
        swagger_ui_parameters={"deepLinking": False},
    )
    # Swagger UI's page states no language and has no landmark around its content.
    html = bytes(page.body).decode().replace("<html>", '<html lang="en">', 1)  # Swagger UI speaks English
    html = html.replace('<div id="swagger-ui">', '<main id="swagger-ui">', 1).replace(
        "</div>\n    <script", "</main>\n    <script", 1)
    html = html.replace("</head>", '<link rel="stylesheet" href="/static/swagger-ui/contrast.css">\n</head>', 1)
    return HTMLResponse(html)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def landing(request: Request, store: StoreDep, catalog: CatalogDep) -> HTMLResponse:
    """Swedish by default; ``?lang=en`` switches (and a cookie remembers it)."""
    lang = language(request)
    return render(request, "index.html", {
        "groups": question_groups(catalog.values(), lang, Translator(lang)("other_questions")),
        "prefixes": PREFIXES,
        "data_version": data_version(store),
    })


def printed(request: Request, store: StoreDep) -> dict[str, str]:
    """What a printout says about itself: the page's address, today, the data version."""
    return {"page_url": str(request.url), "today": datetime.now(UTC).strftime("%Y-%m-%d"),
            "data_version": data_version(store)}


@router.get("/uppfoljning", response_class=HTMLResponse, include_in_schema=False)
async def follow_up(request: Request, reader: ReaderDep, store: StoreDep) -> HTMLResponse:
    """The follow-up dashboard (``?plan= &year= &area= &body= &status=`` drill down)."""
    arguments = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    dash = await run_in_threadpool(dashboard, reader, arguments, language(request))
    return render_checked(request, "followup.html", {"dash": dash, **printed(request, store)}, dash.problems)


@router.get("/organ/{slug}", response_class=HTMLResponse, include_in_schema=False)
async def body_page(slug: str, request: Request, reader: ReaderDep, store: StoreDep,
                    catalog: CatalogDep) -> HTMLResponse:
    """A body's profile: the questions about one body answered for it, on one page
    (``?year=``: one year's)."""
    named = entity_slug(slug)
    if named is None:
        raise HTTPException(404, f"the graph has no body <{ID}body/{quote(slug)}>")
    profile = await run_in_threadpool(body_profile, reader, catalog, named, language(request),
                                      request.query_params.get("year"))
    if profile is None:
        raise HTTPException(404, f"the graph has no body <{ID}body/{named}>")
    return render_checked(request, "profile.html", {"profile": profile, "data_url": f"/id/body/{named}",
                                                    **printed(request, store)}, profile.problems)


@router.get("/jamfor", response_class=HTMLResponse, include_in_schema=False)
async def comparison(request: Request, reader: ReaderDep, store: StoreDep) -> HTMLResponse:
    """Two plans (``?a= &b=``) and two years (``?from= &to=``) side by side."""
    arguments = {k: request.query_params.get(k, "").strip() for k in ("a", "b", "from", "to")}
    result = await run_in_threadpool(compare, reader, arguments, language(request))
    return render_checked(request, "compare.html", {"cmp": result, **printed(request, store)}, result.problems)


@router.get("/ordlista", response_class=HTMLResponse, include_in_schema=False)
async def glossary_page(request: Request, reader: ReaderDep) -> HTMLResponse:
    """The abbreviations of the graph and the documents, and what they stand for."""
    entries = await run_in_threadpool(glossary, reader, language(request))
    return render(request, "glossary.html", {"entries": entries})

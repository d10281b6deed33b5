"""Plan upload over HTTP: a Swedish page (English with ?lang=en) to check an activity list,
``POST /validate`` (anyone; reads only) and ``POST /import`` (admin token only).

Both take a multipart form: ``file`` (the plan), optional ``meta`` (a PLAN.meta.yaml/.toml
file), optional metadata fields named as in the meta file (municipality, year, kind, plan,
title, date, diary_number, adopted_by, adopted_on, follows_up), ``strict`` and ``format``
(json, the default, or html). The answer is the same report as ``hsvo validate``.
"""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from hsvo_graph.validation.importing import ImportResult, import_plan
from hsvo_graph.validation.plans import PlanError, PlanMeta, read_plan
from hsvo_graph.validation.context import Context, context_from_reader
from hsvo_graph.validation.meta import meta_from_mapping, parse_meta
from hsvo_graph.validation.model import Report, Text
from hsvo_graph.validation.readers import MAX_BYTES, SUPPORTED
from hsvo_graph.validation.report import as_data, error_data
from hsvo_graph.store import StoreError
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.validation.check import validate_plan
from hsvo_graph.api.auth import AdminDep
from hsvo_graph.api.deps import SettingsDep, StoreDep
from hsvo_graph.api.rendering import render

router = APIRouter(tags=["Plans"])

META_FIELDS = (
    "municipality",
    "year",
    "kind",
    "plan",
    "title",
    "date",
    "diary_number",
    "adopted_by",
    "adopted_on",
    "follows_up",
)
class _Upload:
    """The plan, its metadata and the options of one form submission."""

    def __init__(self, name: str, data: bytes, meta: PlanMeta, strict: bool, fmt: str) -> None:
        self.name, self.data, self.meta, self.strict, self.format = name, data, meta, strict, fmt


async def _read_form(request: Request) -> _Upload:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise PlanError(
            "file", Text("ingen fil skickades (fältet file)", "no file was sent (the field file)")
        )
    data = await upload.read(MAX_BYTES + 1)
    meta = PlanMeta()
    meta_upload = form.get("meta")
    if isinstance(meta_upload, UploadFile) and meta_upload.filename:
        text = (await meta_upload.read(64 * 1024)).decode("utf-8-sig", errors="replace")
        meta = parse_meta(text, meta_upload.filename)
    fields = {k: str(form.get(k)) for k in META_FIELDS if form.get(k) not in (None, "")}
    meta = meta.merged(meta_from_mapping(fields, "form"))
    strict = str(form.get("strict", "")).lower() in ("1", "true", "on", "yes")
    fmt = str(form.get("format") or "json").lower()
    return _Upload(upload.filename, data, meta, strict, fmt)


def _context(request: Request, store: TrackedStore, settings: SettingsDep) -> Context:
    """The store's context, read through the executor and kept until the store changes
    (the tracked store counts writes)."""
    generation = store.generation
    cached = getattr(request.app.state, "plan_context", None)
    if cached is not None and cached[0] == generation:
        return cached[1]
    reader = request.app.state.executor.reader(capped=False)
    context = context_from_reader(reader, store.description, settings)
    request.app.state.plan_context = (generation, context)
    return context


def _check(request: Request, store: TrackedStore, settings: SettingsDep, upload: _Upload) -> Report:
    context = _context(request, store, settings)
    return validate_plan(read_plan(upload.data, upload.name, upload.meta, context), context)


def _page(
    request: Request,
    report: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "validate.html",
        {
            "report": report,
            "error": error,
            "accept": ",".join(SUPPORTED),
        },
        status_code=status_code,
    )


@router.get("/validate", response_class=HTMLResponse, summary="Upload page")
async def upload_page(request: Request) -> HTMLResponse:
    """Sida för att ladda upp och kontrollera en plan. / Page to upload and check a plan."""
    return _page(request)


@router.post("/validate", summary="Validate a plan (reads only)")
async def validate(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Kontrollera en plan; inget sparas. / Check a plan against the graph; nothing is stored.

    200 with the report (``conforms`` says whether it may be imported), 400 when the file
    cannot be used at all.
    """
    wants_html = False
    try:
        upload = await _read_form(request)
        wants_html = upload.format == "html"
        report = await run_in_threadpool(_check, request, store, settings, upload)
    except PlanError as error:
        if wants_html:
            return _page(request, error=error_data(error)["error"], status_code=400)
        return JSONResponse(error_data(error), status_code=400)
    data = as_data(report, upload.strict)
    if wants_html:
        return _page(request, report=data)
    return JSONResponse(data)


@router.post("/import", summary="Validate and import a plan (admin token)")
async def import_(
    request: Request, _: AdminDep, store: StoreDep, settings: SettingsDep
) -> Response:
    """Kontrollera och importera en plan som egen namngiven graf (kräver admin-token).
    / Validate and import a plan as its own named graph (needs the admin token).

    200 imported (or replaced), 422 violations (nothing imported), 400 unusable file,
    502 the store failed (nothing imported).
    """
    try:
        upload = await _read_form(request)

        def run() -> ImportResult:
            context = _context(request, store, settings)
            plan = read_plan(upload.data, upload.name, upload.meta, context)
            return import_plan(store, plan, context, upload.strict)

        result = await run_in_threadpool(run)
    except PlanError as error:
        return JSONResponse(error_data(error), status_code=400)
    except StoreError as error:
        return JSONResponse(
            {"usable": True, "imported": False, "error": str(error)}, status_code=502
        )
    body = {
        **as_data(result.report, upload.strict),
        "import": {
            "imported": result.imported,
            "replaced": result.replaced,
            "graph": str(result.report.plan.graph),
            "triples": result.triples,
            "inferred": result.inferred,
        },
    }
    return JSONResponse(body, status_code=200 if result.imported else 422)

"""The plan owner's page and plan upload over HTTP.

``GET /validate`` is the page (Swedish; English with ?lang=en): check a plan, download the
template and an error report, import with the admin token (preview the difference, then
confirm), and see the imported plans with their history. ``POST /validate`` (anyone; reads
only) answers the report as JSON, HTML or an XLSX with the offending cells marked;
``POST /import`` (admin token) is the same import for programs, with ``preview`` and
``confirm``.

Both take a multipart form: ``file`` (the plan), optional ``meta`` (a PLAN.meta.yaml/.toml
file), optional metadata fields named as in the meta file (municipality, year, kind, plan,
title, date, diary_number, adopted_by, adopted_on, follows_up), ``strict`` and ``format``.
Every failure of the input is a 4xx with a located message, never a 500.
"""

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from hsvo_graph.api.auth import AdminDep, require_admin
from hsvo_graph.api.forms import MAX_META, read_form, status_of
from hsvo_graph.api.deps import PlanContextsDep, SettingsDep, StoreDep
from hsvo_graph.api.rendering import language, render
from hsvo_graph.config import Settings
from hsvo_graph.sparql.protocol import prefers_html
from hsvo_graph.web.i18n import MESSAGES
from hsvo_graph.store import StoreError, WriteUnconfirmed
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.validation.check import validate_plan
from hsvo_graph.validation.managed import Change, Upload, hold, held, import_managed
from hsvo_graph.validation.meta import PlanMeta, meta_from_mapping, parse_meta, quoted
from hsvo_graph.validation.model import PlanError, Report, Text
from hsvo_graph.validation.plans import read_plan
from hsvo_graph.validation.headings import MAX_BYTES
from hsvo_graph.validation.readers import SUPPORTED, Sheet, check_size, read_plan_file
from hsvo_graph.validation.registry import PlanRegistry, token_fingerprint
from hsvo_graph.validation.report import as_data, error_data, to_xlsx

router = APIRouter(tags=["Plans"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILES = {
    "csv": ("aktivitetslista-mall.csv", "text/csv; charset=utf-8"),
    "xlsx": ("aktivitetslista-mall.xlsx", XLSX),
    "meta.yaml": ("aktivitetslista-mall.meta.yaml", "application/yaml; charset=utf-8"),
}
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


REPORT_FORMATS = ("json", "html", "xlsx")


def _format(form: FormData, default: str) -> str:
    """The report's format (``default``, what the client prefers, when the form names none);
    one that is not offered is refused, not answered as JSON."""
    fmt = str(form.get("format") or default).lower()
    if fmt not in REPORT_FORMATS:
        shown = quoted(fmt)
        raise PlanError(
            "format",
            Text(
                f"okänt format {shown}; välj {', '.join(REPORT_FORMATS)}",
                f"unknown format {shown}; choose {', '.join(REPORT_FORMATS)}",
            ),
        )
    return fmt


def _flag(form: FormData, name: str) -> bool:
    """A checkbox or flag field: on for 1, true, on or yes."""
    return str(form.get(name, "")).lower() in ("1", "true", "on", "yes")


async def _read_upload(form: FormData) -> Upload:
    """The plan file and its metadata from a submitted form."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise PlanError(
            "file", Text("ingen fil skickades (fältet file)", "no file was sent (the field file)")
        )
    check_size(upload.filename, upload.size or 0)
    data = await upload.read(MAX_BYTES + 1)
    check_size(upload.filename, len(data))
    meta = PlanMeta()
    meta_upload = form.get("meta")
    if isinstance(meta_upload, UploadFile) and meta_upload.filename:
        if (meta_upload.size or 0) > MAX_META:
            raise PlanError(
                meta_upload.filename,
                Text(
                    f"metadatafilen är {meta_upload.size} byte; den får vara högst {MAX_META}",
                    f"the metadata file is {meta_upload.size} bytes; it may be at most {MAX_META}",
                ),
            )
        text = (await meta_upload.read(MAX_META)).decode("utf-8-sig", errors="replace")
        meta = parse_meta(text, meta_upload.filename)
    fields = {k: str(form.get(k)) for k in META_FIELDS if form.get(k) not in (None, "")}
    meta = meta.merged(meta_from_mapping(fields, "form"))
    return Upload(data, upload.filename, meta, _flag(form, "strict"))


def _check(
    contexts: PlanContextsDep, upload: Upload, with_sheet: bool
) -> tuple[Report, Sheet | None]:
    """The report, and (``with_sheet``, for the XLSX error report) the plan's table when
    it has one."""
    context = contexts()
    report = validate_plan(read_plan(upload.data, upload.name, upload.meta, context), context)
    parsed = read_plan_file(upload.data, upload.name) if with_sheet else None
    return report, parsed if isinstance(parsed, Sheet) else None


def _plans(settings: Settings) -> list[dict[str, Any]]:
    """The imported plans with their history, newest change first (for the page)."""
    registry = PlanRegistry(settings.plans_dir)
    return [
        {"key": key, "history": [e.as_dict() for e in reversed(registry.history(key))],
         "current": registry.current(key) is not None}
        for key in registry.keys()
    ]


def _page(
    request: Request,
    settings: Settings,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    response = render(
        request,
        "validate.html",
        {
            "report": None,
            "error": None,
            "change": None,
            "accept": ",".join(SUPPORTED),
            "plans": _plans(settings),
            "import_enabled": bool(settings.admin_token),
            "form_page": "/validate",  # what the language switcher of a form's answer shows
            **context,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"  # a page may carry the token back
    return response


@router.get("/validate", response_class=HTMLResponse, summary="The plan owner's page")
async def upload_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Sida för att kontrollera och importera en plan. / Page to check and import a plan."""
    return _page(request, settings)


@router.get("/validate/template.{kind}", summary="The plan template (CSV, XLSX or metadata)")
async def template(kind: str, settings: SettingsDep) -> FileResponse:
    """Mallen för en aktivitetslista. / The template of an activity list."""
    if kind not in TEMPLATE_FILES:
        raise HTTPException(404, f"no template .{kind}; there are {', '.join(TEMPLATE_FILES)}")
    name, media_type = TEMPLATE_FILES[kind]
    path = settings.data_dir / "templates" / name
    if not path.is_file():  # a data directory of one's own, without templates
        raise HTTPException(404, f"the template {name} is not in {settings.data_dir.name}/templates")
    return FileResponse(path, media_type=media_type, filename=name)


@router.post("/validate", summary="Validate a plan (reads only)")
async def validate(
    request: Request, contexts: PlanContextsDep, settings: SettingsDep
) -> Response:
    """Kontrollera en plan; inget sparas. / Check a plan against the graph; nothing is stored.

    ``format``: json (default), html (the page) or xlsx (the plan with the offending cells
    marked and the messages beside them). 200 with the report (``conforms`` says whether it
    may be imported), 400 when the file cannot be used at all.
    """
    # until the form is read (an upload too large, a broken form), a browser gets the page
    fmt = "html" if prefers_html(request.headers.get("accept"), ()) else "json"
    try:
        form = await read_form(request)
        fmt = _format(form, fmt)
        upload = await _read_upload(form)
        report, sheet = await run_in_threadpool(_check, contexts, upload, fmt == "xlsx")
    except PlanError as error:
        if fmt == "html":
            return _page(request, settings, status_of(error), error=error_data(error)["error"])
        return JSONResponse(error_data(error), status_code=status_of(error))
    if fmt == "xlsx":
        name = upload.name.rsplit(".", 1)[0] + "-rapport.xlsx"
        return Response(
            to_xlsx(report, sheet, language(request)), media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{_ascii(name)}"'},
        )
    data = as_data(report, upload.strict)
    if fmt == "html":
        return _page(request, settings, report=data)
    return JSONResponse(data)


def _ascii(name: str) -> str:
    """A file name safe in a Content-Disposition header (no quotes, no non-ASCII)."""
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)


def change_body(change: Change, strict: bool) -> dict[str, Any]:
    """An import's report and what it did (or, previewed, would do)."""
    return {**as_data(change.report, strict), "import": change.as_data()}


def _run_import(
    store: TrackedStore, settings: Settings, contexts: PlanContextsDep, upload: Upload,
    *, preview: bool, confirm: str | None,
) -> Change:
    """The managed import as the holder of the admin token (kept as its fingerprint)."""
    actor = token_fingerprint(settings.admin_token or "")
    return import_managed(store, settings, upload, contexts, actor, preview=preview,
                          confirm=confirm)


def _status(change: Change, preview: bool, strict: bool) -> int:
    """422 violations, 409 a replacement to confirm first, else 200."""
    if not change.report.conforms(strict):
        return 422
    if change.needs_confirmation:
        return 409
    return 200 if change.imported or preview else 422


@router.post("/import", summary="Validate and import a plan (admin token)")
async def import_(
    request: Request,
    _: AdminDep,
    store: StoreDep,
    settings: SettingsDep,
    contexts: PlanContextsDep,
) -> Response:
    """Kontrollera och importera en plan som egen namngiven graf (kräver admin-token).
    / Validate and import a plan as its own named graph (needs the admin token).

    ``preview=1`` only shows what would change. A plan that replaces one in force (same
    body and year) is imported only with ``confirm`` set to the replaced version's checksum
    (given in the preview as ``import.confirm``); without it the answer is 409 with the
    difference. 200 imported (or previewed), 409 confirm first, 422 violations (nothing
    imported), 400 unusable file, 502 the store failed (nothing imported).
    """
    try:
        form = await read_form(request)
        upload = await _read_upload(form)
        preview = _flag(form, "preview")
        confirm = str(form.get("confirm") or "") or None
        change = await run_in_threadpool(
            _run_import, store, settings, contexts, upload, preview=preview, confirm=confirm
        )
    except PlanError as error:
        return JSONResponse(error_data(error), status_code=status_of(error))
    except WriteUnconfirmed as error:  # sent whole, not confirmed: it may have landed
        return JSONResponse({"usable": True, "imported": None, "error": str(error)}, status_code=504)
    except StoreError as error:
        return JSONResponse(
            {"usable": True, "imported": False, "error": str(error)}, status_code=502
        )
    return JSONResponse(change_body(change, upload.strict),
                        status_code=_status(change, preview, upload.strict))


@router.post("/validate/import", response_class=HTMLResponse, summary="Import from the page")
async def import_from_page(
    request: Request, store: StoreDep, settings: SettingsDep, contexts: PlanContextsDep
) -> HTMLResponse:
    """The page's import: the token is typed in the form. Without ``pending`` the upload is
    previewed (kept until confirmed, and the difference shown); with ``pending`` (and
    ``confirm`` for a replacement) the kept upload is imported."""
    try:
        form = await read_form(request)
    except PlanError as error:
        return _page(request, settings, status_of(error), error=error_data(error)["error"])
    token = str(form.get("token") or "")
    try:
        require_admin(settings, f"Bearer {token}")
    except HTTPException as denied:
        problem = {"where": "token", "message": MESSAGES["plans_wrong_token"]}
        return _page(request, settings, denied.status_code, error=problem)
    pending = str(form.get("pending") or "")
    try:
        upload = held(settings, pending) if pending else await _read_upload(form)
        change = await run_in_threadpool(
            _run_import, store, settings, contexts, upload, preview=not pending,
            confirm=str(form.get("confirm") or "") or None,
        )
    except KeyError:
        problem = {"where": "pending", "message": MESSAGES["plans_preview_gone"]}
        return _page(request, settings, 400, error=problem)
    except PlanError as error:
        return _page(request, settings, status_of(error), error=error_data(error)["error"])
    except WriteUnconfirmed:
        problem = {"where": "store", "message": {"sv": WriteUnconfirmed.SV, "en": WriteUnconfirmed.EN}}
        return _page(request, settings, 504, error=problem)
    except StoreError:
        problem = {"where": "store", "message": MESSAGES["plans_store_failed"]}
        return _page(request, settings, 502, error=problem)
    body = change_body(change, upload.strict)
    held_as = hold(settings, upload) if not pending and change.report.conforms(upload.strict) else ""
    return _page(request, settings, report=body, change=body["import"], pending=held_as,
                 token=token, previewed=not pending)

"""The imported plans over HTTP (admin token): what is in force, the history of each, the
original file of a version, and removing a plan from the graph — the same as
``hsvo plans list | show | export | remove``."""

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from hsvo_graph.api.auth import AdminDep
from hsvo_graph.api.errors import Refused
from hsvo_graph.api.deps import SettingsDep, StoreDep
from hsvo_graph.store import StoreError, WriteUnconfirmed
from hsvo_graph.validation.filenames import export_name
from hsvo_graph.validation.managed import remove_managed
from hsvo_graph.validation.registry import Entry, PlanRegistry, token_fingerprint

router = APIRouter(prefix="/admin/plans", tags=["Plans"])


def _current(registry: PlanRegistry, key: str) -> Entry:
    try:
        entry = registry.current(key)
    except KeyError:
        entry = None
    if entry is None:
        raise Refused(404, "admin_no_plan_in_force", key=repr(key))
    return entry


@router.get("", summary="The imported plans")
async def list_plans(_: AdminDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """Every plan with a history: its latest change (``action`` "removed" when not in force)."""
    registry = PlanRegistry(settings.plans_dir)
    return [registry.history(key)[-1].as_dict() for key in registry.keys()]


@router.get("/{key}", summary="One plan's history")
async def show_plan(key: str, _: AdminDep, settings: SettingsDep) -> list[dict[str, Any]]:
    try:
        history = PlanRegistry(settings.plans_dir).history(key)
    except KeyError:
        history = []
    if not history:
        raise Refused(404, "admin_no_plan", key=repr(key))
    return [entry.as_dict() for entry in history]


@router.get("/{key}/export", summary="The original file of the version in force")
async def export_plan(key: str, _: AdminDep, settings: SettingsDep) -> Response:
    registry = PlanRegistry(settings.plans_dir)
    entry = _current(registry, key)
    safe = export_name(entry.name)
    return Response(
        registry.original(entry),
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{safe}"',
                 "X-HSVO-SHA256": entry.sha256},
    )


@router.get("/{key}/report", summary="The validation report of the version in force")
async def plan_report(key: str, _: AdminDep, settings: SettingsDep) -> dict[str, Any]:
    registry = PlanRegistry(settings.plans_dir)
    return registry.report(_current(registry, key))


@router.delete("/{key}", summary="Remove a plan from the graph (its history is kept)")
async def remove_plan(
    key: str, _: AdminDep, settings: SettingsDep, store: StoreDep
) -> dict[str, Any]:
    _current(PlanRegistry(settings.plans_dir), key)
    actor = token_fingerprint(settings.admin_token or "")
    try:
        removed = await run_in_threadpool(remove_managed, store, settings, key, actor)
    except KeyError as error:  # removed by someone else meanwhile
        raise Refused(404, "admin_no_plan_in_force", key=repr(key)) from error
    except WriteUnconfirmed as error:
        raise HTTPException(504, str(error)) from error
    except StoreError as error:
        raise HTTPException(502, f"the store failed; nothing was removed: {error}") from error
    return removed.as_dict()

"""Downloads under stable names: the whole dataset, the union, the ontology, the shapes;
and every numbered data release under /dumps/releases/<version>/.

Each answer carries ETag and Last-Modified, and a client that already has the current copy
gets 304 (If-None-Match, If-Modified-Since). Every file names the data's licence (CC BY
4.0) in a ``Link: <…>; rel="license"`` header; release files also in their metadata graph.
"""

from datetime import UTC, datetime
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response

from hsvo_graph.namespaces import ONTOLOGY_GRAPH
from hsvo_graph.publish.catalog import DUMPS, LICENCE_URL
from hsvo_graph.publish.releases import is_version, releases
from hsvo_graph.sparql.dumps import ExportError, dataset_file, graph_file, shapes_file, union_file
from hsvo_graph.api.deps import ExecutorDep, SettingsDep
from hsvo_graph.api.transport import base_url, conditional_response, plain_error

router = APIRouter(tags=["Dumps"])

_LICENCE_LINK = {"Link": f'<{LICENCE_URL}>; rel="license"'}


@router.get("/dumps", summary="List the downloadable files")
def list_dumps(request: Request) -> list[dict[str, Any]]:
    """Nedladdningsbara filer. / The downloadable files (licence: CC BY 4.0)."""
    base = base_url(request)
    return [{"name": name, "url": f"{base}/dumps/{name}", "media_type": dump.format.media_type,
             "description": dump.description, "license": LICENCE_URL}
            for name, dump in DUMPS.items()]


@router.get("/dumps/releases", summary="List the numbered data releases")
def list_releases(request: Request, settings: SettingsDep) -> list[dict[str, Any]]:
    """Numrerade versioner av data, äldst först. / The numbered data releases, oldest first
    (what changed: docs/CHANGELOG-data.md)."""
    base = base_url(request)
    return [{"version": version, "files": [
        f"{base}/dumps/releases/{version}/{path.name}"
        for path in sorted((settings.releases_dir / version).iterdir()) if path.name in DUMPS]}
        for version in releases(settings.releases_dir)]


@router.api_route("/dumps/releases/{version}/{name}", methods=["GET", "HEAD"],
                  summary="Download a file of an earlier data release")
def release_file(version: str, name: str, request: Request, settings: SettingsDep) -> Response:
    """En fil ur en numrerad version av data. / One file of a numbered data release."""
    if not is_version(version) or version not in releases(settings.releases_dir):
        return plain_error(404, f"no data release {version!r}; see /dumps")
    if name not in DUMPS or not (path := settings.releases_dir / version / name).is_file():
        return plain_error(404, f"release {version} has no file {name!r}; see /dumps")
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    return conditional_response(request, path.read_bytes(), DUMPS[name].format.content_type,
                                modified, {"Content-Disposition": f'inline; filename="{name}"',
                                           **_LICENCE_LINK})


@router.api_route("/dumps/{name}", methods=["GET", "HEAD"], summary="Download a file")
async def dump(name: str, request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """En fil med stabilt namn, med ETag och Last-Modified. / One file under a stable name."""
    if name not in DUMPS:
        return plain_error(404, f"no file {name!r}; available: {', '.join(DUMPS)}")
    part, fmt = DUMPS[name].part, DUMPS[name].format
    if part == "shapes":
        try:
            body = await anyio.to_thread.run_sync(shapes_file, settings.shapes_dir)
        except ExportError as exc:
            return plain_error(500, f"the shapes cannot be read: {exc}")
        if body is None:
            return plain_error(404, f"no shapes in {settings.shapes_dir}")
        modified = max(datetime.fromtimestamp(p.stat().st_mtime, UTC).replace(microsecond=0)
                       for p in settings.shapes_dir.glob("**/*.ttl"))
    else:
        snapshot = await executor.snapshot()
        write = {
            "dataset": lambda: dataset_file(snapshot, fmt.media_type),
            "union": lambda: union_file(snapshot, fmt.media_type),
            "ontology": lambda: graph_file(snapshot, str(ONTOLOGY_GRAPH), fmt.media_type),
        }[part]
        body = await anyio.to_thread.run_sync(write)
        modified = snapshot.modified
    return conditional_response(request, body, fmt.content_type, modified,
                                {"Content-Disposition": f'inline; filename="{name}"',
                                 **_LICENCE_LINK})

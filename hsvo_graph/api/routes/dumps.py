"""Downloads under stable names: the whole dataset, the union, the ontology, the shapes.

Each answer carries ETag and Last-Modified, and a client that already has the current copy
gets 304 (If-None-Match, If-Modified-Since).
"""

from datetime import UTC, datetime
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response

from hsvo_graph.sparql.dumps import ExportError, dataset_file, graph_file, shapes_file, union_file
from hsvo_graph.namespaces import ONTOLOGY_GRAPH
from hsvo_graph.formats import N_QUADS, TRIG, TURTLE, Format
from hsvo_graph.api.deps import ExecutorDep, SettingsDep
from hsvo_graph.api.transport import base_url, conditional_response, plain_error

router = APIRouter(tags=["Dumps"])

DUMPS: dict[str, tuple[str, Format, str]] = {
    "hsvo-graph.trig": ("dataset", TRIG, "Alla namngivna grafer / all named graphs"),
    "hsvo-graph.nq": ("dataset", N_QUADS, "Alla namngivna grafer / all named graphs"),
    "hsvo-graph.ttl": ("union", TURTLE, "Unionen av alla grafer / the union of all graphs"),
    "ontology.ttl": ("ontology", TURTLE, "Ontologin / the ontology"),
    "shapes.ttl": ("shapes", TURTLE, "SHACL-formerna / the SHACL shapes"),
}


@router.get("/dumps", summary="List the downloadable files")
def list_dumps(request: Request) -> list[dict[str, Any]]:
    """Nedladdningsbara filer. / The downloadable files."""
    base = base_url(request)
    return [{"name": name, "url": f"{base}/dumps/{name}", "media_type": fmt.media_type,
             "description": text} for name, (_, fmt, text) in DUMPS.items()]


@router.api_route("/dumps/{name}", methods=["GET", "HEAD"], summary="Download a file")
async def dump(name: str, request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """En fil med stabilt namn, med ETag och Last-Modified. / One file under a stable name."""
    if name not in DUMPS:
        return plain_error(404, f"no file {name!r}; available: {', '.join(DUMPS)}")
    part, fmt, _ = DUMPS[name]
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
                                {"Content-Disposition": f'inline; filename="{name}"'})

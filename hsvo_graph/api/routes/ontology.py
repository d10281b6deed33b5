"""The ontology as a documentation page (pyLODE) and as Turtle."""

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from hsvo_graph.web.ontology_docs import ontology_html
from hsvo_graph.api.deps import SettingsDep

router = APIRouter(tags=["Ontology"])


@router.get("/ontology", response_class=HTMLResponse, summary="Ontology documentation")
async def ontology_page(settings: SettingsDep) -> HTMLResponse:
    """Ontologins dokumentation (pyLODE). / The ontology documented as HTML (pyLODE)."""
    return HTMLResponse(await run_in_threadpool(ontology_html, settings.ontology_dir))


@router.get("/ontology.ttl", summary="Ontology as Turtle")
def ontology_turtle(settings: SettingsDep) -> Response:
    """Ontologin som Turtle. / The ontology source files as Turtle."""
    text = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(settings.ontology_dir.glob("*.ttl"))
    )
    return Response(text, media_type="text/turtle; charset=utf-8")

"""The ontology as a documentation page (the site's own, one language at a time) and as
Turtle."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from hsvo_graph.api.deps import SettingsDep
from hsvo_graph.api.rendering import language, render
from hsvo_graph.web.ontology_docs import ontology_doc

router = APIRouter(tags=["Ontology"])


@router.get("/ontology", response_class=HTMLResponse, summary="Ontology documentation")
async def ontology_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Ontologins dokumentation (?lang=sv|en). / The ontology documented as HTML."""
    doc = await run_in_threadpool(ontology_doc, settings.ontology_dir, language(request))
    return render(request, "ontology.html", {"doc": doc})


@router.get("/ontology.ttl", summary="Ontology as Turtle")
def ontology_turtle(settings: SettingsDep) -> Response:
    """Ontologin som Turtle. / The ontology source files as Turtle."""
    text = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(settings.ontology_dir.glob("*.ttl"))
    )
    return Response(text, media_type="text/turtle; charset=utf-8")

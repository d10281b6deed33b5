"""The query editor page (YASGUI, served from the package): what a browser gets at /sparql.

Every canned query (``queries/*.rq``) is offered as an example (a list above the editor),
with its parameters bound to the ``example`` values of its header in ``VALUES`` lines at
the top of the WHERE group — exactly the text the service runs for ``/q/{id}?…`` (a body
as the IRIs of the bodies its example names) — so it runs as it is and the researcher
changes the values there. A parameter without an example is left unbound (optional ones)
or explained in a comment (required ones), as is a body when the body names cannot be read.
"""

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from hsvo_graph.sparql.binding import BindingError, bind_values
from hsvo_graph.sparql.executor import QueryTimeout, ServiceBusy
from hsvo_graph.sparql.reader import ExecutorReader, LoopReader, Reader, WouldBlock
from hsvo_graph.canned.bodies import body_names
from hsvo_graph.canned.catalog import CannedQuery, ParameterError, bind_arguments
from hsvo_graph.namespaces import PREFIXES
from hsvo_graph.store import StoreError
from hsvo_graph.api.deps import get_reader
from hsvo_graph.api.rendering import language, render

DEFAULT_QUERY = """SELECT ?board ?name ?abbreviation WHERE {
  ?board a hsvo:Board ;
         rdfs:label ?name .
  OPTIONAL { ?board hsvo:abbreviation ?abbreviation }
  FILTER (LANG(?name) = "sv")
}
ORDER BY ?name
"""
_BOUND_NOTE = {
    "sv": "# Parametrarna är bundna till exempelvärden i VALUES-raderna nedan (ett organ till sin IRI); ändra dem där.",
    "en": "# The parameters are bound to example values in the VALUES lines below (a body to its IRI); change them there.",
}
_UNBOUND_NOTE = {
    "sv": "# Bind parametrarna med en VALUES-rad först i WHERE-gruppen: ",
    "en": "# Bind the parameters with a VALUES line at the start of the WHERE group: ",
}
QUERY_TAB = {"sv": "Länkad fråga", "en": "Linked query"}
NEW_TAB = {"sv": "Ny fråga", "en": "New query"}
# Accessible names for YASGUI's unlabelled controls (editor.js puts them in).
WORDS = {
    "sv": {"endpoint": "SPARQL-endpoint", "tabName": "Flikens namn", "pageSize": "Rader per sida",
           "input": "Inmatning"},
    "en": {"endpoint": "SPARQL endpoint", "tabName": "Name of the tab", "pageSize": "Rows per page",
           "input": "Input"},
}


def prefix_block() -> str:
    """PREFIX lines for every project prefix (what a new tab starts with)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def example_query(reader: Reader, query: CannedQuery, lang: str) -> str:
    """A canned query as a ready-to-run editor text, in the page's language (a body example
    bound only if ``reader`` has the body names: the page never waits for a query)."""
    header = f"# {query.title.get(lang, query.title['sv'])}\n"
    arguments = {p.name: p.example for p in query.parameters if p.example}
    try:
        bound = bind_arguments(reader, query, arguments)
        text = bind_values(query.sparql, bound)
        note = _BOUND_NOTE[lang] + "\n" if bound else ""
    except (ParameterError, BindingError, WouldBlock):
        names = ", ".join(f"?{p.name} ({p.type})" for p in query.parameters)
        text, note = query.sparql, _UNBOUND_NOTE[lang] + names + "\n"
    return header + note + text


def editor_config(
    endpoint: str, reader: Reader, catalog: Iterable[CannedQuery], lang: str, query: str | None
) -> dict[str, Any]:
    """The settings ``static/editor.js`` reads."""
    return {
        "endpoint": endpoint,
        "defaultQuery": prefix_block() + "\n" + DEFAULT_QUERY,
        "examples": [
            {"name": q.title.get(lang, q.title["sv"]), "query": example_query(reader, q, lang)}
            for q in catalog
        ],
        "query": query,
        "queryTabName": QUERY_TAB[lang],
        "newTabName": NEW_TAB[lang],
        "words": WORDS[lang],
    }


async def _kept_reader(request: Request) -> Reader:
    """A reader for the examples that answers from the dataset memo only, with the body names
    kept (read in a thread if they are not; left out if they cannot be read now)."""
    reader = await get_reader(request)
    assert isinstance(reader, ExecutorReader)  # the service's readers are
    on_loop = LoopReader(reader)
    try:
        body_names(on_loop)
    except WouldBlock:
        try:
            await run_in_threadpool(body_names, reader)
        except (QueryTimeout, ServiceBusy, StoreError):
            pass  # the examples with a body are shown unbound
    return on_loop


async def render_editor(request: Request, query: str | None) -> HTMLResponse:
    """The editor page; ``query`` (from a ``/sparql?query=`` link) opens in a tab and runs."""
    lang = language(request)
    endpoint = str(request.base_url).rstrip("/") + "/sparql"
    config = editor_config(endpoint, await _kept_reader(request), request.app.state.catalog.values(),
                           lang, query)
    response = render(request, "editor.html", {"config": config, "endpoint": endpoint})
    response.headers["Vary"] = "Accept"
    return response

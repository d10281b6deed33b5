"""The query editor page (YASGUI, served from the package): what a browser gets at /sparql.

Every canned query (``queries/*.rq``) is offered as an example (a list above the editor),
with its parameters bound to the ``example`` values of its header in ``VALUES`` lines at
the top of the WHERE group — exactly the text the service runs for ``/q/{id}?…`` — so it
runs as it is and the researcher changes the values there. A parameter without an example is left
unbound (optional ones) or explained in a comment (required ones).
"""

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from hsvo_graph.sparql.binding import BindingError, bind_values
from hsvo_graph.canned.catalog import CannedQuery, ParameterError, bind_arguments
from hsvo_graph.namespaces import PREFIXES
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
    "sv": "# Parametrarna är bundna till exempelvärden i VALUES-raderna nedan; ändra dem där.",
    "en": "# The parameters are bound to example values in the VALUES lines below; change them there.",
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


def example_query(query: CannedQuery, lang: str) -> str:
    """A canned query as a ready-to-run editor text, in the page's language."""
    header = f"# {query.title.get(lang, query.title['sv'])}\n"
    arguments = {p.name: p.example for p in query.parameters if p.example}
    try:
        bound = bind_arguments(query, arguments)
        text = bind_values(query.sparql, bound)
        note = _BOUND_NOTE[lang] + "\n" if bound else ""
    except (ParameterError, BindingError):
        names = ", ".join(f"?{p.name} ({p.type})" for p in query.parameters)
        text, note = query.sparql, _UNBOUND_NOTE[lang] + names + "\n"
    return header + note + text


def editor_config(
    endpoint: str, catalog: Iterable[CannedQuery], lang: str, query: str | None
) -> dict[str, Any]:
    """The settings ``static/editor.js`` reads."""
    return {
        "endpoint": endpoint,
        "defaultQuery": prefix_block() + "\n" + DEFAULT_QUERY,
        "examples": [
            {"name": q.title.get(lang, q.title["sv"]), "query": example_query(q, lang)}
            for q in catalog
        ],
        "query": query,
        "queryTabName": QUERY_TAB[lang],
        "newTabName": NEW_TAB[lang],
        "words": WORDS[lang],
    }


def render_editor(request: Request, query: str | None) -> HTMLResponse:
    """The editor page; ``query`` (from a ``/sparql?query=`` link) opens in a tab and runs."""
    lang = language(request)
    endpoint = str(request.base_url).rstrip("/") + "/sparql"
    config = editor_config(endpoint, request.app.state.catalog.values(), lang, query)
    response = render(request, "editor.html", {"config": config, "endpoint": endpoint})
    response.headers["Vary"] = "Accept"
    return response

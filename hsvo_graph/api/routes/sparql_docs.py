"""The endpoint's documentation page (Swedish and English): URL, formats, limits, prefixes,
the dataset's graphs, and worked examples with the output they give right now."""

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from hsvo_graph.namespaces import INFERRED_GRAPH, PREFIXES
from hsvo_graph.sparql.protocol import OFFERS, ProtocolError
from hsvo_graph.web.i18n import MESSAGES
from hsvo_graph.web.sparql_examples import EXAMPLES, Example
from hsvo_graph.api.deps import ExecutorDep, SettingsDep
from hsvo_graph.api.rendering import language, render
from hsvo_graph.publish.catalog import DUMPS
from hsvo_graph.api.transport import base_url
from hsvo_graph.api.query_operation import QueryParams, answer

router = APIRouter()

_SHOWN_LINES = 25


@dataclass(frozen=True)
class WorkedExample:
    """An example with its live output and the links that run it."""

    example: Example
    output: str
    failed: bool
    run_url: str
    editor_url: str
    curl: str


def _shown(text: str, lang: str) -> str:
    """The output's first lines, and how many more there are in the page's language."""
    lines = text.splitlines()
    if len(lines) <= _SHOWN_LINES:
        return text
    more = MESSAGES["docs_more_lines"][lang].format(count=len(lines) - _SHOWN_LINES)
    return "\n".join([*lines[:_SHOWN_LINES], more])


async def work(executor: ExecutorDep, example: Example, endpoint: str, max_rows: int,
               lang: str) -> WorkedExample:
    """Run one example as a client would, and keep what it answered (for a page in ``lang``)."""
    params = QueryParams(example.query, [], [], example.inference, [example.format])
    try:
        encoded = await answer(executor, params, None, max_rows)
        output, failed = _shown(encoded.body.decode("utf-8"), lang), False
    except ProtocolError as exc:
        output, failed = f"{exc.status}: {exc}", True
    extra = {} if example.inference else {"inference": "false"}
    run_url = f"{endpoint}?" + urlencode({"query": example.query, "format": example.format, **extra})
    editor_url = f"{endpoint}?" + urlencode({"query": example.query})
    flags = "" if example.inference else " --data inference=false"
    curl = (f"curl {endpoint} --data-urlencode query@{example.id}.rq"
            f" --data format={example.format}{flags}")
    return WorkedExample(example, output, failed, run_url, editor_url, curl)


@router.get("/sparql/docs", response_class=HTMLResponse, include_in_schema=False)
async def sparql_docs(request: Request, executor: ExecutorDep, settings: SettingsDep) -> HTMLResponse:
    """The endpoint's documentation, with the examples run against the service as it is."""
    base = base_url(request)
    endpoint = base + "/sparql"
    lang = language(request)
    worked = [await work(executor, ex, endpoint, settings.max_result_rows, lang) for ex in EXAMPLES]
    return render(request, "sparql_docs.html", {
        "base": base, "endpoint": endpoint, "settings": settings, "offers": OFFERS,
        "prefixes": PREFIXES, "graphs": await executor.graph_names(),
        "inferred": str(INFERRED_GRAPH), "dumps": DUMPS, "examples": worked,
    })

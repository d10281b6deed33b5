"""Canned queries over HTTP: ``/q`` lists them, ``/q/{id}?param=…`` answers one.

One route per ``.rq`` file is generated at start-up, so each query and its parameters
appear in the OpenAPI document. The same URL negotiates: a page with a form and a
results table for browsers, JSON by default for programs, CSV or XLSX for downloads
(``format=`` or the Accept header).
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from rdflib import Literal, URIRef
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool

from hsvo_graph.canned.catalog import (
    CannedQuery, Parameter, ParameterError, bind_arguments, run_canned, with_defaults,
)
from hsvo_graph.web.display import Cell, ResultTable, result_table
from hsvo_graph.canned.tables import to_csv, to_json, to_xlsx
from hsvo_graph.web.i18n import Translator, localise
from hsvo_graph.sparql.reader import Bindings, ExecutorReader, LoopReader, Reader, WouldBlock
from hsvo_graph.store import QuerySyntaxError, Table
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.api.deps import CatalogDep, ReaderDep, StoreDep
from hsvo_graph.web.forms import Field, form_fields
from hsvo_graph.web.glossary import glossary_titles
from hsvo_graph.web.problems import parameter_problem
from hsvo_graph.api.negotiation import MEDIA_TYPES, attachment, negotiate
from hsvo_graph.api.rendering import data_version, language, render, url_with

FORMATS = ["json", "html", "csv", "xlsx"]
_RESERVED = {"format", "lang"}
# What newsletters, social media and mail filters add to a shared link (Google Analytics'
# utm_*, Facebook, Google Ads, Microsoft Ads, Mailchimp): not arguments, so ignored rather
# than refused as unknown parameters. Any other unknown name (a typo) is still refused.
_TRACKING = frozenset({"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"})
_TRACKING_PREFIX = "utm_"
_SCHEMA_TYPES = {"year": {"type": "integer", "minimum": 1000, "maximum": 9999}}


def describe(query: CannedQuery) -> dict[str, Any]:
    """A query's metadata as the ``/q`` listing gives it."""
    return {
        "id": query.id,
        "title": query.title,
        "question": query.question,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required, "label": p.label,
             "example": p.example, "multiple": p.multiple}
            for p in query.parameters
        ],
        "url": f"/q/{query.id}",
    }


def openapi_operation(query: CannedQuery) -> dict[str, Any]:
    """The query's parameters (and ``format``) documented for /openapi.json."""
    parameters = []
    for p in query.parameters:
        schema: dict[str, Any] = _SCHEMA_TYPES.get(p.type, {"type": "string"})
        if p.multiple:
            schema = {"type": "array", "items": schema}
        entry: dict[str, Any] = {
            "name": p.name, "in": "query", "required": p.required, "schema": schema,
            "description": f"{p.label.get('sv', p.name)} / {p.label.get('en', p.name)} "
                           f"(type: {p.type}{'; repeat for several values' if p.multiple else ''})",
        }
        if p.example:
            entry["example"] = [p.example] if p.multiple else p.example
        parameters.append(entry)
    parameters.append({
        "name": "format", "in": "query", "required": False,
        "schema": {"type": "string", "enum": FORMATS},
        "description": "json (default for programs), html (default for browsers), csv or xlsx; "
                       "or send the matching Accept header",
    })
    return {
        "parameters": parameters,
        "responses": {"200": {"description": "The answer", "content": {
            MEDIA_TYPES[f]: {} for f in FORMATS}}},
    }


def _ignored(name: str, query: CannedQuery) -> bool:
    """Whether a query-string name is not an argument of ``query``: ``format``, ``lang`` and
    a link tracker's name (unless the query declares a parameter of that name)."""
    return name in _RESERVED or (
        (name in _TRACKING or name.startswith(_TRACKING_PREFIX)) and query.parameter(name) is None)


def _arguments(request: Request, query: CannedQuery) -> dict[str, list[str]]:
    return {k: request.query_params.getlist(k) for k in request.query_params if not _ignored(k, query)}


def _run(reader: Reader, query: CannedQuery, arguments: dict[str, list[str]]) -> Table:
    try:
        return run_canned(reader, query, arguments)
    except QuerySyntaxError as exc:  # a canned query the store refuses: the service's fault
        raise HTTPException(502, str(exc)) from exc


def _defaults_and_run(reader: Reader, query: CannedQuery,
                      given: dict[str, list[str]]) -> tuple[dict[str, list[str]], Table]:
    """The arguments with their defaults filled in, and the answer to them."""
    arguments = with_defaults(reader, query, given)
    return arguments, _run(reader, query, arguments)


_ON_LOOP_VALUES = 64  # arguments with more values than this are bound in a thread


def _on_loop(reader: Reader) -> LoopReader | None:
    """A reader for the event loop over the request's reader (None: it has no async path)."""
    return LoopReader(reader) if isinstance(reader, ExecutorReader) else None


def _defaults_on_loop(reader: Reader, query: CannedQuery,
                      given: dict[str, list[str]]) -> dict[str, list[str]] | None:
    """The arguments with their defaults, when no default needs a query worker (none is
    ``latest``, or the latest year is kept); None otherwise, and for a request with many
    values (normalising and binding hundreds of them is work for a thread, not the loop)."""
    on_loop = _on_loop(reader)
    if on_loop is None or sum(len(values) for values in given.values()) > _ON_LOOP_VALUES:
        return None
    try:
        return with_defaults(on_loop, query, given)
    except WouldBlock:
        return None


def _bound_on_loop(reader: ExecutorReader, query: CannedQuery,
                   arguments: dict[str, list[str]]) -> Bindings | None:
    """The arguments as RDF terms when binding them needs no query worker (no body is named,
    or the body names are kept); None otherwise. ParameterError for arguments that do not
    bind."""
    try:
        return bind_arguments(LoopReader(reader), query, arguments)
    except WouldBlock:
        return None


async def _select(reader: ExecutorReader, query: CannedQuery, bound: Bindings) -> Table:
    """``_run`` on the event loop, with the arguments bound."""
    try:
        return await reader.select_async(query.sparql, bound)
    except QuerySyntaxError as exc:  # a canned query the store refuses: the service's fault
        raise HTTPException(502, str(exc)) from exc


async def _answer_reads(reader: Reader, query: CannedQuery,
                        given: dict[str, list[str]]) -> tuple[dict[str, list[str]], Table]:
    """``_defaults_and_run`` without a thread hop when the defaults and the binding need no
    read: the query is then awaited on the event loop like a ``/sparql`` request (a thread
    costs more than the rest of a canned answer, most of it in handing the GIL back and
    forth)."""
    arguments = _defaults_on_loop(reader, query, given)
    if arguments is not None:
        assert isinstance(reader, ExecutorReader)
        bound = _bound_on_loop(reader, query, arguments)
        if bound is not None:
            return arguments, await _select(reader, query, bound)
    return await run_in_threadpool(_defaults_and_run, reader, query, given)


def _asked_values(query: CannedQuery, arguments: dict[str, list[str]], lang: str) -> list[tuple[str, str]]:
    """The parameters a person filled in, as (label, values) in the page language."""
    given = []
    for parameter in query.parameters:
        values = ", ".join(v for v in arguments.get(parameter.name) or [] if v.strip())
        if values:
            given.append((localise(parameter.label, lang), values))
    return given


def _about(query: CannedQuery, arguments: dict[str, list[str]], lang: str, url: str,
           version: str) -> list[tuple[str, str]]:
    """The second sheet of a download: what was asked, with which values, when, where."""
    t = Translator(lang)
    rows = [(t("question"), localise(query.question, lang)),
            ("", localise(query.description, lang))]
    for parameter in query.parameters:
        values = arguments.get(parameter.name) or []
        rows.append((localise(parameter.label, lang), ", ".join(v for v in values if v.strip())))
    rows.append(("URL", url))
    rows.append((t("downloaded"), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")))
    rows.append((t("data_version").capitalize(), version))
    return rows


def file_name(query: CannedQuery, arguments: dict[str, list[str]], lang: str, extension: str) -> str:
    """A download's name says what it holds: the question's title, the values asked for
    and the date (``Aktiviteter per organ och fokusområde – ÄLN, nära vård, 2025 – 2026-03-01.xlsx``)."""
    values = [value for _, value in _asked_values(query, arguments, lang)]
    parts = [localise(query.title, lang), *values, datetime.now(UTC).strftime("%Y-%m-%d")]
    name = " – ".join(part.replace("/", "-") for part in parts)
    return f"{name[:180]}.{extension}"


def for_people(reader: Reader, query: CannedQuery, table: Table, t: Translator) -> tuple[Table, list[str]]:
    """The answer as its page shows it, for a download in the page's language, with its
    headings: each column the page shows has the page's text (labels, statuses, value codes
    and booleans in words of the language; numbers and dates stay typed, so that a
    spreadsheet sorts and sums them). The IRIs the page links to are kept as columns of
    their own, headed as links ("Aktivitet (länk)"): a column the page hides behind its
    links where it is, and the IRIs of a column that shows entities by name just after it."""
    shown = _display(reader, query, table, t)
    position = {variable: i for i, variable in enumerate(shown.columns)}
    variables, headings = [], []
    for variable in query.ordered(table.variables, t.lang):
        if variable not in position:
            variables.append(variable)
            headings.append(_link_heading(query, variable, t))
            continue
        variables.append(variable)
        headings.append(shown.headings[position[variable]])
        if any(isinstance(row.get(variable), URIRef) and cells[position[variable]].href
               for row, cells in zip(table.rows, shown.rows, strict=True)):
            variables.append(_iris_of(variable))
            headings.append(t("link_column").format(heading=shown.headings[position[variable]]))
    rows = []
    for row, cells in zip(table.rows, shown.rows, strict=True):
        values = {v: _as_shown(term, cells[position[v]]) if v in position else term
                  for v, term in row.items()}
        rows.append({**values, **{_iris_of(v): term for v, term in row.items() if v in position}})
    return Table(variables, rows, truncated=table.truncated), headings


def _iris_of(variable: str) -> str:
    """The export's name for the IRIs of a column shown by name (no SPARQL variable has a
    space in its name: it cannot be another column's)."""
    return f"{variable} (IRI)"


def _as_shown(term: Identifier, shown: Cell) -> Identifier:
    """A value as its cell shows it: the term itself where the page shows its text as it is
    (a number, a date, a title), else the page's text."""
    if isinstance(term, Literal) and shown.text == str(term):
        return term
    return Literal(shown.text)


def _link_heading(query: CannedQuery, variable: str, t: Translator) -> str:
    """The heading of a column of IRIs that a text column links to: its own heading, or the
    text column's, said to be links."""
    heading = t.column(variable, query.columns)
    if heading == variable:
        text_column = next(text for text, target in query.links.items() if target == variable)
        heading = t.column(text_column, query.columns)
    return t("link_column").format(heading=heading)


def _download(reader: Reader, query: CannedQuery, table: Table, t: Translator, fmt: str,
              about: list[tuple[str, str]]) -> str | bytes:
    """The CSV or XLSX file of an answer for people in ``t``'s language: Swedish CSV as
    Swedish Excel opens it (``;`` and a byte-order mark)."""
    shown, headings = for_people(reader, query, table, t)
    if fmt == "csv":
        return to_csv(shown, headings, delimiter=";" if t.lang == "sv" else ",", bom=True)
    return to_xlsx(shown, headings, sheet=localise(query.title, t.lang), about=about,
                   about_sheet=t("about_sheet"))


async def answer(request: Request, reader: Reader, query: CannedQuery, store: TrackedStore) -> Response:
    """Run ``query`` with the request's arguments and answer in the negotiated format.

    CSV and XLSX asked for with ``lang=`` (the links on the pages) are for people: headings
    and values in that language, and CSV as Excel opens it in that language (Swedish: ``;``
    and a byte-order mark). Without ``lang`` CSV is the plain machine format."""
    fmt = negotiate(request.query_params.get("format"), request.headers.get("accept"),
                    FORMATS, default="json")
    if fmt == "html":
        return await _page(request, reader, query, store)
    try:
        arguments, table = await _answer_reads(reader, query, _arguments(request, query))
    except ParameterError as exc:
        raise HTTPException(400, str(exc)) from exc
    if fmt == "json":
        return Response(to_json(table, query=query.id, parameters=arguments),
                        media_type="application/json; charset=utf-8")
    lang = language(request)
    t = Translator(lang)
    for_a_person = "lang" in request.query_params
    if fmt == "csv" and not for_a_person:
        return Response(to_csv(table), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": attachment(f"{query.id}.csv")})
    about = _about(query, arguments, lang, str(request.url), data_version(store)) if fmt == "xlsx" else []
    body = await run_in_threadpool(_download, reader, query, table, t, fmt, about)
    media_type = "text/csv; charset=utf-8" if fmt == "csv" else MEDIA_TYPES["xlsx"]
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": attachment(file_name(query, arguments, lang, fmt))})


async def _page(request: Request, reader: Reader, query: CannedQuery, store: TrackedStore) -> Response:
    """The query page: the form, and the answer once something has been asked; an empty
    answer repeats what was searched for and offers the same question with one value
    left out."""
    lang = language(request)
    t = Translator(lang)
    given = _arguments(request, query)
    asked = any(v.strip() for values in given.values() for v in values) or not any(
        p.required for p in query.parameters)
    arguments, results, error, fields = await _page_reads(reader, query, given, asked, t)
    exports = {f: url_with(request, format=f, lang=lang) for f in ("csv", "xlsx")}
    exports["json"] = url_with(request, format="json", lang=None)  # for programs: no language
    filled = [p for p in query.parameters if any(v.strip() for v in request.query_params.getlist(p.name))]
    wider = await _wider(request, reader, query, given, filled) if results is not None and not results.rows else []
    return render(request, "query.html", {
        "query": query, "fields": fields, "results": results, "error": error,
        "exports": exports, "asked": asked, "searched": _asked_values(query, arguments, lang),
        "wider": wider, "data_version": data_version(store),
        "page_url": str(request.url), "today": datetime.now(UTC).strftime("%Y-%m-%d"),
    }, status_code=400 if error else 200)


async def _wider(request: Request, reader: Reader, query: CannedQuery, given: dict[str, list[str]],
                 filled: list[Parameter]) -> list[tuple[str, str]]:
    """For an empty answer: the same question with one optional value left out, offered only
    where that answer has rows (leaving out the year cannot help when the area matches
    nothing, and the year left out is the latest list, not every year)."""
    offered = []
    for parameter in (p for p in filled if not p.required):
        fewer = {name: values for name, values in given.items() if name != parameter.name}
        try:
            _, table = await run_in_threadpool(_defaults_and_run, reader, query, fewer)
        except ParameterError:
            continue
        if table.rows:
            # the language left to the page's links (``web.links``): carried on only when needed
            offered.append((localise(parameter.label, language(request)),
                            url_with(request, **{parameter.name: None, "lang": None})))
    return offered


_SHOWN_ON_LOOP_ROWS = 200  # a longer answer is turned into cells in a thread


async def _page_reads(
    reader: Reader, query: CannedQuery, given: dict[str, list[str]], asked: bool, t: Translator,
) -> tuple[dict[str, list[str]], ResultTable | None, str | None, list[Field]]:
    """What the page shows: the arguments with their defaults, the answer as cells (once
    something has been asked) or the parameter error, and the form's fields.

    With everything dataset-wide kept (defaults, form options, glossary) and no label to
    read, the page costs the answer's query awaited on the event loop and no thread hop;
    otherwise the reads that remain run in one thread."""
    arguments = _defaults_on_loop(reader, query, given)
    if arguments is None:
        return await run_in_threadpool(_page_reads_in_thread, reader, query, given, asked, t)
    assert isinstance(reader, ExecutorReader)
    error, table = None, None
    if asked:
        try:
            bound = _bound_on_loop(reader, query, arguments)
        except ParameterError as exc:
            error = parameter_problem(exc, t.lang)
        else:
            if bound is None:  # the body names are not kept: they are read in the thread
                return await run_in_threadpool(_page_reads_in_thread, reader, query, given, asked, t)
            table = await _select(reader, query, bound)
    if table is None or len(table.rows) <= _SHOWN_ON_LOOP_ROWS:
        try:
            results, fields = _shown(LoopReader(reader), query, table, arguments, t)
        except WouldBlock:
            pass
        else:
            return arguments, results, error, fields
    results, fields = await run_in_threadpool(_shown, reader, query, table, arguments, t)
    return arguments, results, error, fields


def _page_reads_in_thread(
    reader: Reader, query: CannedQuery, given: dict[str, list[str]], asked: bool, t: Translator,
) -> tuple[dict[str, list[str]], ResultTable | None, str | None, list[Field]]:
    """``_page_reads`` in one thread, for a page whose defaults need a query worker."""
    arguments = with_defaults(reader, query, given)
    error, table = None, None
    if asked:
        try:
            table = _run(reader, query, arguments)
        except ParameterError as exc:
            error = parameter_problem(exc, t.lang)
    results, fields = _shown(reader, query, table, arguments, t)
    return arguments, results, error, fields


def _shown(reader: Reader, query: CannedQuery, table: Table | None, arguments: dict[str, list[str]],
           t: Translator) -> tuple[ResultTable | None, list[Field]]:
    """The answer as cells (labels and abbreviations read) and the form's fields."""
    results = None if table is None else _display(reader, query, table, t)
    return results, form_fields(reader, query, arguments, t.lang)


def _display(reader: Reader, query: CannedQuery, table: Table, t: Translator) -> ResultTable:
    headings = {v: t.column(v, query.columns) for v in table.variables}
    return result_table(reader, table.rows, query.ordered(table.variables, t.lang), headings=headings,
                        links=query.links, lang=t.lang, abbreviations=glossary_titles(reader, t.lang))


def _endpoint(query: CannedQuery) -> Callable[[Request, Reader, TrackedStore], Awaitable[Response]]:
    async def run_query(request: Request, reader: ReaderDep, store: StoreDep) -> Response:
        return await answer(request, reader, query, store)

    run_query.__doc__ = (
        f"{localise(query.description, 'sv')}\n\n{localise(query.description, 'en')}"
    )
    return run_query


def build_router(catalog: dict[str, CannedQuery]) -> APIRouter:
    """``/q``, one documented route per canned query, and a 404 for unknown ids."""
    router = APIRouter(tags=["Canned queries"])

    @router.get("/q", summary="List canned queries")
    def list_queries(request: Request, catalog: CatalogDep) -> Any:
        """Färdiga frågor. / The canned queries with their parameters (browsers go to the
        start page, which lists them as questions)."""
        if negotiate(None, request.headers.get("accept"), ["json", "html"], "json") == "html":
            return RedirectResponse("/", status_code=303)
        return [describe(q) for q in catalog.values()]

    for query in catalog.values():
        router.add_api_route(
            f"/q/{query.id}",
            _endpoint(query),
            methods=["GET"],
            summary=f"{query.title.get('sv', query.id)} / {query.title.get('en', query.id)}",
            name=f"canned_{query.id}",
            openapi_extra=openapi_operation(query),
            response_class=Response,
        )

    @router.get("/q/{query_id}", include_in_schema=False)
    def unknown_query(query_id: str) -> None:
        raise HTTPException(404, f"no canned query {query_id!r}; see /q")

    return router

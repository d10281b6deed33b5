"""HTML pages: one Jinja environment, the request's language, and the language cookie.

Every page is rendered by ``render``, which gives its template ``lang``, ``t`` (the
translator), ``switch_url`` (this page in the other language) and ``other_lang``
(``page_context``), so any page can extend ``base.html`` without working out the language
itself.
"""

import functools
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from hsvo_graph import __version__
from hsvo_graph.canned.catalog import ParameterError
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.web.display import foreign, quotes_marked
from hsvo_graph.web.i18n import (COOKIE, LANGUAGES, Translator, capfirst, language_code, localise,
                                 pick_language)
from hsvo_graph.web.links import carried_language, keep_language
from hsvo_graph.web.problems import parameter_problem
from hsvo_graph.web.translated import environments


def language(request: Request) -> str:
    """The page language: ``?lang=``, else the cookie, else the browser's
    ``Accept-Language``, else Swedish (``web.i18n.pick_language``)."""
    return pick_language(request.query_params.get("lang"), request.cookies.get(COOKIE),
                         request.headers.get("accept-language"))


def url_with(request: Request, **changes: str | None) -> str:
    """This request's path and query with some parameters replaced (None removes one);
    encoded as ``urlencode`` encodes names and values, each one quoted once and kept (a page
    links to itself in several formats and in the other language: the same words each time)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    items += [(k, v) for k, v in changes.items() if v is not None]
    query = "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in items)
    return f"{request.url.path}?{query}" if query else request.url.path


_quoted = functools.lru_cache(maxsize=1024)(quote_plus)


def page_context(request: Request, lang: str, form_page: str | None = None) -> dict[str, Any]:
    """What every page template may use: the language, its words, the other language. The
    switcher of a page that answers a form (a POST) leads to ``form_page``, the page the form
    is on (the form's address may not answer GET), else to the same address."""
    other = next(code for code in LANGUAGES if code != lang)
    switch_url = (url_with(request, lang=other) if request.method in ("GET", "HEAD")
                  else f"{form_page or request.url.path}?lang={other}")
    return {"lang": lang, "t": Translator(lang), "other_lang": other,
            "switch_url": switch_url, "version": __version__}


@functools.lru_cache(maxsize=64)
def escaped_once(text: str) -> Markup:
    """``text`` escaped for HTML, kept: for a long text that every page of a kind shows (a
    canned question's SPARQL, 3 KB, cost 10 µs to escape on each page)."""
    return escape(text)


_CODE = re.compile(r"`([^`]+)`")


def code(text: str) -> Markup:
    """A catalogue message escaped, its `backquoted` parts as ``<code>``: the endpoint's pages
    name URLs, headers and status codes inside their sentences, and the sentences stay whole
    in the catalogue (``web.i18n``) instead of cut around the markup."""
    return Markup(_CODE.sub(r"<code>\1</code>", str(escape(text))))


def data_version(store: TrackedStore) -> str:
    """When the data last changed: printed in the footer and on printouts, so a printed
    answer says which state of the graph it comes from."""
    return _minute(store.modified)


@functools.lru_cache(maxsize=8)
def _minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"  # kept: the same moment on every page until a write


# One set of templates per page language, their interface words written in when compiled
# (``web.translated``); a page is rendered by the set of its language.
TEMPLATES = {language: Jinja2Templates(env=environment)
             for language, environment in environments().items()}
for _templates in TEMPLATES.values():
    _templates.env.filters["capfirst"] = capfirst
    _templates.env.filters["localise"] = localise
    _templates.env.filters["escaped_once"] = escaped_once
    _templates.env.filters["code"] = code
    _templates.env.filters["quotes_marked"] = quotes_marked  # a plan report's data, marked sv
    _templates.env.filters["foreign"] = foreign  # a name's language, when not the page's


def render_checked(request: Request, template: str, context: dict[str, Any],
                   problems: Sequence[ParameterError]) -> HTMLResponse:
    """A page shown without the values it could not use (``problems``), which it names at its
    top in its language and answers with 400: the reader sees what was wrong and can go on."""
    lang = language(request)
    return render(request, template, {**context, "problems": [parameter_problem(p, lang) for p in problems]},
                  status_code=400 if problems else 200)


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page in the request's language and remember an explicit ``?lang=`` choice;
    when the reader's next request would not get that language without it (no cookie, a
    browser of another language), the page's links and forms carry it on
    (``web.links.keep_language``)."""
    lang = language(request)
    # rendered here rather than by Starlette's TemplateResponse, whose hook for test
    # clients' debugging every page paid for
    page = TEMPLATES[lang].get_template(template).render(
        {**context, **page_context(request, lang, context.get("form_page")), "request": request})
    carried = carried_language(request.query_params.get("lang"), request.cookies.get(COOKIE),
                               request.headers.get("accept-language"))
    if carried is not None:  # the next page would be in another language without it
        page = keep_language(page, carried)
    response = HTMLResponse(page, status_code=status_code)
    if language_code(request.query_params.get("lang")) is not None:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response

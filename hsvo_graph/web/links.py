"""Links that keep the page's language for a reader whose browser does not.

The language of a page is chosen by ``?lang=``, then the cookie, then ``Accept-Language``
(``web.i18n.pick_language``). A reader who chose English with ``?lang=en`` and blocks
cookies would get the next page in the browser's language, so a page whose language came
from ``?lang=`` and would otherwise be another carries ``lang=`` on into every link to a page
of the site (``href``, a form's ``action`` and ``formaction``), and every GET form sends it
as a hidden field. Every other page's links stay as they are: clean, the language left to
the cookie or the browser. A link that names a language itself (the language switcher, the
exports made for people) keeps its own; files, data and the API are left alone (their
language does not depend on it, or they are for programs).
"""

import re
from collections.abc import Callable

from hsvo_graph.web.i18n import language_code, pick_language

# Addresses that are not pages in a language: files, data, feeds, the API and its documents.
_LEFT_ALONE = ("/static/", "/favicon", "/dumps", "/.well-known/", "/openapi.json", "/docs",
               "/health", "/catalog", "/changes.atom", "/store", "/ontology.ttl",
               "/validate/template.", "/admin/")
# a URL attribute of a tag, with a path on this host (not //host/…), as the templates write it
_URL = re.compile(r'(\s(?:href|formaction)=")(/(?!/)[^"]*)(")')
_ACTION = re.compile(r'(\saction=")(/(?!/)[^"]*)(")')
_NAMES_LANGUAGE = re.compile(r"(?:\?|&amp;|&)lang=")
# ``format=`` of a data answer (JSON for programs, RDF): not a page, nor a download for people
_DATA_FORMAT = re.compile(r"(?:\?|&amp;|&)format=(?!csv\b|xlsx\b|svg\b|html\b)")
_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_POST = re.compile(r"\smethod=\"?post\b", re.IGNORECASE)


def carried_language(query_lang: str | None, cookie_lang: str | None,
                     accept_language: str | None) -> str | None:
    """The language a page's links must carry: the one ``?lang=`` chose, when the reader's
    next request without it (the cookie, else the browser's language) would get another;
    else None."""
    chosen = language_code(query_lang)
    if chosen is None or pick_language(None, cookie_lang, accept_language) == chosen:
        return None
    return chosen


def keep_language(page: str, lang: str) -> str:
    """``page`` with ``lang`` carried on by its links to pages and by its forms: a GET form
    as a hidden field (a browser replaces the query of a GET form's action by the form's
    fields), a POST form in its action."""
    def form(match: re.Match[str]) -> str:
        tag = match.group(0)
        if _POST.search(tag):
            return _ACTION.sub(_link(lang), tag)
        return tag + f'<input type="hidden" name="lang" value="{lang}">'
    return _URL.sub(_link(lang), _FORM.sub(form, page))


def _link(lang: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match.group(1) + _with_language(match.group(2), lang) + match.group(3)


def _with_language(url: str, lang: str) -> str:
    """An (HTML-escaped) URL with ``lang=`` added before its fragment, unless it is not a
    page's or names a language already."""
    if url.startswith(_LEFT_ALONE) or _NAMES_LANGUAGE.search(url) or _DATA_FORMAT.search(url):
        return url
    address, hash_, fragment = url.partition("#")
    separator = "&amp;" if "?" in address else "?"
    return f"{address}{separator}lang={lang}{hash_}{fragment}"

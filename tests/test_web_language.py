"""One language per page: a crawl from the start page in each language, following the
internal links (a few pages of each kind), fails on words of the other language and on
internal names (column variables, IRIs as text, server paths)."""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from rdflib import Literal

from hsvo_graph.sparql.executor import QueryTimeout
from hsvo_graph.web.i18n import FOREIGN_WORDS, MESSAGES
from hsvo_graph.web.problems import problem

HTML = {"Accept": "text/html"}
PER_KIND = 6       # pages per kind of page (/id/activity/…, /q/…, …): every kind, boundedly
MAX_PAGES = 220    # per language
# /ontology is pyLODE's generated English reference for researchers, not a page of ours.
SKIPPED = ("/static/", "/dumps/", "/.well-known/", "/openapi.json", "/docs", "/ontology",
           "/health", "/sparql?query=")
INTERNAL = re.compile(r"\b(powerNode|bodyNode|documentName|powerName|bodyName|nextActivity)\b|/work/|/var/store"
                      r"|pyoxigraph|embedded store|https?://w3id\.org/")
# A text of its own (a cell, a link, a property's name) that is a raw boolean or a term's
# prefixed name (dct:relation, act:…-utfall, "Dct:references (1)"), except on the SPARQL
# guide, which researchers read for its SPARQL; a sentence may mention one ("se dct:hasPart").
RAW = re.compile(r"(?:true|false|(?:dct|skos|prov|org|owl|rdfs?|foaf|act|goal):[\w-]+)(?: \(\d+\))?",
                 re.IGNORECASE)


_CODE = ("script", "style", "code", "pre", "svg", "template")


class _Visible(HTMLParser):
    """The text a person reads in the page language: not scripts, styles, attribute
    values or <code>/<pre> (which researchers read on purpose), nor data marked as being
    in another language (``<span lang="sv">`` on an English page: the graph's Swedish
    titles); and the links."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.text: list[str] = []
        self.links: list[str] = []
        self._open: list[str] = []  # the hiding elements we are inside
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _CODE or attributes.get("lang", self.lang) != self.lang:
            if tag != "html":
                self._open.append(tag)
                self._hidden += 1
        href = attributes.get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def _kind(path: str) -> str:
    parts = [p for p in urlsplit(path).path.split("/") if p]
    return "/".join(parts[:2]) if parts[:1] == ["id"] else "/".join(parts[:1]) + (
        "?" if "?" in path else "")


def _crawl(client, lang: str) -> dict[str, list[str]]:
    """Visible text of every page reached from ``/?lang=…`` (bounded per kind of page), as
    its text nodes."""
    client.cookies.clear()
    client.get(f"/?lang={lang}", headers=HTML)  # sets the language cookie
    queue, seen, pages, per_kind = ["/"], {"/"}, {}, Counter()
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        response = client.get(path, headers=HTML)
        assert response.status_code in (200, 400), f"{path}: {response.status_code}"
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        parser = _Visible(lang)
        parser.feed(response.text)
        pages[path] = [" ".join(chunk.split()) for chunk in parser.text if chunk.strip()]
        for href in parser.links:
            target = urljoin(path, href).split("#")[0]
            if (not target.startswith("/") or target.startswith(SKIPPED) or "format=" in target
                    or "lang=" in target or target in seen):
                continue
            seen.add(target)
            if per_kind[_kind(target)] < PER_KIND:
                per_kind[_kind(target)] += 1
                queue.append(target)
    return pages


@pytest.fixture(scope="module")
def english_names(store) -> set[str]:
    """Names the graph has in English only for English pages (bodies, areas, kinds)."""
    table = store.select("""SELECT DISTINCT ?en WHERE {
      ?s <http://www.w3.org/2000/01/rdf-schema#label> ?en , ?sv .
      FILTER (LANG(?en) = "en" && LANG(?sv) = "sv" && STR(?en) != STR(?sv))
      FILTER (STRLEN(STR(?en)) > 12) }""")
    return {str(row["en"]) for row in table.rows if isinstance(row["en"], Literal)}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_page_speaks_one_language_and_no_internal_names(client, lang, english_names):
    pages = _crawl(client, lang)
    assert len(pages) > 30
    foreign = [re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])") for w in FOREIGN_WORDS[lang]]
    problems = []
    for path, chunks in pages.items():
        text = " ".join(chunks)
        problems += [f"{path}: {p.pattern}" for p in foreign if p.search(text)]
        problems += [f"{path}: internal {m.group(0)!r}" for m in INTERNAL.finditer(text)]
        if not path.startswith("/sparql"):
            problems += [f"{path}: raw {chunk!r}" for chunk in chunks if RAW.fullmatch(chunk)]
        if lang == "sv" and not path.startswith(("/ontology", "/sparql")):
            problems += [f"{path}: English name {n!r}" for n in english_names if n in text]
    assert not problems, "\n".join(sorted(set(problems))[:60])


# Pages that go wrong, each with what the page must say in its language (the field's label
# and what to do), never the English message programs get.
BROKEN = [
    ("/q/activities_by_body_and_area?body=%C3%84LN&area=v%C3%A5rd&year=abc", 400,
     {"sv": "År: ange ett år med fyra siffror", "en": "Year: give a year in four digits"}),
    ("/q/activities_by_body_and_area?area=v%C3%A5rd", 400,
     {"sv": "Organ: fyll i ett värde", "en": "Body: fill in a value"}),
    ("/q/activities_by_body_and_area?body=%C3%84LN&body=VS&area=v%C3%A5rd", 400,
     {"sv": "Organ: välj ett enda värde (nu 2)", "en": "Body: choose a single value (now 2)"}),
    ("/q/no_such_question", 404, {"sv": "Det finns ingen sådan sida", "en": "There is no such page"}),
    ("/id/body/no-such-body", 404, {"sv": "Det finns ingen sådan sida", "en": "There is no such page"}),
]
ENGLISH_MESSAGES = ("expected a year", "required parameter", "takes one value", "no canned query",
                    "the graph says nothing")


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("path", "status", "says"), BROKEN)
def test_a_page_that_goes_wrong_says_so_in_its_own_language(client, lang, path, status, says):
    client.cookies.clear()
    response = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}", headers=HTML)
    assert response.status_code == status
    parser = _Visible(lang)
    parser.feed(response.text)
    text = " ".join(" ".join(parser.text).split())
    assert says[lang] in text
    assert not [m for m in ENGLISH_MESSAGES if m in text.lower()]
    foreign = [w for w in FOREIGN_WORDS[lang] if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    assert not foreign


# Each status a page can end in has its own sentence, never "the request could not be understood".
STATUSES = [
    ("POST", "/ordlista", 405, {"sv": "Adressen finns, men går inte att använda på det sättet",
                                "en": "The address exists, but cannot be used that way"}),
    ("GET", "/pictures/heatmap?year=1999", 400, {"sv": "År: det finns inga aktiviteter år 1999",
                                                 "en": "Year: there are no activities in 1999"}),
    ("GET", "/uppfoljning?status=nonsense", 400, {"sv": "Status: det finns inget sådant värde",
                                                  "en": "Status: there is no such value"}),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("method", "path", "status", "says"), STATUSES)
def test_each_status_says_what_happened_in_the_page_language(client, lang, method, path, status, says):
    client.cookies.clear()
    response = client.request(method, path + ("&" if "?" in path else "?") + f"lang={lang}", headers=HTML)
    assert response.status_code == status
    parser = _Visible(lang)
    parser.feed(response.text)
    text = " ".join(" ".join(parser.text).split())
    assert says[lang] in text
    assert MESSAGES["problem_400"][lang] not in text


@pytest.mark.parametrize("status", [401, 403, 404, 405, 409, 413, 415, 429, 503])
def test_every_refusal_a_page_can_meet_has_a_sentence_of_its_own(status):
    for lang in ("sv", "en"):
        told = problem(RuntimeError("x"), status, lang, time_limit_s=30, busy=False).text
        assert told and told != MESSAGES["problem_400"][lang] and told != MESSAGES["problem_500"][lang]
    assert "många frågor" in problem(RuntimeError("x"), 503, "sv", time_limit_s=30, busy=True).text
    timeout = problem(QueryTimeout("slow"), 503, "en", time_limit_s=30, busy=False).text
    assert "time limit of 30 s" in timeout


def test_an_admin_link_without_the_token_says_a_token_is_needed(store):
    from fastapi.testclient import TestClient

    from hsvo_graph.api.app import create_app
    from hsvo_graph.config import Settings

    settings = Settings(store="embedded", store_path=None, changes_log=None, admin_token="hemligt")
    with TestClient(create_app(settings, store)) as guarded:
        for lang, says in (("sv", "Det här kräver en giltig administratörsnyckel"), ("en", "This needs a valid admin token")):
            page = guarded.get(f"/admin/plans/no-such-plan/export?lang={lang}", headers=HTML)
            assert page.status_code == 401 and says in page.text

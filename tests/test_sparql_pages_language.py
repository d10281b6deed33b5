"""The SPARQL editor and the endpoint's documentation take every word from the catalogue
(``web.i18n.MESSAGES``), as the other pages do, so that both languages are kept together and
the crawl (test_web_language_crawl.py) knows them: the templates write no words of their own,
and what the pages show of the dumps and of a cut example output is in the page's language."""

import re
from html.parser import HTMLParser

import pytest

from hsvo_graph.api.routes.sparql_docs import _shown
from hsvo_graph.publish.catalog import DUMPS
from hsvo_graph.web.translated import TEMPLATES_DIR

# Names of standards and formats, the same in both languages
NAMES = {"VoID", "Graph", "Store", "Protocol"}


class _OwnText(HTMLParser):
    """A template's own text: outside Jinja, tags, and code."""

    def __init__(self) -> None:
        super().__init__()
        self.code = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.code += tag in ("style", "script", "pre", "code")
        self.words += [w for _, value in attrs if value for w in re.findall(r"[^\W\d_]{2,}", value)
                       if _ in ("title", "aria-label", "placeholder", "alt")]

    def handle_endtag(self, tag: str) -> None:
        self.code -= tag in ("style", "script", "pre", "code")

    def handle_data(self, data: str) -> None:
        if not self.code:
            self.words += re.findall(r"[^\W\d_]{2,}", data)


@pytest.mark.parametrize("template", ["editor.html", "sparql_docs.html"])
def test_the_sparql_pages_templates_write_no_words_of_their_own(template: str) -> None:
    source = (TEMPLATES_DIR / template).read_text(encoding="utf-8")
    assert not re.search(r"\bif\s+(en|lang\s*==)", source), "a language chosen in the template"
    text = _OwnText()
    text.feed(re.sub(r"{{.*?}}|{%.*?%}|{#.*?#}", " ", source, flags=re.DOTALL))
    assert set(text.words) <= NAMES, sorted(set(text.words) - NAMES)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_docs_name_the_dumps_and_a_cut_output_in_the_pages_language(client, lang: str) -> None:
    page = client.get(f"/sparql/docs?lang={lang}", headers={"Accept": "text/html"}).text
    for dump in DUMPS.values():
        sv, en = dump.described("sv"), dump.described("en")
        assert {"sv": sv, "en": en}[lang] in page
        assert {"sv": en, "en": sv}[lang] not in page
    cut = _shown("\n".join(map(str, range(30))), lang)
    assert cut.endswith({"sv": "… (5 rader till)", "en": "… (5 more lines)"}[lang])

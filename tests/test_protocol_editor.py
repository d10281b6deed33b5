"""The query editor in a real browser (headless Chromium via Playwright): YASGUI loads from
the package with no request leaving 127.0.0.1, offers every canned query as an example, runs
queries against /sparql, and opens a /sparql?query= link in a tab of its own."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from hsvo_graph.canned.catalog import load_catalog


@pytest.fixture
def page(browser, live_url) -> Iterator[Any]:
    # a Swedish browser: pages follow Accept-Language when no language was chosen
    context = browser.new_context(base_url=live_url, locale="sv-SE", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_the_editor_runs_offline_with_the_canned_queries_as_examples(page, live_url, settings):
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto("/sparql")
    page.wait_for_selector(".yasgui .tabsList .tab")
    tabs = [" ".join(t.replace("✖", "").split()) for t in page.locator(".yasgui .tabsList .tab").all_inner_texts()]
    assert tabs == ["Ny fråga"]  # one tab: the editor stays in view; examples are in a list
    titles = [q.title["sv"] for q in load_catalog(settings.queries_dir).values()]
    assert page.locator("#example-select option").all_inner_texts() == titles
    page.locator(".yasqe_queryButton").first.click()  # the default query: the boards
    page.wait_for_selector(".yasr:visible table.dataTable tbody tr")
    assert "Äldrenämnden" in page.locator(".yasr:visible").inner_text()
    assert hosts == {urlsplit(live_url).netloc}
    page.get_by_label("Exempelfrågor").select_option(label=titles[0])
    page.get_by_role("button", name="Öppna i redigeraren").click()
    assert page.locator(".yasgui .tabsList .tab.active").inner_text().startswith(titles[0])


def test_a_query_link_opens_and_runs_in_its_own_tab(page):
    query = 'SELECT ?name WHERE { ?b <https://w3id.org/hsvo-graph/ontology#abbreviation> "VS" ; <http://www.w3.org/2000/01/rdf-schema#label> ?name }'
    page.goto("/sparql?query=" + quote(query))
    page.wait_for_selector(".yasr:visible table.dataTable tbody tr")
    assert page.locator(".yasgui .tabsList .tab.active").inner_text().startswith("Länkad fråga")
    assert "Vårdstyrelsen" in page.locator(".yasr:visible").inner_text()

"""The pages in a real browser: headless Chromium (Debian's, installed by
scripts/install-system-deps.sh) driven by Playwright against the app served by uvicorn on
a free 127.0.0.1 port.

``HSVO_SCREENSHOTS=1`` (``make screenshots``) also regenerates docs/screenshots/.
"""

import io
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from hsvo_graph.config import PROJECT_ROOT

from .expected import ALN_NARA_VARD_2025

SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
# A Swedish strategist's browser: pages follow Accept-Language, and Chromium's own is en-US.
SWEDISH = "sv-SE"
QUESTION = "Vilka aktiviteter har ett organ inom ett fokusområde?"
AXE = PROJECT_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
# One page of every kind (the language comes from ?lang= on the start page, then the cookie).
PAGE_TYPES = [
    "/",
    "/q/activities_by_body_and_area",
    "/q/activities_by_body_and_area?body=ÄLN&area=nära+vård&year=2025",
    "/q/bodies_and_mandates?body=Samråd+HSVO&power=arbetsgrupper",  # an empty answer
    "/id/activity/uppsala-2025-20",
    "/id/body/uppsala-aln",
    "/id/document/strategi-hsvo-2024-2026",
    "/id/goal/uppsala-2024-2026-pa-nara-vard",
    "/organ/samrad-hsvo-uppsala",
    "/uppfoljning",
    "/uppfoljning?year=2024&status=Stopped",
    "/jamfor",
    "/ordlista",
    "/pictures/organisation",
    "/pictures/heatmap",
    "/pictures/goal-tree",
    "/validate",
    "/sparql",
    "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%2010",
    "/sparql/docs",
    "/docs",
    "/id/body/no-such-body",  # the error page
]


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from npm (scripts/install-test-deps.sh, which this runs if needed)."""
    if not AXE.exists():
        subprocess.run(["bash", str(PROJECT_ROOT / "scripts" / "install-test-deps.sh")], check=False)
    if not AXE.exists():
        pytest.skip("axe-core is not installed; run scripts/install-test-deps.sh (needs npm)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, locale=SWEDISH, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def _ask_aln_nara_vard(page) -> None:
    page.goto("/")
    page.get_by_role("link", name=QUESTION).click()
    page.get_by_label("Organ").select_option(label="ÄLN – Äldrenämnden")
    page.get_by_label("Fokusområde").select_option(label="Nära vård")
    page.get_by_role("checkbox", name="2025").check()  # chips, not a Ctrl-click list
    page.get_by_role("button", name="Visa svaret").click()
    page.wait_for_selector("table#results")


def test_choose_body_and_area_and_see_the_activities(page):
    _ask_aln_nara_vard(page)
    titles = page.locator("table#results tbody tr td:first-child").all_inner_texts()
    assert [" ".join(t.split()) for t in titles] == [" ".join(t.split()) for t in ALN_NARA_VARD_2025]
    assert page.locator("#result-count").inner_text() == str(len(ALN_NARA_VARD_2025))
    assert page.get_by_label("Organ").input_value() == "ÄLN"  # the choice stays selected


def test_download_the_spreadsheet_and_read_it_back(page):
    _ask_aln_nara_vard(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    name = download.value.suggested_filename
    assert name.startswith("Aktiviteter per organ och fokusområde – ÄLN – Nära vård – 2025") and name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ALN_NARA_VARD_2025


def test_follow_an_activity_to_its_responsible_body(page):
    _ask_aln_nara_vard(page)
    page.get_by_role("link", name="Tydliggöra vårdnivån på närvårdsplatser").click()
    assert page.locator("h1").inner_text().startswith("Tydliggöra vårdnivån")
    page.locator("dl.facts").get_by_role("link", name="Äldrenämnden").click()
    assert page.locator("h1").inner_text() == "Äldrenämnden"
    assert page.url.endswith("/id/body/uppsala-aln")


def test_switch_to_english_and_stay_there(page):
    page.goto("/")
    page.get_by_role("link", name="In English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="What do you want to know?").is_visible()
    page.get_by_role("link", name="Which activities does a body have within a focus area?").click()
    assert page.get_by_role("button", name="Show the answer").is_visible()
    page.get_by_role("link", name="På svenska").click()
    assert page.locator("html").get_attribute("lang") == "sv"


def test_keyboard_reaches_the_skip_link_and_the_form(page):
    page.goto("/q/activities_by_body_and_area")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_label("Organ").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "p-area"


def test_print_view_shows_the_answer_and_what_was_asked_without_the_page_furniture(page):
    _ask_aln_nara_vard(page)
    assert not page.locator(".print-context").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("form.query").is_visible()
    assert not page.locator("header.site").is_visible()
    assert page.locator("table#results").is_visible()
    context = page.locator(".print-context").inner_text()
    for part in ("ÄLN", "Nära vård", "2025", "data från", "Källa"):
        assert part in context


# How many lines an element's text takes (a jump of half a letter's height starts a line).
_LINES = """e => { const range = document.createRange(); range.selectNodeContents(e);
  const half = parseFloat(getComputedStyle(e).fontSize) / 2;
  const tops = Array.from(range.getClientRects()).map(r => r.top).sort((a, b) => a - b);
  return tops.filter((top, i) => i === 0 || top - tops[i - 1] > half).length; }"""


def test_a_printed_answer_keeps_words_whole_and_many_rows_on_a_page(page):
    """SCN's 56 rows took 9 pages when status markers broke letter by letter ("ong/oin/g"),
    years and words broke mid-word and the sort arrows were printed."""
    page.goto("/q/body_involvement_by_year?body=SCN&lang=en")
    page.wait_for_selector("table#results th button.sort")
    page.emulate_media(media="print")
    statuses = page.eval_on_selector_all("table#results td .status", f"els => els.map({_LINES})")
    years = page.eval_on_selector_all("table#results td", f"els => els.filter(e => /^\\d{{4}}$/.test("
                                      f"e.textContent.trim())).map({_LINES})")
    assert statuses and set(statuses) == {1} and years and set(years) == {1}
    roles = page.eval_on_selector_all("table#results td", f"els => els.filter(e => e.textContent.trim() === "
                                      f"'participating body').map({_LINES})")
    assert roles and max(roles) <= 2  # two words: at most a line each, never "participati/ng"
    arrows = page.eval_on_selector_all("th button.sort", "els => els.map(e => getComputedStyle(e, '::after').content)")
    assert arrows and set(arrows) == {"none"}
    assert page.locator("table#results tbody tr").count() > 50
    assert len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4"))) <= 6


def test_phone_width_has_no_sideways_scrolling(browser, live_url):
    context = browser.new_context(base_url=live_url, locale=SWEDISH, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/q/activities_by_body_and_area?body=ÄLN&area=nära+vård&year=2025")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("table#results td[data-label='Titel']").first.is_visible()
    context.close()


@pytest.mark.parametrize(("lang", "width"), [("sv", 1280), ("en", 1280), ("sv", 390), ("en", 390)])
def test_every_page_type_has_no_critical_or_serious_axe_findings(browser, live_url, axe_source, lang, width):
    context = browser.new_context(base_url=live_url, locale=SWEDISH, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"/?lang={lang}")
    findings = []
    for path in PAGE_TYPES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == ("en" if path == "/docs" else lang)
        page.add_script_tag(content=axe_source)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        findings += [f"{path}: {v['impact']} {v['id']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
                     for v in result["violations"] if v["impact"] in ("critical", "serious")]
    context.close()
    assert not findings, "\n".join(findings)


def test_tables_sort_and_filter_in_the_page(page):
    page.goto("/ordlista")
    first = lambda: page.locator("#glossary tbody tr:visible td").first.inner_text()  # noqa: E731
    header = page.locator("#glossary thead th").first
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = first()
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending" and first() != ascending
    page.get_by_label("Filtrera tabellen").fill("äldre")
    assert page.locator("#glossary tbody tr:visible").count() == 1 and first() == "ÄLN"
    # as the server matches: case, runs of white space and NFD (a + U+0308) do not matter
    for typed in ("  ÄLDRE ", "a\u0308ldre", "ÄLN\u00a0  äldrenämnden"):  # across two cells
        page.get_by_label("Filtrera tabellen").fill(typed)
        assert page.locator("#glossary tbody tr:visible").count() == 1 and first() == "ÄLN", typed


def test_tables_work_without_the_script(browser, live_url):
    context = browser.new_context(base_url=live_url, locale=SWEDISH, java_script_enabled=False)
    page = context.new_page()
    page.goto("/ordlista")
    assert page.locator("#glossary tbody tr").count() > 20
    assert page.locator("#glossary thead button").count() == 0
    page.goto("/")
    assert not page.locator("#question-filter").is_visible()  # the search needs the script
    assert page.locator("#questions .questions li").count() >= 14
    context.close()


def test_question_search_on_the_start_page(page):
    page.goto("/")
    page.get_by_label("Sök bland frågorna").fill("citat")
    visible = page.locator("#questions .questions li:visible").all_inner_texts()
    assert len(visible) == 1 and "får fatta beslut" in visible[0]
    page.get_by_label("Sök bland frågorna").fill("zzzz")
    assert page.get_by_text("Ingen fråga matchar.").is_visible()


def test_dashboard_drill_down_and_body_profile(page):
    page.goto("/uppfoljning")
    page.locator("#trend tbody tr", has_text="2024").get_by_role("link", name="3", exact=True).click()
    assert page.url.endswith("#activities") and "status=Stopped" in page.url
    assert page.locator("#activities tbody tr").count() == 3
    page.goto("/id/body/samrad-hsvo-uppsala")
    page.get_by_role("link", name="Organets profil").click()
    assert page.locator("h1").inner_text().startswith("Samråd HSVO Uppsala")
    assert page.get_by_role("heading", name="Frågor om organet").is_visible()


def test_pictures_fit_a_desktop_page_with_legible_text(page):
    for path in ("/pictures/organisation", "/pictures/goal-tree", "/pictures/heatmap"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        svg = page.locator("figure.picture svg")
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, path
        smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('figure.picture svg text')]
            .map(t => t.getBoundingClientRect().height ? parseFloat(getComputedStyle(t).fontSize)
                      * t.ownerSVGElement.getScreenCTM().a : 99))""")
        assert smallest >= 11.9, (path, smallest)
    page.goto("/pictures/organisation")
    assert page.locator("figure svg path[marker-end]").count() > 5  # lines for part of / supports
    assert "Tjänstepersonsni" not in page.locator("figure svg").inner_html().replace("Tjänstepersonsnivå", "")


def test_wide_tables_fit_a_desktop_page(page):
    for path in ("/q/documents_and_decisions", "/q/body_involvement_by_year?body=SCN", "/uppfoljning"):
        page.goto(path)
        overflow = page.evaluate("[...document.querySelectorAll('.table-wrap')].some(w => w.scrollWidth > w.clientWidth)")
        assert not overflow, path


def test_the_organisation_chart_scales_down_on_a_phone(browser, live_url):
    context = browser.new_context(base_url=live_url, locale=SWEDISH, viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in ("/pictures/organisation", "/uppfoljning", "/jamfor", "/organ/samrad-hsvo-uppsala", "/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    context.close()


def test_api_docs_and_favicon_work_offline(page, live_url):
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto("/docs")
    page.wait_for_selector(".opblock-summary")
    assert page.locator(".opblock-summary").count() > 10
    assert hosts == {urlsplit(live_url).netloc}
    assert page.request.get("/favicon.ico").status == 200


@pytest.mark.skipif(os.environ.get("HSVO_SCREENSHOTS") != "1",
                    reason="set HSVO_SCREENSHOTS=1 (make screenshots) to regenerate docs/screenshots/")
def test_screenshots(browser, live_url):
    """The pictures of the README, regenerated from the running app."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {
        "start": ("/", 1280),
        "query": ("/q/activities_by_body_and_area?body=ÄLN&area=nära+vård&year=2025", 1280),
        "activity": ("/id/activity/uppsala-2025-20", 1280),
        "organisation": ("/pictures/organisation", 1280),
        "follow-up": ("/uppfoljning", 1280),
        "body-profile": ("/organ/samrad-hsvo-uppsala", 1280),
        "compare": ("/jamfor", 1280),
        "glossary": ("/ordlista", 1280),
        "editor": ("/sparql", 1280),
        "heatmap": ("/pictures/heatmap?year=2025", 1280),
        "goal-tree": ("/pictures/goal-tree?year=2024", 1280),
        "phone-query": ("/q/activities_by_body_and_area?body=ÄLN&area=nära+vård&year=2025", 390),
    }
    for name, (path, width) in shots.items():
        context = browser.new_context(base_url=live_url, locale=SWEDISH, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(path)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=width < 600)
        context.close()
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000

"""The pages in a real browser: headless Chromium (Debian's, installed by
scripts/install-system-deps.sh) driven by Playwright against the app served by uvicorn on
a free 127.0.0.1 port.

``HSVO_SCREENSHOTS=1`` (``make screenshots``) also regenerates docs/screenshots/.
"""

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hsvo_graph.config import PROJECT_ROOT

from .expected import ALN_NARA_VARD_2025

SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
QUESTION = "Vilka aktiviteter har ett organ inom ett fokusområde?"


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def _ask_aln_nara_vard(page) -> None:
    page.goto("/")
    page.get_by_role("link", name=QUESTION).click()
    page.get_by_label("Organ").select_option(label="ÄLN – Äldrenämnden")
    page.get_by_label("Fokusområde").select_option(label="Nära vård")
    page.get_by_role("checkbox", name="2025").check()
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


def test_print_view_shows_the_answer_without_the_page_furniture(page):
    _ask_aln_nara_vard(page)
    page.emulate_media(media="print")
    assert not page.locator("form.query").is_visible()
    assert not page.locator("header.site").is_visible()
    assert page.locator("table#results").is_visible()


def test_phone_width_has_no_sideways_scrolling(browser, live_url):
    context = browser.new_context(base_url=live_url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/q/activities_by_body_and_area?body=ÄLN&area=nära+vård&year=2025")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("table#results td[data-label='Titel']").first.is_visible()
    context.close()


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
        "heatmap": ("/pictures/heatmap?year=2025", 1280),
        "goal-tree": ("/pictures/goal-tree?year=2024", 1280),
        "phone-query": ("/q/activities_by_body_and_area?body=ÄLN&area=nära+vård&year=2025", 390),
    }
    for name, (path, width) in shots.items():
        context = browser.new_context(base_url=live_url, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(path)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=width < 600)
        context.close()
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000

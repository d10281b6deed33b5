"""The admin API's refusals (401 no or wrong token, 403 writes disabled, 404 no such plan)
in Swedish or English, negotiated as for pages (?lang=, the cookie, Accept-Language): plain
text for programs (English when they ask for no language, as every other API message), a
page for browsers (Swedish by default)."""

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings

TOKEN = "hemligt"
SV_401 = "Det här kräver en giltig administratörsnyckel"
EN_401 = "This needs a valid admin token"


@pytest.fixture(scope="module")
def guarded(store) -> Iterator[TestClient]:
    settings = Settings(store="embedded", store_path=None, changes_log=None, admin_token=TOKEN)
    with TestClient(create_app(settings, store)) as client:
        yield client


@pytest.fixture(scope="module")
def unguarded(store) -> Iterator[TestClient]:
    settings = Settings(store="embedded", store_path=None, changes_log=None, admin_token=None)
    with TestClient(create_app(settings, store)) as client:
        yield client


def _get(client: TestClient, path: str, **headers: str):
    client.cookies.clear()
    response = client.get(path, headers=headers)
    client.cookies.clear()
    return response


@pytest.mark.parametrize(("path", "headers", "says"), [
    ("/admin/plans", {}, EN_401),              # a program that asks for no language: English
    ("/admin/plans", {"Accept-Language": "sv-SE"}, SV_401),
    ("/admin/plans", {"Accept-Language": "en-GB,en;q=0.8"}, EN_401),
    ("/admin/plans?lang=en", {"Accept-Language": "sv"}, EN_401),    # ?lang wins
    ("/admin/plans", {"Cookie": "lang=en", "Accept-Language": "sv"}, EN_401),
    ("/admin/plans?lang=sv", {"Accept-Language": "en"}, SV_401),
    ("/admin/plans", {"Authorization": "Bearer wrong", "Accept-Language": "en"}, EN_401),
])
def test_a_missing_or_wrong_token_is_told_in_the_negotiated_language(guarded, path, headers, says):
    response = _get(guarded, path, **headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.text.startswith(says)


@pytest.mark.parametrize(("lang", "says"), [
    ("sv", "Det finns ingen importerad plan 'no-such-plan'."),
    ("en", "There is no imported plan 'no-such-plan'."),
])
def test_no_such_plan_is_told_in_the_negotiated_language(guarded, lang, says):
    admin = {"Authorization": f"Bearer {TOKEN}", "Accept-Language": lang}
    assert _get(guarded, "/admin/plans/no-such-plan", **admin).text == says + "\n"
    in_force = _get(guarded, "/admin/plans/no-such-plan/report", **admin)
    assert in_force.status_code == 404 and "'no-such-plan'" in in_force.text
    assert ("gäller" if lang == "sv" else "is in force") in in_force.text
    page = _get(guarded, f"/admin/plans/no-such-plan?lang={lang}", Accept="text/html",
                Authorization=f"Bearer {TOKEN}")
    assert page.status_code == 404 and f'<html lang="{lang}">' in page.text and says in html.unescape(page.text)


@pytest.mark.parametrize(("lang", "says"), [
    ("sv", "Skrivningar över HTTP är avstängda"), ("en", "Writes over HTTP are disabled")])
def test_writes_switched_off_are_told_in_the_negotiated_language(unguarded, lang, says):
    response = _get(unguarded, f"/admin/plans?lang={lang}")
    assert response.status_code == 403 and response.text.startswith(says)
    page = _get(unguarded, "/admin/plans", Accept="text/html", **{"Accept-Language": lang})
    assert page.status_code == 403 and f'<html lang="{lang}">' in page.text and says in page.text


def test_a_wrong_token_on_the_upload_page_is_told_on_the_upload_page(guarded):
    """The page's import refuses a wrong token on the page itself (the form kept), not on an
    error page."""
    guarded.cookies.clear()
    page = guarded.post("/validate/import?lang=en", data={"token": "wrong"}, headers={"Accept": "text/html"},
                        files={"file": ("plan.csv", b"Aktivitet\nx\n", "text/csv")})
    assert page.status_code == 401
    assert "wrong or missing admin token" in page.text and 'enctype="multipart/form-data"' in page.text

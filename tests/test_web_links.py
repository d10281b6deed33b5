"""Links that keep a language chosen with ``?lang=`` for a reader whose next request would
not get it (cookies blocked, a browser of the other language), and only then
(``web.links``)."""

import re

import pytest


def _links_and_forms(client, url: str, **headers: str) -> tuple[list[str], str]:
    client.cookies.clear()
    response = client.get(url, headers={"Accept": "text/html", **headers})
    client.cookies.clear()
    assert response.status_code == 200
    return re.findall(r'\s(?:href|action|formaction)="(/[^"]*)"', response.text), response.text


def test_a_language_chosen_with_lang_is_kept_by_every_link_when_cookies_are_blocked(client):
    """An English choice made with ?lang=en on a Swedish browser that blocks cookies: every
    link to a page, the export links, the GET forms (a hidden field) and the POST forms keep
    it; the switcher names the other language; files and the JSON for programs are left."""
    links, page = _links_and_forms(client, "/q/bodies_and_mandates?body=SCN&lang=en", **{"Accept-Language": "sv"})
    assert "/uppfoljning?lang=en" in links and "/?lang=en#questions" in links
    assert "/q/bodies_and_mandates?body=SCN&amp;lang=sv" in links  # the switcher
    assert "/q/bodies_and_mandates?body=SCN&amp;format=csv&amp;lang=en" in links
    assert "/q/bodies_and_mandates?body=SCN&amp;format=json" in links
    assert "/static/css/site.css" in links
    assert re.search(r'<form class="query" method="get" action="/q/bodies_and_mandates">'
                     r'<input type="hidden" name="lang" value="en">', page)
    links, _ = _links_and_forms(client, "/q/body_involvement_by_year?body=SCN&lang=en", **{"Accept-Language": "sv"})
    assert any(link.startswith("/id/activity/") and link.endswith("?lang=en") for link in links)
    _, upload = _links_and_forms(client, "/validate?lang=en", **{"Accept-Language": "sv"})
    assert 'action="/validate?lang=en"' in upload


@pytest.mark.parametrize(("url", "headers"), [
    ("/q/bodies_and_mandates?body=SCN&lang=en", {"Accept-Language": "en-GB,en;q=0.9"}),  # the browser's anyway
    ("/q/bodies_and_mandates?body=SCN", {"Accept-Language": "en"}),
    ("/q/bodies_and_mandates?body=SCN", {"Cookie": "lang=en", "Accept-Language": "sv"}),
    ("/q/bodies_and_mandates?body=SCN&lang=sv", {}),  # Swedish is the default
])
def test_links_stay_clean_when_the_next_page_gets_the_language_anyway(client, url, headers):
    links, page = _links_and_forms(client, url, **headers)
    switcher = [link for link in links if "lang=" in link and "format=" not in link]
    assert len(switcher) == 1, switcher
    assert "/uppfoljning" in links and 'name="lang"' not in page


def test_the_switcher_of_a_form_answer_leads_to_the_form_page(client):
    """A page that answers a POST switches language to the page the form is on (the POST
    address may not answer GET: /validate/import is 405)."""
    client.cookies.clear()
    refused = client.post("/validate/import?lang=en", data={"token": "x"}, headers={"Accept": "text/html"},
                          files={"file": ("plan.csv", b"Aktivitet\nx\n", "text/csv")})
    assert refused.status_code == 403  # no admin token on this server
    assert '<a class="lang" href="/validate?lang=sv"' in refused.text
    assert client.get("/validate/import?lang=sv", headers={"Accept": "text/html"}).status_code == 405


def test_an_upload_too_large_from_the_page_is_told_on_a_page(client):
    """Before the form is read there is no format= yet: a browser gets a page in its language,
    a program the JSON."""
    client.cookies.clear()
    files = {"file": ("plan.csv", b"x" * 5_200_000, "text/csv")}
    page = client.post("/validate?lang=en", data={"format": "html"}, files=files, headers={"Accept": "text/html"})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in page.text
    program = client.post("/validate", files=files)
    assert program.status_code == 413 and program.headers["content-type"].startswith("application/json")

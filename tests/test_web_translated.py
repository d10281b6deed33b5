"""The interface words written into the templates when they are compiled
(``web.translated``) give exactly the pages that translating them at run time gives, in
both languages; a word computed at run time, an attribute named ``t`` and an unknown key are
left to the run time."""

import sys

import jinja2
import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api import rendering
from hsvo_graph.web.i18n import MESSAGES, Translator
from hsvo_graph.web.links import carried_language, keep_language
from hsvo_graph.web.translated import TranslatedWords

HTML = {"Accept": "text/html"}
PAGES = ["/", "/q/stopped_activities", "/ordlista", "/validate", "/uppfoljning", "/jamfor",
         "/q/activities_by_body_and_area?body=%C3%84LN&area=n%C3%A4ra%20v%C3%A5rd&year=2025",
         "/q/activities_by_body_and_area?body=%C3%84LN&area=v%C3%A5rd&year=abc",  # a form error
         "/q/no_such_question", "/id/body/no-such-body"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_pages_are_the_same_as_when_translated_at_run_time(
        client: TestClient, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page of a small tour, rendered again from the very same context by the same
    templates with every word translated at run time, is the same to the byte (rendered
    again, not asked again: two answers of a query may differ in the order of equal rows)."""
    rendered = []
    real = rendering.render

    def keeping(request, template, context, status_code=200):  # type: ignore[no-untyped-def]
        response = real(request, template, context, status_code)
        rendered.append((request, template, dict(context), response.body.decode("utf-8")))
        return response

    for name, module in list(sys.modules.items()):  # the route modules import it by name
        if name.startswith("hsvo_graph.") and getattr(module, "render", None) is real:
            monkeypatch.setattr(module, "render", keeping)
    statuses = [client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}", headers=HTML).status_code
                for path in PAGES]
    assert statuses == [200, 200, 200, 200, 200, 200, 200, 400, 404, 404]
    assert len(rendered) >= len(PAGES)
    at_run_time = jinja2.Environment(loader=rendering.TEMPLATES[lang].env.loader,
                                     autoescape=jinja2.select_autoescape())
    at_run_time.filters.update(rendering.TEMPLATES[lang].env.filters)
    at_run_time.globals.update(rendering.TEMPLATES[lang].env.globals)
    for request, template, context, written in rendered:
        again = at_run_time.get_template(template).render(
            {**context, **rendering.page_context(request, lang, context.get("form_page")), "request": request})
        carried = carried_language(request.query_params.get("lang"), request.cookies.get("lang"),
                                   request.headers.get("accept-language"))
        assert written == (keep_language(again, carried) if carried else again), template


def test_only_a_call_of_t_with_one_known_literal_is_written_in() -> None:
    environment = jinja2.Environment(autoescape=True, extensions=[TranslatedWords])
    environment.language = "en"  # type: ignore[attr-defined]
    key = next(k for k, v in MESSAGES.items() if v["en"] != v["sv"])
    template = environment.from_string(
        '{{ t("%s") }}|{{ t("fi" ~ "lter_x") }}|{{ x.t("%s") }}|{{ st("%s") }}|{{ t("no_such") }}'
        % (key, key, key))
    calls = []

    def runtime(word: str) -> str:
        calls.append(word)
        return f"<{word}>"

    class Holder:
        t = staticmethod(runtime)

    out = template.render(t=runtime, x=Holder, st=runtime)
    assert out.split("|")[0] == str(jinja2.utils.markupsafe.escape(MESSAGES[key]["en"]))
    assert calls == ["filter_x", key, key, "no_such"]  # all but the first at run time
    assert "&lt;no_such&gt;" in out  # and escaped as before
    with pytest.raises(KeyError):  # the real translator still refuses an unknown key
        environment.from_string('{{ t("no_such") }}').render(t=Translator("en"))

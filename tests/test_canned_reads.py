"""What a canned answer reads, and where: a warm page or JSON answer awaits its one query on
the event loop (no thread hop), kept dataset-wide readings (form options, glossary, latest
year) are dropped by a write, and the next page shows the write."""

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef

import hsvo_graph.api.routes.canned as canned_route
from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.namespaces import HSVO, ID
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.web.collation import collation_key
from hsvo_graph.web.display import result_table

HTML = {"Accept": "text/html"}
PREFIXES = """PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def stopped(n: int, year: int, title: str, board: str, abbreviation: str) -> str:
    """A stopped activity in ``year`` with one participating board (and its abbreviation)."""
    return PREFIXES + f"""INSERT DATA {{ GRAPH <urn:test:canned{n}> {{
  <{ID}activity/test-{n}> hsvo:hasOutcome <{ID}outcome/test-{n}> ; rdfs:label "{title}"@sv ;
      hsvo:year {year} ; hsvo:participatingBody <{ID}body/test-{n}> .
  <{ID}outcome/test-{n}> hsvo:status hsvo:Stopped ; hsvo:summary "Skäl {n}"@sv .
  <{ID}body/test-{n}> a hsvo:Board, hsvo:Body ; rdfs:label "{board}"@sv ;
      hsvo:abbreviation "{abbreviation}" . }} }}"""


@pytest.fixture
def service(tmp_path: Path, settings: Settings) -> Iterator[TestClient]:
    """The service on a store of its own, which the test writes to."""
    own = settings.model_copy(update={"query_workers": 1, "query_memory_image": False})
    store = EmbeddedStore(tmp_path / "store")
    store.update(stopped(1, 2024, "Första aktiviteten", "Testnämnden", "TSTN"))
    with TestClient(create_app(own, store)) as client:
        yield client
    store.close()


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions the canned route runs in a thread."""
    seen: list[str] = []
    original = canned_route.run_in_threadpool

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(function, "__name__", repr(function)))
        return await original(function, *args, **kwargs)

    monkeypatch.setattr(canned_route, "run_in_threadpool", counted)
    return seen


def test_the_next_page_shows_a_write_with_its_new_options_and_abbreviations(service, hops) -> None:
    first = service.get("/q/stopped_activities", headers=HTML)
    assert first.status_code == 200
    assert "Första aktiviteten" in first.text and 'value="2024"' in first.text
    assert f'href="/id/activity/test-1"' in first.text
    assert '<abbr title="Testnämnden">TSTN</abbr>' in first.text
    assert hops  # the first page read the form options and the glossary in a thread
    hops.clear()
    again = service.get("/q/stopped_activities", headers=HTML)
    assert again.text.count("<tr>") == first.text.count("<tr>")
    assert hops == []  # all kept: the query awaited on the event loop, nothing in a thread
    assert service.get("/q/stopped_activities", headers={"Accept": "application/json"}).json()["count"] == 1
    assert hops == []

    service.app.state.store.update(stopped(2, 2031, "Andra aktiviteten", "Nynämnden", "NYN"))
    after = service.get("/q/stopped_activities", headers=HTML)
    assert "Andra aktiviteten" in after.text  # the answer
    assert 'value="2031"' in after.text  # the year options, read again
    assert '<abbr title="Nynämnden">NYN</abbr>' in after.text  # the glossary, read again
    english = service.get("/q/stopped_activities", params={"lang": "en"}, headers=HTML)
    assert "Andra aktiviteten" in english.text and 'value="2031"' in english.text
    answer = service.get("/q/stopped_activities", headers={"Accept": "application/json"}).json()
    assert answer["count"] == 2
    only = service.get("/q/stopped_activities", params={"year": "2031"},
                       headers={"Accept": "application/json"}).json()
    assert [row["title"] for row in only["rows"]] == ["Andra aktiviteten"]


def test_a_bad_argument_on_the_fast_path_is_still_a_400(service) -> None:
    service.get("/q/stopped_activities", headers=HTML)  # everything kept from here on
    page = service.get("/q/stopped_activities", params={"year": "tjugo"}, headers=HTML)
    assert page.status_code == 400 and "År: ange ett år med fyra siffror" in page.text
    answer = service.get("/q/stopped_activities", params={"year": "tjugo"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 400


class Recording:
    """A reader that answers every label query with nothing and notes what it was asked."""

    def __init__(self) -> None:
        self.asked: list[set[str]] = []

    def select(self, query: str, bindings: Any = None) -> Any:
        from hsvo_graph.sparql.reader import Table

        self.asked.append({str(i) for i in (bindings or {}).get("s", [])})
        return Table(["s", "label", "rank"], [])

    def remembered(self, key: Any, compute: Any) -> Any:
        return compute(self)


def test_a_table_reads_labels_only_for_what_it_shows_by_label() -> None:
    activity, other = URIRef(f"{ID}activity/a1"), URIRef("https://example.org/elsewhere")
    rows = [{"title": Literal("Aktivitet"), "activity": activity, "year": Literal(2024)}]
    reader = Recording()
    shown = result_table(reader, rows, ["title", "activity", "year"], headings={},
                         links={"title": "activity"}, lang="sv")
    assert reader.asked == []  # a link to a data IRI shows the title: no label query
    assert shown.rows[0][0].href == "/id/activity/a1"
    vocabulary = [{"title": Literal("kod"), "target": other, "body": activity}]
    result_table(reader, vocabulary, ["title", "target", "body"], headings={},
                 links={"title": "target"}, lang="sv")
    assert reader.asked == [{str(other), str(activity)}]  # the term without a page, and an IRI column
    status = [{"status": HSVO.Stopped, "title": Literal("x")}]
    result_table(reader, status, ["status", "title"], headings={}, links={}, lang="sv")
    assert reader.asked[-1] == {str(HSVO.Stopped)}  # a status is shown by its label from the graph


JSON = {"Accept": "application/json"}


def involved(n: int, abbreviation: str, label: str) -> str:
    """An activity of 2024 that a body of its own (with ``abbreviation`` and ``label``) is
    responsible for."""
    return PREFIXES + f"""INSERT DATA {{ GRAPH <urn:test:involved{n}> {{
  <{ID}activity/inv-{n}> a hsvo:Activity ; rdfs:label "Uppdrag {n}"@sv ; hsvo:year 2024 ;
      hsvo:responsibleBody <{ID}body/inv-{n}> .
  <{ID}body/inv-{n}> a hsvo:Board, hsvo:Body ; rdfs:label "{label}"@sv ;
      hsvo:abbreviation "{abbreviation}" . }} }}"""


def titles(service: TestClient, *names: str) -> list[str]:
    answer = service.get("/q/body_involvement_by_year", params={"body": list(names)}, headers=JSON)
    assert answer.status_code == 200, answer.text
    return [row["title"] for row in answer.json()["rows"]]


def test_a_body_is_found_by_any_of_its_names_and_a_write_that_renames_one_is_seen_at_once(
        service, hops) -> None:
    store = service.app.state.store
    store.update(involved(1, "ÄLN", "Äldrenämnden"))
    assert titles(service, " äLn ") == ["Uppdrag 1"]
    assert "_defaults_and_run" in hops  # the body names were read, in a thread
    hops.clear()
    assert titles(service, "ÄLDRENÄMNDEN") == ["Uppdrag 1"]
    assert titles(service, "äldrenämnden", "Nobody") == ["Uppdrag 1"]
    assert hops == []  # kept: the name resolved and the query awaited on the event loop
    service.get("/q/body_involvement_by_year", params={"body": "ÄLN"}, headers=HTML)  # options kept
    hops.clear()
    page = service.get("/q/body_involvement_by_year", params={"body": "äldrenämnden"}, headers=HTML)
    # a warm page binds and asks on the event loop (only the role's label is read in a thread)
    assert "Uppdrag 1" in page.text and hops == ["_shown"]
    assert titles(service, "Nobody") == []
    assert titles(service, 'x" } UNION { ?s ?p ?o } #\nSELECT') == []

    store.update(involved(2, "NYN", "Nynämnden"))  # a new body
    store.update(PREFIXES + f"""DELETE DATA {{ GRAPH <urn:test:involved1> {{
      <{ID}body/inv-1> rdfs:label "Äldrenämnden"@sv ; hsvo:abbreviation "ÄLN" }} }};
      INSERT DATA {{ GRAPH <urn:test:involved1> {{
      <{ID}body/inv-1> rdfs:label "Seniornämnden"@sv ; hsvo:abbreviation "SEN" }} }}""")  # renamed
    assert titles(service, "nyn") == ["Uppdrag 2"]
    assert titles(service, "Seniornämnden") == titles(service, "SEN") == ["Uppdrag 1"]
    assert titles(service, "ÄLN") == []
    assert sorted(titles(service, "SEN", "Nynämnden")) == ["Uppdrag 1", "Uppdrag 2"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unknown_body_is_an_answer_with_no_rows_and_a_blank_one_a_400(service, lang) -> None:
    for _ in range(2):  # the first reads the body names in a thread, the second on the loop
        answer = service.get("/q/body_involvement_by_year", params={"body": "Ingen sådan", "lang": lang},
                             headers=JSON)
        assert answer.status_code == 200 and answer.json()["count"] == 0
        page = service.get("/q/body_involvement_by_year", params={"body": "Ingen sådan", "lang": lang},
                           headers=HTML)
        assert page.status_code == 200
        assert ("Inga träffar." if lang == "sv" else "No matches.") in page.text
        assert "<q>Ingen sådan</q>" in page.text
        optional = service.get("/q/recurring_activities", params={"body": "Ingen sådan", "lang": lang},
                               headers=JSON)
        assert optional.status_code == 200 and optional.json()["count"] == 0
    blank = {"body": " \t ", "lang": lang}
    answer = service.get("/q/body_involvement_by_year", params=blank, headers=JSON)
    assert answer.status_code == 400 and "body: required parameter is missing" in answer.text
    page = service.get("/q/body_involvement_by_year", params=blank, headers=HTML)
    assert page.status_code == 200 and "<table" not in page.text  # nothing asked yet: the form


def test_a_result_tables_rows_are_the_html_the_template_loop_wrote() -> None:
    """``ResultTable.head`` and ``body`` write the headings and rows in Python (the
    template's loops cost five times as much): the HTML must be what the template's loops
    wrote, headings and values escaped, for every kind of cell."""
    import jinja2

    from hsvo_graph.web.display import Cell, ResultTable

    loop = jinja2.Environment(autoescape=True).from_string(
        '{% for h in results.headings %}<th scope="col">{{ h }}</th>{% endfor %}|'
        '{% for row in results.rows %}<tr>{% for c in row %}<td data-label="{{ results.headings'
        '[loop.index0] }}">{{ c }}</td>{% endfor %}</tr>{% if not loop.last %}\n{% endif %}'
        '{% endfor %}')
    rows = [[Cell('<script>"x" & y</script>'), Cell("Äldrenämnden", href="/id/body/a?b=1&c=\"2\""),
             Cell("Avslutad", status="stopped", symbol="✕", iri="urn:s"),
             Cell("ÄLN, <SN>", abbreviations=(("ÄLN", 'Äldre"nämnden'), ("<SN>", "S & N")))],
            [Cell(""), Cell("text", lang="sv"), Cell("=SUM(A1)", lang="en\" onclick=\"x"), Cell("4")]]
    table = ResultTable(["a", "b", "c", "d"], ['Titel "x"', "<b>", "Å & Ä", "d'"], rows)
    html = f"{table.head()}|{table.body()}"
    assert html == loop.render(results=table)
    assert "<script>" not in html and 'data-label="Titel &#34;x&#34;"' in html
    assert str(ResultTable(["a"], ["A"], []).body()) == ""


def test_a_drop_downs_groups_and_choices_are_worked_out_as_the_template_did() -> None:
    """The groups of a drop-down are kept with its options (``Offered``) instead of being
    sorted by the template for every page: they must be what Jinja's ``groupby`` gave, and a
    submitted value must select what it did, however it is typed; one the list lacks is
    offered once and selected."""
    import jinja2

    from hsvo_graph.web.choices import Choice, Offered, selected

    options = [Choice("SN", "Socialnämnden", "nämnd"), Choice("2025", "2025"),
               Choice("ÄLN", "Äldrenämnden", "Nämnd"), Choice("vs", "Vård", "samråd"),
               Choice("2024", "2024"), Choice("AU", "Arbetsutskott", "Arbetsutskott"),
               Choice("Vs", "Vård i samverkan", "samråd")]
    offer = Offered.of(options, collation_key("sv"))
    jinja = jinja2.Environment().from_string(
        '{% for g, os in options | groupby("group") %}{{ g }}:{% for o in os %}{{ o.value }},'
        '{% endfor %};{% endfor %}')
    shown = "".join(f"{g}:" + "".join(f"{o.value}," for o in os) + ";" for g, os in offer.groups)
    assert shown == jinja.render(options=options) == ":2025,2024,;Arbetsutskott:AU,;nämnd:SN,ÄLN,;samråd:vs,Vs,;"

    assert selected(offer, []) == (options, offer.groups, set())
    assert selected(offer, ["  äln ", "", "VS"])[1:] == (offer.groups, {"ÄLN", "vs", "Vs"})
    listed, groups, chosen = selected(offer, ["Ny  nämnd", "ny nämnd", "sn"])
    assert listed == [*options, Choice("Ny  nämnd", "Ny  nämnd")]
    assert chosen == {"SN", "Ny  nämnd"}
    assert groups[0] == ("", [Choice("2025", "2025"), Choice("2024", "2024"),
                              Choice("Ny  nämnd", "Ny  nämnd")])


def test_a_forms_options_are_the_html_the_template_loops_wrote() -> None:
    """``Field.options_html`` and ``chips_html`` write a drop-down's options in Python (with
    the graph's sixty bodies the template's loops were a large part of a page): the HTML
    must be what the loops wrote, every value and text escaped, the chosen ones marked."""
    import jinja2

    from hsvo_graph.web.choices import Choice, Offered, selected
    from hsvo_graph.web.forms import Field
    from hsvo_graph.web.i18n import capfirst

    environment = jinja2.Environment(autoescape=True)
    environment.filters["capfirst"] = capfirst
    loops = environment.from_string(
        '{% for group, options in f.options | groupby("group") %}{% if group %}<optgroup label="'
        '{{ group | capfirst }}">{% endif %}{% for o in options %}<option value="{{ o.value }}"'
        '{% if o.value in f.chosen %} selected{% endif %}>{{ o.text }}</option>{% endfor %}'
        '{% if group %}</optgroup>{% endif %}{% endfor %}|{% for o in f.options %}<label class='
        '"chip"><input type="checkbox" name="{{ f.name }}" value="{{ o.value }}"{% if o.value in'
        ' f.chosen %} checked{% endif %}> {{ o.text }}</label>{% endfor %}')
    offer = Offered.of([Choice('a"b', "<script>x</script>", "nämnd & <råd>"), Choice("2025", "2025"),
                        Choice("ÄLN", "Äldre'nämnden", "nämnd & <råd>"), Choice("x&y", "X & Y", "åtgärd")],
                       collation_key("sv"))
    for submitted in ([], ['A"B', "äln"], ["<new>"]):
        options, groups, chosen = selected(offer, submitted)
        field = Field('n"ame', "Label", "body", False, True, None, options, groups, chosen)
        written = f"{field.options_html()}|{field.chips_html()}"
        assert written == loops.render(f=field)
        assert "<script>" not in written and "<new>" not in written
    assert written.count(" selected") == 1 and 'value="&lt;new&gt;" selected' in written


def body_options(page: str) -> list[str]:
    """The texts of the body drop-down's options, in the order the page lists them."""
    select = re.search(r'<select[^>]*name="body".*?</select>', page, re.S)
    assert select, "the page has no body drop-down"
    return [html.unescape(text) for text in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))]


def test_names_are_listed_in_the_page_languages_order(service) -> None:
    """Swedish puts å ä ö after z, in that order (code points put Ä before Å, and "Hälso-"
    before "Håbo", and lower case after every capital); English puts them beside a and o.
    The body drop-down follows the page's language."""
    names = {"HÄL": "Hälso- och sjukvårdsnämnden", "HÅB": "Håbo kommunstyrelse",
             "ÅNG": "Ångbåtsnämnden", "ÄLV": "Älvkarleby socialnämnd", "ÖST": "Östhammars nämnd",
             "ZN": "Zonnämnden", "äld": "äldrerådet"}
    for n, (abbreviation, label) in enumerate(names.items(), start=10):
        service.app.state.store.update(involved(n, abbreviation, label))
    swedish = [t for t in body_options(service.get("/q/activities_by_body_and_area", headers=HTML).text)
               if t.split(" – ")[0] in names]
    assert swedish == ["HÅB – Håbo kommunstyrelse", "HÄL – Hälso- och sjukvårdsnämnden",
                       "ZN – Zonnämnden", "ÅNG – Ångbåtsnämnden", "äld – äldrerådet",
                       "ÄLV – Älvkarleby socialnämnd", "ÖST – Östhammars nämnd"]
    english = [t for t in body_options(service.get("/q/activities_by_body_and_area", params={"lang": "en"},
                                                   headers=HTML).text) if t.split(" – ")[0] in names]
    assert english == ["äld – äldrerådet", "ÄLV – Älvkarleby socialnämnd", "ÅNG – Ångbåtsnämnden",
                       "HÅB – Håbo kommunstyrelse", "HÄL – Hälso- och sjukvårdsnämnden",
                       "ÖST – Östhammars nämnd", "ZN – Zonnämnden"]


def test_a_drop_downs_groups_follow_the_page_language() -> None:
    from hsvo_graph.web.choices import Choice, Offered

    options = [Choice("1", "ett", "övrigt"), Choice("2", "två", "ärenden"), Choice("3", "tre", "åtgärder"),
               Choice("4", "fyra", "Zon"), Choice("5", "fem", "arbete")]
    assert [g for g, _ in Offered.of(options, collation_key("sv")).groups] == [
        "arbete", "Zon", "åtgärder", "ärenden", "övrigt"]
    assert [g for g, _ in Offered.of(options, collation_key("en")).groups] == [
        "arbete", "ärenden", "åtgärder", "övrigt", "Zon"]


def many_bodies(count: int) -> str:
    """``count`` boards, each responsible for an activity of 2024 (as a country-wide graph
    has two thousand)."""
    statements = "\n".join(
        f"""<{ID}activity/many-{n}> a hsvo:Activity ; rdfs:label "Uppdrag för nämnd {n}"@sv ;
      hsvo:year 2024 ; hsvo:responsibleBody <{ID}body/many-{n}> .
  <{ID}body/many-{n}> a hsvo:Board, hsvo:Body ; rdfs:label "Nämnd nummer {n}"@sv ;
      hsvo:abbreviation "NN{n}" ."""
        for n in range(count))
    return PREFIXES + f"INSERT DATA {{ GRAPH <urn:test:many> {{ {statements} }} }}"


def test_a_long_list_of_bodies_is_a_box_that_suggests_them(service) -> None:
    """From ``SEARCH_FROM`` options on, a body is typed with the options as suggestions
    (``<datalist>``) instead of picked from a drop-down or ticked among check boxes; what
    was typed stays in the box, the bodies already chosen stay ticked above it, and the
    typed value is matched as any other (case and spacing do not matter)."""
    from hsvo_graph.web.forms import SEARCH_FROM

    service.app.state.store.update(many_bodies(SEARCH_FROM))
    page = service.get("/q/bodies_and_mandates", params={"body": "  nn7 "}, headers=HTML)
    assert page.status_code == 200
    assert '<select id="p-body"' not in page.text
    assert re.search(r'<input id="p-body" name="body" type="search" list="p-body-list" value="  nn7 "', page.text)
    suggestions = re.search(r'<datalist id="p-body-list">(.*?)</datalist>', page.text, re.S)
    assert suggestions and suggestions.group(1).count("<option") >= SEARCH_FROM
    assert '<option value="NN7">NN7 – Nämnd nummer 7</option>' in suggestions.group(1)
    assert "välj bland förslagen" in page.text

    several = service.get("/q/body_involvement_by_year", params={"body": ["NN3", "nn5"], "lang": "en"},
                          headers=HTML)
    assert several.status_code == 200
    form = re.search(r'<form class="query".*?</form>', several.text, re.S).group(0)
    ticked = re.findall(r'<input type="checkbox" name="body" value="([^"]*)" checked>', form)
    assert ticked == ["NN3", "NN5"] and form.count('type="checkbox" name="body"') == 2
    assert '<input id="p-body" name="body" type="search" list="p-body-list" value=""' in form
    assert "pick from the suggestions" in form
    rows = service.get("/q/body_involvement_by_year", params={"body": ["NN3", " nn5"]}, headers=JSON).json()["rows"]
    assert sorted(row["title"] for row in rows) == ["Uppdrag för nämnd 3", "Uppdrag för nämnd 5"]


def test_a_short_list_stays_a_drop_down(service) -> None:
    from hsvo_graph.web.forms import SEARCH_FROM

    service.app.state.store.update(many_bodies(SEARCH_FROM - 2))  # with the fixture's board: one short
    page = service.get("/q/bodies_and_mandates", headers=HTML)
    assert '<select id="p-body" name="body"' in page.text and "<datalist" not in page.text

"""Activity-unique (shapes/activities.ttl): an activity title once per local focus area of a
list, compared without case (the reader has already collapsed the title's whitespace).

The shape joins the activities on their lowercased title instead of comparing every pair in
an area: 2000 activities in one area took 14 s of the 17 s an unauthenticated upload costs,
and 0.04 s now. How fast is measured in benchmarks/validate_plan.py (``--rows``); here it is
counted: how many times the title is lowercased on a list of N activities in one area (N per
side of the join, not once per pair)."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from hsvo_graph.validation.check import _compiled, shapes_graph, validate_plan
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.model import SHAPES, Finding
from hsvo_graph.validation.plans import read_plan
from hsvo_graph.validation.shacl import _Sparql, store_rows
from hsvo_graph.validation.terms import to_ox_quad

HSVO = "https://w3id.org/hsvo-graph/ontology#"
EX = "https://example.org/unique/"
UNIQUE = str(SHAPES["Activity-unique"])
HEADING = "Prioriterat område;Lokalt fokusområde;Aktivitet;Uppföljning;Ansvar;År\n"
BROKEN = Path(__file__).parent / "plans" / "broken"


def _constraint() -> _Sparql:
    shape = next(s for s in _compiled(shapes_graph()).shapes if str(s.node) == UNIQUE)
    (constraint,) = shape.sparql
    return constraint


def _one_area(titles: list[str]) -> tuple[ox.Store, list[URIRef]]:
    """Activities with these titles, all in one list and one local focus area."""
    graph = Graph()
    activities = [URIRef(f"{EX}a{i}") for i in range(len(titles))]
    for activity, title in zip(activities, titles):
        graph.add((activity, RDFS.label, Literal(title, lang="sv")))
        graph.add((activity, URIRef(HSVO + "listedIn"), URIRef(EX + "list")))
        graph.add((activity, URIRef(HSVO + "localFocusArea"), URIRef(EX + "area")))
    store = ox.Store()
    store.extend(to_ox_quad(s, p, o) for s, p, o in graph)
    return store, activities


def test_the_title_is_lowercased_once_per_activity_not_once_per_pair() -> None:
    """The engine's query for 300 activities in one area (3 of them one title in three
    casings), with LCASE counted: the duplicates found are LCASE's, and the titles are
    lowercased a few times per activity (4 in pyoxigraph 0.5). The pairwise form lowercased two titles for each
    of the 90 000 pairs (14 s at the 2000-row cap)."""
    titles = [f"Aktivitet {i} om samverkan" for i in range(297)]
    titles += ["Utveckla samverkan", "utveckla SAMVERKAN", "UTVECKLA SAMVERKAN"]
    store, activities = _one_area(titles)
    constraint = _constraint()
    query = constraint.batch(activities)
    calls = 0

    def lcase(term: ox.Literal) -> ox.Literal:
        nonlocal calls
        calls += 1
        return ox.Literal(term.value.lower())

    counted = query.replace("LCASE(", "<urn:test:lcase>(")
    assert counted != query
    found = store.query(counted, custom_functions={ox.NamedNode("urn:test:lcase"): lcase})
    assert isinstance(found, ox.QuerySolutions)
    duplicates = sorted(str(row["value"].value) for row in found)
    assert duplicates == sorted(titles[-3:])
    assert sorted(str(row["value"]) for row in store_rows(store, query)) == duplicates
    assert calls <= 5 * len(titles), f"{calls} titles lowercased for {len(titles)} activities"


def _check(context: Context, rows: str, name: str = "aktivitetslista-uppsala-2026.csv") -> list[Finding]:
    plan = read_plan((HEADING + rows).encode(), name, meta_beside(BROKEN / name)[0], context)
    return validate_plan(plan, context).findings


def _unique(findings: list[Finding]) -> list[tuple[int | None, str | None, str | None, str, str]]:
    return [(f.row, f.value, f.column, f.message.sv, f.message.en) for f in findings if f.rule == UNIQUE]


def test_duplicates_across_case_and_whitespace_are_reported_as_written(context: Context) -> None:
    rows = (
        "Nära vård;Samsjuklighet;Utveckla samverkan kring samsjuklighet;Modell;OSN och VS;2026\n"
        "Nära vård;Samsjuklighet;UTVECKLA SAMVERKAN KRING SAMSJUKLIGHET;Modell;OSN och VS;2026\n"
        "Nära vård;Samsjuklighet;  utveckla   samverkan kring\tsamsjuklighet ;Modell;OSN och VS;2026\n"
        "Nära vård;Samsjuklighet;Utveckla samverkan kring samsjuklighet i länet;Modell;OSN och VS;2026\n"
    )
    found = _unique(_check(context, rows))
    written = [
        "Utveckla samverkan kring samsjuklighet",
        "UTVECKLA SAMVERKAN KRING SAMSJUKLIGHET",
        "utveckla samverkan kring samsjuklighet",
    ]
    assert found == [
        (row, title, "Aktivitet",
         f'Aktiviteten "{title}" står mer än en gång under samma lokala fokusområde i listan.',
         f'The activity "{title}" appears more than once under the same local focus area of the list.')
        for row, title in zip((2, 3, 4), written)
    ]


def test_the_same_title_in_other_areas_is_no_duplicate(context: Context) -> None:
    rows = (
        "Nära vård;Samsjuklighet;Utveckla samverkan;Modell;OSN och VS;2026\n"
        "Nära vård;Kunskapsstyrning;utveckla samverkan;Modell;OSN och VS;2026\n"
    )
    assert _unique(_check(context, rows)) == []


def test_the_same_title_in_another_list_is_no_duplicate(context: Context) -> None:
    """The 2025 list in the store has this activity under Samsjuklighet: the 2026 list may
    have it too, once; twice is a duplicate within the 2026 list only."""
    title = "Implementera och utveckla samverkansprocesser kring samsjuklighet med missbruk/beroende"
    in_2025 = [
        a for a in context.graph.subjects(RDFS.label, Literal(title, lang="sv"))
        if (a, RDF.type, URIRef(HSVO + "Activity")) in context.graph
    ]
    assert in_2025, "the seed's 2025 list holds the activity"
    once = f"Nära vård;Samsjuklighet;{title};Modell;OSN och VS;2026\n"
    assert _unique(_check(context, once)) == []
    twice = _unique(_check(context, once + once.replace("Implementera", "implementera")))
    assert [(row, value) for row, value, *_ in twice] == [(2, title), (3, "i" + title[1:])]


@pytest.mark.parametrize("n", [2, 5])
def test_every_copy_is_reported_once(context: Context, n: int) -> None:
    rows = "".join(f"Nära vård;Samsjuklighet;Genomföra pilot;Pilot {i};ÄLN och VS;2026\n" for i in range(n))
    assert [row for row, *_ in _unique(_check(context, rows))] == list(range(2, n + 2))

"""Comparisons side by side: one municipality's collaboration plan beside another's (vision,
focus areas, prioritised areas, sub-goals, bodies), and one year's activity list beside
another's (activities per prioritised area).

What both sides share is marked in words, so the differences stand out without colour.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import URIRef

from hsvo_graph.namespaces import HSVO
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq
from hsvo_graph.web.collation import collation_key
from hsvo_graph.web.display import fetch_labels, local_path
from hsvo_graph.web.followup import read_activities, slug
from hsvo_graph.web.page_values import Problems, filter_field, one_of, year_among

# Sections of a plan, in the order a plan reads.
SECTIONS = (HSVO.Vision, HSVO.FocusArea, HSVO.PriorityArea, HSVO.LocalFocusArea, HSVO.SubGoal, HSVO.Body)


@dataclass(frozen=True)
class Item:
    """One goal or body of a plan; ``shared`` when the other plan has it too."""

    name: str
    href: str | None
    code: str
    under: str
    shared: bool


@dataclass(frozen=True)
class Row:
    """One section of the plans, side by side."""

    heading: str
    left: list[Item]
    right: list[Item]


@dataclass(frozen=True)
class YearRow:
    """Activities of one prioritised area in the two years compared."""

    area: str
    left: int
    right: int


@dataclass(frozen=True)
class Comparison:
    """What compare.html shows."""

    plans: list[tuple[str, str]]
    left: str
    right: str
    rows: list[Row]
    years: list[int]
    year_left: int | None
    year_right: int | None
    year_rows: list[YearRow]
    #: the values it could not use (the defaults shown instead)
    problems: Problems


def _plan_contents(reader: Reader, plan: str) -> dict[str, dict[str, tuple[str | None, str]]]:
    """Section → item IRI → (broader IRI, code) of one plan."""
    sections: dict[str, dict[str, tuple[str | None, str]]] = {str(s): {} for s in SECTIONS}
    table = reader.select(load_rq("hsvo_graph.web", "plan_contents"), {"plan": [URIRef(plan)]})
    for row in table.rows:
        broader = str(row["broader"]) if row.get("broader") else None
        sections[str(row["section"])][str(row["item"])] = (broader, str(row.get("code") or ""))
    return sections


def compare(reader: Reader, arguments: Mapping[str, str], lang: str) -> Comparison:
    """Plans ``a`` and ``b`` (document slugs; default the first two plans) and years
    ``from`` and ``to`` (default the two latest list years) side by side; a value the graph
    does not have gets the default and is kept in ``problems``."""
    problems = Problems()
    plan_iris = [str(row["plan"]) for row in reader.select(load_rq("hsvo_graph.web", "plans")).rows]
    by_slug = {slug(p): p for p in plan_iris}
    asked = {side: problems.check(one_of, filter_field(side, f"compare_plan_{side}"), arguments.get(side), by_slug)
             for side in ("a", "b")}
    left = by_slug[asked["a"]] if asked["a"] else plan_iris[0] if plan_iris else ""
    right = by_slug[asked["b"]] if asked["b"] else next((p for p in plan_iris if p != left), left)
    contents = {p: _plan_contents(reader, p) for p in {left, right} if p}
    iris: set[str] = set()
    for sections in contents.values():
        for section in sections.values():
            for item, (broader, _) in section.items():
                iris.update(i for i in (item, broader) if i)
    labels = fetch_labels(reader, [*iris, *plan_iris, *(str(s) for s in SECTIONS)], lang)
    order = collation_key(lang)

    def items(plan: str, other: str, section: str) -> list[Item]:
        mine, theirs = contents.get(plan, {}).get(section, {}), contents.get(other, {}).get(section, {})
        listed = [Item(labels.get(i, i), local_path(i), code, labels.get(b, "") if b else "", i in theirs)
                  for i, (b, code) in mine.items()]
        return sorted(listed, key=lambda item: (item.code or "~", order(item.name)))

    rows = [Row(labels.get(str(s), str(s)), items(left, right, str(s)), items(right, left, str(s)))
            for s in SECTIONS]
    rows = [r for r in rows if r.left or r.right]

    activities = read_activities(reader)
    years = sorted({a.year for a in activities}, reverse=True)
    year_right = _year(arguments, "to", years, 0, problems)
    year_left = _year(arguments, "from", years, 1, problems)
    area_labels = fetch_labels(reader, {a.area for a in activities if a.area}, lang)
    counts: dict[int | None, Counter[str]] = {year_left: Counter(), year_right: Counter()}
    for a in activities:
        if a.year in counts:
            counts[a.year][area_labels.get(a.area or "", "–")] += 1
    names = sorted(set(counts[year_left]) | set(counts[year_right]), key=order)
    return Comparison(
        plans=sorted(((slug(p), labels.get(p, slug(p))) for p in plan_iris), key=lambda p: order(p[1])),
        left=slug(left), right=slug(right), rows=rows, years=years,
        year_left=year_left, year_right=year_right,
        year_rows=[YearRow(n, counts[year_left][n], counts[year_right][n]) for n in names],
        problems=problems,
    )



def _year(arguments: Mapping[str, str], name: str, years: list[int], position: int,
          problems: Problems) -> int | None:
    """The year asked for in ``name`` if the graph has activities then (a year it has not
    is kept in ``problems``), else the ``position``-th latest."""
    asked = problems.check(year_among, filter_field(name, f"compare_year_{name}"), arguments.get(name), years)
    if asked is not None:
        return asked
    return years[position] if len(years) > position else (years[0] if years else None)

"""Heatmap: how many activities of one year each body is responsible for or takes part in,
per area (the top of the local goal structure the activity's focus area belongs to)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from rdflib import XSD, Literal

from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq
from hsvo_graph.web.collation import collation_key
from hsvo_graph.web.pictures import activity_years
from hsvo_graph.web.pictures.svg import Canvas, wrap


# Light to dark; the count is always written in the cell, so colour is only a help.
_SCALE = ["#ffffff", "#dbe8f5", "#b3cfea", "#7fa9d6", "#3f78b5", "#0b4f8a"]


# A matrix bigger than this is scrolled, not read: the heatmap shows the bodies and the areas
# with the most activities and says how many it leaves out (the seed's lists have 8-9 bodies
# and 5 areas). At a million triples a year had 2 088 bodies and 1 565 areas: 3.3 million
# cells, which took the page minutes.
MAX_BODIES, MAX_AREAS = 30, 12


@dataclass
class Heatmap:
    """Counts per (body, area) for one year, with display names in a stable order: the
    bodies with the most activities first, the areas by name (at most ``MAX_BODIES`` and
    ``MAX_AREAS`` of them; ``all_bodies``, ``all_areas`` say how many the year has)."""

    year: int | None
    years: list[int]
    bodies: list[tuple[str, str, str]] = field(default_factory=list)  # iri, short, full name
    areas: list[tuple[str, str]] = field(default_factory=list)  # iri, name (in the page language)
    #: each area's Swedish name, by which a cell's link asks the question
    asked: dict[str, str] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)  # per body, over all its areas
    all_bodies: int = 0
    all_areas: int = 0

    @property
    def peak(self) -> int:
        return max(self.counts.values(), default=0)

    @property
    def capped(self) -> bool:
        """Whether bodies or areas of the year are left out."""
        return len(self.bodies) < self.all_bodies or len(self.areas) < self.all_areas

    def count(self, body: str, area: str) -> int:
        return self.counts.get((body, area), 0)

    def row_total(self, body: str) -> int:
        return self.totals.get(body, 0)


def heatmap_data(reader: Reader, year: int | None, lang: str) -> Heatmap:
    """The counts for ``year`` (the latest year with activities when None), the bodies and
    areas named in the order of the page language ``lang``."""
    years = activity_years(reader)
    chosen = year if year is not None else (years[0] if years else None)
    model = Heatmap(chosen, years)
    if chosen is None:
        return model
    table = reader.select(load_rq("hsvo_graph.web", "heatmap_counts"),
                          {"year": [Literal(chosen, datatype=XSD.integer)], "lang": [Literal(lang)]})
    bodies: dict[str, tuple[str, str, str]] = {}
    areas: dict[str, tuple[str, str]] = {}
    area_totals: dict[str, int] = {}
    for row in table.rows:
        body, area, n = str(row["body"]), str(row["area"]), int(row["n"])
        short = str(row.get("abbreviation") or row["bodyName"])
        bodies[body] = (body, short, str(row["bodyShown"]))
        areas[area] = (area, str(row["areaShown"]))
        model.asked[area] = str(row["areaName"])
        model.counts[(body, area)] = n
        model.totals[body] = model.totals.get(body, 0) + n
        area_totals[area] = area_totals.get(area, 0) + n
    model.all_bodies, model.all_areas = len(bodies), len(areas)
    order = collation_key(lang)
    model.bodies = sorted(bodies.values(), key=lambda b: (-model.totals[b[0]], order(b[1])))[:MAX_BODIES]
    busiest = sorted(areas.values(), key=lambda a: (-area_totals[a[0]], order(a[1])))[:MAX_AREAS]
    model.areas = sorted(busiest, key=lambda a: order(a[1]))
    return model


def cell_link(model: Heatmap, short: str, area: str) -> str:
    """The canned query that lists the activities behind one cell (the area asked for by
    its Swedish name, as the question matches it)."""
    query = urlencode({"body": short, "area": model.asked.get(area, area), "year": model.year or ""})
    return f"/q/activities_by_body_and_area?{query}"


def shade(n: int, peak: int) -> tuple[str, str]:
    """Fill and text colour of a cell with ``n`` activities (text stays readable on it)."""
    if n == 0 or peak == 0:
        return _SCALE[0], "#4d4d4d"
    step = 1 + round((len(_SCALE) - 2) * (n - 1) / max(peak - 1, 1))
    return _SCALE[step], "#ffffff" if step >= 4 else "#1b1b1b"


def legend(peak: int) -> list[tuple[str, str]]:
    """The colour key: (counts, fill) per shade in use, e.g. ("0", white), ("2–3", …)."""
    ranges: dict[str, list[int]] = {}
    for n in range(peak + 1):
        ranges.setdefault(shade(n, peak)[0], []).append(n)
    return [(f"{ns[0]}" if len(ns) == 1 else f"{ns[0]}–{ns[-1]}", fill) for fill, ns in ranges.items()]


def draw_heatmap(model: Heatmap, title: str, description: str, key: str = "") -> str:
    """The heatmap as SVG: one row per body, one column per area, counts written out, and
    below it the colour key headed ``key``."""
    label_w, cell_w, cell_h, line_h = 200, 164, 38, 15
    headings = [wrap(area_name, 20, 6) for _, area_name in model.areas]
    head_h = 18 + line_h * max((len(h) for h in headings), default=1)
    canvas = Canvas()
    for j, lines in enumerate(headings):
        x = label_w + j * cell_w + cell_w / 2
        canvas.text(x, 16, lines, size=13, weight="bold", anchor="middle", line_height=line_h)
    for i, (body, short, full) in enumerate(model.bodies):
        y = head_h + i * cell_h
        canvas.text(8, y + cell_h / 2 - 3, [short], size=13, weight="bold")
        canvas.text(8, y + cell_h / 2 + 12, wrap(full, 26, 1), size=12, fill="#4d4d4d")
        for j, (area, area_name) in enumerate(model.areas):
            n = model.count(body, area)
            fill, ink = shade(n, model.peak)
            x = label_w + j * cell_w
            inner = Canvas()
            inner.rect(x + 1, y + 1, cell_w - 2, cell_h - 2, fill=fill, stroke="#c8c8c8", rx=2)
            inner.text(x + cell_w / 2, y + cell_h / 2 + 5, [str(n)], size=14, weight="bold",
                       fill=ink, anchor="middle")
            label = f"{short} – {area_name}: {n}"
            canvas.link(cell_link(model, short, area) if n else None, label, inner)
    width = label_w + max(len(model.areas), 1) * cell_w + 8
    key_y = head_h + max(len(model.bodies), 1) * cell_h + 24
    canvas.text(8, key_y + 14, [key], size=13, weight="bold")
    x = 8 + 7.5 * len(key) + 16
    for counts, fill in legend(model.peak):
        canvas.rect(x, key_y, 28, 20, fill=fill, stroke="#767676", rx=2)
        canvas.text(x + 34, key_y + 15, [counts], size=13)
        x += 34 + 8 * len(counts) + 18
    return canvas.render(max(width, x), key_y + 30, title, description, "heatmap")

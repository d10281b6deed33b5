"""Organisation chart: the bodies of HSVO governance in one year, placed by level (county,
local) and tier (political, civil servant), each with its kind and its mandates (what it
may and may not do), and lines for whom it is part of or supports.

The picture is drawn 1120 units wide with text of at least 12 units, so at the width of a
desktop page it is shown at full size, and it scales down (viewBox) on narrower screens,
where the text version below it reads better.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from rdflib import Literal

from hsvo_graph.namespaces import HSVO
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq
from hsvo_graph.web.collation import collation_key
from hsvo_graph.web.display import local_path
from hsvo_graph.web.pictures.svg import Canvas, wrap

LEVELS = (str(HSVO.CountyLevel), str(HSVO.LocalLevel), "")
TIERS = (str(HSVO.PoliticalTier), str(HSVO.CivilServantTier), "")
# Line style per relation: part of = solid, supports = dashed (the legend says which).
RELATION_DASH = {str(HSVO.partOf): "", str(HSVO.supports): "6 4"}


@dataclass
class OrgBody:
    """One box of the chart."""

    iri: str
    name: str
    abbreviation: str | None
    kind: str
    level: str
    tier: str
    start: int | None = None
    end: int | None = None
    grants: list[str] = field(default_factory=list)
    withholds: list[str] = field(default_factory=list)
    #: (relation in words, relation IRI, target IRI): text in the text version, lines in the picture
    links: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def relations(self) -> list[str]:
        return [text for text, _, _ in self.links]

    @property
    def period(self) -> str:
        return f"{self.start or ''}–{self.end or ''}" if self.start or self.end else ""

    def exists_in(self, year: int | None) -> bool:
        """Whether the body existed in ``year`` as far as the graph says (None: any year)."""
        return year is None or ((self.start is None or self.start <= year)
                                and (self.end is None or self.end >= year))

    @property
    def href(self) -> str | None:
        return local_path(self.iri)


@dataclass
class OrgChart:
    """Bodies by (level, tier) cell; the empty string is "not stated" on either axis."""

    cells: dict[tuple[str, str], list[OrgBody]]
    year: int | None = None
    relation_names: dict[str, str] = field(default_factory=dict)

    @property
    def levels(self) -> list[str]:
        return [lv for lv in LEVELS if any(lv == k[0] for k in self.cells)]

    @property
    def tiers(self) -> list[str]:
        return [t for t in TIERS if any(t == k[1] for k in self.cells)]


def _year(term: object) -> int | None:
    text = str(term)[:4] if term is not None else ""
    return int(text) if text.isdigit() else None


def orgchart_data(reader: Reader, lang: str, year: int | None) -> OrgChart:
    """The bodies of ``year`` (every year: None) except outside parties, with mandates and
    relations, by level and tier."""
    bind = {"lang": [Literal(lang)]}
    bodies: dict[str, OrgBody] = {}
    for row in reader.select(load_rq("hsvo_graph.web", "orgchart_bodies"), bind).rows:
        iri = str(row["body"])
        if iri in bodies:
            continue
        found = OrgBody(
            iri=iri, name=str(row["name"]),
            abbreviation=str(row["abbreviation"]) if row.get("abbreviation") else None,
            kind=str(row.get("kind") or ""),
            level=str(row.get("level") or "") if str(row.get("level") or "") in LEVELS else "",
            tier=str(row.get("tier") or "") if str(row.get("tier") or "") in TIERS else "",
            start=_year(row.get("from")), end=_year(row.get("until")),
        )
        if found.exists_in(year):
            bodies[iri] = found
    for row in reader.select(load_rq("hsvo_graph.web", "orgchart_mandates"), bind).rows:
        body = bodies.get(str(row["body"]))
        if body is not None:
            granted = cast(Literal, row["granted"])  # always bound to a boolean literal by BIND
            target = body.grants if granted.toPython() else body.withholds
            target.append(str(row["powerName"]))
    relation_names: dict[str, str] = {}
    for row in reader.select(load_rq("hsvo_graph.web", "orgchart_relations"), bind).rows:
        body = bodies.get(str(row["body"]))
        if body is not None:
            body.links.append((f"{row['relationName']}: {row['targetName']}", str(row["relation"]),
                               str(row["target"])))
            relation_names[str(row["relation"])] = str(row["relationName"])
    cells: dict[tuple[str, str], list[OrgBody]] = defaultdict(list)
    order = collation_key(lang)
    for body in sorted(bodies.values(), key=lambda b: (order(b.kind), order(b.name))):
        body.grants.sort()
        body.withholds.sort()
        body.links.sort()
        cells[(body.level, body.tier)].append(body)
    return OrgChart(dict(cells), year, relation_names)


WIDTH, _LABEL_W, _GAP, _LINE = 1120, 150, 12, 16
_FILL = {str(HSVO.PoliticalTier): "#fdf0e1", str(HSVO.CivilServantTier): "#e6f0fa", "": "#f3f5f7"}


def _box_lines(body: OrgBody, may_not: str, drawn: set[str], chars: int) -> list[tuple[str, str, str]]:
    """(text, weight, colour) lines of a box; a withheld power is marked in words too;
    relations to a body in the chart are lines, not text."""
    lines = [(line, "bold", "#1b1b1b") for line in wrap(body.name, int(chars * 0.8), 3)]
    meta = " · ".join(x for x in (body.abbreviation, body.kind, body.period) if x)
    lines += [(line, "normal", "#4d4d4d") for line in wrap(meta, chars, 2) if meta]
    lines += [(line, "normal", "#1d6b36") for g in body.grants for line in wrap(f"✓ {g}", chars, 2)]
    lines += [(line, "normal", "#a1161c") for w in body.withholds
              for line in wrap(f"✕ {may_not} {w}", chars, 2)]
    lines += [(line, "normal", "#1b1b1b") for text, _, target in body.links
              if target not in drawn for line in wrap(f"→ {text}", chars, 2)]
    return lines


Box = tuple[float, float, float, float]


def _route(source: Box, target: Box, k: int) -> str:
    """A path from ``source`` to ``target`` that stays off the boxes' text: between boxes
    of one column it runs down the gap to their right (offset by ``k`` so parallel lines
    stay apart); between columns it joins the facing sides."""
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    if abs(sx - tx) < 1:  # same column
        gutter = sx + sw + 3 + (k % 3) * 3
        return (f"M{sx + sw:.1f},{sy + sh / 2:.1f} H{gutter:.1f} V{ty + th / 2:.1f} "
                f"H{tx + tw:.1f}")
    if tx > sx:
        return f"M{sx + sw:.1f},{sy + sh / 2:.1f} L{tx:.1f},{ty + th / 2:.1f}"
    return f"M{sx:.1f},{sy + sh / 2:.1f} L{tx + tw:.1f},{ty + th / 2:.1f}"


def draw_orgchart(
    chart: OrgChart, names: dict[str, str], may_not: str, title: str, description: str
) -> str:
    """The chart as SVG: level columns, tier rows, one linked box per body, and lines (with
    arrowheads, solid for "part of", dashed for "supports") from a body to the one it
    belongs to or supports."""
    head_h = 36
    levels = chart.levels or [""]
    col_w = (WIDTH - _LABEL_W) / len(levels)
    per_row = 2 if len(levels) < 3 else 1  # boxes side by side in a level's column
    box_w = (col_w - (per_row + 1) * _GAP) / per_row
    chars = int((box_w - 16) / 6.9)  # 12-unit text is about 6.9 units per character
    drawn = {b.iri for bodies in chart.cells.values() for b in bodies}
    boxes: dict[str, Box] = {}
    placed: list[tuple[OrgBody, str, float, float, float]] = []
    tier_rows: list[tuple[str, float, float]] = []
    y: float = head_h
    for tier in chart.tiers:
        row_top, row_h = y, 0.0
        for j, level in enumerate(levels):
            x0 = _LABEL_W + j * col_w + _GAP
            bodies = chart.cells.get((level, tier), [])
            heights = [len(_box_lines(b, may_not, drawn, chars)) * _LINE + 14 for b in bodies]
            row_y = row_top + _GAP
            for k in range(0, len(bodies), per_row):
                line_h = max(heights[k:k + per_row])
                for m, body in enumerate(bodies[k:k + per_row]):
                    bx = x0 + m * (box_w + _GAP)
                    boxes[body.iri] = (bx, row_y, box_w, line_h)
                    placed.append((body, tier, bx, row_y, line_h))
                row_y += line_h + _GAP
            row_h = max(row_h, row_y - row_top)
        tier_rows.append((tier, row_top, row_h))
        y = row_top + row_h + _GAP
    canvas = Canvas()
    canvas.add('<defs><marker id="orgchart-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
               'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
               '<path d="M0,0 L10,5 L0,10 z" fill="#1b1b1b"/></marker></defs>')
    for j, level in enumerate(levels):
        canvas.text(_LABEL_W + j * col_w + col_w / 2, 24, [names[level]], size=16, weight="bold",
                    anchor="middle")
    for tier, row_top, row_h in tier_rows:
        canvas.rect(4, row_top, _LABEL_W - 12, row_h, fill="#ffffff", stroke="#c8c8c8")
        canvas.text(12, row_top + 20, wrap(names[tier], 16), size=13, weight="bold")
        canvas.line(4, row_top + row_h + _GAP / 2, WIDTH, row_top + row_h + _GAP / 2, stroke="#c8c8c8")
    for body, tier, bx, by, bh in placed:
        inner = Canvas()
        inner.rect(bx, by, box_w, bh, fill=_FILL[tier])
        for n, (text, weight, colour) in enumerate(_box_lines(body, may_not, drawn, chars)):
            inner.text(bx + 8, by + 18 + n * _LINE, [text], size=13 if weight == "bold" else 12,
                       weight=weight, fill=colour)
        canvas.link(body.href, body.name, inner)
    routes = [(body.iri, relation, target) for body, *_ in placed for _, relation, target in body.links
              if target in boxes]
    for k, (source, relation, target) in enumerate(routes):
        canvas.add(f'<path d="{_route(boxes[source], boxes[target], k)}" fill="none" stroke="#1b1b1b" '
                   f'stroke-width="1.5" stroke-dasharray="{RELATION_DASH.get(relation, "")}" '
                   'marker-end="url(#orgchart-arrow)"/>')
    legend_y = y + 14
    x = 12.0
    for relation, name in sorted(chart.relation_names.items(), key=lambda kv: kv[1]):
        canvas.add(f'<line x1="{x:.1f}" y1="{legend_y:.1f}" x2="{x + 40:.1f}" y2="{legend_y:.1f}" stroke="#1b1b1b" '
                   f'stroke-width="1.5" stroke-dasharray="{RELATION_DASH.get(relation, "")}" '
                   'marker-end="url(#orgchart-arrow)"/>')
        canvas.text(x + 48, legend_y + 4, [name], size=13)
        x += 60 + 8 * len(name)
    return canvas.render(WIDTH, legend_y + 16, title, description, "orgchart")

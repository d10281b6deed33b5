"""Organisation chart: the bodies of HSVO governance placed by level (county, local) and
tier (political, civil servant), each with its kind, its mandates (what it may and may
not do) and whom it supports or belongs to."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from rdflib import Literal

from hsvo_graph.web.display import local_path
from hsvo_graph.namespaces import HSVO
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq
from hsvo_graph.web.pictures.svg import Canvas, wrap

LEVELS = (str(HSVO.CountyLevel), str(HSVO.LocalLevel), "")
TIERS = (str(HSVO.PoliticalTier), str(HSVO.CivilServantTier), "")





@dataclass
class OrgBody:
    """One box of the chart."""

    iri: str
    name: str
    abbreviation: str | None
    kind: str
    level: str
    tier: str
    period: str = ""
    grants: list[str] = field(default_factory=list)
    withholds: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)

    @property
    def href(self) -> str | None:
        return local_path(self.iri)


@dataclass
class OrgChart:
    """Bodies by (level, tier) cell; the empty string is "not stated" on either axis."""

    cells: dict[tuple[str, str], list[OrgBody]]

    @property
    def levels(self) -> list[str]:
        return [lv for lv in LEVELS if any(lv == k[0] for k in self.cells)]

    @property
    def tiers(self) -> list[str]:
        return [t for t in TIERS if any(t == k[1] for k in self.cells)]


def _year(term: object) -> str:
    return str(term)[:4] if term is not None else ""


def orgchart_data(reader: Reader, lang: str) -> OrgChart:
    """Every body except outside parties, with mandates and relations, by level and tier."""
    bind = {"lang": [Literal(lang)]}
    bodies: dict[str, OrgBody] = {}
    for row in reader.select(load_rq("hsvo_graph.web", "orgchart_bodies"), bind).rows:
        iri = str(row["body"])
        if iri in bodies:
            continue
        start, end = _year(row.get("from")), _year(row.get("until"))
        bodies[iri] = OrgBody(
            iri=iri, name=str(row["name"]),
            abbreviation=str(row["abbreviation"]) if row.get("abbreviation") else None,
            kind=str(row.get("kind") or ""),
            level=str(row.get("level") or "") if str(row.get("level") or "") in LEVELS else "",
            tier=str(row.get("tier") or "") if str(row.get("tier") or "") in TIERS else "",
            period=f"{start}–{end}" if start or end else "",
        )
    for row in reader.select(load_rq("hsvo_graph.web", "orgchart_mandates"), bind).rows:
        body = bodies.get(str(row["body"]))
        if body is not None:
            granted = cast(Literal, row["granted"])  # always bound to a boolean literal by BIND
            target = body.grants if granted.toPython() else body.withholds
            target.append(str(row["powerName"]))
    for row in reader.select(load_rq("hsvo_graph.web", "orgchart_relations"), bind).rows:
        body = bodies.get(str(row["body"]))
        if body is not None:
            body.relations.append(f"{row['relationName']}: {row['targetName']}")
    cells: dict[tuple[str, str], list[OrgBody]] = defaultdict(list)
    for body in sorted(bodies.values(), key=lambda b: (b.kind.lower(), b.name.lower())):
        body.grants.sort()
        body.withholds.sort()
        body.relations.sort()
        cells[(body.level, body.tier)].append(body)
    return OrgChart(dict(cells))


_BOX_W, _GAP, _PER_ROW, _LINE = 232, 12, 2, 14
_FILL = {str(HSVO.PoliticalTier): "#fdf0e1", str(HSVO.CivilServantTier): "#e6f0fa", "": "#f3f5f7"}


def _box_lines(body: OrgBody, may_not: str) -> list[tuple[str, str, str]]:
    """(text, weight, colour) lines of a box; a withheld power is marked in words too."""
    lines = [(line, "bold", "#1b1b1b") for line in wrap(body.name, 30, 3)]
    meta = " · ".join(x for x in (body.abbreviation, body.kind, body.period) if x)
    lines += [(line, "normal", "#4d4d4d") for line in wrap(meta, 36, 2) if meta]
    lines += [(line, "normal", "#1d6b36") for g in body.grants for line in wrap(f"✓ {g}", 36, 2)]
    lines += [(line, "normal", "#a1161c") for w in body.withholds
              for line in wrap(f"✕ {may_not} {w}", 36, 2)]
    lines += [(line, "normal", "#1b1b1b") for r in body.relations for line in wrap(f"→ {r}", 36, 2)]
    return lines


def draw_orgchart(
    chart: OrgChart, names: dict[str, str], may_not: str, title: str, description: str
) -> str:
    """The chart as SVG: level columns, tier rows, one linked box per body."""
    label_w, head_h = 150, 36
    col_w = _PER_ROW * (_BOX_W + _GAP) + _GAP
    canvas = Canvas()
    for j, level in enumerate(chart.levels):
        canvas.text(label_w + j * col_w + col_w / 2, 24, [names[level]], size=15, weight="bold",
                    anchor="middle")
    y: float = head_h
    for tier in chart.tiers:
        row_top = y
        row_h = 0.0
        for j, level in enumerate(chart.levels):
            x0 = label_w + j * col_w + _GAP
            heights = [len(_box_lines(b, may_not)) * _LINE + 14
                       for b in chart.cells.get((level, tier), [])]
            row_y = row_top + _GAP
            for k in range(0, len(heights), _PER_ROW):
                line_h = max(heights[k:k + _PER_ROW])
                for m, body in enumerate(chart.cells[(level, tier)][k:k + _PER_ROW]):
                    inner = Canvas()
                    bx = x0 + m * (_BOX_W + _GAP)
                    inner.rect(bx, row_y, _BOX_W, line_h, fill=_FILL[tier])
                    for n, (text, weight, colour) in enumerate(_box_lines(body, may_not)):
                        inner.text(bx + 8, row_y + 16 + n * _LINE, [text], size=11.5, weight=weight,
                                   fill=colour)
                    canvas.link(body.href, body.name, inner)
                row_y += line_h + _GAP
            row_h = max(row_h, row_y - row_top)
        canvas.rect(4, row_top, label_w - 12, row_h, fill="#ffffff", stroke="#c8c8c8")
        canvas.text(12, row_top + 20, wrap(names[tier], 16), size=13, weight="bold")
        rule_y = row_top + row_h + _GAP / 2
        canvas.line(4, rule_y, label_w + len(chart.levels) * col_w, rule_y, stroke="#c8c8c8")
        y = row_top + row_h + _GAP
    width = label_w + max(len(chart.levels), 1) * col_w
    return canvas.render(width, y + 8, title, description, "orgchart")

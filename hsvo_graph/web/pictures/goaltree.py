"""Goal tree: county focus areas → local priority areas → local focus areas → activities,
drawn left to right from the rows of the ``goal_tree`` canned query (one row per activity).

Each subtree gets the height of its leaves or of its own box, whichever is larger, and a
parent sits in the middle of its children, so nothing overlaps however long a name is.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib.term import Identifier

from hsvo_graph.web.display import STATUS_STYLES, Label, foreign, local_path
from hsvo_graph.web.pictures.svg import Canvas, wrap

# Columns of the tree and how many characters fit on a line in each.
# (IRI column, name column, characters per line at 12 units); boxes are sized so the whole
# tree is 1120 units wide, the width of a desktop page, where its text is 12 px.
_COLUMNS = (("countyArea", "countyAreaName", 25), ("priorityArea", "priorityAreaName", 25),
            ("localFocusArea", "localFocusAreaName", 29), ("activity", "title", 60))
# the columns of the areas (IRIs), whose names are shown in the page language
AREA_COLUMNS = tuple(iri for iri, _, _ in _COLUMNS[:3])
_X = (8, 222, 436, 680)
_WIDTH = (188, 188, 218, 432)
_LINE, _PAD, _GAP = 15, 7, 8
_FILL = ("#e6f0fa", "#fdf0e1", "#fff8dc", "#ffffff")
# The tree is drawn for at most this many activities, the first in the query's order (the
# seed's lists have 34-41 a year). At a million triples a year had over 10 000, a picture of
# 8.7 MB that took seconds to draw while the service could answer nothing else.
MAX_ACTIVITIES = 150
_STATUS_INK = {"completed": "#1d6b36", "ongoing": "#7a5200", "not-started": "#4d4d4d", "stopped": "#a1161c"}


@dataclass
class Node:
    """One box; ``status`` (class, symbol, text) is set on activities with an outcome. The
    ``name`` is a ``Label`` with its language (the query's names are Swedish)."""

    iri: str | None
    name: str
    depth: int
    children: list["Node"] = field(default_factory=list)
    status: tuple[str, str, str] | None = None

    def child(self, iri: str | None, name: str) -> "Node":
        for existing in self.children:
            if existing.iri == iri and existing.name == name:
                return existing
        node = Node(iri, name, self.depth + 1)
        self.children.append(node)
        return node

    @property
    def href(self) -> str | None:
        return local_path(self.iri) if self.iri else None

    @property
    def status_words(self) -> str:
        """What the box says before the name: the status, in the page's words."""
        return "" if self.status is None else f"{self.status[1]} {self.status[2]} · "

    @property
    def lines(self) -> list[str]:
        width = _COLUMNS[self.depth][2] if self.depth >= 0 else 40
        return wrap(self.status_words + self.name, width, 4)

    @property
    def box_height(self) -> float:
        return len(self.lines) * _LINE + 2 * _PAD

    @property
    def height(self) -> float:
        """Height of the subtree: its children stacked, or its own box if that is taller."""
        stacked = sum(c.height for c in self.children) + _GAP * max(len(self.children) - 1, 0)
        return max(stacked, self.box_height)


def goal_tree(rows: list[dict[str, Identifier]], labels: dict[str, str], untraced: str,
              named: Mapping[str, tuple[str, str]], lang: str) -> Node:
    """The tree of the query rows; areas not traced to the county strategy get ``untraced``.
    ``labels`` gives the status names (by status IRI) in the page language ``lang``; ``named``
    the page language's name of an area whose Swedish name the query gave
    (``display.names_in``). Every other name is the query's Swedish one, and is tagged so."""
    root = Node(None, "", -1)
    for row in rows:
        node = root
        for depth, (iri_var, name_var, _) in enumerate(_COLUMNS):
            iri = row.get(iri_var)
            written = str(row.get(name_var) or "")
            name = Label.tagged(written, "sv") if written else Label.tagged(
                untraced if depth == 0 else "", lang)
            sv_and_own = named.get(str(iri)) if iri is not None else None
            if sv_and_own is not None and name == sv_and_own[0]:
                name = Label.tagged(sv_and_own[1], lang)
            node = node.child(str(iri) if iri is not None else None, name)
            if depth == len(_COLUMNS) - 1 and row.get("status") is not None:
                status = str(row["status"])
                style, symbol = STATUS_STYLES.get(status, ("not-started", "•"))
                node.status = (style, symbol, labels.get(status, status))
    return root


def _draw(canvas: Canvas, node: Node, top: float, lang: str) -> float:
    """Draw ``node`` and its subtree from ``top`` on a page in ``lang``; return the y of the
    box's middle."""
    middle = top + node.height / 2
    if node.children:
        y = top + (node.height - (sum(c.height for c in node.children)
                                  + _GAP * (len(node.children) - 1))) / 2
        for child in node.children:
            child_middle = _draw(canvas, child, y, lang)
            if node.depth >= 0:
                canvas.connector(_X[node.depth] + _WIDTH[node.depth], middle,
                                 _X[child.depth], child_middle)
            y += child.height + _GAP
    if node.depth < 0:
        return middle
    box_top = middle - node.box_height / 2
    inner = Canvas()
    x = _X[node.depth]
    stroke = _STATUS_INK[node.status[0]] if node.status else "#767676"
    inner.rect(x, box_top, _WIDTH[node.depth], node.box_height, fill=_FILL[node.depth], stroke=stroke,
               stroke_width=2 if node.status else 1)
    marked = foreign(node.name, lang)
    inner.text(x + _PAD, box_top + _PAD + 12, node.lines, size=12,
               weight="bold" if node.depth == 0 else "normal", line_height=_LINE,
               lang=marked, lead=len(node.status_words))
    canvas.link(node.href, node.name, inner, marked)
    return middle


def draw_goal_tree(root: Node, headings: list[str], title: str, description: str,
                   lang: str) -> str:
    """The tree as SVG on a page in ``lang``, with a heading above each column."""
    canvas = Canvas()
    for x, heading in zip(_X, headings, strict=True):
        canvas.text(x, 18, [heading], size=13, weight="bold")
    _draw(canvas, root, 32, lang)
    height = 32 + max(root.height, 20) + 10
    return canvas.render(_X[-1] + _WIDTH[-1] + 8, height, title, description, "goaltree")

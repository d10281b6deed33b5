"""Picture pages: the organisation chart, the activity heatmap and the goal tree, each as
an HTML page (the SVG inline, with the same facts as text below it) or as the bare SVG
(``format=svg`` or ``Accept: image/svg+xml``)."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from hsvo_graph.canned.catalog import run_canned
from hsvo_graph.web.display import fetch_labels, names_in
from hsvo_graph.web.i18n import Translator
from hsvo_graph.namespaces import HSVO
from hsvo_graph.web.page_values import Problems, filter_field, year_among
from hsvo_graph.web.pictures import activity_years
from hsvo_graph.web.pictures.goaltree import AREA_COLUMNS, MAX_ACTIVITIES, draw_goal_tree, goal_tree
from hsvo_graph.web.pictures.heatmap import cell_link, draw_heatmap, heatmap_data, legend, shade
from hsvo_graph.web.pictures.orgchart import LEVELS, TIERS, draw_orgchart, orgchart_data
from hsvo_graph.sparql.reader import Reader, Table
from hsvo_graph.api.deps import CatalogDep, ReaderDep
from hsvo_graph.api.negotiation import attachment, negotiate
from hsvo_graph.api.rendering import language, render_checked, url_with

router = APIRouter(tags=["Pictures"])


YEAR = filter_field("year", "year")


async def _year(reader: Reader, year: str | None, problems: Problems) -> tuple[list[int], int | None]:
    """The years with activities (latest first) and the one to draw: ``year`` if the graph
    has activities that year, else the latest, the refused year kept in ``problems`` (a year
    before the data would show an empty heatmap, and an organisation chart of the bodies
    with no known dates under a year they may not have existed in)."""
    years = await run_in_threadpool(activity_years, reader)
    chosen = problems.check(year_among, YEAR, year, years)
    return years, chosen if chosen is not None else (years[0] if years else None)


def _answer(request: Request, svg: str, template: str, context: dict[str, Any],
            format: str | None, title: str, problems: Problems) -> Response:
    """The picture as SVG (named by its title in the page language) or as its page; a year
    it could not draw is a 400, on the page beside the latest year's picture."""
    if negotiate(format, request.headers.get("accept"), ["html", "svg"], "svg") == "svg":
        if problems:
            raise problems[0]
        name = f"{title} – {datetime.now(UTC):%Y-%m-%d}.svg"
        return Response(svg, media_type="image/svg+xml; charset=utf-8",
                        headers={"Content-Disposition": attachment(name, "inline")})
    return render_checked(request, template, {
        **context, "svg": svg, "svg_url": url_with(request, format="svg", lang=language(request))},
        problems)


def _level_names(t: Translator) -> dict[str, str]:
    return {LEVELS[0]: t("county_level"), LEVELS[1]: t("local_level"), LEVELS[2]: t("other_level"),
            TIERS[0]: t("political_tier"), TIERS[1]: t("civil_servant_tier"), TIERS[2]: t("other_tier")}


@router.get("/pictures/organisation", summary="Organisation chart (SVG or HTML page)")
async def organisation(request: Request, reader: ReaderDep, year: str | None = None,
                       format: str | None = None) -> Response:
    """Organisationsschema: organen ett år per nivå och skikt, med mandat. / Organisation
    chart of one year (the latest activity year by default: the current bodies)."""
    t = Translator(language(request))
    problems = Problems()
    years, chosen = await _year(reader, year, problems)
    chart = await run_in_threadpool(orgchart_data, reader, t.lang, chosen)
    names = _level_names(t)
    title = f"{t('orgchart_title')} {chosen or ''}".strip()
    svg = draw_orgchart(chart, names, t("withholds"), title, t("orgchart_description"))
    return _answer(request, svg, "picture_orgchart.html",
                   {"chart": chart, "names": names, "years": years, "year": chosen, "title": title},
                   format, title, problems)


@router.get("/pictures/heatmap", summary="Activities per body and area (SVG or HTML page)")
async def heatmap(request: Request, reader: ReaderDep, year: str | None = None,
                  format: str | None = None) -> Response:
    """Värmekarta: antal aktiviteter per organ och område ett år. / Heatmap of activities."""
    t = Translator(language(request))
    problems = Problems()
    _, chosen = await _year(reader, year, problems)
    model = await run_in_threadpool(heatmap_data, reader, chosen, t.lang)
    title = f"{t('heatmap_title')} {model.year or ''}".strip()
    capped = t("heatmap_capped").format(
        bodies=len(model.bodies), areas=len(model.areas), all_bodies=t.number(model.all_bodies),
        all_areas=t.number(model.all_areas)) if model.capped else ""
    svg = draw_heatmap(model, title, f"{t('heatmap_legend')} {capped}".strip(), t("heatmap_key"))
    return _answer(request, svg, "picture_heatmap.html",
                   {"model": model, "cell_link": cell_link, "shade": shade, "title": title,
                    "key": legend(model.peak), "capped": capped},
                   format, title, problems)


def _goal_rows(reader: Reader, catalog: CatalogDep, year: int | None) -> Table:
    """The goal_tree answer for ``year``."""
    return run_canned(reader, catalog["goal_tree"], {"year": [str(year)]} if year is not None else {})


@router.get("/pictures/goal-tree", summary="Goal tree of one year (SVG or HTML page)")
async def goal_tree_picture(request: Request, reader: ReaderDep, catalog: CatalogDep,
                            year: str | None = None, format: str | None = None) -> Response:
    """Målträd: länsstrategi → lokala prioriteringar → aktiviteter. / Goal tree."""
    if "goal_tree" not in catalog:
        raise HTTPException(404, "the goal tree needs the canned query queries/goal_tree.rq")
    t = Translator(language(request))
    problems = Problems()
    years, chosen = await _year(reader, year, problems)
    table = await run_in_threadpool(_goal_rows, reader, catalog, chosen)
    statuses = [str(s) for s in (HSVO.Completed, HSVO.Ongoing, HSVO.NotStarted, HSVO.Stopped)]
    labels = await run_in_threadpool(fetch_labels, reader, statuses, t.lang)
    rows = table.rows  # one per activity
    areas = [str(row[v]) for row in rows[:MAX_ACTIVITIES] for v in AREA_COLUMNS if row.get(v) is not None]
    named = await run_in_threadpool(names_in, reader, areas, t.lang)
    root = goal_tree(rows[:MAX_ACTIVITIES], labels, t("not_traced"), named, t.lang)
    capped = ""
    if len(rows) > MAX_ACTIVITIES:
        count = t.number(len(rows))
        capped = t("goaltree_capped").format(
            shown=MAX_ACTIVITIES, all=t("at_least").format(n=count) if table.truncated else count)
    headings = [t("county_strategy"), t("local_priority"), t("local_focus_area"),
                f"{t('activity')} {chosen or ''}".strip()]
    title = f"{t('goaltree_title')} {chosen or ''}".strip()
    svg = draw_goal_tree(root, headings, title, f"{t('goaltree_description')} {capped}".strip(),
                         t.lang)
    return _answer(request, svg, "picture_goaltree.html",
                   {"root": root, "years": years, "year": chosen, "title": title, "capped": capped},
                   format, title, problems)


"""The follow-up dashboard: how the activities are going (ongoing, completed, stopped, not
reported) per prioritised area, responsible body and year, with the trend across years and
a drill-down to the activities behind any number.

One query reads every activity with what it is grouped by; the counting is done here, so
each table is a different view of the same rows and the numbers always add up.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from hsvo_graph.namespaces import HSVO
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq
from hsvo_graph.web.collation import collation_key
from hsvo_graph.web.display import STATUS_STYLES, fetch_labels, local_path
from hsvo_graph.web.page_values import Problems, filter_field, one_of, year_among

NOT_REPORTED = "none"
# Column order: what is going on first, what was never reported last.
STATUSES = (str(HSVO.Ongoing), str(HSVO.Completed), str(HSVO.Stopped), str(HSVO.NotStarted), NOT_REPORTED)
FILTERS = ("plan", "year", "area", "body", "status")


def slug(iri: str | None) -> str:
    """The last path segment of an entity IRI (``…/id/goal/x`` → ``x``); a status's local
    name (``Ongoing``); what a filter value in the dashboard's URL looks like."""
    if not iri:
        return NOT_REPORTED
    return iri.rsplit("#", 1)[-1] if iri.startswith(str(HSVO)) else iri.rsplit("/", 1)[-1]


@dataclass
class Activity:
    """One activity as the dashboard sees it."""

    iri: str
    title: str
    year: int
    plan: str | None
    area: str | None
    status: str
    bodies: set[str] = field(default_factory=set)

    @property
    def status_key(self) -> str:
        return slug(self.status)

    @property
    def href(self) -> str | None:
        return local_path(self.iri)

    def key(self, dimension: str) -> set[str]:
        """The slugs this activity counts under for a filter dimension."""
        if dimension == "body":
            return {slug(b) for b in self.bodies} or {NOT_REPORTED}
        value = {"plan": self.plan, "area": self.area, "status": self.status}.get(dimension)
        return {str(self.year)} if dimension == "year" else {slug(value)}


@dataclass(frozen=True)
class CountRow:
    """One line of a count table: a group (area or body) in one year, counts per status."""

    name: str
    href: str | None
    year: int
    counts: dict[str, int]
    links: dict[str, str]
    total: int
    total_link: str


@dataclass
class Dashboard:
    """What followup.html shows."""

    statuses: list[tuple[str, str, str | None, str | None]]  # (slug, label, style, symbol)
    plans: list[tuple[str, str]]
    years: list[int]
    chosen: dict[str, str]
    trend: list[CountRow]
    by_area: list[CountRow]
    by_body: list[CountRow]
    activities: list[Activity]
    labels: dict[str, str]
    drilled: bool
    #: the page language's sort key
    order: Callable[[str], bytes]
    #: the filters it could not use (left out)
    problems: Problems

    def body_names(self, activity: Activity) -> list[str]:
        """The names of the bodies responsible for ``activity``, in the page language's order."""
        return sorted((self.labels.get(b, b) for b in activity.bodies), key=self.order)


def read_activities(reader: Reader) -> list[Activity]:
    """Every activity with its plan, area, status and responsible bodies."""
    activities: dict[str, Activity] = {}
    for row in reader.select(load_rq("hsvo_graph.web", "followup_activities")).rows:
        iri = str(row["activity"])
        activity = activities.get(iri)
        if activity is None:
            activity = activities[iri] = Activity(
                iri, str(row["title"]), int(row["year"]),
                str(row["plan"]) if row.get("plan") else None,
                str(row["area"]) if row.get("area") else None,
                str(row["status"]) if row.get("status") else NOT_REPORTED,
            )
        if row.get("body") is not None:
            activity.bodies.add(str(row["body"]))
    return sorted(activities.values(), key=lambda a: (a.year, a.title))


def _url(filters: Mapping[str, str]) -> str:
    """The dashboard drilled down to ``filters``, scrolled to the list of activities."""
    return "/uppfoljning?" + urlencode({k: v for k, v in filters.items() if v}) + "#activities"


def _counts(
    activities: list[Activity], dimension: str | None, chosen: Mapping[str, str],
    labels: Mapping[str, str], iris: Mapping[str, str], order: Callable[[str], bytes],
) -> list[CountRow]:
    """Activities counted per (group, year) and status; ``dimension`` None: per year only;
    the groups in the page language's ``order``."""
    counts: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for activity in activities:
        groups = activity.key(dimension) if dimension else {""}
        for group in groups:
            counts[(group, activity.year)][slug(activity.status)] += 1
    rows = []
    for (group, year), by_status in counts.items():
        base = {**chosen, "year": str(year)}
        if dimension:
            base[dimension] = group
        iri = iris.get(group)
        rows.append(CountRow(
            name=labels.get(iri, group) if iri else "–" if group == NOT_REPORTED else group,
            # a body's line leads to its profile, an area's to its page
            href=(f"/organ/{group}" if dimension == "body" else local_path(iri)) if iri else None,
            year=year,
            counts={slug(s): by_status.get(slug(s), 0) for s in STATUSES},
            links={slug(s): _url({**base, "status": slug(s)}) for s in STATUSES},
            total=sum(by_status.values()),
            total_link=_url({k: v for k, v in base.items() if k != "status"}),
        ))
    return sorted(rows, key=lambda r: (order(r.name), r.year)) if dimension else sorted(
        rows, key=lambda r: r.year)


def _checked(arguments: Mapping[str, str], everything: list[Activity], problems: Problems) -> dict[str, str]:
    """The filters in ``arguments`` that name something the dashboard has (a year with
    activities, a plan, area or body of an activity, a status); the others in ``problems``."""
    chosen = {}
    for dimension in FILTERS:
        parameter = filter_field(dimension, f"filter_{dimension}")
        if dimension == "year":
            year = problems.check(year_among, parameter, arguments.get("year"), {a.year for a in everything})
            value = str(year) if year is not None else None
        else:
            offered = {slug(s) for s in STATUSES} if dimension == "status" else set().union(
                *(a.key(dimension) for a in everything))
            value = problems.check(one_of, parameter, arguments.get(dimension), offered)
        if value is not None:
            chosen[dimension] = value
    return chosen


def dashboard(reader: Reader, arguments: Mapping[str, str], lang: str) -> Dashboard:
    """The dashboard for the filters in ``arguments`` (plan, year, area, body, status as
    slugs); a value it does not have is left out and kept in ``problems``."""
    everything = read_activities(reader)
    problems = Problems()
    chosen = _checked(arguments, everything, problems)
    iris: dict[str, str] = {}
    for activity in everything:
        for iri in (activity.plan, activity.area, *activity.bodies):
            if iri:
                iris[slug(iri)] = iri
    labels = fetch_labels(reader, [*iris.values(), *(s for s in STATUSES if s != NOT_REPORTED)], lang)

    def matches(activity: Activity) -> bool:
        return all(value in activity.key(dimension) for dimension, value in chosen.items())

    plan_filter = {k: v for k, v in chosen.items() if k == "plan"}
    in_plan = [a for a in everything if all(v in a.key(k) for k, v in plan_filter.items())]
    context = {k: v for k, v in chosen.items() if k in ("plan", "year")}
    in_context = [a for a in in_plan if all(v in a.key(k) for k, v in context.items())]
    statuses = []
    for status in STATUSES:
        style = STATUS_STYLES.get(status)
        label = labels.get(status, "") if status != NOT_REPORTED else ""
        statuses.append((slug(status), label, style[0] if style else None, style[1] if style else None))
    order = collation_key(lang)
    plans = sorted({(slug(a.plan), labels.get(a.plan, slug(a.plan))) for a in everything if a.plan},
                   key=lambda p: order(p[1]))
    return Dashboard(
        statuses=statuses,
        plans=plans,
        years=sorted({a.year for a in everything}, reverse=True),
        chosen=chosen,
        trend=_counts(in_plan, None, plan_filter, labels, iris, order),
        by_area=_counts(in_context, "area", context, labels, iris, order),
        by_body=_counts(in_context, "body", context, labels, iris, order),
        activities=[a for a in everything if matches(a)],
        labels={**labels, **{slug(i): labels.get(i, slug(i)) for i in [*iris.values(), *STATUSES]}},
        drilled=bool(set(chosen) - {"plan"}),
        order=order,
        problems=problems,
    )


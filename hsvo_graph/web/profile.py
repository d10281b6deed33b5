"""A body's profile for strategists (``/organ/<slug>``): what the body is, its mandate with
quotes and sources, its names over time, what it is responsible for or takes part in per
year with status, its decisions and documents, and the questions that can be asked about it.

The sections are the canned questions about one body, answered for this body: the page
says nothing the questions would not, and each section links to its question.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from rdflib import Literal, URIRef

from hsvo_graph.canned.catalog import CannedQuery, run_canned
from hsvo_graph.namespaces import ID
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq
from hsvo_graph.web.display import Cell, ResultTable, cell, fetch_labels, result_table
from hsvo_graph.web.glossary import glossary_titles
from hsvo_graph.web.i18n import Translator, localise
from hsvo_graph.web.page_values import Problems, filter_field, year_among
from hsvo_graph.web.pictures import activity_years

# The profile's sections, in reading order: (canned query id, heading key).
SECTIONS = (
    ("bodies_and_mandates", "profile_mandate"),
    ("body_names_over_time", "profile_names"),
    ("body_involvement_by_year", "profile_involvement"),
    ("documents_and_decisions", "profile_documents"),
)

YEAR = filter_field("year", "year")


@dataclass(frozen=True)
class Section:
    """One canned question answered for the body."""

    id: str
    heading: str
    question_url: str
    table: ResultTable


@dataclass(frozen=True)
class Profile:
    """What profile.html shows."""

    iri: str
    name: str
    abbreviation: str | None
    facts: list[tuple[str, Cell]]
    comment: str | None
    sections: list[Section]
    questions: list[tuple[str, str]]  # (question, url) for every question about a body
    years: list[int]  # the years with activities, latest first
    year: int | None  # the one shown (None: every year)
    problems: Problems  # the values it could not use


def body_profile(
    reader: Reader, catalog: dict[str, CannedQuery], slug: str, lang: str, year: str | None = None
) -> Profile | None:
    """The profile of ``/id/body/<slug>`` (None when the graph has no such body), for every
    year or for ``year`` (a year without activities: every year, the problem kept)."""
    iri = URIRef(f"{ID}body/{slug}")
    head = reader.select(load_rq("hsvo_graph.web", "body_profile"),
                         {"body": [iri], "lang": [Literal(lang)]})
    if not head.rows:
        return None
    row = head.rows[0]
    t = Translator(lang)
    key = str(row.get("abbreviation") or row["nameSv"])
    labels = fetch_labels(reader, [str(row[v]) for v in ("level", "tier", "principal") if row.get(v)], lang)
    facts = [(t(name), cell(row[v], labels, lang)) for name, v in (
        ("profile_kind", "kind"), ("profile_level", "level"), ("profile_tier", "tier"),
        ("profile_principal", "principal"), ("profile_from", "from"), ("profile_until", "until"),
    ) if row.get(v) is not None]
    years = activity_years(reader)
    problems = Problems()
    chosen = problems.check(year_among, YEAR, year, years)
    arguments = {"body": [key], "year": [str(y) for y in ([chosen] if chosen is not None else years)]}
    asked = {"body": key, **({"year": str(chosen)} if chosen is not None else {})}
    abbreviations = glossary_titles(reader, lang)
    sections = []
    for query_id, heading in SECTIONS:
        query = catalog.get(query_id)
        if query is None:
            continue
        # every year where a question takes several; a one-year question asks about all time
        wanted = {p.name: arguments[p.name] for p in query.parameters
                  if p.name in arguments and (p.multiple or len(arguments[p.name]) == 1)}
        table = run_canned(reader, query, wanted)
        if not table.rows:
            continue
        headings = {v: t.column(v, query.columns) for v in table.variables}
        shown = result_table(reader, table.rows, table.variables, headings=headings,
                             links=query.links, lang=lang, abbreviations=abbreviations)
        sections.append(Section(query_id, t(heading), f"/q/{query_id}?{urlencode(asked)}", shown))
    questions = [(localise(q.question, lang), f"/q/{q.id}?{urlencode({'body': key})}")
                 for q in catalog.values() if any(p.name == "body" for p in q.parameters)]
    return Profile(str(iri), str(row["name"]), str(row["abbreviation"]) if row.get("abbreviation") else None,
                   facts, str(row["comment"]) if row.get("comment") else None, sections, questions,
                   years, chosen, problems)

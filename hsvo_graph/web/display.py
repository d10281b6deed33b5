"""How RDF terms look on a web page: labels instead of IRIs, links to the entity pages,
and status markers that say their status in words as well as in colour.

Shared by the query pages, the entity pages and the pictures, so an IRI looks and links
the same everywhere.
"""

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape
from rdflib import XSD, Literal, URIRef
from rdflib.term import Identifier

from hsvo_graph.web.i18n import MESSAGES, TERM_LABELS, VALUE_LABELS, localise
from hsvo_graph.namespaces import BASE, HSVO, ID, PREFIXES
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq

# Traffic-light class and symbol per outcome status: the text label comes from the
# ontology, so colour is never the only signal.
STATUS_STYLES: dict[str, tuple[str, str]] = {
    str(HSVO.Completed): ("completed", "✓"),
    str(HSVO.Ongoing): ("ongoing", "◐"),
    str(HSVO.NotStarted): ("not-started", "○"),
    str(HSVO.Stopped): ("stopped", "✕"),
}



class Cell(NamedTuple):
    """One displayed value: its text, where it links, and its status style if it is one.
    (Immutable; a named tuple because a page makes hundreds, and a frozen dataclass takes
    three times as long to make.)"""

    text: str
    href: str | None = None
    status: str | None = None
    symbol: str | None = None
    iri: str | None = None
    lang: str | None = None
    #: (abbreviation, what it stands for) for each abbreviation the text lists ("ÄLN, VS")
    abbreviations: tuple[tuple[str, str], ...] = ()

    def __html__(self) -> str:
        """The cell as HTML, every value escaped: templates write ``{{ cell }}``. Written here
        rather than as a template macro: a page shows hundreds of cells, and a macro call
        costs ten times this."""
        return _cell_html(self)


# A cell's HTML depends on the cell alone, and the same cells come back page after page (the
# same answers, years, statuses): the HTML of the cells written last is kept.
@functools.lru_cache(maxsize=16384)
def _cell_html(shown: Cell) -> str:
    text = escape(shown.text)
    if shown.status:
        return (f'<span class="status status-{escape(shown.status)}"><span aria-hidden="true">'
                f'{escape(shown.symbol or "")}</span> {text}</span>')
    lang = f' lang="{escape(shown.lang)}"' if shown.lang else ""
    if shown.href:
        return f'<a href="{escape(shown.href)}"{lang}>{text}</a>'
    if shown.abbreviations:
        return ", ".join(f'<abbr title="{escape(long)}">{escape(short)}</abbr>'
                         for short, long in shown.abbreviations)
    return f"<span{lang}>{text}</span>" if lang else str(text)


def local_path(iri: str) -> str | None:
    """The path on this host that serves a data IRI (``…/id/body/x`` → ``/id/body/x``)."""
    return "/" + iri[len(BASE):] if iri.startswith(str(ID)) else None


def compact(iri: str) -> str:
    """A prefixed name (``bd:uppsala-aln``) where a project prefix fits, else the IRI."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


# labels.rq's rank of an outcome's name: its activity's label (an outcome has none of its own)
_OUTCOME_RANK = 4


class Label(str):
    """A label with its language tag (``lang``: None when untagged), so that a page can mark
    a name the graph has in another language only (``<a lang="sv">`` on an English page)."""

    lang: str | None = None

    @classmethod
    def tagged(cls, text: str, lang: str | None) -> "Label":
        label = cls(text)
        label.lang = lang
        return label


def foreign(text: str, lang: str | None) -> str | None:
    """The language to mark ``text`` with on a page in ``lang``: its own, when it is a
    ``Label`` in another language; else None."""
    tag = getattr(text, "lang", None)
    return tag if tag and lang and tag != lang else None


_QUOTED = re.compile(r"&#34;(.+?)&#34;")  # "…" as markupsafe escapes it


def quotes_marked(text: str, lang: str) -> Markup:
    """A plan report's message, escaped, for a page in ``lang``: on a page not in Swedish
    what it quotes between straight quotes is marked lang="sv" (the plan's cells and the
    graph's Swedish names an English message is about: 'The decision is attributed to
    "Samråd HSVO Uppsala"'; a Swedish message quotes ”…” and needs nothing)."""
    escaped = str(escape(text))
    if lang == "sv":
        return Markup(escaped)
    return Markup(_QUOTED.sub(r'"<span lang="sv">\1</span>"', escaped))


def fetch_labels(reader: Reader, iris: Iterable[str], lang: str) -> dict[str, str]:
    """The best label of each IRI in ``lang``: rdfs:label, then skos:prefLabel, then
    dct:title; a label in the page language before Swedish before untagged. An activity's
    outcome, which has no label, is named after its activity ("utfall för …"), not shown as
    its IRI."""
    wanted = sorted({i for i in iris if i})
    labels = {i: localise(TERM_LABELS[i], lang) for i in wanted if i in TERM_LABELS}
    ask = [URIRef(i) for i in wanted if i not in labels]
    if not ask:
        return labels
    table = reader.select(load_rq("hsvo_graph.web", "labels"), {"s": ask})
    best: dict[str, tuple[tuple[int, int, str], str | None]] = {}
    for row in table.rows:
        label = row["label"]
        tag = label.language if isinstance(label, Literal) else None
        language_rank = 0 if tag == lang else 1 if tag == "sv" else 2 if not tag else 3
        key = (language_rank, int(row["rank"]), str(label))
        subject = str(row["s"])
        if subject not in best or key < best[subject][0]:
            best[subject] = (key, tag)
    outcome = localise(MESSAGES["outcome_of"], lang)
    labels.update({s: outcome.format(name=text) if rank == _OUTCOME_RANK else Label.tagged(text, tag)
                   for s, ((_, rank, text), tag) in best.items()})
    return labels


def names_in(reader: Reader, iris: Iterable[str], lang: str) -> dict[str, tuple[str, str]]:
    """For each IRI with a name in ``lang`` other than its Swedish one: (the Swedish name,
    the name in ``lang``). Nothing for Swedish, the language the canned questions answer in."""
    wanted = sorted({i for i in iris if i})
    if lang == "sv" or not wanted:
        return {}
    table = reader.select(load_rq("hsvo_graph.web", "names_in"),
                          {"s": [URIRef(i) for i in wanted], "lang": [Literal(lang)]})
    named: dict[str, tuple[str, str]] = {}
    for row in sorted(table.rows, key=lambda r: (str(r["s"]), str(r["sv"]), str(r["named"]))):
        named.setdefault(str(row["s"]), (str(row["sv"]), str(row["named"])))
    return named


# a text longer than this is a sentence (a quote, a summary), not a name
_NAME_LENGTH = 120


def names_of_texts(reader: Reader, texts: Iterable[Literal], lang: str) -> dict[str, str]:
    """The name in ``lang`` of each Swedish (or untagged) text that is the Swedish name of one
    thing alone (a name a canned question returns as text, without its entity's IRI)."""
    wanted = sorted({Literal(str(t), lang="sv") for t in texts if t.language in ("sv", None)
                     and t.datatype is None}, key=str)
    if lang == "sv" or not wanted:
        return {}
    table = reader.select(load_rq("hsvo_graph.web", "names_of_text"), {"sv": wanted, "lang": [Literal(lang)]})
    named: dict[str, set[str]] = {}
    for row in table.rows:
        named.setdefault(str(row["sv"]), set()).add(str(row["named"]))
    return {text: next(iter(names)) for text, names in named.items() if len(names) == 1}


def value_text(term: Literal, lang: str | None) -> str:
    """A literal as shown: the value codes some queries return (``granted``) and booleans
    (ja/nej, yes/no) in words of the page language, any other text as it is."""
    text = str(term)
    if term.datatype == XSD.boolean:  # "1" and "0" too, as Virtuoso may write them
        text = "true" if term.toPython() is True else "false"
    if lang and not term.language and text in VALUE_LABELS:
        return localise(VALUE_LABELS[text], lang)
    return text


def cell(term: Identifier | None, labels: Mapping[str, str], lang: str | None = None) -> Cell:
    """A term as a Cell: statuses as markers, data IRIs as links, other IRIs by label,
    value codes in the page language ``lang``."""
    if term is None:
        return Cell("")
    # literals first: most cells hold one, and rdflib's terms are ABCs, whose isinstance is
    # quick only for the exact class (a miss goes through the ABC machinery)
    if isinstance(term, Literal):
        return Cell(value_text(term, lang), lang=term.language)
    if isinstance(term, URIRef):
        iri = str(term)
        text = labels.get(iri) or compact(iri)
        if iri in STATUS_STYLES:
            style, symbol = STATUS_STYLES[iri]
            return Cell(text, status=style, symbol=symbol, iri=iri)
        return Cell(text, href=local_path(iri), iri=iri, lang=foreign(text, lang))
    return Cell(str(term))


def _explained(shown: Cell, abbreviations: Mapping[str, str]) -> Cell:
    """The cell with its abbreviations explained, when its whole text is a list of them."""
    if shown.href or shown.status or not abbreviations:
        return shown
    parts = shown.text.split(", ")
    for part in parts:
        if part not in abbreviations:
            return shown
    return shown._replace(abbreviations=tuple((p, abbreviations[p]) for p in parts))


def iris_in(terms: Iterable[Identifier | None]) -> set[str]:
    """The IRIs among ``terms`` (to fetch their labels in one query)."""
    return {str(t) for t in terms if isinstance(t, URIRef)}


def _labelled(table_rows: list[dict[str, Identifier]], shown: list[str],
              links: Mapping[str, str]) -> set[str]:
    """The IRIs whose label ``result_table`` shows: every IRI of an ordinary column, and a
    link target only when it has no page here (a vocabulary term, shown by its label). A
    link to a data IRI shows the text column's own value, so a table whose only IRIs are
    such links (most canned questions) costs no label query."""
    wanted: set[str] = set()
    targets: set[str] = set()  # every IRI a link column points to
    unlinked: set[str] = set()  # IRIs in a link column whose row has no target to link to
    for row in table_rows:
        for variable in shown:
            term = row.get(variable)
            if variable not in links:
                if isinstance(term, URIRef):
                    wanted.add(str(term))
                continue
            target = row.get(links[variable])
            if isinstance(target, URIRef):
                targets.add(str(target))
                if term is not None and local_path(str(target)) is None:
                    wanted.add(str(target))
            if isinstance(term, URIRef) and not isinstance(target, URIRef):
                unlinked.add(str(term))
    # such a cell is shown like an ordinary one, with the label only if it was read for another
    # cell (as when all labels of the table were read in one go)
    wanted |= unlinked & (wanted | targets)
    return {i for i in wanted if i}


@dataclass(frozen=True)
class ResultTable:
    """A SELECT result ready for an HTML table: headings and rows of cells."""

    columns: list[str]
    headings: list[str]
    rows: list[list[Cell]]

    def head(self) -> Markup:
        """The column headings as HTML (the table's header row)."""
        return Markup("".join(f'<th scope="col">{escape(heading)}</th>' for heading in self.headings))

    def body(self) -> Markup:
        """The rows as HTML, each cell labelled with its column's heading (phones show a row
        as a card of labelled values). Written here rather than as the template's two loops,
        which cost five times this on a canned question's page (Jinja's loop, attribute and
        escaping machinery per cell)."""
        labels = [escape(heading) for heading in self.headings]
        return Markup("\n".join(
            "<tr>" + "".join(f'<td data-label="{label}">{cell.__html__()}</td>'
                             for label, cell in zip(labels, row, strict=True)) + "</tr>"
            for row in self.rows))


def result_table(
    reader: Reader,
    table_rows: list[dict[str, Identifier]],
    variables: list[str],
    *,
    headings: Mapping[str, str],
    links: Mapping[str, str],
    lang: str,
    abbreviations: Mapping[str, str] | None = None,
) -> ResultTable:
    """Rows as cells: a column named in ``links`` links to the IRI in its target column,
    which is then not shown itself (a vocabulary term there, which has no page, gives the
    text in the page language instead: ``beslutande`` becomes *decision-making*; and a
    link's text that is its entity's Swedish name is shown by its name in the page language,
    where the graph has one); other IRIs show their label and link to their page; a text that
    is a list of known ``abbreviations`` says what each stands for."""
    hidden = {target for target in links.values() if target in variables}
    shown = [v for v in variables if v not in hidden]
    labels = fetch_labels(reader, _labelled(table_rows, shown, links), lang)
    named = names_in(reader, (str(row[target]) for row in table_rows for target in links.values()
                              if target in variables and isinstance(row.get(target), URIRef)), lang)
    texts = names_of_texts(reader, (term for row in table_rows for v in shown if v not in links
                                    and isinstance(term := row.get(v), Literal) and term.language in ("sv", None)
                                    and term.datatype is None and len(term) <= _NAME_LENGTH), lang)
    columns = [(v, links.get(v)) for v in shown]  # each shown column and its link target's
    explained = abbreviations or {}
    rows = []
    for row in table_rows:
        cells = []
        for variable, link in columns:
            term = row.get(variable)
            target = None if link is None or term is None else row.get(link)
            if target is not None and isinstance(target, URIRef):
                href = local_path(str(target))
                if href is None and str(target) in labels:
                    label = labels[str(target)]
                    cells.append(Cell(label, iri=str(target), lang=foreign(label, lang)))
                    continue
                lang_tag = term.language if isinstance(term, Literal) else None
                sv_and_own = named.get(str(target))
                if sv_and_own is not None and str(term) == sv_and_own[0]:
                    cells.append(Cell(sv_and_own[1], href=href, iri=str(target)))
                    continue
                cells.append(Cell(str(term), href=href, iri=str(target), lang=lang_tag))
            elif (isinstance(term, Literal) and term.language in ("sv", None) and term.datatype is None
                  and str(term) in texts):
                cells.append(Cell(texts[str(term)]))  # a name in the page language
            else:
                cells.append(_explained(cell(term, labels, lang), explained))
        rows.append(cells)
    return ResultTable(shown, [headings.get(v, v) for v in shown], rows)

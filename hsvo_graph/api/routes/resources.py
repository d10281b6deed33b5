"""Dereferenceable entity pages: ``/id/{kind}/{slug}`` serves the data IRI with the same
path (``https://w3id.org/hsvo-graph/id/{kind}/{slug}``) as HTML for browsers and, for
programs, in every RDF format ``/sparql`` writes a graph in, negotiated the same way."""

import json
from collections import defaultdict
from dataclasses import dataclass, field

from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request, Response
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import SKOS
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool

from hsvo_graph.formats import JSON_LD, RDF_FORMATS, Format
from hsvo_graph.sparql.protocol import ProtocolError, negotiate, prefers_html
from hsvo_graph.sparql.results import serialize_rdf
from hsvo_graph.validation.terms import to_ox_quad
from hsvo_graph.web.collation import collation_key
from hsvo_graph.web.display import Cell, cell, compact, fetch_labels, iris_in
from hsvo_graph.namespaces import ID, PREFIXES, entity_slug
from hsvo_graph.web.resources import Description, describe
from hsvo_graph.api.deps import ReaderDep
from hsvo_graph.api.rendering import language, render, url_with

router = APIRouter(tags=["Entities"])

KINDS = ("body", "document", "goal", "activity")
_FIRST = [RDF.type, RDFS.label, SKOS.prefLabel]


@dataclass
class Value:
    """A value on the page; blank nodes and outcomes carry their own facts along."""

    cell: Cell
    facts: list["Fact"] = field(default_factory=list)


@dataclass
class Fact:
    """One property and its values."""

    predicate: Cell
    values: list[Value]


@dataclass
class EntityPage:
    """What resource.html shows."""

    title: str
    iri: str
    types: list[Cell]
    facts: list[Fact]
    inferred: list[Fact]
    sources: list[dict[str, Cell | str | None]]
    incoming: list[Fact]
    citations: list[dict[str, Cell | str | None]]
    graphs: list[str]


def _in_language(values: list[Identifier], lang: str) -> list[Identifier]:
    """Texts in the page language only (one language per page): names and summaries in
    another language are left out when the page language or Swedish has them."""
    for wanted in (lang, "sv"):
        if any(isinstance(v, Literal) and v.language == wanted for v in values):
            return [v for v in values
                    if not (isinstance(v, Literal) and v.language and v.language != wanted)]
    return values


def _facts(
    pairs: list[tuple[URIRef, Identifier]], description: Description, labels: dict[str, str],
    depth: int, lang: str,
) -> list[Fact]:
    """Values grouped by property, properties in a stable order; below the top level the
    type is left out (the property already says what the nested thing is)."""
    grouped: dict[URIRef, list[Identifier]] = defaultdict(list)
    for p, o in pairs:
        if (depth > 0 and p == RDF.type) or o in grouped[p]:
            continue
        grouped[p].append(o)

    by_name = collation_key(lang)

    def order(p: URIRef) -> tuple[int, bytes]:
        return (_FIRST.index(p) if p in _FIRST else len(_FIRST), by_name(labels.get(str(p), str(p))))

    facts = []
    for p in sorted(grouped, key=order):
        values = []
        for o in _in_language(grouped[p], lang):
            opened = description.nested.get(o, []) if depth < 2 else []
            shown = Cell("") if isinstance(o, BNode) else cell(o, labels, lang)
            values.append(Value(shown, _facts(opened, description, labels, depth + 1, lang)))
        facts.append(Fact(cell(p, labels, lang), values))
    return facts


def _with_year(shown: Cell, description: Description) -> Cell:
    """Activities of different years often share a title: say which year each is."""
    year = description.years.get(shown.iri or "")
    return shown._replace(text=f"{shown.text} ({year})") if year is not None else shown


def entity_page(description: Description, labels: dict[str, str], lang: str) -> EntityPage:
    """The page model of an entity: facts, sources, inferred facts and incoming links."""
    facts = _facts([(p, o) for p, o, _ in description.asserted if p != RDF.type],
                   description, labels, 0, lang)
    inferred = _facts([(p, o) for p, o, _ in description.inferred], description, labels, 0, lang)
    incoming: dict[URIRef, list[Identifier]] = defaultdict(list)
    for s, p, _ in description.incoming:
        if s not in incoming[p]:
            incoming[p].append(s)
    return EntityPage(
        title=labels.get(str(description.iri)) or compact(str(description.iri)),
        iri=str(description.iri),
        types=[cell(t, labels, lang) for t in description.types],
        facts=facts,
        inferred=inferred,
        sources=[{"document": cell(s.document, labels, lang) if s.document is not None else None,
                  "section": s.section, "page": s.page, "graph": compact(s.graph)}
                 for s in description.sources],
        incoming=[Fact(cell(p, labels, lang), [Value(_with_year(cell(s, labels, lang), description))
                                                for s in subjects])
                  for p, subjects in sorted(incoming.items(), key=lambda kv: labels.get(str(kv[0]), ""))],
        citations=[{"entity": cell(c.entity, labels, lang), "section": c.section, "page": c.page}
                   for c in sorted(description.citations,
                                   key=lambda c: (c.page or "", labels.get(str(c.entity), "")))],
        graphs=[compact(g) for g in description.graphs],
    )


def _labels_for(reader: ReaderDep, description: Description, lang: str) -> dict[str, str]:
    terms: list[Identifier | None] = [description.iri]
    for p, o, _ in description.statements:
        terms += [p, o]
    for pairs in description.nested.values():
        for p, o in pairs:
            terms += [p, o]
    for s, p, _ in description.incoming:
        terms += [s, p]
    terms += [c.entity for c in description.citations]
    return fetch_labels(reader, iris_in(terms), lang)


def _chosen(format: str | None, accept: str | None) -> Format | None:
    """The RDF format to answer in, as ``/sparql`` chooses one for a graph (``format=``
    names and aliases such as ``json`` and ``nt``, then Accept with its aliases such as
    ``application/json``); None for the HTML page (``format=html``, or a browser)."""
    if format is not None and format.strip().lower() == "html":
        return None
    if format is None and prefers_html(accept, RDF_FORMATS):
        return None
    try:
        return negotiate(RDF_FORMATS, accept, [] if format is None else [format])
    except ProtocolError as exc:
        raise HTTPException(exc.status, f"{exc} (or html)") from exc


def _rdf(description: Description, fmt: Format) -> Response:
    """The entity's statements in ``fmt``: written by pyoxigraph as ``/sparql`` writes a
    graph, except JSON-LD, which rdflib compacts with the service's prefixes as its
    context (short keys a reader can use, where pyoxigraph writes full IRIs)."""
    # the same bytes for the same data, whichever copy of the store answered (the blank
    # nodes' labels and the statements' order are each answer's own): canonical labels, sorted
    graph = to_canonical_graph(description.to_graph())
    if fmt == JSON_LD:
        body = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
        text = json.dumps(json.loads(body), ensure_ascii=False, indent=2).encode("utf-8")
    else:
        triples = [to_ox_quad(s, p, o).triple for s, p, o in sorted(graph)]
        text = serialize_rdf(triples, fmt.media_type, PREFIXES)
    return Response(text, headers={"Content-Type": fmt.content_type, "Vary": "Accept"})


@router.get("/id/{kind}/{slug}", summary="An entity (body, document, goal, activity)",
            response_class=Response,
            responses={200: {"content": {m: {} for m in
                                         (*(f.media_type for f in RDF_FORMATS), "text/html")}}})
async def entity(kind: str, slug: str, request: Request, reader: ReaderDep,
                 format: str | None = None) -> Response:
    """Allt grafen säger om en entitet. / Everything the graph says about an entity:
    HTML for browsers, Turtle by default, and the other RDF formats of `/sparql` by Accept
    (`application/ld+json` or `application/json`, `application/n-triples`,
    `application/rdf+xml`, …) or `format=` (`jsonld`, `nt`, `rdfxml`, `trig`, `nq`, `html`)."""
    fmt = _chosen(format, request.headers.get("accept"))
    named = entity_slug(slug)
    if kind not in KINDS or named is None:
        raise HTTPException(404, f"no entity /id/{quote(kind)}/{quote(slug)}: expected "
                                 f"/id/{{{'|'.join(KINDS)}}}/<slug>")  # quoted: no raw NUL or tag
    iri = f"{ID}{kind}/{named}"
    description = await run_in_threadpool(describe, reader, iri)
    if description is None:
        raise HTTPException(404, f"the graph says nothing about <{iri}>")
    if fmt is not None:
        return _rdf(description, fmt)
    lang = language(request)
    labels = await run_in_threadpool(_labels_for, reader, description, lang)
    page = entity_page(description, labels, lang)
    return render(request, "resource.html", {
        "page": page,
        "turtle_url": url_with(request, format="ttl", lang=None),
        "jsonld_url": url_with(request, format="jsonld", lang=None),
        "profile_url": f"/organ/{named}" if kind == "body" else None,
    })

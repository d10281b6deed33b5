"""Everything the graph says about one entity, for its dereferenceable page at ``/id/…``.

Two queries: the entity's own statements per named graph, with the blank nodes below them
(qualified sources, mandates) and its outcomes opened two levels deep; and the statements
that point at it, with the owner of a blank node in between (so a document page can list
the entities that cite it). Blank nodes are only meaningful inside one result, which is
why each query fetches its nested parts itself.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from rdflib import RDF, Graph, URIRef
from rdflib.term import Identifier

from hsvo_graph.namespaces import HSVO, INFERRED_GRAPH, PREFIXES
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq

PROV_QUALIFIED_SOURCE = URIRef("http://www.w3.org/ns/prov#qualifiedPrimarySource")
PROV_ENTITY = URIRef("http://www.w3.org/ns/prov#entity")

@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document, its section and page, and the named graph."""

    document: Identifier | None
    section: str | None
    page: str | None
    graph: str


@dataclass(frozen=True)
class Citation:
    """An entity whose qualified source is this document (seen from the document's page)."""

    entity: URIRef
    section: str | None
    page: str | None


@dataclass
class Description:
    """The statements about one entity, sorted for display."""

    iri: URIRef
    statements: list[tuple[URIRef, Identifier, str]] = field(default_factory=list)
    nested: dict[Identifier, list[tuple[URIRef, Identifier]]] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    incoming: list[tuple[URIRef, URIRef, str]] = field(default_factory=list)
    years: dict[str, int] = field(default_factory=dict)
    citations: list[Citation] = field(default_factory=list)

    @property
    def asserted(self) -> list[tuple[URIRef, Identifier, str]]:
        """Statements from the data and ontology graphs (not inferred, not sources)."""
        return [s for s in self.statements
                if s[2] != str(INFERRED_GRAPH) and s[0] != PROV_QUALIFIED_SOURCE]

    @property
    def inferred(self) -> list[tuple[URIRef, Identifier, str]]:
        asserted = {(p, o) for p, o, g in self.statements if g != str(INFERRED_GRAPH)}
        return [s for s in self.statements
                if s[2] == str(INFERRED_GRAPH) and (s[0], s[1]) not in asserted]

    @property
    def types(self) -> list[Identifier]:
        return [o for p, o, _ in self.asserted if p == RDF.type]

    @property
    def graphs(self) -> list[str]:
        return sorted({g for _, _, g in self.statements if g != str(INFERRED_GRAPH)})

    def to_graph(self) -> Graph:
        """The entity's statements and nested parts as one graph (for Turtle, JSON-LD)."""
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for p, o, _ in self.statements:
            graph.add((self.iri, p, o))
        for node, pairs in self.nested.items():
            for p, o in pairs:
                graph.add((node, p, o))
        return graph


def describe(reader: Reader, iri: str) -> Description | None:
    """What the graph says about ``iri`` (None when it appears nowhere)."""
    subject = URIRef(iri)
    out = reader.select(load_rq("hsvo_graph.web", "entity_outgoing"), {"s": [subject]})
    back = reader.select(load_rq("hsvo_graph.web", "entity_incoming"), {"o": [subject]})
    if not out.rows and not back.rows:
        return None
    description = Description(subject)
    seen: set[tuple[Identifier | str | None, ...]] = set()
    nested: dict[Identifier, list[tuple[URIRef, Identifier]]] = defaultdict(list)
    for row in out.rows:
        # Table rows are typed as Identifier; a predicate is always an IRI (URIRef).
        statement = (cast(URIRef, row["p"]), row["o"], str(row["g"]))
        if statement not in seen:
            seen.add(statement)
            description.statements.append(statement)
        for node, p, o in ((row["o"], row.get("p2"), row.get("o2")),
                           (row.get("o2"), row.get("p3"), row.get("o3"))):
            # ?node and ?o are bound whenever ?p is (same triple pattern)
            if p is not None and node is not None and o is not None and (node, p, o) not in seen:
                seen.add((node, p, o))
                nested[node].append((cast(URIRef, p), o))
    description.nested = dict(nested)
    description.sources = _sources(description)
    for row in back.rows:
        if isinstance(row["s"], URIRef):
            if row.get("year") is not None:
                description.years[str(row["s"])] = int(row["year"])
            item = (row["s"], cast(URIRef, row["p"]), str(row["g"]))
            if item not in description.incoming:
                description.incoming.append(item)
        elif row.get("ownerP") == PROV_QUALIFIED_SOURCE and row["p"] == PROV_ENTITY:
            citation = Citation(row["owner"], _text(row.get("section")), _text(row.get("page")))  # type: ignore[arg-type]
            if citation not in description.citations:
                description.citations.append(citation)
        elif isinstance(owner := row.get("owner"), URIRef):
            item = (owner, cast(URIRef, row["ownerP"]), str(row["g"]))
            if item not in description.incoming:
                description.incoming.append(item)
    return description


def _text(term: Identifier | None) -> str | None:
    return None if term is None else str(term)


def _sources(description: Description) -> list[Source]:
    """The qualified primary sources, with the graph that states each."""
    sources = []
    for p, node, graph in description.statements:
        if p != PROV_QUALIFIED_SOURCE:
            continue
        parts = dict(description.nested.get(node, []))
        section = parts.get(HSVO.section)
        page = parts.get(HSVO.page)
        sources.append(Source(parts.get(PROV_ENTITY), _text(section), _text(page), graph))
    return sorted(sources, key=lambda s: (str(s.document), s.section or "", s.page or ""))

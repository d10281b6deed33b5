"""rdflib and pyoxigraph terms into each other: plans are read and explained with rdflib,
the shapes' SPARQL runs on pyoxigraph, and pyoxigraph parses N-Triples several times faster
than rdflib."""

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language is not None:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    return ox.NamedNode(str(term))


def from_ox(term: object) -> Node:
    """A pyoxigraph term as an rdflib term (xsd:string literals without a datatype, as
    rdflib parses them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language is not None:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise TypeError(f"not an IRI, blank node or literal: {term!r}")


def to_ox_quad(s: Node, p: Node, o: Node) -> ox.Quad:
    """An rdflib triple as a pyoxigraph quad of the default graph."""
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]


def graph_of(ntriples: bytes) -> Graph:
    """N-Triples as an rdflib graph, parsed by pyoxigraph (blank node labels kept)."""
    graph = Graph()
    graph.addN(
        (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), graph)
        for t in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES)
    )
    return graph

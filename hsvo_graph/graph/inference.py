"""OWL 2 RL inference, computed once at load time with the Rust reasoner ``reasonable``.

The entailed triples that matter here (``hsvo:involves`` from its sub-properties, super-
classes such as ``hsvo:Board`` → ``org:Organization``, ``org:unitOf`` from
``hsvo:principal``, ``skos:altLabel`` from ``hsvo:abbreviation``) go into their own named
graph, ``graph:inferred``: queries see them through the union default graph, and a
researcher can leave them out by naming the graphs explicitly.
"""

from collections.abc import Iterable

import reasonable
from rdflib import OWL, RDF, XSD, Graph, Literal
from rdflib.term import Node

_NOISE_OBJECTS = {OWL.Thing}
_NOISE_SUBJECTS = {OWL.Thing, OWL.Nothing}


def _plain(triple: tuple[Node, Node, Node]) -> tuple[Node, Node, Node]:
    """The reasoner writes simple literals as ``xsd:string``; RDF 1.1 says they are the same."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype == XSD.string:
        return s, p, Literal(str(o))
    return triple


def _worth_keeping(triple: tuple[Node, Node, Node]) -> bool:
    """Drop the OWL-RL bookkeeping that adds nothing a reader could use."""
    s, p, o = triple
    if s in _NOISE_SUBJECTS or (p == OWL.sameAs and s == o):
        return False
    return not (p == RDF.type and o in _NOISE_OBJECTS)


def infer(graphs: Iterable[Graph]) -> Graph:
    """The triples entailed by the union of ``graphs`` that are not already asserted."""
    union = Graph()
    for graph in graphs:
        union += graph
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(union)
    inferred = Graph()
    for triple in map(_plain, reasoner.reason()):
        if triple not in union and _worth_keeping(triple):
            inferred.add(triple)
    return inferred

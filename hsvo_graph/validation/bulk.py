"""The activities and outcomes of a large context, kept in a pyoxigraph store and read per
plan instead of held as rdflib terms.

At the county's size a plan's context is a few thousand triples and is held whole as rdflib
terms (context.py). At scale nearly all of it is activities and outcomes: 894 k of the
908 k context triples of the 1 M-triple benchmark graph. Held as rdflib terms they took the
service to 1.9 GB and 12 s to build after every write, while a plan touches only a few of
them: its own activities if the graph already states them, the other activities of a list it
adds to, the activities a follow-up report gives outcomes. So from ``BULK_FROM`` such
triples on, the statements whose subject is an activity or an outcome (typed so in its own
graph) stay in an in-memory pyoxigraph store, each in its named graph, and are read by
pattern when a plan asks for them:

- ``BulkUnion`` is the rdflib graph a plan is read and checked in: the core graph and the
  store, looked up together, so name lookups, labels and the shapes see one graph, as
  before (and a second one adds the superclass types of the store's typed nodes to the
  parts' own, as the checks need them);
- ``Bulk.around`` the store's quads about a plan's nodes, for the shapes' SPARQL, which runs
  on a pyoxigraph store built per plan (check.py).

What the shapes ask of other graphs' activities is local to the plan's own nodes (its list's
other activities, the list a followed activity is in): ``around`` reads exactly that
neighbourhood, and tests/test_validation_bulk.py checks that a large context reports what
the whole one does.
"""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.graph import _TriplePatternType, _TripleType
from rdflib.paths import Path as PropertyPath
from rdflib.term import Node

from hsvo_graph.namespaces import HSVO
from hsvo_graph.validation.terms import from_ox, to_ox

BULK_FROM = 50_000  # activity and outcome triples from which they are kept out of rdflib
_TYPE = ox.NamedNode(str(RDF.type))
_LINKS_IN = (ox.NamedNode(str(HSVO.listedIn)), ox.NamedNode(str(HSVO.hasOutcome)))
_HAS_OUTCOME = ox.NamedNode(str(HSVO.hasOutcome))
_KINDS = f"<{RDF.type}> ?kind FILTER (?kind IN (<{HSVO.Activity}>, <{HSVO.Outcome}>))"
_BULK_SIZE = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o . ?s {_KINDS} }} }}"
_DROP_CORE = f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o MINUS {{ ?s {_KINDS} }} }} }}"

Ancestors = Mapping[Node, frozenset[Node]]


class Bulk:
    """Activity and outcome statements, each in its named graph (empty for a small context)."""

    def __init__(self, store: ox.Store | None = None) -> None:
        self.store = store if store is not None else ox.Store()
        self.size = len(self.store)

    def __bool__(self) -> bool:
        return self.size > 0

    def nquads(self) -> bytes:
        """The whole store as N-Quads (the disk cache keeps it so)."""
        return self.store.dump(format=ox.RdfFormat.N_QUADS) or b""

    @classmethod
    def from_nquads(cls, data: bytes) -> "Bulk":
        store = ox.Store()
        if data:
            store.load(data, ox.RdfFormat.N_QUADS)
        return cls(store)

    def stated(self, pattern: _TriplePatternType, hidden: frozenset[str]) -> Iterator[_TripleType]:
        """The statements matching ``pattern`` outside the ``hidden`` graphs, each once."""
        s, p, o = pattern
        if (s is not None and not isinstance(s, URIRef)) or isinstance(o, BNode):
            return  # the store's subjects are IRIs; blank nodes are the core's or a plan's own
        seen: set[_TripleType] = set()
        for quad in self._visible(_ox(s), _ox(p), _ox(o), hidden):
            triple = (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object))
            if triple not in seen:
                seen.add(triple)
                yield triple

    def superclass_types(self, pattern: _TriplePatternType, hidden: frozenset[str],
                         ancestors: Ancestors) -> Iterator[_TripleType]:
        """The types matching ``pattern`` that the superclasses of its nodes' classes give
        them (RDFS rule rdfs9) and that no statement gives, as ``context.superclass_types``
        has them for the parts."""
        s, p, o = pattern
        if p not in (None, RDF.type) or isinstance(o, BNode):
            return
        if o is None:  # the nodes' own classes, then what is above them
            given = ((node, ancestors.get(cls, frozenset()))
                     for node, _, cls in self.stated((s, RDF.type, None), hidden))
        else:  # the instances of the classes below ``o``
            given = ((node, frozenset({o})) for cls, above in ancestors.items() if o in above
                     for node, _, _ in self.stated((s, RDF.type, cls), hidden))
        seen: set[_TripleType] = set()
        for node, superclasses in given:
            for superclass in superclasses:
                triple = (node, RDF.type, superclass)
                if triple not in seen and next(self.stated(triple, hidden), None) is None:
                    seen.add(triple)
                    yield triple

    def _visible(self, s: Any, p: Any, o: Any, hidden: frozenset[str]) -> Iterator[ox.Quad]:
        """The store's quads matching the pattern, but those of the ``hidden`` graphs."""
        for quad in self.store.quads_for_pattern(s, p, o, None):
            if not hidden or _graph(quad) not in hidden:
                yield quad

    def around(self, nodes: Iterable[URIRef], hidden: frozenset[str], leave_out: set[Node],
               ancestors: Ancestors) -> list[ox.Quad]:
        """What the store says about ``nodes``, about the activities listed in them or
        giving them an outcome, and about those activities' outcomes (never about the
        subjects ``leave_out``): as quads of the default graph, with superclass types."""
        wanted = {_ox(n) for n in nodes if isinstance(n, URIRef)}
        subjects = set(wanted)
        for node in wanted:
            for link in _LINKS_IN:
                subjects.update(q.subject for q in self._visible(None, link, node, hidden))
        subjects |= {q.object for s in subjects for q in self._visible(s, _HAS_OUTCOME, None, hidden)}
        subjects -= {_ox(n) for n in leave_out if isinstance(n, URIRef)}
        above = {_ox(c): [_ox(a) for a in sup] for c, sup in ancestors.items()}
        found: dict[tuple[Any, Any, Any], ox.Quad] = {}
        for subject in subjects:
            for q in self._visible(subject, None, None, hidden):
                found.setdefault((q.subject, q.predicate, q.object), ox.Quad(q.subject, q.predicate, q.object))
                for superclass in above.get(q.object, ()) if q.predicate == _TYPE else ():
                    found.setdefault((q.subject, _TYPE, superclass), ox.Quad(q.subject, _TYPE, superclass))
        return list(found.values())

    def has_subject(self, node: Node, hidden: frozenset[str]) -> bool:
        return isinstance(node, URIRef) and next(self._visible(_ox(node), None, None, hidden), None) is not None


def _ox(term: Node | None) -> Any:
    """A pattern term for ``quads_for_pattern`` (None matches anything)."""
    return None if term is None else to_ox(term)


def _graph(quad: ox.Quad) -> str:
    return str(getattr(quad.graph_name, "value", ""))


def split(projections: dict[str, bytes]) -> tuple[dict[str, bytes], Bulk]:
    """Each graph's context triples as N-Triples, and the bulk. Below ``BULK_FROM``
    activity and outcome triples the projections stay as they are (blank-node labels
    included) and the bulk is empty; from it on, those triples go into the bulk's store and
    each graph keeps the rest."""
    scratch = ox.Store()
    for iri, text in projections.items():
        scratch.load(text, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
    [row] = cast(ox.QuerySolutions, scratch.query(_BULK_SIZE))
    size = int(cast(ox.Literal, row["n"]).value)
    if size < BULK_FROM:
        return projections, Bulk()
    texts = {}
    for iri in projections:
        core = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(iri)} {{ ?s ?p ?o MINUS {{ ?s {_KINDS} }} }} }}"
        texts[iri] = cast(ox.QueryTriples, scratch.query(core)).serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    scratch.update(_DROP_CORE)
    return texts, Bulk(scratch)


class BulkUnion(Graph):
    """A read-only rdflib view: the rdflib graph ``below`` and, from the ``bulk`` outside
    the ``hidden`` graphs, its statements or (``superclass_types``) the types its nodes
    get from their classes' superclasses, as one graph."""

    def __init__(self, below: Graph, bulk: Bulk, hidden: frozenset[str], ancestors: Ancestors,
                 *, superclass_types: bool = False) -> None:
        super().__init__()
        self.below, self.bulk, self.hidden, self.ancestors = below, bulk, hidden, ancestors
        self.superclass_types = superclass_types

    def triples(self, triple: _TriplePatternType) -> Iterator[_TripleType]:  # type: ignore[override]
        if isinstance(triple[1], PropertyPath):  # rdflib evaluates paths through triples() again
            yield from super().triples(triple)
            return
        yield from self.below.triples(triple)
        found = self.bulk.superclass_types(triple, self.hidden, self.ancestors) \
            if self.superclass_types else self.bulk.stated(triple, self.hidden)
        for each in found:
            if each not in self.below:
                yield each


class Subjects:
    """The subjects of a core graph and of a bulk, for ``in``."""

    def __init__(self, core: frozenset[Node], bulk: Bulk, hidden: frozenset[str]) -> None:
        self.core, self.bulk, self.hidden = core, bulk, hidden

    def __contains__(self, node: object) -> bool:
        return node in self.core or (isinstance(node, URIRef) and self.bulk.has_subject(node, self.hidden))

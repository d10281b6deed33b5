"""What a plan is resolved in and checked against: the part of the store the shapes and
the name lookups need (types, names, codes, goal structure, periods, mandates, list
membership), read one named graph at a time so that an earlier version of the plan can be
left out, plus the ontology parsed once per process.

Provenance, summaries and the like are not read: the context of a plan stays a fraction of
the graph, and so does the time to build and check it.

A store's context is also kept on disk (cache.py) under the store's ``version``, which
every write changes: a short-lived ``hsvo validate`` then reads one file instead of opening
the store and querying each graph, and never gets the context of an earlier content.
"""

import hashlib
import json
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from hsvo_graph.config import Settings
from hsvo_graph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from hsvo_graph.store import EmbeddedStore, GraphStore
from hsvo_graph.store.base import VERSION_GRAPH, nquads_of
from hsvo_graph.validation import cache
from hsvo_graph.validation.bulk import Bulk, BulkUnion, Subjects, split
from hsvo_graph.validation.names import Registers
from hsvo_graph.validation.cache import turtle_directory_cached, turtle_directory_ntriples
from hsvo_graph.validation.terms import from_ox, to_ox_quad

if TYPE_CHECKING:  # the reader (and the SPARQL machinery behind it) is imported on cache misses
    from hsvo_graph.sparql.reader import Reader

# Properties the shapes (shapes/*.ttl) and the name registers (plans/names.py) look at.
CONTEXT_PROPERTIES = (
    "rdf:type",
    "rdfs:label",
    "skos:prefLabel",
    "skos:altLabel",
    "skos:notation",
    "hsvo:abbreviation",
    "dct:title",
    "hsvo:level",
    "hsvo:principal",
    "hsvo:hasMandate",
    "hsvo:grants",
    "hsvo:withholds",
    "skos:broader",
    "skos:inScheme",
    "hsvo:tracesTo",
    "dct:source",
    "hsvo:definedIn",
    "hsvo:startYear",
    "hsvo:endYear",
    "dct:isPartOf",
    "hsvo:listedIn",
    "hsvo:localFocusArea",
    # What a plan states about its activities, outcomes and document: read too, so that a
    # plan restating entities of another graph can be told from one changing them
    # (isolation.py).
    "hsvo:year",
    "hsvo:rowNumber",
    "prov:hadPrimarySource",
    "hsvo:followUpIndicator",
    "hsvo:sourceText",
    "hsvo:responsibleBody",
    "hsvo:participatingBody",
    "hsvo:diaryNumber",
    "dct:issued",
    "hsvo:hasOutcome",
    "hsvo:reportedIn",
    "hsvo:status",
    "hsvo:summary",
    "hsvo:followsUp",
    "hsvo:decisionKind",
    "hsvo:concerns",
    "hsvo:decidedBy",
    "hsvo:decisionDate",
)
_KEPT_WITHOUT = 4  # contexts without one graph kept per context (Context.without)
_PREFIXES = "".join(
    f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rdf", "rdfs", "skos", "dct", "hsvo", "prov")
)


def _projection(graph: str) -> str:
    """CONSTRUCT of one named graph's context triples (IRIs, and the blank-node mandates)."""
    return f"""{_PREFIXES}CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  VALUES ?p {{ {" ".join(CONTEXT_PROPERTIES)} }}
  GRAPH <{graph}> {{ ?s ?p ?o }}
  FILTER (isIRI(?s) || EXISTS {{ GRAPH <{graph}> {{ ?owner hsvo:hasMandate ?s }} }})
}}"""


@lru_cache
def ontology(ontology_dir: Path) -> Graph:
    """The ontology files as one graph (parsed once, and kept parsed between processes)."""
    return turtle_directory_cached(ontology_dir)


@dataclass(frozen=True)
class Part:
    """One named graph's context triples, as rdflib triples and, in the same order, as
    pyoxigraph quads (for the shapes' SPARQL)."""

    triples: list[tuple[Node, Node, Node]]
    quads: list[ox.Quad]

    @classmethod
    def parse(cls, ntriples: bytes, terms: dict[object, Node]) -> "Part":
        """Both forms from one pyoxigraph parse (no rdflib parser, no second conversion):
        N-Triples read as N-Quads are the quads of the default graph that the shapes' SPARQL
        runs on. ``terms`` are the rdflib terms made so far: a context names a few thousand
        terms ten thousand times, and making an rdflib term costs more than looking one up."""
        quads = list(ox.parse(ntriples, ox.RdfFormat.N_QUADS))
        get = terms.get

        def term(node: object) -> Node:
            made = get(node)
            if made is None:
                made = terms[node] = from_ox(node)
            return made

        return cls([(term(q.subject), term(q.predicate), term(q.object)) for q in quads], quads)

    @classmethod
    def of(cls, graph: Graph) -> "Part":
        triples = list(graph)
        return cls(triples, [to_ox_quad(*t) for t in triples])


@lru_cache
def _ontology_part(ontology_dir: Path) -> Part:
    return Part.parse(turtle_directory_ntriples(ontology_dir), {})


@dataclass
class Context:
    """The context triples by named-graph IRI, and where they came from; in a large
    context, the activities and outcomes in ``bulk`` (bulk.py) but those of the ``hidden``
    graphs."""

    parts: dict[str, Part]
    description: str
    bulk: Bulk = field(default_factory=Bulk)
    hidden: frozenset[str] = frozenset()
    _without: dict[str, "Context"] = field(default_factory=dict, repr=False, compare=False)
    _without_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @cached_property
    def core(self) -> Graph:
        """Every part in one rdflib graph, built in one pass into rdflib's context-free
        store (twice as fast to fill and faster to read than its default)."""
        merged = Graph(store="SimpleMemory")
        merged.addN((s, p, o, merged) for part in self.parts.values() for s, p, o in part.triples)
        return merged

    @cached_property
    def graph(self) -> Graph:
        """The whole context as one rdflib graph: the parts, and the bulk looked up with them."""
        return BulkUnion(self.core, self.bulk, self.hidden, self.ancestors) if self.bulk else self.core

    # What every plan checked in this context needs, computed once (the service keeps the
    # context until the store changes): the names cells are resolved against, the nodes the
    # graph describes, the superclasses of each class, the superclass types they give its
    # nodes, and its triples as pyoxigraph quads for the SPARQL constraints.

    @cached_property
    def names(self) -> Registers:
        return Registers.of(self.core)  # bodies, areas, principals: never in the bulk

    @cached_property
    def subjects(self) -> frozenset[Node] | Subjects:
        """The whole context's subjects (for ``in``), taken from the parts (rdflib's triple
        iteration costs several times more) and the bulk."""
        core = frozenset(t[0] for part in self.parts.values() for t in part.triples)
        return Subjects(core, self.bulk, self.hidden) if self.bulk else core

    @cached_property
    def ancestors(self) -> dict[Node, frozenset[Node]]:
        return superclasses(self.core)

    @cached_property
    def core_superclass_types(self) -> Graph:
        return superclass_types(self.core, self.ancestors)

    @cached_property
    def superclass_types(self) -> Graph:
        """The types rdfs9 gives the context's typed nodes (the bulk's are read with them)."""
        if not self.bulk:
            return self.core_superclass_types
        return BulkUnion(self.core_superclass_types, self.bulk, self.hidden, self.ancestors,
                         superclass_types=True)

    @cached_property
    def ox_triples(self) -> list[tuple[Node, ox.Quad]]:
        """Every triple (superclass types too) as a pyoxigraph quad, with its subject."""
        added = Part.of(self.core_superclass_types)  # the bulk's: Context.around
        return [(t[0], q) for part in (*self.parts.values(), added)
                for t, q in zip(part.triples, part.quads, strict=True)]

    def around(self, plan: Graph, leave_out: set[Node]) -> list[ox.Quad]:
        """The bulk's statements about what ``plan`` names (none about ``leave_out``), with
        superclass types, for the shapes' SPARQL: the rest of the bulk is never asked."""
        if not self.bulk:
            return []
        named = {n for s, _, o in plan for n in (s, o) if isinstance(n, URIRef)}
        return self.bulk.around(named, self.hidden, leave_out, self.ancestors)

    def replaced(self, parts: dict[str, Part], graphs: Collection[str]) -> "Context":
        """The context after writes that changed only ``graphs``: their ``parts`` as they
        are now (a graph without one is gone), everything else as it was."""
        kept = {k: v for k, v in self.parts.items() if k not in graphs}
        return Context({**kept, **parts}, self.description, self.bulk, self.hidden | set(graphs))

    def without(self, graph: str) -> "Context":
        """The context without one named graph: the earlier version of a re-imported plan.
        Kept for the next check of the same plan (its merged graph costs a second at 1 M
        triples), the last few graphs asked."""
        if graph not in self.parts:
            return self
        with self._without_lock:  # checks run in many threads at once
            found = self._without.pop(graph, None)
            if found is None:
                found = Context({k: v for k, v in self.parts.items() if k != graph},
                                self.description, self.bulk, self.hidden | {graph})
            self._without[graph] = found  # the newest last
            while len(self._without) > _KEPT_WITHOUT:
                self._without.pop(next(iter(self._without)))
        return found

    def with_graph(self, iri: str, graph: Graph) -> "Context":
        """The context with one more named graph (a plan put back before the next), which
        replaces any earlier content of that graph."""
        return Context({**self.parts, iri: Part.of(graph)}, self.description, self.bulk,
                       self.hidden | {iri})


def superclasses(graph: Graph) -> dict[Node, frozenset[Node]]:
    """Each subclass's proper superclasses, as the graph's rdfs:subClassOf says."""
    return {
        c: frozenset(a for a in graph.transitive_objects(c, RDFS.subClassOf) if a is not None) - {c}
        for c in set(graph.subjects(RDFS.subClassOf, None))
    }


def superclass_types(graph: Graph, ancestors: dict[Node, frozenset[Node]]) -> Graph:
    """The types RDFS rule rdfs9 adds to the typed nodes of ``graph`` (those it lacks), so
    that the shapes' SPARQL can say ``?x a hsvo:Body`` instead of a slow property path."""
    added = Graph()
    for node, cls in graph.subject_objects(RDF.type):
        for superclass in ancestors.get(cls, ()):
            if (node, RDF.type, superclass) not in graph:
                added.add((node, RDF.type, superclass))
    return added


_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def context_from_reader(reader: "Reader", description: str, settings: Settings) -> Context:
    """The context triples of every named graph the reader sees, and the (cached) ontology.

    ``reader`` must not cut answers at a row cap: a context missing triples would report
    violations that are not there."""
    names = [str(row["g"]) for row in reader.select(_GRAPHS).rows]
    return _context(*_read_parts(reader, names), description, settings)


def context_updated(context: Context, reader: "Reader", changed: Collection[str]) -> Context | None:
    """``context`` after writes that replaced only the ``changed`` graphs (an import: its
    plan's graph and the inferred one): those are read again, the rest is kept. At 1 M
    triples that is a fraction of a second where reading every graph takes 20. None when a
    changed graph is itself large (its activities belong in a bulk of their own): then
    read everything."""
    read = [iri for iri in changed if iri not in (str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH))]
    parts, bulk = _read_parts(reader, read)
    if bulk:
        return None
    return context.replaced({iri: part for iri, part in parts.items() if part.triples}, read)


def context_from_store(store: GraphStore, settings: Settings) -> Context:
    """The context of a store read directly (the CLI, which runs no executor)."""
    _, parts, bulk = _stored_parts(store)
    return _context(parts, bulk, store.description, settings)


def context_if_stored(store: GraphStore, settings: Settings) -> Context | None:
    """``context_from_store``, or None when the store holds no named graph (empty)."""
    names, parts, bulk = _stored_parts(store)
    return _context(parts, bulk, store.description, settings) if names else None


Stored = tuple[list[str], dict[str, Part], Bulk]


def _stored_parts(store: GraphStore) -> Stored:
    """The store's named graphs and their context parts, from the cache while the store's
    content is the one they were kept for. The graphs are listed by the store itself, much
    faster than any query over every quad."""
    # a version another client's write may leave as it was (a remote store's marker) names
    # no entry on disk: such an entry would outlive this process and every restart
    version = store.version() if store.version_sees_every_write else None
    key = _cache_name(version) if version is not None else None
    cached = _cached_parts(key) if key is not None else None
    if cached is not None:
        return cached
    from hsvo_graph.sparql.reader import StoreReader

    names = store.graph_names()
    parts, bulk = _read_parts(StoreReader(store), names)
    if key is not None:
        cache.keep(key, _encoded(names, parts, bulk), kept=8)
    return names, parts, bulk


def _read_parts(reader: "Reader", names: Iterable[str]) -> tuple[dict[str, Part], Bulk]:
    """The context triples of each named graph but the ontology and the inferred triples,
    and the bulk (bulk.py): a large context's activities and outcomes stay in a pyoxigraph
    store; the rest is parsed into parts."""
    texts, bulk = split({iri: reader.construct(_projection(iri)) for iri in names
                         if iri not in (str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH), VERSION_GRAPH)})
    terms: dict[object, Node] = {}
    return {iri: Part.parse(text, terms) for iri, text in texts.items()}, bulk


def _context(parts: dict[str, Part], bulk: Bulk, description: str, settings: Settings) -> Context:
    return Context({str(ONTOLOGY_GRAPH): _ontology_part(settings.ontology_dir), **parts},
                   description, bulk)


def _cache_name(version: str) -> str:
    """The cache entry of a store content's context: the version of the content, and what
    is read of it (the projection), hashed; one family, so only the newest few are kept."""
    key = hashlib.sha256(f"{cache.FORMAT}\0{_projection('')}\0bulk\0{version}".encode())
    return f"context-{key.hexdigest()}.nq"


def _encoded(names: list[str], parts: dict[str, Part], bulk: Bulk) -> bytes:
    """The parts as N-Triples, one after the other, then the bulk as N-Quads, after a
    header line naming the store's graphs, each part's graph and length (the bulk's last,
    under the empty name), and a SHA-256 of both."""
    chunks = [ox.serialize(part.quads, format=ox.RdfFormat.N_QUADS) or b"" for part in parts.values()]
    chunks.append(bulk.nquads())
    body = b"".join(chunks)
    spans = [[iri, len(chunk)] for iri, chunk in zip([*parts, ""], chunks)]
    header = {"graphs": names, "parts": spans, "sha256": _digest(names, spans, body)}
    return json.dumps(header).encode() + b"\n" + body


def _digest(names: object, spans: object, body: bytes) -> str:
    """The SHA-256 of the header's lists and the body: any damage to either is seen."""
    return hashlib.sha256(json.dumps([names, spans]).encode() + b"\n" + body).hexdigest()


def _cached_parts(name: str) -> Stored | None:
    """The graphs and parts kept under ``name``; None when there are none, or when the
    entry is damaged (read from the store instead, and kept again)."""
    entry = cache.read(name)
    if entry is None:
        return None
    header, _, body = entry.partition(b"\n")
    terms: dict[object, Node] = {}
    parts: dict[str, Part] = {}
    try:
        meta = json.loads(header)
        if _digest(meta["graphs"], meta["parts"], body) != meta["sha256"]:
            return None
        start = 0
        *spans, (_, bulk_length) = meta["parts"]
        for iri, length in spans:
            parts[str(iri)] = Part.parse(body[start : start + length], terms)
            start += length
        bulk = Bulk.from_nquads(body[start : start + bulk_length])
        names = [str(iri) for iri in meta["graphs"]]
    except (ValueError, KeyError, TypeError, SyntaxError):
        return None
    return names, parts, bulk


def context_from_sources(settings: Settings) -> Context:
    """The context of ontology/ + data/ as they are on disk, for checking a plan without a
    loaded store (read through a throw-away in-memory store)."""
    from hsvo_graph.graph.loading import source_graphs  # reads data/: only without a store

    scratch = EmbeddedStore(None)
    try:
        graphs = source_graphs(settings.ontology_dir, settings.data_dir)
        scratch.replace_graphs(nquads_of(graphs), graphs.keys())
        context = context_from_store(scratch, settings)
    finally:
        scratch.close()
    context.description = f"{settings.ontology_dir.name}/ + {settings.data_dir.name}/"
    return context

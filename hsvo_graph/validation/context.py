"""What a plan is resolved in and checked against: the part of the store the shapes and
the name lookups need (types, names, codes, goal structure, periods, mandates, list
membership), read one named graph at a time so that an earlier version of the plan can be
left out, plus the ontology parsed once per process.

Provenance, summaries and the like are not read: the context of a plan stays a fraction of
the graph, and so does the time to build and check it.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from rdflib import Graph

from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import source_graphs, turtle_directory
from hsvo_graph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from hsvo_graph.sparql.reader import Reader, StoreReader
from hsvo_graph.store import EmbeddedStore, GraphStore
from hsvo_graph.store.base import nquads_of

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
    """The ontology files as one graph (parsed once)."""
    return turtle_directory(ontology_dir)


@dataclass
class Context:
    """The context graphs by named-graph IRI, and where they came from."""

    graphs: dict[str, Graph]
    description: str

    @cached_property
    def graph(self) -> Graph:
        merged = Graph()
        for graph in self.graphs.values():
            merged += graph
        return merged

    def without(self, graph: str) -> "Context":
        """The context without one named graph: the earlier version of a re-imported plan."""
        if graph not in self.graphs:
            return self
        return Context({k: v for k, v in self.graphs.items() if k != graph}, self.description)


_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def context_from_reader(reader: Reader, description: str, settings: Settings) -> Context:
    """The context triples of every named graph the reader sees, and the (cached) ontology.

    ``reader`` must not cut answers at a row cap: a context missing triples would report
    violations that are not there."""
    graphs = {str(ONTOLOGY_GRAPH): ontology(settings.ontology_dir)}
    for row in reader.select(_GRAPHS).rows:
        iri = str(row["g"])
        if iri not in (str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH)):
            graphs[iri] = Graph().parse(data=reader.construct(_projection(iri)), format="nt")
    return Context(graphs, description)


def context_from_store(store: GraphStore, settings: Settings) -> Context:
    """The context of a store read directly (the CLI, which runs no executor)."""
    return context_from_reader(StoreReader(store), store.description, settings)


def context_from_sources(settings: Settings) -> Context:
    """The context of ontology/ + data/ as they are on disk, for checking a plan without a
    loaded store (read through a throw-away in-memory store)."""
    scratch = EmbeddedStore(None)
    try:
        graphs = source_graphs(settings.ontology_dir, settings.data_dir)
        scratch.replace_graphs(nquads_of(graphs), graphs.keys())
        context = context_from_store(scratch, settings)
    finally:
        scratch.close()
    context.description = f"{settings.ontology_dir.name}/ + {settings.data_dir.name}/"
    return context

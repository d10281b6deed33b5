"""What the service and the dataset are, in RDF: a SPARQL 1.1 Service Description for the
endpoint and a VoID description of the dataset (one subset per named graph, i.e. per source
document, with counts, vocabularies and example resources).

Statistics are computed from the dataset snapshot (``hsvo_graph.store.snapshot``), so they match
the dumps exactly; URLs of the endpoint and dumps come from the request, so the description
is right behind any host name.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import pyoxigraph as ox

from rdflib import Literal

from hsvo_graph.formats import by_media_type

from hsvo_graph.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from hsvo_graph.sparql.binding import bind_values
from hsvo_graph.sparql.protocol import OFFERS
from hsvo_graph.sparql.text import load_rq

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
FORMATS = "http://www.w3.org/ns/formats/"
ENTAILMENT = "http://www.w3.org/ns/entailment/"

DATASET_IRI = BASE + "dataset"
DESCRIPTION_PREFIXES = {**PREFIXES, "sd": SD, "void": VOID, "foaf": FOAF, "formats": FORMATS}

_GRAPH_NOTES = {
    str(ONTOLOGY_GRAPH): ("Ontologin (ontology/)", "The ontology (ontology/)"),
    str(INFERRED_GRAPH): ("Härledda tripler (OWL 2 RL); utelämnas med inference=false",
                          "Inferred triples (OWL 2 RL); left out with inference=false"),
}
DUMP_FILES = ("hsvo-graph.trig", "hsvo-graph.nq", "hsvo-graph.ttl")
_EXAMPLE_CLASSES = 5


@dataclass(frozen=True)
class Statistics:
    """Counts over the union of all graphs, and per named graph."""

    triples: int
    subjects: int
    objects: int
    properties: Counter[str]
    classes: Counter[str]
    graphs: dict[str, int]
    sources: dict[str, list[str]]
    titles: dict[str, str] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def vocabularies(self) -> list[str]:
        """Namespaces of the properties and classes used."""
        return sorted({namespace(iri) for iri in (*self.properties, *self.classes)})


def namespace(iri: str) -> str:
    """An IRI's namespace: everything up to the last '#' or '/', or for an IRI without
    either (``urn:isbn:0451450523``) up to the last ':'. Always an absolute IRI itself: a
    URN property once made the namespace empty, and the VoID description a 500."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: (cut if cut >= 0 else iri.rfind(":")) + 1]


def _select(store: ox.Store, name: str, bindings: dict[str, list[Literal]] | None = None) -> list[ox.QuerySolution]:
    text = load_rq("hsvo_graph.sparql", name)
    result = store.query(bind_values(text, bindings) if bindings else text)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    assert isinstance(term, (ox.NamedNode, ox.Literal))
    return term.value


def statistics(store: ox.Store) -> Statistics:
    """Counts of a dataset (the union of its graphs, the default graph included), the
    documents each graph cites, and example resources: the same counts as the dumps.

    Counted by the store itself, a few aggregate queries (``sparql/queries/void_*.rq``),
    instead of reading every quad into Python: at a million triples reading the quads out
    of a generation alone took 12 s and the whole count 18 s, against about 6 s.
    """
    properties = Counter({_value(row["p"]): int(_value(row["n"])) for row in _select(store, "void_properties")})
    nodes = _select(store, "void_nodes")[0]
    classes = Counter({_value(row["class"]): int(_value(row["n"])) for row in _select(store, "void_classes")})
    graphs = {_value(row["graph"]): int(_value(row["n"])) for row in _select(store, "void_graphs")}
    sources: defaultdict[str, set[str]] = defaultdict(set)
    titles: dict[str, str] = {}
    for row in _select(store, "void_sources"):
        source = _value(row["source"])
        sources[_value(row["graph"])].add(source)
        title = row["title"]
        if title is not None and (source not in titles or _value(title) < titles[source]):
            titles[source] = _value(title)
    data_space = BASE + "id/"
    least = {_value(row["class"]): _value(row["example"])
             for row in _select(store, "void_examples", {"dataSpace": [Literal(data_space)]})}
    ours = sorted((cls for cls in classes if cls.startswith(BASE) and cls in least),
                  key=lambda cls: (-classes[cls], cls))
    return Statistics(
        triples=sum(properties.values()),
        subjects=int(_value(nodes["subjects"])),
        objects=int(_value(nodes["objects"])),
        properties=properties,
        classes=classes,
        graphs=dict(sorted(graphs.items())),
        sources={g: sorted(docs) for g, docs in sorted(sources.items())},
        titles=titles,
        examples=sorted({least[cls] for cls in ours[:_EXAMPLE_CLASSES]}),
    )


class _Triples:
    """A small builder: ``add(s, p, o)`` with IRIs as strings and literals as ox terms."""

    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []
        self._nodes = 0

    def node(self) -> ox.BlankNode:
        """A new blank node with a predictable label (equal input, equal bytes, equal ETag)."""
        self._nodes += 1
        return ox.BlankNode(f"n{self._nodes}")

    def add(self, subject: str | ox.BlankNode, predicate: str,
            obj: str | ox.Literal | ox.BlankNode) -> None:
        s = ox.NamedNode(subject) if isinstance(subject, str) else subject
        o = ox.NamedNode(obj) if isinstance(obj, str) else obj
        self.triples.append(ox.Triple(s, ox.NamedNode(predicate), o))

    def text(self, subject: str, predicate: str, sv: str, en: str) -> None:
        self.add(subject, predicate, ox.Literal(sv, language="sv"))
        self.add(subject, predicate, ox.Literal(en, language="en"))


def _number(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def service_description(endpoint: str, void_url: str, graphs: Iterable[str]) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of the read-only endpoint."""
    out = _Triples()
    out.add(endpoint, RDF + "type", SD + "Service")
    out.add(endpoint, SD + "endpoint", endpoint)
    out.add(endpoint, SD + "supportedLanguage", SD + "SPARQL11Query")
    out.add(endpoint, SD + "feature", SD + "UnionDefaultGraph")
    out.add(endpoint, SD + "defaultEntailmentRegime", ENTAILMENT + "Simple")
    for media_type in dict.fromkeys(f.media_type for fs in OFFERS.values() for f in fs):
        out.add(endpoint, SD + "resultFormat", by_media_type(media_type).iri)
    out.text(endpoint, DCT + "title", "SPARQL-endpoint för HSVO-grafen",
             "SPARQL endpoint of the HSVO graph")
    out.text(endpoint, RDFS + "comment",
             "Endast läsning. Standardgrafen är unionen av alla namngivna grafer, inklusive "
             "härledda tripler; inference=false utelämnar dem.",
             "Read-only. The default graph is the union of all named graphs, inferred "
             "triples included; inference=false leaves them out.")
    out.add(endpoint, SD + "defaultDataset", DATASET_IRI)
    out.add(DATASET_IRI, RDF + "type", SD + "Dataset")
    out.add(DATASET_IRI, RDFS + "seeAlso", void_url)
    default = out.node()
    out.add(DATASET_IRI, SD + "defaultGraph", default)
    out.add(default, RDF + "type", SD + "Graph")
    for name in graphs:
        node = out.node()
        out.add(DATASET_IRI, SD + "namedGraph", node)
        out.add(node, RDF + "type", SD + "NamedGraph")
        out.add(node, SD + "name", name)
    return out.triples


def void_description(
    stats: Statistics, base_url: str, modified: datetime
) -> list[ox.Triple]:
    """VoID description of the dataset: the whole, and one subset per named graph."""
    out = _Triples()
    document = base_url + "/.well-known/void"
    out.add(document, RDF + "type", VOID + "DatasetDescription")
    out.add(document, FOAF + "primaryTopic", DATASET_IRI)
    d = DATASET_IRI
    out.add(d, RDF + "type", VOID + "Dataset")
    out.text(d, DCT + "title", "HSVO-grafen", "The HSVO graph")
    out.text(d, DCT + "description",
             "Styrningen av samverkan inom hälsa, stöd, vård och omsorg mellan Region Uppsala "
             "och kommunerna i Uppsala län: organ, mandat, styrdokument, mål och aktiviteter, "
             "varje uppgift med källa.",
             "Governance of the health, support, care and welfare collaboration between Region "
             "Uppsala and the municipalities of Uppsala county: bodies, mandates, documents, "
             "goals and activities, each fact with its source.")
    out.add(d, DCT + "modified", ox.Literal(modified.isoformat(), datatype=ox.NamedNode(XSD + "dateTime")))
    out.add(d, VOID + "sparqlEndpoint", base_url + "/sparql")
    for name in DUMP_FILES:
        out.add(d, VOID + "dataDump", f"{base_url}/dumps/{name}")
    out.add(d, VOID + "uriSpace", ox.Literal(BASE + "id/"))
    out.add(d, VOID + "triples", _number(stats.triples))
    out.add(d, VOID + "distinctSubjects", _number(stats.subjects))
    out.add(d, VOID + "distinctObjects", _number(stats.objects))
    out.add(d, VOID + "properties", _number(len(stats.properties)))
    out.add(d, VOID + "classes", _number(len(stats.classes)))
    for vocabulary in stats.vocabularies:
        out.add(d, VOID + "vocabulary", vocabulary)
    for example in stats.examples:
        out.add(d, VOID + "exampleResource", example)
    for cls, count in sorted(stats.classes.items()):
        part = out.node()
        out.add(d, VOID + "classPartition", part)
        out.add(part, VOID + "class", cls)
        out.add(part, VOID + "entities", _number(count))
    for prop, count in sorted(stats.properties.items()):
        part = out.node()
        out.add(d, VOID + "propertyPartition", part)
        out.add(part, VOID + "property", prop)
        out.add(part, VOID + "triples", _number(count))
    for graph, count in stats.graphs.items():
        out.add(d, VOID + "subset", graph)
        out.add(graph, RDF + "type", VOID + "Dataset")
        out.add(graph, SD + "name", graph)
        out.add(graph, VOID + "triples", _number(count))
        if graph in _GRAPH_NOTES:
            out.text(graph, RDFS + "comment", *_GRAPH_NOTES[graph])
        for source in stats.sources.get(graph, []):
            out.add(graph, DCT + "source", source)
            if source in stats.titles:
                out.add(source, DCT + "title", ox.Literal(stats.titles[source], language="sv"))
    return out.triples

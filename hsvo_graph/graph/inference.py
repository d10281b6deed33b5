"""OWL 2 RL inference, computed once at load time, inside the pyoxigraph store being built.

The entailed triples that matter here (``hsvo:involves`` from its sub-properties, super-
classes such as ``hsvo:Board`` → ``org:Organization``, ``org:unitOf`` from
``hsvo:principal``, ``skos:altLabel`` from ``hsvo:abbreviation``) go into their own named
graph, ``graph:inferred``: queries see them through the union default graph, and a
researcher can leave them out by naming the graphs explicitly.

Two steps, so that no per-triple work happens in Python (at a million triples, building
Python objects for every triple was most of the load time):

1. The schema (class and property axioms between IRIs: a few hundred triples) goes through the
   Rust OWL 2 RL reasoner ``reasonable``, which closes it: sub-class and sub-property
   hierarchies, inherited domains and ranges, inverses, equivalences.
2. The instance rules of OWL 2 RL that this closed schema drives (prp-spo1, prp-inv, prp-symp,
   prp-dom, prp-rng, cax-sco) run as SPARQL CONSTRUCT queries in the store, repeated until
   they find nothing new; each round is bulk-loaded into the inferred graph.

Left out, as before: OWL-RL bookkeeping (``x a owl:Thing``, ``x owl:sameAs x``, axioms about
``owl:Thing``/``owl:Nothing``). Not supported: class expressions built from blank nodes
(restrictions, unions), property chains and ``owl:sameAs`` reasoning — the ontology uses none.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox
import reasonable

if TYPE_CHECKING:
    from rdflib import Graph

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_THING, _NOTHING = OWL + "Thing", OWL + "Nothing"

# The schema: axioms between IRIs, and the declarations (x a owl:Class …) the rules read.
_SCHEMA = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
  {{
    VALUES ?p {{ <{RDFS}subClassOf> <{RDFS}subPropertyOf> <{RDFS}domain> <{RDFS}range>
                <{OWL}inverseOf> <{OWL}equivalentClass> <{OWL}equivalentProperty> }}
    ?s ?p ?o
  }} UNION {{
    BIND(<{RDF_TYPE}> AS ?p)
    ?s ?p ?o FILTER (STRSTARTS(STR(?o), "{OWL}") || STRSTARTS(STR(?o), "{RDFS}"))
  }}
  FILTER (isIRI(?s) && isIRI(?o))
}}"""


def _worth_keeping(s: str, p: str, o: str) -> bool:
    """Drop the OWL-RL bookkeeping that adds nothing a reader could use."""
    if s in (_THING, _NOTHING) or (p == OWL + "sameAs" and s == o):
        return False
    return not (p == RDF_TYPE and o == _THING)


def _values(pairs: Iterable[tuple[str, str]]) -> str:
    return " ".join(f"(<{a}> <{b}>)" for a, b in sorted(pairs)) or "(<urn:x:none> <urn:x:none>)"


class _Schema:
    """The closed schema as pairs for the instance rules."""

    def __init__(self, closed: set[tuple[str, str, str]]) -> None:
        def pairs(predicate: str) -> set[tuple[str, str]]:
            return {(s, o) for s, p, o in closed if p == predicate and s != o}

        self.sub_properties = pairs(RDFS + "subPropertyOf")
        inverse = pairs(OWL + "inverseOf")
        symmetric = {(s, s) for s, p, o in closed if p == RDF_TYPE and o == OWL + "SymmetricProperty"}
        self.inverses = inverse | {(b, a) for a, b in inverse} | symmetric
        self.domains = {(p, c) for p, c in pairs(RDFS + "domain") if c != _THING}
        self.ranges = {(p, c) for p, c in pairs(RDFS + "range") if c != _THING}
        self.super_classes = {(c, d) for c, d in pairs(RDFS + "subClassOf")
                              if d != _THING and c != _NOTHING}

    def rules(self) -> str:
        """One CONSTRUCT for every instance rule: only triples not in the store yet."""
        return f"""CONSTRUCT {{ ?x ?q ?y }} WHERE {{
  {{ VALUES (?p ?q) {{ {_values(self.sub_properties)} }} ?x ?p ?y }}
  UNION {{ VALUES (?p ?q) {{ {_values(self.inverses)} }} ?y ?p ?x FILTER (!isLiteral(?x)) }}
  UNION {{ VALUES (?p ?c) {{ {_values(self.domains)} }} ?x ?p ?o BIND(<{RDF_TYPE}> AS ?q) BIND(?c AS ?y) }}
  UNION {{ VALUES (?p ?c) {{ {_values(self.ranges)} }} ?s ?p ?x FILTER (!isLiteral(?x))
           BIND(<{RDF_TYPE}> AS ?q) BIND(?c AS ?y) }}
  UNION {{ VALUES (?c ?d) {{ {_values(self.super_classes)} }} ?x a ?c BIND(<{RDF_TYPE}> AS ?q) BIND(?d AS ?y) }}
  FILTER NOT EXISTS {{ ?x ?q ?y }}
}}"""


def _iri_triples(result: ox.QuerySolutions) -> set[tuple[str, str, str]]:
    return {(row["s"].value, row["p"].value, row["o"].value) for row in result}


def infer_into(store: ox.Store, graph: str) -> None:
    """Add to ``graph`` the useful triples entailed by everything in ``store`` that are not
    already in it."""
    target = ox.NamedNode(graph)
    asserted = store.query(_SCHEMA, use_default_graph_as_union=True)
    assert isinstance(asserted, ox.QuerySolutions)
    schema = _iri_triples(asserted)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(list(schema))  # plain strings are IRIs to the reasoner
    closed = {(str(s), str(p), str(o)) for s, p, o in reasoner.reason()}
    for s, p, o in closed - schema:
        triple = ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)
        if _worth_keeping(s, p, o) and next(store.quads_for_pattern(*triple, None), None) is None:
            store.add(ox.Quad(*triple, target))
    rules = _Schema(closed).rules()
    while True:
        found = store.query(rules, use_default_graph_as_union=True)
        assert isinstance(found, ox.QueryTriples)
        body = found.serialize(format=ox.RdfFormat.N_TRIPLES)
        if not body:
            break
        store.bulk_load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=target)


def infer(graphs: Iterable["Graph"]) -> "Graph":
    """The triples entailed by the union of rdflib ``graphs`` that are not already asserted
    (for callers that work with rdflib graphs, such as the plan importer)."""
    from rdflib import Graph

    scratch = ox.Store()
    union = ox.NamedNode("urn:hsvo:union")
    for graph in graphs:
        scratch.load(graph.serialize(format="nt", encoding="utf-8"),
                     format=ox.RdfFormat.N_TRIPLES, to_graph=union)
    infer_into(scratch, "urn:hsvo:inferred")
    dumped = scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode("urn:hsvo:inferred"))
    assert dumped is not None  # without an output file, dump returns the bytes
    return Graph().parse(data=dumped.decode("utf-8"), format="nt")

"""Inference at load time: ``hsvo:involves`` holds for responsible and participating bodies."""

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef

from hsvo_graph.config import Settings
from hsvo_graph.graph.inference import infer_into
from hsvo_graph.graph.loading import source_graphs
from hsvo_graph.namespaces import HSVO, INFERRED_GRAPH
from hsvo_graph.store.base import nquads_of

EX = Namespace("http://example.org/")


def test_involves_is_inferred_from_both_sub_properties(settings: Settings):
    ontology = source_graphs(settings.ontology_dir, settings.data_dir)
    plan = Graph()
    plan.add((EX.a, HSVO.responsibleBody, EX.board))
    plan.add((EX.a, HSVO.participatingBody, EX.party))
    scratch = ox.Store()
    scratch.load(nquads_of({**ontology, str(EX.plan): plan}), ox.RdfFormat.N_QUADS)
    infer_into(scratch, str(INFERRED_GRAPH))
    inferred = {(q.subject.value, q.predicate.value, q.object.value)
                for q in scratch.quads_for_pattern(None, None, None, ox.NamedNode(str(INFERRED_GRAPH)))}
    assert (str(EX.a), str(HSVO.involves), str(EX.board)) in inferred
    assert (str(EX.a), str(HSVO.involves), str(EX.party)) in inferred


# Blank nodes the inferred graph describes that no other graph has: copies, cut off from the
# nodes they were inferred for.
DISCONNECTED = f"""SELECT (COUNT(*) AS ?n) WHERE {{
  GRAPH <{INFERRED_GRAPH}> {{ ?b ?p ?o FILTER (isBlank(?b)) }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?b ?q ?x }} FILTER (?g != <{INFERRED_GRAPH}>) }}
}}"""
ON_BLANK_NODES = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?b ?p ?o FILTER (isBlank(?b)) }} }}"


def test_what_is_inferred_about_blank_nodes_stays_on_them(store):
    """A cell's items are blank nodes typed by the ontology's ranges: their inferred types
    describe them, not copies of them (the load added them as new blank nodes before)."""
    assert int(store.select(ON_BLANK_NODES).rows[0]["n"]) > 0
    assert int(store.select(DISCONNECTED).rows[0]["n"]) == 0


def test_inferred_triples_live_only_in_their_own_graph(store):
    involves = "PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#> SELECT (COUNT(*) AS ?n) WHERE { %s }"
    in_inferred = store.select(involves % f"GRAPH <{INFERRED_GRAPH}> {{ ?a hsvo:involves ?b }}")
    elsewhere = store.select(
        involves % f"GRAPH ?g {{ ?a hsvo:involves ?b }} FILTER (?g != <{INFERRED_GRAPH}>)"
    )
    stated = store.select(involves % "{ SELECT DISTINCT ?a ?b WHERE { { ?a hsvo:responsibleBody ?b } UNION { ?a hsvo:participatingBody ?b } } }")
    assert int(in_inferred.rows[0]["n"]) == int(stated.rows[0]["n"]) > 0
    assert int(elsewhere.rows[0]["n"]) == 0


def test_class_hierarchy_is_materialised(store):
    assert store.ask("""
        ASK { <https://w3id.org/hsvo-graph/id/body/uppsala-aln>
              a <http://www.w3.org/ns/org#Organization> , <https://w3id.org/hsvo-graph/ontology#Body> }""")


def test_bookkeeping_triples_are_left_out(store):
    assert not store.ask(
        f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?x a <http://www.w3.org/2002/07/owl#Thing> }} }}"
    )
    assert not store.ask(
        f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?x <http://www.w3.org/2002/07/owl#sameAs> ?x }} }}"
    )


def test_every_ontology_term_has_swedish_and_english_label_and_a_comment(settings: Settings):
    graph = source_graphs(settings.ontology_dir, settings.data_dir)[
        "https://w3id.org/hsvo-graph/graph/ontology"
    ]
    rows = graph.query("""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?term WHERE {
          VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty }
          ?term a ?kind .
          FILTER (STRSTARTS(STR(?term), "https://w3id.org/hsvo-graph/ontology#"))
          FILTER NOT EXISTS {
            ?term rdfs:label ?sv , ?en ; rdfs:comment ?c .
            FILTER (LANG(?sv) = "sv" && LANG(?en) = "en")
          }
        }""")
    assert [str(r[0]) for r in rows] == []
    assert URIRef(str(HSVO.involves)) in set(graph.subjects())

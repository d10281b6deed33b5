"""Loading ontology/ + data/: named graphs, located errors, nothing half-loaded."""

import shutil
from pathlib import Path

import pytest

from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import LoadError, load, parse_turtle
from hsvo_graph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, data_graph_iri
from hsvo_graph.store import EmbeddedStore


def copy_sources(tmp_path: Path, settings: Settings) -> Settings:
    shutil.copytree(settings.ontology_dir, tmp_path / "ontology")
    shutil.copytree(settings.data_dir, tmp_path / "data")
    return settings.model_copy(
        update={"ontology_dir": tmp_path / "ontology", "data_dir": tmp_path / "data"}
    )


def test_one_named_graph_per_data_file_plus_ontology_and_inferred(store, settings):
    expected = {str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)} | {
        data_graph_iri(p.stem) for p in settings.data_dir.glob("*.ttl")
    }
    assert set(store.graph_names()) == expected
    for graph in expected:
        assert store.triple_count(graph) > 0


def test_bad_turtle_names_file_and_line_and_leaves_the_store_as_it_was(tmp_path, settings):
    sources = copy_sources(tmp_path, settings)
    target = EmbeddedStore(None)
    load(target, sources)
    before = target.triple_count()
    broken = sources.data_dir / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"broken\.ttl:4: invalid Turtle"):
        load(target, sources)
    assert target.triple_count() == before
    assert data_graph_iri("broken") not in target.graph_names()


def test_text_that_is_not_nfc_is_refused_with_its_line(tmp_path):
    path = tmp_path / "decomposed.ttl"
    path.write_text('<http://x/a> <http://x/b> "ok" .\n<http://x/a> <http://x/c> "a\u0308ldre" .\n', encoding="utf-8")
    with pytest.raises(LoadError, match=r"decomposed\.ttl:2: text is not Unicode NFC"):
        parse_turtle(path)


def test_text_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes('<http://x/a> <http://x/b> "ok" .\n<http://x/a> <http://x/c> "äldre" .\n'.encode("latin-1"))
    with pytest.raises(LoadError, match=r"latin1\.ttl:2: not valid UTF-8"):
        parse_turtle(path)


def test_reloading_replaces_instead_of_duplicating(tmp_path, settings):
    sources = copy_sources(tmp_path, settings)
    target = EmbeddedStore(tmp_path / "db")
    first = load(target, sources).total
    assert load(target, sources).total == first
    assert target.triple_count() == first
    target.close()


def test_swedish_text_survives_the_round_trip(store):
    table = store.select("""
        PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>
        SELECT ?name WHERE { ?b hsvo:abbreviation "ÄLN" ; <http://www.w3.org/2000/01/rdf-schema#label> ?name
        FILTER (LANG(?name) = "sv") }""")
    assert table.column("name") == ["Äldrenämnden"]


def test_inferences_equal_full_owl_rl_reasoning_over_everything(store, settings):
    """The loader closes only the schema with `reasonable` and runs the instance rules in the
    store; on the seed that gives exactly what full OWL 2 RL over every triple gives (minus
    the same bookkeeping)."""
    import reasonable
    from rdflib import OWL, RDF, XSD, Graph, Literal
    from rdflib.compare import isomorphic

    from hsvo_graph.graph.loading import source_graphs

    union = Graph()
    for graph in source_graphs(settings.ontology_dir, settings.data_dir).values():
        union += graph
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(union)
    expected = Graph()
    for s, p, o in reasoner.reason():
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        bookkeeping = (s in (OWL.Thing, OWL.Nothing) or (p == OWL.sameAs and s == o)
                       or (p == RDF.type and o == OWL.Thing))
        if (s, p, o) not in union and not bookkeeping:
            expected.add((s, p, o))
    inferred = Graph().parse(data=store.read_graph(str(INFERRED_GRAPH)), format="nt")
    assert len(inferred) == len(expected)
    assert isomorphic(inferred, expected)  # equal up to the names of blank nodes

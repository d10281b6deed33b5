"""``hsvo load FILE…``: researchers' own RDF files (or a test suite's data) beside ontology/ and
data/, in every common syntax; named graphs of TriG/N-Quads/JSON-LD kept, other triples in
a graph named after the file; clear, located errors that leave the store as it was."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsvo_graph.cli.main import main
from hsvo_graph.namespaces import INFERRED_GRAPH, data_graph_iri
from hsvo_graph.store import EmbeddedStore, RemoteStore

from .servers import running_oxigraph

EX = "http://example.org/"
FILES = {
    "Mina anteckningar.ttl": f'@prefix ex: <{EX}> .\nex:n1 ex:text "Äldrenämnden" .\n',
    "suite.trig": f'@prefix ex: <{EX}> .\nex:a ex:b "default" .\nex:g1 {{ ex:a ex:c "i graf ett" . }}\n',
    "more.nq": f'<{EX}s> <{EX}p> "q" <{EX}g2> .\n<{EX}s> <{EX}p> "default" .\n',
    "people.jsonld": f'{{"@id": "{EX}p1", "{EX}name": "Åsa"}}',
    "old.rdf": ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                f'xmlns:ex="{EX}">\n  <rdf:Description rdf:about="{EX}r1"><ex:v>ett</ex:v></rdf:Description>\n</rdf:RDF>\n'),
    "activity.nt": (f'<{EX}act1> <https://w3id.org/hsvo-graph/ontology#responsibleBody> '
                    '<https://w3id.org/hsvo-graph/id/body/uppsala-aln> .\n'),
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store loaded from ontology/ + data/ (copied by the tests that change it)."""
    path = tmp_path_factory.mktemp("loaded") / "db"
    assert run_load(path, []).exit_code == 0
    return path


def write(tmp_path: Path, files: dict[str, str]) -> list[str]:
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    return paths


def run_load(store_path: Path, files: list[str]):
    return CliRunner().invoke(main, ["--store-path", str(store_path), "load", *files])


def test_extra_files_in_every_syntax_keep_or_get_their_graphs(tmp_path):
    result = run_load(tmp_path / "db", write(tmp_path, FILES))
    assert result.exit_code == 0, result.output
    store = EmbeddedStore(tmp_path / "db")
    try:
        graphs = set(store.graph_names())
        expected = {data_graph_iri(n) for n in ("mina-anteckningar", "suite", "more", "people", "old", "activity")}
        assert expected | {f"{EX}g1", f"{EX}g2", data_graph_iri("bodies")} <= graphs
        assert store.triple_count(data_graph_iri("suite")) == 1 and store.triple_count(f"{EX}g1") == 1
        assert store.ask(f'ASK {{ GRAPH <{data_graph_iri("mina-anteckningar")}> {{ ?s ?p "Äldrenämnden" }} }}')
        # extra data is reasoned over with the rest: responsibleBody entails involves
        assert store.ask(f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ <{EX}act1> "
                         "<https://w3id.org/hsvo-graph/ontology#involves> ?body } }")
    finally:
        store.close()
    assert f"{data_graph_iri('mina-anteckningar')}" in result.output


@pytest.mark.parametrize("name, text, message", [
    ("bodies.ttl", f"<{EX}a> <{EX}b> <{EX}c> .\n", "is already used by ontology/ or data/"),
    ("data.csv", "a,b\n", "unknown RDF file type '.csv'"),
    ("broken.nq", f'<{EX}s> <{EX}p> "ok" .\n<{EX}s> <{EX}p> "broken .\n', "broken.nq:2: invalid N-Quads"),
    ("broken.jsonld", '{"@id": "http://example.org/x", "http://example.org/p": [1,}', "broken.jsonld:1: invalid JSON-LD"),
    ("decomposed.ttl", f'<{EX}a> <{EX}b> "a\u0308ldre" .\n', "decomposed.ttl:1: text is not Unicode NFC"),
])
def test_a_bad_extra_file_is_reported_and_changes_nothing(loaded, tmp_path, name, text, message):
    shutil.copytree(loaded, tmp_path / "db")
    store = EmbeddedStore(tmp_path / "db")
    before = store.triple_count()
    store.close()
    result = run_load(tmp_path / "db", write(tmp_path, {name: text}))
    assert result.exit_code != 0 and message in result.output, result.output
    store = EmbeddedStore(tmp_path / "db")
    try:
        assert store.triple_count() == before
    finally:
        store.close()


def test_two_extra_files_cannot_claim_the_same_graph(tmp_path):
    first = tmp_path / "a"
    first.mkdir()
    paths = write(first, {"notes.ttl": f"<{EX}a> <{EX}b> 1 .\n"}) + write(tmp_path, {"notes.nt": f"<{EX}a> <{EX}b> \"2\" .\n"})
    result = run_load(tmp_path / "db", paths)
    assert result.exit_code != 0 and "is already used in" in result.output


def test_extra_files_go_to_a_remote_store_too(tmp_path):
    paths = write(tmp_path, {name: FILES[name] for name in ("suite.trig", "Mina anteckningar.ttl")})
    with running_oxigraph(tmp_path / "oxigraph") as url:
        result = CliRunner().invoke(main, [
            "--store", "remote", "--remote-query-url", f"{url}/query",
            "--remote-update-url", f"{url}/update", "--remote-gsp-url", f"{url}/store", "load", *paths])
        assert result.exit_code == 0, result.output
        remote = RemoteStore(f"{url}/query", f"{url}/update", f"{url}/store")
        assert {f"{EX}g1", data_graph_iri("suite"), data_graph_iri("mina-anteckningar")} <= set(remote.graph_names())

"""Dataset-wide readings (form options, the glossary, the latest list year) are kept while
the dataset stays the same and read again as soon as a write publishes a new version."""

from collections.abc import Hashable

from hsvo_graph.config import Settings
from hsvo_graph.sparql.executor import WorkerPool
from hsvo_graph.sparql.reader import DatasetMemo, Reader
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.web.choices import choices

COUNT_BOARDS = """PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>
SELECT (COUNT(?b) AS ?n) WHERE { ?b a hsvo:Board }"""
NEW_BOARD = """PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA { GRAPH <urn:test:memo> {
  <urn:test:board> a hsvo:Board, hsvo:Body ; rdfs:label "Testnämnden"@sv ; hsvo:abbreviation "TSTN" } }"""


def test_a_memo_computes_once_per_version_and_again_after_a_change() -> None:
    version: list[Hashable] = [1]
    memo = DatasetMemo(lambda: version[0])
    calls: list[str] = []

    def compute() -> str:
        calls.append("x")
        return f"value at {version[0]}"

    assert memo.get("k", compute) == "value at 1"
    assert memo.get("k", compute) == "value at 1"
    assert len(calls) == 1
    version[0] = 2
    assert memo.get("k", compute) == "value at 2"
    assert len(calls) == 2


def test_the_service_reads_form_options_again_after_a_write(tmp_path, settings: Settings) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.update(NEW_BOARD.replace("TSTN", "AAAA").replace("urn:test:board", "urn:test:first"))
    tracked = TrackedStore(store)
    pool = WorkerPool(tracked, 10.0, 1)
    reads: list[int] = []

    def counted(reader: Reader) -> int:
        reads.append(1)
        return int(str(reader.select(COUNT_BOARDS).rows[0]["n"]))

    try:
        assert pool.reader().remembered("boards", counted) == 1
        assert pool.reader().remembered("boards", counted) == 1
        assert len(reads) == 1  # the second page got the kept answer
        before = {c.value for c in choices(pool.reader(), "body", "sv")}
        tracked.update(NEW_BOARD)  # a new generation is published
        assert pool.reader().remembered("boards", counted) == 2
        after = {c.value for c in choices(pool.reader(), "body", "sv")}
        assert "TSTN" in after and "TSTN" not in before
    finally:
        pool.close()
        store.close()

"""Dataset-wide readings (form options, the glossary, the latest list year) are kept while
the dataset stays the same and read again as soon as a write publishes a new version."""

import threading
import time
from collections.abc import Hashable

import pytest
from rdflib import Literal

from hsvo_graph.config import Settings
from hsvo_graph.sparql.executor import WorkerPool
from hsvo_graph.sparql.reader import DatasetMemo, LoopReader, Reader, WouldBlock
from hsvo_graph.store import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore
from hsvo_graph.web.choices import offered

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
        before = {c.value for c in offered(pool.reader(), "body", "sv").options}
        tracked.update(NEW_BOARD)  # a new generation is published
        assert pool.reader().remembered("boards", counted) == 2
        after = {c.value for c in offered(pool.reader(), "body", "sv").options}
        assert "TSTN" in after and "TSTN" not in before
    finally:
        pool.close()
        store.close()


def test_requests_wanting_a_value_being_computed_wait_for_it_instead_of_computing_it_again() -> None:
    memo = DatasetMemo(lambda: 1)
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        started.set()
        assert release.wait(10)
        return "kept"

    answers: list[str] = []
    first = threading.Thread(target=lambda: answers.append(memo.get("k", compute)))
    first.start()
    assert started.wait(10)
    others = [threading.Thread(target=lambda: answers.append(memo.get("k", compute, wait_s=10)))
              for _ in range(3)]
    for thread in others:
        thread.start()
    time.sleep(0.1)  # the others are waiting now
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert answers == ["kept"] * 4
    assert len(calls) == 1


def test_a_failed_computation_or_a_waiter_out_of_time_computes_on_its_own() -> None:
    memo = DatasetMemo(lambda: 1)
    started, release = threading.Event(), threading.Event()

    def failing() -> str:
        started.set()
        assert release.wait(10)
        raise RuntimeError("the worker timed out")

    failed: list[BaseException] = []

    def first() -> None:
        try:
            memo.get("k", failing)
        except RuntimeError as exc:
            failed.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(10)
    # out of time while waiting: computes itself (a reader's own deadline then says so)
    assert memo.get("k", lambda: "own", wait_s=0.05) == "own"
    answers: list[str] = []
    waiter = threading.Thread(target=lambda: answers.append(memo.get("k", lambda: "after", wait_s=10)))
    waiter.start()
    time.sleep(0.05)
    release.set()
    thread.join(10)
    waiter.join(10)
    assert failed and answers == ["after"]  # the waiter computed it once the first one failed
    assert memo.get("k", lambda: "again") == "after"  # and it is kept


def test_a_loop_reader_answers_only_what_is_kept_for_the_current_version(tmp_path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.update(NEW_BOARD)
    tracked = TrackedStore(store)
    pool = WorkerPool(tracked, 10.0, 1)
    try:
        on_loop = LoopReader(pool.reader())
        with pytest.raises(WouldBlock):
            on_loop.remembered("boards", lambda r: 0)  # nothing kept yet: a query would block
        with pytest.raises(WouldBlock):
            on_loop.select(COUNT_BOARDS)
        assert pool.reader().remembered("boards", lambda r: len(r.select(COUNT_BOARDS).rows)) == 1
        assert on_loop.remembered("boards", lambda r: 0) == 1
        tracked.update(NEW_BOARD.replace("urn:test:board", "urn:test:other"))
        with pytest.raises(WouldBlock):  # a write: what was kept is not answered any more
            on_loop.remembered("boards", lambda r: 0)
    finally:
        pool.close()
        store.close()


def test_reader_selects_stop_at_the_row_cap_like_the_endpoint(tmp_path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.update("""INSERT DATA { GRAPH <urn:test:g> {
      <urn:test:a> <urn:test:p> 1, 2, 3, 4, 5 } }""")
    pool = WorkerPool(TrackedStore(store), 10.0, 1, max_rows=3)
    query = "SELECT ?o WHERE { ?s <urn:test:p> ?o } ORDER BY ?o"
    try:
        capped = pool.reader().select(query)
        assert [int(r["o"]) for r in capped.rows] == [1, 2, 3] and capped.truncated
        own = pool.reader().select(query + " LIMIT 2")
        assert [int(r["o"]) for r in own.rows] == [1, 2] and not own.truncated
        exact = pool.reader().select(query + " OFFSET 2")
        assert [int(r["o"]) for r in exact.rows] == [3, 4, 5] and not exact.truncated
        bound = pool.reader().select(query, {"o": [Literal(4), Literal(2)]})
        assert [int(r["o"]) for r in bound.rows] == [2, 4]
        whole = pool.reader(capped=False).select(query)
        assert len(whole.rows) == 5 and not whole.truncated
    finally:
        pool.close()
        store.close()


def test_a_page_read_again_on_the_same_version_asks_no_worker(tmp_path) -> None:
    """The answers to capped reads (pages, canned questions) are kept per version: the same
    query again is answered without a worker, a write brings the new answer, and the
    service's own uncapped reads (the validation context) are never kept."""
    store = EmbeddedStore(tmp_path / "store")
    store.update(NEW_BOARD.replace("TSTN", "AAAA").replace("urn:test:board", "urn:test:first"))
    tracked = TrackedStore(store)
    pool = WorkerPool(tracked, 10.0, 1, max_rows=100)  # pages read up to the row cap
    asked: list[str] = []
    run = pool._run  # what asks a worker (``run_blocking`` may call itself once more, from a
    # thread of its own, when the caller's thread has an event loop running)

    async def counting(request, budget_s):  # type: ignore[no-untyped-def]
        asked.append(request.query)
        return await run(request, budget_s)

    pool._run = counting  # type: ignore[method-assign]

    def boards(reader: Reader) -> int:
        return int(str(reader.select(COUNT_BOARDS).rows[0]["n"]))

    try:
        assert [boards(pool.reader()) for _ in range(5)] == [1] * 5
        assert len(asked) == 1
        tracked.update(NEW_BOARD)
        assert [boards(pool.reader()) for _ in range(5)] == [2] * 5  # the write is seen
        assert len(asked) == 2
        assert boards(pool.reader(capped=False)) == 2
        assert boards(pool.reader(capped=False)) == 2
        assert len(asked) == 4  # the service's own whole reads are never kept
    finally:
        pool.close()
        store.close()


def test_the_kept_answers_stay_within_their_budget() -> None:
    from hsvo_graph.sparql import reader as reader_module
    from hsvo_graph.sparql.reader import AnswerMemo
    from hsvo_graph.sparql.results import Encoded

    memo = AnswerMemo(lambda: 1)
    size = reader_module._LARGEST_KEPT
    for i in range(40):
        memo.keep(i, Encoded("solutions", "x", b"." * size), memo.version())
    kept = [i for i in range(40) if memo.get(i) is not None]
    assert kept == list(range(24, 40))  # the budget holds 16; the first ones went first
    memo.keep("too large", Encoded("solutions", "x", b"." * (size + 1)), memo.version())
    assert memo.get("too large") is None

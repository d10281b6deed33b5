"""Each store has its own change log, and /changes.atom lists the changes of the store its
service serves (audit E, s13, D5: every store wrote to var/changes.jsonl, so a service's
feed listed other stores' imports); the feed answers conditional GETs and is paged in
archive pages (RFC 5005)."""

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.api.routes.changes import PAGE
from hsvo_graph.config import DEFAULT_STORE_PATH, PROJECT_ROOT, Settings
from hsvo_graph.store import EmbeddedStore, open_store
from hsvo_graph.store.changes import log_path

ATOM = "{http://www.w3.org/2005/Atom}"
INFERRED = "https://w3id.org/hsvo-graph/graph/inferred"


@pytest.fixture(autouse=True)
def _no_log_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HSVO_CHANGES_LOG", raising=False)


def _import(store: object, name: str) -> None:
    graph = f"https://w3id.org/hsvo-graph/graph/{name}"
    store.replace_graphs(  # type: ignore[attr-defined]
        f'<https://w3id.org/x/{name}> <https://w3id.org/y> "z" <{graph}> .\n'.encode(),
        [graph, INFERRED])


def test_each_store_directory_keeps_its_own_log(tmp_path: Path) -> None:
    first = Settings(store="embedded", store_path=tmp_path / "a")
    second = Settings(store="embedded", store_path=tmp_path / "b")
    assert log_path(first) == tmp_path / "a" / "changes.jsonl"
    a, b = open_store(first), open_store(second)
    try:
        _import(a, "plan-in-a")
        _import(a, "plan-in-a-again")  # a second generation: the first is collected
        _import(b, "plan-in-b")
    finally:
        a.close()
        b.close()
    assert len((tmp_path / "a" / "changes.jsonl").read_text().splitlines()) == 2
    assert "plan-in-b" not in (tmp_path / "a" / "changes.jsonl").read_text()
    with TestClient(create_app(second)) as client:
        feed = client.get("/changes.atom").text
    assert "plan-in-b" in feed and "plan-in-a" not in feed


def test_where_the_log_is_kept() -> None:
    assert log_path(Settings(store="embedded", store_path=DEFAULT_STORE_PATH)) == (
        PROJECT_ROOT / "var" / "changes.jsonl")  # the default store's log stays where it was
    assert log_path(Settings(changes_log=Path("/x/log.jsonl"))) == Path("/x/log.jsonl")
    assert log_path(Settings(changes_log=None)) is None
    assert log_path(Settings(store="embedded", store_path=None)) is None
    assert log_path(Settings(store="embedded", store_path=None), Path("/tmp/s")) == Path(
        "/tmp/s/changes.jsonl")
    # the store opened wins over the settings' path (create_app(settings, store))
    assert log_path(Settings(store="embedded", store_path=Path("/tmp/a")), Path("/tmp/b")) == (
        Path("/tmp/b/changes.jsonl"))
    one = log_path(Settings(store="remote", remote_query_url="http://127.0.0.1:7878/query"))
    other = log_path(Settings(store="remote", remote_query_url="http://127.0.0.1:7879/query"))
    assert one is not None and other is not None and one != other
    assert one.parent == PROJECT_ROOT / "var" / "changes"
    assert one.name.startswith("127.0.0.1_7878_query-")


def test_hsvo_changes_log_still_names_one_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HSVO_CHANGES_LOG", str(tmp_path / "mine.jsonl"))
    settings = Settings(store="embedded", store_path=tmp_path / "store")
    assert settings.changes_log == tmp_path / "mine.jsonl"
    store = open_store(settings)
    try:
        _import(store, "plan-x")
    finally:
        store.close()
    assert "plan-x" in (tmp_path / "mine.jsonl").read_text()
    assert not (tmp_path / "store" / "changes.jsonl").exists()


def test_a_store_in_memory_keeps_its_log_with_it() -> None:
    store = open_store(Settings(store="embedded", store_path=None))
    try:
        _import(store, "plan-m")
        root = store.root  # type: ignore[attr-defined]
        assert "plan-m" in (root / "changes.jsonl").read_text()
    finally:
        store.close()
    assert not (PROJECT_ROOT / "var" / "changes.jsonl").exists() or (
        "plan-m" not in (PROJECT_ROOT / "var" / "changes.jsonl").read_text())


@pytest.fixture
def feed(tmp_path: Path, settings: Settings) -> TestClient:
    own = settings.model_copy(update={"changes_log": tmp_path / "changes.jsonl"})
    with TestClient(create_app(own, EmbeddedStore(None))) as client:
        yield client


def _numbers(response: object) -> list[int]:
    root = ET.fromstring(response.content)  # type: ignore[attr-defined]
    return [int(e.find(f"{ATOM}id").text.rsplit("/", 1)[1]) for e in root.findall(f"{ATOM}entry")]


def _links(response: object) -> dict[str, str]:
    root = ET.fromstring(response.content)  # type: ignore[attr-defined]
    return {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}


def test_the_feed_answers_conditional_gets(feed: TestClient) -> None:
    store = feed.app.state.store  # type: ignore[attr-defined]
    _import(store, "plan-1")
    first = feed.get("/changes.atom")
    assert first.status_code == 200 and "etag" in first.headers and "last-modified" in first.headers
    assert feed.get("/changes.atom", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert feed.get("/changes.atom", headers={
        "If-Modified-Since": first.headers["last-modified"]}).status_code == 304
    _import(store, "plan-2")
    again = feed.get("/changes.atom", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and "plan-2" in again.text


def test_the_feed_is_paged_in_archives(feed: TestClient) -> None:
    store = feed.app.state.store  # type: ignore[attr-defined]
    count = 2 * PAGE + 7
    log = store.changes
    for _ in range(count):
        log.record([INFERRED], full=False)
    newest = feed.get("/changes.atom")
    assert _numbers(newest) == list(range(count, count - PAGE, -1))
    links = _links(newest)
    # the newest change not in the feed is number count - PAGE = PAGE + 7: on page 2
    assert links["prev-archive"].endswith("/changes.atom?page=2")
    assert links["next"] == links["prev-archive"]
    second = feed.get("/changes.atom", params={"page": "2"})
    assert _numbers(second) == list(range(2 * PAGE, PAGE, -1))
    assert b"<fh:archive" in second.content
    links = _links(second)
    assert links["current"].endswith("/changes.atom")
    assert links["prev-archive"].endswith("?page=1") and "next-archive" not in links
    first = feed.get("/changes.atom", params={"page": "1"})
    assert _numbers(first) == list(range(PAGE, 0, -1))
    assert "prev-archive" not in _links(first) and _links(first)["next-archive"].endswith("?page=2")
    for bad in ("0", "3", "x", "-1", "²"):
        assert feed.get("/changes.atom", params={"page": bad}).status_code == 404
    # a complete archive page never changes: its ETag holds after more changes
    log.record([INFERRED], full=False)
    assert feed.get("/changes.atom", params={"page": "1"}).headers["etag"] == first.headers["etag"]

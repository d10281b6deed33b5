"""Hostile RDF where the service reads it with pyoxigraph: Graph Store writes, plan uploads
in JSON-LD, and ``hsvo load``'s extra files. Each input here took the whole process down
(killed for memory, or a stack overflow: no answer, no log line) or was a 500; now it is a
located 4xx / LoadError and nothing lands. The crashing ones run in a child process under a
memory limit, so that without the bounds the test fails instead of taking pytest down."""

import gzip
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from hsvo_graph.api.app import create_app
from hsvo_graph.config import Settings
from hsvo_graph.store import EmbeddedStore

from .test_protocol_admin import ADMIN, TOKEN

EX = "http://example.org/"
GRAPH = f"{EX}graph/hostile"
_LOL = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY l0 "lollollollollollollollollollol"> {_LOL} ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EX}">
<rdf:Description rdf:about="{EX}s"><ex:p>&l9;</ex:p></rdf:Description></rdf:RDF>"""
NAMESPACE_ENTITIES = f"""<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY ex "{EX}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="&ex;">
<rdf:Description rdf:about="&ex;s"><ex:p rdf:resource="&ex;o"/></rdf:Description></rdf:RDF>"""
DEEP = 20_000
TRIPLE_TERMS = f"<{EX}s> <{EX}p> " + f"<<( <{EX}s> <{EX}p> " * DEEP + "1" + " )>>" * DEEP + " ."
JSONLD = (f'{{"@id":"{EX}s","{EX}p":' + f'{{"@id":"{EX}s","{EX}p":' * 5_000 + "1"
          + "}" * 5_001)
LONG_LITERAL = f'<{EX}s> <{EX}p> "{"a" * (17 * 1024 * 1024)}" .'


def _in_child(code: str) -> str:
    """Run ``code`` in a fresh interpreter under a 4 GiB address-space limit; its output,
    after asserting that it ended normally (a crash or a kill fails the test)."""
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"
    done = subprocess.run([sys.executable, "-c", limit + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"the child ended with {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout


def test_graph_store_refuses_what_crashed_the_parser_and_writes_nothing() -> None:
    """PUT of billion laughs, deeply nested triple terms, deeply nested JSON-LD, a 17 MiB
    literal: each a 400 that says why (and where), the graph as it was."""
    out = _in_child(f"""
        import json
        from fastapi.testclient import TestClient
        from hsvo_graph.api.app import create_app
        from hsvo_graph.config import Settings
        from hsvo_graph.store import EmbeddedStore
        from tests.test_rdf_hostile import (BILLION_LAUGHS, GRAPH, JSONLD, LONG_LITERAL,
                                            TRIPLE_TERMS)
        settings = Settings(store="embedded", store_path=None, changes_log=None,
                            admin_token={TOKEN!r})
        store = EmbeddedStore(None)
        store.update("INSERT DATA {{ GRAPH <" + GRAPH + "> {{ <{EX}a> <{EX}b> 1 }} }}")
        with TestClient(create_app(settings, store), raise_server_exceptions=False) as client:
            for body, kind in ((BILLION_LAUGHS, "application/rdf+xml"),
                               (TRIPLE_TERMS, "text/turtle"), (JSONLD, "application/ld+json"),
                               (LONG_LITERAL, "application/n-triples")):
                answer = client.put("/store", params={{"graph": GRAPH}}, content=body.encode(),
                                    headers={{"Authorization": "Bearer {TOKEN}",
                                             "Content-Type": kind}})
                print(json.dumps([answer.status_code, answer.text, store.triple_count(GRAPH)]))
    """)
    answers = [json.loads(line) for line in out.splitlines()]
    assert [status for status, _, _ in answers] == [400] * 4
    assert [count for _, _, count in answers] == [1] * 4
    laughs, terms, nested, literal = (text for _, text, _ in answers)
    assert "<!ENTITY> declarations would expand to" in laughs and "more than 10 times" in laughs
    assert "line 1, column" in terms and "triple terms <<( … )>> nested more than 64" in terms
    assert "JSON arrays and objects nested more than 64" in nested
    assert "a term (a literal or an IRI) is longer than the parser takes" in literal


def test_load_refuses_the_same_in_extra_files(tmp_path) -> None:
    """``hsvo load`` with an extra file: a LoadError naming the file, the store untouched."""
    files = {"laughs.rdf": BILLION_LAUGHS, "terms.nt": TRIPLE_TERMS, "nested.jsonld": JSONLD,
             "long.nt": LONG_LITERAL}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = _in_child(f"""
        from pathlib import Path
        from hsvo_graph.config import Settings
        from hsvo_graph.graph.loading import LoadError, load
        from hsvo_graph.store import EmbeddedStore
        store = EmbeddedStore(None)
        for name in {list(files)!r}:
            try:
                load(store, Settings(store="embedded", store_path=None, changes_log=None),
                     [Path({str(tmp_path)!r}) / name])
            except LoadError as exc:
                print(str(exc).replace("\\n", " ")[:300], len(store.graph_names()))
    """)
    lines = out.splitlines()
    assert len(lines) == 4 and all(line.endswith(" 0") for line in lines)
    assert "laughs.rdf: its <!ENTITY> declarations would expand" in lines[0]
    assert "terms.nt: line 1, column" in lines[1]
    assert "nested.jsonld: line 1, column" in lines[2]
    assert "long.nt: invalid N-Triples: a term (a literal or an IRI) is longer" in lines[3]


def test_a_plan_in_deeply_nested_json_ld_is_refused() -> None:
    """POST /validate is public: 170 kB of nested JSON-LD crashed the service."""
    out = _in_child("""
        from hsvo_graph.validation.model import PlanError
        from hsvo_graph.validation.readers import read_plan_file
        from tests.test_rdf_hostile import JSONLD
        try:
            read_plan_file(JSONLD.encode(), "plan.jsonld")
        except PlanError as exc:
            print(exc.detail)
    """)
    assert "line 1, column" in out and "nested more than 64" in out


def test_namespace_entities_still_load() -> None:
    """The bound leaves RDF/XML's usual entities (a namespace written once) alone."""
    from hsvo_graph.graph.bounds import check_entities

    check_entities(NAMESPACE_ENTITIES.encode())
    assert len(list(ox.parse(NAMESPACE_ENTITIES.encode(), format=ox.RdfFormat.RDF_XML))) == 1


@pytest.fixture
def admin(settings: Settings) -> Iterator[TestClient]:
    """The service on an empty store, with an admin token."""
    app = create_app(settings.model_copy(update={"admin_token": TOKEN}), EmbeddedStore(None))
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("headers, body", [
    ({"Content-Encoding": "gzip"}, gzip.compress(f"<{EX}s> <{EX}p> 1 .".encode())),
    ({"Content-Type": "text/turtle; charset=utf-16"}, f"<{EX}s> <{EX}p> 1 .".encode()),
], ids=["gzip", "utf-16"])
def test_a_coded_or_other_charset_body_is_a_415(admin: TestClient, headers: dict[str, str],
                                                body: bytes) -> None:
    """As for queries: a gzip body was a 400 "not valid UTF-8 (byte 1)", and a body said to
    be UTF-16 was read as UTF-8 and written."""
    answer = admin.put("/store", params={"graph": GRAPH}, content=body,
                       headers={**ADMIN, "Content-Type": "text/turtle", **headers})
    assert answer.status_code == 415, answer.text
    assert admin.get("/store", params={"graph": GRAPH}).status_code == 404


def test_a_blank_node_inside_a_triple_term_stays_the_one_outside_it(admin: TestClient) -> None:
    """``_:b1`` is one node in a document, inside ``<<( … )>>`` too; and a second POST's
    ``_:b1`` is another node than the first's."""
    body = f"_:b1 <{EX}p> <<( _:b1 <{EX}p> 1 )>> ."
    for _ in range(2):
        answer = admin.post("/store", params={"graph": GRAPH}, content=body,
                            headers={**ADMIN, "Content-Type": "text/turtle"})
        assert answer.status_code in (201, 204), answer.text
    dump = admin.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    triples = [q.triple for q in ox.parse(dump.content, format=ox.RdfFormat.N_TRIPLES)]
    assert len(triples) == 2
    assert all(t.subject == t.object.subject for t in triples)  # type: ignore[union-attr]
    assert triples[0].subject != triples[1].subject


def test_a_plan_of_too_many_triples_is_refused_before_rdflib_reads_it() -> None:
    """5 MB of N-Triples on the public POST /validate: rdflib read all 250,000 triples (13 s)
    before the plan's size was checked; now the count stops at the first triple too many."""
    from hsvo_graph.validation.model import PlanError
    from hsvo_graph.validation.rdfplan import MAX_TRIPLES
    from hsvo_graph.validation.readers import read_plan_file

    lines = b"".join(b"<%sa> <%sb> \"%d\" .\n" % (EX.encode(), EX.encode(), i)
                     for i in range(MAX_TRIPLES + 1))
    with pytest.raises(PlanError) as refused:
        read_plan_file(lines, "plan.nt")
    assert refused.value.message.en == (f"the plan has more than {MAX_TRIPLES} triples; at "
                                        f"most {MAX_TRIPLES} are allowed")


def test_a_write_is_parsed_off_the_event_loop(admin: TestClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """32 MiB of N-Triples parsed on the event loop held every request, public queries
    too, for 15 s; the parse runs in a worker thread, where no event loop runs."""
    import asyncio

    from hsvo_graph.api.routes import graph_store

    parse, on_loop = graph_store._parse, []

    def watched(*args: object) -> list[ox.Triple]:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return parse(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(graph_store, "_parse", watched)
    answer = admin.put("/store", params={"graph": GRAPH}, content=f"<{EX}s> <{EX}p> 1 .",
                       headers={**ADMIN, "Content-Type": "text/turtle"})
    assert answer.status_code == 201, answer.text
    assert on_loop == [False]

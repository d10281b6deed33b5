"""Serialise query answers with pyoxigraph, cut at a row limit, in any format offered.

Used in the query worker processes (embedded store) and in the service (remote store,
descriptions, dumps), so every path writes the same bytes. Kept free of rdflib and FastAPI
so that a worker starts fast.

Solutions are read lazily, so a capped answer to a huge SELECT costs only the rows sent.
To serialise the first rows only, they are written as SPARQL JSON here and, for the other
formats, converted by pyoxigraph's own parser and serialiser.

Answers are cut by size as well as by rows (``MAX_VALUE_BYTES``): pyoxigraph's results
parsers, which the conversion and the row count read answers back with, refuse a JSON value
over 8 MiB and a TSV line over 16 MiB ("MemoryError: Reached the buffer maximal size of
16777216"), so an answer holding one failed with a 502; and an answer of a few rows of a
megabyte each could grow to tens of megabytes, held whole in the worker and the service.
"""

import functools
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from hsvo_graph.formats import rdf_format, results_format

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

_JSON = "application/sparql-results+json"

# An answer's values (IRIs, literals' text, blank node ids, in UTF-8) add up to at most this
# many bytes: rows are kept while they fit, the rest cut and flagged as the row cap is. At
# most 8 MiB: pyoxigraph's JSON results parser refuses one value larger than that.
MAX_VALUE_BYTES = 8 * 2**20


class AnswerTooLarge(Exception):
    """The answer written by pyoxigraph's serialiser passed ``MAX_VALUE_BYTES``: the rows
    must be taken one by one instead (``encode_solutions``)."""


class _CappedBuffer(io.BytesIO):
    """A file for pyoxigraph's serialiser that stops it, with AnswerTooLarge, as soon as
    it would hold more than ``limit`` bytes (before the rest is even made)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: "ReadableBuffer", /) -> int:
        if self.tell() + memoryview(data).nbytes > self.limit:
            raise AnswerTooLarge
        return super().write(data)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Encoded:
    """An answer ready to send: its kind, media type and bytes, and whether rows were cut."""

    kind: str
    media_type: str
    body: bytes
    truncated: bool = False


def term_json(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 (and SPARQL-star) JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        }}
    raise TypeError(f"cannot write {type(term).__name__} as a SPARQL JSON term")


def _term_bytes(term: Any) -> int:
    """The UTF-8 bytes of a term's value (of its three parts, for a quoted triple)."""
    if term is None:
        return 0
    if isinstance(term, (ox.Triple, ox.Quad)):
        return sum(_term_bytes(t) for t in (term.subject, term.predicate, term.object))
    return len(term.value.encode("utf-8"))


def _take(items: Iterable[Any], max_rows: int | None) -> tuple[list[Any], bool]:
    """The first ``max_rows`` items (solutions or triples) whose values add up to no more
    than ``MAX_VALUE_BYTES``, and whether there were more. Read one by one, so that a cut
    answer costs the rows kept, not all of them."""
    kept: list[Any] = []
    size = 0
    for item in items:
        size += sum(_term_bytes(term) for term in item) if isinstance(item, ox.QuerySolution) \
            else _term_bytes(item)
        if len(kept) == max_rows or size > MAX_VALUE_BYTES:
            return kept, True
        kept.append(item)
    return kept, False


def encode_solutions(solutions: ox.QuerySolutions, media_type: str, max_rows: int | None,
                     cut: bool = False) -> Encoded:
    """SELECT results, at most ``max_rows`` of them; SPARQL JSON flags a cut with
    ``"truncated": true`` between ``head`` and ``results`` (streaming parsers such as
    Oxigraph's refuse members after ``results``). ``cut``: ``solutions`` are what was kept
    of a longer answer (``encode_json_solutions``)."""
    names = [v.value for v in solutions.variables]
    rows, truncated = _take(solutions, max_rows)
    truncated = truncated or cut
    bindings = [
        {name: term_json(term) for name, term in zip(names, row, strict=True) if term is not None}
        for row in rows
    ]
    flag = {"truncated": True} if truncated and media_type == _JSON else {}
    document = {"head": {"vars": names}, **flag, "results": {"bindings": bindings}}
    return Encoded("solutions", media_type, _results_as(document, media_type), truncated)


# What pyoxigraph's writer puts once per solution in each format it can read back, and what
# a value can only add to, so that counting it (at C speed) bounds the solutions from above:
# JSON writes "},{" between two solutions (strings may hold it too), XML a <result> element
# per solution and TSV a line (both escape "<" and line ends in values). Reading an answer
# back to count it exactly took longer than the query itself (30 ms for 600 rows of 15
# columns), so only an answer whose bound passes the row cap is read back.
_SOLUTION_MARKS = {_JSON: (b"},{", 1), "application/sparql-results+xml": (b"<result>", 0),
                   "text/tab-separated-values": (b"\n", 0)}


def most_solutions(body: bytes, media_type: str) -> int:
    """At least as many as the solutions of ``body``, written by pyoxigraph in ``media_type``."""
    mark, between = _SOLUTION_MARKS[media_type]
    return body.count(mark) + between


def may_hold_more(body: bytes, media_type: str, rows: int) -> bool:
    """Whether ``body`` may hold more than ``rows`` solutions (``most_solutions``), without
    searching a body too short to hold that many marks (they do not overlap)."""
    mark, between = _SOLUTION_MARKS[media_type]
    return len(body) // len(mark) + between > rows and most_solutions(body, media_type) > rows


def encode_limited(solutions: ox.QuerySolutions, media_type: str, max_rows: int | None) -> Encoded:
    """SELECT results of a query that stops by itself after ``max_rows + 1`` solutions
    (``analysis.with_row_limit``), written by pyoxigraph's own serialiser: about twice as
    fast as building SPARQL JSON in Python. Only an answer that may hold more than
    ``max_rows`` solutions (``may_hold_more``) is read back to count them, and cut in
    ``encode_solutions`` when it does. AnswerTooLarge when the answer passes
    ``MAX_VALUE_BYTES`` (it is then no shorter than its values): the query must be run
    again and its rows taken one by one."""
    native = media_type if media_type in _SOLUTION_MARKS else _JSON  # CSV cannot be read back
    written = _CappedBuffer(MAX_VALUE_BYTES)
    solutions.serialize(written, format=results_format(native))
    body = written.getvalue()
    if max_rows is not None and may_hold_more(body, native, max_rows):
        read = ox.parse_query_results(body, format=results_format(native))
        assert isinstance(read, ox.QuerySolutions)
        if len(list(islice(read, max_rows + 1))) > max_rows:
            again = ox.parse_query_results(body, format=results_format(native))
            assert isinstance(again, ox.QuerySolutions)
            return encode_solutions(again, media_type, max_rows)
    if native != media_type:
        converted = ox.parse_query_results(body, format=results_format(native)).serialize(
            format=results_format(media_type))
        assert converted is not None  # without an output file, serialize returns the bytes
        body = converted
    return Encoded("solutions", media_type, body)


def _json_term_bytes(term: Mapping[str, Any]) -> int:
    """``_term_bytes`` of a term in SPARQL JSON (a quoted triple's three parts)."""
    value = term.get("value", "")
    if term.get("type") == "triple" and isinstance(value, Mapping):
        return sum(_json_term_bytes(value[part]) for part in ("subject", "predicate", "object")
                   if isinstance(value.get(part), Mapping))
    return len(str(value).encode("utf-8"))


def encode_json_solutions(body: bytes, media_type: str, max_rows: int | None) -> Encoded:
    """SELECT results another store wrote as SPARQL JSON (``body``), cut as
    ``encode_solutions`` cuts the embedded store's (rows, and ``MAX_VALUE_BYTES`` of values)
    before pyoxigraph reads them: its parser refuses a value over 8 MiB, so a remote
    store's answer holding one was a 502 where the embedded store answers the rows before
    it, flagged. Read with orjson (no such limit); SyntaxError when ``body`` is not SPARQL
    JSON results. For a long answer only (a short one cannot hold such a value): the
    solutions are held as JSON objects before they are cut."""
    import orjson

    try:
        data = orjson.loads(body)
        names, bindings = list(data["head"]["vars"]), data["results"]["bindings"]
        kept: list[Any] = []
        size, cut = 0, False
        for binding in bindings:
            size += sum(_json_term_bytes(term) for term in binding.values())
            if len(kept) == max_rows or size > MAX_VALUE_BYTES:
                cut = True
                break
            kept.append(binding)
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise SyntaxError(f"not SPARQL JSON results: {exc}") from None
    document = {"head": {"vars": names}, "results": {"bindings": kept}}
    parsed = ox.parse_query_results(orjson.dumps(document), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return encode_solutions(parsed, media_type, max_rows, cut)


#: The longest line pyoxigraph's RDF parsers read (their buffer's maximal size, 16 MiB),
#: with room to spare
_LONGEST_LINE = 16 * 2**20 - 2**16


def encode_ntriples(body: bytes, media_type: str, max_rows: int | None,
                    prefixes: Mapping[str, str]) -> Encoded:
    """CONSTRUCT or DESCRIBE results another store wrote as N-Triples, cut as
    ``encode_graph`` cuts the embedded store's. pyoxigraph's parser refuses a line over
    16 MiB (a triple whose values are at least that long, past ``MAX_VALUE_BYTES``): the
    triples before the first such line are read and the answer is cut there, flagged."""
    end = len(body)
    start = 0
    while start < len(body):
        stop = body.find(b"\n", start)
        stop = len(body) if stop < 0 else stop
        if stop - start > _LONGEST_LINE:
            end = start
            break
        start = stop + 1
    triples = (q.triple for q in ox.parse(body[:end], format=ox.RdfFormat.N_QUADS))
    encoded = encode_graph(triples, media_type, max_rows, prefixes)
    if end < len(body) and not encoded.truncated:
        return Encoded(encoded.kind, encoded.media_type, encoded.body, True)
    return encoded


@functools.lru_cache(maxsize=32)
def encode_boolean(value: bool, media_type: str) -> Encoded:
    """An ASK answer in one of the results formats (there are few: each is written once)."""
    return Encoded("boolean", media_type, _results_as({"head": {}, "boolean": bool(value)}, media_type))


def _results_as(document: dict[str, Any], media_type: str) -> bytes:
    """A SPARQL JSON results document, in ``media_type`` (converted by pyoxigraph)."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if media_type == _JSON:
        return body
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    converted = parsed.serialize(format=results_format(media_type))
    assert converted is not None  # without an output file, serialize returns the bytes
    return converted


def _namespaces(statements: Iterable[ox.Triple | ox.Quad]) -> set[str]:
    """The namespaces (up to the last '#' or '/') of every IRI used, datatypes included."""
    found: set[str] = set()
    for statement in statements:
        terms: list[Any] = [statement.subject, statement.predicate, statement.object]
        if isinstance(statement, ox.Quad):
            terms.append(statement.graph_name)
        for term in terms:
            if isinstance(term, ox.Literal):
                if term.language or term.datatype.value == _XSD_STRING:
                    continue  # written without a datatype IRI
                term = term.datatype
            if isinstance(term, ox.NamedNode):
                value = term.value
                found.add(value[: max(value.rfind("#"), value.rfind("/")) + 1])
    return found


def serialize_rdf(
    statements: Iterable[ox.Triple | ox.Quad], media_type: str, prefixes: Mapping[str, str]
) -> bytes:
    """Triples or quads in an RDF format, declaring only the prefixes used; triples become
    default-graph quads for the dataset formats (TriG, N-Quads)."""
    fmt = rdf_format(media_type)
    items = list(statements)
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        items = [s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object)
                 for s in items]
    used = _namespaces(items)
    declared = {name: iri for name, iri in prefixes.items() if iri in used}
    body = ox.serialize(items, format=fmt, prefixes=declared)  # type: ignore[arg-type]
    assert body is not None  # without an output file, serialize returns the bytes
    return body


def encode_graph(
    triples: Iterator[ox.Triple], media_type: str, max_rows: int | None,
    prefixes: Mapping[str, str],
) -> Encoded:
    """CONSTRUCT or DESCRIBE results, at most ``max_rows`` triples."""
    kept, truncated = _take(triples, max_rows)
    return Encoded("graph", media_type, serialize_rdf(kept, media_type, prefixes), truncated)


def encode(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    solutions_type: str, graph_type: str, max_rows: int | None, prefixes: Mapping[str, str],
    row_limited: bool = False,
) -> Encoded:
    """Any pyoxigraph query result, in the format chosen for its kind; ``row_limited``: the
    query itself stops after ``max_rows + 1`` solutions (see ``encode_limited``)."""
    if isinstance(result, ox.QueryBoolean):
        return encode_boolean(bool(result), solutions_type)
    if isinstance(result, ox.QuerySolutions):
        if row_limited:
            return encode_limited(result, solutions_type, max_rows)
        return encode_solutions(result, solutions_type, max_rows)
    return encode_graph(iter(result), graph_type, max_rows, prefixes)

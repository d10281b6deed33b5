"""The dataset as files: the whole (TriG, N-Quads, JSON-LD), the union (Turtle …), one named
graph, the ontology and the SHACL shapes — for the dumps and Graph Store Protocol reads.

Everything is written from one ``Snapshot`` (a frozen store generation) and remembered with it,
so a second request for the same state costs nothing and every copy carries the same ETag.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from hsvo_graph.sparql.describe import DESCRIPTION_PREFIXES
from hsvo_graph.namespaces import PREFIXES
from hsvo_graph.formats import rdf_format
from hsvo_graph.sparql.results import serialize_rdf
from hsvo_graph.store.snapshot import Snapshot

SHAPES_PREFIXES = {**PREFIXES, "sh": "http://www.w3.org/ns/shacl#",
                   "hsvosh": "https://w3id.org/hsvo-graph/shapes#"}


class ExportError(ValueError):
    """A file to export cannot be read; the message names it."""


def _key(triple: ox.Triple) -> tuple[str, str, str]:
    return str(triple.subject), str(triple.predicate), str(triple.object)


# The default graph that queries see: every distinct triple of all graphs.
_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def union_triples(snapshot: Snapshot) -> Iterator[ox.Triple]:
    """Every distinct triple of all graphs, streamed from the snapshot's store."""
    result = snapshot.store.query(_UNION, use_default_graph_as_union=True)
    assert isinstance(result, ox.QueryTriples)
    return iter(result)


def graph_triples(snapshot: Snapshot, graph: str) -> Iterator[ox.Triple]:
    """The triples of one named graph."""
    return (q.triple for q in
            snapshot.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def dataset_file(snapshot: Snapshot, media_type: str) -> bytes:
    """All named graphs, in a dataset format (TriG, N-Quads, JSON-LD), one block per graph.

    Written by the store itself, with every prefix of ``PREFIXES`` declared: the quads never
    become Python objects, and the service's other threads keep running meanwhile (the
    store releases the GIL). Sorting and writing them in Python took 25 s and 800 MB for the
    TriG of a million triples, holding the GIL throughout; this takes 13 s.
    """
    return snapshot.derived(
        f"dataset {media_type}",
        lambda s: _dumped(s.store.dump(format=rdf_format(media_type), prefixes=PREFIXES)),
    )


def union_file(snapshot: Snapshot, media_type: str) -> bytes:
    """The union of all graphs, in a triple format."""
    return snapshot.derived(
        f"union {media_type}",
        lambda s: serialize_rdf(union_triples(s), media_type, PREFIXES),
    )


def graph_file(snapshot: Snapshot, graph: str, media_type: str) -> bytes:
    """One named graph, in a triple format."""
    return snapshot.derived(
        f"graph {graph} {media_type}",
        lambda s: serialize_rdf(graph_triples(s, graph), media_type, DESCRIPTION_PREFIXES),
    )


def _dumped(body: bytes | None) -> bytes:
    assert body is not None  # without an output file, dump returns the bytes
    return body


def _file_scoped(term: Any, index: int) -> Any:
    """A blank node label made local to one file (``_:x`` in two files is two nodes)."""
    return ox.BlankNode(f"f{index}x{term.value}") if isinstance(term, ox.BlankNode) else term


def shapes_file(shapes_dir: Path) -> bytes | None:
    """The union of ``shapes_dir/**/*.ttl`` as Turtle; None when there are no shapes.

    Blank nodes are canonicalised (RDFC-1.0), so the same shapes give the same bytes.
    """
    paths = sorted(shapes_dir.glob("**/*.ttl")) if shapes_dir.is_dir() else []
    if not paths:
        return None
    dataset = ox.Dataset()
    for index, path in enumerate(paths):
        try:
            for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
                dataset.add(ox.Quad(_file_scoped(q.subject, index), q.predicate,
                                    _file_scoped(q.object, index)))
        except (SyntaxError, OSError) as exc:
            raise ExportError(f"{path}: {exc}") from exc
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    triples = sorted((q.triple for q in dataset), key=_key)
    return serialize_rdf(triples, "text/turtle", SHAPES_PREFIXES)

"""Read ontology/ and data/ (and any extra RDF files) into named graphs, add the inferred
graph, put it all in a store.

The hot path is pyoxigraph only: every file is checked (UTF-8, NFC) and bulk-loaded by
pyoxigraph's own parsers into a scratch store, the inferences are computed inside it
(``hsvo_graph.graph.inference``), and the result replaces the store in one
``replace_graphs`` call; on the embedded store that is a bulk load into a new generation,
published only when all of it succeeded: a bad file, or a kill at any moment, leaves the
previous store serving. A syntax error is reported with its file and line. Extra files let
researchers add their own data, or a standard test suite's, beside the project's; they are
reasoned over with the rest (``inference=false`` on the endpoint leaves all inferences out).

``parse_turtle`` and ``source_graphs`` give rdflib graphs for plan validation (pyshacl), which
works on the small source files only.
"""

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from hsvo_graph.config import Settings
from hsvo_graph.graph.bounds import TooLarge, check_depth, check_entities
from hsvo_graph.graph.inference import infer_into
from hsvo_graph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, data_graph_iri
from hsvo_graph.store import GraphStore

if TYPE_CHECKING:
    from rdflib import Graph

# Extra files (``hsvo load FILE…``): pyoxigraph formats by file extension.
RDF_EXTENSIONS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD,
    ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
}
_LINE = re.compile(r"at line (\d+)")
_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class LoadError(ValueError):
    """A source file cannot be loaded; the message names the file and line."""


@dataclass(frozen=True)
class LoadReport:
    """What ``load`` put in the store: triples per named graph and the time it took."""

    graphs: dict[str, int]
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.graphs.values())


def check_nfc(where: str | Path, text: str) -> None:
    """Refuse text that is not Unicode NFC: decomposed å ä ö would never match user input."""
    if unicodedata.is_normalized("NFC", text):  # one C-speed pass for the usual case
        return
    for number, line in enumerate(text.splitlines(), 1):
        if unicodedata.normalize("NFC", line) != line:
            raise LoadError(
                f"{where}:{number}: text is not Unicode NFC (expected precomposed å ä ö); "
                "normalise the file to NFC"
            )


def read_text(path: Path) -> str:
    """A source file's text: UTF-8 and NFC, or a LoadError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise LoadError(f"{path}:{line}: not valid UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise LoadError(f"{path}: cannot be read: {exc.strerror}") from exc
    check_nfc(path, text)
    return text


def syntax_error(where: str | Path, fmt: ox.RdfFormat, exc: Exception) -> LoadError:
    """A parser's error as a LoadError at the file and line it names. pyoxigraph's
    MemoryError is no exhausted memory but its refusal of one term (a literal, an IRI)
    longer than its 16 MiB buffer: an error in the input too (it was a 500 and a traceback)."""
    line = getattr(exc, "lineno", None)
    if line is None and (match := _LINE.search(str(exc))):
        line = int(match.group(1))
    where = f"{where}:{line}" if line else str(where)
    message = " ".join(str(exc).split())
    if isinstance(exc, MemoryError):
        message = f"a term (a literal or an IRI) is longer than the parser takes: {message} bytes"
    return LoadError(f"{where}: invalid {fmt.name}: {message}")


def check_source(where: str | Path, text: str, fmt: ox.RdfFormat) -> None:
    """What is checked before pyoxigraph parses a document: NFC, and the bounds its parsers
    need (``hsvo_graph.graph.bounds``: RDF/XML entities, nesting depth)."""
    check_nfc(where, text)
    try:
        if fmt == ox.RdfFormat.RDF_XML:
            check_entities(text.encode())
        check_depth(text, fmt)
    except TooLarge as exc:
        raise LoadError(f"{where}: {exc}") from exc


def _read_source(path: Path, fmt: ox.RdfFormat) -> None:
    """A source file checked (UTF-8, then ``check_source``) before pyoxigraph reads it."""
    check_source(path, read_text(path), fmt)


def _bulk_load(target: ox.Store, path: Path, fmt: ox.RdfFormat, graph: str) -> None:
    """Check and bulk-load one triple file into ``graph`` of ``target``."""
    _read_source(path, fmt)
    try:
        target.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(),
                         to_graph=ox.NamedNode(graph))
    except (SyntaxError, MemoryError) as exc:
        raise syntax_error(path, fmt, exc) from exc


def file_graph_iri(path: Path) -> str:
    """The named graph for the triples of an extra file: graph:NAME from its file name
    (lower-case ASCII slug, å ä ö → a a o)."""
    ascii_name = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise LoadError(f"{path}: cannot derive a graph name from the file name")
    return data_graph_iri(slug)


class _Sources:
    """The graphs loaded so far and where each came from, so that a graph name is never
    used twice (an extra file whose graph is taken is an error, not a merge)."""

    def __init__(self, target: ox.Store) -> None:
        self.target = target
        self.origin: dict[str, Path | None] = {}

    def claim(self, graph: str, path: Path) -> None:
        if graph in self.origin:
            first = self.origin[graph]
            where = f"in {first}" if first is not None else "by ontology/ or data/"
            raise LoadError(f"{path}: graph <{graph}> is already used {where}; rename the file "
                            "or the graph")
        self.origin[graph] = path

    def project(self, ontology_dir: Path, data_dir: Path) -> None:
        """All ontology files into one graph, and one named graph per data file."""
        ontology = sorted(ontology_dir.glob("*.ttl"))
        if not ontology:
            raise LoadError(f"{ontology_dir}: no ontology found (expected *.ttl files)")
        for path in ontology:
            _bulk_load(self.target, path, ox.RdfFormat.TURTLE, str(ONTOLOGY_GRAPH))
        self.origin[str(ONTOLOGY_GRAPH)] = None
        for path in sorted(data_dir.glob("*.ttl")):
            _bulk_load(self.target, path, ox.RdfFormat.TURTLE, data_graph_iri(path.stem))
            self.origin[data_graph_iri(path.stem)] = None

    def extra(self, path: Path) -> None:
        """One extra file: TriG, N-Quads and JSON-LD keep their named graphs; triples outside
        a named graph (all of them, in a triple format) go into ``file_graph_iri(path)``."""
        fmt = RDF_EXTENSIONS.get(path.suffix.lower())
        if fmt is None:
            raise LoadError(f"{path}: unknown RDF file type {path.suffix!r}; expected one of "
                            f"{', '.join(sorted(RDF_EXTENSIONS))}")
        if not fmt.supports_datasets:
            self.claim(file_graph_iri(path), path)
            _bulk_load(self.target, path, fmt, file_graph_iri(path))
            return
        _read_source(path, fmt)
        own = ox.NamedNode(file_graph_iri(path))
        quads: list[ox.Quad] = []
        try:
            for quad in ox.parse(path=path, format=fmt, base_iri=path.resolve().as_uri()):
                graph = quad.graph_name
                if isinstance(graph, ox.BlankNode):
                    raise LoadError(f"{path}: a named graph must be named by an IRI, not {graph}")
                quads.append(quad if isinstance(graph, ox.NamedNode)
                             else ox.Quad(quad.subject, quad.predicate, quad.object, own))
        except (SyntaxError, MemoryError) as exc:
            raise syntax_error(path, fmt, exc) from exc
        for name in sorted({q.graph_name.value for q in quads}):  # type: ignore[union-attr]
            self.claim(name, path)
        self.target.extend(quads)


def load(store: GraphStore, settings: Settings, extra: Sequence[Path] = ()) -> LoadReport:
    """Replace the whole content of ``store`` with ontology/ + data/ (+ ``extra`` RDF files)
    + inferences.

    The dataset is built in a scratch in-memory store (reasoning reads it several times, and
    memory is several times faster to read than a fresh RocksDB), written to a temporary
    N-Quads file, freed, and handed to ``replace_graphs`` as a full load: the embedded store
    bulk-loads the file into a new generation."""
    started = time.perf_counter()
    with store.scratch() as scratch_dir:  # beside the store: a killed load's file is removed
        dataset = scratch_dir / "dataset.nq"
        counts = _build(settings, extra, dataset)
        store.replace_graphs(dataset, counts.keys(), drop_others=True)
    return LoadReport(dict(sorted(counts.items())), time.perf_counter() - started)


def _build(settings: Settings, extra: Sequence[Path], out: Path) -> dict[str, int]:
    """Check and parse every source, infer, write it all to ``out``; triples per graph. The
    scratch store is freed when this returns."""
    scratch = ox.Store()
    sources = _Sources(scratch)
    sources.project(settings.ontology_dir, settings.data_dir)
    for path in extra:
        sources.extra(path)
    infer_into(scratch, str(INFERRED_GRAPH))
    scratch.dump(str(out), format=ox.RdfFormat.N_QUADS)
    result = scratch.query(_COUNTS)
    assert isinstance(result, ox.QuerySolutions)
    return {row["g"].value: int(row["n"].value) for row in result}


# -- rdflib graphs of the sources, for plan validation ---------------------------------


def parse_turtle(path: Path) -> "Graph":
    """One Turtle file as an rdflib Graph, or a LoadError that says where it went wrong."""
    from rdflib import Graph  # only validation needs rdflib; the loader does not

    text = read_text(path)
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        raise syntax_error(path, ox.RdfFormat.TURTLE, exc) from exc
    return graph


def turtle_directory(directory: Path) -> "Graph":
    """Every Turtle file of a directory (the ontology, the shapes) as one rdflib graph."""
    from rdflib import Graph

    graph = Graph()
    for path in sorted(directory.glob("*.ttl")):
        graph += parse_turtle(path)
    return graph


def source_graphs(ontology_dir: Path, data_dir: Path) -> dict[str, "Graph"]:
    """All ontology files as one rdflib graph, and one named graph per data file."""
    ontology = turtle_directory(ontology_dir)
    if not len(ontology):
        raise LoadError(f"{ontology_dir}: no ontology found (expected *.ttl files)")
    graphs = {str(ONTOLOGY_GRAPH): ontology}
    for path in sorted(data_dir.glob("*.ttl")):
        graphs[data_graph_iri(path.stem)] = parse_turtle(path)
    return graphs

"""Read ontology/ and data/ (and any extra RDF files) into named graphs, add the inferred
graph, put it all in a store.

Every file is parsed and checked before the store is touched, and the store is replaced in
one update request, so a bad file never leaves a half-loaded store behind. Extra files let
researchers add their own data, or a standard test suite's, beside the project's; they are
reasoned over with the rest (``inference=false`` on the endpoint leaves all inferences out).
"""

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from hsvo_graph.config import Settings
from hsvo_graph.graph.inference import infer
from hsvo_graph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, data_graph_iri
from hsvo_graph.store import GraphStore
from hsvo_graph.store.base import nquads_of

_LINE = re.compile(r"at line (\d+)")

# Extra files (``hsvo load FILE…``): rdflib parser names by file extension.
RDF_EXTENSIONS = {
    ".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".owl": "xml", ".xml": "xml",
    ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads",
}
_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML,
    "json-ld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
}
_FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "xml": "RDF/XML", "json-ld": "JSON-LD",
                 "trig": "TriG", "nquads": "N-Quads"}


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


def _error_line(text: str, fmt: str) -> int | None:
    """The line of the first syntax error as pyoxigraph finds it (rdflib's N-Triples, N-Quads
    and JSON-LD parsers do not say)."""
    try:
        for _ in ox.parse(text.encode("utf-8"), format=_OX_FORMATS[fmt]):
            pass
    except SyntaxError as exc:
        return exc.lineno
    return None


def _parse(path: Path, target: Graph, fmt: str) -> None:
    """Parse a file into ``target``; a syntax error becomes a LoadError at its line."""
    text = read_text(path)
    try:
        target.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        match = _LINE.search(str(exc))
        line = int(match.group(1)) if match else _error_line(text, fmt)
        where = f"{path}:{line}" if line else str(path)
        message = " ".join(str(exc).split())
        raise LoadError(f"{where}: invalid {_FORMAT_NAMES[fmt]}: {message}") from exc


def parse_turtle(path: Path) -> Graph:
    """One Turtle file as a Graph, or a LoadError that says where it went wrong."""
    graph = Graph()
    _parse(path, graph, "turtle")
    return graph


def source_graphs(ontology_dir: Path, data_dir: Path) -> dict[str, Graph]:
    """All ontology files as one graph, and one named graph per data file."""
    graphs: dict[str, Graph] = {}
    ontology = Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        ontology += parse_turtle(path)
    if not len(ontology):
        raise LoadError(f"{ontology_dir}: no ontology found (expected *.ttl files)")
    graphs[str(ONTOLOGY_GRAPH)] = ontology
    for path in sorted(data_dir.glob("*.ttl")):
        graphs[data_graph_iri(path.stem)] = parse_turtle(path)
    return graphs


def file_graph_iri(path: Path) -> str:
    """The named graph for the triples of an extra file: graph:NAME from its file name
    (lower-case ASCII slug, å ä ö → a a o)."""
    ascii_name = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise LoadError(f"{path}: cannot derive a graph name from the file name")
    return data_graph_iri(slug)


def extra_graphs(path: Path) -> dict[str, Graph]:
    """The named graphs of one extra RDF file (any format in RDF_EXTENSIONS).

    TriG, N-Quads and JSON-LD keep their named graphs; triples outside a named graph (all
    of them, in a triple format) go into ``file_graph_iri(path)``.
    """
    fmt = RDF_EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(f"{path}: unknown RDF file type {path.suffix!r}; expected one of "
                        f"{', '.join(sorted(RDF_EXTENSIONS))}")
    dataset = Dataset()
    _parse(path, dataset, fmt)
    graphs: dict[str, Graph] = {}
    for graph in dataset.graphs():
        if not len(graph):
            continue
        if graph.identifier == DATASET_DEFAULT_GRAPH_ID:
            iri = file_graph_iri(path)
        elif isinstance(graph.identifier, URIRef):
            iri = str(graph.identifier)
        else:
            raise LoadError(f"{path}: a named graph must be named by an IRI, not {graph.identifier!r}")
        target = graphs.setdefault(iri, Graph())
        target += graph
    return graphs


def add_extra_graphs(graphs: dict[str, Graph], paths: Sequence[Path]) -> None:
    """Add the graphs of extra files; a graph name already taken is an error, not a merge."""
    origin: dict[str, Path] = {}
    for path in paths:
        for iri, graph in extra_graphs(path).items():
            if iri in graphs:
                first = f"in {origin[iri]}" if iri in origin else "by ontology/ or data/"
                raise LoadError(f"{path}: graph <{iri}> is already used {first}; rename the file "
                                "or the graph")
            graphs[iri], origin[iri] = graph, path


def build_graphs(settings: Settings, extra: Sequence[Path] = ()) -> dict[str, Graph]:
    """Source graphs, any extra files' graphs, and the graph inferred from all of them."""
    graphs = source_graphs(settings.ontology_dir, settings.data_dir)
    add_extra_graphs(graphs, extra)
    graphs[str(INFERRED_GRAPH)] = infer(graphs.values())
    return graphs


def load(store: GraphStore, settings: Settings, extra: Sequence[Path] = ()) -> LoadReport:
    """Replace the whole content of ``store`` with ontology/ + data/ (+ ``extra`` RDF files)
    + inferences."""
    started = time.perf_counter()
    built = build_graphs(settings, extra)
    store.replace_graphs(nquads_of(built), built.keys(), drop_others=True)
    return LoadReport({iri: len(g) for iri, g in built.items()}, time.perf_counter() - started)

"""Read ontology/ and data/ into named graphs, add the inferred graph, put it all in a store.

Every file is parsed and checked before the store is touched, and the store is replaced in
one update request, so a bad file never leaves a half-loaded store behind.
"""

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .config import Settings
from .inference import infer
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, data_graph_iri
from .store import GraphStore

_LINE = re.compile(r"at line (\d+)")


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


def check_nfc(path: Path, text: str) -> None:
    """Refuse text that is not Unicode NFC: decomposed å ä ö would never match user input."""
    for number, line in enumerate(text.splitlines(), 1):
        if unicodedata.normalize("NFC", line) != line:
            raise LoadError(
                f"{path}:{number}: text is not Unicode NFC (expected precomposed å ä ö); "
                "normalise the file to NFC"
            )


def parse_turtle(path: Path) -> Graph:
    """One Turtle file as a Graph, or a LoadError that says where it went wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise LoadError(f"{path}:{line}: not valid UTF-8 ({exc.reason})") from exc
    check_nfc(path, text)
    try:
        return Graph().parse(data=text, format="turtle", publicID=path.as_uri())
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        match = _LINE.search(str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        message = " ".join(str(exc).split())
        raise LoadError(f"{where}: invalid Turtle: {message}") from exc


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


def build_graphs(settings: Settings) -> dict[str, Graph]:
    """Source graphs plus the inferred graph, ready to store."""
    graphs = source_graphs(settings.ontology_dir, settings.data_dir)
    graphs[str(INFERRED_GRAPH)] = infer(graphs.values())
    return graphs


def load(store: GraphStore, settings: Settings, graphs: Sequence[str] | None = None) -> LoadReport:
    """Replace the whole content of ``store`` with ontology/ + data/ + inferences."""
    del graphs  # reserved for loading a subset; the whole dataset is rebuilt each time
    started = time.perf_counter()
    built = build_graphs(settings)
    store.replace_graphs(built, drop_others=True)
    return LoadReport({iri: len(g) for iri, g in built.items()}, time.perf_counter() - started)

"""Numbered data releases: the dumps of one state of the data, written once under
``releases/<version>/`` (``python -m hsvo_graph.publish.releases VERSION``) and kept, so
earlier versions stay downloadable at /dumps/releases/<version>/<file>. Each release's
N-Quads and TriG carry a metadata graph naming the version and the licence; the changes
between releases are told in docs/CHANGELOG-data.md.
"""

import argparse
import re
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from hsvo_graph.config import Settings
from hsvo_graph.graph.loading import load
from hsvo_graph.namespaces import BASE
from hsvo_graph.publish.catalog import DUMPS, LICENCE, LICENCE_URL
from hsvo_graph.sparql.describe import DATASET_IRI
from hsvo_graph.store.embedded import EmbeddedStore
from hsvo_graph.store.tracking import TrackedStore

#: The graph in each release file that says which release it is and under which licence.
METADATA_GRAPH = BASE + "graph/metadata"
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_DCT = "http://purl.org/dc/terms/"


def is_version(text: str) -> bool:
    """A release number: MAJOR.MINOR.PATCH."""
    return bool(_VERSION.match(text))


def releases(releases_dir: Path) -> list[str]:
    """The versions released so far, oldest first."""
    if not releases_dir.is_dir():
        return []
    found = [p.name for p in releases_dir.iterdir() if p.is_dir() and is_version(p.name)]
    return sorted(found, key=lambda v: tuple(int(n) for n in v.split(".")))


def metadata_quads(version: str, issued: datetime) -> list[ox.Quad]:
    """The metadata graph of a release: version, date, licence (CC BY 4.0)."""
    dataset, graph = ox.NamedNode(DATASET_IRI), ox.NamedNode(METADATA_GRAPH)
    return [
        ox.Quad(dataset, ox.NamedNode(_DCT + "license"), ox.NamedNode(str(LICENCE)), graph),
        ox.Quad(dataset, ox.NamedNode(_DCT + "rights"),
                ox.Literal(f"CC BY 4.0, {LICENCE_URL}"), graph),
        ox.Quad(dataset, ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo"),
                ox.Literal(version), graph),
        ox.Quad(dataset, ox.NamedNode(_DCT + "issued"),
                ox.Literal(issued.date().isoformat(),
                           datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")), graph),
    ]


def write_release(version: str, settings: Settings, releases_dir: Path) -> Path:
    """Build the graph from ontology/ + data/ and write its dataset dumps for ``version``."""
    if not is_version(version):
        raise ValueError(f"a release number is MAJOR.MINOR.PATCH, not {version!r}")
    target = releases_dir / version
    if target.exists():
        raise ValueError(f"release {version} exists already; releases are never rewritten")
    store = TrackedStore(EmbeddedStore(None))
    load(store, settings)
    quads = [*store.quads(), *metadata_quads(version, datetime.now(UTC))]
    target.mkdir(parents=True)
    for name, dump in DUMPS.items():
        if dump.part == "dataset":
            body = ox.serialize(quads, format=ox.RdfFormat.from_media_type(dump.format.media_type))
            assert body is not None
            (target / name).write_bytes(body)
    return target


def main() -> None:
    """``python -m hsvo_graph.publish.releases VERSION``: write a data release."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("version")
    arguments = parser.parse_args()
    settings = Settings()
    print(write_release(arguments.version, settings, settings.releases_dir))


if __name__ == "__main__":
    main()

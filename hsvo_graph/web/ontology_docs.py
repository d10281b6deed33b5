"""Human-readable ontology documentation, generated from ontology/*.ttl with pyLODE.

Generated once per process on first use (about two seconds) and kept in memory, so the
page always matches the ontology the service loaded.
"""

import logging
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def ontology_html(ontology_dir: Path) -> str:
    """The pyLODE HTML page for the union of the ontology files in ``ontology_dir``."""
    from pylode import OntPub  # heavy import, only when the page is first asked for

    graph = Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    logging.getLogger("pylode").setLevel(logging.WARNING)
    return str(OntPub(ontology=graph).make_html())

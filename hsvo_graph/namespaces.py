"""The project's IRIs: one ontology namespace, one data namespace, and the named graphs.

Kept in one module so that loader, queries and HTTP layer cannot drift apart.
"""

import re
import unicodedata

from rdflib import Namespace

BASE = "https://w3id.org/hsvo-graph/"
HSVO = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
INFERRED_GRAPH = GRAPH["inferred"]

# Prefixes offered to every query (CLI, canned queries, editor) and used in docs.
PREFIXES: dict[str, str] = {
    "hsvo": str(HSVO),
    "bd": BASE + "id/body/",
    "doc": BASE + "id/document/",
    "goal": BASE + "id/goal/",
    "act": BASE + "id/activity/",
    "graph": str(GRAPH),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
}


# the last segment of an entity's IRI under id/: letters and digits of any script (an IRI may
# hold them: äldrenämnden), then . _ ~ -
_SLUG = re.compile(r"^[^\W_][\w.~-]*\Z")


def entity_slug(slug: str) -> str | None:
    """``slug`` (a URL's last segment) as an entity's IRI under id/ would hold it, in NFC (ä
    typed as a + U+0308 names the same entity), or None when no entity IRI can end so (a
    space, ``<``, a newline: the page's 404, never an IRI built from it)."""
    slug = unicodedata.normalize("NFC", slug)
    return slug if _SLUG.match(slug) else None


def data_graph_iri(stem: str) -> str:
    """Named graph that holds the facts of one file of data/ (named after the file)."""
    return str(GRAPH[stem])


def sparql_prologue() -> str:
    """``PREFIX`` lines for every project prefix, to put in front of a query."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())

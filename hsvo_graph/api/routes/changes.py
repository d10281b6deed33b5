"""The change feed: every load and import (which graphs changed, when, by which plan) as an
Atom feed at /changes.atom, newest first, for harvesters that follow the dataset."""

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Request, Response

from hsvo_graph.publish.catalog import LICENCE_URL
from hsvo_graph.sparql.describe import DATASET_IRI
from hsvo_graph.store.changes import Change
from hsvo_graph.api.deps import StoreDep
from hsvo_graph.api.transport import base_url

router = APIRouter(tags=["Catalogue"])

ATOM = "http://www.w3.org/2005/Atom"
#: The feed shows the latest entries; the log keeps all of them.
FEED_LENGTH = 500


def _entry(feed: ET.Element, change: Change, base: str) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{DATASET_IRI}/changes/{change.number}"
    what = {"load": "Load of the whole dataset", "import": "Import of a plan"}[change.action]
    plans = f": {', '.join(change.plans)}" if change.plans else ""
    ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{what}{plans}"
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = change.time.isoformat()
    ET.SubElement(entry, f"{{{ATOM}}}category", term=change.action)
    for graph in change.graphs:
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", type="application/n-triples",
                      href=f"{base}/store?graph={graph}", title=graph)
    ET.SubElement(entry, f"{{{ATOM}}}summary").text = "Graphs replaced: " + ", ".join(change.graphs)


@router.get("/changes.atom", summary="Change feed (Atom)")
def changes_feed(request: Request, store: StoreDep) -> Response:
    """Varje laddning och import som Atom-flöde. / Every load and import as an Atom feed."""
    base = base_url(request)
    changes = store.changes.entries() if store.changes is not None else []
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{DATASET_IRI}/changes"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "hsvo-graph: changes to the dataset"
    updated = changes[-1].time if changes else datetime.fromtimestamp(0, UTC)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "hsvo-graph"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base}/changes.atom")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="license", href=LICENCE_URL)
    ET.SubElement(feed, f"{{{ATOM}}}rights").text = f"Data: CC BY 4.0 ({LICENCE_URL})"
    for change in reversed(changes[-FEED_LENGTH:]):
        _entry(feed, change, base)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8")

"""The change feed: every load and import (which graphs changed, when, by which plan) as an
Atom feed at /changes.atom, newest first, for harvesters that follow the dataset."""

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hsvo_graph.publish.catalog import LICENCE_URL
from hsvo_graph.sparql.describe import DATASET_IRI
from hsvo_graph.store.changes import Change
from hsvo_graph.api.deps import StoreDep
from hsvo_graph.api.transport import base_url, conditional_response, plain_error

router = APIRouter(tags=["Catalogue"])

ATOM = "http://www.w3.org/2005/Atom"
HISTORY = "http://purl.org/syndication/history/1.0"  # RFC 5005
#: The feed shows this many of the newest entries; older ones are in archive pages of this
#: many, numbered from the oldest (page k: changes (k-1)*PAGE+1 … k*PAGE), which never
#: change once complete. The log keeps every entry.
PAGE = 50


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


def _link(feed: ET.Element, rel: str, href: str) -> None:
    ET.SubElement(feed, f"{{{ATOM}}}link", rel=rel, href=href, type="application/atom+xml")


@router.get("/changes.atom", summary="Change feed (Atom)")
def changes_feed(request: Request, store: StoreDep,
                 page: Annotated[str | None, Query(description=(
                     "An archive page (RFC 5005), 1 = the oldest changes; without it the "
                     "newest changes"))] = None) -> Response:
    """Varje laddning och import som Atom-flöde: de senaste, och äldre i arkivsidor. /
    Every load and import as an Atom feed: the newest, older ones in archive pages
    (RFC 5005: ``prev-archive``, ``next-archive``, ``current``)."""
    base = base_url(request)
    changes = store.changes.entries() if store.changes is not None else []
    complete = len(changes) // PAGE  # archive pages that are full, so never change
    number: int | None = None
    if page is not None:
        number = int(page) if page.isascii() and page.isdigit() else 0
        if not 1 <= number <= complete:
            return plain_error(404, f"no archive page {page!r} of the change feed: "
                                    f"1 to {complete} ({len(changes)} changes, {PAGE} a page)")
    ET.register_namespace("", ATOM)
    ET.register_namespace("fh", HISTORY)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{DATASET_IRI}/changes"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "hsvo-graph: changes to the dataset"
    if number is None:
        shown = changes[-PAGE:]
        older = len(changes) - len(shown)  # the newest change not shown is this one
        _link(feed, "self", f"{base}/changes.atom")
        if older:
            previous = -(-older // PAGE)  # the archive page that holds it
            _link(feed, "prev-archive", f"{base}/changes.atom?page={previous}")
            _link(feed, "next", f"{base}/changes.atom?page={previous}")
    else:
        shown = changes[(number - 1) * PAGE:number * PAGE]
        ET.SubElement(feed, f"{{{HISTORY}}}archive")
        _link(feed, "self", f"{base}/changes.atom?page={number}")
        _link(feed, "current", f"{base}/changes.atom")
        if number > 1:
            _link(feed, "prev-archive", f"{base}/changes.atom?page={number - 1}")
            _link(feed, "next", f"{base}/changes.atom?page={number - 1}")
        if number < complete:
            _link(feed, "next-archive", f"{base}/changes.atom?page={number + 1}")
    updated = shown[-1].time if shown else datetime.fromtimestamp(0, UTC)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "hsvo-graph"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="license", href=LICENCE_URL)
    ET.SubElement(feed, f"{{{ATOM}}}rights").text = f"Data: CC BY 4.0 ({LICENCE_URL})"
    for change in reversed(shown):
        _entry(feed, change, base)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    # ETag and Last-Modified (the newest change shown), so a harvester that polls gets 304
    return conditional_response(request, body, "application/atom+xml; charset=utf-8", updated)

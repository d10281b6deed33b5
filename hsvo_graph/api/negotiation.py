"""Content negotiation: ``?format=`` wins, else the Accept header (with q-values), else a
default — so browsers get HTML while scripts and curl get data without asking."""

import functools
import re
import unicodedata
from urllib.parse import quote

from fastapi import HTTPException

from hsvo_graph.sparql.accept import accept_ranges, range_quality

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html",
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
}


def negotiate(format_param: str | None, accept: str | None, offered: list[str], default: str) -> str:
    """The format name to answer with, from those ``offered`` (names of MEDIA_TYPES).

    Without an Accept header, or with ``*/*`` only, ``default`` is chosen; a ``format``
    outside ``offered`` is a 400, an Accept header that rules all of them out a 406.
    """
    if format_param:
        name = format_param.strip().lower()
        if name not in offered:
            raise HTTPException(400, f"format must be one of {', '.join(offered)}, not {format_param!r}")
        return name
    chosen = _best(accept or "*/*", tuple(offered), default)
    if chosen is None:
        raise HTTPException(406, f"can answer as {', '.join(MEDIA_TYPES[n] for n in offered)}")
    return chosen


# Clients send the same few Accept headers again and again, and parsing one costs more than
# the rest of a canned JSON answer's choices: the choice for the headers seen last is kept.
@functools.lru_cache(maxsize=256)
def _best(accept: str, offered: tuple[str, ...], default: str) -> str | None:
    """The best of ``offered`` for ``accept``, or None when it rules them all out."""
    ranges = accept_ranges(accept)
    scored = []
    for order, name in enumerate(offered):
        q, specificity = range_quality(MEDIA_TYPES[name], ranges)
        scored.append((q, specificity, name == default, -order, name))
    q, _, _, _, name = max(scored)
    return name if q > 0 else None


def attachment(name: str, disposition: str = "attachment") -> str:
    """A Content-Disposition header for a download called ``name`` (any Unicode): an ASCII
    fallback for old clients and ``filename*`` in UTF-8 (RFC 6266) for the rest;
    ``disposition`` "inline" for a file a browser may show itself (a picture)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("_") or "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"

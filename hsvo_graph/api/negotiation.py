"""Content negotiation: ``?format=`` wins, else the Accept header (with q-values), else a
default — so browsers get HTML while scripts and curl get data without asking."""

from fastapi import HTTPException

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html",
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
}


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (malformed q counts as 0)."""
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((pieces[0].lower(), q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """q of the most specific range matching ``media_type``, and how specific it was."""
    major = media_type.split("/")[0]
    best: tuple[int, float] | None = None
    for media_range, q in ranges:
        specificity = (
            2 if media_range == media_type else
            1 if media_range == f"{major}/*" else
            0 if media_range == "*/*" else -1
        )
        if specificity >= 0 and (best is None or specificity > best[0]):
            best = (specificity, q)
    return (0.0, -1) if best is None else (best[1], best[0])


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
    ranges = _ranges(accept or "*/*")
    scored = []
    for order, name in enumerate(offered):
        q, specificity = _quality(MEDIA_TYPES[name], ranges)
        scored.append((q, specificity, name == default, -order, name))
    q, _, _, _, name = max(scored)
    if q <= 0:
        raise HTTPException(406, f"can answer as {', '.join(MEDIA_TYPES[n] for n in offered)}")
    return name

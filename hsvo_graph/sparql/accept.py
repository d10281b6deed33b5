"""Accept-header parsing (RFC 9110 media ranges with q-values), shared by the SPARQL
protocol and the page negotiation so both rank media types the same way."""


_ANY = [("*/*", 1.0)]


def accept_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values. A malformed header (a
    range that is not ``type/subtype``, a q that is not a number from 0 to 1) is ignored,
    as RFC 9110 allows: it counts as ``*/*``, so the client gets the default format instead
    of a 406 it cannot make sense of."""
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        kind, slash, sub = pieces[0].partition("/")
        if not (kind and slash and sub) or any(c.isspace() for c in pieces[0]):
            return _ANY
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    return _ANY
                if not 0 <= q <= 1:
                    return _ANY
        ranges.append((pieces[0].lower(), q))
    return ranges


def range_quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
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

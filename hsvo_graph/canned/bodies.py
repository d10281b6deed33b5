"""Body parameters of canned questions: the names people type, resolved to bodies' IRIs.

A question about a body ("ÄLN", "äldrenämnden") used to find it by name inside its SPARQL:
every body's abbreviation and labels lower-cased and compared with the argument in a FILTER.
Oxigraph applies that filter after joining the rest of the pattern, so at 1 M triples it
walked every activity (``body_involvement_by_year``: 3.5 s in memory, 15–20 s on disk, a 503
at the 5 s time limit), where the same question with the body's node bound answers in
milliseconds. So every body's names are read once per version of the dataset (the memo
behind ``Reader.remembered``), normalised exactly as an argument is, and a body parameter is
bound to the IRIs of the bodies that bear the name it was given: all of them where several do
(two municipalities may each have an "Omsorgsnämnden"), and ``NO_BODY`` where no body does:
no rows, never all rows, and never an error.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rdflib import URIRef

from hsvo_graph.canned.folding import fold_text, normalise_text
from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq

_MEMO_KEY = ("body_names",)
# What a name no body bears is bound to: an IRI no dataset has a triple about, so the question
# has no rows, as fast as for a known body. Not an empty ``VALUES ?body { }``, valid SPARQL
# and fine on Oxigraph, because Virtuoso 7.2 refuses any query it plans as empty ("The
# estimated execution time 0 (sec) exceeds the limit of 400 (sec)", FILTER (false) alike).
NO_BODY = URIRef("urn:hsvo-graph:no-such-body")


@dataclass(frozen=True)
class BodyNames:
    """The bodies that bear each name, by the name as an argument is matched: ``normalised``
    (``normalise_text``) and ``folded`` (``fold_text``, for a parameter with ``fold: true``)."""

    normalised: Mapping[str, tuple[URIRef, ...]]
    folded: Mapping[str, tuple[URIRef, ...]]


def body_names(reader: Reader) -> BodyNames:
    """Every body's names (abbreviation, labels in every language), read once per version of
    the dataset: a body question answered on the event loop finds them kept."""
    return reader.remembered(_MEMO_KEY, _read_body_names)


def bodies_named(reader: Reader, names: Iterable[str], *, folded: bool = False) -> list[URIRef]:
    """The bodies that bear any of ``names`` (written as ``normalise_text`` writes them, or as
    ``fold_text`` does with ``folded``), each once, in the order named; empty if none does."""
    index = body_names(reader)
    by_name = index.folded if folded else index.normalised
    return list(dict.fromkeys(iri for name in names for iri in by_name.get(name, ())))


def _read_body_names(reader: Reader) -> BodyNames:
    """All (body, name) pairs; page after page when the reader's row cap cuts the answer (the
    service's readers stop at ``max_result_rows``, and a large graph has more names than that)."""
    query = load_rq("hsvo_graph.canned", "body_names")
    pairs: list[tuple[URIRef, str]] = []
    while True:
        table = reader.select(f"{query}OFFSET {len(pairs)}\n" if pairs else query)
        pairs.extend((URIRef(str(row["body"])), str(row["name"])) for row in table.rows)
        if not table.truncated or not table.rows:
            break
    return BodyNames(_index(pairs, normalise_text), _index(pairs, fold_text))


def _index(pairs: Iterable[tuple[URIRef, str]], key: Callable[[str], str]) -> dict[str, tuple[URIRef, ...]]:
    bodies: dict[str, dict[URIRef, None]] = {}
    for iri, name in pairs:
        bodies.setdefault(key(name), {})[iri] = None
    return {name: tuple(found) for name, found in bodies.items()}

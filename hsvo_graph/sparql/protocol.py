"""Which representation a SPARQL client gets: the result formats of each kind of answer,
the choice among them (``format`` parameter, else the Accept header with q-values), and the
query form that decides the kind before the query runs (so a 406 costs no evaluation).

The Accept header is read by the same parser as the rest of the service
(``hsvo_graph.sparql.accept``); this module adds SPARQL's media types and their aliases.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hsvo_graph.formats import DATASET_FORMATS, RDF_FORMATS, RESULTS_FORMATS, Format
from hsvo_graph.sparql.accept import accept_ranges, range_quality
from hsvo_graph.sparql.analysis import Analysis, AnalysisError
from hsvo_graph.sparql.binding import BindingError, check_iri
from hsvo_graph.namespaces import INFERRED_GRAPH

Kind = Literal["solutions", "boolean", "graph", "dataset"]


class ProtocolError(ValueError):
    """A request the protocol answers with an HTTP error; ``status`` says which."""

    status = 400

    def __init__(
        self, message: str, status: int | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.headers = headers or {}


class NotAcceptable(ProtocolError):
    """None of the formats of this kind of answer is acceptable to the client."""

    status = 406


HTML = "text/html"

# In the server's order of preference: the first acceptable one wins a tie.
OFFERS: dict[Kind, tuple[Format, ...]] = {
    "solutions": RESULTS_FORMATS,
    "boolean": RESULTS_FORMATS,
    "graph": RDF_FORMATS,
    "dataset": DATASET_FORMATS,
}
FORMS: dict[str, Kind] = {
    "SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph",
}


def _score(fmt: Format, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """q and specificity of the best Accept range for ``fmt``; an alias counts only when it
    is named exactly (``text/*`` means CSV, not SPARQL XML by way of ``text/xml``)."""
    exact = [(q, 2) for media_range, q in ranges if media_range in fmt.aliases]
    return max([range_quality(fmt.media_type, ranges), *exact])


def _by_name(offers: Sequence[Format], name: str) -> Format:
    wanted = name.strip().lower()
    for fmt in offers:
        if wanted in fmt.names or wanted == fmt.media_type or wanted in fmt.aliases:
            return fmt
    known = {n for formats in OFFERS.values() for f in formats for n in (*f.names, f.media_type)}
    choices = ", ".join(f.names[0] for f in offers)
    if wanted in known:
        raise NotAcceptable(f"format {name!r} cannot express this kind of answer; use {choices}")
    raise ProtocolError(f"unknown format {name!r}; use one of {choices}")


def negotiate(offers: Sequence[Format], accept: str | None, format_names: Sequence[str] = ()) -> Format:
    """The format to answer with: the first of ``format_names`` (values of ``?format=``;
    clients such as SPARQLWrapper send several spellings) that names an offer, else the best
    Accept match.

    Ties go to the more specific range, then to the server's order; without an Accept
    header the first offer is chosen.
    """
    refusals: list[ProtocolError] = []
    for name in format_names:
        try:
            return _by_name(offers, name)
        except ProtocolError as exc:
            refusals.append(exc)
    if refusals:
        raise max(refusals, key=lambda exc: exc.status)  # 406 if any name was known
    ranges = accept_ranges(accept or "*/*")
    scored = [(*_score(fmt, ranges), -i, fmt) for i, fmt in enumerate(offers)]
    q, _, _, best = max(scored, key=lambda item: item[:3])
    if q <= 0:
        listed = ", ".join(f.media_type for f in offers)
        raise NotAcceptable(f"none of the formats of this answer is acceptable: {listed}")
    return best


def prefers_html(accept: str | None, offers: Sequence[Format]) -> bool:
    """True when the client (a browser) ranks ``text/html`` above every data format offered.

    Only an explicit ``text/html`` or ``text/*`` counts, so ``*/*`` (curl, libraries) and
    a tie with an explicitly named data format both get data.
    """
    ranges = accept_ranges(accept or "")
    html_q, html_specificity = range_quality(HTML, ranges)
    if html_q <= 0 or html_specificity < 1:
        return False
    return all((html_q, html_specificity) > _score(fmt, ranges) for fmt in offers)


def query_kind(analysis: Analysis) -> Kind:
    """The kind of answer a query gives, from its form (an update, refused before it runs,
    counts as solutions)."""
    return FORMS.get(analysis.form, "solutions")


def base_iri(endpoint: str) -> str:
    """``endpoint``, the public URL relative IRIs in a query resolve against (a BASE of the
    query's own, relative or not, refines it as the grammar says), checked as an IRIREF: it
    comes from the request's Host header. The embedded store takes it as pyoxigraph's
    ``base_iri``, so the engine's error positions are those of the text as sent."""
    try:
        check_iri(endpoint)
    except BindingError as exc:
        raise ProtocolError(f"this request's URL cannot be a base IRI: {exc}") from exc
    return endpoint


def with_base(query: str, endpoint: str) -> str:
    """``query`` with ``BASE <endpoint>`` in front, for a store that takes only standard
    SPARQL text (the remote store)."""
    return f"BASE <{base_iri(endpoint)}> {query}"


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a query runs on (see ``hsvo_graph.sparql.worker.QueryRequest``)."""

    union_default: bool
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


def query_dataset(
    analysis: Analysis,
    default_graph_uris: Sequence[str],
    named_graph_uris: Sequence[str],
    inference: bool,
    graphs: Sequence[str],
    endpoint: str,
) -> QueryDataset:
    """The dataset of a request, as the SPARQL 1.1 Protocol and the inference switch say.

    Graphs named in the request replace the query's FROM/FROM NAMED (only
    ``named-graph-uri`` given: the default graph is empty). Otherwise the query's own
    dataset clause, resolved here (prefixes, BASE, ``endpoint``) and handed to the store
    as graph lists, so that a store serving the union as its default graph
    (``oxigraph serve --union-default-graph``) honours it too; else the service's default:
    the union of all graphs. With ``inference=false`` graph:inferred is left out of
    whichever of these applies, except a FROM the query names itself.
    """
    for iri in (*default_graph_uris, *named_graph_uris):
        try:
            check_iri(iri)
        except BindingError as exc:
            raise ProtocolError(f"default-graph-uri/named-graph-uri: {exc}") from exc
    inferred = str(INFERRED_GRAPH)

    def kept(names: Sequence[str]) -> tuple[str, ...]:
        return tuple(n for n in names if inference or n != inferred)

    if default_graph_uris or named_graph_uris:
        return QueryDataset(False, kept(default_graph_uris), kept(named_graph_uris))
    if analysis.from_graphs or analysis.from_named:
        try:
            return QueryDataset(False, *(
                tuple(str(check_iri(analysis.resolve(term, endpoint))) for term in terms)
                for terms in (analysis.from_graphs, analysis.from_named)))
        except (AnalysisError, BindingError) as exc:
            raise ProtocolError(f"malformed query: FROM: {exc}") from exc
    if not inference:
        return QueryDataset(False, kept(graphs), kept(graphs))
    return QueryDataset(True)

"""The one registry of serialisation formats: what each is called, its media type, file
extension and W3C format IRI, and the pyoxigraph format object that reads and writes it.

Everything but the short names and the aliases comes from pyoxigraph's own ``RdfFormat`` and
``QueryResultsFormat`` (as Oxigraph's server does), so the media types the service offers,
the formats it writes and the ones its service description lists cannot disagree.
"""

from dataclasses import dataclass, field

import pyoxigraph as ox

# pyoxigraph gives JSON-LD a draft IRI; the W3C formats registry names it this way.
_W3C_JSON_LD = "http://www.w3.org/ns/formats/JSON-LD"


@dataclass(frozen=True)
class Format:
    """One serialisation: its media type, its short names for ``?format=``, other media
    types clients use for it (``application/json`` for SPARQL JSON results), and the
    pyoxigraph format that writes it (``rdf`` for graphs and datasets, ``results`` for
    query solutions and booleans)."""

    media_type: str
    names: tuple[str, ...]
    label: str
    extension: str
    iri: str
    aliases: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = field(default=None, compare=False)
    results: ox.QueryResultsFormat | None = field(default=None, compare=False)

    @property
    def content_type(self) -> str:
        """The Content-Type header value: every format here is UTF-8 text."""
        return f"{self.media_type}; charset=utf-8"


def _results(fmt: ox.QueryResultsFormat, names: tuple[str, ...], label: str,
             aliases: tuple[str, ...] = ()) -> Format:
    media_type = fmt.media_type.split(";")[0].strip()
    return Format(media_type, names, label, fmt.file_extension, fmt.iri, aliases, results=fmt)


def _rdf(fmt: ox.RdfFormat, names: tuple[str, ...], aliases: tuple[str, ...] = ()) -> Format:
    iri = _W3C_JSON_LD if fmt == ox.RdfFormat.JSON_LD else fmt.iri
    return Format(fmt.media_type, names, fmt.name, fmt.file_extension, iri, aliases, rdf=fmt)


SPARQL_JSON = _results(ox.QueryResultsFormat.JSON, ("json", "srj"), "SPARQL JSON",
                       ("application/json",))
SPARQL_XML = _results(ox.QueryResultsFormat.XML, ("xml", "srx"), "SPARQL XML",
                      ("application/xml", "text/xml"))
CSV = _results(ox.QueryResultsFormat.CSV, ("csv",), "CSV")
TSV = _results(ox.QueryResultsFormat.TSV, ("tsv",), "TSV")
TURTLE = _rdf(ox.RdfFormat.TURTLE, ("turtle", "ttl"), ("application/x-turtle",))
N_TRIPLES = _rdf(ox.RdfFormat.N_TRIPLES, ("ntriples", "nt"), ("text/plain",))
RDF_XML = _rdf(ox.RdfFormat.RDF_XML, ("rdfxml", "rdf", "xml"), ("application/xml", "text/xml"))
JSON_LD = _rdf(ox.RdfFormat.JSON_LD, ("jsonld", "json"), ("application/json",))
TRIG = _rdf(ox.RdfFormat.TRIG, ("trig",))
N_QUADS = _rdf(ox.RdfFormat.N_QUADS, ("nquads", "nq"))

RESULTS_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
RDF_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, RDF_XML, JSON_LD, TRIG, N_QUADS)
DATASET_FORMATS: tuple[Format, ...] = (TRIG, N_QUADS, JSON_LD)

_BY_MEDIA_TYPE = {f.media_type: f for f in (*RESULTS_FORMATS, *RDF_FORMATS)}


def by_media_type(media_type: str) -> Format:
    """The format of a media type (parameters such as ``charset`` ignored); KeyError if the
    service does not write it."""
    return _BY_MEDIA_TYPE[media_type.split(";")[0].strip().lower()]


def rdf_format(media_type: str) -> ox.RdfFormat:
    """The pyoxigraph RDF format of a media type this service writes."""
    fmt = by_media_type(media_type).rdf
    if fmt is None:
        raise KeyError(f"{media_type} is not an RDF serialisation")
    return fmt


def results_format(media_type: str) -> ox.QueryResultsFormat:
    """The pyoxigraph query results format of a media type this service writes."""
    fmt = by_media_type(media_type).results
    if fmt is None:
        raise KeyError(f"{media_type} is not a query results format")
    return fmt

"""The dataset's catalogue record in DCAT-AP (3.0.1, which DCAT-AP-SE 3 profiles): one
catalogue, one dataset, one distribution per download, with publisher, licence, temporal
and spatial coverage and themes from the EU vocabularies, so that harvesters such as
dataportal.se can list it. The dumps are the distributions; ``DUMPS`` is their one list.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from rdflib import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef

from hsvo_graph.namespaces import BASE
from hsvo_graph.sparql.describe import DATASET_IRI
from hsvo_graph.formats import N_QUADS, TRIG, TURTLE, Format
from hsvo_graph.sparql.reader import Reader

#: The data's licence (CC BY 4.0, as Kolada uses), as the EU licence vocabulary names it
#: (DCAT-AP-SE asks for that IRI) and as Creative Commons does (for HTTP Link headers).
LICENCE = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CATALOG_IRI = URIRef(BASE + "catalog")
PUBLISHER_IRI = URIRef(BASE + "id/publisher")

_EU = "http://publications.europa.eu/resource/authority/"
_IANA = "https://www.iana.org/assignments/media-types/"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")

#: Data themes (EU data-theme vocabulary) with their labels there.
THEMES = {"HEAL": ("Hälsa", "Health"),
          "GOVE": ("Regeringen och den offentliga sektorn", "Government and public sector"),
          "SOCI": ("Befolkning och samhälle", "Population and society")}
#: Sweden (EU country vocabulary) and Uppsala county (GeoNames).
SPATIAL = (_EU + "country/SWE", "https://sws.geonames.org/2666218/")


@dataclass(frozen=True)
class Dump:
    """One downloadable file: what it holds, its format and its EU file-type code."""

    part: str
    format: Format
    file_type: str
    description: str  # "Swedish / English"

    def described(self, lang: str) -> str:
        """The description in one language, as a title: "Ontologin", "The ontology"."""
        sv, _, en = self.description.partition(" / ")
        text = sv if lang == "sv" else en
        return text[:1].upper() + text[1:]


DUMPS: Mapping[str, Dump] = {
    "hsvo-graph.trig": Dump("dataset", TRIG, "RDF_TRIG", "Alla namngivna grafer / all named graphs"),
    "hsvo-graph.nq": Dump("dataset", N_QUADS, "RDF_N_QUADS", "Alla namngivna grafer / all named graphs"),
    "hsvo-graph.ttl": Dump("union", TURTLE, "RDF_TURTLE", "Unionen av alla grafer / the union of all graphs"),
    "ontology.ttl": Dump("ontology", TURTLE, "RDF_TURTLE", "Ontologin / the ontology"),
    "shapes.ttl": Dump("shapes", TURTLE, "RDF_TURTLE", "SHACL-formerna / the SHACL shapes"),
}


# The years the data covers: activity years and the periods of plans and strategies.
_YEARS = ("PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#> SELECT (MIN(?y) AS ?first) "
          "(MAX(?y) AS ?last) WHERE { { ?x hsvo:year ?y } UNION { ?x hsvo:startYear ?y } "
          "UNION { ?x hsvo:endYear ?y } }")


def covered_years(reader: Reader) -> tuple[int | None, int | None]:
    """The first and last year the data speaks of (None, None for an empty dataset)."""
    rows = reader.select(_YEARS).rows
    first, last = (rows[0].get("first"), rows[0].get("last")) if rows else (None, None)
    return (int(first) if first is not None else None, int(last) if last is not None else None)


def _texts(graph: Graph, subject: URIRef | BNode, predicate: URIRef, sv: str, en: str) -> None:
    graph.add((subject, predicate, Literal(sv, lang="sv")))
    graph.add((subject, predicate, Literal(en, lang="en")))


def _typed(graph: Graph, node: URIRef, kind: URIRef) -> URIRef:
    """``node`` with its class stated: DCAT-AP checks the class of every value, and a
    harvester need not fetch the EU vocabularies to see it."""
    graph.add((node, RDF.type, kind))
    return node


def catalog_graph(base_url: str, version: str, modified: datetime,
                  first_year: int | None, last_year: int | None) -> Graph:
    """The catalogue record; download URLs under ``base_url`` (the service's own URL)."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD)):
        g.bind(prefix, ns)
    dataset = URIRef(DATASET_IRI)
    stamp = Literal(modified.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    licence = LICENCE
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))

    g.add((PUBLISHER_IRI, RDF.type, FOAF.Agent))
    g.add((PUBLISHER_IRI, FOAF.name, Literal("hsvo-graph")))

    g.add((CATALOG_IRI, RDF.type, DCAT.Catalog))
    _texts(g, CATALOG_IRI, DCTERMS.title, "Katalog över hsvo-graph", "The hsvo-graph catalogue")
    _texts(g, CATALOG_IRI, DCTERMS.description,
           "Datamängder som publiceras av hsvo-graph.", "Datasets published by hsvo-graph.")
    g.add((CATALOG_IRI, DCTERMS.publisher, PUBLISHER_IRI))
    g.add((CATALOG_IRI, DCTERMS.license, licence))
    g.add((CATALOG_IRI, DCTERMS.modified, stamp))
    home = _typed(g, URIRef(f"{base_url}/"), FOAF.Document)
    g.add((CATALOG_IRI, FOAF.homepage, home))
    themes = _typed(g, URIRef(_EU + "data-theme"), SKOS.ConceptScheme)
    _texts(g, themes, DCTERMS.title, "Datatema", "Data theme")
    g.add((CATALOG_IRI, DCAT.themeTaxonomy, themes))
    for language in ("SWE", "ENG"):
        g.add((CATALOG_IRI, DCTERMS.language,
               _typed(g, URIRef(f"{_EU}language/{language}"), DCTERMS.LinguisticSystem)))
    g.add((CATALOG_IRI, DCAT.dataset, dataset))

    g.add((dataset, RDF.type, DCAT.Dataset))
    _texts(g, dataset, DCTERMS.title, "Styrningen av HSVO i Uppsala län",
           "Governance of HSVO in Uppsala county")
    _texts(g, dataset, DCTERMS.description,
           "Kunskapsgraf över styrningen av samverkan inom hälsa, stöd, vård och omsorg (HSVO) "
           "mellan Region Uppsala och länets kommuner: organ, mandat, dokument, beslut, mål och "
           "aktiviteter, med källor och förändring över tid.",
           "Knowledge graph of the governance of the HSVO (health, support, care and welfare) "
           "collaboration between Region Uppsala and the county's municipalities: bodies, "
           "mandates, documents, decisions, goals and activities, with sources and change over "
           "time.")
    g.add((dataset, DCTERMS.identifier, Literal(DATASET_IRI)))
    g.add((dataset, DCTERMS.publisher, PUBLISHER_IRI))
    g.add((dataset, DCTERMS.modified, stamp))
    g.add((dataset, OWL.versionInfo, Literal(version)))
    g.add((dataset, DCTERMS.accessRights,
           _typed(g, URIRef(_EU + "access-right/PUBLIC"), DCTERMS.RightsStatement)))
    g.add((dataset, DCAT.landingPage, home))
    for code, (sv, en) in THEMES.items():
        theme = _typed(g, URIRef(f"{_EU}data-theme/{code}"), SKOS.Concept)
        _texts(g, theme, SKOS.prefLabel, sv, en)
        g.add((theme, SKOS.inScheme, themes))
        g.add((dataset, DCAT.theme, theme))
    for place in SPATIAL:
        g.add((URIRef(place), RDF.type, DCTERMS.Location))
        g.add((dataset, DCTERMS.spatial, URIRef(place)))
    for keyword in ("hälsa", "vård", "omsorg", "samverkan", "styrning", "Uppsala län"):
        g.add((dataset, DCAT.keyword, Literal(keyword, lang="sv")))
    if first_year is not None and last_year is not None:
        period = BNode()
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(f"{first_year}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{last_year}-12-31", datatype=XSD.date)))
        g.add((dataset, DCTERMS.temporal, period))
    contact = BNode()
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal("hsvo-graph")))
    g.add((contact, VCARD.hasURL, URIRef(f"{base_url}/")))
    g.add((dataset, DCAT.contactPoint, contact))

    for name, dump in DUMPS.items():
        distribution = URIRef(f"{DATASET_IRI}/distribution/{name}")
        url = URIRef(f"{base_url}/dumps/{name}")
        media_type = URIRef(_IANA + dump.format.media_type)
        file_type = URIRef(f"{_EU}file-type/{dump.file_type}")
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        _texts(g, distribution, DCTERMS.title, f"{dump.described('sv')} ({dump.format.label})",
               f"{dump.described('en')} ({dump.format.label})")
        g.add((distribution, DCAT.accessURL, url))
        g.add((distribution, DCAT.downloadURL, url))
        g.add((distribution, DCAT.mediaType, media_type))
        g.add((media_type, RDF.type, DCTERMS.MediaType))
        g.add((distribution, DCTERMS.format, file_type))
        g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((distribution, DCTERMS.license, licence))
        g.add((distribution, DCTERMS.modified, stamp))
    return g

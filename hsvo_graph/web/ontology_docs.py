"""The ontology documented as one page, rendered by the site's own template from the
ontology graph (ontology/*.ttl), in one language at a time.

The project's own page rather than pyLODE: it takes the ontology's IRI, title and
description from the ``owl:Ontology`` resource itself, shows each term with one label in
the page's language (falling back to the other), and sits inside the site's navigation.
Built once per ontology directory and language, so the page always matches the ontology
the service loaded.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.term import Node

from hsvo_graph.web.collation import collation_key
from hsvo_graph.web.i18n import LANGUAGES, TERM_LABELS, localise

# Sections of the page: which rdf:type puts a term there, and its heading per language.
SECTIONS: tuple[tuple[URIRef, dict[str, str]], ...] = (
    (OWL.Class, {"sv": "Klasser", "en": "Classes"}),
    (OWL.ObjectProperty, {"sv": "Objektegenskaper", "en": "Object properties"}),
    (OWL.DatatypeProperty, {"sv": "Dataegenskaper", "en": "Datatype properties"}),
    (OWL.AnnotationProperty, {"sv": "Annoteringsegenskaper", "en": "Annotation properties"}),
    (SKOS.ConceptScheme, {"sv": "Begreppsscheman", "en": "Concept schemes"}),
    (SKOS.Concept, {"sv": "Begrepp", "en": "Concepts"}),
)


@dataclass(frozen=True)
class TermRef:
    """A link to a term: its label, and its anchor on this page (None: another vocabulary)."""

    iri: str
    label: str
    anchor: str | None


@dataclass(frozen=True)
class Term:
    """One documented term."""

    iri: str
    anchor: str
    label: str
    definition: str | None
    facts: list[tuple[str, list[TermRef]]] = field(default_factory=list)


@dataclass(frozen=True)
class OntologyDoc:
    """The page's content in one language."""

    iri: str
    title: str
    description: str | None
    version: str | None
    sections: list[tuple[str, list[Term]]]


_FACTS: tuple[tuple[URIRef, dict[str, str]], ...] = (
    (RDFS.subClassOf, {"sv": "Underklass till", "en": "Subclass of"}),
    (RDFS.subPropertyOf, {"sv": "Underegenskap till", "en": "Subproperty of"}),
    (RDFS.domain, {"sv": "Domän", "en": "Domain"}),
    (RDFS.range, {"sv": "Värdemängd", "en": "Range"}),
    (OWL.inverseOf, {"sv": "Omvänd till", "en": "Inverse of"}),
    (SKOS.inScheme, {"sv": "I schemat", "en": "In scheme"}),
    (SKOS.broader, {"sv": "Bredare", "en": "Broader"}),
)


def _text(graph: Graph, subject: Node, predicates: tuple[URIRef, ...], lang: str) -> str | None:
    """The first value of ``predicates`` in ``lang``, else in another language, else plain."""
    values = [o for p in predicates for o in graph.objects(subject, p)]
    for wanted in (lang, *[code for code in LANGUAGES if code != lang], None):
        for value in values:
            if getattr(value, "language", None) == wanted:
                return str(value)
    return str(values[0]) if values else None


def _anchor(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def build(graph: Graph, lang: str) -> OntologyDoc:
    """The documentation of the ontology in ``graph``, in ``lang``."""
    ontology = next(graph.subjects(RDF.type, OWL.Ontology), None)
    if ontology is None:
        raise ValueError("the ontology files declare no owl:Ontology")
    documented = {s for kind, _ in SECTIONS for s in graph.subjects(RDF.type, kind)
                  if isinstance(s, URIRef)}

    def label(node: Node) -> str:
        """The term's label in the graph; a reused vocabulary's term (org:Role), which has
        none there, by its name in TERM_LABELS; the local name only as a last resort."""
        iri = str(node)
        known = localise(TERM_LABELS[iri], lang) if iri in TERM_LABELS else None
        return _text(graph, node, (SKOS.prefLabel, RDFS.label), lang) or known or _anchor(iri)

    def ref(node: Node) -> TermRef | None:
        if not isinstance(node, URIRef):
            return None  # an anonymous class expression: not linked
        return TermRef(str(node), label(node), _anchor(str(node)) if node in documented else None)

    order = collation_key(lang)
    sections = []
    for kind, heading in SECTIONS:
        terms = []
        for subject in sorted(s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)):
            facts = []
            for predicate, name in _FACTS:
                refs = sorted((r for r in map(ref, graph.objects(subject, predicate)) if r),
                              key=lambda r: order(r.label))
                if refs:
                    facts.append((name[lang], refs))
            terms.append(Term(str(subject), _anchor(str(subject)), label(subject),
                              _text(graph, subject, (SKOS.definition, RDFS.comment), lang), facts))
        if terms:
            sections.append((heading[lang], sorted(terms, key=lambda t: order(t.label))))
    return OntologyDoc(
        iri=str(ontology),
        title=_text(graph, ontology, (DCTERMS.title, RDFS.label), lang) or str(ontology),
        description=_text(graph, ontology, (DCTERMS.description, RDFS.comment), lang),
        version=_text(graph, ontology, (OWL.versionInfo,), lang),
        sections=sections,
    )


@lru_cache(maxsize=8)
def ontology_doc(ontology_dir: Path, lang: str) -> OntologyDoc:
    """The documentation of the union of ``ontology_dir/*.ttl`` in ``lang`` (cached)."""
    graph = Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return build(graph, lang)

"""Worked examples for the endpoint documentation (/sparql/docs), run at request time so
the page always shows their real output (a test checks that each still answers)."""

from dataclasses import dataclass

_PREFIXES = {
    "hsvo": "https://w3id.org/hsvo-graph/ontology#",
    "bd": "https://w3id.org/hsvo-graph/id/body/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
}


def _prologue(*names: str) -> str:
    return "".join(f"PREFIX {n}: <{_PREFIXES[n]}>\n" for n in names)


@dataclass(frozen=True)
class Example:
    """One worked example: a question in both languages, its query, and how to ask it."""

    id: str
    title: dict[str, str]
    note: dict[str, str]
    query: str
    format: str = "csv"
    inference: bool = True


EXAMPLES: tuple[Example, ...] = (
    Example(
        "graphs",
        {"sv": "Vilka namngivna grafer finns, och hur stora är de?",
         "en": "Which named graphs are there, and how large are they?"},
        {"sv": "En graf per källdokument, plus ontologin och de härledda triplerna.",
         "en": "One graph per source document, plus the ontology and the inferred triples."},
        "SELECT ?graph (COUNT(*) AS ?triples)\nWHERE { GRAPH ?graph { ?s ?p ?o } }\n"
        "GROUP BY ?graph\nORDER BY ?graph\n",
    ),
    Example(
        "boards",
        {"sv": "Nämnderna, deras förkortningar och huvudmän",
         "en": "The boards, their abbreviations and principals"},
        {"sv": "Svenska etiketter; huvudmannen nås via hsvo:principal.",
         "en": "Swedish labels; the principal is reached through hsvo:principal."},
        _prologue("hsvo", "rdfs")
        + "SELECT ?abbreviation ?board ?principal WHERE {\n"
        "  ?b a hsvo:Board ;\n     hsvo:abbreviation ?abbreviation ;\n     rdfs:label ?board ;\n"
        "     hsvo:principal/rdfs:label ?principal .\n"
        '  FILTER (LANG(?board) = "sv" && LANG(?principal) = "sv")\n}\nORDER BY ?abbreviation\n',
    ),
    Example(
        "aln-areas",
        {"sv": "Äldrenämndens aktiviteter 2025 per lokalt fokusområde",
         "en": "Activities of the elderly care board (ÄLN) in 2025, by local focus area"},
        {"sv": "ÄLN som ansvarig (hsvo:responsibleBody), räknat per fokusområde.",
         "en": "ÄLN as the responsible body (hsvo:responsibleBody), counted per focus area."},
        _prologue("hsvo", "rdfs")
        + "SELECT ?focusArea (COUNT(?activity) AS ?activities) WHERE {\n"
        '  ?body hsvo:abbreviation "ÄLN" .\n'
        "  ?activity hsvo:responsibleBody ?body ;\n            hsvo:year 2025 ;\n"
        "            hsvo:localFocusArea/rdfs:label ?focusArea .\n"
        '  FILTER (LANG(?focusArea) = "sv")\n}\nGROUP BY ?focusArea\n'
        "ORDER BY DESC(?activities) ?focusArea\n",
    ),
    Example(
        "provenance",
        {"sv": "Var står det? Källa, avsnitt och sida för samrådet i Uppsala",
         "en": "Where does it say so? Source, section and page for the Uppsala council"},
        {"sv": "Varje uppgift bär sin källa med prov:qualifiedPrimarySource.",
         "en": "Every fact carries its source with prov:qualifiedPrimarySource."},
        _prologue("hsvo", "bd", "prov")
        + "SELECT ?document ?section ?page WHERE {\n"
        "  bd:samrad-hsvo-uppsala prov:qualifiedPrimarySource ?source .\n"
        "  ?source prov:entity ?document ;\n          hsvo:section ?section ;\n"
        "          hsvo:page ?page .\n}\nORDER BY ?document ?page\n",
    ),
    Example(
        "unassigned",
        {"sv": "Finns det någon aktivitet utan ansvarigt organ?",
         "en": "Is there an activity without a responsible body?"},
        {"sv": "En ASK-fråga svarar sant eller falskt (här i SPARQL JSON).",
         "en": "An ASK query answers true or false (here in SPARQL JSON)."},
        _prologue("hsvo")
        + "ASK {\n  ?activity a hsvo:Activity .\n"
        "  FILTER NOT EXISTS { ?activity hsvo:responsibleBody ?body }\n}\n",
        format="json",
    ),
    Example(
        "construct",
        {"sv": "En liten graf: nämnderna med namn och förkortning, som Turtle",
         "en": "A small graph: the boards with name and abbreviation, as Turtle"},
        {"sv": "CONSTRUCT svarar med RDF; prefixen kommer från tjänsten.",
         "en": "CONSTRUCT answers with RDF; the prefixes come from the service."},
        _prologue("hsvo", "rdfs", "skos")
        + "CONSTRUCT {\n  ?board skos:prefLabel ?name ;\n         skos:altLabel ?abbreviation .\n}"
        " WHERE {\n  ?board a hsvo:Board ;\n         hsvo:abbreviation ?abbreviation ;\n"
        '         rdfs:label ?name .\n  FILTER (LANG(?name) = "sv")\n}\n',
        format="turtle",
    ),
    Example(
        "involves-inferred",
        {"sv": "Härledning på: hur många kopplingar aktivitet–organ (hsvo:involves)?",
         "en": "Inference on: how many activity–body links (hsvo:involves)?"},
        {"sv": "hsvo:involves härleds ur ansvarig och delaktig; standard är inference=true.",
         "en": "hsvo:involves is inferred from responsible and participating; the default is "
               "inference=true."},
        _prologue("hsvo") + "SELECT (COUNT(*) AS ?links)\nWHERE { ?activity hsvo:involves ?body }\n",
    ),
    Example(
        "involves-asserted",
        {"sv": "Samma fråga med inference=false", "en": "The same query with inference=false"},
        {"sv": "Utan graph:inferred finns inga hsvo:involves-tripler: de står aldrig i källorna.",
         "en": "Without graph:inferred there are no hsvo:involves triples: the sources never "
               "state them."},
        _prologue("hsvo") + "SELECT (COUNT(*) AS ?links)\nWHERE { ?activity hsvo:involves ?body }\n",
        inference=False,
    ),
)

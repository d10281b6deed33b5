"""What a query form offers in its drop-downs, read from the graph for each parameter type.

A choice's value is exactly what the canned queries accept for that type (an abbreviation
or a name for a body, a label for an area, a year, a document's local name), so a value
picked from the list and one typed by hand go through the same normalisation and binding.
"""

from dataclasses import dataclass

from rdflib import Literal

from hsvo_graph.canned.catalog import normalise_text
from hsvo_graph.namespaces import ID, INFERRED_GRAPH
from hsvo_graph.sparql.reader import Reader

_PREFIXES = """PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
"""

# Each query yields ?value ?text ?group (?group may be unbound) in display order; ?lang
# is bound to the page language so group names and labels come in that language if they
# exist. Types are read from the data graphs, not graph:inferred, so each entity is
# grouped under the class its source gives it rather than every super-class.
_QUERIES = {
    "body": _PREFIXES + f"""
SELECT ?value ?text (SAMPLE(?typeName) AS ?group) WHERE {{
  ?body a hsvo:Body ; rdfs:label ?name .
  FILTER (LANG(?name) = "sv")
  OPTIONAL {{ ?body hsvo:abbreviation ?abbreviation }}
  OPTIONAL {{
    GRAPH ?g {{ ?body a ?type }} FILTER (?g != <{INFERRED_GRAPH}>)
    ?type rdfs:label ?typeName . FILTER (LANG(?typeName) = ?lang)
  }}
  BIND (COALESCE(?abbreviation, STR(?name)) AS ?value)
  BIND (IF(BOUND(?abbreviation), CONCAT(?abbreviation, " – ", STR(?name)), STR(?name)) AS ?text)
}}
GROUP BY ?value ?text
ORDER BY ?group LCASE(?text)""",
    "area": _PREFIXES + """
SELECT DISTINCT ?value ?text ?group WHERE {
  VALUES ?kind { hsvo:FocusArea hsvo:PriorityArea hsvo:LocalFocusArea }
  ?area a ?kind ; rdfs:label ?name ; skos:inScheme ?scheme .
  FILTER (LANG(?name) = "sv")
  OPTIONAL { ?scheme rdfs:label ?schemeLang FILTER (LANG(?schemeLang) = ?lang) }
  OPTIONAL { ?scheme rdfs:label ?schemeSv FILTER (LANG(?schemeSv) = "sv") }
  BIND (STR(?name) AS ?value)
  BIND (?value AS ?text)
  BIND (STR(COALESCE(?schemeLang, ?schemeSv, "")) AS ?group)
}
ORDER BY ?group LCASE(?text)""",
    "year": _PREFIXES + """
SELECT DISTINCT ?value ?text WHERE {
  { ?activity hsvo:year ?year } UNION { ?document hsvo:startYear ?year }
  UNION { ?document hsvo:endYear ?year }
  BIND (STR(?year) AS ?value)
  BIND (?value AS ?text)
}
ORDER BY DESC(?value)""",
    "document": _PREFIXES + f"""
SELECT ?value ?text (SAMPLE(?typeName) AS ?group) WHERE {{
  ?document a hsvo:Document .
  OPTIONAL {{ ?document rdfs:label ?label FILTER (LANG(?label) = "sv") }}
  OPTIONAL {{ ?document dct:title ?title }}
  OPTIONAL {{ ?document hsvo:startYear ?start }}
  OPTIONAL {{
    GRAPH ?g {{ ?document a ?type }} FILTER (?g != <{INFERRED_GRAPH}>)
    ?type rdfs:label ?typeName . FILTER (LANG(?typeName) = ?lang)
  }}
  FILTER (STRSTARTS(STR(?document), "{ID}document/"))
  BIND (STRAFTER(STR(?document), "{ID}document/") AS ?value)
  BIND (STR(COALESCE(?label, ?title, ?value)) AS ?text)
}}
GROUP BY ?value ?text
ORDER BY ?group ?text""",
}


@dataclass(frozen=True)
class Choice:
    """One option of a drop-down: the value sent, the text shown, the group it sits in."""

    value: str
    text: str
    group: str = ""


def choices(reader: Reader, parameter_type: str, lang: str) -> list[Choice]:
    """The options for a parameter type (empty for free text and IRIs: those are typed)."""
    query = _QUERIES.get(parameter_type)
    if query is None:
        return []
    table = reader.select(query, {"lang": [Literal(lang)]})
    seen: set[str] = set()
    options = []
    for row in table.rows:
        value = str(row["value"])
        if normalise_text(value) in seen:
            continue
        seen.add(normalise_text(value))
        options.append(Choice(value, str(row["text"]), str(row.get("group", "") or "")))
    return options


def selected(options: list[Choice], submitted: list[str]) -> tuple[list[Choice], set[str]]:
    """The options plus any submitted value that is not among them, and which values are
    selected — matched as the queries match them (case and spacing do not matter)."""
    wanted = {normalise_text(v) for v in submitted if v.strip()}
    known = {normalise_text(c.value) for c in options}
    extra = [Choice(v, v) for v in submitted if v.strip() and normalise_text(v) not in known]
    all_options = options + extra
    return all_options, {c.value for c in all_options if normalise_text(c.value) in wanted}

"""Interoperability: standard SPARQL clients query the running service over real HTTP, on
the embedded and on the remote store —
SPARQLWrapper (Python) in every method and format, and rasqal's ``roqet`` (C) when
installed (``scripts/install-system-deps.sh`` installs it; skipped with a reason if absent).
"""

import shutil
import subprocess
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from hsvo_graph.api.app import create_app

from .servers import serving

HSVO = "https://w3id.org/hsvo-graph/ontology#"
NAMES = f"""PREFIX hsvo: <{HSVO}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?abbreviation ?name WHERE {{
  ?b a hsvo:Board ; hsvo:abbreviation ?abbreviation ; rdfs:label ?name .
  FILTER (LANG(?name) = "sv")
}} ORDER BY ?abbreviation"""
CONSTRUCT = f"CONSTRUCT WHERE {{ ?b <{HSVO}abbreviation> ?a }}"


@pytest.fixture(scope="module", params=["embedded", "remote"])
def endpoint(request: pytest.FixtureRequest, settings, store) -> Iterator[str]:
    """The service over the seed graph (in each store), under uvicorn on a free 127.0.0.1 port."""
    if request.param == "embedded":
        app = create_app(settings, store)
    else:
        app = create_app(request.getfixturevalue("remote_settings"), request.getfixturevalue("remote_store"))
    with serving(app) as url:
        yield f"{url}/sparql"


def wrapper(endpoint: str, query: str, method: str, request_method: str = URLENCODED) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client


@pytest.mark.parametrize("method, request_method", [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_sparqlwrapper_select_json(endpoint, method, request_method):
    client = wrapper(endpoint, NAMES, method, request_method)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert {"abbreviation": "ÄLN", "name": "Äldrenämnden"} in [
        {k: v["value"] for k, v in row.items()} for row in rows
    ]


def test_sparqlwrapper_select_xml_and_csv(endpoint):
    client = wrapper(endpoint, NAMES, GET)
    client.setReturnFormat(XML)
    document = client.query().convert()
    literals = [n.firstChild.data for n in document.getElementsByTagName("literal")]
    assert "Äldrenämnden" in literals
    client.setReturnFormat(CSV)
    lines = client.query().convert().decode("utf-8").splitlines()
    assert lines[0] == "abbreviation,name" and "ÄLN,Äldrenämnden" in lines


def test_sparqlwrapper_ask(endpoint):
    client = wrapper(endpoint, f'ASK {{ ?b <{HSVO}abbreviation> "ÄLN" }}', POST)
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML])
def test_sparqlwrapper_construct(endpoint, fmt):
    client = wrapper(endpoint, CONSTRUCT, GET)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert (URIRef("https://w3id.org/hsvo-graph/id/body/uppsala-aln"), URIRef(HSVO + "abbreviation"),
            Literal("ÄLN")) in graph


def roqet() -> str:
    found = shutil.which("roqet")
    if found is None:
        pytest.skip("roqet (Debian package rasqal-utils) is not installed; "
                    "`make test` installs it via scripts/install-system-deps.sh")
    return found


def test_roqet_select_over_the_protocol(endpoint):
    result = subprocess.run(
        [roqet(), "-i", "sparql11-query", "-p", endpoint, "-e", NAMES, "-r", "csv"],
        capture_output=True, timeout=60, check=False,
    )
    output = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "Äldrenämnden" in output and "ÄLN" in output


def test_roqet_select_as_sparql_xml(endpoint):
    """roqet asks for SPARQL XML; its protocol client reads variable bindings only (rasqal
    0.9.33 reports ASK answers and CONSTRUCT graphs as empty, against any server)."""
    query = f'SELECT ?name WHERE {{ ?b <{HSVO}abbreviation> "ÄLN" ; <http://www.w3.org/2000/01/rdf-schema#label> ?name }}'
    result = subprocess.run(
        [roqet(), "-i", "sparql11-query", "-p", endpoint, "-e", query, "-r", "xml"],
        capture_output=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "<literal xml:lang=\"sv\">Äldrenämnden</literal>" in result.stdout.decode("utf-8")

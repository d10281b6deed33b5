"""A store behind SPARQL 1.1 Protocol endpoints (Oxigraph server, Fuseki, Virtuoso, …).

Queries and updates go through SPARQLWrapper; the Graph Store Protocol read of one graph
through httpx. The server must present the union of its named graphs as the default graph
(``oxigraph serve --union-default-graph``, Fuseki ``tdb2:unionDefaultGraph true``);
``check_union_default_graph`` says so clearly when it does not.
"""

from collections.abc import Sequence
from urllib.error import HTTPError, URLError

import httpx
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from hsvo_graph.store.base import GraphStore, QueryKind, QueryResponse, QuerySyntaxError, StoreError

_SOLUTION_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)


class RemoteStore(GraphStore):
    """SPARQL 1.1 Query, Update and Graph Store Protocol client for an external store."""

    def __init__(
        self, query_url: str, update_url: str, gsp_url: str, timeout_s: float = 30.0
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.timeout_s = timeout_s
        self.description = f"remote SPARQL store ({query_url})"

    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY)
        wrapper.setTimeout(int(self.timeout_s))
        wrapper.setOnlyConneg(True)
        return wrapper

    def query(
        self,
        sparql: str,
        *,
        solutions_format: str = "application/sparql-results+json",
        graph_format: str = "application/n-triples",
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResponse:
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(sparql)
        wrapper.addCustomHttpHeader("Accept", f"{solutions_format}, {graph_format};q=0.9")
        for graph in default_graphs or ():
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs or ():
            wrapper.addNamedGraph(graph)
        try:
            response = wrapper.query().response
            body = response.read()
        except QueryBadFormed as exc:
            raise QuerySyntaxError(_server_message(exc)) from exc
        except (SPARQLWrapperException, HTTPError, URLError, OSError) as exc:
            raise StoreError(f"remote query to {self.query_url} failed: {exc}") from exc
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if media_type in _SOLUTION_TYPES:
            is_boolean = b'"boolean"' in body[:200] or b"<boolean>" in body
            kind: QueryKind = "boolean" if is_boolean else "solutions"
            return QueryResponse(kind, media_type, body)
        return QueryResponse("graph", media_type, body)

    def update(self, sparql_update: str) -> None:
        wrapper = self._wrapper(self.update_url)
        wrapper.setQuery(sparql_update)
        try:
            wrapper.query().response.read()
        except QueryBadFormed as exc:
            raise QuerySyntaxError(_server_message(exc)) from exc
        except (SPARQLWrapperException, HTTPError, URLError, OSError) as exc:
            raise StoreError(f"remote update to {self.update_url} failed: {exc}") from exc

    def graph_names(self) -> list[str]:
        table = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(row["g"]) for row in table.rows)

    def read_graph(self, graph: str) -> bytes:
        try:
            response = httpx.get(
                self.gsp_url,
                params={"graph": graph},
                headers={"Accept": "application/n-triples"},
                timeout=self.timeout_s,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise StoreError(f"Graph Store Protocol GET of <{graph}> failed: {exc}") from exc
        return response.content

    def check_union_default_graph(self) -> None:
        """Fail clearly when the server's default graph is not the union of its graphs."""
        if self.ask("ASK { GRAPH ?g { ?s ?p ?o } }") and not self.ask("ASK { ?s ?p ?o }"):
            raise StoreError(
                f"{self.query_url} does not query the union of its named graphs by default; "
                "start it with `oxigraph serve --union-default-graph` (Fuseki: "
                "tdb2:unionDefaultGraph true)"
            )


def _server_message(exc: Exception) -> str:
    text = str(exc)
    marker = "Response:"
    return text.split(marker, 1)[1].strip() if marker in text else text

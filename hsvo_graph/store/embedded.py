"""The default store: pyoxigraph (Rust), on disk under a data directory or in memory."""

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from hsvo_graph.formats import rdf_format, results_format
from hsvo_graph.store.base import GraphStore, QueryKind, QueryResponse, QuerySyntaxError, StoreError


class EmbeddedStore(GraphStore):
    """A pyoxigraph ``Store``; queries see the union of all named graphs by default."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        try:
            if path is None:
                self._store = ox.Store()
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(
                f"cannot open the store at {path}: {exc}. Is another hsvo process "
                "(a running `hsvo serve`) using it? Stop it first."
            ) from exc
        self.description = f"embedded pyoxigraph store ({path or 'in memory'})"

    def query(
        self,
        sparql: str,
        *,
        solutions_format: str = "application/sparql-results+json",
        graph_format: str = "application/n-triples",
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResponse:
        options: dict[str, object] = {}
        if default_graphs is None:
            options["use_default_graph_as_union"] = True
        else:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self._store.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc
        # With no output file, pyoxigraph's serialize/dump return bytes; the stubs say bytes | None.
        if isinstance(result, ox.QueryTriples):
            return QueryResponse(
                "graph",
                graph_format,
                cast(bytes, result.serialize(format=rdf_format(graph_format))),
            )
        kind: QueryKind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        body = cast(bytes, result.serialize(format=results_format(solutions_format)))
        return QueryResponse(kind, solutions_format, body)

    def update(self, sparql_update: str) -> None:
        try:
            self._store.update(sparql_update)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def read_graph(self, graph: str) -> bytes:
        dumped = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        return cast(bytes, dumped)  # bytes when no output file is given; the stubs say bytes | None

    def close(self) -> None:
        if self.path is not None:
            self._store.flush()
        del self._store

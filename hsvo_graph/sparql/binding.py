"""Bind parameter values into a SPARQL query as RDF terms, safely, for any SPARQL 1.1 store.

User input never becomes query syntax: each value is turned into an RDF term
(rdflib escapes quotes, backslashes and line breaks when it writes the term) and the
terms are placed in a ``VALUES`` data block at the start of the query's top-level
``WHERE`` group. The same text then runs unchanged on the embedded store and on any
remote SPARQL 1.1 endpoint, which a store-specific binding API (pyoxigraph
``substitutions``, rdflib ``initBindings``) cannot offer.
"""

import functools
import re
from collections.abc import Mapping, Sequence

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from hsvo_graph.sparql.analysis import AnalysisError, tokenize

_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BindingError(ValueError):
    """A query or a value cannot be bound (no WHERE group, bad variable name, bad IRI)."""


@functools.lru_cache(maxsize=256)
def where_group_start(query: str) -> int:
    """Index of the ``{`` that opens the top-level WHERE group of ``query``.

    Remembered by text: the catalog's queries are bound on every request, and reading one
    of 1,400 characters costs about a millisecond.

    Read from the grammar's tokens (``hsvo_graph.sparql.analysis``), so braces or keywords
    inside strings, IRIs or comments never count. Without an explicit ``WHERE`` keyword
    (``SELECT * { … }``) the first top-level brace is the group.
    """
    depth, first_brace, seen_where = 0, -1, False
    try:
        for token in tokenize(query):
            if token.kind != "PUNCT" and token.kind != "WORD":
                continue
            if token.text == "{":
                if depth == 0:
                    if seen_where:
                        return token.start
                    if first_brace == -1:
                        first_brace = token.start
                depth += 1
            elif token.text == "}":
                depth -= 1
            elif depth == 0 and token.text.upper() == "WHERE":
                seen_where = True
    except AnalysisError as exc:
        raise BindingError(f"malformed query: {exc}") from exc
    if first_brace == -1:
        raise BindingError("query has no WHERE group to bind parameters into")
    return first_brace


@functools.lru_cache(maxsize=256)
def _is_absolute_iri(value: str) -> bool:
    """Remembered: every query checks the endpoint's own URL as a base IRI."""
    try:
        tokens = list(tokenize(f"<{value}>"))
    except AnalysisError:
        return False
    return len(tokens) == 1 and tokens[0].kind == "IRIREF" and "\\" not in value and ":" in value


def check_iri(value: str) -> URIRef:
    """An IRI term, refusing characters that are not allowed in a SPARQL IRIREF (and escapes:
    the value is meant literally)."""
    if not _is_absolute_iri(value):
        raise BindingError(f"not an absolute IRI: {value!r}")
    return URIRef(value)


_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")


def literal_text(term: Literal) -> str:
    """A literal as a one-line SPARQL ``STRING_LITERAL2`` with every special character escaped."""
    body = "".join(_ECHAR.get(ch, ch) for ch in str(term))
    if term.language:
        if not _LANG.match(term.language):
            raise BindingError(f"invalid language tag: {term.language!r}")
        return f'"{body}"@{term.language}'
    if term.datatype:
        return f'"{body}"^^<{check_iri(str(term.datatype))}>'
    return f'"{body}"'


def term_text(term: Identifier) -> str:
    """The SPARQL form of an RDF term; IRIs are checked, literals fully escaped."""
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        return literal_text(term)
    raise BindingError(f"only IRIs and literals can be bound, not {type(term).__name__}")


def values_block(bindings: Mapping[str, Sequence[Identifier]]) -> str:
    """One ``VALUES ?var { … }`` line per bound variable (several values = alternatives)."""
    lines = []
    for name, terms in bindings.items():
        if not _VARNAME.match(name):
            raise BindingError(f"invalid variable name: {name!r}")
        if not terms:
            raise BindingError(f"no value given for ?{name}")
        lines.append(f"VALUES ?{name} {{ {' '.join(term_text(t) for t in terms)} }}")
    return "\n  ".join(lines)


def bind_values(query: str, bindings: Mapping[str, Sequence[Identifier]]) -> str:
    """``query`` with ``bindings`` placed at the start of its top-level WHERE group."""
    if not bindings:
        return query
    at = where_group_start(query) + 1
    return f"{query[:at]}\n  {values_block(bindings)}\n{query[at:]}"

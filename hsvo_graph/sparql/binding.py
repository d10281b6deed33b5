"""Bind parameter values into a SPARQL query as RDF terms, safely, for any SPARQL 1.1 store.

User input never becomes query syntax: each value is turned into an RDF term
(rdflib escapes quotes, backslashes and line breaks when it writes the term) and the
terms are placed in a ``VALUES`` data block at the start of the query's top-level
``WHERE`` group. The same text then runs unchanged on the embedded store and on any
remote SPARQL 1.1 endpoint, which a store-specific binding API (pyoxigraph
``substitutions``, rdflib ``initBindings``) cannot offer.

A top-level group that holds nothing but one sub-select (``WHERE { { SELECT … } }``) only
reshapes that sub-select's answer (a canned query orders the names of its lists there), so
the block goes into the sub-select's own ``WHERE`` group, where the pattern it narrows is:
outside, it would be joined with the sub-select's whole answer afterwards.
"""

import functools
import re
from collections.abc import Mapping, Sequence

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from hsvo_graph.sparql.analysis import AnalysisError, Token, tokenize

_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BindingError(ValueError):
    """A query or a value cannot be bound (no WHERE group, bad variable name, bad IRI)."""


@functools.lru_cache(maxsize=256)
def where_group_start(query: str) -> int:
    """Index of the ``{`` that opens the group of ``query`` its values go into: the top-level
    WHERE group or, while that group holds nothing but one sub-select, the sub-select's.

    Remembered by text: the catalog's queries are bound on every request, and reading one
    of 1,400 characters costs about a millisecond.

    Read from the grammar's tokens (``hsvo_graph.sparql.analysis``), so braces or keywords
    inside strings, IRIs or comments never count. Without an explicit ``WHERE`` keyword
    (``SELECT * { … }``) the first top-level brace is the group.
    """
    try:
        tokens = tokenize(query)
    except AnalysisError as exc:
        raise BindingError(f"malformed query: {exc}") from exc
    at = _group_after(tokens, 0)
    if at is None:
        raise BindingError("query has no WHERE group to bind parameters into")
    while (inner := _only_sub_select(tokens, at)) is not None:
        at = inner
    return tokens[at].start


def _group_after(tokens: list[Token], first: int) -> int | None:
    """The index of the ``{`` that opens the WHERE group of the query (or sub-select) whose
    tokens start at ``first``: the first ``{`` at its own level after ``WHERE``, else the
    first ``{`` at that level."""
    depth, first_brace, seen_where = 0, None, False
    for index in range(first, len(tokens)):
        kind, text, _ = tokens[index]
        if kind != "PUNCT" and kind != "WORD":
            continue
        if text == "{":
            if depth == 0:
                if seen_where:
                    return index
                if first_brace is None:
                    first_brace = index
            depth += 1
        elif text == "}":
            depth -= 1
            if depth < 0:  # the end of the sub-select
                break
        elif depth == 0 and text.upper() == "WHERE":
            seen_where = True
    return first_brace


def _only_sub_select(tokens: list[Token], group: int) -> int | None:
    """If the group opened at ``group`` holds nothing but one sub-select, the index of the
    ``{`` that opens the sub-select's WHERE group; else None."""
    if not (group + 2 < len(tokens) and tokens[group + 1].text == "{"
            and tokens[group + 2].kind == "WORD" and tokens[group + 2].text.upper() == "SELECT"):
        return None
    depth = 0
    for index in range(group + 1, len(tokens)):
        kind, text, _ = tokens[index]
        if kind == "PUNCT" and text in "{}":
            depth += 1 if text == "{" else -1
            if depth == 0:  # the sub-select ends here: the group must end with it
                if index + 1 < len(tokens) and tokens[index + 1].text == "}":
                    return _group_after(tokens, group + 2)
                return None
    return None


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
    """``query`` with ``bindings`` placed at the start of its WHERE group (``where_group_start``)."""
    if not bindings:
        return query
    at = where_group_start(query) + 1
    return f"{query[:at]}\n  {values_block(bindings)}\n{query[at:]}"

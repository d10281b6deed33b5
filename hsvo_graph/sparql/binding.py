"""Bind parameter values into a SPARQL query as RDF terms, safely, for any SPARQL 1.1 store.

User input never becomes query syntax: each value is turned into an RDF term
(rdflib escapes quotes, backslashes and line breaks when it writes the term) and the
terms are placed in a ``VALUES`` data block at the start of the query's top-level
``WHERE`` group. The same text then runs unchanged on the embedded store and on any
remote SPARQL 1.1 endpoint, which a store-specific binding API (pyoxigraph
``substitutions``, rdflib ``initBindings``) cannot offer.
"""

import re
from collections.abc import Iterator, Mapping, Sequence

from rdflib import Literal, URIRef
from rdflib.term import Identifier

# An IRIREF as the SPARQL grammar defines it; anything else starting with '<' is an operator.
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BindingError(ValueError):
    """A query or a value cannot be bound (no WHERE group, bad variable name, bad IRI)."""


def _skip_string(query: str, i: int) -> int:
    """Index just past the string literal that starts at ``query[i]``."""
    quote = query[i]
    if query.startswith(quote * 3, i):
        end = query.find(quote * 3, i + 3)
        while end != -1 and _escaped(query, end):
            end = query.find(quote * 3, end + 1)
        if end == -1:
            raise BindingError("unterminated long string in query")
        return end + 3
    j = i + 1
    while j < len(query):
        if query[j] == "\\":
            j += 2
            continue
        if query[j] == quote:
            return j + 1
        if query[j] in "\r\n":
            break
        j += 1
    raise BindingError("unterminated string in query")


def _escaped(text: str, i: int) -> bool:
    backslashes = 0
    while i - 1 - backslashes >= 0 and text[i - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def scan(query: str) -> Iterator[tuple[int, str]]:
    """Positions and texts of the braces and bare words of ``query``.

    Comments, strings and IRIs are skipped, so braces or keywords inside them never count.
    Variables (``?where``) and prefixed names (``ex:where``) are not bare words.
    """
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            nl = query.find("\n", i)
            i = n if nl == -1 else nl + 1
        elif c in "'\"":
            i = _skip_string(query, i)
        elif c == "<":
            m = _IRIREF.match(query, i)
            i = m.end() if m else i + 1
        elif c in "{}":
            yield i, c
            i += 1
        elif c.isalpha() or c == "_":
            m = _WORD.match(query, i)
            assert m is not None
            prefixed = m.end() < n and query[m.end()] == ":"
            if not prefixed and (i == 0 or query[i - 1] not in "?$:"):
                yield i, m.group(0)
            i = m.end()
        else:
            i += 1


def keywords(query: str) -> set[str]:
    """The upper-cased bare words of a query (keywords and function names)."""
    return {text.upper() for _, text in scan(query) if text not in "{}"}


def where_group_start(query: str) -> int:
    """Index of the ``{`` that opens the top-level WHERE group of ``query``.

    Without an explicit ``WHERE`` keyword (``SELECT * { … }``) the first top-level brace
    is the group.
    """
    depth, first_brace, seen_where = 0, -1, False
    for i, text in scan(query):
        if text == "{":
            if depth == 0:
                if seen_where:
                    return i
                if first_brace == -1:
                    first_brace = i
            depth += 1
        elif text == "}":
            depth -= 1
        elif depth == 0 and text.upper() == "WHERE":
            seen_where = True
    if first_brace == -1:
        raise BindingError("query has no WHERE group to bind parameters into")
    return first_brace


def check_iri(value: str) -> URIRef:
    """An IRI term, refusing characters that are not allowed in a SPARQL IRIREF."""
    if not _IRIREF.fullmatch(f"<{value}>") or ":" not in value:
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

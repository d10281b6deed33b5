"""Cutting one write into updates without cutting a blank node in two.

A blank node's label is scoped to one SPARQL update request (SPARQL 1.1 Update, 3.1.1:
the blank nodes of an INSERT DATA are fresh in each request), so when a remote store is
loaded in several updates, the triples of one blank node must all go in the same update,
and so must the triples of every blank node linked to it (``_:a p _:b . _:b q _:c`` is one
structure). ``update_chunks`` finds those groups (union-find over the blank-node labels)
and packs them, whole, into chunks of at most ``size`` triples; triples without blank
nodes fill the chunks as they come.
"""

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, TypeVar

import pyoxigraph as ox


class _Statement(Protocol):
    """An ``ox.Triple`` or an ``ox.Quad`` (a quad's graph is never a blank node here)."""

    @property
    def subject(self) -> Any: ...

    @property
    def object(self) -> Any: ...


S = TypeVar("S", bound=_Statement)


def update_chunks(statements: Sequence[S], size: int) -> Iterator[list[S]]:
    """``statements`` (triples or quads) cut into chunks, each to be one update request,
    with every group of statements linked by shared blank nodes in a single chunk.

    Each statement is in exactly one chunk, and the chunks follow the input: one after the
    other they are the statements in their order, but for each group, which comes whole
    where its first statement is (in its own order). A chunk holds at most ``size``
    statements, but for a group larger than ``size``: it is a chunk of its own, of any
    length (a store that refuses such long updates must skolemise its blank nodes instead,
    ``Dialect.skolemise``). A group that does not fit in what is left of a chunk starts the
    next one, so a chunk may be shorter than ``size`` (by less than the group after it, or
    by any amount before a group larger than ``size``).

    Linear time (near enough: union-find with path compression); besides the chunks it
    keeps one label per statement and one entry per blank node.
    """
    if size < 1:
        raise ValueError("a chunk holds at least one statement")
    parent: dict[str, str] = {}

    def find(label: str) -> str:
        root = label
        while (up := parent[root]) != root:
            root = up
        while (up := parent[label]) != root:  # path compression
            parent[label] = root
            label = up
        return root

    def join(labels: list[str]) -> None:
        for label in labels:
            parent.setdefault(label, label)
        root = find(labels[0])
        for label in labels[1:]:
            other = find(label)
            if other != root:
                parent[other] = root

    # one pass: each statement's first blank node (None without any), the groups joined
    anchors: list[str | None] = []
    for statement in statements:
        subject, object_ = statement.subject, statement.object
        if type(subject) is _TRIPLE or type(object_) is _TRIPLE:  # RDF 1.2 triple terms
            labels = _labels(subject) + _labels(object_)
            if labels:
                join(labels)
            anchors.append(labels[0] if labels else None)
            continue
        first = subject.value if type(subject) is _BLANK else None
        second = object_.value if type(object_) is _BLANK else None
        if first is None:
            if second is None:
                anchors.append(None)
                continue
            first, second = second, None
        if first not in parent:
            parent[first] = first
        anchors.append(first)
        if second is not None and second != first:
            if second not in parent:
                parent[second] = first
            else:
                join([first, second])

    if not parent:  # no blank node at all: plain slices
        for start in range(0, len(statements), size):
            yield list(statements[start:start + size])
        return

    root_of = {label: find(label) for label in parent}
    parent.clear()
    groups: dict[str, list[S]] = {}
    for statement, anchor in zip(statements, anchors):
        if anchor is not None:
            groups.setdefault(root_of[anchor], []).append(statement)

    chunk: list[S] = []
    for statement, anchor in zip(statements, anchors):
        if anchor is None:
            chunk.append(statement)
            if len(chunk) == size:
                yield chunk
                chunk = []
            continue
        group = groups.pop(root_of[anchor], None)
        if group is None:  # a later statement of a group already placed
            continue
        if len(group) > size:
            if chunk:
                yield chunk
                chunk = []
            yield group
            continue
        if len(chunk) + len(group) > size:
            yield chunk
            chunk = group
        else:
            chunk += group
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_BLANK = ox.BlankNode
_TRIPLE = ox.Triple


def _labels(term: Any) -> list[str]:
    """The blank-node labels of a term: its own, or those in a triple term at any depth."""
    if type(term) is _BLANK:
        return [term.value]
    if type(term) is _TRIPLE:
        return _labels(term.subject) + _labels(term.object)
    return []

"""The SHACL engine the plans are checked with: the shapes in ``shapes/`` compiled once, then
run on a plan's focus nodes in a few milliseconds.

pySHACL took most of a second for the 2025 list (its Python per-node machinery and rdflib's
SPARQL engine), far too long for the upload page. This engine evaluates the same SHACL
subset the shapes use, with pySHACL's semantics (the reference: tests/test_validation_engine.py
compares both on every rule case and plan): targets (sh:targetClass with subclasses,
sh:targetSubjectsOf, sh:targetObjectsOf, sh:targetNode), property paths, sh:minCount,
sh:maxCount, sh:datatype, sh:class, sh:pattern, sh:or, sh:lessThanOrEquals and
SPARQL-based constraints (``sh:select`` with ``$this`` pre-bound, run by pyoxigraph).
A shape that uses anything else is refused with ``ShapesError`` instead of being skipped.

Core constraints read an rdflib graph (the same terms and comparisons pySHACL uses);
SPARQL constraints run on a pyoxigraph store holding the same triples.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal as Exactly
from typing import cast

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, MulPath, Path, SequencePath
from rdflib.term import _ORDERING as _RDFLIB_ORDER
from rdflib.term import Identifier, Node

from hsvo_graph.validation.terms import from_ox, to_ox


class ShapesError(RuntimeError):
    """The shapes themselves cannot be run (the message says which and why)."""


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL's sh:ValidationResult would state it."""

    shape: Node  # sh:sourceShape
    constraint: Node | None  # sh:sourceConstraint (the SPARQL constraint node)
    focus: Node
    value: Node | None
    path: Node | None  # sh:resultPath (the path node as written in the shapes)
    severity: Node
    # a SPARQL constraint's other variables, for its message ({?start}); not part of the
    # result's identity (pySHACL's results carry them only in the message it writes)
    bindings: tuple[tuple[str, Node], ...] = field(default=(), compare=False)


# Shape properties that are not constraints (or that a parent shape reads).
_NOT_CONSTRAINTS = frozenset(
    {
        RDF.type, RDFS.label, RDFS.comment, SH.path, SH.targetClass, SH.targetSubjectsOf,
        SH.targetObjectsOf, SH.targetNode, SH.property, SH.severity, SH.message,
        SH.description, SH.name, SH.deactivated, SH.order, SH.group, SH.flags,
    }
)
_CONSTRAINTS = frozenset(
    {
        SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.pattern, SH["or"],
        SH.lessThanOrEquals, SH.sparql,
    }
)
_PATH_KINDS: dict[URIRef, Exactly["*", "+", "?"]] = {
    SH.zeroOrMorePath: "*",
    SH.oneOrMorePath: "+",
    SH.zeroOrOnePath: "?",
}


def _one(graph: Graph, node: Node, prop: URIRef) -> Node | None:
    values = list(graph.objects(node, prop))
    if len(values) > 1:
        raise ShapesError(f"{node} has more than one {prop}")
    return values[0] if values else None


def _list(graph: Graph, node: Node) -> list[Node]:
    return list(RdfList(graph, cast(URIRef, node)))


def _path(graph: Graph, node: Node) -> URIRef | Path:
    """A SHACL property path as an rdflib path (evaluated the way pySHACL does)."""
    if isinstance(node, URIRef):
        return node
    if (node, RDF.first, None) in graph:
        return SequencePath(*(_path(graph, step) for step in _list(graph, node)))
    if (inverse := _one(graph, node, SH.inversePath)) is not None:
        return InvPath(_path(graph, inverse))
    if (alternatives := _one(graph, node, SH.alternativePath)) is not None:
        return AlternativePath(*(_path(graph, step) for step in _list(graph, alternatives)))
    for prop, modifier in _PATH_KINDS.items():
        if (inner := _one(graph, node, prop)) is not None:
            return MulPath(_path(graph, inner), modifier)
    raise ShapesError(f"unsupported property path {node}")


# Focus nodes pre-bound per query. pyoxigraph's planner estimates a VALUES block by its rows
# and a pattern with only its subject free at 1000 (``?x a C`` at 1001); it starts a join from
# the smallest. A block of more rows than that comes after, e.g., ``?value a hsvo:Body``: the
# plan then looks up each focus node for each body (Activity-responsibleMandate on 2000
# activities 0.38 s in one query, 0.09 s in four). Smaller blocks repeat the parts of a query
# that do not depend on $this (Activity-unique: 0.03 s in one query, 0.07 s in four, 0.25 s in
# twenty); all five SPARQL constraints on 2000 activities: 0.68 s in one query each, 0.24 s
# in blocks of 500, 0.45 s in blocks of 100.
BATCH = 500


@dataclass(frozen=True)
class _Sparql:
    """A SPARQL-based constraint: its node, its query with the prefixes declared, and the
    same query with ``$this`` projected, cut where its focus nodes go (a VALUES block
    first in the WHERE clause)."""

    node: Node
    query: str
    before: str
    after: str

    def batch(self, focus: list[URIRef]) -> str:
        """The query for many focus nodes at once: for the queries SHACL allows with
        pre-bound variables (no MINUS, SERVICE, VALUES or subquery; see ``_sparql``) a VALUES
        block first in the WHERE clause binds ``$this`` exactly as pre-binding does."""
        nodes = " ".join(f"<{node}>" for node in focus)
        return f"{self.before} VALUES $this {{ {nodes} }} {self.after}"


class Shape:
    """One node or property shape, compiled: its targets, path and constraints."""

    def __init__(self, shapes: Graph, node: Node, prefixes: dict[Node, str]) -> None:
        self.node = node
        unknown = {
            p for p in shapes.predicates(node, None)
            if p not in _NOT_CONSTRAINTS and p not in _CONSTRAINTS and str(p).startswith(str(SH))
        }
        if unknown:
            raise ShapesError(f"{node}: unsupported SHACL {', '.join(sorted(str(p) for p in unknown))}")
        path_node = _one(shapes, node, SH.path)
        self.path_node = path_node
        self.path = _path(shapes, path_node) if path_node is not None else None
        self.severity = _one(shapes, node, SH.severity) or SH.Violation
        self.deactivated = _one(shapes, node, SH.deactivated) == Literal(True)
        self.target_classes = list(shapes.objects(node, SH.targetClass))
        self.target_subjects_of = list(shapes.objects(node, SH.targetSubjectsOf))
        self.target_objects_of = list(shapes.objects(node, SH.targetObjectsOf))
        self.target_nodes = list(shapes.objects(node, SH.targetNode))
        self.properties = [Shape(shapes, p, prefixes) for p in shapes.objects(node, SH.property)]
        self.min_count = [int(cast(Literal, n)) for n in shapes.objects(node, SH.minCount)]
        self.max_count = [int(cast(Literal, n)) for n in shapes.objects(node, SH.maxCount)]
        self.datatypes = list(shapes.objects(node, SH.datatype))
        self.classes = list(shapes.objects(node, SH["class"]))
        flags = str(_one(shapes, node, SH.flags) or "")
        self.patterns = [
            re.compile(str(p), (re.IGNORECASE if "i" in flags else 0) | (re.MULTILINE if "m" in flags else 0)
                       | (re.DOTALL if "s" in flags else 0) | (re.VERBOSE if "x" in flags else 0))
            for p in shapes.objects(node, SH.pattern)
        ]
        self.alternatives = [
            [Shape(shapes, member, prefixes) for member in _list(shapes, members)]
            for members in shapes.objects(node, SH["or"])
        ]
        self.less_or_equal = list(shapes.objects(node, SH.lessThanOrEquals))
        self.sparql = [
            _sparql(shapes, c, prefixes) for c in shapes.objects(node, SH.sparql)
            if _one(shapes, c, SH.deactivated) != Literal(True)
        ]

    def targets(self, run: "_Run") -> set[Node]:
        """The focus nodes the shape's own targets select in the data (only among the
        requested focus nodes, if any: then only their own statements are read)."""
        if run.only is not None:
            return {node for node in run.only if self._targets(run, node)}
        data = run.data
        found: set[Node] = set(self.target_nodes)
        for cls in self.target_classes:
            for each in data.transitive_subjects(RDFS.subClassOf, cls):
                found.update(data.subjects(RDF.type, each))
        for prop in self.target_subjects_of:
            found.update(s for s, _ in data.subject_objects(prop))
        for prop in self.target_objects_of:
            found.update(o for _, o in data.subject_objects(prop))
        return found

    def _targets(self, run: "_Run", node: Node) -> bool:
        """Whether one node is among the shape's targets."""
        facts = run.facts(node)
        return (
            node in self.target_nodes
            or not facts.subject_of.isdisjoint(self.target_subjects_of)
            or not facts.object_of.isdisjoint(self.target_objects_of)
            or not facts.classes.isdisjoint(self.target_classes)
        )

    def validate(self, run: "_Run", focus: Iterable[Node]) -> Iterator[Result]:
        """Every result of this shape (and its property shapes) on the given focus nodes;
        as in pySHACL, only IRIs among the requested focus nodes are checked, if any were
        requested."""
        if self.deactivated:
            return
        nodes = [n for n in focus if run.only is None or (isinstance(n, URIRef) and n in run.only)]
        for node in nodes:
            values = {node} if self.path is None else run.values(node, self.path)
            yield from self._core(run, node, values)
            for prop in self.properties:
                yield from prop.validate(run, [node])
        for constraint in self.sparql:
            yield from self._sparql(run, constraint, nodes)

    def _conforms(self, run: "_Run", node: Node) -> bool:
        return next(iter(self.validate(run, [node])), None) is None

    def _result(self, focus: Node, value: Node | None, constraint: Node | None = None,
                path: Node | None = None,
                bindings: tuple[tuple[str, Node], ...] = ()) -> Result:
        return Result(self.node, constraint, focus, value,
                      path if path is not None else self.path_node, self.severity, bindings)

    def _core(self, run: "_Run", focus: Node, values: set[Node]) -> Iterator[Result]:
        """The core constraints, in pySHACL's terms (see its constraints/core/)."""
        for n in self.min_count:
            if len(values) < n:
                yield self._result(focus, None)
        for n in self.max_count:
            if len(values) > n:
                yield self._result(focus, None)
        for datatype in self.datatypes:
            yield from (self._result(focus, v) for v in values if not _has_datatype(v, datatype))
        for cls in self.classes:
            yield from (self._result(focus, v) for v in values if not _instance_of(run, v, cls))
        for pattern in self.patterns:
            yield from (self._result(focus, v) for v in values if not _matches(pattern, v))
        for members in self.alternatives:
            yield from (
                self._result(focus, v) for v in values
                if not any(member._conforms(run, v) for member in members)
            )
        for other in self.less_or_equal:
            compared = set(run.data.objects(cast(Identifier, focus), cast(URIRef, other)))
            yield from (
                self._result(focus, v) for v in values for c in compared if not _less_or_equal(v, c)
            )

    def _sparql(self, run: "_Run", constraint: _Sparql, focus: list[Node]) -> Iterator[Result]:
        """pySHACL's reading of a SELECT constraint: ``$this`` pre-bound to each focus node;
        each distinct row is one result with its ``?this`` (else the focus node), ``?path``
        and ``?value`` (else, for a node shape, the focus node). The IRIs are pre-bound
        ``BATCH`` at a time (one query instead of one per node; pyoxigraph then joins the
        constraint's OPTIONALs once per batch), blank nodes one at a time (a query cannot
        name them)."""
        iris = [node for node in focus if isinstance(node, URIRef)]
        answers = [
            store_rows(run.store, constraint.batch(iris[start:start + BATCH]))
            for start in range(0, len(iris), BATCH)
        ]
        answers += [
            store_rows(run.store, constraint.query, {ox.Variable("this"): to_ox(node)})
            for node in focus if not isinstance(node, URIRef)
        ]
        seen: set[tuple[tuple[str, Node], ...]] = set()
        for rows in answers:
            for bound in rows:
                if "failure" in bound:
                    raise ShapesError(f"{constraint.node} reported a failure for {bound['this']}")
                key = tuple(sorted(bound.items(), key=lambda item: item[0]))
                if key in seen:
                    continue
                seen.add(key)
                node = bound["this"]
                value = bound.get("value")
                if value is None and self.path is None:
                    value = node
                others = tuple(item for item in key if item[0] not in _RESULT_VARIABLES)
                yield self._result(node, value, constraint.node, bound.get("path"), others)


_RESULT_VARIABLES = frozenset({"this", "value", "path"})

Substitutions = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


def store_rows(store: ox.Store, query: str, substitutions: Substitutions | None = None) -> list[dict[str, Node]]:
    """The rows of a SELECT as rdflib terms by variable name (unbound ones left out)."""
    solutions = store.query(query, substitutions=substitutions)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ShapesError(f"not a SELECT query: {query}")
    variables = solutions.variables
    return [{v.value: from_ox(row[v]) for v in variables if row[v] is not None} for row in solutions]


@dataclass(frozen=True)
class _Facts:
    """What decides whether a node is a target: the properties it is the subject and the
    object of, and its classes with their superclasses."""

    subject_of: frozenset[Node]
    object_of: frozenset[Node]
    classes: frozenset[Node]


@dataclass(frozen=True)
class _Run:
    """One validation: the data (rdflib for core constraints, pyoxigraph for SPARQL), the
    requested focus nodes (None: every target), and what is looked up once per run: each
    class with its superclasses, and the target facts of each requested node."""

    data: Graph
    store: ox.Store
    only: frozenset[Node] | None
    _classes: dict[Node, frozenset[Node]] = field(default_factory=dict)
    _facts: dict[Node, _Facts] = field(default_factory=dict)
    _types: dict[Node, frozenset[Node]] = field(default_factory=dict)
    _values: dict[tuple[Node, URIRef | Path], set[Node]] = field(default_factory=dict)
    _outgoing: dict[Node, dict[Node, set[Node]]] = field(default_factory=dict)

    def classes(self, kind: Node) -> frozenset[Node]:
        """``kind`` and every class it is (transitively) a subclass of."""
        if kind not in self._classes:
            self._classes[kind] = frozenset(
                c for c in self.data.transitive_objects(cast(Identifier, kind), RDFS.subClassOf) if c is not None)
        return self._classes[kind]

    def types(self, node: Node) -> frozenset[Node]:
        """Every class ``node`` is an instance of, with their superclasses (the values of
        sh:class constraints repeat: each activity's list, areas and bodies)."""
        if node not in self._types:
            self._types[node] = frozenset().union(
                *(self.classes(kind) for kind in self.outgoing(node).get(RDF.type, ())))
        return self._types[node]

    def outgoing(self, node: Node) -> dict[Node, set[Node]]:
        """Every statement about ``node``, as objects by predicate: read in one lookup
        rather than one per shape and predicate (an activity has a dozen). Not to be changed."""
        if node not in self._outgoing:
            found: dict[Node, set[Node]] = {}
            for _, predicate, value in self.data.triples((cast(Identifier, node), None, None)):
                found.setdefault(predicate, set()).add(value)
            self._outgoing[node] = found
        return self._outgoing[node]

    def values(self, node: Node, path: URIRef | Path) -> set[Node]:
        """The values of ``path`` at ``node`` (several shapes read the same path of a node:
        an activity's title four times, its list, area and year twice). Not to be changed."""
        if isinstance(path, URIRef):
            return self.outgoing(node).get(path) or set()
        key = (node, path)
        if key not in self._values:
            self._values[key] = set(self.data.objects(cast(Identifier, node), path))
        return self._values[key]

    def facts(self, node: Node) -> _Facts:
        if node not in self._facts:
            subject = cast(Identifier, node)
            self._facts[node] = _Facts(
                frozenset(self.outgoing(node)),
                frozenset(self.data.predicates(None, subject)),
                self.types(node),
            )
        return self._facts[node]


class Shapes:
    """A shapes graph compiled once; ``validate`` runs it on data any number of times (it
    keeps no state between runs, so concurrent runs are safe)."""

    def __init__(self, graph: Graph) -> None:
        prefixes = _declared_prefixes(graph)
        self.shapes = [
            Shape(graph, node, prefixes)
            for node in sorted(cast(set[Identifier], _shape_nodes(graph)))
        ]

    def validate(self, data: Graph, store: ox.Store, focus: Collection[Node] | None = None) -> list[Result]:
        """Every result on ``data`` (``store`` holds the same triples, for the SPARQL
        constraints). With ``focus`` (non-empty), only those IRIs are checked, against the
        shapes that target them."""
        run = _Run(data, store, frozenset(focus) if focus else None)
        results: list[Result] = []
        for shape in self.shapes:
            targets = shape.targets(run)
            results += shape.validate(run, _sorted(targets))
        return results


def _sorted(nodes: set[Node]) -> list[Node]:
    """The nodes in rdflib's order (blank nodes, then IRIs, each by their text), by a key
    instead of rdflib's comparisons in Python (28 shapes x 2000 activities: 0.3 s); with a
    literal among them (its own comparisons), by rdflib's."""
    if any(isinstance(node, Literal) for node in nodes):
        return list[Node](sorted(cast(set[Identifier], nodes)))
    return sorted(nodes, key=lambda node: (_RDFLIB_ORDER[type(node)], str(node)))


_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


def _shape_nodes(graph: Graph) -> set[Node]:
    """The shapes with targets of their own (the others are reached through sh:property
    or sh:or). Implicit class targets (a shape that is also a class) are refused."""
    implicit = set(graph.subjects(RDF.type, RDFS.Class)) & (
        set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape)))
    if implicit:
        raise ShapesError(f"implicit class targets are not supported: {', '.join(sorted(map(str, implicit)))}")
    return {node for prop in _TARGETS for node in graph.subjects(prop, None)}


def _declared_prefixes(graph: Graph) -> dict[Node, str]:
    """``sh:declare`` of every node, as PREFIX lines, by the node that declares them."""
    declared: dict[Node, str] = {}
    for owner, declaration in graph.subject_objects(SH.declare):
        prefix, namespace = _one(graph, declaration, SH.prefix), _one(graph, declaration, SH.namespace)
        declared[owner] = declared.get(owner, "") + f"PREFIX {prefix}: <{namespace}>\n"
    return declared


_FORBIDDEN = re.compile(r"\b(MINUS|SERVICE|VALUES)\b|[?$](currentShape|shapesGraph)\b", re.IGNORECASE)
_SELECT = re.compile(r"\bSELECT\s+((?:DISTINCT|REDUCED)\s+)?", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\s*\{|\{", re.IGNORECASE)


def _sparql(graph: Graph, node: Node, prefixes: dict[Node, str]) -> _Sparql:
    """A SELECT constraint, refused when it uses what SHACL forbids with pre-bound
    variables (section 5.3.1: MINUS, SERVICE, VALUES, subqueries) or variables pre-bound by
    other engines that this one does not bind."""
    select = _one(graph, node, SH.select)
    if select is None:
        raise ShapesError(f"{node}: only sh:select SPARQL constraints are supported")
    text = str(select)
    if _FORBIDDEN.search(text) or len(_SELECT.findall(text)) != 1:
        raise ShapesError(f"{node}: a SPARQL constraint may not use MINUS, SERVICE, VALUES, "
                          "subqueries, $currentShape or $shapesGraph")
    declared = "".join(prefixes.get(owner, "") for owner in graph.objects(node, SH.prefixes))
    select_at = _SELECT.search(text)
    assert select_at is not None  # one SELECT, found above
    where_at = _WHERE.search(text, select_at.end())
    if where_at is None:
        raise ShapesError(f"{node}: a SELECT without a WHERE clause")
    projection = text[select_at.end():where_at.start()]
    projected = projection.strip().startswith("*") or re.search(r"[?$]this\b", projection)
    before = text[:select_at.end()] + ("" if projected else "$this ") + projection \
        + text[where_at.start():where_at.end()]
    return _Sparql(node, declared + text, declared + before, text[where_at.end():])


_PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _has_datatype(value: Node, datatype: Node) -> bool:
    """sh:datatype as pySHACL reads it: the datatype's IRI, and a well-formed lexical form
    (rdflib's parsed value of the expected Python type)."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
    elif datatype == RDFS.Literal or (datatype == RDFS.Datatype and value.datatype):
        return True
    elif not (
        (value.datatype is None and value.language is None and datatype == XSD.string)
        or (datatype == RDF.langString and value.language)
    ):
        return False
    expected = _PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(value.value, expected)


def _instance_of(run: _Run, value: Node, cls: Node) -> bool:
    """sh:class: a type of the value is ``cls`` or one of its subclasses."""
    if isinstance(value, Literal):
        return False
    return cls in run.types(value)


def _matches(pattern: re.Pattern[str], value: Node) -> bool:
    """sh:pattern: blank nodes never match; IRIs and literals by their text."""
    return not isinstance(value, BNode) and pattern.search(str(value)) is not None


def _comparable(term: Node) -> tuple[bool, object]:
    """A term as pySHACL compares it: IRIs and string literals as text, others as terms."""
    if isinstance(term, URIRef):
        return True, str(term)
    if isinstance(term, Literal) and isinstance(term.value, str):
        return True, term.value
    return False, term


def _less_or_equal(value: Node, other: Node) -> bool:
    """sh:lessThanOrEquals for one pair (text is never compared with a non-text)."""
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise ShapesError("sh:lessThanOrEquals cannot compare a blank node")
    value_text, left = _comparable(value)
    other_text, right = _comparable(other)
    return value_text == other_text and bool(left <= right)  # type: ignore[operator]

"""Check a plan (or the whole graph) against the SHACL shapes in ``shapes/``.

Costs are paid once: the shapes are parsed and compiled once per process (and kept parsed
between processes, see cache.py); a context's merged graph, superclass types and
pyoxigraph quads once per context (the service keeps it until the store changes). A plan is
validated in a layered view: its own graph over the context without what the context says
about the plan's nodes (nothing copied), and only the plan's own nodes are focus nodes, so
the rest of the graph is never re-checked (see ``benchmarks/validate_plan.py``). The SHACL
engine is shacl.py, with pySHACL's semantics (tests/test_validation_engine.py).

Messages are read from the shapes graph (through the result's source shape and source
constraint) and filled in here, in Swedish and English, with labels instead of IRIs and
with the cell text the user wrote.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.graph import _TriplePatternType, _TripleType
from rdflib.paths import Path as PropertyPath
from rdflib.namespace import SH
from rdflib.term import Node

from hsvo_graph.config import get_settings
from hsvo_graph.namespaces import HSVO, PREFIXES
from hsvo_graph.validation import names
from hsvo_graph.validation.cache import turtle_directory_cached
from hsvo_graph.validation.context import Context, superclass_types, superclasses
from hsvo_graph.validation.isolation import isolation_findings
from hsvo_graph.validation.model import SHAPES, Finding, Plan, Report, Severity, Text
from hsvo_graph.validation.readers import quiet_literals
from hsvo_graph.validation.shacl import Result, Shapes, ShapesError
from hsvo_graph.validation.terms import to_ox_quad

__all__ = ["ShapesError", "run_shapes", "shapes_graph", "validate_plan"]

_SEVERITY: dict[Node, Severity] = {
    SH.Violation: "violation",
    SH.Warning: "warning",
    SH.Info: "info",
}
_ORDER = {"violation": 0, "warning": 1, "info": 2}
_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def shapes_graph(shapes_dir: Path | None = None) -> Graph:
    """All shapes files (of ``shapes_dir``, by default the settings' ``shapes_dir``) as
    one graph, parsed once per directory."""
    return _shapes_graph(shapes_dir or get_settings().shapes_dir)


@lru_cache
def _shapes_graph(shapes_dir: Path) -> Graph:
    return turtle_directory_cached(shapes_dir)


@lru_cache(maxsize=8)
def _compiled(shapes: Graph) -> Shapes:
    """The shapes compiled once per shapes graph (the graphs of ``shapes_graph`` live as
    long as the process)."""
    return Shapes(shapes)


def validate_plan(plan: Plan, context: Context, shapes: Graph | None = None) -> Report:
    """Check the plan's own nodes against the shapes, in the context of the rest."""
    context = context.without(str(plan.info.graph))
    # The nodes the plan declares (types) are checked as the plan states them: a list that
    # restates one already in the graph (same IRIs) is not mixed with the older statements.
    # An existing activity that a follow-up only gives an outcome is checked through it.
    focus = set(plan.graph.subjects(RDF.type, None))
    data, store = _plan_data(plan.graph, focus, context)
    findings = [
        f
        for f in _check(data, store, focus, shapes, plan)
        if not (f.focus in plan.explained and f.rule == str(SHAPES["Activity-localFocusAreaKnown"]))
    ]
    findings += plan.findings + isolation_findings(plan, context)
    return Report(plan.info, sorted(findings, key=_source_order), context.description)


def run_shapes(
    data: Graph,
    focus: Iterable[Node] | None = None,
    shapes: Graph | None = None,
    plan: Plan | None = None,
) -> list[Finding]:
    """Validate ``data`` (only the ``focus`` nodes, if given) and explain each result.
    ``data`` gains the superclass types of its typed nodes."""
    return _check(data, _with_superclass_types(data), focus, shapes, plan)


def _with_superclass_types(data: Graph) -> ox.Store:
    """Add the superclass types to ``data``; a pyoxigraph store of the result."""
    data += superclass_types(data, superclasses(data))
    store = ox.Store()
    store.extend(to_ox_quad(s, p, o) for s, p, o in data)
    return store


def _plan_data(plan_graph: Graph, focus: set[Node], context: Context) -> tuple[Graph, ox.Store]:
    """The context without what it says about the plan's focus nodes, plus the plan, with
    superclass types: as a layered rdflib graph and a pyoxigraph store. Nothing of the
    context is copied into rdflib, and its pyoxigraph terms are made once per context."""
    data = _Layers([plan_graph], [context.graph, context.superclass_types], focus)
    changes_classes = next(plan_graph.triples((None, RDFS.subClassOf, None)), None) is not None \
        or any(c in focus for c in context.ancestors)
    if changes_classes:  # the plan's own class hierarchy: every node's types may change
        copy = Graph()
        copy += _Layers([plan_graph], [context.graph], focus)
        return copy, _with_superclass_types(copy)
    added = superclass_types(plan_graph, context.ancestors)
    data.tops.append(added)
    store = ox.Store()
    store.extend([quad for s, quad in context.ox_triples if s not in focus])
    store.extend(context.around(plan_graph, focus))
    store.extend([to_ox_quad(s, p, o) for top in data.tops for s, p, o in top])
    return data, store


class _Layers(Graph):
    """A read-only view: the ``tops`` graphs, over the ``below`` graphs without their
    statements about the ``hidden`` subjects (the plan over its context)."""

    def __init__(self, tops: list[Graph], below: list[Graph], hidden: set[Node]) -> None:
        super().__init__()
        self.tops, self.below, self.hidden = tops, below, hidden

    def triples(self, triple: _TriplePatternType) -> Iterator[_TripleType]:  # type: ignore[override]
        if isinstance(triple[1], PropertyPath):  # rdflib evaluates paths through triples() again
            yield from super().triples(triple)
            return
        for top in self.tops:
            yield from top.triples(triple)
        if triple[0] is not None and triple[0] in self.hidden:
            return
        for graph in self.below:
            for found in graph.triples(triple):
                if found[0] not in self.hidden and not any(found in top for top in self.tops):
                    yield found


def _check(data: Graph, store: ox.Store, focus: Iterable[Node] | None, shapes: Graph | None,
           plan: Plan | None) -> list[Finding]:
    """Run the shapes on ``data`` (``store`` holds the same triples) and explain each result."""
    shapes = shapes if shapes is not None else shapes_graph()
    with quiet_literals():
        results = _compiled(shapes).validate(data, store, set(focus) if focus is not None else None)
    explain = _Explainer(data, shapes, plan)
    return sorted((explain(result) for result in results), key=_source_order)


def _source_order(f: Finding) -> tuple[bool, int, str, int, str, str]:
    """Findings as the user reads the plan: by row, then node, then how bad."""
    return (f.row is None, f.row or 0, f.subject or f.focus, _ORDER[f.severity], f.rule, f.value or "")


class _Explainer:
    """Turns one validation result into a Finding: messages in both languages, labels for IRIs,
    the cell it came from, and the closest known names where a name did not resolve."""

    def __init__(self, data: Graph, shapes: Graph, plan: Plan | None) -> None:
        self.data, self.shapes, self.plan = data, shapes, plan
        self.suggesters: dict[URIRef, Callable[[Node], names.Names]] = {
            SHAPES["Activity-bodyKnown"]: self._bodies,
            SHAPES["Decision-decidedByKnown"]: self._bodies,
            SHAPES["Activity-listedInList"]: lambda _: names.documents(data, HSVO.ActivityList),
            SHAPES["Activity-localFocusAreaKnown"]: lambda _: names.local_focus_areas(data),
            SHAPES["Outcome-statusKnown"]: lambda _: names.statuses(data),
            SHAPES["Outcome-knownActivity"]: self._activities,
            SHAPES["FollowUpReport-followsUp"]: lambda _: names.documents(data, HSVO.ActivityList),
            SHAPES["ActivityList-partOf"]: lambda _: names.documents(data, HSVO.CollaborationPlan),
        }

    @cached_property
    def _body_names(self) -> names.Names:
        return names.bodies(self.data)

    def _bodies(self, _: Node) -> names.Names:
        return self._body_names

    def _activities(self, outcome: Node) -> names.Names:
        """The activities of the list that the outcome's report follows up."""
        lists = [
            activity_list
            for report in self.data.objects(outcome, HSVO.reportedIn)
            for activity_list in self.data.objects(report, HSVO.followsUp)
        ]
        return names.activities_of(self.data, *lists)

    def __call__(self, result: Result) -> Finding:
        shape, focus, value, path = result.shape, result.focus, result.value, result.path
        # A rule without a message of its own (shapes/ gives every rule one) is named.
        message = self._texts(SH.message, result.constraint, shape) or Text(
            f"Regeln {_short(shape)} är inte uppfylld.", f"The rule {_short(shape)} is not met."
        )
        location = self.plan.locations.get(focus) if self.plan else None
        columns = self.plan.columns if self.plan else {}
        suggester = self.suggesters.get(shape) if isinstance(shape, URIRef) else None
        return Finding(
            severity=_SEVERITY.get(result.severity, "violation"),
            rule=str(shape),
            message=Text(
                self._fill(message.sv, focus, value, result.bindings),
                self._fill(message.en, focus, value, result.bindings),
            ),
            expected=self._texts(SH.description, shape),
            focus=focus.n3() if isinstance(focus, BNode) else str(focus),
            row=location.row if location else None,
            subject=(location.title if location and location.title else None)
            or self.display(focus, quoted=False),
            column=(columns.get(path) if isinstance(path, URIRef) else None)
            or (columns.get(shape) if isinstance(shape, URIRef) else None),
            value=self.display(value, quoted=False) if value is not None else None,
            suggestions=suggester(focus).closest(self.display(value, quoted=False))
            if suggester and value is not None
            else (),
        )

    def _texts(self, prop: URIRef, *nodes: Node | None) -> Text | None:
        """The @sv and @en values of ``prop`` on the first node that has them."""
        for node in nodes:
            if node is None:
                continue
            found = {
                o.language: str(o) for o in self.shapes.objects(node, prop) if isinstance(o, Literal)
            }
            if found:
                fallback = next(iter(found.values()))
                return Text(found.get("sv", fallback), found.get("en", fallback))
        return None

    def _fill(self, template: str, focus: Node, value: Node | None,
              bindings: tuple[tuple[str, Node], ...] = ()) -> str:
        """The message with its ``{?value}``/``{$this}`` filled in, quoted (what the plan
        says), and a SPARQL constraint's other variables (``{?start}``: what the graph says)
        as they are; names stay Swedish in both languages, as they are written in the plan."""
        terms: dict[str, Node | None] = {**dict(bindings), "this": focus, "value": value}

        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            term = terms.get(name)
            if term is None:
                return m.group(0)
            return self.display(term, quoted=name in ("this", "value"))

        return _PLACEHOLDER.sub(fill, template)

    def display(self, node: Node, quoted: bool = True) -> str:
        """How a term reads in a report: the text the user wrote, a label, or a short IRI."""
        if self.plan and node in self.plan.written:
            text = self.plan.written[node]
        elif isinstance(node, Literal):
            text = str(node)
        else:
            text = names.label(self.data, node) or _short(node)
        return f'"{text}"' if quoted else text


def _short(node: Node) -> str:
    """``doc:x`` instead of the full IRI where a project prefix fits."""
    text = str(node)
    for prefix, iri in PREFIXES.items():
        if text.startswith(iri) and len(text) > len(iri):
            return f"{prefix}:{text[len(iri) :]}"
    return text

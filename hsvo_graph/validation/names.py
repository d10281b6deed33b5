"""Names people write for things in the graph (bodies, focus areas, statuses, activities),
and how the text of a cell is matched to them: case-, space- and Unicode-form-insensitively,
with the closest known names offered when nothing matches.
"""

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import DCTERMS, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from hsvo_graph.canned.folding import fold_text, normalise_text
from hsvo_graph.namespaces import HSVO

# "OSN, SCN, UBN och VS" – but not the "och" of "Hälso- och sjukvård".
_SEPARATOR = re.compile(r"(\s*[,;\n&+]\s*|(?<![-\s])\s+(?:och|samt|and)\s+)", re.IGNORECASE)


def slug(text: str) -> str:
    """A lower-case ASCII local name ("Älvkarleby" → "alvkarleby"), as in docs/modelling.md."""
    return re.sub(r"[^a-z0-9]+", "-", fold_text(text)).strip("-")


class Names:
    """Names of one kind of thing, each leading to one or more nodes."""

    def __init__(self) -> None:
        self._nodes: dict[str, set[URIRef]] = {}
        self._display: dict[URIRef, str] = {}

    def add(self, node: URIRef, name: str, display: str | None = None) -> None:
        key = normalise_text(name)
        if key:
            self._nodes.setdefault(key, set()).add(node)
            self._display.setdefault(node, display or name)

    def lookup(self, text: str) -> set[URIRef]:
        """The nodes that ``text`` names exactly (after normalisation)."""
        return set(self._nodes.get(normalise_text(text), ()))

    def nodes(self) -> list[URIRef]:
        return sorted(self._display)

    def display(self, node: URIRef) -> str:
        return self._display.get(node, str(node))

    def closest(self, text: str, n: int = 3) -> tuple[str, ...]:
        """The ``n`` known names most like ``text``, for "did you mean …"."""
        ranked = difflib.get_close_matches(normalise_text(text), list(self._nodes), n=50, cutoff=0)
        found: list[str] = []
        for key in ranked:
            for node in sorted(self._nodes[key]):
                shown = self._display[node]
                if shown not in found:
                    found.append(shown)
        return tuple(found[:n])


def split_names(text: str, known: Names) -> list[str]:
    """The names in a free-text cell such as "AMN, OSN, SCN, UBN, ÄLN, SHS och VS".

    Known names that contain a separator themselves ("Tjänsteledning för hälsa, stöd, vård
    och omsorg") are kept whole: the longest run of pieces that is a known name wins.
    """
    parts = _SEPARATOR.split(text)
    pieces, separators = parts[0::2], parts[1::2]
    names: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            joins = separators[i : j - 1] + [""]
            candidate = "".join(p + s for p, s in zip(pieces[i:j], joins, strict=True))
            candidate = candidate.strip().rstrip(".").strip()
            if j == i + 1 or known.lookup(candidate):
                if candidate:
                    names.append(candidate)
                i = j
                break
    return names


def instances(graph: Graph, cls: URIRef) -> Iterator[URIRef]:
    """IRIs typed with ``cls`` or one of its subclasses (as the graph's ontology says)."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    seen: set[URIRef] = set()
    for each in classes:
        for node in graph.subjects(RDF.type, each):
            if isinstance(node, URIRef) and node not in seen:
                seen.add(node)
                yield node


def label(graph: Graph, node: Node, lang: str = "sv") -> str | None:
    """The node's label in ``lang`` (else in any language): rdfs:label, skos:prefLabel, title."""
    candidates = [
        o
        for p in (RDFS.label, SKOS.prefLabel, DCTERMS.title)
        for o in graph.objects(node, p)
        if isinstance(o, Literal)
    ]
    for literal in candidates:
        if literal.language == lang:
            return str(literal)
    return str(candidates[0]) if candidates else None


def _texts(graph: Graph, node: URIRef, *properties: URIRef) -> Iterable[str]:
    for prop in properties:
        for value in graph.objects(node, prop):
            if isinstance(value, Literal):
                yield str(value)


def bodies(graph: Graph) -> Names:
    """Every body, by abbreviation, label, preferred and alternative label."""
    names = Names()
    for node in instances(graph, HSVO.Body):
        shown = label(graph, node) or str(node)
        abbreviations = list(_texts(graph, node, HSVO.abbreviation))
        display = f"{abbreviations[0]} ({shown})" if abbreviations else shown
        for text in _texts(
            graph, node, HSVO.abbreviation, RDFS.label, SKOS.prefLabel, SKOS.altLabel
        ):
            names.add(node, text, display)
    return names


def labelled(graph: Graph, *classes: URIRef, notation: bool = False) -> Names:
    """Instances of ``classes`` by their labels (and codes: "B", "A1", "pågår")."""
    names = Names()
    for cls in classes:
        for node in instances(graph, cls):
            shown = label(graph, node) or str(node)
            texts = list(_texts(graph, node, RDFS.label, SKOS.prefLabel))
            if notation:
                codes = list(_texts(graph, node, SKOS.notation))
                texts += codes
                if codes and cls != HSVO.Status:
                    shown = f"{codes[0]} {shown}"
            for text in texts:
                names.add(node, text, shown)
    return names


def local_focus_areas(graph: Graph) -> Names:
    return labelled(graph, HSVO.LocalFocusArea)


def priority_areas(graph: Graph) -> Names:
    """What the "Prioriterat område" column may name: a plan's prioritised area, or a county
    focus area or sub-goal by name or code."""
    return labelled(graph, HSVO.PriorityArea, HSVO.FocusArea, HSVO.SubGoal, notation=True)


def statuses(graph: Graph) -> Names:
    return labelled(graph, HSVO.Status, notation=True)


def activities_of(graph: Graph, *activity_lists: Node) -> Names:
    """The activities listed in the given activity lists, by title."""
    names = Names()
    for activity_list in activity_lists:
        for node in graph.subjects(HSVO.listedIn, activity_list):
            if isinstance(node, URIRef):
                for text in _texts(graph, node, RDFS.label):
                    names.add(node, text)
    return names


def municipalities(graph: Graph) -> Names:
    """Local principals by name, with and without "kommun" ("Uppsala", "Uppsala kommun")."""
    names = Names()
    for node in instances(graph, HSVO.Principal):
        if (node, HSVO.level, HSVO.LocalLevel) not in graph:
            continue
        for text in _texts(graph, node, RDFS.label, SKOS.prefLabel):
            short = re.sub(r"\s+(kommun|municipality)$", "", text, flags=re.IGNORECASE)
            names.add(node, text, short)
            names.add(node, short, short)
    return names


def documents(graph: Graph, cls: URIRef) -> Names:
    """Documents of one class by title, label and local name (doc:…)."""
    names = Names()
    for node in instances(graph, cls):
        shown = label(graph, node) or str(node)
        for text in _texts(graph, node, RDFS.label, DCTERMS.title):
            names.add(node, text, shown)
        names.add(node, str(node), shown)
        names.add(node, "doc:" + str(node).rsplit("/", 1)[-1], shown)
    return names


@dataclass(frozen=True)
class Registers:
    """The names a spreadsheet's cells are resolved against, made once per context (the
    service checks many plans in one context; they are only read)."""

    bodies: Names
    local_focus_areas: Names
    priority_areas: Names
    municipalities: Names

    @classmethod
    def of(cls, graph: Graph) -> "Registers":
        return cls(bodies(graph), local_focus_areas(graph), priority_areas(graph), municipalities(graph))

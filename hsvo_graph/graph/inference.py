"""OWL 2 RL inference, computed once at load time, inside the pyoxigraph store being built.

The entailed triples that matter here (``hsvo:involves`` from its sub-properties, super-
classes such as ``hsvo:Board`` → ``org:Organization``, ``org:unitOf`` from
``hsvo:principal``, ``skos:altLabel`` from ``hsvo:abbreviation``) go into their own named
graph, ``graph:inferred``: queries see them through the union default graph, and a
researcher can leave them out by naming the graphs explicitly.

Two steps, so that no per-triple work happens in Python (at a million triples, building
Python objects for every triple was most of the load time):

1. The schema (class and property axioms between IRIs: a few hundred triples) goes through the
   Rust OWL 2 RL reasoner ``reasonable``, which closes it: sub-class and sub-property
   hierarchies, inherited domains and ranges, inverses, equivalences.
2. The instance rules of OWL 2 RL that this closed schema drives (prp-spo1, prp-inv, prp-symp,
   prp-dom, prp-rng, cax-sco), composed so that one round reaches their fixpoint, run as one
   SPARQL CONSTRUCT in the store (an index scan per predicate or class); its answer is
   bulk-loaded into the inferred graph.

Left out, as before: OWL-RL bookkeeping (``x a owl:Thing``, ``x owl:sameAs x``, axioms about
``owl:Thing``/``owl:Nothing``). Not supported: class expressions built from blank nodes
(restrictions, unions), property chains and ``owl:sameAs`` reasoning — the ontology uses none.
"""

import re
from collections.abc import Iterable

import pyoxigraph as ox
import reasonable

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_THING, _NOTHING = OWL + "Thing", OWL + "Nothing"

# The schema: axioms between IRIs, and the declarations (x a owl:Class …) the rules read.
_SCHEMA = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
  {{
    VALUES ?p {{ <{RDFS}subClassOf> <{RDFS}subPropertyOf> <{RDFS}domain> <{RDFS}range>
                <{OWL}inverseOf> <{OWL}equivalentClass> <{OWL}equivalentProperty> }}
    ?s ?p ?o
  }} UNION {{
    BIND(<{RDF_TYPE}> AS ?p)
    ?s ?p ?o FILTER (STRSTARTS(STR(?o), "{OWL}") || STRSTARTS(STR(?o), "{RDFS}"))
  }}
  FILTER (isIRI(?s) && isIRI(?o))
}}"""


def _worth_keeping(s: str, p: str, o: str) -> bool:
    """Drop the OWL-RL bookkeeping that adds nothing a reader could use."""
    if s in (_THING, _NOTHING) or (p == OWL + "sameAs" and s == o):
        return False
    return not (p == RDF_TYPE and o == _THING)


def _iris(values: Iterable[str]) -> str:
    return " ".join(f"<{v}>" for v in sorted(values))


class _Schema:
    """The closed schema, composed into rules that each read one predicate or one class.

    Composing first (a property's super-properties reached through sub-property and inverse
    edges, the domains and ranges of all of them, every super-class of those) makes one round
    of the instance rules reach their fixpoint, and a rule per predicate is an index scan of
    that predicate's triples only.
    """

    def __init__(self, closed: set[tuple[str, str, str]]) -> None:
        def pairs(predicate: str) -> set[tuple[str, str]]:
            return {(s, o) for s, p, o in closed if p == predicate and s != o}

        def grouped(predicate: str) -> dict[str, set[str]]:
            groups: dict[str, set[str]] = {}
            for a, b in pairs(predicate):
                groups.setdefault(a, set()).add(b)
            return groups

        self.sub = grouped(RDFS + "subPropertyOf")
        self.inverse: dict[str, set[str]] = {}
        for a, b in pairs(OWL + "inverseOf"):
            self.inverse.setdefault(a, set()).add(b)
            self.inverse.setdefault(b, set()).add(a)
        for s, p, o in closed:
            if p == RDF_TYPE and o == OWL + "SymmetricProperty":
                self.inverse.setdefault(s, set()).add(s)
        self.domain, self.range = grouped(RDFS + "domain"), grouped(RDFS + "range")
        self.supers = {c: ds - {_THING} for c, ds in grouped(RDFS + "subClassOf").items()
                       if c != _NOTHING and ds - {_THING}}

    def _reached(self, start: str) -> tuple[set[str], set[str]]:
        """The properties a triple of ``start`` entails, in the same and in the flipped
        direction (through sub-property and inverse edges, any number of them)."""
        seen = {(start, False)}
        pending = [(start, False)]
        while pending:
            prop, flipped = pending.pop()
            steps = [(q, flipped) for q in self.sub.get(prop, ())]
            steps += [(q, not flipped) for q in self.inverse.get(prop, ())]
            for step in steps:
                if step not in seen:
                    seen.add(step)
                    pending.append(step)
        return ({q for q, f in seen if not f} - {start}, {q for q, f in seen if f})

    def _classes(self, direct: Iterable[str]) -> set[str]:
        """Classes and all their super-classes, without owl:Thing."""
        found = set(direct)
        for c in list(found):
            found |= self.supers.get(c, set())
        return found - {_THING}

    def rules(self) -> str | None:
        """One CONSTRUCT for every instance rule (only triples not in the store yet); None
        when the schema entails nothing about instances."""
        a = f"<{RDF_TYPE}>"
        branches = []
        for p in sorted({*self.sub, *self.inverse, *self.domain, *self.range}):
            same, flipped = self._reached(p)
            forward = same | {p}
            subject_types = self._classes({c for q in forward for c in self.domain.get(q, ())}
                                          | {c for q in flipped for c in self.range.get(q, ())})
            object_types = self._classes({c for q in forward for c in self.range.get(q, ())}
                                         | {c for q in flipped for c in self.domain.get(q, ())})
            if same:
                branches.append(f"{{ ?s <{p}> ?o VALUES ?q {{ {_iris(same)} }} }}")
            if flipped:
                branches.append(f"{{ ?o <{p}> ?s FILTER (!isLiteral(?s)) VALUES ?q {{ {_iris(flipped)} }} }}")
            if subject_types:
                branches.append(f"{{ ?s <{p}> [] BIND({a} AS ?q) VALUES ?o {{ {_iris(subject_types)} }} }}")
            if object_types:
                branches.append(f"{{ [] <{p}> ?s FILTER (!isLiteral(?s)) BIND({a} AS ?q) "
                                f"VALUES ?o {{ {_iris(object_types)} }} }}")
        for c in sorted(self.supers):
            branches.append(f"{{ ?s a <{c}> BIND({a} AS ?q) VALUES ?o {{ {_iris(self._classes(self.supers[c]))} }} }}")
        if not branches:
            return None
        union = "\n  UNION ".join(branches)
        return f"CONSTRUCT {{ ?s ?q ?o }} WHERE {{\n  {{ {union} }}\n  FILTER NOT EXISTS {{ ?s ?q ?o }}\n}}"


def _iri_triples(result: ox.QuerySolutions) -> set[tuple[str, str, str]]:
    return {(row["s"].value, row["p"].value, row["o"].value) for row in result}


def infer_into(store: ox.Store, graph: str) -> None:
    """Add to ``graph`` the useful triples entailed by everything in ``store`` that are not
    already in it."""
    target = ox.NamedNode(graph)
    asserted = store.query(_SCHEMA, use_default_graph_as_union=True)
    assert isinstance(asserted, ox.QuerySolutions)
    schema = _iri_triples(asserted)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(list(schema))  # plain strings are IRIs to the reasoner
    closed = {(str(s), str(p), str(o)) for s, p, o in reasoner.reason()}
    for s, p, o in closed - schema:
        triple = ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)
        if _worth_keeping(s, p, o) and next(store.quads_for_pattern(*triple, None), None) is None:
            store.add(ox.Quad(*triple, target))
    rules = _Schema(closed).rules()
    if rules is None:
        return
    found = store.query(rules, use_default_graph_as_union=True)
    assert isinstance(found, ox.QueryTriples)
    named, blank = blank_node_lines(found.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
    if named:
        store.bulk_load(named, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    # A load gives every blank node of its input a new identity: the types inferred for the
    # store's own blank nodes (a cell's items …) are added as terms, so they stay on them.
    store.extend(ox.Quad(t.subject, t.predicate, t.object, target)
                 for t in ox.parse(blank, ox.RdfFormat.N_TRIPLES))


_BLANK_OBJECT = re.compile(rb' _:[^\s"<>]+ \.\s*$')


def blank_node_lines(ntriples: bytes) -> tuple[bytes, bytes]:
    """N-Triples split into the lines without a blank node and those with one (as subject,
    or as object: a line ending in a literal ends in a quote, a language tag or an IRI)."""
    named: list[bytes] = []
    blank: list[bytes] = []
    for line in ntriples.splitlines(keepends=True):
        has_blank = b"_:" in line and (line.startswith(b"_:") or _BLANK_OBJECT.search(line) is not None)
        (blank if has_blank else named).append(line)
    return b"".join(named), b"".join(blank)

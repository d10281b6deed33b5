"""A plan is data, not ontology: a rule for the reasoner in a plan is refused even when it is
about the plan's own new property, because through the plan's own links it reaches existing
entities (the audit's case: Vårdstyrelsen made "a unit of" an activity, and a municipality)."""

import pytest

from hsvo_graph.validation.check import validate_plan
from hsvo_graph.validation.context import Context
from hsvo_graph.validation.meta import meta_beside
from hsvo_graph.validation.plans import read_plan

from .test_validation_broken import BROKEN

# the corpus's plan that makes its activity the same as a seed activity, without that line
_PLAN = (BROKEN / "seed-same-as.ttl").read_text(encoding="utf-8").split("# A plan that makes")[0]
_PREFIXES = """@prefix ex: <https://example.org/own#> .
@prefix org: <http://www.w3.org/ns/org#> .
"""


def findings(extra: str, context: Context) -> list[tuple[str, str, str]]:
    """The isolation violations of the plan with ``extra`` statements added."""
    text = _PREFIXES + _PLAN + extra
    path = BROKEN / "seed-same-as.ttl"
    plan = read_plan(text.encode(), "rules.ttl", meta_beside(path)[0], context)
    return [(f.focus, f.value or "", f.message.en) for f in validate_plan(plan, context).findings
            if f.rule.endswith("Plan-ownEntitiesOnly")]


def test_the_plan_without_rules_is_clean(context: Context) -> None:
    assert findings("", context) == []


@pytest.mark.parametrize("rule", [
    "act:uppsala-2026-01 ex:touches bd:region-vs . ex:touches rdfs:range hsvo:Municipality .",
    "act:uppsala-2026-01 ex:rev bd:uppsala-aln . ex:rev owl:inverseOf skos:broader .",
    "act:uppsala-2026-01 ex:pa bd:region-vs . ex:pa owl:inverseOf org:unitOf .",
    "act:uppsala-2026-01 ex:near bd:region-vs . ex:near a owl:SymmetricProperty .",
    "act:uppsala-2026-01 ex:in bd:region-vs . ex:in rdfs:subPropertyOf org:memberOf .",
    "ex:Thing rdfs:subClassOf hsvo:Board . act:uppsala-2026-01 a ex:Thing .",
    "ex:p a rdf:Property ; owl:propertyChainAxiom ( hsvo:responsibleBody org:unitOf ) .",
])
def test_a_rule_about_the_plans_own_terms_is_refused(rule: str, context: Context) -> None:
    found = findings("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n" + rule + "\n", context)
    assert found, rule
    assert all("rule for inferences" in message for _, _, message in found)


def test_names_and_notes_stay_allowed(context: Context) -> None:
    notes = ('act:uppsala-2026-01 rdfs:comment "En kommentar"@sv ; '
             'rdfs:seeAlso <https://example.org/mer> .\n')
    assert findings(notes, context) == []


def test_a_new_body_may_not_take_an_existing_bodys_names(context: Context) -> None:
    """The audit's impostor: a body of the plan's own called "Äldrenämnden", "ÄLN" and "VS";
    after its import every list naming ÄLN or VS failed. Each borrowed name is a violation
    that says whose name it is; a new body with a name of its own is fine."""
    impostor = ('bd:evil-aln a hsvo:Board ; rdfs:label "Äldrenämnden"@sv ; '
                'skos:altLabel " äln "@sv, "vs"@sv, "Nämnden för nya saker"@sv .\n')
    found = findings(impostor, context)
    assert sorted(value for _, value, _ in found) == [" äln ", "vs", "Äldrenämnden"]
    assert all(focus.endswith("/body/evil-aln") and "already names" in message for focus, _, message in found)
    assert any("Vårdstyrelsen" in message or "VS" in message for _, value, message in found if value == "vs")
    assert findings('bd:ny-namnd a hsvo:Board ; rdfs:label "Nämnden för nya saker"@sv .\n', context) == []

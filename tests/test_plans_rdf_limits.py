"""An RDF plan is held to the size of the largest table a plan may be: more activities than
MAX_ROWS, or more triples than MAX_TRIPLES, is a located refusal before any check runs."""

import pytest

from hsvo_graph.validation.context import Context
from hsvo_graph.validation.headings import MAX_ROWS
from hsvo_graph.validation.meta import PlanMeta
from hsvo_graph.validation.model import PlanError
from hsvo_graph.validation.plans import read_plan

PREFIXES = ("@prefix hsvo: <https://w3id.org/hsvo-graph/ontology#> .\n"
            "@prefix act: <https://w3id.org/hsvo-graph/id/activity/> .\n"
            "@prefix doc: <https://w3id.org/hsvo-graph/id/document/> .\n")


def test_more_activities_than_a_table_may_have_are_refused(context: Context) -> None:
    plan = PREFIXES + "doc:x a hsvo:ActivityList .\n" + "".join(
        f"act:x-{n} a hsvo:Activity ; hsvo:listedIn doc:x .\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(PlanError) as caught:
        read_plan(plan.encode(), "big.ttl", PlanMeta(), context)
    assert caught.value.where == "big.ttl"
    assert f"{MAX_ROWS + 1} activities or outcomes; at most" in caught.value.message.en

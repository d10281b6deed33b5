"""New plans from outside the graph: read a spreadsheet or RDF file, resolve the names in
it, and hand it to validation and import as a Plan."""

from hsvo_graph.validation.context import Context
from hsvo_graph.validation.meta import PlanMeta
from hsvo_graph.validation.model import Plan, PlanError
from hsvo_graph.validation.rdfplan import rdf_plan
from hsvo_graph.validation.readers import Sheet, quiet_literals, read_plan_file
from hsvo_graph.validation.tabular import SheetPlan

__all__ = ["Plan", "PlanError", "PlanMeta", "read_plan"]


def read_plan(data: bytes, name: str, meta: PlanMeta, context: Context) -> Plan:
    """The plan in a file's bytes, its names resolved in ``context``.

    On a re-import the earlier version of the same plan is left out of the context, so the
    plan is read exactly as it would be into an empty slot.
    """
    with quiet_literals():
        parsed = read_plan_file(data, name)

        def build(ctx: Context) -> Plan:
            if isinstance(parsed, Sheet):
                return SheetPlan(parsed, meta, ctx.graph, ctx.names).build()
            return rdf_plan(parsed, name, meta)

        plan = build(context)
        if str(plan.info.graph) in context.parts:
            plan = build(context.without(str(plan.info.graph)))
    return plan

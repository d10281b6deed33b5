"""New plans from outside the graph: read a spreadsheet or RDF file, resolve the names in
it, and hand it to validation and import as a Plan."""

from .context import Context
from .meta import PlanMeta
from .model import Plan, PlanError
from .rdfplan import rdf_plan
from .readers import Sheet, quiet_literals, read_plan_file
from .tabular import SheetPlan

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
                return SheetPlan(parsed, meta, ctx.graph).build()
            return rdf_plan(parsed, name, meta)

        plan = build(context)
        if str(plan.info.graph) in context.graphs:
            plan = build(context.without(str(plan.info.graph)))
    return plan

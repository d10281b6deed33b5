"""Internal SPARQL kept in ``.rq`` files next to the code that runs it, so a query reads
(and diffs, and can be tried in the editor) as SPARQL rather than as a Python string.

The files leave out the PREFIX lines: the project's prefixes are declared once, in
``hsvo_graph.namespaces``, and put in front here.
"""

from functools import cache
from importlib.resources import files

from hsvo_graph.namespaces import sparql_prologue


@cache
def load_rq(package: str, name: str) -> str:
    """The query ``<package>/queries/<name>.rq`` with the project PREFIX lines in front
    (read once per process)."""
    text = files(package).joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")
    return sparql_prologue() + text

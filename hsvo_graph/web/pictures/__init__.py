"""Pictures drawn on the server as SVG from query results: the organisation chart, the
heatmap of activities per body and area, and the goal tree. Each picture module has one
function that reads the graph into a small model and one that draws it; the page shows
the same model as text (a table or a list) for people who cannot or would rather not
look at the picture."""

from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq



def activity_years(reader: Reader) -> list[int]:
    """The years that have activities, latest first (the pictures show one year at a time)."""
    return [int(row["year"]) for row in reader.select(load_rq("hsvo_graph.web", "activity_years")).rows]

"""Every title and indicator of the 2025 list occurs in the seed text (lines re-joined).

Reads ../shared/seeds, so it skips in a user's clone where that folder is absent.
"""

import re

from hsvo_graph.store import GraphStore

SEED_000 = "000_f717b159e5054055.txt"


def _flat(text: str) -> str:
    """Seed text with PDF line breaks, page furniture and bullets folded away."""
    text = re.sub(r"[•\-]\s", " ", text)
    return re.sub(r"\s+", "", text)


def test_titles_and_indicators_occur_in_the_seed(store: GraphStore, seeds_dir):
    seed = _flat((seeds_dir / SEED_000).read_text(encoding="utf-8"))
    table = store.select("""
        PREFIX hsvo: <https://w3id.org/hsvo-graph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?title ?indicator WHERE {
          ?a hsvo:year 2025 ; rdfs:label ?title ; hsvo:followUpIndicator ?indicator }""")
    assert len(table.rows) == 34
    for row in table.rows:
        for key in ("title", "indicator"):
            assert _flat(str(row[key])) in seed, f"{key} not in seed: {row[key]}"

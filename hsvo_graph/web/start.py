"""The start page's question cards, grouped by theme (``i18n.THEMES``) so a strategist
finds "activities" questions together rather than in file-name order."""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from hsvo_graph.canned.catalog import CannedQuery
from hsvo_graph.web.i18n import CARD_TEXTS, THEMES, localise


@dataclass(frozen=True)
class Card:
    """One question on the start page: its link, a short text, and an example that answers."""

    question: str
    href: str
    text: str
    example_href: str | None
    example_text: str


def _card(query: CannedQuery, lang: str) -> Card:
    examples = [p for p in query.parameters if p.example]
    return Card(
        question=localise(query.question, lang),
        href=f"/q/{query.id}",
        text=localise(CARD_TEXTS[query.id], lang) if query.id in CARD_TEXTS else "",
        example_href=f"/q/{query.id}?{urlencode([(p.name, p.example) for p in examples])}" if examples else None,
        example_text=", ".join(str(p.example) for p in examples),
    )


def question_groups(catalog: Iterable[CannedQuery], lang: str, other: str) -> list[tuple[str, list[Card]]]:
    """(theme, cards) in the order of THEMES; questions no theme claims come last under
    ``other``."""
    groups: list[list[Card]] = [[] for _ in THEMES]
    rest: list[Card] = []
    for query in catalog:
        theme = next((i for tag in query.tags for i, (_, tags) in enumerate(THEMES) if tag in tags), None)
        (rest if theme is None else groups[theme]).append(_card(query, lang))
    named = [(localise(name, lang), cards) for (name, _), cards in zip(THEMES, groups, strict=True) if cards]
    return named + ([(other, rest)] if rest else [])

"""The glossary of abbreviations: every ``hsvo:abbreviation`` in the graph (bodies, mostly)
and the few general ones the documents use without explaining (``i18n.ABBREVIATIONS``).

Shown as a page of its own (/ordlista) and as ``<abbr title>`` in result tables, so "ÄLN,
VS" in a table says what it stands for on hover and to screen readers.
"""

from dataclasses import dataclass

from rdflib import Literal

from hsvo_graph.sparql.reader import Reader
from hsvo_graph.sparql.text import load_rq
from hsvo_graph.web.collation import collation_key
from hsvo_graph.web.display import local_path
from hsvo_graph.web.i18n import ABBREVIATIONS, localise


@dataclass(frozen=True)
class Entry:
    """One abbreviation and what it stands for (with a link when it is a thing in the graph)."""

    abbreviation: str
    meaning: str
    href: str | None = None


def glossary(reader: Reader, lang: str) -> list[Entry]:
    """All abbreviations, the graph's and the general ones, in alphabetical order; read
    once per version of the dataset."""
    return reader.remembered(("glossary", lang), lambda r: _read_glossary(r, lang))


def _read_glossary(reader: Reader, lang: str) -> list[Entry]:
    table = reader.select(load_rq("hsvo_graph.web", "glossary"), {"lang": [Literal(lang)]})
    entries = [Entry(str(row["abbreviation"]), str(row.get("inLang") or row["inSwedish"]),
                     local_path(str(row["thing"])))
               for row in table.rows]
    known = {e.abbreviation for e in entries}
    entries += [Entry(a, localise(texts, lang)) for a, texts in ABBREVIATIONS.items() if a not in known]
    order = collation_key(lang)
    return sorted(entries, key=lambda e: (order(e.abbreviation), order(e.meaning)))


def glossary_titles(reader: Reader, lang: str) -> dict[str, str]:
    """``titles(glossary(reader, lang))``, worked out once per version of the dataset (at 1 M
    triples the glossary has thousands of entries: building the mapping per page cost more
    than the page's own query)."""
    return reader.remembered(("glossary_titles", lang), lambda r: titles(glossary(r, lang)))


def titles(entries: list[Entry]) -> dict[str, str]:
    """Abbreviation → what it stands for (several meanings joined), for ``<abbr title>``."""
    meanings: dict[str, list[str]] = {}
    for entry in entries:
        meanings.setdefault(entry.abbreviation, []).append(entry.meaning)
    return {a: " / ".join(dict.fromkeys(m)) for a, m in meanings.items()}

"""How text people type is compared with names in the graph: normalised, and folded.

Apart from the catalog, so that plan validation, which matches cell text with these two
functions, does not import the catalog and the SPARQL reading machinery behind it.
"""

import unicodedata


def normalise_text(value: str) -> str:
    """What user input is matched as: NFC, white space collapsed, lower case."""
    return " ".join(unicodedata.normalize("NFC", value).split()).lower()


def fold_text(value: str) -> str:
    """``normalise_text`` without diacritics ("Äldre" → "aldre"), for searches that should
    not depend on how a person types å, ä, ö or é; a query compares it with a label folded
    the same way in SPARQL (see ``queries/search.rq``)."""
    decomposed = unicodedata.normalize("NFD", normalise_text(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)

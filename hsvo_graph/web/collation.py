"""Names in the order a reader of the page's language expects them.

Python's ``sorted`` and SPARQL's ``ORDER BY`` compare code points, which puts ``Ä`` (U+00C4)
before ``Å`` (U+00C5) and every lower-case name after every capital one, so "Hälso- och
sjukvårdsnämnden" came before "Håbo kommun" on a Swedish page. The pages' lists and
drop-downs are sorted with ICU's collation for the page language instead (Swedish: … x y z
å ä ö, with ü as y and é as e; English: Ä beside A), the same order the browser's
``localeCompare`` gives when a reader sorts a table by a column (``static/tables.js``).
"""

from collections.abc import Callable
from functools import cache


@cache
def collation_key(lang: str) -> Callable[[str], bytes]:
    """The sort key of ``lang`` (``"sv"``, ``"en"``): a function from a text to bytes that
    compare as the texts are ordered in that language (case and accents decide only
    between otherwise equal texts). ICU is imported here, by the first page that sorts
    names, not by every command of the CLI."""
    import icu  # pyicu-wheels: ICU's collation tables for every language

    collator = icu.Collator.createInstance(icu.Locale(lang))
    return collator.getSortKey

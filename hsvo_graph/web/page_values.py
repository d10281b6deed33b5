"""The filters of the overview pages (dashboard, comparison, body profile, pictures), checked
as the canned questions check theirs.

A value a page cannot use is never dropped in silence: it becomes a ``ParameterError`` that
names the field, which the page tells in its own language (``web.problems``) beside the page
shown without that value, and which a program gets in English.
"""

from collections.abc import Callable, Collection
from typing import TypeVar

from hsvo_graph.canned.catalog import Parameter, ParameterError, year_of
from hsvo_graph.web.i18n import MESSAGES

T = TypeVar("T")


def filter_field(name: str, label_key: str) -> Parameter:
    """A page filter called ``name`` in URLs, labelled as the page labels it (``label_key``)."""
    return Parameter(name, "text", False, MESSAGES[label_key])


def year_among(parameter: Parameter, value: str | None, years: Collection[int]) -> int | None:
    """The year ``value`` names (None when empty), if the graph has activities that year."""
    text = (value or "").strip()
    if not text:
        return None
    year = year_of(parameter, text)
    if year not in years:
        listed = ", ".join(str(y) for y in sorted(years, reverse=True))
        raise ParameterError(f"{parameter.name}: no activities in {year}; years with activities: {listed}",
                             "year_without_data", parameter, value=text, years=listed)
    return year


def one_of(parameter: Parameter, value: str | None, choices: Collection[str]) -> str | None:
    """``value`` (None when empty) if it is one of the values the page offers."""
    text = (value or "").strip()
    if not text:
        return None
    if text not in choices:
        raise ParameterError(f"{parameter.name}: no such value {text!r}", "no_such_value",
                             parameter, value=text)
    return text


class Problems(list[ParameterError]):
    """The values a page could not use, collected so that it can still show itself."""

    def check(self, test: Callable[..., T | None], *arguments: object) -> T | None:
        """``test(*arguments)``, or None (the problem kept) when it refuses the value."""
        try:
            return test(*arguments)
        except ParameterError as error:
            self.append(error)
            return None

"""How a problem is told to a person, in the page's language.

Errors are raised with English messages, which programs and the plain-text API get as they
are. A page says the same in its own language: a parameter error names the field by its label
and says what to fill in, a timeout or a busy service what to do next, and any other error
what kind it is, with the technical message kept behind a "details" toggle (marked as
English), so that a Swedish page is Swedish throughout.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from hsvo_graph.canned.catalog import ParameterError
from hsvo_graph.sparql.executor import QueryTimeout
from hsvo_graph.web.i18n import Translator, localise

# statuses with their own sentence (what happened and what to do); any other falls back to
# its class (4xx, 5xx)
_STATUS_KEYS = {400: "problem_400", 401: "problem_401", 403: "problem_403", 404: "problem_404",
                405: "problem_405", 409: "problem_409", 413: "problem_413", 414: "problem_413",
                415: "problem_415", 429: "problem_429", 502: "problem_502", 503: "problem_503"}


class Worded:
    """An error that says itself in words of the message catalog (``MESSAGES[key]`` with
    ``values``), in whichever language the request negotiated: a program gets the sentence
    as plain text, a page shows it (``api.errors.Refused``)."""

    key: str
    values: Mapping[str, str]

    def told(self, lang: str) -> str:
        return Translator(lang)(self.key).format(**self.values)


@dataclass(frozen=True)
class Problem:
    """What a page says: the sentence in its language, and the technical message (English)
    when the sentence does not already say all of it."""

    text: str
    technical: str | None = None


def parameter_problem(error: ParameterError, lang: str) -> str:
    """A parameter error as a sentence in ``lang`` naming the field by its label."""
    label = localise(error.parameter.label, lang) if error.parameter is not None else ""
    return Translator(lang)(f"param_{error.code}").format(label=label, **error.details)


def problem(error: Exception, status: int, lang: str, *, time_limit_s: float, busy: bool) -> Problem:
    """What an error page says about ``error`` (answered with ``status``); ``busy``: it is
    the 503 of a service whose workers were all taken (it says when to come back)."""
    t = Translator(lang)
    if isinstance(error, Worded):
        return Problem(error.told(lang))
    if isinstance(error, ParameterError):
        return Problem(parameter_problem(error, lang))
    if status == 503 and busy:
        return Problem(t("problem_busy"))
    if isinstance(error, QueryTimeout) or isinstance(error.__cause__, QueryTimeout):  # the endpoint wraps it
        return Problem(t("problem_timeout").format(limit=f"{time_limit_s:g}"))
    key = _STATUS_KEYS.get(status, "problem_400" if status < 500 else "problem_500")
    return Problem(t(key), str(error) or None)

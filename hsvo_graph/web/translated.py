"""Templates with their interface words written in when they are compiled, one environment
per language.

Every page says ``t("key")`` some thirty times (menu, buttons, headings), and each call went
through Jinja's runtime call machinery and then through escaping: 2.4 µs a word, a tenth of
a canned question's page. A message does not change while the service runs, so
``TranslatedWords`` replaces each call of ``t`` with a literal key by the message itself, as
a string constant, when the template is compiled for a language; Jinja then writes it, already
escaped, as part of the template's static text. What a template computes at run time
(``t("filter_" ~ key)``), and a key not in ``MESSAGES``, is left to the ``t`` of the page's
context, which translates it (or refuses the unknown key) as before.

The replacement works on Jinja's token stream, not on the template's text: only the name
``t`` called with exactly one string literal is replaced, never an attribute ``x.t`` nor a
longer name that ends in ``t``.
"""

from collections.abc import Iterator
from pathlib import Path

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from hsvo_graph.web.i18n import LANGUAGES, MESSAGES

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class TranslatedWords(Extension):
    """Writes ``t("key")`` as the message of ``key`` in the environment's ``language``."""

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.extend(language=None)

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        language = self.environment.language  # type: ignore[attr-defined]
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            call = tokens[index:index + 4]
            if (language is not None and token.test("name:t") and len(call) == 4
                    and call[1].type == "lparen" and call[2].type == "string"
                    and call[3].type == "rparen" and call[2].value in MESSAGES
                    and (index == 0 or tokens[index - 1].type != "dot")):
                yield Token(token.lineno, "string", MESSAGES[call[2].value][language])
                index += 4
                continue
            yield token
            index += 1


def environments() -> dict[str, jinja2.Environment]:
    """A Jinja environment for each page language, over the package's templates: the words
    written in (``TranslatedWords``), autoescaping on, the templates read once (they are
    files of the installed package; by default Jinja would look at the modification time of
    every template a page uses, on each render)."""
    made = {}
    for language in LANGUAGES:
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=jinja2.select_autoescape(), extensions=[TranslatedWords],
            auto_reload=False)
        environment.language = language  # type: ignore[attr-defined]
        made[language] = environment
    return made

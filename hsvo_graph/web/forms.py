"""The form of a query page: one field per declared parameter, drop-downs filled from the
graph, and what the person submitted selected again."""

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from hsvo_graph.canned.catalog import CannedQuery
from hsvo_graph.web.choices import Choice, Offered, offered, selected
from hsvo_graph.web.i18n import capfirst, localise
from hsvo_graph.sparql.reader import Reader

#: From this many options a drop-down becomes a text box that suggests them as one types
#: (``<datalist>``): scrolling through the two thousand bodies of a country-wide graph, or
#: ticking one of two thousand check boxes, is no way to find one.
SEARCH_FROM = 150


@dataclass(frozen=True)
class Field:
    """One form control: a drop-down when ``options`` is not empty, a text box otherwise."""

    name: str
    label: str
    type: str
    required: bool
    multiple: bool
    example: str | None
    options: list[Choice] = field(default_factory=list)
    #: the options under their groups, as the drop-down shows them
    groups: list[tuple[str, list[Choice]]] = field(default_factory=list)
    chosen: set[str] = field(default_factory=set)
    text: str = ""

    @property
    def control_id(self) -> str:
        return f"p-{self.name}"

    @property
    def searchable(self) -> bool:
        """Whether the options are too many to list: typed, with suggestions."""
        return len(self.options) >= SEARCH_FROM

    # The options are written here rather than by the template's loops: a form with the
    # sixty bodies and sixty-four areas of the graph cost the template three lookups and
    # three escapes per option on every page; here the escaped texts of an option are kept.

    def options_html(self) -> Markup:
        """The drop-down's options under their groups, the chosen ones selected."""
        parts = []
        for group, options in self.groups:
            if group:
                parts.append(f'<optgroup label="{escape(capfirst(group))}">')
            for choice in options:
                value, text = _escaped(choice)
                selected = " selected" if choice.value in self.chosen else ""
                parts.append(f'<option value="{value}"{selected}{_lang(choice)}>{text}</option>')
            if group:
                parts.append("</optgroup>")
        return Markup("".join(parts))

    def chips_html(self, only_chosen: bool = False) -> Markup:
        """The options as check boxes (a parameter that takes several values); with
        ``only_chosen``, the chosen ones only (beside the box that adds one more)."""
        name = escape(self.name)
        parts = []
        for choice in self.options:
            if only_chosen and choice.value not in self.chosen:
                continue
            value, text = _escaped(choice)
            checked = " checked" if choice.value in self.chosen else ""
            parts.append(f'<label class="chip"{_lang(choice)}><input type="checkbox" name="{name}" '
                         f'value="{value}"{checked}> {text}</label>')
        return Markup("".join(parts))

    def suggestions_html(self) -> Markup:
        """The options as a ``<datalist>``'s suggestions: the value typed, the text shown
        beside it."""
        return Markup("".join(f'<option value="{_escaped(choice)[0]}"{_lang(choice)}>{_escaped(choice)[1]}</option>'
                              for choice in self.options))


def _lang(choice: Choice) -> str:
    """The ``lang`` attribute of an option whose text is in another language than the page's
    (a Swedish name the graph has in Swedish only, on an English page)."""
    return f' lang="{escape(choice.lang)}"' if choice.lang else ""


@functools.lru_cache(maxsize=4096)
def _escaped(choice: Choice) -> tuple[Markup, Markup]:
    """An option's value and text, escaped for HTML (kept for the options shown last)."""
    return escape(choice.value), escape(choice.text)


def form_fields(
    reader: Reader, query: CannedQuery, arguments: Mapping[str, Sequence[str]], lang: str
) -> list[Field]:
    """The fields of ``query``'s form, in the order its header declares the parameters."""
    fields = []
    offers: dict[str, Offered] = {}
    for parameter in query.parameters:
        submitted = [v for v in arguments.get(parameter.name, []) if v.strip()]
        if parameter.type not in offers:
            offers[parameter.type] = offered(reader, parameter.type, lang)
        offer = offers[parameter.type]
        options, groups, chosen = selected(offer, submitted) if offer.options else ([], [], set())
        fields.append(Field(
            name=parameter.name,
            label=localise(parameter.label, lang),
            type=parameter.type,
            required=parameter.required,
            multiple=parameter.multiple,
            example=parameter.example,
            options=options,
            groups=groups,
            chosen=chosen,
            text=submitted[0] if submitted and (not options or len(options) >= SEARCH_FROM) else "",
        ))
    return fields

"""The form of a query page: one field per declared parameter, drop-downs filled from the
graph, and what the person submitted selected again."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hsvo_graph.canned.catalog import CannedQuery
from hsvo_graph.web.choices import Choice, Offered, offered, selected
from hsvo_graph.web.i18n import localise
from hsvo_graph.sparql.reader import Reader


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
            text=submitted[0] if submitted and not options else "",
        ))
    return fields

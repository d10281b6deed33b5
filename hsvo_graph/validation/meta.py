"""Plan metadata (municipality, year, kind, title, date …) from a small header file beside
the plan (``PLAN.meta.yaml`` or ``PLAN.meta.toml``), from CLI options or from a form.

All of it is optional; ``tabular.build`` states the defaults it assumes in the report.
Keys may be written in English or Swedish (``kommun``, ``år``, ``datum`` …).
"""

import datetime
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from hsvo_graph.validation.model import PlanError, Text
from hsvo_graph.validation.readers import check_cell

Kind = Literal["activity-list", "follow-up"]

META_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.toml")

_KEYS = {
    "municipality": "municipality",
    "kommun": "municipality",
    "year": "year",
    "år": "year",
    "kind": "kind",
    "typ": "kind",
    "plan": "plan",
    "samverkansplan": "plan",
    "title": "title",
    "titel": "title",
    "date": "date",
    "datum": "date",
    "diary_number": "diary_number",
    "diarienummer": "diary_number",
    "adopted_by": "adopted_by",
    "fastställd_av": "adopted_by",
    "adopted_on": "adopted_on",
    "fastställd_datum": "adopted_on",
    "follows_up": "follows_up",
    "följer_upp": "follows_up",
}
# a message names the keys of its own language (the file may use either)
_ENGLISH_KEYS = sorted(key for key, name in _KEYS.items() if key == name)
_SWEDISH_KEYS = sorted(key for key, name in _KEYS.items() if key != name)
_KINDS: dict[str, Kind] = {
    "activity-list": "activity-list",
    "activity list": "activity-list",
    "aktivitetslista": "activity-list",
    "follow-up": "follow-up",
    "follow-up report": "follow-up",
    "uppföljning": "follow-up",
    "samverkansberättelse": "follow-up",
}


class _NoReferences(yaml.YAMLError):
    """An anchor or alias in a header file: a few hundred bytes of aliases expand to
    gigabytes (a "billion laughs"), and no key of a header file needs one."""

    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__("anchors and aliases are not allowed")
        self.problem_mark = mark


class _TooDeep(yaml.YAMLError):
    """Values nested deeper than ``_TextLoader.MAX_DEPTH``: the composer recurses once a
    level, so 5 kB of ``[[[…`` exceeded Python's recursion limit (a 500 over HTTP), or, under
    a raised limit, took 22 s."""

    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__("nested too deeply")
        self.problem_mark = mark


TOO_DEEP = Text(
    "värdena är nästlade för djupt; en metadatafil har nycklar med enkla värden",
    "the values are nested too deeply; a metadata file has keys with plain values",
)


class _TextLoader(yaml.SafeLoader):
    """YAML that keeps dates as written: a wrong date ("2025-13-01") is then reported by the
    shapes, with the value quoted, instead of breaking the reading of the file. Anchors and
    aliases, and values nested deeper than MAX_DEPTH, are refused before they are composed,
    so nothing is ever expanded."""

    MAX_DEPTH = 10  # a header file is keys with plain values

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _NoReferences(event.start_mark)
        if self.depth >= self.MAX_DEPTH:
            raise _TooDeep(event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_TextLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class PlanMeta:
    """What a plan says about itself; None where it says nothing."""

    municipality: str | None = None
    year: int | None = None
    kind: Kind | None = None
    plan: str | None = None  # the collaboration plan the list belongs to (IRI or title)
    title: str | None = None
    date: str | None = None  # date of the document, YYYY-MM-DD
    diary_number: str | None = None
    adopted_by: str | None = None  # body that adopted (fastställde) the list
    adopted_on: str | None = None
    follows_up: str | None = None  # a follow-up report's activity list (IRI or title)

    def merged(self, overrides: "PlanMeta") -> "PlanMeta":
        """This metadata with every field that ``overrides`` sets replaced."""
        changes = {
            f.name: getattr(overrides, f.name)
            for f in fields(self)
            if getattr(overrides, f.name) is not None
        }
        return replace(self, **changes)


_SCALARS = (str, int, float, bool, datetime.date)
_QUOTED = 60  # characters of a written value quoted in a message; a value may be 64 kB


def quoted(value: object) -> str:
    """A value the user wrote, quoted in a message at bounded length."""
    text = str(value)
    return repr(text if len(text) <= _QUOTED else text[:_QUOTED] + "…")


def parse_year(text: str) -> int | None:
    """A year written as four ASCII digits from 1000 to 9999 ("2026"), else None.

    ``str.isdigit`` and ``int`` also take superscript (²⁰²⁶), full-width (２０２６) or
    Arabic-Indic digits, and "0999" would be the year 999; none of these is a year a plan
    means, so each is refused with what is expected instead of being read one way or another.
    """
    text = text.strip()
    return int(text) if re.fullmatch(r"[1-9][0-9]{3}", text) else None


def meta_from_mapping(values: dict[Any, Any], where: str) -> PlanMeta:
    """Check and convert the keys and values of a header file or form."""
    result: dict[str, Any] = {}
    for key, value in values.items():
        name = _KEYS.get(str(key).strip().casefold().replace(" ", "_").replace("-", "_"))
        if name is None:
            raise PlanError(
                where,
                Text(
                    f"okänd nyckel {quoted(key)}; kända nycklar: {', '.join(_SWEDISH_KEYS)} "
                    "(eller de engelska)",
                    f"unknown key {quoted(key)}; known keys: {', '.join(_ENGLISH_KEYS)} (or the "
                    "Swedish ones)",
                ),
            )
        if value is None or str(value).strip() == "":
            continue
        if not isinstance(value, _SCALARS):  # a list or table where one value belongs
            raise PlanError(
                where,
                Text(
                    f"{key}: väntade ett värde (en text, ett tal eller ett datum), inte en lista eller tabell",
                    f"{key}: expected one value (text, a number or a date), not a list or table",
                ),
            )
        result[name] = _convert(name, value, where)
    return PlanMeta(**result)


def _convert(name: str, value: Any, where: str) -> Any:
    if name == "year":
        year = parse_year(str(value)) if not isinstance(value, bool) else None
        if year is None:
            raise PlanError(
                where,
                Text(
                    f"år: väntade ett årtal med fyra siffror 0–9, som 2025, fick {quoted(value)}",
                    f"year: expected a year in four digits 0-9, such as 2025, got {quoted(value)}",
                ),
            )
        return year
    if name == "kind":
        kind = _KINDS.get(" ".join(str(value).split()).casefold())
        if kind is None:
            raise PlanError(
                where,
                Text(
                    f"typ: väntade aktivitetslista eller samverkansberättelse, fick {quoted(value)}",
                    f"kind: expected activity-list or follow-up, got {quoted(value)}",
                ),
            )
        return kind
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    check_cell(str(value), f"{where}: {name}")  # it becomes a title, a date … in the graph
    return " ".join(str(value).split())


def parse_meta(text: str, name: str) -> PlanMeta:
    """A header file's text; ``name`` (its file name) says whether it is YAML or TOML.
    tomllib recurses once per level of nesting: a few kB of ``[[[…`` exceeded Python's
    recursion limit (a 500 over HTTP), so that is a located error too."""
    try:
        values = tomllib.loads(text) if name.endswith(".toml") else yaml.load(text, _TextLoader)
    except RecursionError as exc:
        raise PlanError(name, TOO_DEEP) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(name, Text("ogiltig TOML", "invalid TOML"), str(exc)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        if isinstance(exc, _TooDeep):
            raise PlanError(where, TOO_DEEP) from exc
        if isinstance(exc, _NoReferences):
            raise PlanError(
                where,
                Text(
                    "ankare och alias (& och *) är inte tillåtna; skriv ut varje värde",
                    "anchors and aliases (& and *) are not allowed; write each value out",
                ),
            ) from exc
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanError(where, Text("ogiltig YAML", "invalid YAML"), problem) from exc
    if values is None:
        return PlanMeta()
    if not isinstance(values, dict):
        raise PlanError(
            name,
            Text(
                "väntade nycklar med värden (kommun: Uppsala …)",
                "expected keys with values (municipality: Uppsala …)",
            ),
        )
    return meta_from_mapping(values, name)


def meta_beside(plan_path: Path) -> tuple[PlanMeta, Path | None]:
    """The header file next to ``plan_path`` (``NAME.meta.yaml`` …), if there is one."""
    stem = plan_path.name.rsplit(".", 1)[0]
    for suffix in META_SUFFIXES:
        candidate = plan_path.with_name(stem + suffix)
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as exc:
                raise PlanError(
                    str(candidate), Text("filen är inte UTF-8", "the file is not UTF-8")
                ) from exc
            return parse_meta(text, str(candidate)), candidate
    return PlanMeta(), None

"""Plan metadata (municipality, year, kind, title, date …) from a small header file beside
the plan (``PLAN.meta.yaml`` or ``PLAN.meta.toml``), from CLI options or from a form.

All of it is optional; ``tabular.build`` states the defaults it assumes in the report.
Keys may be written in English or Swedish (``kommun``, ``år``, ``datum`` …).
"""

import datetime
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
_KINDS: dict[str, Kind] = {
    "activity-list": "activity-list",
    "activity list": "activity-list",
    "aktivitetslista": "activity-list",
    "follow-up": "follow-up",
    "follow-up report": "follow-up",
    "uppföljning": "follow-up",
    "samverkansberättelse": "follow-up",
}


class _TextLoader(yaml.SafeLoader):
    """YAML that keeps dates as written: a wrong date ("2025-13-01") is then reported by the
    shapes, with the value quoted, instead of breaking the reading of the file."""


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


def meta_from_mapping(values: dict[str, Any], where: str) -> PlanMeta:
    """Check and convert the keys and values of a header file or form."""
    result: dict[str, Any] = {}
    for key, value in values.items():
        name = _KEYS.get(str(key).strip().casefold().replace(" ", "_").replace("-", "_"))
        if name is None:
            raise PlanError(
                where,
                Text(
                    f"okänd nyckel {key!r}; kända nycklar: {', '.join(sorted(set(_KEYS)))}",
                    f"unknown key {key!r}; known keys: {', '.join(sorted(set(_KEYS)))}",
                ),
            )
        if value is None or str(value).strip() == "":
            continue
        result[name] = _convert(name, value, where)
    return PlanMeta(**result)


def _convert(name: str, value: Any, where: str) -> Any:
    if name == "year":
        text = str(value).strip()
        if not text.isdigit() or len(text) != 4:
            raise PlanError(
                where,
                Text(
                    f"år: väntade ett årtal som 2025, fick {value!r}",
                    f"year: expected a year such as 2025, got {value!r}",
                ),
            )
        return int(text)
    if name == "kind":
        kind = _KINDS.get(" ".join(str(value).split()).casefold())
        if kind is None:
            raise PlanError(
                where,
                Text(
                    f"typ: väntade aktivitetslista eller samverkansberättelse, fick {value!r}",
                    f"kind: expected activity-list or follow-up, got {value!r}",
                ),
            )
        return kind
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    check_cell(str(value), f"{where}: {name}")  # it becomes a title, a date … in the graph
    return " ".join(str(value).split())


def parse_meta(text: str, name: str) -> PlanMeta:
    """A header file's text; ``name`` (its file name) says whether it is YAML or TOML."""
    try:
        values = tomllib.loads(text) if name.endswith(".toml") else yaml.load(text, _TextLoader)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(name, Text(f"ogiltig TOML: {exc}", f"invalid TOML: {exc}")) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanError(
            where, Text(f"ogiltig YAML: {problem}", f"invalid YAML: {problem}")
        ) from exc
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

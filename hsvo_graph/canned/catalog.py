"""Canned queries: ``queries/*.rq`` files with a ``#+`` YAML header, run with safe binding.

The header (grlc's convention) names the query in Swedish and English, asks it as a
plain-language question, declares its parameters and may name its result columns; the
service and the CLI discover the files at start-up, so a new ``.rq`` file is a new query
page and API route without any Python change. Argument values are normalised (Unicode
NFC, white space collapsed, lower-cased for text; with ``fold: true`` also without
diacritics) and bound as RDF terms by ``hsvo_graph.sparql.binding`` — never pasted into the
query text; a body's name is bound as the IRIs of the bodies that bear it
(``hsvo_graph.canned.bodies``), so the query starts from the body's node.

Header keys: ``title`` (required), ``id``, ``question``, ``description``, ``tags``,
``parameters`` (``name``, ``type``, ``required``, ``multiple``, ``fold``, ``default``, ``label``,
``example``), ``columns`` (variable → heading), ``links`` (text column → the IRI column
its cells link to) and ``order`` (a language → result variables that trade places on its
pages and downloads: ``{en: [summaryEn, summary]}`` puts the English summary first).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import XSD, Literal
from rdflib.term import Identifier

from hsvo_graph.canned.bodies import NO_BODY, bodies_named
from hsvo_graph.canned.folding import fold_text, normalise_text
from hsvo_graph.sparql.binding import BindingError, check_iri
from hsvo_graph.sparql.reader import Reader, Table
from hsvo_graph.sparql.text import load_rq

# body, focus area, year, document and free text are what people choose or type; iri is
# for programs that already hold an IRI.
LATEST = "latest"
PARAMETER_TYPES = ("body", "area", "year", "document", "text", "iri")
# The longest value a parameter takes: a name, a year or a few words of search are far
# shorter, and a value that is not is refused before it is normalised, bound or echoed.
MAX_VALUE_LENGTH = 500
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_HEADER = "#+"


class CatalogError(ValueError):
    """A ``.rq`` file is malformed; the message names the file and line."""


class ParameterError(ValueError):
    """An argument is missing, unknown or malformed; the message says what was expected, in
    English for programs. ``code`` (missing, one_value, year, iri, empty, unknown, too_long), the
    ``parameter`` and ``details`` let a page say the same in its own language, naming the
    field by its label (``web.problems``); ``too_long`` is a value over
    ``MAX_VALUE_LENGTH`` characters."""

    def __init__(self, message: str, code: str, parameter: "Parameter | None" = None,
                 **details: str) -> None:
        super().__init__(message)
        self.code, self.parameter, self.details = code, parameter, details


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a canned query."""

    name: str
    type: str
    required: bool
    label: dict[str, str]
    example: str | None = None
    multiple: bool = False
    fold: bool = False
    default: str | None = None


@dataclass(frozen=True)
class CannedQuery:
    """A parsed ``.rq`` file."""

    id: str
    title: dict[str, str]
    description: dict[str, str]
    parameters: tuple[Parameter, ...]
    tags: tuple[str, ...]
    sparql: str
    path: Path
    question: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    order: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def ordered(self, variables: Sequence[str], lang: str) -> list[str]:
        """``variables`` in the order a page in ``lang`` shows them: the ones ``order`` lists
        for ``lang`` fill the places they hold together, in the order listed (the English
        page leads with the English summary, the Swedish page with the Swedish one)."""
        listed = [v for v in self.order.get(lang, ()) if v in variables]
        places = iter(listed)
        return [next(places) if v in listed else v for v in variables]


def _localised(value: Any, key: str, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"sv": value, "en": value}
    if isinstance(value, dict) and "sv" in value:
        return {lang: str(text).strip() for lang, text in value.items()}
    raise CatalogError(f"{where}: '{key}' must be text or a mapping with at least 'sv'")


def _parameter(raw: Any, where: str) -> Parameter:
    if not isinstance(raw, dict) or "name" not in raw:
        raise CatalogError(f"{where}: each parameter needs at least a 'name'")
    name, kind = str(raw["name"]), str(raw.get("type", "text"))
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        raise CatalogError(f"{where}: parameter name {name!r} is not a SPARQL variable name")
    if kind not in PARAMETER_TYPES:
        raise CatalogError(
            f"{where}: parameter {name!r} has type {kind!r}; expected one of {', '.join(PARAMETER_TYPES)}"
        )
    default = str(raw["default"]) if raw.get("default") is not None else None
    if default == LATEST and kind != "year":
        raise CatalogError(f"{where}: parameter {name!r}: default '{LATEST}' is for type year only")
    return Parameter(
        name=name,
        type=kind,
        required=bool(raw.get("required", False)),
        label=_localised(raw.get("label", name), "label", where),
        example=str(raw["example"]) if "example" in raw else None,
        multiple=bool(raw.get("multiple", False)),
        fold=bool(raw.get("fold", False)),
        default=default,
    )


def _columns(value: Any, where: str) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: 'columns' must map result variables to headings")
    return {str(name): _localised(text, f"columns.{name}", where) for name, text in value.items()}


def _links(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise CatalogError(f"{where}: 'links' must map a text column to the IRI column it links to")
    return {str(text): target for text, target in value.items()}


def _order(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise CatalogError(f"{where}: 'order' must map a language to a list of result variables")
    return {str(lang): tuple(str(v) for v in names) for lang, names in value.items()}


def parse_canned_query(path: Path) -> CannedQuery:
    """Read one ``.rq`` file: the ``#+`` header lines are YAML, the rest is SPARQL."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = [line[len(_HEADER):] for line in lines if line.startswith(_HEADER)]
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise CatalogError(f"{path}{line}: header is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict) or "title" not in meta:
        raise CatalogError(f"{path}:1: header must be '#+ key: value' lines including 'title'")
    query_id = str(meta.get("id", path.stem))
    if not _ID.match(query_id):
        raise CatalogError(f"{path}:1: id {query_id!r} must be lower-case letters, digits, '_'")
    sparql = "\n".join(line for line in lines if not line.startswith(_HEADER)).strip() + "\n"
    parameters = tuple(_parameter(p, str(path)) for p in meta.get("parameters") or [])
    title = _localised(meta["title"], "title", str(path))
    return CannedQuery(
        id=query_id,
        title=title,
        description=_localised(meta.get("description", ""), "description", str(path)),
        parameters=parameters,
        tags=tuple(str(t) for t in meta.get("tags") or []),
        sparql=sparql,
        path=path,
        question=_localised(meta["question"], "question", str(path)) if "question" in meta else title,
        columns=_columns(meta.get("columns") or {}, str(path)),
        links=_links(meta.get("links") or {}, str(path)),
        order=_order(meta.get("order") or {}, str(path)),
    )


def load_catalog(queries_dir: Path) -> dict[str, CannedQuery]:
    """All canned queries of a directory, by id, in file-name order."""
    catalog: dict[str, CannedQuery] = {}
    for path in sorted(queries_dir.glob("*.rq")):
        query = parse_canned_query(path)
        if query.id in catalog:
            raise CatalogError(f"{path}:1: id {query.id!r} is also used by {catalog[query.id].path}")
        catalog[query.id] = query
    return catalog


def year_of(parameter: Parameter, value: str) -> int:
    """The year ``value`` writes in four digits (any script's, as people type them), else a
    ParameterError naming ``parameter``."""
    text = value.strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ParameterError(f"{parameter.name}: expected a year such as 2025, got {value!r}",
                             "year", parameter=parameter, value=value)
    return int(text)


def to_term(parameter: Parameter, value: str) -> Identifier:
    """One argument as the RDF term its parameter type asks for."""
    if len(value) > MAX_VALUE_LENGTH:
        raise ParameterError(f"{parameter.name}: at most {MAX_VALUE_LENGTH} characters, got {len(value)}",
                             "too_long", parameter=parameter, limit=str(MAX_VALUE_LENGTH),
                             length=str(len(value)))
    if parameter.type == "year":
        return Literal(year_of(parameter, value), datatype=XSD.integer)
    if parameter.type == "iri":
        try:
            return check_iri(value.strip())
        except BindingError as exc:
            raise ParameterError(f"{parameter.name}: {exc}", "iri", parameter=parameter,
                                 value=value) from exc
    text = fold_text(value) if parameter.fold else normalise_text(value)
    if not text:
        raise ParameterError(f"{parameter.name}: empty value", "empty", parameter=parameter)
    return Literal(text)


def bind_arguments(
    reader: Reader, query: CannedQuery, arguments: Mapping[str, str | Sequence[str]]
) -> dict[str, list[Identifier]]:
    """Check arguments against the declared parameters and turn them into RDF terms: a body
    parameter into the IRIs of the bodies its names name (``NO_BODY`` if none: the question
    then has no rows), from the body names ``reader`` keeps per dataset version."""
    unknown = sorted(set(arguments) - {p.name for p in query.parameters})
    if unknown:
        expected = ", ".join(p.name for p in query.parameters) or "none"
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; expected: {expected}",
                             "unknown", names=", ".join(unknown))
    bound: dict[str, list[Identifier]] = {}
    for parameter in query.parameters:
        raw = arguments.get(parameter.name)
        values = [raw] if isinstance(raw, str) else [v for v in raw or [] if v.strip()]
        values = [v for v in values if v.strip()]
        if not values:
            if parameter.required:
                raise ParameterError(f"{parameter.name}: required parameter is missing", "missing",
                                     parameter=parameter)
            continue
        if len(values) > 1 and not parameter.multiple:
            raise ParameterError(f"{parameter.name}: takes one value, got {len(values)}", "one_value",
                                 parameter=parameter, count=str(len(values)))
        terms = [to_term(parameter, v) for v in values]
        if parameter.type == "body":  # the nodes of the bodies named, not the names
            names = [str(term) for term in terms]
            terms = list(bodies_named(reader, names, folded=parameter.fold) or [NO_BODY])
        bound[parameter.name] = terms
    return bound


def latest_list_year(reader: Reader) -> str | None:
    """The newest year that has activities in an activity list of the graph (read once per
    version of the dataset: every question with a ``latest`` default asks it first)."""
    return reader.remembered(("latest_list_year",), _read_latest_list_year)


def _read_latest_list_year(reader: Reader) -> str | None:
    table = reader.select(load_rq("hsvo_graph.canned", "latest_list_year"))
    latest = table.rows[0].get("latest") if table.rows else None
    return str(latest) if latest is not None else None


def with_defaults(
    reader: Reader, query: CannedQuery, arguments: Mapping[str, str | Sequence[str]]
) -> dict[str, list[str]]:
    """The arguments plus the declared default of every parameter left empty.

    ``default: latest`` (year parameters) is the newest activity-list year in the graph, so
    "which activities …" means this year's list until another year is asked for.
    """
    filled = {k: [v] if isinstance(v, str) else list(v) for k, v in arguments.items()}
    for parameter in query.parameters:
        if parameter.default is None or any(v.strip() for v in filled.get(parameter.name, [])):
            continue
        value = latest_list_year(reader) if parameter.default == LATEST else parameter.default
        if value is not None:
            filled[parameter.name] = [value]
    return filled


def run_canned(
    reader: Reader, query: CannedQuery, arguments: Mapping[str, str | Sequence[str]]
) -> Table:
    """Run a canned query with its arguments (and declared defaults) bound as RDF terms."""
    return reader.select(query.sparql, bind_arguments(reader, query, with_defaults(reader, query, arguments)))

"""``hsvo validate PLAN`` and ``hsvo import PLAN``: check a new activity list or follow-up
report (CSV, XLSX, Turtle, TriG, JSON-LD, N-Triples) and put it in the graph.

Exit codes: 0 valid (imported), 1 violations (with --strict also warnings; nothing is
imported), 2 the file cannot be used at all, 3 the store failed (nothing is imported),
4 a replacement was not confirmed (nothing is imported), 5 (``validate`` only) no
violations, but the check was partial: the store could not be read, so the plan was checked
against ontology/ and data/ without the plans imported in the store.
"""

import getpass
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hsvo_graph.cli.main import cycles_uncollected, end
from hsvo_graph.config import Settings
from hsvo_graph.validation.plans import PlanError, PlanMeta, read_plan
from hsvo_graph.validation.context import Context, context_from_sources, context_if_stored
from hsvo_graph.validation.meta import meta_beside, meta_from_mapping, parse_meta
from hsvo_graph.validation.model import Report
from hsvo_graph.validation.report import as_data, error_data, error_text, to_json, to_text, to_turtle
from hsvo_graph.store import GraphStore, StoreError, WriteUnconfirmed, open_store, open_untracked
from hsvo_graph.validation.check import validate_plan

if TYPE_CHECKING:  # imports and plan management are imported by `hsvo import`, not `hsvo validate`
    from hsvo_graph.validation.managed import Change, Reapplied

EXIT_VALID, EXIT_VIOLATIONS, EXIT_UNUSABLE, EXIT_STORE, EXIT_UNCONFIRMED = 0, 1, 2, 3, 4
EXIT_PARTIAL = 5
#: said after the summary of a check made without the store (``hsvo validate``)
PARTIAL_CHECK = (
    "OFULLSTÄNDIG KONTROLL: lagret kunde inte läsas, så planen kontrollerades bara mot "
    "ontology/ och data/, inte mot planerna som importerats i lagret; kontrollera igen när "
    "lagret svarar innan planen importeras.\n"
    "PARTIAL CHECK: the store could not be read, so the plan was checked against ontology/ "
    "and data/ only, not against the plans imported in the store; check again once the store "
    "answers before importing the plan."
)
RENDERERS: dict[str, Callable[..., str]] = {"text": to_text, "json": to_json, "ttl": to_turtle}

_META_OPTIONS = [
    (
        "--municipality",
        "municipality",
        "Kommun / municipality (default: from the file name, else Uppsala).",
    ),
    (
        "--year",
        "year",
        "År / year of the list (default: the År column, the headings or the file name).",
    ),
    ("--kind", "kind", "aktivitetslista (default) or samverkansberättelse (a follow-up report)."),
    ("--plan", "plan", "The collaboration plan the list belongs to (title or doc:IRI)."),
    ("--title", "title", "Title of the list or report."),
    ("--date", "date", "Date of the document, YYYY-MM-DD."),
    ("--diary-number", "diary_number", "Diarienummer, e.g. SCN-2024-00258."),
    ("--adopted-by", "adopted_by", "Body that adopted (fastställde) the list."),
    ("--adopted-on", "adopted_on", "Date of the adoption."),
    ("--follows-up", "follows_up", "A follow-up report's activity list (title or doc:IRI)."),
]


TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


def to_html(report: Report, strict: bool = False, lang: str = "sv") -> str:
    """A standalone HTML page of the report, readable without a server (the upload page
    shows the same body). Rendered here, not in validation/, which stays free of the web
    layer."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from hsvo_graph.web.display import quotes_marked
    from hsvo_graph.web.i18n import Translator

    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    environment.filters["quotes_marked"] = quotes_marked
    template = environment.get_template("validate_report.html")
    return template.render(report=as_data(report, strict), lang=lang, t=Translator(lang))


def plan_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by validate and import: format, strictness and metadata."""
    for flag, name, text in reversed(_META_OPTIONS):
        command = click.option(flag, name, help=text)(command)
    command = click.option(
        "--meta",
        "meta_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Metadata file (default: PLAN.meta.yaml or PLAN.meta.toml beside the plan).",
    )(command)
    command = click.option(
        "--strict", is_flag=True, help="Warnings count as violations (exit code 1)."
    )(command)
    return click.argument(
        "plan_file", metavar="PLAN", type=click.Path(exists=True, dir_okay=False, path_type=Path)
    )(command)


def _meta(plan: Path, meta_file: Path | None, options: dict[str, Any]) -> PlanMeta:
    """The header file's metadata, with the command-line options on top."""
    if meta_file is not None:
        meta = parse_meta(meta_file.read_text(encoding="utf-8-sig"), str(meta_file))
    else:
        meta, _ = meta_beside(plan)
    return meta.merged(meta_from_mapping(options, "command line"))


def _context(settings: Settings, store: GraphStore | None) -> Context:
    """The store's content when there is any, else ontology/ + data/ from disk."""
    context = context_if_stored(store, settings) if store is not None else None
    return context if context is not None else context_from_sources(settings)


def _unusable(error: PlanError, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(error_data(error), ensure_ascii=False, indent=2))
    else:
        click.echo(error_text(error), err=True)


@click.command("validate")
@plan_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "ttl", "html"]),
    default="text",
    show_default=True,
    help="How to print the report.",
)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Page language of the HTML report.",
)
@click.pass_context
def validate_command(
    ctx: click.Context,
    plan_file: Path,
    strict: bool,
    meta_file: Path | None,
    fmt: str,
    lang: str,
    **options: Any,
) -> None:
    """Check a plan (activity list or follow-up report) without changing anything.

    \b
    PLAN is a spreadsheet (.csv UTF-8 with , or ;  or .xlsx) with the columns
    Prioriterat område, Lokalt fokusområde, Aktivitet, Uppföljning, Ansvar and
    optionally Delaktiga, År, Status – or an RDF file (.ttl .trig .jsonld .nt).
    Metadata (kommun, år, titel, datum …) is read from PLAN.meta.yaml beside it.

    \b
    Exit code 0: valid; 1: violations (or warnings with --strict); 2: unusable
    file; 5: no violations, but the check was partial: the store could not be read,
    so the plan was checked against ontology/ and data/ only, not against the plans
    imported in the store (said after the summary).
    """
    settings: Settings = ctx.obj
    try:
        with cycles_uncollected():
            meta = _meta(plan_file, meta_file, options)
            context, partial = _context_without_locking(settings)
            plan = read_plan(plan_file.read_bytes(), plan_file.name, meta, context)
            report = validate_plan(plan, context)
    except PlanError as error:
        _unusable(error, fmt)
        end(ctx, EXIT_UNUSABLE)
    if fmt == "html":
        click.echo(to_html(report, strict, lang))
    else:
        click.echo(RENDERERS[fmt](report, strict))
    code = report.exit_code(strict)
    if partial:
        # after the summary in a text report; beside a JSON, Turtle or HTML one (stderr),
        # which stays what its readers parse
        click.echo(PARTIAL_CHECK, err=fmt != "text")
        if code == EXIT_VALID:
            code = EXIT_PARTIAL
    end(ctx, code)


def _context_without_locking(settings: Settings) -> tuple[Context, bool]:
    """Validation only reads: when the store cannot be opened or read (a remote store that
    is down, a store path that is no store), check against the source files instead of
    failing, and say that the check was partial (True)."""
    try:
        store = open_untracked(settings)
    except StoreError as error:  # one line, and the check goes on without the store
        _without_store(error)
        return context_from_sources(settings), True
    try:
        return _context(settings, store), False
    except StoreError as error:
        _without_store(error)
        return context_from_sources(settings), True
    finally:
        store.close()


def _without_store(error: StoreError) -> None:
    click.echo(f"{error} – kontrollerad mot ontology/ och data/ / checked against "
               "ontology/ and data/", err=True)


@click.command("import")
@plan_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the report.",
)
@click.option("--dry-run", is_flag=True, help="Validate and show what would change; import nothing.")
@click.option("--yes", "-y", is_flag=True, help="Replace a plan in force without asking.")
@click.pass_context
def import_command(
    ctx: click.Context,
    plan_file: Path,
    strict: bool,
    meta_file: Path | None,
    fmt: str,
    dry_run: bool,
    yes: bool,
    **options: Any,
) -> None:
    """Validate a plan and import it into the store as its own named graph, keeping the
    file under the plans directory so that every rebuild (hsvo load) re-applies it.

    Nothing is imported when the plan has violations (or warnings, with --strict). The
    import is one transaction: the plan's graph and the recomputed inferred graph replace
    the old ones together, so a failure leaves the store as it was. Importing the same
    plan (same body and year) again replaces it: the added, removed and changed activities
    are shown first and you are asked to confirm (--yes does not ask; --dry-run only shows).

    Exit code 0: imported (or, with --dry-run, importable); 1: violations, not imported;
    2: unusable file; 3: the store failed; 4: the replacement was not confirmed.
    """
    from hsvo_graph.validation.locking import import_lock

    settings: Settings = ctx.obj
    # The import lock first: an embedded store can be open in one process only, so a second
    # `hsvo import` waits here for the first to finish instead of failing to open it.
    with import_lock(settings.plans_dir):
        _import(ctx, settings, plan_file, strict, meta_file, fmt, dry_run, yes, options)


def _import(
    ctx: click.Context,
    settings: Settings,
    plan_file: Path,
    strict: bool,
    meta_file: Path | None,
    fmt: str,
    dry_run: bool,
    yes: bool,
    options: dict[str, Any],
) -> None:
    from hsvo_graph.validation.managed import Upload, import_managed

    try:
        store = open_store(settings)
    except StoreError as error:
        click.echo(f"{error}", err=True)
        ctx.exit(EXIT_STORE)
    try:
        upload = Upload(
            plan_file.read_bytes(), plan_file.name, _meta(plan_file, meta_file, options), strict
        )
        context_of = partial(_context, settings, store)
        change = import_managed(store, settings, upload, context_of, CLI_ACTOR, preview=dry_run)
        if change.needs_confirmation:
            if fmt == "text":
                click.echo(diff_text(change))
            if not yes and not _confirmed():
                click.echo("Inget importerades / nothing was imported.", err=True)
                ctx.exit(EXIT_UNCONFIRMED)
            change = import_managed(
                store, settings, upload, context_of, CLI_ACTOR, confirm=change.confirm
            )
    except PlanError as error:
        _unusable(error, fmt)
        ctx.exit(EXIT_UNUSABLE)
    except WriteUnconfirmed as error:
        click.echo(f"{WriteUnconfirmed.SV} / {error}", err=True)
        ctx.exit(EXIT_STORE)
    except StoreError as error:
        click.echo(
            f"Lagret misslyckades; inget importerades / the store failed; nothing was "
            f"imported: {error}",
            err=True,
        )
        ctx.exit(EXIT_STORE)
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps({**as_data(change.report, strict), "import": change.as_data()},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(to_text(change.report, strict))
        click.echo(_import_line(change, dry_run))
    if dry_run:
        ctx.exit(change.report.exit_code(strict))
    ctx.exit(EXIT_VALID if change.imported else EXIT_VIOLATIONS)


CLI_ACTOR = f"cli:{getpass.getuser()}"


def _confirmed() -> bool:
    """Ask before replacing a plan in force; no answer (no terminal) is a no."""
    try:
        return click.confirm("Ersätta planen? / Replace the plan?", default=False)
    except click.Abort:
        return False


def diff_text(change: "Change") -> str:
    """The difference to the version in force, for a terminal."""
    replaced = change.replaces
    lines = [
        f"Ersätter version {replaced.version} ({replaced.at}) / replaces version "
        f"{replaced.version} ({replaced.at}): {replaced.title or replaced.key}"
        if replaced is not None
        else "Ersätter planens graf i lagret / replaces the plan's graph in the store"
        if change.confirm is not None
        else "Ny plan / new plan"
    ]
    for sign, sv, en, titles in (
        ("+", "tillagda", "added", change.diff.added),
        ("-", "borttagna", "removed", change.diff.removed),
        ("~", "ändrade", "changed", change.diff.changed),
    ):
        lines.append(f"  {len(titles)} {sv} / {en}")
        lines += [f"    {sign} {title}" for title in titles]
    return "\n".join(lines)


def _import_line(change: "Change", dry_run: bool) -> str:
    graph = change.report.plan.graph
    if dry_run:
        return (
            f"Provkörning; inget importerades / dry run; nothing was imported.\n{diff_text(change)}"
        )
    if not change.imported or change.result is None:
        return "Inget importerades / nothing was imported."
    result = change.result
    verb = ("Ersatte", "replaced") if change.confirm is not None else ("Importerade", "imported")
    return (
        f"{verb[0]} <{graph}>: {result.triples} tripler, {result.inferred} härledda / "
        f"{verb[1]}: {result.triples} triples, {result.inferred} inferred "
        f"({result.seconds:.2f} s)."
    )


def echo_reapplied(outcomes: "list[Reapplied]") -> None:
    """Say which imported plans a rebuild put back, and which it could not."""
    for outcome in outcomes:
        entry = outcome.entry
        if outcome.applied:
            click.echo(
                f"{outcome.triples:7d}  plan {entry.key} v{entry.version} återlagd / re-applied"
            )
        else:
            click.echo(
                f"   ---   plan {entry.key} v{entry.version} INTE återlagd / NOT re-applied: "
                f"{outcome.reason}",
                err=True,
            )

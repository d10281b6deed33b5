"""``hsvo plans list | show | remove | export``: the imported plans kept under the plans
directory (see validation/registry.py), what is in force and the history of each."""

import json
from pathlib import Path

import click

from hsvo_graph.cli.plans import CLI_ACTOR, EXIT_STORE
from hsvo_graph.config import Settings
from hsvo_graph.store import StoreError, open_store
from hsvo_graph.validation.filenames import export_name
from hsvo_graph.validation.managed import remove_managed
from hsvo_graph.validation.registry import Entry, PlanRegistry


@click.group("plans")
def plans_group() -> None:
    """The imported plans: each is kept (file, when, by whom, checksum, report) and put
    back by every `hsvo load`."""


def _registry(ctx: click.Context) -> PlanRegistry:
    settings: Settings = ctx.obj
    return PlanRegistry(settings.plans_dir)


def _line(entry: Entry) -> str:
    return (
        f"{entry.key}  v{entry.version}  {entry.action:<8}  {entry.at}  {entry.actor}  "
        f"{entry.title or ''}"
    )


def _history(registry: PlanRegistry, key: str) -> list[Entry]:
    """The plan's history; a key that cannot name a plan (``../x``, ``a/b``: the registry
    refuses it as a folder) has none, as over HTTP."""
    try:
        return registry.history(key)
    except KeyError:
        return []


def _entry(registry: PlanRegistry, key: str) -> Entry:
    history = _history(registry, key)
    entry = history[-1] if history and history[-1].action != "removed" else None
    if entry is None:
        known = ", ".join(e.key for e in registry.current_plans()) or "inga / none"
        raise click.ClickException(
            f"ingen importerad plan {key!r} / no imported plan {key!r} (i kraft / in force: {known})"
        )
    return entry


@plans_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also plans that were removed.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def list_command(ctx: click.Context, show_all: bool, fmt: str) -> None:
    """The plans in force (with --all also removed ones), one line each."""
    registry = _registry(ctx)
    entries = (
        [registry.history(k)[-1] for k in registry.keys()] if show_all
        else registry.current_plans()
    )
    if fmt == "json":
        click.echo(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        click.echo("Inga importerade planer / no imported plans.")
    for entry in entries:
        click.echo(_line(entry))


@plans_group.command("show")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def show_command(ctx: click.Context, key: str, fmt: str) -> None:
    """One plan's history: every import, replacement and removal, with what changed."""
    history = _history(_registry(ctx), key)
    if not history:
        raise click.ClickException(f"ingen plan {key!r} / no plan {key!r}")
    if fmt == "json":
        click.echo(json.dumps([e.as_dict() for e in history], ensure_ascii=False, indent=2))
        return
    for entry in history:
        click.echo(_line(entry))
        if entry.sha256:
            click.echo(f"    {entry.name}  sha256:{entry.sha256}  {entry.counts}")
        for what, titles in entry.diff.items():
            for title in titles:
                click.echo(f"    {what}: {title}")


@plans_group.command("remove")
@click.argument("key")
@click.pass_context
def remove_command(ctx: click.Context, key: str) -> None:
    """Take a plan out of the graph (its history and files are kept)."""
    settings: Settings = ctx.obj
    _entry(_registry(ctx), key)
    try:
        store = open_store(settings)
    except StoreError as error:
        click.echo(str(error), err=True)
        ctx.exit(EXIT_STORE)
    try:
        removed = remove_managed(store, settings, key, CLI_ACTOR)
    except StoreError as error:
        click.echo(f"Lagret misslyckades / the store failed: {error}", err=True)
        ctx.exit(EXIT_STORE)
    finally:
        store.close()
    click.echo(f"Borttagen / removed: {_line(removed)}")


@plans_group.command("export")
@click.argument("key")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (default: the original file name, cleaned, in the current "
                   "directory).")
@click.option("--force", is_flag=True, help="Overwrite a file that is already there.")
@click.pass_context
def export_command(ctx: click.Context, key: str, output: Path | None, force: bool) -> None:
    """Write the plan's original file as it was imported (the version in force).

    Without --output the name is the uploaded one cleaned as the HTTP export cleans it (its
    last part, safe characters only), so a name an uploader chose ("../../x", "/etc/…")
    never writes outside the current directory; an existing file is kept without --force."""
    registry = _registry(ctx)
    entry = _entry(registry, key)
    target = output or Path(export_name(entry.name))
    try:
        with target.open("wb" if force else "xb") as out:
            out.write(registry.original(entry))
    except FileExistsError:
        raise click.ClickException(
            f"{target} finns redan; använd --force för att skriva över / {target} already "
            "exists; use --force to overwrite it"
        ) from None
    click.echo(f"{target} (v{entry.version}, sha256:{entry.sha256})")

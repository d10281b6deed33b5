"""The ``hsvo`` command: load the graph, query it, ask canned questions, serve it over HTTP.

Each command imports what it needs when it runs (settings, stores, rdflib, the validation
engine, the web service…), so ``hsvo --help`` and quick commands do not pay for the others'
imports.
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted_early(signum: int, frame: object) -> None:
    """Ctrl-C while the program is still importing its modules: one line and exit code
    130, not a traceback of the import under way (``run`` puts Python's handler back)."""
    os.write(2, "Avbrutet / interrupted\n".encode())
    os._exit(130)


if os.path.basename(sys.argv[0] if sys.argv else "") == "hsvo":  # the program, not an import
    signal.signal(signal.SIGINT, _interrupted_early)

import gc  # noqa: E402
import importlib  # noqa: E402
import socket  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, NoReturn  # noqa: E402

import click  # noqa: E402

from hsvo_graph import __version__  # noqa: E402

if TYPE_CHECKING:
    from hsvo_graph.config import Settings
    from hsvo_graph.store import GraphStore

FORMATS = click.Choice(["table", "json", "csv"])

# Commands defined in other modules: (module, attribute, the line `hsvo --help` shows).
_ELSEWHERE = {
    "validate": ("hsvo_graph.cli.plans", "validate_command",
                 "Check a plan (activity list or follow-up report) without importing it."),
    "import": ("hsvo_graph.cli.plans", "import_command",
               "Validate a plan and import it into the store as its own named graph."),
    "plans": ("hsvo_graph.cli.plans_admin", "plans_group",
              "The imported plans: kept, and put back by every `hsvo load`."),
}


class _Commands(click.Group):
    """A group whose commands from other modules are imported only when one of them runs;
    the command list in ``--help`` uses their summaries from ``_ELSEWHERE``."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *_ELSEWHERE])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _ELSEWHERE:
            return super().get_command(ctx, cmd_name)
        module, attribute, summary = _ELSEWHERE[cmd_name]
        if self._listing:
            return click.Command(cmd_name, short_help=summary)
        with cycles_uncollected():
            command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        """The command; an interrupt (Ctrl-C) ends it with exit code 130 and one line,
        not click's "Aborted!" and 1, the code of a plan with violations."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            interrupted()

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command ended by Ctrl-C


def interrupted() -> NoReturn:
    """One line on stderr, and exit code 130."""
    try:
        click.echo("Avbrutet / interrupted", err=True)
    except OSError:
        pass
    raise click.exceptions.Exit(EXIT_INTERRUPTED)


_program = False  # set by run(): this process is the `hsvo` program, not a caller's


def run() -> None:
    """The ``hsvo`` program (the console script): ``main`` in a process of its own, which a
    command that has released everything it opened may end at once (``end``)."""
    global _program
    _program = True
    if signal.getsignal(signal.SIGINT) is _interrupted_early:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main()
    except KeyboardInterrupt:  # between click's parsing and the command, or after it
        print("Avbrutet / interrupted", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)


def end(ctx: click.Context, code: int) -> NoReturn:
    """End the command with exit ``code``. In the ``hsvo`` program the process ends here,
    its output flushed, without tearing the interpreter down: freeing the objects of a
    validation one by one took 0.06 s, a seventh of ``hsvo validate``. Called in-process
    (tests, CliRunner), the command exits as usual."""
    if _program:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:  # a reader that went away (`| head`): nothing more to say
                pass
        os._exit(code)
    ctx.exit(code)


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """No cyclic garbage collection while the block runs. Importing a command's modules
    and checking a plan make hundreds of thousands of objects that live until the command
    ends and that are almost never cyclic garbage; the collector scanned them over and over,
    a tenth of ``hsvo validate``'s time. Reference counting still frees everything else."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def with_prefixes(sparql: str) -> str:
    """The query with the project's prefixes declared first (the query's own win)."""
    from hsvo_graph.namespaces import sparql_prologue

    return sparql_prologue() + sparql


@contextmanager
def opened(settings: Settings) -> Iterator[GraphStore]:
    """The configured store, closed afterwards; store errors become clean CLI errors."""
    from hsvo_graph.canned.catalog import CatalogError, ParameterError
    from hsvo_graph.graph.loading import LoadError
    from hsvo_graph.store import QuerySyntaxError, StoreError, open_store

    try:
        store = open_store(settings)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield store
    except (StoreError, QuerySyntaxError, ParameterError, LoadError, CatalogError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hsvo")
@click.option("--store", type=click.Choice(["embedded", "remote"]), help="Which store to use "
              "(default: embedded, or $HSVO_STORE).")
@click.option("--store-path", type=click.Path(path_type=Path), help="Directory of the embedded "
              "store (default: var/store, or $HSVO_STORE_PATH).")
@click.option("--plans-dir", type=click.Path(path_type=Path), help="Directory of the imported "
              "plans (default: var/plans, or $HSVO_PLANS_DIR).")
@click.option("--remote-query-url", help="SPARQL query endpoint of the remote store.")
@click.option("--remote-update-url", help="SPARQL update endpoint of the remote store.")
@click.option("--remote-gsp-url", help="Graph Store Protocol endpoint of the remote store.")
@click.pass_context
def main(ctx: click.Context, **options: object) -> None:
    """hsvo-graph: the governance of HSVO (hälsa, stöd, vård och omsorg) in Uppsala county
    as a knowledge graph.

    \b
    Typical use:
      hsvo load                      build the graph from ontology/ and data/
      hsvo ask                       list the ready-made questions
      hsvo ask activities_by_body_and_area --body ÄLN --area "nära vård"
      hsvo query "SELECT * WHERE { ?s a hsvo:Board }"
      hsvo serve                     web pages and SPARQL endpoint on http://127.0.0.1:8000

    Every option can also be set as an environment variable (HSVO_STORE, HSVO_STORE_PATH,
    HSVO_REMOTE_QUERY_URL, …). Use --store remote to work against an external SPARQL 1.1
    triplestore instead of the embedded one.

    \b
    Exit codes: 0 done; 1 an error (for validate and import: violations); 2 a usage error
    (validate, import: an unusable file); 3 the store failed (import, plans remove); 4 a
    replacement not confirmed (import); 130 interrupted (Ctrl-C).
    """
    from hsvo_graph.config import SettingsError, get_settings

    try:
        settings = get_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    overrides = {k: v for k, v in options.items() if v is not None}
    ctx.obj = settings.model_copy(update=overrides)


@main.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def load_command(settings: Settings, files: tuple[Path, ...]) -> None:
    """Rebuild the store from ontology/ and data/ (and any extra FILES), with inferred triples.

    FILES are your own RDF files (Turtle .ttl, N-Triples .nt, RDF/XML .rdf/.owl, JSON-LD
    .jsonld, TriG .trig, N-Quads .nq): TriG, N-Quads and JSON-LD keep their named graphs;
    other triples go into the graph named after the file (my-data.ttl → graph:my-data).

    All files are parsed and checked first; the store is then replaced in one transaction,
    so a bad file leaves the previous graph untouched.
    """
    from hsvo_graph.cli.plans import echo_reapplied
    from hsvo_graph.graph.loading import load
    from hsvo_graph.validation.managed import reapply_plans

    with opened(settings) as store:
        report = load(store, settings, files)
        for graph, count in report.graphs.items():
            click.echo(f"{count:7d}  {graph}")
        click.echo(f"{report.total:7d}  triples in {store.description} ({report.seconds:.2f} s)")
        echo_reapplied(reapply_plans(store, settings))


@main.command("query")
@click.argument("sparql", required=False)
@click.option("--file", "-f", "file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a file ('-' for standard input).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format for SELECT results.")
@click.pass_obj
def query_command(settings: Settings, sparql: str | None, file: click.File | None, fmt: str) -> None:
    """Run a SPARQL query and print the results.

    The project's prefixes (hsvo:, bd:, doc:, goal:, act:, rdfs:, skos:, dct:, prov:, org: …)
    are declared for you. CONSTRUCT and DESCRIBE print Turtle; ASK prints true or false.
    """
    from hsvo_graph.canned.tables import to_csv, to_text
    from hsvo_graph.store.base import table_from_json

    text = file.read() if file is not None else sparql  # type: ignore[attr-defined]
    if not text:
        raise click.UsageError("give a query as an argument or with --file")
    with opened(settings) as store:
        response = store.query(with_prefixes(text), graph_format="text/turtle")
        if response.kind == "graph":
            click.echo(response.body.decode("utf-8"), nl=False)
            return
        if response.kind == "boolean":
            click.echo("true" if b"true" in response.body else "false")
            return
        if fmt == "json":
            click.echo(response.body.decode("utf-8"))
            return
        table = table_from_json(response.body)
        click.echo(to_csv(table) if fmt == "csv" else to_text(table), nl=fmt != "csv")


@main.command(
    "ask",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("query_id", required=False)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_context
def ask_command(ctx: click.Context, query_id: str | None, fmt: str) -> None:
    """Ask one of the ready-made questions in queries/ (without QUERY_ID: list them).

    Parameters are given as --name value, e.g. --body ÄLN --area "nära vård". Text is
    matched without regard to case or extra spaces.
    """
    from hsvo_graph.canned.catalog import CatalogError, load_catalog, run_canned
    from hsvo_graph.canned.tables import to_csv, to_json, to_text
    from hsvo_graph.sparql.reader import StoreReader

    settings: Settings = ctx.obj
    try:
        catalog = load_catalog(settings.queries_dir)
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from exc
    if query_id is None:
        for query in catalog.values():
            params = " ".join(
                f"--{p.name} {p.type.upper()}" if p.required else f"[--{p.name} {p.type.upper()}]"
                for p in query.parameters
            )
            click.echo(f"{query.id} {params}\n    {query.title['sv']} / {query.title.get('en', '')}")
        return
    if query_id not in catalog:
        raise click.ClickException(
            f"no canned query {query_id!r}; available: {', '.join(catalog) or 'none'}"
        )
    query = catalog[query_id]
    arguments = _parse_arguments(ctx.args)
    with opened(settings) as store:
        table = run_canned(StoreReader(store), query, arguments)
    if fmt == "json":
        click.echo(to_json(table, pretty=True, query=query.id, parameters=arguments))
    elif fmt == "csv":
        click.echo(to_csv(table), nl=False)
    else:
        click.echo(to_text(table))


def _parse_arguments(args: list[str]) -> dict[str, list[str]]:
    """``--name value`` pairs (a name may repeat) from the extra command-line words."""
    arguments: dict[str, list[str]] = {}
    words = iter(args)
    for word in words:
        if not word.startswith("--") or len(word) < 3:
            raise click.UsageError(f"expected --name value, got {word!r}")
        name, _, inline = word[2:].partition("=")
        value = inline if inline else next(words, None)
        if value is None:
            raise click.UsageError(f"--{name} needs a value")
        arguments.setdefault(name.replace("-", "_"), []).append(value)
    return arguments


@main.command("serve")
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on, 1-65535 "
              "(default 8000).")
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="Log every request on stderr (a line per request costs throughput).")
@click.pass_obj
def serve_command(settings: Settings, host: str | None, port: int | None,
                  access_log: bool) -> None:
    """Serve the landing page, the SPARQL endpoint and the canned queries over HTTP.

    The address is bound first: a port in use or an address this machine does not have
    stops the command at once with one line (exit 1), before the store is opened; the line
    "hsvo-graph on http://…" is printed once the service answers."""
    import uvicorn

    from hsvo_graph.store.embedded import not_a_directory

    host = host or settings.host
    port = port or settings.port
    if settings.store == "embedded" and settings.store_path is not None and (
            settings.store_path.exists() and not settings.store_path.is_dir()):
        raise click.ClickException(not_a_directory(settings.store_path))
    listening = bind(host, port)

    from hsvo_graph.api.app import create_app
    from hsvo_graph.cli.http_protocol import HsvoHttpToolsProtocol

    shown = f"[{host}]" if ":" in host else host
    banner = f"hsvo-graph on http://{shown}:{port}/"

    class Server(uvicorn.Server):
        """uvicorn's server on the socket bound above, which says where it listens once
        the application has started (not before: a start that fails says so instead)."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                click.echo(banner, err=True)

    # uvloop and httptools: the event loop and HTTP parser in C, a fixed cost per request
    # several times smaller than asyncio's default loop with the pure-Python h11 (uvicorn's
    # httptools protocol, with a 414 for a URL too long to parse)
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="info",
                            loop="uvloop", http=HsvoHttpToolsProtocol, access_log=access_log)
    server = Server(config)
    server.run(sockets=[listening])
    if not server.started:
        sys.exit(3)  # uvicorn's code for a start-up that failed (the application's lifespan)


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` and listening, or a one-line error (a port in
    use, an address this machine does not have, a name that does not resolve)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(2048)
    except OSError as exc:
        listening.close()
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"kan inte lyssna på {host}:{port} / cannot listen on {host}:{port}: {reason}"
        ) from None
    listening.set_inheritable(False)
    return listening


if __name__ == "__main__":  # pragma: no cover
    # `python -m` runs this file as __main__, apart from the module the commands import
    # (and whose `end` they call): run that module's program.
    from hsvo_graph.cli.main import run as program

    program()

"""The ``hsvo`` command on the embedded store (on disk) and on the remote Oxigraph server."""

import json

import pytest
from click.testing import CliRunner

from hsvo_graph.cli.main import main

from .expected import ALN_NARA_VARD_2025, VS_KOMPETENS_2025


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory) -> list[str]:
    """Global options for an on-disk embedded store, loaded once with `hsvo load`."""
    options = ["--store-path", str(tmp_path_factory.mktemp("cli") / "store")]
    result = CliRunner().invoke(main, [*options, "load"])
    assert result.exit_code == 0, result.output
    assert "triples in embedded pyoxigraph store" in result.output
    return options


def test_help_explains_the_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for word in ("load", "query", "ask", "serve", "nära vård", "HSVO_STORE"):
        assert word in result.output


def test_ask_prints_the_example_question_as_a_table(disk_store):
    result = CliRunner().invoke(
        main, [*disk_store, "ask", "activities_by_body_and_area", "--body", "ÄLN", "--area", "nära vård", "--year", "2025"]
    )
    assert result.exit_code == 0, result.output
    assert "(7 rows)" in result.output
    assert "Tydliggöra vårdnivån på närvårdsplatser" in result.output


def test_ask_as_json_and_csv(disk_store):
    runner = CliRunner()
    as_json = runner.invoke(
        main, [*disk_store, "ask", "activities_by_body_and_area", "--body", "vs", "--area", "KOMPETENS", "--year", "2025", "--format", "json"]
    )
    assert [row["title"] for row in json.loads(as_json.output)["rows"]] == VS_KOMPETENS_2025
    as_csv = runner.invoke(
        main, [*disk_store, "ask", "activities_by_body_and_area", "--body=äldrenämnden", "--area=nära vård", "--year=2025", "--format", "csv"]
    )
    lines = as_csv.output.splitlines()
    assert lines[0].startswith("activity,title,year")
    assert len(lines) == 1 + len(ALN_NARA_VARD_2025)


def test_ask_lists_queries_and_reports_bad_input(disk_store):
    runner = CliRunner()
    listing = runner.invoke(main, [*disk_store, "ask"])
    assert "activities_by_body_and_area --body BODY --area AREA" in listing.output
    missing = runner.invoke(main, [*disk_store, "ask", "activities_by_body_and_area", "--body", "ÄLN"])
    assert missing.exit_code != 0 and "area: required parameter is missing" in missing.output
    unknown = runner.invoke(main, [*disk_store, "ask", "no_such_query"])
    assert unknown.exit_code != 0 and "no canned query 'no_such_query'" in unknown.output


def test_query_with_project_prefixes_in_three_formats(disk_store):
    runner = CliRunner()
    query = 'SELECT ?name WHERE { ?b hsvo:abbreviation "ÄLN" ; skos:prefLabel ?name FILTER(LANG(?name)="sv") }'
    table = runner.invoke(main, [*disk_store, "query", query])
    assert table.exit_code == 0 and "Äldrenämnden" in table.output
    as_json = runner.invoke(main, [*disk_store, "query", query, "--format", "json"])
    assert json.loads(as_json.output)["results"]["bindings"][0]["name"]["value"] == "Äldrenämnden"
    as_csv = runner.invoke(main, [*disk_store, "query", query, "--format", "csv"])
    assert as_csv.output.splitlines() == ["name", "Äldrenämnden"]


def test_query_ask_construct_and_syntax_error(disk_store):
    runner = CliRunner()
    assert runner.invoke(main, [*disk_store, "query", "ASK { ?b a hsvo:Board }"]).output.strip() == "true"
    turtle = runner.invoke(main, [*disk_store, "query", "CONSTRUCT WHERE { bd:uppsala-aln hsvo:abbreviation ?a }"])
    assert '"ÄLN"' in turtle.output
    bad = runner.invoke(main, [*disk_store, "query", "SELECT WHERE {"])
    assert bad.exit_code != 0 and "Error" in bad.output


def test_remote_store_through_options_and_environment(remote_store, remote_settings, oxigraph_url):
    runner = CliRunner()
    by_option = runner.invoke(main, [
        "--store", "remote", "--remote-query-url", remote_settings.remote_query_url,
        "--remote-update-url", remote_settings.remote_update_url,
        "--remote-gsp-url", remote_settings.remote_gsp_url,
        "ask", "activities_by_body_and_area", "--body", "ÄLN", "--area", "nära vård", "--year", "2025", "--format", "json",
    ])
    assert [r["title"] for r in json.loads(by_option.output)["rows"]] == ALN_NARA_VARD_2025
    env = {
        "HSVO_STORE": "remote",
        "HSVO_REMOTE_QUERY_URL": f"{oxigraph_url}/query",
        "HSVO_REMOTE_UPDATE_URL": f"{oxigraph_url}/update",
        "HSVO_REMOTE_GSP_URL": f"{oxigraph_url}/store",
    }
    from hsvo_graph.config import get_settings

    get_settings.cache_clear()
    try:
        # The seven boards of Uppsala kommun and Region Uppsala (other municipalities have their own).
        boards = "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b a hsvo:Board ; hsvo:principal ?p VALUES ?p { bd:uppsala-kommun bd:region-uppsala } }"
        by_env = runner.invoke(main, ["query", boards, "--format", "csv"], env=env)
    finally:
        get_settings.cache_clear()
    assert by_env.output.splitlines() == ["n", "7"]


@pytest.mark.parametrize(("plan", "code"), [
    ("data/templates/examples/aktivitetslista-uppsala-2025.csv", 0),
    ("tests/plans/broken/unknown-body.csv", 1),
    ("tests/plans/broken/binary.csv", 2),
])
def test_the_program_ends_validate_as_in_process(disk_store, plan, code):
    """`hsvo validate` as its own process ends without tearing the interpreter down
    (cli.main.end): the same report, on the same streams, and the same exit code."""
    import subprocess
    import sys

    from hsvo_graph.config import PROJECT_ROOT

    path = str(PROJECT_ROOT / plan)
    arguments = [*disk_store, "validate", "--format", "json", path]
    inside = CliRunner().invoke(main, arguments)
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print('torn down', file=sys.stderr))\n"
              f"sys.argv = ['hsvo', *{arguments!r}]\n"
              "from hsvo_graph.cli.main import run\nrun()\n")
    program = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             timeout=120)
    assert inside.exit_code == program.returncode == code, program.stderr
    assert json.loads(program.stdout) == json.loads(inside.stdout)
    assert program.stderr == inside.stderr  # and not "torn down": the process just ended


def test_validate_imports_only_what_it_needs(disk_store):
    """With the context cached, `hsvo validate` of a CSV plan loads neither the web service,
    pySHACL, openpyxl nor pydantic, nor the SPARQL reading machinery (issue 10: 0.5 s)."""
    import subprocess
    import sys

    from hsvo_graph.config import PROJECT_ROOT

    plan = str(PROJECT_ROOT / "data/templates/examples/aktivitetslista-uppsala-2025.csv")
    assert CliRunner().invoke(main, [*disk_store, "validate", plan]).exit_code == 0  # cached
    script = (
        "import sys\nfrom click.testing import CliRunner\nfrom hsvo_graph.cli.main import main\n"
        f"result = CliRunner().invoke(main, {[*disk_store, 'validate', plan]!r})\n"
        "print(result.exit_code, ' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True)
    code, modules = done.stdout.split(" ", 1)
    loaded = set(modules.split())
    assert code == "0"
    for heavy in ("fastapi", "pyshacl", "openpyxl", "pydantic", "pydantic_settings",
                  "hsvo_graph.sparql.reader", "hsvo_graph.canned.catalog", "rdflib.plugins.sparql"):
        assert heavy not in loaded, heavy

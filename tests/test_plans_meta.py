"""What a plan says about itself, as written by hand: a year is four ASCII digits wherever it
is written (form field, header file, CLI option, År column), and a header file's values are
single values, never anchors, aliases, lists or tables; every refusal is a located 4xx (exit
code 2) that quotes the input at bounded length, never a 500 or a traceback."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from hsvo_graph.cli.main import main

from .test_import import PLAN_2026

NOT_YEARS = ["²⁰²⁶", "２０２６", "٢٠٢٦", "0999", "999", "20261", "2026.0", "true"]


def _error(client: TestClient, **parts: tuple[str, bytes] | str) -> dict[str, str]:
    files = {"file": ("plan.csv", PLAN_2026)}
    files.update({k: v for k, v in parts.items() if isinstance(v, tuple)})
    data = {k: v for k, v in parts.items() if isinstance(v, str)}
    response = client.post("/validate", files=files, data=data)
    assert response.status_code == 400, response.text
    assert len(response.content) < 4000  # nothing the input expanded to
    error: dict[str, str] = response.json()["error"]
    return error


def test_a_year_is_four_ascii_digits() -> None:
    from hsvo_graph.validation.meta import parse_year

    assert parse_year(" 2026 ") == 2026
    assert [parse_year(text) for text in NOT_YEARS] == [None] * len(NOT_YEARS)


@pytest.mark.parametrize("year", NOT_YEARS[:4])
def test_a_year_not_in_ascii_digits_is_a_located_400(client: TestClient, year: str) -> None:
    error = _error(client, year=year)
    assert error["where"] == "form"
    assert "year: expected a year in four digits 0-9, such as 2025" in error["message"]["en"]
    error = _error(client, meta=("plan.meta.yaml", f'år: "{year}"\n'.encode()))
    assert error["where"] == "plan.meta.yaml" and repr(year) in error["message"]["en"]


def test_the_cli_says_what_a_year_is(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_bytes(PLAN_2026)
    result = CliRunner().invoke(main, ["validate", str(plan), "--year", "²⁰²⁶"])
    assert result.exit_code == 2, result.output
    assert "expected a year in four digits" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_year_column_in_other_digits_is_a_finding_by_row(client: TestClient) -> None:
    lines = PLAN_2026.decode().splitlines()
    plan = "\n".join([lines[0] + ";År", *(line + ";²⁰²⁶" for line in lines[1:])]) + "\n"
    response = client.post("/validate", files={"file": ("plan.csv", plan.encode())},
                           data={"municipality": "Uppsala"})
    assert response.status_code == 200, response.text
    found = {(f["rule"].rsplit("#", 1)[1], f["row"], f["value"])
             for g in response.json()["groups"] for f in g["findings"]}
    assert ("Activity-yearInteger", 2, "²⁰²⁶") in found


def test_anchors_and_aliases_are_refused_before_they_expand(client: TestClient) -> None:
    levels = ['&a0 "xxxxxxxxx"'] + [
        f"&a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 7)
    ]
    for key in ("titel", "år"):
        bomb = f"{key}: [{', '.join(levels)}]\n".encode()
        error = _error(client, meta=("bomb.meta.yaml", bomb))
        assert error["where"] == "bomb.meta.yaml:1"
        assert "anchors and aliases (& and *) are not allowed" in error["message"]["en"]


@pytest.mark.parametrize(
    "text", ["titel: [a, b]\n", "titel:\n  sv: a\n", "diarienummer: [1, 2]\n"]
)
def test_a_list_or_table_where_one_value_belongs(client: TestClient, text: str) -> None:
    key = text.split(":")[0]
    error = _error(client, meta=("plan.meta.yaml", text.encode()))
    assert f"{key}: expected one value (text, a number or a date)" in error["message"]["en"]
    toml = text.replace(":", " =", 1).replace("[a, b]", '["a", "b"]').replace("\n  sv: a", ' {sv = "a"}')
    error = _error(client, meta=("plan.meta.toml", toml.encode()))
    assert "not a list or table" in error["message"]["en"]


def test_a_long_unknown_key_is_quoted_short(client: TestClient) -> None:
    error = _error(client, meta=("plan.meta.toml", f'"{"k" * 30000}" = 1\n'.encode()))
    assert "unknown key" in error["message"]["en"] and len(error["message"]["en"]) < 600

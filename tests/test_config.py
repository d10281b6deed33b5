"""The settings read every HSVO_* variable (and a ``.env`` file), an explicit value wins,
and a value that does not fit its setting is a clear error, not a silent default."""

import dataclasses
from pathlib import Path

import pytest

from hsvo_graph.config import PROJECT_ROOT, Settings, SettingsError

SAMPLES: dict[type, tuple[str, object]] = {
    Path: ("/tmp/somewhere", Path("/tmp/somewhere")),
    str: ("http://example.org/sparql", "http://example.org/sparql"),
    int: ("7", 7),
    float: ("2.5", 2.5),
    bool: ("off", False),
}


def _kind(field: dataclasses.Field[object]) -> type:
    text = str(field.type)
    for kind in (Path, bool, int, float):
        if kind.__name__ in text:
            return kind
    return str


@pytest.mark.parametrize("field", [f for f in dataclasses.fields(Settings) if f.name != "store"],
                         ids=lambda f: f.name)
def test_every_field_reads_its_variable(
    monkeypatch: pytest.MonkeyPatch, field: dataclasses.Field[object]
) -> None:
    text, expected = SAMPLES[_kind(field)]
    monkeypatch.setenv(f"HSVO_{field.name.upper()}", text)
    assert getattr(Settings(), field.name) == expected


def test_defaults_names_and_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("HSVO_STORE", "HSVO_PORT", "HSVO_STORE_PATH", "HSVO_ADMIN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    defaults = Settings()
    assert (defaults.store, defaults.port, defaults.admin_token) == ("embedded", 8000, None)
    assert defaults.store_path == PROJECT_ROOT / "var" / "store"
    (tmp_path / ".env").write_text(
        "# local settings\nexport HSVO_PORT=9001\nHSVO_STORE='remote'\n"
        "HSVO_ADMIN_TOKEN=hemligt  # comment\n", encoding="utf-8")
    from_file = Settings()
    assert (from_file.store, from_file.port, from_file.admin_token) == ("remote", 9001, "hemligt")
    monkeypatch.setenv("hsvo_port", "9002")  # the environment wins; names ignore case
    assert Settings().port == 9002
    assert Settings(port=1, store_path=None).port == 1  # explicit values win over both
    assert Settings(store_path=None).model_copy(update={"port": 2}).store_path is None


@pytest.mark.parametrize(("name", "value"), [
    ("HSVO_STORE", "elsewhere"), ("HSVO_PORT", "many"), ("HSVO_QUERY_MEMORY_IMAGE", "maybe"),
    ("HSVO_QUERY_TIME_LIMIT_S", "soon"),
])
def test_a_value_that_does_not_fit_is_an_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Settings()


def test_the_cli_names_a_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from hsvo_graph.cli.main import main
    from hsvo_graph.config import get_settings

    monkeypatch.setenv("HSVO_PORT", "many")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["ask"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "Error: HSVO_PORT='many'" in result.output

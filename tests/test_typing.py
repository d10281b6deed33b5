"""Static type checking stays clean: mypy, configured in pyproject.toml ``[tool.mypy]``,
reports no errors on the package (about 6 s cold, well under 1 s with a warm cache)."""

import pytest
from mypy import api as mypy_api

from hsvo_graph.config import PROJECT_ROOT


def test_mypy_reports_no_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_ROOT)
    stdout, stderr, status = mypy_api.run(
        [
            "--config-file", str(PROJECT_ROOT / "pyproject.toml"),
            "--cache-dir", str(PROJECT_ROOT / ".mypy_cache"),
            "--no-color-output",
            "--no-error-summary",
            str(PROJECT_ROOT / "hsvo_graph"),
        ]
    )
    report = "\n".join(part for part in (stdout.strip(), stderr.strip()) if part)
    assert status == 0, f"mypy found type errors:\n{report}"

"""Minimal reproductions of what a hostile-input fuzz campaign against the plan owners'
path (POST /validate, the CLI's validate) found: each was a 500, a hang or unbounded
memory, and is now a located 4xx."""

import pytest
from fastapi.testclient import TestClient

from .test_import import PLAN_2026


@pytest.mark.parametrize(
    ("name", "text"),
    [("plan.meta.yaml", "kommun: " + "[" * 5000), ("plan.meta.yaml", "kommun: " + "{a: " * 3000),
     ("plan.meta.toml", "kommun = " + "[" * 5000)],
)
def test_a_deeply_nested_metadata_file_is_a_located_400(
    client: TestClient, name: str, text: str
) -> None:
    """5 kB of brackets exceeded the YAML and TOML parsers' recursion (RecursionError, 500)."""
    response = client.post("/validate", files={"file": ("plan.csv", PLAN_2026),
                                               "meta": (name, text.encode())})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["where"] == name
    assert "nested too deeply" in error["message"]["en"]

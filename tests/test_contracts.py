"""The architecture's arrows (pyproject.toml ``[tool.importlinter]``, docs/architecture.md)
hold, and the check is real: an added forbidden import makes it fail.

import-linter reads the code's own imports (grimp), so this cannot drift from the code.
A second check covers what an import contract cannot express: only ``config`` knows where
the project root is (everything else gets paths from the settings).
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hsvo_graph.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "hsvo_graph"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the package under ``root`` (its pyproject.toml's contracts)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", str(root / "pyproject.toml")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_every_import_contract_is_kept() -> None:
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().split("contracts:")[-1].replace("0 broken", "")


@pytest.mark.parametrize(("module", "forbidden", "contract"), [
    ("store/base.py", "from hsvo_graph.sparql import reader", "Stores know nothing above them"),
    ("sparql/results.py", "import fastapi", "Core works without the web layer"),
    ("web/display.py", "from hsvo_graph.api import deps", "Pages never call the HTTP layer"),
    ("api/routes/pages.py", "from hsvo_graph.api.routes import canned", "Routes never import each other"),
])
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, forbidden: str, contract: str
) -> None:
    copy = tmp_path / "project"
    shutil.copytree(PACKAGE, copy / "hsvo_graph",
                    ignore=shutil.ignore_patterns("static", "templates", "__pycache__"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "hsvo_graph" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{forbidden}  # added by the test\n",
                      encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), result.stdout


def _reaches_outside_package(path: Path) -> list[int]:
    """Lines of ``path`` that name PROJECT_ROOT or climb from ``__file__`` above the package."""
    found = []
    depth_to_package = len(path.relative_to(PACKAGE).parts)  # parents[depth-1] is the package
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Name) and node.id == "PROJECT_ROOT":
            found.append(node.lineno)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            chain, inner = 0, node
            while isinstance(inner, ast.Attribute) and inner.attr == "parent":
                chain, inner = chain + 1, inner.value
            resolves = isinstance(inner, ast.Call) and "__file__" in ast.unparse(inner)
            if resolves and chain > depth_to_package:
                found.append(node.lineno)
    return found


def test_only_config_knows_the_project_root() -> None:
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "config.py" and (lines := _reaches_outside_package(path))
    }
    assert offenders == {}

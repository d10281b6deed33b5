"""The pinned versions a clean clone installs (scripts/constraints.txt) lie inside the ranges
pyproject.toml declares: a range narrowed or a pin refreshed without the other would make
`make` fail to resolve, or install a version the code was not written for."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "scripts" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not name==version"
            pins[canonicalize_name(name)] = version
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = project["dependencies"] + [t for group in project["optional-dependencies"].values()
                                       for t in group]
    return [Requirement(text) for text in texts]


def test_every_declared_dependency_is_pinned_inside_its_range() -> None:
    pins = _pins()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is declared in pyproject.toml but not pinned"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"{requirement.name}=={pins[name]} is outside pyproject.toml's {requirement.specifier}"


def test_the_pins_are_what_this_environment_runs() -> None:
    """The tests run on the pinned versions (make installs them), so a green run vouches for
    the pins; a venv built otherwise would test something else."""
    from importlib.metadata import version
    for requirement in _declared():
        pinned = _pins()[canonicalize_name(requirement.name)]
        assert version(requirement.name) == pinned, requirement.name

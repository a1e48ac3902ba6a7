"""The three ways to install (pip files, pyproject.toml, environment.yml) agree."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent


def _requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _pins(lines) -> dict[str, str]:
    """name -> exact version, from "name==version" lines (option lines such as -r are skipped)."""
    pins = {}
    for line in lines:
        if line.startswith("-"):
            continue
        requirement = Requirement(line)
        specs = list(requirement.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{line!r}: pin an exact version (name==x.y.z)"
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{requirement.name} is listed twice"
        pins[name] = specs[0].version
    return pins


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _conda_and_pip(env) -> tuple[list[str], list[str]]:
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
        else:
            conda.append(str(dep))
    return conda, pip


def test_environment_yml_pins_the_same_packages_as_requirements_txt():
    requirements = _pins(_requirement_lines(ROOT / "requirements.txt"))
    _, pip = _conda_and_pip(_environment())
    assert _pins(pip) == requirements


def test_environment_yml_installs_the_helpers_and_a_supported_python():
    conda, pip = _conda_and_pip(_environment())
    assert "-e ." in pip, "environment.yml must install the helpers package (- -e . under pip)"
    assert "pip" in conda
    pythons = [dep for dep in conda if re.match(r"python\b", dep)]
    assert len(pythons) == 1, pythons
    version = re.fullmatch(r"python\s*=+\s*(3\.\d+)(\.\*)?", pythons[0])
    assert version, f"pin Python's minor version in environment.yml, e.g. python=3.11 (got {pythons[0]!r})"
    assert version.group(1) in {"3.10", "3.11", "3.12", "3.13"}


def test_requirements_test_txt_builds_on_requirements_txt():
    lines = _requirement_lines(ROOT / "requirements-test.txt")
    assert "-r requirements.txt" in lines
    test_pins = _pins(lines)
    assert not set(test_pins) & set(_pins(_requirement_lines(ROOT / "requirements.txt"))), "pin each package in one file only"
    for name in ("pytest", "nbval"):
        assert name in test_pins


def test_pyproject_accepts_the_pinned_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins(_requirement_lines(ROOT / "requirements.txt"))
    pins.update(_pins(_requirement_lines(ROOT / "requirements-test.txt")))
    declared = list(project["dependencies"]) + [d for extra in project.get("optional-dependencies", {}).values() for d in extra]
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"pyproject.toml needs {requirement.name} but no requirements file pins it"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"pyproject.toml asks for {line!r} but the requirements files pin {name}=={pins[name]}"
        )
    supported = SpecifierSet(project["requires-python"])
    assert all(f"3.{minor}" in supported for minor in (10, 11, 12, 13))
    assert "3.14" not in supported and "3.9" not in supported


def test_every_version_check_accepts_python_3_10_to_3_13():
    """The Makefile, .ci/run, pyproject.toml and the README name the same Pythons (TensorFlow 2.21 has wheels for them)."""
    for name in ("Makefile", ".ci/run"):
        text = (ROOT / name).read_text()
        checks = re.findall(r"\(3, (\d+)\) <= sys\.version_info\[:2\] <= \(3, (\d+)\)", text)
        assert checks and set(checks) == {("10", "13")}, f"{name}: {checks}"
    assert "python3.13" in (ROOT / ".ci/run").read_text()
    assert "Python 3.10, 3.11, 3.12 or 3.13" in (ROOT / "README.md").read_text()

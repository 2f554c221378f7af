"""The environment files agree: pyproject ranges, the pip lock, conda's environment.yml."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT


def lock_pins() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(n): v for n, v in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", text, re.M)}


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return [Requirement(r) for r in reqs]


def conda_pins() -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins, pip_section = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep.get("pip", [])
            continue
        name, _, version = dep.partition("=")
        pins[canonicalize_name(name)] = version
    return pins, pip_section


def test_every_lock_pin_satisfies_pyproject():
    pins = lock_pins()
    for req in pyproject_requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared in pyproject.toml but not pinned in requirements.lock"
        assert req.specifier.contains(pins[name]), f"requirements.lock pins {name}=={pins[name]}, outside {req}"


def test_environment_yml_matches_the_lock():
    pins = lock_pins()
    conda, pip_section = conda_pins()
    declared = {canonicalize_name(r.name) for r in pyproject_requirements()}
    missing = declared - set(conda)
    assert not missing, f"environment.yml lacks {sorted(missing)}"
    for name, version in conda.items():
        if name in ("python", "pip"):
            continue
        assert pins.get(name) == version, f"environment.yml has {name}={version}, requirements.lock has {pins.get(name)}"
    assert "-e ." in pip_section, "environment.yml must install the project itself with pip: [-e .]"


def test_environment_yml_python_is_allowed_by_pyproject():
    conda, _ = conda_pins()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    from packaging.specifiers import SpecifierSet

    assert SpecifierSet(project["requires-python"]).contains(conda["python"] + ".0")


def test_no_property_test_has_a_deadline_or_a_speed_health_check():
    """A test must not fail because the machine is loaded: the profile loaded by tests/conftest.py says so."""
    from hypothesis import HealthCheck, settings

    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check

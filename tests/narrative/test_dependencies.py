"""The narrative sits on top: it may import formatting, data, models and claims; nothing below imports it."""

from __future__ import annotations

import ast

from helpers.pipeline.graph import _helpers_imported
from tests.conftest import ROOT

HELPERS = ROOT / "src" / "helpers"
ALLOWED = ("formatting", "data", "models", "claims", "narrative")


def imports(package: str) -> dict[str, set[str]]:
    return {path.relative_to(HELPERS).as_posix(): _helpers_imported(ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted((HELPERS / package).rglob("*.py"))}


def test_narrative_imports_only_formatting_data_models_and_claims():
    found = imports("narrative")
    assert "narrative/what_happened.py" in found
    for rel, names in found.items():
        assert all(n.split(".")[0] in ALLOWED for n in names), (rel, sorted(names))


def test_nothing_below_imports_the_narrative():
    for package in ("data", "models", "claims", "figures"):
        for rel, names in imports(package).items():
            assert not any(n.split(".")[0] == "narrative" for n in names), rel

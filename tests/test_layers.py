"""The package's layers are import-linter contracts (``[tool.importlinter]`` in pyproject.toml), checked here.

From the top: the Dagster code location and the data check's command line; the runner; the report;
the narrative and the figures (neither imports the other); the claims; the models; the raw and clean
data; the catalog; the plain helpers (the step registry, paths, atomic writes, formatting, tolerances, what counts as
Chinese).  A module may import only from layers below its own, at the top of the file or inside a
function alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

#: import-linter's command, installed beside this interpreter from the lock.
LINT = [str(Path(sys.executable).parent / "lint-imports")]


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run([*LINT, "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_every_layer_contract_is_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_a_lazy_import_of_a_higher_layer_breaks_the_contract(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with open(copy / "src" / "helpers" / "models" / "run_rate.py", "a", encoding="utf-8") as handle:
        handle.write("\n\ndef _tolerance():\n    from helpers.claims.engine import CAPACITY_SLACK\n    return CAPACITY_SLACK\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "helpers.models.run_rate -> helpers.claims.engine" in result.stdout, result.stdout[-2000:]

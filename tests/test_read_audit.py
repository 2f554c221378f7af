"""A step's kernel opens under data/ only what its step declares in helpers.steps (helpers.read_audit).

Each case runs in a fresh interpreter, as a kernel would: ipykernel imported, then helpers, with the variable the
runner sets.  The whole pipeline running under the runner (tests/pipeline) is the case of every real notebook."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def _open_as(step: str, path: str, kernel: bool = True) -> subprocess.CompletedProcess:
    code = ("import ipykernel\n" if kernel else "") + f"import helpers\nopen({path!r}, 'rb').close()\n"
    env = {**os.environ, "SU7_AUDIT_STEP": step, "SU7_PROJECT_ROOT": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_file_under_data_the_step_does_not_declare_fails_naming_step_file_and_what_it_declares():
    result = _open_as("03_trend", "data/processed/claims/summary.json")
    assert result.returncode != 0
    assert ("UndeclaredFile: 03_trend opened data/processed/claims/summary.json, which its step does not declare "
            "(reads: data/processed/clean; writes: data/processed/trend)") in result.stderr, result.stderr


def test_an_absolute_path_is_checked_too():
    result = _open_as("01_ingest", str(ROOT / "data" / "processed" / "clean" / "weekly_sales.csv"))
    assert "01_ingest opened data/processed/clean/weekly_sales.csv" in result.stderr, result.stderr


def test_a_declared_read_and_a_file_outside_data_open():
    assert _open_as("03_trend", "data/processed/clean/weekly_sales.csv").returncode == 0
    assert _open_as("01_ingest", "data/raw/weekly_sales.csv").returncode == 0
    assert _open_as("03_trend", "pyproject.toml").returncode == 0


def test_the_runner_s_own_processes_are_not_audited():
    """The step's process reads every summary for its page's banner: only the kernel is held to the declaration."""
    assert _open_as("03_trend", "data/processed/claims/summary.json", kernel=False).returncode == 0


def test_an_unknown_step_is_refused_with_the_steps_there_are():
    result = _open_as("10_nothing", "pyproject.toml")
    assert result.returncode != 0
    assert "SU7_AUDIT_STEP='10_nothing': no such step (expected one of 01_ingest, 02_clean" in result.stderr

"""A run that fails, hangs or is killed keeps the last good outputs and says what went wrong (on copies of the project)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers.pipeline.graph import read_notebook

from tests.pipeline.support import pipeline_run, run_pipeline, snapshot, write_notebook


def _edit_code_cell(notebook: Path, index: int, edit) -> bytes:
    """Replace code cell ``index`` (from 0) of ``notebook`` with ``edit(its source)``; the notebook's new bytes."""
    nb = read_notebook(notebook)
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][index]
    cell["source"] = edit("".join(cell["source"]))
    write_notebook(notebook, nb)
    return notebook.read_bytes()


@pytest.mark.slow
def test_a_failing_cell_names_notebook_and_cell_and_keeps_last_good_outputs(ran_copy):
    assert run_pipeline(ran_copy).returncode == 0
    before = snapshot(ran_copy)
    notebook = ran_copy / "notebooks" / "02_clean.ipynb"
    broken_source = _edit_code_cell(
        notebook, 2, lambda _: "tables = build_clean_tables()\nraise ValueError('deliberate failure for the test')\n")
    result = run_pipeline(ran_copy)
    assert result.returncode == 1
    assert "02_clean" in result.stderr and "cell 3" in result.stderr and "deliberate failure" in result.stderr
    assert (ran_copy / "reports" / "failed" / "02_clean.ipynb").is_file()
    after = snapshot(ran_copy)
    after["notebooks/02_clean.ipynb"] = before["notebooks/02_clean.ipynb"] if after["notebooks/02_clean.ipynb"] == broken_source else b"changed"
    assert after == before


@pytest.mark.slow
def test_a_notebook_that_opens_a_data_file_its_step_does_not_declare_fails_and_keeps_last_good_outputs(ran_copy):
    """The runner fingerprints only what a step declares: an undeclared input would go stale unseen."""
    before = snapshot(ran_copy)
    notebook = ran_copy / "notebooks" / "04_run_rate.ipynb"
    edited = _edit_code_cell(notebook, 1, lambda _: ("from helpers.paths import project_root\n"
                                                     "(project_root() / 'data/processed/claims/summary.json').read_text()\n"))
    result = run_pipeline(ran_copy, "04_run_rate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("04_run_rate.ipynb: cell 2 failed: UndeclaredFile: 04_run_rate opened data/processed/claims/summary.json, "
            "which its step does not declare") in result.stderr, result.stderr
    after = snapshot(ran_copy)
    assert after.pop("notebooks/04_run_rate.ipynb") == edited
    before.pop("notebooks/04_run_rate.ipynb")
    assert after == before


def _processes_working_in(folder: Path) -> list[str]:
    """The processes whose current directory is ``folder`` or below it, each as its pid and command line:
    the runner and each step's process work in the project, its kernel and whatever a cell started in ``notebooks/``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{proc.name}: {cmdline}")
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_a_hung_cell_fails_the_run_within_the_cell_timeout_and_keeps_last_good_outputs(ran_copy):
    before = snapshot(ran_copy)
    notebook = ran_copy / "notebooks" / "03_trend.ipynb"
    # a hung kernel, which has started a process of its own (in the kernel's process group)
    hung_source = _edit_code_cell(notebook, 3, lambda source: (
        "import time\nimport subprocess\nsubprocess.Popen(['sleep', '3600'])\ntime.sleep(3600)\n" + source))
    started = time.monotonic()
    result = run_pipeline(ran_copy, "--cell-timeout", "4", timeout=900)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stdout + result.stderr
    assert elapsed < 600, f"the run took {elapsed:.0f} s with a 4 s cell timeout"  # a hang guard: far below the 3,600 s sleep
    assert "03_trend.ipynb: cell" in result.stderr and "timed out" in result.stderr, result.stderr
    assert "time.sleep(3600)" in result.stderr or "import time" in result.stderr, result.stderr
    assert "restored the last good outputs" in result.stderr
    after = snapshot(ran_copy)
    assert after.pop("notebooks/03_trend.ipynb") == hung_source, "the run replaced the notebook it failed on"
    before.pop("notebooks/03_trend.ipynb")
    assert after == before
    time.sleep(0.5)
    assert _processes_working_in(ran_copy) == [], "the timed-out kernel, or a process it started, is still running"


@pytest.mark.slow
def test_ctrl_c_stops_every_step_with_its_kernel_and_keeps_last_good_outputs(ran_copy):
    """SIGINT to the runner (Ctrl-C) while steps run: exit 130, the last good outputs restored, and no process
    of any step (its own process group and its kernel's) left running."""
    before = snapshot(ran_copy)
    command, env = pipeline_run(ran_copy, "--force")
    process = subprocess.Popen(command, cwd=ran_copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    seen = ""
    while time.monotonic() < deadline and "ran     02_clean" not in seen:
        seen += process.stdout.readline()
    time.sleep(1.0)  # the steps after 02 have started their kernels
    process.send_signal(signal.SIGINT)
    seen += process.stdout.read()
    assert process.wait(timeout=120) == 130, seen
    assert "ran     02_clean" in seen and "interrupted: restored the last good outputs" in seen, seen
    assert snapshot(ran_copy) == before
    time.sleep(0.5)
    assert _processes_working_in(ran_copy) == [], "a step's process or kernel outlived the interrupted run"


@pytest.mark.slow
def test_kill_midway_then_rerun_recovers_the_same_outputs(ran_copy):
    before = snapshot(ran_copy)
    command, env = pipeline_run(ran_copy, "--force")
    process = subprocess.Popen(command, cwd=ran_copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    seen = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen += line
        if line.startswith("ran     02_clean"):
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert "ran     02_clean" in seen, seen
    time.sleep(1.5)  # orphaned kernels notice their parent is gone
    result = run_pipeline(ran_copy)
    assert result.returncode == 0, result.stderr
    assert "recovered" in result.stdout
    assert snapshot(ran_copy) == before

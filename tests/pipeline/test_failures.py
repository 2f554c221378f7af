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


@pytest.mark.slow
def test_a_failing_cell_names_notebook_and_cell_and_keeps_last_good_outputs(ran_copy):
    assert run_pipeline(ran_copy).returncode == 0
    before = snapshot(ran_copy)
    notebook = ran_copy / "notebooks" / "02_clean.ipynb"
    nb = read_notebook(notebook)
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code_cells[2]["source"] = "tables = build_clean_tables()\nraise ValueError('deliberate failure for the test')\n"
    write_notebook(notebook, nb)
    broken_source = notebook.read_bytes()
    result = run_pipeline(ran_copy)
    assert result.returncode == 1
    assert "02_clean" in result.stderr and "cell 3" in result.stderr and "deliberate failure" in result.stderr
    assert (ran_copy / "reports" / "failed" / "02_clean.ipynb").is_file()
    after = snapshot(ran_copy)
    after["notebooks/02_clean.ipynb"] = before["notebooks/02_clean.ipynb"] if after["notebooks/02_clean.ipynb"] == broken_source else b"changed"
    assert after == before


def _processes_working_in(folder) -> list[int]:
    """Pids of the processes whose current directory is ``folder`` (kernels run in ``notebooks/``)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "cwd")) == folder:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_a_hung_cell_fails_the_run_within_the_cell_timeout_and_keeps_last_good_outputs(ran_copy):
    before = snapshot(ran_copy)
    notebook = ran_copy / "notebooks" / "03_trend.ipynb"
    nb = read_notebook(notebook)
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code_cells[3]["source"] = "import time\ntime.sleep(3600)  # a hung kernel\n" + "".join(code_cells[3]["source"])
    write_notebook(notebook, nb)
    hung_source = notebook.read_bytes()
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
    assert _processes_working_in(ran_copy / "notebooks") == [], "the timed-out kernel is still running"


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

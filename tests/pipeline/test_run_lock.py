"""One run at a time: a second run waits for the lock (at most --wait seconds), then both leave the same outputs."""

from __future__ import annotations

import re
import time

import pytest

from helpers.pipeline.graph import STEPS
from helpers.pipeline.kernel_forks import fork_server_supported
from tests.pipeline.support import fresh_copy, run_pipeline, snapshot


@pytest.mark.slow
def test_two_runs_started_together_take_turns_and_leave_consistent_outputs(pipeline_template):
    """Reads the session's shared run (tests/pipeline/support.py): ``run --force`` and ``run --force
    --fresh-kernels`` started at the same moment on a fresh copy.  One forks its kernels, the other starts
    them fresh: the outputs after both are the committed ones, byte for byte, so a forked kernel computes
    and prints what a fresh one does."""
    runs = (pipeline_template.forced, pipeline_template.fresh)
    outputs = [run.stdout + run.stderr for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum("waiting: another pipeline run holds the lock" in out for out in outputs) == 1, outputs
    # one kernel per step, or one more where a kernel that did not answer was replaced (the worker's one retry)
    if fork_server_supported():
        kernels, forked = map(int, re.search(r"(\d+) kernels, (\d+) forked\)", outputs[0]).groups())
        assert kernels == forked >= len(STEPS), outputs[0]
    fresh = int(re.search(r"(\d+) kernels \(fresh: --fresh-kernels\)", outputs[1]).group(1))
    assert fresh >= len(STEPS), outputs[1]
    assert pipeline_template.after_forced == pipeline_template.before


def test_a_second_run_waits_at_most_wait_seconds_for_the_lock_then_exits_75_having_run_nothing(tmp_path):
    from helpers.pipeline.runner import EXIT_BUSY, STATE_DIR, RunLock

    copy = fresh_copy(tmp_path / "project")
    before = snapshot(copy)
    lock = RunLock(copy / STATE_DIR / "lock")
    lock.acquire(wait=0)
    try:
        started = time.monotonic()
        waited = run_pipeline(copy, "--wait", "1.5")
        elapsed = time.monotonic() - started
        refused = run_pipeline(copy, "--no-wait")
    finally:
        lock.release()
    assert EXIT_BUSY == 75  # sysexits' EX_TEMPFAIL: a scheduler may retry
    assert waited.returncode == 75, waited.stderr
    assert 1.5 <= elapsed < 300, elapsed  # a hang guard only: far below "for ever", whatever the load
    assert "gave up after waiting 1.5 s" in waited.stderr and "nothing was run" in waited.stderr
    assert refused.returncode == 75, refused.stderr
    assert "another pipeline run holds the lock" in refused.stderr
    assert snapshot(copy) == before

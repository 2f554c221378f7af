"""One run at a time: a second run waits for the lock (at most --wait seconds), then both leave the same outputs."""

from __future__ import annotations

import time

import pytest

from tests.pipeline.support import fresh_copy, run_pipeline, run_pipelines_together, snapshot


@pytest.mark.slow
def test_two_runs_started_together_take_turns_and_leave_consistent_outputs(ran_copy):
    """Two runs of one step (``run 01_ingest``: requested, so it always runs) started at the same moment:
    one waits for the other's lock, then runs; both succeed and the outputs are the last good ones, byte for byte."""
    before = snapshot(ran_copy)
    runs = run_pipelines_together(ran_copy, ("01_ingest",), ("01_ingest",))
    outputs = [run.stdout + run.stderr for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum("waiting: another pipeline run holds the lock" in out for out in outputs) == 1, outputs
    assert all("ran     01_ingest" in out for out in outputs), outputs
    assert snapshot(ran_copy) == before


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

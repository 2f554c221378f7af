"""Shared fixtures: a temporary copy of data/raw to break in tests."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers.paths import project_root

#: No test may depend on how fast the machine is: hypothesis' per-example deadline (200 ms) and its
#: "too slow" health check are off for every property test (a loaded CI machine failed one once).
settings.register_profile("su7", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("su7")

ROOT = project_root()
#: A fixed "today" so tests do not depend on the calendar.
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's data/raw."""
    target = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", target)
    return target


# ---------------------------------------------------------------------------
# pytest-xdist (``make test`` runs ``-n logical --dist loadscope --no-loadscope-reorder``)
# ---------------------------------------------------------------------------

#: Handed out to the workers first, in this order: the one that builds the session's shared
#: pipeline run (test_runner), then the longest module that does not need that run (the other
#: worker starts it while the run is built), then the longest modules.  The slow pipeline tests
#: sit in several modules so that two workers can share them.
FIRST = ("tests/pipeline/test_runner.py", "tests/browser/test_jupyterlab.py", "tests/pipeline/test_new_weeks.py",
         "tests/pipeline/test_vintages.py", "tests/orchestration/test_dagster.py", "tests/pipeline/test_failures.py",
         "tests/browser/test_report.py", "tests/pipeline/test_run_lock.py")


def pytest_collection_modifyitems(config, items):
    """On a pytest-xdist worker: the longest modules first, so that none starts last while the other worker idles.

    ``--dist loadscope`` keeps each module on one worker (its module fixtures are built
    once; test_vintages sweeps in order on one copy) and hands the modules out in
    collection order: FIRST, then the other modules with slow tests, then the rest.
    Every worker sorts alike, so they agree on the collection.  Without xdist
    (``-n 0``, plain ``pytest``) the order is pytest's.
    """
    if not hasattr(config, "workerinput"):
        return
    slow = {item.nodeid.split("::", 1)[0] for item in items if item.get_closest_marker("slow")}

    def rank(item) -> tuple[int, int]:
        module = item.nodeid.split("::", 1)[0]
        if module in FIRST:
            return 0, FIRST.index(module)
        return (1, 0) if module in slow else (2, 0)

    items.sort(key=rank)  # stable: pytest's order within a rank

"""Shared fixtures: a temporary copy of data/raw to break in tests."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from helpers.paths import project_root

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
# pytest-xdist (``make test`` runs ``-n logical --dist loadgroup``)
# ---------------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    """Under ``--dist loadgroup``: what goes to one worker together, and in which order.

    * A module's tests run on one worker (its module fixtures are built once), except
      slow tests, which each start from their own copy of the project: those are handed
      out one by one.  A module that needs more (tests/pipeline/test_vintages.py runs its
      sweep in order on one copy) names its own ``xdist_group``.
    * The slow tests and the browser tests are handed out first, in collection order, the
      quick ones after them, so that no long test starts last while the other worker idles.

    Without xdist (``-n 0``, plain ``pytest``) nothing changes.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") is None and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))

    def rank(item) -> int:
        if item.get_closest_marker("slow") is not None:
            return 0
        return 1 if item.nodeid.startswith("tests/browser/") else 2

    items.sort(key=rank)  # stable: collection order within each rank

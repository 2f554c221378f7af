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

"""Fixtures for the slow pipeline tests: one finished run shared by the session, and copies of it.

A forced run of the whole pipeline is the expensive part of these tests, and most
of them only need "the project after a good run" to start from.  The session runs
it once (``pipeline_template``, also once across pytest-xdist workers); a test
that only reads the result reads the template, a test that changes anything gets
its own copy of it (``ran_copy``) or of the checkout (``project_copy``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.pipeline.support import Template, fresh_copy, shared_template


@pytest.fixture(scope="session")
def pipeline_template(tmp_path_factory) -> Template:
    """The project after ``run --force``, then a plain ``run``, on a fresh copy (read only)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, common to every worker
    return shared_template(base / "pipeline-template")


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A fresh copy of the checkout (no runner state): for tests whose first run must start from nothing."""
    return fresh_copy(tmp_path / "project")


@pytest.fixture
def ran_copy(pipeline_template: Template, tmp_path: Path) -> Path:
    """A writable copy of the shared finished run, runner state included."""
    return pipeline_template.copy_to(tmp_path / "project")

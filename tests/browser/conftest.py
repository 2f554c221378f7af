"""Fixtures for the browser tests: one headless Chromium per session, a screenshot folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import launch, require_browser


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (the test modules skip before this when it is missing)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where each page is photographed; failure messages give the file's path."""
    return tmp_path_factory.mktemp("browser-screenshots")

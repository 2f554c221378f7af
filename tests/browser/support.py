"""What the browser tests need, and the one skip line when it is missing.

Playwright's own browser download does not work on these machines, so the tests
drive Debian's Chromium (``apt-get install chromium``).  Importing this module
never needs Playwright: it is also imported by ``--doctest-modules``.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, and without the background requests Chromium makes on its own
#: (updates, sync, safe browsing): the tests must not reach the network.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def missing() -> str | None:
    """What the browser tests lack on this machine, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (make venv installs it from requirements.lock)"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return None


def require_browser() -> None:
    """Skip the calling test module, with one line naming what is missing."""
    reason = missing()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


def launch(playwright):
    """Debian's Chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_available() -> bool:
    return shutil.which("make") is not None

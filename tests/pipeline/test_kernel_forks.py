"""The kernel fork server: a forked kernel is the kernel a fresh launch would give, or none is forked.

Each test starts a real server and real kernels (a second or two each).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from helpers.pipeline.execute import KERNEL_ARGUMENTS, KERNEL_NAME
from helpers.pipeline.kernel_forks import ForkServer, ForkServerClient, fork_server_supported, forking_kernel_manager

pytestmark = pytest.mark.skipif(not fork_server_supported(), reason="kernels are forked on Linux only")

#: What a kernel reports about itself: everything a notebook could see of how it was started.
PROBE = """
import json as _json, os as _os, sys as _sys, signal as _signal
print(_json.dumps({
    "argv": _sys.argv, "cwd": _os.getcwd(), "path": _sys.path, "executable": _sys.executable,
    "env": {k: v for k, v in _os.environ.items() if k not in ("JPY_PARENT_PID", "JPY_SESSION_NAME")},
    "parent_is_parent": int(_os.environ.get("JPY_PARENT_PID", 0)) == _os.getppid(),
    "session_leader": _os.getsid(0) == _os.getpid(),
    "sigint": str(_signal.getsignal(_signal.SIGINT)),
    "main": _sys.modules["__main__"].__name__,
    "loaded": sorted(m for m in ("pandas", "json") if m in _sys.modules),
}))
"""


def _start(km, cwd: Path):
    run_sync(km.start_kernel)(extra_arguments=KERNEL_ARGUMENTS, cwd=str(cwd))
    client = km.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return client


def _probe(client) -> dict:
    texts: list[str] = []
    client.execute_interactive(PROBE, timeout=60,
                               output_hook=lambda m: texts.append(m["content"].get("text", "")))
    return json.loads("".join(texts))


@pytest.fixture
def server(tmp_path):
    """A server started in the test's own call phase (pytest sets PYTEST_CURRENT_TEST per phase)."""
    started: list[ForkServer] = []

    def start(modules=("json",)) -> ForkServer:
        started.append(ForkServer.start(list(modules), tmp_path))
        return started[-1]

    yield start
    for s in started:
        s.stop()


def test_a_forked_kernel_looks_started_like_a_fresh_one_but_has_the_servers_imports(server, tmp_path):
    forks = ForkServerClient(server().address)
    forked_km = forking_kernel_manager(forks, kernel_name=KERNEL_NAME)
    fresh_km = AsyncKernelManager(kernel_name=KERNEL_NAME)
    clients = []
    try:
        clients.append(_start(forked_km, tmp_path))
        clients.append(_start(fresh_km, tmp_path))
        assert forked_km.forked, forks.unavailable
        forked, fresh = (_probe(c) for c in clients)
    finally:
        for c in clients:
            c.stop_channels()
        for km in (forked_km, fresh_km):
            run_sync(km.shutdown_kernel)(now=True)
    assert forked["loaded"] == ["json"]  # the server's import, already there
    for key in ("argv", "cwd", "path", "executable", "env", "parent_is_parent", "session_leader", "sigint", "main"):
        if key == "argv":  # its connection file differs, nothing else
            assert forked[key][0] == fresh[key][0] and forked[key][3:] == fresh[key][3:]
            continue
        assert forked[key] == fresh[key], key


def test_shutting_a_forked_kernel_down_ends_its_process_and_reports_its_status(server, tmp_path):
    forks = ForkServerClient(server().address)
    km = forking_kernel_manager(forks, kernel_name=KERNEL_NAME)
    client = _start(km, tmp_path)
    client.stop_channels()
    process = km.provisioner.process
    pid = process.pid
    run_sync(km.shutdown_kernel)(now=True)
    assert not Path(f"/proc/{pid}").exists()
    assert process.returncode == -signal.SIGKILL


def test_a_kernel_whose_environment_differs_is_launched_the_usual_way_and_says_why(server, tmp_path, monkeypatch):
    forks = ForkServerClient(server().address)
    monkeypatch.setenv("SU7_SOMETHING_THE_SERVER_DID_NOT_SEE", "1")  # read at import by some module, maybe
    km = forking_kernel_manager(forks, kernel_name=KERNEL_NAME)
    client = _start(km, tmp_path)
    try:
        assert not km.forked
        assert "SU7_SOMETHING_THE_SERVER_DID_NOT_SEE" in forks.unavailable
        assert _probe(client)["env"]["SU7_SOMETHING_THE_SERVER_DID_NOT_SEE"] == "1"
    finally:
        client.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)


def test_only_this_interpreters_ipykernel_launcher_is_forked(server):
    forks = ForkServerClient(server().address)
    assert forks.fork([sys.executable, "-c", "print(1)"], dict(os.environ), None) is None
    assert "not a command this server forks" in forks.unavailable


def test_stopping_the_server_kills_the_kernels_it_forked(tmp_path):
    server = ForkServer.start([], tmp_path)
    forks = ForkServerClient(server.address)
    km = forking_kernel_manager(forks, kernel_name=KERNEL_NAME)
    client = _start(km, tmp_path)
    client.stop_channels()
    pid = km.provisioner.process.pid
    server.stop()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists()
    assert not Path(server.folder).exists()  # its socket folder is gone too

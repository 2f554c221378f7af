"""The kernel fork server: a forked kernel is the kernel a fresh launch would give, or none is forked.

Each test starts a real server and real kernels (a second or two each).
"""

from __future__ import annotations

import builtins
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
from helpers.pipeline import kernel_forks
from helpers.pipeline.kernel_forks import (
    ForkServer,
    ForkServerClient,
    NotInsideAKernel,
    _import_as_in_a_kernel,
    _Server,
    fork_server_supported,
    forking_kernel_manager,
)

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
    "loaded": sorted(m for m in ("numpy",) if m in _sys.modules),
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


def _wait_for_imports(forks: ForkServerClient) -> None:
    """The server imports between forks: let it finish first, so a forked kernel has them all."""
    deadline = time.monotonic() + 60
    while forks.pending_imports() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert forks.pending_imports() == []


@pytest.fixture
def server(tmp_path):
    """A server started in the test's own call phase (pytest sets PYTEST_CURRENT_TEST per phase)."""
    started: list[ForkServer] = []

    def start(modules=("numpy",)) -> ForkServer:
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
        _wait_for_imports(forks)
        clients.append(_start(forked_km, tmp_path))
        clients.append(_start(fresh_km, tmp_path))
        assert forked_km.forked, forks.unavailable
        forked, fresh = (_probe(c) for c in clients)
    finally:
        for c in clients:
            c.stop_channels()
        for km in (forked_km, fresh_km):
            run_sync(km.shutdown_kernel)(now=True)
    assert (forked["loaded"], fresh["loaded"]) == (["numpy"], [])  # the server's import, already there
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


def test_pandas_imported_by_the_server_has_every_option_and_default_a_kernel_gives_it(server, tmp_path):
    """pandas decides display defaults at import from whether it runs in a kernel (display.max_columns)."""
    probe = ("import sys as _s\nprint('pandas already imported:', 'pandas' in _s.modules)\n"
             "import contextlib as _c, io as _io, pandas as _pd\n_b = _io.StringIO()\n"
             "with _c.redirect_stdout(_b):\n    _pd.describe_option()\nprint(_b.getvalue())")
    forks = ForkServerClient(server(["pandas", "statsmodels.api"]).address)
    forked_km = forking_kernel_manager(forks, kernel_name=KERNEL_NAME)
    fresh_km = AsyncKernelManager(kernel_name=KERNEL_NAME)
    texts: dict[str, list[str]] = {"forked": [], "fresh": []}
    clients = []
    try:
        _wait_for_imports(forks)
        for label, km in (("forked", forked_km), ("fresh", fresh_km)):
            client = _start(km, tmp_path)
            clients.append(client)
            client.execute_interactive(probe, timeout=60,
                                       output_hook=lambda m, out=texts[label]: out.append(m["content"].get("text", "")))
        assert forked_km.forked, forks.unavailable
    finally:
        for c in clients:
            c.stop_channels()
        for km in (forked_km, fresh_km):
            run_sync(km.shutdown_kernel)(now=True)
    (forked_first, forked), (fresh_first, fresh) = ("".join(texts[k]).split("\n", 1) for k in ("forked", "fresh"))
    assert (forked_first, fresh_first) == ("pandas already imported: True", "pandas already imported: False")
    max_columns = fresh.split("display.max_columns :", 1)[1].split("[currently:", 1)[0]
    assert max_columns.rstrip().endswith("[default: 20]")  # inside a kernel (0 outside one)
    assert forked == fresh


def test_a_module_that_asks_the_shell_for_more_at_import_taints_the_server(tmp_path, monkeypatch):
    (tmp_path / "asks_for_events.py").write_text("get_ipython().events.register('post_run_cell', print)\n")
    (tmp_path / "changes_the_display.py").write_text("x = 1\n")  # stands for pyplot, seaborn, IPython.display
    (tmp_path / "imports_the_display_changer.py").write_text("import changes_the_display\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(NotInsideAKernel):
        _import_as_in_a_kernel("asks_for_events")
    assert not hasattr(builtins, "get_ipython") and not hasattr(builtins, "__IPYTHON__")  # nothing left behind
    _import_as_in_a_kernel("no_such_module_anywhere")  # a name that is not a module: the kernel's warm-up decides

    asking = _Server(listener=None, control=None, start_env={}, to_import=["asks_for_events", "json"])
    asking.import_next()
    assert "NotInsideAKernel" in asking.tainted and asking.to_import == []
    request = {"cmd": [sys.executable, "-m", "ipykernel_launcher"], "env": {}, "cwd": None}
    assert asking.decline_reason(request) == asking.tainted

    monkeypatch.setattr(kernel_forks, "NEVER_WARM", frozenset({"changes_the_display"}))
    drawing = _Server(listener=None, control=None, start_env={}, to_import=["imports_the_display_changer"],
                      kernel_modules=frozenset(sys.modules))
    drawing.import_next()
    assert "imported changes_the_display (only a notebook may)" in drawing.tainted

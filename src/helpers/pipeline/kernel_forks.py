"""Kernels forked from one process that has done the heavy imports already (Linux).

Every notebook runs on a fresh kernel, and every fresh kernel pays Python's start-up
and the same imports: pandas, scipy.stats, statsmodels and matplotlib cost a figure
notebook's kernel about 3 s of CPU before its first cell, nine kernels about 20 s of
a run on two cores.  A run therefore starts one *fork server*: a plain Python process
(no kernel, no event loop, no threads of its own) that imports ipykernel and the
modules the run's notebooks use, one at a time, and between two imports forks a child
for each kernel a worker asks for.  The child turns itself into exactly the process
``python -m ipykernel_launcher -f <connection file> ...`` would have been: same argv,
environment, working directory, ``sys.path`` and a session of its own, with the
imports done so far already in memory (copy-on-write pages of the server).  What the
child has not imported yet, the worker's warm-up imports as before.

A fork is used only where nothing known can differ from a fresh kernel; otherwise the
server declines and the worker launches the kernel the ordinary way (the manager of
:func:`forking_kernel_manager` falls back by itself).  It declines when

* the command is not this interpreter running ``-m ipykernel_launcher``;
* the kernel's environment differs from the server's own at start-up (apart from
  :data:`PER_KERNEL_VARIABLES`, which jupyter_client sets for each kernel): modules
  read their settings (``MPLBACKEND``, ``MATPLOTLIBRC``, ...) when imported;
* the kernel's working directory is not the server's (modules may read it when imported);
* the server is *tainted* (below);
* the server runs a thread besides its main one (a fork copies only the caller's).

A module the server imports is imported *outside* a kernel, and a library may decide
things at import from whether it runs inside one: pandas sets its
``display.max_columns`` default to 0 (fit the terminal) when there is no
``get_ipython()`` with a kernel, and to 20 inside Jupyter.  (That is how this was
found: a first version made the forked run print 03_trend's tables cut to 80
characters.)  So the server imports each module as a kernel's warm-up would see it:

* ``get_ipython()`` answers, with :class:`KernelPlaceholder`: it has a ``kernel``
  (pandas' whole test) and raises for anything else a module might ask of a shell
  while it is imported; ``__IPYTHON__`` is true; ``sys.stdout`` and ``sys.stderr``
  say what ipykernel's streams say (:class:`KernelStream`: encoding ``"UTF-8"``, no
  terminal; pandas takes ``display.encoding`` from it).  All are put back after each
  import (the kernel's shell installs the real ones).  A module that asks the shell
  for more makes its import fail, and the server then forks nothing more (*tainted*,
  with the reason).
* it imports only modules of :data:`SERVER_PACKAGES`, and never a module of
  :data:`helpers.pipeline.graph.NEVER_WARM` (pyplot, seaborn, IPython.display: their
  import changes how outputs display); should an allowed import pull one in, the
  server is tainted too.
* it sets ``MPLBACKEND`` before importing matplotlib exactly as ipykernel does at
  start-up (inline, unless set).

What is left is what nobody has checked: a library that reads something else of its
surroundings when imported.  ``--fresh-kernels`` is the way to rule the forks out.

Tests check what a forked kernel reports of itself against a fresh one (argv,
working directory, ``sys.path``, environment, every pandas option and its default),
and that a forced run with forked kernels and one with ``--fresh-kernels`` both leave
the committed outputs byte for byte.

Lifetime: the runner creates the listening socket, passes it to the server and keeps
the server's stdin; when the runner closes it (or dies), the server kills the kernels
it forked and exits.  Each kernel is its parent's (the server's) child, so its
``JPY_PARENT_PID`` names the server; workers hold a pidfd of each kernel to signal
and wait for it, and ask the server for its exit status.

    python -m helpers.pipeline.kernel_forks --listen-fd FD MODULE ...   (the runner starts it)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.pipeline.graph import NEVER_WARM

#: Variables jupyter_client sets for each kernel it launches: they may differ from the server's.
PER_KERNEL_VARIABLES = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME", "JPY_INTERRUPT_EVENT", "IPY_INTERRUPT_EVENT"})
#: What ipykernel sets ``MPLBACKEND`` to when it is unset (``IPKernelApp.init_gui_pylab``).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: The module a kernel command runs.
LAUNCHER = "ipykernel_launcher"
#: Packages the server may import (besides ipykernel): the costly imports of the notebooks, and the helpers.
SERVER_PACKAGES = frozenset({"numpy", "scipy", "matplotlib", "pandas", "statsmodels", "patsy", "helpers"})


class NotInsideAKernel(RuntimeError):
    """A module imported by the fork server asked ``get_ipython()`` for more than whether it runs in a kernel."""


class KernelPlaceholder:
    """What ``get_ipython()`` returns while the fork server imports a module.

    Enough to say "inside a Jupyter kernel", which the kernel the module is imported for
    will be: ``hasattr(get_ipython(), "kernel")`` is true (pandas' test).  Anything else
    raises :class:`NotInsideAKernel`, so no module builds state from a shell that is not there.

    >>> hasattr(KernelPlaceholder(), "kernel")
    True
    >>> KernelPlaceholder().events
    Traceback (most recent call last):
    ...
    helpers.pipeline.kernel_forks.NotInsideAKernel: get_ipython().events asked while the kernel fork server imports a module
    """

    kernel = None

    def __getattr__(self, name: str) -> Any:
        raise NotInsideAKernel(f"get_ipython().{name} asked while the kernel fork server imports a module")


def server_imports(modules: list[str]) -> list[str]:
    """The modules of ``modules`` the server may import (:data:`SERVER_PACKAGES`), in their order.

    >>> server_imports(["numpy", "pandas", "tqdm", "statsmodels.api", "helpers.models", "matplotlib.dates"])
    ['numpy', 'pandas', 'statsmodels.api', 'helpers.models', 'matplotlib.dates']
    """
    return [m for m in modules if m.split(".")[0] in SERVER_PACKAGES]


class KernelStream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` while the fork server imports a module, as a kernel's look to it.

    ipykernel's ``OutStream`` says its encoding is ``"UTF-8"`` and that it is no terminal;
    pandas, for one, takes its ``display.encoding`` default from ``sys.stdout.encoding``
    when imported (``"utf-8"`` on a plain stream).  What is written goes to the real stream.

    >>> stream = KernelStream(sys.__stdout__, "stdout")
    >>> stream.encoding, stream.isatty(), stream.name
    ('UTF-8', False, 'stdout')
    """

    def __init__(self, real: Any, name: str):
        self._real, self._name = real, name

    @property
    def encoding(self) -> str:
        return "UTF-8"

    @property
    def name(self) -> str:
        return self._name

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return self._real.write(text)

    def flush(self) -> None:
        self._real.flush()

    def fileno(self) -> int:
        return self._real.fileno()


def _import_as_in_a_kernel(name: str) -> None:
    """Import ``name`` with ``get_ipython()``, ``__IPYTHON__``, ``sys.stdout`` and ``sys.stderr`` as a
    kernel's warm-up sees them (:class:`KernelPlaceholder`, :class:`KernelStream`), all put back after;
    ImportError is ignored (a name imported from a module, not a module: the kernel's warm-up decides)."""
    import builtins
    import importlib

    placeholder = KernelPlaceholder()
    stdout, stderr = sys.stdout, sys.stderr
    builtins.get_ipython = lambda: placeholder
    builtins.__IPYTHON__ = True
    sys.stdout, sys.stderr = KernelStream(stdout, "stdout"), KernelStream(stderr, "stderr")
    try:
        importlib.import_module(name)
    except ImportError:
        pass
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        del builtins.get_ipython, builtins.__IPYTHON__


def kernel_command_matches(cmd: list[str], interpreter: str) -> bool:
    """Whether ``cmd`` starts ``interpreter -m ipykernel_launcher`` (the only command the server forks).

    >>> kernel_command_matches(["/v/bin/python", "-m", "ipykernel_launcher", "-f", "k.json"], "/v/bin/python")
    True
    >>> kernel_command_matches(["/v/bin/python", "-X", "dev", "-m", "ipykernel_launcher"], "/v/bin/python")
    False
    >>> kernel_command_matches(["/other/python", "-m", "ipykernel_launcher"], "/v/bin/python")
    False
    """
    return len(cmd) >= 3 and cmd[0] == interpreter and cmd[1:3] == ["-m", LAUNCHER]


def environment_difference(kernel_env: dict[str, str], server_env: dict[str, str]) -> list[str]:
    """The variables (sorted) whose values differ between a kernel's environment and the server's.

    Variables in :data:`PER_KERNEL_VARIABLES` do not count.

    >>> environment_difference({"A": "1", "JPY_PARENT_PID": "7"}, {"A": "1"})
    []
    >>> environment_difference({"A": "1", "TZ": "UTC"}, {"A": "2"})
    ['A', 'TZ']
    """
    names = (set(kernel_env) | set(server_env)) - PER_KERNEL_VARIABLES
    return sorted(n for n in names if kernel_env.get(n) != server_env.get(n))


# ---------------------------------------------------------------------------
# The server (its own process)
# ---------------------------------------------------------------------------


@dataclass
class _Server:
    listener: socket.socket
    control: Any  # the runner's pipe (stdin): end of file means stop
    start_env: dict[str, str]
    to_import: list[str]
    clients: list[socket.socket] = field(default_factory=list)
    children: set[int] = field(default_factory=set)
    statuses: dict[int, int] = field(default_factory=dict)
    buffers: dict[int, bytes] = field(default_factory=dict)
    wake: tuple[int, int] = (-1, -1)
    tainted: str | None = None  # why no fork can be trusted any more
    hold_imports: int = 0  # forks to serve before the first import (the run's first kernels need none)
    hold_until: float = 0.0  # ... but import from this time (monotonic) on anyway
    path0: str = ""  # sys.path[0] as `python -m` set it for the server
    cwd: str = ""  # the working directory it runs in (modules may read it when imported)
    kernel_modules: frozenset[str] = frozenset()  # what ipykernel itself imports (IPython.display among them)

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children.discard(pid)
            self.statuses[pid] = os.waitstatus_to_exitcode(status)

    def decline_reason(self, request: dict[str, Any]) -> str | None:
        if not kernel_command_matches(request.get("cmd", []), sys.executable):
            return f"not a command this server forks: {request.get('cmd')!r}"
        differing = environment_difference(request.get("env", {}), self.start_env)
        if differing:
            return f"the kernel's environment differs in {', '.join(differing)}"
        if os.path.realpath(request.get("cwd") or self.cwd) != os.path.realpath(self.cwd):
            return f"the kernel's working directory is not the server's ({self.cwd})"
        if self.tainted:
            return self.tainted
        if threading.active_count() > 1:
            return "the server runs more than one thread"
        return None

    def fork(self, client: socket.socket, request: dict[str, Any]) -> None:
        reason = self.decline_reason(request)
        if reason is not None:
            _send(client, {"declined": reason})
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self.become_kernel(request)  # never returns
        self.children.add(pid)
        self.hold_imports -= 1
        pidfd = os.pidfd_open(pid)
        try:
            _send(client, {"pid": pid}, fds=[pidfd])
        finally:
            os.close(pidfd)

    def become_kernel(self, request: dict[str, Any]) -> None:
        """In the forked child: turn into ``python -m ipykernel_launcher ...``; exit when the kernel does."""
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGCHLD, signal.SIGTERM):
                signal.signal(signum, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for sock in (self.listener, *self.clients):
                sock.close()
            for fd in self.wake:
                os.close(fd)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)  # not the runner's pipe: only the server watches that
            os.close(devnull)
            os.setsid()  # as jupyter_client's launcher does (start_new_session)
            cwd = request.get("cwd") or os.getcwd()
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(request["env"])
            os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the parent it has: the server
            import importlib.util

            sys.argv = [importlib.util.find_spec(LAUNCHER).origin, *request["cmd"][3:]]
            if sys.path and sys.path[0] in ("", self.path0):  # `python -m` put its working directory first;
                del sys.path[0]                                # ipykernel_launcher takes it out, so does this
            from ipykernel import kernelapp

            kernelapp.launch_new_instance()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            try:
                import atexit

                atexit._run_exitfuncs()  # what a normal interpreter exit runs
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)

    def handle(self, client: socket.socket) -> None:
        try:
            data = client.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            self.clients.remove(client)
            self.buffers.pop(client.fileno(), None)
            client.close()
            return
        buffer = self.buffers.get(client.fileno(), b"") + data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            request = json.loads(line)
            if request.get("op") == "fork":
                self.fork(client, request)
            elif request.get("op") == "pending":
                _send(client, {"pending": list(self.to_import)})
            elif request.get("op") == "status":
                self.reap()
                _send(client, {"status": self.statuses.get(int(request["pid"]))})
        self.buffers[client.fileno()] = buffer

    def stop(self) -> None:
        for pid in list(self.children):
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                    break
                except (ProcessLookupError, PermissionError):
                    continue
        self.reap()

    def timeout(self) -> float | None:
        """How long to wait for a request before importing the next module (``None``: nothing to import)."""
        import time

        if not self.to_import:
            return None
        return max(0.0, self.hold_until - time.monotonic()) if self.hold_imports > 0 else 0.0

    def loop(self) -> None:
        while True:
            readable, _, _ = select.select([self.listener, self.control, self.wake[0], *self.clients], [], [],
                                           self.timeout())
            if self.wake[0] in readable:
                try:
                    os.read(self.wake[0], 512)
                except BlockingIOError:
                    pass
                self.reap()
            if self.control in readable and not os.read(self.control.fileno(), 512):
                return  # the runner closed its end (or died)
            if self.listener in readable:
                try:
                    client, _ = self.listener.accept()
                except BlockingIOError:
                    client = None
                if client is not None:
                    client.setblocking(True)
                    self.clients.append(client)
            for client in [c for c in readable if c in self.clients]:
                self.handle(client)
            if not readable and self.to_import and self.timeout() == 0:
                self.import_next()

    def import_next(self) -> None:
        """Import the next module; taint the server if that fails or brings in a module it must not hold."""
        name = self.to_import.pop(0)
        try:
            _import_as_in_a_kernel(name)
        except Exception as exc:
            self.tainted = self.tainted or f"importing {name} in the fork server failed: {type(exc).__name__}: {exc}"
            self.to_import.clear()
            return
        display = sorted(m for m in NEVER_WARM if m in sys.modules and m not in self.kernel_modules)
        if display:
            self.tainted = self.tainted or f"importing {name} imported {', '.join(display)} (only a notebook may)"
            self.to_import.clear()


def _send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode() + b"\n"
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.sendall(data)


#: The longest the server holds its imports back for the run's first kernels.
HOLD_SECONDS = 3.0


def serve(listen_fd: int, modules: list[str], hold_for: int = 0) -> None:
    """Run the server on an already listening Unix socket (``listen_fd``), importing ``modules`` as it goes.

    ``hold_for``: forks to serve before the first import (at most :data:`HOLD_SECONDS`): a request
    that comes while a module is imported waits for it (scipy.stats: 1.4 s), and the run's first
    kernels are asked for at once and need none of them.
    """
    import time

    start_env = dict(os.environ)
    path0 = sys.path[0] if sys.path else ""
    # ipykernel reads JPY_PARENT_PID when imported (the default of IPKernelApp.parent_handle): a
    # forked kernel's parent is this process, which is what its parent poller should watch.
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND  # what the kernel will see when it imports matplotlib
    import ipykernel.kernelapp  # noqa: F401  (every kernel needs it: imported before the first fork)

    listener = socket.socket(fileno=listen_fd)
    listener.setblocking(False)
    wake = os.pipe()
    for fd in wake:
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(wake[1])
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select through the pipe
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides what an interrupt means
    server = _Server(listener=listener, control=sys.stdin, start_env=start_env, to_import=server_imports(modules),
                     wake=wake, path0=path0, cwd=os.getcwd(), kernel_modules=frozenset(sys.modules), hold_imports=hold_for,
                     hold_until=time.monotonic() + HOLD_SECONDS)
    try:
        server.loop()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.pipeline.kernel_forks",
                                     description="Fork pre-imported Jupyter kernels for the pipeline's workers "
                                                 "(started by the runner; not for use by hand).")
    parser.add_argument("--listen-fd", type=int, required=True, help="a listening Unix socket, inherited")
    parser.add_argument("--hold-for", type=int, default=0, metavar="N",
                        help=f"serve N forks before the first import (at most {HOLD_SECONDS:g} s)")
    parser.add_argument("modules", nargs="*", help="modules to import, in this order, between forks")
    args = parser.parse_args(argv)
    serve(args.listen_fd, args.modules, args.hold_for)
    return 0


# ---------------------------------------------------------------------------
# The runner's side: start and stop the server
# ---------------------------------------------------------------------------


def fork_server_supported() -> bool:
    """Whether this platform can fork kernels (Linux: fork, pidfds, passing descriptors)."""
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


@dataclass
class ForkServer:
    """A running fork server: its process and the socket address workers connect to."""

    process: subprocess.Popen
    address: str
    folder: str

    @classmethod
    def start(cls, modules: list[str], cwd: Path, hold_for: int = 0) -> "ForkServer":
        """Start a server in ``cwd`` (the kernels' working directory) that will import ``modules``
        once it has forked ``hold_for`` kernels (or after :data:`HOLD_SECONDS`)."""
        folder = tempfile.mkdtemp(prefix="su7-kernels-")
        address = os.path.join(folder, "forks.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(address)
            listener.listen(16)
            process = subprocess.Popen(
                [sys.executable, "-m", "helpers.pipeline.kernel_forks", "--listen-fd", str(listener.fileno()),
                 "--hold-for", str(hold_for), *modules],
                cwd=str(cwd), stdin=subprocess.PIPE, pass_fds=(listener.fileno(),),
                # os.environ, as jupyter_client passes it to a kernel; not the C-level environment a
                # library may have added to (readline sets LINES and COLUMNS there)
                env=dict(os.environ),
            )
        finally:
            listener.close()
        return cls(process=process, address=address, folder=folder)

    def stop(self) -> None:
        """Close the server's control pipe: it kills the kernels it forked and exits."""
        try:
            if self.process.stdin:
                self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            for name in os.listdir(self.folder) if os.path.isdir(self.folder) else []:
                os.unlink(os.path.join(self.folder, name))
            if os.path.isdir(self.folder):
                os.rmdir(self.folder)


# ---------------------------------------------------------------------------
# The worker's side: ask for a kernel, manage it like a subprocess
# ---------------------------------------------------------------------------


class ForkServerClient:
    """A worker's connection to the fork server (made on first use; ``None`` address: no server)."""

    def __init__(self, address: str | None):
        self.address = address
        self._sock: socket.socket | None = None
        self.unavailable: str | None = None if address else "no fork server"

    def _request(self, message: dict[str, Any], expect_fd: bool = False) -> tuple[dict[str, Any], list[int]]:
        if self._sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(self.address)
            self._sock = sock
        self._sock.sendall(json.dumps(message).encode() + b"\n")
        data, fds, _, _ = socket.recv_fds(self._sock, 1 << 16, 1)
        while not data.endswith(b"\n"):
            more = self._sock.recv(1 << 16)
            if not more:
                raise ConnectionError("the fork server closed the connection")
            data += more
        return json.loads(data), list(fds)

    def fork(self, cmd: list[str], env: dict[str, str], cwd: str | None) -> "ForkedKernelProcess | None":
        """A forked kernel process, or ``None`` (the reason in :attr:`unavailable`) to launch it the usual way."""
        if self.unavailable:
            return None
        try:
            reply, fds = self._request({"op": "fork", "cmd": cmd, "env": env, "cwd": cwd})
        except (OSError, ValueError) as exc:
            self.unavailable = f"the fork server cannot be reached: {exc}"
            return None
        if "pid" not in reply:
            for fd in fds:
                os.close(fd)
            self.unavailable = reply.get("declined", "declined")
            return None
        return ForkedKernelProcess(int(reply["pid"]), fds[0], self)

    def pending_imports(self) -> list[str]:
        """The modules the server has still to import (it imports them between forks)."""
        reply, _ = self._request({"op": "pending"})
        return reply["pending"]

    def exit_status(self, pid: int) -> int | None:
        try:
            reply, _ = self._request({"op": "status", "pid": pid})
        except (OSError, ValueError):
            return None
        return reply.get("status")


class ForkedKernelProcess:
    """What jupyter_client's provisioner needs of a ``subprocess.Popen``, for a kernel the server forked."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int, server: ForkServerClient):
        self.pid = pid
        self._pidfd: int | None = pidfd
        self._server = server
        self.returncode: int | None = None

    def _exited(self, timeout: float | None) -> bool:
        if self._pidfd is None:
            return True
        readable, _, _ = select.select([self._pidfd], [], [], timeout)
        return bool(readable)

    def _collect(self) -> int:
        for _ in range(50):  # the server reaps it as soon as its SIGCHLD arrives
            status = self._server.exit_status(self.pid)
            if status is not None:
                break
            select.select([], [], [], 0.01)
        self.returncode = status if status is not None else -signal.SIGKILL
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
        return self.returncode

    def poll(self) -> int | None:
        if self.returncode is None and self._exited(0):
            self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not self._exited(timeout):
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            self._collect()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None and self._pidfd is not None:
            try:
                signal.pidfd_send_signal(self._pidfd, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def forking_kernel_manager(fork_server: ForkServerClient, **traits: Any):
    """An ``AsyncKernelManager`` whose kernel is forked by ``fork_server`` when it can be, else launched as usual."""
    from jupyter_client.manager import AsyncKernelManager

    class ForkingKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            process = fork_server.fork(kernel_cmd, dict(kw.get("env") or os.environ), kw.get("cwd"))
            self.forked = process is not None
            if process is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            provisioner = self.provisioner
            provisioner.process = process
            provisioner.pid = process.pid
            provisioner.pgid = process.pid  # the child made its own session (setsid)
            provisioner.cwd = kw.get("cwd") or os.getcwd()
            self._reconcile_connection_info(provisioner.connection_info)

    return ForkingKernelManager(**traits)


if __name__ == "__main__":
    sys.exit(main())

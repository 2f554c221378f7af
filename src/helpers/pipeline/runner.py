"""Run the numbered notebooks with papermill, re-executing only what changed.

Usage::

    python -m helpers.pipeline run                      # what changed since the last good run
    python -m helpers.pipeline run --force              # every notebook
    python -m helpers.pipeline run --through-week 2025-W19 --horizon 8
    python -m helpers.pipeline run -p lock_in_rate=0.35 --params params.yaml
    python -m helpers.pipeline run 03_trend             # that step (and whatever upstream is stale)
    python -m helpers.pipeline run 03_trend --downstream  # ... and the steps after it that become stale
    python -m helpers.pipeline run --cell-timeout 60 --wait 0   # a cron job: fail fast, never queue
    python -m helpers.pipeline status                   # what a run would do, without running

How it works (see :mod:`helpers.pipeline.graph` for the graph and the fingerprints):

* Steps run as soon as the steps they need are done, up to one per core.
* Each step runs in its own worker process whose kernel is started and
  warmed up (heavy imports done silently) while the steps before it run.
* Before a step writes, its outputs are backed up (:mod:`helpers.pipeline.journal`);
  a failure, Ctrl-C or kill restores the last good outputs.
* One run at a time: a second run waits for the first's lock, at most ``--wait`` seconds.
* A cell running longer than ``--cell-timeout`` seconds fails its step (kernel stopped,
  last good outputs restored), so a hung kernel cannot block later runs.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import signal
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from helpers.pipeline.graph import (
    REPORT_WRITES,
    STEPS,
    STEPS_BY_NAME,
    Step,
    declared_defaults,
    notebook_imports,
    outputs_digest,
    digest_files,
    environment_inputs,
    files_under,
    read_notebook,
    report_inputs,
    step_inputs,
    topological,
    why_rerun,
)

from helpers.pipeline.execute import DEFAULT_CELL_TIMEOUT
from helpers.pipeline.parameters import MAX_JOBS, MAX_SECONDS, OPTION_BOUNDS, ParameterError, check_parameters, given, option_type

STATE_DIR = ".cache/pipeline"
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
#: Another run held the lock for longer than ``--wait`` (sysexits' EX_TEMPFAIL: try again later).
EXIT_BUSY = 75
#: How long a run waits for another run's lock by default (a whole forced run takes well under a minute).
DEFAULT_WAIT_SECONDS = 600


def _quiet() -> bool:
    """No progress bars in CI or when output is not a terminal."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"} or not sys.stderr.isatty()


def _say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def parse_assignment(text: str) -> tuple[str, Any]:
    """``name=value`` from the command line; the value is read as JSON when it can be.

    >>> parse_assignment("horizon=8"), parse_assignment("through_week=2025-W19"), parse_assignment("x=null")
    (('horizon', 8), ('through_week', '2025-W19'), ('x', None))
    """
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"-p: {text!r} is not name=value (expected e.g. horizon=8)")
    if not name.strip().isidentifier():
        raise ValueError(f"-p: {name.strip()!r} is not a parameter name (expected name=value, e.g. horizon=8)")
    try:
        return name.strip(), json.loads(value)
    except (json.JSONDecodeError, RecursionError):  # not JSON (or nested too deep to read): the text itself
        return name.strip(), value


def load_params_file(path: Path, lines: dict[Any, int] | None = None) -> dict[Any, Any]:
    """Parameters from a JSON or YAML file holding one mapping; ``lines`` gets the line each name is on.

    A file that does not parse, holds something else than a mapping or names a parameter twice
    is refused (``ValueError``, ``file:line: what is wrong``); the values are checked later
    (:func:`helpers.pipeline.parameters.check_parameters`).
    """
    text = path.read_text(encoding="utf-8")
    lines = {} if lines is None else lines
    if path.suffix.lower() in {".yml", ".yaml"}:
        import yaml

        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except RecursionError:
            raise ValueError(f"{path}: nested too deep to read (expected name: value lines)") from None
        except ValueError as exc:  # e.g. a whole number of more digits than Python reads
            raise ValueError(f"{path}: not YAML the runner reads: {exc} (expected name: value lines)") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
            problem = " ".join(str(p) for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p) or str(exc)
            raise ValueError(f"{where}: not YAML the runner reads: {problem} (expected name: value lines)") from None
        pairs = [(k, k.start_mark.line + 1) for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []
        seen: dict[str, int] = {}
        for key, line in pairs:
            if key.value in seen and isinstance(key, yaml.ScalarNode):
                raise ValueError(f"{path}:{line}: {key.value}: given twice, first on line {seen[key.value]} "
                                 "(expected each parameter once)")
            seen[key.value] = line
    else:
        def no_repeats(items: list[tuple[str, Any]]) -> dict[str, Any]:
            names = [k for k, _ in items]
            twice = sorted({k for k in names if names.count(k) > 1})
            if twice:
                raise ValueError(f"{path}: {twice[0]}: given twice (expected each parameter once)")
            return dict(items)

        try:
            data = json.loads(text, object_pairs_hook=no_repeats)
        except RecursionError:
            raise ValueError(f"{path}: nested too deep to read (expected a mapping of parameter names to values)") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{exc.lineno}: not JSON: {exc.msg} (expected a mapping of parameter names to values)") from None
        seen = {}
        for number, line in enumerate(text.splitlines(), 1):
            for name in re.findall(r'"((?:[^"\\]|\\.)*)"\s*:', line):
                seen.setdefault(name, number)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of parameter names to values, not {given(data)}")
    for name in data:  # a key YAML reads as a number or a date is found by its text
        if str(name) in seen:
            lines[name] = seen[str(name)]
    return data


#: Week parameters that name a vintage, and the parameter that sets the trend window each is fitted on.
VINTAGE_PARAMETERS = {"through_week": "window_weeks", "article_vintage": "article_window_weeks"}


def vintage_problem(root: Path, parameters: dict[str, Any]) -> str | None:
    """Why a vintage parameter (``through_week`` for 03, ``article_vintage`` for 07) cannot be one, or ``None``.

    Checked on ``data/raw/weekly_sales.csv`` before anything runs, against the
    window the notebook will fit (:func:`helpers.models.trend.vintage_problem`),
    so a bad vintage stops with one clear message and nothing written.
    """
    import csv

    from helpers.data import weeks
    from helpers.models import trend

    defaults = {"window_weeks": trend.DEFAULT_WINDOW_WEEKS, "article_window_weeks": 4}
    with open(root / "data" / "raw" / "weekly_sales.csv", encoding="utf-8-sig", newline="") as handle:
        pairs = [(int(r["iso_year"]), int(r["iso_week"])) for r in csv.DictReader(handle) if r["series"] == trend.SUMMARY_SERIES]
    for name, window in VINTAGE_PARAMETERS.items():
        if parameters.get(name) is None:
            continue
        week = str(parameters[name])
        try:
            weeks.parse_week_label(week)
        except ValueError as exc:
            return f"{name} {week!r}: {exc}"
        problem = trend.vintage_problem(pairs, week, int(parameters.get(window) or defaults[window]))
        if problem:
            return problem.replace("through_week", name, 1)
    return None


def parameters_by_step(root: Path, parameters: dict[str, Any],
                       origins: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Split run parameters among the steps whose notebooks declare them.

    Raises ``ValueError`` (:class:`~helpers.pipeline.parameters.ParameterError`) for a parameter
    no notebook declares (a typo would otherwise be silently ignored), a value of a type or out of
    the bounds its notebook does not take (:func:`~helpers.pipeline.parameters.check_parameters`,
    against every notebook declaring it) and a vintage that cannot be one.  ``origins``: where each
    parameter came from, as the messages name it (``params.yaml:3``, ``-p``, ``--horizon``).
    """
    declared = {s.name: declared_defaults(read_notebook(root / s.notebook)) for s in STEPS}
    every = {name: default for defaults in declared.values() for name, default in defaults.items()}
    problems: list[str] = []  # each once, in the order found
    # unknown names against every notebook; each value against every notebook declaring it
    for these, defaults in [(parameters, every), *(({k: v for k, v in parameters.items() if k in d}, d)
                                                   for d in declared.values())]:
        try:
            check_parameters(these, defaults, origins)
        except ParameterError as exc:
            problems.extend(p for p in str(exc).splitlines() if p not in problems)
    if problems:
        raise ParameterError("\n".join(problems))
    if any(parameters.get(name) is not None for name in VINTAGE_PARAMETERS):
        problem = vintage_problem(root, parameters)
        if problem:
            raise ValueError(problem)
    return {name: {k: v for k, v in parameters.items() if k in defaults} for name, defaults in declared.items()}


# ---------------------------------------------------------------------------
# State and lock
# ---------------------------------------------------------------------------


class LockBusy(RuntimeError):
    """Another run held the lock for longer than this run would wait."""


#: How often a waiting run tries the lock again.
LOCK_POLL_SECONDS = 0.2


def _flock_within(handle, seconds: float | None, shared: bool = False) -> bool:
    """Take an exclusive (or shared) ``flock`` on ``handle`` within ``seconds`` (``None``: wait forever); whether it was taken."""
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    if seconds is None:
        fcntl.flock(handle, mode)
        return True
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(LOCK_POLL_SECONDS, max(0.0, deadline - time.monotonic())))


class RunLock:
    """An exclusive lock on the project: one run writes at a time."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = None

    def acquire(self, wait: float | None) -> None:
        """Take the lock, waiting at most ``wait`` seconds for another run (0: refuse at once; None: forever).

        Raises :class:`LockBusy` when the other run still holds it then.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        if not _flock_within(self.handle, 0):
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            if wait == 0:
                self._give_up()
                raise LockBusy(f"another pipeline run holds the lock ({holder}); try again when it ends (or give --wait SECONDS)")
            _say(f"waiting: another pipeline run holds the lock ({holder}) ...")
            if not _flock_within(self.handle, wait):
                self._give_up()
                raise LockBusy(
                    f"gave up after waiting {wait:g} s: another pipeline run still holds the lock ({holder}); "
                    "nothing was run (a longer --wait waits longer)"
                )
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}")
        self.handle.flush()

    def _give_up(self) -> None:
        self.handle.close()
        self.handle = None

    def release(self) -> None:
        if self.handle:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def load_state(root: Path) -> dict[str, Any]:
    path = root / STATE_DIR / "state.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def save_state(root: Path, state: dict[str, Any]) -> None:
    from helpers.atomic import write_json_atomic

    write_json_atomic(root / STATE_DIR / "state.json", state)


def _memo_path(root: Path) -> Path:
    return root / STATE_DIR / "files.json"


def load_file_memo(root: Path) -> None:
    """Start from what the last run knew of the files' contents (:class:`helpers.pipeline.graph.FileMemo`)."""
    from helpers.pipeline import graph

    graph.MEMO = graph.FileMemo.load(_memo_path(root))


# ---------------------------------------------------------------------------
# Workers: one process per step, kernel warmed up before the step may start
# ---------------------------------------------------------------------------

#: Imports done silently in a fresh kernel while it waits for its turn.
def _warm_modules(root: Path, step: Step) -> list[str]:
    """What to import in the step's kernel before it starts: the helpers its notebook
    imports and the heavy libraries those use, lazy imports included."""
    from helpers.pipeline.graph import helper_closure, importable_modules, third_party_imports

    helpers = notebook_imports(read_notebook(root / step.notebook))
    helpers_dir = root / "src" / "helpers"
    return [*third_party_imports(helper_closure(helpers, helpers_dir)), *importable_modules(helpers, helpers_dir)]


#: How long a fresh kernel may take to answer before it is replaced (once).
KERNEL_READY_SECONDS = 60


def _worker(conn, root: str, quiet: bool, fork_address: str | None = None) -> None:  # runs in a child process
    """Run steps one after another as the runner hands them out, each on a fresh kernel.

    The process is reused across steps so its own start-up (Python, jupyter_client,
    papermill, nbconvert's exporter) is paid once per worker, not once per notebook.
    Every message it sends names the step it concerns, so the runner can ignore
    what a worker says about a step it has since been told to drop.  ``fork_address``:
    the run's kernel fork server (:mod:`helpers.pipeline.kernel_forks`), if it has one.
    """
    from helpers.pipeline.kernel_forks import ForkServerClient

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
    root_path = Path(root)
    # A shared lock held for the worker's whole life: a run started after this
    # one was killed waits for orphaned workers before it restores outputs.
    workers_lock = open(root_path / STATE_DIR / "workers.lock", "a+")
    fcntl.flock(workers_lock, fcntl.LOCK_SH)
    exporter: list[Any] = []  # nbconvert's exporter, made once per worker, off the critical path
    forks = ForkServerClient(fork_address)
    try:
        while True:
            command, message = conn.recv()
            if command != "prepare":
                return
            step_name, modules = message
            _work_on(conn, root_path, STEPS_BY_NAME[step_name], quiet, exporter, forks, modules)
    except (EOFError, BrokenPipeError, OSError):
        pass  # the runner is gone
    finally:
        workers_lock.close()


def _work_on(conn, root_path: Path, step: Step, quiet: bool, exporter: list[Any], forks: Any, modules: list[str]) -> None:
    """One step in a worker: start and warm its kernel, wait for "go" (or "stop"), run, export its page.

    The kernel is forked by the run's fork server when it can be (``forks``), else launched as
    usual; the warm-up imports ``modules`` (:func:`_warm_modules`, worked out by the runner).
    """
    # nbclient needs an asynchronous kernel manager for its cell timeout: with a blocking one its
    # wait for output blocks the event loop, and a hung cell is never timed out.  run_sync runs
    # the manager's coroutines on this thread's one event loop, the one nbclient uses too.
    from jupyter_core.utils import run_sync

    from helpers.pipeline.kernel_forks import forking_kernel_manager

    from helpers.pipeline.execute import KERNEL_ARGUMENTS, KERNEL_NAME, NotebookFailure, execute_notebook

    name = step.name
    km = None
    pid_file = None
    try:
        # A kernel that does not answer (e.g. two processes picked the same free port)
        # is replaced once by a fresh one before the step is reported as failed.
        for attempt in (1, 2):
            km = forking_kernel_manager(forks, kernel_name=KERNEL_NAME)
            run_sync(km.start_kernel)(extra_arguments=KERNEL_ARGUMENTS, cwd=str(root_path / "notebooks"))
            kernel_pid = km.provisioner.pid if km.provisioner else None
            forked = getattr(km, "forked", False)
            if kernel_pid:
                pid_file = root_path / STATE_DIR / "kernels" / str(kernel_pid)
                pid_file.parent.mkdir(parents=True, exist_ok=True)
                pid_file.write_text(name)
            conn.send(("kernel", name, (kernel_pid, None if forked else forks.unavailable)))
            client = km.blocking_client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=KERNEL_READY_SECONDS)
                break
            except RuntimeError as exc:
                client.stop_channels()
                run_sync(km.shutdown_kernel)(now=True)
                if pid_file is not None:
                    pid_file.unlink(missing_ok=True)
                    pid_file = None
                if attempt == 2:
                    raise
                conn.send(("kernel replaced", name, f"{'forked ' if forked else ''}kernel did not answer: {exc}"))
        import papermill  # noqa: F401  (imported now, while the steps before run)

        code = (
            "import importlib as _il\n"
            "for _m in %r:\n"
            "    try:\n        _il.import_module(_m)\n"
            "    except ImportError:\n        pass  # a name imported from a module, not a module\n"
            "del _il, _m" % (modules,)
        )
        client.execute_interactive(code, silent=True, store_history=False, timeout=300)
        client.stop_channels()
        conn.send(("ready", name, None))
        from helpers.report.html import export_page, html_exporter

        if not exporter and not conn.poll(0.1):  # waiting for its turn: nbconvert's start-up now, not after
            exporter.append(html_exporter())
        command, message = conn.recv()
        if command != "go":
            return
        parameters, cell_timeout = message
        started = time.monotonic()
        execute_notebook(root_path / step.notebook, root_path, parameters, progress_bar=not quiet, kernel_manager=km,
                         cell_timeout=cell_timeout)
        conn.send(("done", name, time.monotonic() - started))  # the steps after it may start now
        if not exporter:
            exporter.append(html_exporter())  # it was its turn at once: nbconvert's start-up after the step
        export_page(root_path, root_path / step.notebook, exporter[0])  # its HTML page, while they run
        conn.send(("exported", name, None))
    except NotebookFailure as failure:
        conn.send(("failed", name, str(failure)))
    except (EOFError, BrokenPipeError):
        raise  # the runner is gone
    except Exception as exc:  # kernel would not start, etc.
        try:
            conn.send(("failed", name, f"{name}: {type(exc).__name__}: {exc}"))
        except (BrokenPipeError, OSError):
            pass
    finally:
        try:
            if km is not None:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:
            pass
        if pid_file is not None:
            pid_file.unlink(missing_ok=True)


#: How long a run waits for the workers of an interrupted run to notice and exit.
ORPHAN_WAIT_SECONDS = 30


def _stop_orphans(root: Path) -> None:
    """Wait (a little) for workers of a killed run, then kill them and the kernels they left behind."""
    lock_path = root / STATE_DIR / "workers.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        if not _flock_within(handle, 0):
            _say("waiting: workers of an interrupted run are still finishing ...")
            if not _flock_within(handle, ORPHAN_WAIT_SECONDS):
                _kill_workers_holding(lock_path)
                _flock_within(handle, ORPHAN_WAIT_SECONDS)
        fcntl.flock(handle, fcntl.LOCK_UN)
    kernels = root / STATE_DIR / "kernels"
    for pid_file in sorted(kernels.glob("*")) if kernels.is_dir() else []:
        pid = int(pid_file.name) if pid_file.name.isdigit() else 0
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes() if pid else b""
        except OSError:
            cmdline = b""
        if b"ipykernel" in cmdline or b"helpers.pipeline.kernel_forks" in cmdline:  # a forked kernel: the server's
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pid_file.unlink(missing_ok=True)


#: What a step is assumed to take when no run has timed it yet.
UNTIMED_SECONDS = 1.0


def critical_path_seconds(steps: list[Step], seconds: Mapping[str, float | None]) -> dict[str, float]:
    """Each step's own time plus the longest chain of steps after it (the list-scheduling priority).

    ``seconds``: the last run's time of each step (:data:`UNTIMED_SECONDS` when unknown).
    A step always comes before the steps after it; among steps ready together, the one
    with the most work hanging on it goes first.

    >>> from helpers.pipeline.graph import Step
    >>> a, b, c = Step("a", (), ()), Step("b", (), (), after=("a",)), Step("c", (), (), after=("a",))
    >>> critical_path_seconds([a, b, c], {"a": 1.0, "b": 2.0, "c": 8.0})
    {'a': 9.0, 'b': 2.0, 'c': 8.0}
    """
    after: dict[str, list[str]] = {s.name: [] for s in steps}
    for step in steps:
        for before in step.after:
            if before in after:
                after[before].append(step.name)
    priority: dict[str, float] = {}
    for step in reversed(topological(steps)):
        own = seconds.get(step.name) or UNTIMED_SECONDS
        priority[step.name] = own + max((priority[n] for n in after[step.name]), default=0.0)
    return {s.name: priority[s.name] for s in steps}


def fork_server_modules(root: Path, steps: list[Step]) -> list[str]:
    """What the fork server imports: the steps' warm-up modules it may import, in the order the steps come, each once."""
    from helpers.pipeline.kernel_forks import server_imports

    modules: dict[str, None] = {}
    for step in steps:
        modules.update(dict.fromkeys(server_imports(_warm_modules(root, step))))
    return list(modules)


def _kernels_said(report: RunReport, fork_kernels: bool = True) -> str:
    """How the kernels started, for the summary line.

    >>> _kernels_said(RunReport(kernels=9, forked=9))
    '9 kernels, 9 forked'
    >>> _kernels_said(RunReport(kernels=2, forked=1, not_forked="the kernel's environment differs in TZ"))
    "2 kernels, 1 forked (not forked: the kernel's environment differs in TZ)"
    >>> _kernels_said(RunReport(kernels=9), fork_kernels=False)
    '9 kernels (fresh: --fresh-kernels)'
    """
    said = f"{report.kernels} kernel{'s' if report.kernels != 1 else ''}"
    if not fork_kernels:
        return said + " (fresh: --fresh-kernels)"
    if report.forked:
        said += f", {report.forked} forked"
    if report.not_forked and report.forked < report.kernels:
        said += f" (not forked: {report.not_forked})"
    return said


def _kill_workers_holding(lock_path: Path) -> None:
    """SIGKILL the processes that hold ``lock_path`` open (workers of a killed run that did not exit)."""
    target = os.path.realpath(lock_path)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            holds = any(os.path.realpath(fd) == target for fd in (proc / "fd").iterdir())
        except OSError:
            continue
        if holds:
            try:
                os.kill(int(proc.name), signal.SIGKILL)
            except ProcessLookupError:
                pass


@dataclass
class Worker:
    """A worker process and the step it works on now (``None``: idle, its kernel shut down)."""

    process: Any
    conn: Any
    step: Step | None = None
    kernel_pid: int | None = None
    ready: bool = False
    started: float | None = None

    def assign(self, step: Step, modules: list[str]) -> None:
        self.step, self.kernel_pid, self.ready, self.started = step, None, False, None
        self.conn.send(("prepare", (step.name, modules)))

    def release(self) -> None:
        self.step, self.kernel_pid, self.ready, self.started = None, None, False, None

    def kill(self) -> None:
        for pid in (self.kernel_pid, self.process.pid):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.process.join(timeout=5)

    def close(self) -> None:
        """Let an idle worker exit by itself (its kernel is already shut down); kill it if it does not."""
        try:
            self.conn.send(("exit", None))
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


@dataclass
class RunReport:
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: str | None = None
    processes: int = 0  # worker processes started (each runs several steps in turn)
    kernels: int = 0  # kernels started
    forked: int = 0  # of them, forked by the fork server
    not_forked: str | None = None  # why a kernel was launched the usual way, when one was


def resolve_step_names(names: list[str]) -> list[str]:
    """Step names from what a person typed: a whole name (``03_trend``), its number (``03``) or its words (``trend``).

    >>> resolve_step_names(["03", "run_rate", "05_claims"])
    ['03_trend', '04_run_rate', '05_claims']
    """
    resolved = []
    for name in names:
        matches = [s.name for s in STEPS if name in (s.name, s.name.split("_", 1)[0], s.name.split("_", 1)[1])]
        if len(matches) != 1:
            raise ValueError(f"no step {name!r} (expected one of: {', '.join(s.name for s in STEPS)})")
        resolved.append(matches[0])
    return list(dict.fromkeys(resolved))


def upstream_of(names: set[str]) -> set[str]:
    """The steps ``names`` need, directly or through others (``names`` not included unless needed by another).

    >>> sorted(upstream_of({"03_trend"}))
    ['01_ingest', '02_clean']
    """
    found: set[str] = set()
    todo = [a for n in names for a in STEPS_BY_NAME[n].after]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(STEPS_BY_NAME[name].after)
    return found


def downstream_of(names: set[str]) -> set[str]:
    """The steps that need any of ``names``, directly or through others.

    >>> sorted(downstream_of({"03_trend"}))
    ['06_figures']
    """
    found: set[str] = set()
    grew = True
    while grew:
        grew = False
        for step in STEPS:
            if step.name not in found and any(a in names or a in found for a in step.after):
                found.add(step.name)
                grew = True
    return found


@dataclass(frozen=True)
class Selection:
    """Which steps a run considers: every one (no targets), or the requested ones, what they need and,
    with ``downstream``, what needs them.  Requested steps always run; the rest only when stale."""

    targets: tuple[str, ...] = ()
    downstream: bool = False

    @property
    def steps(self) -> set[str]:
        if not self.targets:
            return set(STEPS_BY_NAME)
        chosen = set(self.targets)
        return chosen | upstream_of(chosen) | (downstream_of(chosen) if self.downstream else set())

    @property
    def report(self) -> bool:
        """Whether the HTML report and ``summary.json`` are refreshed: they come after every notebook."""
        return not self.targets or self.downstream

    def requested(self, name: str) -> bool:
        return name in self.targets


def judge(step: Step, root: Path, parameters: dict[str, Any], state: dict[str, Any], force: bool,
          environment: Mapping[str, str] | None = None) -> tuple[str | None, dict[str, str]]:
    """Why ``step`` must run (``None``: its last good run stands) and its input hashes, from the files as they are now.

    ``environment``: the run's :func:`~helpers.pipeline.graph.environment_inputs`, worked out once for all steps.
    """
    inputs = step_inputs(step, root, parameters, environment)
    reason = "forced" if force else why_rerun(state.get(step.name), inputs, outputs_digest(step, root))
    return reason, inputs


def plan(root: Path, params_by_step: dict[str, dict[str, Any]], state: dict[str, Any], force: bool,
         selection: Selection = Selection()) -> dict[str, str | None]:
    """For each selected step, why it must run (or None), judged on the files as they are now."""
    environment = environment_inputs(root)
    return {
        s.name: "requested" if selection.requested(s.name) and not force
        else judge(s, root, params_by_step.get(s.name, {}), state, force, environment)[0]
        for s in topological(STEPS)
        if s.name in selection.steps
    }


#: Written by a run besides the steps' outputs: its own state and the executions of failed notebooks.
RUN_WRITES = (STATE_DIR, "reports/failed")


def unwritable_outputs(root: Path, selection: Selection = Selection()) -> list[str]:
    """Why the run could not write each output folder of ``selection`` (empty: it can write them all).

    Each folder a selected step, the report or the run writes in (and every folder below it)
    gets a scratch file created and removed: the one test that answers for root, read-only
    mounts and files standing where a folder is expected.  Existing output files must be
    writable too (matplotlib writes figures in place).  Checked before anything runs, so a run
    that could not keep its results runs nothing and changes nothing.
    """
    import tempfile

    from helpers.pipeline.graph import is_pattern

    rels = set(RUN_WRITES) | ({*REPORT_WRITES} if selection.report else set())
    for step in STEPS:
        if step.name in selection.steps:
            rels.update(step.outputs)
    folders: set[Path] = set()
    files: set[Path] = set()
    for rel in rels:
        path = root / rel
        if is_pattern(rel):
            files.update(p for p in root.glob(rel) if p.is_file())
            path = path.parent
        elif Path(rel).suffix:  # a file: notebooks/03_trend.ipynb, reports/summary.json
            files.add(path)
            path = path.parent
        folders.add(path)
        if path.is_dir():
            folders.update(p for p in path.rglob("*") if p.is_dir())
            files.update(p for p in path.rglob("*") if p.is_file())
    problems = []

    def shown(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    for folder in sorted(folders):
        existing = folder
        while not existing.exists() and existing != root and existing.parent != existing:
            existing = existing.parent  # a folder the run will make: its nearest existing parent must take it
        if not existing.is_dir():
            problems.append(f"{shown(existing)}: is a file, not a folder (expected a folder the run can write in)")
            continue
        try:
            handle, scratch = tempfile.mkstemp(prefix=".~write-check.", dir=existing)
            os.close(handle)
            os.unlink(scratch)
        except OSError as exc:
            problems.append(f"{shown(existing)}: cannot write in this folder: {exc.strerror or exc} "
                            "(expected a folder the run can write in)")
    for path in sorted(files):
        if path.is_file() and not os.access(path, os.W_OK):
            problems.append(f"{shown(path)}: cannot write this file: it is read-only (expected a file the run can replace)")
    return list(dict.fromkeys(problems))


def _restore_after(journal: Any, root: Path) -> str:
    """Put the last good outputs back after a failure; what to say about it (a failure to restore is said, not raised,
    so it never hides the failure that came first)."""
    from helpers.pipeline.journal import RestoreIncomplete

    try:
        restored = journal.restore()
    except RestoreIncomplete as exc:
        return str(exc)
    except OSError as exc:
        from helpers.pipeline.journal import describe_os_error

        return f"could not put the last good outputs back ({describe_os_error(exc, root)}); the next run tries again"
    return f"restored the last good outputs ({len(restored)} path(s)); nothing from this run was kept"


def run(
    parameters: dict[str, Any],
    force: bool = False,
    jobs: int | None = None,
    wait: float | None = DEFAULT_WAIT_SECONDS,
    selection: Selection = Selection(),
    cell_timeout: float | None = DEFAULT_CELL_TIMEOUT,
    fork_kernels: bool = True,
    origins: Mapping[Any, str] | None = None,
) -> int:
    """Run what changed (of ``selection``); return the exit status (0 good, 1 failed, 75 busy, 130 interrupted).

    ``wait``: seconds to wait for another run's lock (0 refuses at once, ``None`` waits forever);
    ``cell_timeout``: seconds a cell may run (``None``: no limit); ``fork_kernels``: start kernels
    from a fork server that has done their imports (:mod:`helpers.pipeline.kernel_forks`; Linux).
    Parameters and options a run does not take (:mod:`helpers.pipeline.parameters`; ``origins`` says where
    each parameter came from) are refused with exit status 2 before the lock is taken, nothing run.
    """
    from helpers.pipeline.journal import Journal
    from helpers.paths import project_root

    started = time.monotonic()
    root = project_root()
    quiet = _quiet()
    options = {"--jobs": jobs, "--cell-timeout": cell_timeout, "--wait": wait}
    refused = [f"{name}: {given(value)} is not allowed (expected {OPTION_BOUNDS[name].expected()})"
               for name, value in options.items() if value is not None and OPTION_BOUNDS[name].problem(value)]
    if refused:
        print("error: " + "\n".join(refused), file=sys.stderr)
        return EXIT_USAGE
    jobs = jobs or min(os.cpu_count() or 1, MAX_JOBS)
    try:
        params_by_step = parameters_by_step(root, parameters, origins)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    lock = RunLock(root / STATE_DIR / "lock")
    try:
        lock.acquire(wait=wait)
    except LockBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except OSError as exc:
        from helpers.pipeline.journal import describe_os_error

        print(f"error: cannot take the run lock: {describe_os_error(exc, root)}; nothing was run", file=sys.stderr)
        return EXIT_FAILED
    journal = Journal(root, root / STATE_DIR / "journal")
    load_file_memo(root)
    try:
        _stop_orphans(root)
        if journal.active or journal.folder.exists():
            from helpers.pipeline.journal import RestoreIncomplete

            try:
                restored = journal.restore()
            except RestoreIncomplete as exc:
                print(f"error: the previous run was interrupted, and {exc}\nnothing was run", file=sys.stderr)
                return EXIT_FAILED
            if restored:
                _say(f"recovered: the previous run was interrupted; restored {len(restored)} output path(s) to the last good run")
        state = load_state(root)
        unwritable = unwritable_outputs(root, selection)
        if unwritable:
            print("error: the run could not write its outputs; nothing was run, every output is as it was:\n  "
                  + "\n  ".join(unwritable), file=sys.stderr)
            return EXIT_FAILED
        report = _schedule(root, params_by_step, state, force, jobs, quiet, journal, selection, cell_timeout, fork_kernels)
        if report.failed:
            print(f"FAILED {report.failed}", file=sys.stderr)  # first: nothing after it may hide it
            print(_restore_after(journal, root), file=sys.stderr)
            return EXIT_FAILED
        if selection.report:
            _export_report(root, state, force, journal, report)
        else:
            _say(f"skipped {'html report':<18} not requested: it comes after every notebook (add --downstream, or run all)")
        save_state(root, state)
        journal.discard()
    except KeyboardInterrupt:
        print("\ninterrupted: " + _restore_after(journal, root), file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # the runner's own writes (the report, its state): the cause first, then the restore
        from helpers.pipeline.journal import describe_os_error

        print(f"FAILED cannot write {describe_os_error(exc, root)}", file=sys.stderr)
        print(_restore_after(journal, root), file=sys.stderr)
        return EXIT_FAILED
    finally:
        from helpers.pipeline import graph

        try:
            graph.MEMO.save(_memo_path(root))
        except OSError:
            pass  # a pure cache: the next run reads the files again
        lock.release()
    total = time.monotonic() - started
    _say(
        f"done in {total:.1f} s: {len(report.ran)} ran, {len(report.skipped)} skipped"
        f"{f' ({report.processes} worker processes, {_kernels_said(report, fork_kernels)})' if report.processes else ''}"
        f"{f', {len(STEPS) - len(selection.steps)} not requested' if selection.targets else ''}; "
        "report: reports/html/index.html, results: reports/summary.json"
    )
    return 0


def _export_report(root: Path, state: dict[str, Any], force: bool, journal: Any, report: RunReport) -> None:
    """Export the executed notebooks and figures to ``reports/html`` when any of them changed."""
    inputs = report_inputs(root)
    outputs = digest_files(root, files_under(root, REPORT_WRITES))
    reason = "forced" if force else why_rerun(state.get("_report"), inputs, outputs)
    if reason is None:
        _say(f"skipped {'html report':<18} unchanged since the last good run")
        return
    started = time.monotonic()
    journal.protect(REPORT_WRITES)
    from helpers.report.html import export_report

    # pages of the notebooks that ran were exported by their workers; redo the rest
    # only when the export itself may have changed (its code, the environment, --force)
    previous = state.get("_report", {}).get("inputs", {})
    export_changed = any(previous.get(k) != inputs[k] for k in ("helpers", "environment", "installed", "settings"))
    export_report(root, pages=[s.name for s in STEPS if s.name not in report.ran] if export_changed else [])
    state["_report"] = {"inputs": inputs, "outputs": digest_files(root, files_under(root, REPORT_WRITES))}
    _say(f"ran     {'html report':<18} {time.monotonic() - started:6.1f} s ({reason})")


#: What a worker imports before its first step (its start-up: about 1.5 s of CPU), done once per run in
#: multiprocessing's fork server, from which every worker is forked.
WORKER_PRELOAD = ["helpers.pipeline.runner", "helpers.pipeline.execute", "helpers.pipeline.kernel_forks",
                  "jupyter_client.manager", "papermill", "nbclient", "helpers.report.html", "nbconvert.exporters.html"]


def _worker_context():
    """The multiprocessing context workers start in: a clean child, no inherited locks or pipe ends.

    "forkserver" where the platform has it (a fresh process that imports :data:`WORKER_PRELOAD`
    once, then forks each worker), else "spawn" (each worker a fresh interpreter).
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(WORKER_PRELOAD)
    return ctx


def _schedule(root, params_by_step, state, force, jobs, quiet, journal, selection=Selection(), cell_timeout=DEFAULT_CELL_TIMEOUT,
              fork_kernels=True) -> RunReport:
    from helpers.pipeline import graph
    from helpers.pipeline.kernel_forks import ForkServer, fork_server_supported

    report = RunReport()
    order = [s for s in topological(STEPS) if s.name in selection.steps]
    done: set[str] = set(STEPS_BY_NAME) - selection.steps  # not requested: their last good outputs stand
    workers: dict[str, Worker] = {}  # by the step each warms or runs
    finishing: dict[str, Worker] = {}  # done, exporting their HTML page
    idle: list[Worker] = []  # processes waiting for a step (reused: their start-up is paid once)
    # ready steps are started longest path first (by the last run's times), so that the long
    # notebooks at the end of the graph do not run alone on one core while the other idles
    priority = critical_path_seconds(order, {name: entry.get("seconds") for name, entry in state.items()
                                             if isinstance(entry, dict)})
    pending = [s.name for s in sorted(order, key=lambda s: -priority[s.name])]  # stable: ties in graph order
    ctx = _worker_context()
    needs_run: dict[str, bool] = {}
    forks: list[ForkServer] = []  # started with the first worker: a run with nothing to do starts none

    def fork_address() -> str | None:
        if not forks and fork_kernels and fork_server_supported():
            # the first kernels (one per core) are forked before the server's imports: they are asked for at once
            forks.append(ForkServer.start(fork_server_modules(root, order), root / "notebooks", hold_for=min(jobs, len(order))))
        return forks[0].address if forks else None

    def start_worker(step: Step) -> None:
        if idle:
            worker = idle.pop()
        else:
            parent_conn, child_conn = ctx.Pipe()
            process = ctx.Process(target=_worker, args=(child_conn, str(root), quiet, fork_address()), daemon=True)
            process.start()
            report.processes += 1
            worker = Worker(process, parent_conn)
        worker.assign(step, _warm_modules(root, step))
        workers[step.name] = worker

    def set_idle(worker: Worker) -> None:
        worker.release()
        idle.append(worker)

    pending_inputs: dict[str, dict[str, str]] = {}  # input hashes of the steps running now
    environment = environment_inputs(root)  # the interpreter, packages and settings: the same for every step of a run

    def check(step: Step) -> str | None:
        reason, pending_inputs[step.name] = judge(step, root, params_by_step.get(step.name, {}), state, force, environment)
        return "requested" if selection.requested(step.name) and not force else reason

    try:
        while pending or any(w.started for w in workers.values()) or finishing:
            progressed = False
            for name in list(pending):
                step = STEPS_BY_NAME[name]
                if not all(a in done for a in step.after):
                    # warm a kernel for a step whose inputs are being rebuilt (or about to be)
                    if name not in workers and all(a in done or a in workers for a in step.after):
                        if len([w for w in workers.values() if not w.started]) < jobs:
                            start_worker(step)
                    continue
                if name not in needs_run:
                    reason = check(step)
                    needs_run[name] = reason is not None
                    if reason is None:
                        _say(f"skipped {name:<18} unchanged since the last good run")
                        report.skipped.append(name)
                        done.add(name)
                        pending.remove(name)
                        if name in workers:
                            worker = workers.pop(name)
                            worker.conn.send(("stop", None))  # it shuts its kernel down and waits for another step
                            set_idle(worker)
                        progressed = True
                        continue
                    _say(f"run     {name:<18} ({reason})")
                if name not in workers:
                    if len([w for w in workers.values() if not w.started]) >= jobs:
                        continue  # enough kernels warming: more would only compete for the cores
                    start_worker(step)
                worker = workers[name]
                if worker.ready and not worker.started and len([w for w in workers.values() if w.started]) < jobs:
                    journal.protect((*step.outputs, *REPORT_WRITES))
                    worker.conn.send(("go", (params_by_step.get(name, {}), cell_timeout)))
                    worker.started = time.monotonic()
                    pending.remove(name)
                    progressed = True
            if progressed:
                continue
            everyone = [*workers.values(), *finishing.values(), *idle]
            if not everyone:
                continue
            from multiprocessing.connection import wait  # here: a run with nothing to do never waits

            for conn in wait([w.conn for w in everyone], timeout=1.0):
                worker = next(w for w in everyone if w.conn is conn)
                try:
                    kind, about, value = conn.recv()
                except EOFError:
                    if worker.step is None:  # an idle worker went away: nothing was lost
                        idle.remove(worker)
                        continue
                    kind, about, value = "failed", worker.step.name, f"{worker.step.name}: the worker process died"
                if worker.step is None or about != worker.step.name:
                    continue  # about a step this worker was told to drop
                if kind == "kernel":
                    worker.kernel_pid, not_forked = value
                    report.kernels += 1
                    report.forked += not_forked is None
                    report.not_forked = report.not_forked or not_forked
                elif kind == "kernel replaced":
                    _say(f"note    {worker.step.name:<18} {value}; started another")
                elif kind == "ready":
                    worker.ready = True
                elif kind == "done":
                    name = worker.step.name
                    elapsed = time.monotonic() - worker.started
                    _say(f"ran     {name:<18} {elapsed:6.1f} s")
                    report.ran.append(name)
                    done.add(name)
                    finishing[name] = workers.pop(name)  # still exporting its HTML page
                    state[name] = {"inputs": pending_inputs[name], "outputs": outputs_digest(worker.step, root),
                                   "seconds": round(elapsed, 1)}
                    graph.MEMO.notebook_facts(root / worker.step.notebook)  # the run rewrote it: the next judges it from the memo
                elif kind == "exported":
                    set_idle(finishing.pop(worker.step.name))
                elif kind == "failed":
                    report.failed = value
                    return report
        return report
    finally:
        for worker in (*workers.values(), *finishing.values()):
            worker.kill()
        for worker in idle:
            worker.close()
        for server in forks:
            server.stop()


def status(parameters: dict[str, Any], force: bool, selection: Selection = Selection(),
           origins: Mapping[Any, str] | None = None) -> int:
    """Print what a run would do (of ``selection``), without running anything.

    Raises ``ValueError`` for parameters a run would refuse (:func:`parameters_by_step`; ``origins`` as there)."""
    from helpers.paths import project_root

    root = project_root()
    load_file_memo(root)
    params_by_step = parameters_by_step(root, parameters, origins)
    reasons = plan(root, params_by_step, load_state(root), force, selection)
    for step in topological(STEPS):
        if step.name not in reasons:
            _say(f"{'-':<7} {step.name:<18} not requested (its last good outputs stand)")
            continue
        reason = reasons[step.name]
        _say(f"{'run' if reason else 'skip':<7} {step.name:<18} {reason or 'unchanged since the last good run'}")
    if not selection.report:
        _say(f"{'-':<7} {'html report':<18} not requested (it comes after every notebook: add --downstream)")
    _say("(steps after a step that runs are judged again once it has run)")
    return 0


EPILOG = """\
Steps: """ + textwrap.fill(", ".join(s.name for s in STEPS) + " (a number or the words alone also do: 03, trend).",
                          width=88, subsequent_indent="  ") + """
A requested step always runs; the steps it needs run first when stale; the steps after
it run only with --downstream (and then only when stale); the HTML report is refreshed
by runs of every step or with --downstream.

Exit status: 0 good, 1 a notebook failed or timed out (last good outputs restored) or an
output folder cannot be written (nothing run), 2 bad usage (a parameter or option refused,
nothing run), 75 another run held the lock longer than --wait (nothing run), 130 interrupted."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline",
        description="Run the numbered notebooks in order with papermill, re-executing only what changed.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("run", "run what changed (all with --force)"), ("status", "say what a run would do")):
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("steps", nargs="*", metavar="STEP", help="only these steps and what they need (default: every step)")
        p.add_argument("--downstream", action="store_true", help="with STEP: also the steps after it, and the report")
        p.add_argument("--force", action="store_true", help="treat every notebook as changed")
        p.add_argument("--through-week", metavar="YYYY-Www", help="ignore data after this ISO week (reproduce a past vintage)")
        p.add_argument("--horizon", type=option_type("--horizon"), metavar="N", help="weeks to forecast, 1 to 104 (default 4)")
        p.add_argument("--lang", choices=("en", "zh"), help="language of figure titles and labels (default en)")
        p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE", help="any notebook parameter; repeatable")
        p.add_argument("--params", type=Path, metavar="FILE", help="JSON or YAML file of parameters (command-line values win)")
        if name == "run":
            p.add_argument("--jobs", type=option_type("--jobs"), metavar="N",
                           help=f"notebooks run at once, 1 to {MAX_JOBS} (default: cores, at most {MAX_JOBS})")
            p.add_argument("--cell-timeout", type=option_type("--cell-timeout"), default=DEFAULT_CELL_TIMEOUT, metavar="SECONDS",
                           help=f"fail a step whose cell runs longer than this, 0 to {MAX_SECONDS} "
                                f"(default {DEFAULT_CELL_TIMEOUT}; 0: no limit)")
            p.add_argument("--wait", type=option_type("--wait"), default=DEFAULT_WAIT_SECONDS, metavar="SECONDS",
                           help=f"wait at most this long for another run's lock, then exit 75, 0 to {MAX_SECONDS} "
                                f"(default {DEFAULT_WAIT_SECONDS}; 0: refuse at once)")
            p.add_argument("--no-wait", action="store_const", const=0.0, dest="wait", help="the same as --wait 0")
            p.add_argument("--fresh-kernels", action="store_false", dest="fork_kernels",
                           help="start every kernel as a new process (default on Linux: fork them from a process "
                                "that has done their imports)")
    args = parser.parse_args(argv)
    origins: dict[Any, str] = {}  # where each parameter came from, for the messages
    try:
        lines: dict[Any, int] = {}
        parameters: dict[str, Any] = load_params_file(args.params, lines) if args.params else {}
        origins.update({k: f"{args.params}:{lines[k]}" if k in lines else str(args.params) for k in parameters})
        for text in args.param:
            key, value = parse_assignment(text)
            parameters[key] = value
            origins[key] = "-p"
        selection = Selection(tuple(resolve_step_names(args.steps)), args.downstream)
    except (OSError, ValueError) as exc:
        parser.error(str(exc))
    if args.downstream and not args.steps:
        parser.error("--downstream needs a STEP (every step runs without one)")
    for key in ("through_week", "horizon", "lang"):
        if getattr(args, key) is not None:
            parameters[key] = getattr(args, key)
            origins[key] = "--" + key.replace("_", "-")
    if args.command == "status":
        try:
            return status(parameters, args.force, selection, origins)
        except ValueError as exc:
            parser.error(str(exc))
    return run(parameters, force=args.force, jobs=args.jobs, wait=args.wait, selection=selection,
               cell_timeout=args.cell_timeout or None, fork_kernels=args.fork_kernels, origins=origins)

"""``python -m helpers.pipeline run|status``: which steps are stale, the run lock, the scheduling, the journal.

How to use it: ``--help`` and the README's "Running the pipeline"; how it works: ``docs/pipeline.md``.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import functools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from helpers.atomic import write_json_atomic
from helpers.paths import project_root
from helpers.pipeline import graph
from helpers.pipeline.execute import DEFAULT_CELL_TIMEOUT
from helpers.pipeline.graph import (REPORT_WRITES, STEPS, STEPS_BY_NAME, Step, declared_defaults, digest_files,
                                    environment_inputs, files_under, is_pattern, outputs_digest, read_notebook,
                                    report_inputs, step_inputs, why_rerun)
from helpers.pipeline.journal import Journal, RestoreIncomplete, describe_os_error, path_in_message
from helpers.pipeline.parameters import (MAX_JOBS, MAX_SECONDS, OPTION_BOUNDS, ParameterError, check_parameters, given,
                                         option_type)
from helpers.read_audit import AUDIT_STEP_ENV

STATE_DIR = ".cache/pipeline"
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
#: Another run held the lock for longer than ``--wait`` (sysexits' EX_TEMPFAIL: try again later).
EXIT_BUSY = 75
#: How long a run waits for another run's lock by default (a whole forced run takes well under a minute).
DEFAULT_WAIT_SECONDS = 600


_say = functools.partial(print, flush=True)


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


MAPPING = "a mapping of parameter names to values"


def load_params_file(path: Path, lines: dict[Any, int] | None = None) -> dict[Any, Any]:
    """Parameters from a JSON or YAML file holding one mapping; ``lines`` gets the line each name is on.

    Raises ``ValueError`` (``file:line: what is wrong``) for a file that does not parse, is not a mapping
    or names a parameter twice; the values are checked later (:func:`parameters_by_step`).
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
            parts = (getattr(exc, "context", None), getattr(exc, "problem", None))
            problem = " ".join(str(p) for p in parts if p) or str(exc)
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
            raise ValueError(f"{path}: nested too deep to read (expected {MAPPING})") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{exc.lineno}: not JSON: {exc.msg} (expected {MAPPING})") from None
        seen = {}
        for number, line in enumerate(text.splitlines(), 1):
            for name in re.findall(r'"((?:[^"\\]|\\.)*)"\s*:', line):
                seen.setdefault(name, number)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected {MAPPING}, not {given(data)}")
    for name in data:  # a key YAML reads as a number or a date is found by its text
        if str(name) in seen:
            lines[name] = seen[str(name)]
    return data


#: Week parameters that name a vintage, and the parameter that sets the trend window each is fitted on.
VINTAGE_PARAMETERS = {"through_week": "window_weeks", "article_vintage": "article_window_weeks"}


def through_week_problem(root: Path, parameters: dict[str, Any]) -> str | None:
    """Why a vintage parameter (``through_week`` for 03, ``article_vintage`` for 07; an ISO week already checked)
    cannot be one, or ``None``: too few weeks of ``data/raw/weekly_sales.csv`` for the window the notebook fits."""
    vintages = {name: window for name, window in VINTAGE_PARAMETERS.items() if parameters.get(name) is not None}
    if not vintages:
        return None
    from helpers.models import trend  # pandas: only when a vintage is asked for

    defaults = {"window_weeks": trend.DEFAULT_WINDOW_WEEKS, "article_window_weeks": 4}
    with open(root / "data" / "raw" / "weekly_sales.csv", encoding="utf-8-sig", newline="") as handle:
        pairs = [(int(r["iso_year"]), int(r["iso_week"]))
                 for r in csv.DictReader(handle) if r["series"] == trend.SUMMARY_SERIES]
    for name, window in vintages.items():
        problem = trend.vintage_problem(pairs, str(parameters[name]), int(parameters.get(window) or defaults[window]))
        if problem:
            return problem.replace("through_week", name, 1)
    return None


def parameters_by_step(root: Path, parameters: dict[str, Any],
                       origins: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Split run parameters among the steps whose notebooks declare them.

    Raises ``ValueError`` for a parameter no notebook declares, a value a notebook declaring it does
    not take (:func:`~helpers.pipeline.parameters.check_parameters`) and a vintage that cannot be one.
    ``origins``: where each parameter came from, as the messages name it (``params.yaml:3``, ``-p``).
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
    problem = through_week_problem(root, parameters)
    if problem:
        raise ValueError(problem)
    return {name: {k: v for k, v in parameters.items() if k in defaults} for name, defaults in declared.items()}


class LockBusy(RuntimeError):
    """Another run held the lock for longer than this run would wait."""


#: How often a waiting run tries the lock again.
LOCK_POLL_SECONDS = 0.2


class RunLock:
    """An exclusive ``flock`` on the project: one run writes at a time.  The holder's pid is in the file."""

    def __init__(self, path: Path):
        self.path, self.handle = path, None

    def acquire(self, wait: float | None) -> None:
        """Take the lock, waiting at most ``wait`` seconds for another run (0: refuse at once; None: forever),
        or raise :class:`LockBusy`."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        deadline, holder = time.monotonic() + (float("inf") if wait is None else wait), None
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if holder is None:
                    self.handle.seek(0)
                    holder = self.handle.read().strip() or "another process"
                    if wait != 0:
                        _say(f"waiting: another pipeline run holds the lock ({holder}) ...")
                if time.monotonic() >= deadline:
                    self.handle.close()
                    self.handle = None
                    if wait == 0:
                        raise LockBusy(f"another pipeline run holds the lock ({holder}); "
                                       "try again when it ends (or give --wait SECONDS)") from None
                    raise LockBusy(f"gave up after waiting {wait:g} s: another pipeline run still holds the lock "
                                   f"({holder}); nothing was run (a longer --wait waits longer)") from None
                time.sleep(max(0.0, min(LOCK_POLL_SECONDS, deadline - time.monotonic())))
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}")
        self.handle.flush()

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
    write_json_atomic(root / STATE_DIR / "state.json", state)


@dataclass
class RunReport:
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: str | None = None


def resolve_step_names(names: list[str]) -> list[str]:
    """Step names from what a person typed: a whole name (``03_trend``), its number (``03``) or its words."""
    resolved = []
    for name in names:
        matches = [s.name for s in STEPS if name in (s.name, s.name.split("_", 1)[0], s.name.split("_", 1)[1])]
        if len(matches) != 1:
            raise ValueError(f"no step {name!r} (expected one of: {', '.join(s.name for s in STEPS)})")
        resolved.append(matches[0])
    return list(dict.fromkeys(resolved))


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
        needed, following = set(self.targets), set(self.targets)
        for step in reversed(STEPS):  # the registry's order is one they run in: what a step needs comes before it
            if step.name in needed:
                needed.update(step.after)
        for step in STEPS:
            if following.intersection(step.after):
                following.add(step.name)
        return needed | following if self.downstream else needed

    @property
    def report(self) -> bool:
        """Whether the HTML report and ``summary.json`` are refreshed: they come after every notebook."""
        return not self.targets or self.downstream


def reason_to_run(step: Step, root: Path, parameters: dict[str, Any], state: dict[str, Any], force: bool,
                  environment: Mapping[str, str] | None = None,
                  selection: Selection = Selection()) -> tuple[str | None, dict[str, str]]:
    """Why ``step`` must run (``None``: its last good run stands) and its input hashes, from the files as they are now.

    ``environment``: the run's :func:`~helpers.pipeline.graph.environment_inputs`; a requested step always runs."""
    inputs = step_inputs(step, root, parameters, environment)
    if force or step.name in selection.targets:
        return "forced" if force else "requested", inputs
    return why_rerun(state.get(step.name), inputs, outputs_digest(step, root)), inputs


#: Written by a run besides the steps' outputs: its own state and the executions of failed notebooks.
RUN_WRITES = (STATE_DIR, "reports/failed")
WRITABLE_FOLDER = "a folder the run can write in"


def unwritable_outputs(root: Path, selection: Selection = Selection()) -> list[str]:
    """Why the run could not write each output folder or file of ``selection`` (empty: it can write them all).

    A scratch file created and removed in each folder is the one test that answers for root, read-only
    mounts and files where a folder is expected.  Existing files must be writable (matplotlib writes in place).
    """
    rels = set(RUN_WRITES) | (set(REPORT_WRITES) if selection.report else set())
    rels.update(rel for step in STEPS if step.name in selection.steps for rel in step.outputs)
    files = files_under(root, rels)
    # a pattern's or a file's folder (notebooks/03_trend.ipynb, reports/summary.json), or the folder itself
    folders = {(root / rel).parent if is_pattern(rel) or Path(rel).suffix else root / rel for rel in rels}
    folders.update(p for folder in list(folders) if folder.is_dir() for p in folder.rglob("*") if p.is_dir())
    problems = []
    for folder in sorted(folders):
        existing = folder
        while not existing.exists() and existing != root and existing.parent != existing:
            existing = existing.parent  # a folder the run will make: its nearest existing parent must take it
        if not existing.is_dir():
            problems.append(f"{path_in_message(existing, root)}: is a file, not a folder (expected {WRITABLE_FOLDER})")
            continue
        try:
            handle, scratch = tempfile.mkstemp(prefix=".~write-check.", dir=existing)
            os.close(handle)
            os.unlink(scratch)
        except OSError as exc:
            problems.append(f"{path_in_message(existing, root)}: cannot write in this folder: {exc.strerror or exc} "
                            f"(expected {WRITABLE_FOLDER})")
    for path in sorted(files):
        if path.is_file() and not os.access(path, os.W_OK):
            problems.append(f"{path_in_message(path, root)}: cannot write this file: it is read-only "
                            "(expected a file the run can replace)")
    return list(dict.fromkeys(problems))


def _restore_after(journal: Any, root: Path) -> str:
    """Put the last good outputs back after a failure; what to say about it (a failure to restore is said, not raised,
    so it never hides the failure that came first)."""
    try:
        restored = journal.restore()
    except RestoreIncomplete as exc:
        return str(exc)
    except OSError as exc:
        return f"could not put the last good outputs back ({describe_os_error(exc, root)}); the next run tries again"
    return f"restored the last good outputs ({len(restored)} path(s)); nothing from this run was kept"


def run(parameters: dict[str, Any], force: bool = False, jobs: int | None = None,
        wait: float | None = DEFAULT_WAIT_SECONDS, selection: Selection = Selection(),
        cell_timeout: float | None = DEFAULT_CELL_TIMEOUT, origins: Mapping[Any, str] | None = None) -> int:
    """Run what changed (of ``selection``); return the exit status (:data:`EPILOG`).

    ``wait``: seconds to wait for another run's lock (0: refuse at once, ``None``: forever); ``cell_timeout``:
    seconds a cell may run (``None``: no limit); ``origins``: where each parameter came from, for the messages.
    """
    started = time.monotonic()
    root = project_root()
    options = {"--jobs": jobs, "--cell-timeout": cell_timeout, "--wait": wait}  # argparse checked them; the API did not
    refused = [f"{name}: {given(value)} is not allowed (expected {OPTION_BOUNDS[name].expected()})"
               for name, value in options.items() if value is not None and OPTION_BOUNDS[name].problem(value)]
    jobs = jobs or min(os.cpu_count() or 1, MAX_JOBS)
    try:
        if refused:
            raise ValueError("\n".join(refused))
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
        print(f"error: cannot take the run lock: {describe_os_error(exc, root)}; nothing was run", file=sys.stderr)
        return EXIT_FAILED
    journal = Journal(root, root / STATE_DIR / "journal")
    graph.MEMO = graph.FileMemo.load(root / STATE_DIR / "files.json")
    try:
        if journal.folder.exists():
            try:
                restored = journal.restore()
            except RestoreIncomplete as exc:
                print(f"error: the previous run was interrupted, and {exc}\nnothing was run", file=sys.stderr)
                return EXIT_FAILED
            if restored:
                _say(f"recovered: the previous run was interrupted; restored {len(restored)} output path(s) "
                     "to the last good run")
        state = load_state(root)
        unwritable = unwritable_outputs(root, selection)
        if unwritable:
            print("error: the run could not write its outputs; nothing was run, every output is as it was:\n  "
                  + "\n  ".join(unwritable), file=sys.stderr)
            return EXIT_FAILED
        report = _schedule(root, params_by_step, state, force, jobs, lock, journal, selection, cell_timeout)
        if report.failed:
            print(f"FAILED {report.failed}", file=sys.stderr)  # first: nothing after it may hide it
            print(_restore_after(journal, root), file=sys.stderr)
            return EXIT_FAILED
        if selection.report:
            _export_report(root, state, force, journal, report)
        else:
            _say(f"skipped {'html report':<18} not requested: it comes after every notebook "
                 "(add --downstream, or run all)")
        save_state(root, state)
        journal.discard()
    except KeyboardInterrupt:
        print("\ninterrupted: " + _restore_after(journal, root), file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # the runner's own writes (the report, its state): the cause first, then the restore
        print(f"FAILED cannot write {describe_os_error(exc, root)}", file=sys.stderr)
        print(_restore_after(journal, root), file=sys.stderr)
        return EXIT_FAILED
    finally:
        try:
            graph.MEMO.save(root / STATE_DIR / "files.json")
        except OSError:
            pass  # a pure cache: the next run reads the files again
        lock.release()
    not_requested = f", {len(STEPS) - len(selection.steps)} not requested" if selection.targets else ""
    _say(f"done in {time.monotonic() - started:.1f} s: {len(report.ran)} ran, {len(report.skipped)} skipped"
         f"{not_requested}; report: reports/html/index.html, results: reports/summary.json")
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

    # pages of the notebooks that ran were exported by their processes; redo the rest
    # only when the export itself may have changed (its code, the environment, --force)
    previous = state.get("_report", {}).get("inputs", {})
    export_changed = any(previous.get(k) != inputs[k] for k in ("helpers", "environment", "installed", "settings"))
    export_report(root, pages=[s.name for s in STEPS if s.name not in report.ran] if export_changed else [])
    state["_report"] = {"inputs": inputs, "outputs": digest_files(root, files_under(root, REPORT_WRITES))}
    _say(f"ran     {'html report':<18} {time.monotonic() - started:6.1f} s ({reason})")


def start_order() -> list[Step]:
    """The steps as a free process takes them when several are ready: most steps waiting first, then registry order."""
    return sorted(STEPS, key=lambda s: -len(Selection((s.name,), True).steps - Selection((s.name,)).steps))


def _schedule(root, params_by_step, state, force, jobs, lock, journal, selection=Selection(),
              cell_timeout=DEFAULT_CELL_TIMEOUT) -> RunReport:
    """Run the selected steps that are stale, each once the steps it needs are done, at most ``jobs`` at once.

    A step is judged when the steps it needs are done (one that ran may have changed its inputs); a stale
    one has its outputs backed up in ``journal``, then runs in a process of its own (:class:`StepProcess`).
    The first failure, or Ctrl-C, stops the running steps (:func:`_stop`) before this returns (or raises).
    """
    report = RunReport()
    pending = [s for s in start_order() if s.name in selection.steps]
    done: set[str] = set(STEPS_BY_NAME) - selection.steps  # not requested: their last good outputs stand
    environment = environment_inputs(root)  # the interpreter, packages and settings: the same for every step of a run
    running: list[StepProcess] = []
    try:
        while pending or running:
            for step in [s for s in pending if all(a in done for a in s.after)]:  # in start order
                if len(running) == jobs:
                    break
                pending.remove(step)
                parameters = params_by_step.get(step.name, {})
                reason, inputs = reason_to_run(step, root, parameters, state, force, environment, selection)
                if reason is None:
                    _say(f"skipped {step.name:<18} unchanged since the last good run")
                    report.skipped.append(step.name)
                    done.add(step.name)
                    continue
                _say(f"run     {step.name:<18} ({reason})")
                journal.protect((*step.outputs, *REPORT_WRITES))
                running.append(StepProcess(root, step, inputs, parameters, cell_timeout, lock))
            if running:
                time.sleep(POLL_SECONDS)
            for process in [p for p in running if p.poll() is not None]:
                running.remove(process)
                failure = process.failure()
                if failure:
                    report.failed = failure
                    return report
                _say(f"ran     {process.step.name:<18} {time.monotonic() - process.started:6.1f} s")
                report.ran.append(process.step.name)
                done.add(process.step.name)
                state[process.step.name] = {"inputs": process.inputs, "outputs": outputs_digest(process.step, root)}
                # the run rewrote its notebook: the next run judges it from the memo
                graph.MEMO.notebook_facts(root / process.step.notebook)
        return report
    finally:
        _stop(running)


#: How often the runner looks whether a step has ended.
POLL_SECONDS = 0.05
#: How long a stopped step's process may take to kill its kernel and exit before it is killed.
STOP_SECONDS = 5


class StepProcess(subprocess.Popen):
    """One step running as ``python -m helpers.pipeline.execute`` in a new session (its own process group).

    It holds the run lock's file (a run started after this one was killed waits for it too) and stops when its
    stdin ends (the runner is gone).  It says its failure in a file: a process a cell left could hold a pipe open.
    """

    def __init__(self, root: Path, step: Step, inputs: dict[str, str], parameters: dict[str, Any],
                 cell_timeout: float | None, lock: RunLock | None):
        self.step, self.inputs, self.started = step, inputs, time.monotonic()
        self.said = tempfile.TemporaryFile("w+", encoding="utf-8")
        command = [sys.executable, "-m", "helpers.pipeline.execute", step.notebook, "--parent-pipe",
                   "--parameters", json.dumps(parameters), "--cell-timeout", str(cell_timeout or 0)]
        super().__init__(command, cwd=root, stdin=subprocess.PIPE, stdout=self.said, start_new_session=True,
                         env={**os.environ, AUDIT_STEP_ENV: step.name}, pass_fds=[lock.handle.fileno()] if lock else [])

    def failure(self) -> str | None:
        """Once it has ended: what it said failed, or ``None``."""
        self.stdin.close()
        self.said.seek(0)
        said = self.said.read().strip()
        self.said.close()
        if self.returncode == 0:
            return None
        return said or f"{self.step.name}: its process ended with status {self.returncode}"


def _stop(processes: list[StepProcess]) -> None:
    """SIGTERM to each step's process group (the step kills its kernel), then SIGKILL to what is left."""
    deadline = time.monotonic() + STOP_SECONDS
    for signum in (signal.SIGTERM, signal.SIGKILL):
        for process in processes:
            try:
                os.killpg(process.pid, signum)  # its process group: start_new_session made it the leader
            except (ProcessLookupError, PermissionError):
                pass
        for process in processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()) if signum == signal.SIGTERM else None)
            except subprocess.TimeoutExpired:
                pass
    for process in processes:
        process.failure()  # closes its pipe and its file


def status(parameters: dict[str, Any], force: bool, selection: Selection = Selection(),
           origins: Mapping[Any, str] | None = None) -> int:
    """Print what a run would do (of ``selection``), without running anything.

    Raises ``ValueError`` for parameters a run would refuse (:func:`parameters_by_step`; ``origins`` as there)."""
    root = project_root()
    graph.MEMO = graph.FileMemo.load(root / STATE_DIR / "files.json")
    params_by_step = parameters_by_step(root, parameters, origins)
    state, environment = load_state(root), environment_inputs(root)
    for step in STEPS:
        if step.name not in selection.steps:
            _say(f"{'-':<7} {step.name:<18} not requested (its last good outputs stand)")
            continue
        reason = reason_to_run(step, root, params_by_step.get(step.name, {}), state, force, environment, selection)[0]
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
        prog="python -m helpers.pipeline", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run the numbered notebooks in order with papermill, re-executing only what changed.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("run", "run what changed (all with --force)"), ("status", "say what a run would do")):
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("steps", nargs="*", metavar="STEP",
                       help="only these steps and what they need (default: every step)")
        p.add_argument("--downstream", action="store_true", help="with STEP: also the steps after it, and the report")
        p.add_argument("--force", action="store_true", help="treat every notebook as changed")
        p.add_argument("--through-week", metavar="YYYY-Www",
                       help="ignore data after this ISO week (reproduce a past vintage)")
        p.add_argument("--horizon", type=option_type("--horizon"), metavar="N",
                       help="weeks to forecast, 1 to 104 (default 4)")
        p.add_argument("--lang", choices=("en", "zh"), help="language of figure titles and labels (default en)")
        p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                       help="any notebook parameter; repeatable")
        p.add_argument("--params", type=Path, metavar="FILE",
                       help="JSON or YAML file of parameters (command-line values win)")
        if name == "run":
            p.add_argument("--jobs", type=option_type("--jobs"), metavar="N",
                           help=f"notebooks run at once, 1 to {MAX_JOBS} (default: cores, at most {MAX_JOBS})")
            p.add_argument("--cell-timeout", type=option_type("--cell-timeout"), default=DEFAULT_CELL_TIMEOUT,
                           metavar="SECONDS",
                           help=f"fail a step whose cell runs longer than this, 0 to {MAX_SECONDS} "
                                f"(default {DEFAULT_CELL_TIMEOUT}; 0: no limit)")
            p.add_argument("--wait", type=option_type("--wait"), default=DEFAULT_WAIT_SECONDS, metavar="SECONDS",
                           help=f"wait at most this long for another run's lock, then exit 75, 0 to {MAX_SECONDS} "
                                f"(default {DEFAULT_WAIT_SECONDS}; 0: refuse at once)")
            p.add_argument("--no-wait", action="store_const", const=0.0, dest="wait", help="the same as --wait 0")
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
    for key in [k for k in ("through_week", "horizon", "lang") if getattr(args, k) is not None]:
        parameters[key], origins[key] = getattr(args, key), "--" + key.replace("_", "-")
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C works even if started with SIGINT ignored
    if args.command == "status":
        try:
            return status(parameters, args.force, selection, origins)
        except ValueError as exc:
            parser.error(str(exc))
    return run(parameters, force=args.force, jobs=args.jobs, wait=args.wait, selection=selection,
               cell_timeout=args.cell_timeout or None, origins=origins)

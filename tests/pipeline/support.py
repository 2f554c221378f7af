"""What the slow pipeline tests share: copies of the project, running the real runner on one, snapshots.

A *fresh copy* is the checkout without the runner's state (``.cache``), as after a
clone.  The *template* (``pipeline_template`` in ``conftest.py``) is a fresh copy
after one forced run and then one plain run; a *ran copy* is a copy of the template,
runner state included, so a plain run on it finds nothing to do.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

#: What a run may write, compared byte for byte by the tests.
OUTPUT_PATHS = ("notebooks", "data/processed", "reports")
#: Left out of a fresh copy: environments, caches (the runner's state is in .cache/pipeline), failed runs.
FRESH_IGNORE = shutil.ignore_patterns(".venv", ".git", ".cache", "__pycache__", ".pytest_cache", ".hypothesis", "failed")
#: Left out of a copy of the template: the runner's state (.cache/pipeline) is kept.
RAN_IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".hypothesis")


def fresh_copy(target: Path) -> Path:
    """The checkout copied to ``target`` as after a clone (no runner state)."""
    shutil.copytree(ROOT, target, ignore=FRESH_IGNORE)
    return target


def pipeline_run(root: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment of ``python -m helpers.pipeline run ARGS`` on the project at ``root``."""
    return [sys.executable, "-m", "helpers.pipeline", "run", *args], {**os.environ, "SU7_PROJECT_ROOT": str(root), "CI": "true"}


def run_pipeline(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    command, env = pipeline_run(root, *args)
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


def run_pipelines_together(root: Path, *runs: tuple[str, ...], timeout: int = 600) -> list[subprocess.CompletedProcess]:
    """Start one ``run`` per argument tuple at the same moment on ``root`` and wait for all.

    Their output goes to files, not pipes: a run that waits for the lock must never be
    held up by the other one's full pipe.
    """
    commands, envs = zip(*(pipeline_run(root, *args) for args in runs))
    files = [(tempfile.TemporaryFile("w+", encoding="utf-8"), tempfile.TemporaryFile("w+", encoding="utf-8")) for _ in commands]
    processes = [subprocess.Popen(c, cwd=root, env=e, stdout=out, stderr=err, text=True)
                 for c, e, (out, err) in zip(commands, envs, files)]
    try:
        for p in processes:
            p.wait(timeout=timeout)
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
    results = []
    for command, p, (out, err) in zip(commands, processes, files):
        out.seek(0)
        err.seek(0)
        results.append(subprocess.CompletedProcess(command, p.returncode, out.read(), err.read()))
        out.close()
        err.close()
    return results


def write_notebook(path: Path, nb: dict) -> None:
    """Save a notebook a test edited, in the layout the committed notebooks use."""
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    files = {}
    for rel in OUTPUT_PATHS:
        for path in sorted((root / rel).rglob("*")):
            if path.is_file() and "failed" not in path.parts:
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


@dataclass(frozen=True)
class Template:
    """A fresh copy after a forced run, then a plain ``run``: read it, never run or write in it.

    ``before`` and ``after_forced`` are the snapshots before and right after the forced run;
    ``forced`` is the result of ``run --force``, ``second`` of the plain run after it.
    """

    root: Path
    before: dict[str, bytes]
    after_forced: dict[str, bytes]
    forced: subprocess.CompletedProcess
    second: subprocess.CompletedProcess

    def copy_to(self, target: Path) -> Path:
        """A writable copy of the finished run, the runner's state included."""
        shutil.copytree(self.root, target, ignore=RAN_IGNORE, symlinks=True)
        return target


def _result(data: dict) -> subprocess.CompletedProcess:
    return subprocess.CompletedProcess(data["args"], data["returncode"], data["stdout"], data["stderr"])


def _record(result: subprocess.CompletedProcess) -> dict:
    return {"args": list(result.args), "returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}


def shared_template(folder: Path) -> Template:
    """Build the template in ``folder`` once, or wait for whoever builds it (an exclusive file lock).

    pytest-xdist workers pass their common temporary folder, so the whole session
    runs the pipeline once for all the tests that start from a finished run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / "runs.json"
    with open(folder / "build.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.is_file():
                root = folder / "project"
                shutil.rmtree(root, ignore_errors=True)
                fresh_copy(root)
                (folder / "before.pickle").write_bytes(pickle.dumps(snapshot(root)))
                forced = run_pipeline(root, "--force")
                (folder / "after_forced.pickle").write_bytes(pickle.dumps(snapshot(root)))
                second = run_pipeline(root) if forced.returncode == 0 else forced
                done.write_text(json.dumps({"forced": _record(forced), "second": _record(second)}), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    runs = json.loads(done.read_text(encoding="utf-8"))
    return Template(
        root=folder / "project",
        before=pickle.loads((folder / "before.pickle").read_bytes()),
        after_forced=pickle.loads((folder / "after_forced.pickle").read_bytes()),
        forced=_result(runs["forced"]),
        second=_result(runs["second"]),
    )


#: The made-up source every appended row cites (registered by :func:`append_new_data`).
APPENDED_SOURCE = "appended_by_the_weekly_loop_test"


def _newest(rows: list[list[str]], series: str) -> tuple[int, int]:
    return max((int(r[0]), int(r[1])) for r in rows if r[2] == series)


def append_new_data(raw: Path, weeks: int = 4, only: set[str] | None = None) -> dict[str, list[str]]:
    """What arrives in a week of the weekly loop, appended to the raw files at ``raw`` as an analyst would.

    ``weeks`` new weeks after the newest one of *every* weekly series (``weekly_sales.csv`` and
    ``market_registrations.csv``), each a little below that series' newest value; one month
    after the newest month of ``monthly_deliveries.csv`` and one quarter after the newest quarter
    of ``quarterly_deliveries.csv``, for ``xiaomi_all``; all citing one newly registered source.
    Whatever the files hold today, the rows go after it.  ``only``: the weekly series to extend
    (default: every one).  Returns the appended labels by file.
    """
    import csv

    from helpers.data.weeks import add_weeks, week_label

    def read(name: str) -> list[list[str]]:
        with open(raw / name, encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))[1:]

    def append(name: str, new_rows: list[list[object]]) -> None:
        with open(raw / name, "a", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(new_rows)

    added: dict[str, list[str]] = {}
    append("sources.csv", [[APPENDED_SOURCE, "A list that arrived this week", "Someone", "", "2026",
                            "https://example.org/appended", "entered by the weekly-loop test"]])
    for name in ("weekly_sales.csv", "market_registrations.csv"):
        rows = read(name)
        new = []
        for series in sorted({r[2] for r in rows} & (only or {r[2] for r in rows})):
            newest = _newest(rows, series)
            last = next(int(r[3]) for r in rows if r[2] == series and (int(r[0]), int(r[1])) == newest)
            for k in range(1, weeks + 1):
                year, week = add_weeks(newest, k)
                new.append([year, week, series, max(1, round(last * (1 - 0.02 * k))), APPENDED_SOURCE, f"row {k}"])
                added.setdefault(name, []).append(f"{series} {week_label(year, week)}")
        append(name, new)
    months = read("monthly_deliveries.csv")
    year, month = max((int(r[0]), int(r[1])) for r in months if r[2] == "xiaomi_all")
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    append("monthly_deliveries.csv", [[year, month, "xiaomi_all", "deliveries", 41000, "exact", "41,000",
                                       APPENDED_SOURCE, 'page: "41,000"']])
    added["monthly_deliveries.csv"] = [f"{year}-{month:02d}"]
    quarters = read("quarterly_deliveries.csv")
    year, quarter = max((int(r[0]), int(r[1])) for r in quarters if r[2] == "xiaomi_all")
    year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    append("quarterly_deliveries.csv", [[year, quarter, "xiaomi_all", 123000, APPENDED_SOURCE, 'page: "123,000"']])
    added["quarterly_deliveries.csv"] = [f"{year} Q{quarter}"]
    return added

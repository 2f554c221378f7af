"""The runner's graph as Dagster assets: one per notebook step, the raw data and the report.

Nothing here lists steps: every asset is made from :data:`helpers.pipeline.graph.STEPS`
(deps from ``step.after``).  Each notebook runs through
:func:`helpers.pipeline.execute.execute_notebook`, so the published notebook is
stabilised exactly as ``make run`` writes it; its outputs are backed up first with
:class:`helpers.pipeline.journal.Journal` and restored when it fails.

* ``code_version``: the notebook, helpers and environment parts of the runner's
  fingerprint (:func:`helpers.pipeline.graph.step_inputs`); the report's from
  :func:`~helpers.pipeline.graph.report_inputs`.
* data version: :func:`~helpers.pipeline.graph.outputs_digest` after the run.
* ``raw_data`` stands for ``data/raw`` (hand-entered, never written by code): an
  observable source asset, whose observation writes nothing and returns the files'
  digest as its :class:`~dagster.DataVersion`; the blocking check ``raw_data_valid``
  (:func:`helpers.data.raw.validate_raw_dir`, what ``python -m helpers.validate`` runs)
  stops everything downstream on bad raw data.
* The folder every asset works in comes from the resource
  :class:`~helpers.orchestration.resources.ProjectRoot` (parameter ``project``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Mapping

import dagster as dg

from helpers.orchestration.resources import ProjectRoot, root_in_environment
from helpers.pipeline.graph import (
    REPORT_WRITES,
    STEPS,
    Step,
    digest_files,
    files_under,
    outputs_digest,
    report_inputs,
    step_inputs,
)

RAW_KEY = "raw_data"
RAW_CHECK = "raw_data_valid"
REPORT_KEY = "report"
GROUP = "su7_slump"
#: The fingerprint parts that are code, not data: what an asset's ``code_version`` hashes (the notebook,
#: its helpers, the lock, what is installed, the outside settings that change outputs).
CODE_PARTS = ("notebook", "helpers", "environment", "installed", "settings")
#: The same for the report, which has no notebook of its own.
REPORT_CODE_PARTS = ("helpers", "environment", "installed", "settings")
#: Where the assets keep their undo journals (one folder per asset; git-ignored ``.cache``).
JOURNAL_DIR = ".cache/orchestration/journal"


def code_version(parts: Mapping[str, str], names: tuple[str, ...] = CODE_PARTS) -> str:
    """One short hash over the named fingerprint parts (a missing part counts as empty).

    >>> code_version({"notebook": "a", "helpers": "b", "environment": "c", "inputs": "x"}) == \\
    ...     code_version({"notebook": "a", "helpers": "b", "environment": "c", "inputs": "y"})
    True
    """
    chosen = {name: parts.get(name, "") for name in names}
    return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def step_code_version(step: Step, root: Path) -> str:
    """The code version of a notebook step: its source, its helpers, the lock (no parameters, no data)."""
    return code_version(step_inputs(step, root, {}))


def report_code_version(root: Path) -> str:
    """The code version of the report: the report's helpers and the lock."""
    return code_version(report_inputs(root), REPORT_CODE_PARTS)


#: Where :func:`code_versions` keeps the last versions computed, keyed by :func:`code_key`.
CODE_VERSION_CACHE = ".cache/orchestration/code_versions.json"


def code_key(root: Path) -> str:
    """A hash of everything the code versions are computed from: every notebook's source, every file of
    ``src/helpers`` (``graph.py`` included) and the environment files.  Cheap: nothing is parsed but JSON."""
    from helpers.pipeline.graph import environment_inputs, notebook_source_digest, read_notebook

    helpers = [p for p in files_under(root, ("src/helpers",)) if "__pycache__" not in p.parts]
    notebooks = {s.name: notebook_source_digest(read_notebook(root / s.notebook)) for s in STEPS}
    parts = [digest_files(root, helpers), environment_inputs(root), notebooks]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def code_versions(root: Path) -> dict[str, str]:
    """The code version of every step and of the report, by asset name.

    Following every notebook's helper imports takes seconds, and Dagster loads the
    code location in every run and step process, so the result is kept in
    :data:`CODE_VERSION_CACHE` under :func:`code_key` and reused while that is unchanged.
    """
    from helpers.atomic import write_json_atomic

    key, cache = code_key(root), root / CODE_VERSION_CACHE
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if kept.get("key") == key:
            return dict(kept["versions"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    versions = {**{s.name: step_code_version(s, root) for s in STEPS}, REPORT_KEY: report_code_version(root)}
    try:
        write_json_atomic(cache, {"key": key, "versions": versions})
    except OSError:
        pass  # a read-only checkout: computed again next time
    return versions


def raw_problems(root: Path) -> list[str]:
    """Every problem of ``<root>/data/raw``, as ``python -m helpers.validate`` prints it (empty: valid)."""
    from helpers.data.raw import validate_raw_dir

    return [str(p) for p in validate_raw_dir(root / "data" / "raw")[1]]


def guarded(root: Path, name: str, outputs: tuple[str, ...], work: Callable[[], None]) -> None:
    """Run ``work`` with ``outputs`` backed up; on any failure put them back and re-raise.

    A journal left by a killed run of the same asset is restored first, as the runner does.
    """
    from helpers.pipeline.journal import Journal

    journal = Journal(root, root / JOURNAL_DIR / name)
    if journal.folder.exists():
        journal.restore()
    journal.protect(outputs)
    try:
        work()
    except BaseException as first:
        try:
            journal.restore()
        except OSError as not_restored:  # said with the failure, never instead of it
            first.add_note(str(not_restored))
        raise
    journal.discard()


def run_step(step: Step, root: Path, parameters: Mapping[str, Any] | None = None) -> str:
    """Execute one step's notebook in place (journal-protected); return its outputs digest."""
    from helpers.pipeline.execute import NotebookFailure, execute_notebook
    from helpers.pipeline.parameters import ParameterError

    def work() -> None:
        with root_in_environment(root):  # the kernel's project_root() is the resource's root
            execute_notebook(root / step.notebook, root, parameters or {})

    try:
        guarded(root, step.name, step.outputs, work)
    except NotebookFailure as failure:
        raise dg.Failure(description=f"{failure}\nthe last good outputs of {step.name} were restored") from None
    except ParameterError as refused:  # checked before papermill: nothing ran, nothing was written
        raise dg.Failure(description=f"{step.name}: parameters refused, nothing run:\n{refused}") from None
    return outputs_digest(step, root)


def run_report(root: Path) -> str:
    """Export ``reports/html`` and ``reports/summary.json`` (journal-protected); return their digest."""
    from helpers.report.html import export_report

    guarded(root, REPORT_KEY, REPORT_WRITES, lambda: export_report(root))
    return digest_files(root, files_under(root, REPORT_WRITES))


def step_asset(step: Step, version: str) -> dg.AssetsDefinition:
    """The asset of one notebook step: deps from ``step.after`` (the first step reads the raw data)."""

    @dg.asset(
        name=step.name,
        group_name=GROUP,
        deps=list(step.after) or [RAW_KEY],
        code_version=version,
        description=f"notebooks/{step.name}.ipynb run with papermill; writes {', '.join(step.writes)}",
        kinds={"jupyter"},
    )
    def _materialize(project: ProjectRoot) -> dg.MaterializeResult:
        digest = run_step(step, project.path)
        return dg.MaterializeResult(
            data_version=dg.DataVersion(digest),
            metadata={"notebook": step.notebook, "outputs_digest": digest},
        )

    return _materialize


def report_asset(version: str) -> dg.AssetsDefinition:
    """The HTML report and ``reports/summary.json``, after every notebook step."""

    @dg.asset(
        name=REPORT_KEY,
        group_name=GROUP,
        deps=[s.name for s in STEPS],
        code_version=version,
        description="reports/html (every executed notebook and an index) and reports/summary.json",
    )
    def _materialize(project: ProjectRoot) -> dg.MaterializeResult:
        here = project.path
        digest = run_report(here)
        summary = json.loads((here / "reports" / "summary.json").read_text(encoding="utf-8"))
        trend = summary.get("trend", {})
        return dg.MaterializeResult(
            data_version=dg.DataVersion(digest),
            metadata={
                "index": "reports/html/index.html",
                "trend_last_week": str(trend.get("last_week")),
                "trend_slope_units_per_week": float(trend.get("slope_units_per_week") or 0.0),
            },
        )

    return _materialize


def raw_digest(root: Path) -> str:
    """The digest of every file under ``<root>/data/raw``."""
    return digest_files(root, files_under(root, ("data/raw",)))


@dg.observable_source_asset(name=RAW_KEY, group_name=GROUP,
                            description="data/raw: hand-entered, cited figures (never written by code)")
def raw_data(project: ProjectRoot) -> dg.DataVersion:
    """Observe ``data/raw``: its digest is the data version; nothing is written."""
    return dg.DataVersion(raw_digest(project.path))


@dg.asset_check(asset=RAW_KEY, name=RAW_CHECK, blocking=True,
                description="python -m helpers.validate: every raw file matches its schema, every row sourced")
def raw_data_valid(project: ProjectRoot) -> dg.AssetCheckResult:
    """Fail (severity ERROR, blocking) with every problem of ``data/raw``."""
    problems = raw_problems(project.path)
    return dg.AssetCheckResult(
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"problems": len(problems), "first_problems": "\n".join(problems[:20])},
        description="data/raw is valid" if not problems else f"data/raw is not valid: {len(problems)} problem(s)",
    )


def all_assets(root: Path) -> list[dg.AssetsDefinition | dg.SourceAsset]:
    """``raw_data``, one asset per step of :data:`STEPS` and the report (code versions read under ``root``)."""
    versions = code_versions(root)
    return [raw_data, *(step_asset(s, versions[s.name]) for s in STEPS), report_asset(versions[REPORT_KEY])]

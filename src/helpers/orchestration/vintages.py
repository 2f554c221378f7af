"""Vintages as a partitioned asset: ``vintage``, one partition per ISO week that can be a ``through_week``.

A code location of its own, ``helpers.orchestration.vintages`` (``defs``), beside
``helpers.orchestration``: ``dagster asset materialize --select '*'`` runs one partition
or none, so a partitioned asset among the unpartitioned ones would make ``'*'`` fail.

The unpartitioned assets are exactly ``make run``'s outputs, so a vintage never
writes into the checkout: each partition copies the project (as after a clone) to
``.cache/orchestration/vintages/<week>/project`` and runs the project's runner there,
``python -m helpers.pipeline run --through-week <week>``, with ``SU7_PROJECT_ROOT``
pointing at the copy.  Its results stay in that folder (git-ignored).

The weeks are those of ``data/raw/weekly_sales.csv`` that the trend can be fitted
on (:func:`helpers.models.trend.vintage_problem`, the rule the runner applies),
read when the code location loads: an appended week becomes a partition on reload.
The partition key is checked against them (:func:`vintage_folder`) before any path is
made from it: a run launched with a forged ``dagster/partition`` tag fails, naming it.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg

from helpers.orchestration.assets import RAW_KEY, raw_problems
from helpers.orchestration.resources import PROJECT, ProjectRoot

VINTAGE_DIR = ".cache/orchestration/vintages"
VINTAGE_KEY = "vintage"
VINTAGE_GROUP = "vintages"
#: Left out of a vintage's copy of the project: environments, caches, VCS, failed runs.
COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", ".cache", "__pycache__", ".pytest_cache", ".hypothesis",
                                     ".ruff_cache", "failed")


def vintage_weeks(root: Path) -> list[str]:
    """ISO weeks of ``weekly_sales.csv`` (any series) that can be a vintage, sorted; empty if the file is unreadable."""
    from helpers.data import weeks
    from helpers.models import trend

    try:
        with open(root / "data" / "raw" / "weekly_sales.csv", encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        every = sorted({(int(r["iso_year"]), int(r["iso_week"])) for r in rows})
        summary = [(int(r["iso_year"]), int(r["iso_week"])) for r in rows if r["series"] == trend.SUMMARY_SERIES]
    except (OSError, KeyError, TypeError, ValueError):
        return []  # the blocking raw-data check says what is wrong
    labels = [weeks.week_label(*p) for p in every]
    return [w for w in labels if trend.vintage_problem(summary, w, trend.DEFAULT_WINDOW_WEEKS) is None]


def vintage_folder(root: Path, week: str) -> Path:
    """Where the vintage of ``week`` is copied: ``<root>/.cache/orchestration/vintages/<week>/project``.

    Dagster does not check a partition key when a run is launched through its
    GraphQL API (the Launchpad with an edited ``dagster/partition`` tag), so the key
    is checked here, before any path is built from it: it must be one of
    :func:`vintage_weeks`, and the folder must resolve inside the vintages folder.
    Raises ``ValueError`` naming the key and what was expected.
    """
    from helpers.paths import inside

    known = vintage_weeks(root)
    if not isinstance(week, str) or week not in known:
        expected = f"one of the {len(known)} weeks {known[0]} ... {known[-1]}" if known else "a week of weekly_sales.csv"
        raise ValueError(f"vintage partition key {str(week)[:80]!r} is not a vintage week (expected {expected})")
    return inside(root / VINTAGE_DIR, week, "project")


def copy_project(root: Path, week: str) -> Path:
    """A fresh copy of the project for the vintage of ``week`` (replacing any earlier one), without environments or caches.

    The target comes from :func:`vintage_folder`, so nothing is removed or made
    before the week is known to be a vintage week.
    """
    target = vintage_folder(root, week)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(root, target, ignore=COPY_IGNORE)
    return target


def run_vintage(root: Path, week: str) -> tuple[Path, subprocess.CompletedProcess]:
    """Run the whole pipeline for ``week`` on a copy of the project; return the copy and the run."""
    copy = copy_project(root, week)
    env = {**os.environ, "SU7_PROJECT_ROOT": str(copy), "CI": "true"}
    result = subprocess.run([sys.executable, "-m", "helpers.pipeline", "run", "--through-week", week],
                            cwd=copy, env=env, capture_output=True, text=True)
    return copy, result


def vintage_asset(root: Path) -> dg.AssetsDefinition:
    """The asset ``vintage``, partitioned by :func:`vintage_weeks` of ``root`` (read when the location loads)."""

    @dg.asset(name=VINTAGE_KEY, group_name=VINTAGE_GROUP, deps=[RAW_KEY],
              partitions_def=dg.StaticPartitionsDefinition(vintage_weeks(root)),
              description="the pipeline with --through-week <partition> on a scratch copy of the project "
                          "(.cache/orchestration/vintages/<week>/project); backfill in the UI")
    def vintage(context, project: ProjectRoot) -> dg.MaterializeResult:
        week = context.partition_key
        here = project.path
        try:
            vintage_folder(here, week)  # before anything else: the key may come from an edited run tag
        except ValueError as error:
            raise dg.Failure(description=f"no vintage was run: {error}") from None
        problems = raw_problems(here)
        if problems:
            raise dg.Failure(description="data/raw is not valid; no vintage was run:\n" + "\n".join(problems[:20]))
        copy, result = run_vintage(here, week)
        if result.returncode != 0:
            raise dg.Failure(description=f"vintage {week} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        trend = json.loads((copy / "reports" / "summary.json").read_text(encoding="utf-8")).get("trend", {})
        return dg.MaterializeResult(metadata={
            "copy": dg.MetadataValue.path(str(copy.relative_to(here))),
            "trend_last_week": str(trend.get("last_week")),
            "trend_slope_units_per_week": float(trend.get("slope_units_per_week") or 0.0),
            "run": result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "",
        })

    return vintage


def build_vintage_defs(root: Path) -> dg.Definitions:
    """The vintages' code location: the asset ``vintage`` and the project root it works in."""
    return dg.Definitions(assets=[vintage_asset(root)], resources={PROJECT: ProjectRoot(root=str(root))})


defs = build_vintage_defs(ProjectRoot().path)

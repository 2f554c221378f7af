"""The Dagster code locations of su7-slump: ``dagster dev -m helpers.orchestration -m helpers.orchestration.vintages``
(``make orchestrate``).

* ``helpers.orchestration`` (``defs``, :func:`build_defs`), assets in
  :mod:`helpers.orchestration.assets`: ``raw_data``, an observable source asset (the digest of
  ``data/raw`` as its data version) with its blocking check ``raw_data_valid``; one asset per
  notebook step of the runner's graph; and ``report``.  Every processed table of
  :data:`helpers.catalog.TABLES` has a blocking check on the step asset that writes it
  (:mod:`helpers.orchestration.checks`).  ``dagster asset materialize --select '*' -m
  helpers.orchestration`` writes exactly what ``make run`` writes.
* Job ``check_outputs``: every check on the files in place, nothing run (after ``make run``).
* Job ``weekly_run``: every asset, the observation of ``raw_data`` and every check; the schedule
  ``weekly_run_monday`` starts it every Monday at 07:00 Asia/Shanghai (the ISO week
  Monday-Sunday closed in China at midnight; the data's weeks are Chinese weeks).
* ``helpers.orchestration.vintages`` (its own ``defs``): the asset ``vintage``, partitioned by
  ISO week, each partition a ``--through-week`` run on a scratch copy of the project.
* The project root comes from the resource ``project``
  (:class:`~helpers.orchestration.resources.ProjectRoot`).

The runner (:mod:`helpers.pipeline`) stays the single-machine entry point; nothing
in the analysis or the runner imports this package.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from helpers.orchestration.assets import all_assets, raw_data_valid
from helpers.orchestration.checks import table_checks
from helpers.orchestration.resources import PROJECT, ProjectRoot
from helpers.pipeline.graph import STEPS

WEEKLY_JOB = "weekly_run"
#: Every check and nothing else: the outputs in place (after ``make run``, say) checked without a rerun.
CHECK_JOB = "check_outputs"
#: Monday 07:00 in China: the week (Monday-Sunday, China time) the figures count has just closed.
WEEKLY_CRON = "0 7 * * 1"
TIMEZONE = "Asia/Shanghai"


def build_defs(root: Path) -> dg.Definitions:
    """The code location on the project at ``root``: its assets, checks, job, schedule and the root as a resource."""
    # include_sources: the observable raw_data (and so its blocking check) runs first in every weekly run
    weekly = dg.define_asset_job(WEEKLY_JOB, selection=dg.AssetSelection.all(include_sources=True),
                                 description="observe data/raw, then every notebook and the report, "
                                             "as make run FORCE=1 (checks included)")
    check = dg.define_asset_job(CHECK_JOB, selection=dg.AssetSelection.all_asset_checks(),
                                description="every check (data/raw and each processed table) on the files in "
                                            "place; nothing is run or written")
    schedule = dg.ScheduleDefinition(name=f"{WEEKLY_JOB}_monday", job=weekly, cron_schedule=WEEKLY_CRON,
                                     execution_timezone=TIMEZONE)
    return dg.Definitions(
        assets=all_assets(root),
        asset_checks=[raw_data_valid, *table_checks([s.name for s in STEPS])],
        jobs=[weekly, check],
        schedules=[schedule],
        resources={PROJECT: ProjectRoot(root=str(root))},
    )


defs = build_defs(ProjectRoot().path)

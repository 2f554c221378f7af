"""The Dagster code location of su7-slump: ``dagster dev -m helpers.orchestration`` (``make orchestrate``).

* Assets (:mod:`helpers.orchestration.assets`): ``raw_data`` with its blocking check
  ``raw_data_valid``, one asset per notebook step of the runner's graph, and ``report``.
  ``dagster asset materialize --select '*' -m helpers.orchestration`` writes exactly
  what ``make run`` writes.
* Job ``weekly_run``: every asset; the schedule ``weekly_run_monday`` starts it every
  Monday at 07:00 Asia/Shanghai (the ISO week Monday-Sunday closed in China at
  midnight; the data's weeks are Chinese weeks).
* Job ``vintages`` (:mod:`helpers.orchestration.vintages`): partitioned by ISO week,
  each partition a ``--through-week`` run on a scratch copy of the project.

The runner (:mod:`helpers.pipeline`) stays the single-machine entry point; nothing
in the analysis or the runner imports this package.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from helpers.orchestration.assets import all_assets, raw_data_valid
from helpers.orchestration.vintages import vintages_job

WEEKLY_JOB = "weekly_run"
#: Monday 07:00 in China: the week (Monday-Sunday, China time) the figures count has just closed.
WEEKLY_CRON = "0 7 * * 1"
TIMEZONE = "Asia/Shanghai"


def build_defs(root: Path) -> dg.Definitions:
    """The code location, its code versions read from the project at ``root``."""
    weekly = dg.define_asset_job(WEEKLY_JOB, selection=dg.AssetSelection.all(),
                                 description="every notebook and the report, as make run FORCE=1 (checks included)")
    schedule = dg.ScheduleDefinition(name=f"{WEEKLY_JOB}_monday", job=weekly, cron_schedule=WEEKLY_CRON,
                                     execution_timezone=TIMEZONE)
    return dg.Definitions(
        assets=all_assets(root),
        asset_checks=[raw_data_valid],
        jobs=[weekly, vintages_job(root)],
        schedules=[schedule],
    )


def _defs() -> dg.Definitions:
    from helpers.paths import project_root

    return build_defs(project_root())


defs = _defs()

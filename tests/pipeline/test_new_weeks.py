"""The weekly loop: new weeks appended to data/raw flow through the run to every output, and the
notebooks and the data-reading unit tests still pass on them (on a copy of the project)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.pipeline.support import run_pipeline


@pytest.mark.slow
def test_appended_weeks_flow_through_to_summary_figures_report_nbval_and_the_unit_tests(ran_copy):
    """The README's new-weeks workflow on a copy, as an analyst does it: register a source, append four
    weeks, run; then the committed notebooks pass nbval and the unit tests pass on the new data."""
    from helpers.data.weeks import add_weeks, week_label

    assert run_pipeline(ran_copy).returncode == 0
    raw = ran_copy / "data" / "raw"
    rows = [line.split(",") for line in (raw / "weekly_sales.csv").read_text(encoding="utf-8").splitlines()[1:]]
    newest_su7 = max((int(r[0]), int(r[1])) for r in rows if r[2] == "xiaomi_su7")
    newest_all = max((int(r[0]), int(r[1])) for r in rows if r[2] == "xiaomi_all")
    new_su7 = [add_weeks(newest_su7, k) for k in (1, 2, 3)]
    new_all = add_weeks(newest_all, 1)
    before = json.loads((ran_copy / "reports" / "summary.json").read_text(encoding="utf-8"))["trend"]
    figure_before = (ran_copy / "reports" / "figures" / "01_weekly_sales_trend.png").read_bytes()
    with (raw / "sources.csv").open("a", encoding="utf-8") as handle:
        handle.write("my_source,A weekly list,Someone,,2025,https://example.org/weekly,entered by the appended-weeks test\n")
    with (raw / "weekly_sales.csv").open("a", encoding="utf-8") as handle:
        for k, (year, week) in enumerate(new_su7, start=1):
            handle.write(f"{year},{week},xiaomi_su7,{4900 - 100 * k},my_source,row {k}\n")
        handle.write(f"{new_all[0]},{new_all[1]},xiaomi_all,12000,my_source,row 4\n")
    result = run_pipeline(ran_copy)
    assert result.returncode == 0, result.stderr
    assert "skipped 01_ingest" not in result.stdout and "ran     03_trend" in result.stdout
    assert "ran     html report" in result.stdout
    trend = json.loads((ran_copy / "reports" / "summary.json").read_text(encoding="utf-8"))["trend"]
    assert trend["last_week"] == week_label(*new_su7[-1])
    assert trend["forecast"][0]["week"] == week_label(*add_weeks(new_su7[-1], 1))
    assert trend["slope_units_per_week"] != before["slope_units_per_week"]
    assert (ran_copy / "reports" / "figures" / "01_weekly_sales_trend.png").read_bytes() != figure_before
    assert week_label(*new_su7[-1]) in (ran_copy / "notebooks" / "03_trend.ipynb").read_text(encoding="utf-8")
    assert week_label(*new_su7[-1]) in (ran_copy / "reports" / "html" / "03_trend.html").read_text(encoding="utf-8")
    assert week_label(*new_all) in (ran_copy / "notebooks" / "07_what_happened.ipynb").read_text(encoding="utf-8")
    env = {**os.environ, "SU7_PROJECT_ROOT": str(ran_copy), "CI": "true"}
    nbval = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "notebooks"],
        cwd=ran_copy, env=env, capture_output=True, text=True, timeout=600,
    )
    assert nbval.returncode == 0, nbval.stdout[-3000:]
    unit = subprocess.run(
        # the unit tests that read the project's data (the raw contract, processed tables, reports); the rest
        # (tests/narrative, tests/figures' hand-built tables, the malformed-file cases) do not see new weeks
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", "tests/models", "tests/report",
         "tests/claims", "tests/data/test_raw.py", "tests/data/test_ingest_clean.py", "tests/data/test_calendar.py"],
        cwd=ran_copy, env=env, capture_output=True, text=True, timeout=900,
    )
    assert unit.returncode == 0, unit.stdout[-5000:]

"""The weekly loop: what arrives is appended to data/raw, ``run``, and then every test that reads the
project's data still passes on it (on a copy of the project).

What arrives is appended after whatever the files hold (:func:`tests.pipeline.support.append_new_data`):
four weeks for *every* weekly series of ``weekly_sales.csv`` and ``market_registrations.csv``, a month
of ``monthly_deliveries.csv`` and a quarter of ``quarterly_deliveries.csv`` (the weekly lists stopped
in October 2025, so months and quarters are what arrives now).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.pipeline.support import append_new_data, run_pipeline

#: How a test module reaches the project's own data, reports or notebooks (not a fixture or a hand-built table).
LIVE_DATA = re.compile(r'ROOT ?/ ?"(data|reports|notebooks)|catalog\.read|read_clean\(|read_ingested\(|read_tables\(|read_figure_tables\('
                       r"|project_root\(\)")


def modules_reading_live_data(tests: Path) -> list[str]:
    """Every test module that reads the project's data, found by reading the tests (so none can be forgotten).

    The browser tests are left out (they need Chromium and test the committed pages, run by ``make test``).
    """
    return sorted(p.relative_to(tests.parent).as_posix() for p in tests.rglob("test_*.py")
                  if "browser" not in p.parts and LIVE_DATA.search(p.read_text(encoding="utf-8")))


def test_the_modules_reading_live_data_include_the_ones_that_pinned_todays_rows():
    found = modules_reading_live_data(ROOT / "tests")
    for module in ("tests/models/test_calendar_effects.py", "tests/data/test_raw.py", "tests/figures/test_findings.py",
                   "tests/data/test_ingest_clean.py", "tests/report/test_html.py"):
        assert module in found
    assert not any("browser" in m for m in found)


@pytest.mark.slow
def test_appended_weeks_months_and_quarters_flow_through_and_every_live_data_test_passes(ran_copy):
    """The README's weekly loop on a copy, as an analyst does it: register a source, append, run; then the
    notebooks pass nbval and every non-slow test that reads the data passes on the new data."""
    from helpers.data.weeks import add_weeks

    raw = ran_copy / "data" / "raw"
    before = json.loads((ran_copy / "reports" / "summary.json").read_text(encoding="utf-8"))["trend"]
    figure_before = (ran_copy / "reports" / "figures" / "06_weekly_sales_trend.png").read_bytes()
    added = append_new_data(raw)
    result = run_pipeline(ran_copy)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "skipped 01_ingest" not in result.stdout and "ran     03_trend" in result.stdout
    assert "ran     html report" in result.stdout

    newest_su7 = max(label.split()[1] for label in added["weekly_sales.csv"] if label.startswith("xiaomi_su7 "))
    newest_all = max(label.split()[1] for label in added["weekly_sales.csv"] if label.startswith("xiaomi_all "))
    trend = json.loads((ran_copy / "reports" / "summary.json").read_text(encoding="utf-8"))["trend"]
    assert trend["last_week"] == newest_su7
    year, week = int(newest_su7[:4]), int(newest_su7[6:])
    assert trend["forecast"][0]["week"] == "{}-W{:02d}".format(*add_weeks((year, week), 1))
    assert trend["slope_units_per_week"] != before["slope_units_per_week"]
    assert (ran_copy / "reports" / "figures" / "06_weekly_sales_trend.png").read_bytes() != figure_before
    notebook_03 = (ran_copy / "notebooks" / "03_trend.ipynb").read_text(encoding="utf-8")
    notebook_07 = (ran_copy / "notebooks" / "07_what_happened.ipynb").read_text(encoding="utf-8")
    assert newest_su7 in notebook_03 and newest_su7 in (ran_copy / "reports/html/03_trend.html").read_text(encoding="utf-8")
    assert newest_all in notebook_07
    month = added["monthly_deliveries.csv"][0]  # e.g. 2026-01
    quarter_year, quarter = added["quarterly_deliveries.csv"][0].split(" Q")
    assert month in notebook_07, "the appended month does not reach notebook 07"
    monthly = (ran_copy / "data/processed/clean/monthly_deliveries.csv").read_text(encoding="utf-8")
    quarterly = (ran_copy / "data/processed/clean/quarterly_deliveries.csv").read_text(encoding="utf-8")
    assert "appended_by_the_weekly_loop_test" in monthly and "appended_by_the_weekly_loop_test" in quarterly
    assert f"{quarter_year} Q{quarter}" in notebook_07 or f"{quarter_year}-Q{quarter}" in notebook_07

    env = {**os.environ, "SU7_PROJECT_ROOT": str(ran_copy), "CI": "true"}
    nbval = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "notebooks"],
        cwd=ran_copy, env=env, capture_output=True, text=True, timeout=1200,
    )
    assert nbval.returncode == 0, nbval.stdout[-3000:]
    modules = modules_reading_live_data(ran_copy / "tests")
    unit = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", *modules],
        cwd=ran_copy, env=env, capture_output=True, text=True, timeout=1800,
    )
    assert unit.returncode == 0, unit.stdout[-5000:]

"""Every week that can be a vintage runs: ``--through-week`` swept over the weeks with a figure.

The weeks come from the live ``data/raw/weekly_sales.csv`` (appended weeks join
the sweep by themselves); which of them can be a vintage is decided by
:func:`helpers.models.trend.vintage_problem`, and the ones that cannot must be
refused before anything runs.  Every vintage is fitted in-process; the whole
pipeline runs for the first, the article's and the newest (every one with
``SU7_FULL_SWEEP=1``, ``make test-vintages``: a full run per week is minutes of CI).  One copy of the project (of the session's shared
finished run, ``pipeline_template``) serves the whole sweep;
a plain run at the end must give back the outputs of the first, byte for byte
(the forecast log excepted: it keeps every vintage as history).
"""

from __future__ import annotations

import csv
import json
import os

import pytest

from helpers.data import weeks
from helpers.models import trend
from tests.conftest import ROOT
from tests.pipeline.support import run_pipeline, snapshot

WINDOW_WEEKS = trend.DEFAULT_WINDOW_WEEKS  # notebook 03's window, the one --through-week sets a vintage for
FORECAST_LOG = "data/processed/trend/forecast_log.csv"


def raw_weeks() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(every week with a figure in any series, the weeks of the summary series), both sorted."""
    with open(ROOT / "data" / "raw" / "weekly_sales.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    every = sorted({(int(r["iso_year"]), int(r["iso_week"])) for r in rows})
    summary = sorted((int(r["iso_year"]), int(r["iso_week"])) for r in rows if r["series"] == trend.SUMMARY_SERIES)
    return every, summary


EVERY, SUMMARY = raw_weeks()
VINTAGES = [weeks.week_label(*p) for p in EVERY if trend.vintage_problem(SUMMARY, weeks.week_label(*p), WINDOW_WEEKS) is None]
TOO_EARLY = [weeks.week_label(*p) for p in EVERY if weeks.week_label(*p) not in VINTAGES]


def runner_vintages(every: list[str], full: bool = os.environ.get("SU7_FULL_SWEEP") == "1") -> list[str]:
    """The vintages run through the whole pipeline: all of them when ``full`` (``SU7_FULL_SWEEP=1``, ``make
    test-vintages``), else the first, the article's and the newest (every vintage is also fitted in-process, below).

    >>> runner_vintages(["2025-W16", "2025-W17", "2025-W19", "2025-W22"], full=False)
    ['2025-W16', '2025-W19', '2025-W22']
    >>> runner_vintages(["2025-W16", "2025-W17"], full=True)
    ['2025-W16', '2025-W17']
    """
    if full:
        return list(every)
    chosen = [every[0], "2025-W19", every[-1]] if every else []
    return [w for w in dict.fromkeys(chosen) if w in every]


PIPELINE_VINTAGES = runner_vintages(VINTAGES)


def test_the_sweep_covers_the_article_weeks_and_the_newest_week():
    assert {"2025-W16", "2025-W19"} <= set(VINTAGES)
    assert weeks.week_label(*EVERY[-1]) in VINTAGES


@pytest.fixture(scope="module")
def swept_copy(pipeline_template, tmp_path_factory):
    """This module's own copy of the session's finished run (tests/pipeline/conftest.py)."""
    target = pipeline_template.copy_to(tmp_path_factory.mktemp("vintages") / "project")
    first = run_pipeline(target)
    assert first.returncode == 0, first.stderr
    return target, snapshot(target)


@pytest.mark.parametrize("week", VINTAGES)
def test_every_vintage_fits_in_process_and_its_trend_ends_at_or_before_it(week):
    """Notebook 03's fits and forecasts for every vintage, from the live clean table, without the runner."""
    from helpers.data.clean import read_clean

    fits = trend.fit_trends(read_clean("weekly_sales"), through_week=week)
    fit = fits[(trend.SUMMARY_SERIES, "linear")]
    assert isinstance(fit, trend.TrendFit), fit
    assert weeks.parse_week_label(fit.last_week) <= weeks.parse_week_label(week)
    forecast = trend.forecasts_table({(trend.SUMMARY_SERIES, "linear"): fit})
    assert forecast["week"].iloc[0] == weeks.week_label(*weeks.add_weeks(weeks.parse_week_label(fit.last_week), 1))


@pytest.mark.slow
@pytest.mark.parametrize("week", PIPELINE_VINTAGES)
def test_a_vintage_runs_and_its_trend_ends_at_or_before_it(swept_copy, week):
    root, _ = swept_copy
    result = run_pipeline(root, "--through-week", week)
    assert result.returncode == 0, f"--through-week {week}:\n{result.stderr[-3000:]}"
    summary = json.loads((root / "reports" / "summary.json").read_text(encoding="utf-8"))["trend"]
    assert weeks.parse_week_label(summary["last_week"]) <= weeks.parse_week_label(week)
    assert summary["forecast"][0]["week"] == weeks.week_label(*weeks.add_weeks(weeks.parse_week_label(summary["last_week"]), 1))
    with open(root / FORECAST_LOG, encoding="utf-8", newline="") as handle:
        logged = {(r["as_of_week"], r["series"]) for r in csv.DictReader(handle)}
    assert (summary["last_week"], trend.SUMMARY_SERIES) in logged  # the vintage's forecasts are kept as history


@pytest.mark.slow
@pytest.mark.parametrize("week", TOO_EARLY or ["none"])
def test_a_week_too_early_to_be_a_vintage_is_refused_before_anything_runs(swept_copy, week):
    if week == "none":
        pytest.skip("every week with a figure can be a vintage")
    root, _ = swept_copy
    before = snapshot(root)
    result = run_pipeline(root, "--through-week", week)
    assert result.returncode == 2
    assert f"through_week {week}" in result.stderr and "the first week that can be a vintage is" in result.stderr
    assert snapshot(root) == before


@pytest.mark.slow
def test_a_plain_run_after_the_sweep_gives_back_the_first_outputs(swept_copy):
    """With the forecast log as it was (the sweep's vintages are history, kept on purpose), a plain run
    gives back every output of the first run, byte for byte: no vintage leaves anything stale."""
    root, first = swept_copy
    (root / FORECAST_LOG).write_bytes(first[FORECAST_LOG])
    result = run_pipeline(root)
    assert result.returncode == 0, result.stderr
    now = snapshot(root)
    assert sorted(now) == sorted(first)
    assert [name for name in first if now[name] != first[name]] == []

"""An independent recomputation of the committed backtest from data/raw, with csv, datetime and numpy only.

Nothing of ``helpers`` is imported: the rows of ``data/processed/backtest/backtest.csv`` for the SU7 must
follow from ``data/raw/weekly_sales.csv`` by the textbook formulas (OLS line with its t prediction
interval; the origin's figure; the window's mean with mean ± t·sd·√(1 + 1/n)).
"""

from __future__ import annotations

import csv
import datetime as dt
import math

import numpy as np
import pytest
from scipy import stats

from tests.conftest import ROOT

SERIES = "xiaomi_su7"
WINDOW = 12


def monday(year: int, week: int) -> dt.date:
    return dt.date.fromisocalendar(year, week, 1)


def label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@pytest.fixture(scope="module")
def raw_weeks() -> dict[dt.date, float]:
    with (ROOT / "data" / "raw" / "weekly_sales.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {monday(int(r["iso_year"]), int(r["iso_week"])): float(r["units"])
                for r in csv.DictReader(handle) if r["series"] == SERIES}


@pytest.fixture(scope="module")
def committed() -> list[dict[str, str]]:
    with (ROOT / "data" / "processed" / "backtest" / "backtest.csv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["series"] == SERIES]


def window_of(raw: dict[dt.date, float], origin: dt.date) -> list[tuple[dt.date, float]]:
    return sorted((m, u) for m, u in raw.items() if origin - dt.timedelta(weeks=WINDOW - 1) <= m <= origin)


def test_the_origins_are_the_weeks_with_three_figures_in_their_window(raw_weeks, committed):
    expected = sorted(label(m) for m in raw_weeks if len(window_of(raw_weeks, m)) >= 3)
    assert sorted({r["origin_week"] for r in committed}) == expected


def test_every_su7_row_follows_from_the_raw_file(raw_weeks, committed):
    checked = 0
    for row in committed:
        origin = dt.date.fromisocalendar(int(row["origin_week"][:4]), int(row["origin_week"][6:]), 1)
        target = origin + dt.timedelta(weeks=int(row["horizon"]))
        window = window_of(raw_weeks, origin)
        t = np.array([(m - window[0][0]).days // 7 for m, _ in window], dtype=float)
        y = np.array([u for _, u in window])
        n = len(y)
        assert row["target_week"] == label(target)
        assert (row["fit_first_week"], int(row["fit_n_weeks"])) == (label(window[0][0]), n)
        actual = raw_weeks.get(target)
        assert (row["actual"] == "") if actual is None else float(row["actual"]) == actual
        method = row["method"]
        if method == "trend":
            X = np.column_stack([np.ones(n), t])
            beta, *_ = np.linalg.lstsq(X, y, rcond=None)
            resid = y - X @ beta
            s2 = resid @ resid / (n - 2)
            x0 = np.array([1.0, (target - window[0][0]).days // 7])
            half = stats.t.ppf(0.975, n - 2) * math.sqrt(s2 * (1 + x0 @ np.linalg.inv(X.T @ X) @ x0))
            expected = (x0 @ beta, x0 @ beta - half, x0 @ beta + half)
        elif method == "window_mean":
            half = stats.t.ppf(0.975, n - 1) * y.std(ddof=1) * math.sqrt(1 + 1 / n)
            expected = (y.mean(), y.mean() - half, y.mean() + half)
        elif method == "naive":
            assert float(row["forecast"]) == window[-1][1]
            checked += 1
            continue
        else:
            continue
        got = (float(row["forecast"]), float(row["pi95_low"]), float(row["pi95_high"]))
        assert got == pytest.approx(expected, abs=1e-4), (row["origin_week"], row["horizon"], method)
        checked += 1
    assert checked >= 3 * len({r["origin_week"] for r in committed})  # three methods at every origin at least

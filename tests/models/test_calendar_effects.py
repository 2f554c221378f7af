"""Calendar model (the backtests' calendar method): known coefficients recovered, terms dropped instead of crashing,
textbook recomputation, live data.  The calendar's share of the W16-W19 dip is tests/models/test_calendar_specifications.py."""

from __future__ import annotations

import csv
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import catalog
from helpers.models.calendar_effects import (
    calendar_forecast_method,
    fit_calendar_model,
    forecast_calendar_model,
)
from helpers.models.trend import select_window
from tests.builders import weekly_sales_from
from helpers.paths import project_root

ROOT = project_root()

WEEKS = list(range(1, 15))
HOLIDAYS = [1, 0, 0, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0, 3]
MONTH_END = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1]
#: Tiny, known, zero-mean noise (alternating signs, not collinear with the terms).
NOISE = [0.002 * ((-1) ** w) * (1 + (w % 3)) for w in WEEKS]


def calendar_of(holidays=HOLIDAYS, month_end=MONTH_END, weeks=WEEKS) -> pd.DataFrame:
    return pd.DataFrame({"week": [f"2025-W{w:02d}" for w in weeks], "iso_year": 2025, "iso_week": list(weeks),
                         "holiday_days": list(holidays), "month_end": [bool(m) for m in month_end]})


def units_by_construction(a=9.0, b=0.02, c=-0.15, d=0.3, noise=NOISE, weeks=WEEKS, holidays=HOLIDAYS,
                          month_end=MONTH_END) -> dict[str, float]:
    return {f"2025-W{w:02d}": math.exp(a + b * (w - weeks[0]) + c * h + d * m + e)
            for w, h, m, e in zip(weeks, holidays, month_end, noise)}


def textbook_ols(X: np.ndarray, y: np.ndarray):
    """Coefficients, covariance and df of OLS by the normal equations."""
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    df = X.shape[0] - X.shape[1]
    s2 = resid @ resid / df
    return beta, s2 * np.linalg.inv(X.T @ X), df


# --- recovery of known coefficients ----------------------------------------------------------------------------------


def test_exact_data_give_back_the_coefficients_they_were_made_with():
    fit = fit_calendar_model(weekly_sales_from(units_by_construction(noise=[0.0] * 14), "s"), calendar_of(), series="s")
    assert fit.terms == ("const", "t", "holiday_days", "month_end")
    assert fit.coefficients["const"] == pytest.approx(9.0, abs=1e-10)
    assert fit.coefficients["t"] == pytest.approx(0.02, abs=1e-10)
    assert fit.coefficients["holiday_days"] == pytest.approx(-0.15, abs=1e-10)
    assert fit.coefficients["month_end"] == pytest.approx(0.3, abs=1e-10)


def test_tiny_known_noise_moves_the_coefficients_by_no_more_than_its_size_and_intervals_cover_them():
    fit = fit_calendar_model(weekly_sales_from(units_by_construction(), "s"), calendar_of(), series="s")
    for term, truth in {"t": 0.02, "holiday_days": -0.15, "month_end": 0.3}.items():
        assert fit.coefficients[term] == pytest.approx(truth, abs=0.01)
        lo, hi = fit.ci95[term]
        assert lo < truth < hi
    assert fit.n_weeks == 14 and fit.df_resid == 10 and not fit.small_sample


def test_gaps_are_kept_as_gaps_in_t():
    units = units_by_construction(noise=[0.0] * 14)
    for gap in ("2025-W03", "2025-W04", "2025-W10"):
        del units[gap]
    fit = fit_calendar_model(weekly_sales_from(units, "s"), calendar_of(), series="s")
    assert fit.coefficients["t"] == pytest.approx(0.02, abs=1e-10)  # t jumps the gaps: still 0.02 a calendar week
    assert fit.missing_weeks == ("2025-W03", "2025-W04", "2025-W10")
    assert fit.design["t"].tolist() == [0, 1, 4, 5, 6, 7, 8, 10, 11, 12, 13]


# --- terms dropped, never a crash --------------------------------------------------------------------------------------


def test_a_regressor_without_variation_is_dropped_and_recorded():
    no_holidays = [0] * 14
    units = units_by_construction(holidays=no_holidays, noise=[0.0] * 14)
    fit = fit_calendar_model(weekly_sales_from(units, "s"), calendar_of(holidays=no_holidays), series="s")
    assert fit.terms == ("const", "t", "month_end")
    assert [term for term, _ in fit.dropped] == ["holiday_days"]
    assert "no variation" in fit.dropped[0][1]
    assert fit.coefficients["month_end"] == pytest.approx(0.3, abs=1e-10)


def test_a_regressor_equal_to_another_is_dropped_as_collinear():
    same = [1 if h > 0 else 0 for h in HOLIDAYS]  # month_end = holiday_days, week by week
    calendar = calendar_of(holidays=same, month_end=same)
    fit = fit_calendar_model(weekly_sales_from(units_by_construction(holidays=same, month_end=same), "s"), calendar,
                             series="s")
    assert "month_end" not in fit.terms
    assert fit.dropped[0][0] == "month_end" and "linear combination" in fit.dropped[0][1]


def test_too_few_weeks_drop_calendar_terms_until_one_degree_of_freedom_is_left():
    # four weeks, four coefficients: month_end is dropped so that one residual degree of freedom remains
    weeks, holidays, month_end = [16, 17, 18, 19], [0, 0, 4, 1], [0, 0, 1, 0]
    calendar = calendar_of(holidays, month_end, weeks)
    units = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}, "s")
    fit = fit_calendar_model(units, calendar, series="s")
    assert fit.terms == ("const", "t", "holiday_days")
    assert fit.dropped[0][0] == "month_end" and "too few weeks" in fit.dropped[0][1]
    assert fit.df_resid == 1 and fit.small_sample


def test_fewer_than_three_weeks_is_refused():
    with pytest.raises(ValueError, match="at least 3"):
        fit_calendar_model(weekly_sales_from({"2025-W01": 1, "2025-W02": 2}, "s"), calendar_of(), series="s")


def test_a_week_missing_from_the_calendar_is_named():
    with pytest.raises(ValueError, match="no row for 2025-W20"):
        fit_calendar_model(weekly_sales_from({"2025-W01": 1, "2025-W02": 2, "2025-W20": 3}, "s"), calendar_of(),
                           series="s")


# --- forecasts ------------------------------------------------------------------------------------------------------------


def test_forecast_is_the_exp_of_the_log_mean_with_a_textbook_prediction_interval():
    units = units_by_construction()
    fit = fit_calendar_model(weekly_sales_from({k: v for k, v in units.items() if k <= "2025-W11"}, "s"),
                             calendar_of(), series="s")
    forecast = forecast_calendar_model(fit, calendar_of(), "2025-W11", [1, 3])
    assert forecast["week"].tolist() == ["2025-W12", "2025-W14"]
    design = fit.design
    X = np.column_stack([np.ones(len(design)), design["t"], design["holiday_days"], design["month_end"]])
    beta, cov, df = textbook_ols(X, design["log_units"].to_numpy())
    x14 = np.array([1, 13, 3, 1], dtype=float)  # W14: t = 13, 3 holiday days, month end
    s2 = fit.residual_sd ** 2
    half = stats.t.ppf(0.975, df) * math.sqrt(s2 + x14 @ cov @ x14)
    row = forecast.iloc[1]
    assert row["forecast"] == pytest.approx(math.exp(x14 @ beta))
    assert (row["pi95_low"], row["pi95_high"]) == pytest.approx((math.exp(x14 @ beta - half), math.exp(x14 @ beta + half)))
    assert row["forecast"] == pytest.approx(units["2025-W14"], rel=0.05)  # the truth, up to the tiny noise


def test_an_origin_before_the_fits_last_week_is_refused():
    fit = fit_calendar_model(weekly_sales_from(units_by_construction(), "s"), calendar_of(), series="s")
    with pytest.raises(ValueError, match="before the fit's last week"):
        forecast_calendar_model(fit, calendar_of(), "2025-W10", [1])


def test_backtest_method_sees_only_the_weeks_up_to_its_origin():
    units = units_by_construction()
    window = select_window(weekly_sales_from(units, "s"), "s", window_weeks=14)
    spoiled = window.assign(units=[u if w <= "2025-W10" else 1.0 for w, u in zip(window["week"], window["units"])])
    honest = calendar_forecast_method(window, calendar_of(), "2025-W10", 2)
    assert calendar_forecast_method(spoiled, calendar_of(), "2025-W10", 2) == pytest.approx(honest)
    assert honest[1] < honest[0] < honest[2]


# --- the live data ---------------------------------------------------------------------------------------------------------


def read_csv_rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def live():
    from helpers.data import raw

    return {"weekly_sales": catalog.read("clean.weekly_sales"), "calendar": catalog.read("clean.calendar_weeks"),
            "market": raw.read_tables()["market_registrations"]}


def live_design(series: str):
    """The design matrix rebuilt from the CSV files with the csv module (no project code)."""
    sales = [r for r in read_csv_rows(ROOT / "data/processed/clean/weekly_sales.csv") if r["series"] == series]
    calendar = {r["week"]: r for r in read_csv_rows(ROOT / "data/processed/clean/calendar_weeks.csv")}
    sales.sort(key=lambda r: (int(r["iso_year"]), int(r["iso_week"])))
    first = dt.date.fromisoformat(sales[0]["week_monday"])
    # t: whole weeks since the first week, from the Mondays the file prints (holds across a year's end)
    X = np.array([[1.0, (dt.date.fromisoformat(r["week_monday"]) - first).days // 7,
                   float(calendar[r["week"]]["holiday_days"]),
                   1.0 if calendar[r["week"]]["month_end"] == "True" else 0.0] for r in sales])
    y = np.log([float(r["units"]) for r in sales])
    return X, y, [r["week"] for r in sales]


def test_live_xiaomi_su7_fit_matches_numpy_least_squares_on_the_files(live):
    X, y, labels = live_design("xiaomi_su7")
    fit = fit_calendar_model(live["weekly_sales"], live["calendar"], series="xiaomi_su7")
    beta, cov, df = textbook_ols(X, y)
    assert fit.weeks == tuple(labels)
    assert fit.n_weeks == len(labels) and fit.df_resid == df
    assert fit.terms == ("const", "t", "holiday_days", "month_end")
    assert [fit.coefficients[k] for k in fit.terms] == pytest.approx(beta.tolist(), rel=1e-9, abs=1e-12)
    half = stats.t.ppf(0.975, df) * np.sqrt(np.diag(cov))
    for k, b, h in zip(fit.terms, beta, half):
        assert fit.ci95[k] == pytest.approx((b - h, b + h), rel=1e-9)
    assert fit.small_sample == (len(labels) < 8 or df < 6)

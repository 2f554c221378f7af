"""Rolling-origin backtest: forecasts recomputed by hand, scores by arithmetic, and the live data refitted from the file."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.models import backtest as bt
from helpers.models.backtest import (
    backtest,
    backtest_summary,
    interval_score,
    mase_scale,
    score_backtest,
)
from tests.builders import weekly_sales_from
from helpers.paths import processed_dir

FIRST_COLUMNS = ["series", "origin_week", "target_week", "horizon", "method", "forecast", "pi95_low", "pi95_high",
                 "actual", "fit_first_week", "fit_n_weeks"]
#: Four weeks with a gap at W12: t = 0, 1, 3, 4.
GAPPY = {"2025-W10": 100, "2025-W11": 130, "2025-W13": 120, "2025-W14": 160}
#: Four consecutive weeks, small numbers for arithmetic.
SMALL = {"2025-W10": 10, "2025-W11": 14, "2025-W12": 12, "2025-W13": 18}


def rows_of(units_by_week, **kwargs) -> pd.DataFrame:
    return backtest(weekly_sales_from(units_by_week, series="s"), **kwargs)


def one(rows: pd.DataFrame, origin: str, horizon: int, method: str) -> pd.Series:
    hit = rows[(rows["origin_week"] == origin) & (rows["horizon"] == horizon) & (rows["method"] == method)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def ols_prediction(t, y, t_new):
    """Mean and 95% prediction interval of simple OLS at ``t_new``, by lstsq and the textbook variance."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    X = np.column_stack([np.ones_like(t), t])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    df = len(y) - 2
    s2 = resid @ resid / df
    x0 = np.array([1.0, t_new])
    se = math.sqrt(s2 * (1 + x0 @ np.linalg.inv(X.T @ X) @ x0))
    mean = float(x0 @ beta)
    half = stats.t.ppf(0.975, df) * se
    return mean, mean - half, mean + half


def iso_monday(label: str) -> dt.date:
    return dt.date.fromisocalendar(int(label[:4]), int(label[6:]), 1)


def iso_label(date: dt.date) -> str:
    year, week, _ = date.isocalendar()
    return f"{year:04d}-W{week:02d}"


# --- the table ------------------------------------------------------------------------


def test_columns_come_first_in_the_specified_order():
    rows = rows_of(SMALL)
    assert list(rows.columns[: len(FIRST_COLUMNS)]) == FIRST_COLUMNS
    assert set(rows["method"]) == {"trend", "trend_log", "naive", "window_mean"}


def test_origins_are_the_weeks_with_three_figures_in_their_window():
    # W10, W11 are too early (1 and 2 figures); with a 4-week window W20 sees only W20 and W21 sees two.
    sales = {"2025-W10": 1, "2025-W11": 2, "2025-W12": 4, "2025-W13": 3, "2025-W20": 5, "2025-W21": 6}
    rows = rows_of(sales, window_weeks=4, horizons=(1,))
    assert sorted(set(rows["origin_week"])) == ["2025-W12", "2025-W13"]
    assert rows_of(sales, horizons=(1,))["origin_week"].nunique() == 4  # 12 weeks: W20 and W21 see W12/W13 too


def test_every_method_from_one_origin_sees_the_same_window():
    rows = rows_of(GAPPY)
    per_origin = rows.groupby("origin_week")[["fit_first_week", "fit_n_weeks"]].nunique()
    assert (per_origin == 1).all().all()
    assert one(rows, "2025-W13", 1, "naive")[["fit_first_week", "fit_n_weeks"]].tolist() == ["2025-W10", 3]
    assert one(rows, "2025-W14", 1, "window_mean")[["fit_first_week", "fit_n_weeks"]].tolist() == ["2025-W10", 4]


# --- the forecasts, by hand --------------------------------------------------------------


def test_trend_forecast_and_prediction_interval_match_lstsq_by_hand():
    rows = rows_of(GAPPY)
    got = one(rows, "2025-W14", 2, "trend")
    assert got["target_week"] == "2025-W16"
    # t = 0, 1, 3, 4 (W12 is a gap); W16 is t = 6
    expected = ols_prediction([0, 1, 3, 4], list(GAPPY.values()), 6)
    assert got[["forecast", "pi95_low", "pi95_high"]].tolist() == pytest.approx(expected, rel=1e-9)


def test_trend_log_is_the_back_transformed_log_line():
    got = one(rows_of(GAPPY), "2025-W14", 1, "trend_log")
    mean, low, high = ols_prediction([0, 1, 3, 4], np.log(list(GAPPY.values())), 5)
    assert got[["forecast", "pi95_low", "pi95_high"]].tolist() == pytest.approx(
        [math.exp(mean), math.exp(low), math.exp(high)], rel=1e-9)


def test_naive_is_the_origin_figure_with_an_interval_from_past_changes():
    rows = rows_of(SMALL)
    # one week ahead from W13: changes +4, -2, +6; s^2 = (16 + 4 + 36) / 3, 3 degrees of freedom
    h1 = one(rows, "2025-W13", 1, "naive")
    half = stats.t.ppf(0.975, 3) * math.sqrt(56 / 3)
    assert h1[["forecast", "pi95_low", "pi95_high"]].tolist() == pytest.approx([18, 18 - half, 18 + half])
    # two weeks ahead: changes 12 - 10 = +2 and 18 - 14 = +4; s^2 = (4 + 16) / 2
    h2 = one(rows, "2025-W13", 2, "naive")
    half = stats.t.ppf(0.975, 2) * math.sqrt(10)
    assert h2[["forecast", "pi95_low", "pi95_high"]].tolist() == pytest.approx([18, 18 - half, 18 + half])
    # three weeks ahead: one pair (10 -> 18), too few: no interval, and the note says so
    h3 = one(rows, "2025-W13", 3, "naive")
    assert h3["forecast"] == 18 and math.isnan(h3["pi95_low"]) and math.isnan(h3["pi95_high"])
    assert "1 past 3-week change" in h3["note"]
    assert pd.isna(h3["inside95"])


def test_naive_pairs_do_not_bridge_a_gap():
    # W10 -> W11 is the only 1-week pair (W12 missing): one pair, no interval
    rows = rows_of({"2025-W10": 5, "2025-W11": 7, "2025-W13": 9}, window_weeks=4)
    got = one(rows, "2025-W13", 1, "naive")
    assert got["forecast"] == 9 and math.isnan(got["pi95_low"])
    # 2-week pairs: W11 -> W13 only
    assert math.isnan(one(rows, "2025-W13", 2, "naive")["pi95_low"])


def test_window_mean_is_the_mean_with_a_normal_prediction_interval():
    rows = rows_of(SMALL)
    # mean 54 / 4 = 13.5; squared deviations 12.25 + 0.25 + 2.25 + 20.25 = 35, variance 35 / 3
    half = stats.t.ppf(0.975, 3) * math.sqrt(35 / 3) * math.sqrt(1 + 1 / 4)
    for horizon in (1, 4):
        got = one(rows, "2025-W13", horizon, "window_mean")
        assert got[["forecast", "pi95_low", "pi95_high"]].tolist() == pytest.approx([13.5, 13.5 - half, 13.5 + half])


def test_a_method_that_cannot_fit_gives_nan_and_says_why_and_the_others_still_forecast():
    rows = rows_of({"2025-W10": 10, "2025-W11": 0, "2025-W12": 12})
    log = one(rows, "2025-W12", 1, "trend_log")
    assert math.isnan(log["forecast"]) and "units > 0" in log["note"]
    assert one(rows, "2025-W12", 1, "naive")["forecast"] == 12


# --- the calendar and missing weeks ----------------------------------------------------------


def test_horizons_cross_the_year_end_on_the_iso_calendar():
    sales = {"2020-W50": 40, "2020-W51": 30, "2020-W52": 20, "2020-W53": 10, "2021-W01": 5}
    rows = rows_of(sales)
    from_w53 = rows[(rows["origin_week"] == "2020-W53") & (rows["method"] == "naive")]
    assert from_w53["target_week"].tolist() == ["2021-W01", "2021-W02", "2021-W03", "2021-W04"]
    assert from_w53["actual"].tolist()[0] == 5
    trend = one(rows, "2020-W53", 1, "trend")
    assert trend["forecast"] == pytest.approx(0, abs=1e-9)  # 40, 30, 20, 10 lie on a line: W01 is 0
    # 2025 has 52 weeks: W52 + 1 is 2026-W01
    late = rows_of({"2025-W50": 1, "2025-W51": 2, "2025-W52": 3}, horizons=(1,))
    assert late["target_week"].unique().tolist() == ["2026-W01"]


def test_a_target_week_without_a_figure_keeps_its_row_with_nan_actual_and_is_not_scored():
    sales = {"2025-W10": 10, "2025-W11": 14, "2025-W12": 12, "2025-W14": 18}
    rows = rows_of(sales, horizons=(1, 2))
    gap = one(rows, "2025-W12", 1, "naive")  # W13 has no figure
    assert gap["target_week"] == "2025-W13"
    assert math.isnan(gap["actual"]) and math.isnan(gap["abs_error"]) and pd.isna(gap["inside95"])
    naive = rows[rows["method"] == "naive"]
    # scorable: W12 -> W14 (h = 2) only; W12 -> W13, W14 -> W15, W14 -> W16 have no figure
    assert len(naive) == 4
    scores = score_backtest(rows).set_index("method")
    assert scores.loc["naive", "n"] == 1
    assert scores.loc["naive", "mae"] == pytest.approx(abs(18 - 12))


# --- the scores, by arithmetic ----------------------------------------------------------------


def test_interval_score_by_hand_below_inside_and_above():
    # interval [100, 200]: width 100; a miss by d costs 2 / 0.05 * d = 40 d
    got = interval_score([100, 100, 100, 100], [200, 200, 200, 200], [90, 150, 200, 203])
    assert got.tolist() == pytest.approx([100 + 400, 100, 100, 100 + 120])


def test_mase_scale_uses_only_consecutive_weeks_with_figures_up_to_the_origin():
    sales = weekly_sales_from({"2025-W10": 10, "2025-W11": 16, "2025-W12": 13, "2025-W14": 100, "2025-W15": 104}, "s")
    # |16 - 10|, |13 - 16|, |104 - 100|; W12 -> W14 is not a one-week step
    assert mase_scale(sales, "s") == pytest.approx((6 + 3 + 4) / 3)
    assert mase_scale(sales, "s", "2025-W12") == pytest.approx((6 + 3) / 2)
    assert mase_scale(sales, "s", (2025, 14)) == pytest.approx((6 + 3) / 2)  # the gap adds no step
    assert math.isnan(mase_scale(sales, "s", "2025-W10"))
    assert math.isnan(mase_scale(weekly_sales_from({"2025-W10": 1, "2025-W12": 2}, "s"), "s"))


def test_mase_scale_skips_a_step_across_a_change_of_what_the_series_counts():
    sales = weekly_sales_from({"2025-W10": 10, "2025-W11": 16, "2025-W12": 40, "2025-W13": 44}, "s")
    sales["regime"] = ["one model", "one model", "two models", "two models"]
    assert mase_scale(sales, "s") == pytest.approx((6 + 4) / 2)  # not |40 - 16|


def test_scores_by_hand():
    rows = rows_of(SMALL, horizons=(1,))
    scores = score_backtest(rows).set_index("method")
    # naive: origins W12 (12 -> 18) and W13 (18 -> no W14): one error of 6
    # scale at the origin W12: |14 - 10|, |12 - 14| -> 3 (W13's step came after the origin)
    assert scores.loc["naive", ["n", "mae", "mase"]].tolist() == pytest.approx([1, 6, 6 / 3])
    # window_mean from W12 is mean(10, 14, 12) = 12, error 6; sd 2, t(2) * 2 * sqrt(4/3)
    half = stats.t.ppf(0.975, 2) * 2 * math.sqrt(4 / 3)
    wm = one(rows, "2025-W12", 1, "window_mean")
    assert wm[["forecast", "pi95_low", "pi95_high"]].tolist() == pytest.approx([12, 12 - half, 12 + half])
    inside = 12 - half <= 18 <= 12 + half
    assert scores.loc["window_mean", "coverage95"] == (1.0 if inside else 0.0)
    penalty = 0 if inside else 40 * (18 - (12 + half))
    assert scores.loc["window_mean", "interval_score95"] == pytest.approx(2 * half + penalty)


def test_coverage_counts_only_rows_with_an_interval():
    rows = pd.DataFrame({"series": "s", "method": "m", "forecast": [10.0, 10.0, 10.0],
                         "pi95_low": [9.0, np.nan, 0.0], "pi95_high": [11.0, np.nan, 20.0],
                         "actual": [12.0, 10.0, 10.0], "mase_scale": 1.0})
    got = score_backtest(rows).iloc[0]
    assert (got["n"], got["n_intervals"]) == (3, 2)
    assert got["coverage95"] == pytest.approx(0.5)
    assert got["interval_score95"] == pytest.approx(((2 + 40 * 1) + 20) / 2)
    assert got["mae"] == pytest.approx(2 / 3)


def test_summary_is_json_safe_and_rounded():
    scores = score_backtest(rows_of(SMALL))
    summary = backtest_summary(scores)
    assert list(summary) == ["s"]
    assert list(summary["s"]) == ["trend", "trend_log", "naive", "window_mean"]
    assert set(summary["s"]["naive"]) == set(bt.SUMMARY_FIELDS)
    assert summary["s"]["naive"]["vs_naive"] == "benchmark" and summary["s"]["trend"]["dm_p_value"] is None  # n < 5
    text = json.dumps(summary, allow_nan=False)
    assert json.loads(text) == summary
    mae = scores.set_index("method").loc["trend", "mae"]
    assert summary["s"]["trend"]["mae"] == round(mae, 3)


def test_a_method_added_later_is_run_from_the_same_window():
    def last_week_plus_one(window, origin, horizon):
        return bt.Forecast(float(window["units"].iloc[-1]) + 1)

    rows = rows_of(SMALL, horizons=(1,), methods={**bt.METHODS, "calendar": last_week_plus_one})
    assert one(rows, "2025-W12", 1, "calendar")["forecast"] == 13
    assert score_backtest(rows).set_index("method").loc["calendar", "mae"] == pytest.approx(5)


# --- the live data ------------------------------------------------------------------------


def regimes(rows: pd.DataFrame) -> list[str]:
    """What each row's series counted that week (empty where the file has no regime)."""
    return ["" if pd.isna(r) else str(r) for r in rows["regime"]] if "regime" in rows.columns else [""] * len(rows)


@pytest.fixture(scope="module")
def live():
    sales = pd.read_csv(processed_dir() / "clean" / "weekly_sales.csv")
    return sales, backtest(sales)


def test_live_origins_targets_and_actuals_follow_from_the_file(live):
    sales, rows = live
    for series, raw in sales.groupby("series"):
        figures = {iso_monday(w): float(u) for w, u in zip(raw["week"], raw["units"]) if pd.notna(u)}
        regime = {iso_monday(w): r for w, r in zip(raw["week"], regimes(raw))}
        # a window never spans a change of what the series counts: count the origin's own regime only
        expected = sorted(iso_label(m) for m in figures
                          if sum(m - dt.timedelta(weeks=11) <= other <= m and regime[other] == regime[m]
                                 for other in figures) >= 3)
        mine = rows[rows["series"] == series]
        assert sorted(set(mine["origin_week"])) == expected
        assert len(mine) == len(expected) * 4 * 4  # 4 horizons x 4 methods
        for row in mine.itertuples():
            target = iso_monday(row.origin_week) + dt.timedelta(weeks=row.horizon)
            assert row.target_week == iso_label(target)
            if target in figures:
                assert row.actual == figures[target]
            else:
                assert math.isnan(row.actual)
        for origin, scale in mine.groupby("origin_week")["mase_scale"]:
            end = iso_monday(origin)
            steps = [abs(u - figures[m - dt.timedelta(weeks=1)]) for m, u in figures.items()
                     if m <= end and m - dt.timedelta(weeks=1) in figures
                     and regime[m] == regime[m - dt.timedelta(weeks=1)]]
            assert scale.unique().tolist() == pytest.approx([np.mean(steps)] if steps else [math.nan], nan_ok=True)
        scored = mine[mine["actual"].notna()]
        scores = score_backtest(mine).set_index("method")
        assert scores["n"].to_dict() == scored.groupby("method").size().to_dict()


def test_every_live_trend_row_refits_by_hand_from_the_raw_rows(live):
    sales, rows = live
    trend = rows[rows["method"] == "trend"]
    assert len(trend) > 0
    for row in trend.itertuples():
        raw = sales[(sales["series"] == row.series) & sales["units"].notna()]
        end = iso_monday(row.origin_week)
        regime = dict(zip(raw["week"], regimes(raw)))
        inside = [(iso_monday(w), float(u)) for w, u in zip(raw["week"], raw["units"])
                  if end - dt.timedelta(weeks=11) <= iso_monday(w) <= end and regime[w] == regime[row.origin_week]]
        inside.sort()
        first = inside[0][0]
        t = [(m - first).days // 7 for m, _ in inside]
        t_new = (iso_monday(row.target_week) - first).days // 7
        expected = ols_prediction(t, [u for _, u in inside], t_new)
        assert (row.fit_first_week, row.fit_n_weeks) == (iso_label(first), len(inside))
        assert [row.forecast, row.pi95_low, row.pi95_high] == pytest.approx(expected, abs=1e-6, rel=0)

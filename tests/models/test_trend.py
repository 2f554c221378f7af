"""Weekly trend model: hand-computable cases, textbook formulas, and properties."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from helpers.formatting import round_float
from helpers.models import trend
from helpers.models.trend import (
    fit_weekly_trend,
    forecast_weekly_trend,
    select_window,
    trend_summary,
    trend_table,
)
from tests.builders import weekly_sales_from

ARTICLE = {"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}


def fit_of(units_by_week, model="linear", **window):
    sales = weekly_sales_from(units_by_week, series="s")
    return fit_weekly_trend(select_window(sales, "s", **window), model)


def textbook_line(t, y):
    """Slope, intercept, residual variance and S_tt of simple OLS, by the formulas."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    n = len(t)
    s_tt = ((t - t.mean()) ** 2).sum()
    b = ((t - t.mean()) * (y - y.mean())).sum() / s_tt
    a = y.mean() - b * t.mean()
    s2 = ((y - a - b * t) ** 2).sum() / (n - 2)
    return b, a, s2, s_tt


# --- hand-computable fits -------------------------------------------------------------


def test_perfect_line_has_exact_slope_r2_one_and_zero_width_ci():
    fit = fit_of({"2025-W10": 100, "2025-W11": 150, "2025-W12": 200, "2025-W13": 250, "2025-W14": 300})
    assert fit.slope == pytest.approx(50, abs=1e-9)
    assert fit.intercept == pytest.approx(100, abs=1e-9)
    assert fit.r_squared == pytest.approx(1, abs=1e-12)
    assert fit.slope_ci95[1] - fit.slope_ci95[0] == pytest.approx(0, abs=1e-9)
    assert fit.residual_sd == pytest.approx(0, abs=1e-9)
    assert fit.durbin_watson is None  # no residual to test


def test_constant_sales_have_zero_slope():
    fit = fit_of({"2025-W10": 500, "2025-W11": 500, "2025-W12": 500, "2025-W13": 500})
    assert fit.slope == pytest.approx(0, abs=1e-9)
    assert round_float(fit.slope) == 0.0
    assert fit.intercept == pytest.approx(500)
    assert fit.r_squared is None  # nothing varies, nothing to explain
    log_fit = fit_of({"2025-W10": 500, "2025-W11": 500, "2025-W12": 500}, model="log")
    assert log_fit.pct_change_per_week == pytest.approx(0, abs=1e-9)


def test_gap_week_leaves_a_jump_in_t_and_the_slope_uses_it():
    units = {"2025-W16": 10, "2025-W17": 20, "2025-W19": 40}
    window = select_window(weekly_sales_from(units, "s"), "s")
    assert window["t"].tolist() == [0, 1, 3]
    assert window["week"].tolist() == ["2025-W16", "2025-W17", "2025-W19"]
    fit = fit_weekly_trend(window)
    # 10, 20, 40 at t = 0, 1, 3 lie on y = 10 + 10 t; at t = 0, 1, 2 the slope would be 15
    assert fit.slope == pytest.approx(10, abs=1e-9)
    assert fit.missing_weeks == ("2025-W18",)
    assert fit.n_weeks == 3


def test_article_weeks_slope_and_ci_match_the_textbook():
    fit = fit_of(ARTICLE)
    assert fit.slope == pytest.approx(-730, abs=1e-9)
    assert round_float(fit.slope) == -730.0
    b, a, s2, s_tt = textbook_line([0, 1, 2, 3], list(ARTICLE.values()))
    assert b == -730
    half = stats.t.ppf(0.975, df=2) * math.sqrt(s2 / s_tt)
    assert fit.slope_ci95 == pytest.approx((b - half, b + half), rel=1e-9)
    assert fit.slope_ci95 == pytest.approx((-1343.1, -116.9), abs=0.1)
    assert fit.intercept == pytest.approx(a)
    assert fit.residual_sd == pytest.approx(math.sqrt(s2))
    assert fit.residuals == pytest.approx((-170, 360, -210, 20), abs=1e-9)
    assert fit.r_squared == pytest.approx(1 - 203000 / 2867500)
    assert (fit.df_resid, fit.n_weeks, fit.small_sample) == (2, 4, True)
    assert (fit.first_week, fit.last_week) == ("2025-W16", "2025-W19")
    assert fit.weeks == tuple(ARTICLE)


def test_log_model_percent_change_and_its_interval():
    fit = fit_of(ARTICLE, model="log")
    b, _, s2, s_tt = textbook_line([0, 1, 2, 3], np.log(list(ARTICLE.values())))
    half = stats.t.ppf(0.975, df=2) * math.sqrt(s2 / s_tt)
    assert fit.slope == pytest.approx(b)
    assert fit.pct_change_per_week == pytest.approx(100 * (math.exp(b) - 1))
    assert fit.pct_change_ci95 == pytest.approx((100 * (math.exp(b - half) - 1), 100 * (math.exp(b + half) - 1)))
    assert fit_of(ARTICLE).pct_change_per_week is None


def test_through_week_ignores_later_rows():
    units = dict(ARTICLE, **{"2025-W20": 100, "2025-W21": 50})
    fit = fit_of(units, through_week="2025-W19")
    assert fit.weeks == tuple(ARTICLE)
    assert fit.slope == pytest.approx(-730, abs=1e-9)
    assert fit_of(units, through_week=(2025, 19)) == fit


def test_default_window_is_the_last_12_weeks_of_the_series():
    units = {f"2025-W{w:02d}": 1000 - 10 * w for w in range(1, 21)}
    fit = fit_of(units)
    assert trend.DEFAULT_WINDOW_WEEKS == 12
    assert (fit.first_week, fit.last_week, fit.n_weeks, fit.small_sample) == ("2025-W09", "2025-W20", 12, False)
    assert fit_of(units, window_weeks=4).weeks == ("2025-W17", "2025-W18", "2025-W19", "2025-W20")


def test_window_crosses_the_year_boundary():
    units = {"2020-W51": 50, "2020-W52": 40, "2020-W53": 30, "2021-W01": 20, "2021-W02": 10}
    window = select_window(weekly_sales_from(units, "s"), "s", through_week="2021-W01", window_weeks=3)
    assert window["week"].tolist() == ["2020-W52", "2020-W53", "2021-W01"]
    assert window["t"].tolist() == [0, 1, 2]
    assert fit_weekly_trend(window).slope == pytest.approx(-10, abs=1e-9)


def test_forecast_continues_the_iso_calendar_and_pi_is_wider_than_ci():
    fit = fit_of({"2020-W50": 90, "2020-W51": 80, "2020-W52": 75})
    forecast = forecast_weekly_trend(fit, horizon=3)
    assert list(forecast.columns) == ["week", "iso_year", "iso_week", "t", "mean", "ci95_low", "ci95_high",
                                      "pi95_low", "pi95_high"]
    assert forecast["week"].tolist() == ["2020-W53", "2021-W01", "2021-W02"]
    assert forecast[["iso_year", "iso_week"]].values.tolist() == [[2020, 53], [2021, 1], [2021, 2]]
    assert forecast["t"].tolist() == [3, 4, 5]
    assert (forecast["pi95_low"] < forecast["ci95_low"]).all()
    assert (forecast["pi95_high"] > forecast["ci95_high"]).all()
    assert (forecast["ci95_low"] < forecast["mean"]).all() and (forecast["mean"] < forecast["ci95_high"]).all()


def test_forecast_intervals_match_the_textbook():
    fit = fit_of(ARTICLE)
    forecast = forecast_weekly_trend(fit, horizon=2)
    b, a, s2, s_tt = textbook_line([0, 1, 2, 3], list(ARTICLE.values()))
    q = stats.t.ppf(0.975, df=2)
    for row in forecast.itertuples():
        mean = a + b * row.t
        se_mean = math.sqrt(s2 * (1 / 4 + (row.t - 1.5) ** 2 / s_tt))
        se_obs = math.sqrt(s2 * (1 + 1 / 4 + (row.t - 1.5) ** 2 / s_tt))
        assert row.mean == pytest.approx(mean)
        assert (row.ci95_low, row.ci95_high) == pytest.approx((mean - q * se_mean, mean + q * se_mean))
        assert (row.pi95_low, row.pi95_high) == pytest.approx((mean - q * se_obs, mean + q * se_obs))
    assert forecast["mean"].tolist() == pytest.approx([4450, 3720])


def test_log_forecast_is_back_transformed():
    fit = fit_of(ARTICLE, model="log")
    forecast = forecast_weekly_trend(fit, horizon=1)
    assert forecast["mean"].iloc[0] == pytest.approx(math.exp(fit.intercept + fit.slope * 4))
    assert 0 < forecast["pi95_low"].iloc[0] < forecast["mean"].iloc[0] < forecast["pi95_high"].iloc[0]


def test_forecast_after_a_gap_counts_calendar_weeks():
    fit = fit_of({"2025-W16": 10, "2025-W17": 20, "2025-W19": 40})
    forecast = forecast_weekly_trend(fit, horizon=1)
    assert forecast[["week", "t"]].values.tolist() == [["2025-W20", 4]]
    assert forecast["mean"].iloc[0] == pytest.approx(50)


# --- errors ----------------------------------------------------------------------------


def test_fewer_than_three_weeks_raises_a_clear_error():
    sales = weekly_sales_from({"2025-W05": 5, "2025-W18": 4, "2025-W19": 3}, "s")
    with pytest.raises(ValueError) as info:
        select_window(sales, "s")
    message = str(info.value)
    for part in ("'s'", "only 2 weeks", "2025-W08..2025-W19", "2025-W18, 2025-W19", "at least 3"):
        assert part in message


def test_unknown_series_and_bad_arguments():
    sales = weekly_sales_from(ARTICLE, "xiaomi_su7")
    with pytest.raises(ValueError, match="unknown series 'tesla'.*'xiaomi_su7'"):
        select_window(sales, "tesla")
    with pytest.raises(ValueError, match="window_weeks"):
        select_window(sales, "xiaomi_su7", window_weeks=2)
    with pytest.raises(ValueError, match="2025-W53"):
        select_window(sales, "xiaomi_su7", through_week="2025-W53")
    with pytest.raises(ValueError, match="model must be one of"):
        fit_weekly_trend(select_window(sales, "xiaomi_su7"), model="quadratic")
    with pytest.raises(ValueError, match="horizon"):
        forecast_weekly_trend(fit_weekly_trend(select_window(sales, "xiaomi_su7")), horizon=0)


def test_log_model_refuses_zero_units():
    with pytest.raises(ValueError, match="units > 0"):
        fit_of({"2025-W10": 5, "2025-W11": 0, "2025-W12": 3}, model="log")


def test_a_week_entered_twice_is_an_error():
    sales = pd.concat([weekly_sales_from(ARTICLE, "s"), weekly_sales_from({"2025-W18": 1}, "s")])
    with pytest.raises(ValueError, match="more than one row for 2025-W18"):
        select_window(sales, "s")


# --- tables, summary, outputs ----------------------------------------------------------


def two_series():
    return pd.concat([weekly_sales_from(ARTICLE, "xiaomi_su7"), weekly_sales_from({"2025-W19": 10, "2025-W18": 12}, "other")],
                     ignore_index=True)


def test_trend_table_reports_skipped_series_in_note():
    table = trend_table(two_series())
    assert table[["series", "model"]].values.tolist() == [
        ["other", "linear"], ["other", "log"], ["xiaomi_su7", "linear"], ["xiaomi_su7", "log"]]
    other = table[table["series"] == "other"]
    assert other["note"].str.startswith("skipped: series 'other': only 2 weeks").all()
    assert other["slope"].isna().all()
    su7 = table[(table["series"] == "xiaomi_su7") & (table["model"] == "linear")].iloc[0]
    assert su7["slope"] == pytest.approx(-730)
    assert su7["n_weeks"] == 4 and bool(su7["small_sample"])
    assert su7["weeks"] == "2025-W16 2025-W17 2025-W18 2025-W19"
    assert "small sample" in su7["note"]


def test_trend_fit_prints_numbers_not_the_statsmodels_object():
    text = repr(fit_of(ARTICLE))
    assert text.startswith("TrendFit(series='s', model='linear', first_week='2025-W16'")
    assert "statsmodels" not in text and "Results" not in text



def test_trend_summary_keys_order_and_rounding():
    fit = fit_of(ARTICLE)
    summary = trend_summary(fit, forecast_weekly_trend(fit, horizon=2))
    assert list(summary) == ["series", "measure", "model", "first_week", "last_week", "n_weeks", "slope_units_per_week",
                             "slope_ci95", "r_squared", "small_sample", "forecast"]
    assert summary["slope_units_per_week"] == -730.0
    assert summary["slope_ci95"] == [-1343.034, -116.966]
    assert summary["small_sample"] is True
    assert [list(f) for f in summary["forecast"]] == [["week", "mean", "pi95"]] * 2
    assert summary["forecast"][0]["week"] == "2025-W20" and summary["forecast"][0]["mean"] == 4450.0
    json.dumps(summary, allow_nan=False)


def test_write_trend_outputs(tmp_path):
    fits = trend.fit_trends(two_series())
    written = trend.write_trend_outputs(fits, horizon=3, folder=tmp_path)
    assert [p.rsplit("/", 1)[-1] for p in written] == ["trend_fits.csv", "forecasts.csv", "residuals.csv", "bands.csv",
                                                       "summary.json"]
    bands = pd.read_csv(tmp_path / "bands.csv")
    # xiaomi_su7 W16..W19 (t 0..3) plus 3 forecast weeks, 4 points a week, for both models
    assert len(bands) == 2 * (4 * (3 + 3) + 1) and set(bands["part"]) == {"fit", "forecast"}
    assert (bands["ci95_low"] <= bands["mean"]).all() and (bands["pi95_low"] <= bands["ci95_low"]).all()
    forecasts = pd.read_csv(tmp_path / "forecasts.csv")
    assert len(forecasts) == 2 * 3  # xiaomi_su7 linear + log; 'other' has too few weeks
    assert set(forecasts["as_of_week"]) == {"2025-W19"}
    fits_csv = pd.read_csv(tmp_path / "trend_fits.csv")
    assert len(fits_csv) == 4 and fits_csv["note"].notna().all()
    residuals = pd.read_csv(tmp_path / "residuals.csv")
    assert len(residuals) == 2 * 4
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert (summary["series"], summary["model"], len(summary["forecast"])) == ("xiaomi_su7", "linear", 3)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    trend.write_trend_outputs(trend.fit_trends(two_series()), horizon=3, folder=tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_write_trend_outputs_needs_the_headline_fit(tmp_path):
    fits = trend.fit_trends(weekly_sales_from({"2025-W19": 10, "2025-W18": 12}, "xiaomi_su7"))
    with pytest.raises(ValueError, match="summary.json needs the linear trend of 'xiaomi_su7': skipped: .*only 2 weeks"):
        trend.write_trend_outputs(fits, folder=tmp_path)


def test_residual_checks_say_when_normality_is_skipped():
    small = trend.residual_checks(trend.fit_trends(weekly_sales_from(ARTICLE, "s"), models=("linear",)))
    assert small["normality"].tolist() == ["skipped: n = 4 < 8 weeks, too few to test"]
    assert small["shapiro_p"].isna().all()
    units = {f"2025-W{w:02d}": 1000 - 10 * w + (7 * w % 5) * 3 for w in range(1, 13)}
    large = trend.residual_checks(trend.fit_trends(weekly_sales_from(units, "s"), models=("linear",)))
    assert large["normality"].iloc[0].startswith("Shapiro–Wilk p = ")


# --- properties ------------------------------------------------------------------------

unit_lists = st.lists(st.integers(min_value=1, max_value=100_000), min_size=3, max_size=12)


def as_weeks(units, start=(2024, 50)):
    from helpers.data.weeks import add_weeks, week_label

    return {week_label(*add_weeks(start, i)): u for i, u in enumerate(units)}


@settings(max_examples=60)
@given(units=unit_lists, c=st.floats(min_value=0.01, max_value=1000))
def test_scaling_units_scales_the_slope(units, c):
    base = fit_of(as_weeks(units))
    scaled = fit_of(as_weeks([u * c for u in units]))
    assert scaled.slope == pytest.approx(base.slope * c, rel=1e-6, abs=1e-6 * c * max(units))


@settings(max_examples=60)
@given(units=unit_lists, k=st.integers(min_value=-1_000_000, max_value=1_000_000))
def test_adding_a_constant_leaves_the_slope_unchanged(units, k):
    base = fit_of(as_weeks(units))
    shifted = fit_of(as_weeks([u + k for u in units]))
    assert shifted.slope == pytest.approx(base.slope, abs=1e-6 * (max(units) + abs(k)))


@settings(max_examples=60)
@given(units=unit_lists, c=st.floats(min_value=0.01, max_value=1000))
def test_log_percent_change_is_invariant_to_scaling(units, c):
    base = fit_of(as_weeks(units), model="log")
    scaled = fit_of(as_weeks([u * c for u in units]), model="log")
    assert scaled.pct_change_per_week == pytest.approx(base.pct_change_per_week, rel=1e-6, abs=1e-6)
    assert scaled.pct_change_ci95 == pytest.approx(base.pct_change_ci95, rel=1e-6, abs=1e-6)


def test_a_window_across_a_change_of_what_the_series_counts_is_split_and_says_so():
    from helpers.models.trend import fits_table
    from helpers.narrative.trend import fit_paragraph

    brand = weekly_sales_from({"2025-W22": 7800, "2025-W23": 4370, "2025-W27": 4900, "2025-W28": 6680,
                               "2025-W35": 11900}, "xiaomi_all")
    brand["regime"] = ["SU7 only", "SU7 only", "SU7 and YU7", "SU7 and YU7", "SU7 and YU7"]
    window = select_window(brand, "xiaomi_all", window_weeks=14)  # 2025-W22..W35 on the calendar
    assert window["week"].tolist() == ["2025-W27", "2025-W28", "2025-W35"]  # not W22-W23: another regime
    assert window["t"].tolist() == [0, 1, 8]  # counted from the regime's first week, gaps kept
    fit = fit_weekly_trend(window)
    assert "2025-W22, 2025-W23 (SU7 only) left out" in fit.window_note
    assert fit.window_note in fits_table({("xiaomi_all", "linear"): fit})["note"].iloc[0]
    assert "**Regime:** the window split at a change of what xiaomi_all counts" in fit_paragraph(fit)
    # without a regime column (or one regime) nothing is split and nothing is said
    plain = fit_weekly_trend(select_window(brand.drop(columns="regime"), "xiaomi_all", window_weeks=14))
    assert plain.n_weeks == 5 and plain.window_note == ""
    # too few weeks left after the split: refused, naming what was left out
    with pytest.raises(ValueError, match=r"after leaving out 2025-W22, 2025-W23 \(a different regime: SU7 only\)"):
        select_window(brand, "xiaomi_all", through_week="2025-W28")

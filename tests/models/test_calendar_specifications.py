"""The calendar specifications: numpy least squares on hand-built frames, the counting rule, the article's weeks
left out of every fit, the range rule, and what holds on the live files for every valid data set."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.data.clean import calendar_weeks
from helpers.models.calendar_specifications import (
    SPECIFICATIONS,
    Specification,
    calendar_specifications,
    fit_specification,
    lost_working_days,
    specification_design,
    specifications_summary,
)
from helpers.paths import project_root
from helpers.tolerances import CALENDAR_AGREEMENT_PP

ROOT = project_root()

# --- the counting rule ------------------------------------------------------------------------------------------------


def _lost(holidays: list[tuple[str, str]], adjusted: list[str], week: str) -> int:
    hol = pd.DataFrame({"holiday": "h", "first_day": [a for a, _ in holidays], "last_day": [b for _, b in holidays]})
    adj = pd.DataFrame({"date": adjusted, "holiday": "h"})
    cal = calendar_weeks(hol, adj, years=[2030])
    return int(lost_working_days(cal)[cal["week"] == week].iloc[0])


def test_a_weekend_day_inside_a_holiday_is_not_a_lost_working_day():
    # 2030-05-03 is a Friday: Friday, Saturday, Sunday off is one lost working day, not three
    assert _lost([("2030-05-03", "2030-05-05")], [], "2030-W18") == 1
    # Saturday and Sunday alone off: no working day lost
    assert _lost([("2030-05-04", "2030-05-05")], [], "2030-W18") == 0


def test_a_make_up_saturday_is_a_working_day():
    # 2030-04-27 is a Saturday made a working day, no holiday that week: one working day gained
    assert _lost([("2030-05-03", "2030-05-05")], ["2030-04-27"], "2030-W17") == -1
    # a week with two weekdays off and a make-up Saturday loses one working day net
    assert _lost([("2030-05-02", "2030-05-03")], ["2030-05-04"], "2030-W18") == 1


def test_weekdays_off_each_count_one():
    assert _lost([("2030-04-29", "2030-05-03")], [], "2030-W18") == 5


# --- numpy least squares on a hand-built frame -----------------------------------------------------------------------

#: 2 brands x 12 weeks of 2024; lost working days and month ends chosen by hand; small known noise.
WEEKS = list(range(1, 13))
LOST = [0, 2, 0, -1, 3, 0, 0, 1, 0, 0, 2, 0]
MONTH_END = [0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0]
NOISE = {"a": [0.01, -0.02, 0.015, 0.0, -0.01, 0.02, -0.015, 0.005, 0.01, -0.005, 0.0, -0.01],
         "b": [-0.01, 0.005, 0.0, 0.02, -0.015, 0.01, 0.0, -0.02, 0.015, 0.0, -0.005, 0.01]}
LEVEL = {"a": 10.0, "b": 8.0}


def hand_calendar() -> pd.DataFrame:
    return pd.DataFrame({"iso_year": 2024, "iso_week": WEEKS, "working_days": [5 - d for d in LOST],
                         "month_end": [bool(m) for m in MONTH_END]})


def hand_market(beta=-0.12, gamma=0.01, delta=0.08) -> pd.DataFrame:
    rows = []
    for brand in ("a", "b"):
        for i, w in enumerate(WEEKS):
            y = LEVEL[brand] + gamma * (w - 1) + beta * LOST[i] + delta * MONTH_END[i] + NOISE[brand][i]
            rows.append({"iso_year": 2024, "iso_week": w, "series": brand, "units": math.exp(y)})
    return pd.DataFrame(rows)


def numpy_ols(X: np.ndarray, y: np.ndarray):
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    df = X.shape[0] - X.shape[1]
    return beta, (resid @ resid / df) * np.linalg.inv(X.T @ X), df


SPEC = Specification("hand", ("lost_working_days", "month_end"), brands=("a", "b"), years=(2024,))
ARTICLE = ("2024-W09", "2024-W11")  # weeks 9-11 are left out of the fit; W09 -> W11 differs by 2 lost days, 1 month end


def oracle(market: pd.DataFrame, brands=("a", "b")):
    """The same regression built here from the lists above: brand dummies, t, lost days, month end; W09-W11 out.

    Coefficients by numpy least squares; with more than one brand the covariance is clustered by week (the
    sandwich written out here, small-sample factor G/(G-1) (n-1)/(n-k), G - 1 df), else classical.
    """
    X, y, week = [], [], []
    for brand in brands:
        for i, w in enumerate(WEEKS):
            if 9 <= w <= 11:
                continue
            units = market[(market["series"] == brand) & (market["iso_week"] == w)]["units"].iloc[0]
            X.append([brand == b for b in brands] + [w - 1, LOST[i], MONTH_END[i]])
            y.append(math.log(units))
            week.append(w)
    X, y = np.array(X, dtype=float), np.array(y)
    beta, cov, df = numpy_ols(X, y)
    if len(brands) == 1:
        return beta, cov, df
    e = y - X @ beta
    inv = np.linalg.inv(X.T @ X)
    meat = np.zeros((X.shape[1], X.shape[1]))
    for w in sorted(set(week)):
        rows = [i for i, v in enumerate(week) if v == w]
        score = X[rows].T @ e[rows]
        meat += np.outer(score, score)
    n, k, g = X.shape[0], X.shape[1], len(set(week))
    return beta, g / (g - 1) * (n - 1) / (n - k) * inv @ meat @ inv, g - 1


def test_coefficients_and_intervals_match_numpy_least_squares():
    market = hand_market()
    beta, cov, df = oracle(market)
    fit = fit_specification(market, hand_calendar(), SPEC, ARTICLE)
    assert fit.n_obs == 2 * 9 and fit.n_weeks == 9 and fit.df_resid == 18 - 5
    assert fit.interval == "week-clustered" and fit.df_interval == df == 9 - 1
    half = stats.t.ppf(0.975, df) * np.sqrt(np.diag(cov))
    assert fit.coefficients["lost_working_days"] == pytest.approx(beta[3], rel=1e-9)
    assert fit.coefficients["month_end"] == pytest.approx(beta[4], rel=1e-9)
    assert fit.ci95["lost_working_days"] == pytest.approx((beta[3] - half[3], beta[3] + half[3]), rel=1e-9)
    # the noise is small: the coefficient the data were made with is recovered closely
    assert fit.coefficients["lost_working_days"] == pytest.approx(-0.12, abs=0.01)


def test_the_calendar_change_and_its_share_of_the_dip_by_hand():
    market = hand_market()
    beta, cov, df = oracle(market)
    # the observed series falls from 100 to 50 over the "article's" weeks
    sales = pd.DataFrame({"series": "x", "iso_year": 2024, "iso_week": [9, 11], "units": [100.0, 50.0]})
    table = calendar_specifications(market, hand_calendar(), sales, [SPEC], ARTICLE, observed_series="x")
    row = table.iloc[0]
    d = np.array([LOST[10] - LOST[8], MONTH_END[10] - MONTH_END[8]], dtype=float)  # W11 less W09
    assert d.tolist() == [2.0, 0.0]
    change = float(d @ beta[3:])
    se = math.sqrt(d @ cov[3:, 3:] @ d)
    crit = stats.t.ppf(0.975, df)
    observed = math.log(0.5)
    assert row["calendar_log_change"] == pytest.approx(change, rel=1e-9)
    assert (row["calendar_log_change_ci95_low"], row["calendar_log_change_ci95_high"]) == pytest.approx(
        (change - crit * se, change + crit * se), rel=1e-9)
    assert row["percent_of_dip"] == pytest.approx(100 * change / observed, rel=1e-9)
    # dividing by a negative observed change swaps the ends
    assert (row["percent_ci95_low"], row["percent_ci95_high"]) == pytest.approx(
        (100 * (change + crit * se) / observed, 100 * (change - crit * se) / observed), rel=1e-9)
    assert row["observed_log_change"] == pytest.approx(observed)


def test_the_article_weeks_never_enter_a_fit():
    market = hand_market()
    changed = market.copy()
    inside = changed["iso_week"].between(9, 11)
    changed.loc[inside, "units"] = changed.loc[inside, "units"] * 50  # anything at all in the article's weeks
    design = specification_design(changed, hand_calendar(), SPEC, ARTICLE)
    assert not design["iso_week"].between(9, 11).any()
    a = fit_specification(market, hand_calendar(), SPEC, ARTICLE)
    b = fit_specification(changed, hand_calendar(), SPEC, ARTICLE)
    assert a.coefficients == b.coefficients


def test_a_term_without_variation_keeps_its_row_with_the_reason():
    calendar = hand_calendar().assign(month_end=False)
    market = hand_market()
    sales = pd.DataFrame({"series": "x", "iso_year": 2024, "iso_week": [9, 11], "units": [100.0, 50.0]})
    table = calendar_specifications(market, calendar, sales, [SPEC], ARTICLE, observed_series="x")
    assert math.isnan(table["percent_of_dip"].iloc[0])
    assert "month_end does not vary" in table["not_fitted_reason"].iloc[0]


# --- the rule for the answer ------------------------------------------------------------------------------------------


def _table(points, lows, highs) -> pd.DataFrame:
    return pd.DataFrame({"specification": [f"s{i}" for i in range(len(points))], "from_week": "2025-W16",
                         "to_week": "2025-W19", "observed_series": "x", "observed_log_change": -0.3,
                         "percent_of_dip": points, "percent_ci95_low": lows, "percent_ci95_high": highs,
                         "not_fitted_reason": ""})


def test_range_and_intervals_are_the_extremes_across_specifications():
    s = specifications_summary(_table([30.0, 70.0, 50.0], [-10.0, 20.0, 5.0], [60.0, 130.0, 90.0]))
    assert (s["percent_low"], s["percent_high"]) == (30.0, 70.0)
    assert (s["percent_low_spec"], s["percent_high_spec"]) == ("s0", "s1")
    assert (s["interval_low"], s["interval_high"]) == (-10.0, 130.0)
    assert s["n_specs"] == 3 and s["agree"] is False and s["headline_percent"] is None
    assert (s["allows_none"], s["allows_part"], s["allows_all"]) == (True, True, True)


def test_a_headline_only_when_the_specifications_agree_within_the_declared_tolerance():
    close = specifications_summary(_table([40.0, 40.0 + CALENDAR_AGREEMENT_PP], [10.0, 20.0], [70.0, 80.0]))
    assert close["agree"] is True and close["headline_percent"] == pytest.approx(40 + CALENDAR_AGREEMENT_PP / 2)
    apart = specifications_summary(_table([40.0, 40.1 + CALENDAR_AGREEMENT_PP], [10.0, 20.0], [70.0, 80.0]))
    assert apart["agree"] is False and apart["headline_percent"] is None
    assert (close["allows_none"], close["allows_all"]) == (False, False)


def test_a_specification_not_fitted_is_left_out_of_the_range_and_named():
    table = _table([30.0, float("nan")], [10.0, float("nan")], [50.0, float("nan")])
    s = specifications_summary(table)
    assert s["n_specs"] == 1 and s["n_declared"] == 2 and s["not_fitted"] == ["s1"]


# --- live files: what holds for every valid data set ------------------------------------------------------------------


def read_csv_rows(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_live_table_has_every_declared_specification_and_never_fits_the_article_weeks():
    from helpers.data.clean import read_clean
    from helpers.data.ingest import read_ingested

    market, calendar = read_ingested("market_registrations"), read_clean("calendar_weeks")
    table = calendar_specifications(market, calendar, read_clean("weekly_sales"))
    assert table["specification"].tolist() == [s.name for s in SPECIFICATIONS]
    assert len(SPECIFICATIONS) >= 5
    fitted = table[table["percent_of_dip"].notna()]
    assert (fitted["percent_ci95_low"] <= fitted["percent_of_dip"]).all()
    assert (fitted["percent_of_dip"] <= fitted["percent_ci95_high"]).all()
    for spec in SPECIFICATIONS:
        design = specification_design(market, calendar, spec)
        assert not ((design["iso_year"] == 2025) & design["iso_week"].between(16, 19)).any()
        assert "xiaomi" not in set(design["brand"])
    # the calendar difference is read from the calendar file: 5 - working days
    cal = {r["week"]: r for r in read_csv_rows(ROOT / "data/processed/clean/calendar_weeks.csv")}
    expected = (5 - int(cal["2025-W19"]["working_days"])) - (5 - int(cal["2025-W16"]["working_days"]))
    assert set(table["lost_working_days_difference"]) == {expected}
    sales = {r["week"]: float(r["units"]) for r in read_csv_rows(ROOT / "data/processed/clean/weekly_sales.csv")
             if r["series"] == "xiaomi_su7"}
    assert table["observed_log_change"].iloc[0] == pytest.approx(math.log(sales["2025-W19"] / sales["2025-W16"]))


def test_the_fit_also_agrees_with_statsmodels():
    import statsmodels.api as sm

    market = hand_market()
    design = specification_design(market, hand_calendar(), SPEC, ARTICLE)
    X = np.column_stack([(design["brand"] == "a"), (design["brand"] == "b"), design["t"],
                         design["lost_working_days"], design["month_end"]]).astype(float)
    groups = design["week"].astype("category").cat.codes.to_numpy()
    result = sm.OLS(design["log_units"].to_numpy(), X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    fit = fit_specification(market, hand_calendar(), SPEC, ARTICLE)
    assert fit.ci95["month_end"] == pytest.approx(tuple(result.conf_int()[4]), rel=1e-9)
    assert fit.ci95["lost_working_days"] == pytest.approx(tuple(result.conf_int()[3]), rel=1e-9)


def test_one_brand_alone_has_classical_intervals():
    market = hand_market()
    beta, cov, df = oracle(market, brands=("a",))
    spec = Specification("a_alone", ("lost_working_days", "month_end"), brands=("a",), years=(2024,))
    fit = fit_specification(market, hand_calendar(), spec, ARTICLE)
    assert fit.interval == "classical" and fit.df_interval == fit.df_resid == df == 9 - 4
    half = stats.t.ppf(0.975, df) * math.sqrt(cov[2, 2])
    assert fit.ci95["lost_working_days"] == pytest.approx((beta[2] - half, beta[2] + half), rel=1e-9)


def test_leaving_one_week_out_is_the_refit_without_that_week():
    market = hand_market()
    sales = pd.DataFrame({"series": "x", "iso_year": 2024, "iso_week": [9, 11], "units": [100.0, 50.0]})
    row = calendar_specifications(market, hand_calendar(), sales, [SPEC], ARTICLE, observed_series="x").iloc[0]
    observed = math.log(0.5)
    shares = {}
    for left in [w for w in WEEKS if not 9 <= w <= 11]:
        X, y = [], []
        for brand in ("a", "b"):
            for i, w in enumerate(WEEKS):
                if 9 <= w <= 11 or w == left:
                    continue
                units = market[(market["series"] == brand) & (market["iso_week"] == w)]["units"].iloc[0]
                X.append([brand == "a", brand == "b", w - 1, LOST[i], MONTH_END[i]])
                y.append(math.log(units))
        beta, _, _ = numpy_ols(np.array(X, dtype=float), np.array(y))
        shares[f"2024-W{left:02d}"] = 100 * (2 * beta[3]) / observed  # W09 -> W11: 2 lost days, no month end change
    low, high = min(shares, key=shares.get), max(shares, key=shares.get)
    assert row["drop_one_percent_low"] == pytest.approx(shares[low], rel=1e-9) and row["drop_one_week_low"] == low
    assert row["drop_one_percent_high"] == pytest.approx(shares[high], rel=1e-9) and row["drop_one_week_high"] == high
    s = specifications_summary(pd.DataFrame([row]))
    assert (s["drop_one_low"], s["drop_one_high"]) == (round(shares[low], 3), round(shares[high], 3))

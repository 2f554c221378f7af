"""The vectorized backtest and window sensitivity against the plain per-origin statsmodels fits, on seeded random
data, and the work they do counted (never timed): no per-origin window or fit for the built-in methods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.data import weeks
from helpers.models import backtest as bt
from helpers.models import calendar_effects, window_sensitivity
from tests.builders import weekly_sales_from


def random_sales(seed: int, n_series: int = 3) -> pd.DataFrame:
    """Gappy weekly series across a year end, one with a change of regime, one with a zero week."""
    rng = np.random.default_rng(seed)
    parts = []
    for s in range(n_series):
        chosen = np.sort(rng.choice(70, size=int(rng.integers(3, 30)), replace=False))
        labels = [weeks.week_label(*weeks.add_weeks((2024, 40), int(k))) for k in chosen]
        units = np.abs(rng.normal(5000, 1500, len(labels))).round(int(rng.integers(0, 3)))
        if s == 1 and len(units) > 5:
            units[len(units) // 2] = 0.0
        if s == 2:
            units = 300 + 25 * chosen.astype(float)  # an exact line
        frame = weekly_sales_from(dict(zip(labels, units)), f"s{s}")
        if s == 0:
            frame["regime"] = np.where(np.arange(len(frame)) < len(frame) // 2, "before", "after")
        parts.append(frame)
    sales = pd.concat(parts, ignore_index=True)
    return sales.sample(frac=1, random_state=seed).reset_index(drop=True)  # any row order


def calendar_for(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 100)
    pairs = [weeks.add_weeks((2024, 40), k) for k in range(5, 90)]  # the first weeks are missing: notes
    return pd.DataFrame({"iso_year": [p[0] for p in pairs], "iso_week": [p[1] for p in pairs],
                         "holiday_days": rng.choice([0, 0, 0, 1, 3], len(pairs)),
                         "month_end": rng.random(len(pairs)) < 0.25})


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("window_weeks", [4, 12])
def test_backtest_matches_the_per_origin_statsmodels_fits(seed, window_weeks):
    sales = random_sales(seed)
    methods = {**bt.METHODS, "calendar": calendar_effects.backtest_method(calendar_for(seed))}
    fast = bt.backtest(sales, window_weeks=window_weeks, methods=methods)
    plain = bt.backtest_per_origin(sales, window_weeks=window_weeks, methods=methods)
    assert len(fast) > 0
    assert_same_rows(fast, plain)


def assert_same_rows(fast: pd.DataFrame, plain: pd.DataFrame) -> None:
    """Equal to 1e-9; ``inside95`` only where the actual is not on a bound to within that (an exact line's
    interval has width ~1e-12, and which side of it the actual falls is rounding)."""
    pd.testing.assert_frame_equal(fast.drop(columns="inside95"), plain.drop(columns="inside95"),
                                  check_exact=False, rtol=1e-9, atol=1e-9)
    scale = 1e-9 * (1 + plain["actual"].abs())
    clear = ~(((plain["actual"] - plain["pi95_low"]).abs() <= scale) | ((plain["actual"] - plain["pi95_high"]).abs() <= scale))
    pd.testing.assert_series_equal(fast["inside95"][clear], plain["inside95"][clear])


def test_a_method_without_a_batch_twin_is_called_once_per_origin_and_horizon_on_its_own_window():
    sales = random_sales(7)
    calls = []

    def last_plus_one(window, origin, horizon):
        calls.append((str(window["series"].iloc[0]), origin, horizon, len(window)))
        return bt.Forecast(float(window["units"].iloc[-1]) + 1)

    methods = {"trend": bt.trend_forecast, "plus_one": last_plus_one}
    fast = bt.backtest(sales, horizons=(1, 3), methods=methods)
    plain = bt.backtest_per_origin(sales, horizons=(1, 3), methods=methods)
    assert_same_rows(fast, plain)
    origins = fast[["series", "origin_week"]].drop_duplicates()
    assert len(calls) == 2 * 2 * len(origins)  # once per origin and horizon, in each run


def test_the_built_in_methods_cut_no_window_and_fit_nothing_per_origin(monkeypatch):
    """The work counted: select_window, fit_weekly_trend and statsmodels' OLS are never called per origin."""
    import statsmodels.api as sm

    counts = {"select_window": 0, "fit_weekly_trend": 0, "OLS": 0}

    def counting(name, function):
        def wrapped(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(bt, "select_window", counting("select_window", bt.select_window))
    monkeypatch.setattr(bt, "fit_weekly_trend", counting("fit_weekly_trend", bt.fit_weekly_trend))
    monkeypatch.setattr(sm, "OLS", counting("OLS", sm.OLS))
    sales = random_sales(3, n_series=4)
    methods = {**bt.METHODS, "calendar": calendar_effects.backtest_method(calendar_for(3))}
    rows = bt.backtest(sales, methods=methods)
    assert rows["origin_week"].nunique() > 10
    assert counts == {"select_window": 0, "fit_weekly_trend": 0, "OLS": 0}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("model", ["linear", "log"])
def test_window_sensitivity_matches_the_per_window_statsmodels_fits(seed, model):
    sales = random_sales(seed)
    sales = sales[sales["units"] > 0]
    for name in sorted(set(sales["series"])):
        fast = window_sensitivity.window_sensitivity(sales, name, model=model)
        lengths = window_sensitivity.window_lengths(sales, name)
        plain = window_sensitivity.window_sensitivity(sales, name, lengths=lengths, model=model)  # one fit per length
        pd.testing.assert_frame_equal(fast, plain, check_exact=False, rtol=1e-9, atol=1e-9)


def test_window_sensitivity_fits_nothing_per_length(monkeypatch):
    counts = []
    monkeypatch.setattr(window_sensitivity, "fit_weekly_trend", lambda *a, **k: counts.append(1))
    labels = [weeks.week_label(*weeks.add_weeks((2024, 40), k)) for k in range(0, 60, 2)]
    sales = weekly_sales_from({w: 1000 + 37 * (k % 7) for k, w in enumerate(labels)}, "s")
    table = window_sensitivity.sensitivity_table(sales)
    assert len(table) > 50 and not counts  # 57 window lengths and 6 weeks left out, no fit per row

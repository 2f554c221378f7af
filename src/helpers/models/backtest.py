"""A rolling-origin backtest: how well would each simple method have forecast the weeks that followed?

From every **origin** (a week with a figure whose trend window, as
:func:`helpers.models.trend.select_window` takes it with
``through_week=origin``, holds at least ``MIN_WEEKS`` figures) each method
forecasts the weeks ``origin + h`` for every horizon ``h``, seeing only that
window: the same window for every method from one origin.  A target week
without a figure keeps its row with ``actual`` missing (never zero, never
interpolated) and is not scored.

The methods (:data:`METHODS`, a dict ``name -> function(window, origin, horizon)``):

* ``trend``: the linear OLS line of :mod:`helpers.models.trend` over the window,
  its mean and 95% *prediction* interval from
  :func:`~helpers.models.trend.forecast_weekly_trend` (which reads
  :func:`~helpers.models.trend.trend_band`), as notebook 03 makes them.
* ``trend_log``: the same for the log model: the back-transformed median and its interval.
* ``naive``: the origin week's figure (see :func:`naive_forecast` for its interval).
* ``window_mean``: the mean of the window (see :func:`window_mean_forecast`).

A calendar-aware method can be added later without touching this module's
loop: write a function with the same signature (bind the calendar with
:func:`functools.partial`) and pass ``methods={**METHODS, "calendar": f}``.

>>> sales = weekly_sales_from({"2025-W16": 10, "2025-W17": 20, "2025-W18": 30, "2025-W19": 40})
>>> rows = backtest(sales, horizons=(1,), methods={"trend": trend_forecast, "naive": naive_forecast})
>>> rows[["origin_week", "target_week", "method", "forecast", "actual"]].round(6).values.tolist()
[['2025-W18', '2025-W19', 'trend', 40.0, 40.0], ['2025-W18', '2025-W19', 'naive', 30.0, 40.0], ['2025-W19', '2025-W20', 'trend', 50.0, nan], ['2025-W19', '2025-W20', 'naive', 40.0, nan]]
>>> score_backtest(rows)[["series", "method", "n", "mae", "mase"]].round(6).values.tolist()
[['example', 'trend', 1, 0.0, 0.0], ['example', 'naive', 1, 10.0, 1.0]]
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Mapping, NamedTuple

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.formatting import plural, rounded
from helpers.models.scorecard import score_forecasts
from helpers.models.trend import (
    DEFAULT_WINDOW_WEEKS,
    MIN_WEEKS,
    fit_weekly_trend,
    forecast_weekly_trend,
    select_window,
    vintage_problem,
)

__all__ = [
    "COLUMNS",
    "EXTRA_COLUMNS",
    "SCORE_COLUMNS",
    "DEFAULT_HORIZONS",
    "NAIVE_MIN_PAIRS",
    "ALPHA",
    "Forecast",
    "METHODS",
    "trend_forecast",
    "trend_log_forecast",
    "naive_forecast",
    "window_mean_forecast",
    "origins",
    "mase_scale",
    "interval_score",
    "backtest",
    "backtest_per_origin",
    "origin_windows",
    "ols_line_batch",
    "Windows",
    "BatchForecast",
    "diebold_mariano",
    "forecasts_needed",
    "score_backtest",
    "shared_forecasts",
    "backtest_summary",
    "overlap_summary",
    "best_method",
    "SUMMARY_FIELDS",
    "NAIVE",
    "DM_ALPHA",
    "DM_MIN_FORECASTS",
]

#: The backtest table's first columns, in this order.
COLUMNS = ("series", "origin_week", "target_week", "horizon", "method", "forecast", "pi95_low", "pi95_high",
           "actual", "fit_first_week", "fit_n_weeks")
#: Appended after :data:`COLUMNS`: ``abs_error`` (``|actual - forecast|``), ``inside95`` (the actual within the
#: 95% interval, bounds included, as :mod:`helpers.models.scorecard` counts it; missing without an actual or an
#: interval), ``mase_scale`` (see :func:`mase_scale`) and ``note`` (why a forecast or interval is missing).
EXTRA_COLUMNS = ("abs_error", "inside95", "mase_scale", "note")
#: The columns of :func:`score_backtest` after the grouping columns.
SCORE_COLUMNS = ("n", "mae", "mase", "coverage95", "interval_score95", "n_intervals", "n_forecasts", "n_target_weeks",
                 "dm_horizon", "dm_statistic", "dm_p_value", "vs_naive", "forecasts_needed", "target_weeks_needed")
#: The fields of :func:`backtest_summary` per series and method.
SUMMARY_FIELDS = ("n", "mae", "mase", "coverage95", "interval_score95", "n_forecasts", "n_target_weeks",
                  "dm_statistic", "dm_p_value", "vs_naive", "forecasts_needed", "target_weeks_needed")
#: The benchmark every method is tested against (:func:`diebold_mariano`).
NAIVE = "naive"
#: The level of the Diebold-Mariano test: a method is better or worse than naive only below it.
DM_ALPHA = 0.05
#: Fewest paired forecasts the test is run on; below it the verdict is "cannot tell".
DM_MIN_FORECASTS = 5
DEFAULT_HORIZONS = (1, 2, 3, 4)
#: Fewest past h-step changes the naive method needs in its window for an interval.
NAIVE_MIN_PAIRS = 2
#: Miscoverage of the 95% intervals, for the interval score.
ALPHA = 0.05


class Forecast(NamedTuple):
    """One method's forecast of one week: the point and its 95% interval (NaN when it has none)."""

    forecast: float
    pi95_low: float = math.nan
    pi95_high: float = math.nan
    note: str = ""


#: A method: ``(window, origin, horizon) -> Forecast``; ``window`` is :func:`select_window`'s output ending at
#: ``origin``, ``origin`` an ``(iso_year, iso_week)`` pair, ``horizon`` the weeks ahead (>= 1).
Method = Callable[[pd.DataFrame, tuple[int, int], int], Forecast]


def _t_quantile(df: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(1 - ALPHA / 2, df))


def _trend(window: pd.DataFrame, horizon: int, model: str) -> Forecast:
    row = forecast_weekly_trend(fit_weekly_trend(window, model), horizon).iloc[-1]
    return Forecast(float(row["mean"]), float(row["pi95_low"]), float(row["pi95_high"]))


def trend_forecast(window: pd.DataFrame, origin: tuple[int, int], horizon: int) -> Forecast:
    """The linear trend of ``window`` at ``horizon`` weeks past ``origin``, with its 95% prediction interval.

    ``origin`` must be the window's last week (it is, for every origin of :func:`backtest`).

    >>> window = select_window(weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700,
    ...                                           "2025-W19": 5200}), "example")
    >>> [round(v, 1) for v in trend_forecast(window, (2025, 19), 1)[:3]]
    [4450.0, 2282.6, 6617.4]
    """
    _check_origin(window, origin)
    return _trend(window, horizon, "linear")


def trend_log_forecast(window: pd.DataFrame, origin: tuple[int, int], horizon: int) -> Forecast:
    """The log trend of ``window`` (back-transformed median and 95% prediction interval) at ``horizon`` weeks.

    >>> window = select_window(weekly_sales_from({"2025-W16": 100, "2025-W17": 110, "2025-W18": 121}), "example")
    >>> round(trend_log_forecast(window, (2025, 18), 1).forecast, 6)
    133.1
    """
    _check_origin(window, origin)
    return _trend(window, horizon, "log")


def _check_origin(window: pd.DataFrame, origin: tuple[int, int]) -> None:
    last = (int(window["iso_year"].iloc[-1]), int(window["iso_week"].iloc[-1]))
    if last != tuple(origin):
        raise ValueError(f"the window ends at {weeks.week_label(*last)}, not at the origin {weeks.week_label(*origin)}")


def _units_by_week(window: pd.DataFrame) -> dict[tuple[int, int], float]:
    return {(int(y), int(w)): float(u) for y, w, u in zip(window["iso_year"], window["iso_week"], window["units"])}


def naive_forecast(window: pd.DataFrame, origin: tuple[int, int], horizon: int) -> Forecast:
    """The origin week's figure, with a 95% interval from the window's past ``horizon``-week changes.

    The interval assumes a random walk without drift: an ``h``-week change is
    normal with mean 0 and an unknown variance, estimated from the ``m`` pairs
    of weeks ``(w, w + h)`` in the window that both have a figure, as
    ``s² = mean(change²)`` (``m`` degrees of freedom, the mean being known to be
    0).  The interval is ``y_origin ± t(0.975, m) · s`` (normal approximation
    with the t quantile for an estimated variance; overlapping changes for
    ``h > 1`` are treated as independent, which makes it somewhat optimistic).
    Pairs are counted on the calendar: a gap week makes no pair, nothing is
    interpolated.  With fewer than :data:`NAIVE_MIN_PAIRS` pairs the interval is
    left missing (NaN) and ``note`` says why.

    >>> window = select_window(weekly_sales_from({"2025-W16": 10, "2025-W17": 14, "2025-W18": 12}), "example")
    >>> naive_forecast(window, (2025, 18), 1).forecast  # changes +4 and -2: s = sqrt((16 + 4) / 2)
    12.0
    >>> round(naive_forecast(window, (2025, 18), 1).pi95_high - 12, 6) == round(4.302653 * 10 ** 0.5, 6)
    True
    >>> naive_forecast(window, (2025, 18), 2)  # one 2-week change only
    Forecast(forecast=12.0, pi95_low=nan, pi95_high=nan, note='naive: 1 past 2-week change in the window, an interval needs 2')
    """
    _check_origin(window, origin)
    units = _units_by_week(window)
    point = units[tuple(origin)]
    changes = np.array([units[after] - y for week, y in units.items()
                        if (after := weeks.add_weeks(week, horizon)) in units], dtype="float64")
    if len(changes) < NAIVE_MIN_PAIRS:
        note = (f"naive: {plural(len(changes), f'past {horizon}-week change')} in the window, "
                f"an interval needs {NAIVE_MIN_PAIRS}")
        return Forecast(point, note=note)
    half = _t_quantile(len(changes)) * math.sqrt(float(np.mean(changes ** 2)))
    return Forecast(point, point - half, point + half)


def window_mean_forecast(window: pd.DataFrame, origin: tuple[int, int], horizon: int) -> Forecast:
    """The mean of the window's figures (any horizon), with the 95% prediction interval of a normal sample.

    ``mean ± t(0.975, n - 1) · sd · sqrt(1 + 1/n)``, ``sd`` with ``n - 1`` degrees of freedom.

    >>> window = select_window(weekly_sales_from({"2025-W16": 10, "2025-W17": 14, "2025-W18": 12}), "example")
    >>> f = window_mean_forecast(window, (2025, 18), 3)
    >>> f.forecast, round(f.pi95_high - 12, 6) == round(4.302653 * 2 * (1 + 1 / 3) ** 0.5, 6)
    (12.0, True)
    """
    _check_origin(window, origin)
    units = window["units"].to_numpy(dtype="float64")
    n = len(units)
    mean = float(units.mean())
    half = _t_quantile(n - 1) * float(units.std(ddof=1)) * math.sqrt(1 + 1 / n)
    return Forecast(mean, mean - half, mean + half)


#: The methods :func:`backtest` runs by default, in this order.
METHODS: dict[str, Method] = {
    "trend": trend_forecast,
    "trend_log": trend_log_forecast,
    "naive": naive_forecast,
    "window_mean": window_mean_forecast,
}


def _series_rows(weekly_sales: pd.DataFrame, series: str) -> pd.DataFrame:
    return weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]


def _weeks_with_figures(weekly_sales: pd.DataFrame, series: str) -> list[tuple[int, int]]:
    rows = _series_rows(weekly_sales, series)
    return sorted({(int(y), int(w)) for y, w in zip(rows["iso_year"], rows["iso_week"])})


def origins(weekly_sales: pd.DataFrame, series: str, window_weeks: int = DEFAULT_WINDOW_WEEKS) -> list[tuple[int, int]]:
    """Every week of ``series`` with a figure whose trend window holds at least ``MIN_WEEKS`` figures.

    The window is :func:`select_window`'s, so a week whose window is split at a
    change of what the series counts (and keeps too few weeks) is no origin.

    >>> sales = weekly_sales_from({"2025-W10": 1, "2025-W11": 1, "2025-W13": 1, "2025-W20": 1, "2025-W21": 1})
    >>> [weeks.week_label(*w) for w in origins(sales, "example", window_weeks=4)]
    ['2025-W13']
    """
    have = _weeks_with_figures(weekly_sales, series)
    found = []
    for week in have:
        if vintage_problem(have, weeks.week_label(*week), window_weeks) is not None:
            continue
        try:
            select_window(weekly_sales, series, week, window_weeks)
        except ValueError:
            continue
        found.append(week)
    return found


def mase_scale(weekly_sales: pd.DataFrame, series: str, through: Any = None) -> float:
    """The MASE denominator of ``series`` at an origin: mean ``|y(w) - y(w - 1)|`` over the weeks up to ``through``.

    The in-sample MAE of the one-step naive forecast (Hyndman & Athanasopoulos,
    *FPP3*, 5.8: the scale of a forecast is taken from its training data only),
    over every week of the series up to and including ``through`` (a week label
    or ``(iso_year, iso_week)``; ``None``: every week).  Weeks after the origin
    never enter it, so a row's scale is what was known at its origin.  On gappy
    weekly data a pair counts only when its two weeks are consecutive ISO weeks
    that both have a figure and count the same thing (the same ``regime``, when
    the table has that column): a gap is skipped, never bridged or interpolated.
    NaN when no such pair exists up to ``through``.

    >>> sales = weekly_sales_from({"2025-W16": 10, "2025-W17": 14, "2025-W18": 12, "2025-W20": 100, "2025-W21": 91})
    >>> mase_scale(sales, "example", "2025-W18"), mase_scale(sales, "example", "2025-W20")  # (4 + 2) / 2; W18-W20 a gap
    (3.0, 3.0)
    >>> mase_scale(sales, "example")  # (4 + 2 + 9) / 3
    5.0
    """
    rows = _series_rows(weekly_sales, series)
    if through is not None:
        year, week = weeks.parse_week_label(through) if isinstance(through, str) else through
        last = _week_number(int(year), int(week))
    units, regime = {}, {}
    codes = rows["regime"].fillna("").astype(str) if "regime" in rows.columns else [""] * len(rows)
    for y, w, u, r in zip(rows["iso_year"], rows["iso_week"], rows["units"], codes):
        number_ = _week_number(int(y), int(w))
        if through is None or number_ <= last:
            units[number_], regime[number_] = float(u), r
    steps = [abs(y - units[week - 1]) for week, y in units.items()
             if week - 1 in units and regime[week - 1] == regime[week]]
    return float(np.mean(steps)) if steps else math.nan


def _origin_scales(table: pd.DataFrame, numbers: np.ndarray, origin_numbers: np.ndarray) -> np.ndarray:
    """:func:`mase_scale` at every origin of one series at once: running sums of the one-week steps.

    ``table`` is the series' rows with a figure sorted by week and ``numbers`` their week numbers
    (:func:`_series_table`); every origin is one of them.  Linear in the series' weeks.
    """
    if not len(origin_numbers):
        return np.zeros(0)
    units = table["units"].to_numpy(dtype="float64")
    regime = (pd.factorize(table["regime"].fillna("").astype(str))[0] if "regime" in table.columns
              else np.zeros(len(numbers), dtype="int64"))
    pair = np.zeros(len(numbers), dtype=bool)
    pair[1:] = (np.diff(numbers) == 1) & (regime[1:] == regime[:-1])
    step = np.zeros(len(numbers))
    step[1:] = np.abs(np.diff(units))
    total = np.cumsum(np.where(pair, step, 0.0))
    count = np.cumsum(pair)
    at = np.searchsorted(numbers, origin_numbers)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count[at] > 0, total[at] / np.maximum(count[at], 1), math.nan)


def interval_score(low: Any, high: Any, actual: Any, alpha: float = ALPHA) -> np.ndarray:
    """Gneiting & Raftery's interval score: ``(u - l) + 2/α (l - y) 1[y < l] + 2/α (y - u) 1[y > u]`` (lower is better).

    >>> interval_score([8, 8, 8], [12, 12, 12], [7, 10, 13]).tolist()  # width 4; misses of 1 cost 2/0.05 = 40
    [44.0, 4.0, 44.0]
    """
    low, high, actual = (np.asarray(v, dtype="float64") for v in (low, high, actual))
    below = np.where(actual < low, low - actual, 0.0)
    above = np.where(actual > high, actual - high, 0.0)
    return (high - low) + 2 / alpha * below + 2 / alpha * above


def _horizons(horizons: Iterable[int]) -> tuple[int, ...]:
    out = tuple(horizons)
    if not out or any(not isinstance(h, int) or isinstance(h, bool) or h < 1 for h in out):
        raise ValueError(f"horizons must be whole numbers of weeks >= 1, got {out!r}")
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in COLUMNS + EXTRA_COLUMNS}).pipe(_typed)


def _typed(rows: pd.DataFrame) -> pd.DataFrame:
    text = ["series", "origin_week", "target_week", "method", "fit_first_week", "note"]
    floats = ["forecast", "pi95_low", "pi95_high", "actual", "abs_error", "mase_scale"]
    return rows.astype({**{c: "string" for c in text}, **{c: "float64" for c in floats},
                        "horizon": "int64", "fit_n_weeks": "int64", "inside95": "boolean"})


def backtest(
    weekly_sales: pd.DataFrame,
    series: str | Iterable[str] | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    horizons: Iterable[int] = DEFAULT_HORIZONS,
    methods: Mapping[str, Method] | None = None,
) -> pd.DataFrame:
    """One row per series × origin × horizon × method: the forecast, its 95% interval and the actual.

    ``series`` is one name, several, or ``None`` for every series (sorted).
    Columns :data:`COLUMNS` then :data:`EXTRA_COLUMNS`.  ``target_week`` is
    ``origin + horizon`` ISO weeks (2020-W53 is followed by 2021-W01).
    ``actual`` comes from :func:`helpers.models.scorecard.score_forecasts`
    (missing when the week has no figure).  A method that cannot forecast from
    a window (the log model with a week of zero units) gives a NaN forecast
    and says why in ``note``.  ``methods`` defaults to :data:`METHODS`.

    The cost grows as series × weeks (× ``window_weeks``): see "every origin
    at once" below; :func:`backtest_per_origin` is the plain loop, kept as the
    reference the tests compare with.

    >>> sales = weekly_sales_from({"2020-W51": 30, "2020-W52": 20, "2020-W53": 10, "2021-W01": 0})
    >>> rows = backtest(sales, horizons=(1, 2), methods={"trend": trend_forecast})
    >>> rows[["origin_week", "target_week", "horizon", "forecast", "actual", "fit_first_week", "fit_n_weeks"]].round(6).values.tolist()
    [['2020-W53', '2021-W01', 1, 0.0, 0.0, '2020-W51', 3], ['2020-W53', '2021-W02', 2, -10.0, nan, '2020-W51', 3], ['2021-W01', '2021-W02', 1, -10.0, nan, '2020-W51', 4], ['2021-W01', '2021-W03', 2, -20.0, nan, '2020-W51', 4]]
    """
    methods = dict(METHODS if methods is None else methods)
    horizons = _horizons(horizons)
    names = _names(weekly_sales, series)
    if not _valid_window(window_weeks):
        return backtest_per_origin(weekly_sales, names, window_weeks, horizons, methods)
    by_series = {str(k): g for k, g in weekly_sales.groupby(weekly_sales["series"].astype(str), sort=False)}
    parts = []
    for name in names:
        rows = by_series.get(name)
        if rows is None:
            continue
        windows = origin_windows(rows, name, window_weeks)
        if windows is None:
            parts.append(_records_frame(_per_origin_records(rows, name, window_weeks, horizons, methods)))
        elif len(windows.n):
            parts.append(_series_frame(windows, _origin_scales(windows.rows, windows.numbers, windows.week),
                                       horizons, methods))
    return _finish([p for p in parts if len(p)], weekly_sales)


def backtest_per_origin(
    weekly_sales: pd.DataFrame,
    series: str | Iterable[str] | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    horizons: Iterable[int] = DEFAULT_HORIZONS,
    methods: Mapping[str, Method] | None = None,
) -> pd.DataFrame:
    """:func:`backtest` the plain way: :func:`select_window` and every method called at each origin, each horizon.

    Its cost grows as series × weeks² (each window is cut from the whole table); kept as the reference the
    tests hold the vectorized :func:`backtest` to.
    """
    methods = dict(METHODS if methods is None else methods)
    horizons = _horizons(horizons)
    records = []
    for name in _names(weekly_sales, series):
        records += _per_origin_records(weekly_sales, name, window_weeks, horizons, methods)
    return _finish([_records_frame(records)] if records else [], weekly_sales)


def _names(weekly_sales: pd.DataFrame, series: str | Iterable[str] | None) -> list[str]:
    if series is None:
        return sorted(set(weekly_sales["series"].astype(str)))
    return [series] if isinstance(series, str) else list(series)


def _per_origin_records(weekly_sales: pd.DataFrame, name: str, window_weeks: int, horizons: tuple[int, ...],
                        methods: Mapping[str, Method]) -> list[dict[str, Any]]:
    records = []
    for origin in origins(weekly_sales, name, window_weeks):
        window = select_window(weekly_sales, name, origin, window_weeks)
        scale = mase_scale(weekly_sales, name, origin)
        for horizon in horizons:
            target = weeks.week_label(*weeks.add_weeks(origin, horizon))
            for method, forecast in methods.items():
                try:
                    made = forecast(window, origin, horizon)
                except ValueError as exc:
                    made = Forecast(math.nan, note=f"{method}: {exc}")
                records.append({
                    "series": name, "origin_week": weeks.week_label(*origin), "target_week": target,
                    "horizon": horizon, "method": method, "forecast": made.forecast,
                    "pi95_low": made.pi95_low, "pi95_high": made.pi95_high,
                    "fit_first_week": str(window["week"].iloc[0]), "fit_n_weeks": len(window),
                    "mase_scale": scale, "note": made.note,
                })
    return records


_FRAME_COLUMNS = ("series", "origin_week", "target_week", "horizon", "method", "forecast", "pi95_low", "pi95_high",
                  "fit_first_week", "fit_n_weeks", "mase_scale", "note")


def _records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=list(_FRAME_COLUMNS))


def _finish(parts: list[pd.DataFrame], weekly_sales: pd.DataFrame) -> pd.DataFrame:
    if not parts:
        return _empty()
    rows = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    rows["actual"] = _actuals(rows, weekly_sales)
    has_interval = (rows["pi95_low"].notna() & rows["pi95_high"].notna()).to_numpy()
    inside = ((rows["actual"] >= rows["pi95_low"]) & (rows["actual"] <= rows["pi95_high"])).to_numpy()
    rows["abs_error"] = (rows["actual"] - rows["forecast"]).abs()
    rows["inside95"] = pd.array(inside, dtype="boolean")
    rows.loc[~(has_interval & rows["actual"].notna().to_numpy()), "inside95"] = pd.NA
    return _typed(rows[list(COLUMNS + EXTRA_COLUMNS)])


def _series_frame(w: "Windows", scale: np.ndarray, horizons: tuple[int, ...], methods: Mapping[str, Method]) -> pd.DataFrame:
    """The backtest rows of one series (origin, then horizon, then method), from its windows."""
    n_o, n_h, n_m = len(w.n), len(horizons), len(methods)
    forecast, low, high = (np.full((n_o, n_h, n_m), math.nan) for _ in range(3))
    note = _blank((n_o, n_h, n_m))
    for k, (method, function) in enumerate(methods.items()):
        batch = getattr(function, "batch", None)
        made = batch(w, horizons) if batch is not None else None
        if made is None:
            made = _per_origin_batch(function, w, horizons)
        forecast[:, :, k], low[:, :, k], high[:, :, k] = made.forecast, made.pi95_low, made.pi95_high
        failed = made.error != ""
        note[:, :, k] = np.where(failed, np.char.add(f"{method}: ", made.error.astype(str)).astype(object), made.note)
        forecast[:, :, k][failed] = math.nan
    width = w.units.shape[1]
    origin_labels = w.labels(np.full(n_o, width - 1))
    target_labels = _labels_of(w.week[:, None] + np.array(horizons, dtype="int64")[None, :])
    first_labels = w.labels(w.first)
    per_row = n_h * n_m
    return pd.DataFrame({
        "series": np.full(n_o * per_row, w.series, dtype=object),
        "origin_week": np.repeat(origin_labels, per_row),
        "target_week": np.repeat(target_labels.reshape(-1), n_m),
        "horizon": np.tile(np.repeat(np.array(horizons, dtype="int64"), n_m), n_o),
        "method": np.tile(np.array(list(methods), dtype=object), n_o * n_h),
        "forecast": forecast.reshape(-1), "pi95_low": low.reshape(-1), "pi95_high": high.reshape(-1),
        "fit_first_week": np.repeat(first_labels, per_row),
        "fit_n_weeks": np.repeat(w.n.astype("int64"), per_row),
        "mase_scale": np.repeat(np.asarray(scale, dtype="float64"), per_row),
        "note": note.reshape(-1),
    })


def _per_origin_batch(function: Method, w: "Windows", horizons: tuple[int, ...]) -> "BatchForecast":
    """A method without a ``batch`` twin, called at every origin on a window cut from the series' own rows."""
    shape = (len(w.n), len(horizons))
    forecast, low, high = (np.full(shape, math.nan) for _ in range(3))
    note, error = _blank(shape), _blank(shape)
    width = w.units.shape[1]
    for i, week in enumerate(w.week):
        lo = int(np.searchsorted(w.numbers, week - (width - 1)))
        hi = int(np.searchsorted(w.numbers, week, side="right"))
        origin = weeks.parse_week_label(_label_of(week))
        window = select_window(w.rows.iloc[lo:hi], w.series, origin, width)
        for j, horizon in enumerate(horizons):
            try:
                made = function(window, origin, horizon)
            except ValueError as exc:
                error[i, j] = str(exc)
                continue
            forecast[i, j], low[i, j], high[i, j], note[i, j] = made.forecast, made.pi95_low, made.pi95_high, made.note
    return BatchForecast(forecast, low, high, note, error)


def _actuals(rows: pd.DataFrame, weekly_sales: pd.DataFrame) -> np.ndarray:
    """Each row's target-week figure, through the project's one scorer (so a missing week stays missing)."""
    sales = weekly_sales
    if "week" not in sales.columns:
        sales = sales.assign(week=[weeks.week_label(int(y), int(w)) for y, w in zip(sales["iso_year"], sales["iso_week"])])
    asked = pd.DataFrame({"series": rows["series"], "week": rows["target_week"], "mean": rows["forecast"],
                          "pi95_low": rows["pi95_low"], "pi95_high": rows["pi95_high"]})
    scored = score_forecasts(asked, sales)
    if len(scored) != len(rows):
        raise ValueError("weekly_sales holds more than one figure for a target week")
    return scored["actual"].to_numpy(dtype="float64")


def diebold_mariano(d: Any, h: int) -> tuple[float, float]:
    """The Diebold-Mariano test of ``mean(d) = 0`` with Harvey, Leybourne & Newbold's small-sample correction.

    ``d`` is the loss differential, in time order; ``h`` the forecast horizon.
    As ``dm.test`` of R's forecast package computes it (Hyndman's
    implementation of Diebold & Mariano 1995 and Harvey, Leybourne & Newbold
    1997): ``gamma_k = (1/n) Σ_t (d_t - mean)(d_{t-k} - mean)`` for ``k = 0 .. h-1``,
    ``V = (gamma_0 + 2 Σ_{k>=1} gamma_k) / n``, ``DM = mean / sqrt(V)``, times
    ``sqrt((n + 1 - 2h + h(h-1)/n) / n)``, referred to Student's t with ``n - 1``
    degrees of freedom (two-sided).  Returns ``(statistic, p_value)``; both NaN
    when ``n <`` :data:`DM_MIN_FORECASTS` or ``V <= 0`` (where ``dm.test`` would
    stop, or retry with ``h = 1``, this says it cannot tell).

    >>> d = [-2.0, 1.0, -3.0, 0.0, -1.0]  # mean -1, gamma_0 = 10/5 = 2; h = 1: DM = -1 / sqrt(2/5), correction sqrt(4/5)
    >>> [round(v, 6) for v in diebold_mariano(d, 1)]
    [-1.414214, 0.2302]
    """
    n = len(np.asarray(d))
    mean, long_run = _dm_moments(d, h)
    factor = (n + 1 - 2 * h + h * (h - 1) / n) / n if n else math.nan
    if n < DM_MIN_FORECASTS or h < 1 or not long_run > 0 or not factor > 0:
        return math.nan, math.nan
    from scipy import stats

    statistic = float(mean / math.sqrt(long_run / n) * math.sqrt(factor))
    return statistic, float(2 * stats.t.cdf(-abs(statistic), n - 1))


def _dm_moments(d: Any, h: int) -> tuple[float, float]:
    """``(mean, gamma_0 + 2 Σ_{k=1}^{h-1} gamma_k)`` of ``d``: the mean and long-run variance :func:`diebold_mariano` uses."""
    d = np.asarray(d, dtype="float64")
    n = len(d)
    if not n:
        return math.nan, math.nan
    centred = d - d.mean()
    gamma = [float(centred[k:] @ centred[:n - k]) / n for k in range(min(max(h, 1), n))]
    return float(d.mean()), gamma[0] + 2 * sum(gamma[1:])


def forecasts_needed(d: Any, h: int, cap: int = 100_000) -> float:
    """The fewest forecasts at which :func:`diebold_mariano` would reject at 5% if more forecasts kept ``d``'s
    mean and long-run variance (per forecast, ``gamma_0 + 2 Σ gamma_k``): a rough "what would tell", not a power analysis.

    NaN when the test cannot be run on ``d`` (too few forecasts, no variance), the mean difference is zero,
    or more than ``cap`` forecasts would be needed.

    >>> d = [-2.0, 1.0, -3.0, 0.0, -1.0]  # mean -1, long-run variance 2 per forecast
    >>> forecasts_needed(d, 1)
    11.0
    """
    n = len(np.asarray(d))
    statistic, _ = diebold_mariano(d, h)
    mean, long_run = _dm_moments(d, h)
    if math.isnan(statistic) or mean == 0:
        return math.nan
    from scipy import stats

    def tells(m: int) -> bool:  # the statistic at m forecasts grows with m, the critical value falls
        factor = (m + 1 - 2 * h + h * (h - 1) / m) / m
        return factor > 0 and abs(mean) / math.sqrt(long_run / m) * math.sqrt(factor) >= stats.t.ppf(1 - DM_ALPHA / 2, m - 1)

    low, high = max(n, DM_MIN_FORECASTS), cap
    if not tells(high):
        return math.nan
    while low < high:  # the fewest m in [low, high] that tells
        middle = (low + high) // 2
        low, high = (low, middle) if tells(middle) else (middle + 1, high)
    return float(low)


def score_backtest(rows: pd.DataFrame, by: Iterable[str] = ("series", "method")) -> pd.DataFrame:
    """One row per ``by`` group (default series × method): :data:`SCORE_COLUMNS`.

    * ``n``: rows with both a forecast and an actual; ``mae`` is their mean ``abs_error``.
    * ``mase``: the mean *scaled* absolute error ``abs_error / mase_scale`` over the scored rows with a scale,
      each row scaled by the in-sample naive error up to its own origin (:func:`mase_scale`; Hyndman &
      Athanasopoulos, *FPP3* 5.8 and 5.10).  MASE 1 is that in-sample one-week naive error; it is no test.
    * ``n_intervals``: scored rows that also have a 95% interval; ``coverage95`` is the share of
      them whose actual lies inside it (bounds included) and ``interval_score95`` their mean
      :func:`interval_score` at ``alpha = 0.05``.
    * Against the naive forecast (:data:`NAIVE`; needs ``method`` in ``by``): the forecasts both the method
      and the naive one made for the same origin and target week, scored and scaled (``n_forecasts``; for
      the naive row its own), the distinct target weeks they cover (``n_target_weeks``), and
      :func:`diebold_mariano` on the loss differential ``|q_method| - |q_naive|`` of the **absolute scaled
      errors** (the terms of MASE, so the test asks whether the two MASEs differ; absolute rather than
      squared errors, so one bad week weighs less).  The forecasts of all horizons are pooled, ordered
      by origin then horizon, with autocovariances to lag ``h - 1`` for the longest horizon ``h``
      (``dm_horizon``): forecasts from neighbouring origins share target weeks and window weeks, and
      this treats them as ``h``-step forecasts do.  ``vs_naive``: ``better`` or ``worse`` when the
      two-sided p-value is below :data:`DM_ALPHA`, else ``cannot tell`` (also when the test cannot be run:
      fewer than :data:`DM_MIN_FORECASTS` forecasts or no variance); ``benchmark`` for the naive row (whose
      ``dm_horizon`` is 0 and p-value empty: it is not tested against itself).
      ``forecasts_needed`` (:func:`forecasts_needed`) and ``target_weeks_needed`` (that many at the
      current forecasts per target week) say roughly how much more evidence would tell, where it cannot.

    NaN where a group has nothing to score.  Groups keep the order they first appear in ``rows``.

    >>> rows = pd.DataFrame({"series": "s", "method": "m", "forecast": [10.0, 10.0, 10.0, 10.0],
    ...     "pi95_low": [8.0, 8.0, math.nan, 8.0], "pi95_high": [12.0, 12.0, math.nan, 12.0],
    ...     "actual": [7.0, 11.0, 12.0, math.nan], "mase_scale": [1.0, 1.0, 4.0, 4.0]})
    >>> score_backtest(rows).iloc[0][["n", "mae", "mase", "coverage95", "interval_score95", "n_intervals"]].to_dict()
    {'n': 3, 'mae': 2.0, 'mase': 1.5, 'coverage95': 0.5, 'interval_score95': 24.0, 'n_intervals': 2}
    """
    by = list(by)
    rows = rows.assign(abs_error=(rows["actual"] - rows["forecast"]).abs())
    if "mase_scale" not in rows.columns:
        rows = rows.assign(mase_scale=math.nan)
    scale = rows["mase_scale"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(scale > 0, rows["abs_error"].to_numpy(dtype="float64") / scale, math.nan)
    rows = rows.assign(scaled_error=scaled)
    groups = {key if isinstance(key, tuple) else (key,): group
              for key, group in rows.groupby(by, sort=False, dropna=False)}
    records = []
    for key, group in groups.items():
        errors = group[group["actual"].notna() & group["forecast"].notna()]
        boxed = errors[errors["pi95_low"].notna() & errors["pi95_high"].notna()]
        mae = float(errors["abs_error"].mean()) if len(errors) else math.nan
        with_scale = errors["scaled_error"].dropna()
        inside = (boxed["actual"] >= boxed["pi95_low"]) & (boxed["actual"] <= boxed["pi95_high"])
        records.append({
            **dict(zip(by, key)),
            "n": len(errors), "mae": mae, "mase": float(with_scale.mean()) if len(with_scale) else math.nan,
            "coverage95": float(inside.mean()) if len(boxed) else math.nan,
            "interval_score95": float(interval_score(boxed["pi95_low"], boxed["pi95_high"], boxed["actual"]).mean())
            if len(boxed) else math.nan,
            "n_intervals": len(boxed),
            **_against_naive(key, by, groups),
        })
    table = pd.DataFrame(records, columns=by + list(SCORE_COLUMNS))
    floats = ["mae", "mase", "coverage95", "interval_score95", "dm_statistic", "dm_p_value"]
    ints = ["n", "n_intervals", "n_forecasts", "n_target_weeks", "dm_horizon"]
    return table.astype({**{c: "float64" for c in floats}, **{c: "int64" for c in ints}, "vs_naive": "string",
                         "forecasts_needed": "Int64", "target_weeks_needed": "Int64"})


def _against_naive(key: tuple, by: list[str], groups: Mapping[tuple, pd.DataFrame]) -> dict[str, Any]:
    """The Diebold-Mariano columns of one group of :func:`score_backtest` (see there)."""
    out = {"n_forecasts": 0, "n_target_weeks": 0, "dm_horizon": 0, "dm_statistic": math.nan, "dm_p_value": math.nan,
           "vs_naive": pd.NA, "forecasts_needed": math.nan, "target_weeks_needed": math.nan}
    scored = lambda g: g[g["scaled_error"].notna()]  # noqa: E731
    if "method" not in by:
        return out
    where = by.index("method")
    own = scored(groups[key])
    if key[where] == NAIVE:
        return {**out, "n_forecasts": len(own), "n_target_weeks": own["target_week"].nunique(), "vs_naive": "benchmark"}
    naive = groups.get(key[:where] + (NAIVE,) + key[where + 1:])
    if naive is None:
        return out
    on = ["origin_week", "target_week", "horizon"]
    pairs = own[on + ["scaled_error"]].merge(scored(naive)[on + ["scaled_error"]], on=on, suffixes=("", "_naive"))
    pairs = pairs.sort_values(["origin_week", "horizon"], kind="mergesort")
    d = (pairs["scaled_error"] - pairs["scaled_error_naive"]).to_numpy(dtype="float64")
    h = int(pairs["horizon"].max()) if len(pairs) else 0
    statistic, p_value = diebold_mariano(d, h)
    n, weeks_ = len(pairs), int(pairs["target_week"].nunique())
    verdict = "cannot tell"
    if p_value < DM_ALPHA:
        verdict = "better" if statistic < 0 else "worse"
    needed = forecasts_needed(d, h) if verdict == "cannot tell" else math.nan
    return {**out, "n_forecasts": n, "n_target_weeks": weeks_, "dm_horizon": h, "dm_statistic": statistic,
            "dm_p_value": p_value, "vs_naive": verdict, "forecasts_needed": needed,
            "target_weeks_needed": math.ceil(needed * weeks_ / n) if not math.isnan(needed) else math.nan}


def shared_forecasts(rows: pd.DataFrame) -> pd.DataFrame:
    """Which series' backtests share forecasts: ``series, other_series, n_shared, n_forecasts, n_other_forecasts``.

    A *forecast* here is one scored origin × horizon of a series (a target week with a figure); two are
    **the same forecast** when they have the same origin, target and horizon, the same fit window (first week
    and number of weeks), the same actual and the same forecast from every method (to 1e-6): the same figures
    in, the same numbers out, so they are one piece of evidence, not two.  Where a series is the sum of
    another's models and once counted only one (Xiaomi's brand total before the YU7), their backtests share
    those weeks.  One row per ordered pair of series sharing at least one; ``n_forecasts`` counts the scored
    forecasts of ``series``, ``n_other_forecasts`` those of ``other_series``.

    >>> sales = pd.concat([weekly_sales_from({"2025-W16": 10, "2025-W17": 20, "2025-W18": 30, "2025-W19": 40}, "a"),
    ...                    weekly_sales_from({"2025-W16": 10, "2025-W17": 20, "2025-W18": 30, "2025-W19": 45}, "b")])
    >>> shared_forecasts(backtest(sales, horizons=(1,), methods={"naive": naive_forecast})).values.tolist()
    []
    >>> sales = pd.concat([sales, weekly_sales_from({"2025-W16": 10, "2025-W17": 20, "2025-W18": 30, "2025-W19": 40}, "c")])
    >>> shared_forecasts(backtest(sales, horizons=(1,), methods={"naive": naive_forecast})).values.tolist()
    [['a', 'c', 1, 1, 1], ['c', 'a', 1, 1, 1]]
    """
    columns = ["series", "other_series", "n_shared", "n_forecasts", "n_other_forecasts"]
    scored = rows[rows["actual"].notna()]
    if scored.empty:
        return pd.DataFrame({c: pd.Series(dtype="string" if "series" in c else "int64") for c in columns})
    occasion = ["series", "origin_week", "target_week", "horizon"]
    scored = scored.sort_values(occasion + ["method"], kind="mergesort")
    by_occasion = scored.groupby(occasion, sort=False, observed=True)
    signature = by_occasion[["fit_first_week", "fit_n_weeks", "actual"]].first()
    # every method's forecast to 1e-6 (+ 0.0: -0.0 is 0.0), and whether the method was run at all
    methods = scored.assign(point=scored["forecast"].astype(float).round(6) + 0.0, run=True).set_index(
        occasion + ["method"])[["point", "run"]].unstack("method")
    signature = signature.join(methods.set_axis([f"{a}:{m}" for a, m in methods.columns], axis=1)).reset_index()
    ran = [c for c in signature.columns if c.startswith("run:")]
    signature[ran] = signature[ran].notna()
    same = [c for c in signature.columns if c != "series"]
    signature["key"] = signature.groupby(same, sort=False, dropna=False).ngroup()
    counts = signature.groupby("series", sort=False).size()
    keys = signature[["series", "key"]]
    both = keys.merge(keys, on="key", suffixes=("", "_other"))
    both = both[both["series"] != both["series_other"]]
    table = (both.groupby(["series", "series_other"], sort=True).size().rename("n_shared").reset_index()
             .rename(columns={"series_other": "other_series"}))
    table["n_forecasts"] = table["series"].map(counts).astype("int64")
    table["n_other_forecasts"] = table["other_series"].map(counts).astype("int64")
    return table[columns].astype({"series": "string", "other_series": "string", "n_shared": "int64"})


def backtest_summary(scores: pd.DataFrame) -> dict[str, dict[str, dict[str, Any]]]:
    """``{series: {method: {...}}}``: :data:`SUMMARY_FIELDS` of :func:`score_backtest`, as plain, rounded JSON values
    (None for NaN or missing).

    >>> scores = pd.DataFrame({"series": ["s"], "method": ["naive"], "n": [3], "mae": [2 / 3], "mase": [float("nan")],
    ...                        "coverage95": [1.0], "interval_score95": [4.0], "n_forecasts": [3], "n_target_weeks": [2],
    ...                        "dm_statistic": [math.nan], "dm_p_value": [math.nan], "vs_naive": ["benchmark"],
    ...                        "forecasts_needed": [math.nan], "target_weeks_needed": [math.nan]})
    >>> backtest_summary(scores)["s"]["naive"]
    {'n': 3, 'mae': 0.667, 'mase': None, 'coverage95': 1.0, 'interval_score95': 4.0, 'n_forecasts': 3, 'n_target_weeks': 2, 'dm_statistic': None, 'dm_p_value': None, 'vs_naive': 'benchmark', 'forecasts_needed': None, 'target_weeks_needed': None}
    """
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for row in scores.to_dict("records"):
        values = {}
        for field in SUMMARY_FIELDS:
            value = row[field]
            if field in ("n", "n_forecasts", "n_target_weeks"):
                value = int(value)
            elif field == "vs_naive":
                value = None if pd.isna(value) else str(value)
            elif field in ("forecasts_needed", "target_weeks_needed"):
                value = None if pd.isna(value) else int(value)
            else:
                value = float(value)
            values[field] = value
        summary.setdefault(str(row["series"]), {})[str(row["method"])] = rounded(values)
    return summary


def overlap_summary(shared: pd.DataFrame) -> list[dict[str, Any]]:
    """:func:`shared_forecasts` as JSON: one dict per pair of series (each pair once, in name order).

    >>> overlap_summary(pd.DataFrame({"series": ["a", "b"], "other_series": ["b", "a"], "n_shared": [10, 10],
    ...                               "n_forecasts": [17, 10], "n_other_forecasts": [10, 17]}))
    [{'series': 'a', 'other_series': 'b', 'n_shared': 10, 'n_forecasts': 17, 'n_other_forecasts': 10}]
    """
    return [{"series": str(r.series), "other_series": str(r.other_series), "n_shared": int(r.n_shared),
             "n_forecasts": int(r.n_forecasts), "n_other_forecasts": int(r.n_other_forecasts)}
            for r in shared.itertuples(index=False) if str(r.series) < str(r.other_series)]


def best_method(scores: pd.DataFrame, series: str) -> tuple[str, str] | None:
    """``(method, metric)``: the method of ``series`` with the lowest MASE (``"mase"``), or the lowest MAE
    (``"mae"``) when MASE is undefined; ``None`` when nothing was scored.  Ties go to the first row.

    >>> scores = pd.DataFrame({"series": "s", "method": ["trend", "naive"], "n": [4, 4], "mae": [9.0, 6.0],
    ...                        "mase": [1.5, 1.0]})
    >>> best_method(scores, "s")
    ('naive', 'mase')
    """
    table = scores[(scores["series"].astype(str) == series) & (scores["n"] > 0) & scores["mae"].notna()]
    if table.empty:
        return None
    metric = "mase" if table["mase"].notna().all() else "mae"
    return str(table.sort_values(metric, kind="mergesort").iloc[0]["method"]), metric


# --------------------------------------------------------------------------- every origin at once
#
# The loop above, method by method and origin by origin, costs a pandas window and a statsmodels fit per
# origin × horizon × method, and select_window() scanned the whole table at every origin: series × weeks²
# (series² × weeks² counting the scan).  :func:`backtest` instead builds every origin's window of a series
# in one pass (:func:`origin_windows`, fixed-width arrays over the calendar weeks) and a method that
# carries a vectorized twin in its ``batch`` attribute (:func:`trend_forecast` and the other built-in
# methods, :func:`helpers.models.calendar_effects.backtest_method`) forecasts them all in a few numpy
# operations: the cost grows as series × weeks × window_weeks.  A method without one is called per origin
# on a window cut from the series' own rows (still linear: each window costs window_weeks rows).


def _valid_window(window_weeks: Any) -> bool:
    return isinstance(window_weeks, int) and not isinstance(window_weeks, bool) and window_weeks >= MIN_WEEKS


_NUMBERS: dict[tuple[int, int], int] = {}


def _week_number(iso_year: int, iso_week: int) -> int:
    """Weeks since 0001-W01 (the Monday of 0001-01-01): consecutive ISO weeks differ by 1."""
    number = _NUMBERS.get((iso_year, iso_week))
    if number is None:
        number = _NUMBERS[(iso_year, iso_week)] = (weeks.week_monday(iso_year, iso_week).toordinal() - 1) // 7
    return number


_LABELS: dict[int, str] = {}


def _label_of(number: int) -> str:
    label = _LABELS.get(number)
    if label is None:
        import datetime

        iso = datetime.date.fromordinal(7 * int(number) + 1).isocalendar()
        label = _LABELS[number] = weeks.week_label(iso[0], iso[1])
    return label


def _labels_of(numbers: np.ndarray) -> np.ndarray:
    """:func:`_label_of` of every week number in ``numbers`` (any shape), an object array."""
    unique, inverse = np.unique(numbers, return_inverse=True)
    return np.array([_label_of(int(k)) for k in unique], dtype=object)[inverse].reshape(np.shape(numbers))


class Windows(NamedTuple):
    """Every origin's window of one series, one row per origin, one column per calendar week of the window.

    Column ``window_weeks - 1`` is the origin week.  ``present`` marks the weeks
    :func:`select_window` keeps for that origin (a figure, of the origin's
    regime); elsewhere ``units`` is 0 and ``t`` meaningless.  ``t`` counts weeks
    from the window's first week with a figure, as :func:`select_window` does.
    """

    series: str
    week: np.ndarray      # (origins,) the origin's week number (:func:`_week_number`)
    units: np.ndarray     # (origins, window_weeks) float64
    present: np.ndarray   # (origins, window_weeks) bool
    t: np.ndarray         # (origins, window_weeks) float64
    n: np.ndarray         # (origins,) weeks with a figure in the window
    first: np.ndarray     # (origins,) column of the window's first week with a figure
    rows: pd.DataFrame    # the series' rows with a figure, in week order
    numbers: np.ndarray   # their week numbers

    @property
    def t_origin(self) -> np.ndarray:
        """``t`` of the origin week (the last column)."""
        return (self.units.shape[1] - 1 - self.first).astype("float64")

    def labels(self, column: np.ndarray) -> np.ndarray:
        """The week labels of ``column`` (one per origin), an object array."""
        return _labels_of(self.week - (self.units.shape[1] - 1) + np.asarray(column, dtype="int64"))

    def window_units(self, i: int) -> list[float]:
        """Origin ``i``'s window figures, oldest first (as ``window["units"].tolist()`` gives them)."""
        return self.units[i][self.present[i]].tolist()


class BatchForecast(NamedTuple):
    """A batch method's forecasts, arrays of shape (origins, horizons).

    ``note`` is the row's note; ``error`` a failure's message (the forecast is NaN), which :func:`backtest`
    prefixes with the method's name as it does a ``ValueError`` of a per-origin method.  Empty strings for none.
    """

    forecast: np.ndarray
    pi95_low: np.ndarray
    pi95_high: np.ndarray
    note: np.ndarray
    error: np.ndarray


def _blank(shape: tuple[int, ...]) -> np.ndarray:
    return np.full(shape, "", dtype=object)


def _series_table(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray] | None:
    """One series' rows with a figure, sorted by week, and their week numbers; ``None`` when a week is doubled."""
    rows = rows[rows["units"].notna()]
    numbers = np.array([_week_number(int(y), int(w)) for y, w in zip(rows["iso_year"], rows["iso_week"])],
                       dtype="int64")
    order = np.argsort(numbers, kind="stable")
    numbers = numbers[order]
    if len(numbers) > 1 and (np.diff(numbers) == 0).any():
        return None
    return rows.iloc[order], numbers


def origin_windows(rows: pd.DataFrame, series: str, window_weeks: int = DEFAULT_WINDOW_WEEKS) -> Windows | None:
    """The windows of every origin of ``series`` (:func:`origins`, in week order), from that series' rows.

    ``None`` when a week has more than one row, a ``week`` column is not the ISO labels, or ``window_weeks``
    is no whole number >= ``MIN_WEEKS`` (:func:`backtest` then takes the per-origin path, which treats them
    as :func:`select_window` does).

    >>> w = origin_windows(weekly_sales_from({"2025-W10": 1, "2025-W11": 2, "2025-W13": 4, "2025-W14": 8}), "example", 4)
    >>> w.labels(w.first).tolist(), w.n.tolist(), w.t[1][w.present[1]].tolist()
    (['2025-W10', '2025-W11'], [3, 3], [0.0, 2.0, 3.0])
    """
    if not _valid_window(window_weeks):
        return None
    split = _series_table(rows)
    if split is None:
        return None
    table, numbers = split
    if "week" in table.columns and not (table["week"].astype(str).to_numpy() == _labels_of(numbers)).all():
        return None  # a "week" column other than the ISO labels: select_window passes it through as it is
    width = window_weeks
    if not len(numbers):
        return Windows(series, numbers, np.zeros((0, width)), np.zeros((0, width), bool), np.zeros((0, width)),
                       numbers, numbers, table, numbers)
    regime = (pd.factorize(table["regime"].fillna("").astype(str))[0] if "regime" in table.columns
              else np.zeros(len(numbers), dtype="int64"))
    span = int(numbers[-1] - numbers[0]) + 1
    dense_units = np.zeros(span + width - 1)
    dense_regime = np.full(span + width - 1, -1, dtype="int64")
    position = numbers - numbers[0] + width - 1
    dense_units[position] = table["units"].to_numpy(dtype="float64")
    dense_regime[position] = regime
    start = position - (width - 1)
    units = np.lib.stride_tricks.sliding_window_view(dense_units, width)[start]
    present = np.lib.stride_tricks.sliding_window_view(dense_regime, width)[start] == regime[:, None]
    n = present.sum(axis=1)
    keep = n >= MIN_WEEKS
    units, present, n = np.where(present, units, 0.0)[keep], present[keep], n[keep]
    first = present.argmax(axis=1)
    t = np.arange(width, dtype="float64")[None, :] - first[:, None]
    return Windows(series, numbers[keep], units, present, t, n, first, table, numbers)


def _t_quantiles(df: np.ndarray) -> np.ndarray:
    from scipy import stats

    out = np.full(np.shape(df), math.nan)
    ok = np.asarray(df) > 0
    out[ok] = stats.t.ppf(1 - ALPHA / 2, np.asarray(df)[ok])
    return out


def _row_sum(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    return np.where(present, values, 0.0).sum(axis=1)


def ols_line_batch(t: np.ndarray, y: np.ndarray, present: np.ndarray, t_new: np.ndarray) -> dict[str, np.ndarray]:
    """Simple OLS of ``y`` on ``t`` over the ``present`` cells of each row, and its prediction at ``t_new``.

    ``t_new`` has shape (rows, k).  Returns ``slope``, ``intercept``, ``df``, ``s2`` (residual variance),
    ``stt`` (centred sum of squares of ``t``), ``mean`` and ``half`` (the 95% prediction interval's half
    width at ``t_new``, t with ``n - 2`` degrees of freedom), by the centred (two-pass) formulas.
    """
    n = present.sum(axis=1).astype("float64")
    t_bar = _row_sum(t, present) / n
    y_bar = _row_sum(y, present) / n
    dt = np.where(present, t - t_bar[:, None], 0.0)
    dy = np.where(present, y - y_bar[:, None], 0.0)
    stt = (dt * dt).sum(axis=1)
    slope = (dt * dy).sum(axis=1) / stt
    intercept = y_bar - slope * t_bar
    resid = np.where(present, y - (intercept[:, None] + slope[:, None] * t), 0.0)
    df = n - 2
    s2 = (resid * resid).sum(axis=1) / df
    mean = intercept[:, None] + slope[:, None] * t_new
    se = np.sqrt(s2[:, None] * (1 + 1 / n[:, None] + (t_new - t_bar[:, None]) ** 2 / stt[:, None]))
    half = _t_quantiles(df)[:, None] * se
    return {"slope": slope, "intercept": intercept, "df": df, "s2": s2, "stt": stt, "mean": mean, "half": half}


def _trend_batch(model: str) -> Callable[[Windows, tuple[int, ...]], BatchForecast]:
    def batch(w: Windows, horizons: tuple[int, ...]) -> BatchForecast:
        shape = (len(w.n), len(horizons))
        error = _blank(shape)
        present = w.present
        y = w.units
        if model == "log":
            bad = (present & ~(w.units > 0)).any(axis=1)
            for i in np.flatnonzero(bad):
                error[i, :] = (f"series {w.series!r}: the log model needs units > 0 in every week, "
                               f"got {w.window_units(i)}")
            y = np.log(np.where(present & (w.units > 0), w.units, 1.0))
            present = present & ~bad[:, None]
        t_new = w.t_origin[:, None] + np.asarray(horizons, dtype="float64")[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            fit = ols_line_batch(w.t, y, present, t_new)
        mean, low, high = fit["mean"], fit["mean"] - fit["half"], fit["mean"] + fit["half"]
        if model == "log":
            mean, low, high = np.exp(mean), np.exp(low), np.exp(high)
        failed = error != ""
        for a in (mean, low, high):
            a[failed] = math.nan
        return BatchForecast(mean, low, high, _blank(shape), error)

    return batch


def _naive_batch(w: Windows, horizons: tuple[int, ...]) -> BatchForecast:
    shape = (len(w.n), len(horizons))
    width = w.units.shape[1]
    point = w.units[:, width - 1]
    low, high, note = np.full(shape, math.nan), np.full(shape, math.nan), _blank(shape)
    for j, h in enumerate(horizons):
        if h < width:
            pairs = w.present[:, h:] & w.present[:, :-h]
            change = np.where(pairs, w.units[:, h:] - w.units[:, :-h], 0.0)
            m = pairs.sum(axis=1)
        else:
            change, m = np.zeros((len(point), 1)), np.zeros(len(point), dtype="int64")
        enough = m >= NAIVE_MIN_PAIRS
        with np.errstate(invalid="ignore", divide="ignore"):
            half = _t_quantiles(np.where(enough, m, 0)) * np.sqrt((change * change).sum(axis=1) / m)
        low[enough, j], high[enough, j] = (point - half)[enough], (point + half)[enough]
        for i in np.flatnonzero(~enough):
            note[i, j] = (f"naive: {plural(int(m[i]), f'past {h}-week change')} in the window, "
                          f"an interval needs {NAIVE_MIN_PAIRS}")
    return BatchForecast(np.repeat(point[:, None], len(horizons), axis=1), low, high, note, _blank(shape))


def _window_mean_batch(w: Windows, horizons: tuple[int, ...]) -> BatchForecast:
    shape = (len(w.n), len(horizons))
    n = w.n.astype("float64")
    mean = _row_sum(w.units, w.present) / n
    deviation = np.where(w.present, w.units - mean[:, None], 0.0)
    sd = np.sqrt((deviation * deviation).sum(axis=1) / (n - 1))
    half = _t_quantiles(n - 1) * sd * np.sqrt(1 + 1 / n)
    spread = lambda v: np.repeat(v[:, None], len(horizons), axis=1)  # noqa: E731
    return BatchForecast(spread(mean), spread(mean - half), spread(mean + half), _blank(shape), _blank(shape))


trend_forecast.batch = _trend_batch("linear")  # type: ignore[attr-defined]
trend_log_forecast.batch = _trend_batch("log")  # type: ignore[attr-defined]
naive_forecast.batch = _naive_batch  # type: ignore[attr-defined]
window_mean_forecast.batch = _window_mean_batch  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- outputs (notebook 09)


def write_backtest_outputs(tables: Mapping[str, Any], folder: Any = None) -> list[str]:
    """Write notebook 09's outputs atomically; return their paths relative to the project root.

    ``tables``: ``backtest`` (:func:`backtest` rows), ``backtest_scores``
    (:func:`score_backtest`), ``window_sensitivity``
    (:func:`helpers.models.window_sensitivity.sensitivity_table`), written as
    CSV through :func:`helpers.formatting.round_frame`, and ``summary`` (a dict:
    ``backtest`` is :func:`backtest_summary`, ``backtest_overlap`` :func:`overlap_summary`).  ``folder`` defaults to
    ``data/processed/backtest``.
    """
    from pathlib import Path

    from helpers import catalog
    from helpers.atomic import write_csv_atomic, write_json_atomic
    from helpers.formatting import round_frame
    from helpers.paths import relative_to_root

    out = Path(folder) if folder is not None else catalog.step_folder("09_backtest")
    written = []
    for name in ("backtest", "backtest_scores", "window_sensitivity"):
        write_csv_atomic(out / f"{name}.csv", round_frame(tables[name]))
        written.append(out / f"{name}.csv")
    write_json_atomic(out / "summary.json", tables["summary"])
    written.append(out / "summary.json")
    return [relative_to_root(p) for p in written]

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
from helpers.formatting import number, plural, rounded
from helpers.models.scorecard import score_forecasts
from helpers.models.trend import (
    DEFAULT_WINDOW_WEEKS,
    SMALL_SAMPLE_WEEKS,
    fit_weekly_trend,
    forecast_weekly_trend,
    select_window,
    vintage_problem,
    weekly_sales_from,  # noqa: F401  (the doctests build their examples with it)
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
    "score_backtest",
    "backtest_summary",
    "describe_backtest",
]

#: The backtest table's first columns, in this order.
COLUMNS = ("series", "origin_week", "target_week", "horizon", "method", "forecast", "pi95_low", "pi95_high",
           "actual", "fit_first_week", "fit_n_weeks")
#: Appended after :data:`COLUMNS`: ``abs_error`` (``|actual - forecast|``), ``inside95`` (the actual within the
#: 95% interval, bounds included, as :mod:`helpers.models.scorecard` counts it; missing without an actual or an
#: interval), ``mase_scale`` (see :func:`mase_scale`) and ``note`` (why a forecast or interval is missing).
EXTRA_COLUMNS = ("abs_error", "inside95", "mase_scale", "note")
#: The columns of :func:`score_backtest` after the grouping columns.
SCORE_COLUMNS = ("n", "mae", "mase", "coverage95", "interval_score95", "n_intervals")
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


def mase_scale(weekly_sales: pd.DataFrame, series: str) -> float:
    """The MASE denominator of ``series``: mean ``|y(w) - y(w - 1)|`` over consecutive ISO weeks that both have a figure.

    The in-sample MAE of the naive one-step forecast (Hyndman & Athanasopoulos,
    *FPP3*, section 5.8) on gappy weekly data: a pair whose weeks are not
    consecutive on the calendar is skipped, never bridged.  It is taken over the
    **whole series** (every figure in ``weekly_sales``), not over the weeks known
    at each origin: one fixed unit per series, so MASE ranks methods exactly as
    MAE does within a series, and early origins (two or three pairs) do not
    make the scale noisy.  NaN when no two consecutive weeks have figures.

    >>> mase_scale(weekly_sales_from({"2025-W16": 10, "2025-W17": 14, "2025-W18": 12, "2025-W20": 100}), "example")
    3.0
    """
    units = _units_by_week(_series_rows(weekly_sales, series))
    steps = [abs(y - units[before]) for week, y in units.items() if (before := weeks.add_weeks(week, -1)) in units]
    return float(np.mean(steps)) if steps else math.nan


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

    >>> sales = weekly_sales_from({"2020-W51": 30, "2020-W52": 20, "2020-W53": 10, "2021-W01": 0})
    >>> rows = backtest(sales, horizons=(1, 2), methods={"trend": trend_forecast})
    >>> rows[["origin_week", "target_week", "horizon", "forecast", "actual", "fit_first_week", "fit_n_weeks"]].round(6).values.tolist()
    [['2020-W53', '2021-W01', 1, 0.0, 0.0, '2020-W51', 3], ['2020-W53', '2021-W02', 2, -10.0, nan, '2020-W51', 3], ['2021-W01', '2021-W02', 1, -10.0, nan, '2020-W51', 4], ['2021-W01', '2021-W03', 2, -20.0, nan, '2020-W51', 4]]
    """
    methods = dict(METHODS if methods is None else methods)
    horizons = _horizons(horizons)
    if series is None:
        names = sorted(set(weekly_sales["series"].astype(str)))
    else:
        names = [series] if isinstance(series, str) else list(series)
    records = []
    for name in names:
        scale = mase_scale(weekly_sales, name)
        for origin in origins(weekly_sales, name, window_weeks):
            window = select_window(weekly_sales, name, origin, window_weeks)
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
    if not records:
        return _empty()
    rows = pd.DataFrame(records)
    rows["actual"] = _actuals(rows, weekly_sales)
    has_interval = rows["pi95_low"].notna() & rows["pi95_high"].notna()
    inside = (rows["actual"] >= rows["pi95_low"]) & (rows["actual"] <= rows["pi95_high"])
    rows["abs_error"] = (rows["actual"] - rows["forecast"]).abs()
    rows["inside95"] = pd.array([ok if has and not math.isnan(y) else pd.NA
                                 for ok, has, y in zip(inside, has_interval, rows["actual"])], dtype="boolean")
    return _typed(rows[list(COLUMNS + EXTRA_COLUMNS)])


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


def score_backtest(rows: pd.DataFrame, by: Iterable[str] = ("series", "method")) -> pd.DataFrame:
    """One row per ``by`` group (default series × method): ``n, mae, mase, coverage95, interval_score95, n_intervals``.

    * ``n``: rows with both a forecast and an actual; ``mae`` is their mean ``abs_error``.
    * ``mase``: ``mae / mase_scale`` (:func:`mase_scale`: one scale per series, so pass ``by`` with ``series``).
    * ``n_intervals``: scored rows that also have a 95% interval; ``coverage95`` is the share of
      them whose actual lies inside it (bounds included) and ``interval_score95`` their mean
      :func:`interval_score` at ``alpha = 0.05``.

    NaN where a group has nothing to score.  Groups keep the order they first appear in ``rows``.

    >>> rows = pd.DataFrame({"series": "s", "method": "m", "forecast": [10.0, 10.0, 10.0, 10.0],
    ...     "pi95_low": [8.0, 8.0, math.nan, 8.0], "pi95_high": [12.0, 12.0, math.nan, 12.0],
    ...     "actual": [7.0, 11.0, 12.0, math.nan], "mase_scale": 2.0})
    >>> score_backtest(rows).iloc[0].to_dict()
    {'series': 's', 'method': 'm', 'n': 3, 'mae': 2.0, 'mase': 1.0, 'coverage95': 0.5, 'interval_score95': 24.0, 'n_intervals': 2}
    """
    by = list(by)
    rows = rows.assign(abs_error=(rows["actual"] - rows["forecast"]).abs())
    if "mase_scale" not in rows.columns:
        rows = rows.assign(mase_scale=math.nan)
    records = []
    for key, group in rows.groupby(by, sort=False, dropna=False):
        errors = group[group["actual"].notna() & group["forecast"].notna()]
        boxed = errors[errors["pi95_low"].notna() & errors["pi95_high"].notna()]
        mae = float(errors["abs_error"].mean()) if len(errors) else math.nan
        scales = group["mase_scale"].dropna().unique()
        mase = mae / float(scales[0]) if len(scales) == 1 and scales[0] > 0 else math.nan
        inside = (boxed["actual"] >= boxed["pi95_low"]) & (boxed["actual"] <= boxed["pi95_high"])
        records.append({
            **dict(zip(by, key)),
            "n": len(errors), "mae": mae, "mase": mase,
            "coverage95": float(inside.mean()) if len(boxed) else math.nan,
            "interval_score95": float(interval_score(boxed["pi95_low"], boxed["pi95_high"], boxed["actual"]).mean())
            if len(boxed) else math.nan,
            "n_intervals": len(boxed),
        })
    table = pd.DataFrame(records, columns=by + list(SCORE_COLUMNS))
    floats = ["mae", "mase", "coverage95", "interval_score95"]
    return table.astype({**{c: "float64" for c in floats}, "n": "int64", "n_intervals": "int64"})


def backtest_summary(scores: pd.DataFrame) -> dict[str, dict[str, dict[str, Any]]]:
    """``{series: {method: {n, mae, mase, coverage95, interval_score95}}}`` as plain, rounded JSON values (None for NaN).

    >>> scores = pd.DataFrame({"series": ["s"], "method": ["naive"], "n": [3], "mae": [2 / 3], "mase": [float("nan")],
    ...                        "coverage95": [1.0], "interval_score95": [4.0], "n_intervals": [3]})
    >>> backtest_summary(scores)
    {'s': {'naive': {'n': 3, 'mae': 0.667, 'mase': None, 'coverage95': 1.0, 'interval_score95': 4.0}}}
    """
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for row in scores.itertuples(index=False):
        summary.setdefault(str(row.series), {})[str(row.method)] = rounded({
            "n": int(row.n), "mae": float(row.mae), "mase": float(row.mase),
            "coverage95": float(row.coverage95), "interval_score95": float(row.interval_score95),
        })
    return summary


def describe_backtest(scores: pd.DataFrame, series: str) -> str:
    """One paragraph on ``series``: which method has the lowest MAE and the lowest MASE, over how many forecasts.

    Says "small sample" when fewer than ``SMALL_SAMPLE_WEEKS`` (8) forecasts were scored.

    >>> scores = pd.DataFrame({"series": "s", "method": ["trend", "naive"], "n": [5, 5], "mae": [900.0, 600.0],
    ...     "mase": [1.5, 1.0], "coverage95": [0.8, 1.0], "interval_score95": [9000.0, 5000.0], "n_intervals": [5, 4]})
    >>> print(describe_backtest(scores, "s"))
    **s, backtest.** Over 5 scored forecasts per method, naive has the lowest mean absolute error (600 units; trend 900) and the lowest MASE (1.00; trend 1.50). **Small sample:** 5 forecasts (fewer than 8), so the ranking can turn on a single week.
    """
    table = scores[(scores["series"].astype(str) == series) & scores["n"].gt(0)]
    if table.empty:
        return f"**{series}, backtest.** No forecast could be scored: no target week has a figure yet."
    by_mae = table.sort_values("mae", kind="mergesort")
    by_mase = table.dropna(subset=["mase"]).sort_values("mase", kind="mergesort")
    counts = sorted(set(int(n) for n in table["n"]))
    if len(counts) == 1:
        n_text = f"Over {plural(counts[0], 'scored forecast')} per method"
    else:
        n_text = "Over " + ", ".join(f"{plural(int(r.n), 'scored forecast')} ({r.method})" for r in table.itertuples())

    def others(ordered: pd.DataFrame, column: str, digits: int) -> str:
        rest = [f"{r.method} {number(getattr(r, column), digits)}" for r in ordered.iloc[1:].itertuples()]
        return f"; {', '.join(rest)}" if rest else ""

    best = by_mae.iloc[0]
    text = (f"**{series}, backtest.** {n_text}, {best['method']} has the lowest mean absolute error "
            f"({number(best['mae'])} units{others(by_mae, 'mae', 0)})")
    if by_mase.empty:
        text += "; MASE is undefined (no two consecutive weeks with figures to scale by)."
    else:
        top = by_mase.iloc[0]
        who = "and" if top["method"] == best["method"] else f"and {top['method']} has"
        text += f" {who} the lowest MASE ({number(top['mase'], 2)}{others(by_mase, 'mase', 2)})."
    fewest = min(counts)
    if fewest < SMALL_SAMPLE_WEEKS:
        text += (f" **Small sample:** {plural(fewest, 'forecast')} (fewer than {SMALL_SAMPLE_WEEKS}), "
                 "so the ranking can turn on a single week.")
    return text



# --------------------------------------------------------------------------- outputs (notebook 09)


def write_backtest_outputs(tables: Mapping[str, Any], folder: Any = None) -> list[str]:
    """Write notebook 09's outputs atomically; return their paths relative to the project root.

    ``tables``: ``backtest`` (:func:`backtest` rows), ``backtest_scores``
    (:func:`score_backtest`), ``window_sensitivity``
    (:func:`helpers.models.window_sensitivity.sensitivity_table`), written as
    CSV through :func:`helpers.formatting.round_frame`, and ``summary`` (a dict:
    ``backtest`` is :func:`backtest_summary`).  ``folder`` defaults to
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

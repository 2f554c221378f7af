"""How much the trend's slope depends on the window it is fitted to.

Two variants, one table (:data:`COLUMNS`):

* ``window_length``: the same end week, every window length from the shortest
  that holds ``MIN_WEEKS`` figures up to the series' whole history
  (:func:`window_sensitivity`).  Lengths that add only weeks without figures
  give the same fit as a shorter one; they keep their row (one row per length)
  and :func:`helpers.narrative.backtest.sensitivity_sentences` counts the distinct windows.
* ``leave_one_out``: the default window (``DEFAULT_WINDOW_WEEKS``) refitted with
  each of its weeks left out in turn (:func:`leave_one_out`).

Every fit is :func:`helpers.models.trend.fit_weekly_trend` on
:func:`helpers.models.trend.select_window`: the same line, ``t`` in calendar
weeks (gaps stay gaps), 95% intervals with ``n - 2`` degrees of freedom.

>>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200})
>>> table = sensitivity_table(sales)
>>> table[["variant", "window_weeks", "left_out_week", "n_weeks", "slope"]].round(3).values.tolist()
[['window_length', 3, '', 3, -900.0], ['window_length', 4, '', 4, -730.0], ['leave_one_out', 12, '2025-W16', 3, -900.0], ['leave_one_out', 12, '2025-W17', 3, -678.571], ['leave_one_out', 12, '2025-W18', 3, -700.0], ['leave_one_out', 12, '2025-W19', 3, -750.0]]
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.models.backtest import _t_quantiles, ols_line_batch
from helpers.models.trend import (
    DEFAULT_WINDOW_WEEKS,
    MIN_WEEKS,
    MODELS,
    SMALL_SAMPLE_WEEKS,
    TrendFit,
    fit_weekly_trend,
    select_window,
)

__all__ = [
    "COLUMNS",
    "VARIANTS",
    "window_lengths",
    "window_sensitivity",
    "leave_one_out",
    "sensitivity_table",
    "distinct_windows",
    "sign_counts",
]

#: The two ways the window is varied, in the order :func:`sensitivity_table` stacks them.
VARIANTS = ("window_length", "leave_one_out")
#: Columns of every table here, in order.  ``left_out_week`` is ``""`` for the ``window_length`` rows;
#: ``window_weeks`` is the window's length in calendar weeks (for ``leave_one_out``, the window the week was left
#: out of); ``first_week``..``last_week`` and ``n_weeks`` are the weeks with figures the fit saw.
COLUMNS = ("series", "model", "variant", "window_weeks", "left_out_week", "first_week", "last_week", "n_weeks",
           "slope", "slope_ci95_low", "slope_ci95_high", "includes_zero", "small_sample")


def _row(fit: TrendFit, variant: str, window_weeks: int, left_out_week: str = "") -> dict[str, Any]:
    low, high = fit.slope_ci95
    return {
        "series": fit.series, "model": fit.model, "variant": variant, "window_weeks": window_weeks,
        "left_out_week": left_out_week, "first_week": fit.first_week, "last_week": fit.last_week,
        "n_weeks": fit.n_weeks, "slope": fit.slope, "slope_ci95_low": low, "slope_ci95_high": high,
        "includes_zero": low <= 0 <= high, "small_sample": fit.small_sample,
    }


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return _table_frame(pd.DataFrame(rows, columns=list(COLUMNS)))


def _table_frame(table: pd.DataFrame) -> pd.DataFrame:
    text = ["series", "model", "variant", "left_out_week", "first_week", "last_week"]
    return table.astype({**{c: "string" for c in text}, "window_weeks": "int64", "n_weeks": "int64",
                         "slope": "float64", "slope_ci95_low": "float64", "slope_ci95_high": "float64",
                         "includes_zero": "bool", "small_sample": "bool"})


def window_lengths(weekly_sales: pd.DataFrame, series: str, through_week: str | tuple[int, int] | None = None) -> range:
    """Window lengths (in weeks) from the shortest holding ``MIN_WEEKS`` figures to the whole history, ending where
    :func:`select_window` ends (the newest week with a figure at or before ``through_week``).

    Empty when the series has fewer than ``MIN_WEEKS`` figures by then.  The
    history is the newest regime's (rows with a ``regime``: a window never
    spans a change of what the series counts, see :func:`select_window`).

    >>> sales = weekly_sales_from({"2025-W10": 1, "2025-W12": 2, "2025-W15": 3, "2025-W16": 4, "2025-W20": 5})
    >>> list(window_lengths(sales, "example")), list(window_lengths(sales, "example", "2025-W19"))
    ([6, 7, 8, 9, 10, 11], [5, 6, 7])
    """
    rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]
    regime = (rows["regime"].fillna("").astype(str) if "regime" in rows.columns
              else pd.Series("", index=rows.index, dtype="string"))
    by_week = sorted({(int(y), int(w)): r for y, w, r in zip(rows["iso_year"], rows["iso_week"], regime)}.items())
    if through_week is not None:
        through = weeks.parse_week_label(through_week) if isinstance(through_week, str) else tuple(through_week)
        by_week = [(w, r) for w, r in by_week if w <= through]
    have = [w for w, r in by_week if by_week and r == by_week[-1][1]]
    if len(have) < MIN_WEEKS:
        return range(0)
    end = have[-1]
    shortest = weeks.weeks_between(have[-MIN_WEEKS], end) + 1
    longest = weeks.weeks_between(have[0], end) + 1
    return range(shortest, longest + 1)


def window_sensitivity(
    weekly_sales: pd.DataFrame,
    series: str,
    through_week: str | tuple[int, int] | None = None,
    lengths: Iterable[int] | None = None,
    model: str = "linear",
) -> pd.DataFrame:
    """The slope, its 95% interval and n for each window length (variant ``window_length``), one row per length.

    ``lengths`` defaults to :func:`window_lengths`; a length given explicitly
    whose window holds fewer than ``MIN_WEEKS`` figures raises, as
    :func:`select_window` does.

    >>> sales = weekly_sales_from({"2025-W10": 10, "2025-W11": 20, "2025-W12": 30, "2025-W14": 30})
    >>> window_sensitivity(sales, "example")[["window_weeks", "first_week", "n_weeks", "slope"]].round(3).values.tolist()
    [[4, '2025-W11', 3, 2.857], [5, '2025-W10', 4, 4.857]]
    """
    if lengths is None and model in MODELS:
        fast = _window_length_fits(weekly_sales, series, through_week, model)
        if fast is not None:
            return fast
    lengths = window_lengths(weekly_sales, series, through_week) if lengths is None else lengths
    rows = [_row(fit_weekly_trend(select_window(weekly_sales, series, through_week, length), model), "window_length",
                 length) for length in lengths]
    return _table(rows)


def _newest_regime_rows(weekly_sales: pd.DataFrame, series: str,
                        through_week: str | tuple[int, int] | None) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """The labels, week numbers and units of the newest regime's weeks of ``series`` up to ``through_week``,
    oldest first, as :func:`window_lengths` takes them; ``None`` when a week has two rows."""
    from helpers.models.backtest import _week_number

    rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]
    regime = (rows["regime"].fillna("").astype(str).tolist() if "regime" in rows.columns else [""] * len(rows))
    pairs = [(int(y), int(w)) for y, w in zip(rows["iso_year"], rows["iso_week"])]
    if len(set(pairs)) != len(pairs):
        return None
    order = sorted(range(len(pairs)), key=pairs.__getitem__)
    if through_week is not None:
        through = weeks.parse_week_label(through_week) if isinstance(through_week, str) else tuple(through_week)
        order = [i for i in order if pairs[i] <= through]
    if order:
        order = [i for i in order if regime[i] == regime[order[-1]]]
    units = rows["units"].to_numpy(dtype="float64")[order]
    return ([weeks.week_label(*pairs[i]) for i in order], np.array([_week_number(*pairs[i]) for i in order], dtype="int64"),
            units)


def _window_length_fits(weekly_sales: pd.DataFrame, series: str, through_week: str | tuple[int, int] | None,
                        model: str) -> pd.DataFrame | None:
    """:func:`window_sensitivity` for every length at once, its cost linear in the series' weeks.

    The windows ending at the newest week are nested: each longer one adds older weeks.  Adding the weeks
    newest first, the centred sums (means and co-moments of ``t`` and ``y``, Welford's updates) give each
    window's slope and interval in O(1); a window whose line fits almost exactly (residual sum of squares
    below 1e-6 of ``S_yy``, where that difference loses digits) is refitted directly.  ``None`` (the
    per-length path, which raises what it raises) for a doubled week or a log model with a week <= 0.
    """
    found = _newest_regime_rows(weekly_sales, series, through_week)
    if found is None:
        return None
    labels, numbers, units = found
    if len(labels) < MIN_WEEKS:
        return _table([])
    if model == "log" and not (units > 0).all():
        return None
    y_all = np.log(units) if model == "log" else units
    end = int(numbers[-1])
    t_back = (numbers - end).astype("float64")  # t up to a shift (slopes and intervals do not depend on it)
    count = len(labels)
    mean_t = mean_y = c_tt = c_ty = c_yy = 0.0
    stats_by_size = np.zeros((count + 1, 3))
    for k in range(1, count + 1):  # add the k-th newest week
        t, y = t_back[count - k], y_all[count - k]
        d_t, d_y = t - mean_t, y - mean_y
        mean_t += d_t / k
        mean_y += d_y / k
        c_tt += d_t * (t - mean_t)
        c_ty += d_t * (y - mean_y)
        c_yy += d_y * (y - mean_y)
        stats_by_size[k] = (c_tt, c_ty, c_yy)
    lengths = np.arange(end - int(numbers[-MIN_WEEKS]) + 1, end - int(numbers[0]) + 2)
    # weeks with a figure in the window of each length: those with number >= end - length + 1
    sizes = count - np.searchsorted(numbers, end - lengths + 1)
    c_tt, c_ty, c_yy = stats_by_size[sizes].T
    slope = c_ty / c_tt
    ssr = np.maximum(c_yy - c_ty * slope, 0.0)
    for i in np.flatnonzero(ssr <= 1e-6 * c_yy):
        t, y = t_back[count - sizes[i]:], y_all[count - sizes[i]:]
        resid = y - y.mean() - slope[i] * (t - t.mean())
        ssr[i] = float(resid @ resid)
    half = _t_quantiles(sizes - 2.0) * np.sqrt(ssr / (sizes - 2) / c_tt)
    low, high = slope - half, slope + half
    first = [labels[count - k] for k in sizes]
    return _table_of({
        "series": series, "model": model, "variant": "window_length", "window_weeks": lengths, "left_out_week": "",
        "first_week": first, "last_week": labels[-1], "n_weeks": sizes, "slope": slope, "slope_ci95_low": low,
        "slope_ci95_high": high, "includes_zero": (low <= 0) & (0 <= high), "small_sample": sizes < SMALL_SAMPLE_WEEKS,
    }, len(lengths))


def _table_of(columns: dict[str, Any], n: int) -> pd.DataFrame:
    return _table_frame(pd.DataFrame({c: (v if np.ndim(v) else [v] * n) for c, v in columns.items()},
                                     columns=list(COLUMNS)))


def leave_one_out(
    weekly_sales: pd.DataFrame,
    series: str,
    through_week: str | tuple[int, int] | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    model: str = "linear",
) -> pd.DataFrame:
    """The ``window_weeks`` window refitted with each of its weeks left out in turn (variant ``leave_one_out``).

    A left-out week is dropped, not replaced: the remaining weeks keep their
    calendar spacing.  Needs ``MIN_WEEKS + 1`` weeks in the window; with fewer
    there is nothing to leave out and the table is empty.

    >>> sales = weekly_sales_from({"2025-W10": 10, "2025-W11": 20, "2025-W12": 30, "2025-W13": 100})
    >>> leave_one_out(sales, "example")[["left_out_week", "first_week", "last_week", "slope"]].round(3).values.tolist()
    [['2025-W10', '2025-W11', '2025-W13', 40.0], ['2025-W11', '2025-W10', '2025-W13', 27.143], ['2025-W12', '2025-W10', '2025-W13', 31.429], ['2025-W13', '2025-W10', '2025-W12', 10.0]]
    """
    window = select_window(weekly_sales, series, through_week, window_weeks)
    n = len(window)
    if n <= MIN_WEEKS:
        return _table([])
    if model == "log" and not (window["units"].to_numpy(dtype="float64") > 0).all():
        rows = []  # fit_weekly_trend raises what it raises
        for i, left_out in enumerate(window["week"].astype(str)):
            rest = window.drop(index=window.index[i])
            rest = rest.assign(t=rest["t"] - rest["t"].min())
            rows.append(_row(fit_weekly_trend(rest, model), "leave_one_out", window_weeks, left_out))
        return _table(rows)
    # every left-out week at once: row i of the (n, n) arrays is the window without its week i
    units = window["units"].to_numpy(dtype="float64")
    y = np.broadcast_to(np.log(units) if model == "log" else units, (n, n))
    t = np.broadcast_to(window["t"].to_numpy(dtype="float64"), (n, n))
    present = ~np.eye(n, dtype=bool)
    fit = ols_line_batch(t, y, present, np.zeros((n, 1)))
    half = _t_quantiles(fit["df"]) * np.sqrt(fit["s2"] / fit["stt"])
    slope = fit["slope"]
    low, high = slope - half, slope + half
    labels = window["week"].astype(str).tolist()
    return _table_of({
        "series": series, "model": model, "variant": "leave_one_out", "window_weeks": window_weeks,
        "left_out_week": labels, "first_week": [labels[1]] + [labels[0]] * (n - 1),
        "last_week": [labels[-1]] * (n - 1) + [labels[-2]], "n_weeks": n - 1, "slope": slope,
        "slope_ci95_low": low, "slope_ci95_high": high, "includes_zero": (low <= 0) & (0 <= high),
        "small_sample": n - 1 < SMALL_SAMPLE_WEEKS,
    }, n)


def sensitivity_table(
    weekly_sales: pd.DataFrame,
    series: str | Iterable[str] | None = None,
    through_week: str | tuple[int, int] | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    model: str = "linear",
) -> pd.DataFrame:
    """:func:`window_sensitivity` and :func:`leave_one_out` stacked, per series (``None``: every series, sorted)."""
    if series is None:
        names = sorted(set(weekly_sales["series"].astype(str)))
    else:
        names = [series] if isinstance(series, str) else list(series)
    by_series = {str(k): g for k, g in weekly_sales.groupby(weekly_sales["series"].astype(str), sort=False)}
    parts = []
    for name in names:
        rows = by_series.get(name, weekly_sales)  # an unknown name: the full table, for select_window's error
        parts.append(window_sensitivity(rows, name, through_week, model=model))
        parts.append(leave_one_out(rows, name, through_week, window_weeks, model))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else _table([])


def distinct_windows(part: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct set of weeks (the shortest length giving it), with ``longest``: the longest that does."""
    key = ["first_week", "last_week", "n_weeks"]
    longest = part.groupby(key, sort=False)["window_weeks"].max().rename("longest").reset_index()
    return part.drop_duplicates(key).merge(longest, on=key, how="left")


def sensitivity_summary(table: pd.DataFrame) -> dict[str, Any]:
    """``summary.json``'s ``window_sensitivity``: per series and variant, the slope range, n fits, intervals with zero.

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}, "xiaomi_su7")
    >>> sensitivity_summary(sensitivity_table(sales))["xiaomi_su7"]["window_length"]
    {'n_fits': 2, 'slope_min': -900.0, 'slope_max': -730.0, 'n_include_zero': 1, 'sign_depends_on_window': False}
    """
    from helpers.formatting import rounded

    out: dict[str, Any] = {}
    for (series, variant), part in table.groupby(["series", "variant"], sort=True):
        fits = distinct_windows(part) if variant == "window_length" else part
        out.setdefault(str(series), {})[str(variant)] = rounded({
            "n_fits": len(fits), "slope_min": float(fits["slope"].min()), "slope_max": float(fits["slope"].max()),
            "n_include_zero": int(fits["includes_zero"].sum()),
            "sign_depends_on_window": bool((fits["slope"] < 0).any() and (fits["slope"] > 0).any()),
        })
    return out


def sign_counts(table: pd.DataFrame, series: str) -> dict[str, dict[str, int]]:
    """Per variant of ``series``: fits (distinct windows for ``window_length``), negative, positive and
    intervals that include zero.

    >>> t = pd.DataFrame({"series": "s", "variant": ["window_length"] * 3 + ["leave_one_out"],
    ...     "first_week": ["a", "a", "b", "a"], "last_week": "z", "n_weeks": [3, 3, 4, 3],
    ...     "slope": [-1.0, -1.0, 2.0, 3.0], "includes_zero": [True, True, False, True]})
    >>> sign_counts(t, "s")["window_length"]
    {'n': 2, 'negative': 1, 'positive': 1, 'zero': 1}
    """
    out: dict[str, dict[str, int]] = {}
    part = table[table["series"].astype(str) == series]
    for variant in VARIANTS:
        fits = part[part["variant"].astype(str) == variant]
        if variant == "window_length":
            fits = fits.drop_duplicates(["first_week", "last_week", "n_weeks"])
        if fits.empty:
            continue
        slopes = fits["slope"].astype(float)
        out[variant] = {"n": len(fits), "negative": int((slopes < 0).sum()), "positive": int((slopes > 0).sum()),
                        "zero": int(fits["includes_zero"].astype(str).str.lower().eq("true").sum())}
    return out

"""Step 03: a straight-line trend through the recent weekly sales, and where it leads.

Each series gets a least-squares line (statsmodels OLS) of weekly units on the
week number ``t``; the ``"log"`` model fits log units instead, so its slope is a
constant percentage change a week.

**The window.** By default a trend is fitted to the last
``DEFAULT_WINDOW_WEEKS`` (12) ISO weeks ending at ``through_week``; without a
``through_week``, the window ends at the newest week of that series.  Rows after
``through_week`` are ignored, so passing an old week reproduces a past vintage.
The window counts calendar weeks, not rows: a week without a figure is a gap,
never filled or interpolated, and ``t`` (weeks since the first week present)
jumps over it, so the slope is always "per calendar week".  A fit needs at least
``MIN_WEEKS`` (3) weeks with figures, i.e. at least one residual degree of freedom.

**Intervals** are 95% and use the t distribution with ``n - 2`` degrees of
freedom.  With few weeks they are wide, and honestly so.

>>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200},
...                           series="xiaomi_su7")
>>> fit = fit_weekly_trend(select_window(sales, "xiaomi_su7"))
>>> round_float(fit.slope), [round_float(x, 1) for x in fit.slope_ci95], fit.small_sample
(-730.0, [-1343.0, -117.0], True)
>>> forecast_weekly_trend(fit, horizon=2)[["week", "mean"]].round(3).values.tolist()
[['2025-W20', 4450.0], ['2025-W21', 3720.0]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.formatting import plural, round_float, round_frame, week_span

__all__ = [
    "DEFAULT_WINDOW_WEEKS",
    "MIN_WEEKS",
    "SMALL_SAMPLE_WEEKS",
    "MODELS",
    "SUMMARY_SERIES",
    "TrendFit",
    "select_window",
    "vintage_problem",
    "fit_weekly_trend",
    "forecast_weekly_trend",
    "fit_trends",
    "fits_table",
    "trend_table",
    "residuals_table",
    "residual_checks",
    "forecasts_table",
    "trend_summary",
    "write_trend_outputs",
    "article_weeks_summary",
    "one_fit",
    "window_changes",
]

#: Default window: this many ISO weeks, ending at ``through_week`` (both included).
DEFAULT_WINDOW_WEEKS = 12
#: Fewest weeks with figures a line can be fitted to and still leave one
#: residual degree of freedom for an interval.
MIN_WEEKS = 3
#: Below this many weeks a fit is flagged ``small_sample``.  With n < 8 the t
#: critical value for a 95% interval exceeds 2.4 (df <= 5; 4.30 at n = 4),
#: residual normality cannot be tested (the omnibus and kurtosis tests need
#: n >= 8), and a single unusual week can swing the slope: read such a trend
#: as a description of those weeks, not as a law that will hold.
SMALL_SAMPLE_WEEKS = 8
#: The models :func:`fit_weekly_trend` knows: units on t, or log(units) on t.
MODELS = ("linear", "log")
#: The series whose linear trend goes into ``summary.json``.
SUMMARY_SERIES = "xiaomi_su7"
#: The weeks the article prints (its W16-W19 claim): ``summary.json`` also gets the linear slope over these
#: weeks alone (``article_weeks``), so the claim is answered on its own weeks, not on a wider window.
ARTICLE_WEEKS = ("2025-W16", "2025-W19")
#: Digits kept for floats in the CSV outputs (:func:`helpers.formatting.round_frame`).
CSV_DIGITS = 6

_CONFIDENCE = 0.95


def _as_week(week: Any, name: str) -> tuple[int, int]:
    if isinstance(week, str):
        return weeks.parse_week_label(week)
    if isinstance(week, tuple) and len(week) == 2:
        pair = (int(week[0]), int(week[1]))
        weeks.week_label(*pair)  # raises ValueError for a week that does not exist
        return pair
    raise TypeError(f"{name} must be a week label such as '2025-W19' or an (iso_year, iso_week) pair, got {week!r}")


def _labels(pairs: Iterable[tuple[int, int]]) -> str:
    return ", ".join(weeks.week_label(*p) for p in pairs) or "none"


def select_window(
    weekly_sales: pd.DataFrame,
    series: str,
    through_week: str | tuple[int, int] | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
) -> pd.DataFrame:
    """The rows of ``series`` in the ``window_weeks`` ISO weeks ending at ``through_week``, with ``t``.

    ``through_week`` is a label (``"2025-W19"``) or an ``(iso_year, iso_week)``
    pair: the data as known that week.  Rows after it are ignored, and the
    window ends at the series' newest week with a figure at or before it (by
    default the series' newest week), so a vintage in a week without a figure
    fits what was known then instead of an emptier window.
    Rows are sorted by week; ``t`` counts calendar weeks from the first week
    present, so a week without a figure leaves a gap in ``t``.  Rows with an
    empty ``units`` count as gaps too.

    A window never silently spans a change of what the series counts: when
    the rows carry a ``regime`` (``helpers.data.clean.regimes``: ``xiaomi_all``
    is the SU7 alone before the YU7's first deliveries) and the window holds
    more than one, it is split and only the weeks of the newest regime (the
    window's last week's) are kept; a ``window_note`` column says which weeks
    were left out, and the fit carries it in its ``note``.

    Raises ``ValueError`` for an unknown series, a week that appears twice, or
    fewer than ``MIN_WEEKS`` weeks in the window (naming them).

    >>> brand = weekly_sales_from({"2025-W23": 4370, "2025-W27": 4900, "2025-W28": 6680, "2025-W29": 7000}, "xiaomi_all")
    >>> brand["regime"] = ["SU7 only", "SU7 and YU7", "SU7 and YU7", "SU7 and YU7"]
    >>> split = select_window(brand, "xiaomi_all")
    >>> split["week"].tolist(), split["t"].tolist()
    (['2025-W27', '2025-W28', '2025-W29'], [0, 1, 2])
    >>> split["window_note"].iloc[0]
    "window split at a change of what xiaomi_all counts: 2025-W23 (SU7 only) left out, the fit uses only 'SU7 and YU7' weeks from 2025-W27"

    >>> sales = weekly_sales_from({"2025-W16": 7, "2025-W17": 6, "2025-W19": 4, "2025-W20": 9})
    >>> select_window(sales, "example", through_week="2025-W19")[["week", "units", "t"]].values.tolist()
    [['2025-W16', 7, 0], ['2025-W17', 6, 1], ['2025-W19', 4, 3]]
    >>> select_window(sales, "example", through_week="2025-W18")["week"].tolist()  # W18 has no figure: ends at W17
    Traceback (most recent call last):
    ...
    ValueError: series 'example': only 2 weeks with figures in the 12-week window 2025-W06..2025-W17 (2025-W16, 2025-W17); a trend needs at least 3
    >>> select_window(sales, "example", window_weeks=3)
    Traceback (most recent call last):
    ...
    ValueError: series 'example': only 2 weeks with figures in the 3-week window 2025-W18..2025-W20 (2025-W19, 2025-W20); a trend needs at least 3
    """
    if not isinstance(window_weeks, int) or isinstance(window_weeks, bool) or window_weeks < MIN_WEEKS:
        raise ValueError(f"window_weeks must be a whole number of at least {MIN_WEEKS}, got {window_weeks!r}")
    missing = [c for c in ("series", "iso_year", "iso_week", "units") if c not in weekly_sales.columns]
    if missing:
        raise ValueError(f"weekly_sales lacks the column(s) {', '.join(missing)}")
    known = sorted(set(weekly_sales["series"].astype(str)))
    if series not in known:
        raise ValueError(f"unknown series {series!r}: the weekly sales hold {', '.join(map(repr, known)) or 'no series'}")
    rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()].copy()
    pairs = [(int(y), int(w)) for y, w in zip(rows["iso_year"], rows["iso_week"])]
    if through_week is None:
        if not pairs:
            raise ValueError(f"series {series!r} has no week with a figure")
        end = max(pairs)
    else:
        through = _as_week(through_week, "through_week")
        end = max((p for p in pairs if p <= through), default=through)
    start = weeks.add_weeks(end, -(window_weeks - 1))
    inside = [start <= p <= end for p in pairs]
    rows = rows[inside]
    pairs = sorted(p for p, keep in zip(pairs, inside) if keep)
    doubled = sorted({p for p in pairs if pairs.count(p) > 1})
    if doubled:
        raise ValueError(f"series {series!r}: more than one row for {_labels(doubled)}; expected one row per week")
    span = f"the {window_weeks}-week window {weeks.week_label(*start)}..{weeks.week_label(*end)}"
    note = ""
    if "regime" in rows.columns and len(rows):
        by_week = sorted(zip(pairs_of(rows), rows["regime"].fillna("").astype(str)))
        newest = by_week[-1][1]
        left_out = [p for p, r in by_week if r != newest]
        if left_out:
            keep = [r == newest for r in rows["regime"].fillna("").astype(str)]
            rows = rows[keep]
            pairs = sorted(pairs_of(rows))
            first_of_regime = weeks.week_label(*pairs[0]) if pairs else weeks.week_label(*end)
            note = (f"window split at a change of what {series} counts: {_labels(left_out)} "
                    f"({by_week[0][1] or 'another regime'}) left out, the fit uses only '{newest}' weeks "
                    f"from {first_of_regime}")
            span += f", after leaving out {_labels(left_out)} (a different regime: {by_week[0][1]})"
    if len(pairs) < MIN_WEEKS:
        raise ValueError(
            f"series {series!r}: only {len(pairs)} week{'s' if len(pairs) != 1 else ''} with figures in {span} "
            f"({_labels(pairs)}); a trend needs at least {MIN_WEEKS}"
        )
    rows = rows.assign(iso_year=[int(y) for y in rows["iso_year"]], iso_week=[int(w) for w in rows["iso_week"]])
    rows = rows.sort_values(["iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)
    if "week" not in rows.columns:
        rows.insert(1, "week", [weeks.week_label(y, w) for y, w in zip(rows["iso_year"], rows["iso_week"])])
    first = (int(rows["iso_year"].iloc[0]), int(rows["iso_week"].iloc[0]))
    rows["t"] = np.array(
        [weeks.weeks_between(first, (y, w)) for y, w in zip(rows["iso_year"], rows["iso_week"])], dtype="int64"
    )
    if note:
        rows["window_note"] = pd.array([note] * len(rows), dtype="string")
    return rows


def pairs_of(rows: pd.DataFrame) -> list[tuple[int, int]]:
    """The rows' ``(iso_year, iso_week)`` pairs, in row order.

    >>> pairs_of(pd.DataFrame({"iso_year": [2025], "iso_week": [16]}))
    [(2025, 16)]
    """
    return [(int(y), int(w)) for y, w in zip(rows["iso_year"], rows["iso_week"])]


def vintage_problem(
    weeks_with_figures: Iterable[tuple[int, int]], through_week: str, window_weeks: int = DEFAULT_WINDOW_WEEKS
) -> str | None:
    """Why ``through_week`` cannot be a vintage of the trend, or ``None`` when it can.

    A vintage needs at least :data:`MIN_WEEKS` weeks with a figure in the
    window :func:`select_window` takes for it: ``window_weeks`` weeks ending at
    the newest week with a figure at or before ``through_week``.  The message
    names the first week that can be a vintage, if any.

    >>> have = [(2025, 14), (2025, 15), (2025, 16), (2025, 17)]
    >>> vintage_problem(have, "2025-W16", 4) is None, vintage_problem(have, "2025-W40", 4) is None
    (True, True)
    >>> print(vintage_problem(have, "2025-W15", 4))
    through_week 2025-W15: the 4-week window 2025-W12–W15 holds 2 weeks with a figure; a trend needs at least 3 (the first week that can be a vintage is 2025-W16)
    >>> print(vintage_problem(have, "2025-W10", 4))
    through_week 2025-W10: the 4-week window 2025-W07–W10 holds 0 weeks with a figure; a trend needs at least 3 (the first week that can be a vintage is 2025-W16)
    """
    through = weeks.parse_week_label(through_week)
    have = sorted(set(weeks_with_figures))

    def window_end(week: tuple[int, int]) -> tuple[int, int]:
        return max((p for p in have if p <= week), default=week)

    def count(last: tuple[int, int]) -> int:
        first = weeks.add_weeks(last, -(window_weeks - 1))
        return sum(first <= p <= last for p in have)

    end = window_end(through)
    n = count(end)
    if n >= MIN_WEEKS:
        return None
    possible = [p for p in have if count(p) >= MIN_WEEKS]
    hint = (f"the first week that can be a vintage is {weeks.week_label(*possible[0])}" if possible
            else "no week can be a vintage yet")
    start = weeks.add_weeks(end, -(window_weeks - 1))
    return (f"through_week {through_week}: the {window_weeks}-week window {week_span(weeks.week_label(*start), through_week)} "
            f"holds {plural(n, 'week')} with a figure; a trend needs at least {MIN_WEEKS} ({hint})")


@dataclass(frozen=True)
class TrendFit:
    """One OLS trend of one series over one window (numbers only; prints as plain values).

    ``slope`` is units per week (linear) or log-units per week (log); for the
    log model ``pct_change_per_week = 100 * (exp(slope) - 1)`` and its interval
    come from the slope's.  ``r_squared`` is ``None`` when the series does not
    vary (nothing to explain); ``durbin_watson`` is ``None`` when the line fits
    exactly (no residual to test).  ``small_sample`` is ``n_weeks <
    SMALL_SAMPLE_WEEKS``.  The statsmodels result is kept in ``result`` for
    forecasting but is left out of ``repr`` and ``==``.
    """

    series: str
    model: str
    first_week: str
    last_week: str
    n_weeks: int
    weeks: tuple[str, ...]
    missing_weeks: tuple[str, ...]
    slope: float
    slope_ci95: tuple[float, float]
    intercept: float
    r_squared: float | None
    residual_sd: float
    df_resid: int
    residuals: tuple[float, ...]
    durbin_watson: float | None
    pct_change_per_week: float | None
    pct_change_ci95: tuple[float, float] | None
    small_sample: bool
    t: tuple[int, ...] = field(repr=False)
    units: tuple[float, ...] = field(repr=False)
    fitted: tuple[float, ...] = field(repr=False)
    result: Any = field(default=None, repr=False, compare=False, hash=False)
    #: What the weekly figures count (the window's ``measure``, from series.csv), ``None`` when not declared.
    measure: str | None = None
    #: Why the window is not the plain calendar window (``select_window``'s ``window_note``), else empty.
    window_note: str = ""


def _negligible(sum_of_squares: float, y: np.ndarray) -> bool:
    """Whether a sum of squares is zero up to floating-point rounding, on the scale of ``y``."""
    scale = max(1.0, float(np.max(np.abs(y))))
    return sum_of_squares <= len(y) * (1e-10 * scale) ** 2


def fit_weekly_trend(window: pd.DataFrame, model: str = "linear") -> TrendFit:
    """OLS of ``units`` (``model="linear"``) or ``log(units)`` (``"log"``) on ``t``.

    ``window`` is what :func:`select_window` returns (one series, a ``t``
    column).  The slope's 95% interval uses the t distribution with
    ``n_weeks - 2`` degrees of freedom.  The log model needs every week > 0.

    >>> sales = weekly_sales_from({"2025-W16": 100, "2025-W17": 110, "2025-W18": 121})
    >>> fit = fit_weekly_trend(select_window(sales, "example"), model="log")
    >>> round_float(fit.pct_change_per_week), fit.n_weeks, fit.weeks
    (10.0, 3, ('2025-W16', '2025-W17', '2025-W18'))
    >>> fit_weekly_trend(select_window(sales, "example"), model="cubic")
    Traceback (most recent call last):
    ...
    ValueError: model must be one of 'linear', 'log', got 'cubic'
    """
    import statsmodels.api as sm
    from statsmodels.stats.stattools import durbin_watson

    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(map(repr, MODELS))}, got {model!r}")
    missing = [c for c in ("series", "iso_year", "iso_week", "units", "t") if c not in window.columns]
    if missing:
        raise ValueError(f"window lacks the column(s) {', '.join(missing)}: make it with select_window()")
    names = sorted(set(window["series"].astype(str)))
    if len(names) != 1:
        raise ValueError(f"window must hold exactly one series, got {names}")
    if len(window) < MIN_WEEKS:
        raise ValueError(f"series {names[0]!r}: {len(window)} weeks; a trend needs at least {MIN_WEEKS}")
    window = window.sort_values("t", kind="mergesort")
    units = window["units"].to_numpy(dtype="float64")
    t = window["t"].to_numpy(dtype="int64")
    if model == "log" and not (units > 0).all():
        raise ValueError(f"series {names[0]!r}: the log model needs units > 0 in every week, got {units.tolist()}")
    y = np.log(units) if model == "log" else units
    result = sm.OLS(y, sm.add_constant(t.astype("float64"), has_constant="add")).fit()
    intercept, slope = (float(v) for v in result.params)
    lo, hi = (float(v) for v in result.conf_int(alpha=1 - _CONFIDENCE)[1])
    ssr = float(result.ssr)
    tss = float(result.centered_tss)
    resid = np.asarray(result.resid, dtype="float64")
    pct = pct_ci = None
    if model == "log":
        pct = 100 * math.expm1(slope)
        pct_ci = (100 * math.expm1(lo), 100 * math.expm1(hi))
    labels = tuple(weeks.week_label(int(a), int(b)) for a, b in zip(window["iso_year"], window["iso_week"]))
    first = weeks.parse_week_label(labels[0])
    present = set(labels)
    every = [weeks.week_label(*p) for p in weeks.week_range(first, weeks.parse_week_label(labels[-1]))]
    measures = sorted(set(window["measure"].dropna().astype(str))) if "measure" in window.columns else []
    notes = sorted(set(window["window_note"].dropna().astype(str))) if "window_note" in window.columns else []
    return TrendFit(
        window_note="; ".join(notes),
        measure="; ".join(measures) or None,
        series=names[0],
        model=model,
        first_week=labels[0],
        last_week=labels[-1],
        n_weeks=len(labels),
        weeks=labels,
        missing_weeks=tuple(w for w in every if w not in present),
        slope=slope,
        slope_ci95=(lo, hi),
        intercept=intercept,
        r_squared=None if _negligible(tss, y) else 1 - ssr / tss,
        residual_sd=math.sqrt(ssr / result.df_resid),
        df_resid=int(result.df_resid),
        residuals=tuple(float(r) for r in resid),
        durbin_watson=None if _negligible(ssr, y) else float(durbin_watson(resid)),
        pct_change_per_week=pct,
        pct_change_ci95=pct_ci,
        small_sample=len(labels) < SMALL_SAMPLE_WEEKS,
        t=tuple(int(v) for v in t),
        units=tuple(float(v) for v in units),
        fitted=tuple(float(v) for v in result.fittedvalues),
        result=result,
    )


def forecast_weekly_trend(fit: TrendFit, horizon: int = 4) -> pd.DataFrame:
    """The trend carried ``horizon`` ISO weeks past ``fit.last_week``, with 95% intervals.

    Columns: ``week, iso_year, iso_week, t, mean, ci95_low, ci95_high,
    pi95_low, pi95_high``.  ``ci95`` is the interval for the trend line itself;
    ``pi95`` (wider) is for the units of one future week.  Weeks follow the ISO
    calendar (2020-W53 is followed by 2021-W01).  For the log model, mean and
    bounds are back-transformed with ``exp``: the back-transformed mean is the
    *median* of that week's units under the model, not their mean.  Linear
    bounds are not clipped at zero.

    >>> sales = weekly_sales_from({"2020-W51": 30, "2020-W52": 20, "2020-W53": 10})
    >>> forecast = forecast_weekly_trend(fit_weekly_trend(select_window(sales, "example")), 2)
    >>> forecast[["week", "t", "mean"]].round(3).values.tolist()
    [['2021-W01', 3, 0.0], ['2021-W02', 4, -10.0]]
    """

    if not isinstance(fit, TrendFit) or fit.result is None:
        raise TypeError("forecast_weekly_trend needs a TrendFit made by fit_weekly_trend()")
    if not isinstance(horizon, int) or isinstance(horizon, bool) or horizon < 1:
        raise ValueError(f"horizon must be a whole number of weeks >= 1, got {horizon!r}")
    first = weeks.parse_week_label(fit.first_week)
    last = weeks.parse_week_label(fit.last_week)
    future = [weeks.add_weeks(last, h) for h in range(1, horizon + 1)]
    t = np.array([weeks.weeks_between(first, w) for w in future], dtype="int64")
    band = trend_band(fit, t.astype("float64"))
    out = pd.DataFrame({
        "week": [weeks.week_label(*w) for w in future],
        "iso_year": [w[0] for w in future],
        "iso_week": [w[1] for w in future],
        "t": t,
    })
    for column in ("mean", "ci95_low", "ci95_high", "pi95_low", "pi95_high"):
        out[column] = band[column].to_numpy()
    return out


def fit_trends(
    weekly_sales: pd.DataFrame,
    through_week: str | tuple[int, int] | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    models: Iterable[str] = MODELS,
) -> dict[tuple[str, str], TrendFit | str]:
    """Every series × model: a :class:`TrendFit`, or a note (``str``) saying why it was skipped.

    Ordered by series, then by ``models``.

    >>> sales = pd.concat([weekly_sales_from({"2025-W16": 3, "2025-W17": 2, "2025-W18": 1}, "a"),
    ...                    weekly_sales_from({"2025-W18": 5}, "b")])
    >>> {key: type(v).__name__ for key, v in fit_trends(sales, models=("linear",)).items()}
    {('a', 'linear'): 'TrendFit', ('b', 'linear'): 'str'}
    """
    models = tuple(models)
    fits: dict[tuple[str, str], TrendFit | str] = {}
    for series in sorted(set(weekly_sales["series"].astype(str))):
        try:
            window = select_window(weekly_sales, series, through_week, window_weeks)
        except ValueError as exc:
            for model in models:
                fits[(series, model)] = f"skipped: {exc}"
            continue
        for model in models:
            try:
                fits[(series, model)] = fit_weekly_trend(window, model)
            except ValueError as exc:
                fits[(series, model)] = f"skipped: {exc}"
    return fits


#: Columns of :func:`fits_table`, in order.
FIT_COLUMNS = (
    "series", "model", "first_week", "last_week", "n_weeks", "weeks", "missing_weeks", "slope",
    "slope_ci95_low", "slope_ci95_high", "intercept", "r_squared", "residual_sd", "df_resid",
    "durbin_watson", "pct_change_per_week", "pct_change_ci95_low", "pct_change_ci95_high",
    "small_sample", "note",
)


def _fit_row(fit: TrendFit) -> dict[str, Any]:
    pct_lo, pct_hi = fit.pct_change_ci95 if fit.pct_change_ci95 else (None, None)
    note = "; ".join(n for n in (f"small sample: {fit.n_weeks} weeks < {SMALL_SAMPLE_WEEKS}" if fit.small_sample else "",
                                  fit.window_note) if n)
    return {
        "series": fit.series, "model": fit.model, "first_week": fit.first_week, "last_week": fit.last_week,
        "n_weeks": fit.n_weeks, "weeks": " ".join(fit.weeks), "missing_weeks": " ".join(fit.missing_weeks),
        "slope": fit.slope, "slope_ci95_low": fit.slope_ci95[0], "slope_ci95_high": fit.slope_ci95[1],
        "intercept": fit.intercept, "r_squared": fit.r_squared, "residual_sd": fit.residual_sd,
        "df_resid": fit.df_resid, "durbin_watson": fit.durbin_watson, "pct_change_per_week": fit.pct_change_per_week,
        "pct_change_ci95_low": pct_lo, "pct_change_ci95_high": pct_hi, "small_sample": fit.small_sample, "note": note,
    }


def fits_table(fits: Mapping[tuple[str, str], TrendFit | str]) -> pd.DataFrame:
    """One row per series × model from :func:`fit_trends`; a skipped pair keeps its reason in ``note``."""
    rows = []
    for (series, model), fit in fits.items():
        rows.append(_fit_row(fit) if isinstance(fit, TrendFit) else {"series": series, "model": model, "note": fit})
    table = pd.DataFrame(rows, columns=list(FIT_COLUMNS))
    float_columns = [c for c in FIT_COLUMNS if c.startswith(("slope", "pct_change")) or c in
                     ("intercept", "r_squared", "residual_sd", "durbin_watson")]
    table[float_columns] = table[float_columns].astype("float64")
    return table.astype({"n_weeks": "Int64", "df_resid": "Int64", "small_sample": "boolean"})


def trend_table(
    weekly_sales: pd.DataFrame,
    through_week: str | tuple[int, int] | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    models: Iterable[str] = MODELS,
) -> pd.DataFrame:
    """One row per series × model: the fit's numbers, or why it was skipped (``note``).

    >>> sales = pd.concat([weekly_sales_from({"2025-W16": 3, "2025-W17": 2, "2025-W18": 1}, "a"),
    ...                    weekly_sales_from({"2025-W18": 5}, "b")])
    >>> table = trend_table(sales, models=("linear",))
    >>> table[["series", "n_weeks", "slope"]].round(3).values.tolist()
    [['a', 3, -1.0], ['b', <NA>, nan]]
    >>> print(table["note"].iloc[1])
    skipped: series 'b': only 1 week with figures in the 12-week window 2025-W07..2025-W18 (2025-W18); a trend needs at least 3
    """
    return fits_table(fit_trends(weekly_sales, through_week, window_weeks, models))


def _fitted_only(fits: Mapping[tuple[str, str], TrendFit | str]) -> list[TrendFit]:
    return [fit for fit in fits.values() if isinstance(fit, TrendFit)]


def residuals_table(fits: Mapping[tuple[str, str], TrendFit | str]) -> pd.DataFrame:
    """Long table of every fitted week: ``units``, the modelled ``y``, ``fitted`` and ``residual``.

    For the log model ``y``, ``fitted`` and ``residual`` are in log units.
    """
    rows = []
    for fit in _fitted_only(fits):
        for week, t, units, fitted, resid in zip(fit.weeks, fit.t, fit.units, fit.fitted, fit.residuals):
            rows.append({
                "series": fit.series, "model": fit.model, "as_of_week": fit.last_week, "week": week, "t": t,
                "units": units, "y": math.log(units) if fit.model == "log" else units, "fitted": fitted,
                "residual": resid,
            })
    columns = ["series", "model", "as_of_week", "week", "t", "units", "y", "fitted", "residual"]
    return pd.DataFrame(rows, columns=columns)


def residual_checks(fits: Mapping[tuple[str, str], TrendFit | str]) -> pd.DataFrame:
    """Per fit: Durbin–Watson, the largest residual, and Shapiro–Wilk normality when n allows.

    The normality test is run only with at least ``SMALL_SAMPLE_WEEKS`` weeks;
    otherwise ``normality`` says it was skipped and why (it is never silently
    dropped).  Durbin–Watson near 2 means no first-order autocorrelation; with
    a handful of weeks it is only indicative.
    """
    from scipy import stats

    rows = []
    for fit in _fitted_only(fits):
        p_value = None
        if fit.n_weeks < SMALL_SAMPLE_WEEKS:
            normality = f"skipped: n = {fit.n_weeks} < {SMALL_SAMPLE_WEEKS} weeks, too few to test"
        elif fit.durbin_watson is None:
            normality = "skipped: the line fits exactly, no residuals to test"
        else:
            p_value = float(stats.shapiro(np.asarray(fit.residuals)).pvalue)
            normality = f"Shapiro–Wilk p = {round_float(p_value)}"
        rows.append({
            "series": fit.series, "model": fit.model, "n_weeks": fit.n_weeks, "residual_sd": fit.residual_sd,
            "max_abs_residual": max(abs(r) for r in fit.residuals), "durbin_watson": fit.durbin_watson,
            "shapiro_p": p_value, "normality": normality,
        })
    columns = ["series", "model", "n_weeks", "residual_sd", "max_abs_residual", "durbin_watson", "shapiro_p", "normality"]
    return pd.DataFrame(rows, columns=columns).astype({"durbin_watson": "float64", "shapiro_p": "float64"})


def data_digest(fit: TrendFit) -> str:
    """A short hash of the rows a fit used (series, weeks and units): equal digests, equal data.

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700}, "xiaomi_su7")
    >>> a = data_digest(fit_weekly_trend(select_window(sales, "xiaomi_su7")))
    >>> b = data_digest(fit_weekly_trend(select_window(sales.assign(units=[7200, 7000, 5800]), "xiaomi_su7")))
    >>> len(a), a == b
    (16, False)
    """
    import hashlib
    import json

    rows = [fit.series, *[[w, round_float(u, 6)] for w, u in zip(fit.weeks, fit.units)]]
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()[:16]


def forecasts_table(fits: Mapping[tuple[str, str], TrendFit | str], horizon: int = 4) -> pd.DataFrame:
    """:func:`forecast_weekly_trend` of every fit, stacked, with ``series, model, as_of_week`` in front and the
    fit's window (``fit_first_week``, ``fit_last_week``, ``fit_n_weeks``, ``data_digest``) at the end.

    ``mean`` is the linear model's mean and the log model's median (``exp`` of
    its mean log); the forecast log names it ``point_forecast`` with its
    ``point_statistic``."""
    parts = []
    for fit in _fitted_only(fits):
        frame = forecast_weekly_trend(fit, horizon)
        frame.insert(0, "as_of_week", fit.last_week)
        frame.insert(0, "model", fit.model)
        frame.insert(0, "series", fit.series)
        frame["fit_first_week"] = fit.first_week
        frame["fit_last_week"] = fit.last_week
        frame["fit_n_weeks"] = fit.n_weeks
        frame["data_digest"] = data_digest(fit)
        parts.append(frame)
    columns = ["series", "model", "as_of_week", "week", "iso_year", "iso_week", "t", "mean",
               "ci95_low", "ci95_high", "pi95_low", "pi95_high", "fit_first_week", "fit_last_week", "fit_n_weeks",
               "data_digest"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


#: Points per week on which :func:`bands_table` evaluates the line and its intervals (smooth curves for the log model).
BAND_STEPS_PER_WEEK = 4


def trend_band(fit: TrendFit, t: Iterable[float]) -> pd.DataFrame:
    """The fitted line and its 95% intervals at any ``t`` (weeks since ``fit.first_week``), from the fit itself.

    Columns ``t, mean, ci95_low, ci95_high, pi95_low, pi95_high``: ``ci95`` for
    the line, ``pi95`` for one week's units (statsmodels' ``get_prediction`` of
    the fitted OLS).  The log model's values are back-transformed (medians).

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200})
    >>> band = trend_band(fit_weekly_trend(select_window(sales, "example")), [0.0, 4.0])
    >>> band.round(1)[["t", "mean", "pi95_low", "pi95_high"]].values.tolist()
    [[0.0, 7370.0, 5582.7, 9157.3], [4.0, 4450.0, 2282.6, 6617.4]]
    """
    import statsmodels.api as sm

    if not isinstance(fit, TrendFit) or fit.result is None:
        raise TypeError("trend_band needs a TrendFit made by fit_weekly_trend()")
    points = np.asarray(list(t), dtype="float64")
    frame = fit.result.get_prediction(sm.add_constant(points, has_constant="add")).summary_frame(alpha=1 - _CONFIDENCE)
    out = pd.DataFrame({
        "t": points,
        "mean": frame["mean"].to_numpy(),
        "ci95_low": frame["mean_ci_lower"].to_numpy(),
        "ci95_high": frame["mean_ci_upper"].to_numpy(),
        "pi95_low": frame["obs_ci_lower"].to_numpy(),
        "pi95_high": frame["obs_ci_upper"].to_numpy(),
    })
    if fit.model == "log":
        columns = ["mean", "ci95_low", "ci95_high", "pi95_low", "pi95_high"]
        out[columns] = np.exp(out[columns])
    return out


def bands_table(fits: Mapping[tuple[str, str], TrendFit | str], horizon: int = 4) -> pd.DataFrame:
    """:func:`trend_band` of every fit from its first week to ``horizon`` weeks past its last, on a grid of
    :data:`BAND_STEPS_PER_WEEK` points a week; ``part`` says ``fit`` (the window) or ``forecast`` (after it).

    The figures draw these bands as they are: no interval is recomputed in drawing code.
    """
    parts = []
    for fit in _fitted_only(fits):
        t_last = weeks.weeks_between(weeks.parse_week_label(fit.first_week), weeks.parse_week_label(fit.last_week))
        grid = np.arange(0, BAND_STEPS_PER_WEEK * (t_last + horizon) + 1, dtype="float64") / BAND_STEPS_PER_WEEK
        frame = trend_band(fit, grid)
        frame.insert(0, "part", np.where(grid <= t_last, "fit", "forecast"))
        frame.insert(0, "as_of_week", fit.last_week)
        frame.insert(0, "model", fit.model)
        frame.insert(0, "series", fit.series)
        parts.append(frame)
    columns = ["series", "model", "as_of_week", "part", "t", "mean", "ci95_low", "ci95_high", "pi95_low", "pi95_high"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def trend_summary(fit: TrendFit, forecast: pd.DataFrame) -> dict[str, Any]:
    """The fit and its forecast as plain, rounded values for reports (keys in a fixed order).

    ``slope_units_per_week`` is in units a week for the linear model (log
    units a week for the log model).  Every float goes through :func:`round_float`.

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}, "xiaomi_su7")
    >>> fit = fit_weekly_trend(select_window(sales, "xiaomi_su7"))
    >>> summary = trend_summary(fit, forecast_weekly_trend(fit, horizon=1))
    >>> list(summary)
    ['series', 'measure', 'model', 'first_week', 'last_week', 'n_weeks', 'slope_units_per_week', 'slope_ci95', 'r_squared', 'small_sample', 'forecast']
    >>> summary["slope_ci95"], summary["forecast"]
    ([-1343.034, -116.966], [{'week': '2025-W20', 'mean': 4450.0, 'pi95': [2282.599, 6617.401]}])
    """
    return {
        "series": fit.series,
        "measure": fit.measure,
        "model": fit.model,
        "first_week": fit.first_week,
        "last_week": fit.last_week,
        "n_weeks": fit.n_weeks,
        "slope_units_per_week": round_float(fit.slope),
        "slope_ci95": [round_float(fit.slope_ci95[0]), round_float(fit.slope_ci95[1])],
        "r_squared": round_float(fit.r_squared),
        "small_sample": bool(fit.small_sample),
        "forecast": [
            {"week": str(row.week), "mean": round_float(row.mean), "pi95": [round_float(row.pi95_low), round_float(row.pi95_high)]}
            for row in forecast.itertuples(index=False)
        ],
    }


def article_weeks_summary(fit: TrendFit, first: str = ARTICLE_WEEKS[0], last: str = ARTICLE_WEEKS[1]) -> dict[str, Any] | None:
    """The linear slope over the weeks ``first``..``last`` of ``fit``'s own figures (plain, rounded values).

    ``None`` when fewer than :data:`MIN_WEEKS` of those weeks have a figure.  It is
    refitted from the weeks and units ``fit`` holds, with :func:`fit_weekly_trend`.

    >>> sales = weekly_sales_from({"2025-W15": 6300, "2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700,
    ...                            "2025-W19": 5200, "2025-W22": 7800})
    >>> part = article_weeks_summary(fit_weekly_trend(select_window(sales, "example")))
    >>> part["first_week"], part["last_week"], part["n_weeks"], part["slope_units_per_week"], part["slope_ci95"]
    ('2025-W16', '2025-W19', 4, -730.0, [-1343.034, -116.966])
    """
    lo, hi = weeks.parse_week_label(first), weeks.parse_week_label(last)
    keep = [i for i, w in enumerate(fit.weeks) if lo <= weeks.parse_week_label(w) <= hi]
    if len(keep) < MIN_WEEKS:
        return None
    pairs = [weeks.parse_week_label(fit.weeks[i]) for i in keep]
    window = pd.DataFrame({
        "series": fit.series, "iso_year": [p[0] for p in pairs], "iso_week": [p[1] for p in pairs],
        "units": [fit.units[i] for i in keep], "t": [fit.t[i] - fit.t[keep[0]] for i in keep],
    })
    if fit.measure:
        window["measure"] = fit.measure
    sub = fit_weekly_trend(window, "linear")
    return {
        "first_week": sub.first_week,
        "last_week": sub.last_week,
        "n_weeks": sub.n_weeks,
        "slope_units_per_week": round_float(sub.slope),
        "slope_ci95": [round_float(sub.slope_ci95[0]), round_float(sub.slope_ci95[1])],
        "df_resid": sub.df_resid,
        "small_sample": bool(sub.small_sample),
    }


def write_trend_outputs(
    fits: Mapping[tuple[str, str], TrendFit | str],
    horizon: int = 4,
    folder: Path | str | None = None,
    summary_series: str = SUMMARY_SERIES,
) -> list[str]:
    """Write ``trend_fits.csv``, ``forecasts.csv``, ``residuals.csv``, ``bands.csv`` and ``summary.json`` atomically.

    ``folder`` defaults to ``data/processed/trend``.  ``summary.json`` is the
    :func:`trend_summary` of the linear fit of ``summary_series``.  Floats in
    the CSVs are rounded to ``CSV_DIGITS`` decimals.  Returns the written paths,
    relative to the project root.
    """
    from helpers.atomic import write_csv_atomic, write_json_atomic
    from helpers import catalog
    from helpers.paths import relative_to_root

    out = Path(folder) if folder is not None else catalog.step_folder("03_trend")
    headline = fits.get((summary_series, "linear"))
    if not isinstance(headline, TrendFit):
        reason = headline if isinstance(headline, str) else "no linear fit was made for it"
        raise ValueError(f"summary.json needs the linear trend of {summary_series!r}: {reason}")
    paths = {
        "trend_fits.csv": fits_table(fits),
        "forecasts.csv": forecasts_table(fits, horizon),
        "residuals.csv": residuals_table(fits),
        "bands.csv": bands_table(fits, horizon),
    }
    written = []
    for name, frame in paths.items():
        write_csv_atomic(out / name, round_frame(frame, CSV_DIGITS))
        written.append(out / name)
    summary = trend_summary(headline, forecast_weekly_trend(headline, horizon))
    article = article_weeks_summary(headline)
    if article is not None:
        summary["article_weeks"] = article
    write_json_atomic(out / "summary.json", summary)
    written.append(out / "summary.json")
    return [relative_to_root(p) for p in written]


def one_fit(trend_fits: pd.DataFrame, series: str, model: str) -> pd.Series:
    """The one row of ``trend_fits`` (:func:`fits_table`) for ``series`` × ``model``; an error if there is none or
    no line was fitted.  What notebook 06's weekly figure draws and its title states."""
    rows = trend_fits[(trend_fits["series"].astype(str) == series) & (trend_fits["model"].astype(str) == model)]
    if len(rows) != 1:
        raise ValueError(f"trend_fits: expected one row for series {series!r}, model {model!r}; found {len(rows)}")
    row = rows.iloc[0]
    if pd.isna(row["slope"]) or pd.isna(row["n_weeks"]):
        raise ValueError(f"no {model} trend was fitted for {series!r}: {row.get('note', '')}")
    return row


def _falls(units_by_week: Mapping[tuple[int, int], float]) -> tuple[int, int]:
    """(falls, changes) between consecutive calendar weeks that both have a figure."""
    falls = changes = 0
    for week, units in units_by_week.items():
        nxt = weeks.add_weeks(week, 1)
        if nxt in units_by_week:
            changes += 1
            falls += units_by_week[nxt] < units
    return falls, changes


def window_changes(weekly_sales: pd.DataFrame, fit: Mapping[str, Any], series: str) -> dict[str, int]:
    """``{"falls", "rises", "changes"}``: week-to-week changes of ``series`` inside the fit's window (``fit``, a
    row of :func:`fits_table`; its ``weeks``), counted between consecutive calendar weeks that both have a figure.

    >>> sales = pd.DataFrame({"series": "a", "iso_year": 2025, "iso_week": [16, 17, 18, 19],
    ...                       "units": [7200.0, 7000.0, 5700.0, 5200.0]})
    >>> window_changes(sales, {"weeks": "2025-W16 2025-W17 2025-W18 2025-W19"}, "a")
    {'falls': 3, 'rises': 0, 'changes': 3}
    """
    rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]
    rows = rows.sort_values(["iso_year", "iso_week"], kind="mergesort")
    every = {(int(y), int(w)): float(u) for y, w, u in zip(rows["iso_year"], rows["iso_week"], rows["units"])}
    window = [weeks.parse_week_label(w) for w in str(fit["weeks"]).split()]
    falls, changes = _falls({w: every[w] for w in window if w in every})
    rises = _falls({w: -every[w] for w in window if w in every})[0]
    return {"falls": falls, "rises": rises, "changes": changes}

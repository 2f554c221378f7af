"""A calendar-aware weekly model: log(units) on a trend, holiday days and month ends.

**The model.**  OLS (statsmodels) of ``log(units)`` on ``t`` (calendar weeks
since the first week with a figure; a week without one is a gap, never
filled), ``holiday_days`` (statutory days off in the week, 0..7) and
``month_end`` (1 when the week holds a month's last day, else 0), from
``calendar_weeks``.  Each coefficient is a change in log units: ``holiday_days``
per day off, ``month_end`` for a month-end week.  Intervals are 95%, t with
``df_resid`` degrees of freedom.

**Terms dropped, never a crash.**  A term that does not vary in the window
(every week 0 holiday days, say), that is a linear combination of the terms
before it (order: ``t``, ``holiday_days``, ``month_end``), or that would leave no
residual degree of freedom (``month_end`` first, then ``holiday_days``) is
dropped, and :attr:`CalendarFit.dropped` says which and why.

**What it is for now.**  This model is the calendar method of the backtests
(:func:`backtest_method`, notebook 09).  How much of the article's W16-W19 dip
the calendar explains is no longer answered here, from Xiaomi's own few weeks: it
is :mod:`helpers.models.calendar_specifications` (``docs/calendar-model.md``),
the holiday effect learnt from the other brands' weeks outside the article's.

**Small sample** is ``n_weeks < SMALL_SAMPLE_WEEKS`` (8) or fewer than
``SMALL_SAMPLE_WEEKS - 2`` (6) residual degrees of freedom, the df of a
two-coefficient trend at 8 weeks.

The regressors were chosen after looking at the data (the article's W18 and
W19 are the Labour Day weeks): read every interval here as descriptive.

>>> calendar = pd.DataFrame({"iso_year": 2025, "iso_week": range(1, 9), "holiday_days": [0, 2, 0, 0, 3, 0, 1, 0],
...                          "month_end": [False, False, True, False, False, True, False, False]})
>>> units = {f"2025-W{w:02d}": math.exp(8 + 0.05 * w - 0.1 * h + 0.2 * m)
...          for w, h, m in zip(range(1, 9), calendar["holiday_days"], calendar["month_end"])}
>>> fit = fit_calendar_model(weekly_sales_from(units, "s"), calendar, series="s")
>>> {k: round(v, 6) for k, v in fit.coefficients.items()}
{'const': 8.05, 't': 0.05, 'holiday_days': -0.1, 'month_end': 0.2}
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.formatting import number, plural
from helpers.models.trend import MIN_WEEKS, SMALL_SAMPLE_WEEKS

__all__ = [
    "CALENDAR_TERMS",
    "TERMS",
    "CalendarFit",
    "calendar_design",
    "fit_calendar_model",
    "forecast_calendar_model",
    "calendar_forecast_method",
]

#: The calendar regressors, in the order they are tried (and the reverse order they are dropped for lack of df).
CALENDAR_TERMS = ("holiday_days", "month_end")
#: Every coefficient the model can have.
TERMS = ("const", "t", *CALENDAR_TERMS)
#: Fewest residual degrees of freedom before a fit is flagged small (a 2-coefficient trend at 8 weeks has 6).
SMALL_SAMPLE_DF = SMALL_SAMPLE_WEEKS - 2
_CONFIDENCE = 0.95


def _pair(week: Any) -> tuple[int, int]:
    if isinstance(week, str):
        return weeks.parse_week_label(week)
    return int(week[0]), int(week[1])


def _label(pair: tuple[int, int]) -> str:
    return weeks.week_label(*pair)


def _calendar_rows(calendar_weeks: pd.DataFrame, pairs: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """``holiday_days`` (float) and ``month_end`` (0/1) of ``pairs``, in their order; an error names absent weeks."""
    calendar = calendar_weeks[["iso_year", "iso_week", "holiday_days", "month_end"]].astype(
        {"iso_year": "int64", "iso_week": "int64", "holiday_days": "float64", "month_end": "bool"})
    wanted = pd.DataFrame({"iso_year": [p[0] for p in pairs], "iso_week": [p[1] for p in pairs]}, dtype="int64")
    joined = wanted.merge(calendar, on=["iso_year", "iso_week"], how="left", validate="many_to_one")
    absent = [_label(p) for p, h in zip(pairs, joined["holiday_days"]) if pd.isna(h)]
    if absent:
        raise ValueError(f"calendar_weeks has no row for {', '.join(absent)}")
    return joined.assign(month_end=joined["month_end"].astype("int64"))


def calendar_design(weekly_rows: pd.DataFrame, calendar_weeks: pd.DataFrame) -> pd.DataFrame:
    """One series' weeks with ``week, iso_year, iso_week, units, log_units, t, holiday_days, month_end``.

    Sorted by week; ``t`` counts calendar weeks from the first row.

    >>> calendar = pd.DataFrame({"iso_year": 2025, "iso_week": [16, 17, 18], "holiday_days": [0, 0, 4],
    ...                          "month_end": [False, False, True]})
    >>> calendar_design(weekly_sales_from({"2025-W16": 10, "2025-W18": 5}), calendar)[["week", "t", "holiday_days", "month_end"]].values.tolist()
    [['2025-W16', 0, 0.0, 0], ['2025-W18', 2, 4.0, 1]]
    """
    rows = weekly_rows[weekly_rows["units"].notna()]
    pairs = sorted((int(y), int(w)) for y, w in zip(rows["iso_year"], rows["iso_week"]))
    doubled = sorted({p for p in pairs if pairs.count(p) > 1})
    if doubled:
        raise ValueError(f"more than one row for {', '.join(_label(p) for p in doubled)}; expected one per week")
    units = {(int(y), int(w)): float(u) for y, w, u in zip(rows["iso_year"], rows["iso_week"], rows["units"])}
    values = np.array([units[p] for p in pairs], dtype="float64")
    if not (values > 0).all():
        raise ValueError(f"log(units) needs units > 0 in every week, got {values.tolist()}")
    calendar = _calendar_rows(calendar_weeks, pairs)
    first = pairs[0] if pairs else None
    return pd.DataFrame({
        "week": pd.array([_label(p) for p in pairs], dtype="string"),
        "iso_year": np.array([p[0] for p in pairs], dtype="int64"),
        "iso_week": np.array([p[1] for p in pairs], dtype="int64"),
        "units": values,
        "log_units": np.log(values),
        "t": np.array([weeks.weeks_between(first, p) for p in pairs], dtype="int64"),
        "holiday_days": calendar["holiday_days"].to_numpy(dtype="float64"),
        "month_end": calendar["month_end"].to_numpy(dtype="int64"),
    })


def _choose_terms(design: pd.DataFrame) -> tuple[list[str], list[tuple[str, str]]]:
    """The terms kept (``const`` first) and the dropped ones with their reasons; see the module docstring."""
    return _choose_terms_of(len(design), {c: design[c].to_numpy(dtype="float64") for c in ("t", *CALENDAR_TERMS)})


def _choose_terms_of(n: int, values_of: Mapping[str, np.ndarray]) -> tuple[list[str], list[tuple[str, str]]]:
    """:func:`_choose_terms` on ``n`` weeks' arrays ``t``, ``holiday_days``, ``month_end`` (float64)."""
    kept = ["const"]
    dropped: list[tuple[str, str]] = []
    columns = {"const": np.ones(n), **values_of}
    for term in ("t", *CALENDAR_TERMS):
        values = columns[term]
        if np.ptp(values) == 0:
            dropped.append((term, f"no variation in the window (every week has {number(values[0])})"))
            continue
        stacked = np.column_stack([columns[k] for k in (*kept, term)])
        if np.linalg.matrix_rank(stacked) < len(kept) + 1:
            dropped.append((term, f"a linear combination of {', '.join(kept)} in these weeks"))
            continue
        kept.append(term)
    while n - len(kept) < 1 and kept[-1] in CALENDAR_TERMS:
        term = kept.pop()
        dropped.append((term, f"too few weeks: {n} weeks and {len(kept) + 1} coefficients leave no residual "
                              "degree of freedom"))
    return kept, dropped


@dataclass(frozen=True)
class CalendarFit:
    """One OLS of log(units) on the kept ``terms``; coefficients, standard errors and 95% CIs keyed by term.

    ``dropped`` holds ``(term, reason)`` for every term of :data:`TERMS` not in
    the fit.  ``covariance`` is the coefficients' covariance matrix, rows and
    columns in ``terms`` order.  ``residual_sd`` is on the log scale.
    """

    series: str
    first_week: str
    last_week: str
    n_weeks: int
    weeks: tuple[str, ...]
    missing_weeks: tuple[str, ...]
    terms: tuple[str, ...]
    coefficients: Mapping[str, float]
    std_errors: Mapping[str, float]
    ci95: Mapping[str, tuple[float, float]]
    dropped: tuple[tuple[str, str], ...]
    df_resid: int
    residual_sd: float
    r_squared: float | None
    small_sample: bool
    design: pd.DataFrame = field(repr=False, compare=False)
    covariance: tuple[tuple[float, ...], ...] = field(repr=False)
    result: Any = field(default=None, repr=False, compare=False, hash=False)


def _in_window(rows: pd.DataFrame, first_week: str | None, last_week: str | None) -> pd.DataFrame:
    pairs = [(int(y), int(w)) for y, w in zip(rows["iso_year"], rows["iso_week"])]
    low = _pair(first_week) if first_week is not None else None
    high = _pair(last_week) if last_week is not None else None
    keep = [(low is None or p >= low) and (high is None or p <= high) for p in pairs]
    return rows[keep]


def fit_calendar_model(
    weekly_sales: pd.DataFrame,
    calendar_weeks: pd.DataFrame,
    series: str = "xiaomi_su7",
    first_week: str | None = None,
    last_week: str | None = None,
) -> CalendarFit:
    """OLS of log(units) of ``series`` on ``t``, ``holiday_days`` and ``month_end`` over ``first_week..last_week``.

    Needs at least :data:`helpers.models.trend.MIN_WEEKS` (3) weeks with a
    figure.  Terms without variation, collinear terms and terms the weeks
    cannot afford are dropped and recorded in ``dropped``.

    >>> calendar = pd.DataFrame({"iso_year": 2025, "iso_week": [1, 2, 3, 4], "holiday_days": 0, "month_end": False})
    >>> fit = fit_calendar_model(weekly_sales_from({"2025-W01": 100, "2025-W02": 110, "2025-W03": 121, "2025-W04": 133.1}, "s"),
    ...                          calendar, series="s")
    >>> fit.terms, [term for term, _ in fit.dropped], round(math.exp(fit.coefficients["t"]), 6)
    (('const', 't'), ['holiday_days', 'month_end'], 1.1)
    """
    import statsmodels.api as sm

    missing = [c for c in ("series", "iso_year", "iso_week", "units") if c not in weekly_sales.columns]
    if missing:
        raise ValueError(f"weekly_sales lacks the column(s) {', '.join(missing)}")
    known = sorted(set(weekly_sales["series"].astype(str)))
    if series not in known:
        raise ValueError(f"unknown series {series!r}: the weekly sales hold {', '.join(map(repr, known))}")
    rows = _in_window(weekly_sales[weekly_sales["series"].astype(str) == series], first_week, last_week)
    design = calendar_design(rows, calendar_weeks)
    if len(design) < MIN_WEEKS:
        raise ValueError(f"series {series!r}: {plural(len(design), 'week')} with a figure in "
                         f"{first_week or 'the first week'}..{last_week or 'the last week'}; the model needs at least {MIN_WEEKS}")
    terms, dropped = _choose_terms(design)
    X = np.column_stack([np.ones(len(design)) if k == "const" else design[k].to_numpy(dtype="float64") for k in terms])
    y = design["log_units"].to_numpy(dtype="float64")
    result = sm.OLS(y, X).fit()
    params = [float(v) for v in result.params]
    errors = [float(v) for v in result.bse]
    intervals = [(float(lo), float(hi)) for lo, hi in result.conf_int(alpha=1 - _CONFIDENCE)]
    covariance = np.asarray(result.cov_params(), dtype="float64")
    labels = design["week"].astype(str).tolist()
    every = [_label(p) for p in weeks.week_range(_pair(labels[0]), _pair(labels[-1]))]
    tss = float(((y - y.mean()) ** 2).sum())
    df_resid = int(round(result.df_resid))
    return CalendarFit(
        series=series,
        first_week=labels[0],
        last_week=labels[-1],
        n_weeks=len(labels),
        weeks=tuple(labels),
        missing_weeks=tuple(w for w in every if w not in set(labels)),
        terms=tuple(terms),
        coefficients=dict(zip(terms, params)),
        std_errors=dict(zip(terms, errors)),
        ci95=dict(zip(terms, intervals)),
        dropped=tuple(dropped),
        df_resid=df_resid,
        residual_sd=math.sqrt(float(result.ssr) / df_resid),
        r_squared=None if tss <= 1e-20 else 1 - float(result.ssr) / tss,
        small_sample=len(labels) < SMALL_SAMPLE_WEEKS or df_resid < SMALL_SAMPLE_DF,
        design=design,
        covariance=tuple(tuple(float(v) for v in row) for row in covariance),
        result=result,
    )


def forecast_calendar_model(
    fit: CalendarFit,
    calendar_weeks: pd.DataFrame,
    origin_week: str,
    horizons: Iterable[int],
) -> pd.DataFrame:
    """Forecasts ``horizons`` weeks after ``origin_week``: the median (exp of the log mean) and a 95% prediction interval.

    The target weeks' holiday days and month ends come from ``calendar_weeks``;
    ``t`` counts from the fit's first week.  ``origin_week`` must not be before
    the fit's last week (the fit would have seen the future).  Columns:
    ``origin_week, week, iso_year, iso_week, horizon, t, holiday_days,
    month_end, log_mean, forecast, pi95_low, pi95_high``.

    >>> calendar = pd.DataFrame({"iso_year": 2025, "iso_week": range(1, 8), "holiday_days": [0, 1, 0, 2, 0, 0, 3],
    ...                          "month_end": False})
    >>> units = {f"2025-W{w:02d}": math.exp(5 - 0.5 * h + 0.001 * (-1) ** w) for w, h in zip(range(1, 6), [0, 1, 0, 2, 0])}
    >>> fit = fit_calendar_model(weekly_sales_from(units, "s"), calendar, series="s")
    >>> forecast = forecast_calendar_model(fit, calendar, "2025-W05", [2])
    >>> forecast["week"].tolist(), round(float(forecast["forecast"].iloc[0]) / math.exp(5 - 1.5), 2)
    (['2025-W07'], 1.0)
    """
    horizons = list(horizons)
    if not horizons or any(not isinstance(h, int) or isinstance(h, bool) or h < 1 for h in horizons):
        raise ValueError(f"horizons must be whole numbers of weeks >= 1, got {horizons!r}")
    origin = _pair(origin_week)
    if origin < _pair(fit.last_week):
        raise ValueError(f"origin_week {_label(origin)} is before the fit's last week {fit.last_week}: "
                         "fit on the weeks up to the origin")
    first = _pair(fit.first_week)
    targets = [weeks.add_weeks(origin, h) for h in horizons]
    calendar = _calendar_rows(calendar_weeks, targets)
    t = np.array([weeks.weeks_between(first, p) for p in targets], dtype="float64")
    columns = {"const": np.ones(len(targets)), "t": t, "holiday_days": calendar["holiday_days"].to_numpy(dtype="float64"),
               "month_end": calendar["month_end"].to_numpy(dtype="float64")}
    X = np.column_stack([columns[k] for k in fit.terms])
    frame = fit.result.get_prediction(X).summary_frame(alpha=1 - _CONFIDENCE)
    return pd.DataFrame({
        "origin_week": pd.array([_label(origin)] * len(targets), dtype="string"),
        "week": pd.array([_label(p) for p in targets], dtype="string"),
        "iso_year": np.array([p[0] for p in targets], dtype="int64"),
        "iso_week": np.array([p[1] for p in targets], dtype="int64"),
        "horizon": np.array(horizons, dtype="int64"),
        "t": t.astype("int64"),
        "holiday_days": columns["holiday_days"],
        "month_end": calendar["month_end"].to_numpy(dtype="int64"),
        "log_mean": frame["mean"].to_numpy(dtype="float64"),
        "forecast": np.exp(frame["mean"].to_numpy(dtype="float64")),
        "pi95_low": np.exp(frame["obs_ci_lower"].to_numpy(dtype="float64")),
        "pi95_high": np.exp(frame["obs_ci_upper"].to_numpy(dtype="float64")),
    })


def calendar_forecast_method(
    window: pd.DataFrame,
    calendar_weeks: pd.DataFrame,
    origin_week: str,
    horizon: int,
) -> tuple[float, float, float]:
    """``(forecast, pi95_low, pi95_high)`` for ``origin_week + horizon``, fitted on the window's weeks up to the origin.

    ``window`` is one series' rows as :func:`helpers.models.trend.select_window`
    returns them; rows after ``origin_week`` are ignored, so a rolling-origin
    backtest can pass the same window at every origin.

    >>> calendar = pd.DataFrame({"iso_year": 2025, "iso_week": range(1, 8), "holiday_days": 0, "month_end": False})
    >>> units = {f"2025-W{w:02d}": 100 * 1.1 ** w for w in range(1, 6)}
    >>> sales = weekly_sales_from({**units, "2025-W06": 1}, "s")  # W06 is after the origin: not seen
    >>> [round(v, 2) for v in calendar_forecast_method(sales, calendar, "2025-W05", 2)]  # 100 * 1.1 ** 7, exactly
    [194.87, 194.87, 194.87]
    """
    names = sorted(set(window["series"].astype(str)))
    if len(names) != 1:
        raise ValueError(f"window must hold exactly one series, got {names}")
    fit = fit_calendar_model(window, calendar_weeks, series=names[0], last_week=origin_week)
    row = forecast_calendar_model(fit, calendar_weeks, origin_week, [horizon]).iloc[0]
    return float(row["forecast"]), float(row["pi95_low"]), float(row["pi95_high"])


def backtest_method(calendar_weeks: pd.DataFrame) -> Callable[[pd.DataFrame, tuple[int, int], int], Any]:
    """The calendar model as a method of :func:`helpers.models.backtest.backtest` (``(window, origin, horizon) -> Forecast``).

    >>> calendar = pd.DataFrame({"iso_year": 2025, "iso_week": range(1, 8), "holiday_days": 0, "month_end": False})
    >>> sales = weekly_sales_from({f"2025-W{w:02d}": 100 * 1.1 ** w for w in range(1, 6)}, "s")
    >>> round(backtest_method(calendar)(sales, (2025, 5), 2).forecast, 2)
    194.87
    """
    from helpers.models.backtest import Forecast

    def calendar(window: pd.DataFrame, origin: tuple[int, int], horizon: int) -> Forecast:
        return Forecast(*calendar_forecast_method(window, calendar_weeks, weeks.week_label(*origin), horizon))

    # every origin of a series at once (the backtest's fast path; its cost grows as origins x window weeks)
    calendar.batch = functools.partial(_calendar_batch, calendar_weeks)  # type: ignore[attr-defined]
    return calendar


def _calendar_batch(calendar_weeks: pd.DataFrame, w: Any, horizons: tuple[int, ...]) -> Any:
    """:func:`backtest_method`'s model at every origin of ``w`` (:class:`helpers.models.backtest.Windows`) at once.

    The same fit as :func:`calendar_forecast_method` (terms chosen by :func:`_choose_terms`' rules, OLS by the
    pseudo-inverse, the prediction interval of statsmodels' ``get_prediction``), origins grouped by their
    number of weeks and kept terms so that each group is one stacked numpy computation: the cost grows as
    origins × window weeks.  ``None`` (the per-origin path) when ``calendar_weeks`` holds a week twice.
    """
    from helpers.models.backtest import BatchForecast, _blank, _label_of, _t_quantiles, _week_number

    calendar = calendar_weeks[["iso_year", "iso_week", "holiday_days", "month_end"]].astype(
        {"iso_year": "int64", "iso_week": "int64", "holiday_days": "float64", "month_end": "bool"})
    calendar = calendar.assign(month_end=calendar["month_end"].astype("int64"))
    numbers = [_week_number(int(y), int(k)) for y, k in zip(calendar["iso_year"], calendar["iso_week"])]
    if len(set(numbers)) != len(numbers):
        return None
    n_o, width = w.units.shape
    shape = (n_o, len(horizons))
    forecast, low, high = (np.full(shape, math.nan) for _ in range(3))
    error = _blank(shape)
    columns = w.week[:, None] - (width - 1) + np.arange(width)[None, :]
    order = np.argsort(numbers)
    sorted_numbers = np.asarray(numbers, dtype="int64")[order]
    h_sorted = calendar["holiday_days"].to_numpy(dtype="float64")[order]
    m_sorted = calendar["month_end"].to_numpy(dtype="float64")[order]

    def lookup(k: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        at = np.clip(np.searchsorted(sorted_numbers, k), 0, max(len(sorted_numbers) - 1, 0))
        if not len(sorted_numbers):
            return np.zeros(k.shape, bool), np.zeros(k.shape), np.zeros(k.shape)
        found = sorted_numbers[at] == k
        return found, np.where(found, h_sorted[at], 0.0), np.where(found, m_sorted[at], 0.0)

    known, h_cells, m_cells = lookup(columns)
    ok = np.ones(n_o, dtype=bool)
    for i in np.flatnonzero((w.present & ~(w.units > 0)).any(axis=1)):
        error[i, :] = f"log(units) needs units > 0 in every week, got {w.window_units(i)}"
        ok[i] = False
    for i in np.flatnonzero(ok & (w.present & ~known).any(axis=1)):
        absent = [_label_of(k) for k in columns[i][w.present[i] & ~known[i]]]
        error[i, :] = f"calendar_weeks has no row for {', '.join(absent)}"
        ok[i] = False
    groups: dict[tuple[int, tuple[str, ...]], list[int]] = {}
    for i in np.flatnonzero(ok):
        cells = w.present[i]
        terms, _ = _choose_terms_of(int(cells.sum()), {"t": w.t[i][cells], "holiday_days": h_cells[i][cells],
                                                       "month_end": m_cells[i][cells]})
        groups.setdefault((int(cells.sum()), tuple(terms)), []).append(int(i))
    for (n, terms), members in groups.items():
        idx = np.array(members)
        cells = w.present[idx]
        values = {"const": np.ones((len(idx), n)), "t": w.t[idx][cells].reshape(len(idx), n),
                  "holiday_days": h_cells[idx][cells].reshape(len(idx), n),
                  "month_end": m_cells[idx][cells].reshape(len(idx), n)}
        X = np.stack([values[k] for k in terms], axis=2)
        y = np.log(w.units[idx][cells].reshape(len(idx), n))
        pinv = np.linalg.pinv(X)
        beta = np.einsum("gkn,gn->gk", pinv, y)
        resid = y - np.einsum("gnk,gk->gn", X, beta)
        df = n - len(terms)
        s2 = (resid * resid).sum(axis=1) / df
        normalized = pinv @ np.transpose(pinv, (0, 2, 1))
        q = float(_t_quantiles(np.array([df]))[0])
        for j, h in enumerate(horizons):
            targets = w.week[idx] + h
            found, h_target, m_target = lookup(targets)
            absent = ~found
            x0 = np.stack([{"const": np.ones(len(idx)), "t": w.t_origin[idx] + h, "holiday_days": h_target,
                            "month_end": m_target}[k] for k in terms], axis=1)
            mean = np.einsum("gk,gk->g", x0, beta)
            var = s2 * (1 + np.einsum("gk,gkl,gl->g", x0, normalized, x0))
            half = q * np.sqrt(var)
            forecast[idx, j], low[idx, j], high[idx, j] = np.exp(mean), np.exp(mean - half), np.exp(mean + half)
            for g in np.flatnonzero(absent):
                error[idx[g], j] = f"calendar_weeks has no row for {_label_of(targets[g])}"
    failed = error != ""
    for a in (forecast, low, high):
        a[failed] = math.nan
    return BatchForecast(forecast, low, high, _blank(shape), error)

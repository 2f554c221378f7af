"""The calendar's part of the W16-W19 dip, learnt from other holidays, under every declared specification.

Numbers only (no sentences): the model is written down in ``docs/calendar-model.md``
before it was fitted, and this module follows it.

**The model.**  OLS of ``log(units)`` of brand ``b`` in week ``w`` on a constant per
brand, a common linear trend ``t`` (calendar weeks since the first week of the
sample's first year) and the week's calendar terms: ``lost_working_days``
(:func:`lost_working_days`: ``5 - working_days``, so a weekend day inside a holiday
is not a lost working day and a make-up working day counts -1) and, where a
specification names it, ``month_end`` (the week holds a month's last day).  The
weeks are the other brands' weeks in ``market_registrations`` of the
specification's years, **never the article's weeks** (2025-W16..W19 by default):
the effect is learnt from other holidays and only then applied to the calendar
difference between the article's first and last week.  That log change, with a
95% t interval (classical for one brand; clustered by week, ``G - 1`` df, when
several brands are pooled: :func:`_covariance`), is set against Xiaomi's observed
log change there.

:data:`SPECIFICATIONS` lists the specifications; :func:`calendar_specifications`
returns one row per specification, :func:`specifications_summary` the range
across them (the answer: ``docs/calendar-model.md``, "The rule for the answer").

>>> calendar = pd.DataFrame({"iso_year": 2024, "iso_week": range(1, 9), "working_days": [5, 3, 5, 5, 2, 5, 6, 5],
...                          "month_end": False})
>>> market = pd.DataFrame({"iso_year": 2024, "iso_week": list(range(1, 9)), "series": "a",
...                        "units": [math.exp(8 - 0.1 * (5 - d)) for d in [5, 3, 5, 5, 2, 5, 6, 5]]})
>>> spec = Specification("one", ("lost_working_days",), brands=("a",), years=(2024,))
>>> fit = fit_specification(market, calendar, spec, article=("2024-W07", "2024-W08"))
>>> round(fit.coefficients["lost_working_days"], 6), fit.n_obs, fit.df_resid
(-0.1, 6, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.tolerances import CALENDAR_AGREEMENT_PP

__all__ = [
    "CALENDAR_TERMS",
    "NOT_PEERS",
    "ARTICLE_WEEKS",
    "OBSERVED_SERIES",
    "Specification",
    "SPECIFICATIONS",
    "SpecificationFit",
    "SPECIFICATION_COLUMNS",
    "lost_working_days",
    "peer_brands",
    "specification_design",
    "fit_specification",
    "calendar_specifications",
    "specifications_summary",
]

#: The calendar terms a specification may name.
CALENDAR_TERMS = ("lost_working_days", "month_end")
#: Series of ``market_registrations`` that are not peers: Xiaomi (the brand explained), a market total, a part of
#: a group (``nio_brand`` is inside ``nio_group``).
NOT_PEERS = ("xiaomi", "nev_market_total", "nio_brand")
#: The article's weeks: never used to estimate; their calendar difference is what the estimate is applied to.
ARTICLE_WEEKS = ("2025-W16", "2025-W19")
#: The series whose observed change the calendar's part is a share of.
OBSERVED_SERIES = "xiaomi_su7"
#: A full working week.
WORKING_WEEK = 5
_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Specification:
    """One declared specification: its calendar ``terms``, its brands (``None``: every peer, less ``without``), years."""

    name: str
    terms: tuple[str, ...]
    brands: tuple[str, ...] | None = None
    without: tuple[str, ...] = ()
    years: tuple[int, ...] = (2024, 2025)


#: The specifications of ``docs/calendar-model.md``, in its order.
SPECIFICATIONS = (
    Specification("pooled", ("lost_working_days",)),
    Specification("pooled_month_end", ("lost_working_days", "month_end")),
    Specification("pooled_no_tesla", ("lost_working_days",), without=("tesla_china",)),
    Specification("pooled_no_tesla_month_end", ("lost_working_days", "month_end"), without=("tesla_china",)),
    Specification("pooled_2024", ("lost_working_days",), years=(2024,)),
    Specification("byd", ("lost_working_days",), brands=("byd",)),
    Specification("tesla_china", ("lost_working_days",), brands=("tesla_china",)),
    Specification("li_auto", ("lost_working_days",), brands=("li_auto",)),
)


def lost_working_days(calendar_weeks: pd.DataFrame) -> pd.Series:
    """Each week's lost working days: ``5 - working_days`` (``calendar_weeks``' column).

    ``working_days`` counts weekdays that are not days off plus weekend days made
    working days, so a weekend day inside a holiday is not lost and a make-up
    Saturday or Sunday is a working day (a week with one and no holiday: -1).

    >>> lost_working_days(pd.DataFrame({"working_days": [5, 3, 6]})).tolist()
    [0, 2, -1]
    """
    return (WORKING_WEEK - calendar_weeks["working_days"].astype("int64")).rename("lost_working_days")


def peer_brands(market_registrations: pd.DataFrame, without: Sequence[str] = ()) -> tuple[str, ...]:
    """Every series of ``market_registrations`` except :data:`NOT_PEERS` and ``without``, sorted."""
    names = set(market_registrations["series"].astype(str)) - set(NOT_PEERS) - set(without)
    return tuple(sorted(names))


def _pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(y), int(w)) for y, w in zip(frame["iso_year"], frame["iso_week"])]


def specification_design(
    market_registrations: pd.DataFrame,
    calendar_weeks: pd.DataFrame,
    spec: Specification,
    article: tuple[str, str] = ARTICLE_WEEKS,
    drop_weeks: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The brand-weeks a specification is fitted on: ``brand, week, iso_year, iso_week, units, log_units, t,
    lost_working_days, month_end``.

    The specification's brands and years, every week with a positive figure,
    less the weeks from ``article[0]`` to ``article[1]`` and ``drop_weeks`` (labels); ``t`` counts calendar
    weeks from week 1 of the first year.  A week missing from ``calendar_weeks``
    is an error.
    """
    brands = spec.brands if spec.brands is not None else peer_brands(market_registrations, spec.without)
    rows = market_registrations[market_registrations["series"].astype(str).isin(brands)
                                & market_registrations["units"].notna()]
    rows = rows[rows["iso_year"].astype("int64").isin(spec.years) & (rows["units"].astype("float64") > 0)]
    first, last = weeks.parse_week_label(article[0]), weeks.parse_week_label(article[1])
    rows = rows[[not (first <= p <= last) and weeks.week_label(*p) not in drop_weeks for p in _pairs(rows)]]
    calendar = calendar_weeks[["iso_year", "iso_week", "working_days", "month_end"]].astype(
        {"iso_year": "int64", "iso_week": "int64", "working_days": "int64", "month_end": "bool"})
    calendar = calendar.assign(lost_working_days=lost_working_days(calendar),
                               month_end=calendar["month_end"].astype("int64"))
    joined = rows[["series", "iso_year", "iso_week", "units"]].astype(
        {"series": "string", "iso_year": "int64", "iso_week": "int64", "units": "float64"}).merge(
        calendar[["iso_year", "iso_week", "lost_working_days", "month_end"]], on=["iso_year", "iso_week"],
        how="left", validate="many_to_one")
    absent = sorted({weeks.week_label(*p) for p, d in zip(_pairs(joined), joined["lost_working_days"]) if pd.isna(d)})
    if absent:
        raise ValueError(f"calendar_weeks has no row for {', '.join(absent)}")
    origin = (min(spec.years), 1)
    joined = joined.sort_values(["series", "iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)
    return pd.DataFrame({
        "brand": joined["series"].astype(str).to_numpy(),
        "week": [weeks.week_label(*p) for p in _pairs(joined)],
        "iso_year": joined["iso_year"].to_numpy(dtype="int64"),
        "iso_week": joined["iso_week"].to_numpy(dtype="int64"),
        "units": joined["units"].to_numpy(dtype="float64"),
        "log_units": np.log(joined["units"].to_numpy(dtype="float64")),
        "t": np.array([weeks.weeks_between(origin, p) for p in _pairs(joined)], dtype="float64"),
        "lost_working_days": joined["lost_working_days"].to_numpy(dtype="float64"),
        "month_end": joined["month_end"].to_numpy(dtype="float64"),
    })


@dataclass(frozen=True)
class SpecificationFit:
    """One specification fitted: calendar coefficients with 95% intervals, or ``reason`` when it could not be fitted."""

    spec: Specification
    brands: tuple[str, ...]
    n_obs: int
    n_weeks: int
    n_holiday_weeks: int
    first_week: str
    last_week: str
    df_resid: int
    coefficients: Mapping[str, float]
    interval: str
    df_interval: int
    ci95: Mapping[str, tuple[float, float]]
    covariance: tuple[tuple[float, ...], ...] = field(repr=False)
    reason: str = ""


def fit_specification(
    market_registrations: pd.DataFrame,
    calendar_weeks: pd.DataFrame,
    spec: Specification,
    article: tuple[str, str] = ARTICLE_WEEKS,
    drop_weeks: frozenset[str] = frozenset(),
) -> SpecificationFit:
    """OLS of one specification on :func:`specification_design`'s rows.

    Columns: one constant per brand, ``t``, then ``spec.terms``.  A calendar term
    without variation in the weeks, a design of less than full rank or no
    residual degree of freedom leaves the fit empty, with the ``reason``.
    """
    unknown = [k for k in spec.terms if k not in CALENDAR_TERMS]
    if unknown or "lost_working_days" not in spec.terms:
        raise ValueError(f"specification {spec.name!r}: terms must include lost_working_days and be among "
                         f"{', '.join(CALENDAR_TERMS)}, got {spec.terms}")
    design = specification_design(market_registrations, calendar_weeks, spec, article, drop_weeks)
    return _fit_design(design, spec)


def _arrays(design: pd.DataFrame) -> dict[str, np.ndarray]:
    """The design's columns as numpy arrays (``brand``, ``week`` as objects; the rest float)."""
    out = {"brand": design["brand"].to_numpy(dtype=object), "week": design["week"].to_numpy(dtype=object)}
    for k in ("iso_year", "iso_week"):
        out[k] = design[k].to_numpy(dtype="int64")
    for k in ("log_units", "t", *CALENDAR_TERMS):
        out[k] = design[k].to_numpy(dtype="float64")
    return out


def _fit_design(design: pd.DataFrame, spec: Specification) -> SpecificationFit:
    """:func:`fit_specification` on its design rows."""
    return _fit_arrays(_arrays(design), spec)


def _fit_arrays(a: Mapping[str, np.ndarray], spec: Specification) -> SpecificationFit:
    """OLS by least squares; the intervals' covariance and t degrees of freedom by :func:`_covariance`."""
    from scipy import stats

    n = len(a["week"])
    brands = tuple(sorted(set(a["brand"])))
    order = sorted(set(zip(a["iso_year"].tolist(), a["iso_week"].tolist())))
    base = dict(spec=spec, brands=brands, n_obs=n, n_weeks=len(order),
                n_holiday_weeks=len(set(a["week"][a["lost_working_days"] != 0])),
                first_week=weeks.week_label(*order[0]) if order else "",
                last_week=weeks.week_label(*order[-1]) if order else "")
    n_coef = len(brands) + 1 + len(spec.terms)
    reason = ""
    X = y = None
    if not n:
        reason = "no brand-week in these years outside the article's weeks"
    else:
        X = np.column_stack([(a["brand"] == b).astype("float64") for b in brands] + [a[k] for k in ("t", *spec.terms)])
        y = a["log_units"]
        flat = [k for k in spec.terms if np.ptp(a[k]) == 0]
        if flat:
            reason = f"{', '.join(flat)} does not vary in these weeks"
        elif np.linalg.matrix_rank(X) < n_coef:
            reason = "the terms are collinear in these weeks"
        elif n - n_coef < 1:
            reason = f"{n} brand-weeks and {n_coef} coefficients leave no residual degree of freedom"
    if reason:
        return SpecificationFit(**base, df_resid=max(n - n_coef, 0), coefficients={}, interval="", df_interval=0,
                                ci95={}, covariance=(), reason=reason)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    df = n - n_coef
    interval, cov_all, df_interval = _covariance(X, resid, a["week"], len(brands) > 1)
    keep = [len(brands) + 1 + i for i in range(len(spec.terms))]
    half = float(stats.t.ppf(0.5 + _CONFIDENCE / 2, df_interval)) * np.sqrt(np.diag(cov_all))
    return SpecificationFit(
        **base, df_resid=df, interval=interval, df_interval=df_interval,
        coefficients={k: float(beta[i]) for k, i in zip(spec.terms, keep)},
        ci95={k: (float(beta[i] - half[i]), float(beta[i] + half[i])) for k, i in zip(spec.terms, keep)},
        covariance=tuple(tuple(float(v) for v in row) for row in cov_all[np.ix_(keep, keep)]))


def _covariance(X: np.ndarray, resid: np.ndarray, week: np.ndarray, pooled: bool) -> tuple[str, np.ndarray, int]:
    """``(method, covariance, t degrees of freedom)`` of the OLS coefficients.

    One brand: ``classical``, ``s^2 (X'X)^-1`` with ``n - k`` df.  Several brands:
    ``week-clustered`` (the brands of one week share its shocks): ``c (X'X)^-1
    (sum over weeks of X_w' e_w e_w' X_w) (X'X)^-1`` with ``c = G/(G-1) (n-1)/(n-k)``
    and ``G - 1`` df, ``G`` the number of weeks (statsmodels' ``cluster`` with ``use_t``).
    """
    n, k = X.shape
    bread = np.linalg.inv(X.T @ X)
    if not pooled:
        return "classical", (float(resid @ resid) / (n - k)) * bread, n - k
    groups = {}
    for i, w in enumerate(week):
        groups.setdefault(w, []).append(i)
    scores = np.array([X[idx].T @ resid[idx] for idx in groups.values()])
    g = len(groups)
    c = g / (g - 1) * (n - 1) / (n - k) if g > 1 else math.nan
    return "week-clustered", c * bread @ (scores.T @ scores) @ bread, max(g - 1, 1)


def _calendar_of(calendar_weeks: pd.DataFrame, label: str) -> dict[str, float]:
    year, week = weeks.parse_week_label(label)
    hit = calendar_weeks[(calendar_weeks["iso_year"].astype("int64") == year)
                         & (calendar_weeks["iso_week"].astype("int64") == week)]
    if len(hit) != 1:
        raise ValueError(f"calendar_weeks: expected one row for {label}, found {len(hit)}")
    return {"lost_working_days": float(lost_working_days(hit).iloc[0]), "month_end": float(bool(hit["month_end"].iloc[0]))}


def _observed_log_change(weekly_sales: pd.DataFrame, series: str, article: tuple[str, str]) -> float:
    rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]
    units = []
    for label in article:
        year, week = weeks.parse_week_label(label)
        hit = rows[(rows["iso_year"].astype("int64") == year) & (rows["iso_week"].astype("int64") == week)]
        if len(hit) != 1:
            raise ValueError(f"{series}: expected one figure for {label}, found {len(hit)}")
        units.append(float(hit["units"].iloc[0]))
    return math.log(units[1] / units[0])


SPECIFICATION_COLUMNS = (
    "specification", "terms", "brands", "n_brands", "years", "first_week", "last_week", "n_obs", "n_weeks",
    "n_holiday_weeks", "df_resid", "interval", "df_interval", "lost_working_days_coef", "lost_working_days_ci95_low",
    "lost_working_days_ci95_high", "month_end_coef", "month_end_ci95_low", "month_end_ci95_high", "from_week",
    "to_week", "lost_working_days_difference", "month_end_difference", "calendar_log_change",
    "calendar_log_change_ci95_low", "calendar_log_change_ci95_high", "observed_series", "observed_log_change",
    "percent_of_dip", "percent_ci95_low", "percent_ci95_high", "drop_one_percent_low", "drop_one_week_low",
    "drop_one_percent_high", "drop_one_week_high", "not_fitted_reason",
)


def _drop_one(
    market_registrations: pd.DataFrame,
    calendar_weeks: pd.DataFrame,
    spec: Specification,
    article: tuple[str, str],
    differences: Mapping[str, float],
    observed: float,
) -> dict[str, float]:
    """``{week: percent of the dip}`` refitted without each of the specification's weeks in turn (fits that fail skipped)."""
    arrays = _arrays(specification_design(market_registrations, calendar_weeks, spec, article))
    out = {}
    for label in sorted(set(arrays["week"]), key=weeks.parse_week_label):
        keep = arrays["week"] != label
        fit = _fit_arrays({k: v[keep] for k, v in arrays.items()}, spec)
        if not fit.reason:
            out[label] = 100 * sum(differences[k] * fit.coefficients[k] for k in spec.terms) / observed
    return out


def calendar_specifications(
    market_registrations: pd.DataFrame,
    calendar_weeks: pd.DataFrame,
    weekly_sales: pd.DataFrame,
    specifications: Sequence[Specification] = SPECIFICATIONS,
    article: tuple[str, str] = ARTICLE_WEEKS,
    observed_series: str = OBSERVED_SERIES,
) -> pd.DataFrame:
    """One row per specification (columns :data:`SPECIFICATION_COLUMNS`).

    ``calendar_log_change = sum(difference x coefficient)`` over the
    specification's terms, the differences being ``article[1]``'s calendar less
    ``article[0]``'s; its 95% interval is exact for that linear combination (t with
    ``df_interval`` degrees of freedom, ``interval`` naming the covariance).  ``percent_of_dip = 100 x calendar / observed`` with the
    interval's ends divided the same way (sorted), the observed change being
    ``observed_series``' log change over the article's weeks.  ``drop_one_*``: the
    smallest and largest ``percent_of_dip`` when the fit is redone without one of its
    weeks (every brand's figure for that week), and which week that was.  A
    specification that could not be fitted keeps its row with empty numbers and the reason.
    """
    from scipy import stats

    start, end = _calendar_of(calendar_weeks, article[0]), _calendar_of(calendar_weeks, article[1])
    differences = {k: end[k] - start[k] for k in CALENDAR_TERMS}
    observed = _observed_log_change(weekly_sales, observed_series, article)
    rows = []
    for spec in specifications:
        fit = fit_specification(market_registrations, calendar_weeks, spec, article)
        row: dict[str, Any] = {
            "specification": spec.name, "terms": ";".join(("brand", "t", *spec.terms)) if len(fit.brands) > 1
            else ";".join(("const", "t", *spec.terms)), "brands": ";".join(fit.brands), "n_brands": len(fit.brands),
            "years": ";".join(str(y) for y in spec.years), "first_week": fit.first_week, "last_week": fit.last_week,
            "n_obs": fit.n_obs, "n_weeks": fit.n_weeks, "n_holiday_weeks": fit.n_holiday_weeks,
            "df_resid": fit.df_resid, "interval": fit.interval, "df_interval": fit.df_interval,
            "from_week": article[0], "to_week": article[1],
            "lost_working_days_difference": differences["lost_working_days"],
            "month_end_difference": differences["month_end"], "observed_series": observed_series,
            "observed_log_change": observed, "not_fitted_reason": fit.reason,
        }
        for k in CALENDAR_TERMS:
            b = fit.coefficients.get(k, math.nan)
            lo, hi = fit.ci95.get(k, (math.nan, math.nan))
            row.update({f"{k}_coef": b, f"{k}_ci95_low": lo, f"{k}_ci95_high": hi})
        if fit.reason:
            row.update({k: math.nan for k in ("calendar_log_change", "calendar_log_change_ci95_low",
                                              "calendar_log_change_ci95_high", "percent_of_dip", "percent_ci95_low",
                                              "percent_ci95_high", "drop_one_percent_low", "drop_one_percent_high")})
            row.update({"drop_one_week_low": "", "drop_one_week_high": ""})
        else:
            d = np.array([differences[k] for k in spec.terms], dtype="float64")
            b = np.array([fit.coefficients[k] for k in spec.terms], dtype="float64")
            change = float(d @ b)
            se = math.sqrt(max(float(d @ np.array(fit.covariance) @ d), 0.0))
            crit = float(stats.t.ppf(0.5 + _CONFIDENCE / 2, fit.df_interval))
            lo, hi = change - crit * se, change + crit * se
            p_lo, p_hi = sorted((100 * lo / observed, 100 * hi / observed))
            row.update({"calendar_log_change": change, "calendar_log_change_ci95_low": lo,
                        "calendar_log_change_ci95_high": hi, "percent_of_dip": 100 * change / observed,
                        "percent_ci95_low": p_lo, "percent_ci95_high": p_hi})
            dropped = _drop_one(market_registrations, calendar_weeks, spec, article, differences, observed)
            low_week, high_week = min(dropped, key=dropped.get), max(dropped, key=dropped.get)
            row.update({"drop_one_percent_low": dropped[low_week], "drop_one_week_low": low_week,
                        "drop_one_percent_high": dropped[high_week], "drop_one_week_high": high_week})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(SPECIFICATION_COLUMNS))
    return frame.astype({"n_brands": "int64", "n_obs": "int64", "n_weeks": "int64", "n_holiday_weeks": "int64",
                         "df_resid": "int64", "df_interval": "int64"})


def specifications_summary(table: pd.DataFrame, tolerance_pp: float = CALENDAR_AGREEMENT_PP) -> dict[str, Any]:
    """The answer across specifications, as plain rounded values for ``summary.json`` (key ``calendar_specifications``).

    ``percent_low``/``percent_high``: the range of the point percentages, and the
    specifications giving them; ``interval_low``/``interval_high``: the smallest
    lower and largest upper end of their 95% intervals; ``agree``: the range is at
    most ``tolerance_pp`` points; ``headline_percent``: the middle of the range when
    they agree, else ``None``; ``allows_none``/``allows_part``/``allows_all``: 0%, a
    value strictly between 0% and 100%, and 100% lie inside the intervals' span;
    ``drop_one_low``/``drop_one_high`` (when the table has them): the extremes of
    the point percentages with any one week left out of any specification.

    >>> table = pd.DataFrame({"specification": ["a", "b"], "from_week": "2025-W16", "to_week": "2025-W19",
    ...     "observed_series": "s", "observed_log_change": -0.3, "percent_of_dip": [10.0, 50.0],
    ...     "percent_ci95_low": [-20.0, 5.0], "percent_ci95_high": [40.0, 120.0], "not_fitted_reason": ""})
    >>> s = specifications_summary(table)
    >>> s["percent_low"], s["percent_high"], s["agree"], s["headline_percent"], s["allows_none"], s["allows_all"]
    (10.0, 50.0, False, None, True, True)
    """
    from helpers.formatting import rounded

    fitted = table[table["percent_of_dip"].notna()]
    if fitted.empty:
        raise ValueError("no specification could be fitted: there is no range to give")
    points = fitted["percent_of_dip"].astype("float64")
    low_at, high_at = int(points.to_numpy().argmin()), int(points.to_numpy().argmax())
    p_low, p_high = float(points.min()), float(points.max())
    i_low, i_high = float(fitted["percent_ci95_low"].min()), float(fitted["percent_ci95_high"].max())
    agree = p_high - p_low <= tolerance_pp
    first = table.iloc[0]
    return rounded({
        "from_week": str(first["from_week"]), "to_week": str(first["to_week"]),
        "observed_series": str(first["observed_series"]), "observed_log_change": float(first["observed_log_change"]),
        "n_specs": int(len(fitted)), "n_declared": int(len(table)),
        "not_fitted": [str(s) for s in table.loc[table["percent_of_dip"].isna(), "specification"]],
        "percent_low": p_low, "percent_high": p_high,
        "percent_low_spec": str(fitted["specification"].iloc[low_at]),
        "percent_high_spec": str(fitted["specification"].iloc[high_at]),
        "interval_low": i_low, "interval_high": i_high,
        "tolerance_pp": float(tolerance_pp), "agree": bool(agree),
        "headline_percent": (p_low + p_high) / 2 if agree else None,
        "allows_none": bool(i_low <= 0 <= i_high), "allows_part": bool(i_low < 100 and i_high > 0),
        "allows_all": bool(i_high >= 100),
        **({"drop_one_low": float(fitted["drop_one_percent_low"].min()),
            "drop_one_high": float(fitted["drop_one_percent_high"].max())}
           if "drop_one_percent_low" in fitted.columns and fitted["drop_one_percent_low"].notna().any() else {}),
    })

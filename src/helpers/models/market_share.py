"""Xiaomi's share of a fixed set of brands' weekly insurance registrations: was the dip Xiaomi's or the market's?

The weekly market lists (``data/raw/market_registrations.csv``) are sparse: a
week prints some brands and not others.  A share whose denominator changes
its brands from week to week measures the lists, not the market, so every
comparison here uses **one fixed brand set** across the weeks it compares.

**Which brands.**  :func:`fixed_brand_set` knows two rules, both applied to
the weeks in which Xiaomi's own series has a figure:

* ``"every_week"``: every brand printed in *every* one of those weeks.  Used
  for the W16→W19 comparison (:func:`share_vs_market`): for 2025-W16..W19 only
  BYD is printed in all four weeks, so "the market" there is BYD alone.
* ``"max_cells"`` (the default of :func:`market_share`): the set that
  maximises (weeks in which every brand of the set is printed) × (brands in the
  set), among sets printed together in at least ``min_weeks`` weeks; ties go to
  more weeks, then more brands, then the preferred NIO series (below), then the
  alphabetically first set.  Over all
  Xiaomi weeks of 2025 this is BYD + Tesla China in 10 of the 13 weeks.

Either way ``nev_market_total`` (the whole market, every brand), the list's own
``xiaomi`` figure (Xiaomi's units come from ``weekly_sales``; the list's figure
equals it in every week both have) and all but one of the overlapping NIO
series (``nio_group`` ⊃ ``nio_brand``; ``nio`` is either) are never in a set:
of those, a set holds at most one, preferring ``nio_group``, then
``nio_brand``, then ``nio``.

**Weeks missing a brand** of the set stay in the table with ``total_units`` and
``share`` missing and ``missing_brands`` naming the absent brands: never filled.

**The model** is OLS of the log-odds ``log(share / (1 - share))`` on ``t``
(calendar weeks since the first week, gaps kept as gaps), with a t interval.
A binomial GLM with the totals as trials treats every one of ~60,000 vehicles
as an independent draw and gives intervals of a few hundredths of a point
that ignore the week-to-week scatter the lists actually show; the log-odds
OLS estimates that scatter from the residuals, which is what a quasi-binomial
fit with a Pearson scale would also do, with fewer assumptions to explain.

The measure throughout is **insurance registrations** (上险量) as the weekly
lists print them; the weeks' figures come from different lists and sites.

>>> sales = pd.DataFrame({"series": "xiaomi_all", "iso_year": 2025, "iso_week": [16, 17], "units": [10, 8]})
>>> market = pd.DataFrame({"iso_year": 2025, "iso_week": [16, 17, 16], "series": ["byd", "byd", "li_auto"],
...                        "units": [90, 92, 5], "source_id": "s"})
>>> market_share(sales, market, brand_rule="every_week")[["week", "brands", "total_units", "share"]].values.tolist()
[['2025-W16', 'byd;xiaomi_all', 100, 0.1], ['2025-W17', 'byd;xiaomi_all', 100, 0.08]]
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.models.trend import SMALL_SAMPLE_WEEKS

__all__ = [
    "MEASURE",
    "NOT_BRANDS",
    "OVERLAPPING_SERIES",
    "BRAND_RULES",
    "MIN_SHARE_WEEKS",
    "ShareTrendFit",
    "ShareComparison",
    "brands_by_week",
    "fixed_brand_set",
    "one_of_each_overlap",
    "market_share",
    "market_total_weeks",
    "fit_share_trend",
    "share_vs_market",
    "describe_share",
]

#: What every figure here counts.
MEASURE = "insurance registrations"
#: Market series that are never a brand of a set: the whole market, and the list's own Xiaomi figure.
NOT_BRANDS = ("nev_market_total", "xiaomi")
#: Series that count some of the same vehicles: a set holds at most one of each group (first preferred).
OVERLAPPING_SERIES = (("nio_group", "nio_brand", "nio"),)
#: The rules :func:`fixed_brand_set` knows.
BRAND_RULES = ("every_week", "max_cells")
#: Fewest weeks a ``"max_cells"`` set must be printed in together (a trend needs three).
MIN_SHARE_WEEKS = 3
#: Most candidate brands the exhaustive ``"max_cells"`` search accepts (2**16 sets).
_MAX_CANDIDATES = 16
_CONFIDENCE = 0.95


def _label(iso_year: Any, iso_week: Any) -> str:
    return weeks.week_label(int(iso_year), int(iso_week))


def _labels_of(frame: pd.DataFrame) -> list[str]:
    return [_label(y, w) for y, w in zip(frame["iso_year"], frame["iso_week"])]


def _pair(week: str) -> tuple[int, int]:
    return weeks.parse_week_label(week)


def _in_range(labels: Iterable[str], first_week: str | None, last_week: str | None) -> list[bool]:
    low = _pair(first_week) if first_week is not None else None
    high = _pair(last_week) if last_week is not None else None
    return [(low is None or _pair(w) >= low) and (high is None or _pair(w) <= high) for w in labels]


def brands_by_week(market_registrations: pd.DataFrame) -> dict[str, frozenset[str]]:
    """The brands each week's lists print, by week label, leaving out :data:`NOT_BRANDS`.

    >>> market = pd.DataFrame({"iso_year": 2025, "iso_week": [16, 16, 17], "series": ["byd", "xiaomi", "byd"],
    ...                        "units": [1, 2, 3]})
    >>> {w: sorted(b) for w, b in brands_by_week(market).items()}
    {'2025-W16': ['byd'], '2025-W17': ['byd']}
    """
    printed: dict[str, set[str]] = {}
    for label, series in zip(_labels_of(market_registrations), market_registrations["series"].astype(str)):
        if series not in NOT_BRANDS:
            printed.setdefault(label, set()).add(series)
    return {label: frozenset(printed[label]) for label in sorted(printed, key=_pair)}


def _overlap_problem(brands: Iterable[str]) -> str | None:
    chosen = set(brands)
    for group in OVERLAPPING_SERIES:
        both = [s for s in group if s in chosen]
        if len(both) > 1:
            return f"{' and '.join(both)} count some of the same vehicles: a brand set holds at most one of them"
    return None


def _overlap_rank(brands: Iterable[str]) -> int:
    """How far down each :data:`OVERLAPPING_SERIES` preference the set's members are (0 = all preferred)."""
    return sum(group.index(b) for group in OVERLAPPING_SERIES for b in brands if b in group)


def one_of_each_overlap(brands: Iterable[str]) -> set[str]:
    """``brands`` with, of series that count some of the same cars (:data:`OVERLAPPING_SERIES`), the first kept."""
    kept = set(brands)
    for group in OVERLAPPING_SERIES:
        present = [s for s in group if s in kept]
        kept -= set(present[1:])
    return kept


def fixed_brand_set(
    market_registrations: pd.DataFrame,
    weeks_compared: Sequence[str],
    rule: str = "every_week",
    min_weeks: int = MIN_SHARE_WEEKS,
) -> tuple[str, ...]:
    """The brands (sorted, Xiaomi not included) whose sum is "the market" over ``weeks_compared``.

    ``"every_week"``: every brand printed in every week of ``weeks_compared``.
    ``"max_cells"``: the set maximising weeks × brands among sets printed
    together in at least ``min_weeks`` of the weeks (ties: more weeks, then more
    brands, then the preferred NIO series, then alphabetical order).  Either rule keeps at most one series of
    each :data:`OVERLAPPING_SERIES` group and none of :data:`NOT_BRANDS`.  An
    empty tuple means no brand qualifies.

    >>> market = pd.DataFrame({"iso_year": 2025, "iso_week": [1, 1, 1, 2, 2, 3, 3],
    ...     "series": ["a", "b", "c", "a", "b", "a", "c"], "units": 1})
    >>> fixed_brand_set(market, ["2025-W01", "2025-W02", "2025-W03"])
    ('a',)
    >>> fixed_brand_set(market, ["2025-W01", "2025-W02", "2025-W03"], "max_cells", min_weeks=2)
    ('a', 'b')
    """
    if rule not in BRAND_RULES:
        raise ValueError(f"rule must be one of {', '.join(map(repr, BRAND_RULES))}, got {rule!r}")
    compared = sorted({weeks.week_label(*_pair(w)) for w in weeks_compared}, key=_pair)
    if not compared:
        raise ValueError("weeks_compared is empty: name the weeks the share compares")
    printed = brands_by_week(market_registrations)
    per_week = [printed.get(w, frozenset()) for w in compared]
    if rule == "every_week":
        return tuple(sorted(one_of_each_overlap(frozenset.intersection(*per_week))))
    counts = {b: sum(b in p for p in per_week) for b in set().union(*per_week)}
    candidates = sorted(b for b, n in counts.items() if n >= min_weeks)
    if len(candidates) > _MAX_CANDIDATES:
        raise ValueError(f"{len(candidates)} candidate brands: too many for the exhaustive max_cells search "
                         f"(at most {_MAX_CANDIDATES})")
    best: tuple[tuple[int, int, int], tuple[str, ...]] | None = None
    for size in range(1, len(candidates) + 1):
        for brands in itertools.combinations(candidates, size):
            if _overlap_problem(brands) is not None:
                continue
            n_weeks = sum(set(brands) <= p for p in per_week)
            if n_weeks < min_weeks:
                continue
            score = (n_weeks * size, n_weeks, size, -_overlap_rank(brands))
            if best is None or score > best[0]:  # combinations come in alphabetical order: first wins a tie
                best = (score, brands)
    return best[1] if best is not None else ()


def market_share(
    weekly_sales: pd.DataFrame,
    market_registrations: pd.DataFrame,
    xiaomi_series: str = "xiaomi_all",
    brands: Sequence[str] | None = None,
    calendar_weeks: pd.DataFrame | None = None,
    first_week: str | None = None,
    last_week: str | None = None,
    brand_rule: str = "max_cells",
    min_weeks: int = MIN_SHARE_WEEKS,
) -> pd.DataFrame:
    """Xiaomi's share of a fixed brand set's registrations, one row per week with a Xiaomi figure.

    Xiaomi's ``units`` come from ``weekly_sales`` (series ``xiaomi_series``),
    the other brands' from ``market_registrations``.  ``brands`` (without
    Xiaomi) defaults to :func:`fixed_brand_set` of the Xiaomi weeks in
    ``first_week..last_week`` under ``brand_rule``.  Columns: ``week, iso_year,
    iso_week, series, units, brands`` (sorted, ``;``-separated, Xiaomi's series
    included), ``n_brands`` (Xiaomi included), ``other_units`` (the set's other
    brands), ``total_units`` (units + other_units), ``share`` (units /
    total_units), ``missing_brands`` (the set's brands without a figure that
    week; then ``other_units``, ``total_units`` and ``share`` are missing) and
    ``source_ids`` (the market rows' sources); with ``calendar_weeks`` also
    ``holiday_days`` and ``month_end``.

    >>> sales = pd.DataFrame({"series": "x", "iso_year": 2025, "iso_week": [16, 17], "units": [10, 8]})
    >>> market = pd.DataFrame({"iso_year": 2025, "iso_week": [16], "series": ["byd"], "units": [90], "source_id": "s"})
    >>> market_share(sales, market, "x", brands=["byd"])[["week", "total_units", "share", "missing_brands"]].values.tolist()
    [['2025-W16', 100, 0.1, ''], ['2025-W17', <NA>, nan, 'byd']]
    """
    missing = [c for c in ("series", "iso_year", "iso_week", "units") if c not in weekly_sales.columns]
    missing += [f"market_registrations.{c}" for c in ("series", "iso_year", "iso_week", "units")
                if c not in market_registrations.columns]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    own = weekly_sales[(weekly_sales["series"].astype(str) == xiaomi_series) & weekly_sales["units"].notna()]
    if own.empty:
        raise ValueError(f"weekly_sales has no figure for series {xiaomi_series!r}")
    labels = _labels_of(own)
    keep = _in_range(labels, first_week, last_week)
    own = own[keep]
    labels = [w for w, k in zip(labels, keep) if k]
    if len(set(labels)) != len(labels):
        raise ValueError(f"series {xiaomi_series!r} has more than one row for a week")
    if not labels:
        raise ValueError(f"series {xiaomi_series!r} has no figure in {first_week}..{last_week}")
    if brands is None:
        brands = fixed_brand_set(market_registrations, labels, brand_rule, min_weeks)
    brands = tuple(sorted(set(brands)))
    known = set(market_registrations["series"].astype(str))
    unknown = [b for b in brands if b not in known or b in NOT_BRANDS]
    if unknown:
        raise ValueError(f"not a brand series of market_registrations: {', '.join(unknown)}")
    problem = _overlap_problem(brands)
    if problem:
        raise ValueError(problem)
    market = market_registrations[market_registrations["series"].astype(str).isin(brands)]
    market_labels = _labels_of(market)
    by_week: dict[str, dict[str, int]] = {}
    sources: dict[str, set[str]] = {}
    has_sources = "source_id" in market.columns
    for i, (label, series, units) in enumerate(zip(market_labels, market["series"].astype(str), market["units"])):
        if series in by_week.setdefault(label, {}):
            raise ValueError(f"market_registrations has more than one row for {series} in {label}")
        by_week[label][series] = int(units)
        if has_sources:
            sources.setdefault(label, set()).add(str(market["source_id"].iloc[i]))
    rows = []
    for label, units in zip(labels, own["units"]):
        printed = by_week.get(label, {})
        absent = [b for b in brands if b not in printed]
        others = None if absent else sum(printed[b] for b in brands)
        total = None if others is None else int(units) + others
        rows.append({
            "week": label,
            "iso_year": _pair(label)[0],
            "iso_week": _pair(label)[1],
            "series": xiaomi_series,
            "units": int(units),
            "brands": ";".join(sorted((*brands, xiaomi_series))),
            "n_brands": len(brands) + 1,
            "other_units": others,
            "total_units": total,
            "share": float("nan") if total is None else int(units) / total,
            "missing_brands": ";".join(absent),
            "source_ids": ";".join(sorted(sources.get(label, set()))),
        })
    table = pd.DataFrame(rows, columns=["week", "iso_year", "iso_week", "series", "units", "brands", "n_brands",
                                        "other_units", "total_units", "share", "missing_brands", "source_ids"])
    table = table.astype({"week": "string", "iso_year": "int64", "iso_week": "int64", "series": "string",
                          "units": "int64", "brands": "string", "n_brands": "int64", "other_units": "Int64",
                          "total_units": "Int64", "share": "float64", "missing_brands": "string",
                          "source_ids": "string"})
    table = table.sort_values(["iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)
    if calendar_weeks is not None:
        table = _with_calendar(table, calendar_weeks)
    return table


def market_total_weeks(
    market_registrations: pd.DataFrame,
    brands: Sequence[str],
    first_week: str | None = None,
    last_week: str | None = None,
) -> pd.DataFrame:
    """The fixed set's summed registrations in every week where all of ``brands`` are printed, as weekly sales.

    Columns ``series, week, iso_year, iso_week, units, n_brands``; ``series``
    is ``"market:"`` and the brands joined by ``+``.  Weeks missing a brand
    are left out (never filled).  Xiaomi is not in it: this is the market
    beside Xiaomi, for models that must not see Xiaomi's own figures.

    >>> market = pd.DataFrame({"iso_year": 2025, "iso_week": [1, 1, 2], "series": ["a", "b", "a"], "units": [5, 6, 7]})
    >>> market_total_weeks(market, ["a", "b"]).values.tolist()
    [['market:a+b', '2025-W01', 2025, 1, 11, 2]]
    """
    brands = tuple(sorted(set(brands)))
    if not brands:
        raise ValueError("brands is empty: name the brands of the set")
    problem = _overlap_problem(brands)
    if problem:
        raise ValueError(problem)
    rows = market_registrations[market_registrations["series"].astype(str).isin(brands)]
    labels = _labels_of(rows)
    keep = _in_range(labels, first_week, last_week)
    summed: dict[str, dict[str, int]] = {}
    for label, series, units, k in zip(labels, rows["series"].astype(str), rows["units"], keep):
        if k:
            if series in summed.setdefault(label, {}):
                raise ValueError(f"market_registrations has more than one row for {series} in {label}")
            summed[label][series] = int(units)
    complete = [w for w in sorted(summed, key=_pair) if set(summed[w]) == set(brands)]
    frame = pd.DataFrame({
        "series": ["market:" + "+".join(brands)] * len(complete),
        "week": complete,
        "iso_year": [_pair(w)[0] for w in complete],
        "iso_week": [_pair(w)[1] for w in complete],
        "units": [sum(summed[w].values()) for w in complete],
        "n_brands": [len(brands)] * len(complete),
    })
    return frame.astype({"series": "string", "week": "string", "iso_year": "int64", "iso_week": "int64",
                         "units": "int64", "n_brands": "int64"})


def _with_calendar(table: pd.DataFrame, calendar_weeks: pd.DataFrame) -> pd.DataFrame:
    calendar = calendar_weeks[["iso_year", "iso_week", "holiday_days", "month_end"]].astype(
        {"iso_year": "int64", "iso_week": "int64", "holiday_days": "int64", "month_end": "bool"})
    joined = table.merge(calendar, on=["iso_year", "iso_week"], how="left", validate="one_to_one")
    absent = joined.loc[joined["holiday_days"].isna(), "week"].tolist()
    if absent:
        raise ValueError(f"calendar_weeks has no row for {', '.join(absent)}")
    return joined.astype({"holiday_days": "int64", "month_end": "bool"})


@dataclass(frozen=True)
class ShareTrendFit:
    """OLS of the log-odds of the share on ``t`` (calendar weeks since ``first_week``).

    ``slope`` is the change in log-odds a week; ``odds_ratio_per_week =
    exp(slope)``.  ``log_odds_change`` is the fitted change from ``first_week``
    to ``last_week`` (``slope × span_weeks``) with its interval; the observed
    shares at both ends and their difference in percentage points are kept
    beside the fitted ones.  Intervals are 95%, t with ``n_weeks - 2`` degrees of
    freedom, and ``None`` when ``n_weeks`` is 2 (a line through two points has no
    residual to estimate the scatter from).
    """

    brands: str
    first_week: str
    last_week: str
    n_weeks: int
    weeks: tuple[str, ...]
    missing_weeks: tuple[str, ...]
    span_weeks: int
    slope: float
    slope_ci95: tuple[float, float] | None
    df_resid: int
    odds_ratio_per_week: float
    log_odds_change: float
    log_odds_change_ci95: tuple[float, float] | None
    share_first: float
    share_last: float
    share_change_pp: float
    fitted_share_first: float
    fitted_share_last: float
    fitted_change_pp: float
    small_sample: bool
    result: Any = field(default=None, repr=False, compare=False, hash=False)


def _share_rows(table: pd.DataFrame, first_week: str | None, last_week: str | None) -> tuple[pd.DataFrame, list[str]]:
    labels = [str(w) for w in table["week"]]
    inside = table[_in_range(labels, first_week, last_week)]
    usable = inside[inside["share"].notna()].copy()
    usable["week"] = usable["week"].astype(str)
    usable = usable.sort_values(["iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)
    left_out = [str(w) for w, s in zip(inside["week"], inside["share"]) if pd.isna(s)]
    return usable, left_out


def fit_share_trend(table: pd.DataFrame, first_week: str | None = None, last_week: str | None = None) -> ShareTrendFit:
    """The log-odds trend of ``share`` over the weeks of ``table`` in ``first_week..last_week`` that have one.

    Needs at least two such weeks and shares strictly between 0 and 1.

    >>> table = pd.DataFrame({"week": ["2025-W01", "2025-W02", "2025-W03"], "iso_year": 2025, "iso_week": [1, 2, 3],
    ...                       "brands": "a;x", "share": [0.5, 1 / (1 + math.exp(-1)), 1 / (1 + math.exp(-2))]})
    >>> fit = fit_share_trend(table)
    >>> round(fit.slope, 9), fit.n_weeks, round(fit.share_change_pp, 1)
    (1.0, 3, 38.1)
    """
    import statsmodels.api as sm

    rows, _ = _share_rows(table, first_week, last_week)
    if len(rows) < 2:
        raise ValueError(f"{len(rows)} week(s) with a share in {first_week}..{last_week}; a trend needs at least 2")
    share = rows["share"].to_numpy(dtype="float64")
    if not ((share > 0) & (share < 1)).all():
        raise ValueError(f"the log-odds need every share strictly between 0 and 1, got {share.tolist()}")
    labels = rows["week"].tolist()
    first = _pair(labels[0])
    t = np.array([weeks.weeks_between(first, _pair(w)) for w in labels], dtype="float64")
    y = np.log(share / (1 - share))
    result = sm.OLS(y, sm.add_constant(t, has_constant="add")).fit()
    intercept, slope = (float(v) for v in result.params)
    span = int(t[-1])
    df_resid = int(round(result.df_resid))
    if df_resid >= 1:
        lo, hi = (float(v) for v in result.conf_int(alpha=1 - _CONFIDENCE)[1])
        slope_ci = (lo, hi)
        change_ci = tuple(sorted((lo * span, hi * span)))
    else:
        slope_ci = change_ci = None

    def inverse_logit(v: float) -> float:
        return 1 / (1 + math.exp(-v))

    fitted_first, fitted_last = inverse_logit(intercept), inverse_logit(intercept + slope * span)
    every = [weeks.week_label(*p) for p in weeks.week_range(first, _pair(labels[-1]))]
    brands = sorted({str(b) for b in table["brands"]}) if "brands" in table.columns else []
    return ShareTrendFit(
        brands=brands[0] if len(brands) == 1 else " | ".join(brands),
        first_week=labels[0],
        last_week=labels[-1],
        n_weeks=len(labels),
        weeks=tuple(labels),
        missing_weeks=tuple(w for w in every if w not in set(labels)),
        span_weeks=span,
        slope=slope,
        slope_ci95=slope_ci,
        df_resid=df_resid,
        odds_ratio_per_week=math.exp(slope),
        log_odds_change=slope * span,
        log_odds_change_ci95=change_ci,
        share_first=float(share[0]),
        share_last=float(share[-1]),
        share_change_pp=100 * float(share[-1] - share[0]),
        fitted_share_first=fitted_first,
        fitted_share_last=fitted_last,
        fitted_change_pp=100 * (fitted_last - fitted_first),
        small_sample=len(labels) < SMALL_SAMPLE_WEEKS,
        result=result,
    )


@dataclass(frozen=True)
class ShareComparison:
    """Xiaomi, the fixed set's other brands, their total and Xiaomi's share, from ``first_week`` to ``last_week``.

    Changes are fractions (``-0.28`` = down 28%); ``share_change_pp`` is in
    percentage points.  ``weeks_left_out`` are weeks of the span in the table
    whose share is missing (a brand of the set was not printed).  ``trend`` is
    the log-odds fit over the weeks used (``None`` never: two weeks suffice, but
    then it has no interval).
    """

    series: str
    brands: str
    first_week: str
    last_week: str
    weeks_used: tuple[str, ...]
    weeks_left_out: tuple[str, ...]
    units_first: int
    units_last: int
    units_change: float
    others_first: int
    others_last: int
    others_change: float
    total_first: int
    total_last: int
    total_change: float
    share_first: float
    share_last: float
    share_change_pp: float
    xiaomi_fell: bool
    others_fell: bool
    total_fell: bool
    share_fell: bool
    trend: ShareTrendFit
    small_sample: bool


def share_vs_market(table: pd.DataFrame, first_week: str = "2025-W16", last_week: str = "2025-W19") -> ShareComparison:
    """Did Xiaomi's units, the fixed set's market and Xiaomi's share fall from ``first_week`` to ``last_week``?

    ``table`` is what :func:`market_share` returns; both end weeks need a share.

    >>> table = pd.DataFrame({"week": ["2025-W16", "2025-W17"], "iso_year": 2025, "iso_week": [16, 17], "series": "x",
    ...     "units": [10, 8], "brands": "a;x", "other_units": [90, 92], "total_units": [100, 100], "share": [0.1, 0.08]})
    >>> c = share_vs_market(table, "2025-W16", "2025-W17")
    >>> c.xiaomi_fell, c.total_fell, c.share_fell, round(c.share_change_pp, 6)
    (True, False, True, -2.0)
    """
    rows, left_out = _share_rows(table, first_week, last_week)
    labels = rows["week"].tolist()
    ends = [w for w in (first_week, last_week) if weeks.week_label(*_pair(w)) not in labels]
    if ends:
        raise ValueError(f"no share for {', '.join(ends)} in the table (a brand of the set is missing, or no "
                         "Xiaomi figure): choose a brand set printed in both weeks")
    head, tail = rows.iloc[0], rows.iloc[-1]
    trend = fit_share_trend(table, first_week, last_week)

    def change(a: Any, b: Any) -> float:
        return float(b) / float(a) - 1

    return ShareComparison(
        series=str(head["series"]),
        brands=str(head["brands"]),
        first_week=labels[0],
        last_week=labels[-1],
        weeks_used=tuple(labels),
        weeks_left_out=tuple(left_out),
        units_first=int(head["units"]),
        units_last=int(tail["units"]),
        units_change=change(head["units"], tail["units"]),
        others_first=int(head["other_units"]),
        others_last=int(tail["other_units"]),
        others_change=change(head["other_units"], tail["other_units"]),
        total_first=int(head["total_units"]),
        total_last=int(tail["total_units"]),
        total_change=change(head["total_units"], tail["total_units"]),
        share_first=float(head["share"]),
        share_last=float(tail["share"]),
        share_change_pp=100 * (float(tail["share"]) - float(head["share"])),
        xiaomi_fell=int(tail["units"]) < int(head["units"]),
        others_fell=int(tail["other_units"]) < int(head["other_units"]),
        total_fell=int(tail["total_units"]) < int(head["total_units"]),
        share_fell=float(tail["share"]) < float(head["share"]),
        trend=trend,
        small_sample=trend.small_sample,
    )


# --------------------------------------------------------------------------- outputs (notebook 08)


def comparison_summary(comparison: ShareComparison) -> dict[str, Any]:
    """A :class:`ShareComparison` as plain rounded values for ``summary.json`` (the trend's interval included)."""
    from helpers.formatting import rounded

    trend = comparison.trend
    return rounded({
        "series": comparison.series, "brands": comparison.brands, "first_week": comparison.first_week,
        "last_week": comparison.last_week, "weeks_used": list(comparison.weeks_used),
        "weeks_left_out": list(comparison.weeks_left_out), "units_change": comparison.units_change,
        "others_change": comparison.others_change, "total_change": comparison.total_change,
        "share_first": comparison.share_first, "share_last": comparison.share_last,
        "share_change_pp": comparison.share_change_pp, "xiaomi_fell": comparison.xiaomi_fell,
        "others_fell": comparison.others_fell, "share_fell": comparison.share_fell,
        "log_odds_slope": trend.slope, "log_odds_slope_ci95": list(trend.slope_ci95) if trend.slope_ci95 else None,
        "n_weeks": trend.n_weeks, "df_resid": trend.df_resid, "small_sample": comparison.small_sample,
    })


def write_market_outputs(tables: Mapping[str, Any], folder: Any = None) -> list[str]:
    """Write notebook 08's outputs atomically; return their paths relative to the project root.

    ``tables``: ``market_share``, ``brand_changes``, ``brand_spread``, ``brand_left_out``, ``months_beside_weeks``
    and ``calendar_specifications`` (frames, written
    as CSV through :func:`helpers.formatting.round_frame`) and ``summary`` (a
    dict of plain values).  ``folder`` defaults to ``data/processed/market``.
    """
    from pathlib import Path

    from helpers import catalog
    from helpers.atomic import write_csv_atomic, write_json_atomic
    from helpers.formatting import round_frame
    from helpers.paths import relative_to_root

    out = Path(folder) if folder is not None else catalog.step_folder("08_market_calendar")
    written = []
    for name in ("market_share", "brand_changes", "brand_spread", "brand_left_out", "months_beside_weeks",
                 "calendar_specifications"):
        write_csv_atomic(out / f"{name}.csv", round_frame(tables[name]))
        written.append(out / f"{name}.csv")
    write_json_atomic(out / "summary.json", tables["summary"])
    written.append(out / "summary.json")
    return [relative_to_root(p) for p in written]

"""Xiaomi's weekly change beside every other brand printed at both ends of the same comparison.

The market-share fit (:mod:`helpers.models.market_share`) pools brands into one
total; this module keeps them apart, so a reader sees whether Xiaomi's change lies
inside the spread of the others or outside it, and which brand drives a pooled
total (one brand moving against the rest, as BYD did in the article's weeks, can
carry a share on its own).

Every figure comes from ``market_registrations.csv``, Xiaomi's too (the list's own
``xiaomi`` row): within a comparison every brand is counted by the same lists, as
insurance registrations.  A brand enters a comparison only if it is printed at both
ends; of brands that count some of the same cars (NIO's series) one is kept.

**The test, specified before it was fitted** (the accident week is the most direct
test of the article's thesis the weekly lists allow): the peers' log changes are
taken as draws from one distribution; Xiaomi's excess is its log change minus the
peers' mean, and its 95% interval is the t prediction interval of a new brand's
change, ``mean ± t(0.975, n−1) · sd · sqrt(1 + 1/n)``, subtracted from Xiaomi's.
An interval that holds zero says Xiaomi's change lies within what brands did that
week; with fewer than three peers no interval is given.  A *placebo* repeats the
comparison across a week with the same holiday and no accident (2024's Qingming
week), when those weeks are in the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from helpers.data import weeks
from helpers.models.market_share import OVERLAPPING_SERIES, one_of_each_overlap

__all__ = ["XIAOMI", "Comparison", "COMPARISONS", "BRAND_CHANGE_COLUMNS", "SPREAD_COLUMNS", "LEFT_OUT_COLUMNS",
           "parse_brands", "brand_changes", "left_out", "place_in_spread", "spread_summary"]

#: Xiaomi as printed in the weekly lists, beside the other brands.
XIAOMI = "xiaomi"
#: Rows that are not a brand: the whole market.
_NOT_BRANDS = ("nev_market_total",)
_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Comparison:
    """Two weeks compared: ``name`` (an id), ``first_week`` → ``last_week``, and what it tests in words."""

    name: str
    first_week: str
    last_week: str
    meaning: str


#: The comparisons notebook 08 draws: the article's weeks, the accident week, and the accident week's placebo.
COMPARISONS = (
    Comparison("article_weeks", "2025-W16", "2025-W19", "the article's weeks"),
    Comparison("accident_week", "2025-W13", "2025-W14",
               "the accident week (29 March, in 2025-W13) to the week after, which holds Qingming"),
    Comparison("placebo_2024_qingming", "2024-W13", "2024-W14",
               "the same two weeks of 2024, with Qingming and no accident (the placebo)"),
)

BRAND_CHANGE_COLUMNS = ("comparison", "brand", "is_xiaomi", "first_week", "last_week", "units_first", "units_last",
                        "change", "log_change", "source_first", "source_last")
LEFT_OUT_COLUMNS = ("comparison", "brand", "reason")
SPREAD_COLUMNS = ("comparison", "first_week", "last_week", "n_peers", "peers", "xiaomi_change", "peers_min_change",
                  "peers_min_brand", "peers_max_change", "peers_max_brand", "peers_pooled_change", "peers_mean_log_change",
                  "xiaomi_excess_log",
                  "excess_low", "excess_high", "peers_below_xiaomi", "within_spread")


def _units(market: pd.DataFrame, week: str) -> dict[str, tuple[int, str]]:
    year, number = weeks.parse_week_label(week)
    rows = market[(market["iso_year"].astype(int) == year) & (market["iso_week"].astype(int) == number)]
    return {str(r["series"]): (int(r["units"]), str(r["source_id"])) for r in rows.to_dict("records")
            if str(r["series"]) not in _NOT_BRANDS and int(r["units"]) > 0}


def _brand_names(market: pd.DataFrame) -> list[str]:
    return sorted(set(market["series"].astype(str)) - set(_NOT_BRANDS) - {XIAOMI})


def parse_brands(text: str, market_registrations: pd.DataFrame) -> tuple[str, ...] | None:
    """Notebook 08's ``brands`` parameter: ``""`` for every brand, else brand ids separated by commas.

    Xiaomi is always compared, so it is not named.  A name the lists never print is refused, naming the ones they do.

    >>> market = pd.DataFrame({"series": ["xiaomi", "byd", "li_auto", "nev_market_total"]})
    >>> parse_brands("", market) is None, parse_brands(" li_auto, byd ", market)
    (True, ('byd', 'li_auto'))
    >>> parse_brands("byd,tesla", market)
    Traceback (most recent call last):
    ...
    ValueError: brands: 'tesla' is not a brand of market_registrations.csv (expected some of: byd, li_auto)
    """
    names = [part.strip() for part in str(text).split(",") if part.strip()]
    if not names:
        return None
    known = _brand_names(market_registrations)
    for name in names:
        if name not in known:
            raise ValueError(f"brands: {name!r} is not a brand of market_registrations.csv "
                             f"(expected some of: {', '.join(known)})")
    return tuple(sorted(set(names)))


def brand_changes(market_registrations: pd.DataFrame, comparisons: Iterable[Comparison] = COMPARISONS,
                  brands: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per brand printed at both ends of each comparison (Xiaomi's row flagged); comparisons with none are absent.

    ``change`` is ``units_last / units_first − 1``; ``log_change`` its log, the scale the test uses.
    ``brands`` (Xiaomi aside) keeps only those peers; :func:`left_out` names the rest, with why.

    >>> market = pd.DataFrame({"iso_year": 2025, "iso_week": [16, 16, 16, 19, 19, 19, 19],
    ...     "series": ["xiaomi", "byd", "nio_group", "xiaomi", "byd", "nio_group", "tesla_china"],
    ...     "units": [7200, 56300, 6000, 5200, 67980, 6060, 3100], "source_id": "s"})
    >>> frame = brand_changes(market, [Comparison("a", "2025-W16", "2025-W19", "")])
    >>> frame[["brand", "units_first", "units_last", "change"]].round(3).values.tolist()
    [['xiaomi', 7200, 5200, -0.278], ['byd', 56300, 67980, 0.207], ['nio_group', 6000, 6060, 0.01]]
    >>> brand_changes(market, [Comparison("a", "2025-W16", "2025-W19", "")], brands=["byd"])["brand"].tolist()
    ['xiaomi', 'byd']
    """
    chosen = None if brands is None else set(brands) | {XIAOMI}
    rows = []
    for comparison in comparisons:
        first, last = _units(market_registrations, comparison.first_week), _units(market_registrations, comparison.last_week)
        both = sorted(one_of_each_overlap(set(first) & set(last)))
        for brand in sorted(both, key=lambda b: (b != XIAOMI, b)):
            if chosen is not None and brand not in chosen:
                continue
            (u0, s0), (u1, s1) = first[brand], last[brand]
            rows.append({"comparison": comparison.name, "brand": brand, "is_xiaomi": brand == XIAOMI,
                         "first_week": comparison.first_week, "last_week": comparison.last_week,
                         "units_first": u0, "units_last": u1, "change": u1 / u0 - 1, "log_change": math.log(u1 / u0),
                         "source_first": s0, "source_last": s1})
    frame = pd.DataFrame(rows, columns=list(BRAND_CHANGE_COLUMNS))
    return frame.astype({"is_xiaomi": "bool", "units_first": "int64", "units_last": "int64"})


def left_out(market_registrations: pd.DataFrame, comparisons: Iterable[Comparison] = COMPARISONS,
             brands: Iterable[str] | None = None) -> pd.DataFrame:
    """Per comparison, every brand printed at either end that :func:`brand_changes` leaves out, and why.

    ``reason`` is ``"not printed in <week>"``, ``"counts some of the same cars as <brand>"`` (NIO's series)
    or ``"left out by the brands parameter"``.

    >>> market = pd.DataFrame({"iso_year": 2025, "iso_week": [16, 16, 16, 19, 19, 19],
    ...     "series": ["xiaomi", "byd", "li_auto", "xiaomi", "byd", "tesla_china"], "units": 1, "source_id": "s"})
    >>> left_out(market, [Comparison("a", "2025-W16", "2025-W19", "")], brands=[]).values.tolist()
    [['a', 'byd', 'left out by the brands parameter'], ['a', 'li_auto', 'not printed in 2025-W19'], ['a', 'tesla_china', 'not printed in 2025-W16']]
    """
    chosen = None if brands is None else set(brands) | {XIAOMI}
    rows = []
    for comparison in comparisons:
        first, last = _units(market_registrations, comparison.first_week), _units(market_registrations, comparison.last_week)
        both = set(first) & set(last)
        kept = one_of_each_overlap(both)
        for brand in sorted((set(first) | set(last)) - {XIAOMI}):
            if brand not in first:
                reason = f"not printed in {comparison.first_week}"
            elif brand not in last:
                reason = f"not printed in {comparison.last_week}"
            elif brand not in kept:
                group = next(g for g in OVERLAPPING_SERIES if brand in g)
                reason = "counts some of the same cars as " + ", ".join(sorted(kept & set(group)))
            elif chosen is not None and brand not in chosen:
                reason = "left out by the brands parameter"
            else:
                continue
            rows.append({"comparison": comparison.name, "brand": brand, "reason": reason})
    return pd.DataFrame(rows, columns=list(LEFT_OUT_COLUMNS)).astype("string")


def place_in_spread(changes: pd.DataFrame, confidence: float = _CONFIDENCE) -> pd.DataFrame:
    """Per comparison: where Xiaomi's change lies among the peers', and the test of the module docstring.

    A comparison without a Xiaomi row (the 2024 placebo: Xiaomi's deliveries began in
    2024-W14) keeps the peers' changes; Xiaomi's columns are empty.

    >>> changes = pd.DataFrame({"comparison": "a", "first_week": "2025-W16", "last_week": "2025-W19",
    ...     "brand": ["xiaomi", "b1", "b2", "b3", "b4"], "is_xiaomi": [True, False, False, False, False],
    ...     "units_first": [100, 100, 100, 100, 100], "units_last": [70, 90, 110, 95, 105]})
    >>> changes["change"] = changes["units_last"] / changes["units_first"] - 1
    >>> changes["log_change"] = [math.log(u / 100) for u in changes["units_last"]]
    >>> row = place_in_spread(changes).iloc[0]
    >>> int(row["n_peers"]), round(float(row["xiaomi_change"]), 2), round(float(row["peers_pooled_change"]), 2), bool(row["within_spread"])
    (4, -0.3, 0.0, False)
    """
    from scipy import stats

    rows = []
    for name, group in changes.groupby("comparison", sort=False):
        xiaomi = group[group["is_xiaomi"]]
        peers = group[~group["is_xiaomi"]]
        x = float(xiaomi["log_change"].iloc[0]) if len(xiaomi) else math.nan
        n = len(peers)
        logs = peers["log_change"].astype(float)
        mean = float(logs.mean()) if n else math.nan
        low = high = math.nan
        if n >= 3 and len(xiaomi):
            half = stats.t.ppf(0.5 + confidence / 2, n - 1) * float(logs.std(ddof=1)) * math.sqrt(1 + 1 / n)
            low, high = x - (mean + half), x - (mean - half)
        rows.append({
            "comparison": name, "first_week": str(group["first_week"].iloc[0]), "last_week": str(group["last_week"].iloc[0]),
            "n_peers": n, "peers": "; ".join(peers["brand"].astype(str)),
            "xiaomi_change": float(xiaomi["change"].iloc[0]) if len(xiaomi) else math.nan,
            "peers_min_change": float(peers["change"].min()) if n else math.nan,
            "peers_min_brand": str(peers.loc[peers["change"].idxmin(), "brand"]) if n else "",
            "peers_max_change": float(peers["change"].max()) if n else math.nan,
            "peers_max_brand": str(peers.loc[peers["change"].idxmax(), "brand"]) if n else "",
            "peers_pooled_change": float(peers["units_last"].sum() / peers["units_first"].sum() - 1) if n else math.nan,
            "peers_mean_log_change": mean, "xiaomi_excess_log": x - mean if n else math.nan,
            "excess_low": low, "excess_high": high,
            "peers_below_xiaomi": int((logs < x).sum()),
            "within_spread": (low <= 0 <= high) if not math.isnan(low) else pd.NA,
        })
    frame = pd.DataFrame(rows, columns=list(SPREAD_COLUMNS))
    return frame.astype({"n_peers": "int64", "peers_below_xiaomi": "int64", "within_spread": "boolean"})


def spread_summary(spread: pd.DataFrame) -> dict[str, Any]:
    """The ``brand_changes`` part of notebook 08's summary: one dict per comparison (plain values, rounded)."""
    from helpers.formatting import rounded

    out = {}
    for row in spread.to_dict("records"):
        within = row["within_spread"]
        out[str(row["comparison"])] = rounded({
            **{k: row[k] for k in ("first_week", "last_week", "n_peers", "peers", "xiaomi_change", "peers_min_change",
                                   "peers_min_brand", "peers_max_change", "peers_max_brand", "peers_pooled_change", "xiaomi_excess_log", "excess_low",
                                   "excess_high", "peers_below_xiaomi")},
            "within_spread": None if within is pd.NA else bool(within),
        })
    return out

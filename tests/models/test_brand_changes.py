"""Brand by brand: Xiaomi's weekly change beside every other brand printed at both ends (notebook 08).

Live data: what holds for any valid data set, recomputed from ``data/raw`` with the csv module.
Pinned values: the review's figures for the article's weeks, entered here as a frozen table.
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.models import brand_changes as bc
from helpers.models.market_share import OVERLAPPING_SERIES
from tests.conftest import ROOT

#: The review's W16 and W19 figures (market_registrations.csv as of 2026-12-04), frozen.
REVIEW = pd.DataFrame({
    "iso_year": 2025, "iso_week": [16] * 6 + [19] * 7,
    "series": ["xiaomi", "byd", "leapmotor", "li_auto", "tesla_china", "nio",
               "xiaomi", "byd", "leapmotor", "li_auto", "tesla_china", "nio_group", "zeekr"],
    "units": [7200, 56300, 8590, 8800, 6800, 5400, 5200, 67980, 7800, 8200, 3100, 6060, 4300], "source_id": "s"})
ARTICLE = [bc.Comparison("article_weeks", "2025-W16", "2025-W19", "")]


def test_the_reviews_four_brands_and_xiaomi_for_the_article_weeks():
    changes = bc.brand_changes(REVIEW, ARTICLE).set_index("brand")["change"]
    assert changes.round(3).to_dict() == {"xiaomi": -0.278, "byd": 0.207, "leapmotor": -0.092, "li_auto": -0.068,
                                          "tesla_china": -0.544}
    # nio (W16) and nio_group (W19) are different counts of NIO: neither is printed at both ends, nor is zeekr


def test_xiaomi_is_inside_the_spread_of_the_four_and_byd_carries_the_pooled_rise():
    row = bc.place_in_spread(bc.brand_changes(REVIEW, ARTICLE)).iloc[0]
    assert int(row["n_peers"]) == 4 and int(row["peers_below_xiaomi"]) == 1  # only Tesla fell further
    pooled = (67980 + 7800 + 8200 + 3100) / (56300 + 8590 + 8800 + 6800) - 1
    assert float(row["peers_pooled_change"]) == pytest.approx(pooled)
    # the oracle: the t prediction interval of one more brand's log change, written out with numpy
    peers = np.log(np.array([67980, 7800, 8200, 3100]) / np.array([56300, 8590, 8800, 6800]))
    half = stats.t.ppf(0.975, 3) * peers.std(ddof=1) * math.sqrt(1 + 1 / 4)
    x = math.log(5200 / 7200)
    assert (row["excess_low"], row["excess_high"]) == pytest.approx((x - peers.mean() - half, x - peers.mean() + half))
    assert bool(row["within_spread"]) is True


def test_an_outlier_is_outside_the_spread():
    market = pd.DataFrame({"iso_year": 2025, "iso_week": [13] * 5 + [14] * 5,
                           "series": ["xiaomi", "a", "b", "c", "d"] * 2,
                           "units": [1000, 100, 100, 100, 100, 100, 98, 101, 99, 102], "source_id": "s"})
    row = bc.place_in_spread(bc.brand_changes(market, [bc.Comparison("x", "2025-W13", "2025-W14", "")])).iloc[0]
    assert bool(row["within_spread"]) is False and float(row["xiaomi_change"]) == pytest.approx(-0.9)


def test_fewer_than_three_peers_give_no_interval_and_a_comparison_without_xiaomi_keeps_its_peers():
    market = REVIEW[REVIEW["series"].isin(["xiaomi", "byd", "leapmotor"])]
    row = bc.place_in_spread(bc.brand_changes(market, ARTICLE)).iloc[0]
    assert int(row["n_peers"]) == 2 and math.isnan(row["excess_low"]) and row["within_spread"] is pd.NA
    no_xiaomi = REVIEW[REVIEW["series"] != "xiaomi"]
    row = bc.place_in_spread(bc.brand_changes(no_xiaomi, ARTICLE)).iloc[0]
    assert int(row["n_peers"]) == 4 and math.isnan(row["xiaomi_change"]) and row["within_spread"] is pd.NA


def test_live_brand_changes_are_the_raw_rows_printed_at_both_ends():
    with open(ROOT / "data/raw/market_registrations.csv", encoding="utf-8", newline="") as handle:
        raw = {(int(r["iso_year"]), int(r["iso_week"]), r["series"]): int(r["units"]) for r in csv.DictReader(handle)}
    with open(ROOT / "data/processed/market/brand_changes.csv", encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    for comparison in bc.COMPARISONS:
        (y0, w0), (y1, w1) = (tuple(int(p) for p in week.split("-W")) for week in (comparison.first_week, comparison.last_week))
        both = {s for (y, w, s) in raw if (y, w) == (y0, w0) and (y1, w1, s) in raw} - {"nev_market_total"}
        for group in OVERLAPPING_SERIES:  # the project's declared overlaps: of each, the first printed is kept
            present = [s for s in group if s in both]
            both -= set(present[1:])
        rows = [r for r in written if r["comparison"] == comparison.name]
        assert {r["brand"] for r in rows} == both, comparison.name
        for r in rows:
            first, last = raw[(y0, w0, r["brand"])], raw[(y1, w1, r["brand"])]
            assert (int(r["units_first"]), int(r["units_last"])) == (first, last)
            assert float(r["change"]) == pytest.approx(last / first - 1, abs=1e-6)


def test_the_brands_parameter_keeps_xiaomi_and_the_named_peers_and_names_the_rest_with_why():
    kept = bc.brand_changes(REVIEW, ARTICLE, brands=bc.parse_brands("byd, li_auto", REVIEW))
    assert kept["brand"].tolist() == ["xiaomi", "byd", "li_auto"]
    left = dict(zip(bc.left_out(REVIEW, ARTICLE, brands=("byd", "li_auto"))["brand"],
                    bc.left_out(REVIEW, ARTICLE, brands=("byd", "li_auto"))["reason"]))
    assert left == {"leapmotor": "left out by the brands parameter", "tesla_china": "left out by the brands parameter",
                    "nio": "not printed in 2025-W19", "nio_group": "not printed in 2025-W16",
                    "zeekr": "not printed in 2025-W16"}


def test_a_brand_the_lists_never_print_is_refused_naming_the_ones_they_do():
    with pytest.raises(ValueError, match=r"'tesla' is not a brand of market_registrations.csv \(expected some of: byd, "):
        bc.parse_brands("byd,tesla", REVIEW)
    assert bc.parse_brands(" , ", REVIEW) is None  # nothing named: every brand


def test_live_every_brand_printed_at_either_end_is_compared_or_left_out_with_a_reason():
    with open(ROOT / "data/raw/market_registrations.csv", encoding="utf-8", newline="") as handle:
        raw = {(int(r["iso_year"]), int(r["iso_week"]), r["series"]) for r in csv.DictReader(handle)}
    market = pd.DataFrame([{"iso_year": y, "iso_week": w, "series": s, "units": 1, "source_id": "s"} for y, w, s in raw])
    compared, left = bc.brand_changes(market), bc.left_out(market)
    for comparison in bc.COMPARISONS:
        ends = [tuple(int(p) for p in week.split("-W")) for week in (comparison.first_week, comparison.last_week)]
        printed = {s for (y, w, s) in raw if (y, w) in ends} - {"nev_market_total", "xiaomi"}
        peers = set(compared.loc[compared["comparison"] == comparison.name, "brand"]) - {"xiaomi"}
        named = left[left["comparison"] == comparison.name]
        assert peers | set(named["brand"]) == printed and not peers & set(named["brand"]), comparison.name
        assert named["reason"].str.len().gt(0).all()

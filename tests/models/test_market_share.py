"""Market share: a fixed brand set, weeks missing a brand never filled, a log-odds trend, and the live W16→W19 answer."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import catalog
from helpers.models.market_share import (
    fit_share_trend,
    fixed_brand_set,
    market_share,
    share_vs_market,
)
from helpers.paths import project_root

ROOT = project_root()


def sales(units_by_week: dict[int, int], series: str = "xiaomi_all") -> pd.DataFrame:
    return pd.DataFrame({"series": series, "iso_year": 2025, "iso_week": list(units_by_week),
                         "units": list(units_by_week.values())})


def market(rows: list[tuple[int, str, int]]) -> pd.DataFrame:
    return pd.DataFrame({"iso_year": 2025, "iso_week": [w for w, _, _ in rows], "series": [s for _, s, _ in rows],
                         "units": [u for _, _, u in rows], "source_id": [f"src_{s}_{w}" for w, s, _ in rows]})


def logit(p):
    p = np.asarray(p, dtype=float)
    return np.log(p / (1 - p))


# --- the fixed brand set ----------------------------------------------------------------------------------------

PRINTED = market([(1, "a", 1), (1, "b", 1), (1, "c", 1), (2, "a", 1), (2, "b", 1), (3, "a", 1), (3, "c", 1),
                  (4, "a", 1), (4, "b", 1)])
WEEKS_1_4 = ["2025-W01", "2025-W02", "2025-W03", "2025-W04"]


def test_every_week_rule_keeps_only_the_brands_printed_in_every_week():
    # a: all four weeks; b: W01, W02, W04; c: W01, W03
    assert fixed_brand_set(PRINTED, WEEKS_1_4, "every_week") == ("a",)
    assert fixed_brand_set(PRINTED, ["2025-W01", "2025-W02"], "every_week") == ("a", "b")


def test_max_cells_rule_maximises_weeks_times_brands():
    # {a}: 4 weeks x 1 = 4; {a, b}: 3 weeks x 2 = 6; {a, c}: 2 x 2 = 4; {a, b, c}: 1 x 3 = 3
    assert fixed_brand_set(PRINTED, WEEKS_1_4, "max_cells", min_weeks=1) == ("a", "b")


def test_max_cells_rule_respects_min_weeks():
    # with min_weeks = 4 only {a} is printed together often enough
    assert fixed_brand_set(PRINTED, WEEKS_1_4, "max_cells", min_weeks=4) == ("a",)
    assert fixed_brand_set(PRINTED, WEEKS_1_4, "max_cells", min_weeks=5) == ()


def test_a_set_never_holds_the_market_total_the_lists_own_xiaomi_or_two_nio_series():
    rows = [(w, s, 1) for w in (1, 2, 3) for s in ("byd", "nev_market_total", "xiaomi", "nio_brand", "nio_group")]
    printed = market(rows)
    weeks3 = ["2025-W01", "2025-W02", "2025-W03"]
    assert fixed_brand_set(printed, weeks3, "every_week") == ("byd", "nio_group")
    assert fixed_brand_set(printed, weeks3, "max_cells") == ("byd", "nio_group")


def test_a_brand_list_that_double_counts_nio_is_refused():
    with pytest.raises(ValueError, match="nio_group and nio_brand"):
        market_share(sales({1: 10}), market([(1, "nio_brand", 5), (1, "nio_group", 8)]), brands=["nio_brand", "nio_group"])


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="rule must be one of"):
        fixed_brand_set(PRINTED, WEEKS_1_4, "greedy")


# --- the table ----------------------------------------------------------------------------------------------------


def test_share_is_units_over_the_fixed_sets_total_by_hand():
    table = market_share(sales({1: 10, 2: 20}), market([(1, "a", 30), (1, "b", 60), (2, "a", 50), (2, "b", 30)]),
                         brands=["b", "a"])
    assert table["brands"].tolist() == ["a;b;xiaomi_all", "a;b;xiaomi_all"]
    assert table["n_brands"].tolist() == [3, 3]
    assert table["other_units"].tolist() == [90, 80]
    assert table["total_units"].tolist() == [100, 100]
    assert table["share"].tolist() == pytest.approx([0.10, 0.20])
    assert table["source_ids"].tolist() == ["src_a_1;src_b_1", "src_a_2;src_b_2"]


def test_a_week_missing_a_brand_of_the_set_keeps_its_row_but_no_share():
    table = market_share(sales({1: 10, 2: 20, 3: 30}), market([(1, "a", 90), (1, "b", 5), (2, "a", 80), (3, "b", 7)]),
                         brands=["a", "b"])
    by_week = table.set_index("week")
    assert by_week.loc["2025-W02", "missing_brands"] == "b"
    assert by_week.loc["2025-W03", "missing_brands"] == "a"
    assert by_week.loc["2025-W01", "missing_brands"] == ""
    assert by_week.loc[["2025-W02", "2025-W03"], "share"].isna().all()
    assert by_week.loc[["2025-W02", "2025-W03"], "total_units"].isna().all()  # never filled with the brand that is there
    assert by_week.loc["2025-W01", "total_units"] == 105


def test_default_brand_set_is_chosen_from_the_xiaomi_weeks_only():
    # brand c is printed every week, but not in Xiaomi's W01: only a is printed in all of Xiaomi's weeks
    printed = market([(1, "a", 1), (2, "a", 1), (2, "c", 1), (3, "c", 1)])
    table = market_share(sales({1: 1, 2: 1}), printed, brand_rule="every_week")
    assert table["brands"].unique().tolist() == ["a;xiaomi_all"]


def test_calendar_columns_are_joined_by_week():
    calendar = pd.DataFrame({"iso_year": 2025, "iso_week": [1, 2], "holiday_days": [1, 0], "month_end": [True, False]})
    table = market_share(sales({1: 10, 2: 20}), market([(1, "a", 90), (2, "a", 80)]), brands=["a"],
                         calendar_weeks=calendar)
    assert table["holiday_days"].tolist() == [1, 0]
    assert table["month_end"].tolist() == [True, False]


def test_the_first_and_last_week_bound_the_table():
    table = market_share(sales({1: 1, 2: 2, 3: 3}), market([(w, "a", 9) for w in (1, 2, 3)]), brands=["a"],
                         first_week="2025-W02", last_week="2025-W02")
    assert table["week"].tolist() == ["2025-W02"]


# --- the log-odds trend --------------------------------------------------------------------------------------------


def share_table(shares: dict[int, float]) -> pd.DataFrame:
    weeks = list(shares)
    totals = [1_000_000] * len(weeks)
    units = [round(s * t) for s, t in zip(shares.values(), totals)]
    return pd.DataFrame({"week": [f"2025-W{w:02d}" for w in weeks], "iso_year": 2025, "iso_week": weeks,
                         "series": "x", "units": units, "brands": "a;x",
                         "other_units": [t - u for t, u in zip(totals, units)], "total_units": totals,
                         "share": [u / t for u, t in zip(units, totals)]})


def test_an_exact_logistic_share_gives_its_slope_and_a_zero_width_interval():
    shares = {w: 1 / (1 + math.exp(-(-2 + 0.3 * (w - 10)))) for w in (10, 11, 12, 13)}
    fit = fit_share_trend(pd.DataFrame({"week": [f"2025-W{w}" for w in shares], "iso_year": 2025,
                                        "iso_week": list(shares), "brands": "a;x", "share": list(shares.values())}))
    assert fit.slope == pytest.approx(0.3, abs=1e-12)
    assert fit.slope_ci95[1] - fit.slope_ci95[0] == pytest.approx(0, abs=1e-9)
    assert fit.log_odds_change == pytest.approx(0.9, abs=1e-12)


def test_log_odds_trend_matches_numpy_least_squares_and_a_textbook_t_interval():
    shares = {14: 0.11, 15: 0.095, 17: 0.10, 18: 0.08, 20: 0.07}  # W16 and W19 are gaps
    fit = fit_share_trend(share_table(shares))
    t = np.array([0, 1, 3, 4, 6], dtype=float)
    y = logit(share_table(shares)["share"])
    X = np.column_stack([np.ones_like(t), t])
    (a, b), *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ np.array([a, b])
    se = math.sqrt(resid @ resid / (len(t) - 2) / ((t - t.mean()) ** 2).sum())
    crit = stats.t.ppf(0.975, len(t) - 2)
    assert fit.slope == pytest.approx(b, rel=1e-10)
    assert fit.slope_ci95 == pytest.approx((b - crit * se, b + crit * se), rel=1e-9)
    assert fit.missing_weeks == ("2025-W16", "2025-W19")
    assert fit.span_weeks == 6
    assert fit.n_weeks == 5 and fit.df_resid == 3 and fit.small_sample


def test_two_weeks_give_a_slope_but_no_interval():
    fit = fit_share_trend(share_table({16: 0.1, 19: 0.05}))
    assert fit.slope == pytest.approx((logit(0.05) - logit(0.1)) / 3)
    assert fit.slope_ci95 is None and fit.log_odds_change_ci95 is None


def test_a_share_of_zero_cannot_be_put_on_the_log_odds_scale():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        fit_share_trend(share_table({1: 0.0, 2: 0.1, 3: 0.2}))


# --- the comparison ---------------------------------------------------------------------------------------------------


def test_comparison_separates_xiaomi_the_other_brands_and_the_share_by_hand():
    # Xiaomi 100 -> 50, others 900 -> 950: Xiaomi fell, the market of others rose, the share fell from 10% to 5%
    table = market_share(sales({16: 100, 17: 80, 18: 70, 19: 50}),
                         market([(16, "a", 900), (17, "a", 920), (18, "a", 930), (19, "a", 950)]), brands=["a"])
    c = share_vs_market(table, "2025-W16", "2025-W19")
    assert (c.xiaomi_fell, c.others_fell, c.total_fell, c.share_fell) == (True, False, False, True)
    assert c.units_change == pytest.approx(-0.5)
    assert c.others_change == pytest.approx(950 / 900 - 1)
    assert c.total_change == pytest.approx(0.0)
    assert c.share_change_pp == pytest.approx(-5.0)
    assert c.weeks_used == ("2025-W16", "2025-W17", "2025-W18", "2025-W19")
    assert c.small_sample


def test_comparison_needs_a_share_at_both_ends():
    table = market_share(sales({16: 1, 19: 1}), market([(16, "a", 9)]), brands=["a"])
    with pytest.raises(ValueError, match="no share for 2025-W19"):
        share_vs_market(table, "2025-W16", "2025-W19")


def read_raw(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / "raw" / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def live():
    from helpers.data import raw

    return {"weekly_sales": catalog.read("clean.weekly_sales"), "calendar": catalog.read("clean.calendar_weeks"),
            "market": raw.read_tables()["market_registrations"]}


def test_live_w16_w19_share_against_the_brands_the_file_prints_in_all_four_weeks(live):
    rows = read_raw("market_registrations.csv")
    window = range(16, 20)
    printed = {w: {r["series"] for r in rows if int(r["iso_week"]) == w and r["iso_year"] == "2025"} for w in window}
    expected_brands = set.intersection(*printed.values()) - {"xiaomi", "nev_market_total"}
    units = {(int(r["iso_week"]), r["series"]): int(r["units"]) for r in rows if r["iso_year"] == "2025"}
    xiaomi = {int(r["iso_week"]): int(r["units"]) for r in read_raw("weekly_sales.csv")
              if r["series"] == "xiaomi_su7" and r["iso_year"] == "2025"}
    table = market_share(live["weekly_sales"], live["market"], first_week="2025-W16", last_week="2025-W19",
                         brand_rule="every_week")
    assert set(table["brands"].iloc[0].split(";")) == expected_brands | {"xiaomi_all"}
    for w in window:
        total = xiaomi[w] + sum(units[(w, b)] for b in expected_brands)
        assert table.set_index("iso_week").loc[w, "share"] == pytest.approx(xiaomi[w] / total)
    c = share_vs_market(table)
    share16 = xiaomi[16] / (xiaomi[16] + sum(units[(16, b)] for b in expected_brands))
    share19 = xiaomi[19] / (xiaomi[19] + sum(units[(19, b)] for b in expected_brands))
    assert c.share_change_pp == pytest.approx(100 * (share19 - share16))
    assert c.xiaomi_fell == (xiaomi[19] < xiaomi[16])
    assert c.trend.n_weeks == 4 and c.small_sample


def test_live_xiaomi_units_equal_the_market_lists_own_xiaomi_figure_where_both_exist(live):
    # the decision to take Xiaomi from weekly_sales rests on this: the lists' own figure is the same number
    listed = {(int(r["iso_year"]), int(r["iso_week"])): int(r["units"]) for r in read_raw("market_registrations.csv")
              if r["series"] == "xiaomi"}
    table = market_share(live["weekly_sales"], live["market"], brands=["byd"])
    both = [(y, w, u) for y, w, u in zip(table["iso_year"], table["iso_week"], table["units"]) if (y, w) in listed]
    assert len(both) >= 10
    assert all(listed[(y, w)] == u for y, w, u in both)


def test_live_default_table_leaves_out_weeks_missing_a_brand_and_never_fills_them(live):
    rows = read_raw("market_registrations.csv")
    table = market_share(live["weekly_sales"], live["market"], calendar_weeks=live["calendar"])
    brands = [b for b in table["brands"].iloc[0].split(";") if b != "xiaomi_all"]
    printed = {(int(r["iso_year"]), int(r["iso_week"]), r["series"]) for r in rows}
    for y, w, share, note in zip(table["iso_year"], table["iso_week"], table["share"], table["missing_brands"]):
        absent = [b for b in brands if (int(y), int(w), b) not in printed]
        assert note == ";".join(absent)
        assert pd.isna(share) == bool(absent)

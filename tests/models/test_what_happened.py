"""What happened next: hand-built tables whose answers can be checked by hand, then structure on the real data."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import catalog
from helpers.claims import engine, later_rules
from helpers.data import weeks
from helpers.models import what_happened
from helpers.data.clean import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from helpers.paths import project_root
from tests.builders import ARTICLE_WEEKS as ARTICLE
from tests.builders import article_and_later_sales as sales


def monthly(rows: list[tuple[int, int, str, str]], series: str = "xiaomi_all", measure: str = "deliveries") -> pd.DataFrame:
    """Monthly figures from (month, units, bound, source_id) rows, all in 2025."""
    return pd.DataFrame({
        "year": [2025] * len(rows),
        "month": [r[0] for r in rows],
        "series": [series] * len(rows),
        "measure": [measure] * len(rows),
        "units": [r[1] for r in rows],
        "bound": [r[2] for r in rows],
        "source_id": [r[3] for r in rows],
    })


# --------------------------------------------------------------------------- the vintage scorecard


def test_scorecard_inside_outside_and_missing():
    data = sales({**ARTICLE, "2025-W21": 3800, "2025-W22": 9000})
    scored = what_happened.article_vintage_scorecard(data).set_index("week")
    assert list(scored.index) == ["2025-W20", "2025-W21", "2025-W22"]
    assert scored["weeks_ahead"].tolist() == [1, 2, 3]
    # W20 has no figure: it stays missing (not zero) and is not scored.
    assert math.isnan(scored.loc["2025-W20", "actual"])
    assert scored.loc["2025-W20", "outcome"] == "no actual"
    for week, expected in (("2025-W21", "inside"), ("2025-W22", "outside")):
        row = scored.loc[week]
        assert row["actual"] == data.set_index("week").loc[week, "units"]
        assert (row["pi95_low"] <= row["actual"] <= row["pi95_high"]) == (expected == "inside")
        assert row["outcome"] == expected
    assert set(scored["n_weeks"]) == {4}
    assert set(scored["first_week"]) == {"2025-W16"} and set(scored["last_week"]) == {"2025-W19"}
    assert str(scored["actual"].dtype) == "float64" and str(scored["weeks_ahead"].dtype) == "int64"

    summary = what_happened.scorecard_summary(scored.reset_index())
    assert (summary["n_scored"], summary["n_inside"], summary["n_outside"], summary["n_missing"]) == (2, 1, 1, 1)
    assert summary["weeks_missing"] == ["2025-W20"] and summary["weeks_outside"] == ["2025-W22"]
    assert summary["weeks"][0]["actual"] is None
    json.dumps(summary)  # plain values only


def test_scorecard_with_no_later_week_forecasts_one_week_with_no_actual():
    scored = what_happened.article_vintage_scorecard(sales(ARTICLE))
    assert scored["week"].tolist() == ["2025-W20"]
    assert scored["outcome"].tolist() == ["no actual"]


def test_vintage_fit_reproduces_the_article_slope_when_later_weeks_follow_w19():
    data = sales({**ARTICLE, "2025-W22": 7800, "2025-W23": 4370})
    slope, intercept = np.polyfit([0, 1, 2, 3], list(ARTICLE.values()), 1)
    assert slope == pytest.approx(-730)
    scored = what_happened.article_vintage_scorecard(data).set_index("week")
    assert set(scored["n_weeks"]) == {4}  # the later weeks are ignored by the fit
    # The forecast lies on the same line: t = 4, 5, ... weeks after W16.
    for h, week in enumerate(["2025-W20", "2025-W21", "2025-W22", "2025-W23"], start=4):
        assert scored.loc[week, "mean"] == pytest.approx(intercept + slope * h)
    assert scored.loc["2025-W21", "mean"] - scored.loc["2025-W20", "mean"] == pytest.approx(-730)


def test_vintage_uses_earlier_weeks_in_the_window_as_notebook_03_does():
    data = sales({"2025-W14": 5100, "2025-W15": 6287, **ARTICLE, "2025-W22": 7800})
    scored = what_happened.article_vintage_scorecard(data)
    assert set(scored["n_weeks"]) == {6} and set(scored["first_week"]) == {"2025-W14"}


# --------------------------------------------------------------------------- the decline


def test_decline_then_a_higher_later_week():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W22": 7800}))
    assert status["n_declines"] == 3
    assert (status["decline_first_week"], status["decline_last_week"]) == ("2025-W16", "2025-W19")
    assert status["decline_units"] == [7200, 7000, 5700, 5200]
    assert (status["later_week"], status["later_units"], status["weeks_later"]) == ("2025-W22", 7800, 3)
    assert status["later_above_last_week"] is True and status["later_above_whole_decline"] is True
    assert status["missing_between"] == ["2025-W20", "2025-W21"] and status["n_missing_between"] == 2


def test_decline_then_a_later_week_above_the_last_but_below_the_peak():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W21": 6000}))
    assert status["later_above_last_week"] is True and status["later_above_whole_decline"] is False
    assert max(status["decline_units"]) == 7200


def test_decline_then_a_lower_later_week():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W22": 4800, "2025-W23": 4500, "2025-W25": 6000}))
    assert status["later_above_last_week"] is False
    assert status["n_later_below_in_a_row"] == 2
    assert status["later_weeks_below_in_a_row"] == ["2025-W22", "2025-W23"]
    assert (status["first_later_week_above"], status["first_later_week_above_units"]) == ("2025-W25", 6000)


def test_decline_then_a_lower_next_week_continues_it():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W20": 4900}))
    assert status["weeks_later"] == 1 and status["missing_between"] == []
    assert status["first_later_week_above"] is None and status["newest_week"] == "2025-W20"


def test_decline_with_no_later_week():
    status = what_happened.decline_status(sales(ARTICLE))
    assert status["later_week"] is None and status["n_later_weeks"] == 0
    assert status["newest_week"] == "2025-W19"


def test_article_weeks_that_do_not_end_in_a_decline():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W19": 5800}))
    assert status["n_declines"] == 0 and status["decline_units"] == []
    assert (status["article_previous_week"], status["article_previous_units"]) == ("2025-W18", 5700)


def test_the_decline_status_holds_numbers_and_weeks_not_words():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W22": 7800}))
    assert "conclusion" not in status  # the words are helpers.narrative.what_happened.decline_conclusion's


def test_later_weeks_summary_counts_and_longest_gap():
    data = pd.concat([sales({**ARTICLE, "2025-W22": 7800, "2025-W23": 4370}),
                      sales({"2025-W19": 5200, "2025-W27": 4900, "2025-W35": 11900}, "xiaomi_all")])
    table = what_happened.later_weeks_summary(data).set_index("series")
    su7, brand = table.loc["xiaomi_su7"], table.loc["xiaomi_all"]
    assert (su7["n_weeks"], su7["min"], su7["max"], su7["mean"]) == (2, 4370, 7800, (7800 + 4370) / 2)
    assert (su7["longest_gap_weeks"], su7["longest_gap"]) == (2, "2025-W20–W21")
    assert (brand["n_weeks"], brand["longest_gap_weeks"], brand["longest_gap"]) == (2, 7, "2025-W20–W26")  # W28–W34 ties; the first is named
    assert set(table["after_week"]) == {"2025-W19"}


# --------------------------------------------------------------------------- monthly readings


def test_exact_figure_below_a_lower_bound_is_a_contradiction():
    row = what_happened.monthly_range(monthly([(4, 28000, "lower", "a"), (4, 25000, "exact", "b")])).iloc[0]
    assert row["reading_kind"] == "contradictory"
    assert "contradicts the lower bound" in row["disagreement"] and "cannot both be right" in row["disagreement"]
    assert row["best_reading"].startswith("contradictory")
    # Only what both sources imply is kept: at least the lower of the two.
    assert row["reading_low"] == 25000 and math.isnan(row["reading_high"])


def test_exact_figure_above_a_lower_bound_is_the_reading():
    row = what_happened.monthly_range(monthly([(4, 28000, "lower", "a"), (4, 30452, "exact", "b")])).iloc[0]
    assert row["reading_kind"] == "exact"
    assert row["best_reading"] == "30,452 (exact, 1 source)"
    assert "above the lower bound 28,000: consistent" in row["disagreement"]
    assert (row["highest_lower"], row["exact_min"], row["exact_max"]) == (28000, 30452, 30452)
    assert (row["reading_low"], row["reading_high"]) == (30452, 30452)  # not averaged with the bound


def test_lower_bounds_only_and_differing_exact_figures():
    table = what_happened.monthly_range(monthly([
        (5, 28000, "lower", "a"), (5, 25000, "lower", "b"),
        (7, 30000, "exact", "c"), (7, 30452, "exact", "d"), (7, 30000, "lower", "e"),
    ])).set_index("month")
    assert table.loc["2025-05", "best_reading"] == "at least 28,000 (1 source)"
    assert table.loc["2025-05", "highest_lower"] == 28000 and table.loc["2025-05", "n_sources"] == 2
    assert table.loc["2025-07", "best_reading"].startswith("between 30,000 and 30,452")
    assert table.loc["2025-07", "exact_spread"] == 452


def test_monthly_range_picks_series_and_measure_and_refuses_unknown_bounds():
    m = pd.concat([monthly([(6, 25459, "exact", "a")]), monthly([(6, 25000, "exact", "b")], measure="retail_sales"),
                   monthly([(6, 1, "exact", "c")], series="xiaomi_su7")])
    assert what_happened.monthly_range(m, measure="deliveries")["best_reading"].tolist() == ["25,459 (exact, 1 source)"]
    assert what_happened.monthly_range(m)["n_figures"].tolist() == [2]
    with pytest.raises(ValueError, match="unknown bound"):
        what_happened.monthly_range(monthly([(6, 1, "roughly", "a")]))


@settings(max_examples=60)
@given(st.lists(st.tuples(st.sampled_from(["exact", "lower"]), st.integers(10_000, 50_000)), min_size=1, max_size=6))
def test_a_reading_is_always_one_of_the_printed_figures(figures):
    rows = [(3, units, bound, f"s{i}") for i, (bound, units) in enumerate(figures)]
    row = what_happened.monthly_range(monthly(rows)).iloc[0]
    printed = {units for _, units in figures}
    for value in (row["reading_low"], row["reading_high"]):
        assert math.isnan(value) or value in printed  # never an average of two figures
    exact = [u for b, u in figures if b == "exact"]
    lowest_bound = max((u for b, u in figures if b == "lower"), default=-1)
    assert (row["reading_kind"] == "contradictory") == any(e < lowest_bound for e in exact)


# --------------------------------------------------------------------------- builders the claims tests share


def audit_frame() -> pd.DataFrame:
    """An audit in the real column layout, rows deliberately out of the registry's order."""
    rows = [
        ("quality_rankings", 239.0, 1.7, "points (two different scales)"),
        ("actual_capacity_vs_april_sales", 10000 / WEEKS_PER_MONTH, 28585 / (30 / 7), "vehicles per week"),
        ("weekly_sales_three_declines", 3.0, 3.0, "weeks"),
        ("design_capacity_vs_sales_run_rate", 150000 / WEEKS_PER_YEAR, 6275.0, "vehicles per week"),
        ("weekly_sales_vs_april_sales", 28585 / (30 / 7), 6852.9, "vehicles per week"),
        ("actual_vs_design_capacity", 10000 / WEEKS_PER_MONTH, 150000 / WEEKS_PER_YEAR, "vehicles per week"),
        ("wait_every_buyer", 52.2, 271328.6, "weeks (claimed) / open orders (computed)"),
    ]
    return pd.DataFrame({
        "claim_id": [r[0] for r in rows], "locator": "para 3", "claim_as_printed": "", "claimed_value": [r[1] for r in rows],
        "computed_value": [r[2] for r in rows], "unit": [r[3] for r in rows], "verdict": "consistent", "reason": "",
        "figure_ids": "",
    })


def figures_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "figure_id": ["capacity_actual_monthly", "capacity_design_annual", "sales_apr_2025"],
        "as_printed": ["约1万辆", "15万辆", "28,585辆"],
        "period": ["", "", "2025-04"],
        "value_mid": [10000.0, 150000.0, 28585.0],
        "per_week_mid": [10000 / WEEKS_PER_MONTH, 150000 / WEEKS_PER_YEAR, 28585 / (30 / 7)],
    })


# --------------------------------------------------------------------------- writing


def test_write_what_happened_outputs(tmp_path):
    data = sales({**ARTICLE, "2025-W22": 7800})
    claims_later = later_rules.later_evidence(audit_frame(), data, monthly([(4, 28000, "lower", "a")]), figures_frame(),
                                              decline_conclusion="The decline, in words.")
    tables = what_happened.what_happened_tables(data, monthly([(4, 28000, "lower", "a")]), claims_later)
    paths = what_happened.write_what_happened_outputs(tables, tmp_path)
    assert paths == ["scorecard.csv", "monthly_range.csv", "later_weeks.csv", "claims_later.csv", "quarterly_reconciliation.csv",
                     "weekly_against_monthly.csv", "period_remainders.csv", "summary.json"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert list(summary) == ["scorecard", "decline_status", "reconciliation"]
    assert summary["reconciliation"]["n_figures"] == 0 and summary["reconciliation"]["quarters"] == []
    assert summary["decline_status"]["later_week"] == "2025-W22"
    assert summary["scorecard"]["n_inside"] + summary["scorecard"]["n_outside"] == summary["scorecard"]["n_scored"]
    first = {p: (tmp_path / p).read_bytes() for p in paths}
    what_happened.write_what_happened_outputs(tables, tmp_path)
    assert first == {p: (tmp_path / p).read_bytes() for p in paths}
    with pytest.raises(ValueError, match="decline_status"):
        what_happened.write_what_happened_outputs({k: v for k, v in tables.items() if k != "decline_status"}, tmp_path)


# --------------------------------------------------------------------------- the project's processed data: structure only


def test_real_data_scorecard_and_decline_are_built_from_the_weekly_table():
    from helpers.data.clean import read_clean

    weekly = read_clean("weekly_sales")
    raw = pd.read_csv(project_root() / "data" / "raw" / "weekly_sales.csv")
    raw = raw[raw["series"] == "xiaomi_su7"]
    raw_units = {weeks.week_label(int(y), int(w)): float(u) for y, w, u in zip(raw["iso_year"], raw["iso_week"], raw["units"])}
    su7 = weekly[weekly["series"] == "xiaomi_su7"]
    newest = max(zip(su7["iso_year"].astype(int), su7["iso_week"].astype(int)))

    scored = what_happened.article_vintage_scorecard(weekly)
    vintage = weeks.parse_week_label(what_happened.ARTICLE_VINTAGE)
    for row in scored.itertuples(index=False):
        pair = weeks.parse_week_label(row.week)
        assert vintage < pair <= max(newest, weeks.add_weeks(vintage, 1))  # no scored week outside the data
        if row.week in raw_units:
            assert row.actual == raw_units[row.week]
            assert row.outcome in ("inside", "outside")
        else:
            assert math.isnan(row.actual) and row.outcome == "no actual"
    assert weeks.week_label(*newest) == scored["week"].iloc[-1]
    assert scored["last_week"].iloc[0] <= what_happened.ARTICLE_VINTAGE

    status = what_happened.decline_status(weekly)
    after = sorted(w for w in raw_units if weeks.parse_week_label(w) > vintage)
    assert status["later_week"] == (after[0] if after else None)
    if after:
        assert status["later_units"] == raw_units[after[0]]
        assert not set(status["missing_between"]) & set(raw_units)


def test_real_data_monthly_range_and_claims_keep_their_rows():
    from helpers.data.clean import read_clean

    deliveries = read_clean("monthly_deliveries")
    table = what_happened.monthly_range(deliveries)
    brand = deliveries[deliveries["series"] == "xiaomi_all"]
    assert sorted(table["month"]) == sorted(set(brand["month_label"]))
    for row in table.itertuples(index=False):
        rows = brand[brand["month_label"] == row.month]
        assert row.n_figures == len(rows)
        lower = rows.loc[rows["bound"] == "lower", "units"]
        assert (math.isnan(row.highest_lower) and lower.empty) or row.highest_lower == lower.max()
        assert math.isnan(row.reading_low) or row.reading_low in set(rows["units"].astype(float))

    audit = catalog.read("claims.claims_audit")
    out = later_rules.later_evidence(audit, read_clean("weekly_sales"), deliveries, read_clean("figures"),
                                     read_clean("events"), decline_conclusion="The decline, in words.")
    assert out["claim_id"].tolist() == audit["claim_id"].tolist()
    assert set(out["later_verdict"]) <= set(engine.LATER_VERDICTS)
    assert not out["later_evidence"].str.contains("nan").any()

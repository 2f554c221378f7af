"""Run-rate model: hand-computed cases, synthetic figure tables, and laws that must hold."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers.models import run_rate as rr
from helpers.data.clean import figures_table, weekly_sales_table

# --------------------------------------------------------------------------- synthetic inputs
#
# Numbers chosen so that every per-week value is 700 vehicles a week:
#   36,525 a year / (365.25 / 7) = 700;  3,043.75 a month / (365.25 / 12 / 7) = 700;
#   3,000 in April (30 days) / (30 / 7) = 700;  1,400 over 2 weeks = 700.

FIGURE_COLUMNS = [
    "figure_id", "metric", "subject", "context", "period", "period_weeks", "period_as_printed", "as_printed",
    "qualifier", "value_low", "value_high", "unit", "source_id", "locator",
]

BASE_FIGURES = {
    "capacity_design_annual": dict(metric="design_capacity", value=36525, unit="vehicles_per_year", as_printed="A"),
    "capacity_actual_monthly": dict(metric="actual_capacity", value=3043.75, unit="vehicles_per_month", qualifier="仅约", as_printed="B"),
    "sales_apr_2025": dict(metric="sales", value=3000, unit="vehicles", period="2025-04", as_printed="C"),
    "sales_apr_nev_rank": dict(metric="nev_sales_rank", value=(1, 10), unit="rank", period="2025-04", qualifier="前", as_printed="前十"),
    "orders_mar_week2": dict(metric="new_orders", value=1000, unit="vehicles", period="2025-03", period_weeks=1, as_printed="D"),
    "orders_may_weeks1_2": dict(metric="new_orders", value=1400, unit="vehicles", period="2025-05", period_weeks=2, as_printed="E"),
    "orders_apr_mom_decline": dict(metric="new_orders_mom_decline", value=55, unit="percent", period="2025-04", qualifier="约", as_printed="F"),
    "orders_may_consecutive_declines": dict(metric="consecutive_weekly_declines", value=3, unit="weeks", period="2025-05", as_printed="G"),
    "rate_lock_in": dict(metric="lock_in_rate", value=(30, 50), unit="percent", qualifier="仅", as_printed="H"),
    "rate_lock_in_restated": dict(metric="lock_in_rate", value=30, unit="percent", qualifier="仅", as_printed="I"),
    "rate_cancellation_early_orders": dict(metric="cancellation_rate", value=20, unit="percent", qualifier="高达", as_printed="J"),
    "wait_delivery_after_deposit": dict(metric="wait_for_delivery", value=12, unit="weeks", qualifier="将近", as_printed="K"),
    "wait_aluminium_bonnet": dict(metric="wait_for_aluminium_bonnet", value=(6, 8), unit="weeks", qualifier="长达", as_printed="L"),
    "quality_cqn_q1_score": dict(metric="quality_score", value=100, unit="points", period="2025-Q1", as_printed="M"),
    "quality_cqn_q1_rank": dict(metric="quality_rank", value=None, unit="rank", period="2025-Q1", as_printed="垫底"),
    "quality_czw_q1_score": dict(metric="quality_score", value=2, unit="points", period="2025-Q1", as_printed="N"),
    "quality_czw_q1_rank": dict(metric="quality_rank", value=2, unit="rank", period="2025-Q1", as_printed="O"),
    "quality_czw_q1_wuling_complaints": dict(metric="complaints", value=0, unit="complaints", period="2025-Q1", as_printed="P"),
    "quality_cqn_complaints_3m": dict(metric="complaints", value=5, unit="complaints", qualifier="仅", as_printed="Q"),
}


def synthetic_figures(**changes: dict) -> pd.DataFrame:
    """The clean figures table built from BASE_FIGURES, with ``changes`` merged per figure_id.

    A change of ``None`` drops the figure; a new figure_id adds one.
    """
    spec = {fid: dict(attrs) for fid, attrs in BASE_FIGURES.items()}
    for fid, attrs in changes.items():
        if attrs is None:
            spec.pop(fid, None)
        else:
            spec.setdefault(fid, {}).update(attrs)
    rows = []
    for i, (fid, a) in enumerate(spec.items(), 1):
        value = a.get("value")
        low, high = (value, value) if not isinstance(value, tuple) else value
        rows.append({
            "figure_id": fid, "metric": a.get("metric", "m"), "subject": "xiaomi_su7", "context": "synthetic",
            "period": a.get("period", ""), "period_weeks": a.get("period_weeks"), "period_as_printed": "",
            "as_printed": a.get("as_printed", "x"), "qualifier": a.get("qualifier", ""),
            "value_low": float("nan") if low is None else float(low),
            "value_high": float("nan") if high is None else float(high),
            "unit": a["unit"], "source_id": "s", "locator": f'para {i}: "quote {fid}"',
        })
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame["period_weeks"] = frame["period_weeks"].astype("Float64")
    return figures_table({"synthetic": frame})


from helpers.data.clean import ARTICLE_SOURCE_ID  # noqa: E402


def synthetic_weeks(units=(700, 700, 700, 700), first_week: int = 16) -> pd.DataFrame:
    """Clean weekly sales for ISO weeks of 2025 starting at ``first_week``."""
    raw = pd.DataFrame({
        "iso_year": [2025] * len(units),
        "iso_week": [first_week + i for i in range(len(units))],
        "series": ["xiaomi_su7"] * len(units),
        "units": list(units),
        "source_id": [ARTICLE_SOURCE_ID] * len(units),  # the article's own weeks are what its claims rest on
        "locator": ['para 3: "weekly quote"'] * len(units),
    })
    return weekly_sales_table(raw)


# --------------------------------------------------------------------------- hand-computed


def test_littles_law_by_hand():
    assert rr.implied_backlog(2000, 26) == 52000
    assert rr.implied_backlog(2000, 0) == 0


def test_net_inflow_and_effective_backlog_by_hand():
    assert rr.net_order_inflow(10000, 0.35) == pytest.approx(3500)
    assert rr.effective_backlog(52000, 0.25) == pytest.approx(39000)
    assert rr.effective_backlog(52000, 0) == 52000


def test_backlog_clears_in_exactly_four_weeks():
    # 12,000 open, 5,000 built and 2,000 ordered a week: 3,000 a week net, 4 weeks
    assert rr.weeks_to_clear(12000, 5000, 2000) == 4
    assert rr.supply_overtakes_demand(12000, 5000, 2000) == 4
    path = rr.backlog_path(12000, 5000, 2000, 6)
    assert path["week"].tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert path["backlog"].tolist() == [12000, 9000, 6000, 3000, 0, 0, 0]


def test_partial_last_week_rounds_up():
    assert rr.weeks_to_clear(10000, 5000, 2000) == pytest.approx(10000 / 3000)
    assert rr.supply_overtakes_demand(10000, 5000, 2000) == 4


def test_backlog_that_never_clears():
    assert math.isinf(rr.weeks_to_clear(100, 2000, 2000))
    assert math.isinf(rr.weeks_to_clear(100, 1000, 2000))
    assert rr.supply_overtakes_demand(100, 1000, 2000) is None
    assert rr.backlog_path(100, 1000, 2000, 3)["backlog"].tolist() == [100, 1100, 2100, 3100]


def test_no_backlog_is_cleared_at_once():
    assert rr.weeks_to_clear(0, 1000, 2000) == 0
    assert rr.supply_overtakes_demand(0, 1000, 2000) == 0


@pytest.mark.parametrize("call", [
    lambda: rr.implied_backlog(-1, 5),
    lambda: rr.net_order_inflow(100, 1.2),
    lambda: rr.effective_backlog(100, -0.1),
    lambda: rr.weeks_to_clear(float("nan"), 1, 1),
    lambda: rr.backlog_path(10, 1, 1, -1),
    lambda: rr.firm_inflow("locked_orders", 100, 1.5),
    lambda: rr.firm_inflow("guess", 100, 0.5),
])
def test_bad_arguments_are_refused(call):
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------- synthetic tables


def test_every_rate_is_converted_to_700_a_week():
    comparison = rr.run_rate_comparison(synthetic_figures(), synthetic_weeks())
    assert comparison["quantity"].tolist() == [
        "design_capacity", "actual_capacity", "weekly_sales_mean", "april_sales", "march_week2_orders", "may_weeks1_2_orders"]
    expected = {"design_capacity": 700, "actual_capacity": 700, "weekly_sales_mean": 700, "april_sales": 700,
                "march_week2_orders": 1000, "may_weeks1_2_orders": 700}
    for row in comparison.itertuples():
        assert row.per_week == pytest.approx(expected[row.quantity]), row.quantity
    weekly = comparison.set_index("quantity").loc["weekly_sales_mean"]
    assert weekly["n_values"] == 4
    assert weekly["vs_weekly_sales"] == 1


def test_weekly_mean_and_spread():
    comparison = rr.run_rate_comparison(synthetic_figures(), synthetic_weeks((900, 600, 300)))
    weekly = comparison.set_index("quantity").loc["weekly_sales_mean"]
    assert (weekly["per_week"], weekly["per_week_low"], weekly["per_week_high"], weekly["n_values"]) == (600, 300, 900, 3)
    assert weekly["formula"] == "(900 + 600 + 300) / 3 weeks"


def test_default_inputs_put_each_end_in_its_scenario():
    inputs = rr.default_inputs(synthetic_figures(), synthetic_weeks((800, 600, 700)))
    assert list(inputs) == ["low", "mid", "high"]
    low, mid, high = inputs["low"], inputs["mid"], inputs["high"]
    # least pressure: fewest firm orders, most cancellations, most supply
    assert (low.lock_in_rate.value, mid.lock_in_rate.value, high.lock_in_rate.value) == pytest.approx((0.3, 0.4, 0.5))
    assert (low.cancellation_rate.value, mid.cancellation_rate.value, high.cancellation_rate.value) == pytest.approx((0.2, 0.1, 0.0))
    assert (low.sales_per_week.value, mid.sales_per_week.value, high.sales_per_week.value) == (800, 700, 600)
    for inp in inputs.values():
        assert inp.design_capacity_per_week.value == pytest.approx(700)
        assert inp.actual_capacity_per_week.value == pytest.approx(700)
        assert inp.gross_orders_per_week.value == pytest.approx(700)
        assert inp.wait_weeks.value == 12
    assert low.lock_in_rate.figure_id == "rate_lock_in"
    assert low.sales_per_week.figure_id == "weekly_sales:2025-W16..2025-W18"


def test_cancellation_without_ceiling_qualifier_uses_the_printed_range():
    figures = synthetic_figures(rate_cancellation_early_orders={"value": (10, 30), "qualifier": ""})
    inputs = rr.default_inputs(figures, synthetic_weeks())
    assert [inputs[s].cancellation_rate.value for s in rr.SCENARIOS] == pytest.approx([0.3, 0.2, 0.1])


def test_wait_in_years_is_converted_to_weeks():
    figures = synthetic_figures(wait_delivery_after_deposit={"value": 1, "unit": "years"})
    assert rr.default_inputs(figures)["mid"].wait_weeks.value == pytest.approx(365.25 / 7)


def test_without_weekly_sales_the_april_rate_is_used():
    inputs = rr.default_inputs(synthetic_figures())
    assert {inputs[s].sales_per_week.figure_id for s in rr.SCENARIOS} == {"sales_apr_2025"}


def test_overrides_replace_every_scenario_and_none_keeps():
    inputs = rr.default_inputs(synthetic_figures(), synthetic_weeks())
    changed = rr.with_overrides(inputs, lock_in_rate=0.9, wait_weeks=None)
    for s in rr.SCENARIOS:
        assert changed[s].lock_in_rate == rr.Sourced(0.9, "parameter", "set by the parameter lock_in_rate")
        assert changed[s].wait_weeks == inputs[s].wait_weeks
    with pytest.raises(TypeError, match="unknown input"):
        rr.with_overrides(inputs, lockin=0.5)
    with pytest.raises(ValueError):
        rr.with_overrides(inputs, gross_orders_per_week=-5)


def test_inputs_table_flags_single_figures():
    table = rr.inputs_table(rr.default_inputs(synthetic_figures(), synthetic_weeks((800, 600, 700)))).set_index("input")
    assert table.loc["design_capacity_per_week", "single_figure"]
    assert not table.loc["lock_in_rate", "single_figure"]
    assert not table.loc["sales_per_week", "single_figure"]


def test_run_rate_table_by_hand():
    # mid: supply 700 (design), inflow 700 × 40% = 280, backlog 700 × 12 = 8,400 (no cancellation cut),
    # surplus 420 → 20 weeks after 2025-W19 = 2025-W39
    figures, weeks = synthetic_figures(), synthetic_weeks()
    table = rr.run_rate_table(figures, weeks, rr.default_inputs(figures, weeks))
    assert len(table) == 18
    assert table[["reading", "scenario", "supply_basis"]].drop_duplicates().shape[0] == 18
    assert table["reading"].drop_duplicates().tolist() == ["unlocked_deposits", "locked_orders"]
    assert table["default_reading"].tolist() == [True] * 9 + [False] * 9
    row = table.set_index(["reading", "scenario", "supply_basis"]).loc[("unlocked_deposits", "mid", "design_capacity")]
    assert row["net_inflow_per_week"] == pytest.approx(280)
    assert row["implied_backlog"] == pytest.approx(8400)
    assert row["effective_backlog"] == pytest.approx(8400)
    assert row["weeks_to_clear"] == pytest.approx(20)
    assert row["clears_in"] == "2025-W39 (week 20)"
    assert row["clearance"] == "within_horizon" and row["backlog_trend"] == "shrinks"
    assert row["weeks_to_clear_formula"] == "8,400 / (700 − 280) = 20.0"


def test_locked_orders_reading_takes_the_printed_orders_as_firm():
    # 1,400 over 2 weeks = 700 a week, already locked: the lock-in rate is not applied again
    figures, weeks = synthetic_figures(), synthetic_weeks()
    table = rr.run_rate_table(figures, weeks, rr.default_inputs(figures, weeks)).set_index(["reading", "scenario", "supply_basis"])
    for s in rr.SCENARIOS:
        row = table.loc[("locked_orders", s, "sales_run_rate")]
        assert row["net_inflow_per_week"] == pytest.approx(1400 / 2)
        assert row["net_inflow_formula"].startswith("1,400 / 2 weeks = 700 a week, already locked")
        # 700 in, 700 out: the backlog stays flat and never clears
        assert row["backlog_trend"] == "flat" and row["clearance"] == "never" and math.isinf(row["weeks_to_clear"])
    assert rr.firm_inflow("locked_orders", 700, 0.3) == 700
    assert rr.firm_inflow("unlocked_deposits", 700, 0.3) == pytest.approx(210)
    with pytest.raises(ValueError, match="unknown reading"):
        rr.firm_inflow("deposits", 700, 0.3)


def test_the_conclusion_flips_with_the_reading():
    # 1,600 over 2 weeks = 800 a week against sales of 700 a week
    figures = synthetic_figures(orders_may_weeks1_2={"value": 1600})
    weeks = synthetic_weeks()
    table = rr.run_rate_table(figures, weeks, rr.default_inputs(figures, weeks))
    sales = table[table["supply_basis"] == "sales_run_rate"].set_index(["reading", "scenario"])
    for s in rr.SCENARIOS:
        unlocked, locked = sales.loc[("unlocked_deposits", s)], sales.loc[("locked_orders", s)]
        # unlocked: 800 × 30..50% = 240..400 < 700: shrinks, clears; locked: 800 > 700: grows, never
        assert unlocked["net_inflow_per_week"] < 700 and unlocked["backlog_trend"] == "shrinks"
        assert unlocked["clearance"] == "within_horizon"
        assert locked["net_inflow_per_week"] == pytest.approx(800) and locked["backlog_trend"] == "grows"
        assert locked["clearance"] == "never" and locked["clears_in"] == "never: supply 700 ≤ firm inflow 800 a week"
    conclusions = rr.reading_conclusions(table)
    assert conclusions["unlocked_deposits"]["scenarios_backlog_grows"] == []
    assert conclusions["locked_orders"]["scenarios_backlog_grows"] == ["low", "mid", "high"]
    assert conclusions["unlocked_deposits"]["mid_backlog_trend"] == "shrinks"
    assert conclusions["locked_orders"]["mid_backlog_trend"] == "grows"


def test_cancellations_are_not_taken_off_littles_law_again():
    figures, weeks = synthetic_figures(), synthetic_weeks()
    inputs = rr.default_inputs(figures, weeks)
    table = rr.run_rate_table(figures, weeks, inputs)
    # 700 a week × 12 weeks = 8,400 in every row, whatever the cancellation rate (20%, 10%, 0%)
    assert set(table["cancellation_rate"].round(3)) == {0.2, 0.1, 0.0}
    assert table["implied_backlog"].tolist() == pytest.approx([8400.0] * 18)
    assert (table["effective_backlog"] == table["implied_backlog"]).all()
    assert table["effective_backlog_formula"].str.contains("not taken off again").all()
    # the cancellation rate changes nothing: not the backlog, not the weeks to clear
    for rate in (0.0, 0.5, 1.0):
        other = rr.run_rate_table(figures, weeks, rr.with_overrides(inputs, cancellation_rate=rate))
        pd.testing.assert_series_equal(other["effective_backlog"], table["effective_backlog"])
        pd.testing.assert_series_equal(other["weeks_to_clear"], table["weeks_to_clear"])


def test_clearances_beyond_the_horizon_get_no_iso_week():
    # wait 200 weeks: backlog 700 × 200 = 140,000; surplus 700 − 280 = 420 → 333.3 weeks, 6.4 years → "about 6 years"
    figures, weeks = synthetic_figures(), synthetic_weeks()
    inputs = rr.with_overrides(rr.default_inputs(figures, weeks), wait_weeks=200)
    table = rr.run_rate_table(figures, weeks, inputs).set_index(["reading", "scenario", "supply_basis"])
    row = table.loc[("unlocked_deposits", "mid", "design_capacity")]
    assert row["weeks_to_clear"] == pytest.approx(140000 / 420)
    assert row["clearance"] == "beyond_horizon" and not row["clears_within_horizon"]
    assert row["clears_in"] == "not within 2 years (beyond the 104-week horizon; about 6 years at constant flows)"
    assert row["years_to_clear"] == 6
    assert not any(re.search(r"\d{4}-W\d{2}", text) for text in table["clears_in"])
    assert "not within 2 years" in row["weeks_to_clear_formula"]


def test_horizon_rule_at_its_edge_and_in_whole_years():
    assert rr.clearance(104, (2025, 19)) == ("within_horizon", "2027-W18 (week 104)")  # 2026 has 53 ISO weeks
    kind, text = rr.clearance(104.5, (2025, 19))
    assert kind == "beyond_horizon" and "W" not in text and "about" not in text  # 2.0 years: no "about 2 years"
    assert rr.clearance(858.4, (2025, 19))[1].endswith("about 16 years at constant flows)")  # 858.4 / 52.18 = 16.45
    assert [rr.whole_years(w) for w in (26, 27.1, 78.3, 130.4)] == [0, 1, 2, 2]
    assert rr.clearance(50, (2025, 19), horizon_weeks=26)[0] == "beyond_horizon"
    assert rr.clearance(math.inf, (2025, 19)) == ("never", "never")


def test_a_capacity_the_audit_rejects_is_not_dated():
    # sales 900 a week against capacities of 700: 900 > 700 × 1.15 = 805, the audit's rule, so no date at all
    figures, weeks = synthetic_figures(), synthetic_weeks((900, 900, 900, 900))
    table = rr.run_rate_table(figures, weeks, rr.default_inputs(figures, weeks))
    capacity = table[table["supply_basis"] != "sales_run_rate"]
    assert capacity["supply_contradicted"].all() and not table.loc[table["supply_basis"] == "sales_run_rate", "supply_contradicted"].any()
    unlocked = capacity[capacity["reading"] == "unlocked_deposits"]
    # 700 × 12 = 8,400 / (700 − 210..350) = 17..24 weeks: well within the horizon, but still not dated
    assert unlocked["weeks_to_clear"].lt(104).all()
    assert (unlocked["clearance"] == "not_dated").all()
    assert unlocked["clears_in"].str.startswith("not dated: weekly sales ran above").all()
    assert not unlocked["clears_in"].str.contains(r"\d{4}-W\d{2}").any()
    assert not rr.capacity_contradicted(700, 800) and rr.capacity_contradicted(700, 810)  # 700 × 1.15 = 805


def test_live_figures_by_hand():
    """The project's own figures: 13,500 / 2 = 6,750 a week against the weekly sales mean (7,200 + 7,000 + 5,700 + 5,200) / 4."""
    from helpers.data.clean import read_clean

    try:
        figures, weekly = read_clean("figures"), read_clean("weekly_sales")
    except FileNotFoundError:
        pytest.skip("no processed clean tables")
    table = rr.run_rate_table(figures, weekly, rr.default_inputs(figures, weekly))
    sales = table[table["supply_basis"] == "sales_run_rate"].set_index(["reading", "scenario"])
    mean_sales = (7200 + 7000 + 5700 + 5200) / 4
    assert mean_sales == 6275 and sales.loc[("unlocked_deposits", "mid"), "supply_per_week"] == pytest.approx(mean_sales)
    locked = sales.loc[("locked_orders", "mid")]
    assert locked["net_inflow_per_week"] == pytest.approx(13500 / 2) == 6750
    assert locked["surplus_per_week"] == pytest.approx(6275 - 6750) and locked["backlog_trend"] == "grows"
    assert locked["clearance"] == "never"
    unlocked = sales.loc[("unlocked_deposits", "mid")]
    assert unlocked["net_inflow_per_week"] == pytest.approx(6750 * (0.35 + 0.40) / 2)  # 2,531.25
    # Little's law, no cancellation cut: 6,275 × (365.25 / 7) weeks; / (6,275 − 2,531.25) = 87.5 weeks, within 2 years
    backlog = 6275 * 365.25 / 7
    assert unlocked["effective_backlog"] == pytest.approx(backlog)
    assert unlocked["weeks_to_clear"] == pytest.approx(backlog / (6275 - 2531.25))
    assert unlocked["clearance"] == "within_horizon"
    # the best week (7,200) against 6,750 locked: shrinks by 450 a week, 7,200 × 52.18 / 450 = 835 weeks, about 16 years
    best = sales.loc[("locked_orders", "low")]
    assert best["weeks_to_clear"] == pytest.approx(7200 * 365.25 / 7 / 450)
    assert best["clearance"] == "beyond_horizon" and "about 16 years" in best["clears_in"]
    # both capacities are below the weekly sales: never dated (the old table gave 2041-W43)
    capacity = table[table["supply_basis"] != "sales_run_rate"]
    assert set(capacity["clearance"]) <= {"not_dated", "never"}
    assert not table["clears_in"].str.contains("2041").any()


def test_run_rate_table_never_clears_when_inflow_beats_supply():
    figures, weeks = synthetic_figures(), synthetic_weeks()
    inputs = rr.with_overrides(rr.default_inputs(figures, weeks), gross_orders_per_week=5000)
    table = rr.run_rate_table(figures, weeks, inputs)
    assert table["weeks_to_clear"].map(math.isinf).all()
    assert table["clears_in"].str.startswith("never").all()


def test_backlog_paths_stack_every_row():
    figures, weeks = synthetic_figures(), synthetic_weeks()
    table = rr.run_rate_table(figures, weeks, rr.default_inputs(figures, weeks))
    paths = rr.backlog_paths(table, weeks=20, start=(2025, 19))
    assert len(paths) == 18 * 21
    assert list(paths.columns) == ["reading", "scenario", "supply_basis", "week", "iso_week", "backlog"]
    mid = paths[(paths["reading"] == "unlocked_deposits") & (paths["scenario"] == "mid") & (paths["supply_basis"] == "design_capacity")]
    assert mid["iso_week"].iloc[20] == "2025-W39"
    assert mid["backlog"].iloc[19] > 0 and mid["backlog"].iloc[20] == pytest.approx(0, abs=1e-6)
    locked = paths[(paths["reading"] == "locked_orders") & (paths["scenario"] == "mid") & (paths["supply_basis"] == "design_capacity")]
    assert locked["backlog"].tolist() == [8400.0] * 21  # 700 in, 700 out
    default = rr.default_reading(paths)
    assert len(default) == 9 * 21 and set(default["reading"]) == {rr.DEFAULT_READING}


def test_outputs_written_atomically_and_stably(tmp_path):
    figures, weeks = synthetic_figures(), synthetic_weeks()
    inputs = rr.default_inputs(figures, weeks)
    comparison = rr.run_rate_comparison(figures, weeks)
    table = rr.run_rate_table(figures, weeks, inputs)
    paths = rr.backlog_paths(table, weeks=10, start=(2025, 19))
    conclusions = {reading: f"{reading} (the sentence)" for reading in rr.READINGS}
    summary = rr.run_rate_summary(inputs, comparison, table, start=(2025, 19), conclusions=conclusions)
    assert list(summary) == ["scale", "note", "start_week", "horizon_weeks", "rules", "inputs", "comparison",
                             "scenarios_reading", "scenarios", "readings"]
    first = rr.write_run_rate_outputs(comparison, table, paths, summary, folder=tmp_path)
    assert [p.name for p in first] == ["comparison.csv", "scenarios.csv", "backlog_paths.csv", "summary.json"]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in first}
    again = rr.write_run_rate_outputs(comparison, table, paths, summary, folder=tmp_path)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in again} == before  # same bytes: not rewritten
    loaded = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert loaded["scenarios_reading"] == "unlocked_deposits"
    assert loaded["scenarios"]["mid"]["design_capacity"]["weeks_to_clear"] == 20
    assert loaded["readings"]["unlocked_deposits"]["scenarios"]["mid"]["design_capacity"]["weeks_to_clear"] == 20
    assert loaded["readings"]["locked_orders"]["scenarios"]["mid"]["design_capacity"]["weeks_to_clear"] is None
    for reading in rr.READINGS:
        part = loaded["readings"][reading]
        assert part["meaning"] == rr.READING_MEANINGS[reading]
        assert part["conclusion"].startswith(f"{reading} (")
    assert loaded["readings"]["unlocked_deposits"]["mid_backlog_trend"] == "shrinks"
    assert loaded["readings"]["locked_orders"]["mid_backlog_trend"] == "flat"
    assert "not taken off" in loaded["rules"]["littles_law"]
    assert "-0.0" not in (tmp_path / "scenarios.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backlog_paths.csv", "comparison.csv", "scenarios.csv", "summary.json"]


# --------------------------------------------------------------------------- laws

flows = st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False)
backlogs = st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False, allow_subnormal=False)  # a subnormal backlog scaled by c < 1 underflows to 0


@given(throughput=flows, wait=st.floats(min_value=0.1, max_value=200))
def test_littles_law_recovers_the_wait(throughput, wait):
    assert rr.implied_backlog(throughput, wait) / throughput == pytest.approx(wait)


@given(backlog=backlogs, inflow=flows, surplus=flows)
def test_weeks_to_clear_times_surplus_is_the_backlog(backlog, inflow, surplus):
    supply = inflow + surplus
    assume(supply - inflow > 0)
    assert rr.weeks_to_clear(backlog, supply, inflow) * (supply - inflow) == pytest.approx(backlog, rel=1e-6, abs=1e-6)


@given(backlog=backlogs, inflow=flows, surplus=flows, factor=st.floats(min_value=1.5, max_value=10))
def test_weeks_to_clear_scales_inversely_with_the_surplus(backlog, inflow, surplus, factor):
    slow = rr.weeks_to_clear(backlog, inflow + surplus, inflow)
    fast = rr.weeks_to_clear(backlog, inflow + factor * surplus, inflow)
    assume((inflow + surplus) - inflow > 0)
    assert fast == pytest.approx(slow * surplus / ((inflow + factor * surplus) - inflow), rel=1e-6, abs=1e-9)
    assert fast <= slow


@given(backlog=backlogs, supply=flows, inflow=flows, c=st.floats(min_value=0.01, max_value=100))
def test_scaling_every_flow_leaves_weeks_to_clear_unchanged(backlog, supply, inflow, c):
    # near the boundary supply == inflow the net flow is float rounding (supply 1.0000000000000002 against
    # inflow 1.0 clears in 2e16 weeks, and scaled by c in none or in 1e16): nothing to compare there
    assume(not math.isclose(supply, inflow, rel_tol=1e-9))
    base = rr.weeks_to_clear(backlog, supply, inflow)
    scaled = rr.weeks_to_clear(backlog * c, supply * c, inflow * c)
    if math.isinf(base) or math.isinf(scaled):
        assert math.isinf(base) and math.isinf(scaled)
    else:
        assert scaled == pytest.approx(base, rel=1e-6, abs=1e-9)


@given(backlog=backlogs, inflow=flows, surplus=flows, weeks=st.integers(min_value=0, max_value=60))
def test_backlog_path_is_non_increasing_when_supply_exceeds_inflow(backlog, inflow, surplus, weeks):
    path = rr.backlog_path(backlog, inflow + surplus, inflow, weeks)["backlog"]
    assert len(path) == weeks + 1
    assert path.iloc[0] == backlog
    assert (path.diff().dropna() <= 0).all()
    assert (path >= 0).all()


@given(backlog=backlogs, supply=flows, excess=st.floats(min_value=0, max_value=1e6), weeks=st.integers(min_value=0, max_value=60))
def test_backlog_path_never_falls_when_inflow_reaches_supply(backlog, supply, excess, weeks):
    path = rr.backlog_path(backlog, supply, supply + excess, weeks)["backlog"]
    assert (path.diff().dropna() >= 0).all()


@given(backlog=st.floats(min_value=1, max_value=1e5), inflow=flows, surplus=st.floats(min_value=100, max_value=1e6))
def test_overtake_week_is_the_first_empty_week_of_the_path(backlog, inflow, surplus):
    supply = inflow + surplus
    week = rr.supply_overtakes_demand(backlog, supply, inflow)
    path = rr.backlog_path(backlog, supply, inflow, week + 1)["backlog"]
    assert path.iloc[week] <= 1e-6 * backlog
    assert week == 0 or path.iloc[week - 1] > 0


@given(backlog=backlogs, a=st.floats(min_value=0, max_value=1), b=st.floats(min_value=0, max_value=1))
def test_more_cancellations_leave_fewer_open_orders(backlog, a, b):
    low, high = sorted((a, b))
    assert rr.effective_backlog(backlog, high) <= rr.effective_backlog(backlog, low)


# --------------------------------------------------------------------------- clearance ranges (issue 24, item 5)


def _fixture_ranges():
    from tests.conftest import ROOT

    folder = ROOT / "tests/fixtures/clean_2025_w39"
    figures, weeks = pd.read_csv(folder / "figures.csv"), pd.read_csv(folder / "weekly_sales.csv")
    return rr.clearance_ranges(weeks, rr.default_inputs(figures, weeks)).set_index(["reading", "supply_basis"])


def test_clearance_ranges_span_every_plausible_input_on_the_frozen_figures():
    """Not one ISO week: the earliest and latest clearance over lock-in 35%-40%, cancellations 0-40%, sales 5,200-7,200."""
    ranges = _fixture_ranges()
    wait = 365.25 / 7
    gross = 13500 / 2
    deposits = ranges.loc[("unlocked_deposits", "sales_run_rate")]
    # earliest: best week 7,200 against the fewest firm orders (35%); latest: weakest week 5,200 against 40%
    assert deposits["earliest_weeks"] == pytest.approx(7200 * wait / (7200 - gross * 0.35))
    assert deposits["latest_weeks"] == pytest.approx(5200 * wait / (5200 - gross * 0.40))
    assert deposits["n_combinations"] == 3 * 3 * 3  # sales × lock-in × cancellation values
    assert deposits["n_never"] == 0
    assert deposits["earliest"].startswith("2026-W45")  # week 78 after 2025-W19
    assert deposits["latest"] == "after more than 2 years"  # 108.5 weeks: beyond the horizon, no ISO week
    locked = ranges.loc[("locked_orders", "sales_run_rate")]
    # locked orders: 6,750 firm a week; only the best week (7,200) clears, after 7,200 × wait / 450 weeks
    assert locked["earliest_weeks"] == pytest.approx(7200 * wait / (7200 - gross))
    assert locked["latest"] == "never" and math.isinf(locked["latest_weeks"])
    assert locked["n_never"] == 2 * 3 * 3  # 5,200 and 6,275 are below 6,750 whatever the lock-in and cancellations
    assert ranges.loc[("unlocked_deposits", "design_capacity"), "earliest"] == "not dated"


def test_clearance_ranges_do_not_move_with_cancellations():
    """Little's law counts only served orders: the cancellation rate is spanned but changes no clearance."""
    figures, weeks = synthetic_figures(), synthetic_weeks((800, 700, 600, 500))
    inputs = rr.default_inputs(figures, weeks)
    base = rr.clearance_ranges(weeks, inputs)
    none = rr.clearance_ranges(weeks, rr.with_overrides(inputs, cancellation_rate=0.0))
    pd.testing.assert_series_equal(base["earliest_weeks"], none["earliest_weeks"])
    pd.testing.assert_series_equal(base["latest_weeks"], none["latest_weeks"])


def test_clearance_ranges_in_the_summary():
    figures, weeks = synthetic_figures(), synthetic_weeks((800, 700, 600, 500))
    inputs = rr.default_inputs(figures, weeks)
    scenarios = rr.run_rate_table(figures, weeks, inputs)
    ranges = rr.clearance_ranges(weeks, inputs)
    summary = rr.run_rate_summary(inputs, rr.run_rate_comparison(figures, weeks), scenarios, ranges=ranges)
    entry = summary["clearance_ranges"]["locked_orders"]["sales_run_rate"]
    assert set(entry) == {"earliest", "latest", "earliest_weeks", "latest_weeks", "n_combinations", "n_never", "range"}
    json.dumps(summary, allow_nan=False)  # no infinity in the JSON

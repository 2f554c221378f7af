"""Run-rate model: hand-computed cases, synthetic figure tables, and laws that must hold."""

from __future__ import annotations

import json
import math

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
    # mid: supply 700 (design), inflow 700 × 40% = 280, backlog 700 × 12 = 8,400,
    # open 8,400 × (1 − 10%) = 7,560, surplus 420 → 18 weeks after 2025-W19 = 2025-W37
    figures, weeks = synthetic_figures(), synthetic_weeks()
    table = rr.run_rate_table(figures, weeks, rr.default_inputs(figures, weeks))
    assert len(table) == 9
    assert table[["scenario", "supply_basis"]].drop_duplicates().shape[0] == 9
    row = table.set_index(["scenario", "supply_basis"]).loc[("mid", "design_capacity")]
    assert row["net_inflow_per_week"] == pytest.approx(280)
    assert row["implied_backlog"] == pytest.approx(8400)
    assert row["effective_backlog"] == pytest.approx(7560)
    assert row["weeks_to_clear"] == pytest.approx(18)
    assert row["clears_in"] == "2025-W37 (week 18)"
    assert row["weeks_to_clear_formula"] == "7,560 / (700 − 280) = 18.0"


def test_run_rate_table_never_clears_when_inflow_beats_supply():
    figures, weeks = synthetic_figures(), synthetic_weeks()
    inputs = rr.with_overrides(rr.default_inputs(figures, weeks), gross_orders_per_week=5000)
    table = rr.run_rate_table(figures, weeks, inputs)
    assert table["weeks_to_clear"].map(math.isinf).all()
    assert table["clears_in"].str.startswith("never").all()
    assert all(s.count("never") == 3 for s in rr.overtake_sentences(table))


def test_backlog_paths_stack_every_row():
    figures, weeks = synthetic_figures(), synthetic_weeks()
    table = rr.run_rate_table(figures, weeks, rr.default_inputs(figures, weeks))
    paths = rr.backlog_paths(table, weeks=20, start=(2025, 19))
    assert len(paths) == 9 * 21
    mid = paths[(paths["scenario"] == "mid") & (paths["supply_basis"] == "design_capacity")]
    assert mid["iso_week"].iloc[18] == "2025-W37"
    assert mid["backlog"].iloc[17] > 0 and mid["backlog"].iloc[18] == pytest.approx(0, abs=1e-6)



def test_outputs_written_atomically_and_stably(tmp_path):
    figures, weeks = synthetic_figures(), synthetic_weeks()
    inputs = rr.default_inputs(figures, weeks)
    comparison = rr.run_rate_comparison(figures, weeks)
    table = rr.run_rate_table(figures, weeks, inputs)
    paths = rr.backlog_paths(table, weeks=10, start=(2025, 19))
    summary = rr.run_rate_summary(inputs, comparison, table, start=(2025, 19))
    assert list(summary) == ["scale", "note", "start_week", "inputs", "comparison", "scenarios"]
    first = rr.write_run_rate_outputs(comparison, table, paths, summary, folder=tmp_path)
    assert [p.name for p in first] == ["comparison.csv", "scenarios.csv", "backlog_paths.csv", "summary.json"]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in first}
    again = rr.write_run_rate_outputs(comparison, table, paths, summary, folder=tmp_path)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in again} == before  # same bytes: not rewritten
    loaded = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert loaded["scenarios"]["mid"]["design_capacity"]["weeks_to_clear"] == 18
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
    base = rr.weeks_to_clear(backlog, supply, inflow)
    scaled = rr.weeks_to_clear(backlog * c, supply * c, inflow * c)
    if math.isinf(base) or math.isinf(scaled):
        # only the boundary supply == inflow can flip under float rounding
        assume(not math.isclose(supply, inflow, rel_tol=1e-9))
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

"""Notebook 04's sentences: rates on one scale, the single-figure inputs, when supply overtakes demand."""

from __future__ import annotations

import pandas as pd

from helpers.models import run_rate as rr
from helpers.narrative import run_rate as narrative
from tests.models.test_run_rate import synthetic_figures, synthetic_weeks


def test_rates_sentence_sets_sales_against_both_capacities():
    per_week = {"design_capacity": 3000.0, "actual_capacity": 2400.0, "weekly_sales_mean": 6000.0,
                "april_sales": 6666.6, "march_week2_orders": 23000.0, "may_weeks1_2_orders": 6750.0}
    comparison = pd.DataFrame({"quantity": list(per_week), "per_week": list(per_week.values())})
    comparison["per_week_low"] = comparison["per_week"].where(comparison["quantity"] != "weekly_sales_mean", 5000.0)
    comparison["per_week_high"] = comparison["per_week"].where(comparison["quantity"] != "weekly_sales_mean", 7000.5)
    comparison["n_values"] = [1, 1, 4, 1, 1, 1]
    comparison["vs_weekly_sales"] = comparison["per_week"] / 6000.0
    assert narrative.rates_sentence(comparison) == (
        "Weekly sales averaged **6,000** a week (n = 4 weeks, 5,000 to 7,001): **2.0×** the design capacity "
        "(3,000 a week) and **2.5×** the “actual” capacity (2,400 a week). April's monthly total gives 6,667 a week. "
        "Gross orders ran at 23,000 in one week of March and 6,750 a week in early May."
    )


def test_single_figure_sentence_lists_them_and_the_parameters_that_replaced_figures():
    table = pd.DataFrame({"input": ["design_capacity_per_week", "lock_in_rate", "wait_weeks"],
                          "figure_id": ["capacity_design_annual", "rate_lock_in", "parameter"],
                          "single_figure": [True, False, True]})
    assert narrative.single_figure_sentence(table) == (
        "**2 of 3 inputs are a single figure**, the same in every scenario: `design_capacity_per_week` "
        "(capacity_design_annual), `wait_weeks` (parameter). Only the other inputs differ between scenarios. "
        "Set by parameters in this run: `wait_weeks`."
    )
    assert narrative.single_figure_sentence(table.iloc[:2]).startswith("**1 of 2 inputs is a single figure**")
    assert narrative.single_figure_sentence(table.iloc[:2]).endswith(
        "No parameter overrides an article figure in this run.")


def _table(orders_two_weeks: float = 1600, units=(700, 700, 700, 700), **overrides):
    """A run-rate table of the synthetic figures (every rate 700 a week; May orders ``orders_two_weeks``)."""
    figures = synthetic_figures(orders_may_weeks1_2={"value": orders_two_weeks})
    weeks = synthetic_weeks(units)
    return rr.run_rate_table(figures, weeks, rr.with_overrides(rr.default_inputs(figures, weeks), **overrides))


def test_readings_paragraph_says_what_each_reading_means_by_hand():
    # 1,600 over 2 weeks = 800 a week; unlocked: 800 × 30% / 40% / 50% = 240 / 320 / 400; locked: 800
    text = narrative.readings_paragraph(_table())
    assert "both readings are run" in text
    assert ("* **unlocked deposits** (the default, drawn by the run-rate figure): the printed orders were refundable "
            "deposits: firm inflow = orders a week × lock-in rate. Mid: 800 gross × 40.0% lock-in = 320 (240 to 400 "
            "across scenarios), against sales of 700 a week (700): at the sales run-rate the backlog shrinks in 3 of "
            "3 scenarios (low, mid and high).") in text
    assert ("* **locked orders**: the printed orders were already locked: firm inflow = orders a week as printed "
            "(lock-in not applied). Mid: 1,600 / 2 weeks = 800 a week, already locked (lock-in 40.0% not applied) "
            "(800 across scenarios), against sales of 700 a week (700): at the sales run-rate the backlog shrinks in "
            "0 of 3 scenarios.") in text


def test_flip_sentence_names_the_conclusion_that_flips():
    # 700 × 12 = 8,400 open; unlocked 700 − 320 = 380 a week spare → 22.1 weeks, under a year (no ISO week: one
    # scenario's date is false precision); locked 800 > 700
    assert narrative.flip_sentence(_table()) == (
        "**The conclusion flips with the reading.** At the sales run-rate (mid scenario, 700 a week), read as unlocked "
        "deposits the firm inflow is 320 a week and the backlog shrinks by 380 a week: it clears within a year at constant "
        "flows; read as locked orders it is 800 a week and the backlog grows by 100 a week: it never clears. The article does not say "
        "which reading is right, so neither date nor \"never\" is a finding; the run-rate figure draws unlocked deposits."
    )
    # 1,000 over 2 weeks = 500 a week, below 700 either way: no flip
    assert narrative.flip_sentence(_table(1000)).startswith("**The conclusion does not flip with the reading here.**")


def test_littles_law_sentence_takes_no_cancellation_off():
    text = narrative.littles_law_sentence(_table())
    assert text == (
        "**Little's law counts only orders that get served.** A buyer who waits 12.0 weeks at a factory delivering 700 "
        "a week has 700 × 12.0 = 8,400 orders ahead (mid, sales run-rate); each of those orders is delivered, so the "
        "cancellation rate (0% to 20% across scenarios) is **not** taken off again: open orders = implied backlog in every row."
    )


def test_horizon_sentence_counts_each_kind_of_clearance():
    # sales 900 a week reject both capacities of 700 (900 > 700 × 1.15 = 805): 6 capacity rows of unlocked deposits
    # are not dated; wait 200 weeks: 900 × 200 = 180,000 open at the sales run-rate, unlocked surplus 900 − 240..400
    # → 273..360 weeks, beyond 104 (3 rows); locked: 800 a week in, 900 out → 180,000 / 100 = 1,800 weeks (3 rows),
    # about 34 years (1,800 / 52.18 = 34.5, rounded half up after the division: 34.497); capacities < 800: never (6).
    text = narrative.horizon_sentence(_table(units=(900, 900, 900, 900), wait_weeks=200))
    assert text == (
        "**No false precision.** Of the 18 rows, 0 clear within 104 weeks (2 years) of week 0 and are given their ISO "
        "week; 6 clear later and are given only as \"not within 2 years\", in whole years; 6 rest on a capacity the "
        "weekly sales ran above (so it cannot be the supply rate) and are not dated; 6 never clear. `weeks_to_clear` keeps the raw "
        "arithmetic (up to 1,800 weeks, about 34 years): a span that long says supply barely exceeds the inflow, not "
        "when the backlog will be gone."
    )
    # all within the horizon: no sentence about long spans
    assert narrative.horizon_sentence(_table(1000)).endswith("0 never clear.")


def test_overtake_paragraph_names_week_zero_and_lists_each_reading_and_scenario():
    table = _table()
    text = narrative.overtake_paragraph(table[table["scenario"] == "mid"], (2025, 19))
    assert text.startswith("If flows stayed as they are from 2025-W19 (week 0, the last weekly figure) on, scenario by scenario")
    assert "the range over all of them" in text.split("\n")[0]
    lines = text.split("\n")[2:]
    assert [line.split(":")[0] for line in lines] == ["* **mid** (unlocked deposits)", "* **mid** (locked orders)"]
    assert lines[0].endswith("at the observed sales run-rate the backlog clears after 22.1 weeks, by 2025-W42 "
                             "(8,400 open orders, 380 a week to spare).")
    assert lines[1].endswith("at the observed sales run-rate the backlog never clears (700 a week against 800 firm orders a week).")


def test_overtake_paragraph_reads_a_table_written_before_readings():
    scenarios = pd.DataFrame({
        "scenario": ["low", "low"], "supply_basis": ["design_capacity", "actual_capacity"],
        "supply_per_week": [3000.0, 2000.0], "net_inflow_per_week": [2000.0, 2500.0],
        "surplus_per_week": [1000.0, -500.0], "effective_backlog": [10000.0, 9000.0],
        "weeks_to_clear": [10.0, float("inf")], "clears_in": ["2025-W29 (week 10)", "never"],
    })
    assert narrative.overtake_paragraph(scenarios, (2025, 19)).endswith(
        "* **low**: at design capacity the backlog clears after 10.0 weeks, by 2025-W29 (10,000 open orders, "
        "1,000 a week to spare); at the “actual” capacity the backlog never clears (2,000 a week against 2,500 firm "
        "orders a week)."
    )


def test_the_conclusion_sentence_says_the_locked_reading_never_clears():
    # 1,600 over 2 weeks = 800 a week against sales of 700 a week: locked, the backlog grows by 100 a week
    figures = synthetic_figures(orders_may_weeks1_2={"value": 1600})
    weeks = synthetic_weeks()
    table = rr.run_rate_table(figures, weeks, rr.default_inputs(figures, weeks))
    sentences = narrative.conclusion_sentences(table)
    assert list(sentences) == list(rr.READINGS)
    assert "the backlog grows by 100 a week and never clears" in sentences["locked_orders"]
    assert sentences["locked_orders"].startswith("locked_orders (")


def test_the_conclusion_sentences_are_summary_json_conclusions():
    figures, weeks = synthetic_figures(), synthetic_weeks()
    inputs = rr.default_inputs(figures, weeks)
    table = rr.run_rate_table(figures, weeks, inputs)
    sentences = narrative.conclusion_sentences(table)
    summary = rr.run_rate_summary(inputs, rr.run_rate_comparison(figures, weeks), table, conclusions=sentences)
    for reading in rr.READINGS:
        part = summary["readings"][reading]
        assert part["conclusion"] == sentences[reading]
        assert list(part)[-2:] == ["conclusion", "scenarios"]
    bare = rr.run_rate_summary(inputs, rr.run_rate_comparison(figures, weeks), table)
    assert all("conclusion" not in part for part in bare["readings"].values())


def test_overtake_sentences_say_never_for_every_basis_when_inflow_beats_supply():
    figures, weeks = synthetic_figures(), synthetic_weeks()
    inputs = rr.with_overrides(rr.default_inputs(figures, weeks), gross_orders_per_week=5000)
    table = rr.run_rate_table(figures, weeks, inputs)
    assert all(s.count("never") == 3 for s in narrative.overtake_sentences(table))

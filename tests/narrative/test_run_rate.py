"""Notebook 04's sentences: rates on one scale, the single-figure inputs, when supply overtakes demand."""

from __future__ import annotations

import pandas as pd

from helpers.narrative import run_rate as narrative


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


def test_overtake_paragraph_names_week_zero_and_lists_each_scenario():
    scenarios = pd.DataFrame({
        "scenario": ["low", "low", "high"],
        "supply_basis": ["design_capacity", "actual_capacity", "design_capacity"],
        "supply_per_week": [3000.0, 2000.0, 3000.0], "net_inflow_per_week": [2000.0, 2500.0, 2900.0],
        "surplus_per_week": [1000.0, -500.0, 100.0], "effective_backlog": [10000.0, 9000.0, 10000.0],
        "weeks_to_clear": [10.0, float("inf"), 100.0],
        "clears_in": ["2025-W29 (10 weeks)", "never", "2027-W15 (100 weeks)"],
    })
    assert narrative.overtake_paragraph(scenarios, (2025, 19)) == (
        "If flows stayed as they are from 2025-W19 (week 0, the last weekly figure) on:\n\n"
        "* **low**: supply overtakes demand after 10.0 weeks at design capacity, by 2025-W29 (10,000 open orders, "
        "1,000 a week to spare); never at the “actual” capacity (2,000 a week against 2,500 firm orders a week).\n"
        "* **high**: supply overtakes demand after 100.0 weeks at design capacity, by 2027-W15 (10,000 open orders, "
        "100 a week to spare)."
    )

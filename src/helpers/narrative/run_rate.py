"""The sentences of notebook 04 (run rate): the rates on one scale, the single-figure inputs, when supply overtakes demand."""

from __future__ import annotations

import pandas as pd

from helpers.data.weeks import week_label
from helpers.formatting import number, plural
from helpers.models import run_rate

__all__ = ["rates_sentence", "single_figure_sentence", "overtake_paragraph"]


def rates_sentence(comparison: pd.DataFrame) -> str:
    """Weekly sales against both capacities, April's total and the order intake, all in vehicles a week.

    ``comparison`` is :func:`helpers.models.run_rate.run_rate_comparison`, one row
    per ``quantity`` (``vs_weekly_sales`` is each rate over the weekly-sales mean).

    >>> comparison = pd.DataFrame({
    ...     "quantity": ["design_capacity", "actual_capacity", "weekly_sales_mean", "april_sales",
    ...                  "march_week2_orders", "may_weeks1_2_orders"],
    ...     "per_week": [2000.0, 2500.0, 5000.0, 5500.0, 20000.0, 6000.0],
    ...     "per_week_low": [2000.0, 2500.0, 4000.0, 5500.0, 20000.0, 6000.0],
    ...     "per_week_high": [2000.0, 2500.0, 6000.0, 5500.0, 20000.0, 6000.0],
    ...     "n_values": [1, 1, 3, 1, 1, 1]})
    >>> comparison["vs_weekly_sales"] = comparison["per_week"] / 5000.0
    >>> print(rates_sentence(comparison))
    Weekly sales averaged **5,000** a week (n = 3 weeks, 4,000 to 6,000): **2.5×** the design capacity (2,000 a week) and **2.0×** the “actual” capacity (2,500 a week). April's monthly total gives 5,500 a week. Gross orders ran at 20,000 in one week of March and 6,000 a week in early May.
    """
    rate = comparison.set_index("quantity")
    weekly = rate.loc["weekly_sales_mean"]
    return (
        f"Weekly sales averaged **{number(weekly['per_week'])}** a week (n = {plural(int(weekly['n_values']), 'week')}, "
        f"{number(weekly['per_week_low'])} to {number(weekly['per_week_high'])}): "
        f"**{number(1 / rate.loc['design_capacity', 'vs_weekly_sales'], 1)}×** the design capacity "
        f"({number(rate.loc['design_capacity', 'per_week'])} a week) and "
        f"**{number(1 / rate.loc['actual_capacity', 'vs_weekly_sales'], 1)}×** the “actual” capacity "
        f"({number(rate.loc['actual_capacity', 'per_week'])} a week). April's monthly total gives "
        f"{number(rate.loc['april_sales', 'per_week'])} a week. Gross orders ran at "
        f"{number(rate.loc['march_week2_orders', 'per_week'])} in one week of March and "
        f"{number(rate.loc['may_weeks1_2_orders', 'per_week'])} a week in early May."
    )


def single_figure_sentence(input_table: pd.DataFrame) -> str:
    """Which scenario inputs are one printed figure (the same in every scenario), and which a parameter replaced.

    ``input_table`` is :func:`helpers.models.run_rate.inputs_table`; a replaced
    input has ``figure_id == "parameter"``.

    >>> table = pd.DataFrame({"input": ["wait_weeks", "lock_in_rate", "sales_per_week"],
    ...                       "figure_id": ["wait_fig", "rate_fig", "parameter"], "single_figure": [True, False, True]})
    >>> print(single_figure_sentence(table))
    **2 of 3 inputs are a single figure**, the same in every scenario: `wait_weeks` (wait_fig), `sales_per_week` (parameter). Only the other inputs differ between scenarios. Set by parameters in this run: `sales_per_week`.
    >>> print(single_figure_sentence(table.iloc[:2]))
    **1 of 2 inputs is a single figure**, the same in every scenario: `wait_weeks` (wait_fig). Only the other inputs differ between scenarios. No parameter overrides an article figure in this run.
    """
    single = input_table[input_table["single_figure"].astype(bool)]
    overridden = input_table[input_table["figure_id"] == "parameter"]
    return (
        f"**{number(len(single))} of {plural(len(input_table), 'input')} {'is' if len(single) == 1 else 'are'} "
        "a single figure**, the same in every scenario: "
        + ", ".join(f"`{name}` ({fid})" for name, fid in zip(single["input"], single["figure_id"]))
        + ". Only the other inputs differ between scenarios. "
        + (f"Set by parameters in this run: {', '.join(f'`{n}`' for n in overridden['input'])}."
           if len(overridden) else "No parameter overrides an article figure in this run.")
    )


def overtake_paragraph(scenarios: pd.DataFrame, start: tuple[int, int]) -> str:
    """When supply overtakes demand in each scenario (:func:`helpers.models.run_rate.overtake_sentences`), as a list
    under one line naming week 0 (``start``, an ``(iso_year, iso_week)`` pair).

    >>> scenarios = pd.DataFrame({"scenario": ["mid"], "supply_basis": ["actual_capacity"], "supply_per_week": [2300.0],
    ...                           "net_inflow_per_week": [2531.25], "weeks_to_clear": [float("inf")]})
    >>> print(overtake_paragraph(scenarios, (2025, 19)))
    If flows stayed as they are from 2025-W19 (week 0, the last weekly figure) on:
    <BLANKLINE>
    * **mid**: supply overtakes demand never at the “actual” capacity (2,300 a week against 2,531 firm orders a week).
    """
    return (
        f"If flows stayed as they are from {week_label(*start)} (week 0, the last weekly figure) on:\n\n"
        + "\n".join(f"* {sentence}" for sentence in run_rate.overtake_sentences(scenarios))
    )

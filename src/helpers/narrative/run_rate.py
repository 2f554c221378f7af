"""The sentences of notebook 04 (run rate): the rates on one scale, the single-figure inputs, the two readings of the
order count and which conclusion flips, Little's law without a second cancellation cut, the horizon rule, and when
supply overtakes demand."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from helpers.data.weeks import week_label
from helpers.formatting import number, plural
from helpers.models import run_rate

__all__ = [
    "rates_sentence",
    "single_figure_sentence",
    "readings_paragraph",
    "flip_sentence",
    "littles_law_sentence",
    "horizon_sentence",
    "clearance_phrase",
    "overtake_sentences",
    "conclusion_sentences",
    "overtake_paragraph",
    "clearance_ranges_paragraph",
    "capacity_verdicts_sentence",
]

#: How a reading is named in prose.
READING_NAMES = {"unlocked_deposits": "unlocked deposits", "locked_orders": "locked orders"}


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


def _sales(scenarios: pd.DataFrame, reading: str) -> pd.DataFrame:
    rows = scenarios[(scenarios["reading"] == reading) & (scenarios["supply_basis"] == "sales_run_rate")]
    return rows.set_index("scenario")


def _range(values: pd.Series) -> str:
    lo, hi = float(values.min()), float(values.max())
    return number(lo) if number(lo) == number(hi) else f"{number(lo)} to {number(hi)}"


def _names(items: list[str]) -> str:
    return "none" if not items else items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def readings_paragraph(scenarios: pd.DataFrame) -> str:
    """What each reading of the printed order count takes it to be, the firm inflow it gives, and the sales against it.

    ``scenarios`` is :func:`helpers.models.run_rate.run_rate_table` (both readings).

    >>> sc = pd.DataFrame({"reading": ["unlocked_deposits"] * 2 + ["locked_orders"] * 2, "scenario": ["low", "mid"] * 2,
    ...                    "supply_basis": ["sales_run_rate"] * 4, "supply_per_week": [7000.0, 6000.0] * 2,
    ...                    "net_inflow_per_week": [2000.0, 2500.0, 6500.0, 6500.0],
    ...                    "net_inflow_formula": ["a", "6,500 gross × 38.5% lock-in = 2,500", "b", "13,000 / 2 weeks = 6,500 ..."],
    ...                    "backlog_trend": ["shrinks", "shrinks", "shrinks", "grows"]})
    >>> print(readings_paragraph(sc))
    The article prints the order count without saying whether it counts deposits or locked orders, so both readings are run:
    <BLANKLINE>
    * **unlocked deposits** (the default, drawn by the run-rate figure): the printed orders were refundable deposits: firm inflow = orders a week × lock-in rate. Mid: 6,500 gross × 38.5% lock-in = 2,500 (2,000 to 2,500 across scenarios), against sales of 6,000 a week (6,000 to 7,000): at the sales run-rate the backlog shrinks in 2 of 2 scenarios (low and mid).
    * **locked orders**: the printed orders were already locked: firm inflow = orders a week as printed (lock-in not applied). Mid: 13,000 / 2 weeks = 6,500 ... (6,500 across scenarios), against sales of 6,000 a week (6,000 to 7,000): at the sales run-rate the backlog shrinks in 1 of 2 scenarios (low).
    """
    items = []
    for reading in run_rate.READINGS:
        sales = _sales(scenarios, reading)
        if sales.empty:
            continue
        shrinks = [str(s) for s in sales.index if sales.loc[s, "backlog_trend"] == "shrinks"]
        default = " (the default, drawn by the run-rate figure)" if reading == run_rate.DEFAULT_READING else ""
        items.append(
            f"* **{READING_NAMES[reading]}**{default}: {run_rate.READING_MEANINGS[reading]}. "
            f"Mid: {sales.loc['mid', 'net_inflow_formula']} ({_range(sales['net_inflow_per_week'])} across scenarios), "
            f"against sales of {number(sales.loc['mid', 'supply_per_week'])} a week ({_range(sales['supply_per_week'])}): "
            f"at the sales run-rate the backlog shrinks in {number(len(shrinks))} of {plural(len(sales), 'scenario')}"
            + (f" ({_names(shrinks)})" if shrinks else "") + "."
        )
    return ("The article prints the order count without saying whether it counts deposits or locked orders, "
            "so both readings are run:\n\n" + "\n".join(items))


def flip_sentence(scenarios: pd.DataFrame) -> str:
    """Which conclusion flips between the readings: the mid scenario at the sales run-rate, and the scenarios that shrink.

    >>> sc = pd.DataFrame({"reading": ["unlocked_deposits", "locked_orders"], "scenario": ["mid", "mid"],
    ...                    "supply_basis": ["sales_run_rate"] * 2, "supply_per_week": [6275.0, 6275.0],
    ...                    "net_inflow_per_week": [2531.25, 6750.0], "surplus_per_week": [3743.75, -475.0],
    ...                    "backlog_trend": ["shrinks", "grows"], "clearance": ["within_horizon", "never"],
    ...                    "clears_in": ["2027-W02 (week 88)", "never: ..."], "weeks_to_clear": [87.46, float("inf")],
    ...                    "effective_backlog": [327420.5, 327420.5]})
    >>> print(flip_sentence(sc))
    **The conclusion flips with the reading.** At the sales run-rate (mid scenario, 6,275 a week), read as unlocked deposits the firm inflow is 2,531 a week and the backlog shrinks by 3,744 a week: it clears after about 2 years at constant flows; read as locked orders it is 6,750 a week and the backlog grows by 475 a week: it never clears. The article does not say which reading is right, so neither date nor "never" is a finding; the run-rate figure draws unlocked deposits.
    """
    mid = {r: _sales(scenarios, r).loc["mid"] for r in run_rate.READINGS}
    a, b = (mid[r] for r in run_rate.READINGS)

    def verb(row: pd.Series) -> str:
        return {"shrinks": "shrinks", "grows": "grows"}.get(row["backlog_trend"], "stays flat")

    flips = a["backlog_trend"] != b["backlog_trend"]
    head = ("**The conclusion flips with the reading.**" if flips else
            "**The conclusion does not flip with the reading here.**")
    ra, rb = (READING_NAMES[r] for r in run_rate.READINGS)

    def when(row: pd.Series) -> str:  # no ISO week: one scenario's date is false precision (the ranges say when)
        if str(row.get("clearance", "")) == "within_horizon":
            years = run_rate.whole_years(float(row["weeks_to_clear"]))
            if years < 1:
                return "clears within a year at constant flows"
            return f"clears after about {years} {'year' if years == 1 else 'years'} at constant flows"
        return clearance_phrase(row, detail=False)

    return (
        f"{head} At the sales run-rate (mid scenario, {number(a['supply_per_week'])} a week), read as {ra} the firm "
        f"inflow is {number(a['net_inflow_per_week'])} a week and the backlog {verb(a)} by "
        f"{number(abs(a['surplus_per_week']))} a week: it {when(a)}; read as {rb} it is "
        f"{number(b['net_inflow_per_week'])} a week and the backlog {verb(b)} by {number(abs(b['surplus_per_week']))} "
        f"a week: it {when(b)}. The article does not say which reading is right, so "
        f"neither date nor \"never\" is a finding; the run-rate figure draws {READING_NAMES[run_rate.DEFAULT_READING]}."
    )


def littles_law_sentence(scenarios: pd.DataFrame) -> str:
    """Little's law counts only served orders: the cancellation rate is shown but not taken off the backlog.

    >>> sc = pd.DataFrame({"reading": ["unlocked_deposits"] * 2, "scenario": ["low", "mid"],
    ...                    "supply_basis": ["sales_run_rate"] * 2, "supply_per_week": [7000.0, 6000.0],
    ...                    "wait_weeks": [52.18, 52.18], "implied_backlog": [365260.0, 313080.0],
    ...                    "effective_backlog": [365260.0, 313080.0], "cancellation_rate": [0.4, 0.2]})
    >>> print(littles_law_sentence(sc))
    **Little's law counts only orders that get served.** A buyer who waits 52.2 weeks at a factory delivering 6,000 a week has 6,000 × 52.2 = 313,080 orders ahead (mid, sales run-rate); each of those orders is delivered, so the cancellation rate (20% to 40% across scenarios) is **not** taken off again: open orders = implied backlog in every row.
    """
    mid = _sales(scenarios, run_rate.DEFAULT_READING).loc["mid"]
    same = bool((scenarios["effective_backlog"] == scenarios["implied_backlog"]).all())
    return (
        f"**Little's law counts only orders that get served.** A buyer who waits {number(mid['wait_weeks'], 1)} weeks at "
        f"a factory delivering {number(mid['supply_per_week'])} a week has {number(mid['supply_per_week'])} × "
        f"{number(mid['wait_weeks'], 1)} = {number(mid['implied_backlog'])} orders ahead (mid, sales run-rate); each of "
        f"those orders is delivered, so the cancellation rate ({number(100 * scenarios['cancellation_rate'].min())}% to "
        f"{number(100 * scenarios['cancellation_rate'].max())}% across scenarios) is **not** taken off again: "
        + ("open orders = implied backlog in every row." if same else "yet some rows take it off: a bug.")
    )


def horizon_sentence(scenarios: pd.DataFrame) -> str:
    """How many rows get an ISO week, and why the others do not (the horizon rule of :mod:`helpers.models.run_rate`).

    >>> sc = pd.DataFrame({"clearance": ["within_horizon", "beyond_horizon", "not_dated", "never", "never"],
    ...                    "horizon_weeks": [104] * 5, "weeks_to_clear": [50.0, 834.9, 436.7, np.inf, np.inf]})
    >>> print(horizon_sentence(sc))
    **No false precision.** Of the 5 rows, 1 clears within 104 weeks (2 years) of week 0 and is given its ISO week; 1 clears later and is given only as "not within 2 years", in whole years; 1 rests on a capacity the weekly sales ran above (so it cannot be the supply rate) and is not dated; 2 never clear. `weeks_to_clear` keeps the raw arithmetic (up to 835 weeks, about 16 years): a span that long says supply barely exceeds the inflow, not when the backlog will be gone.
    """
    counts = {kind: int(n) for kind, n in scenarios["clearance"].value_counts().items()}
    horizon = int(scenarios["horizon_weeks"].iloc[0])
    years = number(run_rate.whole_years(horizon))
    finite = scenarios["weeks_to_clear"][np.isfinite(scenarios["weeks_to_clear"].astype(float))] if "weeks_to_clear" in scenarios else []
    slowest = float(max(finite, default=0.0))

    def part(kind: str, one: str, many: str) -> str:
        n = counts.get(kind, 0)
        return f"{number(n)} {one if n == 1 else many}"

    return (
        f"**No false precision.** Of the {plural(len(scenarios), 'row')}, "
        + part("within_horizon", "clears", "clear") + f" within {number(horizon)} weeks ({years} years) of week 0 and "
        + ("is given its" if counts.get("within_horizon", 0) == 1 else "are given their") + " ISO week; "
        + part("beyond_horizon", "clears later and is", "clear later and are")
        + f" given only as \"not within {years} years\", in whole years; "
        + part("not_dated", "rests", "rest") + " on a capacity the weekly sales ran above (so it cannot be the supply rate) and "
        + ("is" if counts.get("not_dated", 0) == 1 else "are") + " not dated; "
        + part("never", "never clears", "never clear") + "."
        + (f" `weeks_to_clear` keeps the raw arithmetic (up to {number(slowest)} weeks, about "
           f"{number(run_rate.whole_years(slowest))} years): a span that long says supply barely exceeds the inflow, "
           "not when the backlog will be gone." if slowest > horizon else "")
    )


def _at(basis: str) -> str:
    return "at design capacity" if basis == "design_capacity" else f"at {run_rate.BASIS_LABELS[basis]}"


def _kind(row: Mapping[str, Any]) -> str:
    """A row's ``clearance``; tables without the column (older files) are read by ``weeks_to_clear`` alone."""
    if "clearance" in row:
        return str(row["clearance"])
    return "never" if math.isinf(row["weeks_to_clear"]) else "within_horizon"


def clearance_phrase(row: Mapping[str, Any], detail: bool = True) -> str:
    """What happens to the backlog of one :func:`helpers.models.run_rate.run_rate_table` row, by the
    no-false-precision rules of :mod:`helpers.models.run_rate`.

    >>> row = {"clearance": "beyond_horizon", "weeks_to_clear": 834.9, "surplus_per_week": 450.0,
    ...        "clears_in": "not within 2 years (beyond the 104-week horizon; about 16 years at constant flows)",
    ...        "effective_backlog": 375685.7, "supply_per_week": 7200.0, "net_inflow_per_week": 6750.0}
    >>> clearance_phrase(row)
    'does not clear within 2 years (beyond the 104-week horizon; about 16 years at constant flows; 375,686 open orders, 450 a week to spare)'
    >>> clearance_phrase({**row, "clearance": "never", "supply_per_week": 6275.0}, detail=False)
    'never clears'
    """
    kind = _kind(row)
    spare = f"{number(row['effective_backlog'])} open orders, {number(row['surplus_per_week'])} a week to spare"
    if kind == "never":
        return "never clears" + (f" ({number(row['supply_per_week'])} a week against "
                                 f"{number(row['net_inflow_per_week'])} firm orders a week)" if detail else "")
    text = str(row["clears_in"])
    if kind == "within_horizon":
        return (f"clears after {row['weeks_to_clear']:,.1f} weeks, by {text.split(' ')[0]}" if detail
                else f"clears by {text.split(' ')[0]}") + (f" ({spare})" if detail else "")
    if kind == "beyond_horizon":
        head, _, inner = text.partition(" (")
        inner = inner.rstrip(")")
        return f"does {head.replace('not within', 'not clear within')}" + (f" ({inner}; {spare})" if detail else "")
    return f"gets no date: {text.partition(': ')[2]}" + (f" ({spare})" if detail else "")


def overtake_sentences(scenarios: pd.DataFrame) -> list[str]:
    """One English sentence per reading × scenario saying when (if ever) the backlog clears, by supply basis.

    Clearances follow :func:`clearance_phrase` (no ISO week beyond the horizon
    or on a rejected capacity); without a ``reading`` column, one sentence per scenario.

    >>> sc = pd.DataFrame({"scenario": ["mid", "mid"], "supply_basis": ["design_capacity", "sales_run_rate"],
    ...                    "supply_per_week": [2300.0, 6275.0], "net_inflow_per_week": [2531.0, 2531.0],
    ...                    "surplus_per_week": [-231.0, 3744.0], "effective_backlog": [327420.0, 327420.0],
    ...                    "weeks_to_clear": [float("inf"), 87.46], "clearance": ["never", "within_horizon"],
    ...                    "clears_in": ["never: ...", "2027-W02 (week 88)"]})
    >>> print(overtake_sentences(sc)[0])
    **mid**: at design capacity the backlog never clears (2,300 a week against 2,531 firm orders a week); at the observed sales run-rate the backlog clears after 87.5 weeks, by 2027-W02 (327,420 open orders, 3,744 a week to spare).
    """
    sentences = []
    keys = ["reading", "scenario"] if "reading" in scenarios.columns else ["scenario"]
    for key, group in scenarios.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        name = f"**{key[-1]}**" + (f" ({key[0].replace('_', ' ')})" if len(key) == 2 else "")
        parts = [f"{_at(row['supply_basis'])} the backlog {clearance_phrase(row)}" for row in group.to_dict("records")]
        sentences.append(f"{name}: " + "; ".join(parts) + ".")
    return sentences


def conclusion_sentences(scenarios: pd.DataFrame) -> dict[str, str]:
    """Per reading, what it concludes at the sales run-rate, in one sentence (summary.json's ``conclusion``).

    The values are :func:`helpers.models.run_rate.reading_conclusions`' (trend and
    clearance per scenario at the sales run-rate); the capacity bases are left out,
    as there.  ``scenarios`` is :func:`helpers.models.run_rate.run_rate_table`.

    >>> sc = pd.DataFrame({"reading": ["locked_orders"] * 2, "scenario": ["low", "mid"],
    ...                    "supply_basis": ["sales_run_rate"] * 2, "supply_per_week": [7200.0, 6275.0],
    ...                    "net_inflow_per_week": [6750.0, 6750.0], "surplus_per_week": [450.0, -475.0],
    ...                    "backlog_trend": ["shrinks", "grows"], "clearance": ["beyond_horizon", "never"],
    ...                    "clears_in": ["not within 2 years (x)", "never: ..."], "weeks_to_clear": [834.9, float("inf")],
    ...                    "effective_backlog": [375685.7, 327420.5]})
    >>> print(conclusion_sentences(sc)["locked_orders"])
    locked_orders (the printed orders were already locked: firm inflow = orders a week as printed (lock-in not applied)): at the sales run-rate, low: sales 7,200 against firm inflow 6,750 a week, the backlog shrinks by 450 a week and does not clear within 2 years; mid: sales 6,275 against firm inflow 6,750 a week, the backlog grows by 475 a week and never clears.
    """
    sentences = {}
    for reading, rows in scenarios.groupby("reading", sort=False):
        sales = rows[rows["supply_basis"] == "sales_run_rate"]
        parts = []
        for r in sales.to_dict("records"):
            verb = {"shrinks": "shrinks", "grows": "grows"}.get(r["backlog_trend"], "stays flat")
            parts.append(f"{r['scenario']}: sales {number(r['supply_per_week'])} against firm inflow "
                         f"{number(r['net_inflow_per_week'])} a week, the backlog {verb} by "
                         f"{number(abs(r['surplus_per_week']))} a week and {clearance_phrase(r, detail=False)}")
        sentences[str(reading)] = (f"{reading} ({run_rate.READING_MEANINGS[str(reading)]}): at the sales run-rate, "
                                   + "; ".join(parts) + ".")
    return sentences


def overtake_paragraph(scenarios: pd.DataFrame, start: tuple[int, int]) -> str:
    """When supply overtakes demand in each reading and scenario (:func:`overtake_sentences`),
    as a list under one line naming week 0 (``start``, an ``(iso_year, iso_week)`` pair).

    >>> scenarios = pd.DataFrame({"reading": ["locked_orders"], "scenario": ["mid"], "supply_basis": ["sales_run_rate"],
    ...                           "supply_per_week": [6275.0], "net_inflow_per_week": [6750.0], "surplus_per_week": [-475.0],
    ...                           "effective_backlog": [327420.5], "weeks_to_clear": [float("inf")],
    ...                           "clearance": ["never"], "clears_in": ["never: ..."]})
    >>> print(overtake_paragraph(scenarios, (2025, 19)))
    If flows stayed as they are from 2025-W19 (week 0, the last weekly figure) on, scenario by scenario (each one combination of inputs; when the backlog clears is the range over all of them, above):
    <BLANKLINE>
    * **mid** (locked orders): at the observed sales run-rate the backlog never clears (6,275 a week against 6,750 firm orders a week).
    """
    return (
        f"If flows stayed as they are from {week_label(*start)} (week 0, the last weekly figure) on, scenario by "
        f"scenario (each one combination of inputs; when the backlog clears is the range over all of them, above):\n\n"
        + "\n".join(f"* {sentence}" for sentence in overtake_sentences(scenarios))
    )


def clearance_ranges_paragraph(ranges: pd.DataFrame) -> str:
    """The earliest and latest clearance over the plausible inputs, per reading, at the sales run-rate.

    ``ranges`` is :func:`helpers.models.run_rate.clearance_ranges`.  A date from one
    scenario would be false precision; this gives the span instead, "never" where
    some combination never clears.

    >>> r = pd.DataFrame({"reading": ["unlocked_deposits", "locked_orders"], "supply_basis": ["sales_run_rate"] * 2,
    ...                   "n_combinations": [27, 27], "n_never": [0, 18], "earliest": ["2026-W45 (week 78)", "not within 2 years (x)"],
    ...                   "latest": ["not within 2 years (y)", "never"], "lock_in_rates": ["35.0%; 40.0%"] * 2,
    ...                   "cancellation_rates": ["0%; 40%"] * 2, "supply_values": ["5,200; 7,200"] * 2})
    >>> print(clearance_ranges_paragraph(r))
    **Clearance as a range, not a date.** Over every combination of the plausible inputs (lock-in 35.0%; 40.0%, cancellations 0%; 40%, sales 5,200; 7,200 a week), at the sales run-rate:
    <BLANKLINE>
    * **unlocked deposits**: from 2026-W45 (week 78) to not within 2 years (y) (27 combinations).
    * **locked orders**: from not within 2 years (x) to **never** (18 of 27 combinations never clear).
    """
    sales = ranges[ranges["supply_basis"] == "sales_run_rate"]
    first = sales.iloc[0]
    items = []
    for row in sales.to_dict("records"):
        latest = "**never**" if int(row["n_never"]) else row["latest"]
        count = (f"{number(int(row['n_never']))} of {number(int(row['n_combinations']))} combinations never clear"
                 if int(row["n_never"]) else plural(int(row["n_combinations"]), "combination"))
        items.append(f"* **{READING_NAMES[row['reading']]}**: from {row['earliest']} to {latest} ({count}).")
    return ("**Clearance as a range, not a date.** Over every combination of the plausible inputs (lock-in "
            f"{first['lock_in_rates']}, cancellations {first['cancellation_rates']}, sales {first['supply_values']} a week), "
            "at the sales run-rate:\n\n" + "\n".join(items))


def capacity_verdicts_sentence(verdicts: pd.DataFrame) -> str:
    """The audit's verdicts on the capacity claims (notebook 05's rules, run once), beside the run rate's supply rule.

    ``verdicts`` is :func:`helpers.claims.article_rules.claim_verdicts` (``claim_id``, ``verdict``).

    >>> v = pd.DataFrame({"claim_id": ["design_capacity_vs_sales_run_rate", "actual_vs_design_capacity"],
    ...                   "verdict": ["unverifiable", "inconsistent"]})
    >>> print(capacity_verdicts_sentence(v))
    The audit's verdicts on the capacities (notebook 05's rules, the same result): `design_capacity_vs_sales_run_rate` is *unverifiable*; `actual_vs_design_capacity` is *inconsistent*. Not using a capacity as the supply rate here is not a verdict on the printed figure: it only says the factory delivered more than that a week.
    """
    parts = [f"`{row['claim_id']}` is *{row['verdict']}*" for row in verdicts.to_dict("records")]
    return ("The audit's verdicts on the capacities (notebook 05's rules, the same result): " + "; ".join(parts)
            + ". Not using a capacity as the supply rate here is not a verdict on the printed figure: it only says the "
            "factory delivered more than that a week.")

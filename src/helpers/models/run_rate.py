"""Run-rate model: capacity, sales and orders on one scale (vehicles per week).

The article gives a handful of rates on different clocks: a design capacity per
year, an "actual" capacity per month, weekly sales, a monthly sales total, order
counts over one and two weeks, a lock-in rate, a cancellation rate and a wait of
"nearly a year".  This module puts every one of them on **one per-week scale**
and runs small, explicit scenario calculations on them:

* :func:`implied_backlog`: Little's law, open orders = throughput × wait;
* :func:`firm_inflow` (:func:`net_order_inflow`): firm orders a week under each
  :data:`READINGS` of the printed order count;
* :func:`weeks_to_clear` / :func:`backlog_path` / :func:`supply_overtakes_demand`:
  how a backlog evolves when supply and firm inflow are constant;
* :func:`clearance`: how (and whether) a clearance is reported, by the rules below.

These are **scenario calculations** on a few article figures, not estimates:
there is no sampling error to report, only the spread between the low, mid and
high readings of the article's ranges (see :func:`default_inputs`).

**Two readings of the order count** (column ``reading``; issue 12, item 2).  The
article prints 1.35万 orders in the first two weeks of May and, elsewhere, a
lock-in rate of 35%–40%, without saying whether the 1.35万 were deposits or
locked orders:

* ``unlocked_deposits`` (:data:`DEFAULT_READING`, the reading of the run-rate
  figure): the 1.35万 were refundable deposits, so firm inflow = orders a week ×
  lock-in rate (13,500 / 2 weeks × 37.5% = 2,531 a week at mid);
* ``locked_orders``: the 1.35万 were already locked orders (the usual weekly
  figure), so firm inflow = orders a week as printed, 13,500 / 2 weeks = 6,750,
  and the lock-in rate is not applied again.  That is above the mean weekly
  sales (6,275), so at the sales run-rate the backlog grows: the opposite of
  the first reading.

**Little's law already counts only served orders.**  A wait *W* of buyers who
get their car, at a delivery rate *S*, gives *S × W* orders ahead of them: every
one of them is served, so cancellations are **not** taken off it again
(``effective_backlog`` = ``implied_backlog`` in :func:`run_rate_table`; the
cancellation rate is carried as an input but not applied).
:func:`effective_backlog` stays for a *counted* backlog of all open orders
(a printed order book), never for a Little's-law one.

**No false precision** (:func:`clearance`).  Week 0 is the last week of the
article's weekly sales; the horizon is :data:`DEFAULT_HORIZON_WEEKS` (two years),
the length of the backlog paths.

* a clearance within the horizon is reported as its ISO week (``2026-W37 (week 70)``);
* a clearance beyond it is reported as ``not within 2 years``, with the span in
  **whole years** (``about 8 years at constant flows``), never an ISO week;
* a clearance resting on a capacity the weekly sales ran above (the mean weekly
  sales exceed it by more than ``CAPACITY_SLACK``, the slack of notebook 05's
  capacity claims), which therefore cannot be the rate cars are supplied at, is
  **not dated** at all, whatever its length (this judges the capacity as a supply
  rate, not the printed figure: notebook 05 keeps one verdict per claim);
* supply ≤ firm inflow: ``never``.

``weeks_to_clear`` keeps the raw arithmetic for anyone who wants it; only the
text columns (``clears_in``, summary.json's ``clears_in``) and the sentences built from them
(:mod:`helpers.narrative.run_rate`) obey these rules.

>>> implied_backlog(2000, 52)
104000.0
>>> weeks_to_clear(10000, supply_per_week=3000, inflow_per_week=1000)
5.0
>>> weeks_to_clear(10000, supply_per_week=1000, inflow_per_week=1000)
inf
>>> firm_inflow("unlocked_deposits", 6750, 0.375), firm_inflow("locked_orders", 6750, 0.375)
(2531.25, 6750.0)
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from helpers.data import weeks as isoweeks
from helpers.data.clean import WEEKS_PER_MONTH, WEEKS_PER_YEAR, figure_row
from helpers.data.roles import FIGURE
from helpers.formatting import JSON_DIGITS, number, plural, round_frame, rounded
from helpers.tolerances import CAPACITY_SLACK

__all__ = [
    "SERIES",
    "SCENARIOS",
    "SUPPLY_BASES",
    "READINGS",
    "DEFAULT_READING",
    "READING_MEANINGS",
    "DEFAULT_HORIZON_WEEKS",
    "Sourced",
    "ScenarioInputs",
    "default_inputs",
    "with_overrides",
    "inputs_table",
    "implied_backlog",
    "net_order_inflow",
    "firm_inflow",
    "effective_backlog",
    "weeks_to_clear",
    "backlog_path",
    "supply_overtakes_demand",
    "whole_years",
    "clearance",
    "capacity_contradicted",
    "run_rate_comparison",
    "run_rate_table",
    "start_week",
    "backlog_paths",
    "default_reading",
    "reading_conclusions",
    "run_rate_summary",
    "write_run_rate_outputs",
    "CLEARANCE_RANGE_COLUMNS",
    "clearance_ranges",
    "clearance_ranges_summary",
    "clearance_span",
    "order_intake",
]

#: The weekly-sales series the model reads (SU7 and SU7 Ultra together).
SERIES = "xiaomi_su7"
#: Scenario names, least pressure on supply first.
SCENARIOS = ("low", "mid", "high")
#: Supply bases: which rate is taken as the factory's weekly output.
SUPPLY_BASES = ("design_capacity", "actual_capacity", "sales_run_rate")
#: Readings of the printed order count (see the module docstring), the default first.
READINGS = ("unlocked_deposits", "locked_orders")
#: The reading the run-rate figure of notebook 06 draws (the model's reading before issue 12).
DEFAULT_READING = READINGS[0]
#: What each reading takes the printed orders to be, and the firm inflow it gives.
READING_MEANINGS = {
    "unlocked_deposits": "the printed orders were refundable deposits: firm inflow = orders a week × lock-in rate",
    "locked_orders": "the printed orders were already locked: firm inflow = orders a week as printed (lock-in not applied)",
}
#: Weeks :func:`backlog_paths` follows each scenario for (two years), and the horizon beyond which
#: :func:`clearance` gives no ISO week.
DEFAULT_HORIZON_WEEKS = 104
#: Qualifier meanings (see ``helpers.data.numbers``) that make a printed value a ceiling.
CEILING_MEANINGS = ("as high as",)

# figure_ids the defaults are read from (the values themselves live in data/raw).
FIG_DESIGN_CAPACITY = FIGURE.design_capacity
FIG_ACTUAL_CAPACITY = FIGURE.actual_capacity
FIG_APRIL_SALES = FIGURE.april_sales
FIG_MARCH_ORDERS = FIGURE.march_week_orders
FIG_MAY_ORDERS = FIGURE.may_fortnight_orders
FIG_LOCK_IN = FIGURE.lock_in_rate
FIG_CANCELLATION = FIGURE.cancellation_rate
FIG_WAIT = FIGURE.delivery_wait


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Sourced:
    """One scenario input: its value, the figure it came from, and how.

    ``figure_id`` is a row of the clean figures table, ``weekly_sales:<first>..<last>``
    for the weekly series, or ``parameter`` when a notebook parameter overrode it.
    """

    value: float
    figure_id: str
    how: str


@dataclass(frozen=True)
class ScenarioInputs:
    """Every input of one scenario, each on the per-week scale (rates as fractions).

    Flows are vehicles per week; ``lock_in_rate`` and ``cancellation_rate`` are
    fractions in [0, 1]; ``wait_weeks`` is weeks.
    """

    scenario: str
    design_capacity_per_week: Sourced
    actual_capacity_per_week: Sourced
    sales_per_week: Sourced
    gross_orders_per_week: Sourced
    lock_in_rate: Sourced
    cancellation_rate: Sourced
    wait_weeks: Sourced

    def supply(self, basis: str) -> Sourced:
        """The supply rate for one of :data:`SUPPLY_BASES`."""
        fields = {
            "design_capacity": self.design_capacity_per_week,
            "actual_capacity": self.actual_capacity_per_week,
            "sales_run_rate": self.sales_per_week,
        }
        if basis not in fields:
            raise ValueError(f"unknown supply basis {basis!r}: expected one of {', '.join(SUPPLY_BASES)}")
        return fields[basis]


#: Input names (the overridable fields), in display order.
INPUT_NAMES = tuple(f.name for f in dataclasses.fields(ScenarioInputs) if f.name != "scenario")
#: Inputs that are fractions in [0, 1].
RATE_NAMES = ("lock_in_rate", "cancellation_rate")


def _weeks_of(row: pd.Series, end: str) -> float:
    """A duration figure (weeks, months or years) in weeks."""
    value = float(row[f"value_{end}"])
    factors = {"weeks": 1.0, "months": WEEKS_PER_MONTH, "years": WEEKS_PER_YEAR}
    if row["unit"] not in factors:
        raise ValueError(f"figure {row['figure_id']!r}: unit {row['unit']!r} is not a duration")
    return value * factors[row["unit"]]


def _series_weeks(weekly_sales: pd.DataFrame, series: str = SERIES) -> pd.DataFrame:
    """The article's own weeks of ``series``: the scenarios are built from the article's figures."""
    from helpers.data.clean import article_weeks

    rows = article_weeks(weekly_sales, series)
    if rows.empty:
        raise ValueError(f"weekly sales hold no rows from the article for series {series!r}")
    return rows


def _weekly_id(rows: pd.DataFrame) -> str:
    return f"weekly_sales:{rows['week'].iloc[0]}..{rows['week'].iloc[-1]}"


def default_inputs(figures: pd.DataFrame, weekly_sales: pd.DataFrame | None = None) -> dict[str, ScenarioInputs]:
    """Low / mid / high scenario inputs read from the clean figures table.

    **"low" = least pressure on supply** (smallest backlog, fewest firm orders,
    fastest deliveries); **"high" = most pressure**; "mid" takes midpoints.

    * capacities (``capacity_design_annual``, ``capacity_actual_monthly``): single
      figures, the same in every scenario, converted with the table's
      ``per_week`` formula;
    * sales run-rate: with ``weekly_sales``, low = the best week (most supply),
      mid = the mean, high = the weakest week; without it, April's monthly
      sales per week (``sales_apr_2025``) in every scenario;
    * gross order intake: the latest printed intake (``orders_may_weeks1_2``,
      per week) in every scenario. March's one pre-accident week is shown by
      :func:`run_rate_comparison` but is not today's intake;
    * lock-in rate (``rate_lock_in``, a range): low = its low end (fewest firm
      orders), high = its high end, mid = the midpoint;
    * cancellation rate (``rate_cancellation_early_orders``): printed with 高达
      ("as high as"), so it is read as a ceiling, i.e. the range 0..value:
      low = the ceiling (most open orders cancelled), high = none, mid = half;
    * wait (``wait_delivery_after_deposit``, 将近 'nearly' a year): a single figure, in weeks.
    """
    scenarios: dict[str, dict[str, Sourced]] = {s: {} for s in SCENARIOS}

    def single(name: str, figure_id: str, value: float, how: str) -> None:
        for s in SCENARIOS:
            scenarios[s][name] = Sourced(value, figure_id, f"{how} (single figure, same in every scenario)")

    for name, fid in (("design_capacity_per_week", FIG_DESIGN_CAPACITY), ("actual_capacity_per_week", FIG_ACTUAL_CAPACITY)):
        row = figure_row(figures, fid)
        single(name, fid, float(row["per_week_mid"]), f"{row['as_printed']}: {row['per_week_formula']}")

    if weekly_sales is None:
        row = figure_row(figures, FIG_APRIL_SALES)
        single("sales_per_week", FIG_APRIL_SALES, float(row["per_week_mid"]), f"{row['as_printed']}: {row['per_week_formula']}")
    else:
        rows = _series_weeks(weekly_sales)
        units = rows["units"].astype(float)
        wid, n = _weekly_id(rows), len(rows)
        best, worst = rows.loc[units.idxmax(), "week"], rows.loc[units.idxmin(), "week"]
        scenarios["low"]["sales_per_week"] = Sourced(float(units.max()), wid, f"best week of {n} ({best}): most supply")
        scenarios["mid"]["sales_per_week"] = Sourced(float(units.mean()), wid, f"mean of {n} weeks")
        scenarios["high"]["sales_per_week"] = Sourced(float(units.min()), wid, f"weakest week of {n} ({worst}): least supply")

    row = figure_row(figures, FIG_MAY_ORDERS)
    single("gross_orders_per_week", FIG_MAY_ORDERS, float(row["per_week_mid"]), f"{row['as_printed']}: {row['per_week_formula']}")

    row = figure_row(figures, FIG_LOCK_IN)
    for s, end, why in (("low", "low", "low end: fewest firm orders"), ("mid", "mid", "midpoint"), ("high", "high", "high end: most firm orders")):
        scenarios[s]["lock_in_rate"] = Sourced(float(row[f"value_{end}"]) / 100, FIG_LOCK_IN, f"{row['as_printed']} {why}, / 100")

    row = figure_row(figures, FIG_CANCELLATION)
    low, high = float(row["value_low"]), float(row["value_high"])
    if row["qualifier_meaning"] in CEILING_MEANINGS:
        low, reading = 0.0, f"{row['qualifier']} ({row['qualifier_meaning']}): a ceiling, read as 0..{high:g}%"
    else:
        reading = f"{row['as_printed']}"
    for s, value, why in (("low", high, "most cancelled"), ("mid", (low + high) / 2, "midpoint"), ("high", low, "fewest cancelled")):
        scenarios[s]["cancellation_rate"] = Sourced(value / 100, FIG_CANCELLATION, f"{reading}; {why}, / 100")

    row = figure_row(figures, FIG_WAIT)
    single("wait_weeks", FIG_WAIT, _weeks_of(row, "mid"), f"{row['as_printed']} in weeks ({row['unit']} × weeks per {row['unit'][:-1]})")

    return {s: ScenarioInputs(scenario=s, **scenarios[s]) for s in SCENARIOS}


def with_overrides(inputs: Mapping[str, ScenarioInputs], **values: float | None) -> dict[str, ScenarioInputs]:
    """Replace inputs in every scenario; ``None`` keeps the article's value.

    >>> base = {"mid": ScenarioInputs("mid", *[Sourced(1.0, "f", "") for _ in INPUT_NAMES])}
    >>> with_overrides(base, lock_in_rate=0.5, wait_weeks=None)["mid"].lock_in_rate
    Sourced(value=0.5, figure_id='parameter', how='set by the parameter lock_in_rate')
    >>> with_overrides(base, lock_in_rate=1.5)
    Traceback (most recent call last):
    ...
    ValueError: lock_in_rate must be a fraction between 0 and 1, got 1.5
    """
    unknown = sorted(set(values) - set(INPUT_NAMES))
    if unknown:
        raise TypeError(f"unknown input(s) {', '.join(unknown)}: expected some of {', '.join(INPUT_NAMES)}")
    changes = {}
    for name, value in values.items():
        if value is None:
            continue
        value = float(value)
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value}")
        if name in RATE_NAMES and value > 1:
            raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")
        changes[name] = Sourced(value, "parameter", f"set by the parameter {name}")
    return {s: dataclasses.replace(inp, **changes) for s, inp in inputs.items()}


def inputs_table(inputs: Mapping[str, ScenarioInputs]) -> pd.DataFrame:
    """One row per input: its low / mid / high values, figure_id(s), and whether it is one figure."""
    rows = []
    for name in INPUT_NAMES:
        cells = {s: getattr(inputs[s], name) for s in inputs}
        values = [c.value for c in cells.values()]
        ids = list(dict.fromkeys(c.figure_id for c in cells.values()))
        rows.append({
            "input": name,
            **{s: c.value for s, c in cells.items()},
            "figure_id": "; ".join(ids),
            "single_figure": len(set(values)) == 1 and len(ids) == 1,
            "how_mid": cells.get("mid", next(iter(cells.values()))).how,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the model


def _check_flow(name: str, value: float) -> float:
    value = float(value)
    if math.isnan(value) or value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def _check_rate(name: str, value: float) -> float:
    value = float(value)
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")
    return value


def implied_backlog(throughput_per_week: float, wait_weeks: float) -> float:
    """Open orders implied by Little's law: backlog = throughput × wait.

    In a steady queue served first come, first served, a buyer who waits
    ``wait_weeks`` has that many weeks of output ahead of them.

    >>> implied_backlog(2500, 40)
    100000.0
    >>> implied_backlog(0, 52)
    0.0
    """
    return _check_flow("throughput_per_week", throughput_per_week) * _check_flow("wait_weeks", wait_weeks)


def net_order_inflow(gross_orders_per_week: float, lock_in_rate: float) -> float:
    """Firm (locked) orders a week: gross orders × lock-in rate (a fraction).

    >>> net_order_inflow(6000, 0.4)
    2400.0
    """
    return _check_flow("gross_orders_per_week", gross_orders_per_week) * _check_rate("lock_in_rate", lock_in_rate)


def firm_inflow(reading: str, gross_orders_per_week: float, lock_in_rate: float) -> float:
    """Firm orders a week under one of :data:`READINGS` of the printed order count.

    ``unlocked_deposits``: :func:`net_order_inflow` (orders × lock-in);
    ``locked_orders``: the orders as printed (they are already locked).

    >>> firm_inflow("unlocked_deposits", 6750, 0.4), firm_inflow("locked_orders", 6750, 0.4)
    (2700.0, 6750.0)
    """
    if reading == "unlocked_deposits":
        return net_order_inflow(gross_orders_per_week, lock_in_rate)
    if reading == "locked_orders":
        _check_rate("lock_in_rate", lock_in_rate)
        return _check_flow("gross_orders_per_week", gross_orders_per_week)
    raise ValueError(f"unknown reading {reading!r}: expected one of {', '.join(READINGS)}")


def effective_backlog(backlog: float, cancellation_rate: float) -> float:
    """Open orders left after a share ``cancellation_rate`` (a fraction) is cancelled.

    Only for a **counted** backlog of every open order (a printed order book),
    some of which will be cancelled.  Never apply it to :func:`implied_backlog`:
    Little's law counts only orders that are served, so the cancellations are
    already out of it.  :func:`run_rate_table` does not call it.

    >>> effective_backlog(100000, 0.25)
    75000.0
    """
    return _check_flow("backlog", backlog) * (1 - _check_rate("cancellation_rate", cancellation_rate))


def weeks_to_clear(backlog: float, supply_per_week: float, inflow_per_week: float) -> float:
    """Weeks until supply has worked off ``backlog`` while new firm orders keep arriving.

    ``backlog / (supply − inflow)``; ``math.inf`` when supply ≤ inflow (the
    backlog never shrinks), ``0.0`` when there is no backlog.

    >>> weeks_to_clear(12000, 5000, 2000)
    4.0
    >>> weeks_to_clear(12000, 2000, 5000)
    inf
    >>> weeks_to_clear(0, 2000, 5000)
    0.0
    """
    backlog = _check_flow("backlog", backlog)
    supply = _check_flow("supply_per_week", supply_per_week)
    inflow = _check_flow("inflow_per_week", inflow_per_week)
    if backlog == 0:
        return 0.0
    if supply <= inflow:
        return math.inf
    return backlog / (supply - inflow)


def backlog_path(backlog: float, supply_per_week: float, inflow_per_week: float, weeks: int) -> pd.DataFrame:
    """Open orders at the end of each week 0..``weeks``, floored at 0.

    Each week adds the inflow and removes the supply; once the backlog is
    gone, spare supply does not make it negative.  With constant flows the
    floored recursion equals ``max(0, backlog + week × (inflow − supply))``,
    which is what is computed (no rounding drift).

    >>> backlog_path(10, 5, 3, 6)["backlog"].tolist()
    [10.0, 8.0, 6.0, 4.0, 2.0, 0.0, 0.0]
    >>> backlog_path(10, 3, 5, 2)["backlog"].tolist()
    [10.0, 12.0, 14.0]
    """
    backlog = _check_flow("backlog", backlog)
    step = _check_flow("inflow_per_week", inflow_per_week) - _check_flow("supply_per_week", supply_per_week)
    if not isinstance(weeks, int) or isinstance(weeks, bool) or weeks < 0:
        raise ValueError(f"weeks must be a whole number >= 0, got {weeks!r}")
    week = list(range(weeks + 1))
    return pd.DataFrame({"week": week, "backlog": [max(0.0, backlog + k * step) for k in week]})


def supply_overtakes_demand(backlog: float, supply_per_week: float, inflow_per_week: float) -> int | None:
    """The first whole week by whose end supply has met the backlog and all new orders.

    That is the week cumulative supply first reaches backlog + cumulative
    inflow; ``None`` if it never does (supply ≤ inflow with a backlog left).

    >>> supply_overtakes_demand(10, 5, 3)
    5
    >>> supply_overtakes_demand(11, 5, 3)
    6
    >>> supply_overtakes_demand(10, 3, 3) is None
    True
    >>> supply_overtakes_demand(0, 3, 3)
    0
    """
    weeks = weeks_to_clear(backlog, supply_per_week, inflow_per_week)
    if math.isinf(weeks):
        return None
    return _whole_weeks(weeks)


def whole_years(weeks: float) -> int:
    """``weeks`` in whole years (halves up): the only precision a span far beyond the data deserves.

    >>> whole_years(436.7), whole_years(835.0), whole_years(78.3)
    (8, 16, 2)
    """
    return int(math.floor(weeks / WEEKS_PER_YEAR + 0.5))


def clearance(
    weeks: float,
    start: tuple[int, int],
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
    rejected: str | None = None,
) -> tuple[str, str]:
    """How a clearance after ``weeks`` is reported: ``(kind, text)`` by the module's no-false-precision rules.

    ``kind`` is ``"within_horizon"`` (``text`` names the ISO week), ``"beyond_horizon"``
    (no ISO week, the span in whole years), ``"not_dated"`` (``rejected`` names the
    capacity the weekly sales ran above; no week at all) or ``"never"`` (``weeks`` is infinite).

    >>> clearance(18, (2025, 19))
    ('within_horizon', '2025-W37 (week 18)')
    >>> clearance(436.7, (2025, 19))
    ('beyond_horizon', 'not within 2 years (beyond the 104-week horizon; about 8 years at constant flows)')
    >>> clearance(108.5, (2025, 19))[1]  # 2.1 years: no "about 2 years" next to "not within 2 years"
    'not within 2 years (beyond the 104-week horizon at constant flows)'

    >>> clearance(18, (2025, 19), rejected="design capacity")
    ('not_dated', 'not dated: weekly sales ran above design capacity, so it is not the supply rate')
    >>> clearance(math.inf, (2025, 19))[0]
    'never'
    """
    if math.isinf(weeks):
        return "never", "never"
    years = whole_years(horizon_weeks)
    beyond = weeks > horizon_weeks
    span = f"not within {years} {'year' if years == 1 else 'years'}"
    if rejected:
        tail = f"; {span} at that rate either" if beyond else ""
        return "not_dated", f"not dated: weekly sales ran above {rejected}, so it is not the supply rate{tail}"
    if beyond:
        n = whole_years(weeks)
        about = f"; about {n} years" if n > years else ""
        return "beyond_horizon", f"{span} (beyond the {horizon_weeks}-week horizon{about} at constant flows)"
    week = _whole_weeks(weeks)
    return "within_horizon", f"{isoweeks.week_label(*isoweeks.add_weeks(start, week))} (week {week})"


def _whole_weeks(weeks: float) -> int:
    """The first whole week by whose end ``weeks`` (finite, from :func:`weeks_to_clear`) have passed.

    >>> _whole_weeks(5.0), _whole_weeks(5.2), _whole_weeks(5.000000000000001)
    (5, 6, 5)
    """
    whole = math.ceil(weeks)
    # guard against float noise such as 5.000000000000001 for an exact division
    return whole - 1 if whole - weeks > 1 - 1e-9 else whole


def capacity_contradicted(capacity_per_week: float, sales_per_week: float) -> bool:
    """Whether sales of ``sales_per_week`` exceed a capacity by more than the audit's slack.

    The rule of notebook 05's capacity claims (``CAPACITY_SLACK`` in
    :mod:`helpers.tolerances`): a factory cannot deliver more than 15% above
    what it builds week after week, so such a capacity is rejected as supply.

    >>> capacity_contradicted(2875, 6275), capacity_contradicted(700, 700), capacity_contradicted(700, 805.1)
    (True, False, True)
    """
    return float(sales_per_week) > float(capacity_per_week) * (1 + CAPACITY_SLACK)


# --------------------------------------------------------------------------- tables


def run_rate_comparison(figures: pd.DataFrame, weekly_sales: pd.DataFrame) -> pd.DataFrame:
    """Every vehicle rate of the article on the per-week scale, with its source and formula.

    Rows: design capacity, "actual" capacity, weekly sales (mean of the weeks,
    with ``n``), April's monthly sales, March's one-week and May's two-week
    order intake.  ``vs_weekly_sales`` is each rate over the weekly-sales mean.
    """
    rows = []
    for quantity, kind, fid in (
        ("design_capacity", "supply (capacity)", FIG_DESIGN_CAPACITY),
        ("actual_capacity", "supply (capacity)", FIG_ACTUAL_CAPACITY),
    ):
        row = figure_row(figures, fid)
        rows.append(_comparison_row(quantity, kind, row))
    weekly = _series_weeks(weekly_sales)
    units = weekly["units"].astype(float)
    rows.append({
        "quantity": "weekly_sales_mean",
        "kind": "insurance registrations (weekly; the article's 销量)",
        "per_week": float(units.mean()),
        "per_week_low": float(units.min()),
        "per_week_high": float(units.max()),
        "n_values": len(units),
        "as_printed": "、".join(f"{u:,}" for u in weekly["units"]),
        "period": f"{weekly['week_monday'].iloc[0]}..{weekly['week_sunday'].iloc[-1]}",
        "figure_id": _weekly_id(weekly),
        "locator": weekly["locator"].iloc[0],
        "formula": f"({' + '.join(number(u) for u in units)}) / {len(units)} weeks",
    })
    row = figure_row(figures, FIG_APRIL_SALES)
    rows.append(_comparison_row("april_sales", "sales as printed (销量, one month)", row))
    for quantity, fid in (("march_week2_orders", FIG_MARCH_ORDERS), ("may_weeks1_2_orders", FIG_MAY_ORDERS)):
        rows.append(_comparison_row(quantity, "orders (gross intake)", figure_row(figures, fid)))
    table = pd.DataFrame(rows)
    table.insert(6, "vs_weekly_sales", table["per_week"] / rows[2]["per_week"])
    return table


def _comparison_row(quantity: str, kind: str, row: pd.Series) -> dict[str, Any]:
    return {
        "quantity": quantity,
        "kind": kind,
        "per_week": float(row["per_week_mid"]),
        "per_week_low": float(row["per_week_low"]),
        "per_week_high": float(row["per_week_high"]),
        "n_values": 1,
        "as_printed": row["as_printed"],
        "period": row["period"] if row["period"] else row["period_as_printed"],
        "figure_id": row["figure_id"],
        "locator": row["locator"],
        "formula": f"{number(row['value_mid'])} {row['unit']}: {row['per_week_formula']}",
    }


def start_week(weekly_sales: pd.DataFrame) -> tuple[int, int]:
    """Week 0 of the scenarios: the last of the article's own weeks.

    >>> from helpers.data.clean import ARTICLE_SOURCE_ID
    >>> start_week(pd.DataFrame({"series": ["xiaomi_su7"] * 3, "iso_year": [2025] * 3, "iso_week": [19, 16, 23],
    ...                          "source_id": [ARTICLE_SOURCE_ID, ARTICLE_SOURCE_ID, "later"]}))
    (2025, 19)
    """
    rows = _series_weeks(weekly_sales)
    return int(rows["iso_year"].iloc[-1]), int(rows["iso_week"].iloc[-1])


#: How the supply bases are named in sentences.
BASIS_LABELS = {"design_capacity": "design capacity", "actual_capacity": "the “actual” capacity",
                "sales_run_rate": "the observed sales run-rate"}


def _gross_formula(figures: pd.DataFrame, gross: Sourced) -> str:
    """``13,500 / 2 weeks = 6,750`` when the gross intake is a printed figure over some weeks, else its value."""
    rows = figures[figures["figure_id"].astype(str) == gross.figure_id]
    if len(rows) == 1 and pd.notna(rows["period_weeks"].iloc[0]) and float(rows["period_weeks"].iloc[0]) > 0:
        row = rows.iloc[0]
        return f"{number(row['value_mid'])} / {plural(int(row['period_weeks']), 'week')} = {number(gross.value)}"
    return number(gross.value)


def run_rate_table(
    figures: pd.DataFrame,
    weekly_sales: pd.DataFrame,
    inputs: Mapping[str, ScenarioInputs],
    readings: tuple[str, ...] = READINGS,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> pd.DataFrame:
    """One row per reading × scenario × supply basis: supply, firm inflow, implied backlog, weeks to clear.

    ``reading`` is one of :data:`READINGS` (the firm inflow of :func:`firm_inflow`);
    ``default_reading`` marks :data:`DEFAULT_READING`, whose rows come first.
    The backlog is implied by Little's law from the supply basis and the wait
    (a buyer waiting ``wait_weeks`` has that many weeks of *this* supply ahead)
    and, since Little's law counts only served orders, **not** reduced by
    cancellations: ``effective_backlog`` equals ``implied_backlog`` (kept for
    readers of the old columns; ``cancellation_rate`` is shown, not applied).

    ``backlog_trend`` says whether the backlog ``shrinks``, ``grows`` or stays
    ``flat`` at constant flows; ``supply_contradicted`` marks a capacity basis
    the weekly sales ran above (:func:`capacity_contradicted`, against the mean weekly
    sales); ``clearance`` / ``clears_in`` follow :func:`clearance` (an ISO week
    only within ``horizon_weeks`` of week 0, the last week of weekly sales);
    ``years_to_clear`` is the span in whole years when finite.  ``*_formula``
    columns show each derived number's arithmetic.
    """
    unknown = [r for r in readings if r not in READINGS]
    if unknown:
        raise ValueError(f"unknown reading(s) {', '.join(unknown)}: expected some of {', '.join(READINGS)}")
    start = start_week(weekly_sales)
    observed_sales = float(_series_weeks(weekly_sales)["units"].astype(float).mean())
    rows = []
    for reading in readings:
        for scenario, inp in inputs.items():
            gross, lock = inp.gross_orders_per_week.value, inp.lock_in_rate.value
            cancel, wait = inp.cancellation_rate.value, inp.wait_weeks.value
            inflow = firm_inflow(reading, gross, lock)
            if reading == "unlocked_deposits":
                inflow_formula = f"{number(gross)} gross × {lock:.1%} lock-in = {number(inflow)}"
            else:
                inflow_formula = (f"{_gross_formula(figures, inp.gross_orders_per_week)} a week, already locked "
                                  f"(lock-in {lock:.1%} not applied)")
            for basis in SUPPLY_BASES:
                supply = inp.supply(basis)
                backlog = implied_backlog(supply.value, wait)
                weeks = weeks_to_clear(backlog, supply.value, inflow)
                contradicted = basis != "sales_run_rate" and capacity_contradicted(supply.value, observed_sales)
                kind, text = clearance(weeks, start, horizon_weeks, BASIS_LABELS[basis] if contradicted else None)
                if kind == "never":
                    clears_in = f"never: supply {number(supply.value)} ≤ firm inflow {number(inflow)} a week"
                    weeks_formula = f"{number(supply.value)} − {number(inflow)} ≤ 0: the backlog never shrinks"
                else:
                    clears_in = text
                    weeks_formula = f"{number(backlog)} / ({number(supply.value)} − {number(inflow)}) = {weeks:,.1f}"
                    if kind != "within_horizon":
                        weeks_formula += f": {text.split(' (')[0].split('; ')[-1]}"
                change = inflow - supply.value
                rows.append({
                    "reading": reading,
                    "scenario": scenario,
                    "supply_basis": basis,
                    "supply_per_week": supply.value,
                    "net_inflow_per_week": inflow,
                    "surplus_per_week": supply.value - inflow,
                    "wait_weeks": wait,
                    "implied_backlog": backlog,
                    "cancellation_rate": cancel,
                    "effective_backlog": backlog,
                    "weeks_to_clear": weeks,
                    "clears_in": clears_in,
                    "supply_source": supply.figure_id,
                    "net_inflow_formula": inflow_formula,
                    "implied_backlog_formula": f"{number(supply.value)} a week × {wait:,.1f} weeks = {number(backlog)}",
                    "effective_backlog_formula": (f"{number(backlog)}: Little's law counts only served orders, "
                                                  f"so cancellations ({cancel:.0%}) are not taken off again"),
                    "weeks_to_clear_formula": weeks_formula,
                    "default_reading": reading == DEFAULT_READING,
                    "backlog_trend": "grows" if change > 0 else "shrinks" if change < 0 else "flat",
                    "supply_contradicted": contradicted,
                    "clearance": kind,
                    "clears_within_horizon": kind == "within_horizon",
                    "years_to_clear": float(whole_years(weeks)) if math.isfinite(weeks) else math.inf,
                    "horizon_weeks": horizon_weeks,
                })
    return pd.DataFrame(rows)


def default_reading(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of :data:`DEFAULT_READING` of a :func:`run_rate_table` or :func:`backlog_paths` frame.

    What the run-rate figure of notebook 06 draws; a frame without a ``reading``
    column (written before there were readings) is returned as it is.

    >>> default_reading(pd.DataFrame({"reading": ["unlocked_deposits", "locked_orders"], "x": [1, 2]}))["x"].tolist()
    [1]
    """
    if "reading" not in frame.columns:
        return frame
    return frame[frame["reading"].astype(str) == DEFAULT_READING].reset_index(drop=True)


def backlog_paths(scenarios: pd.DataFrame, weeks: int = DEFAULT_HORIZON_WEEKS, start: tuple[int, int] | None = None) -> pd.DataFrame:
    """:func:`backlog_path` for every row of :func:`run_rate_table`, stacked.

    Columns ``reading`` (when the table has one), ``scenario``, ``supply_basis``,
    ``week``, ``iso_week`` (each week counted from ``start``, week 0, when given)
    and ``backlog``.
    """
    parts = []
    for row in scenarios.to_dict("records"):
        path = backlog_path(row["effective_backlog"], row["supply_per_week"], row["net_inflow_per_week"], weeks)
        path.insert(0, "supply_basis", row["supply_basis"])
        path.insert(0, "scenario", row["scenario"])
        if "reading" in row:
            path.insert(0, "reading", row["reading"])
        if start is not None:
            path.insert(len(path.columns) - 1, "iso_week",
                        [isoweeks.week_label(*isoweeks.add_weeks(start, k)) for k in path["week"]])
        parts.append(path)
    return pd.concat(parts, ignore_index=True)


def _conclusion(rows: pd.DataFrame, reading: str, horizon_weeks: int) -> dict[str, Any]:
    """What one reading concludes at the sales run-rate (the one supply basis the sales do not exceed), as values."""
    sales = rows[rows["supply_basis"] == "sales_run_rate"]
    by = {str(r["scenario"]): r for r in sales.to_dict("records")}
    grows = [s for s, r in by.items() if r["backlog_trend"] != "shrinks"]
    within = [s for s, r in by.items() if r["clearance"] == "within_horizon"]
    beyond = [s for s, r in by.items() if r["clearance"] == "beyond_horizon"]
    years = whole_years(horizon_weeks)
    mid = by.get("mid")
    return {
        "meaning": READING_MEANINGS[reading],
        "mid_firm_inflow_per_week": None if mid is None else mid["net_inflow_per_week"],
        "mid_net_inflow_formula": None if mid is None else mid["net_inflow_formula"],
        "mid_backlog_trend": None if mid is None else mid["backlog_trend"],
        "mid_clears_in": None if mid is None else mid["clears_in"],
        "scenarios_backlog_grows": grows,
        f"scenarios_clear_within_{years}_years": within,
        "scenarios_clear_beyond_horizon": beyond,
    }


def reading_conclusions(scenarios: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per reading, what it concludes at the sales run-rate: trend and clearance per scenario, as values.

    The sentence saying it is :func:`helpers.narrative.run_rate.conclusion_sentences`.  The capacity bases are left out of the conclusion: both capacities are
    below the weekly sales the factory delivered, so neither can be the supply rate.
    """
    horizon = int(scenarios["horizon_weeks"].iloc[0]) if "horizon_weeks" in scenarios else DEFAULT_HORIZON_WEEKS
    return {str(reading): _conclusion(rows, str(reading), horizon)
            for reading, rows in scenarios.groupby("reading", sort=False)}


# --------------------------------------------------------------------------- outputs


def _scenario_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "supply_per_week": row["supply_per_week"],
        "net_inflow_per_week": row["net_inflow_per_week"],
        "implied_backlog": row["implied_backlog"],
        "effective_backlog": row["effective_backlog"],
        "weeks_to_clear": row["weeks_to_clear"],
        "clears_in": row["clears_in"],
        "backlog_trend": row["backlog_trend"],
        "clearance": row["clearance"],
        "supply_contradicted": row["supply_contradicted"],
    }


def run_rate_summary(
    inputs: Mapping[str, ScenarioInputs],
    comparison: pd.DataFrame,
    scenarios: pd.DataFrame,
    start: tuple[int, int] | None = None,
    ranges: pd.DataFrame | None = None,
    conclusions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A JSON-ready dict with keys in a stable order, floats rounded by :func:`rounded`.

    ``scenarios`` holds the :data:`DEFAULT_READING` (named by ``scenarios_reading``),
    as before there were readings; ``readings`` holds every reading: its meaning,
    its conclusion at the sales run-rate (:func:`reading_conclusions`), the sentence
    saying it (``conclusions``, reading -> sentence, built by
    :func:`helpers.narrative.run_rate.conclusion_sentences`; left out when not given) and its
    scenarios.  ``rules`` names the conventions the numbers follow.
    """
    horizon = int(scenarios["horizon_weeks"].iloc[0])
    values = reading_conclusions(scenarios)
    sentences = dict(conclusions or {})
    summary: dict[str, Any] = {
        "scale": "vehicles per week",
        "note": "scenario calculations on a handful of article figures, not estimates with sampling error",
        "start_week": isoweeks.week_label(*start) if start else None,
        "horizon_weeks": horizon,
        "rules": {
            "littles_law": "backlog = supply × wait counts only served orders: cancellations are not taken off it",
            "horizon": (f"a clearance more than {horizon} weeks after week 0 is reported as not within "
                        f"{whole_years(horizon)} years, its span in whole years, never as an ISO week"),
            "capacity_below_sales": "a clearance resting on a capacity the weekly sales ran above (by more than the "
                                    "audit's capacity slack) is not dated: that capacity cannot be the supply rate",
        },
        "inputs": {
            s: {name: {"value": getattr(inp, name).value, "figure_id": getattr(inp, name).figure_id} for name in INPUT_NAMES}
            for s, inp in inputs.items()
        },
        "comparison": {
            row.quantity: {"per_week": row.per_week, "figure_id": row.figure_id}
            for row in comparison.itertuples(index=False)
        },
        "scenarios_reading": DEFAULT_READING,
        "scenarios": {},
        "readings": {},
    }
    for row in scenarios.to_dict("records"):
        entry = _scenario_entry(row)
        if row["reading"] == DEFAULT_READING:
            summary["scenarios"].setdefault(row["scenario"], {})[row["supply_basis"]] = entry
        said = {"conclusion": sentences[row["reading"]]} if row["reading"] in sentences else {}
        part = summary["readings"].setdefault(row["reading"], {**values[row["reading"]], **said, "scenarios": {}})
        part["scenarios"].setdefault(row["scenario"], {})[row["supply_basis"]] = entry
    if ranges is not None:
        summary["rules"]["ranges"] = ("a clearance is reported as the earliest and latest over every plausible "
                                      "combination of inputs (clearance_ranges), never as one scenario's date")
        summary["clearance_ranges"] = clearance_ranges_summary(ranges)
    return rounded(summary)


def write_run_rate_outputs(
    comparison: pd.DataFrame,
    scenarios: pd.DataFrame,
    paths: pd.DataFrame,
    summary: Mapping[str, Any],
    folder: Path | str | None = None,
    ranges: pd.DataFrame | None = None,
) -> list[Path]:
    """Write comparison.csv, scenarios.csv, backlog_paths.csv, clearance_ranges.csv (with ``ranges``) and
    summary.json atomically; return their paths.

    Floats are rounded to 3 decimals.  ``folder`` defaults to the step's folder in the catalogue.
    """
    from helpers import catalog
    from helpers.atomic import write_csv_atomic, write_json_atomic

    out = Path(folder) if folder is not None else catalog.step_folder("04_run_rate")
    written = []
    frames = [("comparison", comparison), ("scenarios", scenarios), ("backlog_paths", paths)]
    if ranges is not None:
        frames.append(("clearance_ranges", ranges))
    for name, frame in frames:
        write_csv_atomic(out / f"{name}.csv", round_frame(frame, JSON_DIGITS))
        written.append(out / f"{name}.csv")
    write_json_atomic(out / "summary.json", rounded(summary))
    return [*written, out / "summary.json"]

# --------------------------------------------------------------------------- clearance ranges (issue 24, item 5)

#: Columns of :func:`clearance_ranges`.
CLEARANCE_RANGE_COLUMNS = (
    "reading", "supply_basis", "n_combinations", "n_clear", "n_never", "n_not_dated",
    "earliest_weeks", "latest_weeks", "earliest", "latest", "range", "lock_in_rates", "cancellation_rates",
    "supply_values", "wait_weeks",
)


def _range_end(weeks: float, start: tuple[int, int], horizon_weeks: int) -> str:
    """One end of a clearance range, by :func:`clearance`'s rules, in few words.

    >>> _range_end(77.7, (2025, 19), 104), _range_end(108.5, (2025, 19), 104), _range_end(834.9, (2025, 19), 104)
    ('2026-W45 (week 78)', 'after more than 2 years', 'after more than 2 years (about 16 years)')
    """
    kind, text = clearance(weeks, start, horizon_weeks)
    if kind != "beyond_horizon":
        return text
    years = whole_years(horizon_weeks)
    n = whole_years(weeks)
    return f"after more than {years} {'year' if years == 1 else 'years'}" + (f" (about {n} years)" if n > years else "")


def _values(inputs: Mapping[str, ScenarioInputs], name: str) -> list[float]:
    return sorted({float(getattr(inp, name).value) for inp in inputs.values()})


def clearance_ranges(
    weekly_sales: pd.DataFrame,
    inputs: Mapping[str, ScenarioInputs],
    readings: tuple[str, ...] = READINGS,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> pd.DataFrame:
    """The earliest and latest clearance over every plausible combination of inputs, per reading and supply basis.

    A clearance date from one scenario is false precision: the inputs are ranges.
    Here every combination of the values the scenarios hold is run: each lock-in
    rate (the printed 35%-40%, its ends and midpoint), each cancellation rate (0
    up to the printed ceiling of 40%), each supply value of the basis (for the
    sales run-rate the best, mean and weakest week; a capacity, e.g. the "actual"
    capacity of about 10,000 a month, is one value) and the wait.  Cancellations
    are carried but, by Little's law, do not change the backlog, so the range does
    not depend on them (they are listed so a reader sees they were spanned).

    ``earliest`` / ``latest`` follow :func:`clearance` (an ISO week only within the
    horizon); ``latest`` is ``never`` as soon as one combination never clears,
    ``not dated`` for a capacity the weekly sales ran above.  ``range`` is the sentence.

    >>> mk = lambda s, sales, lock: ScenarioInputs(s, Sourced(1000.0, "d", ""), Sourced(900.0, "a", ""),
    ...     Sourced(sales, "w", ""), Sourced(1000.0, "o", ""), Sourced(lock, "l", ""), Sourced(0.0, "c", ""),
    ...     Sourced(10.0, "wait", ""))
    >>> inp = {"low": mk("low", 600.0, 0.4), "high": mk("high", 500.0, 0.5)}
    >>> ws = pd.DataFrame({"series": ["xiaomi_su7"], "iso_year": [2025], "iso_week": [19], "week": ["2025-W19"],
    ...                    "units": [550], "source_id": ["article_ggyjs_2025"]})
    >>> t = clearance_ranges(ws, inp, readings=("unlocked_deposits",))
    >>> row = t.set_index("supply_basis").loc["sales_run_rate"]
    >>> int(row["n_combinations"]), float(row["earliest_weeks"]), float(row["latest_weeks"]), row["latest"]
    (4, 30.0, inf, 'never')
    """
    start = start_week(weekly_sales)
    observed_sales = float(_series_weeks(weekly_sales)["units"].astype(float).mean())
    any_inp = next(iter(inputs.values()))
    gross = float(any_inp.gross_orders_per_week.value)
    locks, cancels, waits = _values(inputs, "lock_in_rate"), _values(inputs, "cancellation_rate"), _values(inputs, "wait_weeks")
    rows = []
    for reading in readings:
        for basis in SUPPLY_BASES:
            field = {"design_capacity": "design_capacity_per_week", "actual_capacity": "actual_capacity_per_week",
                     "sales_run_rate": "sales_per_week"}[basis]
            supplies = _values(inputs, field)
            results = []
            for supply, lock, cancel, wait in itertools.product(supplies, locks, cancels, waits):
                inflow = firm_inflow(reading, gross, lock)
                backlog = implied_backlog(supply, wait)  # Little's law: cancellations not taken off again
                results.append(weeks_to_clear(backlog, supply, inflow))
            rejected = (BASIS_LABELS[basis] if basis != "sales_run_rate" and
                        all(capacity_contradicted(s, observed_sales) for s in supplies) else None)
            finite = [w for w in results if math.isfinite(w)]
            n_never = len(results) - len(finite)
            earliest = min(finite) if finite else math.inf
            latest = max(results)
            if rejected:
                early_text = late_text = "not dated"
                text = (f"not dated: weekly sales ran above {rejected}, so it is not the supply rate"
                        + (f" ({n_never} of {len(results)} combinations never clear)" if n_never else ""))
            else:
                early_text = _range_end(earliest, start, horizon_weeks) if finite else "never"
                late_text = "never" if n_never else _range_end(latest, start, horizon_weeks)
                if not finite:
                    text = f"never: no combination of inputs clears the backlog ({len(results)} combinations)"
                elif n_never:
                    text = (f"from {early_text} to never ({n_never} of {len(results)} combinations: "
                            f"supply at or below the firm inflow)")
                else:
                    text = f"from {early_text} to {late_text} ({len(results)} combinations)"
            rows.append({
                "reading": reading,
                "supply_basis": basis,
                "n_combinations": len(results),
                "n_clear": len(finite),
                "n_never": n_never,
                "n_not_dated": len(results) if rejected else 0,
                "earliest_weeks": earliest,
                "latest_weeks": latest,
                "earliest": early_text,
                "latest": late_text,
                "range": text,
                "lock_in_rates": "; ".join(f"{v:.1%}" for v in locks),
                "cancellation_rates": "; ".join(f"{v:.0%}" for v in cancels),
                "supply_values": "; ".join(number(v) for v in supplies),
                "wait_weeks": "; ".join(f"{v:,.1f}" for v in waits),
            })
    return pd.DataFrame(rows, columns=list(CLEARANCE_RANGE_COLUMNS))


def clearance_ranges_summary(ranges: pd.DataFrame) -> dict[str, Any]:
    """``{reading: {supply_basis: {earliest, latest, earliest_weeks, latest_weeks, n_combinations, n_never, range}}}``.

    Infinite weeks become ``None`` (JSON has no infinity); ``latest`` then says ``never``.
    """
    out: dict[str, Any] = {}
    for row in ranges.to_dict("records"):
        out.setdefault(str(row["reading"]), {})[str(row["supply_basis"])] = {
            "earliest": row["earliest"],
            "latest": row["latest"],
            "earliest_weeks": row["earliest_weeks"] if math.isfinite(row["earliest_weeks"]) else None,
            "latest_weeks": row["latest_weeks"] if math.isfinite(row["latest_weeks"]) else None,
            "n_combinations": int(row["n_combinations"]),
            "n_never": int(row["n_never"]),
            "range": row["range"],
        }
    return out


def clearance_span(ranges: pd.DataFrame | None, basis: str) -> dict[str, float] | None:
    """The clearing range of :data:`DEFAULT_READING` on ``basis`` from :func:`clearance_ranges`, as
    ``{"low", "high", "n"}`` (weeks, weeks, combinations), or ``None`` if it is not dated (some combination never
    clears, or no row).  What notebook 06's run-rate figure draws and its title states.

    >>> table = pd.DataFrame({"reading": ["unlocked_deposits"], "supply_basis": ["sales_run_rate"],
    ...     "n_combinations": [27], "n_never": [0], "earliest_weeks": [77.661], "latest_weeks": [108.531]})
    >>> clearance_span(table, "sales_run_rate")
    {'low': 77.661, 'high': 108.531, 'n': 27}
    """
    if ranges is None or ranges.empty:
        return None
    rows = ranges[(ranges["reading"].astype(str) == DEFAULT_READING) & (ranges["supply_basis"].astype(str) == basis)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    low, high = float(row["earliest_weeks"]), float(row["latest_weeks"])
    if int(row["n_never"]) or not (math.isfinite(low) and math.isfinite(high)):
        return None
    return {"low": low, "high": high, "n": int(row["n_combinations"])}


def order_intake(figures: pd.DataFrame) -> dict[str, Any]:
    """Order intake, March against May (notebook 06's orders figure): the two printed totals and each per week.

    ``{"rows": [{"figure", "total", "weeks", "per_week"}, ...]`` (the March week first, then May's two weeks;
    ``figure`` is the clean figures row), ``"total_change"`` and ``"per_week_change"`` (percent, May on March)}.
    """
    rows = []
    for fid in (FIGURE.march_week_orders, FIGURE.may_fortnight_orders):
        row = figure_row(figures, fid)
        span = int(row["period_weeks"])
        total = float(row["value_mid"])
        rows.append({"figure": row, "total": total, "weeks": span, "per_week": total / span})
    return {"rows": rows, "total_change": 100 * (rows[1]["total"] / rows[0]["total"] - 1),
            "per_week_change": 100 * (rows[1]["per_week"] / rows[0]["per_week"] - 1)}

"""Run-rate model: capacity, sales and orders on one scale (vehicles per week).

The article gives a handful of rates on different clocks: a design capacity per
year, an "actual" capacity per month, weekly sales, a monthly sales total, order
counts over one and two weeks, a lock-in rate, a cancellation rate and a wait of
"nearly a year".  This module puts every one of them on **one per-week scale**
and runs small, explicit scenario calculations on them:

* :func:`implied_backlog`: Little's law, open orders = throughput × wait;
* :func:`net_order_inflow`: firm orders a week = gross orders × lock-in rate;
* :func:`effective_backlog`: open orders left after cancellations;
* :func:`weeks_to_clear` / :func:`backlog_path` / :func:`supply_overtakes_demand`:
  how a backlog evolves when supply and firm inflow are constant.

These are **scenario calculations** on a few article figures, not estimates:
there is no sampling error to report, only the spread between the low, mid and
high readings of the article's ranges (see :func:`default_inputs`).

>>> implied_backlog(2000, 52)
104000.0
>>> weeks_to_clear(10000, supply_per_week=3000, inflow_per_week=1000)
5.0
>>> weeks_to_clear(10000, supply_per_week=1000, inflow_per_week=1000)
inf
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from helpers.data import weeks as isoweeks
from helpers.data.clean import WEEKS_PER_MONTH, WEEKS_PER_YEAR, figure_row
from helpers.data.roles import FIGURE
from helpers.formatting import JSON_DIGITS, number, round_frame, rounded

__all__ = [
    "SERIES",
    "SCENARIOS",
    "SUPPLY_BASES",
    "DEFAULT_HORIZON_WEEKS",
    "Sourced",
    "ScenarioInputs",
    "default_inputs",
    "with_overrides",
    "inputs_table",
    "implied_backlog",
    "net_order_inflow",
    "effective_backlog",
    "weeks_to_clear",
    "backlog_path",
    "supply_overtakes_demand",
    "run_rate_comparison",
    "run_rate_table",
    "start_week",
    "backlog_paths",
    "overtake_sentences",
    "run_rate_summary",
    "write_run_rate_outputs",
]

#: The weekly-sales series the model reads (SU7 and SU7 Ultra together).
SERIES = "xiaomi_su7"
#: Scenario names, least pressure on supply first.
SCENARIOS = ("low", "mid", "high")
#: Supply bases: which rate is taken as the factory's weekly output.
SUPPLY_BASES = ("design_capacity", "actual_capacity", "sales_run_rate")
#: Weeks :func:`backlog_paths` follows each scenario for (two years).
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


def effective_backlog(backlog: float, cancellation_rate: float) -> float:
    """Open orders left after a share ``cancellation_rate`` (a fraction) is cancelled.

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
    whole = math.ceil(weeks)
    # guard against float noise such as 5.000000000000001 for an exact division
    return whole - 1 if whole - weeks > 1 - 1e-9 else whole


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


def run_rate_table(figures: pd.DataFrame, weekly_sales: pd.DataFrame, inputs: Mapping[str, ScenarioInputs]) -> pd.DataFrame:
    """One row per scenario × supply basis: supply, firm inflow, implied backlog, weeks to clear.

    The backlog is implied by Little's law from the supply basis and the wait
    (a buyer waiting ``wait_weeks`` has that many weeks of *this* supply ahead),
    then reduced by cancellations.  Week 0 is the last week of weekly sales;
    ``clears_in`` names the ISO week the backlog is gone, or says why never.
    ``*_formula`` columns show each derived number's arithmetic.
    """
    start = start_week(weekly_sales)
    rows = []
    for scenario, inp in inputs.items():
        gross, lock = inp.gross_orders_per_week.value, inp.lock_in_rate.value
        cancel, wait = inp.cancellation_rate.value, inp.wait_weeks.value
        inflow = net_order_inflow(gross, lock)
        for basis in SUPPLY_BASES:
            supply = inp.supply(basis)
            backlog = implied_backlog(supply.value, wait)
            open_orders = effective_backlog(backlog, cancel)
            weeks = weeks_to_clear(open_orders, supply.value, inflow)
            week = supply_overtakes_demand(open_orders, supply.value, inflow)
            if week is None:
                clears_in = f"never: supply {number(supply.value)} ≤ firm inflow {number(inflow)} a week"
                weeks_formula = f"{number(supply.value)} − {number(inflow)} ≤ 0: the backlog never shrinks"
            else:
                clears_in = f"{isoweeks.week_label(*isoweeks.add_weeks(start, week))} (week {week})"
                weeks_formula = f"{number(open_orders)} / ({number(supply.value)} − {number(inflow)}) = {weeks:,.1f}"
            rows.append({
                "scenario": scenario,
                "supply_basis": basis,
                "supply_per_week": supply.value,
                "net_inflow_per_week": inflow,
                "surplus_per_week": supply.value - inflow,
                "wait_weeks": wait,
                "implied_backlog": backlog,
                "cancellation_rate": cancel,
                "effective_backlog": open_orders,
                "weeks_to_clear": weeks,
                "clears_in": clears_in,
                "supply_source": supply.figure_id,
                "net_inflow_formula": f"{number(gross)} gross × {lock:.1%} lock-in = {number(inflow)}",
                "implied_backlog_formula": f"{number(supply.value)} a week × {wait:,.1f} weeks = {number(backlog)}",
                "effective_backlog_formula": f"{number(backlog)} × (1 − {cancel:.0%}) = {number(open_orders)}",
                "weeks_to_clear_formula": weeks_formula,
            })
    return pd.DataFrame(rows)


def backlog_paths(scenarios: pd.DataFrame, weeks: int = DEFAULT_HORIZON_WEEKS, start: tuple[int, int] | None = None) -> pd.DataFrame:
    """:func:`backlog_path` for every row of :func:`run_rate_table`, stacked.

    ``iso_week`` labels each week counted from ``start`` (week 0), when given.
    """
    parts = []
    for row in scenarios.itertuples(index=False):
        path = backlog_path(row.effective_backlog, row.supply_per_week, row.net_inflow_per_week, weeks)
        path.insert(0, "supply_basis", row.supply_basis)
        path.insert(0, "scenario", row.scenario)
        if start is not None:
            path.insert(3, "iso_week", [isoweeks.week_label(*isoweeks.add_weeks(start, k)) for k in path["week"]])
        parts.append(path)
    return pd.concat(parts, ignore_index=True)


def overtake_sentences(scenarios: pd.DataFrame) -> list[str]:
    """One English sentence per scenario saying when (if ever) supply overtakes demand, by basis."""
    labels = {"design_capacity": "at design capacity", "actual_capacity": "at the “actual” capacity",
              "sales_run_rate": "at the observed sales run-rate"}
    sentences = []
    for scenario, group in scenarios.groupby("scenario", sort=False):
        parts = []
        for row in group.itertuples(index=False):
            if math.isinf(row.weeks_to_clear):
                parts.append(f"never {labels[row.supply_basis]} ({number(row.supply_per_week)} a week against "
                             f"{number(row.net_inflow_per_week)} firm orders a week)")
            else:
                parts.append(f"after {row.weeks_to_clear:,.1f} weeks {labels[row.supply_basis]}, by {row.clears_in.split(' ')[0]} "
                             f"({number(row.effective_backlog)} open orders, {number(row.surplus_per_week)} a week to spare)")
        sentences.append(f"**{scenario}**: supply overtakes demand " + "; ".join(parts) + ".")
    return sentences


# --------------------------------------------------------------------------- outputs




def run_rate_summary(
    inputs: Mapping[str, ScenarioInputs],
    comparison: pd.DataFrame,
    scenarios: pd.DataFrame,
    start: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """A JSON-ready dict with keys in a stable order, floats rounded by :func:`rounded`."""
    summary: dict[str, Any] = {
        "scale": "vehicles per week",
        "note": "scenario calculations on a handful of article figures, not estimates with sampling error",
        "start_week": isoweeks.week_label(*start) if start else None,
        "inputs": {
            s: {name: {"value": getattr(inp, name).value, "figure_id": getattr(inp, name).figure_id} for name in INPUT_NAMES}
            for s, inp in inputs.items()
        },
        "comparison": {
            row.quantity: {"per_week": row.per_week, "figure_id": row.figure_id}
            for row in comparison.itertuples(index=False)
        },
        "scenarios": {},
    }
    for row in scenarios.itertuples(index=False):
        summary["scenarios"].setdefault(row.scenario, {})[row.supply_basis] = {
            "supply_per_week": row.supply_per_week,
            "net_inflow_per_week": row.net_inflow_per_week,
            "implied_backlog": row.implied_backlog,
            "effective_backlog": row.effective_backlog,
            "weeks_to_clear": row.weeks_to_clear,
            "clears_in": row.clears_in,
        }
    return rounded(summary)


def write_run_rate_outputs(
    comparison: pd.DataFrame,
    scenarios: pd.DataFrame,
    paths: pd.DataFrame,
    summary: Mapping[str, Any],
    folder: Path | str | None = None,
) -> list[Path]:
    """Write comparison.csv, scenarios.csv, backlog_paths.csv and summary.json atomically; return their paths.

    Floats are rounded to 3 decimals.  ``folder`` defaults to the step's folder in the catalogue.
    """
    from helpers import catalog
    from helpers.atomic import write_csv_atomic, write_json_atomic

    out = Path(folder) if folder is not None else catalog.step_folder("04_run_rate")
    written = []
    for name, frame in (("comparison", comparison), ("scenarios", scenarios), ("backlog_paths", paths)):
        write_csv_atomic(out / f"{name}.csv", round_frame(frame, JSON_DIGITS))
        written.append(out / f"{name}.csv")
    write_json_atomic(out / "summary.json", rounded(summary))
    return [*written, out / "summary.json"]
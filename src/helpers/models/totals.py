"""Xiaomi's official quarterly deliveries against the monthly figures the pages print.

A quarter's official total (the results announcement, ``quarterly_deliveries.csv``)
can confirm or rule out monthly figures: of the figures printed to the unit
(``41,948``, not ``2.9万`` and not a bound), pick one per month of the quarter in
every way possible; a combination *fits* when its sum lies within
:data:`TOLERANCE` of the official total.  Each figure is then

* ``true``: it belongs to at least one fitting combination (confirmed);
* ``false``: it belongs to none while another combination fits (ruled out);
* empty: no combination can be formed (a month has only rounded figures or
  bounds), or none fits, so the total cannot tell (``note`` says which).

The official total is the brand total (``xiaomi_all``); the sources must agree on it.
"""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd

from helpers.formatting import number

__all__ = ["TOLERANCE", "RECONCILIATION_COLUMNS", "printed_to_the_unit", "quarterly_reconciliation"]

#: A combination of monthly figures fits the official total within this fraction of it.
TOLERANCE = 0.005

RECONCILIATION_COLUMNS = (
    "year", "quarter", "month", "source_id", "measure", "units", "as_printed", "official_units", "official_sources",
    "n_combinations", "n_fitting", "fits_official_total", "closest_sum", "note",
)


def printed_to_the_unit(row: Any) -> bool:
    """A monthly figure printed digit for digit: exact (no bound) and not rounded to 万.

    >>> printed_to_the_unit({"bound": "exact", "as_printed": "41,948 vehicles"}), printed_to_the_unit({"bound": "exact", "as_printed": "2.9万台"})
    (True, False)
    >>> printed_to_the_unit({"bound": "lower", "as_printed": "more than 28,000"})
    False
    """
    return str(row["bound"]) == "exact" and "万" not in str(row["as_printed"])


def _official(quarterly: pd.DataFrame) -> dict[tuple[int, int], tuple[int, list[str]]]:
    brand = quarterly[quarterly["series"].astype(str) == "xiaomi_all"]
    totals = {}
    for (year, quarter), rows in brand.groupby(["year", "quarter"], sort=True):
        values = sorted(set(rows["units"].astype(int)))
        if len(values) != 1:
            raise ValueError(f"{year} Q{quarter}: the sources give different official totals ({', '.join(map(number, values))})")
        totals[(int(year), int(quarter))] = (values[0], sorted(rows["source_id"].astype(str)))
    return totals


def quarterly_reconciliation(monthly_deliveries: pd.DataFrame, quarterly_deliveries: pd.DataFrame,
                             tolerance: float = TOLERANCE) -> pd.DataFrame:
    """One row per monthly brand figure printed to the unit in a quarter with an official total.

    >>> monthly = pd.DataFrame({"year": [2025] * 4, "month": [7, 8, 9, 9], "series": ["xiaomi_all"] * 4,
    ...     "measure": ["deliveries"] * 4, "units": [30452, 36396, 40023, 41948], "bound": ["exact"] * 4,
    ...     "as_printed": ["30,452", "36,396", "40,023", "41,948"], "source_id": ["a", "a", "b", "c"]})
    >>> quarterly = pd.DataFrame({"year": [2025], "quarter": [3], "series": ["xiaomi_all"], "units": [108796],
    ...                           "source_id": ["q"]})
    >>> quarterly_reconciliation(monthly, quarterly)[["month", "units", "fits_official_total"]].values.tolist()
    [[7, 30452, 'true'], [8, 36396, 'true'], [9, 40023, 'false'], [9, 41948, 'true']]
    """
    official = _official(quarterly_deliveries)
    brand = monthly_deliveries[monthly_deliveries["series"].astype(str) == "xiaomi_all"]
    rows = []
    for (year, quarter), (total, sources) in official.items():
        months = [3 * (quarter - 1) + k for k in (1, 2, 3)]
        inside = brand[(brand["year"].astype(int) == year) & brand["month"].astype(int).isin(months)]
        printed = inside[[printed_to_the_unit(r) for r in inside.to_dict("records")]]
        if printed.empty:
            continue
        choices = [sorted(set(printed.loc[printed["month"].astype(int) == m, "units"].astype(int))) for m in months]
        combos = list(itertools.product(*choices)) if all(choices) else []
        fitting = [c for c in combos if abs(sum(c) - total) <= tolerance * total]
        closest = min((sum(c) for c in combos), key=lambda s: abs(s - total), default=None)
        for row in printed.sort_values(["month", "units", "source_id"], kind="mergesort").to_dict("records"):
            index = months.index(int(row["month"]))
            mine = [c for c in fitting if c[index] == int(row["units"])]
            if not combos:
                verdict, note = "", "no combination: " + ", ".join(
                    f"{year}-{m:02d}" for m, c in zip(months, choices) if not c) + " has no figure printed to the unit"
            elif not fitting:
                verdict, note = "", (f"no combination comes within {tolerance:.1%} of {number(total)}; the closest sums to "
                                     f"{number(closest)}")
            elif mine:
                verdict, note = "true", f"in {len(mine)} of {len(fitting)} fitting combination(s)"
            else:
                verdict, note = "false", f"in none of the {len(fitting)} fitting combination(s)"
            rows.append({
                "year": year, "quarter": quarter, "month": int(row["month"]), "source_id": str(row["source_id"]),
                "measure": str(row["measure"]), "units": int(row["units"]), "as_printed": str(row["as_printed"]),
                "official_units": total, "official_sources": "; ".join(sources), "n_combinations": len(combos),
                "n_fitting": len(fitting), "fits_official_total": verdict,
                "closest_sum": closest if closest is not None else pd.NA, "note": note,
            })
    frame = pd.DataFrame(rows, columns=list(RECONCILIATION_COLUMNS))
    text = ["source_id", "measure", "as_printed", "official_sources", "fits_official_total", "note"]
    return frame.astype({c: "string" for c in text} | {"closest_sum": "Int64"})

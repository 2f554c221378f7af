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

**Bounds rule too** (issue 24, item 7).  The other months' lower bounds ("more than
28,000") leave a month at most ``official - sum of those bounds`` (``at_most``);
a figure above that, by more than :data:`BOUND_TOLERANCE` of the total, is ruled
out (``false``) even when no combination can be formed: April and May "more
than 28,000" leave June at most 25,302 of Q2's 81,302, so 25,459 is ruled out.
Before the YU7's first deliveries (6 July 2025) the brand total is the SU7's.

The official total is the brand total (``xiaomi_all``); the sources must agree on it.
"""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd

from helpers.formatting import number
from helpers.tolerances import QUARTER_BOUND_TOLERANCE, QUARTER_SUM_TOLERANCE

__all__ = ["TOLERANCE", "RECONCILIATION_COLUMNS", "printed_to_the_unit", "quarterly_reconciliation", "ruled_out",
           "without_ruled_out", "reconciliation_summary", "WEEKLY_AGAINST_MONTHLY_COLUMNS", "weekly_against_monthly",
           "PERIOD_REMAINDER_COLUMNS", "month_reading", "period_remainders", "MONTHS_BESIDE_WEEKS_COLUMNS",
           "months_beside_weeks", "months_beside_weeks_summary"]

#: A combination of monthly figures fits the official total within this fraction of it (declared in
#: :mod:`helpers.tolerances`, with the slack a bound-based ruling allows).
TOLERANCE = QUARTER_SUM_TOLERANCE
BOUND_TOLERANCE = QUARTER_BOUND_TOLERANCE

RECONCILIATION_COLUMNS = (
    "year", "quarter", "month", "source_id", "measure", "units", "as_printed", "official_units", "official_sources",
    "n_combinations", "n_fitting", "fits_official_total", "closest_sum", "at_most", "note",
)


def _ceilings(brand: pd.DataFrame, year: int, months: list[int], total: int) -> dict[int, tuple[int, str]]:
    """Per month with lower bounds in all the *other* months of the quarter: (the most it can hold, the arithmetic)."""
    lower = {}
    for m in months:
        rows = brand[(brand["year"].astype(int) == year) & (brand["month"].astype(int) == m)]
        bounds = rows[rows["bound"].astype(str) == "lower"]["units"].astype(int)
        if len(bounds):
            lower[m] = int(bounds.max())
    out = {}
    for m in months:
        others = [k for k in months if k != m]
        if all(k in lower for k in others):
            room = total - sum(lower[k] for k in others)
            parts = " - ".join(f"more than {number(lower[k])} ({year}-{k:02d})" for k in others)
            out[m] = (room, f"{number(total)} - {parts} = at most {number(room)}")
        else:
            continue
    return out


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
                             tolerance: float = TOLERANCE, bound_tolerance: float = BOUND_TOLERANCE) -> pd.DataFrame:
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
        ceilings = _ceilings(brand, year, months, total)
        for row in printed.sort_values(["month", "units", "source_id"], kind="mergesort").to_dict("records"):
            index = months.index(int(row["month"]))
            mine = [c for c in fitting if c[index] == int(row["units"])]
            ceiling = ceilings.get(int(row["month"]))
            if ceiling is not None and int(row["units"]) > ceiling[0] + bound_tolerance * total:
                verdict, note = "false", (f"ruled out by the other months' lower bounds: {ceiling[1]} for "
                                          f"{year}-{int(row['month']):02d}, below {number(int(row['units']))}")
            elif not combos:
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
                "closest_sum": closest if closest is not None else pd.NA,
                "at_most": ceiling[0] if ceiling is not None else pd.NA, "note": note,
            })
    frame = pd.DataFrame(rows, columns=list(RECONCILIATION_COLUMNS))
    text = ["source_id", "measure", "as_printed", "official_sources", "fits_official_total", "note"]
    return frame.astype({c: "string" for c in text} | {"closest_sum": "Int64", "at_most": "Int64"})


def ruled_out(monthly_deliveries: pd.DataFrame, reconciliation: pd.DataFrame) -> pd.Series:
    """Per monthly row: whether the official totals rule it out (``fits_official_total`` false).

    A row is matched to the reconciliation by year, month, source, measure and
    units; rows the reconciliation does not hold (bounds, rounded figures,
    model splits, quarters without a total) are never ruled out.

    >>> monthly = pd.DataFrame({"year": [2025, 2025], "month": [9, 9], "series": ["xiaomi_all"] * 2,
    ...     "measure": ["deliveries"] * 2, "units": [40023, 41948], "source_id": ["b", "c"]})
    >>> rec = pd.DataFrame({"year": [2025, 2025], "month": [9, 9], "source_id": ["b", "c"],
    ...     "measure": ["deliveries"] * 2, "units": [40023, 41948], "fits_official_total": ["false", "true"]})
    >>> ruled_out(monthly, rec).tolist()
    [True, False]
    """
    key = ["year", "month", "source_id", "measure", "units"]
    verdicts = reconciliation.loc[reconciliation["fits_official_total"].astype(str) == "false", key]
    out = set(map(tuple, verdicts.astype(str).values.tolist()))
    rows = monthly_deliveries[key].astype(str).values.tolist() if len(monthly_deliveries) else []
    brand = monthly_deliveries["series"].astype(str) == "xiaomi_all"
    return pd.Series([tuple(r) in out for r in rows], index=monthly_deliveries.index, dtype=bool) & brand


def without_ruled_out(monthly_deliveries: pd.DataFrame, reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The monthly figures the official totals do not rule out (the ones later verdicts may use).

    >>> monthly = pd.DataFrame({"year": [2025, 2025], "month": [9, 9], "series": ["xiaomi_all"] * 2,
    ...     "measure": ["deliveries"] * 2, "units": [40023, 41948], "source_id": ["b", "c"]})
    >>> rec = pd.DataFrame({"year": [2025, 2025], "month": [9, 9], "source_id": ["b", "c"],
    ...     "measure": ["deliveries"] * 2, "units": [40023, 41948], "fits_official_total": ["false", "true"]})
    >>> without_ruled_out(monthly, rec)["units"].tolist()
    [41948]
    """
    return monthly_deliveries[~ruled_out(monthly_deliveries, reconciliation)].copy()


def reconciliation_summary(reconciliation: pd.DataFrame, tolerance: float = TOLERANCE) -> dict[str, Any]:
    """The ``reconciliation`` section of ``summary.json``: counts, and per quarter what is confirmed and ruled out.

    >>> rec = pd.DataFrame({"year": [2025] * 2, "quarter": [3] * 2, "month": [9, 9], "source_id": ["b", "c"],
    ...     "measure": ["deliveries"] * 2, "units": [40023, 41948], "official_units": [108796] * 2,
    ...     "fits_official_total": ["false", "true"]})
    >>> s = reconciliation_summary(rec)
    >>> s["n_figures"], s["n_confirmed"], s["n_ruled_out"], s["n_open"], s["quarters"][0]["ruled_out"]
    (2, 1, 1, 0, [{'month': 9, 'units': 40023, 'measure': 'deliveries', 'source_id': 'b'}])
    """
    verdicts = reconciliation["fits_official_total"].astype(str) if len(reconciliation) else pd.Series(dtype=str)

    def figures(rows: pd.DataFrame) -> list[dict[str, Any]]:
        return [{"month": int(r["month"]), "units": int(r["units"]), "measure": str(r["measure"]),
                 "source_id": str(r["source_id"])} for r in rows.to_dict("records")]

    quarters = []
    for (year, quarter), rows in reconciliation.groupby(["year", "quarter"], sort=True):
        v = rows["fits_official_total"].astype(str)
        entry = {"year": int(year), "quarter": int(quarter), "official_units": int(rows["official_units"].iloc[0]),
                 "n_figures": len(rows), "confirmed": figures(rows[v == "true"]),
                 "ruled_out": figures(rows[v == "false"]), "n_open": int((~v.isin(["true", "false"])).sum())}
        if "at_most" in rows.columns:  # what the other months' lower bounds leave each month, where they do
            ceilings = rows.dropna(subset=["at_most"]).drop_duplicates("month")
            entry["at_most"] = {f"{int(year)}-{int(r['month']):02d}": int(r["at_most"]) for r in ceilings.to_dict("records")}
        quarters.append(entry)
    return {"tolerance": tolerance, "n_figures": len(reconciliation), "n_confirmed": int((verdicts == "true").sum()),
            "n_ruled_out": int((verdicts == "false").sum()),
            "n_open": int((~verdicts.isin(["true", "false"])).sum()), "quarters": quarters}


WEEKLY_AGAINST_MONTHLY_COLUMNS = (
    "year", "month", "series", "weekly_measure", "weeks_inside", "weeks_known", "n_weeks_known", "days_in_month",
    "weekly_units", "known_per_week", "monthly_measure", "monthly_bound", "monthly_units", "monthly_as_printed",
    "monthly_printed_to_unit", "monthly_source_ids", "rest_days", "rest_units", "rest_bound", "rest_per_week", "formula",
)


def weeks_inside_month(year: int, month: int) -> list[tuple[int, int]]:
    """The ISO weeks whose Monday and Sunday both fall in the month (a week across a month end belongs to neither).

    >>> [f"W{w:02d}" for _, w in weeks_inside_month(2025, 5)]
    ['W19', 'W20', 'W21']
    >>> [f"W{w:02d}" for _, w in weeks_inside_month(2025, 4)]
    ['W15', 'W16', 'W17']
    """
    import calendar
    import datetime as dt

    from helpers.data import weeks

    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    found = []
    while monday + dt.timedelta(days=6) <= last:
        found.append(weeks.week_of(monday))
        monday += dt.timedelta(days=7)
    return found


def weekly_against_monthly(weekly_sales: pd.DataFrame, monthly_deliveries: pd.DataFrame) -> pd.DataFrame:
    """Each month's figures beside the weekly figures known inside it, and what the rest of the month must hold.

    Only ISO weeks wholly inside the month count (:func:`weeks_inside_month`):
    a week across a month end cannot be split without inventing its days.  One
    row per month, series and distinct monthly figure (measure, bound, units;
    its sources joined), for months with at least one such week known:
    ``rest_units = monthly_units - weekly_units`` on the ``rest_days`` the
    known weeks do not cover, ``rest_per_week = rest_units / rest_days * 7``;
    ``rest_bound`` carries the monthly figure's bound ("more than 28,000" leaves
    more than ``28,000 - weekly_units``).  The two measures differ (weekly
    insurance registrations, monthly deliveries or retail sales): the
    difference is what the figures imply if they counted the same cars, not a
    count of cars.  Pass the monthly figures the official totals do not rule
    out (:func:`without_ruled_out`).

    >>> weekly = weekly_sales_from({"2025-W19": 5200}, series="xiaomi_su7").assign(measure="insurance_registrations")
    >>> monthly = pd.DataFrame({"year": [2025], "month": [5], "series": ["xiaomi_su7"], "measure": ["deliveries"],
    ...     "units": [28000], "bound": ["lower"], "as_printed": ["over 28,000"], "source_id": ["s"]})
    >>> row = weekly_against_monthly(weekly, monthly).iloc[0]
    >>> row["weeks_known"], int(row["rest_units"]), row["rest_bound"], int(row["rest_days"]), round(float(row["rest_per_week"]))
    ('2025-W19', 22800, 'lower', 24, 6650)
    """
    import calendar

    from helpers.data import weeks

    known = {(str(r["series"]), int(r["iso_year"]), int(r["iso_week"])): (float(r["units"]), str(r.get("measure", "")))
             for r in weekly_sales.to_dict("records") if pd.notna(r["units"])}
    rows = []
    groups = monthly_deliveries.groupby(["year", "month", "series", "measure", "bound", "units"], sort=True)
    for (year, month, series, measure, bound, units), figures in groups:
        year, month, units = int(year), int(month), int(units)
        inside = weeks_inside_month(year, month)
        have = [w for w in inside if (str(series), *w) in known]
        if not have:
            continue
        weekly_units = sum(known[(str(series), *w)][0] for w in have)
        days = calendar.monthrange(year, month)[1]
        rest_days = days - 7 * len(have)
        rest = units - weekly_units
        labels = [weeks.week_label(*w) for w in have]
        printed = figures["as_printed"].astype(str).tolist()
        rows.append({
            "year": year, "month": month, "series": str(series),
            "weekly_measure": "; ".join(sorted({known[(str(series), *w)][1] for w in have})),
            "weeks_inside": "; ".join(weeks.week_label(*w) for w in inside), "weeks_known": "; ".join(labels),
            "n_weeks_known": len(have), "days_in_month": days, "weekly_units": weekly_units,
            "known_per_week": weekly_units / len(have), "monthly_measure": str(measure), "monthly_bound": str(bound),
            "monthly_units": units, "monthly_as_printed": printed[0],
            "monthly_printed_to_unit": all(printed_to_the_unit(r) for r in figures.to_dict("records")),
            "monthly_source_ids": "; ".join(sorted(set(figures["source_id"].astype(str)))),
            "rest_days": rest_days, "rest_units": rest, "rest_bound": str(bound),
            "rest_per_week": rest / rest_days * 7 if rest_days > 0 else float("nan"),
            "formula": (f"rest_units = {units} - ({' + '.join(number(known[(str(series), *w)][0]) .replace(',', '') for w in have)}) "
                        f"[{', '.join(labels)}]; rest_per_week = rest_units / {rest_days} days * 7"),
        })
    frame = pd.DataFrame(rows, columns=list(WEEKLY_AGAINST_MONTHLY_COLUMNS))
    text = ["series", "weekly_measure", "weeks_inside", "weeks_known", "monthly_measure", "monthly_bound",
            "monthly_as_printed", "monthly_source_ids", "rest_bound", "formula"]
    return frame.astype({c: "string" for c in text} | {"monthly_printed_to_unit": bool})


PERIOD_REMAINDER_COLUMNS = (
    "first_day", "last_day", "series", "measure", "basis", "units", "bound", "as_printed", "source_id",
    "official_quarters", "official_basis", "official_units", "rest_first_month", "rest_last_month", "rest_units",
    "rest_bound", "months_units", "months_bound", "months_sources", "months_basis", "basis_gap", "basis_gap_in",
    "formula",
)

#: The basis of a total, by its measure: what it counts, in the words a reader sees.
BASES = {"deliveries": "official deliveries", "retail_sales": "CPCA retail",
         "insurance_registrations": "insurance registrations"}
#: The basis of the official quarterly totals (Xiaomi's results announcements).
OFFICIAL_BASIS = BASES["deliveries"]


def basis(measure: str) -> str:
    """The basis of a total or figure with ``measure``.

    >>> basis("retail_sales"), basis("deliveries"), basis("other")
    ('CPCA retail', 'official deliveries', 'other')
    """
    return BASES.get(str(measure), str(measure))


def _quarter_sum(monthly: pd.DataFrame, year: int, quarter: int, measure: str) -> int | None:
    """The sum of a quarter's months on one ``measure`` (one figure printed to the unit a month), when unique."""
    total = 0
    for m in (3 * (quarter - 1) + k for k in (1, 2, 3)):
        rows = monthly[(monthly["year"].astype(int) == year) & (monthly["month"].astype(int) == m)
                       & (monthly["series"].astype(str) == "xiaomi_all") & (monthly["measure"].astype(str) == measure)]
        values = {int(r["units"]) for r in rows.to_dict("records") if printed_to_the_unit(r)}
        if len(values) != 1:
            return None
        total += values.pop()
    return total


def month_reading(monthly_deliveries: pd.DataFrame, year: int, month: int,
                  series: str = "xiaomi_all", measure: str | None = None) -> tuple[int, str, str] | None:
    """One month's figure for a sum: the largest printed to the unit, else the highest lower bound; with its bound
    and sources, or ``None`` when the month has neither.

    >>> m = pd.DataFrame({"year": 2025, "month": [12, 12], "series": "xiaomi_all", "units": [50000, 50000],
    ...     "bound": "lower", "as_printed": ["oltre 50.000", "首次突破5万辆"], "source_id": ["a", "b"]})
    >>> month_reading(m, 2025, 12)
    (50000, 'lower', 'a; b')
    """
    rows = monthly_deliveries[(monthly_deliveries["year"].astype(int) == year)
                              & (monthly_deliveries["month"].astype(int) == month)
                              & (monthly_deliveries["series"].astype(str) == series)]
    if measure is not None:
        rows = rows[rows["measure"].astype(str) == measure]
    exact = rows[[printed_to_the_unit(r) for r in rows.to_dict("records")]]
    pool, bound = (exact, "exact") if len(exact) else (rows[rows["bound"].astype(str) == "lower"], "lower")
    if pool.empty:
        return None
    best = int(pool["units"].astype(int).max())
    sources = sorted(set(pool.loc[pool["units"].astype(int) == best, "source_id"].astype(str)))
    return best, bound, "; ".join(sources)


def period_remainders(period_totals: pd.DataFrame, quarterly_deliveries: pd.DataFrame,
                      monthly_deliveries: pd.DataFrame | None = None) -> pd.DataFrame:
    """What a total over a longer period leaves for the months after the official quarters inside it.

    For each brand total (``xiaomi_all``) that starts on 1 January and ends
    on a month's last day, the official quarterly totals of that year whose
    months all lie inside it are summed; ``rest_units = units -
    official_units`` is what the months after the last such quarter must
    hold, with the total's ``bound`` ("more than 410,000" leaves more than the
    rest).  Derived numbers, with their ``formula``; a total no official
    quarter lies inside is left out.

    >>> totals = pd.DataFrame({"first_day": ["2025-01-01"], "last_day": ["2025-12-31"], "series": ["xiaomi_all"],
    ...     "measure": ["deliveries"], "units": [410000], "bound": ["lower"], "as_printed": ["over 410,000"],
    ...     "source_id": ["s"]})
    >>> quarterly = pd.DataFrame({"year": [2025] * 3, "quarter": [1, 2, 3], "series": ["xiaomi_all"] * 3,
    ...     "units": [75869, 81302, 108796], "source_id": ["q"] * 3})
    >>> row = period_remainders(totals, quarterly).iloc[0]
    >>> row["official_quarters"], int(row["rest_units"]), row["rest_bound"], row["rest_first_month"], row["rest_last_month"]
    ('2025 Q1-Q3', 144033, 'lower', '2025-10', '2025-12')
    """
    import calendar
    import datetime as dt

    official = _official(quarterly_deliveries)
    rows = []
    for r in period_totals.to_dict("records"):
        if str(r["series"]) != "xiaomi_all" or not str(r["first_day"] or "").endswith("-01-01"):
            continue
        first, last = dt.date.fromisoformat(str(r["first_day"])), dt.date.fromisoformat(str(r["last_day"]))
        if last.day != calendar.monthrange(last.year, last.month)[1] or first.year != last.year:
            continue
        inside = [q for q in range(1, 5) if (first.year, q) in official and 3 * q <= last.month]
        if not inside or inside != list(range(1, len(inside) + 1)):
            continue
        total_official = sum(official[(first.year, q)][0] for q in inside)
        rest_first = 3 * inside[-1] + 1
        if rest_first > last.month:
            rest_label_first = rest_label_last = ""
        else:
            rest_label_first, rest_label_last = f"{first.year}-{rest_first:02d}", f"{last.year}-{last.month:02d}"
        quarters = f"{first.year} Q1" + (f"-Q{inside[-1]}" if len(inside) > 1 else "")
        measure = str(r["measure"])
        months = range(rest_first, last.month + 1)
        readings = []
        months_measure = None
        if monthly_deliveries is not None and rest_label_first:
            # like with like: the months on the total's own basis when every month has one, else any basis
            same = [month_reading(monthly_deliveries, first.year, m, measure=measure) for m in months]
            if all(same):
                readings, months_measure = same, measure
            else:
                readings = [month_reading(monthly_deliveries, first.year, m) for m in months]
        complete = bool(readings) and all(readings)
        gap, gap_in = pd.NA, ""
        if basis(measure) != OFFICIAL_BASIS and str(r["bound"]) == "exact" and (months_measure == measure or not rest_label_first):
            gap = int(r["units"]) - total_official - (sum(x[0] for x in readings) if readings else 0)
            # where it sits: the official quarters whose months on the total's basis do not sum to them
            unmatched = [q for q in inside if _quarter_sum(monthly_deliveries, first.year, q, measure)
                         != official[(first.year, q)][0]] if monthly_deliveries is not None else inside
            gap_in = ", ".join(f"{first.year} Q{q}" for q in unmatched)
        months_units = sum(x[0] for x in readings) if complete else pd.NA
        months_bound = ("lower" if any(x[1] == "lower" for x in readings) else "exact") if complete else ""
        months_sources = "; ".join(x[2] for x in readings) if complete else ""
        rows.append({
            "first_day": str(r["first_day"]), "last_day": str(r["last_day"]), "series": "xiaomi_all",
            "measure": measure, "basis": basis(measure), "units": int(r["units"]), "bound": str(r["bound"]),
            "as_printed": str(r["as_printed"]), "source_id": str(r["source_id"]), "official_quarters": quarters,
            "official_basis": OFFICIAL_BASIS, "official_units": total_official, "rest_first_month": rest_label_first, "rest_last_month": rest_label_last,
            "rest_units": int(r["units"]) - total_official, "rest_bound": str(r["bound"]),
            "months_units": months_units, "months_bound": months_bound, "months_sources": months_sources,
            "months_basis": basis(months_measure) if complete and months_measure else ("mixed" if complete else ""),
            "basis_gap": gap, "basis_gap_in": gap_in,
            "formula": f"rest_units = {int(r['units'])} - ({' + '.join(str(official[(first.year, q)][0]) for q in inside)})",
        })
    frame = pd.DataFrame(rows, columns=list(PERIOD_REMAINDER_COLUMNS))
    text = ["first_day", "last_day", "series", "measure", "basis", "bound", "as_printed", "source_id",
            "official_quarters", "official_basis", "rest_first_month", "rest_last_month", "rest_bound", "months_bound",
            "months_sources", "months_basis", "basis_gap_in", "formula"]
    return frame.astype({c: "string" for c in text} | {"months_units": "Int64", "basis_gap": "Int64"})


MONTHS_BESIDE_WEEKS_COLUMNS = ("year", "month", "weeks_in_window", "weeks_known", "weekly_units", "monthly_units",
                               "monthly_bound", "rest_days", "rest_per_week", "lowest_week_in_window",
                               "lowest_week_units", "monthly_source_ids")


def months_beside_weeks(weekly_against_monthly: pd.DataFrame, weekly_sales: pd.DataFrame, first_week: str,
                        last_week: str) -> pd.DataFrame:
    """The months holding weeks ``first_week``..``last_week``, each month's deliveries beside its weeks.

    From :func:`weekly_against_monthly`'s table: per month that holds a week of the
    window, the deliveries figure (the highest printed, "more than" when any source
    printing it says so), the weekly figures known inside the month, and what the
    rest of the month averaged a week (``rest_per_week``); beside it, the lowest
    weekly figure of the window inside that month (from ``weekly_sales``, the month row's series).  A month whose rest averaged
    more than that lowest week says the dip did not last the month, if the two
    measures (weekly insurance registrations, monthly deliveries) count the same cars.

    >>> table = pd.DataFrame({"year": 2025, "month": [5, 5], "series": ["xiaomi_all", "xiaomi_su7"],
    ...     "weekly_measure": "insurance_registrations", "weeks_inside": "2025-W19; 2025-W20; 2025-W21",
    ...     "weeks_known": "2025-W19", "weekly_units": 5200.0, "monthly_measure": "deliveries",
    ...     "monthly_bound": ["lower", "exact"], "monthly_units": 28000, "monthly_source_ids": ["a", "b"],
    ...     "rest_days": 24, "rest_units": 22800.0, "rest_per_week": 6650.0})
    >>> weekly = weekly_sales_from({"2025-W18": 5700, "2025-W19": 5200}, series="xiaomi_all")
    >>> row = months_beside_weeks(table, weekly, "2025-W16", "2025-W19").iloc[0]
    >>> int(row["month"]), row["monthly_bound"], int(row["rest_per_week"]), row["lowest_week_in_window"], row["monthly_source_ids"]
    (5, 'lower', 6650, '2025-W19', 'a; b')
    """
    from helpers.data import weeks

    window = {weeks.week_label(y, w) for y, w in
              weeks.week_range(weeks.parse_week_label(first_week), weeks.parse_week_label(last_week))}
    units = {(str(r["series"]), weeks.week_label(int(r["iso_year"]), int(r["iso_week"]))): float(r["units"])
             for r in weekly_sales.to_dict("records") if pd.notna(r["units"])}
    deliveries = weekly_against_monthly[weekly_against_monthly["monthly_measure"].astype(str) == "deliveries"]
    rows = []
    for (year, month), group in deliveries.groupby(["year", "month"], sort=True):
        inside = [w.strip() for w in str(group["weeks_inside"].iloc[0]).split(";")]
        in_window = [w for w in inside if w in window]
        if not in_window:
            continue
        top = group[group["monthly_units"] == group["monthly_units"].max()]
        row = top.sort_values("rest_per_week", kind="mergesort").iloc[0]
        weekly = {w: units[(str(row["series"]), w)] for w in in_window if (str(row["series"]), w) in units}
        lowest = min((w for w in in_window if w in weekly), key=lambda w: weekly[w], default="")
        sources = sorted({s.strip() for ids in top["monthly_source_ids"].astype(str) for s in ids.split(";")})
        rows.append({
            "year": int(year), "month": int(month), "weeks_in_window": "; ".join(in_window),
            "weeks_known": str(row["weeks_known"]), "weekly_units": float(row["weekly_units"]),
            "monthly_units": int(row["monthly_units"]),
            "monthly_bound": "lower" if (top["monthly_bound"].astype(str) == "lower").any() else "exact",
            "rest_days": int(row["rest_days"]), "rest_per_week": float(row["rest_per_week"]),
            "lowest_week_in_window": lowest, "lowest_week_units": weekly.get(lowest, float("nan")),
            "monthly_source_ids": "; ".join(sources),
        })
    return pd.DataFrame(rows, columns=list(MONTHS_BESIDE_WEEKS_COLUMNS))


def months_beside_weeks_summary(months: pd.DataFrame) -> list[dict[str, Any]]:
    """:func:`months_beside_weeks` as plain values for a summary: one dict per month, rounded to whole units.

    >>> months = pd.DataFrame({"year": [2025], "month": [5], "weeks_in_window": ["2025-W19"], "weeks_known": ["2025-W19"],
    ...     "weekly_units": [5200.0], "monthly_units": [28000], "monthly_bound": ["lower"], "rest_days": [24],
    ...     "rest_per_week": [6650.4], "lowest_week_in_window": ["2025-W19"], "lowest_week_units": [5200.0],
    ...     "monthly_source_ids": ["a"]})
    >>> months_beside_weeks_summary(months)[0]["rest_per_week"], months_beside_weeks_summary(months)[0]["rest_above_lowest_week"]
    (6650, True)
    """
    out = []
    for r in months.to_dict("records"):
        lowest = float(r["lowest_week_units"])
        out.append({
            "month": f"{int(r['year'])}-{int(r['month']):02d}", "weeks_known": str(r["weeks_known"]),
            "weekly_units": int(round(float(r["weekly_units"]))), "monthly_units": int(r["monthly_units"]),
            "monthly_bound": str(r["monthly_bound"]), "rest_days": int(r["rest_days"]),
            "rest_per_week": int(round(float(r["rest_per_week"]))),
            "lowest_week_in_window": str(r["lowest_week_in_window"]) or None,
            "lowest_week_units": None if lowest != lowest else int(round(lowest)),
            "rest_above_lowest_week": None if lowest != lowest else bool(float(r["rest_per_week"]) > lowest),
        })
    return out

"""Step 02: ingested tables -> analysis-ready tables.

* weekly sales get each week as its label (``2025-W16``) and Monday/Sunday dates;
* figures from every figure file are stacked into one table with the value's
  low / mid / high, the qualifier's English meaning, and, for counts and rates
  of vehicles, the same figure per week with the formula that made it;
* events get the first and last day their date can mean.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from helpers import weeks
from helpers.numbers import qualifier_meaning

#: Days in a year on average (Gregorian, leap years included).
DAYS_PER_YEAR = 365.25
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
WEEKS_PER_MONTH = DAYS_PER_YEAR / 12 / 7


@dataclass(frozen=True)
class WeekScale:
    """How many weeks one figure spans, and why."""

    weeks: float
    formula: str


def weeks_spanned(unit: str, period: str, period_weeks: int | None) -> WeekScale | None:
    """The number of weeks a vehicle figure covers, or ``None`` if it is no vehicle flow.

    >>> weeks_spanned("vehicles", "2025-05", 2)
    WeekScale(weeks=2.0, formula='value / 2 weeks (period_weeks as printed)')
    >>> round(weeks_spanned("vehicles", "2025-04", None).weeks, 4)
    4.2857
    >>> round(weeks_spanned("vehicles_per_year", "", None).weeks, 2)
    52.18
    >>> weeks_spanned("percent", "2025-04", None) is None
    True
    """
    if unit == "vehicles" and period_weeks:
        return WeekScale(float(period_weeks), f"value / {period_weeks} weeks (period_weeks as printed)")
    if unit == "vehicles" and len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        year, month = int(period[:4]), int(period[5:])
        days = calendar.monthrange(year, month)[1]
        return WeekScale(days / 7, f"value / ({days} days in {period} / 7)")
    if unit == "vehicles_per_year":
        return WeekScale(WEEKS_PER_YEAR, "value / (365.25 days a year / 7)")
    if unit == "vehicles_per_month":
        return WeekScale(WEEKS_PER_MONTH, "value / (365.25 / 12 days a month / 7)")
    return None


def weekly_sales_table(weekly_sales: pd.DataFrame) -> pd.DataFrame:
    """Weekly sales with ``week`` (label), ``week_monday`` and ``week_sunday`` (ISO dates).

    >>> raw = pd.DataFrame({"iso_year": [2025], "iso_week": [16], "series": ["xiaomi_su7"],
    ...                     "units": [7200], "source_id": ["s"], "locator": ["para 3"]})
    >>> weekly_sales_table(raw)[["week", "week_monday", "week_sunday"]].iloc[0].tolist()
    ['2025-W16', '2025-04-14', '2025-04-20']
    """
    table = weekly_sales.copy()
    pairs = list(zip(table["iso_year"].astype(int), table["iso_week"].astype(int)))
    table.insert(0, "week", pd.array([weeks.week_label(y, w) for y, w in pairs], dtype="string"))
    table.insert(3, "week_monday", pd.array([weeks.week_monday(y, w).isoformat() for y, w in pairs], dtype="string"))
    table.insert(4, "week_sunday", pd.array([weeks.week_sunday(y, w).isoformat() for y, w in pairs], dtype="string"))
    columns = ["series", "week", "iso_year", "iso_week", "week_monday", "week_sunday", "units", "source_id", "locator"]
    return table[columns].sort_values(["series", "iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)


def figures_table(figure_frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every figure file stacked: values low/mid/high, qualifier meaning, per-week values.

    ``figure_frames`` maps a table name (``orders``, ``capacity`` ...) to its
    ingested frame.  Per-week columns are filled only for vehicle counts and
    rates; ``per_week_formula`` says how each was made.
    """
    parts = []
    for name in sorted(figure_frames):
        frame = figure_frames[name].copy()
        frame.insert(0, "table", name)
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    table["value_mid"] = (table["value_low"] + table["value_high"]) / 2
    table["qualifier_meaning"] = [qualifier_meaning(q) for q in table["qualifier"]]
    scales = [
        weeks_spanned(unit, period, None if pd.isna(pw) else int(pw))
        for unit, period, pw in zip(table["unit"], table["period"], table["period_weeks"])
    ]
    span = pd.Series([s.weeks if s else float("nan") for s in scales], index=table.index, dtype="float64")
    for end in ("low", "mid", "high"):
        table[f"per_week_{end}"] = table[f"value_{end}"] / span
    table["per_week_formula"] = [s.formula if s else "" for s in scales]
    columns = [
        "figure_id", "table", "metric", "subject", "context", "period", "period_weeks", "period_as_printed",
        "as_printed", "qualifier", "qualifier_meaning", "value_low", "value_mid", "value_high", "unit",
        "per_week_low", "per_week_mid", "per_week_high", "per_week_formula", "source_id", "locator",
    ]
    table = table[columns].astype({"table": "string", "qualifier_meaning": "string", "per_week_formula": "string"})
    return table.sort_values("figure_id", kind="mergesort").reset_index(drop=True)


def date_bounds(date: str, precision: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day a date of the given precision can mean.

    >>> date_bounds("2024-Q4", "quarter")
    (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))
    >>> date_bounds("", "unknown")
    (None, None)
    """
    if precision == "unknown" or not date:
        return None, None
    year = int(date[:4])
    if precision == "day":
        day = dt.date.fromisoformat(date)
        return day, day
    if precision == "month":
        month = int(date[5:7])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if precision == "quarter":
        quarter = int(date[-1])
        first_month = 3 * quarter - 2
        last_month = first_month + 2
        return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """Events with ``date_start`` and ``date_end`` (ISO strings, empty when undated), by date."""
    table = events.copy()
    bounds = [date_bounds(d, p) for d, p in zip(table["date"], table["date_precision"])]
    table.insert(3, "date_start", pd.array([b[0].isoformat() if b[0] else "" for b in bounds], dtype="string"))
    table.insert(4, "date_end", pd.array([b[1].isoformat() if b[1] else "" for b in bounds], dtype="string"))
    table["_undated"] = table["date_start"] == ""
    table = table.sort_values(["_undated", "date_start", "event_id"], kind="mergesort").drop(columns="_undated")
    return table.reset_index(drop=True)


#: Where step 02 writes, relative to ``data/processed``.
CLEAN_SUBDIR = "clean"
FIGURE_TABLE_NAMES = ("capacity", "monthly_sales", "orders", "order_rates", "other_figures", "quality", "waiting_times")


def build_clean_tables(ingest_folder=None, out_folder=None) -> dict[str, pd.DataFrame]:
    """Read step 01's tables, make the analysis-ready ones, write them; return them by name.

    Writes ``weekly_sales.csv``, ``figures.csv``, ``events.csv`` and
    ``sources.csv`` to ``data/processed/clean`` (each atomically).
    """
    from pathlib import Path

    from helpers.atomic import write_csv_atomic
    from helpers.ingest import read_ingested
    from helpers.paths import processed_dir

    out = Path(out_folder) if out_folder is not None else processed_dir() / CLEAN_SUBDIR
    tables = {
        "weekly_sales": weekly_sales_table(read_ingested("weekly_sales", ingest_folder)),
        "figures": figures_table({name: read_ingested(name, ingest_folder) for name in FIGURE_TABLE_NAMES}),
        "events": events_table(read_ingested("events", ingest_folder)),
        "sources": read_ingested("sources", ingest_folder),
    }
    for name, frame in tables.items():
        write_csv_atomic(out / f"{name}.csv", frame)
    return tables


def read_clean(name: str, folder=None) -> pd.DataFrame:
    """Read a table written by :func:`build_clean_tables` (empty cells stay empty strings in text columns)."""
    from pathlib import Path

    from helpers.paths import processed_dir

    folder = Path(folder) if folder is not None else processed_dir() / CLEAN_SUBDIR
    frame = pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""])
    text_columns = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object]
    return frame.astype({c: "string" for c in text_columns}).fillna({c: "" for c in text_columns})

"""Step 02: ingested tables -> analysis-ready tables.

* weekly sales get each week as its label (``2025-W16``) and Monday/Sunday dates;
* figures from every figure file are stacked into one table with the value's
  low / mid / high, the qualifier's English meaning, and, for counts and rates
  of vehicles, the same figure per week with the formula that made it;
* events get the first and last day their date can mean (their captions carried along).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from helpers.data import weeks
from helpers.data.numbers import qualifier_meaning

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
    columns += [c for c in table.columns if c not in columns]
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


def figure_row(figures: pd.DataFrame, figure_id: str) -> pd.Series:
    """The one row of the figures table with ``figure_id`` (the one way a figure is looked up by id).

    >>> float(figure_row(pd.DataFrame({"figure_id": ["a", "b"], "value_mid": [1.0, 2.0]}), "b")["value_mid"])
    2.0
    >>> figure_row(pd.DataFrame({"figure_id": ["a"]}), "z")
    Traceback (most recent call last):
    ...
    KeyError: "figure 'z': expected exactly one row in the figures table, found 0"
    """
    rows = figures[figures["figure_id"].astype(str) == figure_id]
    if len(rows) != 1:
        raise KeyError(f"figure {figure_id!r}: expected exactly one row in the figures table, found {len(rows)}")
    return rows.iloc[0]


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """Events with ``date_start`` and ``date_end`` (ISO strings, empty when undated), by date.

    Every other column (the captions ``caption_en`` and ``caption_zh`` too) is carried as it is.

    >>> raw = pd.DataFrame({"event_id": ["b", "a"], "date": ["", "2024-Q4"], "date_precision": ["unknown", "quarter"],
    ...                     "caption_en": ["", "A"], "caption_zh": ["", "甲"]}, dtype="string")
    >>> events_table(raw).values.tolist()
    [['a', '2024-Q4', 'quarter', '2024-10-01', '2024-12-31', 'A', '甲'], ['b', '', 'unknown', '', '', '', '']]
    """
    table = events.copy()
    bounds = [date_bounds(d, p) for d, p in zip(table["date"], table["date_precision"])]
    table.insert(3, "date_start", pd.array([b[0].isoformat() if b[0] else "" for b in bounds], dtype="string"))
    table.insert(4, "date_end", pd.array([b[1].isoformat() if b[1] else "" for b in bounds], dtype="string"))
    table["_undated"] = table["date_start"] == ""
    table = table.sort_values(["_undated", "date_start", "event_id"], kind="mergesort").drop(columns="_undated")
    return table.reset_index(drop=True)


#: The article's own source: its weekly figures (2025-W16..W19) are what its claims rest on.
ARTICLE_SOURCE_ID = "article_ggyjs_2025"


def article_weeks(weekly_sales: pd.DataFrame, series: str = "xiaomi_su7") -> pd.DataFrame:
    """The weeks of ``series`` that the article itself states (not later or derived weeks), by week.

    The claims audit and the article's run-rate scenarios judge the article on
    the figures it printed; later weeks are later evidence, shown beside them.

    >>> ws = pd.DataFrame({"series": ["xiaomi_su7"] * 3, "iso_year": [2025] * 3, "iso_week": [22, 16, 17],
    ...                    "source_id": ["other", ARTICLE_SOURCE_ID, ARTICLE_SOURCE_ID]})
    >>> article_weeks(ws)["iso_week"].tolist()
    [16, 17]
    """
    rows = weekly_sales[(weekly_sales["series"] == series) & (weekly_sales["source_id"] == ARTICLE_SOURCE_ID)]
    return rows.sort_values(["iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)


#: The event that starts the second model's deliveries: from its week on,
#: a brand total is no longer the SU7 alone.
SECOND_MODEL_EVENT = "yu7_deliveries_begin"
BRAND_SERIES, SU7_SERIES = "xiaomi_all", "xiaomi_su7"


def second_model_week(events: pd.DataFrame) -> tuple[int, int] | None:
    """The ISO week in which YU7 deliveries began, from the events table, or ``None`` if not recorded."""
    rows = events[events["event_id"] == SECOND_MODEL_EVENT]
    if rows.empty or rows.iloc[0]["date_precision"] != "day":
        return None
    return weeks.week_of(dt.date.fromisoformat(rows.iloc[0]["date"]))


#: What the brand total counts before and from the second model's first deliveries.
BRAND_REGIMES = ("SU7 only", "SU7 and YU7")


def regimes(weekly_sales: pd.DataFrame, first_brand_week: tuple[int, int] | None) -> list[str]:
    """Per row, what its series counted that week: for ``xiaomi_all``, :data:`BRAND_REGIMES` before and from
    ``first_brand_week``; empty for series whose meaning never changed (a trend may span them freely).

    >>> rows = pd.DataFrame({"series": ["xiaomi_all", "xiaomi_all", "xiaomi_su7"], "iso_year": 2025, "iso_week": [26, 27, 27]})
    >>> regimes(rows, (2025, 27))
    ['SU7 only', 'SU7 and YU7', '']
    """
    if first_brand_week is None:
        return [""] * len(weekly_sales)
    return [(BRAND_REGIMES[(int(y), int(w)) >= first_brand_week] if s == BRAND_SERIES else "")
            for s, y, w in zip(weekly_sales["series"].astype(str), weekly_sales["iso_year"], weekly_sales["iso_week"])]


def with_brand_series(weekly_sales: pd.DataFrame, first_brand_week: tuple[int, int] | None) -> pd.DataFrame:
    """Weekly sales plus a continuous ``xiaomi_all`` series, derived where it is safe.

    Before the second model's deliveries began, Xiaomi's brand total *is* the
    SU7, so each ``xiaomi_su7`` week before ``first_brand_week`` is repeated as
    ``xiaomi_all`` (unless that week has its own ``xiaomi_all`` figure), with
    ``derivation`` saying so.  Raw rows have an empty ``derivation``.  ``regime``
    (:func:`regimes`) says what the brand total counted that week, so that a
    trend never silently spans the second model's arrival.

    >>> raw = pd.DataFrame({"iso_year": [2025, 2025], "iso_week": [16, 30], "series": ["xiaomi_su7", "xiaomi_all"],
    ...                     "units": [7200, 9000], "source_id": ["a", "b"], "locator": ["p", "q"]})
    >>> out = with_brand_series(raw, (2025, 27))
    >>> out[["series", "iso_week", "derivation"]].values.tolist()
    [['xiaomi_all', 16, 'xiaomi_su7 before 2025-W27: the brand total was the SU7'], ['xiaomi_all', 30, ''], ['xiaomi_su7', 16, '']]
    """
    table = weekly_sales.copy()
    table["derivation"] = ""
    if first_brand_week is not None:
        have = set(zip(table.loc[table["series"] == BRAND_SERIES, "iso_year"], table.loc[table["series"] == BRAND_SERIES, "iso_week"]))
        before = [
            (y, w) < first_brand_week and (y, w) not in have
            for y, w in zip(table["iso_year"], table["iso_week"])
        ]
        derived = table[(table["series"] == SU7_SERIES) & pd.Series(before, index=table.index)].copy()
        derived["series"] = BRAND_SERIES
        derived["derivation"] = f"{SU7_SERIES} before {weeks.week_label(*first_brand_week)}: the brand total was the SU7"
        table = pd.concat([table, derived], ignore_index=True)
    table["regime"] = regimes(table, first_brand_week)
    table = table.astype({"series": "string", "derivation": "string", "regime": "string"})
    return table.sort_values(["series", "iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)


def source_disagreements(weekly_sales: pd.DataFrame, alternatives: pd.DataFrame) -> pd.DataFrame:
    """Each alternative weekly figure beside the chosen one, with the difference.

    >>> chosen = pd.DataFrame({"iso_year": [2025], "iso_week": [16], "series": ["s"], "units": [7200], "source_id": ["a"]})
    >>> other = pd.DataFrame({"iso_year": [2025], "iso_week": [16], "series": ["s"], "units": [7160], "source_id": ["b"]})
    >>> source_disagreements(chosen, other)[["week", "chosen_units", "other_units", "difference", "difference_pct"]].values.tolist()
    [['2025-W16', 7200, 7160, -40, -0.56]]
    """
    keys = ["iso_year", "iso_week", "series"]
    merged = alternatives[keys + ["units", "source_id"]].merge(
        weekly_sales[keys + ["units", "source_id"]], on=keys, suffixes=("_other", "_chosen")
    )
    merged.insert(0, "week", [weeks.week_label(y, w) for y, w in zip(merged["iso_year"], merged["iso_week"])])
    out = merged.rename(columns={"units_chosen": "chosen_units", "source_id_chosen": "chosen_source",
                                 "units_other": "other_units", "source_id_other": "other_source"})
    out["difference"] = out["other_units"] - out["chosen_units"]
    out["difference_pct"] = (100 * out["difference"] / out["chosen_units"]).round(2)
    columns = ["week", "series", "chosen_units", "chosen_source", "other_units", "other_source", "difference", "difference_pct"]
    return out[columns].sort_values(["series", "week", "other_source"], kind="mergesort").reset_index(drop=True)


def monthly_deliveries_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly figures with ``month`` label, days in the month and the same figure per week.

    A lower bound stays a lower bound per week too: ``bound`` travels with it.
    """
    table = monthly.copy()
    days = [calendar.monthrange(int(y), int(m))[1] for y, m in zip(table["year"], table["month"])]
    table.insert(0, "month_label", pd.array([f"{int(y)}-{int(m):02d}" for y, m in zip(table["year"], table["month"])], dtype="string"))
    table["days"] = pd.array(days, dtype="int64")
    table["per_week"] = table["units"] / (table["days"] / 7)
    table["per_week_formula"] = pd.array([f"units / ({d} days / 7)" for d in days], dtype="string")
    return table.sort_values(["series", "measure", "year", "month", "source_id"], kind="mergesort").reset_index(drop=True)


FIGURE_TABLE_NAMES = ("capacity", "monthly_sales", "orders", "order_rates", "other_figures", "quality", "waiting_times")


CALENDAR_COLUMNS = ("week", "iso_year", "iso_week", "week_monday", "week_sunday", "holiday_days", "holidays",
                    "adjusted_working_days", "working_days", "month_end", "month_end_of")


def calendar_weeks(holidays: pd.DataFrame, adjusted_working_days: pd.DataFrame, years: list[int] | None = None) -> pd.DataFrame:
    """One row per ISO week of ``years`` (default: the years the holidays cover) with its working calendar.

    ``holiday_days`` are the statutory days off (放假) inside the Monday-Sunday
    week, named in ``holidays``; ``adjusted_working_days`` the weekend days made
    working days (调休上班); ``working_days`` = weekdays that are not days off,
    plus those adjusted days.  ``month_end`` is true when the week holds the
    last day of a calendar month (``month_end_of`` names the month): car sales
    in China bunch at month ends.

    >>> hol = pd.DataFrame({"holiday": ["labour_day"], "first_day": ["2025-05-01"], "last_day": ["2025-05-05"]})
    >>> adj = pd.DataFrame({"date": ["2025-04-27"], "holiday": ["labour_day"]})
    >>> cal = calendar_weeks(hol, adj).set_index("week")
    >>> cal.loc[["2025-W17", "2025-W18", "2025-W19"], ["holiday_days", "working_days", "month_end", "month_end_of"]].values.tolist()
    [[0, 6, False, ''], [4, 3, True, '2025-04'], [1, 4, False, '']]
    >>> len(cal), int(cal["holiday_days"].sum())
    (52, 5)
    """
    days_off: dict[dt.date, str] = {}
    for row in holidays.itertuples(index=False):
        day, last = dt.date.fromisoformat(str(row.first_day)), dt.date.fromisoformat(str(row.last_day))
        while day <= last:
            days_off[day] = str(row.holiday)
            day += dt.timedelta(days=1)
    adjusted = {dt.date.fromisoformat(str(d)) for d in adjusted_working_days["date"]}
    if years is None:
        years = sorted({d.isocalendar()[0] for d in days_off} | {d.isocalendar()[0] for d in adjusted})
    rows = []
    for year in years:
        for number in range(1, weeks.weeks_in_year(year) + 1):
            monday = weeks.week_monday(year, number)
            days = [monday + dt.timedelta(days=k) for k in range(7)]
            off = [d for d in days if d in days_off]
            extra = [d for d in days if d in adjusted]
            working = sum(1 for d in days if (d.isoweekday() <= 5 and d not in days_off) or d in adjusted)
            ends = [d for d in days if (d + dt.timedelta(days=1)).month != d.month]
            rows.append({
                "week": weeks.week_label(year, number), "iso_year": year, "iso_week": number,
                "week_monday": monday.isoformat(), "week_sunday": days[-1].isoformat(),
                "holiday_days": len(off), "holidays": ";".join(dict.fromkeys(days_off[d] for d in off)),
                "adjusted_working_days": len(extra), "working_days": working,
                "month_end": bool(ends), "month_end_of": ends[0].strftime("%Y-%m") if ends else "",
            })
    frame = pd.DataFrame(rows, columns=list(CALENDAR_COLUMNS))
    return frame.astype({"week": "string", "week_monday": "string", "week_sunday": "string", "holidays": "string",
                         "month_end_of": "string", "iso_year": "int64", "iso_week": "int64", "holiday_days": "int64",
                         "adjusted_working_days": "int64", "working_days": "int64", "month_end": "bool"})


def with_measure(weekly_sales: pd.DataFrame, series_register: pd.DataFrame) -> pd.DataFrame:
    """``weekly_sales`` with each row's ``measure`` (after ``units``), taken from its series in ``series.csv``.

    >>> sales = pd.DataFrame({"series": ["a", "b"], "units": [1, 2], "source_id": ["s", "s"]})
    >>> with_measure(sales, pd.DataFrame({"series": ["a", "b"], "measure": ["insurance_registrations", "terminal_sales"]}))["measure"].tolist()
    ['insurance_registrations', 'terminal_sales']
    """
    measures = dict(zip(series_register["series"].astype(str), series_register["measure"].astype(str)))
    missing = sorted(set(weekly_sales["series"].astype(str)) - set(measures))
    if missing:
        raise ValueError(f"series {', '.join(missing)} not registered in series.csv (expected every weekly series there)")
    out = weekly_sales.copy()
    out.insert(list(out.columns).index("units") + 1, "measure",
               pd.array([measures[s] for s in out["series"].astype(str)], dtype="string"))
    return out


def build_clean_tables(ingest_folder=None, out_folder=None) -> dict[str, pd.DataFrame]:
    """Read step 01's tables, make the analysis-ready ones, write them; return them by name.

    Writes ``weekly_sales.csv`` (with the derived ``xiaomi_all`` weeks),
    ``weekly_sales_disagreements.csv``, ``monthly_deliveries.csv``,
    ``figures.csv``, ``events.csv``, ``sources.csv`` and ``calendar_weeks.csv`` to
    ``data/processed/clean`` (each atomically).
    """
    from pathlib import Path

    from helpers.atomic import write_csv_atomic
    from helpers.data.ingest import read_ingested
    from helpers import catalog

    out = Path(out_folder) if out_folder is not None else catalog.step_folder("02_clean")
    events = events_table(read_ingested("events", ingest_folder))
    chosen = read_ingested("weekly_sales", ingest_folder)
    alternatives = read_ingested("weekly_sales_alternatives", ingest_folder)
    tables = {
        "weekly_sales": with_measure(weekly_sales_table(with_brand_series(chosen, second_model_week(events))),
                                     read_ingested("series", ingest_folder)),
        "weekly_sales_disagreements": source_disagreements(chosen, alternatives),
        "monthly_deliveries": monthly_deliveries_table(read_ingested("monthly_deliveries", ingest_folder)),
        "figures": figures_table({name: read_ingested(name, ingest_folder) for name in FIGURE_TABLE_NAMES}),
        "events": events,
        "sources": read_ingested("sources", ingest_folder),
        "quarterly_deliveries": read_ingested("quarterly_deliveries", ingest_folder),
        "calendar_weeks": calendar_weeks(read_ingested("holidays", ingest_folder),
                                         read_ingested("adjusted_working_days", ingest_folder)),
    }
    for name, frame in tables.items():
        write_csv_atomic(out / f"{name}.csv", frame)
    return tables


def read_clean(name: str, folder=None) -> pd.DataFrame:
    """Read a table written by :func:`build_clean_tables` (:func:`helpers.catalog.read`; ``folder`` for a copy elsewhere)."""
    from pathlib import Path

    from helpers import catalog

    if folder is None:
        return catalog.read(f"clean.{name}")
    return catalog.read_csv_text_safe(Path(folder) / f"{name}.csv", catalog.entry(f"clean.{name}").text)

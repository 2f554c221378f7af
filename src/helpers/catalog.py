"""Every processed table: its name, where it lives, which step writes it, and how to read it back.

The one place that says where files live.  Notebooks read tables by name
(``catalog.read("clean.weekly_sales")``), :mod:`helpers.report.summary` finds
the step summaries here.  Each step's output folder is declared in the step
registry (:mod:`helpers.steps`), like the runner's graph that reads it.  Standard library
only at import time: the runner reads this without loading pandas.

A table's ``text`` columns are always read as strings, empty cells as ``""``
(never NaN), however the column happens to look in one run: a fit with no
missing week writes an empty ``missing_weeks``, and that must read back as
``""``, not as a float.

>>> path("clean.weekly_sales").as_posix().endswith("data/processed/clean/weekly_sales.csv")
True
>>> entry("trend.trend_fits").step, entry("trend.trend_fits").folder
('03_trend', 'trend')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import steps

PROCESSED = steps.PROCESSED


@dataclass(frozen=True)
class Table:
    """One table a notebook writes: ``<folder>.<file stem>`` is its name.

    ``key``: the columns that name a row (its natural key), unique and never empty in
    every valid run; ``()`` where the table has none.  Dagster checks it after the step
    that writes the table (:mod:`helpers.orchestration.checks`).
    """

    folder: str
    stem: str
    doc: str
    text: tuple[str, ...] = ()
    key: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.folder}.{self.stem}"

    @property
    def step(self) -> str:
        """The step that writes it: the one whose folder it lives in (the step registry says which)."""
        return FOLDER_STEPS[self.folder]

    @property
    def relpath(self) -> str:
        """Relative to the project root."""
        return f"{PROCESSED}/{self.folder}/{self.stem}.csv"


_FIGURE_TEXT = ("figure_id", "table", "metric", "subject", "context", "period", "period_as_printed", "as_printed",
                "qualifier", "qualifier_meaning", "unit", "per_week_formula", "source_id", "locator")
_CLAIM_TEXT = ("claim_id", "locator", "claim_as_printed", "unit", "verdict", "reason", "figure_ids")

#: Step folders under ``data/processed``, by the notebook that writes them (from the step registry).
STEP_FOLDERS: dict[str, str] = {s.name: s.folder for s in steps.STEPS if s.folder is not None}
#: The other way round: the step that writes each folder.
FOLDER_STEPS: dict[str, str] = {folder: name for name, folder in STEP_FOLDERS.items()}

TABLES: tuple[Table, ...] = (
    Table("clean", "weekly_sales", "one figure per ISO week and series, with the derived xiaomi_all weeks",
          text=("series", "week", "week_monday", "week_sunday", "measure", "source_id", "locator", "derivation", "regime"),
          key=("series", "week")),
    Table("clean", "weekly_sales_disagreements", "other sources' figures beside the chosen one",
          text=("week", "series", "chosen_source", "other_source"),
          key=("week", "series", "other_source")),
    Table("clean", "monthly_deliveries", "every monthly figure of every source, per-week rate",
          text=("month_label", "series", "measure", "bound", "as_printed", "source_id", "locator", "per_week_formula"),
          key=("month_label", "series", "measure", "bound", "source_id", "locator")),
    Table("clean", "figures", "every figure of the article on one per-week scale", text=_FIGURE_TEXT,
          key=("figure_id",)),
    Table("clean", "events", "dated events",
          text=("event_id", "date", "date_precision", "date_start", "date_end", "date_as_printed", "event", "caption_en",
                "caption_zh", "source_id", "locator"),
          key=("event_id",)),
    Table("clean", "sources", "the sources", text=("source_id", "title", "publisher", "author", "published",
                                                               "url", "note"),
          key=("source_id",)),
    Table("clean", "quarterly_deliveries", "Xiaomi's official quarterly deliveries, every source kept",
          text=("series", "source_id", "locator"),
          key=("year", "quarter", "series", "source_id")),
    Table("clean", "calendar_weeks", "every ISO week of the holiday years: days off, working days, month ends",
          text=("week", "week_monday", "week_sunday", "holidays", "month_end_of"),
          key=("week",)),
    Table("trend", "trend_fits", "one row per series and model: slope, interval, n",
          text=("series", "model", "first_week", "last_week", "weeks", "missing_weeks", "note"),
          key=("series", "model")),
    Table("trend", "forecasts", "forecasts with 95% intervals",
          text=("series", "model", "as_of_week", "week", "fit_first_week", "fit_last_week", "data_digest"),
          key=("series", "model", "as_of_week", "week")),
    Table("trend", "residuals", "residuals of each fit", text=("series", "model", "as_of_week", "week"),
          key=("series", "model", "as_of_week", "week")),
    Table("trend", "bands", "each fit's line with its 95% confidence and prediction bands, 4 points a week",
          text=("series", "model", "as_of_week", "part"),
          key=("series", "model", "as_of_week", "part", "t")),
    Table("trend", "forecast_log",
          "every vintage's forecasts, kept as history: the fit's weeks, a digest of its data, revisions beside the first",
          text=("as_of_week", "series", "model", "fit_first_week", "fit_last_week", "data_digest", "week",
                "point_statistic"),
          key=("as_of_week", "series", "model", "revision", "week")),
    Table("run_rate", "comparison", "every rate of the article per week",
          text=("quantity", "kind", "as_printed", "period", "figure_id", "locator", "formula"),
          key=("quantity",)),
    Table("run_rate", "scenarios", "low/mid/high scenarios per supply basis",
          text=("scenario", "supply_basis", "clears_in", "supply_source", "net_inflow_formula", "implied_backlog_formula",
                "effective_backlog_formula", "weeks_to_clear_formula"),
          key=("reading", "scenario", "supply_basis")),
    Table("run_rate", "backlog_paths", "the backlog week by week", text=("scenario", "supply_basis", "iso_week"),
          key=("reading", "scenario", "supply_basis", "week")),
    Table("run_rate", "clearance_ranges",
          "per reading and supply basis: the earliest and latest clearance over every plausible combination of inputs",
          text=("reading", "supply_basis", "earliest", "latest", "range", "lock_in_rates", "cancellation_rates",
                "supply_values", "wait_weeks"),
          key=("reading", "supply_basis")),
    Table("claims", "claims_audit", "each claim of the article, judged against its other figures",
          text=_CLAIM_TEXT,
          key=("claim_id",)),
    Table("what_happened", "scorecard", "the article's vintage scored against later weeks",
          text=("series", "model", "vintage", "week", "outcome", "first_week", "last_week"),
          key=("series", "model", "vintage", "week")),
    Table("what_happened", "monthly_range", "per month: sources, bounds, exact figures, one reading",
          text=("month", "series", "measures", "reading_kind", "best_reading", "disagreement", "source_ids"),
          key=("month", "series")),
    Table("what_happened", "later_weeks", "what is known after the article's last week, per series",
          text=("series", "after_week", "weeks", "first_week", "last_week", "min_week", "max_week", "longest_gap"),
          key=("series",)),
    Table("what_happened", "quarterly_reconciliation",
          "monthly figures printed to the unit against the official quarterly totals: confirmed, ruled out or untestable",
          text=("source_id", "measure", "as_printed", "official_sources", "fits_official_total", "note"),
          key=("year", "quarter", "month", "source_id", "measure", "units")),
    Table("what_happened", "weekly_against_monthly",
          "each month's figures beside the weekly figures known inside it, and what the rest of the month must hold",
          text=("series", "weekly_measure", "weeks_inside", "weeks_known", "monthly_measure", "monthly_bound",
                "monthly_as_printed", "monthly_source_ids", "rest_bound", "formula"),
          key=("year", "month", "series", "monthly_measure", "monthly_bound", "monthly_units")),
    Table("what_happened", "period_remainders",
          "totals over longer periods against the official quarters inside them, and what they leave for the later months",
          text=("first_day", "last_day", "series", "measure", "bound", "as_printed", "source_id", "official_quarters",
                "rest_first_month", "rest_last_month", "rest_bound", "months_bound", "months_sources", "formula"),
          key=("first_day", "last_day", "series", "measure", "bound", "source_id")),
    Table("what_happened", "claims_later", "the claims audit with later evidence",
          text=(*_CLAIM_TEXT, "later_evidence", "later_verdict"),
          key=("claim_id",)),
)
TABLES += (
    Table("market", "market_share",
          "Xiaomi's weekly registrations against a fixed set of brands: units, the set's total, the share",
          text=("week", "series", "brands", "missing_brands", "source_ids"),
          key=("week", "series")),
    Table("market", "brand_changes",
          "per comparison (the article's weeks, the accident week, its 2024 placebo): each brand printed at both ends",
          text=("comparison", "brand", "first_week", "last_week", "source_first", "source_last"),
          key=("comparison", "brand")),
    Table("market", "brand_spread",
          "per comparison: Xiaomi's change against the peers' spread, pooled change and the excess with its interval",
          text=("comparison", "first_week", "last_week", "peers", "peers_min_brand", "peers_max_brand"),
          key=("comparison",)),
    Table("market", "brand_left_out",
          "per comparison: every brand printed at either end that the comparison leaves out, and why",
          text=("comparison", "brand", "reason"),
          key=("comparison", "brand")),
    Table("market", "months_beside_weeks",
          "each month holding the article's weeks: Xiaomi's deliveries, its known weeks, what the rest of it averaged",
          text=("weeks_in_window", "weeks_known", "monthly_bound", "lowest_week_in_window", "monthly_source_ids"),
          key=("year", "month")),
    Table("market", "calendar_specifications",
          "per declared specification (docs/calendar-model.md): the holiday effect learnt from other brands' weeks "
          "outside the article's, and the calendar's share of the W16-W19 dip with its 95% interval",
          text=("specification", "terms", "brands", "years", "first_week", "last_week", "from_week", "to_week",
                "observed_series", "not_fitted_reason"),
          key=("specification",)),
    Table("backtest", "backtest",
          "rolling-origin forecasts of every method at horizons 1-4, with the actual where one exists",
          text=("series", "origin_week", "target_week", "method", "fit_first_week", "note"),
          key=("series", "origin_week", "target_week", "method")),
    Table("backtest", "backtest_scores",
          "per series and method: n, MAE, MASE (per-origin scale), coverage, interval score, Diebold-Mariano test "
          "against the naive forecast", text=("series", "method", "vs_naive"),
          key=("series", "method")),
    Table("backtest", "window_sensitivity",
          "the trend's slope for every window length and with each week left out",
          text=("series", "model", "variant", "left_out_week", "first_week", "last_week")),
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def entry(name: str) -> Table:
    """The catalogue entry of ``name`` (``folder.stem``); a clear error for an unknown name."""
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no processed table {name!r} (known: {', '.join(sorted(TABLES_BY_NAME))})") from None


def _root(root: Path | str | None) -> Path:
    if root is not None:
        return Path(root)
    from helpers.paths import project_root

    return project_root()


def path(name: str, root: Path | str | None = None) -> Path:
    """Where table ``name`` lives."""
    return _root(root) / entry(name).relpath


def step_folder(step: str, root: Path | str | None = None) -> Path:
    """The folder under ``data/processed`` that ``step`` writes (its tables and its ``summary.json``)."""
    return _root(root) / PROCESSED / STEP_FOLDERS[step]


def summary_path(step: str, root: Path | str | None = None) -> Path:
    """The ``summary.json`` a step writes into its folder."""
    return step_folder(step, root) / "summary.json"


def read_csv_text_safe(file: Path | str, text: tuple[str, ...] = ()) -> Any:
    """A CSV as the notebooks wrote it: ``text`` columns (and any other text) as strings, empty as ``""``.

    Numbers stay numbers; an empty numeric cell is NaN.
    """
    import pandas as pd

    with open(file, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\r\n").split(",")
    declared = [c for c in text if c in header]
    frame = pd.read_csv(file, dtype={c: "string" for c in declared}, keep_default_na=False,
                        na_values={c: [""] for c in header if c not in declared})
    others = [c for c in frame.columns if c not in declared and (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]))]
    strings = [*declared, *others]
    return frame.astype({c: "string" for c in strings}).fillna({c: "" for c in strings})


def read(name: str, root: Path | str | None = None) -> Any:
    """Read table ``name`` back (a pandas ``DataFrame``), text columns as strings, empty cells ``""``."""
    table = entry(name)
    return read_csv_text_safe(path(name, root), table.text)

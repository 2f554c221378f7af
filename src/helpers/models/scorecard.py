"""The forecast scorecard: every run's forecasts, kept by vintage, scored when actuals arrive.

``data/processed/forecast_log.csv`` gains the forecasts of each run keyed by
``as_of_week`` (the last week of data the fit saw), series and model.  Rerunning
the same vintage replaces its rows instead of adding copies, so the log grows
only when a new vintage is run (a new week arrived, or ``through_week`` named
a past one).  :func:`score_forecasts` sets each forecast against the actual
week, once it exists, and says whether it fell inside its 95% prediction
interval.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.data import weeks

#: A forecast week's outcome: its actual fell inside or outside the 95% prediction interval
#: (bounds included), or the week has no figure (yet): a missing week is never a miss.
INSIDE, OUTSIDE, NO_ACTUAL = "inside", "outside", "no actual"
OUTCOMES = (INSIDE, OUTSIDE, NO_ACTUAL)

LOG_KEY = ["as_of_week", "series", "model"]
LOG_COLUMNS = ["as_of_week", "series", "model", "week", "weeks_ahead", "mean", "pi95_low", "pi95_high"]


def log_rows(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Forecast-table rows (from :func:`helpers.models.trend.forecasts_table`) in the log's shape.

    >>> rows = log_rows(pd.DataFrame({"series": ["s"], "model": ["linear"], "as_of_week": ["2025-W19"],
    ...     "week": ["2025-W21"], "mean": [1.0], "pi95_low": [0.0], "pi95_high": [2.0]}))
    >>> rows["weeks_ahead"].tolist()
    [2]
    """
    rows = forecasts.copy()
    rows["weeks_ahead"] = [
        weeks.weeks_between(weeks.parse_week_label(a), weeks.parse_week_label(w))
        for a, w in zip(rows["as_of_week"], rows["week"])
    ]
    return rows[LOG_COLUMNS].reset_index(drop=True)


def update_forecast_log(log: pd.DataFrame | None, new_rows: pd.DataFrame) -> pd.DataFrame:
    """The log with ``new_rows`` added; any earlier rows of the same vintage, series and model are replaced.

    >>> new = pd.DataFrame({"as_of_week": ["2025-W19"], "series": ["s"], "model": ["linear"], "week": ["2025-W20"],
    ...                     "weeks_ahead": [1], "mean": [5.0], "pi95_low": [4.0], "pi95_high": [6.0]})
    >>> len(update_forecast_log(update_forecast_log(None, new), new))
    1
    """
    if log is None or log.empty:
        combined = new_rows.copy()
    else:
        replaced = log.merge(new_rows[LOG_KEY].drop_duplicates(), on=LOG_KEY, how="left", indicator=True)
        kept = log[(replaced["_merge"] == "left_only").to_numpy()]
        combined = pd.concat([kept, new_rows], ignore_index=True)
    combined = combined[LOG_COLUMNS].sort_values(["series", "model", "as_of_week", "week"], kind="mergesort")
    return combined.reset_index(drop=True)


def score_forecasts(forecasts: pd.DataFrame, weekly_sales: pd.DataFrame) -> pd.DataFrame:
    """Each forecast (``series, week, mean, pi95_low, pi95_high``) with its week's ``actual``, ``error`` and ``outcome``.

    The one scorer: notebook 03 scores the forecast log with it, notebook 07
    the article's vintage (:func:`helpers.models.later.article_vintage_scorecard`).
    ``outcome`` is :data:`INSIDE`, :data:`OUTSIDE` or :data:`NO_ACTUAL`; a week
    without a figure keeps ``actual`` missing (never zero).

    >>> f = pd.DataFrame({"series": ["s", "s", "s"], "week": ["2025-W20", "2025-W21", "2025-W22"],
    ...                   "mean": [10.0, 10.0, 10.0], "pi95_low": [8.0, 8.0, 8.0], "pi95_high": [12.0, 12.0, 12.0]})
    >>> sales = pd.DataFrame({"series": ["s", "s"], "week": ["2025-W20", "2025-W22"], "units": [12.0, 13.0]})
    >>> score_forecasts(f, sales)[["week", "actual", "outcome"]].values.tolist()
    [['2025-W20', 12.0, 'inside'], ['2025-W21', nan, 'no actual'], ['2025-W22', 13.0, 'outside']]
    """
    observed = weekly_sales[weekly_sales["units"].notna()]
    actual = observed[["series", "week", "units"]].rename(columns={"units": "actual"})
    actual = actual.astype({"series": "string", "week": "string", "actual": "float64"})
    scored = forecasts.astype({"series": "string", "week": "string"}).merge(actual, on=["series", "week"], how="left")
    has_actual = scored["actual"].notna()
    inside = (scored["actual"] >= scored["pi95_low"]) & (scored["actual"] <= scored["pi95_high"])
    scored["error"] = scored["actual"] - scored["mean"]
    outcome = [NO_ACTUAL if not has else INSIDE if ok else OUTSIDE for has, ok in zip(has_actual, inside)]
    scored["outcome"] = pd.array(outcome, dtype="string")
    return scored


def read_forecast_log(path: Path) -> pd.DataFrame | None:
    """The log on disk, or ``None`` before the first run."""
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"as_of_week": "string", "series": "string", "model": "string", "week": "string"})


def record_forecasts(forecasts: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Add this run's forecasts to the log on disk (atomically); return the whole log."""
    from helpers import catalog
    from helpers.atomic import write_csv_atomic
    from helpers.formatting import round_frame

    path = path or catalog.path("trend.forecast_log")
    log = update_forecast_log(read_forecast_log(path), round_frame(log_rows(forecasts)))
    write_csv_atomic(path, log)
    return log

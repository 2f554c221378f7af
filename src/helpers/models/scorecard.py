"""The forecast scorecard: every run's forecasts, kept by vintage as history, scored when actuals arrive.

``data/processed/trend/forecast_log.csv`` gains the forecasts of each run keyed
by ``as_of_week`` (the last week of data the fit saw), series and model, with
the weeks the fit saw (``fit_first_week``, ``fit_last_week``, ``fit_n_weeks``)
and a ``data_digest`` of the rows it used (:func:`helpers.models.trend.data_digest`).
The log is history, as forecast evaluators keep real-time and revised vintages:

* rerunning a vintage on the same data replaces nothing (same digest: the
  rows already there stand, byte for byte);
* rerunning it after a figure for one of its weeks arrived or changed (a new
  digest) keeps the first rows and logs the new ones beside them with
  ``revision`` one higher (0 is the real-time vintage);
* rows written before the log recorded digests (empty ``data_digest``) are
  replaced by the next run of their vintage.

``point_forecast`` is the mean of the linear model and the median of the log
model (``point_statistic`` says which: ``exp`` of a mean log is a median).
:func:`score_forecasts` sets each forecast against the actual week, once it
exists, and says whether it fell inside its 95% prediction interval.
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
LOG_COLUMNS = ["as_of_week", "series", "model", "revision", "fit_first_week", "fit_last_week", "fit_n_weeks",
               "data_digest", "week", "weeks_ahead", "point_statistic", "point_forecast", "pi95_low", "pi95_high"]
#: The point forecast of each model: the linear model's is a mean, the log model's (exp of a mean log) a median.
POINT_STATISTIC = {"linear": "mean", "log": "median"}


def log_rows(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Forecast-table rows (from :func:`helpers.models.trend.forecasts_table`) in the log's shape (revision 0).

    >>> rows = log_rows(pd.DataFrame({"series": ["s"], "model": ["log"], "as_of_week": ["2025-W19"],
    ...     "fit_first_week": ["2025-W16"], "fit_last_week": ["2025-W19"], "fit_n_weeks": [4], "data_digest": ["ab"],
    ...     "week": ["2025-W21"], "mean": [1.0], "pi95_low": [0.0], "pi95_high": [2.0]}))
    >>> rows[["weeks_ahead", "point_statistic", "point_forecast", "revision"]].values.tolist()
    [[2, 'median', 1.0, 0]]
    """
    rows = forecasts.rename(columns={"mean": "point_forecast"})
    rows["weeks_ahead"] = [
        weeks.weeks_between(weeks.parse_week_label(a), weeks.parse_week_label(w))
        for a, w in zip(rows["as_of_week"], rows["week"])
    ]
    rows["point_statistic"] = [POINT_STATISTIC[str(m)] for m in rows["model"]]
    rows["revision"] = 0
    return rows[LOG_COLUMNS].reset_index(drop=True)


def update_forecast_log(log: pd.DataFrame | None, new_rows: pd.DataFrame) -> pd.DataFrame:
    """The log with ``new_rows`` added as history (see the module docstring for the three cases).

    >>> new = pd.DataFrame({"as_of_week": ["2025-W19"], "series": ["s"], "model": ["linear"], "revision": [0],
    ...     "fit_first_week": ["2025-W16"], "fit_last_week": ["2025-W19"], "fit_n_weeks": [4], "data_digest": ["d1"],
    ...     "week": ["2025-W20"], "weeks_ahead": [1], "point_statistic": ["mean"], "point_forecast": [5.0],
    ...     "pi95_low": [4.0], "pi95_high": [6.0]})
    >>> once = update_forecast_log(None, new)
    >>> update_forecast_log(once, new.assign(point_forecast=9.0)).equals(once)  # same data: nothing replaced
    True
    >>> revised = update_forecast_log(once, new.assign(data_digest="d2", point_forecast=5.5))
    >>> revised[["data_digest", "revision", "point_forecast"]].values.tolist()
    [['d1', 0, 5.0], ['d2', 1, 5.5]]
    """
    new_rows = new_rows.reindex(columns=LOG_COLUMNS)
    if log is None or log.empty:
        combined = new_rows.copy()
    else:
        log = log.reindex(columns=LOG_COLUMNS)
        parts = [log]
        for key, rows in new_rows.groupby(LOG_KEY, sort=False):
            mine = (log[LOG_KEY].astype(str) == pd.Series(key, index=LOG_KEY).astype(str)).all(axis=1)
            digests = log.loc[mine, "data_digest"]
            legacy = mine & digests.reindex(log.index).isna()
            if legacy.any():  # written before the log kept digests: replaced
                parts[0] = parts[0][~legacy.reindex(parts[0].index, fill_value=False)]
                mine = mine & ~legacy
                digests = log.loc[mine, "data_digest"]
            if mine.any() and (digests.astype(str) == str(rows["data_digest"].iloc[0])).any():
                continue  # this vintage on these data is already logged: the first rows stand
            revision = int(log.loc[mine, "revision"].max()) + 1 if mine.any() else 0
            parts.append(rows.assign(revision=revision))
        combined = pd.concat(parts, ignore_index=True)
    combined = combined[LOG_COLUMNS].sort_values(["series", "model", "as_of_week", "revision", "week"], kind="mergesort")
    return combined.astype({"revision": "Int64", "fit_n_weeks": "Int64"}).reset_index(drop=True)


def score_forecasts(forecasts: pd.DataFrame, weekly_sales: pd.DataFrame, point: str = "mean") -> pd.DataFrame:
    """Each forecast (``series, week, <point>, pi95_low, pi95_high``) with its week's ``actual``, ``error`` and ``outcome``.

    ``point`` names the point-forecast column (``"point_forecast"`` in the forecast log).

    The one scorer: notebook 03 scores the forecast log with it, notebook 07
    the article's vintage (:func:`helpers.models.what_happened.article_vintage_scorecard`).
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
    scored["error"] = scored["actual"] - scored[point]
    outcome = [NO_ACTUAL if not has else INSIDE if ok else OUTSIDE for has, ok in zip(has_actual, inside)]
    scored["outcome"] = pd.array(outcome, dtype="string")
    return scored


def read_forecast_log(path: Path) -> pd.DataFrame | None:
    """The log on disk, or ``None`` before the first run."""
    if not path.is_file():
        return None
    text = {"as_of_week", "series", "model", "week", "fit_first_week", "fit_last_week", "data_digest", "point_statistic"}
    return pd.read_csv(path, dtype={c: "string" for c in text})


def record_forecasts(forecasts: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Add this run's forecasts to the log on disk (atomically); return the whole log."""
    from helpers import catalog
    from helpers.atomic import write_csv_atomic
    from helpers.formatting import round_frame

    path = path or catalog.path("trend.forecast_log")
    log = update_forecast_log(read_forecast_log(path), round_frame(log_rows(forecasts)))
    write_csv_atomic(path, log)
    return log

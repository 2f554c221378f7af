"""What happened next: the article's numbers set beside figures published after it.

The article (May 2025) argued from four weekly figures, 2025-W16..W19.  Later
pages give more weeks (sparse: most weeks have no figure) and monthly
deliveries, many only as lower bounds ("more than
28,000"), some in conflict.  The functions here put the article's trend, its
decline and its claims beside those later numbers without filling any gap:

* a week without a figure stays missing: never zero, never interpolated;
* a lower bound stays a lower bound ("at least"), and is never averaged with
  an exact figure;
* they return numbers and weeks, no sentence: :mod:`helpers.narrative.what_happened`
  words them, saying no more than sparse weeks allow.

Everything is a pure function of the tables passed in, except
:func:`write_what_happened_outputs`, the one writer.

>>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200,
...                            "2025-W22": 7800}, "xiaomi_su7")
>>> status = decline_status(sales, article_weeks_df=sales.iloc[:4])
>>> status["n_declines"], status["later_week"], status["later_above_last_week"], status["missing_between"]
(3, '2025-W22', True, ['2025-W20', '2025-W21'])
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.formatting import (
    number,
    plain,
    plural,
    round_float,
    round_frame,
    rounded,
    week_span,
)
from helpers.data.clean import ARTICLE_SOURCE_ID, article_weeks
from helpers.models import totals
from helpers.models.scorecard import INSIDE, NO_ACTUAL, OUTSIDE, score_forecasts
from helpers.models.trend import (
    DEFAULT_WINDOW_WEEKS,
    fit_weekly_trend,
    forecast_weekly_trend,
    select_window,
)

__all__ = [
    "ARTICLE_VINTAGE",
    "ARTICLE_MONTH",
    "BOUNDS",
    "observed_weeks",
    "article_vintage_scorecard",
    "scorecard_summary",
    "one_score_per_week",
    "decline_status",
    "later_weeks_summary",
    "monthly_range",
    "ruled_out_keys",
    "capacity_multiples",
    "what_happened_tables",
    "write_what_happened_outputs",
]

#: The article's vintage: the last week of data it saw (its figures run 2025-W16..W19).
ARTICLE_VINTAGE = "2025-W19"
#: The month of the article's monthly sales figure (4月 = April 2025), used only
#: when no figures table is passed to :func:`helpers.claims.later_rules.later_evidence`.
ARTICLE_MONTH = "2025-04"


#: The ``bound`` vocabulary of the monthly figures (data/README.md).
BOUNDS = ("exact", "lower", "upper", "approximate")

#: The CSV files written, by table name.
LATER_CSV = {
    "scorecard": "scorecard.csv",
    "monthly_range": "monthly_range.csv",
    "later_weeks": "later_weeks.csv",
    "claims_later": "claims_later.csv",
    "quarterly_reconciliation": "quarterly_reconciliation.csv",
    "weekly_against_monthly": "weekly_against_monthly.csv",
    "period_remainders": "period_remainders.csv",
}


# --------------------------------------------------------------------------- small helpers


def _as_pair(week: Any) -> tuple[int, int]:
    if isinstance(week, str):
        return weeks.parse_week_label(week)
    if isinstance(week, tuple) and len(week) == 2:
        pair = (int(week[0]), int(week[1]))
        weeks.week_label(*pair)
        return pair
    raise TypeError(f"expected a week label such as '2025-W19' or an (iso_year, iso_week) pair, got {week!r}")


def observed_weeks(frame: pd.DataFrame, series: str | None = None) -> pd.DataFrame:
    """The rows of ``series`` with a figure, one per week, sorted: ``week, iso_year, iso_week, units, source_id, derivation``.

    ``units`` are float64; ``source_id`` and ``derivation`` are empty strings
    when the frame has no such column.  A week entered twice is an error.

    >>> observed_weeks(weekly_sales_from({"2025-W17": 7000, "2025-W16": 7200}), "example")["week"].tolist()
    ['2025-W16', '2025-W17']
    """
    missing = [c for c in ("iso_year", "iso_week", "units") if c not in frame.columns]
    if missing:
        raise ValueError(f"weekly sales lack the column(s) {', '.join(missing)}")
    rows = frame[frame["units"].notna()]
    if series is not None and "series" in rows.columns:
        rows = rows[rows["series"].astype(str) == series]
    pairs = [(int(y), int(w)) for y, w in zip(rows["iso_year"], rows["iso_week"])]
    doubled = sorted(p for p, k in Counter(pairs).items() if k > 1)
    if doubled:
        raise ValueError(
            f"series {series!r}: more than one row for {', '.join(weeks.week_label(*p) for p in doubled)}; "
            "expected one row per week"
        )

    def text(column: str) -> pd.arrays.StringArray:
        values = rows[column].astype(str).tolist() if column in rows.columns else [""] * len(rows)
        return pd.array(values, dtype="string")

    out = pd.DataFrame({
        "week": pd.array([weeks.week_label(*p) for p in pairs], dtype="string"),
        "iso_year": np.array([p[0] for p in pairs], dtype="int64"),
        "iso_week": np.array([p[1] for p in pairs], dtype="int64"),
        "units": rows["units"].to_numpy(dtype="float64"),
        "source_id": text("source_id"),
        "derivation": text("derivation"),
    })
    return out.sort_values(["iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)


def _pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(y), int(w)) for y, w in zip(frame["iso_year"], frame["iso_week"])]


# --------------------------------------------------------------------------- 1. the article's vintage, scored

#: Columns of :func:`article_vintage_scorecard`, in order.
SCORECARD_COLUMNS = (
    "series", "model", "vintage", "week", "weeks_ahead", "mean", "pi95_low", "pi95_high", "actual", "error",
    "outcome", "n_weeks", "first_week", "last_week",
)


def article_vintage_scorecard(
    weekly_sales: pd.DataFrame,
    series: str = "xiaomi_su7",
    through_week: str | tuple[int, int] = ARTICLE_VINTAGE,
    model: str = "linear",
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
) -> pd.DataFrame:
    """The trend the article's data gave, carried forward and set against the weeks that followed.

    The fit is made exactly as notebook 03 makes it with ``through_week``
    (:func:`helpers.models.trend.select_window` with the default 12-week window, then
    :func:`helpers.models.trend.fit_weekly_trend`): rows after ``through_week`` are
    ignored, earlier weeks in the window are used whatever their source.  The
    forecast runs from the week after ``through_week`` to the newest week of
    ``series`` with a figure (at least one week).  One row per forecast week:

    * ``weeks_ahead``: weeks after ``through_week`` (the vintage);
    * ``mean``, ``pi95_low``, ``pi95_high``: the forecast and its 95% prediction interval;
    * ``actual``: that week's units, NaN when the week has no figure (a missing
      week stays missing); ``error`` = actual − mean;
    * ``outcome``: ``inside`` / ``outside`` the interval (bounds included), or ``no actual``;
    * ``n_weeks``, ``first_week``, ``last_week``: the weeks the fit saw.

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200,
    ...                            "2025-W21": 3800, "2025-W22": 9000}, "xiaomi_su7")
    >>> scored = article_vintage_scorecard(sales)
    >>> scored[["week", "weeks_ahead", "mean", "actual", "outcome"]].round(1).values.tolist()
    [['2025-W20', 1, 4450.0, nan, 'no actual'], ['2025-W21', 2, 3720.0, 3800.0, 'inside'], ['2025-W22', 3, 2990.0, 9000.0, 'outside']]
    >>> scored[["n_weeks", "first_week", "last_week"]].values.tolist()[0]
    [4, '2025-W16', '2025-W19']
    """
    window = select_window(weekly_sales, series, through_week, window_weeks)
    fit = fit_weekly_trend(window, model)
    vintage = _as_pair(through_week) if through_week is not None else weeks.parse_week_label(fit.last_week)
    observed = observed_weeks(weekly_sales, series)
    newest = max(_pairs(observed))
    end = max(newest, weeks.add_weeks(vintage, 1))
    last_fitted = weeks.parse_week_label(fit.last_week)
    forecast = forecast_weekly_trend(fit, weeks.weeks_between(last_fitted, end))
    forecast = forecast[[p > vintage for p in _pairs(forecast)]].reset_index(drop=True)

    scored = score_forecasts(forecast.assign(series=series), observed.assign(series=series))
    actual = scored["actual"].to_numpy(dtype="float64")
    low = forecast["pi95_low"].to_numpy(dtype="float64")
    high = forecast["pi95_high"].to_numpy(dtype="float64")
    outcome = scored["outcome"].to_numpy(dtype=object)
    n = len(forecast)
    table = pd.DataFrame({
        "series": pd.array([series] * n, dtype="string"),
        "model": pd.array([model] * n, dtype="string"),
        "vintage": pd.array([weeks.week_label(*vintage)] * n, dtype="string"),
        "week": pd.array(forecast["week"].tolist(), dtype="string"),
        "weeks_ahead": np.array([weeks.weeks_between(vintage, p) for p in _pairs(forecast)], dtype="int64"),
        "mean": forecast["mean"].to_numpy(dtype="float64"),
        "pi95_low": low,
        "pi95_high": high,
        "actual": actual,
        "error": actual - forecast["mean"].to_numpy(dtype="float64"),
        "outcome": pd.array(outcome.tolist(), dtype="string"),
        "n_weeks": np.full(n, fit.n_weeks, dtype="int64"),
        "first_week": pd.array([fit.first_week] * n, dtype="string"),
        "last_week": pd.array([fit.last_week] * n, dtype="string"),
    })
    return table[list(SCORECARD_COLUMNS)]


def one_score_per_week(scored: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with each (week, model) once: one fit's scores, a repeated row dropped.

    A summary is of one fit (one series, model and vintage): a table that holds
    several is refused rather than counting one week twice, once per model.  A
    week repeated with the same score is kept once; repeated with another score,
    refused.

    >>> card = pd.DataFrame({"series": ["s"] * 3, "model": ["linear"] * 3, "vintage": ["2025-W19"] * 3,
    ...                      "week": ["2025-W20", "2025-W20", "2025-W21"], "mean": [1.0, 1.0, 2.0],
    ...                      "actual": [1.0, 1.0, None], "outcome": ["inside", "inside", "no actual"]})
    >>> one_score_per_week(card)["week"].tolist()
    ['2025-W20', '2025-W21']
    >>> one_score_per_week(card.assign(model=["linear", "log", "linear"]))
    Traceback (most recent call last):
    ...
    ValueError: a scorecard summary is of one fit; this one holds 2 (series, model, vintage): ('s', 'linear', '2025-W19'), ('s', 'log', '2025-W19'): summarise each apart
    """
    fits = list(dict.fromkeys(zip(scored["series"].astype(str), scored["model"].astype(str), scored["vintage"].astype(str))))
    if len(fits) > 1:
        raise ValueError(f"a scorecard summary is of one fit; this one holds {len(fits)} (series, model, vintage): "
                         f"{', '.join(map(str, fits))}: summarise each apart")
    columns = [c for c in ("week", "mean", "actual", "outcome") if c in scored.columns]
    unique = scored.drop_duplicates(subset=columns)
    repeated = unique["week"][unique["week"].duplicated()].astype(str).tolist()
    if repeated:
        raise ValueError(f"week(s) {', '.join(dict.fromkeys(repeated))} scored more than once with different scores")
    return unique.reset_index(drop=True)


def scorecard_summary(scored: pd.DataFrame) -> dict[str, Any]:
    """The scorecard as plain, rounded values: how many weeks were scored, inside, outside, missing.

    ``n_scored`` counts the forecast weeks with an actual figure; ``n_missing``
    those without; each (week, model) once (:func:`one_score_per_week`: a
    table of several fits is refused).  Floats go through :func:`helpers.models.trend.round_float`.

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200,
    ...                            "2025-W21": 3800}, "xiaomi_su7")
    >>> summary = scorecard_summary(article_vintage_scorecard(sales))
    >>> [summary[k] for k in ("n_forecast", "n_scored", "n_inside", "n_outside", "n_missing", "weeks_inside", "weeks_missing")]
    [2, 1, 1, 0, 1, ['2025-W21'], ['2025-W20']]
    >>> summary["weeks"][1]
    {'week': '2025-W21', 'weeks_ahead': 2, 'mean': 3720.0, 'pi95': [1083.243, 6356.757], 'actual': 3800.0, 'outcome': 'inside'}
    """
    if scored.empty:
        raise ValueError("the scorecard has no rows")
    scored = one_score_per_week(scored)
    outcome = scored["outcome"].astype(str)
    first = scored.iloc[0]

    def listed(kind: str) -> list[str]:
        return [str(w) for w in scored.loc[outcome == kind, "week"]]

    return {
        "series": str(first["series"]),
        "model": str(first["model"]),
        "vintage": str(first["vintage"]),
        "fit_first_week": str(first["first_week"]),
        "fit_last_week": str(first["last_week"]),
        "fit_n_weeks": int(first["n_weeks"]),
        "n_forecast": int(len(scored)),
        "n_scored": int((outcome != NO_ACTUAL).sum()),
        "n_inside": int((outcome == INSIDE).sum()),
        "n_outside": int((outcome == OUTSIDE).sum()),
        "n_missing": int((outcome == NO_ACTUAL).sum()),
        "weeks_inside": listed(INSIDE),
        "weeks_outside": listed(OUTSIDE),
        "weeks_missing": listed(NO_ACTUAL),
        "weeks": [
            {
                "week": str(row.week),
                "weeks_ahead": int(row.weeks_ahead),
                "mean": round_float(row.mean),
                "pi95": [round_float(row.pi95_low), round_float(row.pi95_high)],
                "actual": round_float(row.actual),
                "outcome": str(row.outcome),
            }
            for row in scored.itertuples(index=False)
        ],
    }


# --------------------------------------------------------------------------- 2. the decline, and what came next


def _declines_ending_at_last(pairs: list[tuple[int, int]], units: list[float]) -> int:
    """How many consecutive week-on-week falls end at the last week (a gap in the weeks ends the run).

    >>> _declines_ending_at_last([(2025, 16), (2025, 17), (2025, 18)], [3, 2, 1])
    2
    >>> _declines_ending_at_last([(2025, 15), (2025, 17), (2025, 18)], [3, 2, 1])
    1
    """
    run = 0
    for i in range(len(units) - 1, 0, -1):
        if weeks.weeks_between(pairs[i - 1], pairs[i]) == 1 and units[i] < units[i - 1]:
            run += 1
        else:
            break
    return run


def decline_status(
    weekly_sales: pd.DataFrame,
    series: str = "xiaomi_su7",
    article_weeks_df: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The article's run of weekly declines and the first later week, as numbers and weeks (the words are
    :func:`helpers.narrative.what_happened.decline_conclusion`'s).

    ``article_weeks_df`` holds the article's own weeks (default:
    :func:`helpers.data.clean.article_weeks` of ``weekly_sales``, the rows whose
    source is the article).  The run counts consecutive week-on-week falls that
    end at the article's last week (weeks must be adjacent: a gap ends the
    run).  Later weeks are the weeks of ``series`` in ``weekly_sales`` after the
    article's last week that have a figure.

    Keys: ``series``, ``article_weeks``, ``article_last_week``,
    ``article_last_units``, ``n_declines``, ``decline_first_week``,
    ``decline_last_week``, ``decline_units`` (from the week before the first
    fall to the last week), ``later_week`` and ``later_units`` (the first later
    week with a figure, or ``None``), ``weeks_later`` (weeks from the article's
    last week to it), ``later_above_last_week``, ``later_above_whole_decline``,
    ``n_missing_between`` and ``missing_between`` (the weeks in between with no
    figure), ``n_later_weeks``, ``n_later_below_in_a_row`` (later weeks with a
    figure, from the first, that are all below the article's last week),
    ``first_later_week_above``/``_units`` (the first later week above the
    article's last week), ``later_low_week``/``_units`` (the lowest later
    week) and ``newest_week`` (the newest week with a figure).

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200,
    ...                            "2025-W22": 7800, "2025-W23": 4370}, "xiaomi_su7")
    >>> status = decline_status(sales, article_weeks_df=sales.iloc[:4])
    >>> status["decline_units"], status["later_week"], status["weeks_later"], status["later_above_whole_decline"]
    ([7200, 7000, 5700, 5200], '2025-W22', 3, True)
    >>> status["later_low_week"], status["later_low_units"], status["newest_week"]
    ('2025-W23', 4370, '2025-W23')
    >>> decline_status(sales.iloc[:4], article_weeks_df=sales.iloc[:4])["later_week"] is None
    True
    """
    source = article_weeks(weekly_sales, series) if article_weeks_df is None else article_weeks_df
    article = observed_weeks(source, series)
    if article.empty:
        raise ValueError(f"series {series!r}: no article weeks with a figure")
    a_pairs, a_units = _pairs(article), article["units"].tolist()
    a_labels = article["week"].astype(str).tolist()
    last_pair, last_label, last_units = a_pairs[-1], a_labels[-1], a_units[-1]
    n = _declines_ending_at_last(a_pairs, a_units)
    run_labels, run_units = a_labels[len(a_labels) - 1 - n:], a_units[len(a_units) - 1 - n:]

    observed = observed_weeks(weekly_sales, series)
    later = observed[[p > last_pair for p in _pairs(observed)]].reset_index(drop=True)
    l_labels, l_units = later["week"].astype(str).tolist(), later["units"].tolist()
    rows = weekly_sales[weekly_sales["series"].astype(str) == series]
    measures = sorted(set(rows["measure"].dropna().astype(str))) if "measure" in rows.columns else []
    status: dict[str, Any] = {
        "series": series,
        "measure": "; ".join(measures) or None,
        "article_weeks": a_labels,
        "article_last_week": last_label,
        "article_last_units": plain(last_units),
        "n_declines": n,
        "decline_first_week": run_labels[0] if n else None,
        "decline_last_week": last_label if n else None,
        "decline_units": [plain(u) for u in run_units] if n else [],
        "article_previous_week": a_labels[-2] if len(a_labels) > 1 else None,
        "article_previous_units": plain(a_units[-2]) if len(a_units) > 1 else None,
        "later_week": None, "later_units": None, "weeks_later": None,
        "later_above_last_week": None, "later_above_whole_decline": None,
        "n_missing_between": None, "missing_between": [],
        "n_later_weeks": len(l_labels), "n_later_below_in_a_row": 0,
        "later_weeks_below_in_a_row": [],
        "first_later_week_above": None, "first_later_week_above_units": None,
        "later_low_week": None, "later_low_units": None,
        "newest_week": l_labels[-1] if l_labels else last_label,
    }
    if l_labels:
        first_pair = weeks.parse_week_label(l_labels[0])
        gap = [weeks.week_label(*p) for p in weeks.week_range(weeks.add_weeks(last_pair, 1), first_pair)][:-1]
        below = []
        for label, units in zip(l_labels, l_units):
            if units < last_units:
                below.append(label)
            else:
                break
        above = [(w, u) for w, u in zip(l_labels, l_units) if u > last_units]
        low = int(np.argmin(l_units))
        status.update({
            "later_week": l_labels[0],
            "later_units": plain(l_units[0]),
            "weeks_later": weeks.weeks_between(last_pair, first_pair),
            "later_above_last_week": bool(l_units[0] > last_units),
            "later_above_whole_decline": bool(l_units[0] > max(run_units)) if n else None,
            "n_missing_between": len(gap),
            "missing_between": gap,
            "n_later_below_in_a_row": len(below),
            "later_weeks_below_in_a_row": below,
            "first_later_week_above": above[0][0] if above else None,
            "first_later_week_above_units": plain(above[0][1]) if above else None,
            "later_low_week": l_labels[low],
            "later_low_units": plain(l_units[low]),
        })
    return status


#: Columns of :func:`later_weeks_summary`, in order.
LATER_WEEKS_COLUMNS = (
    "series", "after_week", "n_weeks", "weeks", "first_week", "last_week", "min", "min_week", "max", "max_week",
    "mean", "n_derived", "span_weeks", "n_missing", "longest_gap_weeks", "longest_gap",
)


def later_weeks_summary(weekly_sales: pd.DataFrame, after_week: str | tuple[int, int] | None = None) -> pd.DataFrame:
    """Per series: the weeks with figures after the article's last week, their range, and the gaps.

    ``after_week`` defaults to the newest week the article itself states (rows
    whose ``source_id`` is the article's).  ``mean`` is the mean of the weeks
    that have figures (missing weeks are not zeros).  ``span_weeks`` counts the
    calendar weeks from the week after ``after_week`` to the newest figure,
    ``n_missing`` those of them without a figure, and ``longest_gap_weeks`` the
    longest run of consecutive weeks without one (``longest_gap`` names it; the first of equal runs).
    ``n_derived`` counts rows with a ``derivation`` note (e.g. ``xiaomi_all``
    weeks repeated from ``xiaomi_su7``).

    >>> sales = weekly_sales_from({"2025-W19": 5200, "2025-W22": 7800, "2025-W23": 4370, "2025-W27": 4900})
    >>> table = later_weeks_summary(sales, after_week="2025-W19")
    >>> table[["n_weeks", "weeks", "min", "max", "span_weeks", "n_missing", "longest_gap_weeks", "longest_gap"]].astype(object).values.tolist()[0]
    [3, '2025-W22 2025-W23 2025-W27', 4370.0, 7800.0, 8, 5, 3, '2025-W24–W26']
    """
    if after_week is None:
        if "source_id" not in weekly_sales.columns:
            raise ValueError("weekly sales have no source_id column: pass after_week")
        own = weekly_sales[weekly_sales["source_id"].astype(str) == ARTICLE_SOURCE_ID]
        if own.empty:
            raise ValueError(f"no rows from the article ({ARTICLE_SOURCE_ID}): pass after_week")
        after = max(_pairs(own))
    else:
        after = _as_pair(after_week)
    rows = []
    for series in sorted(set(weekly_sales["series"].astype(str))):
        observed = observed_weeks(weekly_sales, series)
        later = observed[[p > after for p in _pairs(observed)]].reset_index(drop=True)
        row: dict[str, Any] = {"series": series, "after_week": weeks.week_label(*after), "n_weeks": len(later),
                               "weeks": " ".join(later["week"].astype(str))}
        if len(later):
            units = later["units"].to_numpy(dtype="float64")
            labels = later["week"].astype(str).tolist()
            every = [weeks.week_label(*p) for p in weeks.week_range(weeks.add_weeks(after, 1), _pairs(later)[-1])]
            have = set(labels)
            best, current = [], []
            for label in every:
                current = current + [label] if label not in have else []
                if len(current) > len(best):
                    best = current
            row.update({
                "first_week": labels[0], "last_week": labels[-1],
                "min": float(units.min()), "min_week": labels[int(units.argmin())],
                "max": float(units.max()), "max_week": labels[int(units.argmax())],
                "mean": float(units.mean()),
                "n_derived": int((later["derivation"].astype(str) != "").sum()),
                "span_weeks": len(every), "n_missing": len(every) - len(labels),
                "longest_gap_weeks": len(best),
                "longest_gap": week_span(best[0], best[-1]) if len(best) > 1 else (best[0] if best else ""),
            })
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(LATER_WEEKS_COLUMNS))
    table = table.astype({
        "series": "string", "after_week": "string", "n_weeks": "int64", "weeks": "string", "first_week": "string",
        "last_week": "string", "min": "float64", "min_week": "string", "max": "float64", "max_week": "string",
        "mean": "float64", "n_derived": "Int64", "span_weeks": "Int64", "n_missing": "Int64",
        "longest_gap_weeks": "Int64", "longest_gap": "string",
    })
    return table


# --------------------------------------------------------------------------- 3. monthly figures: what they say together

#: Columns of :func:`monthly_range`, in order.
MONTHLY_RANGE_COLUMNS = (
    "month", "series", "measures", "n_sources", "n_figures", "n_lower", "highest_lower", "n_upper", "lowest_upper",
    "n_exact", "exact_min", "exact_max", "exact_spread", "n_approximate", "reading_kind", "reading_low",
    "reading_high", "best_reading", "disagreement", "source_ids",
)


def _sources(frame: pd.DataFrame) -> list[str]:
    return sorted(set(frame["source_id"].astype(str))) if "source_id" in frame.columns else []


def _n_sources(frame: pd.DataFrame) -> int:
    return len(_sources(frame)) if "source_id" in frame.columns else len(frame)


def _month_row(label: str, group: pd.DataFrame, series: str) -> dict[str, Any]:
    bound = group["bound"].astype(str)
    lower, upper = group[bound == "lower"], group[bound == "upper"]
    exact, approx = group[bound == "exact"], group[bound == "approximate"]
    lo_bound = float(lower["units"].max()) if len(lower) else np.nan
    hi_bound = float(upper["units"].min()) if len(upper) else np.nan
    values = sorted(float(v) for v in exact["units"])
    binding_lower = lower[lower["units"].astype(float) == lo_bound]
    binding_upper = upper[upper["units"].astype(float) == hi_bound]
    below = exact[exact["units"].astype(float) < lo_bound] if len(lower) else exact.iloc[0:0]
    above = exact[exact["units"].astype(float) > hi_bound] if len(upper) else exact.iloc[0:0]
    clash = bool(len(lower) and len(upper) and lo_bound > hi_bound)
    measures = sorted(set(group["measure"].astype(str))) if "measure" in group.columns else []

    def srcs(frame: pd.DataFrame) -> str:
        return plural(_n_sources(frame), "source")

    notes: list[str] = []
    for value in sorted(set(below["units"].astype(float))):
        rows = below[below["units"].astype(float) == value]
        notes.append(f"exact {number(value)} ({srcs(rows)}) contradicts the lower bound 'at least {number(lo_bound)}' "
                     f"({srcs(binding_lower)}): {number(lo_bound - value)} below it, so they cannot both be right")
    for value in sorted(set(above["units"].astype(float))):
        rows = above[above["units"].astype(float) == value]
        notes.append(f"exact {number(value)} ({srcs(rows)}) contradicts the upper bound 'at most {number(hi_bound)}' "
                     f"({srcs(binding_upper)}): {number(value - hi_bound)} above it, so they cannot both be right")
    if clash:
        notes.append(f"the lower bound {number(lo_bound)} is above the upper bound {number(hi_bound)}: they cannot both be right")
    if len(set(values)) > 1:
        exact_measures = sorted(set(exact["measure"].astype(str))) if "measure" in exact.columns else []
        share = 100 * (values[-1] - values[0]) / values[0]
        share_text = f"{number(share, 1)}%" if share >= 0.05 else "less than 0.1%"
        note = (f"exact figures differ by {number(values[-1] - values[0])} ({number(values[0])} to {number(values[-1])}, "
                f"{share_text} of the lower)")
        if len(exact_measures) > 1:
            note += f" and count different measures ({', '.join(exact_measures)})"
        notes.append(note)
    elif len(exact) > 1:
        notes.append(f"{len(exact)} exact figures agree ({number(values[0])})")
    if len(lower) and values and not len(below):
        if len(set(values)) == 1:
            relation = "equals" if values[0] == lo_bound else "is above"
            notes.append(f"the exact {number(values[0])} {relation} the lower bound {number(lo_bound)}: consistent ('at least')")
        else:
            notes.append(f"every exact figure is at or above the lower bound {number(lo_bound)}: consistent ('at least')")
    if len(set(lower["units"].astype(float))) > 1:
        lows = sorted(set(lower["units"].astype(float)))
        notes.append(f"lower bounds range from {number(lows[0])} to {number(lows[-1])}; the highest binds")
    if len(approx):
        notes.append(f"approximate figures ({', '.join(number(v) for v in sorted(approx['units'].astype(float)))}) "
                     "are listed, not used in the reading")
    disagreement = "; ".join(notes) if notes else ("one figure" if len(group) == 1 else "no disagreement")

    if len(below) or len(above) or clash:
        kind = "contradictory"
        lows = values + lower["units"].astype(float).tolist()
        reading_low = min(lows) if lows else np.nan
        highs = values + upper["units"].astype(float).tolist()
        reading_high = np.nan if len(lower) or not highs else max(highs)
        what = notes[0].split(":")[0]
        text = f"contradictory: {what}"
        if not np.isnan(reading_low):
            text += f"; whichever is right, at least {number(reading_low)}"
    elif values:
        reading_low, reading_high = values[0], values[-1]
        if len(set(values)) == 1:
            kind, text = "exact", f"{number(values[0])} (exact, {srcs(exact)})"
        else:
            kind, text = "exact range", f"between {number(values[0])} and {number(values[-1])} (exact figures disagree, {srcs(exact)})"
    elif len(lower) and len(upper):
        kind, reading_low, reading_high = "bounded", lo_bound, hi_bound
        text = f"between {number(lo_bound)} and {number(hi_bound)} (bounds only, {srcs(group)})"
    elif len(lower):
        kind, reading_low, reading_high = "lower bound", lo_bound, np.nan
        text = f"at least {number(lo_bound)} ({srcs(binding_lower)})"
    elif len(upper):
        kind, reading_low, reading_high = "upper bound", np.nan, hi_bound
        text = f"at most {number(hi_bound)} ({srcs(binding_upper)})"
    else:
        approx_values = sorted(approx["units"].astype(float))
        kind, reading_low, reading_high = "approximate", approx_values[0], approx_values[-1]
        text = (f"about {number(approx_values[0])}" if approx_values[0] == approx_values[-1]
                else f"about {number(approx_values[0])} to {number(approx_values[-1])}") + f" ({srcs(approx)})"

    return {
        "month": label, "series": series, "measures": "; ".join(measures), "n_sources": _n_sources(group),
        "n_figures": len(group), "n_lower": len(lower), "highest_lower": lo_bound, "n_upper": len(upper),
        "lowest_upper": hi_bound, "n_exact": len(exact),
        "exact_min": values[0] if values else np.nan, "exact_max": values[-1] if values else np.nan,
        "exact_spread": values[-1] - values[0] if values else np.nan, "n_approximate": len(approx),
        "reading_kind": kind, "reading_low": reading_low, "reading_high": reading_high, "best_reading": text,
        "disagreement": disagreement, "source_ids": "; ".join(_sources(group)),
    }


def monthly_range(monthly_deliveries: pd.DataFrame, series: str = "xiaomi_all", measure: str | None = None) -> pd.DataFrame:
    """One row per month: what the sources say together, bounds kept as bounds.

    ``measure`` picks one measure (``deliveries``, ``retail_sales``); ``None``
    pools every measure of ``series`` (``measures`` lists them).  Per month:
    how many sources and figures; the highest lower bound (the one that binds),
    the lowest upper bound; the exact figures' min, max and spread; and

    * ``reading_kind``/``best_reading``: ``exact`` (one value: "25,459 (exact,
      1 source)"), ``exact range`` (exact figures that differ: "between 30,000
      and 30,452"), ``lower bound`` ("at least 28,000"), ``upper bound``,
      ``bounded``, ``approximate``, or ``contradictory`` when an exact figure
      falls outside a bound (then only what every source implies is kept: at
      least the lowest figure any of them gives);
    * ``reading_low``/``reading_high``: the reading as numbers (``high`` NaN
      when open-ended);
    * ``disagreement``: how the figures disagree, in words.

    A bound is never averaged with an exact figure; exact figures are never
    averaged with each other either.  An exact figure equal to a lower bound is
    consistent with it (bounds are read as "at least").

    >>> m = pd.DataFrame({"year": [2025] * 4, "month": [6, 6, 7, 7], "series": ["xiaomi_all"] * 4,
    ...                   "measure": ["deliveries"] * 4, "units": [25000, 25459, 30000, 29000],
    ...                   "bound": ["lower", "exact", "lower", "exact"], "source_id": ["a", "b", "c", "d"]})
    >>> table = monthly_range(m)
    >>> table["best_reading"].tolist()
    ['25,459 (exact, 1 source)', "contradictory: exact 29,000 (1 source) contradicts the lower bound 'at least 30,000' (1 source); whichever is right, at least 29,000"]
    >>> print(table["disagreement"].iloc[0])
    the exact 25,459 is above the lower bound 25,000: consistent ('at least')
    """
    missing = [c for c in ("year", "month", "series", "units", "bound") if c not in monthly_deliveries.columns]
    if missing:
        raise ValueError(f"monthly deliveries lack the column(s) {', '.join(missing)}")
    table = monthly_deliveries[monthly_deliveries["series"].astype(str) == series]
    if measure is not None:
        table = table[table["measure"].astype(str) == measure]
    unknown = sorted(set(table["bound"].astype(str)) - set(BOUNDS))
    if unknown:
        raise ValueError(f"unknown bound(s) {', '.join(map(repr, unknown))}: expected one of {', '.join(BOUNDS)}")
    table = table[table["units"].notna()]
    rows = []
    for (year, month), group in table.groupby(["year", "month"], sort=True):
        rows.append(_month_row(f"{int(year):04d}-{int(month):02d}", group, series))
    out = pd.DataFrame(rows, columns=list(MONTHLY_RANGE_COLUMNS))
    text = ["month", "series", "measures", "reading_kind", "best_reading", "disagreement", "source_ids"]
    counts = ["n_sources", "n_figures", "n_lower", "n_upper", "n_exact", "n_approximate"]
    floats = [c for c in MONTHLY_RANGE_COLUMNS if c not in text and c not in counts]
    return out.astype({**{c: "string" for c in text}, **{c: "int64" for c in counts}, **{c: "float64" for c in floats}})


def ruled_out_keys(reconciliation: pd.DataFrame | None) -> set[tuple[str, str, float]]:
    """(month ``YYYY-MM``, source_id, units) of every monthly figure the quarterly totals rule out
    (``fits_official_total`` false in :func:`helpers.models.totals.quarterly_reconciliation`)."""
    if reconciliation is None or reconciliation.empty:
        return set()
    fits = reconciliation["fits_official_total"].astype(str).str.lower()
    out = reconciliation[fits.isin(["false", "0"])]
    return {(f"{int(y):04d}-{int(m):02d}", str(sid), float(u))
            for y, m, sid, u in zip(out["year"], out["month"], out["source_id"], out["units"])}


def _multiples(lows: pd.DataFrame, actual: pd.Series, design: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each month's lowest reading, per week, as multiples of the "actual" and the design capacity."""
    import calendar

    days = np.array([calendar.monthrange(int(m[:4]), int(m[5:7]))[1] for m in lows["month"]], dtype=float)
    per_week = lows["reading_low"].to_numpy(dtype=float) / (days / 7)
    return per_week / float(actual["per_week_mid"]), per_week / float(design["per_week_mid"])


def capacity_multiples(monthly_deliveries: pd.DataFrame, figures: pd.DataFrame, events: pd.DataFrame | None = None,
                       series: str = "xiaomi_all", reconciliation: pd.DataFrame | None = None) -> dict[str, Any]:
    """Each month's lowest reading (:func:`monthly_range` of the figures of ``series`` the quarterly totals do not
    rule out, :func:`ruled_out_keys`), per week, as a multiple of the article's "actual" and design capacities.

    The months before the second model's first deliveries (``events``; the SU7 alone) are apart from the brand
    months from then on.  Returns ``scope`` (``"su7"``: the months before; ``"brand"``: no date for the second
    model, every month; ``"yu7"``: every month already counts it), ``first_month``/``last_month`` and
    ``low``/``high`` (multiples of the actual capacity) and ``design_low``/``design_high`` of those months, and
    ``brand``: ``None`` or the same four keys but the design ones for the brand months after them.
    """
    from helpers.data.clean import SECOND_MODEL_EVENT, figure_row
    from helpers.data.roles import FIGURE

    table = monthly_deliveries[monthly_deliveries["units"].notna()].copy()
    table["label"] = [f"{int(y):04d}-{int(m):02d}" for y, m in zip(table["year"], table["month"])]
    banned = ruled_out_keys(reconciliation)
    ruled = [(lab, str(sid), float(u)) in banned for lab, sid, u in zip(table["label"], table["source_id"], table["units"])]
    shown = table[(table["series"].astype(str) == series) & ~np.array(ruled, dtype=bool)]
    if shown.empty:
        raise ValueError(f"monthly_deliveries hold no figures of {series!r}")
    actual, design = figure_row(figures, FIGURE.actual_capacity), figure_row(figures, FIGURE.design_capacity)
    readings = monthly_range(shown, series)
    lows = readings[readings["reading_low"].notna()].reset_index(drop=True)
    if lows.empty:
        raise ValueError(f"no monthly reading of {series!r} to compare with the capacities")
    brand_from = None  # the first month whose brand total counts the second model
    if events is not None and "event_id" in events.columns:
        rows = events[(events["event_id"].astype(str) == SECOND_MODEL_EVENT) & (events["date_precision"].astype(str) == "day")]
        if len(rows):
            brand_from = str(rows.iloc[0]["date_start"])[:7]
    if brand_from is not None:
        single = lows[lows["month"].astype(str) < brand_from].reset_index(drop=True)
        brand = lows[lows["month"].astype(str) >= brand_from].reset_index(drop=True)
    else:
        single, brand = lows, lows.iloc[0:0]
    scope = "su7" if brand_from is not None else "brand"
    if single.empty:  # every month with a reading already counts the second model
        single, brand, scope = brand, brand.iloc[0:0], "yu7"
    ratios, ratios_design = _multiples(single, actual, design)
    out: dict[str, Any] = {"scope": scope, "first_month": str(single["month"].iloc[0]),
                           "last_month": str(single["month"].iloc[-1]), "low": float(ratios.min()),
                           "high": float(ratios.max()), "design_low": float(ratios_design.min()),
                           "design_high": float(ratios_design.max()), "brand": None}
    if len(brand):
        b_ratios = _multiples(brand, actual, design)[0]
        out["brand"] = {"first_month": str(brand["month"].iloc[0]), "last_month": str(brand["month"].iloc[-1]),
                        "low": float(b_ratios.min()), "high": float(b_ratios.max())}
    return out


# --------------------------------------------------------------------------- 5. all tables, and the writer


def what_happened_tables(
    weekly_sales: pd.DataFrame,
    monthly_deliveries: pd.DataFrame,
    claims_later: pd.DataFrame,
    quarterly_deliveries: pd.DataFrame | None = None,
    series: str = "xiaomi_su7",
    period_totals: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Every output of notebook 07, by name, ready for :func:`write_what_happened_outputs`.

    ``scorecard`` (:func:`article_vintage_scorecard` of ``series``),
    ``monthly_range`` (every series, measures pooled), ``later_weeks``,
    ``claims_later`` (as given: :func:`helpers.claims.later_rules.later_evidence`,
    which judges the claims one layer up), ``quarterly_reconciliation``
    (:func:`helpers.models.totals.quarterly_reconciliation`, empty without
    ``quarterly_deliveries``), ``weekly_against_monthly``
    (:func:`helpers.models.totals.weekly_against_monthly` of the monthly
    figures the official totals do not rule out), ``period_remainders``
    (:func:`helpers.models.totals.period_remainders` of ``period_totals``, empty
    without them) and ``decline_status`` (a dict).
    """
    ranges = [monthly_range(monthly_deliveries, s) for s in sorted(set(monthly_deliveries["series"].astype(str)))]
    reconciliation = (totals.quarterly_reconciliation(monthly_deliveries, quarterly_deliveries)
                      if quarterly_deliveries is not None else pd.DataFrame(columns=list(totals.RECONCILIATION_COLUMNS)))
    return {
        "scorecard": article_vintage_scorecard(weekly_sales, series),
        "monthly_range": pd.concat(ranges, ignore_index=True) if ranges else monthly_range(monthly_deliveries),
        "later_weeks": later_weeks_summary(weekly_sales),
        "claims_later": claims_later,
        "quarterly_reconciliation": reconciliation,
        "weekly_against_monthly": totals.weekly_against_monthly(
            weekly_sales, totals.without_ruled_out(monthly_deliveries, reconciliation)),
        "period_remainders": totals.period_remainders(
            period_totals, quarterly_deliveries, totals.without_ruled_out(monthly_deliveries, reconciliation))
        if period_totals is not None and quarterly_deliveries is not None
        else pd.DataFrame(columns=list(totals.PERIOD_REMAINDER_COLUMNS)),
        "decline_status": decline_status(weekly_sales, series),
    }


def write_what_happened_outputs(tables: Mapping[str, Any], folder: Path | str | None = None) -> list[str]:
    """Write the later-evidence outputs atomically; return their paths relative to the project root.

    ``tables`` is what :func:`what_happened_tables` returns: the frames ``scorecard``,
    ``monthly_range``, ``later_weeks`` and ``claims_later`` (written as CSV,
    floats through :func:`helpers.models.trend.round_frame`), and ``decline_status``
    (the dict of :func:`decline_status`).  ``summary.json`` holds the
    :func:`scorecard_summary` and the decline status, floats through
    :func:`helpers.models.trend.round_float`.  ``folder`` defaults to
    ``data/processed/what_happened``.
    """
    from helpers.atomic import write_csv_atomic, write_json_atomic
    from helpers import catalog
    from helpers.paths import relative_to_root

    needed = [*LATER_CSV, "decline_status"]
    missing = [name for name in needed if name not in tables]
    if missing:
        raise ValueError(f"write_what_happened_outputs needs the table(s) {', '.join(missing)} (make them with what_happened_tables())")
    out = Path(folder) if folder is not None else catalog.step_folder("07_what_happened")
    written = []
    for name, file in LATER_CSV.items():
        write_csv_atomic(out / file, round_frame(tables[name]))
        written.append(out / file)
    summary = {"scorecard": scorecard_summary(tables["scorecard"]), "decline_status": rounded(tables["decline_status"]),
               "reconciliation": totals.reconciliation_summary(tables["quarterly_reconciliation"])}
    write_json_atomic(out / "summary.json", summary)
    written.append(out / "summary.json")
    return [relative_to_root(p) for p in written]

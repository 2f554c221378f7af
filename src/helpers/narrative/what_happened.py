"""The sentences of notebook 07 (what happened next): the article's vintage scored, the later weeks, the sources' disagreements, the claims.

Each function takes what :mod:`helpers.models.what_happened` (and
:mod:`helpers.models.trend`) computed and says it in words, following that
module's rules: a week without a figure is **missing** (not scored, never zero),
a lower bound is "at least", and every count of weeks comes with its n (a small
sample is called one when n < :data:`helpers.models.trend.SMALL_SAMPLE_WEEKS`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

import pandas as pd

from helpers.claims import engine
from helpers.data import weeks
from helpers.data.clean import ARTICLE_SOURCE_ID, BRAND_SERIES, SU7_SERIES, figure_row, second_model_week
from helpers.data.roles import FIGURE
from helpers.formatting import (
    RIGHT_ARROW,
    count_word,
    format_day,
    format_month,
    measure_words,
    number,
    plural,
    week_list,
    week_span,
)
from helpers.labels import LANGUAGES, label, name_of
from helpers.models import scorecard, what_happened
from helpers.models.trend import SMALL_SAMPLE_WEEKS, TrendFit

__all__ = [
    "data_sentence",
    "scorecard_table",
    "scorecard_sentence",
    "scorecard_headline",
    "sensitivity_sentence",
    "decline_conclusion",
    "with_conclusion",
    "decline_sentence",
    "coverage_sentences",
    "weekly_disagreements_sentence",
    "monthly_ranges_sentence",
    "claims_sentence",
    "reconciliation_sentences",
    "weekly_against_monthly_sentences",
    "reconciliation_headline",
    "period_remainder_sentences",
    "later_weekly_titles",
    "capacity_words",
    "ratio_text",
    "monthly_titles",
    "vintage_titles",
]


def _small(n: int) -> bool:
    return n < SMALL_SAMPLE_WEEKS


def data_sentence(
    lang: str,
    vintage: str,
    weekly_sales: pd.DataFrame,
    monthly: pd.DataFrame,
    series: Sequence[str] = (SU7_SERIES, BRAND_SERIES),
) -> str:
    """The labels' language, the vintage scored, the newest week of each weekly series and the months covered.

    ``monthly`` is the clean ``monthly_deliveries`` table (``month_label``, ``source_id``).

    >>> sales = pd.DataFrame({"series": ["xiaomi_su7", "xiaomi_su7", "xiaomi_all"],
    ...                       "week": ["2025-W19", "2025-W22", "2025-W30"]})
    >>> monthly = pd.DataFrame({"month_label": ["2025-05", "2025-03", "2025-05"], "source_id": ["a", "b", "b"]})
    >>> print(data_sentence("en", "2025-W19", sales, monthly))
    Labels in **en**; the vintage scored is **2025-W19**. Weekly figures run to **2025-W22** for `xiaomi_su7` and **2025-W30** for `xiaomi_all`; the monthly figures cover **2025-03** to **2025-05** (3 figures from 2 sources).
    """
    newest = weekly_sales.groupby("series")["week"].max()
    runs = " and ".join(f"**{newest[s]}** for `{s}`" for s in series if s in newest.index)
    return (
        f"Labels in **{lang}**; the vintage scored is **{vintage}**. Weekly figures run to {runs}; the monthly figures "
        f"cover **{monthly['month_label'].min()}** to **{monthly['month_label'].max()}** "
        f"({plural(len(monthly), 'figure')} from {plural(int(monthly['source_id'].nunique()), 'source')})."
    )


# --------------------------------------------------------------------------- 1. the article's vintage, scored


def scorecard_table(scored: pd.DataFrame) -> pd.DataFrame:
    """The scorecard for reading: each forecast week, its 95% PI, the actual (or ``missing``) and the outcome.

    ``scored`` is :func:`helpers.models.what_happened.article_vintage_scorecard`.

    >>> scored = pd.DataFrame({"week": ["2025-W20", "2025-W21"], "weeks_ahead": [1, 2], "mean": [4450.0, 3720.0],
    ...                        "pi95_low": [2283.2, -1083.0], "pi95_high": [6616.8, 6357.0],
    ...                        "actual": [float("nan"), 3800.0], "outcome": ["no actual", "inside"]})
    >>> scorecard_table(scored).reset_index().values.tolist()
    [['2025-W20', 1, '4,450', '2,283 to 6,617', 'missing', 'no actual'], ['2025-W21', 2, '3,720', '−1,083 to 6,357', '3,800', 'inside']]
    """
    return pd.DataFrame({
        "week": scored["week"],
        "weeks ahead": scored["weeks_ahead"],
        "forecast": [number(v) for v in scored["mean"]],
        "95% PI": [f"{number(lo)} to {number(hi)}" for lo, hi in zip(scored["pi95_low"], scored["pi95_high"])],
        "actual": ["missing" if pd.isna(v) else number(v) for v in scored["actual"]],
        "outcome": scored["outcome"],
    }).set_index("week")


def _scored_week(week: Mapping[str, Any]) -> str:
    """One scored week: inside its interval, or outside it and by how much."""
    actual, (low, high) = week["actual"], week["pi95"]
    seen = f"{week['week']} ({number(actual)}) fell"
    if week["outcome"] == scorecard.INSIDE:
        return f"{seen} **inside** its 95% PI ({number(low)} to {number(high)})"
    if actual > high:
        return f"{seen} **outside**, {number(actual - high)} above its upper bound of {number(high)}"
    return f"{seen} **outside**, {number(low - actual)} below its lower bound of {number(low)}"


def scorecard_sentence(card: Mapping[str, Any]) -> str:
    """The scorecard in sentences: the fit's n and weeks, each scored week inside or outside, the missing weeks.

    ``card`` is :func:`helpers.models.what_happened.scorecard_summary`.  A fit on fewer than
    :data:`~helpers.models.trend.SMALL_SAMPLE_WEEKS` weeks is called a small sample;
    a forecast week without a figure is missing: not scored, not counted as zero.

    >>> card = {"vintage": "2025-W19", "fit_first_week": "2025-W16", "fit_last_week": "2025-W19", "fit_n_weeks": 4,
    ...         "n_forecast": 2, "n_scored": 1, "n_missing": 1, "weeks_missing": ["2025-W20"],
    ...         "weeks": [{"week": "2025-W20", "actual": None, "pi95": [2283.0, 6617.0], "outcome": "no actual"},
    ...                   {"week": "2025-W21", "actual": 3800.0, "pi95": [1083.0, 6357.0], "outcome": "inside"}]}
    >>> print(scorecard_sentence(card))
    Fitted on **n = 4 weeks** (2025-W16–W19, a small sample), the trend was carried 2 weeks past 2025-W19. 1 of those weeks has a figure (n = 1): 2025-W21 (3,800) fell **inside** its 95% PI (1,083 to 6,357). 1 week is missing (2025-W20): not scored, not counted as zero.
    """
    n = card["fit_n_weeks"]
    small = ", a small sample" if _small(n) else ""
    text = (f"Fitted on **n = {plural(n, 'week')}** ({week_span(card['fit_first_week'], card['fit_last_week'])}{small}), "
            f"the trend was carried {plural(card['n_forecast'], 'week')} past {card['vintage']}. ")
    scored_weeks = [w for w in card["weeks"] if w["outcome"] != scorecard.NO_ACTUAL]
    if not scored_weeks:
        return text + "No forecast week has a figure yet, so none can be scored."
    n_scored = card["n_scored"]
    if card["n_forecast"] == 1:
        text += "That week has a figure (n = 1): "
    else:
        text += f"{number(n_scored)} of those weeks {'has' if n_scored == 1 else 'have'} a figure (n = {number(n_scored)}): "
    text += "; ".join(_scored_week(w) for w in scored_weeks) + "."
    if card["n_missing"]:
        text += (f" {plural(card['n_missing'], 'week is', 'weeks are')} missing ({', '.join(card['weeks_missing'])}): "
                 "not scored, not counted as zero.")
    return text


def scorecard_headline(card: Mapping[str, Any]) -> str:
    """:func:`scorecard_sentence` as the notebook's headline.

    >>> card = {"vintage": "2025-W19", "fit_first_week": "2025-W16", "fit_last_week": "2025-W19", "fit_n_weeks": 4,
    ...         "n_forecast": 1, "n_scored": 0, "n_missing": 1, "weeks_missing": ["2025-W20"],
    ...         "weeks": [{"week": "2025-W20", "actual": None, "pi95": [2283.0, 6617.0], "outcome": "no actual"}]}
    >>> print(scorecard_headline(card))
    **Headline.** Fitted on **n = 4 weeks** (2025-W16–W19, a small sample), the trend was carried 1 week past 2025-W19. No forecast week has a figure yet, so none can be scored.
    """
    return f"**Headline.** {scorecard_sentence(card)}"


def _fit_name(fit: TrendFit, window: pd.DataFrame) -> str:
    """``the article's 4 weeks`` when every week of the fit is the article's own, else ``the 6 weeks 2025-W14–W19``."""
    if set(window["source_id"].astype(str)) == {ARTICLE_SOURCE_ID}:
        return f"the article's {plural(fit.n_weeks, 'week')}"
    return f"the {plural(fit.n_weeks, 'week')} {week_span(fit.first_week, fit.last_week)}"


def _slope_clause(fit: TrendFit) -> str:
    """``−730 a week (95% CI −1,343 to −117, which excludes zero; n = 4)`` (a linear fit: units a week)."""
    lo, hi = fit.slope_ci95
    side = "includes zero" if lo <= 0 <= hi else "excludes zero"
    return f"{number(fit.slope)} a week (95% CI {number(lo)} to {number(hi)}, which {side}; n = {number(fit.n_weeks)})"


def sensitivity_sentence(
    fit: TrendFit,
    window: pd.DataFrame,
    card: Mapping[str, Any],
    other_fit: TrendFit,
    other_window: pd.DataFrame,
    other_card: Mapping[str, Any],
) -> str:
    """Two linear fits of the same vintage on different windows: both slopes, the other fit's scorecard, and
    whether the two fits put the same later weeks outside their 95% PI.

    ``window`` and ``other_window`` are the :func:`helpers.models.trend.select_window`
    tables the fits were made on (their ``source_id`` says whether every week is
    the article's own); ``card`` and ``other_card`` are their
    :func:`helpers.models.what_happened.scorecard_summary`.  The sentence ends saying
    which of the two fits are small samples.
    """
    differ = card["weeks_outside"] != other_card["weeks_outside"]
    outside = [f"with n = {number(f.n_weeks)}, {', '.join(c['weeks_outside']) or 'none'}"
               for f, c in ((fit, card), (other_fit, other_card))]
    ns = f"n = {number(fit.n_weeks)} and n = {number(other_fit.n_weeks)}"
    small = [f.n_weeks for f in (fit, other_fit) if _small(f.n_weeks)]
    if len(small) == 2:
        samples = f", and both are small samples ({ns})."
    elif small:
        samples = f", and the fit on n = {number(small[0])} is a small sample."
    else:
        samples = f" ({ns})."
    return (
        f"**Sensitivity.** On {_fit_name(fit, window)} the slope is {_slope_clause(fit)}; on "
        f"{_fit_name(other_fit, other_window)} it is {_slope_clause(other_fit)}. {scorecard_sentence(other_card)} "
        f"Weeks outside the 95% PI: {'; '.join(outside)}. "
        + ("So whether the line 'missed' depends on which weeks it is fitted on" if differ
           else "The two fits score the later weeks alike")
        + samples
    )


# --------------------------------------------------------------------------- 2. the decline, and the later weeks


def _no_figure(labels: list[str]) -> str:
    """``2025-W20 and 2025-W21 have no figure``."""
    return f"{week_list(labels)} {'has' if len(labels) == 1 else 'have'} no figure"



def decline_conclusion(s: Mapping[str, Any]) -> str:
    """What :func:`helpers.models.what_happened.decline_status` found, in words built from its values only: the
    article's run of declines, then what the first later week with a figure says of it (and the weeks between
    that have none), and how far later weeks rest on few figures.

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200,
    ...                            "2025-W22": 7800, "2025-W23": 4370}, "xiaomi_su7")
    >>> later = what_happened.decline_status(sales, article_weeks_df=sales.iloc[:4])
    >>> print(decline_conclusion(later))  # doctest: +NORMALIZE_WHITESPACE
    The weekly figures fell in each of the 3 weeks 2025-W16→W19 (7,200 → 7,000 → 5,700 → 5,200). The next week
    with a figure, 2025-W22, three weeks later, was 7,800, above every week of the decline, so the decline had
    ended by 2025-W22 at the latest; 2025-W20 and 2025-W21 have no figure, so whether it continued into them is
    unknown. Later weeks did not all stay above 2025-W19: 2025-W23 was 4,370, below its 5,200.
    >>> none_later = what_happened.decline_status(sales.iloc[:4], article_weeks_df=sales.iloc[:4])
    >>> print(decline_conclusion(none_later))  # doctest: +NORMALIZE_WHITESPACE
    The weekly figures fell in each of the 3 weeks 2025-W16→W19 (7,200 → 7,000 → 5,700 → 5,200). The data stop
    at 2025-W19, the article's last week: no later week has a figure, so whether the decline continued is
    unknown.
    """
    last, lu, n = s["article_last_week"], number(s["article_last_units"]), s["n_declines"]
    what = measure_words(s.get("measure", "").split("; ") if s.get("measure") else None, missing="the weekly figures")
    What = what[0].upper() + what[1:]
    parts = []
    if n:
        chain = " \N{RIGHTWARDS ARROW} ".join(number(u) for u in s["decline_units"])
        span = week_span(s["decline_first_week"], last, RIGHT_ARROW)
        parts.append(f"{What} fell in each of the {n} weeks {span} ({chain})." if n > 1
                     else f"{What} fell in the one week {span} ({chain}).")
    elif s["article_previous_week"] is not None and weeks.weeks_between(
            weeks.parse_week_label(s["article_previous_week"]), weeks.parse_week_label(last)) == 1:
        parts.append(f"The article's last week, {last} ({lu}), was not below the week before it, "
                     f"{s['article_previous_week']} ({number(s['article_previous_units'])}): "
                     "its weeks do not end in a decline.")
    else:
        parts.append(f"The article has no figure for the week before {last} ({lu}), "
                     "so no week-on-week decline ends there.")

    if s["later_week"] is None:
        parts.append(f"The data stop at {last}, the article's last week: no later week has a figure, so "
                     + ("whether the decline continued is unknown." if n else f"what {what} did next is unknown."))
        return " ".join(parts)

    week, units, k = s["later_week"], number(s["later_units"]), s["weeks_later"]
    missing = s["missing_between"]
    them = "it" if len(missing) == 1 else "them"
    prefix = (f"The next week, {week}, was {units}" if k == 1
              else f"The next week with a figure, {week}, {count_word(k)} weeks later, was {units}")
    later_units, last_units = s["later_units"], s["article_last_units"]
    if later_units > last_units:
        if n and s["later_above_whole_decline"]:
            compared = "above every week of the decline"
        elif n:
            peak = max(s["decline_units"])
            compared = f"above {last}'s {lu} but below the decline's high of {number(peak)}"
        else:
            compared = f"above {last}'s {lu}"
        if not n:
            parts.append(f"{prefix}, {compared}." + (f" {_no_figure(missing)}." if missing else ""))
        elif k == 1:
            parts.append(f"{prefix}, {compared}, so the decline ended at {last}.")
        else:
            parts.append(f"{prefix}, {compared}, so the decline had ended by {week} at the latest; "
                         f"{_no_figure(missing)}, so whether it continued into {them} is unknown.")
    elif later_units == last_units:
        compared = f"the same as {last}'s {lu}"
        if not n:
            parts.append(f"{prefix}, {compared}." + (f" {_no_figure(missing)}." if missing else ""))
        elif k == 1:
            parts.append(f"{prefix}, {compared}, so the decline stopped at {last}.")
        else:
            parts.append(f"{prefix}, {compared}, so the run of declines had ended by {week} at the latest; "
                         f"{_no_figure(missing)}, so whether it continued into {them} is unknown.")
    else:
        compared = f"below {last}'s {lu}"
        if not n:
            parts.append(f"{prefix}, {compared}." + (f" {_no_figure(missing)}." if missing else ""))
        elif k == 1:
            parts.append(f"{prefix}, {compared}, so the decline continued into {week}.")
        else:
            parts.append(f"{prefix}, {compared}: the decline may have continued, but {_no_figure(missing)}, "
                         f"so whether {what} fell in every week between is unknown.")
        below = s["later_weeks_below_in_a_row"]
        evidence = f"{plural(len(below), 'later week')} with a figure ({week_list(below)})"
        if s["first_later_week_above"] is not None:
            above = s["first_later_week_above"]
            gap = weeks.weeks_between(weeks.parse_week_label(last), weeks.parse_week_label(above))
            parts.append(f"Lower {what} after {last} rest on {evidence}; the first later week above {lu} is {above} "
                         f"({number(s['first_later_week_above_units'])}), {count_word(gap)} weeks after {last}.")
        else:
            parts.append(f"Lower {what} after {last} rest on {evidence}: no later week with a figure is above {lu}, "
                         f"and the data stop at {s['newest_week']}.")
        return " ".join(parts)
    if s["later_low_units"] is not None and s["later_low_units"] < last_units:
        parts.append(f"Later weeks did not all stay above {last}: {s['later_low_week']} was "
                     f"{number(s['later_low_units'])}, below its {lu}.")
    return " ".join(parts)


def with_conclusion(status: Mapping[str, Any]) -> dict[str, Any]:
    """``status`` (:func:`helpers.models.what_happened.decline_status`) with :func:`decline_conclusion` as its last
    entry, ``conclusion``: the decline as ``summary.json`` records it."""
    return {**status, "conclusion": decline_conclusion(status)}


def decline_sentence(status: Mapping[str, Any]) -> str:
    """:func:`decline_conclusion` of :func:`helpers.models.what_happened.decline_status`, as the section's conclusion.

    >>> sales = weekly_sales_from({"2025-W18": 5700, "2025-W19": 5200}, "xiaomi_su7")
    >>> status = what_happened.decline_status(sales, article_weeks_df=sales)
    >>> print(decline_sentence(status))  # doctest: +NORMALIZE_WHITESPACE
    **Conclusion.** The weekly figures fell in the one week 2025-W18→W19 (5,700 → 5,200). The data stop at
    2025-W19, the article's last week: no later week has a figure, so whether the decline continued is unknown.
    """
    return f"**Conclusion.** {decline_conclusion(status)}"


def _coverage_sentence(row: Mapping[str, Any]) -> str:
    n, series, after = int(row["n_weeks"]), row["series"], row["after_week"]
    if n == 0:
        return f"`{series}`: no week after {after} has a figure (n = 0)."
    derived = f" ({number(row['n_derived'])} of them repeated from the SU7)" if row["n_derived"] else ""
    small = ", a small sample" if _small(n) else ""
    if n == 1:
        values = f"{number(row['min'])} ({row['min_week']})"
    else:
        values = f"from {number(row['min'])} ({row['min_week']}) to {number(row['max'])} ({row['max_week']})"
    text = (f"`{series}`: after {after}, **n = {number(n)}** {'week' if n == 1 else 'weeks'} with a figure"
            f"{derived}{small}, {values}. Of the {plural(int(row['span_weeks']), 'week')} up to {row['last_week']}, ")
    n_missing = int(row["n_missing"])
    if not n_missing:
        return text + "**none is missing**."
    return (text + f"**{plural(n_missing, 'is', 'are')} missing**; the longest run without a figure is "
            f"{plural(int(row['longest_gap_weeks']), 'week')} ({row['longest_gap']}).")


def coverage_sentences(later_weeks: pd.DataFrame) -> str:
    """Per series, a paragraph on the weeks after the article's: how many have a figure (n), their range, how many
    are missing and the longest run without a figure.

    ``later_weeks`` is :func:`helpers.models.what_happened.later_weeks_summary`.

    >>> table = pd.DataFrame({"series": ["a", "b"], "after_week": ["2025-W19"] * 2, "n_weeks": [2, 0],
    ...                       "min": [4000.0, None], "min_week": ["2025-W23", None], "max": [7000.0, None],
    ...                       "max_week": ["2025-W21", None], "last_week": ["2025-W23", None], "n_derived": [0, None],
    ...                       "span_weeks": [4, None], "n_missing": [2, None], "longest_gap_weeks": [1, None],
    ...                       "longest_gap": ["2025-W20", None]})
    >>> print(coverage_sentences(table))
    `a`: after 2025-W19, **n = 2** weeks with a figure, a small sample, from 4,000 (2025-W23) to 7,000 (2025-W21). Of the 4 weeks up to 2025-W23, **2 are missing**; the longest run without a figure is 1 week (2025-W20).
    <BLANKLINE>
    `b`: no week after 2025-W19 has a figure (n = 0).
    """
    return "\n\n".join(_coverage_sentence(row) for row in later_weeks.to_dict("records"))


# --------------------------------------------------------------------------- 3. where the sources disagree


def weekly_disagreements_sentence(disagreements: pd.DataFrame) -> str:
    """How many other weekly figures there are, how many repeat the chosen one, and the largest difference.

    ``disagreements`` is the clean ``weekly_sales_disagreements`` table (one row per other figure;
    ``difference_pct`` in percent of the chosen figure).

    >>> table = pd.DataFrame({"week": ["2025-W16", "2025-W16"], "series": ["xiaomi_su7"] * 2,
    ...                       "chosen_units": [7200, 7200], "other_units": [7200, 7272], "other_source": ["a", "b"],
    ...                       "difference": [0, 72], "difference_pct": [0.0, 1.0]})
    >>> print(weekly_disagreements_sentence(table))
    2 other figures for 1 week-and-series pair (n = 2, a handful): 1 repeats the chosen figure exactly; the largest difference is 2025-W16 (`xiaomi_su7`): 7,272 from `b` against the chosen 7,200, 1.00%. Most later weeks have a single source, so agreement cannot be checked for them.
    """
    if disagreements.empty:
        return "No page gives a second figure for any week, so agreement between sources cannot be checked."
    n = len(disagreements)
    differ = disagreements[disagreements["difference"] != 0]
    n_pairs = len(disagreements[["series", "week"]].drop_duplicates())
    n_same = n - len(differ)
    text = (f"{plural(n, 'other figure')} for {plural(n_pairs, 'week-and-series pair')} "
            f"(n = {number(n)}{', a handful' if _small(n) else ''}): "
            f"{number(n_same)} {'repeats' if n_same == 1 else 'repeat'} the chosen figure exactly")
    if len(differ):
        largest = differ.loc[differ["difference_pct"].abs().idxmax()]
        text += (f"; the largest difference is {largest['week']} (`{largest['series']}`): {number(largest['other_units'])} "
                 f"from `{largest['other_source']}` against the chosen {number(largest['chosen_units'])}, "
                 f"{number(largest['difference_pct'], 2)}%.")
    else:
        text += "."
    return text + " Most later weeks have a single source, so agreement cannot be checked for them."


def monthly_ranges_sentence(ranges: pd.DataFrame, series: str = BRAND_SERIES) -> str:
    """The monthly readings of ``series`` in words: how many months of each kind, where exact figures differ most,
    which months have only a lower bound ("at least", not an estimate), and whether any exact figure contradicts a bound.

    ``ranges`` is :func:`helpers.models.what_happened.monthly_range` of one or more series, stacked.

    >>> ranges = pd.DataFrame({"month": ["2025-04", "2025-05", "2025-06"], "series": ["xiaomi_all"] * 3,
    ...                        "measures": ["deliveries", "deliveries", "deliveries; retail_sales"],
    ...                        "exact_min": [28000.0, None, 25000.0], "exact_max": [28000.0, None, 26000.0],
    ...                        "exact_spread": [0.0, None, 1000.0], "reading_low": [28000.0, 28000.0, 25000.0],
    ...                        "reading_kind": ["exact", "lower bound", "exact range"]})
    >>> print(monthly_ranges_sentence(ranges))
    Brand totals (`xiaomi_all`), 3 months: 1 exact, 1 lower bound, 1 exact range. In one month, 2025-06, the exact figures differ: 25,000 to 26,000 (4.0% of the lower; that month's figures count deliveries and retail_sales). 2025-05 has only a lower bound: at least 28,000, not an estimate. No exact figure contradicts a bound: where both are given, the exact figure is at or above the lower bound.
    """
    rows = ranges[ranges["series"] == series]
    name = f"Brand totals (`{series}`)" if series == BRAND_SERIES else f"`{series}`"
    if rows.empty:
        return f"{name}: no monthly figure."
    kinds = rows["reading_kind"].value_counts()
    text = f"{name}, {plural(len(rows), 'month')}: " + ", ".join(f"{number(count)} {kind}" for kind, count in kinds.items()) + ". "

    spread = rows[rows["exact_spread"] > 0].copy()
    if len(spread):
        spread["share"] = 100 * spread["exact_spread"] / spread["exact_min"]
        widest = spread.loc[spread["share"].idxmax()]
        where = (f"In {plural(len(spread), 'month')} the exact figures differ; most widely in {widest['month']}, "
                 if len(spread) > 1 else f"In one month, {widest['month']}, the exact figures differ: ")
        text += (f"{where}{number(widest['exact_min'])} to {number(widest['exact_max'])} ({number(widest['share'], 1)}% "
                 f"of the lower; that month's figures count {' and '.join(str(widest['measures']).split('; '))}). ")
    else:
        text += "No two exact figures differ. "

    lower = rows[rows["reading_kind"] == "lower bound"]
    if len(lower):
        one = len(lower) == 1
        text += (f"{', '.join(lower['month'])} {'has' if one else 'have'} only a lower bound: at least "
                 f"{', '.join(number(v) for v in lower['reading_low'])}, {'not an estimate' if one else 'not estimates'}. ")

    clash = int((rows["reading_kind"] == "contradictory").sum())
    if clash:
        return text + f"{plural(clash, 'month has', 'months have')} an exact figure that contradicts a bound."
    return text + "No exact figure contradicts a bound: where both are given, the exact figure is at or above the lower bound."


# --------------------------------------------------------------------------- 4. the claims, with later evidence


def _claim_list(claims_later: pd.DataFrame, verdict: str) -> str:
    ids = claims_later.loc[claims_later["later_verdict"] == verdict, "claim_id"].tolist()
    return ", ".join(f"`{i}`" for i in ids) or "none"


def claims_sentence(claims_later: pd.DataFrame) -> str:
    """How many claims the later figures support, contradict, or do not bear on, naming the first two kinds.

    ``claims_later`` is :func:`helpers.claims.later_rules.later_evidence`.

    >>> claims = pd.DataFrame({"claim_id": ["a", "b", "c"],
    ...                        "later_verdict": ["contradicted", "no later evidence", "no later evidence"]})
    >>> print(claims_sentence(claims))
    Of the **3 claims**, the later figures **support 0** (none), **contradict 1** (`a`) and bear on none of the other 2. Where notebook 05 found two article figures inconsistent, a later verdict can say which side the later sources are on; it cannot make the article consistent.
    """
    counts = claims_later["later_verdict"].value_counts()
    return (
        f"Of the **{plural(len(claims_later), 'claim')}**, the later figures "
        f"**support {number(counts.get(engine.SUPPORTED, 0))}** ({_claim_list(claims_later, engine.SUPPORTED)}), "
        f"**contradict {number(counts.get(engine.CONTRADICTED, 0))}** ({_claim_list(claims_later, engine.CONTRADICTED)}) "
        f"and bear on none of the other {number(counts.get(engine.NO_LATER, 0))}. "
        "Where notebook 05 found two article figures inconsistent, a later verdict can say which side the later "
        "sources are on; it cannot make the article consistent."
    )


def reconciliation_sentences(reconciliation: pd.DataFrame) -> str:
    """Per quarter with an official total: which monthly figures it confirms, which it rules out, or why it cannot tell.

    ``reconciliation`` is :func:`helpers.models.totals.quarterly_reconciliation`.

    >>> rec = pd.DataFrame({"year": [2025] * 3, "quarter": [3] * 3, "month": [7, 9, 9], "source_id": ["a", "b", "c"],
    ...     "units": [30452, 40023, 41948], "official_units": [108796] * 3, "official_sources": ["q"] * 3,
    ...     "n_fitting": [1] * 3, "fits_official_total": ["true", "false", "true"], "note": [""] * 3})
    >>> print(reconciliation_sentences(rec))
    **2025 Q3** (official 108,796, q): 2 figures printed to the unit are **confirmed** (a combination of them, one a month, sums to within 0.5% of the total): 30,452 for 2025-07 (`a`), 41,948 for 2025-09 (`c`); 1 is **ruled out** (it is in no such combination): 40,023 for 2025-09 (`b`).
    """
    from helpers.models.totals import TOLERANCE

    if reconciliation.empty:
        return "No quarter with an official total has a monthly figure printed to the unit, so nothing can be reconciled."

    def listed(rows: pd.DataFrame) -> str:
        return ", ".join(f"{number(r.units)} for {r.year}-{r.month:02d} (`{r.source_id}`)" for r in rows.itertuples(index=False))

    parts = []
    for (year, quarter), rows in reconciliation.groupby(["year", "quarter"], sort=True):
        head = f"**{year} Q{quarter}** (official {number(rows['official_units'].iloc[0])}, {rows['official_sources'].iloc[0]}): "
        verdicts = rows["fits_official_total"].astype(str)
        notes = rows["note"].astype(str)
        by_bounds = notes.str.startswith("ruled out by the other months")
        confirmed, ruled_out = rows[verdicts == "true"], rows[(verdicts == "false") & ~by_bounds]
        bounded = rows[(verdicts == "false") & by_bounds]
        if confirmed.empty and ruled_out.empty and bounded.empty:
            parts.append(head + f"cannot tell: {rows['note'].iloc[0]}.")
            continue
        texts = []
        if len(confirmed):
            texts.append(f"{plural(len(confirmed), 'figure')} printed to the unit {'is' if len(confirmed) == 1 else 'are'} "
                         f"**confirmed** (a combination of them, one a month, sums to within {TOLERANCE:.1%} of the total): "
                         f"{listed(confirmed)}")
        if len(ruled_out):
            texts.append(f"{number(len(ruled_out))} {'is' if len(ruled_out) == 1 else 'are'} **ruled out** (it is in no such "
                         f"combination): {listed(ruled_out)}")
        if len(bounded):
            first = bounded.iloc[0]
            arithmetic = str(first["note"]).split(": ", 1)[1].rsplit(" for ", 1)[0]
            texts.append(f"{number(len(bounded))} {'is' if len(bounded) == 1 else 'are'} **ruled out** by the other months' "
                         f"lower bounds ({arithmetic} for {first['year']}-{int(first['month']):02d}): {listed(bounded)}")
        parts.append(head + "; ".join(texts) + ".")
    return "\n\n".join(parts)


def _binding_monthly_row(rows: pd.DataFrame) -> pd.Series:
    """The one monthly figure a month's sentence uses: printed to the unit if any (the largest), else the highest lower bound."""
    exact = rows[rows["monthly_printed_to_unit"].astype(bool)]
    if len(exact):
        return exact.sort_values("monthly_units", kind="mergesort").iloc[-1]
    lower = rows[rows["monthly_bound"].astype(str) == "lower"]
    pool = lower if len(lower) else rows
    return pool.sort_values("monthly_units", kind="mergesort").iloc[-1]


def weekly_against_monthly_sentences(table: pd.DataFrame, series: str = BRAND_SERIES) -> str:
    """Per month: the weeks known inside it, the month's figure, and what the other days must then hold.

    ``table`` is :func:`helpers.models.totals.weekly_against_monthly`; the
    month's figure is the one printed to the unit when there is one (the
    largest), else the highest lower bound.

    >>> t = pd.DataFrame({"year": [2025], "month": [5], "series": ["xiaomi_all"], "weeks_known": ["2025-W19"],
    ...     "n_weeks_known": [1], "weekly_units": [5200.0], "known_per_week": [5200.0], "monthly_measure": ["deliveries"],
    ...     "monthly_bound": ["lower"], "monthly_units": [28000], "monthly_printed_to_unit": [False],
    ...     "monthly_source_ids": ["s"], "rest_days": [24], "rest_units": [22800.0], "rest_per_week": [6650.0],
    ...     "weekly_measure": ["insurance_registrations"]})
    >>> print(weekly_against_monthly_sentences(t))
    - **2025-05**: 1 week known inside the month (2025-W19: 5,200 insurance registrations, 5,200 a week); deliveries of more than 28,000 (`s`) leave more than 22,800 for the other 24 days, more than 6,650 a week.
    """
    rows = table[table["series"].astype(str) == series]
    if rows.empty:
        return f"No month has a whole ISO week with a `{series}` figure inside it, so the weeks cannot be set against the months."
    lines = []
    for (year, month), group in rows.groupby(["year", "month"], sort=True):
        r = _binding_monthly_row(group)
        bound = {"lower": "more than ", "upper": "at most ", "approximate": "about "}.get(str(r["monthly_bound"]), "")
        measure = str(r["monthly_measure"]).replace("_", " ")
        weekly_measure = str(r["weekly_measure"]).replace("_", " ")
        lines.append(
            f"- **{year}-{int(month):02d}**: {plural(int(r['n_weeks_known']), 'week')} known inside the month "
            f"({r['weeks_known']}: {number(r['weekly_units'])} {weekly_measure}, {number(r['known_per_week'])} a week); "
            f"{measure} of {bound}{number(r['monthly_units'])} (`{r['monthly_source_ids']}`) leave {bound}"
            f"{number(r['rest_units'])} for the other {number(r['rest_days'])} days, {bound}{number(r['rest_per_week'])} a week."
        )
    return "\n".join(lines)


def reconciliation_headline(section: Mapping[str, Any]) -> str:
    """The reconciliation in one plain sentence, for the report's index, from ``summary.json``'s ``reconciliation``.

    ``section`` is :func:`helpers.models.totals.reconciliation_summary`.

    >>> s = {"tolerance": 0.005, "n_figures": 3, "n_confirmed": 1, "n_ruled_out": 1, "n_open": 1, "quarters": [
    ...     {"year": 2025, "quarter": 2, "official_units": 81302, "n_figures": 1, "confirmed": [], "ruled_out": [], "n_open": 1},
    ...     {"year": 2025, "quarter": 3, "official_units": 108796, "n_figures": 2, "n_open": 0,
    ...      "confirmed": [{"month": 9, "units": 41948, "measure": "deliveries", "source_id": "c"}],
    ...      "ruled_out": [{"month": 9, "units": 40023, "measure": "deliveries", "source_id": "b"}]}]}
    >>> print(reconciliation_headline(s))
    Official quarterly totals: 2025 Q2 (81,302) cannot tell (1 figure printed to the unit, no sum to test); 2025 Q3 (108,796) confirms 1 monthly figure and rules out 1: 40,023 for 2025-09 (b). A figure is confirmed when one per month sums to within 0.5% of the total.
    """
    if not section or not section.get("quarters"):
        return "Official quarterly totals: no quarter with an official total has a monthly figure printed to the unit."
    parts = []
    for q in section["quarters"]:
        head = f"{q['year']} Q{q['quarter']} ({number(q['official_units'])})"
        confirmed, out = q["confirmed"], q["ruled_out"]
        if not confirmed and not out:
            parts.append(f"{head} cannot tell ({plural(q['n_figures'], 'figure')} printed to the unit, no sum to test)")
            continue
        text = f"{head} confirms {plural(len(confirmed), 'monthly figure')}"
        if out:
            listed = ", ".join(f"{number(f['units'])} for {q['year']}-{f['month']:02d} ({f['source_id']})" for f in out)
            text += f" and rules out {number(len(out))}: {listed}"
        parts.append(text)
    return (f"Official quarterly totals: {'; '.join(parts)}. A figure is confirmed when one per month sums to within "
            f"{section['tolerance']:.1%} of the total.")


def period_remainder_sentences(table: pd.DataFrame) -> str:
    """Per longer-period total: whether the official quarters inside it agree, or what it leaves for the later months.

    ``table`` is :func:`helpers.models.totals.period_remainders`; totals of the
    same period, figure and bound are one line, their sources joined.

    >>> t = pd.DataFrame({"first_day": ["2025-01-01", "2025-01-01"], "last_day": ["2025-06-30", "2025-12-31"],
    ...     "units": [157000, 410000], "bound": ["lower", "lower"], "as_printed": ["over 157,000", "over 410,000"],
    ...     "source_id": ["a", "b"], "official_quarters": ["2025 Q1-Q2", "2025 Q1-Q3"], "official_units": [157171, 265967],
    ...     "rest_first_month": ["", "2025-10"], "rest_last_month": ["", "2025-12"], "rest_units": [-171, 144033],
    ...     "rest_bound": ["lower", "lower"], "months_units": [pd.NA, 144903], "months_bound": ["", "lower"],
    ...     "months_sources": ["", "x; y; z"]})
    >>> print(period_remainder_sentences(t))
    - **2025-01-01–2025-06-30**, more than 157,000 (`a`): the official 2025 Q1-Q2 sum to 157,171, which agrees.
    - **2025-01-01–2025-12-31**, more than 410,000 (`b`): after the official 2025 Q1-Q3 (265,967) that leaves more than 144,033 for 2025-10–12; the months' own figures (one a month, none ruled out) sum to at least 144,903 (`x; y; z`).
    """
    from helpers.models.totals import TOLERANCE

    if table.empty:
        return "No total over a longer period starts with a year that has official quarterly totals."
    words = {"lower": "more than ", "upper": "at most ", "approximate": "about ", "exact": ""}
    lines = []
    keys = ["first_day", "last_day", "units", "bound"]
    for _, rows in table.groupby(keys, sort=False):
        r = rows.iloc[0]
        sources = "; ".join(sorted(set(rows["source_id"].astype(str))))
        on = f" {r['basis']}" if "basis" in r and pd.notna(r["basis"]) else ""
        head = f"- **{r['first_day']}–{r['last_day']}**, {words.get(str(r['bound']), '')}{number(r['units'])}{on} (`{sources}`): "
        gap = ""
        if "basis_gap" in r and pd.notna(r["basis_gap"]):
            where = f", all of it in {r['basis_gap_in']} (the other quarters' months on this basis sum to the official " \
                    f"totals)" if str(r.get("basis_gap_in") or "") and "," not in str(r["basis_gap_in"]) else ""
            gap = (f" On the {r['basis']} basis the total is {number(int(r['basis_gap']))} "
                   f"{'above' if int(r['basis_gap']) >= 0 else 'below'} the {r['official_basis']} plus the later months' "
                   f"own {r['basis']} figures{where}: a difference of basis, not of cars.")
        if not str(r["rest_first_month"] or ""):
            official, units, bound = int(r["official_units"]), int(r["units"]), str(r["bound"])
            agrees = (official >= units if bound == "lower" else official <= units if bound == "upper"
                      else abs(official - units) <= TOLERANCE * official if bound == "exact"
                      else abs(official - units) <= 0.02 * official)
            lines.append(head + f"the official {r['official_quarters']} sum to {number(official)}, which "
                         + ("agrees." if agrees else "does not agree."))
            continue
        text = (f"after the official {r['official_quarters']} ({number(r['official_units'])}) that leaves "
                f"{words.get(str(r['rest_bound']), '')}{number(r['rest_units'])} for "
                f"{week_span(str(r['rest_first_month']), str(r['rest_last_month']))}")
        if pd.notna(r["months_units"]):
            like = (f" on the {r['months_basis']} basis" if "months_basis" in r and str(r["months_basis"] or "")
                    not in ("", "mixed", "<NA>") else "")
            text += (f"; the months' own figures (one a month, none ruled out{like}) sum to "
                     f"{'at least ' if str(r['months_bound']) == 'lower' else ''}{number(r['months_units'])} "
                     f"(`{r['months_sources']}`)")
        else:
            text += "; a month of them has no figure, so they cannot be summed"
        lines.append(head + text + "." + gap)
    return "\n".join(lines)


# --------------------------------------------------------------------------- the figures' titles (labels.toml)


def _weekly_head(status: Mapping[str, Any], lang: str) -> str:
    """The first clause of the weekly title, from :func:`helpers.models.what_happened.decline_status` only.

    When a later week has a figure, what the title says of the fall rests on
    that one week: the title says so (n = 1, its dates, whether it spans a
    month end, when registrations are pushed) and names a later week below the
    article's last one if there is one.
    """
    head = _weekly_verdict(status, lang)
    if status["later_week"] is None:
        return head
    low_week, low_units = status["later_low_week"], status["later_low_units"]
    rebound_then_low = (status["n_declines"] and status["later_units"] > status["article_last_units"]
                        and low_week is not None and low_week != status["later_week"]
                        and low_units < status["article_last_units"])
    if rebound_then_low:  # one clause for both weeks, so the title does not say "ended" and then "below"
        head = label("later_head_rebound", lang, series=name_of("later_series", status["series"], lang),
                     span=week_span(status["decline_first_week"], status["article_last_week"]),
                     week=status["later_week"], units=number(status["later_units"]), low_week=low_week,
                     low_units=number(low_units))
    pair = weeks.parse_week_label(status["later_week"])
    monday, sunday = weeks.week_monday(*pair), weeks.week_sunday(*pair)
    month_end = (label("later_basis_month_end", lang, month=format_month(f"{monday.year:04d}-{monday.month:02d}", lang))
                 if sunday.month != monday.month or (sunday + dt.timedelta(days=1)).month != sunday.month else "")
    head = label("later_basis", lang, head=head, week=status["later_week"], monday=format_day(monday, lang),
                 sunday=format_day(sunday, lang), month_end=month_end)
    if not rebound_then_low and low_week is not None and low_week != status["later_week"] \
            and low_units < status["article_last_units"]:
        head = label("later_join_clauses", lang, head=head, tail=label(
            "later_later_low", lang, week=low_week, units=number(low_units), last=status["article_last_week"],
            last_units=number(status["article_last_units"])))
    return head


def _weekly_verdict(status: Mapping[str, Any], lang: str) -> str:
    """What the first later week says of the article's fall (:func:`helpers.models.what_happened.decline_status`)."""
    who = name_of("later_series", status["series"], lang)
    last, last_units, n = status["article_last_week"], number(status["article_last_units"]), status["n_declines"]
    span = week_span(status["decline_first_week"], last) if n else None
    if status["later_week"] is None:
        if n:
            return label("later_head_no_later", lang, series=who, last=last, span=span)
        return label("later_head_no_later_plain", lang, series=who, last=last, last_units=last_units)
    week, units, k = status["later_week"], number(status["later_units"]), status["weeks_later"]
    values = {"series": who, "span": span, "last": last, "last_units": last_units, "week": week, "units": units}
    if not n:
        return label("later_head_no_fall", lang, **values)
    if status["later_units"] > status["article_last_units"]:
        compared = (label("later_cmp_above_all", lang) if status["later_above_whole_decline"]
                    else label("later_cmp_above_last", lang, last=last, last_units=last_units))
        return label("later_head_ended_next" if k == 1 else "later_head_ended_by", lang, compared=compared, **values)
    if status["later_units"] == status["article_last_units"]:
        return label("later_head_stopped_next" if k == 1 else "later_head_stopped_by", lang, **values)
    return label("later_head_continued" if k == 1 else "later_head_below", lang, **values)


def _weekly_title(status: Mapping[str, Any], brand: pd.DataFrame | None, yu7_week: tuple[int, int] | None,
                  lang: str) -> str:
    head = _weekly_head(status, lang)
    if brand is None:
        return head
    after = weeks.parse_week_label(status["article_last_week"])
    pairs = [(int(y), int(w)) for y, w in zip(brand["iso_year"], brand["iso_week"])]
    own = [(p, u) for p, u, d in zip(pairs, brand["units"], brand["derivation"].astype(str)) if p > after and not d]
    key = "later_tail_brand"
    if yu7_week is not None:
        own = [(p, u) for p, u in own if p >= yu7_week]
        key = "later_tail_brand_yu7"
    if not own:
        return head
    best = max(own, key=lambda item: (item[1], [-v for v in item[0]]))
    tail = label(key, lang, units=number(best[1]), week=weeks.week_label(*best[0]))
    return label("later_join_clauses", lang, head=head, tail=tail)


def later_weekly_titles(weekly_sales: pd.DataFrame, events: pd.DataFrame,
                        series: tuple[str, ...] = (SU7_SERIES, BRAND_SERIES)) -> dict[str, str]:
    """The title of the later-weekly figure in each language: what the first week after the article's says of
    its fall (:func:`helpers.models.what_happened.decline_status` of the SU7), then, when ``series`` has the
    brand, the brand's highest week of its own from the second model's first week on (``events``).

    The figure is :func:`helpers.figures.what_happened.later_weekly_figure` (same ``series``).
    """
    status = what_happened.decline_status(weekly_sales, SU7_SERIES)
    present = set(weekly_sales["series"].astype(str))
    brand = (what_happened.observed_weeks(weekly_sales, BRAND_SERIES)
             if BRAND_SERIES in series and BRAND_SERIES in present else None)
    if brand is not None and not len(brand):
        brand = None
    yu7_week = second_model_week(events) if "event_id" in events.columns else None
    return {lang: _weekly_title(status, brand, yu7_week, lang) for lang in LANGUAGES}


def _capacity_words(row: pd.Series, lang: str) -> str:
    if lang == "zh":
        return str(row["as_printed"])
    meaning = str(row.get("qualifier_meaning", "") or "")
    value = number(row["value_mid"])
    return value if meaning in ("", "exact") else f"{meaning} {value}"


def capacity_words(figures: pd.DataFrame) -> dict[str, str]:
    """The article's "actual capacity" as words in each language: ``only about 10,000`` (en), or as printed,
    ``约1万辆`` (zh).  The monthly figure's title and legend say it so."""
    actual = figure_row(figures, FIGURE.actual_capacity)
    return {lang: _capacity_words(actual, lang) for lang in LANGUAGES}


def ratio_text(lo: float, hi: float, lang: str) -> str:
    """``2.2× to 2.8×`` (``2.2至2.8倍``): multiples at one decimal, as notebook 07's later evidence prints them
    (:func:`helpers.claims.later_rules.ratio_words`), so a figure and the notebook show the same numbers.

    >>> ratio_text(2.2487, 2.81, "en"), ratio_text(1.7985, 1.8, "en"), ratio_text(1.7985, 2.3, "zh")
    ('2.2× to 2.8×', '1.8×', '1.8至2.3倍')
    """
    a, b = f"{lo:.1f}", f"{hi:.1f}"
    if lang == "zh":
        return f"{a}倍" if a == b else f"{a}至{b}倍"
    return f"{a}×" if a == b else f"{a}× to {b}×"


def _monthly_title(m: Mapping[str, Any], capacity: str, lang: str) -> str:
    title = label("later_month_title", lang, first=format_month(m["first_month"], lang),
                  last=format_month(m["last_month"], lang), who=label(f"later_month_who_{m['scope']}", lang),
                  ratio=ratio_text(m["low"], m["high"], lang), capacity=capacity,
                  ratio_design=ratio_text(m["design_low"], m["design_high"], lang))
    brand = m["brand"]
    if brand:
        title = label("later_join_clauses", lang, head=title, tail=label(
            "later_month_tail_brand", lang, first=format_month(brand["first_month"], lang),
            last=format_month(brand["last_month"], lang), ratio=ratio_text(brand["low"], brand["high"], lang)))
    return title


def monthly_titles(monthly_deliveries: pd.DataFrame, figures: pd.DataFrame, events: pd.DataFrame | None = None,
                   series: str = BRAND_SERIES, reconciliation: pd.DataFrame | None = None) -> dict[str, str]:
    """The title of the monthly-deliveries figure in each language: the multiples of the article's capacities the
    months before the second model's deliveries (the SU7 alone) reached, at one decimal (:func:`ratio_text`), then
    the brand months after them (:func:`helpers.models.what_happened.capacity_multiples`).

    The figure is :func:`helpers.figures.what_happened.monthly_deliveries_figure` (same arguments).
    """
    m = what_happened.capacity_multiples(monthly_deliveries, figures, events, series, reconciliation)
    words = capacity_words(figures)
    return {lang: _monthly_title(m, words[lang], lang) for lang in LANGUAGES}


def _vintage_title(scored: pd.DataFrame, summary: Mapping[str, Any], fit_words: str, lang: str) -> str:
    sep = label("list_sep", lang)
    outcome = scored["outcome"].astype(str)
    misses = []
    for row in scored[outcome == scorecard.OUTSIDE].itertuples(index=False):
        if row.actual > row.pi95_high:
            misses.append(label("later_miss_above", lang, week=row.week, actual=number(row.actual), high=number(row.pi95_high)))
        else:
            misses.append(label("later_miss_below", lang, week=row.week, actual=number(row.actual), low=number(row.pi95_low)))
    holds = [label("later_hold", lang, week=row.week, actual=number(row.actual))
             for row in scored[outcome == scorecard.INSIDE].itertuples(index=False)]
    if misses:
        head = label("later_vintage_missed", lang, fit=fit_words, misses=sep.join(misses))
        if holds:
            return label("later_join_clauses", lang, head=head, tail=label("later_vintage_held_tail", lang, holds=sep.join(holds)))
        return head
    if holds:
        return label("later_vintage_held_all", lang, fit=fit_words, holds=sep.join(holds))
    return label("later_vintage_none", lang, fit=fit_words, vintage=summary["vintage"])


def vintage_titles(scored: pd.DataFrame, weekly_sales: pd.DataFrame) -> dict[str, str]:
    """The title of the vintage-scorecard figure in each language: the later weeks outside the 95% prediction
    interval of the trend the article's data gave, then those inside it
    (:func:`helpers.models.what_happened.scorecard_summary`); the fit is called the article's when every week it
    saw comes from the article.

    ``scored`` is :func:`helpers.models.what_happened.article_vintage_scorecard`; the figure is
    :func:`helpers.figures.what_happened.vintage_scorecard_figure` (same tables).
    """
    from helpers.models.trend import select_window

    summary = what_happened.scorecard_summary(scored)
    scored = what_happened.one_score_per_week(scored).sort_values("weeks_ahead", kind="mergesort").reset_index(drop=True)
    series, first_label, last_label = summary["series"], summary["fit_first_week"], summary["fit_last_week"]
    first, last = weeks.parse_week_label(first_label), weeks.parse_week_label(last_label)
    window = select_window(weekly_sales, series, last_label, weeks.weeks_between(first, last) + 1)
    seen = {(int(y), int(w)) for y, w in zip(window["iso_year"], window["iso_week"])}
    rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]
    rows = rows[[(int(y), int(w)) in seen for y, w in zip(rows["iso_year"], rows["iso_week"])]]
    from_article = bool(len(rows)) and (rows["source_id"].astype(str) == ARTICLE_SOURCE_ID).all()
    span, n = week_span(first_label, last_label), int(summary["fit_n_weeks"])
    out = {}
    for lang in LANGUAGES:
        fit_words = label("later_fit_article" if from_article else "later_fit_weeks", lang, n=n, span=span)
        out[lang] = _vintage_title(scored, summary, fit_words, lang)
    return out

"""The sentences of notebook 06 (figures): the headline of ``reports/summary.json`` and each figure's caveats."""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from helpers.claims.article_rules import INCONSISTENT, LAST_PLACE_WORDS, VERDICTS
from helpers.data.clean import figure_row
from helpers.formatting import format_month, md_literal, measure_words, number, plural, week_span
from helpers.data.roles import FIGURE, QUALITY_LISTS
from helpers.labels import LANGUAGES, label, name_of
from helpers.models import run_rate
from helpers.models import trend as trend_model

__all__ = [
    "labels_sentence",
    "findings_headline",
    "trend_caveats",
    "orders_caveats",
    "run_rate_caveats",
    "claims_caveats",
    "quality_caveats",
    "weekly_sales_titles",
    "orders_titles",
    "orders_subtitles",
    "orders_bars",
    "run_rate_titles",
    "claims_titles",
    "ordinal",
    "rank_words",
    "quality_titles",
]

#: The two order figures of the orders figure (``figure_id`` in ``figures.csv``), in the order drawn.
ORDER_FIGURES = (FIGURE.march_week_orders, FIGURE.may_fortnight_orders)
#: The complaint count of the quality list that puts the SU7 last.
QUALITY_COMPLAINTS = FIGURE.cqn_complaints
#: The series the figures are about (SU7 and SU7 Ultra together; :data:`helpers.figures.findings.SERIES`).
SERIES = "xiaomi_su7"
#: The two quality lists of the quality figure: (list key, score figure, rank figure), in the order drawn.


def labels_sentence(lang: str, series: str, as_of: str) -> str:
    """The language of the labels and the week the weekly sales of ``series`` run to.

    >>> print(labels_sentence("en", "xiaomi_su7", "2025-W23"))
    Labels in **en**; weekly sales of `xiaomi_su7` run to **2025-W23**.
    """
    return f"Labels in **{lang}**; weekly sales of `{series}` run to **{as_of}**."


def findings_headline(summary: Mapping[str, Any]) -> str:
    """The headline trend (from 03) and the audit's verdict counts (from 05), from ``reports/summary.json``.

    ``summary`` is :func:`helpers.report.summary.write_summary`'s dict: its
    ``trend`` (``slope_units_per_week``, ``slope_ci95``, ``n_weeks``, ``small_sample``, ...)
    and ``claims`` (one dict per claim, with its ``verdict``).

    >>> trend = {"series": "xiaomi_su7", "measure": "insurance_registrations", "model": "linear", "first_week": "2025-W16", "last_week": "2025-W19",
    ...          "n_weeks": 4, "slope_units_per_week": -730.0, "slope_ci95": [-1343.0, -117.0], "small_sample": True}
    >>> claims = [{"verdict": "consistent"}, {"verdict": "inconsistent"}, {"verdict": "consistent"}]
    >>> print(findings_headline({"trend": trend, "claims": claims}))
    **Headline.** Over 2025-W16–W19 the linear trend of weekly `xiaomi_su7` insurance registrations is **−730 units a week** (95% CI −1,343 to −117; n = 4 weeks, a small sample). The audit checked **3 claims**: 2 consistent, 1 inconsistent, 0 unverifiable.
    """
    trend = summary["trend"]
    lo, hi = trend["slope_ci95"]
    verdicts = [claim["verdict"] for claim in summary["claims"]]
    return (
        f"**Headline.** Over {week_span(trend['first_week'], trend['last_week'])} the {trend['model']} trend of weekly "
        f"`{trend['series']}` {measure_words(trend.get('measure'))} is **{number(trend['slope_units_per_week'])} units a week** "
        f"(95% CI {number(lo)} to {number(hi)}; n = {plural(trend['n_weeks'], 'week')}"
        + (", a small sample" if trend["small_sample"] else "") + "). "
        + ("The interval includes zero, so these weeks cannot rule out a flat trend. " if lo <= 0 <= hi else "")
        + f"The audit checked **{plural(len(verdicts), 'claim')}**: "
        + ", ".join(f"{number(verdicts.count(v))} {v}" for v in VERDICTS) + "."
    )


def trend_caveats(trend_fits: pd.DataFrame, series: str) -> str:
    """The caveats of the weekly-sales figure: n, degrees of freedom, R², the weeks without a figure.

    ``trend_fits`` is ``data/processed/trend/trend_fits.csv``; the linear fit of
    ``series`` is used (``missing_weeks`` is space-separated, empty when none).

    >>> fits = pd.DataFrame({"series": ["a", "a"], "model": ["linear", "log"], "n_weeks": [5, 5], "df_resid": [3, 3],
    ...                      "small_sample": [True, True], "r_squared": [0.456, 0.5], "missing_weeks": ["2025-W20", ""]})
    >>> print(trend_caveats(fits, "a"))
    **Caveats.** The line rests on **n = 5 weeks** (3 degrees of freedom), a small sample: one unusual week can swing the slope. R² = 0.46. Weeks without a figure: 2025-W20. The fan assumes the straight line goes on; it is a description of these weeks carried forward, not a forecast of what buyers will do.
    """
    fit = trend_fits[(trend_fits["series"] == series) & (trend_fits["model"] == "linear")].iloc[0]
    missing = str(fit["missing_weeks"]).split() if isinstance(fit["missing_weeks"], str) else []
    return (
        f"**Caveats.** The line rests on **n = {plural(int(fit['n_weeks']), 'week')}** "
        f"({plural(int(fit['df_resid']), 'degree')} of freedom)"
        + (", a small sample: one unusual week can swing the slope" if fit["small_sample"] else "")
        + f". R² = {number(fit['r_squared'], 2)}. "
        + (f"Weeks without a figure: {', '.join(missing)}. " if missing else "")
        + "The fan assumes the straight line goes on; it is a description of these weeks carried forward, "
        "not a forecast of what buyers will do."
    )


def orders_caveats(figures: pd.DataFrame) -> str:
    """The caveats of the orders figure: two printed figures, each over the weeks it covers.

    ``figures`` is the clean figures table (``period_weeks``, ``period_as_printed`` by ``figure_id``).

    >>> figures = pd.DataFrame({"figure_id": list(ORDER_FIGURES), "as_printed": ["2万辆", "1万辆"],
    ...                         "period_weeks": [1.0, 2.0], "period_as_printed": ["one week", "two weeks"]})
    >>> print(orders_caveats(figures))
    **Caveats.** These are **n = 2 printed figures**, 2万辆 over 1 week (one week) and 1万辆 over 2 weeks (two weeks). Dividing May's total by its weeks assumes both weeks were alike; the article gives no breakdown. One week of March need not be March's average.
    """
    orders = figures.set_index("figure_id").loc[list(ORDER_FIGURES)]
    return (
        f"**Caveats.** These are **n = {plural(len(orders), 'printed figure')}**, "
        + " and ".join(f"{md_literal(row.as_printed)} over {plural(int(row.period_weeks), 'week')} ({md_literal(row.period_as_printed)})"
                       for row in orders.itertuples())
        + ". Dividing May's total by its weeks assumes both weeks were alike; the article gives no "
        "breakdown. One week of March need not be March's average."
    )


def run_rate_caveats(comparison: pd.DataFrame, scenarios: pd.DataFrame) -> str:
    """The caveats of the run-rate figure: arithmetic, not an estimate; how many rates are one figure; the wait.

    ``comparison`` and ``scenarios`` are ``data/processed/run_rate/`` tables
    (``n_values`` per quantity; ``wait_weeks`` of the mid scenario).

    >>> comparison = pd.DataFrame({"quantity": ["design_capacity", "weekly_sales_mean"], "n_values": [1, 4]})
    >>> scenarios = pd.DataFrame({"scenario": ["low", "mid"], "supply_basis": ["design_capacity"] * 2,
    ...                           "wait_weeks": [50.0, 52.18]})
    >>> print(run_rate_caveats(comparison, scenarios))
    **Caveats.** This is **arithmetic on a handful of article figures, not an estimate**: there is no sampling error, only the spread between readings. 1 of the 2 rates is a single printed figure; the sales run-rate is the mean of 4 weeks. The wait (52.2 weeks) is one figure, printed with 将近 ('nearly'). Flows are held constant for the whole path, which no factory or order book does.
    """
    mid = scenarios[scenarios["scenario"] == "mid"]
    n_single = int((comparison["n_values"] == 1).sum())
    n_sales = int(comparison.set_index("quantity").loc["weekly_sales_mean", "n_values"])
    return (
        "**Caveats.** This is **arithmetic on a handful of article figures, not an estimate**: there is no "
        f"sampling error, only the spread between readings. {number(n_single)} of the {number(len(comparison))} rates "
        + ("is a single printed figure" if n_single == 1 else "are a single printed figure each")
        + f"; the sales run-rate is the mean of {plural(n_sales, 'week')}. "
        f"The wait ({number(mid['wait_weeks'].iloc[0], 1)} weeks) is one figure, printed with 将近 ('nearly'). "
        "Flows are held constant for the whole path, which no factory or order book does."
    )


def claims_caveats(audit: pd.DataFrame) -> str:
    """The caveats of the claims figure: one rule per claim; what *inconsistent* and *unverifiable* do not mean.

    >>> audit = pd.DataFrame({"claim_id": ["a", "b", "c"], "verdict": ["consistent", "inconsistent", "unverifiable"]})
    >>> print(claims_caveats(audit))
    **Caveats.** 3 claims, each judged by one rule with a stated tolerance (`helpers.claims.article_rules`). The 1 inconsistent one (`b`) is a pair of figures that cannot both hold as printed; the audit does not say which one is wrong. *Unverifiable* means the data hold nothing to check the claim against, not that it is false.
    """
    inconsistent = audit.loc[audit["verdict"] == INCONSISTENT, "claim_id"].tolist()
    if inconsistent:
        one = len(inconsistent) == 1
        pairs = (f"The {number(len(inconsistent))} inconsistent {'one' if one else 'ones'} "
                 f"({', '.join(f'`{c}`' for c in inconsistent)}) {'is a pair' if one else 'are pairs'} of figures that "
                 "cannot both hold as printed; the audit does not say which one is wrong. ")
    else:
        pairs = "No two figures were found that cannot both hold as printed. "
    return (
        f"**Caveats.** {plural(len(audit), 'claim')}, each judged by one rule with a stated tolerance "
        f"(`helpers.claims.article_rules`). {pairs}"
        "*Unverifiable* means the data hold nothing to check the claim against, not that it is false."
    )


def quality_caveats(figures: pd.DataFrame) -> str:
    """The caveats of the quality figure: one score and one place per list, and how few complaints the worst rests on.

    >>> figures = pd.DataFrame({"figure_id": [QUALITY_COMPLAINTS], "value_mid": [7.0]})
    >>> print(quality_caveats(figures))
    **Caveats.** One score and one place per list (**n = 1 each**). Neither list's length nor its scoring method is in the data, so 'last' cannot be turned into a rank number. The list that puts the SU7 last shows only 7 complaints in three months (which three is not stated).
    """
    complaints = figures.set_index("figure_id").loc[QUALITY_COMPLAINTS, "value_mid"]
    return (
        "**Caveats.** One score and one place per list (**n = 1 each**). Neither list's length nor its scoring "
        "method is in the data, so 'last' cannot be turned into a rank number. The list that puts the SU7 last "
        f"shows only {number(complaints)} complaints in three months (which three is not stated)."
    )


# --------------------------------------------------------------------------- the figures' titles (labels.toml)


def _series_name(series: str, lang: str) -> str:
    return name_of("series", series, lang)


def _pct(x: float) -> str:
    """A whole-number magnitude of a percentage, e.g. 70.65 → ``"71"``."""
    return number(abs(x), 0)


def _weekly_title(fit: pd.Series, changes: Mapping[str, int], series: str, model: str, lang: str) -> str:
    falls, rises, n_changes = changes["falls"], changes["rises"], changes["changes"]
    n = int(fit["n_weeks"])
    span = week_span(str(fit["first_week"]), str(fit["last_week"]))
    who = _series_name(series, lang)
    ci_lo, ci_hi = float(fit["slope_ci95_low"]), float(fit["slope_ci95_high"])
    if ci_hi < 0 and n_changes >= 2 and falls == n_changes:
        head = label("sales_head_fell_each", lang, series=who, changes=n_changes)
    elif ci_hi < 0:
        head = label("sales_head_falling", lang, series=who, span=span)
    elif ci_lo > 0 and n_changes >= 2 and rises == n_changes:
        head = label("sales_head_rose_each", lang, series=who, changes=n_changes)
    elif ci_lo > 0:
        head = label("sales_head_rising", lang, series=who, span=span)
    else:
        head = label("sales_head_no_trend", lang, series=who, span=span)
    if model == "log":
        detail = label("sales_detail_log", lang, pct=number(fit["pct_change_per_week"], 1),
                       lo=number(fit["pct_change_ci95_low"], 1), hi=number(fit["pct_change_ci95_high"], 1), n=n)
    else:
        detail = label("sales_detail_linear", lang, slope=number(float(fit["slope"])), lo=number(fit["slope_ci95_low"]),
                       hi=number(fit["slope_ci95_high"]), n=n)
    return label("join_title", lang, head=head, detail=detail)


def weekly_sales_titles(weekly_sales: pd.DataFrame, trend_fits: pd.DataFrame, series: str = SERIES,
                        model: str = "linear") -> dict[str, str]:
    """The title of the weekly-sales figure in each language: whether the trend of ``series`` fell or rose (each
    week, when every change in the window did), then its slope, the 95% interval and n.

    ``trend_fits`` is notebook 03's table (:func:`helpers.models.trend.one_fit` picks the row); the week-to-week
    changes are :func:`helpers.models.trend.window_changes`.
    """
    fit = trend_model.one_fit(trend_fits, series, model)
    changes = trend_model.window_changes(weekly_sales, fit, series)
    return {lang: _weekly_title(fit, changes, series, model, lang) for lang in LANGUAGES}


def _orders_title(intake: Mapping[str, Any], series: str, lang: str) -> str:
    before, after = intake["rows"]
    week_change = intake["per_week_change"]
    return label("orders_title", lang, series=_series_name(series, lang), per_week_pct=_pct(week_change),
                 before=number(before["total"]), after_per_week=number(after["per_week"]),
                 after_total=number(after["total"]), total_pct=_pct(intake["total_change"]),
                 from_period=format_month(str(before["figure"]["period"]), lang),
                 to_period=format_month(str(after["figure"]["period"]), lang),
                 direction=label("orders_fell" if week_change < 0 else "orders_rose", lang))


def orders_titles(figures: pd.DataFrame, series: str = SERIES) -> dict[str, str]:
    """The title of the orders figure in each language: how much order intake per week changed from the March week
    to May's two weeks (:func:`helpers.models.run_rate.order_intake`)."""
    intake = run_rate.order_intake(figures)
    return {lang: _orders_title(intake, series, lang) for lang in LANGUAGES}


def _bar_period(row: Mapping[str, Any], lang: str) -> str:
    """The period an order total covers, as its bar says it: the month in English, as printed in Chinese."""
    figure = row["figure"]
    return format_month(str(figure["period"]), lang) if lang == "en" else str(figure["period_as_printed"])


def _weeks_words(n: int, lang: str) -> str:
    """``1 week``, ``2 weeks`` (``2周``): how many weeks an order total covers."""
    return label("orders_weeks", lang, n=n, plural="" if n == 1 else "s")


def orders_subtitles(figures: pd.DataFrame) -> dict[str, str]:
    """The subtitle of the orders figure in each language: the period and the weeks each printed total covers
    (:func:`helpers.models.run_rate.order_intake`), and that there are two figures and no weekly breakdown.

    >>> figures = pd.DataFrame({"figure_id": list(ORDER_FIGURES), "value_mid": [20000.0, 10000.0],
    ...     "period_weeks": [1.0, 2.0], "period": ["2025-03", "2025-05"], "period_as_printed": ["3月第二周", "5月前两周"]})
    >>> subtitles = orders_subtitles(figures)
    >>> print(subtitles["en"])  # doctest: +NORMALIZE_WHITESPACE
    Each bar is one printed figure: Mar 2025 covers 1 week, May 2025 covers 2 weeks
    (n = 2 figures, no weekly breakdown).
    >>> print(subtitles["zh"])
    每根柱子是原文的一个数字:3月第二周为1周,5月前两周为2周(共2个数字,没有逐周数据)。
    """
    intake = run_rate.order_intake(figures)
    before, after = intake["rows"]
    return {lang: label("orders_subtitle", lang, before_period=_bar_period(before, lang),
                        before_weeks=_weeks_words(before["weeks"], lang), after_period=_bar_period(after, lang),
                        after_weeks=_weeks_words(after["weeks"], lang))
            for lang in LANGUAGES}


def orders_bars(figures: pd.DataFrame) -> dict[str, list[str]]:
    """The words under each bar of the orders figure in each language, the March week first: the period and the
    weeks the printed total covers (``Mar 2025`` over ``(1 week)``)."""
    intake = run_rate.order_intake(figures)
    return {lang: [label("orders_bar", lang, period=_bar_period(row, lang), weeks=_weeks_words(row["weeks"], lang))
                   for row in intake["rows"]]
            for lang in LANGUAGES}


def _run_rate_title(mid: pd.DataFrame, sales_span: Mapping[str, str] | None, lang: str) -> str:
    sales_weeks = float(mid.loc["sales_run_rate", "weeks_to_clear"])
    actual_weeks = float(mid.loc["actual_capacity", "weeks_to_clear"])
    if math.isinf(actual_weeks) and sales_span is not None:
        return label("rr_title_never_range", lang, capacity=number(mid.loc["actual_capacity", "supply_per_week"]),
                     inflow=number(mid.loc["actual_capacity", "net_inflow_per_week"]), **sales_span)
    if math.isinf(actual_weeks):
        return label("rr_title_never", lang, capacity=number(mid.loc["actual_capacity", "supply_per_week"]),
                     inflow=number(mid.loc["actual_capacity", "net_inflow_per_week"]), weeks=number(sales_weeks))
    return label("rr_title_clears", lang, weeks=number(sales_weeks),
                 weeks_design=number(mid.loc["design_capacity", "weeks_to_clear"]))


def run_rate_titles(scenarios: pd.DataFrame, clearance_ranges: pd.DataFrame | None = None) -> dict[str, str]:
    """The title of the run-rate figure in each language: whether the backlog ever clears at the article's "actual
    capacity", and when at the sales run-rate (the range over the plausible inputs when ``clearance_ranges`` dates
    it, :func:`helpers.models.run_rate.clearance_span`), all at the mid scenario of the default reading."""
    scenarios = run_rate.default_reading(scenarios)
    mid = scenarios[scenarios["scenario"].astype(str) == "mid"].set_index("supply_basis")
    span = run_rate.clearance_span(clearance_ranges, "sales_run_rate")
    words = None if span is None else {"low": number(span["low"]), "high": number(span["high"]), "n": number(span["n"])}
    return {lang: _run_rate_title(mid, words, lang) for lang in LANGUAGES}


def claims_titles(audit: pd.DataFrame) -> dict[str, str]:
    """The title of the claims figure in each language: how many numeric claims, and how many of each verdict.

    >>> claims_titles(pd.DataFrame({"verdict": ["consistent", "inconsistent", "consistent"]}))["en"][:32]
    'Of 3 numeric claims, 2 agree wit'
    """
    counts = {v: int((audit["verdict"].astype(str) == v).sum()) for v in VERDICTS}
    return {lang: label("claims_title", lang, n=len(audit), **counts) for lang in LANGUAGES}


def ordinal(n: int, lang: str = "en") -> str:
    """``2`` → ``"2nd"`` (en) or ``"排名第2"`` (zh).

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return label("quality_rank_n", lang, n=n, suffix=suffix)


def _rank_words(row: pd.Series, lang: str) -> str:
    if str(row["as_printed"]) in LAST_PLACE_WORDS or pd.isna(row["value_mid"]):
        return label("quality_rank_last", lang)
    return ordinal(int(float(row["value_mid"])), lang)


def rank_words(figures: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The SU7's place on each quality list in words, by language then list key (``cqn``, ``czw``): ``last`` for a
    printed 垫底 (no number), else ``2nd`` (``排名第2``).  The quality figure's badges and title say it so."""
    return {lang: {key: _rank_words(figure_row(figures, rank_id), lang) for key, _, rank_id in QUALITY_LISTS}
            for lang in LANGUAGES}


def _quality_title(figures: pd.DataFrame, ranks: Mapping[str, str], series: str, lang: str) -> str:
    parts = {}
    for key, score_id, _ in QUALITY_LISTS:
        value = float(figure_row(figures, score_id)["value_mid"])
        parts[key] = {"list": label(f"quality_list_{key}", lang), "score": number(value, 0 if value >= 100 else 1),
                      "rank": ranks[key]}
    a, b = parts["cqn"], parts["czw"]
    return label("quality_title", lang, series=_series_name(series, lang), rank_a=a["rank"], list_a=a["list"],
                 score_a=a["score"], rank_b=b["rank"], list_b=b["list"], score_b=b["score"])


def quality_titles(figures: pd.DataFrame, series: str = SERIES) -> dict[str, str]:
    """The title of the quality figure in each language: the two lists' places and scores side by side
    (冰火两重天), the places as :func:`rank_words` says them."""
    ranks = rank_words(figures)
    return {lang: _quality_title(figures, ranks[lang], series, lang) for lang in LANGUAGES}

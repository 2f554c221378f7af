"""Sentences of notebook 08 (Xiaomi against the market and the calendar), built from its results.

Numbers come from :mod:`helpers.models.brand_changes` and, for the calendar, from the summary key
``calendar_specifications`` (:func:`helpers.models.calendar_specifications.specifications_summary`); this
module only words them.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from helpers.data import weeks
from helpers.formatting import number, plural, signed_percent, week_runs, week_span
from helpers.labels import LANGUAGES, label, name_of
from helpers.models.brand_changes import COMPARISONS
from helpers.models.market_share import MEASURE, SMALL_SAMPLE_WEEKS, ShareComparison

__all__ = ["share_sentences", "brand_change_sentences", "left_out_sentence", "months_beside_weeks_sentence", "MEASURES_SENTENCE",
           "calendar_range_sentence", "share_titles", "share_subtitles", "brand_set_names", "specifications_titles"]

#: What each comparison is, in words: the models' own description (one home for it).
_MEANINGS = {c.name: c.meaning for c in COMPARISONS}


def _brand_words(brands: str, series: str) -> str:
    others = [name_of("brand", b) for b in brands.split(";") if b != series]
    return ", ".join(others) if others else "no other brand"


def _calendar_notes(calendar_weeks: pd.DataFrame, labels: Sequence[str]) -> list[str]:
    wanted = set(labels)
    rows = calendar_weeks[[str(w) in wanted for w in calendar_weeks["week"]]]
    rows = rows.sort_values(["iso_year", "iso_week"], kind="mergesort")
    holiday = [f"{w} ({plural(int(d), 'holiday day')}{', ' + str(h).replace('_', ' ') if str(h) else ''})"
               for w, d, h in zip(rows["week"], rows["holiday_days"], rows["holidays"]) if int(d) > 0]
    month_end = [f"{w} (end of {m})" for w, e, m in zip(rows["week"], rows["month_end"], rows["month_end_of"]) if bool(e)]
    notes = []
    notes.append(f"Holiday weeks among them: {', '.join(holiday)}." if holiday else "None of these weeks has a holiday.")
    notes.append(f"Month-end weeks among them: {', '.join(month_end)}." if month_end
                 else "None of these weeks holds a month end.")
    return notes


def share_sentences(comparison: ShareComparison, calendar_weeks: pd.DataFrame | None = None) -> list[str]:
    """Sentences on :func:`helpers.models.market_share.share_vs_market`'s answer, every number taken from ``comparison``.

    Names the measure and the brand set, says which weeks were left out, which
    weeks hold a holiday or a month end (with ``calendar_weeks``), and that the
    sample is small.

    >>> table = pd.DataFrame({"week": ["2025-W16", "2025-W17"], "iso_year": 2025, "iso_week": [16, 17], "series": "x",
    ...     "units": [10, 8], "brands": "a;x", "other_units": [90, 92], "total_units": [100, 100], "share": [0.1, 0.08]})
    >>> from helpers.models.market_share import share_vs_market
    >>> share_sentences(share_vs_market(table, "2025-W16", "2025-W17"))[0]
    'Measure: weekly insurance registrations; the market is the fixed brand set a (plus x), summed only in weeks where every one of them is printed.'
    """
    c = comparison
    who = name_of("later_series", c.series)
    span = week_span(c.first_week, c.last_week)
    arrow = week_span(c.first_week, c.last_week, "\N{RIGHTWARDS ARROW}")

    def direction(fell: bool, first: float, last: float) -> str:
        if first == last:
            return "did not change"
        return "fell" if fell else "rose"

    sentences = [
        f"Measure: weekly {MEASURE}; the market is the fixed brand set {_brand_words(c.brands, c.series)} "
        f"(plus {who}), summed only in weeks where every one of them is printed.",
        f"{who} {direction(c.xiaomi_fell, c.units_first, c.units_last)} {arrow}, from {number(c.units_first)} "
        f"to {number(c.units_last)} ({signed_percent(c.units_change)}).",
        f"The other brands of the set {direction(c.others_fell, c.others_first, c.others_last)}, from "
        f"{number(c.others_first)} to {number(c.others_last)} ({signed_percent(c.others_change)}); the set's total "
        f"with Xiaomi {direction(c.total_fell, c.total_first, c.total_last)}, from {number(c.total_first)} to "
        f"{number(c.total_last)} ({signed_percent(c.total_change)}).",
        f"Xiaomi's share of the set {direction(c.share_fell, c.share_first, c.share_last)}, from "
        f"{number(100 * c.share_first, 1)}% to {number(100 * c.share_last, 1)}% "
        f"({'+' if c.share_change_pp > 0 else ''}{number(c.share_change_pp, 1)} percentage points).",
    ]
    if c.weeks_left_out:
        sentences.append(f"Left out (a brand of the set not printed, never filled): {week_runs(c.weeks_left_out, last=' and ')}.")
    trend = c.trend
    if trend.slope_ci95 is not None:
        lo, hi = trend.slope_ci95
        verdict = ("The interval excludes zero." if lo > 0 or hi < 0
                   else "The interval includes zero: these weeks cannot rule out a flat share.")
        sentences.append(
            f"Log-odds trend of the share over {plural(trend.n_weeks, 'week')} {span}: "
            f"{number(trend.slope, 3)} a week (95% CI {number(lo, 3)} to {number(hi, 3)}), an odds ratio of "
            f"{number(trend.odds_ratio_per_week, 3)} a week. {verdict}")
        c_lo, c_hi = trend.log_odds_change_ci95
        sentences.append(
            f"Over the {plural(trend.span_weeks, 'week')} from {c.first_week} to {c.last_week} the fitted odds of a "
            f"registration being Xiaomi's change by {signed_percent(math.expm1(trend.log_odds_change))} "
            f"(95% CI {signed_percent(math.expm1(c_lo))} to {signed_percent(math.expm1(c_hi))}).")
    else:
        sentences.append(f"Only {plural(trend.n_weeks, 'week')} with a share in {span}: no interval can be given.")
    if c.small_sample:
        sentences.append(
            f"Small sample: n = {plural(trend.n_weeks, 'week')} (fewer than {SMALL_SAMPLE_WEEKS}), "
            f"{plural(trend.df_resid, 'degree')} of freedom; the weeks' figures come from different lists. "
            "Read this as a description of these weeks, not as a test.")
    if calendar_weeks is not None:
        sentences.extend(_calendar_notes(calendar_weeks, c.weeks_used))
    return sentences


def _change_list(changes: pd.DataFrame) -> str:
    peers = changes[~changes["is_xiaomi"]].sort_values("change", kind="mergesort")
    return ", ".join(f"{name_of('brand', r.brand)} {signed_percent(r.change)}" for r in peers.itertuples())


def brand_change_sentences(changes: pd.DataFrame, spread: pd.DataFrame, expected: Iterable[str] = tuple(_MEANINGS)) -> str:
    """One paragraph per comparison: Xiaomi's change, the peers' changes and pooled change, and the test's answer.

    A comparison of ``expected`` that the data cannot make gets a sentence saying so.

    >>> changes = pd.DataFrame({"comparison": "article_weeks", "brand": ["xiaomi", "byd", "li_auto", "tesla_china"],
    ...     "is_xiaomi": [True, False, False, False], "change": [-0.278, 0.207, -0.068, -0.544]})
    >>> spread = pd.DataFrame({"comparison": ["article_weeks"], "first_week": ["2025-W16"], "last_week": ["2025-W19"],
    ...     "n_peers": [3], "xiaomi_change": [-0.278], "peers_pooled_change": [0.082], "peers_below_xiaomi": [1],
    ...     "xiaomi_excess_log": [-0.2], "excess_low": [-1.6], "excess_high": [1.3], "within_spread": [True]})
    >>> print(brand_change_sentences(changes, spread, expected=["article_weeks"]))
    **The article's weeks (2025-W16→W19).** Xiaomi −27.8%; the 3 other brands printed at both ends: Tesla China −54.4%, Li Auto −6.8%, BYD +20.7% (together +8.2%). 1 of 3 fell further than Xiaomi. Xiaomi's change lies **within the spread** of the others: its excess over their mean, −18.1% (95% interval −79.8% to +266.9%), holds zero. With 3 brands the interval is wide: a difference smaller than that cannot be told from the brands' own spread.
    """
    paragraphs = []
    for row in spread.to_dict("records"):
        name = str(row["comparison"])
        mine = changes[changes["comparison"] == name]
        head = (f"**{_MEANINGS.get(name, name)[0].upper() + _MEANINGS.get(name, name)[1:]} "
                f"({week_span(row['first_week'], row['last_week'], sep=chr(0x2192))}).** ")
        n = int(row["n_peers"])
        if math.isnan(float(row["xiaomi_change"])):
            paragraphs.append(head + f"Xiaomi is not printed at both ends; the {plural(n, 'brand')} that are: "
                              f"{_change_list(mine)} (together {signed_percent(row['peers_pooled_change'])}).")
            continue
        text = head + f"Xiaomi {signed_percent(row['xiaomi_change'])}; "
        if n == 0:
            paragraphs.append(text + "no other brand is printed at both ends, so there is nothing to compare it with.")
            continue
        text += (f"the {plural(n, 'other brand')} printed at both ends: {_change_list(mine)} "
                 f"(together {signed_percent(row['peers_pooled_change'])}). "
                 f"{number(row['peers_below_xiaomi'])} of {number(n)} fell further than Xiaomi.")
        within = row["within_spread"]
        if within is pd.NA or (isinstance(within, float) and math.isnan(within)) or n < 3:
            text += f" With {plural(n, 'other brand')}, no interval is given: at least 3 are needed."
        else:
            excess, low, high = (math.expm1(float(row[k])) for k in ("xiaomi_excess_log", "excess_low", "excess_high"))
            where = "**within the spread**" if bool(within) else "**outside the spread**"
            text += (f" Xiaomi's change lies {where} of the others: its excess over their mean, {signed_percent(excess)} "
                     f"(95% interval {signed_percent(low)} to {signed_percent(high)}), "
                     f"{'holds' if bool(within) else 'excludes'} zero.")
            if bool(within):
                text += (f" With {number(n)} brands the interval is wide: a difference smaller than that "
                         "cannot be told from the brands' own spread.")
        paragraphs.append(text)
    weeks_of = {c.name: (c.first_week, c.last_week) for c in COMPARISONS}
    missing = [c for c in expected if c not in set(spread["comparison"].astype(str))]
    for name in missing:
        meaning = _MEANINGS.get(name, name)
        first, last = weeks_of.get(name, ("its first week", "its last week"))
        paragraphs.append(f"**{meaning[0].upper() + meaning[1:]}:** cannot be made: no weekly list in the data "
                          f"prints any brand in both {first} and {last}. The lists of those two weeks would allow it.")
    return "\n\n".join(paragraphs)


def left_out_sentence(left: pd.DataFrame) -> str:
    """The brands a comparison leaves out, by plain name, grouped by why, one line per comparison (empty when none is).

    >>> left = pd.DataFrame({"comparison": ["article_weeks"] * 3, "brand": ["zeekr", "aito", "nio_brand"],
    ...     "reason": ["not printed in 2025-W16", "not printed in 2025-W16", "counts some of the same cars as nio_group"]})
    >>> print(left_out_sentence(left))
    Left out of the article's weeks: Zeekr and AITO (not printed in 2025-W16); NIO (brand) (counts some of the same cars as NIO (group)).
    """
    lines = []
    for name, group in left.groupby("comparison", sort=False):
        reasons = []
        for reason, brands in group.groupby("reason", sort=False):
            names = [name_of("brand", b) for b in brands["brand"].astype(str)]
            words = str(reason)
            prefix = "counts some of the same cars as "
            if words.startswith(prefix):
                words = prefix + ", ".join(name_of("brand", b.strip()) for b in words[len(prefix):].split(","))
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            reasons.append(f"{listed} ({words})")
        lines.append(f"Left out of {_MEANINGS.get(str(name), str(name)).split(' (')[0]}: {'; '.join(reasons)}.")
    return "\n\n".join(lines)


#: What the weekly figures measure, said wherever the answer "Xiaomi's or the market's" is given.
MEASURES_SENTENCE = (
    "What the weekly figures measure: every brand's are insurance registrations, but they do not record the same "
    "thing. Xiaomi delivered against a backlog of orders, so its registrations follow what the factory built and "
    "shipped (a factory holiday moves them); BYD, the largest brand beside it, sells from dealers' stock, so its "
    "registrations follow buyers. A weekly dip in Xiaomi's figures can be a dip in supply as much as in demand, and "
    "registrations alone cannot tell the two apart: weekly order intake (new orders and cancellations) would.")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def months_beside_weeks_sentence(months: pd.DataFrame) -> str:
    """Each month holding the window's weeks: its deliveries, its known weeks, and what the rest of it averaged a week.

    >>> months = pd.DataFrame({"year": [2025], "month": [5], "weeks_in_window": ["2025-W19"],
    ...     "weeks_known": ["2025-W19"], "weekly_units": [5200.0], "monthly_units": [28000], "monthly_bound": ["lower"],
    ...     "rest_days": [24], "rest_per_week": [6650.0], "lowest_week_in_window": ["2025-W19"],
    ...     "lowest_week_units": [5200.0]})
    >>> print(months_beside_weeks_sentence(months))
    **Beside Xiaomi's own monthly deliveries.** May 2025: more than 28,000 delivered; the weeks wholly inside it that are known (2025-W19) registered 5,200, so the other 24 days averaged more than 6,650 a week, above 2025-W19's 5,200: the dip did not last the month. This holds if the weekly registrations and the monthly deliveries count the same cars; they are close but not the same measure.
    """
    if months.empty:
        return ("**Beside Xiaomi's own monthly deliveries.** No month holding these weeks has both a deliveries "
                "figure and a known week wholly inside it, so the weeks cannot be set against a month.")
    parts = []
    for r in months.to_dict("records"):
        more = "more than " if r["monthly_bound"] == "lower" else ""
        text = (f"{_MONTHS[int(r['month']) - 1]} {int(r['year'])}: {more}{number(r['monthly_units'])} delivered; "
                f"the weeks wholly inside it that are known ({week_runs(str(r['weeks_known']).split('; '))}) "
                f"registered {number(r['weekly_units'])}, so the other {plural(int(r['rest_days']), 'day')} averaged "
                f"{more}{number(r['rest_per_week'])} a week")
        lowest = str(r.get("lowest_week_in_window") or "")
        if lowest:
            above = float(r["rest_per_week"]) > float(r["lowest_week_units"])
            if above:
                text += f", above {lowest}'s {number(r['lowest_week_units'])}: the dip did not last the month"
            elif more:  # a floor below the week: the rest may lie on either side of it
                text += (f"; that floor is below {lowest}'s {number(r['lowest_week_units'])}, so the month "
                         "cannot say whether the rest of it was higher or lower")
            else:
                text += f", below {lowest}'s {number(r['lowest_week_units'])}: the month was lower still outside the known weeks"
        parts.append(text + ".")
    return ("**Beside Xiaomi's own monthly deliveries.** " + " ".join(parts)
            + " This holds if the weekly registrations and the monthly deliveries count the same cars; "
              "they are close but not the same measure.")


# --------------------------------------------------------------------------- the calendar (issue 24, item 3)

#: What the calendar may explain, in the order the sentence lists them, each worded the same way.
_SHARE_WORDS = (("allows_none", "none"), ("allows_part", "part"), ("allows_all", "all"))


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def calendar_range_sentence(summary: Mapping[str, Any]) -> str:
    """The calendar's part of the dip as the range across specifications, worded symmetrically (none, part, all).

    ``summary`` is the ``calendar_specifications`` key of notebook 08's summary.
    No single percentage is given unless the specifications agree within their
    declared tolerance; each of none, part and all of the dip is said to be allowed
    or not by the same test (0%, a value between 0% and 100%, 100% inside the span of
    the 95% intervals).

    >>> s = {"from_week": "2025-W16", "to_week": "2025-W19", "n_specs": 8, "n_declared": 8, "not_fitted": [],
    ...      "percent_low": 25.6, "percent_high": 69.7, "interval_low": 1.3, "interval_high": 120.1,
    ...      "tolerance_pp": 20.0, "agree": False, "headline_percent": None,
    ...      "allows_none": False, "allows_part": True, "allows_all": True}
    >>> print(calendar_range_sentence({**s, "drop_one_low": 7.2, "drop_one_high": 109.5}))
    Learnt from other holidays (the other brands' weeks outside 2025-W16-W19) and applied to those weeks, the calendar accounts for 26% to 70% of Xiaomi's log fall from 2025-W16 to 2025-W19, depending on the specification (8 specifications; their 95% intervals together run from 1% to 120%). Leaving out any one week of a specification's fit moves its share between 7% and 110%. The specifications differ by more than 20 percentage points, so no single percentage is given. On these intervals the calendar may explain part or all of the dip; they rule out that it explains none of it. Pooled fits' intervals are clustered by week (the brands of one week share its shocks), and the model was written down after the data had been seen (docs/calendar-model.md): read the range, not any one interval.
    """
    first, last = str(summary["from_week"]), str(summary["to_week"])
    span = week_span(first, last, "-")
    n, declared = int(summary["n_specs"]), int(summary["n_declared"])
    low, high = number(summary["percent_low"]), number(summary["percent_high"])
    i_low, i_high = number(summary["interval_low"]), number(summary["interval_high"])
    tolerance = number(summary["tolerance_pp"])
    amount = f"{low}%" if low == high else f"{low}% to {high}%"
    text = (f"Learnt from other holidays (the other brands' weeks outside {span}) and applied to those weeks, the "
            f"calendar accounts for {amount} of Xiaomi's log fall from {first} to {last}, depending on the "
            f"specification ({plural(n, 'specification')}; their 95% intervals together run from {i_low}% to {i_high}%).")
    if declared > n:
        text += (f" {plural(declared - n, 'declared specification')} could not be fitted "
                 f"({', '.join(summary.get('not_fitted', []))}).")
    if summary.get("drop_one_low") is not None and summary.get("drop_one_high") is not None:
        text += (f" Leaving out any one week of a specification's fit moves its share between "
                 f"{number(summary['drop_one_low'])}% and {number(summary['drop_one_high'])}%.")
    if summary["agree"]:
        text += (f" The specifications agree within {tolerance} percentage points: about "
                 f"{number(summary['headline_percent'])}%.")
    else:
        text += (f" The specifications differ by more than {tolerance} percentage points, so no single percentage "
                 "is given.")
    allowed = [word for key, word in _SHARE_WORDS if summary[key]]
    ruled_out = [word for key, word in _SHARE_WORDS if not summary[key]]
    if allowed:
        text += f" On these intervals the calendar may explain {_or_list(allowed)} of the dip"
        text += f"; they rule out that it explains {_or_list(ruled_out)} of it." if ruled_out else "."
    else:
        text += " The intervals lie outside 0% to 100%: the calendar would move these weeks the other way."
    text += (" Pooled fits' intervals are clustered by week (the brands of one week share its shocks), and the "
             "model was written down after the data had been seen (docs/calendar-model.md): read the range, not "
             "any one interval.")
    return text


# --------------------------------------------------------------------------- the figures' titles (labels.toml)


def _pct(share: float) -> str:
    """A share (0..1) as a percentage with one decimal: 0.113386 → ``"11.3%"``."""
    return f"{number(100 * share, 1)}%"


def _others(brands: str, series: str) -> list[str]:
    return [b for b in str(brands).split(";") if b and b != series]


def _joined(names: list[str], lang: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``a、b和c``)."""
    if not names:
        return label("mkt_no_brand", lang)
    if len(names) == 1:
        return names[0]
    return label("mkt_and", lang, head=label("list_sep", lang).join(names[:-1]), last=names[-1])


def _set_names(brands: str, series: str, lang: str) -> str:
    """``Xiaomi + BYD + Tesla China``: the set a share is of, Xiaomi first."""
    return " + ".join([name_of("mkt_xiaomi", series, lang)] + [name_of("brand", b, lang) for b in _others(brands, series)])


def _share_title(c: ShareComparison, lang: str) -> str:
    others = _others(c.brands, c.series)
    if c.share_last == c.share_first:
        share_dir = label("mkt_share_flat", lang)
    else:
        share_dir = label("mkt_share_fell", lang) if c.share_fell else label("mkt_share_rose", lang)
    if c.others_last == c.others_first:
        others_dir = label("mkt_others_flat", lang)
    else:
        others_dir = label("mkt_others_fell", lang) if c.others_fell else label("mkt_others_rose", lang)
    values = {"set": _set_names(c.brands, c.series, lang), "first": _pct(c.share_first), "last": _pct(c.share_last),
              "span": week_span(c.first_week, c.last_week),
              "others": _joined([name_of("brand", b, lang) for b in others if b], lang),
              "share_dir": share_dir, "others_dir": others_dir, "pct": number(100 * abs(c.others_change), 0)}
    if c.others_last == c.others_first:
        return label("mkt_title_others_flat", lang, **values)
    return label("mkt_title", lang, **values)


def share_titles(comparison: ShareComparison) -> dict[str, str]:
    """The title of the market-share figure in each language: Xiaomi's share of the article's brand set from the
    first to the last week, and what the other brands did.

    ``comparison`` is :func:`helpers.models.market_share.share_vs_market` of the article's weeks (what
    :func:`helpers.figures.market.market_share_figure` draws as ``article_share``).
    """
    return {lang: _share_title(comparison, lang) for lang in LANGUAGES}


def brand_set_names(*tables: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Language -> brand set (a ``brands`` cell of a share table, ``byd;tesla_china;xiaomi_all``) -> its name,
    Xiaomi first (``Xiaomi + BYD + Tesla China``): every set the tables
    (:func:`helpers.models.market_share.market_share`) hold, as the market-share figure's legend names them.

    >>> names = brand_set_names(pd.DataFrame({"series": ["xiaomi_all"], "brands": ["byd;tesla_china;xiaomi_all"]}))
    >>> names["en"]["byd;tesla_china;xiaomi_all"], names["zh"]["byd;tesla_china;xiaomi_all"]
    ('Xiaomi + BYD + Tesla China', '小米汽车 + 比亚迪 + 特斯拉中国')
    """
    sets = dict.fromkeys((str(b), str(s)) for t in tables for b, s in zip(t["brands"], t["series"]))
    return {lang: {brands: _set_names(brands, series, lang) for brands, series in sets} for lang in LANGUAGES}


def _pairs(table: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(y), int(w)) for y, w in zip(table["iso_year"], table["iso_week"])]


def _share_subtitle(c: ShareComparison, line_set: str, counts: Mapping[str, int], no_share: list[str],
                    lang: str) -> str:
    others = _others(c.brands, c.series)
    notes = [label("mkt_method", lang),
             label("mkt_line_set", lang, set=_set_names(line_set, c.series, lang), n=counts["line"],
                   total=counts["weeks"]),
             label("mkt_article_set" if len(others) != 1 else "mkt_article_set_one", lang,
                   span=week_span(c.first_week, c.last_week),
                   others=_joined([name_of("brand", b, lang) for b in others if b], lang), n=counts["article"])]
    trend = c.trend
    if trend.slope_ci95 is not None:
        lo, hi = trend.slope_ci95
        notes.append(label("mkt_trend", lang, slope=number(trend.slope, 3), lo=number(lo, 3), hi=number(hi, 3),
                           n=trend.n_weeks))
    if c.small_sample:
        notes.append(label("mkt_small_sample", lang, n=trend.n_weeks, df=trend.df_resid))
    if no_share:
        notes.append(label("mkt_no_share", lang, weeks=week_runs(no_share)))
    return label("sentence_sep", lang).join(notes)


def share_subtitles(share: pd.DataFrame, article_share: pd.DataFrame, comparison: ShareComparison) -> dict[str, str]:
    """The subtitle of the market-share figure in each language: what the share is of, the brand set of the line and
    in how many weeks it was printed together, the article's weeks against their own set, the log-odds trend of
    that share, a small sample called small, and the weeks without a share.

    ``share`` and ``article_share`` are the figure's tables (:func:`helpers.models.market_share.market_share` over
    every Xiaomi week, and over the article's weeks); ``comparison`` is
    :func:`helpers.models.market_share.share_vs_market` of ``article_share`` (as :func:`share_titles` takes it).
    """
    line = share.sort_values(["iso_year", "iso_week"], kind="mergesort")
    sets = sorted(set(line["brands"].astype(str)))
    if len(sets) != 1:
        raise ValueError(f"share: expected one fixed brand set, got {sets}")
    with_share = line["share"].notna().tolist()
    counts = {"line": len({p for p, has in zip(_pairs(line), with_share) if has}), "weeks": len(line),
              "article": len(set(_pairs(article_share[article_share["share"].notna()])))}
    no_share = [weeks.week_label(*p) for p, has in zip(_pairs(line), with_share) if not has]
    return {lang: _share_subtitle(comparison, sets[0], counts, no_share, lang) for lang in LANGUAGES}


def _or_words(words: list[str], lang: str) -> str:
    if len(words) == 1:
        return words[0]
    return label("cal_spec_or", lang, head=label("list_sep", lang).join(words[:-1]), last=words[-1])


def _specifications_title(summary: Mapping[str, Any], lang: str) -> str:
    allowed = [label(f"cal_spec_{word}", lang) for flag, word in _SHARE_WORDS if summary[flag]]
    values = {"span": week_span(summary["from_week"], summary["to_week"], "-"), "low": number(summary["percent_low"]),
              "high": number(summary["percent_high"]),
              "specs": label("cal_spec_count_one", lang) if int(summary["n_specs"]) == 1
              else label("cal_spec_count", lang, n=int(summary["n_specs"]))}
    if summary["agree"]:
        return label("cal_spec_title_agree", lang, about=number(summary["headline_percent"]), **values)
    if not allowed:
        return label("cal_spec_title_other_way", lang, **values)
    return label("cal_spec_title", lang, allowed=_or_words(allowed, lang), **values)


def specifications_titles(summary: Mapping[str, Any]) -> dict[str, str]:
    """The title of the calendar-specifications figure in each language, from the range across specifications:
    what the calendar may explain (none, part, all, in that order), and the range.

    ``summary`` is :func:`helpers.models.calendar_specifications.specifications_summary`.  A single percentage
    only when the specifications agree; at most 110 characters in English.

    >>> s = {"from_week": "2025-W16", "to_week": "2025-W19", "n_specs": 8, "percent_low": 25.6, "percent_high": 69.7,
    ...      "agree": False, "headline_percent": None, "allows_none": False, "allows_part": True, "allows_all": True}
    >>> specifications_titles(s)["en"]
    'The calendar may explain part or all of the 2025-W16-W19 dip: 26% to 70% across 8 specifications'
    """
    return {lang: _specifications_title(summary, lang) for lang in LANGUAGES}

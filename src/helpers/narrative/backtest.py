"""The sentences of notebook 09 (the backtest): the scores against the naive forecast, shared forecasts, the window sensitivity.

Built from :func:`helpers.models.backtest.backtest_summary` (``{series: {method: {...}}}``, the same dict
``summary.json`` holds, so the notebook and the report print the same rounded numbers) and
:func:`helpers.models.backtest.overlap_summary`.  A method is said to beat (or do worse than) the naive
forecast only when its Diebold-Mariano verdict (``vs_naive``) says so at 5%; otherwise the words say the
two cannot be ranked on this evidence, and what would tell.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import pandas as pd

from helpers.formatting import number, plural, week_span
from helpers.labels import LANGUAGES, label, name_of
from helpers.models.backtest import DM_ALPHA, DM_MIN_FORECASTS, NAIVE, best_method
from helpers.models.window_sensitivity import distinct_windows, sign_counts

__all__ = ["sensitivity_sentences", "method_name", "series_name", "p_text", "describe_backtest",
           "describe_overlap", "scores_titles", "scores_heads", "scores_verdicts", "sensitivity_titles",
           "sensitivity_heads"]

def method_name(method: str) -> str:
    """``the window mean``: the figures' name for a method (:mod:`helpers.labels`); one without a name keeps its id."""
    return name_of("bt_method", method)


def series_name(series: str) -> str:
    """``SU7``: the figures' name for a series (:mod:`helpers.labels`); one without a name keeps its id."""
    return name_of("later_series", series)


def p_text(p: Any) -> str:
    """A p-value for people: ``p = 0.075``, ``p = 0.46``, ``p < 0.001``.

    >>> p_text(0.0754), p_text(0.459), p_text(0.0002), p_text(None)
    ('p = 0.075', 'p = 0.46', 'p < 0.001', 'no p-value')
    """
    if p is None or p != p:
        return "no p-value"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {number(p, 3 if p < 0.1 else 2)}"


def _tested(methods: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    """The methods other than naive that were scored, by MASE (then name)."""
    rows = [(m, v) for m, v in methods.items() if m != NAIVE and v.get("n_forecasts")]
    return sorted(rows, key=lambda mv: (mv[1]["mase"] is None, mv[1]["mase"] or 0.0, mv[0]))


def _list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _what_would_tell(tested: list[tuple[str, Mapping[str, Any]]], n: int, weeks: int) -> str:
    """How many forecasts (and target weeks) would tell, for the methods that cannot be ranked."""
    parts = []
    for method, v in tested:
        if v["vs_naive"] != "cannot tell":
            continue
        if v["dm_p_value"] is None:
            parts.append(f"{method_name(method)}: at least {plural(DM_MIN_FORECASTS, 'forecast')} before the test "
                         "can be run" if v["n_forecasts"] < DM_MIN_FORECASTS
                         else f"{method_name(method)}: errors that differ at all (they are equal on every forecast)")
        elif v["forecasts_needed"] is None:
            parts.append(f"{method_name(method)}: no likely number (the two MASEs are practically equal)")
        else:
            parts.append(f"{method_name(method)}: {_needed(v, n, weeks)}")
    if not parts:
        return ""
    return (f" What would tell: more origins, that is more weeks with a figure (now {plural(n, 'forecast')} of "
            f"{plural(weeks, 'target week')}); if the differences seen so far held (a rough guide: they may not), "
            "the test would need " + "; ".join(parts) + ".")


def _needed(v: Mapping[str, Any], n: int, weeks: int) -> str:
    """``about 12 forecasts (2 more) of 6 target weeks (1 more)``."""
    forecasts, target_weeks = int(v["forecasts_needed"]), int(v["target_weeks_needed"])
    more = lambda total, now: f" ({number(total - now)} more)" if total > now else ""  # noqa: E731
    return (f"about {plural(forecasts, 'forecast')}{more(forecasts, n)} of "
            f"{plural(target_weeks, 'target week')}{more(target_weeks, weeks)}")


def describe_backtest(methods: Mapping[str, Mapping[str, Any]], series: str,
                      overlaps: Sequence[Mapping[str, Any]] = ()) -> str:
    """One paragraph on ``series``: each method's MASE (per-origin scale) and its test against the naive forecast.

    ``methods`` is ``backtest_summary(scores)[series]``; ``overlaps`` :func:`~helpers.models.backtest.overlap_summary`.

    >>> v = lambda mase, p, verdict, n=10, need=None, weeks_need=None: {"n": n, "mase": mase, "n_forecasts": n,
    ...     "n_target_weeks": 5, "dm_p_value": p, "vs_naive": verdict, "forecasts_needed": need,
    ...     "target_weeks_needed": weeks_need}
    >>> methods = {"trend": v(2.73, 0.46, "cannot tell", need=36, weeks_need=18), "naive": v(1.88, None, "benchmark"),
    ...            "window_mean": v(1.41, 0.075, "cannot tell", need=12, weeks_need=6), "calendar": v(4.0, 0.008, "worse")}
    >>> print(describe_backtest(methods, "xiaomi_su7"))  # doctest: +NORMALIZE_WHITESPACE
    **SU7, backtest.** 10 scored forecasts per method, of only 5 target weeks (forecasts from neighbouring origins share target weeks). MASE, each error scaled by the one-week naive error known at its origin: the window mean 1.41, the naive forecast 1.88, the trend line 2.73, the calendar model 4.00; no method is below 1, and a MASE below 1 would not by itself mean a method beats the naive forecast. Against the naive forecast (Diebold-Mariano test with Harvey's small-sample correction, on absolute scaled errors, 5% level): the calendar model does worse (p = 0.008); the window mean (p = 0.075) and the trend line (p = 0.46) cannot be ranked against it on this evidence. What would tell: more origins, that is more weeks with a figure (now 10 forecasts of 5 target weeks); if the differences seen so far held (a rough guide: they may not), the test would need the window mean: about 12 forecasts (2 more) of 6 target weeks (1 more); the trend line: about 36 forecasts (26 more) of 18 target weeks (13 more).
    """
    who = series_name(series)
    scored = {m: v for m, v in methods.items() if v.get("n")}
    if not scored:
        return f"**{who}, backtest.** No forecast could be scored: no target week has a figure yet."
    naive = methods.get(NAIVE)
    counts = sorted({int(v["n"]) for v in scored.values()})
    n = int(naive["n_forecasts"]) if naive else counts[-1]
    weeks = int(naive["n_target_weeks"]) if naive else 0
    n_text = (plural(counts[0], "scored forecast") + " per method" if len(counts) == 1
              else "From " + " to ".join(str(c) for c in (counts[0], counts[-1])) + " scored forecasts per method")
    text = f"**{who}, backtest.** {n_text}"
    if weeks and weeks < n:
        text += f", of only {plural(weeks, 'target week')} (forecasts from neighbouring origins share target weeks)"
    text += "."
    with_mase = sorted(((m, v) for m, v in scored.items() if v.get("mase") is not None),
                       key=lambda mv: (mv[1]["mase"], mv[0]))
    if with_mase:
        below = [m for m, v in with_mase if v["mase"] < 1]
        text += (" MASE, each error scaled by the one-week naive error known at its origin: "
                 + ", ".join(f"{method_name(m)} {number(v['mase'], 2)}" for m, v in with_mase)
                 + ("; no method is below 1" if not below else
                    f"; below 1 (smaller errors than a one-week naive forecast had in-sample): "
                    + _list([method_name(m) for m in below]))
                 + ", and a MASE below 1 would not by itself mean a method beats the naive forecast.")
    else:
        text += " MASE is undefined (no two consecutive weeks with figures to scale by)."
    tested = _tested(methods)
    if naive is None or not tested:
        return text + " There is no naive forecast to test the methods against."
    better = [(m, v) for m, v in tested if v["vs_naive"] == "better"]
    worse = [(m, v) for m, v in tested if v["vs_naive"] == "worse"]
    unknown = [(m, v) for m, v in tested if v["vs_naive"] == "cannot tell"]
    clauses = []
    if better:
        clauses.append(_list([f"{method_name(m)} beats it (MASE {number(v['mase'], 2)} against "
                              f"{number(naive['mase'], 2)}, {p_text(v['dm_p_value'])})" for m, v in better]))
    if worse:
        clauses.append(_list([f"{method_name(m)} does worse ({p_text(v['dm_p_value'])})" for m, v in worse]))
    if unknown:
        names = [f"{method_name(m)} ({p_text(v['dm_p_value'])})" for m, v in unknown]
        clauses.append(f"{_list(names)} cannot be ranked against it on this evidence")
    text += (f" Against the naive forecast (Diebold-Mariano test with Harvey's small-sample correction, on "
             f"absolute scaled errors, {number(100 * DM_ALPHA)}% level): " + "; ".join(clauses) + ".")
    text += _what_would_tell(unknown, n, weeks)
    shared = [o for o in overlaps if series in (o["series"], o["other_series"])]
    return text + "".join(" " + _shared_clause(o, series) for o in shared)


def _shared_clause(overlap: Mapping[str, Any], series: str) -> str:
    mine, other = ((overlap["n_forecasts"], overlap["n_other_forecasts"]) if overlap["series"] == series
                   else (overlap["n_other_forecasts"], overlap["n_forecasts"]))
    other_series = overlap["other_series"] if overlap["series"] == series else overlap["series"]
    share = (f"All {number(mine)} of these forecasts are" if overlap["n_shared"] == mine
             else f"{number(overlap['n_shared'])} of these {number(mine)} forecasts are")
    return (f"{share} also {series_name(other_series)}'s "
            f"(of its {number(other)}): the same weeks and figures, so they are not separate evidence.")


def describe_overlap(overlaps: Sequence[Mapping[str, Any]]) -> str:
    """Which backtests share forecasts, and that they are not two results (empty when none do).

    >>> print(describe_overlap([{"series": "xiaomi_all", "other_series": "xiaomi_su7", "n_shared": 10,
    ...                          "n_forecasts": 17, "n_other_forecasts": 10}]))
    **Not two results.** The backtests of Xiaomi (all models) and SU7 share 10 forecasts (the same origins, target weeks and figures): all 10 of SU7's and 10 of Xiaomi (all models)'s 17, so only 7 forecasts of Xiaomi (all models) are evidence of their own. Where they agree, that is one finding seen twice, not a confirmation.
    """
    out = []
    for o in overlaps:
        a, b = series_name(o["series"]), series_name(o["other_series"])
        k, n_a, n_b = int(o["n_shared"]), int(o["n_forecasts"]), int(o["n_other_forecasts"])
        share_b = f"all {number(k)} of {b}'s" if k == n_b else f"{number(k)} of {b}'s {number(n_b)}"
        share_a = f"all {number(k)} of {a}'s" if k == n_a else f"{number(k)} of {a}'s {number(n_a)}"
        own = n_a - k if n_a >= n_b else n_b - k
        bigger = a if n_a >= n_b else b
        out.append(f"The backtests of {a} and {b} share {plural(k, 'forecast')} (the same origins, target weeks and "
                   f"figures): {share_b} and {share_a}, so only {plural(own, 'forecast')} of {bigger} "
                   + ("is" if own == 1 else "are") + " evidence of their own.")
    if not out:
        return ""
    return ("**Not two results.** " + " ".join(out)
            + " Where they agree, that is one finding seen twice, not a confirmation.")


# --------------------------------------------------------------------------- window sensitivity


def _slope_text(slope: float, model: str) -> str:
    if model == "log":
        return f"{'+' if slope > 0 else ''}{number(100 * math.expm1(slope), 1)}% a week"
    return f"{'+' if round(slope) > 0 else ''}{number(slope)} units a week"


def _where(row: Any) -> str:
    if row.variant == "leave_one_out":
        return f"without {row.left_out_week}"
    lengths = (f"{row.window_weeks}-week window" if row.window_weeks == row.longest
               else f"{row.window_weeks}–{row.longest}-week windows")
    return f"the {lengths}, {week_span(row.first_week, row.last_week)}"


def _sign_text(slopes: pd.Series, what: str) -> str:
    negative, positive = int((slopes < 0).sum()), int((slopes > 0).sum())
    if negative and positive:
        return (f"The sign depends on the {what}: {plural(negative, 'slope')} negative, "
                f"{plural(positive, 'slope')} positive.")
    sign = "negative" if negative else "positive" if positive else "zero"
    return f"Every slope is {sign}: the sign does not depend on the {what}."


def sensitivity_sentences(table: pd.DataFrame) -> str:
    """One paragraph per series and variant: the range of slopes (and where), how many intervals include zero,
    and whether the sign depends on the window.  Every number is read from ``table``.

    Window lengths that add only weeks without figures repeat a shorter fit:
    the counts of intervals and signs are over distinct windows (distinct sets
    of weeks), so a repeated fit is not counted twice.

    >>> from helpers.models.window_sensitivity import sensitivity_table
    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}, "xiaomi_su7")
    >>> print(sensitivity_sentences(sensitivity_table(sales)))
    **SU7, window length.** Ending at 2025-W19, windows of 3 to 4 weeks (2 lengths, 2 distinct sets of weeks) give slopes from −900 units a week (the 3-week window, 2025-W17–W19) to −730 units a week (the 4-week window, 2025-W16–W19). Of the 2 distinct windows, 1 has a 95% interval that includes zero. Every slope is negative: the sign does not depend on the window.
    <BLANKLINE>
    **SU7, leave one out.** Leaving each week of the 12-week window out in turn gives slopes from −900 units a week (without 2025-W16) to −679 units a week (without 2025-W17). 4 of 4 intervals include zero. Every slope is negative: the sign does not depend on the week left out.
    """
    paragraphs = []
    for (series, variant), part in table.groupby(["series", "variant"], sort=False):
        model = str(part["model"].iloc[0])
        fits = distinct_windows(part) if variant == "window_length" else part.assign(longest=part["window_weeks"])
        rows = list(fits.itertuples(index=False))
        low, high = min(rows, key=lambda r: r.slope), max(rows, key=lambda r: r.slope)
        span = (f"slopes from {_slope_text(low.slope, model)} ({_where(low)}) "
                f"to {_slope_text(high.slope, model)} ({_where(high)}).")
        zero = int(fits["includes_zero"].sum())
        if variant == "window_length":
            lengths = (f"windows of {part['window_weeks'].min()} to {part['window_weeks'].max()} weeks "
                       f"({plural(len(part), 'length')}, {plural(len(fits), 'distinct set')} of weeks)")
            text = (f"**{name_of('later_series', series)}, window length.** Ending at {part['last_week'].iloc[0]}, {lengths} give {span} "
                    f"Of the {plural(len(fits), 'distinct window')}, {zero} {'has' if zero == 1 else 'have'} "
                    f"a 95% interval that includes zero. {_sign_text(fits['slope'], 'window')}")
        else:
            text = (f"**{name_of('later_series', series)}, leave one out.** Leaving each week of the {part['window_weeks'].iloc[0]}-week window "
                    f"out in turn gives {span} {zero} of {len(fits)} intervals include zero. "
                    f"{_sign_text(fits['slope'], 'week left out')}")
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


# --------------------------------------------------------------------------- the figures' titles (labels.toml)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _subject(names: Any, headline: str) -> str:
    """The series a figure's title is about: ``headline`` when the table has it, else the first by name (the
    figure's first panel)."""
    names = sorted(dict.fromkeys(str(n) for n in names))
    if not names:
        raise ValueError("the table holds no series")
    return headline if headline in names else names[0]


def _metric_text(value: float, metric: str) -> str:
    return number(value, 2) if metric == "mase" else number(value)


def _p_label(p: Any, lang: str) -> str:
    if p is None or pd.isna(p):
        return label("bt_p_none", lang)
    return "p < 0.001" if p < 0.001 else f"p = {number(p, 3 if p < 0.1 else 2)}"


def _scores_head(scores: pd.DataFrame, series: str, lang: str) -> str:
    """The title clause for ``series``: a method beats the naive forecast only when the Diebold-Mariano test
    says so at 5% (``vs_naive == "better"``; the lowest MASE of those); otherwise none does, over n forecasts
    of so many target weeks.  Without a naive forecast to test against, the lowest error, said to be untested."""
    found = best_method(scores, series)
    who = name_of("later_series", series, lang)
    if found is None:
        return label("bt_title_none", lang, series=who)
    best, metric = found
    table = scores[(scores["series"].astype(str) == series) & (scores["n"] > 0)].set_index("method")
    metric_name = label(f"bt_metric_{metric}", lang)
    if NAIVE not in table.index or "vs_naive" not in table.columns:
        return _capitalised(label("bt_title_untested", lang, best=name_of("bt_method", best, lang), metric=metric_name,
                                  a=_metric_text(float(table.loc[best, metric]), metric),
                                  n=int(table.loc[best, "n"]), series=who))
    naive = table.loc[NAIVE]
    better = table[table["vs_naive"].astype(str) == "better"].sort_values("mase", kind="mergesort")
    if len(better):
        winner = better.iloc[0]
        return _capitalised(label("bt_title_better", lang, best=name_of("bt_method", str(better.index[0]), lang),
                                  a=number(winner["mase"], 2), b=number(naive["mase"], 2),
                                  p=_p_label(winner["dm_p_value"], lang), n=int(winner["n_forecasts"]),
                                  series=who))
    return _capitalised(label("bt_title_cannot", lang, series=who, n=int(naive["n_forecasts"]),
                              weeks=int(naive["n_target_weeks"])))


def scores_heads(scores: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Language -> series -> what the backtest of that series found, as one clause (:func:`scores_titles`' words
    for every series; the scores figure's subtitle sums up the series its title is not about with them)."""
    names = list(dict.fromkeys(str(n) for n in scores["series"]))
    return {lang: {series: _scores_head(scores, series, lang) for series in names} for lang in LANGUAGES}


def _verdicts(scores: pd.DataFrame, series: str, lang: str) -> str | None:
    """Each method of ``series`` against the naive forecast, its verdict and p-value, as one sentence; ``None``
    without a naive forecast to test against or a tested method."""
    table = scores[(scores["series"].astype(str) == series) & (scores["n"] > 0)]
    if "vs_naive" not in table.columns or not (table["method"].astype(str) == NAIVE).any():
        return None
    items = [label("bt_dm_item", lang, method=name_of("bt_method", str(r.method), lang),
                   verdict=label(f"bt_vs_{str(r.vs_naive).replace(' ', '_')}", lang), p=_p_label(r.dm_p_value, lang))
             for r in table.itertuples(index=False) if str(r.method) != NAIVE and not pd.isna(r.vs_naive)]
    if not items:
        return None
    return label("bt_dm_text", lang, series=name_of("later_series", series, lang),
                 items=label("list_sep", lang).join(items))


def scores_verdicts(scores: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Language -> series -> every method against the naive forecast, with its Diebold-Mariano verdict and p-value,
    as one sentence (the scores figure's subtitle says it for each series drawn).  A series without a naive
    forecast to test against, or without a tested method, has none.

    ``scores`` is :func:`helpers.models.backtest.score_backtest`.
    """
    names = list(dict.fromkeys(str(n) for n in scores["series"]))
    return {lang: {series: text for series in names if (text := _verdicts(scores, series, lang)) is not None}
            for lang in LANGUAGES}


def scores_titles(scores: pd.DataFrame, headline_series: str) -> dict[str, str]:
    """The title of the backtest-scores figure in each language: for ``headline_series`` (else the first series
    by name), the method the Diebold-Mariano test says beats the naive forecast at 5%, or that none does.

    ``scores`` is :func:`helpers.models.backtest.score_backtest`; the figure is
    :func:`helpers.figures.backtest.backtest_scores_figure`.
    """
    series = _subject(scores["series"], headline_series)
    return {lang: _scores_head(scores, series, lang) for lang in LANGUAGES}


def _sensitivity_head(table: pd.DataFrame, series: str, lang: str) -> str:
    counts = sign_counts(table, series)
    who = name_of("later_series", series, lang)
    if not counts:
        return label("ws_title_none", lang, series=who)
    negative = sum(c["negative"] for c in counts.values())
    positive = sum(c["positive"] for c in counts.values())
    if negative and positive:
        head = label("ws_head_depends", lang, series=who)
    elif negative:
        head = label("ws_head_negative", lang, series=who)
    elif positive:
        head = label("ws_head_positive", lang, series=who)
    else:
        head = label("ws_head_flat", lang, series=who)
    details = []
    if "window_length" in counts:
        c = counts["window_length"]
        details.append(label("ws_detail_length", lang, n=c["n"], neg=c["negative"], pos=c["positive"]))
    if "leave_one_out" in counts:
        c = counts["leave_one_out"]
        details.append(label("ws_detail_loo", lang, n=c["n"], neg=c["negative"], pos=c["positive"]))
    total = sum(c["n"] for c in counts.values())
    zero = sum(c["zero"] for c in counts.values())
    zero_text = (label("ws_zero_all", lang) if zero == total
                 else label("ws_zero_none", lang) if zero == 0
                 else label("ws_zero_some", lang, zero=zero, total=total))
    return label("ws_title", lang, head=head, detail=label("list_sep", lang).join(details), zero=zero_text)


def sensitivity_heads(table: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Language -> series -> whether the sign of its slope depends on the window, as one clause
    (:func:`sensitivity_titles`' words for every series; the figure's subtitle sums up the other series with them)."""
    names = list(dict.fromkeys(str(n) for n in table["series"]))
    return {lang: {series: _sensitivity_head(table, series, lang) for series in names} for lang in LANGUAGES}


def sensitivity_titles(table: pd.DataFrame, headline_series: str) -> dict[str, str]:
    """The title of the window-sensitivity figure in each language: whether the sign of ``headline_series``'s
    slope (else the first series by name) depends on the window, and how many 95% intervals include zero,
    counted over distinct windows (:func:`helpers.models.window_sensitivity.sign_counts`).

    ``table`` is :func:`helpers.models.window_sensitivity.sensitivity_table`; the figure is
    :func:`helpers.figures.backtest.window_sensitivity_figure`.
    """
    series = _subject(table["series"], headline_series)
    return {lang: _sensitivity_head(table, series, lang) for lang in LANGUAGES}

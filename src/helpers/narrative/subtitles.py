"""Figure subtitles: the method, the sample and its caveats, built from numbers.

A figure function decides what to draw and passes here what it drew (the weeks, the counts,
the events it could not place); every sentence of the subtitle is built here, one sentence a
fact, in the figure's language.  Titles come from the narrative module of each step; axis
labels, legend entries and tick labels are names, and stay with the drawing.

>>> "a wait of 41.0 weeks" in run_rate_subtitle("en", wait_weeks=41.04)
True
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

from helpers.formatting import format_day, format_month, number, week_runs, week_span
from helpers.labels import label, name_of


def _sentences(lang: str, notes: Iterable[str]) -> str:
    return label("sentence_sep", lang).join(notes)


def _listed(lang: str, items: Iterable[str]) -> str:
    return label("list_sep", lang).join(items)


def weekly_sales_subtitle(lang: str, *, model: str, span: str, horizon: int, slope_ci: tuple[float, float],
                          small_sample: bool, n: int, df: int, missing: Sequence[str], earlier: str,
                          below_zero_week: str | None, off_axis: Sequence[str]) -> str:
    """The weekly-sales figure: the model and window, then only the caveats that apply."""
    notes = [label("sales_subtitle", lang, model=model, span=span, horizon=horizon)]
    if slope_ci[0] <= 0 <= slope_ci[1]:
        notes.append(label("sales_ci_includes_zero", lang))
    if small_sample:
        notes.append(label("sales_small_sample", lang, n=n, df=df))
    if missing:
        notes.append(label("sales_gap", lang, weeks=week_runs(missing)))
    if earlier:
        notes.append(label("sales_earlier", lang, weeks=earlier))
    if below_zero_week:
        notes.append(label("sales_below_zero", lang, week=below_zero_week))
    if off_axis:
        notes.append(label("sales_events_off_axis", lang, events=_listed(lang, off_axis)))
    return _sentences(lang, notes)


def run_rate_subtitle(lang: str, *, wait_weeks: float) -> str:
    """The run-rate figure: the wait at the middle assumptions."""
    return label("rr_subtitle", lang, wait=number(wait_weeks, 1))


def claims_audit_subtitle(lang: str) -> str:
    return label("claims_subtitle", lang)


def quality_rankings_subtitle(lang: str) -> str:
    return label("quality_subtitle", lang)


def backtest_scores_subtitle(lang: str, *, horizons: Sequence[int], window: int, series: Sequence[str],
                             heads: dict[str, str], verdicts: dict[str, str], shared: Iterable[tuple[str, str, int]],
                             undrawn: int, origins: dict[str, int], fewest: int) -> str:
    """The backtest figure: the method; each drawn series' verdict (the first) or summary (the rest);
    forecasts two series share; series not drawn; and how many origins each score rests on."""
    h_text = (str(horizons[0]) if len(horizons) == 1 else f"{horizons[0]}–{horizons[-1]}") if horizons else "n/a"
    notes = [label("bt_method_text", lang, h=h_text, w=window)]
    for position, one in enumerate(series):
        if position:
            notes.append(label("bt_other", lang, text=heads[one]))
        if one in verdicts:
            notes.append(verdicts[one])
    notes += [label("bt_shared", lang, a=name_of("later_series", a, lang), b=name_of("later_series", b, lang), k=k)
              for a, b, k in shared]
    if undrawn > 0:
        notes.append(label("bt_more", lang, n=undrawn))
    if fewest < 8:
        counts = _listed(lang, (label("bt_count_item", lang, n=origins[s], series=name_of("later_series", s, lang))
                                for s in series))
        notes.append(label("bt_small", lang, counts=counts))
    else:
        notes.append(label("bt_overlap", lang))
    return _sentences(lang, notes)


def window_sensitivity_subtitle(lang: str, *, window: int, others: Iterable[str], undrawn: int,
                                weeks_fitted: Sequence[int]) -> str:
    """The window-sensitivity figure: the method, the other series' summaries, the small-sample caveat."""
    notes = [label("ws_method", lang, w=window)] + [label("ws_other", lang, text=text) for text in others]
    if undrawn > 0:
        notes.append(label("ws_more", lang, n=undrawn))
    notes.append(label("ws_repeat_note", lang))
    if weeks_fitted and min(weeks_fitted) < 8:
        notes.append(label("ws_small", lang, lo=min(weeks_fitted), hi=max(weeks_fitted)))
    return _sentences(lang, notes)


def calendar_specifications_subtitle(lang: str, *, span: str, agree: bool, tolerance_pp: float, percent_low: float,
                                     percent_high: float, drop_one: tuple[float, float] | None) -> str:
    """The calendar-specifications figure: the method, the leave-one-out range, agreement, the caveat."""
    notes = [label("cal_spec_method", lang, span=span)]
    if drop_one is not None:
        notes.append(label("cal_spec_drop_one", lang, low=number(drop_one[0]), high=number(drop_one[1])))
    notes.append(label("cal_spec_agree" if agree else "cal_spec_disagree", lang, tol=number(tolerance_pp),
                       low=number(percent_low), high=number(percent_high)))
    notes.append(label("cal_spec_caveat", lang))
    return _sentences(lang, notes)


def later_weekly_subtitle(lang: str, *, article_span: str, weeks_listed: Sequence[str], weeks_with_figure: set[str],
                          article_last_week: str, after_article: dict[str, int]) -> str:
    """The later-weekly figure: the method, the weeks without a figure, how few weeks follow the article."""
    notes = [label("later_weekly_method", lang, span=article_span)]
    missing = [w for w in weeks_listed if w not in weeks_with_figure]
    if missing:
        notes.append(label("later_weekly_coverage", lang, n=len(weeks_with_figure), total=len(weeks_listed),
                           span=week_span(weeks_listed[0], weeks_listed[-1]), missing=len(missing),
                           gaps=week_runs(missing)))
    counts = _listed(lang, (label("later_count_item", lang, n=n, series=name_of("later_series", s, lang))
                            for s, n in after_article.items()))
    notes.append(label("later_weekly_small", lang, week=article_last_week, counts=counts))
    return _sentences(lang, notes)


def monthly_deliveries_subtitle(lang: str, *, n_figures: int, n_sources: int, n_months: int, second_model_day: dt.date | None,
                                ruled_out: int, one_model: int, months_missing: Sequence[str]) -> str:
    """The monthly-deliveries figure: what is drawn, the second model's launch, what is left out and why."""
    notes = [label("later_month_subtitle", lang, n=n_figures, sources=n_sources, months=n_months)]
    if second_model_day is not None:
        month = f"{second_model_day.year:04d}-{second_model_day.month:02d}"
        notes.append(label("later_month_yu7", lang, month=format_month(month, lang),
                           day=format_day(second_model_day, lang)))
    if ruled_out:
        notes.append(label("later_month_ruled_out_one" if ruled_out == 1 else "later_month_ruled_out", lang, n=ruled_out))
    if one_model:
        notes.append(label("later_month_one_model_one" if one_model == 1 else "later_month_one_model", lang, n=one_model))
    if months_missing:
        notes.append(label("later_month_missing", lang, months=_listed(lang, (format_month(m, lang) for m in months_missing))))
    return _sentences(lang, notes)


def vintage_scorecard_subtitle(lang: str, *, model: str, n_weeks: int, span: str, n_forecast: int, vintage: str,
                               small_sample: bool, df: int, missing: Sequence[str], below_zero_week: str | None,
                               later_sources: bool) -> str:
    """The vintage scorecard: the fit and the forecasts scored, then the caveats that apply."""
    notes = [label("later_vintage_method", lang, model=model, n=n_weeks, span=span, k=n_forecast, vintage=vintage)]
    if small_sample:
        notes.append(label("later_vintage_small", lang, df=df))
    if missing:
        notes.append(label("later_vintage_missing", lang, weeks=week_runs(missing)))
    if below_zero_week:
        notes.append(label("sales_below_zero", lang, week=below_zero_week))
    if later_sources:
        notes.append(label("later_vintage_sources", lang))
    return _sentences(lang, notes)

"""The figures of notebook 08: Xiaomi against the market and the calendar.

Built like :mod:`helpers.figures.what_happened`: tables in, a matplotlib
``Figure`` out, no pyplot, no file read or written.  Each figure has a title
stating the finding computed from the tables, a subtitle with the method, n and
its caveats (small samples called small), axis units, and a footer naming the
``source_id``s behind it and the week the data run to.

=================================  ===================================================================
:func:`market_share_figure`        Xiaomi's weekly share of a fixed brand set in 2025; gaps kept; holiday
                                   and month-end weeks marked; the article's weeks against their own set
:func:`calendar_coefficients_figure` the calendar model's terms with 95% intervals, Xiaomi's fit and the market's
=================================  ===================================================================

Save them with :func:`helpers.figures.frame.save_figure` under :data:`STEMS`.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.figures import style
from helpers.figures.frame import finish, monday_x, new_figure, sources_text
from helpers.formatting import number, week_runs, week_span
from helpers.models import market_share as share_model

__all__ = [
    "STEMS",
    "XIAOMI_SERIES",
    "ARTICLE_FIRST_WEEK",
    "ARTICLE_LAST_WEEK",
    "COEFFICIENT_TERMS",
    "brand_name",
    "market_share_figure",
    "calendar_coefficients_figure",
]

#: File stems of the figures (``reports/figures/<stem>.png`` and ``.svg``).
STEMS = {
    "share": "08_market_share",
    "coefficients": "08_calendar_coefficients",
}
#: The Xiaomi series whose share is drawn (every model: the market lists count the brand).
XIAOMI_SERIES = "xiaomi_all"
#: The article's weeks.
ARTICLE_FIRST_WEEK = "2025-W16"
ARTICLE_LAST_WEEK = "2025-W19"
#: The calendar model's terms drawn, top to bottom (the constant is not an effect).
COEFFICIENT_TERMS = ("holiday_days", "month_end", "t")

_LINE_COLOR = style.OKABE_ITO["blue"]
_ARTICLE_COLOR = style.OKABE_ITO["vermillion"]
_ARTICLE_SPAN_COLOR = style.OKABE_ITO["yellow"]
_HOLIDAY_COLOR = style.OKABE_ITO["sky_blue"]
_MONTH_END_COLOR = style.OKABE_ITO["black"]
_FIT_COLORS = {"xiaomi": style.OKABE_ITO["blue"], "market": style.OKABE_ITO["orange"]}
_FIT_MARKERS = {"xiaomi": "o", "market": "s"}


# --------------------------------------------------------------------------- small helpers


def _mid_week(pair: tuple[int, int]) -> float:
    """The x position of a week: the middle of its seven days (Thursday noon)."""
    return monday_x(*pair) + 3.5


def _pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(y), int(w)) for y, w in zip(frame["iso_year"], frame["iso_week"])]


def _pct(share: float) -> str:
    """A share (0..1) as a percentage with one decimal: 0.113386 → ``"11.3%"``."""
    return f"{number(100 * share, 1)}%"


def brand_name(series: str, lang: str) -> str:
    """A market series' brand name in ``lang`` (``byd`` → ``BYD`` / ``比亚迪``); the id itself when no label exists.

    >>> brand_name("tesla_china", "en"), brand_name("tesla_china", "zh"), brand_name("no_such_brand", "en")
    ('Tesla China', '特斯拉中国', 'no_such_brand')
    """
    key = f"brand_{series}"
    return style.label(key, lang) if key in style.LABELS[lang] else str(series)


def _xiaomi_name(series: str, lang: str) -> str:
    key = f"mkt_xiaomi_{series}"
    return style.label(key, lang) if key in style.LABELS[lang] else str(series)


def _others(brands: str, series: str) -> list[str]:
    return [b for b in str(brands).split(";") if b and b != series]


def _join(names: list[str], lang: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``a、b和c``)."""
    if not names:
        return style.label("mkt_no_brand", lang)
    if len(names) == 1:
        return names[0]
    return style.label("mkt_and", lang, head=style.label("list_sep", lang).join(names[:-1]), last=names[-1])


def _brand_list(brands: Iterable[str], lang: str) -> str:
    return _join([brand_name(b, lang) for b in brands if b], lang)


def _set_words(brands: str, series: str, lang: str) -> str:
    """``Xiaomi + BYD + Tesla China``: the set a share is of, Xiaomi first."""
    return " + ".join([_xiaomi_name(series, lang)] + [brand_name(b, lang) for b in _others(brands, series)])


def _one_brand_set(table: pd.DataFrame, name: str) -> str:
    sets = sorted(set(table["brands"].astype(str)))
    if len(sets) != 1:
        raise ValueError(f"{name}: expected one fixed brand set, got {sets}")
    return sets[0]


def _source_pairs(share: pd.DataFrame, weekly_sales: pd.DataFrame | None, series: str) -> list[tuple[str, str]]:
    """(source_id, locator) of Xiaomi's weekly rows for the table's weeks, then of the market rows."""
    pairs: list[tuple[str, str]] = []
    if weekly_sales is not None:
        wanted = set(_pairs(share))
        rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]
        rows = rows[[p in wanted for p in _pairs(rows)]].sort_values(["iso_year", "iso_week"], kind="mergesort")
        locators = rows["locator"].astype(str) if "locator" in rows.columns else [""] * len(rows)
        pairs += list(zip(rows["source_id"].astype(str), locators))
    for cell in share["source_ids"].fillna("").astype(str):
        pairs += [(s, "") for s in cell.split(";") if s]
    return pairs


# --------------------------------------------------------------------------- a. share across 2025


def _count_switch(weekly_sales: pd.DataFrame | None, series: str) -> tuple[int, int] | None:
    """The first week whose Xiaomi figure counts the second model: the week a ``derivation`` note names
    ("... before 2025-W27: the brand total was the SU7"), else the first week after the derived ones."""
    import re

    if weekly_sales is None or "derivation" not in weekly_sales.columns:
        return None
    rows = weekly_sales[weekly_sales["series"].astype(str) == series]
    notes = rows["derivation"].fillna("").astype(str)
    for note in notes:
        match = re.search(r"before (\d{4}-W\d{2})", note)
        if match:
            return weeks.parse_week_label(match.group(1))
    derived = [p for p, n in zip(_pairs(rows), notes) if n]
    plain = [p for p, n in zip(_pairs(rows), notes) if not n]
    later_plain = [p for p in plain if derived and p > max(derived)]
    return min(later_plain) if later_plain else None


def _share_title(c: share_model.ShareComparison, lang: str) -> str:
    """The title: Xiaomi's share of the article set from the first to the last week, and what the other brands did."""
    others = _others(c.brands, c.series)
    if c.share_last == c.share_first:
        share_dir = style.label("mkt_share_flat", lang)
    else:
        share_dir = style.label("mkt_share_fell", lang) if c.share_fell else style.label("mkt_share_rose", lang)
    if c.others_last == c.others_first:
        others_dir = style.label("mkt_others_flat", lang)
    else:
        others_dir = style.label("mkt_others_fell", lang) if c.others_fell else style.label("mkt_others_rose", lang)
    values = {"set": _set_words(c.brands, c.series, lang), "first": _pct(c.share_first), "last": _pct(c.share_last),
              "span": week_span(c.first_week, c.last_week), "others": _brand_list(others, lang),
              "share_dir": share_dir, "others_dir": others_dir, "pct": number(100 * abs(c.others_change), 0)}
    if c.others_last == c.others_first:
        return style.label("mkt_title_others_flat", lang, **values)
    return style.label("mkt_title", lang, **values)


def market_share_figure(
    share: pd.DataFrame,
    article_share: pd.DataFrame,
    calendar_weeks: pd.DataFrame,
    weekly_sales: pd.DataFrame | None = None,
    lang: str = "en",
    first_week: str = ARTICLE_FIRST_WEEK,
    last_week: str = ARTICLE_LAST_WEEK,
) -> Any:
    """Xiaomi's weekly share of a fixed brand set across 2025, with the article's weeks against their own set.

    * ``share`` is :func:`helpers.models.market_share.market_share` over every
      Xiaomi week (one fixed set, rule ``max_cells``): one point per week with a
      share; a line joins two weeks only when they are consecutive, so a week
      without a share (no Xiaomi figure, or a brand of the set not printed) is a
      gap, never bridged; weeks with a Xiaomi figure but no share are marked
      "no share" at the foot of the axis;
    * ``article_share`` is the same for ``first_week..last_week`` with the
      brands printed in every one of those weeks (rule ``every_week``), drawn
      over a shaded span; the title is
      :func:`helpers.models.market_share.share_vs_market` of it in words;
    * holiday weeks (``calendar_weeks.holiday_days > 0``) are shaded bands and
      month-end weeks marked along the top: marked, not adjusted for.

    ``weekly_sales`` (optional) adds Xiaomi's own sources to the footer.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
    from matplotlib.transforms import ScaledTranslation

    with style.theme(lang) as lang:
        comparison = share_model.share_vs_market(article_share, first_week, last_week)
        series = comparison.series
        line_set = _one_brand_set(share, "share")
        article_set = _one_brand_set(article_share, "article_share")
        table = share.sort_values(["iso_year", "iso_week"], kind="mergesort").reset_index(drop=True)
        if table.empty:
            raise ValueError("share holds no week")
        have = _pairs(table)
        all_weeks = weeks.week_range(have[0], have[-1])
        values = {p: float(s) for p, s in zip(have, table["share"]) if not pd.isna(s)}
        no_share = [p for p, s in zip(have, table["share"]) if pd.isna(s)]
        missing_of = dict(zip(have, table["missing_brands"].fillna("").astype(str)))
        if not values:
            raise ValueError("share holds no week with a share: every week misses a brand of the set")

        fig = new_figure("list")
        ax = fig.add_subplot()

        # the article's weeks, shaded; holiday weeks as bands; month-end weeks along the top
        art = [weeks.parse_week_label(first_week), weeks.parse_week_label(last_week)]
        ax.axvspan(monday_x(*art[0]), monday_x(*weeks.add_weeks(art[1], 1)), color=_ARTICLE_SPAN_COLOR, alpha=0.28,
                   linewidth=0, zorder=0, gid="article_weeks")
        cal = calendar_weeks.astype({"iso_year": "int64", "iso_week": "int64"})
        cal = cal[[p in set(all_weeks) for p in _pairs(cal)]].sort_values(["iso_year", "iso_week"], kind="mergesort")
        holiday_weeks = [p for p, d in zip(_pairs(cal), cal["holiday_days"]) if int(d) > 0]
        month_end_weeks = [p for p, e in zip(_pairs(cal), cal["month_end"]) if str(e).lower() == "true" or e is True]
        days_of = {p: int(d) for p, d in zip(_pairs(cal), cal["holiday_days"])}
        for p in holiday_weeks:
            ax.axvspan(monday_x(*p), monday_x(*weeks.add_weeks(p, 1)), ymin=0.0, ymax=1.0, facecolor=_HOLIDAY_COLOR,
                       alpha=0.16, linewidth=0, zorder=0, gid=f"holiday:{weeks.week_label(*p)}")
            ax.annotate(style.label("mkt_holiday_days", lang, n=days_of[p]), (_mid_week(p), 0.0),
                        xycoords=("data", "axes fraction"), xytext=(0, 3), textcoords="offset points", ha="center",
                        va="bottom", fontsize=style.FONT_SIZES["annotation"] - 1, color="#2F6F99", gid="holiday_days")
        if month_end_weeks:
            ax.plot([_mid_week(p) for p in month_end_weeks], [0.985] * len(month_end_weeks), linestyle="none",
                    marker="v", markersize=6.5, color=_MONTH_END_COLOR, transform=ax.get_xaxis_transform(),
                    clip_on=False, zorder=6, gid="month_end")

        # the 2025 line (NaN = no share: matplotlib leaves the gap)
        x = np.array([_mid_week(w) for w in all_weeks])
        y = np.array([100 * values[w] if w in values else np.nan for w in all_weeks])
        ax.plot(x, y, color=_LINE_COLOR, linewidth=2.2, marker="o", markersize=7, zorder=4, gid="share")
        for p in no_share:
            ax.plot([_mid_week(p)], [0.10], linestyle="none", marker="x", markersize=7, markeredgewidth=1.6,
                    color=style.OKABE_ITO["grey"], transform=ax.get_xaxis_transform(), zorder=5,
                    gid=f"no_share:{weeks.week_label(*p)}")
            ax.annotate(style.label("mkt_no_share_mark", lang, brands=_brand_list(missing_of[p].split(";"), lang)),
                        (_mid_week(p), 0.10), xycoords=("data", "axes fraction"), xytext=(0, 7),
                        textcoords="offset points", ha="center", va="bottom", fontsize=style.FONT_SIZES["annotation"] - 1,
                        color=style.COLORS["text_muted"], linespacing=1.05, gid="no_share_label")

        # the article's weeks against the brands printed in all of them
        art_rows = article_share[article_share["share"].notna()].sort_values(["iso_year", "iso_week"], kind="mergesort")
        art_pairs = _pairs(art_rows)
        art_every = weeks.week_range(art_pairs[0], art_pairs[-1])
        art_values = dict(zip(art_pairs, art_rows["share"].astype(float)))
        ax.plot([_mid_week(w) for w in art_every], [100 * art_values[w] if w in art_values else np.nan for w in art_every],
                color=_ARTICLE_COLOR, linewidth=2.2, linestyle=(0, (4, 2)), marker="D", markersize=6.5, zorder=5,
                gid="article_share")
        # value labels: above the point, except where both shares exist in a week: the lower one's below; a week
        # whose two shares print the same is labelled once (the article's); next to a labelled week above, below
        for values_of, color, gid_name, other in ((values, _LINE_COLOR, "value:share", art_values),
                                                  (art_values, _ARTICLE_COLOR, "value:article", values)):
            placed: dict[tuple[int, int], bool] = {}
            for w, v in sorted(values_of.items()):
                if values_of is values and w in other and _pct(other[w]) == _pct(v):
                    continue
                below = w in other and other[w] > v
                before = weeks.add_weeks(w, -1)
                if w not in other and before in placed and abs(values_of[before] - v) < 0.012:
                    below = not placed[before]  # two close shares in adjacent weeks: one label above, one below
                placed[w] = below
                ax.annotate(_pct(v), (_mid_week(w), 100 * v), xytext=(0, -9 if below else 8), textcoords="offset points",
                            ha="center", va="top" if below else "bottom", fontsize=style.FONT_SIZES["annotation"],
                            color=color, gid=gid_name, zorder=7,
                            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})

        # where the count changes: before it Xiaomi's weeks are the SU7 alone, from it the SU7 + YU7
        switch = _count_switch(weekly_sales, series)
        if switch is not None and switch in set(all_weeks):
            xs = monday_x(*switch)
            ax.axvline(xs, color=style.COLORS["event"], linestyle=(0, (2, 2)), linewidth=1.2, zorder=3, gid="count_switch")
            for text, ha, dx in ((style.label("mkt_count_before", lang), "right", -4),
                                 (style.label("mkt_count_after", lang, week=weeks.week_label(*switch)), "left", 4)):
                ax.annotate(text, (xs, 0.93), xycoords=("data", "axes fraction"), xytext=(dx, 0),
                            textcoords="offset points", ha=ha, va="center", fontsize=style.FONT_SIZES["annotation"],
                            color=style.COLORS["event"], gid="count_switch_label",
                            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})

        top = max(list(values.values()) + list(art_values.values()))
        ax.set_ylim(0, 100 * top * 1.25)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 5, 10], integer=True))
        ax.set_xlim(monday_x(*all_weeks[0]) - 2, monday_x(*weeks.add_weeks(all_weeks[-1], 1)) + 2)
        step = max(1, math.ceil(len(all_weeks) / 14))
        ticked = [w for w in all_weeks if weeks.weeks_between(all_weeks[0], w) % step == 0]
        ax.xaxis.set_major_locator(FixedLocator([_mid_week(w) for w in ticked]))
        ax.set_xticklabels([style.week_tick(w[1], weeks.week_monday(*w), lang) for w in ticked])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos=None: f"{number(v, 0)}%"))
        ax.set_xlabel(style.label("mkt_x_week", lang))
        ax.set_ylabel(style.label("mkt_y_share", lang))
        ax.grid(axis="x", visible=False)

        n_line, n_weeks = len(values), len(table)
        n_art = len(art_values)
        handles = [
            Line2D([], [], color=_LINE_COLOR, linewidth=2.2, marker="o", markersize=7,
                   label=style.label("mkt_legend_line", lang, set=_set_words(line_set, series, lang), n=n_line)),
            Line2D([], [], color=_ARTICLE_COLOR, linewidth=2.2, linestyle=(0, (4, 2)), marker="D", markersize=6.5,
                   label=style.label("mkt_legend_article", lang, set=_set_words(article_set, series, lang), n=n_art)),
            Patch(facecolor=_ARTICLE_SPAN_COLOR, alpha=0.28,
                  label=style.label("mkt_legend_article_weeks", lang, span=week_span(first_week, last_week))),
            Patch(facecolor=_HOLIDAY_COLOR, alpha=0.16, label=style.label("mkt_legend_holiday", lang)),
            Line2D([], [], linestyle="none", marker="v", markersize=6.5, color=_MONTH_END_COLOR,
                   label=style.label("mkt_legend_month_end", lang)),
        ]
        if no_share:
            handles.append(Line2D([], [], linestyle="none", marker="x", markersize=7, markeredgewidth=1.6,
                                  color=style.OKABE_ITO["grey"], label=style.label("mkt_legend_no_share", lang)))
        below = ax.transAxes + ScaledTranslation(0, -0.74, fig.dpi_scale_trans)
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncols=3,
                  frameon=False, fontsize=style.FONT_SIZES["legend"] - 0.5)

        title = _share_title(comparison, lang)
        sep = style.label("sentence_sep", lang)
        notes = [style.label("mkt_method", lang),
                 style.label("mkt_line_set", lang, set=_set_words(line_set, series, lang), n=n_line, total=n_weeks),
                 style.label("mkt_article_set" if len(_others(article_set, series)) != 1 else "mkt_article_set_one",
                             lang, span=week_span(first_week, last_week),
                             others=_brand_list(_others(article_set, series), lang), n=n_art)]
        trend = comparison.trend
        if trend.slope_ci95 is not None:
            lo, hi = trend.slope_ci95
            notes.append(style.label("mkt_trend", lang, slope=number(trend.slope, 3), lo=number(lo, 3), hi=number(hi, 3),
                                     n=trend.n_weeks))
        if comparison.small_sample:
            notes.append(style.label("mkt_small_sample", lang, n=trend.n_weeks, df=trend.df_resid))
        if no_share:
            notes.append(style.label("mkt_no_share", lang, weeks=week_runs(weeks.week_label(*p) for p in no_share)))

        pairs = _source_pairs(table, weekly_sales, series) + _source_pairs(article_share, None, series)
        as_of = weeks.week_label(*have[-1])
        footer = style.label("footer", lang, sources=style.label("sources", lang, sources=sources_text(pairs, lang)),
                             as_of=style.label("as_of", lang, week=as_of))
        return finish(fig, lang, title, sep.join(notes), footer)


# --------------------------------------------------------------------------- b. calendar coefficients


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fit_kind(series: str) -> str:
    return "market" if str(series).startswith("market:") else "xiaomi"


def _fit_name(series: str, lang: str) -> str:
    """``xiaomi_su7`` → ``SU7``; ``market:byd+tesla_china`` → ``BYD + Tesla China``."""
    if _fit_kind(series) == "market":
        return " + ".join(brand_name(b, lang) for b in str(series).removeprefix("market:").split("+"))
    return _xiaomi_name(series, lang)


def _effect(v: float) -> float:
    """A coefficient on log units as a percentage change: 100 (exp(b) - 1)."""
    return 100 * math.expm1(float(v))


def _signed(v: float, digits: int = 0) -> str:
    text = number(v, digits)
    return f"+{text}" if round(v, digits) > 0 else text


def _coefficients_title(rows: pd.DataFrame, lang: str) -> str:
    """Which calendar terms' 95% intervals exclude zero, per fit; the SU7's estimates when none does."""
    calendar = rows[rows["term"].astype(str).isin(("holiday_days", "month_end")) & rows["coefficient"].notna()]
    excluding = calendar[(calendar["ci95_low"] > 0) | (calendar["ci95_high"] < 0)]
    fits = list(dict.fromkeys(calendar["series"].astype(str)))
    fit_words = _join([style.label("cal_fit_n", lang, fit=_fit_name(s, lang),
                                   n=int(calendar.loc[calendar["series"].astype(str) == s, "n_weeks"].iloc[0]))
                       for s in fits], lang)
    if excluding.empty:
        return style.label("cal_title_none", lang, fits=fit_words)
    parts = []
    for row in excluding.itertuples(index=False):
        parts.append(style.label("cal_title_item", lang, term=style.label(f"cal_term_{row.term}", lang),
                                 fit=_fit_name(row.series, lang), effect=_signed(_effect(row.coefficient)),
                                 lo=_signed(_effect(row.ci95_low)), hi=_signed(_effect(row.ci95_high))))
    return style.label("cal_title_some", lang, items=style.label("list_sep", lang).join(parts), fits=fit_words)


def calendar_coefficients_figure(
    coefficients: pd.DataFrame,
    weekly_sales: pd.DataFrame | None = None,
    market_registrations: pd.DataFrame | None = None,
    lang: str = "en",
) -> Any:
    """The calendar model's coefficients with their 95% intervals, one row per term, one marker per fit.

    ``coefficients`` is :func:`helpers.models.calendar_effects.coefficients_table`
    (fits ``xiaomi_su7`` and ``market``).  Each coefficient of log units is drawn
    as a percentage change, ``100 (exp(b) - 1)``, with its interval transformed
    the same way; a zero line is drawn; a term dropped from a fit is said so
    instead of drawn.  ``weekly_sales`` and ``market_registrations`` (optional)
    name the sources of the weeks each fit saw in the footer.
    """
    from matplotlib.lines import Line2D

    with style.theme(lang) as lang:
        rows = coefficients[coefficients["term"].astype(str).isin(COEFFICIENT_TERMS)].copy()
        if rows.empty:
            raise ValueError("coefficients hold none of the terms " + ", ".join(COEFFICIENT_TERMS))
        fits = list(dict.fromkeys(rows["series"].astype(str)))
        fig = new_figure("pair")
        ax = fig.add_subplot()
        n_fits = len(fits)
        offsets = np.linspace(0.18, -0.18, n_fits) if n_fits > 1 else np.zeros(1)  # the first fit on top
        ypos = {term: float(len(COEFFICIENT_TERMS) - 1 - i) for i, term in enumerate(COEFFICIENT_TERMS)}
        ax.axvline(0, color="#333333", linewidth=1.2, zorder=2, gid="zero")
        dropped_notes = []
        lows, highs = [0.0], [0.0]
        for offset, fit in zip(offsets, fits):
            part = rows[rows["series"].astype(str) == fit]
            kind = _fit_kind(fit)
            color, marker = _FIT_COLORS[kind], _FIT_MARKERS[kind]
            for row in part.itertuples(index=False):
                y = ypos[str(row.term)] + offset
                if pd.isna(row.coefficient):
                    dropped_notes.append(_capitalised(style.label(
                        "cal_dropped", lang, term=style.label(f"cal_term_{row.term}", lang), fit=_fit_name(fit, lang),
                        reason=str(row.dropped_reason))))
                    continue
                mid, lo, hi = _effect(row.coefficient), _effect(row.ci95_low), _effect(row.ci95_high)
                lows.append(lo)
                highs.append(hi)
                ax.errorbar(mid, y, xerr=[[mid - lo], [hi - mid]], fmt=marker, color=color, markersize=8,
                            elinewidth=2.0, capsize=4, capthick=1.6, zorder=4, gid=f"coef:{kind}:{row.term}")
                digits = 1 if max(abs(lo), abs(hi)) < 10 else 0
                ax.annotate(style.label("cal_value", lang, effect=_signed(mid, digits), lo=_signed(lo, digits),
                                        hi=_signed(hi, digits)),
                            (hi, y), xytext=(6, 0), textcoords="offset points", ha="left", va="center",
                            fontsize=style.FONT_SIZES["annotation"], color=color, gid=f"coef_value:{kind}")
        span = max(highs) - min(lows)
        ax.set_xlim(min(lows) - 0.05 * span, max(highs) + 0.42 * span)
        ax.set_ylim(-0.6, len(COEFFICIENT_TERMS) - 0.4)
        ax.set_yticks([ypos[t] for t in COEFFICIENT_TERMS], [style.label(f"cal_tick_{t}", lang) for t in COEFFICIENT_TERMS])
        ax.set_xlabel(style.label("cal_x", lang))
        ax.grid(axis="y", visible=False)
        handles = []
        for fit in fits:
            part = rows[rows["series"].astype(str) == fit].iloc[0]
            kind = _fit_kind(fit)
            handles.append(Line2D([], [], color=_FIT_COLORS[kind], marker=_FIT_MARKERS[kind], markersize=8, linewidth=2.0,
                                  label=style.label("cal_legend", lang, fit=_fit_name(fit, lang),
                                                    span=week_span(str(part["first_week"]), str(part["last_week"])),
                                                    n=int(part["n_weeks"]), df=int(part["df_resid"]))))
        ax.legend(handles=handles, loc="upper right")

        title = _coefficients_title(rows, lang)
        sep = style.label("sentence_sep", lang)
        notes = [style.label("cal_method", lang)]
        small = [f for f in fits if bool(rows.loc[rows["series"].astype(str) == f, "small_sample"].astype(str)
                                             .str.lower().eq("true").iloc[0])]
        if small:
            notes.append(style.label("cal_small_sample", lang, fits=style.label("list_sep", lang).join(
                style.label("cal_fit_df", lang, fit=_fit_name(f, lang),
                            n=int(rows.loc[rows["series"].astype(str) == f, "n_weeks"].iloc[0]),
                            df=int(rows.loc[rows["series"].astype(str) == f, "df_resid"].iloc[0])) for f in small)))
        notes += dropped_notes
        notes.append(style.label("cal_caveat", lang))

        pairs: list[tuple[str, str]] = []
        last = max(weeks.parse_week_label(str(w)) for w in rows["last_week"])
        for fit in fits:
            part = rows[rows["series"].astype(str) == fit].iloc[0]
            lo_w, hi_w = weeks.parse_week_label(str(part["first_week"])), weeks.parse_week_label(str(part["last_week"]))
            if _fit_kind(fit) == "xiaomi" and weekly_sales is not None:
                got = weekly_sales[(weekly_sales["series"].astype(str) == fit) & weekly_sales["units"].notna()]
                got = got[[lo_w <= p <= hi_w for p in _pairs(got)]]
                locators = got["locator"].astype(str) if "locator" in got.columns else [""] * len(got)
                pairs += list(zip(got["source_id"].astype(str), locators))
            elif _fit_kind(fit) == "market" and market_registrations is not None:
                brands = str(fit).removeprefix("market:").split("+")
                complete = set(share_model.market_total_weeks(market_registrations, brands, str(part["first_week"]),
                                                              str(part["last_week"]))["week"].astype(str))
                got = market_registrations[market_registrations["series"].astype(str).isin(brands)]
                got = got[[weeks.week_label(*p) in complete for p in _pairs(got)]]
                pairs += [(str(s), "") for s in got["source_id"]]
        sources = (style.label("sources", lang, sources=sources_text(pairs, lang)) if pairs
                   else style.label("cal_sources_unnamed", lang))
        footer = style.label("footer", lang, sources=sources, as_of=style.label("as_of", lang, week=weeks.week_label(*last)))
        return finish(fig, lang, title, sep.join(notes), footer)

"""The figures of notebook 08: Xiaomi against the market and the calendar.

Built like :mod:`helpers.figures.what_happened`: tables in, a matplotlib
``Figure`` out, no pyplot, no file read or written.  Each figure has a title
stating the finding computed from the tables, a subtitle with the method, n and
its caveats (small samples called small), axis units, and a footer naming the
``source_id``s behind it and the week the data run to.

=================================  ===================================================================
:func:`market_share_figure`        Xiaomi's weekly share of a fixed brand set in 2025; gaps kept; holiday
                                   and month-end weeks marked; the article's weeks against their own set
:func:`calendar_specifications_figure` the calendar's share of the W16-W19 dip, one row per specification
=================================  ===================================================================

Save them with :func:`helpers.figures.frame.save_figure` under :data:`STEMS`.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.figures import style
from helpers.figures.frame import finish, legend_below, monday_x, new_figure, sources_text
from helpers.formatting import number, week_span
from helpers.narrative.subtitles import calendar_specifications_subtitle
from helpers.models import market_share as share_model

__all__ = [
    "STEMS",
    "XIAOMI_SERIES",
    "ARTICLE_FIRST_WEEK",
    "ARTICLE_LAST_WEEK",
    "market_share_figure",
    "calendar_specifications_figure",
]

#: File stems of the figures (``reports/figures/<stem>.png`` and ``.svg``).
STEMS = {
    "share": "08_market_share",
    "specifications": "08_calendar_specifications",
}
#: The Xiaomi series whose share is drawn (every model: the market lists count the brand).
XIAOMI_SERIES = "xiaomi_all"
#: The article's weeks.
ARTICLE_FIRST_WEEK = "2025-W16"
ARTICLE_LAST_WEEK = "2025-W19"

_LINE_COLOR = style.OKABE_ITO["blue"]
_ARTICLE_COLOR = style.OKABE_ITO["vermillion"]
_ARTICLE_SPAN_COLOR = style.OKABE_ITO["yellow"]
_HOLIDAY_COLOR = style.OKABE_ITO["sky_blue"]
_MONTH_END_COLOR = style.OKABE_ITO["black"]


# --------------------------------------------------------------------------- small helpers


def _mid_week(pair: tuple[int, int]) -> float:
    """The x position of a week: the middle of its seven days (Thursday noon)."""
    return monday_x(*pair) + 3.5


def _pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(y), int(w)) for y, w in zip(frame["iso_year"], frame["iso_week"])]


def _pct(share: float) -> str:
    """A share (0..1) as a percentage with one decimal: 0.113386 → ``"11.3%"``."""
    return f"{number(100 * share, 1)}%"


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


def market_share_figure(
    share: pd.DataFrame,
    article_share: pd.DataFrame,
    calendar_weeks: pd.DataFrame,
    weekly_sales: pd.DataFrame | None = None,
    lang: str = "en",
    first_week: str = ARTICLE_FIRST_WEEK,
    last_week: str = ARTICLE_LAST_WEEK,
    *,
    titles: Mapping[str, str],
    subtitles: Mapping[str, str],
    sets: Mapping[str, Mapping[str, str]],
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
      over a shaded span; the title, ``titles`` (language -> title), is
      :func:`helpers.models.market_share.share_vs_market` of it in words
      (:func:`helpers.narrative.market.share_titles`);
    * holiday weeks (``calendar_weeks.holiday_days > 0``) are shaded bands and
      month-end weeks marked along the top: marked, not adjusted for.

    The subtitle, ``subtitles`` (language -> subtitle), is :func:`helpers.narrative.market.share_subtitles`; the
    legend names each brand set as ``sets`` does (language -> ``brands`` cell -> name,
    :func:`helpers.narrative.market.brand_set_names`).  ``weekly_sales`` (optional) adds Xiaomi's own sources to
    the footer.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

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
        # with many weeks a label that would sit on one already placed (within two weeks and a label's height)
        # is left out: the CSV holds every share
        label_height = 0.055 * 1.25 * max(list(values.values()) + list(art_values.values()))
        boxes: list[tuple[float, float, float]] = []  # (week number, low, high) of the labels placed, as shares
        week_no = {w: i for i, w in enumerate(all_weeks)}

        def free(w: tuple[int, int], v: float, below: bool) -> bool:
            low, high = (v - label_height, v) if below else (v, v + label_height)
            i = week_no.get(w, 0)
            return not any(abs(i - j) < 2 and low < h and l < high for j, l, h in boxes)

        for values_of, color, gid_name, other in ((art_values, _ARTICLE_COLOR, "value:article", values),
                                                  (values, _LINE_COLOR, "value:share", art_values)):
            placed: dict[tuple[int, int], bool] = {}
            for w, v in sorted(values_of.items()):
                if values_of is values and w in other and _pct(other[w]) == _pct(v):
                    continue
                below = w in other and other[w] > v
                before = weeks.add_weeks(w, -1)
                if w not in other and before in placed and abs(values_of[before] - v) < 0.012:
                    below = not placed[before]  # two close shares in adjacent weeks: one label above, one below
                if not free(w, v, below):
                    if free(w, v, not below):
                        below = not below
                    else:
                        continue
                placed[w] = below
                boxes.append((week_no.get(w, 0), v - label_height if below else v, v if below else v + label_height))
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

        n_line = len(values)
        n_art = len(art_values)
        handles = [
            Line2D([], [], color=_LINE_COLOR, linewidth=2.2, marker="o", markersize=7,
                   label=style.label("mkt_legend_line", lang, set=sets[lang][line_set], n=n_line)),
            Line2D([], [], color=_ARTICLE_COLOR, linewidth=2.2, linestyle=(0, (4, 2)), marker="D", markersize=6.5,
                   label=style.label("mkt_legend_article", lang, set=sets[lang][article_set], n=n_art)),
            Patch(facecolor=_ARTICLE_SPAN_COLOR, alpha=0.28,
                  label=style.label("mkt_legend_article_weeks", lang, span=week_span(first_week, last_week))),
            Patch(facecolor=_HOLIDAY_COLOR, alpha=0.16, label=style.label("mkt_legend_holiday", lang)),
            Line2D([], [], linestyle="none", marker="v", markersize=6.5, color=_MONTH_END_COLOR,
                   label=style.label("mkt_legend_month_end", lang)),
        ]
        if no_share:
            handles.append(Line2D([], [], linestyle="none", marker="x", markersize=7, markeredgewidth=1.6,
                                  color=style.OKABE_ITO["grey"], label=style.label("mkt_legend_no_share", lang)))
        legend_below(fig, ax, handles, ncols=3, drop_in=0.74, fontsize=style.FONT_SIZES["legend"] - 0.5)

        pairs = _source_pairs(table, weekly_sales, series) + _source_pairs(article_share, None, series)
        as_of = weeks.week_label(*have[-1])
        footer = style.label("footer", lang, sources=style.label("sources", lang, sources=sources_text(pairs, lang)),
                             as_of=style.label("as_of", lang, week=as_of))
        return finish(fig, lang, titles[lang], subtitles[lang], footer)


# --------------------------------------------------------------------------- b. calendar specifications

_SPEC_COLOR = style.OKABE_ITO["orange"]
_NOT_FITTED_COLOR = style.OKABE_ITO["grey"]
def _spec_name(name: str, lang: str) -> str:
    key = f"cal_spec_name_{name}"
    return style.label(key, lang) if key in style.LABELS[lang] else str(name)


def calendar_specifications_figure(
    table: pd.DataFrame,
    market_registrations: pd.DataFrame | None = None,
    weekly_sales: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    lang: str = "en",
    *,
    titles: Mapping[str, str],
) -> Any:
    """The calendar's share of the article's dip under each specification: point and 95% interval, one row each.

    ``table`` is :func:`helpers.models.calendar_specifications.calendar_specifications` (one row per
    specification, in the order drawn top to bottom).  Reference lines at 0% (the calendar explains none of the
    dip) and 100% (all of it); a specification that could not be fitted keeps its row with the reason.  The title
    is ``titles[lang]`` (:func:`helpers.narrative.market.specifications_titles`); each row is named by its plain
    name (``labels.toml``: ``cal_spec_name_*``).
    ``market_registrations`` and ``weekly_sales`` (optional) give the weekly lists behind the fits and Xiaomi's
    two weeks, ``sources`` (the clean sources table) their publishers, for the footer.
    """
    from helpers.models.calendar_specifications import specification_design, SPECIFICATIONS, specifications_summary

    with style.theme(lang) as lang:
        if table.empty:
            raise ValueError("the specifications table is empty")
        summary = specifications_summary(table)
        fig = new_figure("pair")
        ax = fig.add_subplot()
        n = len(table)
        ax.axvline(0, color="#333333", linewidth=1.2, zorder=2, gid="reference:0")
        ax.axvline(100, color="#333333", linewidth=1.2, linestyle="--", zorder=2, gid="reference:100")
        fitted = table[table["percent_of_dip"].notna()]
        lows = [0.0, *fitted["percent_ci95_low"].astype(float)]
        highs = [100.0, *fitted["percent_ci95_high"].astype(float)]
        has_drop = "drop_one_percent_low" in fitted.columns and fitted["drop_one_percent_low"].notna().any()
        if has_drop:
            lows += fitted["drop_one_percent_low"].dropna().astype(float).tolist()
            highs += fitted["drop_one_percent_high"].dropna().astype(float).tolist()
        span = max(highs) - min(lows)
        text_x = max(highs) + 0.04 * span  # every row's numbers in one column, clear of the bars and the 100% line
        for i, row in enumerate(table.itertuples(index=False)):
            y = float(n - 1 - i)
            if pd.isna(row.percent_of_dip):
                ax.annotate(style.label("cal_spec_not_fitted", lang, reason=str(row.not_fitted_reason)), (text_x, y),
                            ha="left", va="center", fontsize=style.FONT_SIZES["annotation"], color=_NOT_FITTED_COLOR,
                            gid="not_fitted")
                continue
            mid, lo, hi = float(row.percent_of_dip), float(row.percent_ci95_low), float(row.percent_ci95_high)
            ax.errorbar(mid, y, xerr=[[mid - lo], [hi - mid]], fmt="s", color=_SPEC_COLOR, markersize=7,
                        elinewidth=2.0, capsize=4, capthick=1.6, zorder=4, gid=f"spec:{row.specification}")
            drop = (getattr(row, "drop_one_percent_low", math.nan), getattr(row, "drop_one_percent_high", math.nan))
            if not any(pd.isna(v) for v in drop):
                ax.plot([float(drop[0]), float(drop[1])], [y + 0.27, y + 0.27], color=_NOT_FITTED_COLOR,
                        linewidth=1.2, marker="|", markersize=6, zorder=3, gid=f"drop_one:{row.specification}")
            ax.annotate(style.label("cal_spec_value", lang, pct=number(mid), lo=number(lo), hi=number(hi),
                                    n=int(row.n_obs), df=int(getattr(row, "df_interval", row.df_resid))),
                        (text_x, y), ha="left", va="center", fontsize=style.FONT_SIZES["annotation"], color="#333333",
                        gid="spec_value")
        ax.set_xlim(min(lows) - 0.05 * span, max(highs) + 0.62 * span)
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_yticks([float(n - 1 - i) for i in range(n)],
                      [_spec_name(str(name), lang) for name in table["specification"]])
        ax.set_xlabel(style.label("cal_spec_x", lang, span=week_span(summary["from_week"], summary["to_week"], "-")))
        ax.grid(axis="y", visible=False)

        subtitle = calendar_specifications_subtitle(
            lang, span=week_span(summary["from_week"], summary["to_week"], "-"), agree=bool(summary["agree"]),
            tolerance_pp=summary["tolerance_pp"], percent_low=summary["percent_low"],
            percent_high=summary["percent_high"],
            drop_one=(summary["drop_one_low"], summary["drop_one_high"]) if has_drop else None)
        pairs: list[tuple[str, str]] = []
        last = weeks.parse_week_label(str(summary["to_week"]))
        if market_registrations is not None:
            wanted = {s.name: s for s in SPECIFICATIONS}
            for name in table["specification"].astype(str):
                if name not in wanted:
                    continue
                design = specification_design(market_registrations, _calendar_stub(market_registrations), wanted[name],
                                              (str(summary["from_week"]), str(summary["to_week"])))
                used = {(b, w) for b, w in zip(design["brand"], design["week"])}
                rows = market_registrations[[(str(b), weeks.week_label(int(y), int(k))) in used for b, y, k in zip(
                    market_registrations["series"], market_registrations["iso_year"], market_registrations["iso_week"])]]
                pairs += [(str(sid), "market") for sid in rows["source_id"]]
                if len(design):
                    last = max(last, max(weeks.parse_week_label(w) for w in design["week"]))
        if weekly_sales is not None:
            ends = {weeks.parse_week_label(str(summary["from_week"])), weeks.parse_week_label(str(summary["to_week"]))}
            got = weekly_sales[(weekly_sales["series"].astype(str) == str(summary["observed_series"]))
                               & weekly_sales["units"].notna()]
            got = got[[p in ends for p in _pairs(got)]]
            pairs += [(str(sid), "xiaomi") for sid in got["source_id"]]
        sources_words = style.label("sources", lang, sources=sources_text([(sid, "") for sid, _ in pairs], lang, sources))
        footer = style.label("footer", lang, sources=sources_words, as_of=style.label("as_of", lang, week=weeks.week_label(*last)))
        return finish(fig, lang, titles[lang], subtitle, footer)


def _calendar_stub(market_registrations: pd.DataFrame) -> pd.DataFrame:
    """A calendar of every week the lists hold (working days 5, no month end): enough to select a fit's brand-weeks."""
    keys = market_registrations[["iso_year", "iso_week"]].drop_duplicates()
    return keys.assign(working_days=5, month_end=False)

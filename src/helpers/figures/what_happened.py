"""The figures of notebook 06, what happened next: the article's numbers beside the figures published after it.

Built like :mod:`helpers.figures.findings` (and with its helpers): tables in, a
matplotlib ``Figure`` out, no pyplot, no file read or written.  Each figure has
a title stating the finding computed from the tables, a subtitle with the
method and its caveats (small samples called small, with n; missing weeks said
missing), axis units, and a footer naming the ``source_id``s behind it and the
week (or month) the data run to.

===============================  ==================================================================
:func:`later_weekly_figure`      weekly registrations of 2025, SU7 and all models, gaps kept, events
:func:`monthly_deliveries_figure` every monthly figure of every source against the article's capacities
:func:`vintage_scorecard_figure` the article-vintage trend and its 95% fan, the later weeks scored
===============================  ==================================================================

Save them with :func:`helpers.figures.findings.save_figure` under :data:`STEMS`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.data.clean import (
    ARTICLE_SOURCE_ID,
    BRAND_SERIES,
    SECOND_MODEL_EVENT,
    SU7_SERIES,
    figure_row,
    second_model_week,
)
from helpers.data.roles import FIGURE
from helpers.figures import style
from helpers.figures.frame import (
    measure_axis_label,
    day_x,
    event_label,
    finish,
    legend_below,
    monday_x,
    new_figure,
    pack_rows,
    sources_text,
    text_width_pt,
    thousands,
)
from helpers.formatting import format_month, number, week_span
from helpers.models import scorecard, what_happened
from helpers.narrative.subtitles import later_weekly_subtitle, monthly_deliveries_subtitle, vintage_scorecard_subtitle

__all__ = [
    "STEMS",
    "LATER_EVENTS",
    "later_weekly_figure",
    "monthly_deliveries_figure",
    "vintage_scorecard_figure",
]

#: File stems of the three figures (``reports/figures/<stem>.png`` and ``.svg``).
STEMS = {
    "weekly": "07_later_weekly",
    "monthly": "07_monthly_deliveries",
    "vintage": "07_vintage_scorecard",
}
#: The dated events the weekly figure marks, by ``event_id``.
LATER_EVENTS = ("accident_anhui_expressway", "yu7_launch", SECOND_MODEL_EVENT)
#: figure_ids of the article's figures the monthly figure draws as references.
FIG_CAPACITY_ACTUAL = FIGURE.actual_capacity
FIG_CAPACITY_DESIGN = FIGURE.design_capacity
FIG_ARTICLE_MONTH = FIGURE.april_sales

_SERIES_COLORS = {SU7_SERIES: style.COLORS["observed"], BRAND_SERIES: style.OKABE_ITO["orange"]}
_SERIES_MARKERS = {SU7_SERIES: "o", BRAND_SERIES: "s"}
_ARTICLE_SPAN_COLOR = style.OKABE_ITO["yellow"]
_MEASURE_COLORS = {
    "deliveries": style.OKABE_ITO["blue"],
    "retail_sales": style.OKABE_ITO["reddish_purple"],
    "wholesale": style.OKABE_ITO["grey"],
}
_SINGLE_MODEL_COLOR = style.OKABE_ITO["orange"]
_BOUND_MARKERS = {"exact": "o", "lower": "^", "upper": "v", "approximate": "D"}
_BOUND_ORDER = {b: i for i, b in enumerate(what_happened.BOUNDS)}


# --------------------------------------------------------------------------- small helpers


def _floor1(x: float) -> str:
    """A ratio rounded *down* to one decimal, so that "at least" stays true.

    >>> _floor1(2.2487), _floor1(1.7985), _floor1(3.0)
    ('2.2', '1.7', '3.0')
    """
    return f"{math.floor(x * 10 + 1e-9) / 10:.1f}"


def _mid_week(pair: tuple[int, int]) -> float:
    """The x position of a week: the middle of its seven days (Thursday noon)."""
    return monday_x(*pair) + 3.5


def _pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(y), int(w)) for y, w in zip(frame["iso_year"], frame["iso_week"])]


def _series_name(series: str, lang: str) -> str:
    key = f"later_series_{series}"
    return style.label(key, lang) if key in style.LABELS[lang] else series


def _rows_of(weekly_sales: pd.DataFrame, series: str, pairs: Iterable[tuple[int, int]]) -> pd.DataFrame:
    wanted = set(pairs)
    rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]
    return rows[[p in wanted for p in _pairs(rows)]].sort_values(["iso_year", "iso_week"], kind="mergesort")


def _source_pairs(rows: pd.DataFrame) -> list[tuple[str, str]]:
    locators = rows["locator"].astype(str) if "locator" in rows.columns else [""] * len(rows)
    return list(zip(rows["source_id"].astype(str), locators))


def _value_label(ax: Any, x: float, y: float, text: str, place: str, color: str, gid: str) -> None:
    """A small number beside a point: ``above``, ``below``, ``upper_left`` or ``upper_right`` of it."""
    offsets = {"above": ((0, 9), "center", "bottom"), "below": ((0, -10), "center", "top"),
               "upper_left": ((-7, 6), "right", "bottom"), "upper_right": ((7, 6), "left", "bottom")}
    (dx, dy), ha, va = offsets[place]
    ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                fontsize=style.FONT_SIZES["annotation"], color=color, gid=gid, zorder=7,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})


def _placement(units: dict[tuple[int, int], float], week: tuple[int, int]) -> str:
    """Where a point's label goes so it clears the lines to its neighbours (consecutive weeks only).

    >>> u = {(2025, 14): 5100, (2025, 15): 6287, (2025, 16): 7200, (2025, 17): 7000, (2025, 18): 5700}
    >>> [_placement(u, w) for w in sorted(u)]
    ['below', 'upper_left', 'above', 'upper_right', 'below']
    """
    value = units[week]
    before, after = units.get(weeks.add_weeks(week, -1)), units.get(weeks.add_weeks(week, 1))
    neighbours = [v for v in (before, after) if v is not None]
    if not neighbours or all(v <= value for v in neighbours):
        return "above"
    if all(v >= value for v in neighbours):
        return "below"
    return "upper_left" if before is not None and before < value else "upper_right"


# --------------------------------------------------------------------------- a. weekly registrations, 2025


def later_weekly_figure(
    weekly_sales: pd.DataFrame,
    events: pd.DataFrame,
    lang: str = "en",
    series: tuple[str, ...] = (SU7_SERIES, BRAND_SERIES),
    event_ids: tuple[str, ...] = LATER_EVENTS,
    *,
    titles: Mapping[str, str],
) -> Any:
    """Weekly registrations of 2025 for the SU7 and for all Xiaomi models, with gaps kept and dated events.

    * one marker per published week; a line joins two weeks only when they are
      consecutive, so a week without a figure is a gap, never bridged or zero;
    * ``xiaomi_all`` weeks derived from ``xiaomi_su7`` (a ``derivation`` note:
      the brand total was the SU7) are hollow markers, and the legend says so;
    * the article's own weeks (source ``article_ggyjs_2025``) are shaded;
    * the events ``event_ids`` (by default the 2025-03-29 accident, the YU7
      launch and the first YU7 deliveries) are dashed lines with dated labels.

    The title, ``titles`` (language -> title), is :func:`helpers.models.what_happened.decline_status` of
    ``xiaomi_su7`` in words, then the brand's highest week from the YU7's first week on
    (:func:`helpers.narrative.what_happened.later_weekly_titles`).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter

    with style.theme(lang) as lang:
        status = what_happened.decline_status(weekly_sales, SU7_SERIES)
        present = set(weekly_sales["series"].astype(str))
        observed = {s: what_happened.observed_weeks(weekly_sales, s) for s in series if s in present}
        observed = {s: o for s, o in observed.items() if len(o)}
        if not observed:
            raise ValueError(f"weekly_sales hold no figures for {', '.join(series)}")
        have = sorted({p for o in observed.values() for p in _pairs(o)})
        all_weeks = weeks.week_range(have[0], have[-1])
        x = np.array([_mid_week(w) for w in all_weeks])
        yu7_week = second_model_week(events) if "event_id" in events.columns else None

        fig = new_figure("wide")
        ax = fig.add_subplot()

        # the article's weeks, shaded
        article_pairs = [weeks.parse_week_label(w) for w in status["article_weeks"]]
        ax.axvspan(monday_x(*article_pairs[0]), monday_x(*weeks.add_weeks(article_pairs[-1], 1)),
                   color=_ARTICLE_SPAN_COLOR, alpha=0.3, linewidth=0, zorder=0, gid="article_weeks")

        top = 0.0
        for s, o in observed.items():
            units = dict(zip(_pairs(o), o["units"].astype(float)))
            derived = {p for p, d in zip(_pairs(o), o["derivation"].astype(str)) if d}
            color, marker = _SERIES_COLORS.get(s, style.OKABE_ITO["grey"]), _SERIES_MARKERS.get(s, "D")
            y = np.array([units.get(w, np.nan) for w in all_weeks])
            own = np.array([units[w] if w in units and w not in derived else np.nan for w in all_weeks])
            hollow = np.array([units[w] if w in derived else np.nan for w in all_weeks])
            su7 = s == SU7_SERIES
            # the line (NaN = no figure: matplotlib leaves the gap); the SU7 line is drawn over the brand's
            ax.plot(x, y, color=color, linewidth=2.4 if su7 else 2.0, zorder=4 if su7 else 3, gid=f"weekly:{s}")
            ax.plot(x, own, linestyle="none", marker=marker, markersize=7.5, color=color, zorder=6 if su7 else 5,
                    gid=f"weekly_points:{s}")
            if derived:
                ax.plot(x, hollow, linestyle="none", marker=marker, markersize=12.5, markerfacecolor="none",
                        markeredgecolor=color, markeredgewidth=1.6, zorder=5, gid=f"weekly_derived:{s}")
            for w, u in units.items():
                if w not in derived:
                    _value_label(ax, _mid_week(w), u, number(u), _placement(units, w), color, f"value:{s}")
            top = max(top, float(np.nanmax(y)))

        # events: dashed lines, labels packed into rows at the top
        chosen = events[events["event_id"].astype(str).isin(event_ids)] if "event_id" in events.columns else events.iloc[:0]
        dated = [ev for _, ev in chosen.iterrows() if str(ev["date_precision"]) == "day" and str(ev["date_start"])]
        dated.sort(key=lambda ev: (str(ev["date_start"]), str(ev["event_id"])))
        days = [dt.date.fromisoformat(str(ev["date_start"])) for ev in dated]
        x_start = min([weeks.week_monday(*have[0])] + days) - dt.timedelta(days=4)
        x_end = max([weeks.week_sunday(*have[-1])] + days) + dt.timedelta(days=4)
        days_per_inch = (day_x(x_end) - day_x(x_start)) / (style.FIGSIZES["wide"][0] - 1.5)
        texts, spans, lefts = [], [], []
        for ev, day in zip(dated, days):
            text = event_label(ev, lang)
            width = (text_width_pt(text, style.FONT_SIZES["annotation"]) / 72 + 0.2) * days_per_inch
            left = day_x(day) + width <= day_x(x_end)
            texts.append(text)
            lefts.append(left)
            spans.append((day_x(day), day_x(day) + width) if left else (day_x(day) - width, day_x(day)))
        rows = pack_rows(spans)
        n_rows = max(rows) + 1 if rows else 0
        ax.set_xlim(day_x(x_start), day_x(x_end))
        ax.set_ylim(0, top * (1.16 + 0.085 * n_rows))
        for ev, day, text, row, left in zip(dated, days, texts, rows, lefts):
            ax.axvline(day_x(day), color=style.COLORS["event"], linestyle=(0, (2, 2)), linewidth=1.2, zorder=2,
                       gid=f"event_line:{ev['event_id']}")
            ax.annotate(text, (day_x(day), 1.0), xycoords=("data", "axes fraction"),
                        xytext=(4 if left else -4, -6 - 17 * row), textcoords="offset points",
                        ha="left" if left else "right", va="top", fontsize=style.FONT_SIZES["annotation"],
                        color=style.COLORS["event"], gid=f"event:{ev['event_id']}", zorder=8,
                        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})

        # ticks: every week a minor tick, labelled every `step` weeks from the first figure
        shown = [w for w in weeks.week_range(weeks.week_of(x_start + dt.timedelta(days=1)), weeks.week_of(x_end))
                 if day_x(x_start) <= _mid_week(w) <= day_x(x_end)]
        step = max(1, math.ceil(len(shown) / 15))
        ticked = [w for w in shown if weeks.weeks_between(have[0], w) % step == 0]
        ax.xaxis.set_major_locator(FixedLocator([_mid_week(w) for w in ticked]))
        ax.set_xticklabels([style.week_tick(w[1], weeks.week_monday(*w), lang) for w in ticked])
        ax.xaxis.set_minor_locator(FixedLocator([_mid_week(w) for w in shown]))
        ax.tick_params(axis="x", which="minor", length=3, color="#888888")
        ax.tick_params(axis="x", which="major", length=5)
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        ax.set_xlabel(style.label("later_x_week", lang))
        ax.set_ylabel(style.label("later_y_weekly", lang))
        ax.grid(axis="x", visible=False)

        article_span = week_span(status["article_weeks"][0], status["article_weeks"][-1])
        handles = []
        for s, o in observed.items():
            handles.append(Line2D([], [], color=_SERIES_COLORS.get(s, style.OKABE_ITO["grey"]),
                                  marker=_SERIES_MARKERS.get(s, "D"), markersize=7.5, linewidth=2.2,
                                  label=style.label(f"later_legend_{s}", lang) if f"later_legend_{s}" in style.LABELS[lang] else s))
            if (o["derivation"].astype(str) != "").any():
                before = yu7_week if yu7_week is not None else weeks.add_weeks(max(
                    p for p, d in zip(_pairs(o), o["derivation"].astype(str)) if d), 1)
                handles.append(Line2D([], [], linestyle="none", marker=_SERIES_MARKERS.get(s, "D"), markersize=11,
                                      markerfacecolor="none", markeredgecolor=_SERIES_COLORS.get(s, style.OKABE_ITO["grey"]),
                                      markeredgewidth=1.6, label=style.label("later_legend_derived", lang,
                                                                             week=weeks.week_label(*before))))
        handles.append(Patch(facecolor=_ARTICLE_SPAN_COLOR, alpha=0.3,
                             label=style.label("later_legend_article", lang, n=len(article_pairs), span=article_span)))
        if dated:
            handles.append(Line2D([], [], color=style.COLORS["event"], linestyle=(0, (2, 2)), linewidth=1.2,
                                  label=style.label("legend_event", lang)))
        legend_below(fig, ax, handles, ncols=2)

        title = titles[lang]

        after = weeks.parse_week_label(status["article_last_week"])
        subtitle = later_weekly_subtitle(
            lang, article_span=article_span, weeks_listed=[weeks.week_label(*w) for w in all_weeks],
            weeks_with_figure={weeks.week_label(*p) for p in have}, article_last_week=status["article_last_week"],
            after_article={s: sum(1 for p in _pairs(o) if p > after) for s, o in observed.items()})

        pairs = []
        for s in observed:
            pairs += _source_pairs(_rows_of(weekly_sales, s, have))
        pairs += [(str(ev["source_id"]), str(ev["locator"])) for ev in dated]
        footer = style.label("footer", lang, sources=style.label("sources", lang, sources=sources_text(pairs, lang)),
                             as_of=style.label("as_of", lang, week=weeks.week_label(*have[-1])))
        return finish(fig, lang, title, subtitle, footer)


# --------------------------------------------------------------------------- b. monthly figures, Jan–Oct


def _month_labels(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``).

    >>> _month_labels("2024-11", "2025-02")
    ['2024-11', '2024-12', '2025-01', '2025-02']
    """
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _reading_text(row: pd.Series) -> str:
    """A month's reading (:func:`helpers.models.what_happened.monthly_range`) in a few characters, numbers only."""
    kind, low, high = str(row["reading_kind"]), row["reading_low"], row["reading_high"]
    if kind == "exact":
        return number(low)
    if kind in ("exact range", "bounded"):
        return f"{number(low)}–\n{number(high)}"
    if kind in ("lower bound", "contradictory"):
        return f"≥ {number(low)}"
    if kind == "upper bound":
        return f"≤ {number(high)}"
    return f"≈ {number(low)}" if low == high else f"≈ {number(low)}–\n{number(high)}"


def monthly_deliveries_figure(
    monthly_deliveries: pd.DataFrame,
    figures: pd.DataFrame,
    lang: str = "en",
    events: pd.DataFrame | None = None,
    series: str = BRAND_SERIES,
    reconciliation: pd.DataFrame | None = None,
    *,
    titles: Mapping[str, str],
    capacity: Mapping[str, str],
) -> Any:
    """Monthly figures of ``series`` against the article's capacities: one message, the multiple.

    * one marker per figure and source, side by side within its month: colour by measure, dots for exact
      figures, upward triangles for lower bounds ("at least"), downward for upper bounds;
    * a black bar at each month's lowest reading (:func:`helpers.models.what_happened.monthly_range`), the reading
      the multiples use; no number printed over the markers;
    * figures the quarterly totals rule out (``reconciliation``, notebook 07's table) are grey crosses and
      count for nothing; figures for one model alone are left out (the notes say how many);
    * horizontal lines: the article's "actual capacity" and its design capacity, a month; the article's own
      April figure as a star; with ``events``, a line where the second model's deliveries began.

    The title, ``titles`` (language -> title), gives the multiples of the months before the second model's
    deliveries (the SU7 alone) at one decimal, as notebook 07 prints them
    (:func:`helpers.narrative.what_happened.monthly_titles`); ``capacity`` (language -> words) is the article's
    "actual capacity" as the legend says it (:func:`helpers.narrative.what_happened.capacity_words`).
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, FuncFormatter

    with style.theme(lang) as lang:
        table = monthly_deliveries[monthly_deliveries["units"].notna()].copy()
        if table.empty:
            raise ValueError("monthly_deliveries hold no figures")
        table["label"] = [f"{int(y):04d}-{int(m):02d}" for y, m in zip(table["year"], table["month"])]
        banned = what_happened.ruled_out_keys(reconciliation)
        table["is_ruled_out"] = [(lab, str(sid), float(u)) in banned
                               for lab, sid, u in zip(table["label"], table["source_id"], table["units"])]
        one_model = table[table["series"].astype(str) != series]
        ruled = table[table["is_ruled_out"] & (table["series"].astype(str) == series)]
        shown = table[(table["series"].astype(str) == series) & ~table["is_ruled_out"]]
        if shown.empty:
            raise ValueError(f"monthly_deliveries hold no figures of {series!r}")
        article = figure_row(figures, FIG_ARTICLE_MONTH)
        actual, design = figure_row(figures, FIG_CAPACITY_ACTUAL), figure_row(figures, FIG_CAPACITY_DESIGN)
        months = _month_labels(min(table["label"]), max(table["label"]))
        position = {m: i for i, m in enumerate(months)}
        readings = what_happened.monthly_range(shown, series)
        by_month = readings.set_index("month")

        fig = new_figure("wide")
        ax = fig.add_subplot()
        y_top = max(float(shown["units"].max()), float(article["value_mid"])) * 1.18
        arrow = y_top * 0.06

        legend: dict[tuple[str, str], Any] = {}
        article_month = str(article["period"])
        for month in months:
            rows = pd.concat([shown[shown["label"] == month], ruled[ruled["label"] == month]])
            rows = rows.assign(_bound=[_BOUND_ORDER.get(str(b), 9) for b in rows["bound"]])
            rows = rows.sort_values(["is_ruled_out", "measure", "_bound", "units", "source_id"], kind="mergesort")
            items = len(rows) + (month == article_month)
            if not items:
                continue
            spacing = min(0.11, 0.8 / items)
            offsets = (np.arange(items) - (items - 1) / 2) * spacing
            for offset, row in zip(offsets, rows.itertuples(index=False)):
                xi, u = position[month] + offset, float(row.units)
                if row.is_ruled_out:
                    ax.plot([xi], [u], linestyle="none", marker="X", markersize=8, color=style.OKABE_ITO["grey"],
                            zorder=4, gid=f"ruled_out:{month}:{row.source_id}")
                    if "ruled" not in legend:
                        legend["ruled"] = Line2D([], [], linestyle="none", marker="X", markersize=8,
                                                 color=style.OKABE_ITO["grey"],
                                                 label=style.label("later_month_ruled_legend", lang))
                    continue
                color = _MEASURE_COLORS.get(str(row.measure), style.OKABE_ITO["grey"])
                bound = str(row.bound)
                ax.plot([xi], [u], linestyle="none", marker=_BOUND_MARKERS.get(bound, "o"), markersize=7,
                        color=color, markeredgecolor="white", markeredgewidth=0.6, zorder=5,
                        gid=f"month:{month}:{bound}:{row.source_id}")
                if bound == "lower":
                    ax.annotate("", xy=(xi, u + arrow), xytext=(xi, u), zorder=4, gid=f"at_least:{month}",
                                arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.0,
                                            "shrinkA": 5, "shrinkB": 0, "mutation_scale": 7})
                key = (str(row.measure), bound)
                if key not in legend:
                    measure_key = f"later_measure_{row.measure}"
                    measure = style.label(measure_key, lang) if measure_key in style.LABELS[lang] else str(row.measure)
                    legend[key] = Line2D([], [], linestyle="none", marker=_BOUND_MARKERS.get(bound, "o"), markersize=7,
                                         color=color, markeredgecolor="white", label=style.label(
                                             "later_legend_month", lang, measure=measure, series="",
                                             bound=style.label(f"later_bound_{bound}", lang)))
            if month == article_month:
                ax.plot([position[month] + offsets[-1]], [float(article["value_mid"])], linestyle="none", marker="*",
                        markersize=14, color=style.COLORS["event"], markeredgecolor="white", markeredgewidth=0.6,
                        zorder=6, gid="article_month")
            if month in by_month.index and pd.notna(by_month.loc[month, "reading_low"]):
                low = float(by_month.loc[month, "reading_low"])
                ax.plot([position[month] - 0.42, position[month] + 0.42], [low, low], color="#222222", linewidth=1.6,
                        zorder=3, solid_capstyle="butt", gid=f"reading:{month}")

        actual_month = float(actual["value_mid"])
        design_month = float(design["value_mid"]) / 12
        ax.axhline(actual_month, color=style.COLORS["capacity_actual"], linestyle=(0, (6, 3)), linewidth=2.0, zorder=2,
                   gid="capacity_actual")
        ax.axhline(design_month, color=style.COLORS["capacity"], linestyle=(0, (1.5, 2)), linewidth=2.2, zorder=2,
                   gid="capacity_design")

        second_model = None
        ev = None
        if events is not None and "event_id" in events.columns:
            rows = events[(events["event_id"].astype(str) == SECOND_MODEL_EVENT) & (events["date_precision"].astype(str) == "day")]
            if len(rows):
                ev = rows.iloc[0]
                day = dt.date.fromisoformat(str(ev["date_start"]))
                label_month = f"{day.year:04d}-{day.month:02d}"
                if label_month in position:
                    days = calendar.monthrange(day.year, day.month)[1]
                    xe = position[label_month] - 0.5 + (day.day - 1) / days
                    ax.axvline(xe, color=style.COLORS["event"], linestyle=(0, (2, 2)), linewidth=1.2, zorder=1,
                               gid="event_line:" + SECOND_MODEL_EVENT)
                    ax.annotate(event_label(ev, lang), (xe, 0.0), xycoords=("data", "axes fraction"), xytext=(4, 6),
                                textcoords="offset points", ha="left", va="bottom", fontsize=style.FONT_SIZES["annotation"],
                                color=style.COLORS["event"], gid="event:" + SECOND_MODEL_EVENT,
                                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})
                    second_model = day

        ax.set_xlim(-0.6, len(months) - 0.4)
        ax.set_ylim(0, y_top)
        ax.xaxis.set_major_locator(FixedLocator(list(range(len(months)))))
        ax.set_xticklabels([_month_tick(m, lang) for m in months])
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        ax.set_ylabel(style.label("later_month_y", lang))
        ax.grid(axis="x", visible=False)

        handles = [h for k, h in legend.items() if k != "ruled"]
        handles += [
            Line2D([], [], color="#222222", linewidth=1.6, label=style.label("later_month_lowest", lang)),
            Line2D([], [], color=style.COLORS["capacity_actual"], linestyle=(0, (6, 3)), linewidth=2.0,
                   label=style.label("later_cap_actual", lang, capacity=capacity[lang])),
            Line2D([], [], color=style.COLORS["capacity"], linestyle=(0, (1.5, 2)), linewidth=2.2,
                   label=style.label("later_cap_design", lang, annual=number(design["value_mid"]), monthly=number(design_month))),
            Line2D([], [], linestyle="none", marker="*", markersize=13, color=style.COLORS["event"],
                   label=style.label("later_article_month", lang, month=format_month(article_month, lang),
                                     units=number(article["value_mid"]), series=_series_name(str(article["subject"]), lang))),
        ]
        if "ruled" in legend:
            handles.append(legend["ruled"])
        legend_below(fig, ax, handles, ncols=2, drop_in=0.62)

        title = titles[lang]
        sources = sorted(set(shown["source_id"].astype(str)))
        subtitle = monthly_deliveries_subtitle(
            lang, n_figures=len(shown), n_sources=len(sources), n_months=shown["label"].nunique(),
            second_model_day=second_model, ruled_out=len(ruled), one_model=len(one_model),
            months_missing=[m for m in months if m not in set(shown["label"])])

        ordered = shown.sort_values(["label", "source_id"], kind="mergesort")
        pairs = [(str(actual["source_id"]), str(actual["locator"])), (str(design["source_id"]), str(design["locator"])),
                 (str(article["source_id"]), str(article["locator"]))]
        pairs += _source_pairs(ordered)
        if second_model is not None and ev is not None:
            pairs.append((str(ev["source_id"]), str(ev["locator"])))
        footer = style.label("footer", lang, sources=style.label("sources", lang, sources=sources_text(pairs, lang)),
                             as_of=style.label("as_of", lang, week=format_month(months[-1], lang)))
        return finish(fig, lang, title, subtitle, footer)


def _month_tick(month: str, lang: str) -> str:
    """A two-line month tick: ``Oct\n2025`` / ``10月\n2025年``."""
    if lang == "zh":
        return f"{int(month[5:7])}月\n{month[:4]}年"
    return format_month(month, lang).replace(" ", "\n")


# --------------------------------------------------------------------------- c. the article's vintage, scored


def vintage_scorecard_figure(scored: pd.DataFrame, weekly_sales: pd.DataFrame, lang: str = "en",
                             earlier_weeks: int = 4, *, titles: Mapping[str, str]) -> Any:
    """The trend the article's data gave, its 95% prediction fan, and the later weeks scored against it.

    ``scored`` is :func:`helpers.models.what_happened.article_vintage_scorecard`; the fit is
    made again from ``weekly_sales`` over the scorecard's own weeks (its
    ``first_week``..``last_week``; an error if the number of weeks differs).
    Drawn: the weeks the fit saw, up to ``earlier_weeks`` weeks before them
    (hollow, not in the fit), the fitted line, the forecast carried to the
    newest later week with its 95% prediction interval (clipped at zero, said
    so), each later week's figure marked inside or outside the interval, and
    weeks without a figure labelled "no figure".  The title, ``titles`` (language -> title), is
    :func:`helpers.models.what_happened.scorecard_summary` in words
    (:func:`helpers.narrative.what_happened.vintage_titles`).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter

    from helpers.models.trend import fit_weekly_trend, select_window

    with style.theme(lang) as lang:
        summary = what_happened.scorecard_summary(scored)
        scored = what_happened.one_score_per_week(scored)  # each (week, model) once, as the summary counts them
        series, model = summary["series"], summary["model"]
        first_label, last_label = summary["fit_first_week"], summary["fit_last_week"]
        first, last = weeks.parse_week_label(first_label), weeks.parse_week_label(last_label)
        window = select_window(weekly_sales, series, last_label, weeks.weeks_between(first, last) + 1)
        fit = fit_weekly_trend(window, model)
        if fit.n_weeks != summary["fit_n_weeks"] or fit.first_week != first_label:
            raise ValueError(f"the scorecard's fit ({summary['fit_n_weeks']} weeks from {first_label}) does not match "
                             f"the weekly sales ({fit.n_weeks} weeks from {fit.first_week})")
        scored = scored.sort_values("weeks_ahead", kind="mergesort").reset_index(drop=True)
        fc_pairs = [weeks.parse_week_label(str(w)) for w in scored["week"]]
        back = np.exp if model == "log" else (lambda v: v)

        fig = new_figure("wide")
        ax = fig.add_subplot()

        # the fan: from the last fitted week (its own 95% PI) through every forecast week
        t_last = float(weeks.weeks_between(first, last))
        at_last = fit.result.get_prediction(np.array([[1.0, t_last]])).summary_frame(alpha=0.05)
        fan_x = np.array([_mid_week(last)] + [_mid_week(p) for p in fc_pairs])
        fan_lo = np.concatenate([back(at_last["obs_ci_lower"].to_numpy(dtype=float)), scored["pi95_low"].to_numpy(dtype=float)])
        fan_hi = np.concatenate([back(at_last["obs_ci_upper"].to_numpy(dtype=float)), scored["pi95_high"].to_numpy(dtype=float)])
        ax.fill_between(fan_x, np.maximum(fan_lo, 0.0), fan_hi, color=style.COLORS["forecast"], alpha=0.25, linewidth=0,
                        zorder=1, gid="forecast_pi")
        t_fit = np.linspace(0.0, t_last, 4 * int(t_last) + 1)
        line = fit.intercept + fit.slope * t_fit
        ax.plot(_mid_week(first) + 7 * t_fit, back(line), color=style.COLORS["trend"], linewidth=2.2, zorder=3, gid="trend")
        fwd_y = np.concatenate([back(np.array([fit.intercept + fit.slope * t_last])), scored["mean"].to_numpy(dtype=float)])
        ax.plot(fan_x, fwd_y, color=style.COLORS["trend"], linestyle=(0, (5, 3)), linewidth=2.0, marker="o", markersize=4.5,
                markevery=list(range(1, len(fan_x))), zorder=3, gid="forecast_mean")

        # the weeks the fit saw (a line only between consecutive weeks), and a few earlier ones it did not see
        fit_units = dict(zip(_pairs(window), window["units"].astype(float)))
        fit_weeks = weeks.week_range(first, last)
        ax.plot([_mid_week(w) for w in fit_weeks], [fit_units.get(w, np.nan) for w in fit_weeks],
                color=style.COLORS["observed"], marker="o", markersize=7.5, linewidth=2.4, zorder=5, gid="fit_weeks")
        for w, u in fit_units.items():  # each label on the far side of the fitted line
            fitted = float(back(fit.intercept + fit.slope * weeks.weeks_between(first, w)))
            _value_label(ax, _mid_week(w), u, number(u), "above" if u >= fitted else "below", style.COLORS["observed"],
                         "value:fit")
        observed = what_happened.observed_weeks(weekly_sales, series)
        start = weeks.add_weeks(first, -earlier_weeks)
        earlier = observed[[start <= p < first for p in _pairs(observed)]]
        if len(earlier):
            ax.plot([_mid_week(p) for p in _pairs(earlier)], earlier["units"].astype(float), linestyle="none", marker="o",
                    markersize=7, markerfacecolor="white", markeredgecolor=style.OKABE_ITO["grey"], markeredgewidth=1.6,
                    zorder=5, gid="earlier_weeks")
            for p, u in zip(_pairs(earlier), earlier["units"].astype(float)):
                _value_label(ax, _mid_week(p), u, number(u), "above", style.COLORS["text_muted"], "value:earlier")

        # the later weeks, scored
        outcome = scored["outcome"].astype(str)
        colors = {scorecard.INSIDE: style.COLORS["consistent"], scorecard.OUTSIDE: style.COLORS["inconsistent"]}
        markers = {scorecard.INSIDE: "o", scorecard.OUTSIDE: "X"}
        for kind in (scorecard.INSIDE, scorecard.OUTSIDE):
            rows = scored[outcome == kind]
            if rows.empty:
                continue
            xs = [_mid_week(weeks.parse_week_label(str(w))) for w in rows["week"]]
            ax.plot(xs, rows["actual"].astype(float), linestyle="none", marker=markers[kind], markersize=10,
                    color=colors[kind], markeredgecolor="white", markeredgewidth=1.0, zorder=6, gid=f"later:{kind}")
            for xi, row in zip(xs, rows.itertuples(index=False)):
                above = row.actual >= row.mean  # away from the forecast line
                ax.annotate(f"{number(row.actual)}\n{style.label(f'later_outcome_{kind}', lang)}", (xi, row.actual),
                            xytext=(0, 9 if above else -11), textcoords="offset points", ha="center",
                            va="bottom" if above else "top", fontsize=style.FONT_SIZES["annotation"], color=colors[kind],
                            fontweight="bold", linespacing=1.1, zorder=7, gid=f"later_value:{kind}",
                            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        missing = [str(w) for w in scored.loc[outcome == scorecard.NO_ACTUAL, "week"]]
        for w in missing:
            ax.annotate(style.label("later_no_figure", lang), (_mid_week(weeks.parse_week_label(w)), 0.0),
                        xycoords=("data", "axes fraction"), xytext=(0, 5), textcoords="offset points", ha="center",
                        va="bottom", fontsize=style.FONT_SIZES["annotation"], color=style.COLORS["text_muted"],
                        style="italic", linespacing=1.0, gid=f"no_figure:{w}", zorder=7)

        shown = weeks.week_range(min([first] + _pairs(earlier)), fc_pairs[-1])
        ax.set_xlim(_mid_week(shown[0]) - 5, _mid_week(shown[-1]) + 5)
        values = np.concatenate([fan_hi, window["units"].to_numpy(dtype=float), scored["actual"].dropna().to_numpy(dtype=float)])
        ax.set_ylim(0, float(np.nanmax(values)) * 1.22)
        step = max(1, math.ceil(len(shown) / 15))
        ticked = [w for w in shown if weeks.weeks_between(shown[0], w) % step == 0]
        ax.xaxis.set_major_locator(FixedLocator([_mid_week(w) for w in ticked]))
        ax.set_xticklabels([style.week_tick(w[1], weeks.week_monday(*w), lang) for w in ticked])
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        ax.set_xlabel(style.label("later_x_week", lang))
        ax.set_ylabel(measure_axis_label(weekly_sales, series, lang))
        ax.grid(axis="x", visible=False)

        span = week_span(first_label, last_label)
        model_name = style.label(f"model_{model}", lang)
        handles = [Line2D([], [], color=style.COLORS["observed"], marker="o", linewidth=2.4,
                          label=style.label("later_legend_fit_weeks", lang, n=fit.n_weeks))]
        if len(earlier):
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor="white",
                                  markeredgecolor=style.OKABE_ITO["grey"], markeredgewidth=1.6,
                                  label=style.label("later_legend_other_weeks", lang)))
        handles += [
            Line2D([], [], color=style.COLORS["trend"], linewidth=2.2, label=style.label("legend_trend", lang, model=model_name, span=span)),
            Line2D([], [], color=style.COLORS["trend"], linestyle=(0, (5, 3)), marker="o", markersize=4.5,
                   label=style.label("legend_forecast", lang)),
            Patch(facecolor=style.COLORS["forecast"], alpha=0.25, label=style.label("legend_pi", lang)),
        ]
        for kind in (scorecard.INSIDE, scorecard.OUTSIDE):
            if (outcome == kind).any():
                handles.append(Line2D([], [], linestyle="none", marker=markers[kind], markersize=10, color=colors[kind],
                                      markeredgecolor="white", label=style.label(f"later_legend_{kind}", lang)))
        legend_below(fig, ax, handles, ncols=3)

        fit_rows = _rows_of(weekly_sales, series, fit_units)
        title = titles[lang]

        below = scored[scored["pi95_low"] < 0]
        later_rows = _rows_of(weekly_sales, series, [weeks.parse_week_label(str(w))
                                                     for w in scored.loc[outcome != scorecard.NO_ACTUAL, "week"]])
        subtitle = vintage_scorecard_subtitle(
            lang, model=model_name, n_weeks=fit.n_weeks, span=span, n_forecast=summary["n_forecast"],
            vintage=summary["vintage"], small_sample=fit.small_sample, df=fit.df_resid, missing=missing,
            below_zero_week=str(below["week"].iloc[0]) if len(below) else None,
            later_sources=bool((later_rows["source_id"].astype(str) != ARTICLE_SOURCE_ID).any()))

        pairs = _source_pairs(fit_rows) + _source_pairs(later_rows)
        if len(earlier):
            pairs = _source_pairs(_rows_of(weekly_sales, series, _pairs(earlier))) + pairs
        as_of = weeks.week_label(*max(_pairs(later_rows))) if len(later_rows) else summary["vintage"]
        footer = style.label("footer", lang, sources=style.label("sources", lang, sources=sources_text(pairs, lang)),
                             as_of=style.label("as_of", lang, week=as_of))
        return finish(fig, lang, title, subtitle, footer)

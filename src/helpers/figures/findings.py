"""The narrative figures: tables in, a matplotlib ``Figure`` out, saved byte-for-byte reproducibly.

Every figure function takes the project's tables (as the notebooks read them)
and returns a :class:`matplotlib.figure.Figure`; none reads or writes files
and none touches pyplot, so nothing is left open.  Each figure has

* a **title that states the finding**, computed from the tables
  (``fig.get_suptitle()``),
* a subtitle with the method and its caveats (small samples called small, with n),
* axis units, and
* a footer naming the ``source_id`` (and paragraphs) behind it and the as-of week.

The figures:

========================  =====================================================================
:func:`weekly_sales_figure` weekly sales, fitted trend with its 95% band, forecast fan, dated events
:func:`orders_figure`       order intake, March against May: the article's totals and per week
:func:`run_rate_figure`     capacity, sales and firm orders per week; the backlog over time
:func:`claims_figure`       the claims audit, one mark per claim coloured by verdict
:func:`quality_figure`      the two quality rankings that disagree (冰火两重天)
========================  =====================================================================

:func:`save_figure` writes ``stem.png`` and ``stem.svg`` atomically and
deterministically (same figure, same bytes); :func:`to_image` gives the
smaller PNG a notebook shows inline.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.data.roles import FIGURE, QUALITY_LISTS
from helpers.data.clean import figure_row
from helpers.figures import style
from helpers.figures.frame import (
    measure_axis_label,
    day_x,
    event_label,
    finish,
    monday_x,
    new_figure,
    sources_text,
    text_width_pt,
    thousands,
)
from helpers.formatting import format_day, format_month, number, week_span
from helpers.models import run_rate, trend
from helpers.narrative.subtitles import (claims_audit_subtitle, quality_rankings_subtitle, run_rate_subtitle,
                                         weekly_sales_subtitle)

__all__ = [
    "SERIES",
    "STEMS",
    "read_figure_tables",
    "weekly_sales_figure",
    "orders_figure",
    "run_rate_figure",
    "claims_figure",
    "quality_figure",
]

#: The series the figures are about (SU7 and SU7 Ultra together).
SERIES = "xiaomi_su7"
#: Weeks drawn before the trend's window on the weekly figure; figures earlier than that are named, not drawn.
CONTEXT_WEEKS = 2
#: File stems of the figures, in report order.
STEMS = {
    "weekly_sales": "06_weekly_sales_trend",
    "orders": "06_orders_march_may",
    "run_rate": "06_run_rate_backlog",
    "claims": "06_claims_audit",
    "quality": "06_quality_rankings",
}

# figure_ids the quality figure is drawn from (the values live in data/raw).
FIG_QUALITY_COMPLAINTS = {"cqn": FIGURE.cqn_complaints}
FIG_QUALITY_LEADER = {"czw": FIGURE.czw_leader_complaints}
SUPPLY_BASES = ("design_capacity", "actual_capacity", "sales_run_rate")
SCENARIOS = ("low", "mid", "high")
VERDICTS = ("consistent", "inconsistent", "unverifiable")

_BASIS_COLORS = {
    "design_capacity": style.COLORS["capacity"],
    "actual_capacity": style.COLORS["capacity_actual"],
    "sales_run_rate": style.COLORS["sales"],
}


# --------------------------------------------------------------------------- reading


def read_figure_tables(root: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """Every table the figures use, by short name, read through :mod:`helpers.catalog`.

    ``weekly_sales``, ``figures``, ``events``, ``sources`` (clean), ``trend_fits``,
    ``forecasts``, ``bands`` (trend), ``comparison``, ``scenarios``, ``backlog_paths``,
    ``clearance_ranges`` (run rate) and ``claims_audit`` (claims).
    """
    from helpers import catalog

    names = ("clean.weekly_sales", "clean.figures", "clean.events", "clean.sources", "trend.trend_fits", "trend.forecasts", "trend.bands",
             "run_rate.comparison", "run_rate.scenarios", "run_rate.backlog_paths", "run_rate.clearance_ranges",
             "claims.claims_audit")
    return {name.split(".", 1)[1]: catalog.read(name, root) for name in names}


# --------------------------------------------------------------------------- small helpers


def _series_name(series: str, lang: str) -> str:
    key = f"series_{series}"
    return style.label(key, lang) if key in style.LABELS[lang] else series


def _figure_sources(figure_ids: Iterable[str], figures: pd.DataFrame, weekly_sales: pd.DataFrame,
                    series: str = SERIES) -> list[tuple[str, str]]:
    """(source_id, locator) of every figure id, ``weekly_sales:...`` ids resolved to the weekly rows."""
    pairs: list[tuple[str, str]] = []
    for fid in figure_ids:
        fid = str(fid).strip()
        if not fid or fid == "parameter":
            continue
        if fid.startswith("weekly_sales"):
            rows = weekly_sales[weekly_sales["series"].astype(str) == series]
            span = re.fullmatch(r"weekly_sales:(\d{4}-W\d{2})\.\.(\d{4}-W\d{2})", fid)
            if span:
                lo, hi = (weeks.parse_week_label(w) for w in span.groups())
                inside = [lo <= (int(y), int(w)) <= hi for y, w in zip(rows["iso_year"], rows["iso_week"])]
                rows = rows[inside]
            pairs.extend(zip(rows["source_id"].astype(str), rows["locator"].astype(str)))
        elif fid.startswith("period_totals:"):  # a total of data/raw/period_totals.csv (claims audit): another source
            pairs.append((fid, "period_totals"))
        else:
            row = figure_row(figures, fid)
            pairs.append((str(row["source_id"]), str(row["locator"])))
    return pairs


# --------------------------------------------------------------------------- frame: title, subtitle, footer


# --------------------------------------------------------------------------- a. weekly sales and trend


def weekly_sales_figure(
    weekly_sales: pd.DataFrame,
    trend_fits: pd.DataFrame,
    forecasts: pd.DataFrame,
    bands: pd.DataFrame,
    events: pd.DataFrame,
    series: str = SERIES,
    model: str = "linear",
    lang: str = "en",
    event_weeks_before: int = 8,
    *,
    titles: Mapping[str, str],
) -> Any:
    """Weekly sales with the fitted trend, its 95% confidence band, the forecast fan and dated events.

    * observed weeks are joined by a line only between consecutive calendar
      weeks: a week without a figure is a gap (NaN), never bridged;
    * the trend (``trend_fits``, one row for ``series`` × ``model``) is drawn
      over its window and, dashed, over the forecast weeks of ``forecasts``;
      the band is the 95% confidence interval of the line and the fan the 95%
      prediction interval, both as the fit computed them (``bands``, from
      :func:`helpers.models.trend.bands_table`, and ``forecasts``; the fan is
      anchored at the last fitted week); bounds below zero are not drawn and
      are said so;
    * events dated within ``event_weeks_before`` weeks before the first
      observed week through the last forecast week are vertical markers
      (spans when dated to a month or quarter) with short labels; the others
      are listed in the subtitle.

    The title, ``titles`` (language -> title), states the fit's direction, slope, 95% interval and n
    (:func:`helpers.narrative.figures.weekly_sales_titles`).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter

    with style.theme(lang) as lang:
        fit = trend.one_fit(trend_fits, series, model)
        first_week, last_week = str(fit["first_week"]), str(fit["last_week"])
        first, last = weeks.parse_week_label(first_week), weeks.parse_week_label(last_week)
        window = [weeks.parse_week_label(w) for w in str(fit["weeks"]).split()]
        n, df_resid = int(fit["n_weeks"]), int(fit["df_resid"])

        rows = weekly_sales[(weekly_sales["series"].astype(str) == series) & weekly_sales["units"].notna()]
        rows = rows.sort_values(["iso_year", "iso_week"], kind="mergesort")
        every = {(int(y), int(w)): float(u) for y, w, u in zip(rows["iso_year"], rows["iso_week"], rows["units"])}
        if not every:
            raise ValueError(f"weekly_sales holds no figures for series {series!r}")
        # the axis starts a few weeks before the fit's window: a figure long before it (a lone January week)
        # would stretch the axis over months of gaps; it is named in the subtitle instead
        axis_from = weeks.add_weeks(min(window), -CONTEXT_WEEKS)
        units = {w: u for w, u in every.items() if w >= axis_from}
        earlier = {w: u for w, u in every.items() if w < axis_from}
        rows = rows[[(int(y), int(w)) >= axis_from for y, w in zip(rows["iso_year"], rows["iso_week"])]]
        fc = forecasts[(forecasts["series"].astype(str) == series) & (forecasts["model"].astype(str) == model)
                       & (forecasts["as_of_week"].astype(str) == last_week)]
        fc = fc.sort_values(["iso_year", "iso_week"], kind="mergesort")
        fc_weeks = [(int(y), int(w)) for y, w in zip(fc["iso_year"], fc["iso_week"])]

        # the observed line over every calendar week from the first to the last figure (NaN = no figure)
        all_weeks = weeks.week_range(min(units), max(units))
        obs_x = np.array([monday_x(*w) for w in all_weeks])
        obs_y = np.array([units.get(w, np.nan) for w in all_weeks])
        missing = [weeks.week_label(*w) for w in all_weeks if w not in units]
        earlier_text = style.label("list_sep", lang).join(f"{weeks.week_label(*w)} ({number(u)})" for w, u in sorted(earlier.items()))

        # the trend, its confidence band and the prediction interval: the fit's own (trend.bands_table)
        band = bands[(bands["series"].astype(str) == series) & (bands["model"].astype(str) == model)
                     & (bands["as_of_week"].astype(str) == last_week)].sort_values("t", kind="mergesort")
        if band.empty:
            raise ValueError(f"bands: no rows for series {series!r}, model {model!r}, as of {last_week}")
        t_last = float(weeks.weeks_between(first, last))
        t_band = band["t"].to_numpy(dtype=float)
        monday0 = monday_x(*first)
        at_last = band[np.isclose(t_band, t_last)].iloc[0]

        fig = new_figure("wide")
        ax = fig.add_subplot()
        ax.fill_between(monday0 + 7 * t_band, band["ci95_low"].to_numpy(dtype=float), band["ci95_high"].to_numpy(dtype=float),
                        color=style.COLORS["trend"], alpha=0.18, linewidth=0, gid="trend_ci", zorder=1)
        below_zero_week = None
        if fc_weeks:
            fan_x = np.array([monday0 + 7 * t_last] + [monday_x(*w) for w in fc_weeks])
            fan_lo = np.concatenate([[float(at_last["pi95_low"])], fc["pi95_low"].to_numpy(dtype=float)])
            fan_hi = np.concatenate([[float(at_last["pi95_high"])], fc["pi95_high"].to_numpy(dtype=float)])
            ax.fill_between(fan_x, np.maximum(fan_lo, 0.0), fan_hi, color=style.COLORS["forecast"], alpha=0.22,
                            linewidth=0, gid="forecast_pi", zorder=0)
            negative = fc[fc["pi95_low"] < 0]
            if len(negative):
                below_zero_week = str(negative["week"].iloc[0])
            fwd_x = np.array([monday0 + 7 * t_last] + [monday_x(*w) for w in fc_weeks])
            fwd_y = np.concatenate([[float(at_last["mean"])], fc["mean"].to_numpy(dtype=float)])
            ax.plot(fwd_x, fwd_y, color=style.COLORS["trend"], linestyle=(0, (5, 3)), linewidth=2.0,
                    marker="o", markersize=4.5, markevery=list(range(1, len(fwd_x))), gid="forecast_mean", zorder=3)
        in_fit = band[band["part"].astype(str) == "fit"]
        ax.plot(monday0 + 7 * in_fit["t"].to_numpy(dtype=float), in_fit["mean"].to_numpy(dtype=float), color=style.COLORS["trend"],
                linewidth=2.2, gid="trend", zorder=3)
        ax.plot(obs_x, obs_y, color=style.COLORS["observed"], marker="o", markersize=7.5, linewidth=2.4,
                gid="observed", zorder=4)
        if len(units) <= 16:
            for w, u in units.items():
                neighbours = [units[v] for v in (weeks.add_weeks(w, -1), weeks.add_weeks(w, 1)) if v in units]
                below = bool(neighbours) and all(v > u for v in neighbours)
                ax.annotate(number(u), (monday_x(*w), u), xytext=(0, -11 if below else 9), textcoords="offset points",
                            ha="center", va="top" if below else "bottom", fontsize=style.FONT_SIZES["annotation"],
                            color=style.COLORS["observed"], gid="value", zorder=5,
                            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})

        # the x range (every observed and forecast week) and the events on it
        last_shown = max([max(units)] + fc_weeks)
        x_first_monday = weeks.week_monday(*min(units))
        earliest = x_first_monday - dt.timedelta(weeks=event_weeks_before)
        latest = weeks.week_sunday(*last_shown)
        shown, off_axis = [], []
        for _, ev in events.iterrows():
            start, end = str(ev["date_start"]), str(ev["date_end"])
            if not start:
                off_axis.append(style.label("aside", lang, text=event_label(ev, lang, False), note=style.label("undated", lang)))
                continue
            d0, d1 = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
            if d1 < earliest or d0 > latest:
                off_axis.append(style.label("aside", lang, text=event_label(ev, lang, False), note=str(ev["date"])))
            else:
                shown.append((max(d0, earliest), min(d1, latest), ev))
        shown.sort(key=lambda item: (item[0], str(item[2]["event_id"])))
        x_start = min([x_first_monday] + [d0 for d0, _, _ in shown]) - dt.timedelta(days=4)
        x_end = max([weeks.week_monday(*last_shown) + dt.timedelta(days=5)] + [d1 + dt.timedelta(days=2) for _, d1, _ in shown])
        ax.set_xlim(day_x(x_start), day_x(x_end))

        # event labels: packed into rows at the top so that no two overlap
        days_per_inch = (day_x(x_end) - day_x(x_start)) / (style.FIGSIZES["wide"][0] - 1.5)
        rows_end: list[float] = []
        placements = []
        for d0, d1, ev in shown:
            text = event_label(ev, lang)
            x0 = day_x(d0)
            width = (text_width_pt(text, style.FONT_SIZES["annotation"]) / 72 + 0.2) * days_per_inch
            left_aligned = x0 + width <= day_x(x_end)
            span = (x0, x0 + width) if left_aligned else (x0 - width, x0)
            row = next((r for r, end_x in enumerate(rows_end) if end_x <= span[0]), len(rows_end))
            if row == len(rows_end):
                rows_end.append(span[1])
            else:
                rows_end[row] = span[1]
            placements.append((d0, d1, ev, text, row, left_aligned))

        top_data = float(np.nanmax(np.concatenate([obs_y, in_fit["ci95_high"].to_numpy(dtype=float),
                                                   fan_hi if fc_weeks else obs_y])))
        ax.set_ylim(0, top_data * (1.12 + 0.075 * len(rows_end)))
        for d0, d1, ev, text, row, left_aligned in placements:
            x0 = day_x(d0)
            if d0 == d1:
                ax.axvline(x0, color=style.COLORS["event"], linestyle=(0, (2, 2)), linewidth=1.2, zorder=2,
                           gid=f"event_line:{ev['event_id']}")
            else:
                ax.axvspan(x0, day_x(d1) + 1, color=style.COLORS["event"], alpha=0.06, zorder=0,
                           gid=f"event_span:{ev['event_id']}")
            ax.annotate(text, (x0, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(4 if left_aligned else -4, -6 - 17 * row), textcoords="offset points",
                        ha="left" if left_aligned else "right", va="top",
                        fontsize=style.FONT_SIZES["annotation"], color=style.COLORS["event"],
                        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
                        gid=f"event:{ev['event_id']}", zorder=6)

        tick_weeks = weeks.week_range(weeks.week_of(x_start + dt.timedelta(days=3)), last_shown)
        tick_weeks = [w for w in tick_weeks if day_x(weeks.week_monday(*w)) >= day_x(x_start)]
        step = max(1, math.ceil(len(tick_weeks) / 16))
        tick_weeks = [w for w in tick_weeks if weeks.weeks_between(min(units), w) % step == 0]
        ax.xaxis.set_major_locator(FixedLocator([monday_x(*w) for w in tick_weeks]))
        ax.set_xticklabels([style.week_tick(w[1], weeks.week_monday(*w), lang) for w in tick_weeks])
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        ax.set_xlabel(style.label("x_week", lang))
        ax.set_ylabel(measure_axis_label(weekly_sales, series, lang))
        ax.grid(axis="x", visible=False)

        model_name = style.label(f"model_{model}", lang)
        span = week_span(first_week, last_week)
        handles = [
            Line2D([], [], color=style.COLORS["observed"], marker="o", linewidth=2.4, label=style.label("legend_observed", lang)),
            Line2D([], [], color=style.COLORS["trend"], linewidth=2.2, label=style.label("legend_trend", lang, model=model_name, span=span)),
            Patch(facecolor=style.COLORS["trend"], alpha=0.18, label=style.label("legend_ci", lang)),
        ]
        if fc_weeks:
            handles += [
                Line2D([], [], color=style.COLORS["trend"], linestyle=(0, (5, 3)), marker="o", markersize=4.5,
                       label=style.label("legend_forecast", lang)),
                Patch(facecolor=style.COLORS["forecast"], alpha=0.22, label=style.label("legend_pi", lang)),
            ]
        if shown:
            handles.append(Line2D([], [], color=style.COLORS["event"], linestyle=(0, (2, 2)), linewidth=1.2,
                                  label=style.label("legend_event", lang)))
        from matplotlib.transforms import ScaledTranslation

        below = ax.transAxes + ScaledTranslation(0, -0.78, fig.dpi_scale_trans)
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
                  ncols=3, frameon=False)

        ci_lo, ci_hi = float(fit["slope_ci95_low"]), float(fit["slope_ci95_high"])
        title = titles[lang]
        subtitle = weekly_sales_subtitle(lang, model=model_name, span=span, horizon=len(fc_weeks),
                                         slope_ci=(ci_lo, ci_hi), small_sample=bool(fit["small_sample"]), n=n,
                                         df=df_resid, missing=missing, earlier=earlier_text,
                                         below_zero_week=below_zero_week, off_axis=off_axis)
        pairs = list(zip(rows["source_id"].astype(str), rows["locator"].astype(str)))
        pairs += [(str(ev["source_id"]), str(ev["locator"])) for _, _, ev in shown]
        footer = style.label("footer", lang, sources=style.label("sources", lang, sources=sources_text(pairs, lang)),
                             as_of=style.label("as_of", lang, week=last_week))
        return finish(fig, lang, title, subtitle, footer)


# --------------------------------------------------------------------------- b. orders, March against May


def orders_figure(figures: pd.DataFrame, series: str = SERIES, lang: str = "en", as_of_week: str | None = None, *,
                  titles: Mapping[str, str], subtitles: Mapping[str, str], bars: Mapping[str, list[str]]) -> Any:
    """Order intake, March against May: the article's totals side by side, then per week.

    Left: the two printed totals (one week of March, two weeks of May) as the
    article sets them side by side.  Right: each total divided by the weeks it
    covers (``period_weeks`` as printed).  Both panels share the vehicle scale.  The numbers are
    :func:`helpers.models.run_rate.order_intake`; the words are given, language -> words: the title
    (``titles``, :func:`helpers.narrative.figures.orders_titles`), the subtitle (``subtitles``,
    :func:`helpers.narrative.figures.orders_subtitles`) and the words under the two bars (``bars``,
    :func:`helpers.narrative.figures.orders_bars`).
    """
    with style.theme(lang) as lang:
        intake = run_rate.order_intake(figures)
        before, after = (r["figure"] for r in intake["rows"])
        rows = intake["rows"]
        total_change, week_change = intake["total_change"], intake["per_week_change"]

        fig = new_figure("pair")
        axes = fig.subplots(1, 2, sharey=True)
        colors = [style.COLORS["orders_before"], style.COLORS["orders"]]
        ticks = list(bars[lang])
        top = max(r["total"] for r in rows) * 1.32
        for ax, key, panel, change in ((axes[0], "total", "orders_panel_total", total_change),
                                       (axes[1], "per_week", "orders_panel_week", week_change)):
            values = [r[key] for r in rows]
            bars = ax.bar([0, 1], values, width=0.58, color=colors, gid=f"bars_{key}")
            for bar, value in zip(bars, values):
                ax.annotate(number(value), (bar.get_x() + bar.get_width() / 2, value), xytext=(0, 4),
                            textcoords="offset points", ha="center", va="bottom", fontsize=style.FONT_SIZES["label"],
                            fontweight="bold", gid="value")
            ax.annotate("", xy=(0.74, values[1] + top * 0.02), xytext=(0.31, values[0]),
                        arrowprops={"arrowstyle": "-|>", "color": "#333333", "linewidth": 1.4,
                                    "connectionstyle": "arc3,rad=-0.2", "shrinkA": 0, "shrinkB": 2, "mutation_scale": 16},
                        gid="change_arrow")
            ax.text(0.5, max(values) + top * 0.15, style.label("orders_change", lang, pct=number(change)),
                    ha="center", va="bottom", fontsize=style.FONT_SIZES["title"], fontweight="bold",
                    color=style.COLORS["orders"], gid="change")
            ax.set_xticks([0, 1], ticks)
            ax.set_xlim(-0.55, 1.55)
            ax.set_title(style.label(panel, lang))
            ax.grid(axis="x", visible=False)
        from matplotlib.ticker import FuncFormatter

        axes[0].set_ylim(0, top)
        axes[0].yaxis.set_major_formatter(FuncFormatter(thousands))
        axes[0].set_ylabel(style.label("orders_y", lang))

        title = titles[lang]
        pairs = [(str(r["source_id"]), str(r["locator"])) for r in (before, after)]
        sources = style.label("sources", lang, sources=sources_text(pairs, lang))
        if as_of_week:
            footer = style.label("footer", lang, sources=sources, as_of=style.label("as_of", lang, week=as_of_week))
        else:
            footer = style.label("footer_no_week", lang, sources=sources,
                                 note=style.label("list_sep", lang).join(str(r["period"]) for r in (before, after)))
        return finish(fig, lang, title, subtitles[lang], footer)


# --------------------------------------------------------------------------- c. run rate and backlog


def _scenario_values(scenarios: pd.DataFrame, column: str, basis: str | None = None) -> dict[str, float]:
    rows = scenarios if basis is None else scenarios[scenarios["supply_basis"].astype(str) == basis]
    values = {str(s): float(v) for s, v in zip(rows["scenario"], rows[column])}
    missing = [s for s in SCENARIOS if s not in values]
    if missing:
        raise ValueError(f"scenarios: no {', '.join(missing)} row for {column} ({basis or 'any basis'})")
    return values


def run_rate_figure(
    comparison: pd.DataFrame,
    scenarios: pd.DataFrame,
    backlog_paths: pd.DataFrame,
    figures: pd.DataFrame,
    weekly_sales: pd.DataFrame,
    lang: str = "en",
    clearance_ranges: pd.DataFrame | None = None,
    *,
    titles: Mapping[str, str],
) -> Any:
    """Capacity, sales run-rate and firm order inflow per week; the implied backlog over time.

    With ``clearance_ranges`` (notebook 04's table), when the backlog clears is said as the range over the
    plausible inputs, never as one week (issue 24: one scenario's date is false precision).

    Top: every rate in vehicles a week, bars at the mid scenario, whiskers
    from the low to the high scenario (none for single figures).  Bottom: the
    backlog of each supply basis if flows stay constant, the mid scenario as
    a line and the low–high range as a band, with when (if ever) it clears.  The title, ``titles``
    (language -> title), is :func:`helpers.narrative.figures.run_rate_titles`.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter

    # one reading of the May orders is drawn (run_rate.DEFAULT_READING); notebook 04 sets the other beside it
    scenarios = run_rate.default_reading(scenarios) if "reading" in scenarios.columns else scenarios
    backlog_paths = run_rate.default_reading(backlog_paths) if "reading" in backlog_paths.columns else backlog_paths
    with style.theme(lang) as lang:
        comp = comparison.set_index(comparison["quantity"].astype(str))
        n_weeks = int(comp.loc["weekly_sales_mean", "n_values"])
        gross = comp.loc["may_weeks1_2_orders"]
        gross_period = str(gross["period"])
        rates = []
        for basis, key, color in (("design_capacity", "rr_design_capacity", style.COLORS["capacity"]),
                                  ("actual_capacity", "rr_actual_capacity", style.COLORS["capacity_actual"]),
                                  ("sales_run_rate", "rr_sales_run_rate", style.COLORS["sales"])):
            values = _scenario_values(scenarios, "supply_per_week", basis)
            rates.append((style.label(key, lang, n=n_weeks), values, color, 1.0))
        period = format_month(gross_period, lang) if re.fullmatch(r"\d{4}-\d{2}", gross_period) else gross_period
        g = float(gross["per_week"])
        rates.append((style.label("rr_gross_orders", lang, period=period), {s: g for s in SCENARIOS}, style.COLORS["orders"], 0.45))
        inflow = _scenario_values(scenarios, "net_inflow_per_week", "sales_run_rate")
        rates.append((style.label("rr_net_inflow", lang), inflow, style.COLORS["orders"], 1.0))

        fig = new_figure("tall")
        ax_rate, ax_back = fig.subplots(2, 1, height_ratios=[1.0, 1.35])
        ypos = np.arange(len(rates))[::-1]
        x_max = max(max(v.values()) for _, v, _, _ in rates)
        for y, (name, values, color, alpha) in zip(ypos, rates):
            mid, lo, hi = values["mid"], min(values.values()), max(values.values())
            ax_rate.barh(y, mid, height=0.62, color=color, alpha=alpha, gid="rate_bar")
            if hi > lo:
                ax_rate.errorbar(mid, y, xerr=[[mid - lo], [hi - mid]], fmt="none", ecolor="#222222", elinewidth=1.4,
                                 capsize=5, capthick=1.4, gid="rate_range")
                text = style.label("rr_value_range", lang, mid=number(mid), lo=number(lo), hi=number(hi))
            else:
                text = style.label("rr_value", lang, mid=number(mid))
            ax_rate.annotate(text, (hi, y), xytext=(8, 0), textcoords="offset points", va="center", ha="left",
                             fontsize=style.FONT_SIZES["annotation"] + 0.5, gid="value")
        ax_rate.set_yticks(ypos, [r[0] for r in rates])
        ax_rate.set_xlim(0, x_max * 1.42)
        ax_rate.xaxis.set_major_formatter(FuncFormatter(thousands))
        ax_rate.set_xlabel(style.label("rr_x_rates", lang))
        ax_rate.set_title(style.label("rr_panel_rates", lang))
        ax_rate.grid(axis="y", visible=False)

        paths = backlog_paths.copy()
        start_label = str(paths.loc[paths["week"] == 0, "iso_week"].iloc[0])
        start = weeks.parse_week_label(start_label)
        last_k = int(paths["week"].max())
        end_labels = []
        for basis in SUPPLY_BASES:
            part = paths[paths["supply_basis"].astype(str) == basis]
            wide = part.pivot(index="week", columns="scenario", values="backlog").sort_index()
            x = np.array([monday_x(*weeks.add_weeks(start, int(k))) for k in wide.index])
            color = _BASIS_COLORS[basis]
            ax_back.fill_between(x, wide[list(SCENARIOS)].min(axis=1), wide[list(SCENARIOS)].max(axis=1),
                                 color=color, alpha=0.2, linewidth=0, gid=f"backlog_band:{basis}")
            ax_back.plot(x, wide["mid"], color=color, linewidth=2.4, gid=f"backlog:{basis}")
            row = scenarios[(scenarios["supply_basis"].astype(str) == basis) & (scenarios["scenario"].astype(str) == "mid")].iloc[0]
            weeks_to_clear = float(row["weeks_to_clear"])
            kind = str(row["clearance"]) if "clearance" in row.index else (
                "never" if math.isinf(weeks_to_clear) or math.isnan(weeks_to_clear) else "within_horizon")
            span = _clearance_span(clearance_ranges, basis)
            if span is not None and kind == "within_horizon":
                end = style.label("rr_clears_range", lang, **span)
            elif kind == "within_horizon":
                end = style.label("rr_clears", lang, week=str(row["clears_in"]).split(" ")[0])
            else:  # no date beyond the horizon or on a rejected capacity: no false precision
                end = style.label(f"rr_{kind}", lang)  # rr_never, rr_beyond_horizon, rr_not_dated
            end_labels.append((float(wide["mid"].iloc[-1]), end, color, x[-1]))
        y_top = float(paths["backlog"].max()) * 1.12
        ax_back.set_ylim(0, y_top)
        # end labels just above each line's last point, nudged apart so they never overlap
        end_labels.sort()
        gap = y_top * 0.07
        placed: list[float] = []
        for value, text, color, x_last in end_labels:
            y = max([value + y_top * 0.035] + [p + gap for p in placed])
            placed.append(y)
            ax_back.text(x_last, y, text, va="center", ha="right", fontsize=style.FONT_SIZES["annotation"] + 0.5,
                         fontweight="bold", color=color, gid="backlog_end",
                         bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        tick_k = list(range(0, last_k + 1, 13))
        ax_back.xaxis.set_major_locator(FixedLocator([monday_x(*weeks.add_weeks(start, k)) for k in tick_k]))
        ax_back.set_xticklabels([f"{weeks.week_label(*weeks.add_weeks(start, k))}\n"
                                 f"{format_day(weeks.week_monday(*weeks.add_weeks(start, k)), lang)}" for k in tick_k])
        ax_back.set_xlim(monday_x(*start) - 7, monday_x(*weeks.add_weeks(start, last_k)) + 7)
        ax_back.yaxis.set_major_formatter(FuncFormatter(thousands))
        ax_back.set_ylabel(style.label("rr_y_backlog", lang))
        ax_back.set_xlabel(style.label("rr_x_backlog", lang))
        ax_back.set_title(style.label("rr_panel_backlog", lang, week=start_label))
        ax_back.grid(axis="x", visible=False)
        handles = [Line2D([], [], color=_BASIS_COLORS[b], linewidth=2.4, label=style.label(f"rr_basis_{b}", lang))
                   for b in SUPPLY_BASES]
        handles.append(Patch(facecolor="#777777", alpha=0.25, label=style.label("rr_legend_range", lang)))
        ax_back.legend(handles=handles, loc="upper center")

        mid = scenarios[scenarios["scenario"].astype(str) == "mid"].set_index("supply_basis")
        wait = float(mid["wait_weeks"].iloc[0])
        title = titles[lang]
        subtitle = run_rate_subtitle(lang, wait_weeks=wait)
        ids = list(comparison["figure_id"].astype(str)) + list(scenarios["supply_source"].astype(str))
        ids += [FIGURE.lock_in_rate, FIGURE.cancellation_rate, FIGURE.delivery_wait]
        ids = [i for i in dict.fromkeys(ids) if i.startswith("weekly_sales") or (figures["figure_id"].astype(str) == i).any()]
        sources = style.label("sources", lang, sources=sources_text(_figure_sources(ids, figures, weekly_sales), lang))
        footer = style.label("footer", lang, sources=sources, as_of=style.label("as_of", lang, week=start_label))
        return finish(fig, lang, title, subtitle, footer)


def _clearance_span(clearance_ranges: pd.DataFrame | None, basis: str) -> dict[str, str] | None:
    """The drawn reading's clearing range on ``basis`` as ``{low, high, n}`` (weeks), or ``None`` if not dated
    (:func:`helpers.models.run_rate.clearance_span`, as the end labels print it).

    >>> table = pd.DataFrame({"reading": ["unlocked_deposits"], "supply_basis": ["sales_run_rate"],
    ...     "n_combinations": [27], "n_never": [0], "earliest_weeks": [77.661], "latest_weeks": [108.531]})
    >>> _clearance_span(table, "sales_run_rate")
    {'low': '78', 'high': '109', 'n': '27'}
    """
    span = run_rate.clearance_span(clearance_ranges, basis)
    if span is None:
        return None
    return {"low": number(span["low"]), "high": number(span["high"]), "n": number(span["n"])}


# --------------------------------------------------------------------------- d. claims audit


def _where(figure_ids: str, figures: pd.DataFrame, weekly_sales: pd.DataFrame, lang: str) -> str:
    """Where a claim's figures are printed: the article's paragraphs, then how many other sources."""
    pairs = _figure_sources([i for i in figure_ids.split(";") if i.strip()], figures, weekly_sales)
    paras = sorted({int(m.group(1)) for _, loc in pairs for m in [re.match(r"\s*para (\d+)", loc)] if m})
    others = sorted({sid for sid, loc in pairs if not re.match(r"\s*para \d+", loc)})
    parts = []
    if paras:
        parts.append(style.label("where_paras", lang, paras=style.label("list_sep", lang).join(map(str, paras))))
    if others:
        parts.append(style.label("where_more_one" if len(others) == 1 else "where_more", lang, n=len(others)))
    return " · ".join(parts)


def _claim_name(claim_id: str, lang: str) -> str:
    """A claim as a reader names it (``claim_<id>`` of labels.toml); a new claim without one reads as words."""
    key = f"claim_{claim_id}"
    return style.label(key, lang) if key in style.LABELS[lang] else claim_id.replace("_", " ")


def claims_figure(audit: pd.DataFrame, figures: pd.DataFrame, weekly_sales: pd.DataFrame, lang: str = "en", *,
                  titles: Mapping[str, str]) -> Any:
    """The claims audit: one mark per claim (rows, in audit order), in its verdict's column and colour.

    The title, ``titles`` (language -> title), counts the verdicts (:func:`helpers.narrative.figures.claims_titles`).
    """
    from matplotlib.ticker import FixedLocator

    with style.theme(lang) as lang:
        unknown = sorted(set(audit["verdict"].astype(str)) - set(VERDICTS))
        if unknown:
            raise ValueError(f"claims audit: unknown verdict(s) {unknown}; expected {VERDICTS}")
        counts = {v: int((audit["verdict"].astype(str) == v).sum()) for v in VERDICTS}
        n = len(audit)
        fig = new_figure("list")
        ax = fig.add_subplot()
        y = np.arange(n)[::-1]
        column = {v: i for i, v in enumerate(VERDICTS)}
        xs = np.array([column[str(v)] for v in audit["verdict"]])
        for yi, xi in zip(y, xs):
            ax.plot([-0.45, xi], [yi, yi], color=style.COLORS["guide"], linewidth=1.0, zorder=1)
        for verdict in VERDICTS:
            mask = (audit["verdict"].astype(str) == verdict).to_numpy()
            ax.scatter(xs[mask], y[mask], s=150, color=style.COLORS[verdict], edgecolor="white", linewidth=1.2, zorder=3,
                       label=style.label("claims_legend", lang, verdict=style.label(f"verdict_{verdict}", lang),
                                         count=counts[verdict]),
                       gid=f"verdict:{verdict}")
        ax.set_yticks(y, [_claim_name(str(c), lang) for c in audit["claim_id"]])
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xlim(-0.45, len(VERDICTS) - 0.55)
        ax.xaxis.set_major_locator(FixedLocator(list(range(len(VERDICTS)))))
        ax.set_xticklabels([style.label(f"verdict_{v}", lang) for v in VERDICTS])
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.tick_params(axis="x", length=0, labelsize=style.FONT_SIZES["label"])
        ax.grid(axis="y", visible=False)
        ax.spines["left"].set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        for yi, where in zip(y, (_where(cell, figures, weekly_sales, lang) for cell in audit["figure_ids"].astype(str))):
            ax.annotate(where, (1.0, yi), xycoords=("axes fraction", "data"), xytext=(10, 0), textcoords="offset points",
                        va="center", ha="left", fontsize=style.FONT_SIZES["annotation"], color=style.COLORS["text_muted"],
                        annotation_clip=False, gid="locator")
        ax.annotate(style.label("claims_where", lang), (1.0, 1.0), xycoords="axes fraction", xytext=(10, 6),
                    textcoords="offset points", va="bottom", ha="left", fontsize=style.FONT_SIZES["annotation"],
                    fontweight="bold", color=style.COLORS["text_muted"], annotation_clip=False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=len(VERDICTS), frameon=False,
                  fontsize=style.FONT_SIZES["legend"], handletextpad=0.3, columnspacing=1.6)

        title = titles[lang]
        ids: list[str] = []
        for cell in audit["figure_ids"].astype(str):
            ids.extend(i.strip() for i in cell.split(";") if i.strip())
        ids = list(dict.fromkeys(ids))
        weekly_ids = [i for i in ids if i.startswith("weekly_sales:")]
        as_of = weekly_ids[0].split("..")[-1] if weekly_ids else None
        sources = style.label("sources", lang, sources=sources_text(_figure_sources(ids, figures, weekly_sales), lang))
        footer = (style.label("footer", lang, sources=sources, as_of=style.label("as_of", lang, week=as_of)) if as_of
                  else style.label("footer_no_week", lang, sources=sources, note=""))
        return finish(fig, lang, title, claims_audit_subtitle(lang), footer)


# --------------------------------------------------------------------------- e. quality rankings


def quality_figure(figures: pd.DataFrame, series: str = SERIES, lang: str = "en", as_of_week: str | None = None, *,
                   titles: Mapping[str, str], ranks: Mapping[str, Mapping[str, str]]) -> Any:
    """The two quality rankings side by side, each on its own scale, labelled with its list and rank.

    The title, ``titles`` (language -> title), is :func:`helpers.narrative.figures.quality_titles`; ``ranks``
    (language -> list key -> words) is each list's place as the badges say it
    (:func:`helpers.narrative.figures.rank_words`).
    """
    with style.theme(lang) as lang:
        fig = new_figure("pair")
        axes = fig.subplots(1, 2)
        who = _series_name(series, lang)
        parts: dict[str, dict[str, str]] = {}
        pairs = []
        for ax, (key, score_id, rank_id), color in zip(axes, QUALITY_LISTS, (style.COLORS["list_a"], style.COLORS["list_b"])):
            score, rank = figure_row(figures, score_id), figure_row(figures, rank_id)
            value = float(score["value_mid"])
            list_name = style.label(f"quality_list_{key}", lang)
            rank_text = ranks[lang][key]
            parts[key] = {"list": list_name, "score": number(value, 0 if value >= 100 else 1), "rank": rank_text}
            ax.bar([0], [value], width=0.5, color=color, gid=f"quality_bar:{key}")
            ax.annotate(parts[key]["score"], (0, value), xytext=(0, 4), textcoords="offset points", ha="center",
                        va="bottom", fontsize=style.FONT_SIZES["label"], fontweight="bold", gid="value")
            ax.set_ylim(0, value * 1.55)
            ax.set_xlim(-0.9, 1.6)
            ax.set_xticks([0], [style.label("quality_bar", lang, series=who)])
            ax.set_ylabel(style.label("quality_y", lang))
            ax.set_title(style.label("quality_panel", lang, list=list_name,
                                     period=style.format_quarter(str(score["period"]), lang)))
            ax.grid(axis="x", visible=False)
            ax.text(0.97, 0.95, style.label("quality_rank_badge", lang, rank=rank_text), transform=ax.transAxes,
                    ha="right", va="top", fontsize=style.FONT_SIZES["title"] + 2, fontweight="bold", color=color,
                    gid=f"rank:{key}")
            notes = []
            if key in FIG_QUALITY_COMPLAINTS:
                comp = figure_row(figures, FIG_QUALITY_COMPLAINTS[key])
                notes.append(style.label("quality_note_complaints", lang, n=number(comp["value_mid"])))
                pairs.append((str(comp["source_id"]), str(comp["locator"])))
            if key in FIG_QUALITY_LEADER:
                lead = figure_row(figures, FIG_QUALITY_LEADER[key])
                subject_key = f"subject_{lead['subject']}"
                subject = style.label(subject_key, lang) if subject_key in style.LABELS[lang] else str(lead["subject"])
                notes.append(style.label("quality_note_leader", lang, subject=subject, n=number(lead["value_mid"])))
                pairs.append((str(lead["source_id"]), str(lead["locator"])))
            if notes:
                ax.text(0.97, 0.80, "\n".join(notes), transform=ax.transAxes, ha="right", va="top",
                        fontsize=style.FONT_SIZES["annotation"], color=style.COLORS["text_muted"], linespacing=1.35,
                        gid=f"note:{key}")
            pairs = [(str(score["source_id"]), str(score["locator"])), (str(rank["source_id"]), str(rank["locator"]))] + pairs
        title = titles[lang]
        sources = style.label("sources", lang, sources=sources_text(pairs, lang))
        period = str(figure_row(figures, QUALITY_LISTS[0][1])["period"])
        footer = (style.label("footer", lang, sources=sources, as_of=style.label("as_of", lang, week=as_of_week)) if as_of_week
                  else style.label("footer_no_week", lang, sources=sources, note=style.format_quarter(period, lang)))
        return finish(fig, lang, title, quality_rankings_subtitle(lang), footer)


# --------------------------------------------------------------------------- output



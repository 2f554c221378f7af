"""The figures of notebook 09: does the trend forecast, and how much does its slope depend on the window?

Built like :mod:`helpers.figures.what_happened`: tables in, a matplotlib
``Figure`` out, no pyplot, no file read or written.  Each figure has a title
stating the finding computed from the tables, a subtitle with the method, n and
its caveats (small samples called small), axis units, and a footer naming the
``source_id``s behind it and the week the data run to.

==================================  ==================================================================
:func:`backtest_scores_figure`      MASE (and MAE, n, coverage) of every method per series; benchmarks grey
:func:`window_sensitivity_figure`   the slope and its 95% interval per window length and per week left out
==================================  ==================================================================

Save them with :func:`helpers.figures.frame.save_figure` under :data:`STEMS`.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from helpers.data import weeks
from helpers.figures import style
from helpers.figures.frame import finish, new_figure, sources_text
from helpers.formatting import number
from helpers.models.backtest import best_method, shared_forecasts
from helpers.narrative.subtitles import backtest_scores_subtitle, window_sensitivity_subtitle

__all__ = [
    "STEMS",
    "HEADLINE_SERIES",
    "MAX_PANELS",
    "TREND_METHOD",
    "BENCHMARKS",
    "backtest_scores_figure",
    "window_sensitivity_figure",
]

#: File stems of the figures (``reports/figures/<stem>.png`` and ``.svg``).
STEMS = {
    "scores": "09_backtest_scores",
    "sensitivity": "09_window_sensitivity",
}
#: The series the titles are about (the article's; the notebook passes it to
#: :func:`helpers.narrative.backtest.scores_titles`); the others are drawn and summed up in the subtitle.
HEADLINE_SERIES = "xiaomi_su7"
#: At most this many series get a panel (the headline series first, then by name); the subtitle counts the rest,
#: whose numbers stay in the tables.  Keeps a figure readable, and its drawing time bounded, with many series.
MAX_PANELS = 4
#: The method notebook 03 uses: the one the title sets against the best.
TREND_METHOD = "trend"
#: The naive benchmarks (drawn grey); a method beats the naive forecast only by the test (``vs_naive``).
BENCHMARKS = ("naive", "window_mean")

_METHOD_COLORS = {
    "trend": style.COLORS["trend"],
    "trend_log": style.OKABE_ITO["orange"],
    "calendar": style.OKABE_ITO["reddish_purple"],
}
_BENCHMARK_COLOR = style.OKABE_ITO["grey"]
_PANEL_TITLE_SIZE = style.FONT_SIZES["panel_title"] - 1.5
_SIGN_COLORS = {"negative": style.OKABE_ITO["vermillion"], "positive": style.OKABE_ITO["blue"],
                "zero": style.OKABE_ITO["grey"]}


# --------------------------------------------------------------------------- small helpers


def _series_name(series: str, lang: str) -> str:
    key = f"later_series_{series}"
    return style.label(key, lang) if key in style.LABELS[lang] else str(series)


def _method_name(method: str, lang: str) -> str:
    key = f"bt_method_{method}"
    return style.label(key, lang) if key in style.LABELS[lang] else str(method)


def _method_tick(method: str, lang: str) -> str:
    key = f"bt_tick_{method}"
    return style.label(key, lang) if key in style.LABELS[lang] else str(method)


def _ordered_series(names: Iterable[str], headline: str) -> list[str]:
    names = list(dict.fromkeys(str(n) for n in names))
    return ([headline] if headline in names else []) + sorted(n for n in names if n != headline)


def _pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(y), int(w)) for y, w in zip(frame["iso_year"], frame["iso_week"])]


def _weekly_sources(weekly_sales: pd.DataFrame | None, series: Iterable[str], through: tuple[int, int] | None,
                    since: tuple[int, int] | None = None) -> list[tuple[str, str]]:
    if weekly_sales is None:
        return []
    rows = weekly_sales[weekly_sales["series"].astype(str).isin(list(series)) & weekly_sales["units"].notna()]
    keep = [(through is None or p <= through) and (since is None or p >= since) for p in _pairs(rows)]
    rows = rows[keep].sort_values(["iso_year", "iso_week"], kind="mergesort")
    locators = rows["locator"].astype(str) if "locator" in rows.columns else [""] * len(rows)
    return list(zip(rows["source_id"].astype(str), locators))


def _footer(pairs: list[tuple[str, str]], as_of: str | None, lang: str) -> str:
    sources = (style.label("sources", lang, sources=sources_text(pairs, lang)) if pairs
               else style.label("bt_sources_unnamed", lang))
    if as_of is None:
        return style.label("footer_no_week", lang, sources=sources, note=style.label("bt_no_week", lang))
    return style.label("footer", lang, sources=sources, as_of=style.label("as_of", lang, week=as_of))


# --------------------------------------------------------------------------- a. backtest scores


def _metric_text(value: float, metric: str) -> str:
    return number(value, 2) if metric == "mase" else number(value)


def backtest_scores_figure(
    scores: pd.DataFrame,
    rows: pd.DataFrame,
    weekly_sales: pd.DataFrame | None = None,
    lang: str = "en",
    window_weeks: int = 12,
    headline_series: str = HEADLINE_SERIES,
    *,
    titles: Mapping[str, str],
    heads: Mapping[str, Mapping[str, str]],
    verdicts: Mapping[str, Mapping[str, str]],
) -> Any:
    """Every method's MASE per series, one panel per series, with MAE, n and the 95% coverage beside each bar.

    ``scores`` is :func:`helpers.models.backtest.score_backtest` (series × method)
    and ``rows`` the :func:`helpers.models.backtest.backtest` table it scored
    (for the origins, horizons and the week the actuals run to).  The naive
    benchmarks (:data:`BENCHMARKS`) are grey; a dashed line marks MASE 1 (the
    in-sample one-week naive forecast's error); the best method of each panel
    is outlined (:func:`helpers.models.backtest.best_method`).  The title,
    ``titles`` (language -> title), says for ``headline_series`` which method
    the test says beats the naive forecast, or that none does
    (:func:`helpers.narrative.backtest.scores_titles`); the other series are
    summed up in the subtitle with ``heads`` (language -> series -> clause,
    :func:`helpers.narrative.backtest.scores_heads`); ``verdicts`` (language ->
    series -> sentence, :func:`helpers.narrative.backtest.scores_verdicts`) says
    each method's test against the naive forecast for the series drawn.  With
    MASE undefined a panel falls back to MAE.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator
    from matplotlib.transforms import ScaledTranslation

    with style.theme(lang) as lang:
        series_list = _ordered_series(scores["series"], headline_series)
        if not series_list:
            raise ValueError("scores hold no series")
        series_list, undrawn = series_list[:MAX_PANELS], len(series_list) - MAX_PANELS
        fig = new_figure("list" if len(series_list) > 1 else "pair")
        axes = fig.subplots(len(series_list), 1, squeeze=False, sharex=True)[:, 0]
        any_one = False
        tops = []
        for ax, series in zip(axes, series_list):
            table = scores[scores["series"].astype(str) == series].reset_index(drop=True)
            found = best_method(scores, series)
            metric = found[1] if found else "mase"
            values = table[metric].to_numpy(dtype=float)
            ypos = np.arange(len(table))[::-1]
            for y, row, value in zip(ypos, table.itertuples(index=False), values):
                method = str(row.method)
                bench = method in BENCHMARKS
                color = _BENCHMARK_COLOR if bench else _METHOD_COLORS.get(method, style.OKABE_ITO["sky_blue"])
                best = found is not None and method == found[0]
                shown = 0.0 if math.isnan(value) else value
                ax.barh(y, shown, height=0.62, color=color, alpha=0.85 if not bench else 0.7,
                        edgecolor="#111111" if best else "none", linewidth=1.8 if best else 0,
                        gid=f"score:{series}:{method}")
                inside = (row.coverage95 * row.n_intervals) if not pd.isna(row.coverage95) else math.nan
                text = style.label("bt_value", lang, value=_metric_text(value, metric) if not math.isnan(value) else "n/a",
                                   metric=style.label(f"bt_metric_{metric}", lang), mae=number(row.mae), n=int(row.n),
                                   inside="n/a" if math.isnan(inside) else number(inside), m=int(row.n_intervals))
                ax.annotate(text, (shown, y), xytext=(6, 0), textcoords="offset points", ha="left", va="center",
                            fontsize=style.FONT_SIZES["annotation"], fontweight="bold" if best else "normal",
                            color="#111111", gid=f"score_value:{series}:{method}")
            top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
            if metric == "mase":
                ax.axvline(1.0, color="#333333", linestyle=(0, (4, 3)), linewidth=1.3, zorder=3, gid=f"mase_one:{series}")
                any_one = True
                top = max(top, 1.0)
            tops.append(top)
            ax.set_ylim(-0.6, len(table) - 0.4)
            ax.set_yticks(ypos, [_method_tick(str(m), lang) for m in table["method"]])
            ax.grid(axis="y", visible=False)
            counts = sorted(set(int(n) for n in table["n"]))
            origins = rows.loc[rows["series"].astype(str) == series, "origin_week"].nunique()
            if len(counts) == 1:
                ax.set_title(style.label("bt_panel", lang, series=_series_name(series, lang), n=counts[0], origins=origins))
            else:
                ax.set_title(style.label("bt_panel_mixed", lang, series=_series_name(series, lang), origins=origins))

        axes[0].set_xlim(0, max(tops) * 2.15)
        axes[-1].xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 5, 10]))
        metrics = {best_method(scores, s)[1] if best_method(scores, s) else "mase" for s in series_list}
        axes[-1].set_xlabel(style.label("bt_x_mase" if metrics == {"mase"} else "bt_x_mae", lang))
        handles = [Patch(facecolor=_METHOD_COLORS["trend"], alpha=0.85, label=style.label("bt_legend_model", lang)),
                   Patch(facecolor=_BENCHMARK_COLOR, alpha=0.7, label=style.label("bt_legend_benchmark", lang)),
                   Patch(facecolor="white", edgecolor="#111111", linewidth=1.8, label=style.label("bt_legend_best", lang))]
        if any_one:
            handles.append(Line2D([], [], color="#333333", linestyle=(0, (4, 3)), linewidth=1.3,
                                  label=style.label("bt_legend_one", lang)))
        below = axes[-1].transAxes + ScaledTranslation(0, -0.62, fig.dpi_scale_trans)
        axes[-1].legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
                        ncols=len(handles), frameon=False, fontsize=style.FONT_SIZES["legend"] - 0.5)

        title = titles[lang]
        horizons = sorted(set(int(h) for h in rows["horizon"])) if len(rows) else []
        drawn_rows = rows[rows["series"].astype(str).isin(set(series_list))]
        shared = [(str(p.series), str(p.other_series), int(p.n_shared))
                  for p in shared_forecasts(drawn_rows).itertuples(index=False) if str(p.series) < str(p.other_series)]
        scored = scores[(scores["n"] > 0) & scores["series"].astype(str).isin(series_list)]
        origins = {s: int(scores.loc[scores["series"].astype(str) == s, "n"].max()) for s in series_list}
        subtitle = backtest_scores_subtitle(lang, horizons=horizons, window=window_weeks, series=series_list,
                                            heads=heads[lang], verdicts=verdicts[lang], shared=shared,
                                            undrawn=undrawn, origins=origins,
                                            fewest=int(scored["n"].min()) if len(scored) else 0)
        with_actual = rows[rows["actual"].notna()]
        through = (max(weeks.parse_week_label(str(w)) for w in with_actual["target_week"].unique())
                   if len(with_actual) else None)
        pairs = _weekly_sources(weekly_sales, series_list, through)
        footer = _footer(pairs, weeks.week_label(*through) if through else None, lang)
        return finish(fig, lang, title, subtitle, footer)


# --------------------------------------------------------------------------- b. window sensitivity


def _sign(slope: float) -> str:
    return "negative" if slope < 0 else "positive" if slope > 0 else "zero"


def _draw_fits(ax: Any, x: np.ndarray, part: pd.DataFrame, hollow: list[bool], lim: float, gid: str) -> bool:
    """Slopes with their 95% intervals, coloured by sign, intervals clipped at ``±lim`` (a triangle at the edge)."""
    clipped_any = False
    for xi, row, open_ in zip(x, part.itertuples(index=False), hollow):
        color = _SIGN_COLORS[_sign(float(row.slope))]
        lo, hi = float(row.slope_ci95_low), float(row.slope_ci95_high)
        ax.plot([xi, xi], [max(lo, -lim), min(hi, lim)], color=color, linewidth=2.0, alpha=0.45 if open_ else 0.9,
                solid_capstyle="butt", zorder=3, gid=f"{gid}_ci")
        ax.plot([xi], [row.slope], linestyle="none", marker="o", markersize=7.5,
                markerfacecolor="white" if open_ else color, markeredgecolor=color, markeredgewidth=1.6, zorder=4,
                gid=f"{gid}_slope")
        for bound, edge, marker in ((hi, lim, "^"), (lo, -lim, "v")):
            if abs(bound) > lim:
                clipped_any = True
                ax.plot([xi], [edge], linestyle="none", marker=marker, markersize=6.5, color=color, zorder=4,
                        clip_on=False, gid=f"{gid}_clipped")
    return clipped_any


def _axis_limit(part: pd.DataFrame) -> float:
    """A y range that shows every slope and the intervals of fits with more than three weeks (three-week
    intervals are so wide they would flatten the rest; they are clipped and marked)."""
    wide = part[part["n_weeks"] > 3]
    basis = wide if len(wide) else part
    bound = float(np.nanmax(np.abs(basis[["slope_ci95_low", "slope_ci95_high"]].to_numpy(dtype=float))))
    slopes = float(np.nanmax(np.abs(part["slope"].to_numpy(dtype=float))))
    return 1.08 * max(bound, slopes * 1.2, 1.0)


def window_sensitivity_figure(
    sensitivity: pd.DataFrame,
    weekly_sales: pd.DataFrame | None = None,
    lang: str = "en",
    headline_series: str = HEADLINE_SERIES,
    *,
    titles: Mapping[str, str],
    heads: Mapping[str, Mapping[str, str]],
) -> Any:
    """The trend's slope and its 95% interval for every window length and for every week left out.

    ``sensitivity`` is :func:`helpers.models.window_sensitivity.sensitivity_table`.
    One row of panels per series (``headline_series`` first): left, every window
    length ending at the newest week (a length that adds only weeks without
    figures repeats a shorter fit: drawn hollow, counted once); right, the
    default window with each week left out in turn.  A zero line is drawn; the
    points are coloured by the sign of the slope; intervals running beyond the
    axis are clipped and marked with a triangle.  The title, ``titles``
    (language -> title), says whether the sign of ``headline_series``'s slope
    depends on the window (:func:`helpers.narrative.backtest.sensitivity_titles`);
    the other series are summed up in the subtitle with ``heads`` (language ->
    series -> clause, :func:`helpers.narrative.backtest.sensitivity_heads`).
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, FuncFormatter

    with style.theme(lang) as lang:
        series_list = _ordered_series(sensitivity["series"], headline_series)
        if not series_list:
            raise ValueError("sensitivity holds no series")
        series_list, undrawn = series_list[:MAX_PANELS], len(series_list) - MAX_PANELS
        fig = new_figure("tall" if len(series_list) > 1 else "pair")
        grid = fig.subplots(len(series_list), 2, squeeze=False, gridspec_kw={"width_ratios": [1.15, 1.0]})
        clipped = False
        n_weeks = []
        for (ax_len, ax_loo), series in zip(grid, series_list):
            part = sensitivity[sensitivity["series"].astype(str) == series]
            who = _series_name(series, lang)
            lim = _axis_limit(part)
            n_weeks += part["n_weeks"].astype(int).tolist()
            lengths = part[part["variant"].astype(str) == "window_length"].sort_values("window_weeks", kind="mergesort")
            if len(lengths):
                key = list(zip(lengths["first_week"].astype(str), lengths["last_week"].astype(str), lengths["n_weeks"]))
                hollow = [k in key[:i] for i, k in enumerate(key)]
                x = lengths["window_weeks"].to_numpy(dtype=float)
                clipped |= _draw_fits(ax_len, x, lengths, hollow, lim, f"length:{series}")
                step = max(1, math.ceil(len(x) / 12))
                ax_len.xaxis.set_major_locator(FixedLocator(list(x[::step])))
                ax_len.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos=None: number(v)))
                ax_len.set_xlim(x.min() - 0.7, x.max() + 0.7)
                ax_len.set_title(style.label("ws_panel_length", lang, series=who, week=str(lengths["last_week"].iloc[-1])),
                                 fontsize=_PANEL_TITLE_SIZE)
            else:
                ax_len.set_title(style.label("ws_panel_length_none", lang, series=who), fontsize=_PANEL_TITLE_SIZE)
            loo = part[part["variant"].astype(str) == "leave_one_out"]
            if len(loo):
                order = sorted(range(len(loo)), key=lambda i: weeks.parse_week_label(str(loo["left_out_week"].iloc[i])))
                loo = loo.iloc[order]
                x = np.arange(len(loo), dtype=float)
                clipped |= _draw_fits(ax_loo, x, loo, [False] * len(loo), lim, f"loo:{series}")
                ax_loo.xaxis.set_major_locator(FixedLocator(list(x)))
                ax_loo.set_xticklabels([f"W{weeks.parse_week_label(str(w))[1]:02d}" for w in loo["left_out_week"]])
                ax_loo.set_xlim(-0.7, len(loo) - 0.3)
                ax_loo.set_title(style.label("ws_panel_loo", lang, w=int(loo["window_weeks"].iloc[0])),
                                 fontsize=_PANEL_TITLE_SIZE)
            else:
                ax_loo.set_title(style.label("ws_panel_loo_none", lang), fontsize=_PANEL_TITLE_SIZE)
            for ax in (ax_len, ax_loo):
                ax.axhline(0, color="#333333", linewidth=1.2, zorder=2, gid=f"zero:{series}")
                ax.set_ylim(-lim, lim)
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos=None: number(v)))
                ax.grid(axis="x", visible=False)
            ax_len.set_ylabel(style.label("ws_y", lang))
        grid[-1][0].set_xlabel(style.label("ws_x_length", lang))
        grid[-1][1].set_xlabel(style.label("ws_x_loo", lang))

        handles = [Line2D([], [], color=_SIGN_COLORS["negative"], marker="o", linewidth=2.0,
                          label=style.label("ws_legend_negative", lang)),
                   Line2D([], [], color=_SIGN_COLORS["positive"], marker="o", linewidth=2.0,
                          label=style.label("ws_legend_positive", lang)),
                   Line2D([], [], color="#555555", marker="o", markerfacecolor="white", linewidth=2.0, alpha=0.6,
                          label=style.label("ws_legend_repeat", lang))]
        if clipped:
            handles.append(Line2D([], [], color="#555555", marker="^", linestyle="none",
                                  label=style.label("ws_legend_clipped", lang)))
        grid[0][1].legend(handles=handles, loc="lower left", ncols=1, fontsize=style.FONT_SIZES["legend"] - 1.5,
                          framealpha=0.95)

        title = titles[lang]
        loo_all = sensitivity[sensitivity["variant"].astype(str) == "leave_one_out"]
        subtitle = window_sensitivity_subtitle(lang, window=int(loo_all["window_weeks"].iloc[0]) if len(loo_all) else 12,
                                               others=[heads[lang][other] for other in series_list[1:]],
                                               undrawn=undrawn, weeks_fitted=n_weeks)
        drawn = sensitivity[sensitivity["series"].astype(str).isin(series_list)]
        ends = [weeks.parse_week_label(str(x)) for x in drawn["last_week"].unique()]
        starts = [weeks.parse_week_label(str(x)) for x in drawn["first_week"].unique()]
        through = max(ends) if ends else None
        pairs = _weekly_sources(weekly_sales, series_list, through, min(starts) if starts else None)
        footer = _footer(pairs, weeks.week_label(*through) if through else None, lang)
        return finish(fig, lang, title, subtitle, footer)

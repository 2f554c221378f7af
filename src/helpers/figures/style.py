"""One style for every figure: theme, palette, sizes, fonts and labels (English or Chinese).

Nothing here changes matplotlib's global state when imported.  A figure is
built inside :func:`theme`, a context manager that applies the project's rc
settings (a seaborn ``whitegrid`` theme, the Okabe–Ito palette, font sizes
readable at 100% on a laptop) and restores the previous ones on exit:

>>> import matplotlib as mpl
>>> before = mpl.rcParams["axes.titlesize"]
>>> with theme("en") as lang:
...     lang, mpl.rcParams["axes.titlesize"] == FONT_SIZES["panel_title"]
('en', True)
>>> mpl.rcParams["axes.titlesize"] == before
True

**Language.** ``lang="zh"`` gives Chinese titles and labels, but only when a
CJK font is installed (:func:`find_cjk_font`); otherwise
:func:`resolve_language` warns and falls back to English, so a figure never
shows empty boxes where characters should be.

**Labels.** :data:`LABELS` holds every title, axis label, legend entry and
source line in both languages, as ``str.format`` templates; :func:`label`
fills one in:

>>> label("source", "en", sources="article_ggyjs_2025")
'Source: article_ggyjs_2025'
>>> label("source", "zh", sources="article_ggyjs_2025")
'来源:article_ggyjs_2025'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import warnings
from typing import Any, Iterator

__all__ = [
    "LANGUAGES",
    "OKABE_ITO",
    "COLORS",
    "SCENARIO_LINESTYLES",
    "FIGSIZES",
    "FONT_SIZES",
    "DPI",
    "INLINE_DPI",
    "SVG_HASHSALT",
    "CJK_FONT_CANDIDATES",
    "LABELS",
    "find_cjk_font",
    "resolve_language",
    "rc_params",
    "theme",
    "label",
    "has_cjk",
    "ordinal",
    "format_month",
    "format_quarter",
    "format_day",
    "week_tick",
]

#: Languages the labels exist in.
LANGUAGES = ("en", "zh")

#: The Okabe–Ito palette (Okabe & Ito 2008), safe for the common colour-vision deficiencies;
#: grey as in R's ``palette.colors("Okabe-Ito")``.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

#: Colours by role: the same thing has the same colour in every figure.
COLORS = {
    "observed": OKABE_ITO["blue"],
    "trend": OKABE_ITO["vermillion"],
    "forecast": OKABE_ITO["orange"],
    "event": OKABE_ITO["black"],
    "sales": OKABE_ITO["blue"],
    "capacity": OKABE_ITO["bluish_green"],
    "capacity_actual": OKABE_ITO["sky_blue"],
    "orders": OKABE_ITO["reddish_purple"],
    "orders_before": OKABE_ITO["grey"],
    "consistent": OKABE_ITO["bluish_green"],
    "inconsistent": OKABE_ITO["vermillion"],
    "unverifiable": OKABE_ITO["grey"],
    "list_a": OKABE_ITO["orange"],
    "list_b": OKABE_ITO["blue"],
    "text_muted": "#444444",
    "guide": "#DDDDDD",
}

#: Line styles of the run-rate scenarios (least to most pressure on supply).
SCENARIO_LINESTYLES = {"low": ":", "mid": "-", "high": "--"}

#: Figure sizes in inches (width, height); 10 in wide is about 1,000 px inline at 100 dpi.
FIGSIZES = {
    "wide": (10.0, 6.2),
    "pair": (10.0, 5.4),
    "tall": (10.0, 8.8),
    "list": (10.0, 7.2),
}

#: Font sizes in points.
FONT_SIZES = {
    "base": 11.0,
    "title": 13.5,
    "subtitle": 10.5,
    "panel_title": 11.5,
    "label": 11.0,
    "tick": 10.0,
    "legend": 10.0,
    "annotation": 9.5,
    "source": 9.0,
}

#: Resolution of the saved PNGs.
DPI = 150
#: Resolution of the images shown in notebooks (smaller files).
INLINE_DPI = 100
#: Fixed salt for the ids matplotlib writes into SVG files, so reruns give the same bytes.
SVG_HASHSALT = "su7-slump"

#: Font families that can draw Chinese, most preferred first.
CJK_FONT_CANDIDATES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Noto Sans CJK",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Serif CJK SC",
    "AR PL UKai CN",
    "AR PL UMing CN",
)
#: Font file names (lower case) that hold CJK glyphs, for fonts not yet in matplotlib's cache.
_CJK_FILE_PATTERN = re.compile(r"(notosans(mono)?cjk|notoserifcjk|notosanssc|sourcehansans|wqy|wenquanyi|simhei|msyh|pingfang|uming|ukai)")

_FALLBACK_MESSAGE = (
    "lang='zh' needs a CJK font (Debian: apt-get install fonts-noto-cjk; "
    "conda: conda install -c conda-forge font-ttf-noto-cjk); falling back to English"
)

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character or full-width punctuation.

    >>> has_cjk("SU7 weekly sales"), has_cjk("周销量"), has_cjk("来源:x")
    (False, True, True)
    """
    return bool(_CJK.search(text))


def find_cjk_font() -> str | None:
    """The name of an installed font that can draw Chinese, or ``None``.

    Looks at matplotlib's font list for :data:`CJK_FONT_CANDIDATES` (in that
    order, then any family whose name starts with ``Noto Sans CJK``).  If none
    is listed, the system font folders are scanned for CJK font files that
    matplotlib's cached list predates (fonts installed after the cache was
    built); one found there is registered with matplotlib's font manager.
    """
    from matplotlib import font_manager

    def listed() -> str | None:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        for candidate in CJK_FONT_CANDIDATES:
            if candidate in names:
                return candidate
        return next((name for name in sorted(names) if name.startswith("Noto Sans CJK")), None)

    found = listed()
    if found is not None:
        return found
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    added = False
    for path in sorted(font_manager.findSystemFonts()):
        if path in known or not _CJK_FILE_PATTERN.search(path.replace("-", "").replace("_", "").lower()):
            continue
        try:
            font_manager.fontManager.addfont(path)
            added = True
        except (OSError, RuntimeError, ValueError):
            continue
    return listed() if added else None


def resolve_language(lang: str) -> str:
    """``"en"`` or ``"zh"``: the language figures can actually be drawn in.

    ``"zh"`` (also ``"zh-CN"``, ``"zh_Hans"`` ...) needs a CJK font; without one
    this warns (``UserWarning``) and returns ``"en"``.

    >>> resolve_language("en"), resolve_language("EN")
    ('en', 'en')
    >>> resolve_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be 'en' or 'zh', got 'fr'
    """
    if not isinstance(lang, str):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    code = lang.strip().lower().replace("_", "-")
    if code == "en" or code.startswith("en-"):
        return "en"
    if code == "zh" or code.startswith("zh-"):
        if find_cjk_font() is None:
            warnings.warn(_FALLBACK_MESSAGE, UserWarning, stacklevel=2)
            return "en"
        return "zh"
    raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")


def rc_params(lang: str = "en") -> dict[str, Any]:
    """The rc settings of every figure, for an already resolved ``lang``.

    A seaborn ``whitegrid`` style and ``notebook`` context with the project's
    font sizes, palette and deterministic SVG output.  ``lang`` must be what
    :func:`resolve_language` returned ("zh" looks up the CJK font again).
    """
    import seaborn as sns
    from cycler import cycler

    if lang not in LANGUAGES:
        raise ValueError(f"lang must be 'en' or 'zh' (resolved with resolve_language), got {lang!r}")
    families = ["DejaVu Sans"]
    if lang == "zh":
        cjk = find_cjk_font()
        if cjk is None:
            raise ValueError("rc_params('zh') needs a CJK font; call resolve_language('zh') first")
        families = [cjk, "DejaVu Sans"]
    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook"))
    fs = FONT_SIZES
    rc.update({
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "font.size": fs["base"],
        "axes.titlesize": fs["panel_title"],
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titlepad": 8.0,
        "axes.labelsize": fs["label"],
        "axes.labelcolor": "#222222",
        "axes.edgecolor": "#888888",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=[OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "vermillion",
                                                                "reddish_purple", "sky_blue", "black", "yellow")]),
        "axes.unicode_minus": True,
        "grid.color": "#E6E6E6",
        "grid.linewidth": 0.8,
        "xtick.labelsize": fs["tick"],
        "ytick.labelsize": fs["tick"],
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "legend.fontsize": fs["legend"],
        "legend.frameon": True,
        "legend.framealpha": 0.92,
        "legend.edgecolor": "#CCCCCC",
        "lines.linewidth": 2.0,
        "lines.markersize": 7.0,
        "patch.edgecolor": "none",
        "figure.dpi": INLINE_DPI,
        "figure.facecolor": "white",
        "savefig.dpi": DPI,
        "savefig.facecolor": "white",
        "figure.constrained_layout.h_pad": 0.06,
        "figure.constrained_layout.w_pad": 0.06,
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "path.simplify": True,
    })
    return rc


@contextlib.contextmanager
def theme(lang: str = "en") -> Iterator[str]:
    """Apply the project's style (``matplotlib.rc_context``) and yield the resolved language.

    ``lang`` goes through :func:`resolve_language` (so ``"zh"`` may warn and
    yield ``"en"``).  The previous rc settings come back on exit.
    """
    import matplotlib as mpl

    resolved = resolve_language(lang)
    with mpl.rc_context(rc_params(resolved)):
        yield resolved


# --------------------------------------------------------------------------- labels

#: Every text a figure shows, in English and Chinese: ``str.format`` templates.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        # shared
        "source": "Source: {sources}",
        "sources": "Sources: {sources}",
        "as_of": "as of {week}",
        "footer": "{sources} · {as_of} · su7-slump",
        "footer_no_week": "{sources} · {note} · su7-slump",
        "join_title": "{head}: {detail}",
        "list_sep": ", ",
        "sentence_sep": " ",
        "aside": "{text} ({note})",
        "series_xiaomi_su7": "SU7",
        "vehicles_per_week": "vehicles per week",
        "undated": "undated",
        # weekly sales
        "sales_head_fell_each": "{series} weekly sales fell in each of {changes} weeks",
        "sales_head_rose_each": "{series} weekly sales rose in each of {changes} weeks",
        "sales_head_falling": "{series} weekly sales are falling over {span}",
        "sales_head_rising": "{series} weekly sales are rising over {span}",
        "sales_head_no_trend": "{series} weekly sales show no clear trend over {span}",
        "sales_ci_includes_zero": "The slope's 95% interval includes zero: these weeks cannot rule out a flat trend.",
        "sales_detail_linear": "{slope} a week (95% CI {lo} to {hi}), n = {n}",
        "sales_detail_log": "{pct}% a week (95% CI {lo}% to {hi}%), n = {n}",
        "sales_subtitle": "{model} least-squares trend of {span}, carried {horizon} weeks ahead.",
        "sales_small_sample": "Small sample: n = {n} weeks, {df} degrees of freedom, so the bands are wide.",
        "sales_gap": "No figure for {weeks}: left as a gap.",
        "sales_below_zero": "The fan's lower bound is below zero from {week} (not drawn).",
        "sales_events_off_axis": "Not on this axis: {events}.",
        "model_linear": "Linear",
        "model_log": "Log-linear",
        "x_week": "ISO week (ticks on Mondays)",
        "y_sales": "vehicles sold per week",
        "legend_observed": "weekly sales (as printed)",
        "legend_trend": "{model} trend, {span}",
        "legend_ci": "95% confidence band of the trend",
        "legend_forecast": "trend carried forward",
        "legend_pi": "95% prediction interval",
        "legend_event": "dated event",
        "event_accident_anhui_expressway": "fatal SU7 crash on NOA (Anhui)",
        "event_regulators_restrict_autonomous_wording": "MIIT curbs 'smart driving' wording",
        "event_carbon_fibre_bonnet_dispute": "carbon-fibre bonnet dispute: apology",
        "event_parking_fault": "automatic-parking fault",
        "event_lfp_battery_thermal_runaway": "LFP battery thermal runaway",
        "event_yu7_launch": "Xiaomi YU7 launch",
        "event_yu7_deliveries_begin": "first YU7 deliveries",
        # orders
        "orders_title": "Per week, {series} orders {direction} {per_week_pct}% from {from_period} to {to_period} ({before} → {after_per_week}), "
                        "not the {total_pct}% that the article's totals ({before} vs {after_total}) suggest",
        "orders_subtitle": "Each bar is one printed figure: {before_period} covers {before_weeks}, "
                           "{after_period} covers {after_weeks} (n = 2 figures, no weekly breakdown).",
        "orders_fell": "fell",
        "orders_rose": "rose",
        "orders_panel_total": "As printed: totals over different spans",
        "orders_panel_week": "Per week: each total ÷ its weeks",
        "orders_y": "orders (vehicles)",
        "orders_bar": "{period}\n({weeks} week{plural})",
        "orders_change": "{pct}%",
        # run rate
        "rr_title_never": "At the “actual” capacity ({capacity} a week) the backlog never clears: firm orders run at "
                          "{inflow} a week; at the sales run-rate it clears in {weeks} weeks (mid scenario)",
        "rr_title_clears": "The implied backlog clears in {weeks} weeks at the sales run-rate and {weeks_design} "
                           "at design capacity (mid scenario)",
        "rr_subtitle": "Scenario arithmetic on article figures, not an estimate: bars are the mid scenario, whiskers "
                       "and bands the low–high range. Backlog = supply × a wait of {wait} weeks, less cancellations.",
        "rr_panel_rates": "Every rate on one scale",
        "rr_panel_backlog": "Open orders if every flow stays constant (week 0 = {week})",
        "rr_x_rates": "vehicles per week",
        "rr_y_backlog": "open orders (vehicles)",
        "rr_x_backlog": "week",
        "rr_design_capacity": "Design capacity",
        "rr_actual_capacity": "“Actual” capacity",
        "rr_sales_run_rate": "Sales run-rate (n = {n} weeks)",
        "rr_gross_orders": "Gross orders, {period}",
        "rr_net_inflow": "Firm orders (gross × lock-in)",
        "rr_basis_design_capacity": "supply = design capacity",
        "rr_basis_actual_capacity": "supply = “actual” capacity",
        "rr_basis_sales_run_rate": "supply = sales run-rate",
        "rr_legend_mid": "mid scenario (line)",
        "rr_legend_range": "low–high range (band)",
        "rr_never": "never clears",
        "rr_clears": "clears {week}",
        "rr_value": "{mid}",
        "rr_value_range": "{mid}  ({lo}–{hi})",
        # claims
        "claims_title": "Of {n} numeric claims, {consistent} agree with the article's other figures, "
                        "{inconsistent} contradict them and {unverifiable} cannot be checked",
        "claims_subtitle": "One mark per claim. A verdict is about the article's figures among themselves, "
                           "not about the world: two figures can agree and both be wrong.",
        "claims_x": "verdict",
        "claims_where": "where printed",
        "where_paras": "para {paras}",
        "where_more": "+{n} other source(s)",
        "verdict_consistent": "consistent",
        "verdict_inconsistent": "inconsistent",
        "verdict_unverifiable": "unverifiable",
        "claims_legend": "{verdict} ({count})",
        # quality
        "quality_title": "Same quarter, opposite ends: the {series} is {rank_a} on {list_a} ({score_a} points) "
                         "and {rank_b} on {list_b} ({score_b} points)",
        "quality_subtitle": "Two lists on two scales: compare the places, not the points. "
                            "The data do not say which list is right.",
        "quality_list_cqn": "China Auto Quality Net",
        "quality_list_czw": "Chezhiwang",
        "quality_panel": "{list}, {period}",
        "quality_y": "points on this list's own scale",
        "quality_bar": "{series}",
        "quality_rank_last": "last",
        "quality_rank_n": "{n}{suffix}",
        "quality_rank_badge": "rank: {rank}",
        "quality_note_complaints": "{n} complaints in three months\n(period not stated)",
        "quality_note_leader": "rank 1: {subject}, {n} complaints",
        "subject_wuling_bingo_plus": "Wuling Bingo Plus",
        # later figures (notebook 06: what happened next)
        "later_join_clauses": "{head}; {tail}",
        "later_series_xiaomi_su7": "SU7",
        "later_series_xiaomi_all": "Xiaomi (all models)",
        "later_legend_xiaomi_su7": "SU7 (the only model before the YU7)",
        "later_legend_xiaomi_all": "Xiaomi, all models (SU7 + YU7)",
        "later_legend_derived": "all models before {week} = SU7 (derived, hollow)",
        "later_legend_article": "the article's {n} weeks ({span})",
        "later_x_week": "ISO week (dots mid-week; dates are Mondays)",
        "later_y_weekly": "vehicles registered per week",
        "later_cmp_above_all": "above every week of the fall",
        "later_cmp_above_last": "above {last}'s {last_units}",
        "later_head_ended_next": "The fall in {series} sales over {span} ended at {last}: {week} was {units}, {compared}",
        "later_head_ended_by": "The fall in {series} sales over {span} had ended by {week} ({units}, {compared})",
        "later_head_stopped_next": "The fall in {series} sales over {span} stopped at {last}: {week} was {units}, the same",
        "later_head_stopped_by": "The fall in {series} sales over {span} had stopped by {week} ({units}, the same as {last})",
        "later_head_continued": "The fall in {series} sales continued into {week} ({units}, below {last}'s {last_units})",
        "later_head_below": "{series} sales were still below {last}'s {last_units} in {week} ({units})",
        "later_head_no_fall": "After {last} ({last_units}) the next {series} week with a figure, {week}, was {units}",
        "later_head_no_later": "No {series} week after {last} has a figure: whether the fall of {span} continued is unknown",
        "later_tail_brand_yu7": "with the YU7, Xiaomi reached {units} in {week}",
        "later_tail_brand": "Xiaomi's highest later week was {units} ({week})",
        "later_weekly_method": "Weekly figures as published: the article's {span} (sales as printed), the other weeks "
                               "insurance registrations from later sources. Lines join consecutive weeks only.",
        "later_weekly_coverage": "{n} of the {total} weeks {span} have a figure; {missing} are missing (gaps, not zeros): {gaps}.",
        "later_weekly_small": "After {week}, weeks with a figure: n = {counts}, a small, uneven sample.",
        "later_count_item": "{n} for {series}",
        "later_head_no_later_plain": "No {series} week after {last} ({last_units}) has a figure",
        "later_month_title_all": "Every month from {first} to {last} ran at least {ratio}× the article's “actual capacity” of "
                                 "{capacity} a month and {ratio_design}× its design capacity (lowest: {low_month}, {low_units})",
        "later_month_title_range": "From {first} to {last}, monthly figures (each month's lowest reading) ran at {lo}× to "
                                   "{hi}× the article's “actual capacity” of {capacity} a month",
        "later_month_subtitle": "Every published figure, one marker per source: n = {n} figures from {sources} sources over "
                                "{months} months. ▲ is a lower bound (“more than X”: at least X); differing exact figures "
                                "are all drawn. Multiples use each month's lowest reading, per week.",
        "later_month_yu7": "From {month} the brand total includes the YU7 (first deliveries {day}); before it, the SU7 alone.",
        "later_month_missing": "No figure for {months}.",
        "later_month_y": "vehicles per month",
        "later_month_x": "month",
        "later_measure_deliveries": "deliveries",
        "later_measure_retail_sales": "retail sales (CPCA etc.)",
        "later_measure_wholesale": "wholesale",
        "later_bound_exact": "exact",
        "later_bound_lower": "at least (lower bound)",
        "later_bound_upper": "at most (upper bound)",
        "later_bound_approximate": "about",
        "later_legend_month": "{measure}{series}: {bound}",
        "later_series_suffix": ", {series} alone",
        "later_cap_actual": "article: “actual capacity” {capacity} a month",
        "later_cap_design": "article: design capacity {annual} a year = {monthly} a month",
        "later_article_month": "article: {month}, {units} ({series})",
        "later_yu7_line": "first YU7 deliveries",
        "later_fit_article": "the article's {n} weeks ({span})",
        "later_fit_weeks": "the {n} weeks {span}",
        "later_vintage_missed": "Fitted on {fit}, the trend's 95% prediction interval missed {misses}",
        "later_vintage_held_tail": "it held {holds}",
        "later_vintage_held_all": "Fitted on {fit}, the trend's 95% prediction interval held every later week with a figure: {holds}",
        "later_vintage_none": "Fitted on {fit}, the trend cannot be scored yet: no week after {vintage} has a figure",
        "later_miss_above": "{week} ({actual} vs ≤ {high})",
        "later_miss_below": "{week} ({actual} vs ≥ {low})",
        "later_hold": "{week} ({actual})",
        "later_vintage_method": "{model} least squares on n = {n} weeks ({span}), carried {k} weeks past {vintage} with its "
                                "95% prediction interval (the fan).",
        "later_vintage_small": "Small sample: {df} degrees of freedom, so the interval is wide.",
        "later_vintage_missing": "{weeks}: no figure, not scored.",
        "later_vintage_sources": "Later weeks from other sources are their counts (insurance registrations), not the article's.",
        "later_legend_fit_weeks": "weeks the fit saw (n = {n})",
        "later_legend_other_weeks": "earlier weeks, not in the fit",
        "later_legend_inside": "later week inside the 95% PI",
        "later_legend_outside": "later week outside the 95% PI",
        "later_outcome_inside": "inside",
        "later_outcome_outside": "outside",
        "later_no_figure": "no\nfigure",
    },
    "zh": {
        "source": "来源:{sources}",
        "sources": "来源:{sources}",
        "as_of": "数据截至{week}",
        "footer": "{sources} · {as_of} · su7-slump",
        "footer_no_week": "{sources} · {note} · su7-slump",
        "join_title": "{head}:{detail}",
        "list_sep": "、",
        "sentence_sep": "",
        "aside": "{text}({note})",
        "series_xiaomi_su7": "小米SU7",
        "vehicles_per_week": "辆/周",
        "undated": "日期不详",
        "sales_head_fell_each": "{series}周销量连续{changes}周下滑",
        "sales_head_rose_each": "{series}周销量连续{changes}周上升",
        "sales_head_falling": "{series}周销量在{span}呈下降趋势",
        "sales_head_rising": "{series}周销量在{span}呈上升趋势",
        "sales_head_no_trend": "{series}周销量在{span}没有明显趋势",
        "sales_ci_includes_zero": "斜率的95%置信区间包含零:这几周的数据不能排除趋势持平。",
        "sales_detail_linear": "趋势每周{slope}辆(95%置信区间{lo}至{hi}),n = {n}",
        "sales_detail_log": "趋势每周{pct}%(95%置信区间{lo}%至{hi}%),n = {n}",
        "sales_subtitle": "{span}的{model}最小二乘趋势,向后外推{horizon}周。",
        "sales_small_sample": "小样本:n = {n}周,自由度{df},区间很宽。",
        "sales_gap": "{weeks}无数据:留空,未插补。",
        "sales_below_zero": "自{week}起扇形下限低于零(未画出)。",
        "sales_events_off_axis": "不在横轴范围内:{events}。",
        "model_linear": "线性",
        "model_log": "对数线性",
        "x_week": "ISO周(刻度为周一)",
        "y_sales": "周销量(辆)",
        "legend_observed": "周销量(原文数字)",
        "legend_trend": "{model}趋势,{span}",
        "legend_ci": "趋势的95%置信区间",
        "legend_forecast": "趋势外推",
        "legend_pi": "95%预测区间",
        "legend_event": "有日期的事件",
        "event_accident_anhui_expressway": "安徽高速小米SU7致命事故(NOA)",
        "event_regulators_restrict_autonomous_wording": "工信部规范“智驾”宣传用语",
        "event_carbon_fibre_bonnet_dispute": "碳纤维机盖风波:小米致歉",
        "event_parking_fault": "自动泊车功能异常",
        "event_lfp_battery_thermal_runaway": "磷酸铁锂电池热失控",
        "event_yu7_launch": "小米YU7上市",
        "event_yu7_deliveries_begin": "YU7开始交付",
        "orders_title": "按周计算,{series}订单从{from_period}到{to_period}{direction}{per_week_pct}%({before} → 每周{after_per_week}),"
                        "而不是原文并列的总数({before}对{after_total})看上去的{total_pct}%",
        "orders_subtitle": "每根柱子是原文的一个数字:{before_period}为{before_weeks},{after_period}为{after_weeks}"
                           "(共2个数字,没有逐周数据)。",
        "orders_fell": "下降",
        "orders_rose": "上升",
        "orders_panel_total": "原文口径:不同时长的总数",
        "orders_panel_week": "按周:总数 ÷ 周数",
        "orders_y": "订单量(辆)",
        "orders_bar": "{period}\n({weeks}周)",
        "orders_change": "{pct}%",
        "rr_title_never": "按“实际”产能(每周{capacity}辆),积压订单永远消化不完:锁定订单每周{inflow}辆;"
                          "按销量节奏则需{weeks}周(中间情景)",
        "rr_title_clears": "按销量节奏,隐含的积压订单需{weeks}周消化,按设计产能需{weeks_design}周(中间情景)",
        "rr_subtitle": "基于原文数字的情景计算,不是估计:柱为中间情景,误差线和色带为低–高情景范围。"
                       "积压订单 = 供给 × 等待{wait}周,扣除退订。",
        "rr_panel_rates": "所有速率换算为每周",
        "rr_panel_backlog": "各流量保持不变时的未交付订单(第0周 = {week})",
        "rr_x_rates": "辆/周",
        "rr_y_backlog": "未交付订单(辆)",
        "rr_x_backlog": "周",
        "rr_design_capacity": "设计产能",
        "rr_actual_capacity": "“实际”产能",
        "rr_sales_run_rate": "销量节奏(n = {n}周)",
        "rr_gross_orders": "新订单,{period}",
        "rr_net_inflow": "锁定订单(新订单 × 锁单率)",
        "rr_basis_design_capacity": "供给 = 设计产能",
        "rr_basis_actual_capacity": "供给 = “实际”产能",
        "rr_basis_sales_run_rate": "供给 = 销量节奏",
        "rr_legend_mid": "中间情景(线)",
        "rr_legend_range": "低–高情景范围(色带)",
        "rr_never": "永远消化不完",
        "rr_clears": "{week}消化完",
        "rr_value": "{mid}",
        "rr_value_range": "{mid}({lo}–{hi})",
        "claims_title": "{n}个数字论断中,{consistent}个与原文其他数字一致,{inconsistent}个相互矛盾,{unverifiable}个无法核实",
        "claims_subtitle": "每个论断一个点。结论只关乎原文数字之间是否自洽,不关乎事实:两个数字可能一致但都错。",
        "claims_x": "结论",
        "claims_where": "原文位置",
        "where_paras": "第{paras}段",
        "where_more": "另{n}个来源",
        "verdict_consistent": "一致",
        "verdict_inconsistent": "矛盾",
        "verdict_unverifiable": "无法核实",
        "claims_legend": "{verdict}({count})",
        "quality_title": "同一季度,冰火两重天:{series}在{list_a}以{score_a}分{rank_a},在{list_b}以{score_b}分{rank_b}",
        "quality_subtitle": "两个榜单,两种分制:只能比较名次,不能比较分数。数据无法说明哪个榜单更可信。",
        "quality_list_cqn": "中国汽车质量网",
        "quality_list_czw": "车质网",
        "quality_panel": "{list},{period}",
        "quality_y": "分数(该榜单自己的分制)",
        "quality_bar": "{series}",
        "quality_rank_last": "垫底",
        "quality_rank_n": "排名第{n}",
        "quality_rank_badge": "{rank}",
        "quality_note_complaints": "三个月内{n}条投诉\n(未说明是哪三个月)",
        "quality_note_leader": "第一名:{subject},{n}条投诉",
        "subject_wuling_bingo_plus": "五菱缤果Plus",
        "later_join_clauses": "{head};{tail}",
        "later_series_xiaomi_su7": "小米SU7",
        "later_series_xiaomi_all": "小米汽车(全部车型)",
        "later_legend_xiaomi_su7": "小米SU7(YU7之前唯一车型)",
        "later_legend_xiaomi_all": "小米汽车全部车型(SU7 + YU7)",
        "later_legend_derived": "{week}之前全部车型 = SU7(推算,空心)",
        "later_legend_article": "原文的{n}周({span})",
        "later_x_week": "ISO周(点位于周中;日期为周一)",
        "later_y_weekly": "每周上险量(辆)",
        "later_cmp_above_all": "高于下滑期间的每一周",
        "later_cmp_above_last": "高于{last}的{last_units}辆",
        "later_head_ended_next": "{series}销量在{span}的下滑止于{last}:{week}为{units}辆,{compared}",
        "later_head_ended_by": "{series}销量在{span}的下滑至迟在{week}已结束({units}辆,{compared})",
        "later_head_stopped_next": "{series}销量在{span}的下滑止于{last}:{week}为{units}辆,持平",
        "later_head_stopped_by": "{series}销量在{span}的下滑至迟在{week}已停止({units}辆,与{last}持平)",
        "later_head_continued": "{series}销量的下滑延续到{week}({units}辆,低于{last}的{last_units}辆)",
        "later_head_below": "{week}{series}销量仍低于{last}的{last_units}辆({units}辆)",
        "later_head_no_fall": "{last}({last_units}辆)之后,{series}下一个有数据的周{week}为{units}辆",
        "later_head_no_later": "{last}之后{series}没有任何一周有数据:{span}的下滑是否延续无从得知",
        "later_tail_brand_yu7": "YU7上市后,小米汽车在{week}达到{units}辆",
        "later_tail_brand": "小米汽车此后最高的一周为{units}辆({week})",
        "later_weekly_method": "公开发布的周数据:原文的{span}(原文销量),其余各周为后来来源的上险量。只连接相邻的周。",
        "later_weekly_coverage": "{span}共{total}周,{n}周有数据;{missing}周缺失(留空,不是零):{gaps}。",
        "later_weekly_small": "{week}之后有数据的周:n = {counts},样本小且不均匀。",
        "later_count_item": "{series}{n}周",
        "later_head_no_later_plain": "{last}({last_units}辆)之后{series}没有任何一周有数据",
        "later_month_title_all": "{first}至{last}每个月都至少是原文“实际月产能”{capacity}的{ratio}倍,"
                                 "是设计产能的{ratio_design}倍(最低:{low_month},{low_units}辆)",
        "later_month_title_range": "{first}至{last},月度数字(按每月最低读数)是原文“实际月产能”{capacity}的{lo}至{hi}倍",
        "later_month_subtitle": "每个公开数字一个标记,每个来源一个:{months}个月共{n}个数字,来自{sources}个来源。"
                                "▲为下限(“超过X”:至少X);互不相同的确切数字都画出。倍数按每月最低读数折算为每周。",
        "later_month_yu7": "自{month}起品牌总量包含YU7({day}首批交付);此前仅为SU7。",
        "later_month_missing": "{months}无数据。",
        "later_month_y": "每月辆数",
        "later_month_x": "月份",
        "later_measure_deliveries": "交付量",
        "later_measure_retail_sales": "零售销量(乘联会等)",
        "later_measure_wholesale": "批发量",
        "later_bound_exact": "确切数字",
        "later_bound_lower": "至少(下限)",
        "later_bound_upper": "至多(上限)",
        "later_bound_approximate": "约",
        "later_legend_month": "{measure}{series}:{bound}",
        "later_series_suffix": ",仅{series}",
        "later_cap_actual": "原文:“实际月产能”{capacity}",
        "later_cap_design": "原文:设计年产能{annual}辆 = 每月{monthly}辆",
        "later_article_month": "原文:{month}{units}辆({series})",
        "later_yu7_line": "YU7首批交付",
        "later_fit_article": "原文的{n}周({span})",
        "later_fit_weeks": "{span}的{n}周",
        "later_vintage_missed": "以{fit}拟合,趋势的95%预测区间未能覆盖{misses}",
        "later_vintage_held_tail": "覆盖了{holds}",
        "later_vintage_held_all": "以{fit}拟合,趋势的95%预测区间覆盖了此后每个有数据的周:{holds}",
        "later_vintage_none": "以{fit}拟合,趋势尚无法检验:{vintage}之后没有任何一周有数据",
        "later_miss_above": "{week}({actual}对 ≤ {high})",
        "later_miss_below": "{week}({actual}对 ≥ {low})",
        "later_hold": "{week}({actual})",
        "later_vintage_method": "对n = {n}周({span})做{model}最小二乘拟合,自{vintage}向后外推{k}周,附95%预测区间(扇形)。",
        "later_vintage_small": "小样本:自由度{df},区间很宽。",
        "later_vintage_missing": "{weeks}:无数据,不计分。",
        "later_vintage_sources": "来自其他来源的后续周为其上险量,不是原文的数字。",
        "later_legend_fit_weeks": "拟合所用的周(n = {n})",
        "later_legend_other_weeks": "更早的周,未用于拟合",
        "later_legend_inside": "落在95%预测区间内的后续周",
        "later_legend_outside": "落在95%预测区间外的后续周",
        "later_outcome_inside": "区间内",
        "later_outcome_outside": "区间外",
        "later_no_figure": "无\n数据",
    },
}


def label(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang``, with ``values`` filled in.

    >>> label("verdict_inconsistent", "zh")
    '矛盾'
    >>> label("no_such_key", "en")
    Traceback (most recent call last):
    ...
    KeyError: "no label 'no_such_key' in 'en'"
    """
    try:
        template = LABELS[lang][key]
    except KeyError:
        raise KeyError(f"no label {key!r} in {lang!r}") from None
    return template.format(**values) if values else template


def ordinal(n: int, lang: str = "en") -> str:
    """``2`` → ``"2nd"`` (en) or ``"排名第2"`` (zh).

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return label("quality_rank_n", lang, n=n, suffix=suffix)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_month(period: str, lang: str = "en") -> str:
    """``"2025-03"`` → ``"Mar 2025"`` / ``"2025年3月"``.

    >>> format_month("2025-03"), format_month("2025-05", "zh")
    ('Mar 2025', '2025年5月')
    """
    year, month = int(period[:4]), int(period[5:7])
    return f"{year}年{month}月" if lang == "zh" else f"{_MONTHS[month - 1]} {year}"


def format_quarter(period: str, lang: str = "en") -> str:
    """``"2025-Q1"`` → ``"2025 Q1"`` / ``"2025年第一季度"``; anything else is returned as is.

    >>> format_quarter("2025-Q1"), format_quarter("2025-Q1", "zh"), format_quarter("")
    ('2025 Q1', '2025年第一季度', '')
    """
    match = re.fullmatch(r"(\d{4})-Q([1-4])", period or "")
    if not match:
        return period or ""
    year, quarter = match.group(1), int(match.group(2))
    return f"{year}年第{'一二三四'[quarter - 1]}季度" if lang == "zh" else f"{year} Q{quarter}"


def format_day(day: dt.date, lang: str = "en") -> str:
    """``2025-03-29`` → ``"29 Mar"`` / ``"3月29日"``.

    >>> format_day(dt.date(2025, 3, 29)), format_day(dt.date(2025, 3, 29), "zh")
    ('29 Mar', '3月29日')
    """
    return f"{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {_MONTHS[day.month - 1]}"


def week_tick(iso_week: int, monday: dt.date, lang: str = "en") -> str:
    """A two-line tick label: the ISO week and its Monday.

    >>> week_tick(16, dt.date(2025, 4, 14))
    'W16\\n14 Apr'
    """
    return f"W{iso_week:02d}\n{format_day(monday, lang)}"

"""Notebook 09's figures: the titles they are given (worded by helpers.narrative.backtest, whose tests check the
words), benchmarks shown, zero line, languages.

Expected winners, counts and numbers are worked out here from the hand-built tables, never copied
from a figure, then looked for in it.
"""

from __future__ import annotations

import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from helpers.chinese import has_cjk
from helpers import catalog
from helpers.data.clean import read_clean
from helpers.figures import backtest as figures, frame, style
from helpers.figures.frame import figure_texts
from helpers.narrative import backtest as backtest_narrative

MINUS = "\N{MINUS SIGN}"
NAMES = {"trend": "the trend line", "trend_log": "the log trend", "naive": "the naive forecast",
         "window_mean": "the window mean", "calendar": "the calendar model"}


def gid(fig, prefix: str) -> list:
    return [a for a in fig.findobj(lambda a: str(a.get_gid() or "").startswith(prefix))]


def title(fig) -> str:
    return fig.get_suptitle().replace("\n", " ")


def subtitle(fig) -> str:
    """The subtitle and the notes under the axes (sentences a subtitle has no room for), as one text."""
    parts = [t.get_text() for gid in ("subtitle", "notes") for t in fig.texts if t.get_gid() == gid]
    return " ".join(parts).replace("\n", " ").replace("Notes: ", "").replace("注:", "")


def footer(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == "source").replace("\n", " ")


def scores_figure(scores, rows, weekly_sales=None, lang: str = "en"):
    """The scores figure with the title, clauses and verdicts the narrative words (what notebook 09 passes)."""
    return figures.backtest_scores_figure(scores, rows, weekly_sales, lang=lang,
                                          titles=backtest_narrative.scores_titles(scores, figures.HEADLINE_SERIES),
                                          heads=backtest_narrative.scores_heads(scores),
                                          verdicts=backtest_narrative.scores_verdicts(scores))


def sensitivity_figure(table, weekly_sales=None, lang: str = "en"):
    """The window-sensitivity figure with the title and clauses the narrative words (what notebook 09 passes)."""
    return figures.window_sensitivity_figure(table, weekly_sales, lang=lang,
                                             titles=backtest_narrative.sensitivity_titles(table, figures.HEADLINE_SERIES),
                                             heads=backtest_narrative.sensitivity_heads(table))


def scores_table(mase: dict[str, dict[str, float]], n: dict[str, int], scale: dict[str, float],
                 verdicts: dict[tuple[str, str], tuple[str, float]] | None = None) -> pd.DataFrame:
    """Scores as score_backtest gives them; every method "cannot tell" against naive (p = 0.30) unless
    ``verdicts`` says otherwise for (series, method); each series' forecasts cover n // 2 target weeks."""
    rows = []
    for series, by_method in mase.items():
        for method, value in by_method.items():
            verdict, p = (("benchmark", np.nan) if method == "naive"
                          else (verdicts or {}).get((series, method), ("cannot tell", 0.30)))
            rows.append({"series": series, "method": method, "n": n[series], "mae": value * scale[series],
                         "mase": value, "coverage95": 0.8, "interval_score95": 100.0, "n_intervals": 5,
                         "n_forecasts": n[series], "n_target_weeks": n[series] // 2, "dm_horizon": 2,
                         "dm_statistic": np.nan, "dm_p_value": p, "vs_naive": verdict,
                         "forecasts_needed": np.nan, "target_weeks_needed": np.nan})
    return pd.DataFrame(rows)


def rows_table(series: dict[str, list[str]], through: str = "2025-W23") -> pd.DataFrame:
    """A few backtest rows: origins per series, horizons 1..2, the last target with an actual at ``through``."""
    records = []
    for k, (name, origins) in enumerate(series.items()):
        for origin in origins:
            for h in (1, 2):
                records.append({"series": name, "origin_week": origin, "target_week": through, "horizon": h,
                                "method": "trend", "actual": 1.0, "forecast": float(k),
                                "fit_first_week": "2025-W10", "fit_n_weeks": 4})
    return pd.DataFrame(records)


MASE = {"xiaomi_su7": {"trend": 1.94, "trend_log": 2.24, "naive": 1.30, "window_mean": 0.97, "calendar": 2.85},
        "xiaomi_all": {"trend": 1.84, "trend_log": 2.25, "naive": 1.14, "window_mean": 1.09, "calendar": 3.00}}
N = {"xiaomi_su7": 10, "xiaomi_all": 15}
SCALE = {"xiaomi_su7": 1255.0, "xiaomi_all": 1330.0}


@pytest.fixture(scope="module")
def toy_scores():
    scores = scores_table(MASE, N, SCALE)
    rows = rows_table({"xiaomi_su7": ["2025-W16", "2025-W17"], "xiaomi_all": ["2025-W16", "2025-W17", "2025-W18"]})
    return scores, rows, scores_figure(scores, rows)


# --------------------------------------------------------------------------- a. scores


def test_the_figure_draws_the_titles_clauses_and_verdicts_it_is_given(toy_scores, toy_sensitivity):
    scores, rows, _ = toy_scores
    fig = figures.backtest_scores_figure(scores, rows, titles={"en": "A title from elsewhere", "zh": "别处的标题"},
                                         heads={"en": {"xiaomi_su7": "x", "xiaomi_all": "A clause from elsewhere"},
                                                "zh": {}},
                                         verdicts={"en": {"xiaomi_su7": "A verdict from elsewhere."}, "zh": {}})
    assert title(fig) == "A title from elsewhere" and "A clause from elsewhere." in subtitle(fig)
    assert "A verdict from elsewhere." in subtitle(fig) and "against the naive forecast" not in subtitle(fig)
    fig = figures.window_sensitivity_figure(toy_sensitivity[0], titles={"en": "Another title", "zh": "另一个标题"},
                                            heads={"en": {}, "zh": {}})
    assert title(fig) == "Another title"


def test_the_other_series_and_each_verdict_are_in_the_subtitle(toy_scores):
    fig = toy_scores[2]
    assert ("No method forecasts Xiaomi (all models) better than the latest week's figure (test at 5%): "
            f"{N['xiaomi_all']} forecasts of {N['xiaomi_all'] // 2} target weeks.") in subtitle(fig)
    assert "SU7 against the naive forecast: the trend line: cannot tell (p = 0.30)" in subtitle(fig)
    assert "the window mean: cannot tell (p = 0.30)" in subtitle(fig)


def test_each_verdict_and_a_small_sample_are_in_the_subtitle():
    mase = {"xiaomi_su7": {"trend": 0.61, "naive": 1.25, "window_mean": 0.88}}
    verdicts = {("xiaomi_su7", "trend"): ("better", 0.0104), ("xiaomi_su7", "window_mean"): ("cannot tell", 0.2)}
    fig = scores_figure(scores_table(mase, {"xiaomi_su7": 6}, {"xiaomi_su7": 1000.0}, verdicts),
                        rows_table({"xiaomi_su7": ["2025-W18"]}))
    assert "the window mean: cannot tell (p = 0.20)" in subtitle(fig)
    assert "Small sample: n = 6 for SU7" in subtitle(fig)


def test_a_worse_verdict_is_in_the_subtitle():
    mase = {"xiaomi_su7": {"trend": 2.5, "naive": 1.25, "window_mean": 0.88}}
    verdicts = {("xiaomi_su7", "trend"): ("worse", 0.004)}
    fig = scores_figure(scores_table(mase, {"xiaomi_su7": 12}, {"xiaomi_su7": 1000.0}, verdicts),
                        rows_table({"xiaomi_su7": ["2025-W18"]}))
    assert "the trend line: worse (p = 0.004)" in subtitle(fig)


def test_backtests_sharing_forecasts_are_said_not_to_be_two_results():
    from helpers.models import backtest as bt_model
    from tests.builders import weekly_sales_from as sales_from

    common = {"2025-W10": 10, "2025-W11": 14, "2025-W12": 12, "2025-W13": 18, "2025-W14": 15}
    sales = pd.concat([sales_from(common, "xiaomi_su7"), sales_from({**common, "2025-W15": 30}, "xiaomi_all")],
                      ignore_index=True)
    rows = bt_model.backtest(sales, horizons=(1,))
    fig = scores_figure(bt_model.score_backtest(rows), rows)
    shared = int(bt_model.shared_forecasts(rows)["n_shared"].iloc[0])
    assert shared == 2  # W12 -> W13 and W13 -> W14
    assert (f"Xiaomi (all models) and SU7 share {shared} forecasts (the same weeks and figures): "
            "not two independent results.") in subtitle(fig)


def test_bars_are_the_scores_and_the_benchmarks_are_grey(toy_scores):
    scores, _, fig = toy_scores
    for series, by_method in MASE.items():
        for method, value in by_method.items():
            (bar,) = fig.findobj(lambda a, name=f"score:{series}:{method}": a.get_gid() == name)
            assert bar.get_width() == pytest.approx(value)
            grey = mpl.colors.to_hex(bar.get_facecolor()) == style.OKABE_ITO["grey"].lower()
            assert grey == (method in ("naive", "window_mean")), method
    lines = gid(fig, "mase_one:")
    assert len(lines) == 2 and all(list(line.get_xdata()) == [1.0, 1.0] for line in lines)
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: a.get_gid() == "score_value:xiaomi_su7:window_mean"))
    mae = MASE["xiaomi_su7"]["window_mean"] * SCALE["xiaomi_su7"]
    assert f"MAE {round(mae):,}" in texts and f"n = {N['xiaomi_su7']}" in texts and "in 95% PI 4/5" in texts


def test_scores_footer_gives_the_week_the_actuals_run_to(toy_scores):
    assert footer(toy_scores[2]).endswith("as of 2025-W23 · su7-slump")


# --------------------------------------------------------------------------- b. window sensitivity


def sensitivity_table(series: str, lengths: list[tuple[int, str, int, float, float, float]],
                      left_out: list[tuple[str, float, float, float]], last: str = "2025-W23") -> pd.DataFrame:
    """(window_weeks, first_week, n, slope, lo, hi) per length; (week, slope, lo, hi) per left-out week."""
    rows = [{"series": series, "model": "linear", "variant": "window_length", "window_weeks": w, "left_out_week": "",
             "first_week": first, "last_week": last, "n_weeks": n, "slope": b, "slope_ci95_low": lo,
             "slope_ci95_high": hi, "includes_zero": lo <= 0 <= hi, "small_sample": n < 8}
            for w, first, n, b, lo, hi in lengths]
    rows += [{"series": series, "model": "linear", "variant": "leave_one_out", "window_weeks": 12, "left_out_week": week,
              "first_week": "2025-W14", "last_week": last, "n_weeks": 7, "slope": b, "slope_ci95_low": lo,
              "slope_ci95_high": hi, "includes_zero": lo <= 0 <= hi, "small_sample": True}
             for week, b, lo, hi in left_out]
    return pd.DataFrame(rows)


LENGTHS = [(5, "2025-W19", 3, 40.0, -9000.0, 9100.0), (6, "2025-W18", 4, 34.0, -1800.0, 1900.0),
           (7, "2025-W17", 5, -107.0, -1067.0, 853.0), (8, "2025-W17", 5, -107.0, -1067.0, 853.0),
           (9, "2025-W15", 7, -128.0, -570.0, 313.0), (10, "2025-W14", 8, -33.0, -402.0, 336.0)]
LEFT_OUT = [("2025-W14", -128.0, -570.0, 313.0), ("2025-W16", 2.0, -405.0, 410.0), ("2025-W23", 170.0, -232.0, 572.0),
            ("2025-W22", -191.0, -526.0, -10.0)]


@pytest.fixture(scope="module")
def toy_sensitivity():
    table = sensitivity_table("xiaomi_su7", LENGTHS, LEFT_OUT)
    return table, sensitivity_figure(table)


def test_the_title_keeps_the_finding_and_the_counts_open_the_subtitle(toy_sensitivity):
    fig = toy_sensitivity[1]
    # the finding and the intervals in the title (at most 110 characters); the counts open the subtitle
    assert title(fig) == "The sign of the SU7 trend depends on the window; 8 of 9 95% intervals include zero"
    assert subtitle(fig).startswith("3 of 5 window lengths give a negative slope and 2 a positive one, 2 of 4 "
                                    "leave-one-out fits a negative and 2 a positive one.")


def test_zero_line_slopes_intervals_and_repeats(toy_sensitivity):
    table, fig = toy_sensitivity
    zero = gid(fig, "zero:xiaomi_su7")
    assert len(zero) == 2 and all(list(z.get_ydata()) == [0, 0] for z in zero)
    slopes = gid(fig, "length:xiaomi_su7_slope")
    assert [s.get_ydata()[0] for s in slopes] == [b for _, _, _, b, _, _ in LENGTHS]
    hollow = [s.get_markerfacecolor() == "white" for s in slopes]
    assert hollow == [False, False, False, True, False, False]  # length 8 repeats length 7's weeks
    left = gid(fig, "loo:xiaomi_su7_slope")
    by_week = sorted(LEFT_OUT)  # drawn in calendar order
    assert [s.get_ydata()[0] for s in left] == [b for _, b, _, _ in by_week]
    # the 3-week interval (±9,000) runs off the axis: clipped, marked at both ends
    ylim = fig.axes[0].get_ylim()
    assert ylim[1] < 9100 and len(gid(fig, "length:xiaomi_su7_clipped")) == 2
    colors = {mpl.colors.to_hex(s.get_markeredgecolor()) for s in slopes if s.get_ydata()[0] < 0}
    assert colors == {style.OKABE_ITO["vermillion"].lower()}


# --------------------------------------------------------------------------- live data, files, languages


@pytest.fixture(scope="module")
def live():
    return {"weekly_sales": read_clean("weekly_sales"), "scores": catalog.read("backtest.backtest_scores"),
            "rows": catalog.read("backtest.backtest"), "sensitivity": catalog.read("backtest.window_sensitivity")}


def live_figures(live, lang: str = "en"):
    return [scores_figure(live["scores"], live["rows"], live["weekly_sales"], lang=lang),
            sensitivity_figure(live["sensitivity"], live["weekly_sales"], lang=lang)]


def test_live_figures_draw_and_their_titles_follow_the_tables(live):
    scores_fig, sensitivity_fig = live_figures(live)
    su7 = live["scores"][live["scores"]["series"] == "xiaomi_su7"].set_index("method")
    better = su7[su7["vs_naive"] == "better"].sort_values("mase")
    if len(better):
        assert title(scores_fig).startswith(f"{NAMES[better.index[0]][0].upper()}{NAMES[better.index[0]][1:]} beats "
                                            "the naive forecast for SU7")
    else:
        assert title(scores_fig).startswith("No method forecasts SU7 better than")
    assert len(title(scores_fig)) <= 110 and "_" not in title(scores_fig)
    part = live["sensitivity"][live["sensitivity"]["series"] == "xiaomi_su7"]
    depends = (part["slope"] < 0).any() and (part["slope"] > 0).any()
    assert title(sensitivity_fig).startswith("The sign of the SU7 trend depends" if depends else "Every window gives")
    for fig in (scores_fig, sensitivity_fig):
        assert "as of 2025-W" in footer(fig)
        assert not [t for t in figure_texts(fig) if has_cjk(t)]


def test_saved_files_are_byte_identical(tmp_path, live):
    first = frame.save_figure(live_figures(live)[1], figures.STEMS["sensitivity"], tmp_path / "a")
    second = frame.save_figure(live_figures(live)[1], figures.STEMS["sensitivity"], tmp_path / "b")
    assert [p.name for p in first] == ["09_window_sensitivity.png", "09_window_sensitivity.svg"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_zh_draws_chinese_labels(toy_scores, toy_sensitivity):
    before = dict(mpl.rcParams)
    scores, rows, _ = toy_scores
    fig = scores_figure(scores, rows, lang="zh")
    assert "最近一周的数字" in title(fig) and "窗口均值" in subtitle(fig) and "无法区分" in subtitle(fig)
    fig = sensitivity_figure(toy_sensitivity[0], lang="zh")
    assert "取决于窗口" in title(fig)
    assert dict(mpl.rcParams) == before


def test_zh_with_the_bundled_font_has_every_glyph(live):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fig in live_figures(live, "zh"):
            frame.png_bytes(fig, dpi=50)
            assert has_cjk(title(fig))


def test_many_series_draw_at_most_max_panels_and_the_subtitle_counts_the_rest():
    """With more series than MAX_PANELS (the scale benchmark's 50): the headline first, the rest counted, not drawn."""
    from helpers.figures import backtest as figures_module
    from helpers.models import backtest as bt_model
    from helpers.models import window_sensitivity as ws_model
    from tests.builders import weekly_sales_from as sales_from

    names = ["xiaomi_su7"] + [f"s{i}" for i in range(7)]
    labels = [f"2025-W{w:02d}" for w in range(10, 26)]
    sales = pd.concat([sales_from({w: 1000 + 50 * ((i * 7 + k * 3) % 11) for k, w in enumerate(labels)}, name)
                       for i, name in enumerate(names)], ignore_index=True)
    rows = bt_model.backtest(sales)
    scores = bt_model.score_backtest(rows)
    sales["source_id"] = "synthetic"
    fig = scores_figure(scores, rows, sales)
    def titles(fig):
        return [" ".join(ax.get_title(loc=loc) for loc in ("left", "center", "right")).strip() for ax in fig.axes]

    panels = [t for t in titles(fig) if t]
    assert len(panels) == figures_module.MAX_PANELS and "SU7" in panels[0]
    assert f"{len(names) - figures_module.MAX_PANELS} more series are not drawn" in " ".join(
        t.get_text() for t in fig.texts).replace("\n", " ")
    sensitivity = ws_model.sensitivity_table(sales)
    fig = sensitivity_figure(sensitivity, sales)
    assert len([t for t in titles(fig) if t]) == 2 * figures_module.MAX_PANELS
    assert f"{len(names) - figures_module.MAX_PANELS} more series are not drawn" in " ".join(
        t.get_text() for t in fig.texts).replace("\n", " ")

"""The figures: what is drawn (not pixels), titles that state computed findings, determinism, languages.

Expected numbers are computed here independently of ``helpers.models.trend`` and
``helpers.figures.findings`` (numpy/scipy directly), then looked for in the figures.
"""

from __future__ import annotations

import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.chinese import has_cjk
from helpers.figures import findings, frame, style
from helpers.models import trend
from helpers.figures.frame import figure_texts
from helpers.narrative import figures as narrative
from tests.builders import weekly_sales_from


# --------------------------------------------------------------------------- the figures as notebook 06 draws them
# (the titles, and the orders figure's subtitle and bar words, worded by helpers.narrative.figures and passed in; their
# words are tested in tests/narrative/test_figures.py)


def weekly_sales_figure(sales, fits, forecasts, bands, events, **kw):
    return findings.weekly_sales_figure(sales, fits, forecasts, bands, events,
                                        titles=narrative.weekly_sales_titles(sales, fits), **kw)


def orders_figure(figures, **kw):
    return findings.orders_figure(figures, titles=narrative.orders_titles(figures),
                                  subtitles=narrative.orders_subtitles(figures), bars=narrative.orders_bars(figures),
                                  **kw)


def run_rate_figure(comparison, scenarios, backlog_paths, figures, weekly_sales, **kw):
    return findings.run_rate_figure(comparison, scenarios, backlog_paths, figures, weekly_sales,
                                    titles=narrative.run_rate_titles(scenarios, kw.get("clearance_ranges")), **kw)


def claims_figure(audit, figures, weekly_sales, **kw):
    return findings.claims_figure(audit, figures, weekly_sales, titles=narrative.claims_titles(audit), **kw)


def quality_figure(figures, **kw):
    return findings.quality_figure(figures, titles=narrative.quality_titles(figures), ranks=narrative.rank_words(figures),
                                   **kw)


def minus(text: str) -> str:
    return text.replace("-", "\N{MINUS SIGN}")


def fmt(x: float) -> str:
    """Whole number, thousands separators, real minus sign (computed here, not with the helpers)."""
    return minus(f"{int(np.floor(x + 0.5)):,}")


def weekly_tables(units_by_week: dict[str, float], horizon: int = 4):
    """Weekly sales, trend_fits, forecasts and bands tables as notebook 03 writes them, for a toy series."""
    sales = weekly_sales_from(units_by_week, series="xiaomi_su7")
    sales["source_id"] = "toy_source"
    sales["locator"] = 'para 3: "x"'
    fits = trend.fit_trends(sales, models=("linear",))
    return sales, trend.fits_table(fits), trend.forecasts_table(fits, horizon), trend.bands_table(fits, horizon)


EVENTS = pd.DataFrame({
    "event_id": ["old_event", "accident_anhui_expressway", "regulators_restrict_autonomous_wording", "undated_event"],
    "date": ["2024-Q4", "2025-03-29", "2025-04-16", ""],
    "date_precision": ["quarter", "day", "day", "unknown"],
    "date_start": ["2024-10-01", "2025-03-29", "2025-04-16", ""],
    "date_end": ["2024-12-31", "2025-03-29", "2025-04-16", ""],
    "event": ["old", "crash", "rules", "unknown"],
    "caption_en": ["", "fatal SU7 crash on NOA (Anhui)", "MIIT curbs 'smart driving' wording", ""],
    "caption_zh": ["", "安徽高速小米SU7致命事故(NOA)", "工信部规范“智驾”宣传用语", ""],
    "source_id": ["toy_source", "toy_source", "other_source", "toy_source"],
    "locator": ['para 27: "x"', 'para 11: "y"', 'page: "z"', 'para 27: "w"'],
})

ARTICLE_WEEKS = {"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}


def gid_artists(fig, prefix: str) -> list:
    return [a for a in fig.findobj(lambda a: str(a.get_gid() or "").startswith(prefix))]


def subtitle(fig) -> str:
    """The subtitle and the notes under the axes (sentences a subtitle has no room for), as one text."""
    parts = [t.get_text() for gid in ("subtitle", "notes") for t in fig.texts if t.get_gid() == gid]
    return " ".join(parts).replace("\n", " ").replace("Notes: ", "").replace("注:", "")


def footer(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == "source").replace("\n", " ")


def title(fig) -> str:
    return fig.get_suptitle().replace("\n", " ")


@pytest.fixture(scope="module")
def tables():
    return findings.read_figure_tables()


@pytest.fixture(scope="module")
def article_weekly():
    sales, fits, forecasts, bands = weekly_tables(ARTICLE_WEEKS)
    return sales, fits, forecasts, weekly_sales_figure(sales, fits, forecasts, bands, EVENTS)


# --------------------------------------------------------------------------- a. weekly sales


def test_weekly_draws_the_title_it_is_given_small_sample_and_sources(article_weekly):
    sales, fits, forecasts, fig = article_weekly
    assert title(fig) == narrative.weekly_sales_titles(sales, fits)["en"].replace("\n", " ")
    given = findings.weekly_sales_figure(sales, fits, forecasts, weekly_tables(ARTICLE_WEEKS)[3], EVENTS,
                                         titles={"en": "A title from elsewhere", "zh": "别处的标题"})
    assert title(given) == "A title from elsewhere"
    assert "Small sample: n = 4 weeks, 2 degrees of freedom" in subtitle(fig)
    assert "as of 2025-W19" in footer(fig)
    # sources by publisher (frame.sources_table, the project's sources.csv): the toy ids are not in it
    assert "toy_source" not in footer(fig) and "other_source" not in footer(fig)
    assert "Sources: 2 other sources" in footer(fig)


def test_weekly_draws_observed_trend_band_and_fan(article_weekly):
    sales, _, forecasts, fig = article_weekly
    ax = fig.axes[0]
    lines = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    assert {"observed", "trend", "forecast_mean"} <= set(lines)
    assert np.array_equal(lines["observed"].get_ydata(), sales["units"].to_numpy(dtype=float))
    collections = {c.get_gid() for c in ax.collections}
    assert {"trend_ci", "forecast_pi"} <= collections
    fan = next(c for c in ax.collections if c.get_gid() == "forecast_pi")
    fan_y = fan.get_paths()[0].vertices[:, 1]
    for high in forecasts["pi95_high"]:
        assert np.isclose(fan_y, high).any(), high
    # the confidence band at the fit's last week agrees with the forecast table's first ci95 (same formula)
    band_y = next(c for c in ax.collections if c.get_gid() == "trend_ci").get_paths()[0].vertices[:, 1]
    assert np.isclose(band_y, forecasts["ci95_high"].iloc[0]).any()
    # ... and at the window's middle it is the textbook OLS interval, computed here independently
    t_obs = np.arange(4.0)
    y = np.array(list(ARTICLE_WEEKS.values()), dtype=float)
    slope, intercept = np.polyfit(t_obs, y, 1)
    s = np.sqrt(((y - (intercept + slope * t_obs)) ** 2).sum() / 2)
    half = stats.t.ppf(0.975, 2) * s * np.sqrt(1 / 4 + (1.5 - 1.5) ** 2 / ((t_obs - 1.5) ** 2).sum())
    assert np.isclose(band_y, intercept + slope * 1.5 + half).any()
    assert "lower bound is below zero from 2025-W22" in subtitle(fig)


def test_weekly_events_are_markers_with_labels_in_date_order(article_weekly):
    fig = article_weekly[3]
    labels = gid_artists(fig, "event:")
    assert [a.get_gid() for a in labels] == ["event:accident_anhui_expressway", "event:regulators_restrict_autonomous_wording"]
    assert labels[0].get_text().startswith("29 Mar: ")
    assert len(gid_artists(fig, "event_line:")) == 2
    # the 2024-Q4 event is far before the axis and one event has no date: both named, not drawn
    assert "automatic" not in " ".join(a.get_text() for a in labels)
    assert "old event (2024-Q4)" in subtitle(fig) and "undated event (undated)" in subtitle(fig)


def test_missing_weeks_break_the_line():
    sales, fits, forecasts, bands = weekly_tables({"2025-W16": 7200, "2025-W17": 7000, "2025-W19": 5200, "2025-W20": 5000})
    fig = weekly_sales_figure(sales, fits, forecasts, bands, EVENTS.iloc[:0])
    observed = next(line for line in fig.axes[0].get_lines() if line.get_gid() == "observed")
    y = np.asarray(observed.get_ydata(), dtype=float)
    assert len(y) == 5 and np.isnan(y[2]) and not np.isnan(np.delete(y, 2)).any()
    assert "No figure for 2025-W18" in subtitle(fig)


def test_a_flat_series_is_called_no_clear_trend():
    sales, fits, forecasts, bands = weekly_tables({"2025-W16": 5000, "2025-W17": 7000, "2025-W18": 5000,
                                            "2025-W19": 7000, "2025-W20": 5000})
    fig = weekly_sales_figure(sales, fits, forecasts, bands, EVENTS.iloc[:0])
    assert "includes zero" in subtitle(fig)


# --------------------------------------------------------------------------- b. orders


def test_orders_compare_totals_and_per_week(tables):
    rows = tables["figures"].set_index("figure_id")
    march, may = rows.loc["orders_mar_week2"], rows.loc["orders_may_weeks1_2"]
    per_week = may["value_mid"] / may["period_weeks"]
    fig = orders_figure(tables["figures"])
    total_ax, week_ax = fig.axes
    heights = lambda ax: [p.get_height() for p in ax.patches]  # noqa: E731
    assert heights(total_ax) == [march["value_mid"], may["value_mid"]]
    assert heights(week_ax) == [march["value_mid"] / march["period_weeks"], per_week]
    week_fall = round(100 * (1 - per_week / march["value_mid"]))
    total_fall = round(100 * (1 - may["value_mid"] / march["value_mid"]))
    assert (week_fall, total_fall) == (71, 41)
    assert f"{total_fall}%" in subtitle(fig)
    # the 41% is computed from the two printed totals; the article itself says only 大幅减少 (the subtitle's first words)
    assert subtitle(fig).startswith(f"The printed totals side by side (23,000 vs 13,500) give {total_fall}%, computed "
                                    "here: the article gives no percentage, only “fell sharply”.")
    changes = [a.get_text() for a in gid_artists(fig, "change") if a.get_gid() == "change"]
    assert changes == [f"−{total_fall}%", f"−{week_fall}%"]
    assert "the article (para 7)" in footer(fig)


def test_orders_draw_the_subtitle_and_bar_words_they_are_given(tables):
    fig = findings.orders_figure(tables["figures"], titles={"en": "A title", "zh": "标题"},
                                 subtitles={"en": "A subtitle from elsewhere.", "zh": "别处的副标题。"},
                                 bars={"en": ["first bar", "second bar"], "zh": ["甲", "乙"]})
    assert subtitle(fig) == "A subtitle from elsewhere."
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["first bar", "second bar"]


# --------------------------------------------------------------------------- c. run rate


def test_run_rate_shows_ranges_and_one_backlog_path_per_supply_basis(tables):
    from helpers.models.run_rate import DEFAULT_READING

    fig = run_rate_figure(tables["comparison"], tables["scenarios"], tables["backlog_paths"], tables["figures"],
                                   tables["weekly_sales"])
    sc = tables["scenarios"]
    sc = sc[sc["reading"] == DEFAULT_READING] if "reading" in sc.columns else sc  # the figure draws one reading
    rates, backlog = fig.axes
    assert len(rates.patches) == 5
    sales = sc[sc["supply_basis"] == "sales_run_rate"].set_index("scenario")["supply_per_week"]
    ranges = [c for c in rates.containers if isinstance(c, mpl.container.ErrorbarContainer)]
    assert len(ranges) == 2  # sales run-rate and firm orders vary by scenario; capacities are single figures
    segments = np.concatenate([seg for c in ranges for seg in c.lines[2][0].get_segments()])
    assert np.isclose(segments[:, 0], sales.min()).any() and np.isclose(segments[:, 0], sales.max()).any()
    lines = sorted(line.get_gid() for line in backlog.get_lines())
    assert lines == ["backlog:actual_capacity", "backlog:design_capacity", "backlog:sales_run_rate"]
    assert len([c for c in backlog.collections if str(c.get_gid()).startswith("backlog_band:")]) == 3
    mid = sc[sc["scenario"] == "mid"].set_index("supply_basis")
    assert f"clears in {fmt(mid.loc['sales_run_rate', 'weeks_to_clear'])} weeks" in subtitle(fig)


# --------------------------------------------------------------------------- d. claims audit


def test_claims_one_mark_per_claim_coloured_by_verdict(tables):
    audit = tables["claims_audit"]
    fig = claims_figure(audit, tables["figures"], tables["weekly_sales"])
    ax = fig.axes[0]
    counts = audit["verdict"].value_counts()
    marks = {c.get_gid(): c for c in ax.collections if str(c.get_gid()).startswith("verdict:")}
    assert sum(len(c.get_offsets()) for c in marks.values()) == len(audit)
    for verdict in ("consistent", "inconsistent", "unverifiable"):
        collection = marks[f"verdict:{verdict}"]
        assert len(collection.get_offsets()) == counts.get(verdict, 0)
        assert np.allclose(collection.get_facecolor()[0], mpl.colors.to_rgba(style.COLORS[verdict]))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"{v} ({counts.get(v, 0)})" for v in ("consistent", "inconsistent", "unverifiable")]
    # claims by the names in labels.toml, never their ids
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        style.label(f"claim_{c}", "en") if f"claim_{c}" in style.LABELS["en"] else c.replace("_", " ")
        for c in audit["claim_id"]]
    given = findings.claims_figure(audit, tables["figures"], tables["weekly_sales"],
                                   titles={"en": "A title from elsewhere", "zh": "别处的标题"})
    assert title(given) == "A title from elsewhere"


# --------------------------------------------------------------------------- e. quality rankings


def test_quality_has_two_panels_each_with_its_list_and_rank(tables):
    rows = tables["figures"].set_index("figure_id")
    fig = quality_figure(tables["figures"])
    left, right = fig.axes
    assert [p.get_height() for p in left.patches] == [rows.loc["quality_cqn_q1_score", "value_mid"]]
    assert [p.get_height() for p in right.patches] == [rows.loc["quality_czw_q1_score", "value_mid"]]
    assert left.get_title(loc="left").startswith("China Auto Quality Net") and right.get_title(loc="left").startswith("Chezhiwang")
    ranks = {a.get_gid(): a.get_text() for a in gid_artists(fig, "rank:")}
    assert ranks == {"rank:cqn": "rank: last", "rank:czw": "rank: 2nd"}
    given = findings.quality_figure(tables["figures"], titles={"en": "A title from elsewhere", "zh": "别处的标题"},
                                    ranks={"en": {"cqn": "A", "czw": "B"}, "zh": {"cqn": "甲", "czw": "乙"}})
    assert title(given) == "A title from elsewhere"
    assert {a.get_gid(): a.get_text() for a in gid_artists(given, "rank:")} == {"rank:cqn": "rank: A", "rank:czw": "rank: B"}
    assert left.get_ylim() != right.get_ylim()  # own scale each


# --------------------------------------------------------------------------- output


def test_saved_files_are_byte_identical_and_carry_no_dates(tmp_path, tables):
    def build():
        return run_rate_figure(tables["comparison"], tables["scenarios"], tables["backlog_paths"],
                                       tables["figures"], tables["weekly_sales"])

    first = frame.save_figure(build(), "rr", tmp_path / "a")
    second = frame.save_figure(build(), "rr", tmp_path / "b")
    assert [p.name for p in first] == ["rr.png", "rr.svg"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    png = first[0].read_bytes()
    assert b"Software" not in png and b"Creation Time" not in png
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["rr.png", "rr.svg"]  # no temporary files left


def test_inline_images_are_repeatable_and_small(article_weekly):
    fig = article_weekly[3]
    a, b = frame.inline_png_bytes(fig), frame.inline_png_bytes(fig)
    assert a == b and len(a) < len(frame.png_bytes(fig, dpi=style.INLINE_DPI))


def test_figures_leave_no_style_and_no_pyplot_figure_behind(tables):
    import matplotlib.pyplot as plt

    before = dict(mpl.rcParams)
    quality_figure(tables["figures"])
    after = dict(mpl.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()
    assert plt.get_fignums() == []


def test_english_figures_hold_no_chinese_character(tables, article_weekly):
    built = [
        article_weekly[3],
        orders_figure(tables["figures"]),
        run_rate_figure(tables["comparison"], tables["scenarios"], tables["backlog_paths"], tables["figures"],
                                tables["weekly_sales"]),
        claims_figure(tables["claims_audit"], tables["figures"], tables["weekly_sales"]),
        quality_figure(tables["figures"]),
    ]
    for fig in built:
        chinese = [t for t in figure_texts(fig) if has_cjk(t)]
        assert chinese == [], chinese


# --------------------------------------------------------------------------- languages


def test_zh_when_the_bundled_font_fails_to_load_warns_and_draws_english(monkeypatch, tables):
    """A broken install (the font file gone): English with a warning that names the rebuild script."""
    from matplotlib import font_manager

    from helpers.figures import cjk_font

    monkeypatch.setitem(cjk_font.FILES, "regular", "no-such-font.otf")
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [e for e in font_manager.fontManager.ttflist
                                                              if "su7" not in e.fname])
    with pytest.warns(UserWarning, match=r"lang='zh' needs a CJK font: the bundled one .* scripts/build_cjk_font\.py\)"
                                         r" could not be loaded \(.*no-such-font\.otf"):
        fig = quality_figure(tables["figures"], lang="zh")
    assert not any(has_cjk(t) for t in figure_texts(fig))
    assert title(fig) == title(quality_figure(tables["figures"], lang="en"))
    assert fig._su7_lang == "en"


def test_zh_draws_chinese_labels(tables):
    before = dict(mpl.rcParams)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert style.resolve_language("zh") == "zh"
    fig = quality_figure(tables["figures"], lang="zh")
    assert title(fig) == narrative.quality_titles(tables["figures"])["zh"]
    assert fig.axes[0].get_title(loc="left").startswith("中国汽车质量网")
    assert dict(mpl.rcParams) == before  # the theme did not leak


def test_zh_with_the_bundled_font_has_every_glyph(tables):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = quality_figure(tables["figures"], lang="zh")
        frame.png_bytes(fig, dpi=50)
    assert has_cjk(title(fig))


def test_resolve_language_rejects_unknown_codes():
    with pytest.raises(ValueError, match="lang must be 'en' or 'zh'"):
        style.resolve_language("de")
    assert style.resolve_language("en-GB") == "en"


def test_importing_the_helpers_changes_no_matplotlib_setting():
    import subprocess
    import sys

    code = (
        "import matplotlib as mpl; before = dict(mpl.rcParams)\n"
        "import helpers.figures.style, helpers.figures.findings, helpers.figures.what_happened\n"
        "changed = sorted(k for k, v in mpl.rcParams.items() if before[k] != v)\n"
        "print(changed)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

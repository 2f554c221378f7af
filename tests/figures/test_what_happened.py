"""Notebook 07's figures: what is drawn (not pixels), the titles they are given (worded by
helpers.narrative.what_happened, whose tests check the words), gaps kept, determinism.

Expected numbers are worked out here from the tables with numpy/scipy, not
with ``helpers.models.what_happened`` or ``helpers.models.trend``, then looked for in the figures.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.chinese import has_cjk
from helpers.data import weeks
from helpers.figures import frame, style, what_happened
from helpers.models import what_happened as model
from helpers.data.clean import ARTICLE_SOURCE_ID, read_clean, weekly_sales_table, with_brand_series
from helpers.figures.frame import figure_texts, save_figure
from helpers.narrative import what_happened as narrative

ARTICLE = {"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}

EVENTS = pd.DataFrame({
    "event_id": ["accident_anhui_expressway", "regulators_restrict_autonomous_wording", "yu7_launch", "yu7_deliveries_begin"],
    "date": ["2025-03-29", "2025-04-16", "2025-06-26", "2025-07-06"],
    "date_precision": ["day"] * 4,
    "date_start": ["2025-03-29", "2025-04-16", "2025-06-26", "2025-07-06"],
    "date_end": ["2025-03-29", "2025-04-16", "2025-06-26", "2025-07-06"],
    "event": ["crash", "rules", "launch", "deliveries"],
    "caption_en": ["fatal SU7 crash on NOA (Anhui)", "MIIT curbs 'smart driving' wording", "Xiaomi YU7 launch",
                   "first YU7 deliveries"],
    "caption_zh": ["安徽高速小米SU7致命事故(NOA)", "工信部规范“智驾”宣传用语", "小米YU7上市", "YU7开始交付"],
    "source_id": ["article_ggyjs_2025", "rules_page", "launch_page", "delivery_page"],
    "locator": ['para 11: "x"', 'page: "y"', 'page: "z"', 'page: "w"'],
})


def minus(text: str) -> str:
    return text.replace("-", "\N{MINUS SIGN}")


def fmt(x: float) -> str:
    """Whole number, thousands separators, real minus sign, halves up (computed here, not with the helpers)."""
    return minus(f"{int(math.floor(x + 0.5)):,}")


def toy_weekly(su7: dict[str, float], brand: dict[str, float] | None = None) -> pd.DataFrame:
    """Weekly sales as step 02 writes them: SU7 weeks, brand weeks, the brand series derived before 2025-W27."""
    rows = [(w, "xiaomi_su7", u) for w, u in su7.items()] + [(w, "xiaomi_all", u) for w, u in (brand or {}).items()]
    pairs = [weeks.parse_week_label(w) for w, _, _ in rows]
    raw = pd.DataFrame({
        "iso_year": [y for y, _ in pairs], "iso_week": [w for _, w in pairs],
        "series": [s for _, s, _ in rows], "units": [u for _, _, u in rows],
        "source_id": [ARTICLE_SOURCE_ID if w in ARTICLE else f"page_{w[-3:]}" for w, _, _ in rows],
        "locator": ['para 3: "x"' if w in ARTICLE else 'page: "y"' for w, _, _ in rows],
    })
    return weekly_sales_table(with_brand_series(raw, (2025, 27)))


def toy_figures(actual: float = 10000, design: float = 150000, april: float = 28585) -> pd.DataFrame:
    return pd.DataFrame({
        "figure_id": ["capacity_actual_monthly", "capacity_design_annual", "sales_apr_2025"],
        "subject": ["xiaomi_yizhuang_factory", "xiaomi_yizhuang_factory", "xiaomi_su7"],
        "period": ["", "", "2025-04"],
        "as_printed": ["约1万辆", "15万辆", "28,585辆"],
        "qualifier_meaning": ["only about", "exact", "exact"],
        "value_mid": [actual, design, april],
        "per_week_mid": [actual / (365.25 / 12 / 7), design / (365.25 / 7), april / (30 / 7)],
        "source_id": ["article_ggyjs_2025"] * 3,
        "locator": ['para 29: "a"', 'para 29: "b"', 'para 13: "c"'],
    })


def toy_monthly(rows: list[tuple[int, int, str, str, str]], series: str = "xiaomi_all") -> pd.DataFrame:
    """(month, units, bound, measure, source_id) rows, 2025."""
    return pd.DataFrame({
        "year": [2025] * len(rows), "month": [r[0] for r in rows], "series": [series] * len(rows),
        "measure": [r[3] for r in rows], "units": [r[1] for r in rows], "bound": [r[2] for r in rows],
        "source_id": [r[4] for r in rows], "locator": ['page: "m"'] * len(rows),
    })


def weekly_figure(sales, events, lang: str = "en", **kw):
    """The later-weekly figure with the title the narrative words (what notebook 07 passes)."""
    return what_happened.later_weekly_figure(sales, events, lang, titles=narrative.later_weekly_titles(sales, events), **kw)


def monthly_figure(monthly, figures, lang: str = "en", events=None, reconciliation=None):
    """The monthly figure with the title and capacity words the narrative words (what notebook 07 passes)."""
    return what_happened.monthly_deliveries_figure(
        monthly, figures, lang, events=events, reconciliation=reconciliation,
        titles=narrative.monthly_titles(monthly, figures, events=events, reconciliation=reconciliation),
        capacity=narrative.capacity_words(figures))


def vintage_figure(scored, weekly_sales, lang: str = "en"):
    """The vintage figure with the title the narrative words (what notebook 07 passes)."""
    return what_happened.vintage_scorecard_figure(scored, weekly_sales, lang,
                                                  titles=narrative.vintage_titles(scored, weekly_sales))


GIVEN = {"en": "A title from elsewhere", "zh": "别处的标题"}


def gid(fig, prefix: str) -> list:
    return [a for a in fig.findobj(lambda a: str(a.get_gid() or "").startswith(prefix))]


def one(fig, name: str):
    found = [a for a in fig.findobj(lambda a: a.get_gid() == name)]
    assert len(found) == 1, (name, len(found))
    return found[0]


def title(fig) -> str:
    return fig.get_suptitle().replace("\n", " ")


def statement(fig) -> str:
    """The whole finding: the title and the clauses that moved to the subtitle (at most 110 characters shown)."""
    return frame.figure_statement(fig)


def subtitle(fig) -> str:
    """The subtitle and the notes under the axes (sentences a subtitle has no room for), as one text."""
    parts = [t.get_text() for gid in ("subtitle", "notes") for t in fig.texts if t.get_gid() == gid]
    return " ".join(parts).replace("\n", " ").replace("Notes: ", "").replace("注:", "")


def footer(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == "source").replace("\n", " ")


FROZEN = Path(__file__).resolve().parents[1] / "fixtures" / "clean_2025_w39"
CLEAN_TABLES = ("weekly_sales", "monthly_deliveries", "figures", "events")


def tables_with_scorecard(folder: Path | None) -> dict:
    tables = {name: read_clean(name, folder) for name in CLEAN_TABLES}
    tables["scored"] = model.article_vintage_scorecard(tables["weekly_sales"], through_week="2025-W19", window_weeks=4)
    return tables


@pytest.fixture(scope="module")
def real():
    """The clean tables frozen when the newest week was 2025-W39 (``tests/fixtures``): exact titles hold forever."""
    return tables_with_scorecard(FROZEN)


@pytest.fixture(scope="module")
def live():
    """The project's own clean tables as they are today (whatever weeks have been appended)."""
    return tables_with_scorecard(None)


@pytest.fixture(scope="module")
def toy_week_fig():
    sales = toy_weekly({**ARTICLE, "2025-W22": 7800, "2025-W23": 4370},
                       {"2025-W27": 4900, "2025-W28": 6680, "2025-W35": 11900, "2025-W37": 9800})
    return sales, weekly_figure(sales, EVENTS)


# --------------------------------------------------------------------------- a. weekly


def test_weekly_missing_weeks_are_gaps_never_bridged(toy_week_fig):
    sales, fig = toy_week_fig
    every = weeks.week_range((2025, 16), (2025, 37))
    su7 = np.asarray(one(fig, "weekly:xiaomi_su7").get_ydata(), dtype=float)
    brand = np.asarray(one(fig, "weekly:xiaomi_all").get_ydata(), dtype=float)
    assert len(su7) == len(brand) == len(every) == 22
    have_su7 = {(2025, w) for w in (16, 17, 18, 19, 22, 23)}
    for i, w in enumerate(every):
        assert np.isnan(su7[i]) == (w not in have_su7), w
    # NaN between W19 and W22, W23 and W27, W28 and W35, W35 and W37: no line crosses a week without a figure
    assert np.isnan(brand[every.index((2025, 20))]) and np.isnan(brand[every.index((2025, 36))])
    assert np.nansum(brand) == sales.loc[sales["series"] == "xiaomi_all", "units"].sum()


def test_weekly_derived_brand_weeks_are_hollow_and_said_so(toy_week_fig):
    sales, fig = toy_week_fig
    hollow = one(fig, "weekly_derived:xiaomi_all")
    assert hollow.get_markerfacecolor() == "none"
    derived = sales[(sales["series"] == "xiaomi_all") & (sales["derivation"] != "")]
    assert np.nansum(np.asarray(hollow.get_ydata(), dtype=float)) == derived["units"].sum()
    own = np.asarray(one(fig, "weekly_points:xiaomi_all").get_ydata(), dtype=float)
    assert sorted(own[~np.isnan(own)].tolist()) == [4900, 6680, 9800, 11900]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "all models before 2025-W27 = SU7 (derived, hollow)" in legend
    assert "the article's 4 weeks (2025-W16–W19)" in legend


def test_weekly_title_is_the_one_given_its_later_clauses_open_the_subtitle(toy_week_fig):
    sales, fig = toy_week_fig
    assert title(fig) == ("After the 2025-W16–W19 fall, SU7 sales rebounded to 7,800 in 2025-W22 but dropped to 4,370 "
                          "in 2025-W23")
    assert subtitle(fig).startswith("That rests on n = 1 week (26 May–1 Jun, across the end of May 2025); with the YU7, "
                                    "Xiaomi reached 11,900 in 2025-W35.")
    assert title(what_happened.later_weekly_figure(sales, EVENTS, titles=GIVEN)) == GIVEN["en"]
    assert "as of 2025-W37" in footer(fig)
    assert "the article (para 3, 11)" in footer(fig) and "article_ggyjs_2025" not in footer(fig)
    assert "10 of the 22 weeks 2025-W16–W37 have a figure; 12 are missing" in subtitle(fig)
    assert "2025-W20–W21, 2025-W24–W26, 2025-W29–W34, 2025-W36" in subtitle(fig)
    assert "n = 2 for SU7, 6 for Xiaomi (all models), a small, uneven sample" in subtitle(fig)


def test_weekly_events_and_the_article_weeks(toy_week_fig):
    fig = toy_week_fig[1]
    labels = gid(fig, "event:")
    assert [a.get_gid() for a in labels] == ["event:accident_anhui_expressway", "event:yu7_launch", "event:yu7_deliveries_begin"]
    assert [a.get_text() for a in labels] == ["29 Mar: fatal SU7 crash on NOA (Anhui)", "26 Jun: Xiaomi YU7 launch",
                                              "6 Jul: first YU7 deliveries"]
    lines = gid(fig, "event_line:")
    days = [mpl.dates.num2date(line.get_xdata()[0]).date().isoformat() for line in lines]
    assert days == ["2025-03-29", "2025-06-26", "2025-07-06"]
    # the two June/July labels are ten days apart: they go in different rows
    launch, deliveries = labels[1], labels[2]
    assert launch.xyann[1] != deliveries.xyann[1]
    span = one(fig, "article_weeks")
    x0, x1 = sorted(set(span.get_patch_transform().transform(span.get_path().vertices)[:, 0].round(6)))
    assert mpl.dates.num2date(x0).date().isoformat() == "2025-04-14"  # Monday of W16
    assert mpl.dates.num2date(x1).date().isoformat() == "2025-05-12"  # Monday after W19
    ax = fig.axes[0]
    assert ax.get_xlim()[0] < mpl.dates.date2num(pd.Timestamp("2025-03-29")) < ax.get_xlim()[1]


def test_weekly_figure_on_the_real_data(real):
    fig = weekly_figure(real["weekly_sales"], real["events"])
    ws = real["weekly_sales"]
    su7 = ws[ws["series"] == "xiaomi_su7"].sort_values("week")
    after = su7[su7["week"] > "2025-W19"].iloc[0]
    brand = ws[(ws["series"] == "xiaomi_all") & (ws["week"] >= "2025-W27")]
    peak = brand.sort_values(["units", "week"], ascending=[False, True]).iloc[0]
    assert after["week"] in statement(fig) and fmt(after["units"]) in statement(fig)
    assert f"Xiaomi reached {fmt(peak['units'])} in {peak['week']}" in statement(fig)
    assert len(title(fig)) <= 110
    assert f"as of {ws['week'].max()}" in footer(fig)
    for source in set(ws["source_id"]):  # sources by publisher, never by id
        assert source not in footer(fig)


# --------------------------------------------------------------------------- b. monthly


MONTHLY = toy_monthly([
    (1, 20000, "lower", "deliveries", "a"), (1, 22900, "exact", "deliveries", "b"), (1, 22897, "exact", "retail_sales", "c"),
    (4, 28000, "lower", "deliveries", "a"), (4, 28000, "exact", "deliveries", "d"),
    (5, 28000, "lower", "deliveries", "e"),
])


def test_monthly_one_marker_per_figure_lower_bounds_as_upward_triangles():
    fig = monthly_figure(MONTHLY, toy_figures())
    marks = gid(fig, "month:")
    assert len(marks) == len(MONTHLY)
    for mark in marks:
        _, month, bound, source = mark.get_gid().split(":")
        assert mark.get_marker() == {"exact": "o", "lower": "^"}[bound]
        row = MONTHLY[(MONTHLY["month"] == int(month[5:])) & (MONTHLY["source_id"] == source) & (MONTHLY["bound"] == bound)]
        assert mark.get_ydata()[0] in row["units"].tolist()
    assert len(gid(fig, "at_least:")) == (MONTHLY["bound"] == "lower").sum()
    # months without a figure are said to be missing, and get no marker
    assert "No figure for Feb 2025, Mar 2025." in subtitle(fig)
    # each month's lowest reading is a bar, not a number printed over the markers
    readings = {a.get_gid(): a.get_ydata()[0] for a in gid(fig, "reading:")}
    assert readings == {"reading:2025-01": 22897, "reading:2025-04": 28000, "reading:2025-05": 28000}


def test_monthly_reference_lines_and_the_article_month():
    fig = monthly_figure(MONTHLY, toy_figures())
    assert one(fig, "capacity_actual").get_ydata()[0] == 10000
    assert one(fig, "capacity_design").get_ydata()[0] == 12500
    star = one(fig, "article_month")
    assert star.get_marker() == "*" and star.get_ydata()[0] == 28585
    assert 2.5 < star.get_xdata()[0] < 3.5  # in April's slot (Jan = 0)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "article: “actual capacity” only about 10,000 a month" in legend
    assert "article: design capacity 150,000 a year = 12,500 a month" in legend
    assert "article: Apr 2025, 28,585 (SU7)" in legend
    assert "deliveries: at least (lower bound)" in legend and "retail sales (CPCA etc.): exact" in legend
    assert "as of May 2025" in footer(fig)


def test_monthly_figures_the_quarterly_totals_rule_out_are_crossed_out_not_evidence():
    reconciliation = pd.DataFrame({"year": [2025], "quarter": [2], "month": [5], "source_id": ["e"], "units": [28000.0],
                                   "fits_official_total": ["false"]})
    fig = monthly_figure(MONTHLY, toy_figures(), reconciliation=reconciliation)
    assert [a.get_gid() for a in gid(fig, "ruled_out:")] == ["ruled_out:2025-05:e"]
    assert not any(a.get_gid().startswith("month:2025-05") for a in gid(fig, "month:"))
    # May has no other figure: no reading, and the multiples stop at April
    assert "reading:2025-05" not in {a.get_gid() for a in gid(fig, "reading:")}
    assert "1 figure that Xiaomi's quarterly totals rule out is drawn as a grey cross, not as evidence." in subtitle(fig)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "ruled out by the quarterly total" in legend


def test_monthly_yu7_line_and_single_model_figures(real):
    fig = monthly_figure(real["monthly_deliveries"], real["figures"], events=real["events"])
    line = one(fig, "event_line:yu7_deliveries_begin")
    assert 5.5 < line.get_xdata()[0] < 6.5  # inside July's slot, Jan 2025 = 0
    assert "From Jul 2025 the brand total includes the YU7 (first deliveries 6 Jul)" in subtitle(fig)
    md = real["monthly_deliveries"]
    brand = md[md["series"] == "xiaomi_all"]
    # figures for one model alone are not drawn (the markers are brand totals); the notes say how many
    assert len(gid(fig, "month:")) == len(brand)
    k = len(md) - len(brand)
    assert (f"{k} figures for one model alone are not drawn" if k != 1
            else "1 figure for one model alone is not drawn") in subtitle(fig)
    lowest = []
    for _, group in brand.groupby("month_label"):
        exact = group.loc[group["bound"] == "exact", "units"]
        lowest.append((exact.min() if len(exact) else group.loc[group["bound"] == "lower", "units"].max()) / (group["days"].iloc[0] / 7))
    ratio = min(lowest) / real["figures"].set_index("figure_id").loc["capacity_actual_monthly", "per_week_mid"]
    assert f"ran at {ratio:.1f}× to " in title(fig)
    for source in set(md["source_id"]):  # by publisher, never by id
        assert source not in footer(fig)


# --------------------------------------------------------------------------- c. the vintage scorecard


def pi95(units: list[float], t_new: float) -> tuple[float, float, float]:
    """OLS on t = 0..n-1 and the 95% prediction interval at t_new, with numpy and scipy only."""
    y = np.asarray(units, dtype=float)
    t = np.arange(len(y), dtype=float)
    slope, intercept = np.polyfit(t, y, 1)
    resid = y - (intercept + slope * t)
    s = math.sqrt(resid @ resid / (len(y) - 2))
    half = stats.t.ppf(0.975, len(y) - 2) * s * math.sqrt(1 + 1 / len(y) + (t_new - t.mean()) ** 2 / ((t - t.mean()) ** 2).sum())
    mean = intercept + slope * t_new
    return mean, mean - half, mean + half


def test_vintage_subtitle_and_footer(real):
    fig = vintage_figure(real["scored"], real["weekly_sales"])
    assert subtitle(fig).startswith("It held 2025-W23 (4,370).")  # the title's last clause
    assert "Small sample: 2 degrees of freedom" in subtitle(fig)
    assert "2025-W20–W21: no figure, not scored." in subtitle(fig)
    assert "below zero from 2025-W22" in subtitle(fig)
    assert "as of 2025-W23" in footer(fig)
    assert "thefutureautomobile_2025_06_05_w22" not in footer(fig) and "the article (para 3)" in footer(fig)


def test_vintage_draws_the_fan_the_fit_and_the_scored_weeks(real):
    scored = real["scored"]
    fig = vintage_figure(scored, real["weekly_sales"])
    fan = one(fig, "forecast_pi").get_paths()[0].vertices[:, 1]
    for high in scored["pi95_high"]:
        assert np.isclose(fan, high).any(), high
    assert fan.min() >= 0  # clipped at zero, said so in the subtitle
    fit = np.asarray(one(fig, "fit_weeks").get_ydata(), dtype=float)
    assert fit.tolist() == list(ARTICLE.values())
    earlier = np.asarray(one(fig, "earlier_weeks").get_ydata(), dtype=float)
    assert earlier.tolist() == [5100, 6287]  # W14, W15: drawn hollow, not in the fit
    assert one(fig, "later:outside").get_ydata().tolist() == [7800]
    assert one(fig, "later:inside").get_ydata().tolist() == [4370]
    assert sorted(a.get_gid() for a in gid(fig, "no_figure:")) == ["no_figure:2025-W20", "no_figure:2025-W21"]
    mean = np.asarray(one(fig, "forecast_mean").get_ydata(), dtype=float)
    assert np.allclose(mean[1:], scored["mean"])


def test_vintage_counts_each_week_and_model_once(real):
    scored = real["scored"]  # one fit: W22 outside, W23 inside, W20-W21 without a figure
    doubled = pd.concat([scored, scored], ignore_index=True)
    card = model.scorecard_summary(doubled)
    assert (card["n_forecast"], card["n_scored"], card["n_outside"], card["n_inside"]) == (4, 2, 1, 1)
    two_models = pd.concat([scored, scored.assign(model="log")], ignore_index=True)
    with pytest.raises(ValueError, match="one fit; this one holds 2"):
        model.scorecard_summary(two_models)  # W22 is one week, not two scores


def test_vintage_refuses_a_scorecard_from_other_data(real):
    other = toy_weekly({**ARTICLE, "2025-W15": 6000, "2025-W22": 5000})
    with pytest.raises(ValueError, match="does not match the weekly sales"):
        what_happened.vintage_scorecard_figure(model.article_vintage_scorecard(other, window_weeks=4), toy_weekly(
            {"2025-W16": 7200, "2025-W18": 5700, "2025-W19": 5200, "2025-W22": 5000}), titles=GIVEN)


# --------------------------------------------------------------------------- all three


def build_all(real, lang: str = "en") -> list:
    return [
        weekly_figure(real["weekly_sales"], real["events"], lang),
        monthly_figure(real["monthly_deliveries"], real["figures"], lang, events=real["events"]),
        vintage_figure(real["scored"], real["weekly_sales"], lang),
    ]


def test_saved_files_are_byte_identical(tmp_path, real):
    for i, (a, b) in enumerate(zip(build_all(real), build_all(real))):
        first, second = save_figure(a, f"f{i}", tmp_path / "a"), save_figure(b, f"f{i}", tmp_path / "b")
        for x, y in zip(first, second):
            assert x.read_bytes() == y.read_bytes(), x.name


def test_english_figures_hold_no_chinese_and_leave_no_state(live):
    import matplotlib.pyplot as plt

    before = dict(mpl.rcParams)
    built = build_all(live)
    assert {k for k in before if before[k] != mpl.rcParams[k]} == set()
    assert plt.get_fignums() == []
    for fig in built:
        assert [t for t in figure_texts(fig) if has_cjk(t)] == []
        assert fig.axes[0].get_ylabel() and fig.axes[0].get_ylim()[0] == 0  # a unit on the axis, counts from zero


def test_zh_when_the_bundled_font_fails_to_load_warns_and_draws_english(monkeypatch, real):
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="lang='zh' needs a CJK font"):
        fig = vintage_figure(real["scored"], real["weekly_sales"], "zh")
    assert not any(has_cjk(t) for t in figure_texts(fig))


def test_zh_draws_chinese_titles_with_every_glyph(real):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        built = build_all(real, "zh")
        for fig in built:
            frame.png_bytes(fig, dpi=50)
    weekly, monthly, vintage = (statement(fig) for fig in built)
    assert "2025-W22反弹至7,800辆,但2025-W23又降至4,370辆" in weekly and "11,900" in weekly
    assert "“实际月产能”(约1万辆)的2.2至" in monthly
    assert "未能覆盖2025-W22(7,800对 ≤ 6,146)" in vintage
    assert all(fig.axes[0].get_legend() is not None for fig in built)

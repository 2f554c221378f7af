"""Notebook 08's figures: titles computed from the tables, gaps kept, calendar weeks marked, determinism, languages.

Expected numbers are worked out here from the hand-built inputs (plain arithmetic and numpy), never
copied from a figure, then looked for in it.
"""

from __future__ import annotations

import math
import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from helpers.chinese import has_cjk
from helpers import catalog
from helpers.data import weeks
from helpers.data.clean import read_clean
from helpers.data.ingest import read_ingested
from helpers.figures import frame, market, style
from helpers.figures.frame import figure_texts
from helpers.formatting import number
from helpers.models import market_share
from helpers.models.calendar_specifications import specifications_summary
from helpers.narrative import market as market_narrative

MINUS = "\N{MINUS SIGN}"


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def gid(fig, prefix: str) -> list:
    return [a for a in fig.findobj(lambda a: str(a.get_gid() or "").startswith(prefix))]


def one(fig, name: str):
    found = [a for a in fig.findobj(lambda a: a.get_gid() == name)]
    assert len(found) == 1, (name, len(found))
    return found[0]


def title(fig) -> str:
    return fig.get_suptitle().replace("\n", " ")


def subtitle(fig) -> str:
    """The subtitle and the notes under the axes (sentences a subtitle has no room for), as one text."""
    parts = [t.get_text() for gid in ("subtitle", "notes") for t in fig.texts if t.get_gid() == gid]
    return " ".join(parts).replace("\n", " ").replace("Notes: ", "").replace("注:", "")


def footer(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == "source").replace("\n", " ")


def share_figure(share, article_share, calendar_weeks, weekly_sales=None, lang: str = "en"):
    """The share figure with the title, subtitle and brand-set names the narrative words (what notebook 08 passes)."""
    comparison = market_share.share_vs_market(article_share, market.ARTICLE_FIRST_WEEK, market.ARTICLE_LAST_WEEK)
    return market.market_share_figure(share, article_share, calendar_weeks, weekly_sales, lang=lang,
                                      titles=market_narrative.share_titles(comparison),
                                      subtitles=market_narrative.share_subtitles(share, article_share, comparison),
                                      sets=market_narrative.brand_set_names(share, article_share))


def specifications_figure(table, market_registrations=None, weekly_sales=None, sources=None, lang: str = "en"):
    """The specifications figure with the title the narrative words (what notebook 08 passes)."""
    return market.calendar_specifications_figure(table, market_registrations, weekly_sales, sources, lang=lang,
                                                 titles=market_narrative.specifications_titles(specifications_summary(table)))


def calendar(first: int = 10, last: int = 30, holidays: dict[int, int] | None = None,
             month_ends: tuple[int, ...] = ()) -> pd.DataFrame:
    holidays = holidays or {}
    rows = range(first, last + 1)
    return pd.DataFrame({"week": [f"2025-W{w:02d}" for w in rows], "iso_year": 2025, "iso_week": list(rows),
                         "holiday_days": [holidays.get(w, 0) for w in rows],
                         "month_end": [w in month_ends for w in rows]})


def share_table(xiaomi: dict[int, int], others: dict[int, int | None], brands: str, missing: str = "x_brand",
                sources: str = "list_src") -> pd.DataFrame:
    """A table shaped like :func:`helpers.models.market_share.market_share`: shares computed here."""
    rows = []
    for w, units in xiaomi.items():
        other = others.get(w)
        total = None if other is None else units + other
        rows.append({"week": f"2025-W{w:02d}", "iso_year": 2025, "iso_week": w, "series": "xiaomi_all",
                     "units": units, "brands": brands, "n_brands": brands.count(";") + 1, "other_units": other,
                     "total_units": total, "share": math.nan if total is None else units / total,
                     "missing_brands": "" if other is not None else missing, "source_ids": sources if other else ""})
    return pd.DataFrame(rows).astype({"other_units": "Int64", "total_units": "Int64"})


XIAOMI = {14: 5100, 15: 6300, 16: 7200, 17: 7000, 18: 5700, 19: 5200, 22: 7800, 23: 4400}
LINE_OTHERS = {14: 48700, 15: 58800, 16: 63100, 17: 72500, 18: None, 19: 71080, 22: None, 23: 63490}
ARTICLE_OTHERS = {16: 56300, 17: 62200, 18: 59310, 19: 67980}
HOLIDAYS = {14: 3, 18: 4, 19: 1, 22: 2}
MONTH_ENDS = (14, 18, 22)


@pytest.fixture(scope="module")
def toy():
    line = share_table(XIAOMI, LINE_OTHERS, "byd;tesla_china;xiaomi_all", missing="tesla_china")
    article = share_table({w: XIAOMI[w] for w in ARTICLE_OTHERS}, ARTICLE_OTHERS, "byd;xiaomi_all")
    cal = calendar(10, 30, HOLIDAYS, MONTH_ENDS)
    return line, article, cal, share_figure(line, article, cal)


# --------------------------------------------------------------------------- a. share


def test_share_title_states_the_article_comparison(toy):
    fig = toy[3]
    first = XIAOMI[16] / (XIAOMI[16] + ARTICLE_OTHERS[16])
    last = XIAOMI[19] / (XIAOMI[19] + ARTICLE_OTHERS[19])
    rise = round(100 * (ARTICLE_OTHERS[19] / ARTICLE_OTHERS[16] - 1))
    assert last < first and ARTICLE_OTHERS[19] > ARTICLE_OTHERS[16]
    assert title(fig) == (f"Xiaomi's share of Xiaomi + BYD registrations fell from {pct(first)} to {pct(last)} "
                          "over 2025-W16–W19")  # one message; the other brands open the subtitle
    assert subtitle(fig).startswith(f"BYD registrations rose {rise}%.")


def test_share_title_follows_the_data():
    others = {16: 70000, 17: 65000, 18: 60000, 19: 50000}
    xiaomi = {16: 5000, 17: 5100, 18: 5200, 19: 5600}
    table = share_table(xiaomi, others, "byd;li_auto;xiaomi_all")
    fig = share_figure(table, table, calendar())
    first, last = 5000 / 75000, 5600 / 55600
    fall = round(100 * (1 - 50000 / 70000))
    assert title(fig) == (f"Xiaomi's share of Xiaomi + BYD + Li Auto registrations rose from {pct(first)} to "
                          f"{pct(last)} over 2025-W16–W19")
    assert subtitle(fig).startswith(f"BYD and Li Auto registrations fell {fall}%.")
    assert "against BYD and Li Auto, the brands printed in every one of its 4 weeks" in subtitle(fig)


def test_the_share_figure_draws_the_subtitle_and_set_names_it_is_given(toy):
    line, article, cal, _ = toy
    fig = market.market_share_figure(line, article, cal, titles={"en": "A title", "zh": "标题"},
                                     subtitles={"en": "A subtitle from elsewhere.", "zh": "别处的副标题。"},
                                     sets={"en": {"byd;tesla_china;xiaomi_all": "the line's set",
                                                  "byd;xiaomi_all": "the article's set"}, "zh": {}})
    assert subtitle(fig) == "A subtitle from elsewhere."
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:2] == ["share of the line's set (n = 6 weeks)", "share of the article's set (n = 4 weeks)"]


def test_weeks_without_a_share_are_gaps_never_bridged(toy):
    line, _, _, fig = toy
    y = np.asarray(one(fig, "share").get_ydata(), dtype=float)
    every = weeks.week_range((2025, 14), (2025, 23))
    assert len(y) == len(every)
    with_share = {w for w, o in LINE_OTHERS.items() if o is not None}
    for value, (_, w) in zip(y, every):
        assert np.isnan(value) == (w not in with_share), w
        if w in with_share:
            assert value == pytest.approx(100 * XIAOMI[w] / (XIAOMI[w] + LINE_OTHERS[w]))
    crosses = sorted(a.get_gid() for a in gid(fig, "no_share:"))
    assert crosses == ["no_share:2025-W18", "no_share:2025-W22"]
    assert "No share for 2025-W18, 2025-W22 (a brand not printed): gaps, not filled." in subtitle(fig)
    assert any("Tesla China" in t and "not printed" in t for t in figure_texts(fig))


def test_article_weeks_are_highlighted_and_drawn_against_their_own_set(toy):
    fig = toy[3]
    span = one(fig, "article_weeks")
    x0, x1 = span.get_x(), span.get_x() + span.get_width()
    assert x0 == pytest.approx(frame.monday_x(2025, 16)) and x1 == pytest.approx(frame.monday_x(2025, 20))
    y = np.asarray(one(fig, "article_share").get_ydata(), dtype=float)
    assert y.tolist() == pytest.approx([100 * XIAOMI[w] / (XIAOMI[w] + ARTICLE_OTHERS[w]) for w in (16, 17, 18, 19)])


def test_holiday_and_month_end_weeks_are_marked(toy):
    fig = toy[3]
    assert sorted(a.get_gid() for a in gid(fig, "holiday:")) == [f"holiday:2025-W{w:02d}" for w in sorted(HOLIDAYS)]
    days = sorted(t.get_text() for t in gid(fig, "holiday_days"))
    assert days == sorted(f"{d}d" for d in HOLIDAYS.values())
    ends = one(fig, "month_end").get_xdata()
    assert list(ends) == pytest.approx([frame.monday_x(2025, w) + 3.5 for w in MONTH_ENDS])


def test_share_subtitle_has_n_the_sets_the_measure_and_small_sample(toy):
    text = subtitle(toy[3])
    n_line = sum(o is not None for o in LINE_OTHERS.values())
    assert "insurance registrations" in text
    assert f"Xiaomi + BYD + Tesla China, printed together in n = {n_line} of the {len(XIAOMI)} weeks" in text
    assert "against BYD alone, the only brand printed in all 4 weeks" in text
    assert "Small sample: n = 4 weeks, 2 degrees of freedom" in text
    # the log-odds slope of the article's four shares, by numpy
    shares = np.array([XIAOMI[w] / (XIAOMI[w] + ARTICLE_OTHERS[w]) for w in (16, 17, 18, 19)])
    slope = np.polyfit(np.arange(4.0), np.log(shares / (1 - shares)), 1)[0]
    assert f"{slope:.3f} a week".replace("-", MINUS) in text


def test_share_footer_names_sources_and_the_last_week(monkeypatch):
    publishers = pd.DataFrame({"source_id": ["page_w14", "page_w15", "list_a", "list_b", "list_c"],
                               "publisher": ["Page A", "Page B (page-b.example)", "List A", "List B", "List C"]})
    monkeypatch.setattr(frame, "sources_table", lambda: publishers)
    sales = pd.DataFrame({"series": "xiaomi_all", "iso_year": 2025, "iso_week": list(XIAOMI), "units": list(XIAOMI.values()),
                          "source_id": [f"page_w{w}" for w in XIAOMI], "locator": 'page: "x"'})
    line = share_table(XIAOMI, LINE_OTHERS, "byd;tesla_china;xiaomi_all", sources="list_a;list_b")
    article = share_table({w: XIAOMI[w] for w in ARTICLE_OTHERS}, ARTICLE_OTHERS, "byd;xiaomi_all", sources="list_c")
    text = footer(share_figure(line, article, calendar(), sales))
    # by publisher, the first two named, the others counted (the full list is the report's appendix)
    n_ids = len(set(sales["source_id"]) | {"list_a", "list_b", "list_c"})
    assert text.startswith(f"Sources: Page A, Page B and {n_ids - 2} more")  # ids not in the table count too
    assert "page_w" not in text and "list_" not in text
    assert text.endswith("as of 2025-W23 · su7-slump")


# --------------------------------------------------------------------------- b. calendar specifications


def spec_rows(points, lows, highs, names=None, reasons=None) -> pd.DataFrame:
    names = names or [f"s{i}" for i in range(len(points))]
    return pd.DataFrame({"specification": names, "from_week": "2025-W16", "to_week": "2025-W19",
                         "observed_series": "xiaomi_su7", "observed_log_change": -0.3, "n_obs": 40, "df_resid": 30,
                         "percent_of_dip": points, "percent_ci95_low": lows, "percent_ci95_high": highs,
                         "not_fitted_reason": reasons or [""] * len(points)})


def test_the_figure_draws_the_specifications_title_it_is_given_and_the_range_in_its_subtitle():
    fig = specifications_figure(spec_rows([25.6, 69.7], [1.3, 19.0], [50.0, 120.1]))
    assert title(fig) == ("The calendar may explain part or all of the 2025-W16-W19 dip: 26% to 70% across "
                          "2 specifications")
    assert "no single percentage is given" in subtitle(fig) and "differ by more than 20 points" in subtitle(fig)
    given = market.calendar_specifications_figure(spec_rows([25.6, 69.7], [1.3, 19.0], [50.0, 120.1]),
                                                  titles={"en": "A title from elsewhere", "zh": "别处的标题"})
    assert title(given) == "A title from elsewhere"


def test_each_specification_is_a_row_with_its_interval_and_reference_lines_at_0_and_100():
    fig = specifications_figure(spec_rows([30.0, 60.0], [10.0, 20.0], [50.0, 110.0],
                                                          names=["byd", "tesla_china"]))
    assert list(one(fig, "reference:0").get_xdata()) == [0, 0]
    assert list(one(fig, "reference:100").get_xdata()) == [100, 100]
    drawn = gid(fig, "spec:byd")
    point = next(a for a in drawn if isinstance(a, mpl.lines.Line2D) and a.get_marker() == "s")
    assert point.get_xdata()[0] == pytest.approx(30.0)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["BYD alone", "Tesla China alone"]  # labels.toml, first specification on top
    assert "byd" not in title(fig) + subtitle(fig)


def test_the_leave_one_week_out_range_is_drawn_above_each_row():
    table = spec_rows([30.0, 60.0], [10.0, 20.0], [50.0, 110.0]).assign(
        drop_one_percent_low=[20.0, 55.0], drop_one_percent_high=[45.0, 140.0])
    fig = specifications_figure(table)
    line = one(fig, "drop_one:s1")
    assert list(line.get_xdata()) == [55.0, 140.0]
    assert "any one week left out of the fit (20% to 140% over all rows)" in subtitle(fig)


def test_a_specification_not_fitted_keeps_its_row_with_the_reason():
    table = spec_rows([30.0, float("nan")], [10.0, float("nan")], [50.0, float("nan")],
                      reasons=["", "month_end does not vary in these weeks"])
    fig = specifications_figure(table)
    assert gid(fig, "spec:s1") == []
    assert any("not fitted: month_end does not vary" in t for t in figure_texts(fig))
    assert title(fig).endswith(": 30% to 30% across 1 specification")


# --------------------------------------------------------------------------- live data, files, languages


@pytest.fixture(scope="module")
def live():
    weekly_sales = read_clean("weekly_sales")
    cal = read_clean("calendar_weeks")
    registrations = read_ingested("market_registrations")
    article = market_share.market_share(weekly_sales, registrations, calendar_weeks=cal, first_week="2025-W16",
                                        last_week="2025-W19", brand_rule="every_week")
    share = market_share.market_share(weekly_sales, registrations, calendar_weeks=cal)
    specifications = catalog.read("market.calendar_specifications")
    return {"weekly_sales": weekly_sales, "calendar": cal, "market": registrations, "article": article,
            "share": share, "specifications": specifications, "sources": read_clean("sources")}


def live_figures(live, lang: str = "en"):
    return [share_figure(live["share"], live["article"], live["calendar"], live["weekly_sales"], lang=lang),
            specifications_figure(live["specifications"], live["market"], live["weekly_sales"],
                                                  live["sources"], lang=lang)]


def test_live_figures_draw_and_their_titles_hold_the_tables_numbers(live):
    share_fig, coef_fig = live_figures(live)
    article = live["article"].set_index("week")
    first, last = article.loc["2025-W16"], article.loc["2025-W19"]
    assert pct(first["units"] / first["total_units"]) in title(share_fig)
    assert pct(last["units"] / last["total_units"]) in title(share_fig)
    assert "insurance registrations" in subtitle(share_fig) and "Small sample" in subtitle(share_fig)
    newest = max(weeks.parse_week_label(w) for w in live["share"]["week"].astype(str))
    assert footer(share_fig).endswith(f"as of {weeks.week_label(*newest)} · su7-slump")
    fitted = live["specifications"].dropna(subset=["percent_of_dip"])
    low, high = fitted["percent_of_dip"].min(), fitted["percent_of_dip"].max()
    assert f"{number(low)}% to {number(high)}%" in title(coef_fig) and len(title(coef_fig)) <= 110
    assert footer(coef_fig).startswith("Sources: ")
    for fig in (share_fig, coef_fig):
        assert not [t for t in figure_texts(fig) if has_cjk(t)]


def test_saved_files_are_byte_identical(tmp_path, live):
    first = frame.save_figure(live_figures(live)[0], market.STEMS["share"], tmp_path / "a")
    second = frame.save_figure(live_figures(live)[0], market.STEMS["share"], tmp_path / "b")
    assert [p.name for p in first] == ["08_market_share.png", "08_market_share.svg"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_figures_leave_no_style_and_no_pyplot_figure_behind(toy):
    import matplotlib.pyplot as plt

    before = dict(mpl.rcParams)
    line, article, cal, _ = toy
    share_figure(line, article, cal)
    assert {k for k in before if before[k] != mpl.rcParams[k]} == set()
    assert plt.get_fignums() == []


def test_zh_draws_chinese_labels(toy):
    line, article, cal, _ = toy
    fig = share_figure(line, article, cal, lang="zh")
    first = XIAOMI[16] / (XIAOMI[16] + ARTICLE_OTHERS[16])
    assert "比亚迪" in title(fig) and "份额" in title(fig) and pct(first) in title(fig)
    spec = specifications_figure(spec_rows([30.0], [10.0], [50.0], names=["byd"]), lang="zh")
    assert has_cjk(title(spec)) and "比亚迪" in [t.get_text() for t in spec.axes[0].get_yticklabels()][0]


def test_zh_when_the_bundled_font_fails_to_load_warns_and_draws_english(monkeypatch, toy):
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    line, article, cal, _ = toy
    with pytest.warns(UserWarning, match="lang='zh' needs a CJK font"):
        fig = share_figure(line, article, cal, lang="zh")
    assert not any(has_cjk(t) for t in figure_texts(fig))


def test_zh_with_the_bundled_font_has_every_glyph(live):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fig in live_figures(live, "zh"):
            frame.png_bytes(fig, dpi=50)
            assert has_cjk(title(fig))

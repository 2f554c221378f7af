"""Notebook 06's sentences: the headline of summary.json and each figure's caveats, from hand-built tables."""

from __future__ import annotations

import pandas as pd

from helpers.narrative import figures as narrative


def summary(n_weeks: int, ci: tuple[float, float], small: bool, verdicts: list[str]) -> dict:
    trend = {"series": "xiaomi_su7", "measure": "insurance_registrations", "model": "linear", "first_week": "2025-W14", "last_week": "2025-W23",
             "n_weeks": n_weeks, "slope_units_per_week": -33.486, "slope_ci95": list(ci), "small_sample": small}
    return {"trend": trend, "claims": [{"verdict": v} for v in verdicts]}


def test_headline_with_an_interval_that_includes_zero():
    text = narrative.findings_headline(summary(8, (-402.492, 335.52), False,
                                               ["consistent"] * 2 + ["inconsistent", "unverifiable"]))
    assert text == (
        "**Headline.** Over 2025-W14–W23 the linear trend of weekly `xiaomi_su7` insurance registrations is **−33 units a week** "
        "(95% CI −402 to 336; n = 8 weeks). The interval includes zero, so these weeks cannot rule out a flat trend. "
        "The audit checked **4 claims**: 2 consistent, 1 inconsistent, 1 unverifiable."
    )


def test_headline_of_an_undeclared_measure_says_so_instead_of_calling_it_sales():
    data = summary(8, (-402.492, 335.52), False, ["consistent"])
    del data["trend"]["measure"]
    assert "weekly `xiaomi_su7` figures (the measure is not declared) is **−33 units a week**" in narrative.findings_headline(data)


def test_headline_of_a_small_sample_whose_interval_excludes_zero():
    text = narrative.findings_headline(summary(4, (-1343.0, -117.0), True, ["unverifiable"]))
    assert "(95% CI −1,343 to −117; n = 4 weeks, a small sample). The audit checked **1 claim**: " in text
    assert text.endswith("0 consistent, 0 inconsistent, 1 unverifiable.")
    assert "includes zero" not in text


def fits(missing: str, small: bool, n: int = 8) -> pd.DataFrame:
    return pd.DataFrame({"series": ["xiaomi_su7", "xiaomi_su7", "xiaomi_all"], "model": ["log", "linear", "linear"],
                         "n_weeks": [n, n, 3], "df_resid": [n - 2, n - 2, 1], "small_sample": [small, small, True],
                         "r_squared": [0.9, 0.008, 0.2], "missing_weeks": [missing, missing, ""]})


def test_trend_caveats_read_the_linear_fit_of_the_series():
    assert narrative.trend_caveats(fits("2025-W20 2025-W21", False), "xiaomi_su7") == (
        "**Caveats.** The line rests on **n = 8 weeks** (6 degrees of freedom). R² = 0.01. Weeks without a figure: "
        "2025-W20, 2025-W21. The fan assumes the straight line goes on; it is a description of these weeks carried "
        "forward, not a forecast of what buyers will do."
    )


def test_trend_caveats_of_a_small_sample_without_missing_weeks():
    text = narrative.trend_caveats(fits("", True, n=3), "xiaomi_su7")
    assert text.startswith("**Caveats.** The line rests on **n = 3 weeks** (1 degree of freedom), a small sample: "
                           "one unusual week can swing the slope. R² = 0.01. The fan assumes")
    assert "without a figure" not in text


def test_orders_caveats_one_week_and_two_weeks():
    figures = pd.DataFrame({"figure_id": ["orders_may_weeks1_2", "orders_mar_week2", "other"],
                            "as_printed": ["1.35万辆", "2.3万辆", "x"], "period_weeks": [2.0, 1.0, 9.0],
                            "period_as_printed": ["5月前两个星期", "3月份第二个星期", "x"]})
    assert narrative.orders_caveats(figures).startswith(
        "**Caveats.** These are **n = 2 printed figures**, 2.3万辆 over 1 week (3月份第二个星期) and 1.35万辆 over "
        "2 weeks (5月前两个星期). Dividing May's total")


def test_run_rate_caveats_count_the_single_figure_rates_and_print_the_mid_wait():
    comparison = pd.DataFrame({"quantity": ["design_capacity", "actual_capacity", "weekly_sales_mean"],
                               "n_values": [1, 1, 4]})
    scenarios = pd.DataFrame({"scenario": ["low", "mid", "high"], "wait_weeks": [40.0, 52.149, 60.0]})
    text = narrative.run_rate_caveats(comparison, scenarios)
    assert ("only the spread between readings. 2 of the 3 rates are a single printed figure each; the sales run-rate "
            "is the mean of 4 weeks. The wait (52.1 weeks) is one figure") in text


def test_claims_caveats_none_one_and_several_inconsistent():
    audit = pd.DataFrame({"claim_id": ["a", "b", "c"], "verdict": ["inconsistent", "consistent", "inconsistent"]})
    assert ("**Caveats.** 3 claims, each judged by one rule with a stated tolerance (`helpers.claims.article_rules`). "
            "The 2 inconsistent ones (`a`, `c`) are pairs of figures that cannot both hold as printed;"
            ) in narrative.claims_caveats(audit)
    assert "The 1 inconsistent one (`a`) is a pair of figures" in narrative.claims_caveats(audit.iloc[:2])
    assert "No two figures were found that cannot both hold" in narrative.claims_caveats(audit.iloc[1:2])
    assert narrative.claims_caveats(audit.iloc[1:2]).startswith("**Caveats.** 1 claim, each judged")


def test_quality_caveats_print_the_complaint_count():
    figures = pd.DataFrame({"figure_id": ["quality_cqn_complaints_3m"], "value_mid": [12.0]})
    assert "shows only 12 complaints in three months" in narrative.quality_caveats(figures)


def test_labels_sentence():
    assert narrative.labels_sentence("zh", "xiaomi_all", "2025-W39") == \
        "Labels in **zh**; weekly sales of `xiaomi_all` run to **2025-W39**."


# --------------------------------------------------------------------------- the figures' titles (moved from
# tests/figures/test_findings.py with their expected values; the figures draw what they are given)


def _title(text: str) -> str:
    return text.replace("\n", " ")


def _fmt(x: float) -> str:
    """Whole number, thousands separators, real minus sign (computed here, not with the helpers)."""
    import numpy as np

    return f"{int(np.floor(x + 0.5)):,}".replace("-", "\N{MINUS SIGN}")


def _weekly_titles(units_by_week: dict[str, float]) -> dict[str, str]:
    from helpers.models import trend
    from tests.builders import weekly_sales_from

    sales = weekly_sales_from(units_by_week, series="xiaomi_su7")
    return narrative.weekly_sales_titles(sales, trend.fits_table(trend.fit_trends(sales, models=("linear",))))


def test_weekly_title_states_the_slope_its_interval_and_n():
    import numpy as np
    from scipy import stats

    article_weeks = {"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}
    text = _title(_weekly_titles(article_weeks)["en"])
    t = np.arange(4.0)
    y = np.array(list(article_weeks.values()), dtype=float)
    slope, intercept = np.polyfit(t, y, 1)
    resid = y - (intercept + slope * t)
    se = np.sqrt(resid @ resid / 2 / ((t - t.mean()) ** 2).sum())
    half = stats.t.ppf(0.975, 2) * se
    expected = [_fmt(slope), _fmt(slope - half), _fmt(slope + half), "n = 4", "fell in each of 3 weeks"]
    assert [_fmt(slope), _fmt(slope - half), _fmt(slope + half)] == ["−730", "−1,343", "−117"]
    for part in expected:
        assert part in text, (part, text)


def test_a_flat_series_is_called_no_clear_trend():
    text = _title(_weekly_titles({"2025-W16": 5000, "2025-W17": 7000, "2025-W18": 5000, "2025-W19": 7000,
                                  "2025-W20": 5000})["en"])
    assert "show no clear trend over 2025-W16–W20" in text


def _figure_tables():
    from helpers.figures import findings

    return findings.read_figure_tables()


def test_orders_title_is_the_per_week_change():
    tables = _figure_tables()
    rows = tables["figures"].set_index("figure_id")
    march, may = rows.loc["orders_mar_week2"], rows.loc["orders_may_weeks1_2"]
    per_week = may["value_mid"] / may["period_weeks"]
    week_fall = round(100 * (1 - per_week / march["value_mid"]))
    assert week_fall == 71
    text = _title(narrative.orders_titles(tables["figures"])["en"])
    assert f"fell {week_fall}%" in text
    assert "that the article's totals" not in text


def test_orders_subtitle_and_bars_say_the_weeks_each_printed_total_covers():
    figures = _figure_tables()["figures"]
    subtitles, bars = narrative.orders_subtitles(figures), narrative.orders_bars(figures)
    assert subtitles["en"] == ("Each bar is one printed figure: Mar 2025 covers 1 week, May 2025 covers 2 weeks "
                               "(n = 2 figures, no weekly breakdown).")
    assert subtitles["zh"] == "每根柱子是原文的一个数字:3月份第二个星期为1周,5月前两个星期为2周(共2个数字,没有逐周数据)。"
    assert bars == {"en": ["Mar 2025\n(1 week)", "May 2025\n(2 weeks)"], "zh": ["3月份第二个星期\n(1周)", "5月前两个星期\n(2周)"]}


def test_run_rate_title_says_the_backlog_never_clears_at_the_actual_capacity():
    import numpy as np

    from helpers.models.run_rate import DEFAULT_READING

    tables = _figure_tables()
    sc = tables["scenarios"]
    sc = sc[sc["reading"] == DEFAULT_READING] if "reading" in sc.columns else sc
    mid = sc[sc["scenario"] == "mid"].set_index("supply_basis")
    text = _title(narrative.run_rate_titles(tables["scenarios"], tables["clearance_ranges"])["en"])
    if np.isinf(mid.loc["actual_capacity", "weeks_to_clear"]):
        assert "never clears" in text


def test_claims_title_counts_the_verdicts():
    audit = _figure_tables()["claims_audit"]
    counts = audit["verdict"].value_counts()
    text = _title(narrative.claims_titles(audit)["en"])
    assert f"Of {len(audit)} numeric claims, {counts.get('consistent', 0)} agree" in text


def test_quality_title_sets_the_two_lists_side_by_side():
    figures = _figure_tables()["figures"]
    titles = narrative.quality_titles(figures)
    assert "last on China Auto Quality Net (239 points)" in _title(titles["en"])
    assert "2nd on Chezhiwang (1.7 points)" in _title(titles["en"])
    assert "冰火两重天" in titles["zh"] and "车质网" in titles["zh"] and "垫底" in titles["zh"]
    assert narrative.rank_words(figures) == {"en": {"cqn": "last", "czw": "2nd"}, "zh": {"cqn": "垫底", "czw": "排名第2"}}

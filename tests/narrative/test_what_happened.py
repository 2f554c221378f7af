"""Notebook 07's sentences, from small hand-built inputs whose sentences can be written out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.data import weeks
from helpers.data.clean import ARTICLE_SOURCE_ID
from helpers.claims import engine
from helpers.models import scorecard, what_happened
from helpers.models.trend import TrendFit
from helpers.narrative import what_happened as narrative
from tests.builders import ARTICLE_WEEKS as ARTICLE
from tests.builders import article_and_later_sales as sales


def card(weeks_: list[tuple[str, float | None, float, float, str]], n_fit: int = 4, first: str = "2025-W16",
         last: str = "2025-W19", vintage: str = "2025-W19") -> dict:
    """A scorecard summary by hand: (week, actual or None, PI low, PI high, outcome) per forecast week."""
    outcomes = [w[4] for w in weeks_]
    return {
        "vintage": vintage, "fit_first_week": first, "fit_last_week": last, "fit_n_weeks": n_fit,
        "n_forecast": len(weeks_), "n_scored": sum(o != what_happened.NO_ACTUAL for o in outcomes),
        "n_missing": outcomes.count(what_happened.NO_ACTUAL),
        "weeks_outside": [w[0] for w in weeks_ if w[4] == what_happened.OUTSIDE],
        "weeks_missing": [w[0] for w in weeks_ if w[4] == what_happened.NO_ACTUAL],
        "weeks": [{"week": w, "actual": a, "pi95": [lo, hi], "outcome": o} for w, a, lo, hi, o in weeks_],
    }


def fit(n: int, first: str, last: str, slope: float, ci: tuple[float, float]) -> TrendFit:
    """A linear TrendFit by hand (only what the sentences read is meaningful)."""
    return TrendFit(series="xiaomi_su7", model="linear", first_week=first, last_week=last, n_weeks=n, weeks=(),
                    missing_weeks=(), slope=slope, slope_ci95=ci, intercept=0.0, r_squared=0.5, residual_sd=1.0,
                    df_resid=n - 2, residuals=(), durbin_watson=None, pct_change_per_week=None, pct_change_ci95=None,
                    small_sample=n < 8, t=(), units=(), fitted=())


def window(sources: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"source_id": sources})


# --------------------------------------------------------------------------- the data line


def test_data_sentence_names_the_newest_week_of_each_series_and_the_months():
    weekly = pd.concat([sales({"2025-W16": 1, "2025-W23": 2}), sales({"2025-W39": 3}, series="xiaomi_all")])
    monthly = pd.DataFrame({"month_label": ["2025-02", "2025-01", "2025-10"], "source_id": ["a", "a", "a"]})
    assert narrative.data_sentence("zh", "2025-W18", weekly, monthly) == (
        "Labels in **zh**; the vintage scored is **2025-W18**. Weekly figures run to **2025-W23** for `xiaomi_su7` "
        "and **2025-W39** for `xiaomi_all`; the monthly figures cover **2025-01** to **2025-10** (3 figures from 1 source)."
    )


# --------------------------------------------------------------------------- the scorecard


def test_scorecard_table_says_missing_for_a_week_without_a_figure():
    scored = what_happened.article_vintage_scorecard(sales({**ARTICLE, "2025-W21": 3800}))
    table = narrative.scorecard_table(scored)
    assert list(table.index) == ["2025-W20", "2025-W21"]
    assert list(table.columns) == ["weeks ahead", "forecast", "95% PI", "actual", "outcome"]
    assert table.loc["2025-W20", "actual"] == "missing" and table.loc["2025-W20", "outcome"] == "no actual"
    assert table.loc["2025-W21", "actual"] == "3,800"
    # Least squares over t = 0..3 and 7,200 7,000 5,700 5,200: mean 6,275 at t = 1.5, slope −3,650 / 5 = −730,
    # so W20 (t = 4) is 6,275 − 730 × 2.5 = 4,450 and W21 (t = 5) is 3,720.
    assert table["forecast"].tolist() == ["4,450", "3,720"]


def test_scorecard_sentence_inside_above_below_and_missing():
    text = narrative.scorecard_sentence(card([
        ("2025-W20", None, 2000.0, 6000.0, what_happened.NO_ACTUAL),
        ("2025-W21", 3000.0, 1000.0, 6000.0, scorecard.INSIDE),
        ("2025-W22", 9000.0, 500.0, 7000.0, what_happened.OUTSIDE),
        ("2025-W23", 100.0, 400.0, 7500.0, what_happened.OUTSIDE),
    ]))
    assert text == (
        "Fitted on **n = 4 weeks** (2025-W16–W19, a small sample), the trend was carried 4 weeks past 2025-W19. "
        "3 of those weeks have a figure (n = 3): 2025-W21 (3,000) fell **inside** its 95% PI (1,000 to 6,000); "
        "2025-W22 (9,000) fell **outside**, 2,000 above its upper bound of 7,000; "
        "2025-W23 (100) fell **outside**, 300 below its lower bound of 400. "
        "1 week is missing (2025-W20): not scored, not counted as zero."
    )


def test_scorecard_sentence_no_small_sample_phrase_from_eight_weeks_and_plural_missing():
    text = narrative.scorecard_sentence(card([
        ("2025-W20", None, 0.0, 1.0, what_happened.NO_ACTUAL),
        ("2025-W21", None, 0.0, 1.0, what_happened.NO_ACTUAL),
        ("2025-W22", 1.0, 0.0, 1.0, scorecard.INSIDE),
    ], n_fit=8, first="2025-W12"))
    assert text.startswith("Fitted on **n = 8 weeks** (2025-W12–W19), the trend was carried 3 weeks past 2025-W19. ")
    assert "small sample" not in text
    assert "1 of those weeks has a figure (n = 1): 2025-W22 (1) fell **inside** its 95% PI (0 to 1)." in text
    assert text.endswith(" 2 weeks are missing (2025-W20, 2025-W21): not scored, not counted as zero.")


def test_scorecard_sentence_with_nothing_to_score_and_one_forecast_week():
    text = narrative.scorecard_sentence(card([("2025-W20", None, 0.0, 1.0, what_happened.NO_ACTUAL)]))
    assert text == ("Fitted on **n = 4 weeks** (2025-W16–W19, a small sample), the trend was carried 1 week past 2025-W19. "
                    "No forecast week has a figure yet, so none can be scored.")
    one = narrative.scorecard_sentence(card([("2025-W20", 5.0, 0.0, 10.0, scorecard.INSIDE)]))
    assert "carried 1 week past 2025-W19. That week has a figure (n = 1): 2025-W20 (5) fell **inside**" in one
    assert "missing" not in one


def test_scorecard_sentence_from_a_toy_weekly_table():
    # The article's four weeks, then nothing in W20-W21, then a week far above any line through them.
    scored = what_happened.article_vintage_scorecard(sales({**ARTICLE, "2025-W22": 90000}))
    text = narrative.scorecard_sentence(what_happened.scorecard_summary(scored))
    assert text.startswith("Fitted on **n = 4 weeks** (2025-W16–W19, a small sample), the trend was carried 3 weeks past 2025-W19. ")
    assert "1 of those weeks has a figure (n = 1): 2025-W22 (90,000) fell **outside**," in text
    assert "above its upper bound of" in text
    assert text.endswith("2 weeks are missing (2025-W20, 2025-W21): not scored, not counted as zero.")
    assert narrative.scorecard_headline(what_happened.scorecard_summary(scored)) == f"**Headline.** {text}"


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_when_the_fits_disagree_and_both_are_small():
    short = fit(4, "2025-W16", "2025-W19", -730.0, (-1343.0, -117.0))
    longer = fit(6, "2025-W14", "2025-W19", -42.0, (-705.0, 621.0))
    card_short = card([("2025-W22", 7800.0, -166.0, 6146.0, what_happened.OUTSIDE)])
    card_longer = card([("2025-W22", 7800.0, 1132.0, 10571.0, scorecard.INSIDE)], n_fit=6, first="2025-W14")
    text = narrative.sensitivity_sentence(short, window([ARTICLE_SOURCE_ID] * 4), card_short,
                                          longer, window([ARTICLE_SOURCE_ID] * 4 + ["later_page"] * 2), card_longer)
    assert text.startswith(
        "**Sensitivity.** On the article's 4 weeks the slope is −730 a week (95% CI −1,343 to −117, which excludes zero; "
        "n = 4); on the 6 weeks 2025-W14–W19 it is −42 a week (95% CI −705 to 621, which includes zero; n = 6). "
        "Fitted on **n = 6 weeks** (2025-W14–W19, a small sample)"
    )
    assert text.endswith(
        "Weeks outside the 95% PI: with n = 4, 2025-W22; with n = 6, none. So whether the line 'missed' depends on "
        "which weeks it is fitted on, and both are small samples (n = 4 and n = 6)."
    )


def test_sensitivity_when_the_fits_agree_and_one_or_none_is_small():
    inside = [("2025-W22", 5.0, 0.0, 10.0, scorecard.INSIDE)]
    short, longer = fit(4, "2025-W16", "2025-W19", 10.0, (1.0, 20.0)), fit(9, "2025-W11", "2025-W19", 0.0, (-1.0, 1.0))
    text = narrative.sensitivity_sentence(short, window(["later_page"] * 4), card(inside),
                                          longer, window(["later_page"] * 9), card(inside, n_fit=9, first="2025-W11"))
    assert "On the 4 weeks 2025-W16–W19 the slope is 10 a week (95% CI 1 to 20, which excludes zero; n = 4)" in text
    assert text.endswith("with n = 4, none; with n = 9, none. The two fits score the later weeks alike, "
                         "and the fit on n = 4 is a small sample.")
    big = fit(8, "2025-W12", "2025-W19", 0.0, (-1.0, 1.0))
    text = narrative.sensitivity_sentence(big, window(["x"] * 8), card(inside, n_fit=8),
                                          longer, window(["x"] * 9), card(inside, n_fit=9))
    assert text.endswith("The two fits score the later weeks alike (n = 8 and n = 9).")
    assert "small sample" not in text


# --------------------------------------------------------------------------- the decline and the later weeks


def test_decline_conclusion_of_a_decline_then_a_higher_later_week():
    text = narrative.decline_conclusion(what_happened.decline_status(sales({**ARTICLE, "2025-W22": 7800})))
    assert "had ended by 2025-W22 at the latest" in text
    assert "2025-W20 and 2025-W21 have no figure" in text and "unknown" in text
    assert "7,800" in text and "7,200" in text and "5,200" in text


def test_decline_conclusion_of_a_later_week_above_the_last_but_below_the_peak():
    text = narrative.decline_conclusion(what_happened.decline_status(sales({**ARTICLE, "2025-W21": 6000})))
    assert "below the decline's high of 7,200" in text


def test_decline_conclusion_of_lower_later_weeks():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W22": 4800, "2025-W23": 4500, "2025-W25": 6000}))
    text = narrative.decline_conclusion(status)
    assert "may have continued" in text and "had ended" not in text
    assert "2 later weeks with a figure (2025-W22 and 2025-W23)" in text
    assert "the first later week above 5,200 is 2025-W25 (6,000), six weeks after 2025-W19" in text


def test_decline_conclusion_of_a_lower_next_week():
    text = narrative.decline_conclusion(what_happened.decline_status(sales({**ARTICLE, "2025-W20": 4900})))
    assert "so the decline continued into 2025-W20" in text
    assert "no later week with a figure is above 5,200, and the data stop at 2025-W20" in text


def test_decline_conclusion_with_no_later_week():
    text = narrative.decline_conclusion(what_happened.decline_status(sales(ARTICLE)))
    assert "The data stop at 2025-W19, the article's last week" in text and "unknown" in text


def test_decline_conclusion_of_article_weeks_that_do_not_end_in_a_decline():
    text = narrative.decline_conclusion(what_happened.decline_status(sales({**ARTICLE, "2025-W19": 5800})))
    assert "do not end in a decline" in text


def test_the_decline_as_summary_json_records_it_ends_with_its_conclusion():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W22": 7800}))
    recorded = narrative.with_conclusion(status)
    assert list(recorded) == [*status, "conclusion"] and {k: recorded[k] for k in status} == status
    assert recorded["conclusion"].startswith("The weekly figures fell in each of the 3 weeks 2025-W16→W19")


def test_decline_sentence_is_the_conclusion_of_decline_status():
    status = what_happened.decline_status(sales({**ARTICLE, "2025-W22": 7800}))
    assert narrative.decline_sentence(status) == "**Conclusion.** " + narrative.decline_conclusion(status)
    assert narrative.decline_sentence(status).startswith("**Conclusion.** The weekly figures fell in each of the 3 weeks 2025-W16→W19")
    registered = what_happened.decline_status(sales({**ARTICLE, "2025-W22": 7800}).assign(measure="insurance_registrations"))
    assert registered["measure"] == "insurance_registrations"
    assert narrative.decline_sentence(registered).startswith("**Conclusion.** Insurance registrations fell in each of the 3 weeks")


def test_coverage_sentences_small_sample_missing_and_longest_gap():
    table = what_happened.later_weeks_summary(sales({"2025-W19": 5200, "2025-W22": 7800, "2025-W23": 4370, "2025-W27": 4900}))
    # After W19: W20..W27 are 8 weeks; 3 have a figure; W20, W21, W24, W25, W26 are missing, the longest run W24-W26.
    assert narrative.coverage_sentences(table) == (
        "`xiaomi_su7`: after 2025-W19, **n = 3** weeks with a figure, a small sample, from 4,370 (2025-W23) to "
        "7,800 (2025-W22). Of the 8 weeks up to 2025-W27, **5 are missing**; the longest run without a figure is "
        "3 weeks (2025-W24–W26)."
    )


def test_coverage_sentences_one_week_none_missing_derived_and_no_later_week():
    table = what_happened.later_weeks_summary(pd.concat([
        sales({"2025-W19": 5200, "2025-W21": 5000}),
        sales({"2025-W19": 5200, "2025-W20": 6000}, series="xiaomi_all", derived=("2025-W20",)),
        sales({"2025-W19": 5200}, series="xiaomi_zzz"),
    ]))
    paragraphs = narrative.coverage_sentences(table).split("\n\n")
    assert paragraphs == [
        "`xiaomi_all`: after 2025-W19, **n = 1** week with a figure (1 of them repeated from the SU7), a small sample, "
        "6,000 (2025-W20). Of the 1 week up to 2025-W20, **none is missing**.",
        "`xiaomi_su7`: after 2025-W19, **n = 1** week with a figure, a small sample, 5,000 (2025-W21). Of the 2 weeks "
        "up to 2025-W21, **1 is missing**; the longest run without a figure is 1 week (2025-W20).",
        "`xiaomi_zzz`: no week after 2025-W19 has a figure (n = 0).",
    ]


def test_coverage_sentences_has_no_small_sample_phrase_from_eight_weeks():
    later_weeks = {f"2025-W{w}": 1000 + w for w in range(20, 28)}
    table = what_happened.later_weeks_summary(sales({"2025-W19": 5200, **later_weeks}))
    text = narrative.coverage_sentences(table)
    assert "**n = 8** weeks with a figure, from 1,020 (2025-W20) to 1,027 (2025-W27)." in text
    assert "small sample" not in text and text.endswith("**none is missing**.")


# --------------------------------------------------------------------------- where the sources disagree


def disagreements(rows: list[tuple[str, str, int, int, str]]) -> pd.DataFrame:
    """(week, series, chosen, other, other_source) rows, with the difference and its percent of the chosen figure."""
    table = pd.DataFrame(rows, columns=["week", "series", "chosen_units", "other_units", "other_source"])
    table["difference"] = table["other_units"] - table["chosen_units"]
    table["difference_pct"] = (100 * table["difference"] / table["chosen_units"]).round(2)
    return table


def test_weekly_disagreements_sentence_names_the_largest_difference():
    table = disagreements([("2025-W16", "xiaomi_su7", 8000, 8000, "a"), ("2025-W16", "xiaomi_su7", 8000, 7960, "b"),
                           ("2025-W23", "xiaomi_su7", 4000, 3800, "c"), ("2025-W35", "xiaomi_all", 10000, 10000, "d")])
    assert narrative.weekly_disagreements_sentence(table) == (
        "4 other figures for 3 week-and-series pairs (n = 4, a handful): 2 repeat the chosen figure exactly; the largest "
        "difference is 2025-W23 (`xiaomi_su7`): 3,800 from `c` against the chosen 4,000, −5.00%. Most later weeks have "
        "a single source, so agreement cannot be checked for them."
    )


def test_weekly_disagreements_sentence_when_every_other_figure_agrees_or_there_is_none():
    table = disagreements([("2025-W16", "xiaomi_su7", 8000, 8000, "a")])
    assert narrative.weekly_disagreements_sentence(table).startswith(
        "1 other figure for 1 week-and-series pair (n = 1, a handful): 1 repeats the chosen figure exactly. Most")
    many = disagreements([(f"2025-W{w}", "xiaomi_su7", 100, 100, "a") for w in range(10, 20)])
    assert "(n = 10): 10 repeat" in narrative.weekly_disagreements_sentence(many)
    assert "agreement between sources cannot be checked" in narrative.weekly_disagreements_sentence(table.iloc[0:0])


def ranges(rows: list[tuple[str, float, float, float, str, str]], series: str = "xiaomi_all") -> pd.DataFrame:
    """(month, exact_min, exact_max, reading_low, reading_kind, measures) rows of a monthly_range table."""
    table = pd.DataFrame(rows, columns=["month", "exact_min", "exact_max", "reading_low", "reading_kind", "measures"])
    table["series"] = series
    table["exact_spread"] = table["exact_max"] - table["exact_min"]
    return table


def test_monthly_ranges_sentence_widest_spread_lower_bounds_and_no_clash():
    nan = math.nan
    table = ranges([("2025-01", 20000, 20000, 20000, "exact", "deliveries"),
                    ("2025-02", 20000, 21000, 20000, "exact range", "deliveries"),
                    ("2025-03", 30000, 33000, 30000, "exact range", "deliveries; retail_sales"),
                    ("2025-04", 25000, 25000, 25000, "exact", "deliveries"),
                    ("2025-05", nan, nan, 28000, "lower bound", "deliveries"),
                    ("2025-06", 25000, 25000, 25000, "exact", "deliveries")])
    # 2025-02 differs by 1,000 on 20,000 (5%), 2025-03 by 3,000 on 30,000 (10%): the widest is 2025-03.
    assert narrative.monthly_ranges_sentence(table) == (
        "Brand totals (`xiaomi_all`), 6 months: 3 exact, 2 exact range, 1 lower bound. In 2 months the exact figures "
        "differ; most widely in 2025-03, 30,000 to 33,000 (10.0% of the lower; that month's figures count deliveries and "
        "retail_sales). 2025-05 has only a lower bound: at least 28,000, not an estimate. No exact figure contradicts a "
        "bound: where both are given, the exact figure is at or above the lower bound."
    )


def test_monthly_ranges_sentence_with_no_spread_two_lower_bounds_and_a_clash():
    nan = math.nan
    table = ranges([("2025-05", nan, nan, 28000, "lower bound", "deliveries"),
                    ("2025-06", nan, nan, 25000, "lower bound", "deliveries"),
                    ("2025-07", 20000, 20000, 30000, "contradictory", "deliveries")])
    text = narrative.monthly_ranges_sentence(table)
    assert text.startswith("Brand totals (`xiaomi_all`), 3 months: 2 lower bound, 1 contradictory. "
                           "No two exact figures differ. ")
    assert "2025-05, 2025-06 have only a lower bound: at least 28,000, 25,000, not estimates. " in text
    assert text.endswith("1 month has an exact figure that contradicts a bound.")
    assert narrative.monthly_ranges_sentence(table, "xiaomi_su7") == "`xiaomi_su7`: no monthly figure."


def test_monthly_ranges_sentence_reads_monthly_range():
    monthly = pd.DataFrame({"year": [2025] * 3, "month": [4, 4, 5], "series": ["xiaomi_all"] * 3,
                            "measure": ["deliveries"] * 3, "units": [28000, 28000, 30000],
                            "bound": ["exact", "exact", "lower"], "source_id": ["a", "b", "c"]})
    text = narrative.monthly_ranges_sentence(what_happened.monthly_range(monthly))
    assert "2 months: " in text and "No two exact figures differ. " in text
    assert "2025-05 has only a lower bound: at least 30,000, not an estimate." in text


# --------------------------------------------------------------------------- the claims


def test_claims_sentence_counts_and_names_each_later_verdict():
    claims = pd.DataFrame({"claim_id": ["a", "b", "c", "d"],
                           "later_verdict": [engine.SUPPORTED, engine.CONTRADICTED, engine.CONTRADICTED, engine.NO_LATER]})
    assert narrative.claims_sentence(claims).startswith(
        "Of the **4 claims**, the later figures **support 1** (`a`), **contradict 2** (`b`, `c`) and bear on none of "
        "the other 1. Where notebook 05 found"
    )
    one = narrative.claims_sentence(claims.iloc[3:])
    assert one.startswith("Of the **1 claim**, the later figures **support 0** (none), **contradict 0** (none) and "
                          "bear on none of the other 1.")


# --------------------------------------------------------------------------- the figures' titles
# The expected strings were the figure tests' (tests/figures/test_what_happened.py), worked out there by hand.

from tests.figures.test_what_happened import (  # noqa: E402
    EVENTS,
    fmt,
    pi95,
    real,  # noqa: F401 (a fixture: the clean tables frozen at 2025-W39)
    toy_figures,
    toy_monthly,
    toy_weekly,
)


def test_weekly_title_states_the_decline_status_and_the_brand_peak():
    sales = toy_weekly({**ARTICLE, "2025-W22": 7800, "2025-W23": 4370},
                       {"2025-W27": 4900, "2025-W28": 6680, "2025-W35": 11900, "2025-W37": 9800})
    # W22 rebounded above the whole fall, W23 fell back below W19: one clause for both, never "ended" then "below";
    # the rebound rests on one week: 2025-W22 runs Mon 26 May to Sun 1 Jun, across the end of May
    titles = narrative.later_weekly_titles(sales, EVENTS)
    assert titles["en"] == ("After the 2025-W16–W19 fall, SU7 sales rebounded to 7,800 in 2025-W22 but dropped to 4,370 "
                            "in 2025-W23; that rests on n = 1 week (26 May–1 Jun, across the end of May 2025); with the "
                            "YU7, Xiaomi reached 11,900 in 2025-W35")
    assert "11,900" in titles["zh"] or "11900" in titles["zh"]


@pytest.mark.parametrize(("later_weeks", "expected"), [
    # W20 = 12-18 May, W21 = 19-25 May (inside May), W22 = 26 May-1 Jun (across the end of May)
    ({"2025-W20": 6000}, "The fall in SU7 sales over 2025-W16–W19 ended at 2025-W19: 2025-W20 was 6,000, above 2025-W19's "
                         "5,200; that rests on n = 1 week (12 May–18 May)"),
    ({"2025-W20": 4000}, "The fall in SU7 sales continued into 2025-W20 (4,000, below 2025-W19's 5,200); that rests on "
                         "n = 1 week (12 May–18 May)"),
    ({"2025-W22": 4000}, "SU7 sales were still below 2025-W19's 5,200 in 2025-W22 (4,000); that rests on n = 1 week "
                         "(26 May–1 Jun, across the end of May 2025)"),
    ({"2025-W21": 5200}, "The fall in SU7 sales over 2025-W16–W19 had stopped by 2025-W21 (5,200, the same as 2025-W19); "
                         "that rests on n = 1 week (19 May–25 May)"),
    # a rebound, then a week below the article's last: one clause for both weeks, so the title cannot contradict itself
    ({"2025-W20": 6000, "2025-W21": 4000}, "After the 2025-W16–W19 fall, SU7 sales rebounded to 6,000 in 2025-W20 but "
                                           "dropped to 4,000 in 2025-W21; that rests on n = 1 week (12 May–18 May)"),
    ({}, "No SU7 week after 2025-W19 has a figure: whether the fall of 2025-W16–W19 continued is unknown"),
])
def test_weekly_title_follows_the_data(later_weeks, expected):
    # no brand week after the YU7: no brand clause
    assert narrative.later_weekly_titles(toy_weekly({**ARTICLE, **later_weeks}), EVENTS)["en"] == expected


MONTHLY = toy_monthly([
    (1, 20000, "lower", "deliveries", "a"), (1, 22900, "exact", "deliveries", "b"), (1, 22897, "exact", "retail_sales", "c"),
    (4, 28000, "lower", "deliveries", "a"), (4, 28000, "exact", "deliveries", "d"),
    (5, 28000, "lower", "deliveries", "e"),
])


def r1(x: float) -> str:
    """One decimal, as notebook 07's later evidence prints a multiple (Python's format, computed here)."""
    return f"{x:.1f}"


def test_monthly_title_gives_the_multiples_at_one_decimal():
    titles = narrative.monthly_titles(MONTHLY, toy_figures())
    # each month's lowest reading: Jan the lower exact 22,897 (exact figures outrank the lower bound), Apr 28,000, May >= 28,000
    per_week = np.array([22897 / (31 / 7), 28000 / (30 / 7), 28000 / (31 / 7)])
    ratio = per_week / (10000 / (365.25 / 12 / 7))
    design = per_week / (150000 / (365.25 / 7))
    assert (r1(ratio.min()), r1(ratio.max())) == ("2.2", "2.8")
    # without events the title cannot tell SU7-only months from brand months: it says they are brand sales
    assert titles["en"] == ("Jan 2025–May 2025, Xiaomi brand sales ran at 2.2× to 2.8× the article's “actual capacity” "
                            f"(only about 10,000 a month); that is {r1(design.min())}× to {r1(design.max())}× its design "
                            "capacity's rate")
    assert narrative.capacity_words(toy_figures()) == {"en": "only about 10,000", "zh": "约1万辆"}


def test_monthly_title_keeps_su7_only_months_apart_from_brand_months():
    # YU7 deliveries begin 6 Jul: Apr and May are the SU7 alone, Jul and Aug count the YU7 too
    monthly = toy_monthly([(4, 28000, "exact", "deliveries", "a"), (5, 28000, "lower", "deliveries", "b"),
                           (7, 30000, "exact", "deliveries", "c"), (8, 40000, "lower", "deliveries", "d")])
    title = narrative.monthly_titles(monthly, toy_figures(), events=EVENTS)["en"]
    actual_pw = 10000 / (365.25 / 12 / 7)
    su7 = np.array([28000 / (30 / 7), 28000 / (31 / 7)]) / actual_pw  # Apr, May
    brand = np.array([30000 / (31 / 7), 40000 / (31 / 7)]) / actual_pw  # Jul, Aug
    assert title.startswith(f"Apr 2025–May 2025, SU7 sales ran at {r1(su7.min())}× to {r1(su7.max())}× ")
    assert title.endswith(f"; brand totals with the YU7, Jul 2025–Aug 2025: {r1(brand.min())}× to {r1(brand.max())}×")


def test_monthly_title_when_a_month_is_below_capacity():
    low = toy_monthly([(1, 9000, "exact", "deliveries", "a"), (2, 30000, "lower", "deliveries", "b")])
    ratios = np.array([9000 / (31 / 7), 30000 / (28 / 7)]) / (10000 / (365.25 / 12 / 7))
    lo, hi = r1(ratios.min()), r1(ratios.max())
    assert (lo, hi) == ("0.9", "3.3")
    assert narrative.monthly_titles(low, toy_figures())["en"].startswith(
        f"Jan 2025–Feb 2025, Xiaomi brand sales ran at {lo}× to {hi}× the article's")


def test_monthly_title_leaves_out_figures_the_quarterly_totals_rule_out():
    reconciliation = pd.DataFrame({"year": [2025], "quarter": [2], "month": [5], "source_id": ["e"], "units": [28000.0],
                                   "fits_official_total": ["false"]})
    # May has no other figure: no reading, and the multiples stop at April
    assert narrative.monthly_titles(MONTHLY, toy_figures(), reconciliation=reconciliation)["en"].startswith(
        "Jan 2025–Apr 2025, ")


def test_vintage_title_names_the_miss_with_its_bound(real):  # noqa: F811 (the fixture)
    _, _, high = pi95(list(ARTICLE.values()), 6)  # W22 is 6 weeks after W16
    assert fmt(high) == "6,146"
    assert narrative.vintage_titles(real["scored"], real["weekly_sales"])["en"] == (
        "Fitted on the article's 4 weeks (2025-W16–W19), the trend's 95% interval missed "
        f"2025-W22 (7,800 vs ≤ {fmt(high)}); it held 2025-W23 (4,370)")


def test_vintage_default_window_holds_both_weeks(real):  # noqa: F811 (the fixture)
    scored = what_happened.article_vintage_scorecard(real["weekly_sales"])
    assert narrative.vintage_titles(scored, real["weekly_sales"])["en"] == (
        "Fitted on the 6 weeks 2025-W14–W19, the trend's 95% prediction interval held every later week "
        "with a figure: 2025-W22 (7,800), 2025-W23 (4,370)")


def test_vintage_with_no_later_week_says_it_cannot_be_scored():
    sales = toy_weekly(ARTICLE)
    assert narrative.vintage_titles(what_happened.article_vintage_scorecard(sales, window_weeks=4), sales)["en"] == (
        "Fitted on the article's 4 weeks (2025-W16–W19), the trend cannot be scored yet: no week after "
        "2025-W19 has a figure")


def test_vintage_counts_each_week_and_model_once(real):  # noqa: F811 (the fixture)
    scored = real["scored"]  # one fit: W22 outside, W23 inside, W20-W21 without a figure
    doubled = pd.concat([scored, scored], ignore_index=True)
    assert (narrative.vintage_titles(doubled, real["weekly_sales"])
            == narrative.vintage_titles(scored, real["weekly_sales"]))

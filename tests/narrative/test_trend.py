"""Notebook 03's sentences: fits, residual checks, forecasts and the forecast log, from toy weekly tables."""

from __future__ import annotations

import pandas as pd

from helpers.models import trend
from tests.builders import weekly_sales_from
from helpers.narrative import trend as narrative

ARTICLE = {"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}


def toy_fits(n_other: int = 1) -> dict:
    """Four SU7 weeks, and a series ``b`` with ``n_other`` weeks (skipped below 3)."""
    other = {f"2025-W{16 + i}": 100 + 10 * i + (5 if i % 2 else 0) for i in range(n_other)}
    sales = pd.concat([weekly_sales_from(ARTICLE, "xiaomi_su7"), weekly_sales_from(other, "b")])
    return trend.fit_trends(sales, window_weeks=12)


def test_fit_paragraphs_leave_out_skipped_series_and_keep_the_order():
    fits = toy_fits(n_other=1)
    assert isinstance(fits[("b", "linear")], str)
    paragraphs = narrative.fit_paragraphs(fits, 12).split("\n\n")
    assert [p.split(".**")[0] for p in paragraphs] == ["**SU7, linear", "**SU7, log"]
    # The article's weeks fall by 730 a week (least squares over t = 0..3).
    assert "Over the 4 weeks 2025-W16–W19 the linear trend is **−730 units a week**" in paragraphs[0]


def test_residual_check_sentences_for_small_fits_and_for_none():
    checks = trend.residual_checks(toy_fits(n_other=4))
    text = narrative.residual_check_sentences(checks)
    lines = text.split("\n")
    assert [line.split("**:")[0] for line in lines] == ["* **b, linear", "* **b, log", "* **SU7, linear",
                                                        "* **SU7, log"]
    assert lines[2].startswith("* **SU7, linear**: normality test skipped: n = 4 < 8 weeks, too few to test. "
                               "Durbin–Watson is ")
    assert lines[2].endswith(", but from only 4 residuals it is a description, not a test.")
    eight = weekly_sales_from({f"2025-W{w}": 1000 + 37 * (w % 3) - 20 * w for w in range(10, 18)}, "xiaomi_su7")
    assert narrative.residual_check_sentences(trend.residual_checks(trend.fit_trends(eight))) == \
        "Every fit had enough weeks for the normality test."


def test_residual_check_sentence_prints_durbin_watson_with_two_decimals():
    checks = pd.DataFrame({"series": ["a"], "model": ["linear"], "n_weeks": [5], "durbin_watson": [1.005],
                           "shapiro_p": [None], "normality": ["skipped: n = 5 < 8 weeks, too few to test"]})
    assert narrative.residual_check_sentences(checks) == (
        "* **a, linear**: normality test skipped: n = 5 < 8 weeks, too few to test. Durbin–Watson is 1.01, but from "
        "only 5 residuals it is a description, not a test."
    )


def test_forecast_paragraphs_only_for_the_series_asked():
    fits = toy_fits(n_other=4)
    text = narrative.forecast_paragraphs(fits, 2)
    assert [p.split(".**")[0] for p in text.split("\n\n")] == ["**SU7, linear", "**SU7, log"]
    # The line's value two weeks on, W21 (t = 5): 6,275 − 730 × 3.5 = 3,720.
    assert "If the trend of 2025-W16–W19 continued, 2025-W20 would bring **4,450 units**" in text
    assert "and 2025-W21 **3,720**" in text
    assert narrative.forecast_paragraphs(fits, 2, series="b").startswith("**b, linear.** If the trend of 2025-W16–W19")


def test_forecast_log_sentence_counts_vintages_and_outcomes():
    scored = pd.DataFrame({"as_of_week": ["2025-W18"] * 3 + ["2025-W19"] * 2,
                           "outcome": ["inside", "outside", "no actual", "outside", "no actual"]})
    assert narrative.forecast_log_sentence(scored) == (
        "The log holds **5 forecasts** from **2 vintages**. **3** have an actual week so far; **1** fell inside their "
        "95% prediction interval and **2** outside."
    )
    assert narrative.forecast_log_sentence(scored.iloc[:1]).startswith(
        "The log holds **1 forecast** from **1 vintage**. **1** has an actual week so far;")
    assert narrative.forecast_log_sentence(scored.iloc[2:3]).endswith(
        "None of the forecast weeks has an actual figure yet, so none can be scored.")

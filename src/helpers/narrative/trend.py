"""The sentences of notebook 03 (trend): the fits, the residual checks, the forecasts and the forecast log.

The paragraph of one fit and of one forecast are
:func:`helpers.models.trend.describe_fit` and
:func:`helpers.models.trend.describe_forecast`; here they are gathered per
notebook section, and the sentences the notebook used to build inline live.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from helpers.formatting import number, plural
from helpers.models import trend
from helpers.models.scorecard import INSIDE, NO_ACTUAL, OUTSIDE
from helpers.models.trend import TrendFit

__all__ = ["fit_paragraphs", "residual_check_sentences", "forecast_paragraphs", "forecast_log_sentence"]



def _fitted(fits: Mapping[tuple[str, str], TrendFit | str]) -> list[TrendFit]:
    """The fits that were made (a skipped series holds a string saying why)."""
    return [fit for fit in fits.values() if isinstance(fit, TrendFit)]


def fit_paragraphs(fits: Mapping[tuple[str, str], TrendFit | str], window_weeks: int | None = None) -> str:
    """One paragraph per fit (:func:`helpers.models.trend.describe_fit`), skipped series left out.

    >>> sales = pd.concat([weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700}, "a"),
    ...                    weekly_sales_from({"2025-W18": 5}, "b")])
    >>> fits = trend.fit_trends(sales, window_weeks=12)
    >>> sorted(fits), [p.split(".**")[0] for p in fit_paragraphs(fits, 12).split("\\n\\n")]
    ([('a', 'linear'), ('a', 'log'), ('b', 'linear'), ('b', 'log')], ['**a, linear', '**a, log'])
    """
    return "\n\n".join(trend.describe_fit(fit, window_weeks) for fit in _fitted(fits))


def residual_check_sentences(checks: pd.DataFrame) -> str:
    """A bullet per fit whose normality test was skipped, saying what its Durbin–Watson can and cannot tell.

    ``checks`` is :func:`helpers.models.trend.residual_checks` (``shapiro_p`` is
    missing where the test was skipped).

    >>> checks = pd.DataFrame({"series": ["a", "b"], "model": ["linear", "log"], "n_weeks": [4, 9],
    ...                        "durbin_watson": [2.816, 1.9], "shapiro_p": [float("nan"), 0.4],
    ...                        "normality": ["skipped: n = 4 < 8 weeks, too few to test", "Shapiro–Wilk p = 0.4"]})
    >>> print(residual_check_sentences(checks))
    * **a, linear**: normality test skipped: n = 4 < 8 weeks, too few to test. Durbin–Watson is 2.82, but from only 4 residuals it is a description, not a test.
    >>> print(residual_check_sentences(checks.iloc[1:]))
    Every fit had enough weeks for the normality test.
    """
    skipped = checks[checks["shapiro_p"].isna()]
    return "\n".join(
        f"* **{row.series}, {row.model}**: normality test {row.normality}. Durbin–Watson is "
        f"{number(row.durbin_watson, 2)}, but from only {number(row.n_weeks)} residuals it is a description, not a test."
        for row in skipped.itertuples()
    ) or "Every fit had enough weeks for the normality test."


def forecast_paragraphs(
    fits: Mapping[tuple[str, str], TrendFit | str], horizon: int, series: str = trend.SUMMARY_SERIES
) -> str:
    """One paragraph per fit of ``series`` on where its line leads over ``horizon`` weeks
    (:func:`helpers.models.trend.describe_forecast`).

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}, "xiaomi_su7")
    >>> print(forecast_paragraphs(trend.fit_trends(sales, window_weeks=12), 1).split("\\n\\n")[0])
    **xiaomi_su7, linear.** If the trend of 2025-W16–W19 continued, 2025-W20 would bring **4,450 units** (95% prediction interval 2,283 to 6,617).
    """
    return "\n\n".join(
        trend.describe_forecast(fit, trend.forecast_weekly_trend(fit, horizon))
        for fit in _fitted(fits) if fit.series == series
    )


def forecast_log_sentence(scored: pd.DataFrame) -> str:
    """How many forecasts the log holds, from how many vintages, and how those with an actual week fared.

    ``scored`` is :func:`helpers.models.scorecard.score_forecasts` (``as_of_week`` is the vintage).

    >>> scored = pd.DataFrame({"as_of_week": ["2025-W18", "2025-W18", "2025-W19"],
    ...                        "outcome": ["inside", "no actual", "outside"]})
    >>> print(forecast_log_sentence(scored))
    The log holds **3 forecasts** from **2 vintages**. **2** have an actual week so far; **1** fell inside their 95% prediction interval and **1** outside.
    >>> print(forecast_log_sentence(scored.iloc[1:2]))
    The log holds **1 forecast** from **1 vintage**. None of the forecast weeks has an actual figure yet, so none can be scored.
    """
    outcome = scored["outcome"].astype(str)
    n_actual = int((outcome != NO_ACTUAL).sum())
    text = (f"The log holds **{plural(len(scored), 'forecast')}** from "
            f"**{plural(int(scored['as_of_week'].nunique()), 'vintage')}**. ")
    if not n_actual:
        return text + "None of the forecast weeks has an actual figure yet, so none can be scored."
    return text + (
        f"**{number(n_actual)}** {'has' if n_actual == 1 else 'have'} an actual week so far; "
        f"**{number(int((outcome == INSIDE).sum()))}** fell inside their 95% prediction interval and "
        f"**{number(int((outcome == OUTSIDE).sum()))}** outside."
    )

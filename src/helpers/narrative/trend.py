"""The sentences of notebook 03 (trend): the fits, the residual checks, the forecasts and the forecast log.

The paragraph of one fit (:func:`fit_paragraph`) and of one forecast (:func:`forecast_paragraph`),
gathered per notebook section; the models return the numbers, the words live here.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from helpers.formatting import number, plural, round_float, week_span
from helpers.labels import name_of
from helpers.models import trend
from helpers.models.scorecard import INSIDE, NO_ACTUAL, OUTSIDE
from helpers.models.trend import TrendFit

__all__ = ["fit_paragraph", "forecast_paragraph", "fit_paragraphs", "residual_check_sentences", "forecast_paragraphs", "forecast_log_sentence"]



def fit_paragraph(fit: TrendFit, window_weeks: int | None = None) -> str:
    """One paragraph of Markdown stating the fit in words, every number taken from ``fit``.

    Says plainly when the sample is small, when weeks are missing, and whether
    the slope's interval excludes zero.

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}, "xiaomi_su7")
    >>> print(fit_paragraph(trend.fit_weekly_trend(trend.select_window(sales, "xiaomi_su7")), window_weeks=12))
    **SU7, linear.** Over the 4 weeks 2025-W16–W19 the linear trend is **−730 units a week** (95% CI −1,343 to −117). The interval excludes zero. The line accounts for 93% of the variation between weeks (R² = 0.929). **Small sample:** n = 4 weeks (fewer than 8), 2 degrees of freedom, so the 95% interval uses t = 4.30; the 12-week window holds figures for only 4 weeks. Read this as a description of these weeks, not as a law that will hold.
    """
    from scipy import stats

    lo, hi = fit.slope_ci95
    if fit.model == "log":
        p_lo, p_hi = fit.pct_change_ci95
        text = (
            f"Over the {fit.n_weeks} weeks {week_span(fit.first_week, fit.last_week)} the log-linear trend changes sales by "
            f"**{number(fit.pct_change_per_week, 1)}% a week** "
            f"(95% CI {number(p_lo, 1)}% to {number(p_hi, 1)}%)."
        )
    else:
        text = (
            f"Over the {fit.n_weeks} weeks {week_span(fit.first_week, fit.last_week)} the linear trend is "
            f"**{number(fit.slope)} units a week** (95% CI {number(lo)} to {number(hi)})."
        )
    parts = [f"**{name_of('later_series', fit.series)}, {fit.model}.** {text}"]
    if lo > 0 or hi < 0:
        parts.append("The interval excludes zero.")
    else:
        parts.append("The interval includes zero: these weeks cannot rule out a flat trend.")
    if fit.r_squared is None:
        parts.append("The figures do not vary across these weeks, so R² is undefined.")
    else:
        parts.append(
            f"The line accounts for {number(100 * fit.r_squared)}% of the variation between weeks "
            f"(R² = {round_float(fit.r_squared):.3f})."
        )
    if fit.missing_weeks:
        parts.append(f"No figure for {', '.join(fit.missing_weeks)}: left as a gap, not filled.")
    if fit.window_note:
        parts.append(f"**Regime:** the {fit.window_note[0].lower()}{fit.window_note[1:]}.")
    if fit.small_sample:
        t_crit = stats.t.ppf(0.975, fit.df_resid)  # the 95% two-sided interval of the fit
        small = (
            f"**Small sample:** n = {fit.n_weeks} weeks (fewer than {trend.SMALL_SAMPLE_WEEKS}), "
            f"{fit.df_resid} degree{'s' if fit.df_resid != 1 else ''} of freedom, so the 95% interval uses "
            f"t = {round_float(t_crit, 2):.2f}"
        )
        if window_weeks is not None and fit.n_weeks < window_weeks:
            small += f"; the {window_weeks}-week window holds figures for only {fit.n_weeks} weeks"
        parts.append(small + ". Read this as a description of these weeks, not as a law that will hold.")
    return " ".join(parts)


def forecast_paragraph(fit: TrendFit, forecast: pd.DataFrame) -> str:
    """One paragraph of Markdown on where the trend leads, numbers taken from ``forecast``.

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}, "xiaomi_su7")
    >>> fit = trend.fit_weekly_trend(trend.select_window(sales, "xiaomi_su7"))
    >>> print(forecast_paragraph(fit, trend.forecast_weekly_trend(fit, horizon=4)))
    **SU7, linear.** If the trend of 2025-W16–W19 continued, 2025-W20 would bring **4,450 units** (95% prediction interval 2,283 to 6,617) and 2025-W23 **2,260** (−1,444 to 5,964). From 2025-W22 the lower bound is below zero, which weekly sales cannot be: the straight line cannot be carried much further.
    """
    first, last = forecast.iloc[0], forecast.iloc[-1]

    def interval(row) -> str:
        return f"{number(row['pi95_low'])} to {number(row['pi95_high'])}"

    text = (
        f"**{name_of('later_series', fit.series)}, {fit.model}.** If the trend of {week_span(fit.first_week, fit.last_week)} continued, {first['week']} would bring "
        f"**{number(first['mean'])} units** (95% prediction interval {interval(first)})"
    )
    if len(forecast) > 1:
        text += f" and {last['week']} **{number(last['mean'])}** ({interval(last)})"
    text += "."
    if fit.model == "log":
        text += " These are back-transformed medians (exp of the log-scale prediction), not means."
    below = forecast[forecast["pi95_low"] < 0]
    if len(below):
        text += (
            f" From {below['week'].iloc[0]} the lower bound is below zero, which weekly sales cannot be: "
            "the straight line cannot be carried much further."
        )
    return text




def _fitted(fits: Mapping[tuple[str, str], TrendFit | str]) -> list[TrendFit]:
    """The fits that were made (a skipped series holds a string saying why)."""
    return [fit for fit in fits.values() if isinstance(fit, TrendFit)]


def fit_paragraphs(fits: Mapping[tuple[str, str], TrendFit | str], window_weeks: int | None = None) -> str:
    """One paragraph per fit (:func:`fit_paragraph`), skipped series left out.

    >>> sales = pd.concat([weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700}, "a"),
    ...                    weekly_sales_from({"2025-W18": 5}, "b")])
    >>> fits = trend.fit_trends(sales, window_weeks=12)
    >>> sorted(fits), [p.split(".**")[0] for p in fit_paragraphs(fits, 12).split("\\n\\n")]
    ([('a', 'linear'), ('a', 'log'), ('b', 'linear'), ('b', 'log')], ['**a, linear', '**a, log'])
    """
    return "\n\n".join(fit_paragraph(fit, window_weeks) for fit in _fitted(fits))


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
        f"* **{name_of('later_series', row.series)}, {row.model}**: normality test {row.normality}. Durbin–Watson is "
        f"{number(row.durbin_watson, 2)}, but from only {number(row.n_weeks)} residuals it is a description, not a test."
        for row in skipped.itertuples()
    ) or "Every fit had enough weeks for the normality test."


def forecast_paragraphs(
    fits: Mapping[tuple[str, str], TrendFit | str], horizon: int, series: str = trend.SUMMARY_SERIES
) -> str:
    """One paragraph per fit of ``series`` on where its line leads over ``horizon`` weeks
    (:func:`forecast_paragraph`).

    >>> sales = weekly_sales_from({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}, "xiaomi_su7")
    >>> print(forecast_paragraphs(trend.fit_trends(sales, window_weeks=12), 1).split("\\n\\n")[0])
    **SU7, linear.** If the trend of 2025-W16–W19 continued, 2025-W20 would bring **4,450 units** (95% prediction interval 2,283 to 6,617).
    """
    return "\n\n".join(
        forecast_paragraph(fit, trend.forecast_weekly_trend(fit, horizon))
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

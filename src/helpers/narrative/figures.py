"""The sentences of notebook 06 (figures): the headline of ``reports/summary.json`` and each figure's caveats."""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from helpers.claims.article_rules import INCONSISTENT, VERDICTS
from helpers.formatting import md_literal, measure_words, number, plural, week_span
from helpers.data.roles import FIGURE

__all__ = [
    "labels_sentence",
    "findings_headline",
    "trend_caveats",
    "orders_caveats",
    "run_rate_caveats",
    "claims_caveats",
    "quality_caveats",
]

#: The two order figures of the orders figure (``figure_id`` in ``figures.csv``), in the order drawn.
ORDER_FIGURES = (FIGURE.march_week_orders, FIGURE.may_fortnight_orders)
#: The complaint count of the quality list that puts the SU7 last.
QUALITY_COMPLAINTS = FIGURE.cqn_complaints


def labels_sentence(lang: str, series: str, as_of: str) -> str:
    """The language of the labels and the week the weekly sales of ``series`` run to.

    >>> print(labels_sentence("en", "xiaomi_su7", "2025-W23"))
    Labels in **en**; weekly sales of `xiaomi_su7` run to **2025-W23**.
    """
    return f"Labels in **{lang}**; weekly sales of `{series}` run to **{as_of}**."


def findings_headline(summary: Mapping[str, Any]) -> str:
    """The headline trend (from 03) and the audit's verdict counts (from 05), from ``reports/summary.json``.

    ``summary`` is :func:`helpers.report.summary.write_summary`'s dict: its
    ``trend`` (``slope_units_per_week``, ``slope_ci95``, ``n_weeks``, ``small_sample``, ...)
    and ``claims`` (one dict per claim, with its ``verdict``).

    >>> trend = {"series": "xiaomi_su7", "measure": "insurance_registrations", "model": "linear", "first_week": "2025-W16", "last_week": "2025-W19",
    ...          "n_weeks": 4, "slope_units_per_week": -730.0, "slope_ci95": [-1343.0, -117.0], "small_sample": True}
    >>> claims = [{"verdict": "consistent"}, {"verdict": "inconsistent"}, {"verdict": "consistent"}]
    >>> print(findings_headline({"trend": trend, "claims": claims}))
    **Headline.** Over 2025-W16–W19 the linear trend of weekly `xiaomi_su7` insurance registrations is **−730 units a week** (95% CI −1,343 to −117; n = 4 weeks, a small sample). The audit checked **3 claims**: 2 consistent, 1 inconsistent, 0 unverifiable.
    """
    trend = summary["trend"]
    lo, hi = trend["slope_ci95"]
    verdicts = [claim["verdict"] for claim in summary["claims"]]
    return (
        f"**Headline.** Over {week_span(trend['first_week'], trend['last_week'])} the {trend['model']} trend of weekly "
        f"`{trend['series']}` {measure_words(trend.get('measure'))} is **{number(trend['slope_units_per_week'])} units a week** "
        f"(95% CI {number(lo)} to {number(hi)}; n = {plural(trend['n_weeks'], 'week')}"
        + (", a small sample" if trend["small_sample"] else "") + "). "
        + ("The interval includes zero, so these weeks cannot rule out a flat trend. " if lo <= 0 <= hi else "")
        + f"The audit checked **{plural(len(verdicts), 'claim')}**: "
        + ", ".join(f"{number(verdicts.count(v))} {v}" for v in VERDICTS) + "."
    )


def trend_caveats(trend_fits: pd.DataFrame, series: str) -> str:
    """The caveats of the weekly-sales figure: n, degrees of freedom, R², the weeks without a figure.

    ``trend_fits`` is ``data/processed/trend/trend_fits.csv``; the linear fit of
    ``series`` is used (``missing_weeks`` is space-separated, empty when none).

    >>> fits = pd.DataFrame({"series": ["a", "a"], "model": ["linear", "log"], "n_weeks": [5, 5], "df_resid": [3, 3],
    ...                      "small_sample": [True, True], "r_squared": [0.456, 0.5], "missing_weeks": ["2025-W20", ""]})
    >>> print(trend_caveats(fits, "a"))
    **Caveats.** The line rests on **n = 5 weeks** (3 degrees of freedom), a small sample: one unusual week can swing the slope. R² = 0.46. Weeks without a figure: 2025-W20. The fan assumes the straight line goes on; it is a description of these weeks carried forward, not a forecast of what buyers will do.
    """
    fit = trend_fits[(trend_fits["series"] == series) & (trend_fits["model"] == "linear")].iloc[0]
    missing = str(fit["missing_weeks"]).split() if isinstance(fit["missing_weeks"], str) else []
    return (
        f"**Caveats.** The line rests on **n = {plural(int(fit['n_weeks']), 'week')}** "
        f"({plural(int(fit['df_resid']), 'degree')} of freedom)"
        + (", a small sample: one unusual week can swing the slope" if fit["small_sample"] else "")
        + f". R² = {number(fit['r_squared'], 2)}. "
        + (f"Weeks without a figure: {', '.join(missing)}. " if missing else "")
        + "The fan assumes the straight line goes on; it is a description of these weeks carried forward, "
        "not a forecast of what buyers will do."
    )


def orders_caveats(figures: pd.DataFrame) -> str:
    """The caveats of the orders figure: two printed figures, each over the weeks it covers.

    ``figures`` is the clean figures table (``period_weeks``, ``period_as_printed`` by ``figure_id``).

    >>> figures = pd.DataFrame({"figure_id": list(ORDER_FIGURES), "as_printed": ["2万辆", "1万辆"],
    ...                         "period_weeks": [1.0, 2.0], "period_as_printed": ["one week", "two weeks"]})
    >>> print(orders_caveats(figures))
    **Caveats.** These are **n = 2 printed figures**, 2万辆 over 1 week (one week) and 1万辆 over 2 weeks (two weeks). Dividing May's total by its weeks assumes both weeks were alike; the article gives no breakdown. One week of March need not be March's average.
    """
    orders = figures.set_index("figure_id").loc[list(ORDER_FIGURES)]
    return (
        f"**Caveats.** These are **n = {plural(len(orders), 'printed figure')}**, "
        + " and ".join(f"{md_literal(row.as_printed)} over {plural(int(row.period_weeks), 'week')} ({md_literal(row.period_as_printed)})"
                       for row in orders.itertuples())
        + ". Dividing May's total by its weeks assumes both weeks were alike; the article gives no "
        "breakdown. One week of March need not be March's average."
    )


def run_rate_caveats(comparison: pd.DataFrame, scenarios: pd.DataFrame) -> str:
    """The caveats of the run-rate figure: arithmetic, not an estimate; how many rates are one figure; the wait.

    ``comparison`` and ``scenarios`` are ``data/processed/run_rate/`` tables
    (``n_values`` per quantity; ``wait_weeks`` of the mid scenario).

    >>> comparison = pd.DataFrame({"quantity": ["design_capacity", "weekly_sales_mean"], "n_values": [1, 4]})
    >>> scenarios = pd.DataFrame({"scenario": ["low", "mid"], "supply_basis": ["design_capacity"] * 2,
    ...                           "wait_weeks": [50.0, 52.18]})
    >>> print(run_rate_caveats(comparison, scenarios))
    **Caveats.** This is **arithmetic on a handful of article figures, not an estimate**: there is no sampling error, only the spread between readings. 1 of the 2 rates is a single printed figure; the sales run-rate is the mean of 4 weeks. The wait (52.2 weeks) is one figure, printed with 将近 ('nearly'). Flows are held constant for the whole path, which no factory or order book does.
    """
    mid = scenarios[scenarios["scenario"] == "mid"]
    n_single = int((comparison["n_values"] == 1).sum())
    n_sales = int(comparison.set_index("quantity").loc["weekly_sales_mean", "n_values"])
    return (
        "**Caveats.** This is **arithmetic on a handful of article figures, not an estimate**: there is no "
        f"sampling error, only the spread between readings. {number(n_single)} of the {number(len(comparison))} rates "
        + ("is a single printed figure" if n_single == 1 else "are a single printed figure each")
        + f"; the sales run-rate is the mean of {plural(n_sales, 'week')}. "
        f"The wait ({number(mid['wait_weeks'].iloc[0], 1)} weeks) is one figure, printed with 将近 ('nearly'). "
        "Flows are held constant for the whole path, which no factory or order book does."
    )


def claims_caveats(audit: pd.DataFrame) -> str:
    """The caveats of the claims figure: one rule per claim; what *inconsistent* and *unverifiable* do not mean.

    >>> audit = pd.DataFrame({"claim_id": ["a", "b", "c"], "verdict": ["consistent", "inconsistent", "unverifiable"]})
    >>> print(claims_caveats(audit))
    **Caveats.** 3 claims, each judged by one rule with a stated tolerance (`helpers.claims.article_rules`). The 1 inconsistent one (`b`) is a pair of figures that cannot both hold as printed; the audit does not say which one is wrong. *Unverifiable* means the data hold nothing to check the claim against, not that it is false.
    """
    inconsistent = audit.loc[audit["verdict"] == INCONSISTENT, "claim_id"].tolist()
    if inconsistent:
        one = len(inconsistent) == 1
        pairs = (f"The {number(len(inconsistent))} inconsistent {'one' if one else 'ones'} "
                 f"({', '.join(f'`{c}`' for c in inconsistent)}) {'is a pair' if one else 'are pairs'} of figures that "
                 "cannot both hold as printed; the audit does not say which one is wrong. ")
    else:
        pairs = "No two figures were found that cannot both hold as printed. "
    return (
        f"**Caveats.** {plural(len(audit), 'claim')}, each judged by one rule with a stated tolerance "
        f"(`helpers.claims.article_rules`). {pairs}"
        "*Unverifiable* means the data hold nothing to check the claim against, not that it is false."
    )


def quality_caveats(figures: pd.DataFrame) -> str:
    """The caveats of the quality figure: one score and one place per list, and how few complaints the worst rests on.

    >>> figures = pd.DataFrame({"figure_id": [QUALITY_COMPLAINTS], "value_mid": [7.0]})
    >>> print(quality_caveats(figures))
    **Caveats.** One score and one place per list (**n = 1 each**). Neither list's length nor its scoring method is in the data, so 'last' cannot be turned into a rank number. The list that puts the SU7 last shows only 7 complaints in three months (which three is not stated).
    """
    complaints = figures.set_index("figure_id").loc[QUALITY_COMPLAINTS, "value_mid"]
    return (
        "**Caveats.** One score and one place per list (**n = 1 each**). Neither list's length nor its scoring "
        "method is in the data, so 'last' cannot be turned into a rank number. The list that puts the SU7 last "
        f"shows only {number(complaints)} complaints in three months (which three is not stated)."
    )

"""The sentences of notebook 02 (clean): where published weekly figures disagree, and the orders the article compares."""

from __future__ import annotations

import pandas as pd

from helpers.formatting import md_literal, number, plural, signed_percent
from helpers.data.roles import FIGURE

__all__ = ["disagreements_sentence", "orders_fall_sentence"]

#: The two order figures the article sets against each other (``figure_id`` in ``figures.csv``).
MAY_ORDERS, MARCH_ORDERS = FIGURE.may_fortnight_orders, FIGURE.march_week_orders


def disagreements_sentence(disagreements: pd.DataFrame) -> str:
    """How many other published figures there are, for how many weeks, and the largest gap to the chosen figure.

    ``disagreements`` is the clean ``weekly_sales_disagreements`` table
    (``difference_pct`` is in percent of the chosen figure).

    >>> table = pd.DataFrame({"week": ["2025-W16", "2025-W16"], "series": ["xiaomi_su7"] * 2,
    ...                       "chosen_units": [7200, 7200], "other_units": [7160, 7200], "other_source": ["a", "b"],
    ...                       "difference_pct": [-0.56, 0.0]})
    >>> print(disagreements_sentence(table))
    2 alternative figures for 1 week. The largest gap is 2025-W16 (xiaomi_su7): 7,160 from `a` against 7,200 chosen, −0.6%.
    >>> print(disagreements_sentence(table.iloc[0:0]))
    No week has a second published figure yet.
    """
    if disagreements.empty:
        return "No week has a second published figure yet."
    largest = disagreements.loc[disagreements["difference_pct"].abs().idxmax()]
    return (
        f"{plural(len(disagreements), 'alternative figure')} for {plural(int(disagreements['week'].nunique()), 'week')}. "
        f"The largest gap is {largest['week']} ({largest['series']}): {number(largest['other_units'])} from "
        f"`{largest['other_source']}` against {number(largest['chosen_units'])} chosen, "
        f"{signed_percent(largest['difference_pct'] / 100)}."
    )


def orders_fall_sentence(figures: pd.DataFrame) -> str:
    """The article's May orders against its March orders: the fall in the totals as printed, and per week.

    ``figures`` is the clean figures table; the two rows are found by ``figure_id``
    (``value_mid`` is the total, ``per_week_mid`` the same over the weeks it covers).

    >>> figures = pd.DataFrame({"figure_id": [MARCH_ORDERS, MAY_ORDERS], "as_printed": ["100辆", "80辆"],
    ...                         "period_as_printed": ["one week", "two weeks"], "value_mid": [100.0, 80.0],
    ...                         "per_week_mid": [100.0, 40.0]})
    >>> print(orders_fall_sentence(figures))
    The article sets **80辆** (two weeks) against **100辆** (one week). Side by side, the totals fall by 20%; per week (40 against 100 orders) the fall is **60%**.
    """
    by_id = figures.set_index("figure_id")
    may, march = by_id.loc[MAY_ORDERS], by_id.loc[MARCH_ORDERS]
    fall_in_totals = 1 - may["value_mid"] / march["value_mid"]
    fall_per_week = 1 - may["per_week_mid"] / march["per_week_mid"]
    return (
        f"The article sets **{md_literal(may['as_printed'])}** ({md_literal(may['period_as_printed'])}) against "
        f"**{md_literal(march['as_printed'])}** ({md_literal(march['period_as_printed'])}). Side by side, the totals fall by {number(100 * fall_in_totals)}%; per week "
        f"({number(may['per_week_mid'])} against {number(march['per_week_mid'])} orders) the fall is "
        f"**{number(100 * fall_per_week)}%**."
    )

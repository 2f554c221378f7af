"""Sentences of notebook 08 (Xiaomi against the market and the calendar), built from its results.

Numbers come from :mod:`helpers.models.brand_changes`; this module only words them.
"""

from __future__ import annotations

import math
from typing import Iterable

import pandas as pd

from helpers.formatting import number, plural, signed_percent, week_span
from helpers.models.brand_changes import COMPARISONS

__all__ = ["brand_change_sentences", "left_out_sentence"]

#: What each comparison is, in words: the models' own description (one home for it).
_MEANINGS = {c.name: c.meaning for c in COMPARISONS}


def _change_list(changes: pd.DataFrame) -> str:
    peers = changes[~changes["is_xiaomi"]].sort_values("change", kind="mergesort")
    return ", ".join(f"{r.brand} {signed_percent(r.change)}" for r in peers.itertuples())


def brand_change_sentences(changes: pd.DataFrame, spread: pd.DataFrame, expected: Iterable[str] = tuple(_MEANINGS)) -> str:
    """One paragraph per comparison: Xiaomi's change, the peers' changes and pooled change, and the test's answer.

    A comparison of ``expected`` that the data cannot make gets a sentence saying so.

    >>> changes = pd.DataFrame({"comparison": "article_weeks", "brand": ["xiaomi", "byd", "li_auto", "tesla_china"],
    ...     "is_xiaomi": [True, False, False, False], "change": [-0.278, 0.207, -0.068, -0.544]})
    >>> spread = pd.DataFrame({"comparison": ["article_weeks"], "first_week": ["2025-W16"], "last_week": ["2025-W19"],
    ...     "n_peers": [3], "xiaomi_change": [-0.278], "peers_pooled_change": [0.082], "peers_below_xiaomi": [1],
    ...     "xiaomi_excess_log": [-0.2], "excess_low": [-1.6], "excess_high": [1.3], "within_spread": [True]})
    >>> print(brand_change_sentences(changes, spread, expected=["article_weeks"]))
    **The article's weeks (2025-W16→W19).** Xiaomi −27.8%; the 3 other brands printed at both ends: tesla_china −54.4%, li_auto −6.8%, byd +20.7% (together +8.2%). 1 of 3 fell further than Xiaomi. Xiaomi's change lies **within the spread** of the others: its excess over their mean, −18.1% (95% interval −79.8% to +266.9%), holds zero. With 3 brands the interval is wide: a difference smaller than that cannot be told from the brands' own spread.
    """
    paragraphs = []
    for row in spread.to_dict("records"):
        name = str(row["comparison"])
        mine = changes[changes["comparison"] == name]
        head = (f"**{_MEANINGS.get(name, name)[0].upper() + _MEANINGS.get(name, name)[1:]} "
                f"({week_span(row['first_week'], row['last_week'], sep=chr(0x2192))}).** ")
        n = int(row["n_peers"])
        if math.isnan(float(row["xiaomi_change"])):
            paragraphs.append(head + f"Xiaomi is not printed at both ends; the {plural(n, 'brand')} that are: "
                              f"{_change_list(mine)} (together {signed_percent(row['peers_pooled_change'])}).")
            continue
        text = head + f"Xiaomi {signed_percent(row['xiaomi_change'])}; "
        if n == 0:
            paragraphs.append(text + "no other brand is printed at both ends, so there is nothing to compare it with.")
            continue
        text += (f"the {plural(n, 'other brand')} printed at both ends: {_change_list(mine)} "
                 f"(together {signed_percent(row['peers_pooled_change'])}). "
                 f"{number(row['peers_below_xiaomi'])} of {number(n)} fell further than Xiaomi.")
        within = row["within_spread"]
        if within is pd.NA or (isinstance(within, float) and math.isnan(within)) or n < 3:
            text += f" With {plural(n, 'other brand')}, no interval is given: at least 3 are needed."
        else:
            excess, low, high = (math.expm1(float(row[k])) for k in ("xiaomi_excess_log", "excess_low", "excess_high"))
            where = "**within the spread**" if bool(within) else "**outside the spread**"
            text += (f" Xiaomi's change lies {where} of the others: its excess over their mean, {signed_percent(excess)} "
                     f"(95% interval {signed_percent(low)} to {signed_percent(high)}), "
                     f"{'holds' if bool(within) else 'excludes'} zero.")
            if bool(within):
                text += (f" With {number(n)} brands the interval is wide: a difference smaller than that "
                         "cannot be told from the brands' own spread.")
        paragraphs.append(text)
    missing = [c for c in expected if c not in set(spread["comparison"].astype(str))]
    for name in missing:
        meaning = _MEANINGS.get(name, name)
        paragraphs.append(f"**{meaning[0].upper() + meaning[1:]}:** not in the data (no weekly list "
                          "printing a brand at both ends), so this comparison cannot be made.")
    return "\n\n".join(paragraphs)




def left_out_sentence(left: pd.DataFrame) -> str:
    """The brands a comparison leaves out, each with why, one line per comparison (empty when none is).

    >>> left = pd.DataFrame({"comparison": ["article_weeks", "article_weeks"], "brand": ["zeekr", "nio"],
    ...                      "reason": ["not printed in 2025-W16", "left out by the brands parameter"]})
    >>> print(left_out_sentence(left))
    Left out of the article's weeks: zeekr (not printed in 2025-W16), nio (left out by the brands parameter).
    """
    lines = []
    for name, group in left.groupby("comparison", sort=False):
        listed = ", ".join(f"{r.brand} ({r.reason})" for r in group.itertuples())
        lines.append(f"Left out of {_MEANINGS.get(str(name), str(name)).split(' (')[0]}: {listed}.")
    return "\n\n".join(lines)

"""Sentences of notebook 08 (Xiaomi against the market and the calendar), built from its results.

Numbers come from :mod:`helpers.models.brand_changes` and, for the calendar, from the summary key
``calendar_specifications`` (:func:`helpers.models.calendar_specifications.specifications_summary`); this
module only words them.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import pandas as pd

from helpers.formatting import number, plural, signed_percent, week_span
from helpers.models.brand_changes import COMPARISONS

__all__ = ["brand_change_sentences", "left_out_sentence", "calendar_range_sentence"]

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


# --------------------------------------------------------------------------- the calendar (issue 24, item 3)

#: What the calendar may explain, in the order the sentence lists them, each worded the same way.
_SHARE_WORDS = (("allows_none", "none"), ("allows_part", "part"), ("allows_all", "all"))


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def calendar_range_sentence(summary: Mapping[str, Any]) -> str:
    """The calendar's part of the dip as the range across specifications, worded symmetrically (none, part, all).

    ``summary`` is the ``calendar_specifications`` key of notebook 08's summary.
    No single percentage is given unless the specifications agree within their
    declared tolerance; each of none, part and all of the dip is said to be allowed
    or not by the same test (0%, a value between 0% and 100%, 100% inside the span of
    the 95% intervals).

    >>> s = {"from_week": "2025-W16", "to_week": "2025-W19", "n_specs": 8, "n_declared": 8, "not_fitted": [],
    ...      "percent_low": 25.6, "percent_high": 69.7, "interval_low": 1.3, "interval_high": 120.1,
    ...      "tolerance_pp": 20.0, "agree": False, "headline_percent": None,
    ...      "allows_none": False, "allows_part": True, "allows_all": True}
    >>> print(calendar_range_sentence({**s, "drop_one_low": 7.2, "drop_one_high": 109.5}))
    Learnt from other holidays (the other brands' weeks outside 2025-W16-W19) and applied to those weeks, the calendar accounts for 26% to 70% of Xiaomi's log fall from 2025-W16 to 2025-W19, depending on the specification (8 specifications; their 95% intervals together run from 1% to 120%). Leaving out any one week of a specification's fit moves its share between 7% and 110%. The specifications differ by more than 20 percentage points, so no single percentage is given. On these intervals the calendar may explain part or all of the dip; they rule out that it explains none of it. Pooled fits' intervals are clustered by week (the brands of one week share its shocks), and the model was written down after the data had been seen (docs/calendar-model.md): read the range, not any one interval.
    """
    first, last = str(summary["from_week"]), str(summary["to_week"])
    span = week_span(first, last, "-")
    n, declared = int(summary["n_specs"]), int(summary["n_declared"])
    low, high = number(summary["percent_low"]), number(summary["percent_high"])
    i_low, i_high = number(summary["interval_low"]), number(summary["interval_high"])
    tolerance = number(summary["tolerance_pp"])
    amount = f"{low}%" if low == high else f"{low}% to {high}%"
    text = (f"Learnt from other holidays (the other brands' weeks outside {span}) and applied to those weeks, the "
            f"calendar accounts for {amount} of Xiaomi's log fall from {first} to {last}, depending on the "
            f"specification ({plural(n, 'specification')}; their 95% intervals together run from {i_low}% to {i_high}%).")
    if declared > n:
        text += (f" {plural(declared - n, 'declared specification')} could not be fitted "
                 f"({', '.join(summary.get('not_fitted', []))}).")
    if summary.get("drop_one_low") is not None and summary.get("drop_one_high") is not None:
        text += (f" Leaving out any one week of a specification's fit moves its share between "
                 f"{number(summary['drop_one_low'])}% and {number(summary['drop_one_high'])}%.")
    if summary["agree"]:
        text += (f" The specifications agree within {tolerance} percentage points: about "
                 f"{number(summary['headline_percent'])}%.")
    else:
        text += (f" The specifications differ by more than {tolerance} percentage points, so no single percentage "
                 "is given.")
    allowed = [word for key, word in _SHARE_WORDS if summary[key]]
    ruled_out = [word for key, word in _SHARE_WORDS if not summary[key]]
    if allowed:
        text += f" On these intervals the calendar may explain {_or_list(allowed)} of the dip"
        text += f"; they rule out that it explains {_or_list(ruled_out)} of it." if ruled_out else "."
    else:
        text += " The intervals lie outside 0% to 100%: the calendar would move these weeks the other way."
    text += (" Pooled fits' intervals are clustered by week (the brands of one week share its shocks), and the "
             "model was written down after the data had been seen (docs/calendar-model.md): read the range, not "
             "any one interval.")
    return text

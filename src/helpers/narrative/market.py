"""Sentences of notebook 08 (Xiaomi against the market and the calendar), built from its results.

Numbers come from :mod:`helpers.models.brand_changes`; this module only words them.
"""

from __future__ import annotations

import math
from typing import Iterable

import pandas as pd

from helpers.formatting import number, plural, signed_percent, week_runs, week_span
from helpers.labels import name_of
from helpers.models.brand_changes import COMPARISONS

__all__ = ["brand_change_sentences", "left_out_sentence", "months_beside_weeks_sentence", "MEASURES_SENTENCE"]

#: What each comparison is, in words: the models' own description (one home for it).
_MEANINGS = {c.name: c.meaning for c in COMPARISONS}


def _change_list(changes: pd.DataFrame) -> str:
    peers = changes[~changes["is_xiaomi"]].sort_values("change", kind="mergesort")
    return ", ".join(f"{name_of('brand', r.brand)} {signed_percent(r.change)}" for r in peers.itertuples())


def brand_change_sentences(changes: pd.DataFrame, spread: pd.DataFrame, expected: Iterable[str] = tuple(_MEANINGS)) -> str:
    """One paragraph per comparison: Xiaomi's change, the peers' changes and pooled change, and the test's answer.

    A comparison of ``expected`` that the data cannot make gets a sentence saying so.

    >>> changes = pd.DataFrame({"comparison": "article_weeks", "brand": ["xiaomi", "byd", "li_auto", "tesla_china"],
    ...     "is_xiaomi": [True, False, False, False], "change": [-0.278, 0.207, -0.068, -0.544]})
    >>> spread = pd.DataFrame({"comparison": ["article_weeks"], "first_week": ["2025-W16"], "last_week": ["2025-W19"],
    ...     "n_peers": [3], "xiaomi_change": [-0.278], "peers_pooled_change": [0.082], "peers_below_xiaomi": [1],
    ...     "xiaomi_excess_log": [-0.2], "excess_low": [-1.6], "excess_high": [1.3], "within_spread": [True]})
    >>> print(brand_change_sentences(changes, spread, expected=["article_weeks"]))
    **The article's weeks (2025-W16→W19).** Xiaomi −27.8%; the 3 other brands printed at both ends: Tesla China −54.4%, Li Auto −6.8%, BYD +20.7% (together +8.2%). 1 of 3 fell further than Xiaomi. Xiaomi's change lies **within the spread** of the others: its excess over their mean, −18.1% (95% interval −79.8% to +266.9%), holds zero. With 3 brands the interval is wide: a difference smaller than that cannot be told from the brands' own spread.
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
    weeks_of = {c.name: (c.first_week, c.last_week) for c in COMPARISONS}
    missing = [c for c in expected if c not in set(spread["comparison"].astype(str))]
    for name in missing:
        meaning = _MEANINGS.get(name, name)
        first, last = weeks_of.get(name, ("its first week", "its last week"))
        paragraphs.append(f"**{meaning[0].upper() + meaning[1:]}:** cannot be made: no weekly list in the data "
                          f"prints any brand in both {first} and {last}. The lists of those two weeks would allow it.")
    return "\n\n".join(paragraphs)




def left_out_sentence(left: pd.DataFrame) -> str:
    """The brands a comparison leaves out, by plain name, grouped by why, one line per comparison (empty when none is).

    >>> left = pd.DataFrame({"comparison": ["article_weeks"] * 3, "brand": ["zeekr", "aito", "nio_brand"],
    ...     "reason": ["not printed in 2025-W16", "not printed in 2025-W16", "counts some of the same cars as nio_group"]})
    >>> print(left_out_sentence(left))
    Left out of the article's weeks: Zeekr and AITO (not printed in 2025-W16); NIO (brand) (counts some of the same cars as NIO (group)).
    """
    lines = []
    for name, group in left.groupby("comparison", sort=False):
        reasons = []
        for reason, brands in group.groupby("reason", sort=False):
            names = [name_of("brand", b) for b in brands["brand"].astype(str)]
            words = str(reason)
            prefix = "counts some of the same cars as "
            if words.startswith(prefix):
                words = prefix + ", ".join(name_of("brand", b.strip()) for b in words[len(prefix):].split(","))
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            reasons.append(f"{listed} ({words})")
        lines.append(f"Left out of {_MEANINGS.get(str(name), str(name)).split(' (')[0]}: {'; '.join(reasons)}.")
    return "\n\n".join(lines)


#: What the weekly figures measure, said wherever the answer "Xiaomi's or the market's" is given.
MEASURES_SENTENCE = (
    "What the weekly figures measure: every brand's are insurance registrations, but they do not record the same "
    "thing. Xiaomi delivered against a backlog of orders, so its registrations follow what the factory built and "
    "shipped (a factory holiday moves them); BYD, the largest brand beside it, sells from dealers' stock, so its "
    "registrations follow buyers. A weekly dip in Xiaomi's figures can be a dip in supply as much as in demand, and "
    "registrations alone cannot tell the two apart: weekly order intake (new orders and cancellations) would.")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def months_beside_weeks_sentence(months: pd.DataFrame) -> str:
    """Each month holding the window's weeks: its deliveries, its known weeks, and what the rest of it averaged a week.

    >>> months = pd.DataFrame({"year": [2025], "month": [5], "weeks_in_window": ["2025-W19"],
    ...     "weeks_known": ["2025-W19"], "weekly_units": [5200.0], "monthly_units": [28000], "monthly_bound": ["lower"],
    ...     "rest_days": [24], "rest_per_week": [6650.0], "lowest_week_in_window": ["2025-W19"],
    ...     "lowest_week_units": [5200.0]})
    >>> print(months_beside_weeks_sentence(months))
    **Beside Xiaomi's own monthly deliveries.** May 2025: more than 28,000 delivered; the weeks wholly inside it that are known (2025-W19) registered 5,200, so the other 24 days averaged more than 6,650 a week, above 2025-W19's 5,200: the dip did not last the month. This holds if the weekly registrations and the monthly deliveries count the same cars; they are close but not the same measure.
    """
    if months.empty:
        return ("**Beside Xiaomi's own monthly deliveries.** No month holding these weeks has both a deliveries "
                "figure and a known week wholly inside it, so the weeks cannot be set against a month.")
    parts = []
    for r in months.to_dict("records"):
        more = "more than " if r["monthly_bound"] == "lower" else ""
        text = (f"{_MONTHS[int(r['month']) - 1]} {int(r['year'])}: {more}{number(r['monthly_units'])} delivered; "
                f"the weeks wholly inside it that are known ({week_runs(str(r['weeks_known']).split('; '))}) "
                f"registered {number(r['weekly_units'])}, so the other {plural(int(r['rest_days']), 'day')} averaged "
                f"{more}{number(r['rest_per_week'])} a week")
        lowest = str(r.get("lowest_week_in_window") or "")
        if lowest:
            above = float(r["rest_per_week"]) > float(r["lowest_week_units"])
            if above:
                text += f", above {lowest}'s {number(r['lowest_week_units'])}: the dip did not last the month"
            elif more:  # a floor below the week: the rest may lie on either side of it
                text += (f"; that floor is below {lowest}'s {number(r['lowest_week_units'])}, so the month "
                         "cannot say whether the rest of it was higher or lower")
            else:
                text += f", below {lowest}'s {number(r['lowest_week_units'])}: the month was lower still outside the known weeks"
        parts.append(text + ".")
    return ("**Beside Xiaomi's own monthly deliveries.** " + " ".join(parts)
            + " This holds if the weekly registrations and the monthly deliveries count the same cars; "
              "they are close but not the same measure.")


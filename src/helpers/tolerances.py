"""The tolerances the project judges with, declared once.

The claims engine (:mod:`helpers.claims.engine`, both rule sets), the reconciliation of
monthly figures with the official quarters (:mod:`helpers.models.totals`) and the
run-rate model (:mod:`helpers.models.run_rate`, which dates no clearance on a
capacity the claims reject) read them from here: this module sits below both,
so neither imports the other for a number.
"""

from __future__ import annotations

__all__ = ["FLOW_TOLERANCE", "CAPACITY_SLACK", "SHARP_FALL", "RATE_TOLERANCE_PP", "CHANGE_TOLERANCE_PP", "TOP_RANK",
           "QUARTER_SUM_TOLERANCE", "QUARTER_BOUND_TOLERANCE", "CALENDAR_AGREEMENT_PP"]

FLOW_TOLERANCE = 0.15
"""Two figures for the same flow (vehicles a week) agree if within 15% of the reference.

Weekly and monthly sales come from different counts (insurance registrations,
deliveries, wholesale) and cut the calendar differently (ISO weeks against a
calendar month), so honest figures for the same flow routinely differ by
5-10%; 15% leaves room for that and still catches a factor of 2."""

CAPACITY_SLACK = 0.15
"""Sales may exceed a stated capacity by up to 15% before the two contradict.

A month's deliveries can draw on cars built earlier (stock, cars in transit),
and a capacity printed with 约 ("about") is itself rounded; a gap larger than that cannot be
bridged by stock for a month, let alone for several weeks in a row."""

SHARP_FALL = 0.30
"""A fall counts as 大幅 ("sharp") if the per-week rate drops by at least 30%."""

RATE_TOLERANCE_PP = 0.5
"""Percentages printed as whole numbers agree if within half a percentage point (rounding)."""

CHANGE_TOLERANCE_PP = 5.0
"""A printed 约 ("about") change agrees with a computed one within 5 percentage points."""

TOP_RANK = 3
"""A rank of 3 or better counts as "near the top" of a ranking."""

QUARTER_SUM_TOLERANCE = 0.005
"""Monthly figures, one a month, fit an official quarterly total if their sum is within 0.5% of it.

Monthly figures printed to the unit come from different counts (company deliveries, CPCA retail)
that differ by a few hundred cars a quarter; 0.5% of a quarter of 75,000-110,000 cars is 380-540."""

QUARTER_BOUND_TOLERANCE = 0.0
"""How far a month's figure may exceed what the official quarter leaves it, after the other months' lower bounds.

A lower bound ("more than 28,000") and the official total are both counts of the same deliveries, with
no rounding to allow for, so a figure above the room they leave is ruled out: no slack."""

CALENDAR_AGREEMENT_PP = 20.0
"""The calendar specifications "agree" when their point shares of the W16-W19 dip lie within 20 points.

Only then may one headline percentage be given (``docs/calendar-model.md``, the
rule for the answer); otherwise the answer is the range across specifications."""

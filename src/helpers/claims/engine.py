"""The one claims engine: a claim, the rule that judges it, and its finding.

A :class:`Claim` pairs a ``claim_id`` with a rule; a rule reads an
:class:`Evidence` (the figures by ``figure_id``, the weekly sales the article
printed, and whatever a rule set adds) and returns a :class:`Finding`: the
claimed and computed values, a verdict from its rule set's vocabulary and a
reason written from the numbers.  :func:`judge` runs a registry of claims.

Two rule sets use it: :mod:`helpers.claims.article_rules` (the article against
its own figures: ``consistent`` / ``inconsistent`` / ``unverifiable``) and
:mod:`helpers.claims.later_rules` (the same claims against figures published
later: ``supported`` / ``contradicted`` / ``no later evidence``).  The
tolerances both judge with are declared once, in :mod:`helpers.tolerances`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import pandas as pd

__all__ = [
    "CONSISTENT", "INCONSISTENT", "UNVERIFIABLE", "VERDICTS",
    "SUPPORTED", "CONTRADICTED", "NO_LATER", "LATER_VERDICTS",
    "FLOW_TOLERANCE", "CAPACITY_SLACK", "SHARP_FALL", "RATE_TOLERANCE_PP", "CHANGE_TOLERANCE_PP", "TOP_RANK",
    "Evidence", "Finding", "Claim", "judge",
]

CONSISTENT = "consistent"
INCONSISTENT = "inconsistent"
UNVERIFIABLE = "unverifiable"
VERDICTS = (CONSISTENT, INCONSISTENT, UNVERIFIABLE)
#: The verdicts of the later evidence (:mod:`helpers.claims.later_rules`).
SUPPORTED, CONTRADICTED, NO_LATER = "supported", "contradicted", "no later evidence"
LATER_VERDICTS = (SUPPORTED, CONTRADICTED, NO_LATER)

SERIES = "xiaomi_su7"

# The tolerances both rule sets judge with, and the run-rate model's capacity test, are declared once,
# below both models and claims: :mod:`helpers.tolerances`.
from helpers.tolerances import (  # noqa: E402
    CAPACITY_SLACK, CHANGE_TOLERANCE_PP, FLOW_TOLERANCE, RATE_TOLERANCE_PP, SHARP_FALL, TOP_RANK,
)




# --------------------------------------------------------------------------- evidence


class Evidence:
    """The figures (by ``figure_id``) and the weekly sales one rule reads.

    Weekly sales are addressed as one id, ``weekly_sales:<first>..<last>``.
    Only the weeks the article itself states are used (``helpers.data.clean.article_weeks``):
    a claim is judged on the figures it was made from.
    """

    def __init__(self, figures: pd.DataFrame | None, weekly_sales: pd.DataFrame, series: str = SERIES,
                 period_totals: pd.DataFrame | None = None):
        self.figures = {} if figures is None else {row["figure_id"]: row for row in figures.to_dict("records")}
        self._weekly_sales, self._series = weekly_sales, series
        #: Cumulative and period totals (``data/raw/period_totals.csv``), by id ``period_totals:<series>:<last_day>``.
        self.totals: dict[str, dict] = {}
        if period_totals is not None:
            for row in period_totals.to_dict("records"):
                self.totals.setdefault(f"period_totals:{row['series']}:{row['last_day']}", row)

    @functools.cached_property
    def weekly(self) -> pd.DataFrame:
        """The weeks the article itself printed (``helpers.data.clean.article_weeks``), read when a rule needs them."""
        from helpers.data.clean import article_weeks

        return article_weeks(self._weekly_sales, self._series)

    @property
    def weekly_id(self) -> str:
        """The id of the article's weeks: ``weekly_sales:<first>..<last>``."""
        return f"weekly_sales:{self.weekly['week'].iloc[0]}..{self.weekly['week'].iloc[-1]}" if len(self.weekly) else "weekly_sales"

    def fig(self, figure_id: str) -> dict:
        """The figure row (a dict); ``KeyError`` naming the id if it is missing."""
        try:
            return self.figures[figure_id]
        except KeyError:
            raise KeyError(f"figure {figure_id!r} is not in the figures table") from None

    def find(self, **match: object) -> list[dict]:
        """Figure rows whose columns equal ``match`` (e.g. ``metric="new_orders"``)."""
        return [r for r in self.figures.values() if all(r.get(k) == v for k, v in match.items())]

    def printed(self, figure_id: str, default: str) -> str:
        """The figure as printed (``约1万辆``), or ``default`` when the figures table lacks it."""
        row = self.figures.get(figure_id)
        return str(row["as_printed"]) if row is not None else default

    def per_week(self, figure_id: str, fallback: float) -> float:
        """The figure's per-week value (its midpoint), or ``fallback`` when the figures table lacks it."""
        row = self.figures.get(figure_id)
        return float(row["per_week_mid"]) if row is not None else float(fallback)

    def cumulative(self, series: str, measure: str = "deliveries") -> list[tuple[str, dict]]:
        """(id, row) of the cumulative totals (no first day) of ``series`` and ``measure``, earliest first."""
        rows = [(i, r) for i, r in self.totals.items()
                if str(r["series"]) == series and str(r["measure"]) == measure
                and (pd.isna(r.get("first_day")) or str(r.get("first_day")) in ("", "nan"))]
        return sorted(rows, key=lambda item: str(item[1]["last_day"]))

    def locator(self, figure_id: str) -> str:
        if figure_id in self.totals:
            row = self.totals[figure_id]
            return f"{row['source_id']} {row['locator']}"
        if figure_id == self.weekly_id:
            return str(self.weekly["locator"].iloc[0])
        return str(self.fig(figure_id)["locator"])

    @property
    def weekly_mean(self) -> float:
        return float(self.weekly["units"].astype(float).mean())


@dataclass(frozen=True)
class Finding:
    """What one rule found.  ``figure_ids`` lists every row it used, the claim's own first."""

    claimed_value: float
    computed_value: float
    unit: str
    verdict: str
    reason: str
    figure_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.verdict not in (*VERDICTS, *LATER_VERDICTS):
            raise ValueError(f"verdict {self.verdict!r}: expected one of {', '.join((*VERDICTS, *LATER_VERDICTS))}")


@dataclass(frozen=True)
class Claim:
    """A registered claim: its id and the rule that checks it."""

    claim_id: str
    rule: Callable[[Any], Finding]


def judge(claims: Iterable[Claim], evidence: Any, vocabulary: tuple[str, ...]) -> list[tuple[Claim, Finding]]:
    """Run each claim's rule on ``evidence``; every verdict must be in ``vocabulary`` (the rule set's words).

    >>> ok = Claim("c", lambda ev: Finding(1.0, 1.0, "x", CONSISTENT, "equal", ("f",)))
    >>> [(c.claim_id, f.verdict) for c, f in judge([ok], None, VERDICTS)]
    [('c', 'consistent')]
    >>> judge([ok], None, LATER_VERDICTS)
    Traceback (most recent call last):
    ...
    ValueError: claim 'c': verdict 'consistent' is not one of supported, contradicted, no later evidence
    """
    judged = []
    for claim in claims:
        found = claim.rule(evidence)
        if found.verdict not in vocabulary:
            raise ValueError(f"claim {claim.claim_id!r}: verdict {found.verdict!r} is not one of {', '.join(vocabulary)}")
        judged.append((claim, found))
    return judged

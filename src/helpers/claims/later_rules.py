"""The article's claims against the figures published after it: ``supported``, ``contradicted`` or no later evidence.

The same engine as the article audit (:mod:`helpers.claims.engine`): one rule
per claim that later figures bear on, reading a :class:`LaterEvidence` (the
monthly readings of :func:`helpers.models.what_happened.monthly_range`, the decline of
:func:`helpers.models.what_happened.decline_status`, the figures by ``figure_id`` and
the audit's own row for the claim) and returning a :class:`~helpers.claims.engine.Finding`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from helpers.claims.engine import (
    CAPACITY_SLACK,
    CONTRADICTED,
    FLOW_TOLERANCE,
    LATER_VERDICTS,
    NO_LATER,
    SUPPORTED,
    Claim,
    Evidence,
    Finding,
    judge,
)
from helpers.data import weeks
from helpers.data.clean import (
    ARTICLE_SOURCE_ID,
    SECOND_MODEL_EVENT,
    WEEKS_PER_MONTH,
    WEEKS_PER_YEAR,
)
from helpers.data.roles import FIGURE
from helpers.formatting import number, plural, signed_percent, week_list, week_span
from helpers.models.what_happened import (
    ARTICLE_MONTH,
    decline_status,
    monthly_range,
    observed_weeks,
)

__all__ = ["NO_LATER_SENTENCE", "LaterEvidence", "LATER_CLAIMS", "later_evidence"]

NO_LATER_SENTENCE = "no later figure bears on this claim"


def _month_days(label: str) -> int:
    return calendar.monthrange(int(label[:4]), int(label[5:7]))[1]


def _month_name(label: str) -> str:
    return f"{calendar.month_name[int(label[5:7])]} {label[:4]}"


class LaterEvidence(Evidence):
    """What the later-evidence rules read: the audit's rows, monthly readings, the decline (and the words of its
    conclusion, given), the figures by id."""

    def __init__(self, audit, weekly_sales, monthly_deliveries, figures, events, series, decline_conclusion=None):
        super().__init__(figures, weekly_sales)
        self.audit = {str(row["claim_id"]): row for row in audit.to_dict("records")}
        self.weekly_sales = weekly_sales
        self.series = series
        self.decline_conclusion = decline_conclusion
        readings = monthly_range(monthly_deliveries, series)
        days = np.array([_month_days(m) for m in readings["month"]], dtype="float64")
        readings["days"] = days
        readings["per_week_low"] = readings["reading_low"].to_numpy(dtype="float64") / (days / 7)
        self.readings = readings
        self.first_brand_month = None
        if events is not None:
            rows = events[events["event_id"].astype(str) == SECOND_MODEL_EVENT]
            if len(rows) and str(rows.iloc[0]["date"])[:7].count("-") == 1:
                self.first_brand_month = str(rows.iloc[0]["date"])[:7]
        usable = readings[readings["per_week_low"].notna()]
        if self.first_brand_month is not None:
            self.single = usable[usable["month"] < self.first_brand_month].reset_index(drop=True)
            self.scope = (f"in each of the {plural(len(self.single), 'month')} {self._months(self.single)} before the "
                          f"second model's deliveries began ({self.first_brand_month}), when the brand total was the SU7")
        else:
            self.single = usable.reset_index(drop=True)
            self.scope = (f"in each of the {plural(len(self.single), 'month')} {self._months(self.single)} "
                          f"(brand totals: any month after a second model's deliveries began counts it too)")
        self.all_months = usable.reset_index(drop=True)
        self._decline = None

    @staticmethod
    def _months(frame: pd.DataFrame) -> str:
        labels = frame["month"].astype(str).tolist()
        return "" if not labels else labels[0] if len(labels) == 1 else f"{labels[0]}..{labels[-1]}"

    @property
    def decline(self) -> dict[str, Any]:
        if self._decline is None:
            self._decline = decline_status(self.weekly_sales, "xiaomi_su7")
        return self._decline

    def claim(self, claim_id: str) -> Mapping[str, Any]:
        """The audit's row for ``claim_id`` (its claimed and computed values)."""
        return self.audit[claim_id]

    def reading(self, label: str) -> pd.Series | None:
        rows = self.readings[self.readings["month"] == label]
        return None if rows.empty else rows.iloc[0]


def _per_week_claim(row: Mapping[str, Any], column: str) -> float:
    if str(row.get("unit", "")) != "vehicles per week":
        raise ValueError(f"claim {row['claim_id']!r}: expected unit 'vehicles per week', got {row.get('unit')!r}")
    return float(row[column])


def _capacity_check(ctx: LaterEvidence, capacity_pw: float, what: str, over_means: str, annualise: bool = False,
                    nameplate: bool = False) -> tuple[str, str]:
    """Monthly readings ("at least") against a capacity per week: contradicted, supported or silent.

    Contradicted when some month's lowest reading exceeds the capacity by more
    than ``CAPACITY_SLACK`` (stock cannot cover that); supported when none does
    and some month comes within ``CAPACITY_SLACK`` below it (a factory running
    at that capacity); otherwise deliveries well below a capacity say nothing
    about it.  ``over_means`` finishes the sentence when it is exceeded.

    A ``nameplate`` capacity (a design capacity, often for one shift) is not a
    ceiling: months above it say what the multiple was and count as no later
    evidence, never as a contradiction.
    """
    months = ctx.single
    if months.empty:
        return NO_LATER_SENTENCE, NO_LATER
    per_week = months["per_week_low"].to_numpy(dtype="float64")
    ratios = per_week / capacity_pw
    lo_i, hi_i = int(np.argmin(ratios)), int(np.argmax(ratios))
    n = len(months)
    over = int((ratios > 1 + CAPACITY_SLACK).sum())
    near = int(((ratios >= 1 - CAPACITY_SLACK) & (ratios <= 1 + CAPACITY_SLACK)).sum())
    lowest, highest = months.iloc[lo_i], months.iloc[hi_i]
    text = (f"Monthly deliveries in the later sources ({ctx.series}) were at least {number(months['reading_low'].min())} a month {ctx.scope}: "
            f"at least {number(per_week.min())} to {number(per_week.max())} a week, {ratios.min():.1f}× to {ratios.max():.1f}× {what}; "
            f"lowest {lowest['month']}: {lowest['best_reading']}; highest {highest['month']}: {highest['best_reading']}")
    if annualise:
        total = float(months["reading_low"].sum())
        text += (f"; an annual pace of at least {number(per_week.min() * WEEKS_PER_YEAR)} to {number(per_week.max() * WEEKS_PER_YEAR)}, "
                 f"and at least {number(total)} in those {plural(n, 'month')} together (each month's lowest reading added up)")
    kinds = months["reading_kind"].astype(str)
    loose = []
    for kind, words in (("lower bound", "only a lower bound"), ("exact range", "a range of differing exact figures"),
                        ("contradictory", "conflicting figures")):
        labels = months.loc[kinds == kind, "month"].astype(str).tolist()
        if labels:
            loose.append(f"{', '.join(labels)} {'is' if len(labels) == 1 else 'are'} {words}")
    if loose:
        text += (f". {'; '.join(loose)}: the lowest reading is used, so the true multiples are at least these")
    if over and nameplate:
        text += (f". {over} of the {n} months ran more than {CAPACITY_SLACK:.0%} above it: {over_means}. A design capacity is "
                 "a nameplate, often for a single shift, and plants routinely run above it on more shifts, so these months "
                 "neither support nor contradict it.")
        verdict = NO_LATER
    elif over:
        text += f". {over} of the {n} months exceed it by more than {CAPACITY_SLACK:.0%}, more than stock can cover: {over_means}."
        verdict = CONTRADICTED
    elif near:
        text += (f". No month exceeds it by more than {CAPACITY_SLACK:.0%}, and {near} of the {n} months come within "
                 f"{CAPACITY_SLACK:.0%} of it, as a factory running at that capacity would.")
        verdict = SUPPORTED
    else:
        text += (f". Every month is more than {CAPACITY_SLACK:.0%} below it: deliveries well below a capacity say "
                 "nothing about the capacity.")
        verdict = NO_LATER
    extra = ctx.all_months[~ctx.all_months["month"].isin(months["month"])]
    if len(extra):
        newest = extra.iloc[-1]
        text += (f" From {extra['month'].iloc[0]} the brand total includes the second model and is left out here "
                 f"({newest['month']}: {newest['best_reading']}).")
    return text, verdict


def _later_actual_capacity(ctx: LaterEvidence, row: Mapping[str, Any]) -> tuple[str, str]:
    cap = ctx.per_week(FIGURE.actual_capacity, _per_week_claim(row, "claimed_value"))
    printed = ctx.printed(FIGURE.actual_capacity, f"about {number(cap * WEEKS_PER_MONTH)}")
    return _capacity_check(ctx, cap, f"the 'actual capacity' of {printed} a month ({number(cap)} a week)",
                           f"{printed} a month cannot have been the factory's actual output")


def _later_design_capacity(ctx: LaterEvidence, row: Mapping[str, Any]) -> tuple[str, str]:
    cap = ctx.per_week(FIGURE.design_capacity, _per_week_claim(row, "claimed_value"))
    printed = ctx.printed(FIGURE.design_capacity, number(cap * WEEKS_PER_YEAR))
    return _capacity_check(ctx, cap, f"the design capacity's rate ({printed} a year, {number(cap)} a week)",
                           f"the design capacity's monthly rate is {number(cap * WEEKS_PER_MONTH)}",
                           annualise=True, nameplate=True)


def ratio_words(ctx: LaterEvidence, capacity_pw: float) -> str:
    """``1.7× to 2.5×``: the lowest and highest multiple of a capacity the months' lowest readings ran at."""
    ratios = ctx.single["per_week_low"].to_numpy(dtype="float64") / capacity_pw
    lo, hi = ratios.min(), ratios.max()
    return f"{lo:.1f}×" if f"{lo:.1f}" == f"{hi:.1f}" else f"{lo:.1f}× to {hi:.1f}×"


def _later_actual_vs_design(ctx: LaterEvidence, row: Mapping[str, Any]) -> tuple[str, str]:
    actual = ctx.per_week(FIGURE.actual_capacity, _per_week_claim(row, "claimed_value"))
    design = ctx.per_week(FIGURE.design_capacity, _per_week_claim(row, "computed_value"))
    months = ctx.single
    if months.empty:
        return NO_LATER_SENTENCE, NO_LATER
    per_week = months["per_week_low"].to_numpy(dtype="float64")
    over_design = int((per_week > design * (1 + CAPACITY_SLACK)).sum())
    text = (f"Monthly deliveries in the later sources ({ctx.series}) were at least {number(per_week.min())} to {number(per_week.max())} a week "
            f"{ctx.scope}, against the 'actual' {number(actual)} and the design {number(design)} a week")
    if over_design:
        return (text + f": {over_design} of the {len(months)} months ran more than {CAPACITY_SLACK:.0%} above even the "
                f"design capacity ({ratio_words(ctx, design)} its rate, {ratio_words(ctx, actual)} the 'actual' one), more "
                f"than stock can cover, so actual output was above the design capacity, not 'only' (仅) "
                f"{actual / design:.0%} of it.", CONTRADICTED)
    if (per_week <= actual * (1 + CAPACITY_SLACK)).all() and (per_week >= actual * (1 - CAPACITY_SLACK)).any():
        return (text + f": deliveries ran at about the 'actual' capacity (within {CAPACITY_SLACK:.0%}), below design, "
                "as the claim says.", SUPPORTED)
    return (text + ": these deliveries neither reach the design capacity nor sit at the 'actual' one, so they do not "
            "bear on which is right.", NO_LATER)


def _compare(reading: pd.Series, target: float, tolerance: float) -> str:
    """``agrees``, ``disagrees``, ``mixed`` or ``uninformative``: a month's reading against one figure ± tolerance."""
    low, high = float(reading["reading_low"]), float(reading["reading_high"])
    band_low, band_high = target * (1 - tolerance), target * (1 + tolerance)
    kind = str(reading["reading_kind"])
    if kind in ("lower bound", "contradictory"):
        if low > band_high:
            return "disagrees"
        return "agrees" if kind == "lower bound" and low >= band_low else ("mixed" if kind == "contradictory" else "uninformative")
    if kind == "upper bound":
        if high < band_low:
            return "disagrees"
        return "agrees" if high <= band_high else "uninformative"
    if band_low <= low and high <= band_high:
        return "agrees"
    if high < band_low or low > band_high:
        return "disagrees"
    return "mixed"


def _gap_text(reading: pd.Series, target: float) -> str:
    low, high, kind = float(reading["reading_low"]), float(reading["reading_high"]), str(reading["reading_kind"])
    if kind in ("lower bound", "contradictory"):
        return f"at least {signed_percent(low / target - 1)}"
    if kind == "upper bound":
        return f"at most {signed_percent(high / target - 1)}"
    if low == high:
        return signed_percent(low / target - 1)
    return f"{signed_percent(low / target - 1)} to {signed_percent(high / target - 1)}"


def _later_april(ctx: LaterEvidence, row: Mapping[str, Any]) -> tuple[str, str]:
    figure = ctx.figures.get(FIGURE.april_sales)
    month = str(figure["period"]) if figure is not None else ARTICLE_MONTH
    days = _month_days(month)
    april_pw = ctx.per_week(FIGURE.april_sales, _per_week_claim(row, "claimed_value"))
    total = float(figure["value_mid"]) if figure is not None else april_pw * days / 7
    printed = ctx.printed(FIGURE.april_sales, number(total))
    name = _month_name(month)
    parts, results = [], []

    reading = ctx.reading(month)
    if reading is not None:
        result = _compare(reading, total, FLOW_TOLERANCE)
        results.append(result)
        brand = ""
        if ctx.first_brand_month is not None and month < ctx.first_brand_month:
            brand = ", when the SU7 was the only model"
        parts.append(f"Later sources put {name} ({ctx.series}{brand}) at {reading['best_reading']}, "
                     f"{_gap_text(reading, total)} against the article's {printed} "
                     f"({_describe_result(result)} ±{FLOW_TOLERANCE:.0%})")

    first = dt.date(int(month[:4]), int(month[5:7]), 1)
    last = dt.date(int(month[:4]), int(month[5:7]), days)
    observed = observed_weeks(ctx.weekly_sales, "xiaomi_su7")
    covered, sold, used, later_used = 0, 0.0, [], []
    for label, y, w, units, source in zip(observed["week"], observed["iso_year"], observed["iso_week"],
                                          observed["units"], observed["source_id"]):
        start = max(weeks.week_monday(int(y), int(w)), first)
        end = min(weeks.week_sunday(int(y), int(w)), last)
        inside = max(0, (end - start).days + 1)
        if inside:
            covered += inside
            sold += float(units) * inside / 7
            used.append(str(label))
            if str(source) != ARTICLE_SOURCE_ID:
                later_used.append(str(label))
    if later_used:
        result = _compare(pd.Series({"reading_low": sold, "reading_high": sold, "reading_kind": "exact"}), total * covered / days,
                          FLOW_TOLERANCE)
        results.append(result)
        scope = (f"all {days} days of {name}" if covered == days else f"{covered} of the {days} days of {name}")
        claimed_part = total if covered == days else total * covered / days
        parts.append(
            f"With the later weekly figures for {week_list(later_used)}, the weeks {week_list(used) if len(used) <= 3 else week_span(used[0], used[-1])} "
            f"cover {scope}; spreading each week evenly over its days they add up to {number(sold)} "
            f"({number(sold / covered * 7)} a week), {signed_percent(sold / claimed_part - 1)} against the article's {printed}"
            + ("" if covered == days else f" pro rata ({number(claimed_part)} for those days)")
            + f" ({_describe_result(result)} ±{FLOW_TOLERANCE:.0%})"
        )
    if not parts:
        return NO_LATER_SENTENCE, NO_LATER
    verdict = CONTRADICTED if "disagrees" in results else SUPPORTED if "agrees" in results else NO_LATER
    return ". ".join(parts) + ".", verdict


def _describe_result(result: str) -> str:
    return {"agrees": "within", "disagrees": "outside", "mixed": "partly within",
            "uninformative": "a bound too low to test"}[result]


def _later_declines(ctx: LaterEvidence, row: Mapping[str, Any]) -> tuple[str, str]:
    conclusion = ctx.decline_conclusion
    if conclusion is None:
        raise ValueError("later_evidence: the claim weekly_sales_three_declines needs decline_conclusion, the decline "
                         "in words (helpers.narrative.what_happened.decline_conclusion of decline_status)")
    if ctx.decline["later_week"] is None:
        return f"{NO_LATER_SENTENCE}: {conclusion}", NO_LATER
    return (conclusion + " These later weeks come after the declines the claim counts and do not measure "
            "them again, so they neither confirm nor refute it; they say what happened next.", NO_LATER)


def _later_claim(claim_id: str, check: Callable[[LaterEvidence, Mapping[str, Any]], tuple[str, str]]) -> Claim:
    """A :class:`Claim` whose rule reads the audit's row for ``claim_id`` and words what the later figures say."""

    def rule(ev: LaterEvidence) -> Finding:
        row = ev.claim(claim_id)
        sentence, verdict = check(ev, row)
        return Finding(float(row.get("claimed_value", np.nan)), float(row.get("computed_value", np.nan)),
                       str(row.get("unit", "")), verdict, sentence, ())

    return Claim(claim_id, rule)


#: The claims later figures bear on; every other claim gets :data:`NO_LATER_SENTENCE`.
LATER_CLAIMS: tuple[Claim, ...] = tuple(_later_claim(claim_id, check) for claim_id, check in {
    "weekly_sales_three_declines": _later_declines,
    "weekly_sales_vs_april_sales": _later_april,
    "actual_capacity_vs_april_sales": _later_actual_capacity,
    "design_capacity_vs_sales_run_rate": _later_design_capacity,
    "actual_vs_design_capacity": _later_actual_vs_design,
}.items())


def later_evidence(
    audit: pd.DataFrame,
    weekly_sales: pd.DataFrame,
    monthly_deliveries: pd.DataFrame,
    figures: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    series: str = "xiaomi_all",
    decline_conclusion: str | None = None,
) -> pd.DataFrame:
    """The claims audit with ``later_evidence`` (a sentence) and ``later_verdict`` per claim.

    Rows are matched by ``claim_id`` (never by position).  The claims that later
    figures bear on:

    * ``weekly_sales_three_declines``: :func:`decline_status` (SU7 weeks), said in the words of
      ``decline_conclusion`` (:func:`helpers.narrative.what_happened.decline_conclusion` of that status, worded a
      layer up and passed in; needed only when the audit has this claim);
    * ``weekly_sales_vs_april_sales``: the later readings of the article's
      month (:func:`monthly_range`) and the later weekly figures that fall in
      it, against the article's monthly figure;
    * ``actual_capacity_vs_april_sales``, ``design_capacity_vs_sales_run_rate``,
      ``actual_vs_design_capacity``: monthly readings ("at least": a lower
      bound counts as evidence) against each capacity, per week.  The design
      capacity is a nameplate: months above it are reported as a multiple of
      its rate and are no later evidence, never a contradiction.

    Capacities and the April figure come from ``figures`` (the clean figures
    table, by ``figure_id``) when given, else from the audit's own per-week
    ``claimed_value``/``computed_value``.  With ``events``, the capacity checks
    use only the months before the second model's deliveries began
    (``yu7_deliveries_begin``), when the brand total was the SU7.  Every other
    claim gets ``"no later figure bears on this claim"``.

    **The verdict rule** (exactly one per claim):

    * ``supported``: a later figure measures what the claim states, over a
      comparable period, and agrees with it within the audit's tolerance
      (``FLOW_TOLERANCE`` for flows, ``CAPACITY_SLACK`` for capacities), and
      none disagrees;
    * ``contradicted``: some later figure cannot be reconciled with the claim:
      it lies outside that tolerance even at its most favourable reading (a
      lower bound read as "at least");
    * ``no later evidence``: no later figure measures it, the later figures are
      too loose to test it (a bound on the wrong side, a reading that straddles
      the tolerance), or they speak only to what came after the claim's period
      (e.g. the weeks after the three declines, which can neither confirm nor
      refute them).

    >>> audit = pd.DataFrame({"claim_id": ["quality_rankings", "actual_capacity_vs_april_sales"],
    ...                       "claimed_value": [239.0, 10000 / WEEKS_PER_MONTH], "unit": ["points", "vehicles per week"]})
    >>> monthly = pd.DataFrame({"year": [2025], "month": [4], "series": ["xiaomi_all"], "measure": ["deliveries"],
    ...                         "units": [28000], "bound": ["lower"], "source_id": ["s"]})
    >>> sales = weekly_sales_from({"2025-W19": 5200}, "xiaomi_su7")
    >>> later_evidence(audit, sales, monthly)["later_verdict"].tolist()
    ['no later evidence', 'contradicted']
    """
    if "claim_id" not in audit.columns:
        raise ValueError("the audit has no claim_id column")
    ev = LaterEvidence(audit, weekly_sales, monthly_deliveries, figures, events, series, decline_conclusion)
    found = {claim.claim_id: f for claim, f in judge([c for c in LATER_CLAIMS if c.claim_id in ev.audit], ev, LATER_VERDICTS)}
    sentences = [found[i].reason if i in found else NO_LATER_SENTENCE for i in audit["claim_id"].astype(str)]
    verdicts = [found[i].verdict if i in found else NO_LATER for i in audit["claim_id"].astype(str)]
    out = audit.copy()
    out["later_evidence"] = pd.array(sentences, dtype="string")
    out["later_verdict"] = pd.array(verdicts, dtype="string")
    return out



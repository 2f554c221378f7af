"""Claims audit: each numeric claim of the article checked against the others.

One small rule function per claim reads the figures it needs (by
``figure_id`` from the clean figures table, and the weekly sales), puts them
on one scale and returns a :class:`Finding`: the claimed and the computed
value, a verdict and a reason written from the numbers.  :data:`CLAIMS` is the
ordered registry; :func:`audit_claims` runs it into one table.

Verdicts (exactly one per claim):

* ``consistent``: the other figures agree with the claim within the stated
  tolerance;
* ``inconsistent``: they cannot both be true as printed;
* ``unverifiable``: the data hold nothing the claim can be checked against.

A verdict is about the article's figures among themselves, not about the
world: two figures can agree and both be wrong.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd

from helpers.claims.engine import (
    CAPACITY_SLACK,
    CHANGE_TOLERANCE_PP,
    CONSISTENT,
    FLOW_TOLERANCE,
    INCONSISTENT,
    RATE_TOLERANCE_PP,
    SHARP_FALL,
    TOP_RANK,
    UNVERIFIABLE,
    VERDICTS,
    Claim,
    Evidence,
    Finding,
    judge,
)
from helpers.data.clean import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from helpers.data.roles import FIGURE
from helpers.formatting import number, signed_percent

__all__ = [
    "CONSISTENT",
    "INCONSISTENT",
    "UNVERIFIABLE",
    "VERDICTS",
    "FLOW_TOLERANCE",
    "CAPACITY_SLACK",
    "SHARP_FALL",
    "RATE_TOLERANCE_PP",
    "CHANGE_TOLERANCE_PP",
    "TOP_RANK",
    "Evidence",
    "Finding",
    "Claim",
    "CLAIMS",
    "audit_claims",
    "CAPACITY_CLAIMS",
    "claim_verdicts",
    "verdict_counts",
    "claims_summary",
    "write_claims_outputs",
]

#: Printed words meaning "last place" (a rank with no number).
LAST_PLACE_WORDS = ("垫底",)

#: The series whose cumulative deliveries the wait is set against.
SU7_SERIES = "xiaomi_su7"

_LOCATOR = re.compile(r'^(?P<where>[^:]+):\s*"(?P<quote>.*)"\s*$', re.S)


# --------------------------------------------------------------------------- small helpers


def _per_week(row: dict) -> float:
    return float(row["per_week_mid"])


def _weeks(row: dict) -> float:
    """A duration figure (weeks, months or years; its midpoint) in weeks."""
    factors = {"weeks": 1.0, "months": WEEKS_PER_MONTH, "years": WEEKS_PER_YEAR}
    if row["unit"] not in factors:
        raise ValueError(f"figure {row['figure_id']!r}: unit {row['unit']!r} is not a duration")
    return float(row["value_mid"]) * factors[row["unit"]]


def _month_bounds(period: str) -> tuple[dt.date, dt.date]:
    year, month = int(period[:4]), int(period[5:7])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _days_in(monday: str, sunday: str, first: dt.date, last: dt.date) -> int:
    start = max(dt.date.fromisoformat(monday), first)
    end = min(dt.date.fromisoformat(sunday), last)
    return max(0, (end - start).days + 1)


def _month(period: str) -> str:
    """``"2025-04"`` → ``"April 2025"``; other periods unchanged."""
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return f"{calendar.month_name[int(period[5:])]} {period[:4]}"
    return period


def _short(date: str) -> str:
    return date[5:]


# --------------------------------------------------------------------------- rules


def _measure_words(ev: Evidence) -> str:
    """What the article's weekly rows count, in words, from their ``measure`` (series.csv)."""
    from helpers.formatting import measure_words

    measures = ev.weekly["measure"].astype(str).tolist() if "measure" in ev.weekly.columns else None
    return measure_words(measures, missing="vehicles (the measure is not declared)")


def _declines_at_end(units: list[int]) -> int:
    """How many consecutive week-on-week falls end at the last figure."""
    run = 0
    for before, after in zip(units[-2::-1], units[:0:-1]):
        if after < before:
            run += 1
        else:
            break
    return run


def three_weekly_declines(ev: Evidence) -> Finding:
    """The weekly figures the article prints: do they end in as many consecutive declines as 连续三周 says?

    This judges the printed weekly series only; what the sentence says of
    orders since May is :func:`orders_since_may_declines`.
    """
    claim = ev.fig(FIGURE.may_order_declines)
    claimed = float(claim["value_mid"])
    ids = (claim["figure_id"], ev.weekly_id)
    units = [int(u) for u in ev.weekly["units"]]
    labels = list(ev.weekly["week"])
    if len(units) < claimed + 1:
        return Finding(claimed, math.nan, "weeks", UNVERIFIABLE,
                       f"Only {len(units)} weekly figure(s) are in the data: {int(claimed)} declines need {int(claimed) + 1} weeks.", ids)
    run = _declines_at_end(units)
    series = " → ".join(f"{number(u)}" for u in units)
    printed = (f"The weekly figures the article prints, {labels[0]}..{labels[-1]} ({_measure_words(ev)}, printed as 销量: "
               f"{series})")
    if run >= claimed:
        return Finding(claimed, float(run), "weeks", CONSISTENT,
                       f"{printed}, fell in each of the last {run} weeks: {run} consecutive declines, as many as the "
                       f"{int(claimed)} stated. This is about the printed weekly figures only; the sentence's claim about "
                       f"orders is judged separately (orders_since_may_three_declines).", ids)
    return Finding(claimed, float(run), "weeks", INCONSISTENT,
                   f"{printed}, end in only {run} consecutive decline(s), fewer than the {int(claimed)} stated.", ids)


def orders_since_may_declines(ev: Evidence) -> Finding:
    """5月以来订单…连续三周出现下滑: orders since May fell three weeks in a row.

    Counting weekly declines of orders needs weekly order figures from that
    month on; the article prints none (one week of March, two weeks of May as
    one total), so the claim is ``unverifiable``.  The reason says what the
    weekly series printed beside it counts and how many of its days and
    week-on-week changes lie in the claim's month.
    """
    claim = ev.fig(FIGURE.may_order_declines)
    claimed = float(claim["value_mid"])
    month = _month(claim["period"])
    first, last = _month_bounds(claim["period"])
    # the article's own order counts (a copy of an analyst's note printing the same counts is later evidence)
    orders = sorted((r for r in ev.find(metric="new_orders") if str(r["source_id"]) == str(claim["source_id"])),
                    key=lambda r: str(r["period"]))
    weekly_orders = [r for r in orders if not pd.isna(r["period_weeks"]) and float(r["period_weeks"]) == 1
                     and str(r["period"]) >= str(claim["period"])]
    ids = (claim["figure_id"], *(r["figure_id"] for r in orders), ev.weekly_id)
    counts = "; ".join(f"{r['as_printed']} over {int(r['period_weeks'])} week(s) of {_month(r['period'])}"
                       if not pd.isna(r["period_weeks"]) else f"{r['as_printed']} for {_month(r['period'])}" for r in orders)
    before_month = (dt.date.min, first - dt.timedelta(days=1))
    days = [(_days_in(m, s, *before_month), _days_in(m, s, first, last))
            for m, s in zip(ev.weekly["week_monday"], ev.weekly["week_sunday"])]
    before_days, in_days = sum(b for b, _ in days), sum(a for _, a in days)
    labels = list(ev.weekly["week"])
    mostly_before = [w for w, (b, a) in zip(labels, days) if b > a]
    parts = "; ".join(f"{w} {b} before, {a} in" for w, (b, a) in zip(labels, days))
    changes = max(len(labels) - 1, 0)
    in_month_changes = sum(1 for (b0, a0), (b1, a1) in zip(days, days[1:]) if a0 > b0 and a1 > b1)
    reason = (
        f"The article says orders have fallen {int(claimed)} weeks in a row since {month} (5月以来). Counting that needs "
        f"{int(claimed) + 1} one-week order figures from {month} on; the data hold {len(weekly_orders)}: the order counts "
        f"are {counts or 'none'}. The weekly series printed beside the claim counts {_measure_words(ev)} "
        f"(printed as 销量), not orders. Days of its weeks before and in {month}: {parts}; {before_days} of its {before_days + in_days} days "
        f"fall before {month}, {len(mostly_before)} of its {len(labels)} weeks lie mostly before it"
        f"{' (' + ', '.join(mostly_before) + ')' if mostly_before else ''}, and {in_month_changes} of its {changes} "
        f"week-on-week changes {'is' if in_month_changes == 1 else 'are'} between two weeks mostly in {month}."
    )
    return Finding(claimed, math.nan, "weeks", UNVERIFIABLE, reason, ids)


def weeks_vs_april_sales(ev: Evidence) -> Finding:
    """Weekly sales (the days of each week that fall in April) against April's monthly total."""
    april = ev.fig(FIGURE.april_sales)
    ids = (april["figure_id"], ev.weekly_id)
    first, last = _month_bounds(april["period"])
    month_days = (last - first).days + 1
    month = _month(april["period"])
    claimed = _per_week(april)
    covered, parts, sold = 0, [], 0.0
    for row in ev.weekly.itertuples(index=False):
        days = _days_in(row.week_monday, row.week_sunday, first, last)
        covered += days
        sold += row.units * days / 7
        parts.append(f"{row.week} ({_short(row.week_monday)}..{_short(row.week_sunday)}) {days} day(s)")
    if covered == 0:
        return Finding(claimed, math.nan, "vehicles per week", UNVERIFIABLE,
                       f"None of the weekly figures falls in {april['period']}: {'; '.join(parts)}.", ids)
    computed = sold / covered * 7
    gap = computed / claimed - 1
    rest_days = month_days - covered
    rest = float(april["value_mid"]) - sold
    verdict = CONSISTENT if abs(gap) <= FLOW_TOLERANCE else INCONSISTENT
    reason = (
        f"{month}'s {april['as_printed']} is {number(claimed)} a week ({april['per_week_formula']}). "
        f"Days of each week in {month}: {'; '.join(parts)}. Spreading each week evenly over its days, they sold "
        f"{number(sold)} on those {covered} days, {number(computed)} a week, {signed_percent(gap, 1)} against the monthly rate "
        f"({'within' if verdict == CONSISTENT else 'outside'} ±{FLOW_TOLERANCE:.0%})."
    )
    if rest_days:
        reason += (f" That leaves {number(rest)} for the other {rest_days} days of {month}, {number(rest / rest_days * 7)} a week"
                   f"{'' if rest >= 0 else ' (negative: the weeks alone exceed the month)'}.")
    return Finding(claimed, computed, "vehicles per week", verdict, reason, ids)


def actual_capacity_vs_april_sales(ev: Evidence) -> Finding:
    """The "actual" monthly capacity (实际月产能仅约…) against the SU7's April sales."""
    cap, april = ev.fig(FIGURE.actual_capacity), ev.fig(FIGURE.april_sales)
    ids = (cap["figure_id"], april["figure_id"], ev.weekly_id)
    claimed, computed = _per_week(cap), _per_week(april)
    ratio = computed / claimed
    ok = computed <= claimed * (1 + CAPACITY_SLACK)
    reason = (
        f"An actual capacity of {cap['as_printed']} a month is {number(claimed)} a week; {_month(april['period'])} sales of {april['as_printed']} are "
        f"{number(computed)} a week, {ratio:.2f}× that capacity, and weekly sales averaged {number(ev.weekly_mean)} "
        f"({ev.weekly_mean / claimed:.2f}×). "
    )
    if ok:
        reason += f"Sales stay within {CAPACITY_SLACK:.0%} of capacity, which stock can cover."
    else:
        first, last = _month_bounds(april["period"])
        days = (last - first).days + 1
        built = claimed * days / 7
        reason += (f"A factory cannot deliver {ratio:.1f} times what it builds for a month: at that capacity it builds "
                   f"{number(built)} in the month's {days} days, so {number(float(april['value_mid']) - built)} cars would have to come "
                   f"from stock or another plant, which the article does not mention.")
    return Finding(claimed, computed, "vehicles per week", CONSISTENT if ok else INCONSISTENT, reason, ids)


def design_capacity_vs_sales(ev: Evidence) -> Finding:
    """The design capacity (设计年产能) against the weekly sales run-rate.

    A design capacity is a nameplate, often stated for one shift: a plant on
    more shifts or overtime routinely builds well above it, so sales above it
    do not contradict it.  Sales within ``CAPACITY_SLACK`` of it are
    ``consistent``; sales above that are ``unverifiable`` (the data hold no
    shift pattern or line rate), with the multiple stated.
    """
    cap = ev.fig(FIGURE.design_capacity)
    ids = (cap["figure_id"], ev.weekly_id)
    claimed, computed = _per_week(cap), ev.weekly_mean
    ratio = computed / claimed
    ok = computed <= claimed * (1 + CAPACITY_SLACK)
    reason = (
        f"A design capacity of {cap['as_printed']} a year is {number(claimed)} a week ({cap['per_week_formula']}); "
        f"weekly sales {ev.weekly['week'].iloc[0]}..{ev.weekly['week'].iloc[-1]} averaged {number(computed)} "
        f"(n = {len(ev.weekly)}), {ratio:.2f}× the design capacity's weekly rate, an annual pace of {number(computed * WEEKS_PER_YEAR)}. "
    )
    if ok:
        reason += f"Sales within {CAPACITY_SLACK:.0%} of the design capacity: no contradiction."
        return Finding(claimed, computed, "vehicles per week", CONSISTENT, reason, ids)
    reason += ("A design capacity is a nameplate, often for a single shift, and plants routinely run above it on more "
               "shifts, so sales at that multiple neither confirm nor contradict it; the data hold no shift pattern or "
               "line rate to check it against.")
    return Finding(claimed, computed, "vehicles per week", UNVERIFIABLE, reason, ids)


def actual_vs_design_capacity(ev: Evidence) -> Finding:
    """实际月产能 against 设计年产能: is the "actual" capacity below the design?

    The two figures can agree with each other and still not hold: if the article's
    own sales run above the "actual" capacity by more than ``CAPACITY_SLACK`` (the
    rule of :func:`actual_capacity_vs_april_sales`), an actual output below design
    is contradicted too, and the verdict says so rather than count a rejected
    figure as agreement.
    """
    actual, design, april = ev.fig(FIGURE.actual_capacity), ev.fig(FIGURE.design_capacity), ev.fig(FIGURE.april_sales)
    ids = (actual["figure_id"], design["figure_id"], april["figure_id"], ev.weekly_id)
    claimed, computed = _per_week(actual), _per_week(design)
    share = claimed / computed
    sales = max(_per_week(april), ev.weekly_mean)
    reason = (
        f"{actual['as_printed']} a month is {number(claimed)} a week, {number(claimed * WEEKS_PER_YEAR)} a year: "
        f"{share:.0%} of the designed {design['as_printed']} a year ({number(computed)} a week). "
    )
    if claimed > computed:
        verdict = INCONSISTENT
        reason += "An 'actual' output above the design capacity contradicts 仅 ('only')."
    elif sales > claimed * (1 + CAPACITY_SLACK):
        verdict = INCONSISTENT
        reason += (f"The two agree with each other, but the article's own sales ran at {number(sales)} a week "
                   f"({sales / claimed:.1f}× that actual capacity; see the actual capacity against April's sales), so an "
                   f"actual output of {actual['as_printed']} a month is itself contradicted and cannot bear out the comparison.")
    else:
        verdict = CONSISTENT
        reason += "An actual output below design is what 仅 ('only') says, and sales stay within it."
    return Finding(claimed, computed, "vehicles per week", verdict, reason, ids)


def may_vs_march_orders(ev: Evidence) -> Finding:
    """Orders in 5月前两个星期 against 3月份第二个星期, per week."""
    may, march = ev.fig(FIGURE.may_fortnight_orders), ev.fig(FIGURE.march_week_orders)
    ids = (may["figure_id"], march["figure_id"])
    side_by_side = float(may["value_mid"]) / float(march["value_mid"]) - 1
    per_week = _per_week(may) / _per_week(march) - 1
    ok = -per_week >= SHARP_FALL
    reason = (
        f"{may['as_printed']} over {int(may['period_weeks'])} weeks is {number(_per_week(may))} a week, against "
        f"{number(_per_week(march))} in {int(march['period_weeks'])} week of {_month(march['period'])}: {signed_percent(per_week, 1)} per week. "
        f"Setting the two totals side by side gives only {signed_percent(side_by_side, 1)} and understates the fall, "
        f"because the {_month(may['period'])} figure covers {int(may['period_weeks'])} weeks. "
        + (f"A fall of at least {SHARP_FALL:.0%} bears out 大幅减少 ('fell sharply')." if ok
           else f"A fall of less than {SHARP_FALL:.0%} per week is not 大幅 ('sharp').")
    )
    return Finding(side_by_side * 100, per_week * 100, "percent change", CONSISTENT if ok else INCONSISTENT, reason, ids)


def april_orders_mom_decline(ev: Evidence) -> Finding:
    """4月份新订单按月下跌: what the order counts can and cannot say about the printed fall."""
    claim = ev.fig(FIGURE.april_orders_change)
    march_w, may = ev.fig(FIGURE.march_week_orders), ev.fig(FIGURE.may_fortnight_orders)
    claimed = -float(claim["value_mid"])
    period = claim["period"]
    year, month = int(period[:4]), int(period[5:7])
    previous = f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"
    monthly = {p: ev.find(metric="new_orders", period=p) for p in (previous, period)}
    monthly = {p: [r for r in rows if pd.isna(r["period_weeks"])] for p, rows in monthly.items()}
    if all(len(rows) == 1 for rows in monthly.values()):
        before, after = monthly[previous][0], monthly[period][0]
        change = (float(after["value_mid"]) / float(before["value_mid"]) - 1) * 100
        ok = abs(change - claimed) <= CHANGE_TOLERANCE_PP
        return Finding(claimed, change, "percent change", CONSISTENT if ok else INCONSISTENT,
                       f"{period} orders {after['as_printed']} against {previous} {before['as_printed']}: {change:+.1f}%, "
                       f"{'within' if ok else 'outside'} {CHANGE_TOLERANCE_PP:g} points of the {claimed:+.0f}% stated.",
                       (claim["figure_id"], before["figure_id"], after["figure_id"]))
    ids = (claim["figure_id"], march_w["figure_id"], may["figure_id"])
    march_to_may = _per_week(may) / _per_week(march_w) - 1
    april_if = _per_week(march_w) * (1 + claimed / 100)
    further = _per_week(may) / april_if - 1
    reason = (
        f"No order total for {_month(previous)} or {_month(period)} is in the data, so the {claim['as_printed']} month-on-month fall "
        f"cannot be checked. The only order counts are one week of {_month(march_w['period'])} ({number(_per_week(march_w))}) "
        f"and {int(may['period_weeks'])} weeks of {_month(may['period'])} ({number(_per_week(may))} a week): {signed_percent(march_to_may, 1)} "
        f"per week between them. If {_month(previous)} ran at the pace of that one week all month, a {claimed:+.0f}% "
        f"{_month(period)} would be {number(april_if)} a week and {_month(may['period'])} a further {signed_percent(further, 0)}: compatible "
        f"with orders still falling, but one week need not be the month's average."
    )
    return Finding(claimed, march_to_may * 100, "percent change", UNVERIFIABLE, reason, ids)


#: The metric of a printed longest delivery estimate (the app's 最长交付周期), which the "some trims" reading needs.
LONGEST_WAIT_METRIC = "longest_delivery_wait"


def wait_every_buyer(ev: Evidence) -> Finding:
    """交定后…将近1年…提车, read as **every buyer's** wait: the open firm orders it implies.

    By Little's law a buyer who waits *W* weeks behind deliveries of *S* a week
    has *S × W* firm orders ahead.  At the weekly deliveries the article prints
    (its weakest to its best week) that queue is set against every SU7 delivered
    since launch (the earliest cumulative total in ``period_totals``, a lower
    bound) and against the firm orders arriving a week (May's orders × the
    lock-in range).  A queue larger than every car delivered since launch, fed by
    firm orders arriving at well under half the delivery rate, cannot be every
    buyer's wait: ``inconsistent``.  Without a cumulative total: ``unverifiable``.
    A printed count of open orders (metric ``order_backlog``), when there is one,
    is judged directly: the wait it implies at the mean weekly sales.
    """
    wait = ev.fig(FIGURE.delivery_wait)
    may, lock = ev.fig(FIGURE.may_fortnight_orders), ev.fig(FIGURE.lock_in_rate)
    wait_weeks = _weeks(wait)
    units = ev.weekly["units"].astype(float)
    low_sales, high_sales, sales = float(units.min()), float(units.max()), ev.weekly_mean
    queue_low, queue_high = low_sales * wait_weeks, high_sales * wait_weeks
    firm_low, firm_high = _per_week(may) * float(lock["value_low"]) / 100, _per_week(may) * float(lock["value_high"]) / 100
    ids = (wait["figure_id"], ev.weekly_id, may["figure_id"], lock["figure_id"])
    backlogs = ev.find(metric="order_backlog")
    if len(backlogs) == 1:
        implied_wait = float(backlogs[0]["value_mid"]) / sales
        ok = abs(implied_wait / wait_weeks - 1) <= FLOW_TOLERANCE
        return Finding(wait_weeks, implied_wait, "weeks", CONSISTENT if ok else INCONSISTENT,
                       f"{backlogs[0]['as_printed']} open orders at {number(sales)} deliveries a week is a wait of "
                       f"{implied_wait:,.1f} weeks against {wait['as_printed']} ({wait_weeks:,.1f} weeks).",
                       ids + (backlogs[0]["figure_id"],))
    head = (
        f"Read as every buyer's wait, {wait['as_printed']} ({wait_weeks:,.1f} weeks) at the weekly deliveries the article "
        f"prints ({number(low_sales)} to {number(high_sales)} a week, n = {len(units)} weeks) means "
        f"{number(queue_low)} to {number(queue_high)} open firm orders ahead of a new buyer (Little's law: deliveries a "
        f"week × wait). Firm orders arrive at {number(firm_low)} to {number(firm_high)} a week ({may['as_printed']} over "
        f"{int(may['period_weeks'])} weeks × the lock-in rate {lock['as_printed']})"
    )
    totals = ev.cumulative(SU7_SERIES)
    if not totals:
        return Finding(wait_weeks, queue_low, "weeks (claimed) / open orders (computed)", UNVERIFIABLE,
                       head + ". The data hold no count of SU7s delivered so far to set that queue against.", ids)
    tid, total = totals[0]
    delivered = float(total["units"])
    at_least = "at least " if str(total["bound"]) == "lower" else ""
    ids = ids + (tid,)
    weeks_to_build = queue_low / firm_high
    if queue_low > delivered:
        reason = (head + f". Even the smallest of those queues, {number(queue_low)}, is more than every SU7 delivered "
                  f"since launch by {total['last_day']} ({at_least}{number(delivered)}, {total['as_printed']}, "
                  f"`{total['source_id']}`), and at the firm inflow it would take {weeks_to_build:,.0f} weeks of orders "
                  f"to build. A wait of {wait['as_printed']} cannot be every buyer's wait.")
        return Finding(wait_weeks, queue_low, "weeks (claimed) / open orders (computed)", INCONSISTENT, reason, ids)
    reason = (head + f". Every SU7 delivered by {total['last_day']} ({at_least}{number(delivered)}) is more than the "
              f"smallest queue, {number(queue_low)}, so the figures do not rule out every buyer's wait; the data hold "
              f"no count of open orders to confirm it.")
    return Finding(wait_weeks, queue_low, "weeks (claimed) / open orders (computed)", UNVERIFIABLE, reason, ids)


def wait_longest_for_some_trims(ev: Evidence) -> Finding:
    """交定后…将近1年…提车, read as **the longest wait, for some trims**: needs the delivery estimate printed then.

    A printed longest delivery estimate (metric :data:`LONGEST_WAIT_METRIC`, in
    weeks) within ``FLOW_TOLERANCE`` of the year is ``consistent``, outside it
    ``inconsistent``; without one the reading is ``unverifiable``.
    """
    wait = ev.fig(FIGURE.delivery_wait)
    wait_weeks = _weeks(wait)
    longest = ev.find(metric=LONGEST_WAIT_METRIC)
    if not longest:
        reason = (f"Read as the longest wait, for some trims, {wait['as_printed']} ({wait_weeks:,.1f} weeks) needs the "
                  f"delivery estimate Xiaomi's app showed at the time (its longest 交付周期); the data hold no such "
                  f"figure, so this reading can be neither confirmed nor ruled out.")
        return Finding(wait_weeks, math.nan, "weeks", UNVERIFIABLE, reason, (wait["figure_id"],))
    row = max(longest, key=lambda r: float(r["value_high"]))
    weeks = _weeks({**row, "value_mid": row["value_high"]})
    ok = abs(weeks / wait_weeks - 1) <= FLOW_TOLERANCE
    reason = (f"Read as the longest wait, for some trims: the longest delivery estimate printed, {row['as_printed']} "
              f"({weeks:,.0f} weeks, {row['period'] or 'period not stated'}), is {weeks / wait_weeks:.0%} of "
              f"{wait['as_printed']} ({wait_weeks:,.1f} weeks), {'within' if ok else 'outside'} ±{FLOW_TOLERANCE:.0%}.")
    return Finding(wait_weeks, weeks, "weeks", CONSISTENT if ok else INCONSISTENT, reason,
                   (wait["figure_id"], row["figure_id"]))


def lock_in_restated(ev: Evidence) -> Finding:
    """The lock-in rate as a range (rate_lock_in) against its restatement (rate_lock_in_restated)."""
    rng, again = ev.fig(FIGURE.lock_in_rate), ev.fig(FIGURE.lock_in_restated)
    ids = (again["figure_id"], rng["figure_id"])
    low, high = float(rng["value_low"]), float(rng["value_high"])
    claimed = float(again["value_mid"])
    nearest = min(max(claimed, low), high)
    ok = abs(claimed - nearest) <= RATE_TOLERANCE_PP
    end = "low end" if nearest == low else ("high end" if nearest == high else "inside")
    reason = (
        f"'{again['as_printed']}' against '{rng['as_printed']}': "
        + (f"the restatement is the range's {end} ({number(nearest, 0)}%); it drops the rest of the range but does not contradict it."
           if ok else f"{number(claimed, 0)}% lies {abs(claimed - nearest):g} points outside {number(low, 0)}%-{number(high, 0)}%.")
    )
    return Finding(claimed, nearest, "percent", CONSISTENT if ok else INCONSISTENT, reason, ids)


_RATE_WORD = re.compile(r"(?P<base>[\u4e00-\u9fff]*?)(?P<rate>[\u4e00-\u9fff]{2}率)")


def printed_base(row: dict) -> tuple[str, str]:
    """(base, rate word) of a rate figure, read from its quote: the words printed before its ``…率``.

    ``早期订单退订率高达40%`` gives ``("早期订单", "退订率")``: the rate is printed on
    early orders; ``锁单率仅35%-40%`` gives ``("", "锁单率")``: no base printed.
    A quote without a ``…率`` word gives ``("", "")``.

    >>> printed_base({"locator": 'para 15: "但早期订单退订率高达40%"', "as_printed": "高达40%"})
    ('早期订单', '退订率')
    >>> printed_base({"locator": 'para 15: "锁单率仅35%-40%"', "as_printed": "35%-40%"})
    ('', '锁单率')
    """
    quote = _where_and_quote(str(row["locator"]))[1]
    head = quote.split(str(row["as_printed"]))[0] if str(row["as_printed"]) in quote else quote
    found = [m for m in _RATE_WORD.finditer(head)]
    if not found:
        return "", ""
    last = found[-1]
    base = last["base"]
    for word in ("但", "而", "且", "其", "的"):  # a conjunction or particle before the noun is not the base
        base = base[len(word):] if base.startswith(word) else base
    return base, last["rate"]


def cancellation_vs_lock_in(ev: Evidence) -> Finding:
    """退订率 (cancellations) against 锁单率 (lock-in): can both hold for the same orders?

    The two rates can only be added if they are printed on the same base (the
    same orders); the base of each is what its quote prints before its ``…率``
    (:func:`printed_base`).  With matching bases, locked plus cancelled must
    stay within 100%; otherwise the claim is ``unverifiable``.
    """
    cancel, lock = ev.fig(FIGURE.cancellation_rate), ev.fig(FIGURE.lock_in_rate)
    ids = (cancel["figure_id"], lock["figure_id"])
    c, low, high = float(cancel["value_mid"]), float(lock["value_low"]), float(lock["value_high"])
    total = high + c
    (c_base, c_word), (l_base, l_word) = printed_base(cancel), printed_base(lock)

    def on(base: str, word: str, row: dict) -> str:
        name = word or "the rate"
        where = _where_and_quote(str(row["locator"]))[0]
        return (f"{name} is printed on {base} ({where})" if base
                else f"{name} is printed with no base: which orders it is a share of is not stated ({where})")

    bases = f"{on(c_base, c_word, cancel)}; {on(l_base, l_word, lock)}"
    if not (c_base and l_base and c_base == l_base):
        reason = (
            f"{bases}. Shares of different or unstated sets of orders cannot be added or set against each other, so "
            f"the printed {number(c, 0)}% and {number(low, 0)}%-{number(high, 0)}% can be neither checked nor contradicted. "
            f"Even on one base the test would be weak: at most {number(high, 0)}% locked plus {number(c, 0)}% cancelled is "
            f"{number(total, 0)}%, which only says that both {'could' if total <= 100 else 'could not'} hold, not that they do."
        )
        return Finding(c, total, "percent", UNVERIFIABLE, reason, ids)
    ok = total <= 100
    reason = (
        f"{bases}: the same orders. At most {number(high, 0)}% locked plus up to {number(c, 0)}% cancelled is "
        f"{number(total, 0)}% of them: "
        + (f"the two can hold together, but they are not complements. If every order that was not locked had been "
           f"cancelled, cancellations would be {number(100 - high, 0)}%-{number(100 - low, 0)}%, above the {number(c, 0)}% "
           f"ceiling; so at least {number(100 - total, 0)}%-{number(100 - low - c, 0)}% of orders were neither locked nor cancelled."
           if ok else "more than all orders, so they cannot describe the same orders.")
    )
    return Finding(c, total, "percent", CONSISTENT if ok else INCONSISTENT, reason, ids)


def quality_rankings(ev: Evidence) -> Finding:
    """中国汽车质量网 (垫底, last) against 车质网 (高居第二) for the same quarter.

    The two lists score by different methods on different scales (239 points
    against 1.7), so opposite places can both be right: each list measures
    something else.  Only agreement can be established (both last, or ranks
    within ``TOP_RANK`` of each other: ``consistent``); any disagreement is
    ``unverifiable``, never ``inconsistent``.
    """
    cqn_s, cqn_r = ev.fig(FIGURE.cqn_score), ev.fig(FIGURE.cqn_rank)
    czw_s, czw_r = ev.fig(FIGURE.czw_score), ev.fig(FIGURE.czw_rank)
    ids = (cqn_s["figure_id"], cqn_r["figure_id"], czw_s["figure_id"], czw_r["figure_id"])

    def place(row: dict) -> float | str:
        return "last" if row["as_printed"] in LAST_PLACE_WORDS else float(row["value_mid"])

    a, b = place(cqn_r), place(czw_r)
    words = {p: (p if isinstance(p, str) else f"rank {p:g}") for p in (a, b)}
    if a == "last" and b == "last":
        verdict, why = CONSISTENT, "both lists put the SU7 last"
    elif "last" in (a, b):
        rank = b if a == "last" else a
        verdict = UNVERIFIABLE
        why = (f"one list puts the SU7 last and the other at rank {rank:g}; the lists score by different methods, so "
               "both places can be right, and neither contradicts the other")
    elif abs(a - b) <= TOP_RANK:
        verdict, why = CONSISTENT, f"ranks {a:g} and {b:g}"
    else:
        verdict = UNVERIFIABLE
        why = f"ranks {a:g} and {b:g}, on lists that score by different methods: both can be right"
    reason = (
        f"中国汽车质量网 ({cqn_s['period']}): {cqn_s['as_printed']}, {words[a]}; 车质网 (same period): {czw_s['as_printed']}, "
        f"{words[b]}. The points are on different scales ({number(float(cqn_s['value_mid']), 0)} against "
        f"{float(czw_s['value_mid']):g}) and cannot be compared; as places, {why}."
    )
    return Finding(float(cqn_s["value_mid"]), float(czw_s["value_mid"]), "points (two different scales)", verdict, reason, ids)


def quality_complaints(ev: Evidence) -> Finding:
    """The complaint count (三个月内仅有…条投诉) on the same list that puts the SU7 last."""
    comp, score = ev.fig(FIGURE.cqn_complaints), ev.fig(FIGURE.cqn_score)
    wuling = ev.fig(FIGURE.czw_leader_complaints)
    ids = (comp["figure_id"], score["figure_id"], wuling["figure_id"])
    when = comp["period"] or f"unstated ({comp['period_as_printed']})"
    reason = (
        f"{comp['as_printed']} complaints, period {when}, some not about quality, on the list where the SU7 scores "
        f"{score['as_printed']} and is last. Without the list's scoring method or other models' complaint counts, the data "
        f"cannot say whether {number(float(comp['value_mid']), 0)} complaints can put a car last; on 车质网 the leader, "
        f"Wuling Bingo Plus, has {number(float(wuling['value_mid']), 0)}, so few complaints fit a top place there."
    )
    return Finding(float(comp["value_mid"]), math.nan, "complaints", UNVERIFIABLE, reason, ids)


def nev_top_ten_april(ev: Evidence) -> Finding:
    """跻身新能源车前十 in April: needs other models' sales, which the data do not hold."""
    rank, april = ev.fig(FIGURE.april_nev_rank), ev.fig(FIGURE.april_sales)
    ids = (rank["figure_id"], april["figure_id"])
    reason = (
        f"{april['as_printed']} in {_month(april['period'])} ({number(_per_week(april))} a week) is the SU7's only figure for that month; a place in the "
        f"{rank['as_printed']} ({rank['qualifier_meaning']} {number(float(rank['value_high']), 0)}) needs other models' sales "
        f"for the month, which are not in these data."
    )
    return Finding(float(rank["value_high"]), math.nan, "rank", UNVERIFIABLE, reason, ids)


def aluminium_bonnet_requeue(ev: Evidence) -> Finding:
    """改配铝制机盖 排队周期: a separate queue with no production figures."""
    bonnet, wait = ev.fig(FIGURE.bonnet_requeue_wait), ev.fig(FIGURE.delivery_wait)
    ids = (bonnet["figure_id"], wait["figure_id"])
    wait_weeks = _weeks(wait)
    scale = _weeks(bonnet) / float(bonnet["value_mid"])
    low, high = float(bonnet["value_low"]) * scale, float(bonnet["value_high"]) * scale
    reason = (
        f"{bonnet['as_printed']} is {low / wait_weeks:.0%}-{high / wait_weeks:.0%} of the {wait['as_printed']} "
        f"({wait_weeks:,.1f} weeks) delivery wait, but it is a different queue (SU7 Ultra owners switching bonnets); "
        f"the data hold no bonnet output or queue length to check it against."
    )
    return Finding(float(bonnet["value_mid"]), math.nan, "weeks", UNVERIFIABLE, reason, ids)


#: The registry: every claim, in the order the audit reports them.
CLAIMS: tuple[Claim, ...] = (
    Claim("weekly_sales_three_declines", three_weekly_declines),
    Claim("orders_since_may_three_declines", orders_since_may_declines),
    Claim("weekly_sales_vs_april_sales", weeks_vs_april_sales),
    Claim("actual_capacity_vs_april_sales", actual_capacity_vs_april_sales),
    Claim("design_capacity_vs_sales_run_rate", design_capacity_vs_sales),
    Claim("actual_vs_design_capacity", actual_vs_design_capacity),
    Claim("may_vs_march_orders", may_vs_march_orders),
    Claim("april_orders_mom_decline", april_orders_mom_decline),
    Claim("wait_every_buyer", wait_every_buyer),
    Claim("wait_longest_for_some_trims", wait_longest_for_some_trims),
    Claim("lock_in_restated", lock_in_restated),
    Claim("cancellation_vs_lock_in", cancellation_vs_lock_in),
    Claim("quality_rankings", quality_rankings),
    Claim("quality_complaints", quality_complaints),
    Claim("nev_top_ten_april", nev_top_ten_april),
    Claim("aluminium_bonnet_requeue", aluminium_bonnet_requeue),
)


# --------------------------------------------------------------------------- the audit

AUDIT_COLUMNS = ("claim_id", "locator", "claim_as_printed", "claimed_value", "computed_value", "unit", "verdict", "reason", "figure_ids")


def _where_and_quote(locator: str) -> tuple[str, str]:
    match = _LOCATOR.match(locator)
    return (match["where"].strip(), match["quote"]) if match else (locator, "")


def audit_claims(figures: pd.DataFrame, weekly_sales: pd.DataFrame, claims: tuple[Claim, ...] = CLAIMS,
                 period_totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run every rule; one row per claim with its verdict and the figures it used.

    ``locator`` lists where each figure used is printed (``para 3; para 13``),
    ``claim_as_printed`` the quoted text of each, in the order of ``figure_ids``.
    """
    ev = Evidence(figures, weekly_sales, period_totals=period_totals)
    rows = []
    for claim, found in judge(claims, ev, VERDICTS):
        places = [_where_and_quote(ev.locator(fid)) for fid in found.figure_ids]
        rows.append({
            "claim_id": claim.claim_id,
            "locator": "; ".join(dict.fromkeys(w for w, _ in places)),
            "claim_as_printed": " / ".join(dict.fromkeys(q for _, q in places if q)),
            "claimed_value": found.claimed_value,
            "computed_value": found.computed_value,
            "unit": found.unit,
            "verdict": found.verdict,
            "reason": found.reason,
            "figure_ids": "; ".join(found.figure_ids),
        })
    table = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    return table.astype({"claimed_value": "float64", "computed_value": "float64"})


#: The capacity claims, whose verdicts notebook 04 prints beside the run rate (the audit's own rules, run once).
CAPACITY_CLAIMS = ("actual_capacity_vs_april_sales", "design_capacity_vs_sales_run_rate", "actual_vs_design_capacity")


def claim_verdicts(figures: pd.DataFrame, weekly_sales: pd.DataFrame, claim_ids: tuple[str, ...] = CAPACITY_CLAIMS,
                   period_totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """``claim_id``, ``verdict`` and ``reason`` of some claims, by the audit's own rules (:func:`audit_claims`).

    Notebook 04 reads the capacities' verdicts from here rather than judge them
    again, so the design capacity has one verdict in notebooks 04 and 05.
    """
    unknown = sorted(set(claim_ids) - {c.claim_id for c in CLAIMS})
    if unknown:
        raise KeyError(f"unknown claim(s) {', '.join(unknown)}")
    chosen = tuple(c for c in CLAIMS if c.claim_id in claim_ids)
    return audit_claims(figures, weekly_sales, chosen, period_totals=period_totals)[["claim_id", "verdict", "reason"]]


def verdict_counts(audit: pd.DataFrame) -> pd.Series:
    """How many claims got each verdict, in the order of :data:`VERDICTS` (zeros kept)."""
    return audit["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0).rename("claims")


def claims_summary(audit: pd.DataFrame) -> list[dict]:
    """The audit as a list of plain dicts (for the report's summary.json); NaN → ``None``."""
    out = []
    for row in audit.to_dict("records"):
        item = {}
        for key in AUDIT_COLUMNS:
            value = row[key]
            if key == "figure_ids":
                value = value.split("; ") if value else []
            elif isinstance(value, float) and not math.isfinite(value):
                value = None
            item[key] = value
        out.append(item)
    return out


def write_claims_outputs(audit: pd.DataFrame, folder: Path | str | None = None) -> list[Path]:
    """Write ``claims_audit.csv`` (floats to 3 decimals) and ``summary.json`` (:func:`claims_summary`) atomically.

    ``folder`` defaults to the step's folder in the catalogue; returns the two paths.
    """
    from helpers import catalog
    from helpers.atomic import write_csv_atomic, write_json_atomic
    from helpers.formatting import rounded

    out = Path(folder) if folder is not None else catalog.step_folder("05_claims")
    frame = audit.copy()
    for column in ("claimed_value", "computed_value"):
        frame[column] = frame[column].round(3) + 0.0
    write_csv_atomic(out / "claims_audit.csv", frame)
    write_json_atomic(out / "summary.json", rounded(claims_summary(audit)))
    return [out / "claims_audit.csv", out / "summary.json"]
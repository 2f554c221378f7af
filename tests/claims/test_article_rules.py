"""Claims audit: verdicts on small synthetic tables, and verdicts that flip when a number changes.

The synthetic tables (from tests/test_run_rate.py) put every vehicle rate at
700 a week, so each expectation below can be checked by hand.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from helpers.claims import article_rules as cl
from tests.models.test_run_rate import synthetic_figures, synthetic_weeks


def verdict(claim_id: str, figures: pd.DataFrame | None = None, weeks: pd.DataFrame | None = None) -> pd.Series:
    audit = cl.audit_claims(synthetic_figures() if figures is None else figures,
                            synthetic_weeks() if weeks is None else weeks)
    return audit.set_index("claim_id").loc[claim_id]


# --------------------------------------------------------------------------- the table


def test_one_row_per_registered_claim_with_one_verdict_each():
    audit = cl.audit_claims(synthetic_figures(), synthetic_weeks((800, 700, 600, 500)))
    assert audit["claim_id"].tolist() == [c.claim_id for c in cl.CLAIMS]
    assert audit["claim_id"].is_unique
    assert list(audit.columns) == list(cl.AUDIT_COLUMNS)
    assert set(audit["verdict"]) <= set(cl.VERDICTS)
    assert not audit["reason"].str.contains("nan").any()
    assert (audit["figure_ids"] != "").all()


def test_locator_and_quote_come_from_the_figures_used():
    row = verdict("may_vs_march_orders")
    assert row["figure_ids"] == "orders_may_weeks1_2; orders_mar_week2"
    assert row["claim_as_printed"] == "quote orders_may_weeks1_2 / quote orders_mar_week2"
    assert row["locator"].count("para") == 2


def test_verdict_counts_keep_zeros_in_a_fixed_order():
    audit = pd.DataFrame({"verdict": ["consistent", "consistent", "unverifiable"]})
    assert cl.verdict_counts(audit).to_dict() == {"consistent": 2, "inconsistent": 0, "unverifiable": 1}


def test_claims_summary_is_plain_json_values():
    summary = cl.claims_summary(cl.audit_claims(synthetic_figures(), synthetic_weeks()))
    assert len(summary) == len(cl.CLAIMS)
    top_ten = next(s for s in summary if s["claim_id"] == "nev_top_ten_april")
    assert top_ten["computed_value"] is None
    assert top_ten["figure_ids"] == ["sales_apr_nev_rank", "sales_apr_2025"]


def test_audit_written_atomically(tmp_path):
    audit = cl.audit_claims(synthetic_figures(), synthetic_weeks())
    written = cl.write_claims_outputs(audit, tmp_path)
    assert [p.name for p in written] == ["claims_audit.csv", "summary.json"]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in written}
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in cl.write_claims_outputs(audit, tmp_path)} == before
    back = pd.read_csv(tmp_path / "claims_audit.csv")
    assert back["claim_id"].tolist() == audit["claim_id"].tolist()
    assert [c["claim_id"] for c in json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))] == back["claim_id"].tolist()


def test_a_bad_verdict_is_refused():
    with pytest.raises(ValueError):
        cl.Finding(1.0, 1.0, "x", "plausible", "r", ("f",))


# --------------------------------------------------------------------------- weekly declines


def test_three_declines_consistent():
    row = verdict("weekly_sales_three_declines", weeks=synthetic_weeks((800, 700, 600, 500)))
    assert (row["verdict"], row["claimed_value"], row["computed_value"]) == ("consistent", 3, 3)


def test_a_week_that_rises_breaks_three_declines():
    row = verdict("weekly_sales_three_declines", weeks=synthetic_weeks((800, 700, 750, 500)))
    assert (row["verdict"], row["computed_value"]) == ("inconsistent", 1)


def test_too_few_weeks_is_unverifiable():
    assert verdict("weekly_sales_three_declines", weeks=synthetic_weeks((800, 700)))["verdict"] == "unverifiable"


def test_printed_weekly_declines_are_judged_on_the_printed_figures_only():
    row = verdict("weekly_sales_three_declines", weeks=synthetic_weeks((800, 700, 600, 500)))
    assert "800 → 700 → 600 → 500" in row["reason"]
    assert "orders_since_may_three_declines" in row["reason"]  # the claim about orders is a separate row


def test_orders_since_may_are_a_separate_claim_next_to_the_printed_weeks():
    ids = [c.claim_id for c in cl.CLAIMS]
    assert ids.index("orders_since_may_three_declines") == ids.index("weekly_sales_three_declines") + 1


def test_orders_since_may_unverifiable_even_when_the_printed_weeks_fall():
    # The weekly series counts registrations; the only order counts are one week of March (D)
    # and two weeks of May as one total (E): no one-week order figure from May on.
    row = verdict("orders_since_may_three_declines", weeks=synthetic_weeks((800, 700, 600, 500)))
    assert row["verdict"] == "unverifiable"
    assert math.isnan(row["computed_value"]) and row["claimed_value"] == 3
    assert "needs 4 one-week order figures from May 2025 on; the data hold 0" in row["reason"]
    assert row["figure_ids"].split("; ")[0] == "orders_may_consecutive_declines"
    assert {"orders_mar_week2", "orders_may_weeks1_2"} <= set(row["figure_ids"].split("; "))


def test_orders_since_may_reason_counts_the_days_before_may():
    # 2025-W16 = 14-20 Apr, W17 = 21-27 Apr, W18 = 28 Apr-4 May (3 April days, 4 May days), W19 = 5-11 May:
    # 7 + 7 + 3 = 17 of the 28 days are in April; W16 and W17 are mostly April; of the changes
    # W16→W17, W17→W18, W18→W19 only the last is between two weeks mostly in May.
    reason = verdict("orders_since_may_three_declines", weeks=synthetic_weeks((800, 700, 600, 500)))["reason"]
    assert "2025-W18 3 before, 4 in" in reason
    assert "17 of its 28 days fall before May 2025" in reason
    assert "2 of its 4 weeks lie mostly before it (2025-W16, 2025-W17)" in reason
    assert "1 of its 3 week-on-week changes is between two weeks mostly in May 2025" in reason


def test_a_one_week_order_figure_from_may_is_counted():
    figures = synthetic_figures(orders_may_week3={"metric": "new_orders", "value": 600, "unit": "vehicles",
                                                  "period": "2025-05", "period_weeks": 1})
    row = verdict("orders_since_may_three_declines", figures)
    assert "the data hold 1" in row["reason"]
    assert row["verdict"] == "unverifiable"


# --------------------------------------------------------------------------- weeks against April


def test_weeks_match_april_when_both_run_at_700():
    row = verdict("weekly_sales_vs_april_sales")
    assert row["verdict"] == "consistent"
    assert row["computed_value"] == pytest.approx(700)
    # W16 and W17 lie in April, W18 (28 Apr - 4 May) has 3 April days, W19 none
    assert "2025-W18 (04-28..05-04) 3 day(s)" in row["reason"]
    assert "2025-W19 (05-05..05-11) 0 day(s)" in row["reason"]
    assert "those 17 days" in row["reason"]


def test_april_days_are_weighted_by_days():
    # W16, W17 at 700 a week (14 days), W18 at 1,400 a week but only 3 April days:
    # (700 + 700 + 1,400 × 3/7) / 17 days × 7 = 2,000 / 17 × 7
    row = verdict("weekly_sales_vs_april_sales", weeks=synthetic_weeks((700, 700, 1400, 1400)))
    assert row["computed_value"] == pytest.approx(2000 / 17 * 7)


def test_april_total_twice_the_weeks_is_inconsistent():
    figures = synthetic_figures(sales_apr_2025={"value": 6000})
    row = verdict("weekly_sales_vs_april_sales", figures)
    assert row["verdict"] == "inconsistent"
    assert "1,400 a week" in row["reason"]


def test_weeks_outside_april_are_unverifiable():
    row = verdict("weekly_sales_vs_april_sales", weeks=synthetic_weeks((700, 700), first_week=30))
    assert row["verdict"] == "unverifiable"


# --------------------------------------------------------------------------- capacity


def test_actual_capacity_equal_to_sales_is_consistent():
    assert verdict("actual_capacity_vs_april_sales")["verdict"] == "consistent"


def test_sales_far_above_actual_capacity_is_inconsistent():
    row = verdict("actual_capacity_vs_april_sales", synthetic_figures(sales_apr_2025={"value": 6000}))
    assert row["verdict"] == "inconsistent"
    assert (row["claimed_value"], row["computed_value"]) == pytest.approx((700, 1400))
    # capacity 700 a week builds 3,000 in April's 30 days; the other 3,000 are unexplained
    assert "builds 3,000 in the month's 30 days, so 3,000 cars" in row["reason"]


def test_slack_decides_at_the_edge():
    within = synthetic_figures(sales_apr_2025={"value": 3000 * (1 + cl.CAPACITY_SLACK) - 1})
    beyond = synthetic_figures(sales_apr_2025={"value": 3000 * (1 + cl.CAPACITY_SLACK) + 1})
    assert verdict("actual_capacity_vs_april_sales", within)["verdict"] == "consistent"
    assert verdict("actual_capacity_vs_april_sales", beyond)["verdict"] == "inconsistent"


def test_sales_far_above_design_capacity_are_unverifiable_not_inconsistent():
    # a design capacity of 36,525 a year is 700 a week; weeks at 1,400 run at twice it
    fast_weeks = synthetic_weeks((1400, 1400, 1400, 1400))
    row = verdict("design_capacity_vs_sales_run_rate", weeks=fast_weeks)
    assert row["verdict"] == "unverifiable"
    assert (row["claimed_value"], row["computed_value"]) == pytest.approx((700, 1400))
    assert "2.00× the design capacity's weekly rate" in row["reason"]
    assert "nameplate" in row["reason"] and "another plant" not in row["reason"]


def test_sales_within_design_capacity_are_consistent():
    assert verdict("design_capacity_vs_sales_run_rate")["verdict"] == "consistent"  # 700 against 700
    raised = synthetic_figures(capacity_design_annual={"value": 36525 * 2})
    assert verdict("design_capacity_vs_sales_run_rate", raised, synthetic_weeks((1400,) * 4))["verdict"] == "consistent"


def test_actual_above_design_capacity_is_inconsistent():
    assert verdict("actual_vs_design_capacity")["verdict"] == "consistent"
    higher = synthetic_figures(capacity_actual_monthly={"value": 3043.75 * 2})
    row = verdict("actual_vs_design_capacity", higher)
    assert row["verdict"] == "inconsistent"
    assert "200% of the designed" in row["reason"]


def test_an_actual_capacity_below_design_that_sales_exceed_is_not_counted_as_agreement():
    """The review: "actual vs design capacity: consistent" counted a figure the audit already rejects."""
    fast = synthetic_weeks((1400,) * 4)  # twice the actual capacity of 700 a week
    row = verdict("actual_vs_design_capacity", weeks=fast)
    assert row["verdict"] == "inconsistent"
    assert "agree with each other" in row["reason"] and "itself contradicted" in row["reason"]


# --------------------------------------------------------------------------- orders


def test_may_against_march_compared_per_week():
    # 1,400 over 2 weeks = 700 a week against 1,000 in one week: -30% per week;
    # the totals side by side say +40%
    row = verdict("may_vs_march_orders")
    assert row["claimed_value"] == pytest.approx(40)
    assert row["computed_value"] == pytest.approx(-30)
    assert row["verdict"] == "consistent"
    assert "understates the fall" in row["reason"]


def test_a_small_per_week_fall_is_not_sharp():
    figures = synthetic_figures(orders_may_weeks1_2={"value": 1800})  # 900 a week: -10%
    row = verdict("may_vs_march_orders", figures)
    assert row["computed_value"] == pytest.approx(-10)
    assert row["verdict"] == "inconsistent"


def test_april_order_fall_unverifiable_without_monthly_orders():
    row = verdict("april_orders_mom_decline")
    assert row["verdict"] == "unverifiable"
    assert row["claimed_value"] == -55
    # 1,000 a week in March at -55% leaves 450 a week in April
    assert "would be 450 a week" in row["reason"]


@pytest.mark.parametrize("april, expected", [(900, "consistent"), (1500, "inconsistent")])
def test_april_order_fall_checked_when_monthly_orders_exist(april, expected):
    figures = synthetic_figures(
        orders_mar_total={"metric": "new_orders", "value": 2000, "unit": "vehicles", "period": "2025-03"},
        orders_apr_total={"metric": "new_orders", "value": april, "unit": "vehicles", "period": "2025-04"},
    )
    row = verdict("april_orders_mom_decline", figures)
    assert row["verdict"] == expected
    assert row["computed_value"] == pytest.approx((april / 2000 - 1) * 100)


# --------------------------------------------------------------------------- wait


def _delivered(units: int, bound: str = "lower") -> pd.DataFrame:
    return pd.DataFrame({"first_day": [float("nan")], "last_day": ["2025-05-21"], "series": ["xiaomi_su7"],
                         "measure": ["deliveries"], "units": [units], "bound": [bound], "as_printed": ["T"],
                         "source_id": ["s_total"], "locator": ['page: "quote total"']})


def wait_row(claim_id: str, figures=None, totals=None) -> pd.Series:
    audit = cl.audit_claims(synthetic_figures() if figures is None else figures, synthetic_weeks(), period_totals=totals)
    return audit.set_index("claim_id").loc[claim_id]


def test_the_wait_is_judged_as_two_readings_not_one():
    ids = [c.claim_id for c in cl.CLAIMS]
    assert "wait_nearly_a_year" not in ids
    assert {"wait_every_buyer", "wait_longest_for_some_trims"} <= set(ids)


def test_every_buyer_wait_unverifiable_without_a_count_of_cars_delivered():
    row = wait_row("wait_every_buyer")
    assert row["verdict"] == "unverifiable"
    # Little's law: 700 a week × 12 weeks
    assert row["computed_value"] == pytest.approx(700 * 12)
    assert "8,400" in row["reason"]


def test_every_buyer_wait_inconsistent_when_the_queue_exceeds_every_car_delivered():
    row = wait_row("wait_every_buyer", totals=_delivered(5000))
    assert row["verdict"] == "inconsistent"
    assert "8,400" in row["reason"] and "5,000" in row["reason"]
    # firm orders 1,400 / 2 weeks × 30%..50% = 210..350 a week; 8,400 / 350 = 24 weeks to build the queue
    assert "210 to 350" in row["reason"] and "24 weeks" in row["reason"]
    assert row["figure_ids"].endswith("period_totals:xiaomi_su7:2025-05-21")
    assert "s_total" in row["locator"]


def test_every_buyer_wait_not_ruled_out_when_more_cars_were_delivered_than_the_queue():
    assert wait_row("wait_every_buyer", totals=_delivered(10000))["verdict"] == "unverifiable"


@pytest.mark.parametrize("open_orders, expected", [(8400, "consistent"), (20000, "inconsistent")])
def test_every_buyer_wait_checked_against_an_order_count(open_orders, expected):
    figures = synthetic_figures(order_backlog={"metric": "order_backlog", "value": open_orders, "unit": "vehicles"})
    row = wait_row("wait_every_buyer", figures)
    assert row["verdict"] == expected
    assert row["computed_value"] == pytest.approx(open_orders / 700)


def test_longest_wait_for_some_trims_unverifiable_without_the_apps_estimate():
    row = wait_row("wait_longest_for_some_trims")
    assert row["verdict"] == "unverifiable"
    assert "no such figure" in row["reason"]


@pytest.mark.parametrize("weeks, expected", [(11, "consistent"), (6, "inconsistent")])
def test_longest_wait_for_some_trims_against_a_printed_longest_estimate(weeks, expected):
    figures = synthetic_figures(app_longest={"metric": "longest_delivery_wait", "value": weeks, "unit": "weeks"})
    row = wait_row("wait_longest_for_some_trims", figures)
    assert row["verdict"] == expected  # 11 / 12 = 92% (within 15%); 6 / 12 = 50%
    assert row["computed_value"] == pytest.approx(weeks)


def test_every_buyer_wait_on_the_frozen_article_figures_is_inconsistent():
    """Issue 24, item 5: nearly a year for every buyer means 271,000-376,000 open firm orders, more than the
    258,000+ SU7s delivered by 21 May 2025, with firm orders at 2,400-2,700 a week."""
    from tests.conftest import ROOT

    fixtures = ROOT / "tests/fixtures"
    figures = pd.read_csv(fixtures / "clean_2025_w39/figures.csv")
    weeks = pd.read_csv(fixtures / "clean_2025_w39/weekly_sales.csv")
    totals = pd.read_csv(fixtures / "period_totals_2025/period_totals.csv")
    row = cl.audit_claims(figures, weeks, period_totals=totals).set_index("claim_id").loc["wait_every_buyer"]
    wait = 365.25 / 7  # one year in weeks
    queue_low, queue_high = 5200 * wait, 7200 * wait  # the weakest and best article weeks
    assert row["verdict"] == "inconsistent"
    assert row["computed_value"] == pytest.approx(queue_low)
    assert f"{queue_low:,.0f}" in row["reason"] and f"{queue_high:,.0f}" in row["reason"]
    assert "258,000" in row["reason"]
    firm_low, firm_high = 13500 / 2 * 0.35, 13500 / 2 * 0.40  # 2,362.5 (printed half up) and 2,700
    assert f"{int(firm_low + 0.5):,} to {int(firm_high + 0.5):,}" in row["reason"]


# --------------------------------------------------------------------------- rates


def test_restated_lock_in_at_the_low_end_is_consistent():
    row = verdict("lock_in_restated")
    assert row["verdict"] == "consistent"
    assert "low end" in row["reason"]


def test_restated_lock_in_outside_the_range_is_inconsistent():
    row = verdict("lock_in_restated", synthetic_figures(rate_lock_in_restated={"value": 60}))
    assert row["verdict"] == "inconsistent"
    assert "10 points outside" in row["reason"]


def rates_printed_on(cancellation_quote: str, lock_in_quote: str, **changes: dict) -> pd.DataFrame:
    """The synthetic figures with the two rates' quotes replaced (the base is read from the quote)."""
    figures = synthetic_figures(**changes)
    for fid, quote in (("rate_cancellation_early_orders", cancellation_quote), ("rate_lock_in", lock_in_quote)):
        figures.loc[figures["figure_id"] == fid, "locator"] = f'para 1: "{quote}"'
    return figures


def test_printed_base_is_the_words_before_the_rate():
    # the article's own quotes (para 15 of the seed)
    assert cl.printed_base({"locator": 'para 13: "早期订单退订率高达40%"', "as_printed": "高达40%"}) == ("早期订单", "退订率")
    assert cl.printed_base({"locator": 'para 13: "锁单率仅35%-40%"', "as_printed": "35%-40%"}) == ("", "锁单率")
    assert cl.printed_base({"locator": 'para 1: "quote x"', "as_printed": "x"}) == ("", "")


def test_rates_on_different_bases_are_unverifiable_whatever_they_sum_to():
    # the article's case: cancellations of early orders, lock-in of unstated orders
    figures = rates_printed_on("早期订单退订率高达20%", "锁单率仅30%-50%")
    row = verdict("cancellation_vs_lock_in", figures)
    assert row["verdict"] == "unverifiable"
    assert "退订率 is printed on 早期订单" in row["reason"]
    assert "锁单率 is printed with no base" in row["reason"]
    assert "70%" in row["reason"]  # 50% + 20%, reported, not used as a test
    # summing above 100% does not make them contradict either: they may count different orders
    over = rates_printed_on("早期订单退订率高达40%", "锁单率仅70%-90%",
                            rate_lock_in={"value": (70, 90)}, rate_cancellation_early_orders={"value": 40})
    assert verdict("cancellation_vs_lock_in", over)["verdict"] == "unverifiable"
    # two different stated bases do not match
    other = rates_printed_on("早期订单退订率高达20%", "全部订单锁单率仅30%-50%")
    assert verdict("cancellation_vs_lock_in", other)["verdict"] == "unverifiable"


def test_rates_without_any_printed_base_are_unverifiable():
    assert verdict("cancellation_vs_lock_in")["verdict"] == "unverifiable"


def test_rates_on_the_same_base_must_not_exceed_all_orders():
    same = rates_printed_on("早期订单退订率高达20%", "早期订单锁单率仅30%-50%")
    row = verdict("cancellation_vs_lock_in", same)  # 50% + 20% = 70%
    assert row["verdict"] == "consistent"
    assert row["computed_value"] == 70
    assert "50%-70%" in row["reason"]  # what cancellations would be if every unlocked order cancelled
    too_many = rates_printed_on("早期订单退订率高达40%", "早期订单锁单率仅70%-90%",
                                rate_lock_in={"value": (70, 90)}, rate_cancellation_early_orders={"value": 40})
    assert verdict("cancellation_vs_lock_in", too_many)["verdict"] == "inconsistent"  # 90% + 40% = 130%


# --------------------------------------------------------------------------- quality and rank


def test_last_against_second_on_lists_with_different_methods_is_unverifiable_not_inconsistent():
    """The review: two lists that score by different methods can both be right."""
    row = verdict("quality_rankings")
    assert row["verdict"] == "unverifiable"
    assert (row["claimed_value"], row["computed_value"]) == (100, 2)
    assert "both places can be right" in row["reason"]


def test_last_against_a_middle_rank_is_unverifiable():
    figures = synthetic_figures(quality_czw_q1_rank={"value": 15})
    assert verdict("quality_rankings", figures)["verdict"] == "unverifiable"


def test_last_on_both_lists_is_consistent():
    figures = synthetic_figures(quality_czw_q1_rank={"value": None, "as_printed": "垫底"})
    assert verdict("quality_rankings", figures)["verdict"] == "consistent"


def test_complaints_and_top_ten_are_unverifiable():
    assert verdict("quality_complaints")["verdict"] == "unverifiable"
    assert "whether 5 complaints can put a car last" in verdict("quality_complaints")["reason"]
    top = verdict("nev_top_ten_april")
    assert top["verdict"] == "unverifiable"
    assert top["claimed_value"] == 10
    assert math.isnan(top["computed_value"])


def test_bonnet_queue_is_compared_with_the_delivery_wait():
    row = verdict("aluminium_bonnet_requeue")  # 6-8 weeks against 12
    assert row["verdict"] == "unverifiable"
    assert "50%-67%" in row["reason"]


def test_missing_figure_names_the_id():
    with pytest.raises(KeyError, match="rate_lock_in_restated"):
        cl.audit_claims(synthetic_figures(rate_lock_in_restated=None), synthetic_weeks())


def test_design_capacity_has_one_verdict_everywhere():
    """The review: notebook 04 called design capacity "rejected" where notebook 05 called it unverifiable."""
    import csv
    import re

    from tests.conftest import ROOT

    with open(ROOT / "data/processed/claims/claims_audit.csv", encoding="utf-8", newline="") as handle:
        verdicts = {r["claim_id"]: r["verdict"] for r in csv.DictReader(handle)}
    if verdicts["design_capacity_vs_sales_run_rate"] == "inconsistent":
        return  # then "rejected" is the verdict, and saying it is right
    rejected = re.compile(r"reject\w*[^.\n]{0,60}design capacit|design capacit[^.\n]{0,60}reject", re.I)
    texts = [*(ROOT / "notebooks").glob("0*.ipynb"), ROOT / "reports/summary.json", *(ROOT / "reports/html").glob("*.html")]
    found = [p.name for p in texts if rejected.search(p.read_text(encoding="utf-8"))]
    assert found == []

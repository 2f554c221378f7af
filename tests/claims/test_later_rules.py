"""The claims against figures published later: which monthly or weekly numbers flip a verdict, and how it is worded."""

from __future__ import annotations

import pandas as pd

import pytest

from helpers.claims import engine, later_rules
from helpers.models.what_happened import decline_status
from helpers.narrative.what_happened import decline_conclusion
from tests.models.test_what_happened import ARTICLE, audit_frame, figures_frame, monthly, sales


def verdicts(monthly_rows, weekly=None, figures=True) -> pd.DataFrame:
    """The later evidence, the decline worded as notebook 07 words it (a layer up) and passes it in."""
    weekly_sales = sales(weekly or ARTICLE)
    out = later_rules.later_evidence(audit_frame(), weekly_sales, monthly(monthly_rows),
                                     figures_frame() if figures else None,
                                     decline_conclusion=decline_conclusion(decline_status(weekly_sales)))
    return out.set_index("claim_id")


def test_capacity_verdict_flips_with_the_monthly_numbers():
    at_capacity = verdicts([(4, 10000, "exact", "a"), (5, 9500, "exact", "b")])
    assert at_capacity.loc["actual_capacity_vs_april_sales", "later_verdict"] == "supported"
    far_above = verdicts([(4, 28000, "lower", "a"), (5, 28000, "lower", "b")])
    assert far_above.loc["actual_capacity_vs_april_sales", "later_verdict"] == "contradicted"
    sentence = far_above.loc["actual_capacity_vs_april_sales", "later_evidence"]
    assert "at least 28,000" in sentence and "约1万辆" in sentence and "2.8×" in sentence
    # 28,000 in April (30 days) is 6,533 a week and in May (31 days) 6,323: 2.27× and 2.20× the design
    # capacity's 2,875 a week.  A design capacity is a nameplate: months above it do not contradict it.
    design = far_above.loc["design_capacity_vs_sales_run_rate"]
    assert design["later_verdict"] == "no later evidence"
    assert "2.2× to 2.3× the design capacity's rate" in design["later_evidence"]
    assert "neither support nor contradict it" in design["later_evidence"]
    assert far_above.loc["actual_vs_design_capacity", "later_verdict"] == "contradicted"
    assert at_capacity.loc["actual_vs_design_capacity", "later_verdict"] == "supported"


def test_capacity_verdict_without_the_figures_table_uses_the_audit_values():
    far_above = verdicts([(4, 28000, "lower", "a")], figures=False)
    assert far_above.loc["actual_capacity_vs_april_sales", "later_verdict"] == "contradicted"
    assert "about 10,000" in far_above.loc["actual_capacity_vs_april_sales", "later_evidence"]


def test_april_verdict_flips_with_april_readings():
    agree = verdicts([(4, 28000, "exact", "a")])
    assert agree.loc["weekly_sales_vs_april_sales", "later_verdict"] == "supported"
    assert "−2.0%" in agree.loc["weekly_sales_vs_april_sales", "later_evidence"]
    disagree = verdicts([(4, 15000, "exact", "a")])
    assert disagree.loc["weekly_sales_vs_april_sales", "later_verdict"] == "contradicted"
    bound_too_low = verdicts([(4, 10000, "lower", "a")])
    assert bound_too_low.loc["weekly_sales_vs_april_sales", "later_verdict"] == "no later evidence"


def test_later_weeks_in_april_bear_on_the_april_claim():
    weekly = {"2025-W14": 5100, "2025-W15": 6287, **ARTICLE}
    out = verdicts([(9, 40000, "lower", "a")], weekly=weekly)
    sentence = out.loc["weekly_sales_vs_april_sales", "later_evidence"]
    april = 5100 * 6 / 7 + 6287 + 7200 + 7000 + 5700 * 3 / 7  # the days of each week that fall in April
    assert f"{april:,.0f}" in sentence and "all 30 days of April 2025" in sentence
    assert out.loc["weekly_sales_vs_april_sales", "later_verdict"] == "supported"


def test_declines_get_the_decline_status_but_no_verdict_and_others_get_none():
    out = verdicts([(4, 28000, "lower", "a")], weekly={**ARTICLE, "2025-W22": 7800})
    row = out.loc["weekly_sales_three_declines"]
    assert row["later_verdict"] == "no later evidence"
    assert row["later_evidence"].startswith("The weekly figures fell in each of the 3 weeks 2025-W16→W19")
    assert "had ended by 2025-W22 at the latest" in row["later_evidence"]
    assert row["later_evidence"].endswith("they neither confirm nor refute it; they say what happened next.")
    for claim in ("quality_rankings", "wait_every_buyer"):
        assert out.loc[claim, "later_evidence"] == later_rules.NO_LATER_SENTENCE
        assert out.loc[claim, "later_verdict"] == "no later evidence"
    assert list(out.index) == audit_frame()["claim_id"].tolist()  # order and rows kept
    assert set(out["later_verdict"]) <= set(engine.LATER_VERDICTS)


def test_the_declines_claim_needs_the_decline_in_words_and_says_so():
    with pytest.raises(ValueError, match="decline_conclusion"):
        later_rules.later_evidence(audit_frame(), sales(ARTICLE), monthly([(4, 28000, "lower", "a")]))
    out = verdicts([(4, 28000, "lower", "a")]).loc["weekly_sales_three_declines"]  # no later week: said so first
    assert out["later_evidence"].startswith("no later figure bears on this claim: The weekly figures fell in each")


def test_second_model_months_are_left_out_of_capacity_checks():
    events = pd.DataFrame({"event_id": ["yu7_deliveries_begin"], "date": ["2025-07-06"], "date_precision": ["day"]})
    out = later_rules.later_evidence(audit_frame(), sales(ARTICLE), monthly([(6, 10000, "exact", "a"), (7, 40000, "lower", "b")]),
                                     figures_frame(), events, decline_conclusion="The decline, in words.")
    out = out.set_index("claim_id")
    assert out.loc["actual_capacity_vs_april_sales", "later_verdict"] == "supported"
    assert "From 2025-07 the brand total includes the second model" in out.loc["actual_capacity_vs_april_sales", "later_evidence"]

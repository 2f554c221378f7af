"""The report's findings: each built from summary.json's numbers, each naming where it was computed."""

from __future__ import annotations

from helpers.narrative.report import findings

SHARE = {"series": "xiaomi_all", "brands": "byd;xiaomi_all", "first_week": "2025-W16", "last_week": "2025-W19",
         "units_change": -0.278, "others_change": 0.207, "share_first": 0.1134, "share_last": 0.0711,
         "share_change_pp": -4.23, "xiaomi_fell": True, "others_fell": False, "share_fell": True,
         "log_odds_slope": -0.17, "log_odds_slope_ci95": [-0.239, -0.101], "n_weeks": 4, "small_sample": True}


def calendar(low=25.6, high=69.7, i_low=1.3, i_high=120.1, agree=False, none=False, part=True, all_=True):
    return {"from_week": "2025-W16", "to_week": "2025-W19", "n_specs": 8, "n_declared": 8, "not_fitted": [],
            "percent_low": low, "percent_high": high, "interval_low": i_low, "interval_high": i_high,
            "tolerance_pp": 20.0, "agree": agree, "headline_percent": (low + high) / 2 if agree else None,
            "allows_none": none, "allows_part": part, "allows_all": all_}


def market(share=SHARE, specs=None):
    return {"market": {"share_vs_market": share}, "calendar_specifications": specs or calendar()}


def by_topic(summary):
    return {f.topic: f for f in findings(summary)}


def test_the_share_finding_says_whose_fall_it_was_from_what_fell():
    f = by_topic(market())["Xiaomi or the market?"]
    assert "xiaomi_all went −27.8% while byd went +20.7%" in f.evidence
    assert "fell from 11.3% to 7.1% (−4.2 points; log-odds trend −0.170 a week, 95% CI −0.239 to −0.101" in f.evidence
    assert "n = 4 weeks, a small sample" in f.evidence and f.evidence.endswith("The fall was Xiaomi's: byd did not fall over the same weeks.")
    assert (f.notebook, f.section) == ("08_market_calendar", "2 · Was W16→W19 Xiaomi's fall or the market's?")
    both = by_topic(market(share={**SHARE, "others_fell": True, "share_fell": False}))["Xiaomi or the market?"]
    assert both.evidence.endswith("The market fell as much or more: Xiaomi's share did not fall.")


def test_the_calendar_finding_is_the_range_across_specifications_worded_symmetrically():
    f = by_topic(market())["Or the calendar?"]
    assert "accounts for 26% to 70% of Xiaomi's log fall from 2025-W16 to 2025-W19" in f.evidence
    assert "95% intervals together run from 1% to 120%" in f.evidence
    assert "may explain part or all of the dip; they rule out that it explains none of it" in f.evidence
    assert "no single percentage is given" in f.evidence and "part of the dip or none of it" not in f.evidence
    assert (f.notebook, f.section) == ("08_market_calendar", "4 · How much of the slump is the calendar?")
    wide = by_topic(market(specs=calendar(i_low=-30.0, none=True)))["Or the calendar?"].evidence
    assert "may explain none, part or all of the dip." in wide


def test_no_calendar_finding_without_the_specifications_key():
    assert "Or the calendar?" not in by_topic({"market": {"share_vs_market": SHARE}})


def method(mase, p, verdict, n=10, weeks=5, needed=None, weeks_needed=None):
    return {"n": n, "mase": mase, "n_forecasts": n, "n_target_weeks": weeks, "dm_p_value": p, "vs_naive": verdict,
            "forecasts_needed": needed, "target_weeks_needed": weeks_needed}


def test_the_backtest_finding_says_no_method_beats_naive_when_the_test_cannot_tell():
    scores = {"trend": method(2.73, 0.459, "cannot tell", needed=36, weeks_needed=18),
              "naive": method(1.88, None, "benchmark"),
              "window_mean": method(0.97, 0.075, "cannot tell", needed=12, weeks_needed=6)}
    f = by_topic({"backtest": {"xiaomi_su7": scores}})["Does the trend forecast? (xiaomi_su7)"]
    assert "(10 forecasts of 5 target weeks), no method beats the naive forecast on this evidence" in f.evidence
    assert "the window mean has the lowest MASE, 0.97 against the naive forecast's 1.88 (Diebold-Mariano p = 0.075)" in f.evidence
    assert "the trend line's is 2.73 (p = 0.46)" in f.evidence and "about 12 forecasts (2 more) of 6 target weeks (1 more)" in f.evidence
    assert "below 1 beats" not in f.evidence and f.notebook == "09_backtest"


def test_the_backtest_finding_names_a_method_only_when_the_test_says_it_is_better():
    scores = {"trend": method(0.61, 0.012, "better"), "naive": method(1.25, None, "benchmark")}
    f = by_topic({"backtest": {"s": scores}})["Does the trend forecast? (s)"]
    assert "the trend line beats the naive forecast: MASE 0.61 against 1.25 (Diebold-Mariano p = 0.012)" in f.evidence


def test_the_backtest_finding_says_which_forecasts_another_backtest_shares():
    scores = {"trend": method(2.5, 0.24, "cannot tell", n=17, weeks=10), "naive": method(1.8, None, "benchmark", 17, 10)}
    overlap = [{"series": "xiaomi_all", "other_series": "xiaomi_su7", "n_shared": 10, "n_forecasts": 17,
                "n_other_forecasts": 10}]
    f = by_topic({"backtest": {"xiaomi_all": scores}, "backtest_overlap": overlap})["Does the trend forecast? (xiaomi_all)"]
    assert f.evidence.endswith("10 of these 17 forecasts are also SU7's (of its 10): the same weeks and figures, "
                               "so they are not separate evidence.")


def test_parts_missing_from_the_summary_give_no_finding():
    assert findings({}) == []
    assert [f.topic for f in findings(market())] == ["Xiaomi or the market?", "Or the calendar?"]


def test_the_article_column_quotes_the_audits_printed_claim_when_the_summary_has_it():
    trend = {"first_week": "2025-W14", "last_week": "2025-W23", "model": "linear", "series": "xiaomi_su7",
             "measure": "insurance_registrations", "slope_units_per_week": -33.5, "slope_ci95": [-402.5, 335.5],
             "n_weeks": 8, "small_sample": False}
    claims = [{"claim_id": "weekly_sales_three_declines", "claim_as_printed": "已经连续三周出现下滑", "verdict": "consistent"}]
    assert by_topic({"trend": trend, "claims": claims})["The weekly trend"].claim == "“已经连续三周出现下滑”"
    assert by_topic({"trend": trend})["The weekly trend"].claim == "Weekly sales fell three weeks in a row."
    assert "includes zero" in by_topic({"trend": trend})["The weekly trend"].evidence

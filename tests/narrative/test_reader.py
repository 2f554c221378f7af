"""The reader's index: its wording (en = zh key by key), the confidence rules, the answers from hand-built summaries."""

from __future__ import annotations

import csv
import re
import string
import tomllib

import pytest

from helpers.narrative import reader
from tests.conftest import ROOT

LABELS = reader.labels()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_english_and_chinese_hold_the_same_keys_and_placeholders():
    assert list(LABELS["en"]) == list(LABELS["zh"])
    for key, en in LABELS["en"].items():
        assert placeholders(en) == placeholders(LABELS["zh"][key]), key


def test_no_number_is_typed_into_the_wording():
    """Numbers come from summary.json through placeholders; only dates and the article's own figures are typed."""
    allowed = {"1-5", "29", "2025", "10,000", "30-40", "16", "19", "1", "5", "3", "4", "W16", "W19", "95"}
    for lang in reader.LANGS:
        for key, value in LABELS[lang].items():
            if key.startswith("claim_") or key in ("lead", "data_through"):
                continue
            plain = re.sub(r"\{[^}]*\}", "", value)
            for found in re.findall(r"(?<![A-VX-Za-z])W?\d[\d,\-]*", plain):
                assert found.strip(",-") in allowed or found in allowed, (lang, key, found)


def test_names_are_the_figures_names():
    from helpers.labels import LABELS

    for lang in reader.LANGS:
        assert reader._name("byd", lang) == LABELS[lang]["brand_byd"]
        assert reader._name("xiaomi_all", lang) == LABELS[lang]["later_series_xiaomi_all"]


def test_every_audited_claim_has_a_plain_name_in_both_languages():
    with (ROOT / "data/processed/claims/claims_audit.csv").open(encoding="utf-8", newline="") as handle:
        ids = [row["claim_id"] for row in csv.DictReader(handle)]
    for lang in reader.LANGS:
        missing = [c for c in ids if f"claim_{c}" not in LABELS[lang]]
        assert not missing, (lang, missing)


def test_every_chinese_quote_has_the_projects_own_translation():
    translations_csv = ROOT / "config/translations.csv"
    with translations_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["translated_by"] == "su7-slump project (own translation)" and row["en"] for row in rows)
    known = {row["zh"] for row in rows}
    with (ROOT / "data/processed/claims/claims_audit.csv").open(encoding="utf-8", newline="") as handle:
        quotes = {part for row in csv.DictReader(handle) for part in row["claim_as_printed"].split(" / ") if part}
    assert sorted(quotes - known) == []


def test_the_chinese_wording_is_in_the_bundled_font():
    from helpers.figures import cjk_font

    have = cjk_font.characters()
    missing = sorted({c for v in LABELS["zh"].values() for c in v if ord(c) > 0x2E7F and ord(c) not in have})
    assert missing == []


# --------------------------------------------------------------------------- the confidence rules

@pytest.mark.parametrize("share, spread, word", [
    ({"log_odds_slope_ci95": [-0.3, -0.1], "small_sample": False}, {"within_spread": False}, "clear"),
    ({"log_odds_slope_ci95": [-0.3, -0.1], "small_sample": True}, {"within_spread": False}, "suggestive"),
    ({"log_odds_slope_ci95": [-0.3, -0.1], "small_sample": False}, {"within_spread": True}, "cannot_tell"),
    ({"log_odds_slope_ci95": [-0.3, 0.1], "small_sample": False}, {"within_spread": False}, "suggestive"),
    ({"log_odds_slope_ci95": [-0.3, 0.0], "small_sample": False}, None, "cannot_tell"),
    ({"log_odds_slope_ci95": [0.1, 0.3], "small_sample": False}, None, "clear"),
])
def test_whose_fall(share, spread, word):
    assert reader.confidence_whose(share, spread) == word


@pytest.mark.parametrize("allows_none, allows_all, agree, word", [
    (True, True, False, "cannot_tell"),
    (True, True, True, "cannot_tell"),
    (False, True, True, "clear"),
    (False, False, True, "clear"),
    (False, True, False, "suggestive"),
    (True, False, True, "suggestive"),
])
def test_calendar(allows_none, allows_all, agree, word):
    assert reader.confidence_calendar({"allows_none": allows_none, "allows_all": allows_all, "agree": agree}) == word


def test_the_calendar_answer_gives_the_range_across_specifications_and_what_it_allows():
    spec = {"n_specs": 8, "percent_low": 25.604, "percent_high": 69.705, "interval_low": -3.805, "interval_high": 120.147,
            "agree": False, "headline_percent": None, "allows_none": True, "allows_part": True, "allows_all": True}
    [answer] = reader.bottom_line({"calendar_specifications": spec})
    sentence, word = answer.parts[0]
    assert "accounts for 26% to 70% of the fall, depending on how it is modelled (8 ways; their 95% intervals together " in sentence
    assert "run from −4% to 120%): it may explain none, part or all of the dip." in sentence
    assert word == "cannot_tell"
    [row] = reader.index_findings({"calendar_specifications": spec})
    assert row.evidence.endswith("these weeks cannot tell how much.") and row.confidence == "cannot_tell"


def test_claims():
    claims = [{"claim_id": "a", "verdict": "inconsistent"}, {"claim_id": "b", "verdict": "unverifiable"}]
    assert reader.confidence_claims(claims, {"a": "contradicted"}) == "clear"
    assert reader.confidence_claims(claims, {"a": "no later evidence"}) == "suggestive"
    assert reader.confidence_claims(claims[1:], {"b": "supported"}) == "suggestive"
    assert reader.confidence_claims(claims[1:], {}) == "cannot_tell"


def test_trend_next_backlog_monthly():
    assert reader.confidence_trend({"slope_ci95": [-1343.0, -117.0], "small_sample": True}) == "suggestive"
    assert reader.confidence_trend({"slope_ci95": [-1343.0, -117.0], "small_sample": False}) == "clear"
    assert reader.confidence_trend({"slope_ci95": [-418.0, 205.0], "small_sample": False}) == "cannot_tell"
    decline = {"n_later_weeks": 2, "later_above_whole_decline": True, "article_last_units": 5200}
    assert reader.confidence_next(decline, {"n_weeks": 2, "min": 4370.0}) == "suggestive"
    assert reader.confidence_next(decline, {"n_weeks": 3, "min": 6000.0}) == "clear"
    assert reader.confidence_next({**decline, "later_above_whole_decline": False}, None) == "cannot_tell"
    assert reader.confidence_next({"n_later_weeks": 0}, None) == "cannot_tell"
    assert reader.confidence_backlog({"a": {"mid_backlog_trend": "shrinks"}, "b": {"mid_backlog_trend": "grows"}}) == "cannot_tell"
    assert reader.confidence_backlog({"a": {"mid_backlog_trend": "shrinks"}}) == "suggestive"
    assert reader.confidence_monthly({"n_figures": 19, "n_open": 0}) == "clear"
    assert reader.confidence_monthly({"n_figures": 19, "n_open": 19}) == "cannot_tell"


# --------------------------------------------------------------------------- answers from hand-built summaries

SHARE = {"series": "xiaomi_all", "brands": "byd;tesla_china;xiaomi_all", "first_week": "2025-W16", "last_week": "2025-W19",
         "units_change": -0.278, "others_change": 0.126, "share_first": 0.102, "share_last": 0.068, "share_change_pp": -3.425,
         "xiaomi_fell": True, "others_fell": False, "share_fell": True, "log_odds_slope_ci95": [-0.171, -0.119],
         "n_weeks": 4, "small_sample": True}


def test_the_whose_answer_names_brands_as_a_reader_says_them():
    [answer] = reader.bottom_line({"market": {"share_vs_market": SHARE}})
    sentence, word = answer.parts[0]
    assert sentence.startswith("Mostly Xiaomi's. From 2025-W16 to 2025-W19")
    assert "while BYD and Tesla China went +12.6%" in sentence and "from 10.2% to 6.8% (n = 4 weeks)" in sentence
    assert "xiaomi_all" not in sentence and word == "suggestive"
    [zh] = reader.bottom_line({"market": {"share_vs_market": SHARE}}, "zh")
    assert "比亚迪和特斯拉中国" in zh.parts[0][0]


SPREAD = {"first_week": "2025-W16", "last_week": "2025-W19", "n_peers": 5, "xiaomi_change": -0.278,
          "peers_min_change": -0.544, "peers_min_brand": "tesla_china", "peers_max_change": 0.207, "peers_max_brand": "byd",
          "peers_pooled_change": 0.075, "peers_below_xiaomi": 1, "within_spread": True}
ACCIDENT = {"first_week": "2025-W13", "last_week": "2025-W14", "n_peers": 6, "xiaomi_change": -0.346,
            "peers_pooled_change": -0.353, "within_spread": True}


def test_a_fall_within_the_other_brands_spread_is_not_called_xiaomis():
    """Issue 24: the pooled share rests on BYD; brand by brand Xiaomi's -27.8% lies within the others' spread."""
    summary = {"market": {"share_vs_market": SHARE, "brand_changes": {"article_weeks": SPREAD, "accident_week": ACCIDENT}}}
    [answer] = reader.bottom_line(summary)
    sentence, word = answer.parts[0]
    assert sentence.startswith("Not clearly Xiaomi's.") and "Mostly" not in sentence
    assert "went from −54.4% (Tesla China) to +20.7% (BYD), +7.5% together, and 1 of them fell further" in sentence
    assert "In the accident week itself (2025-W13 to 2025-W14, which holds Qingming) Xiaomi went −34.6%" in sentence
    assert word == "cannot_tell"
    [zh] = reader.bottom_line(summary, "zh")
    assert zh.parts[0][0].startswith("不能确定是小米自身的问题") and "特斯拉中国" in zh.parts[0][0]
    outside = {**summary, "market": {**summary["market"], "brand_changes": {"article_weeks": {**SPREAD, "within_spread": False}}}}
    assert reader.bottom_line(outside)[0].parts[0][0].startswith("Mostly Xiaomi's.")


def test_the_trend_row_answers_on_the_articles_own_weeks():
    """On W16-W19 (7,200, 7,000, 5,700, 5,200) the OLS slope is -730 a week: a fall, not 'no slump'."""
    import numpy as np
    import statsmodels.api as sm

    y = np.array([7200.0, 7000.0, 5700.0, 5200.0])
    fit = sm.OLS(y, sm.add_constant(np.arange(4.0))).fit()
    lo, hi = fit.conf_int(0.05)[1]
    part = {"first_week": "2025-W16", "last_week": "2025-W19", "n_weeks": 4, "slope_units_per_week": round(fit.params[1], 3),
            "slope_ci95": [round(lo, 3), round(hi, 3)], "small_sample": True}
    whole = {"first_week": "2025-W13", "last_week": "2025-W23", "n_weeks": 9, "slope_units_per_week": -106.62,
             "slope_ci95": [-418.279, 205.039], "small_sample": False}
    [row] = [r for r in reader.index_findings({"trend": {**whole, "article_weeks": part}}) if r.notebook == "03_trend"]
    assert row.evidence.startswith("Yes: on the article's own four weeks (2025-W16 to 2025-W19) registrations fell by 730 a week "
                                   "(95% CI −1,343 to −117; n = 4 weeks")
    assert "did not set a lasting trend" in row.evidence and row.confidence == "suggestive"
    assert "no slump" not in row.evidence.lower() and "flat" not in row.evidence


def test_the_next_row_names_the_weeks_the_forecast_was_fitted_on():
    decline = {"article_last_week": "2025-W19", "article_last_units": 5200, "later_week": "2025-W22", "later_units": 7800,
               "n_missing_between": 2, "later_low_week": "2025-W23", "later_low_units": 4370, "n_later_weeks": 2,
               "later_above_whole_decline": True}
    card = {"fit_first_week": "2025-W16", "fit_last_week": "2025-W19", "n_inside": 1, "n_scored": 2,
            "weeks_outside": ["2025-W22"]}
    [row] = reader.index_findings({"what_happened": {"decline_status": decline, "scorecard": card}})
    assert "The straight line through 2025-W16 to 2025-W19 forecast 1 of 2 later weeks" in row.evidence
    assert "outside it: 2025-W22" in row.evidence and "8 of 8" not in row.evidence


def test_the_claims_answer_names_the_claims_that_do_not_hold():
    claims = [{"claim_id": "actual_capacity_vs_april_sales", "verdict": "inconsistent", "claim_as_printed": "实际月产能仅约1万辆",
               "later_verdict": "contradicted"},  # summary.json sets the later verdict beside each claim
              {"claim_id": "lock_in_restated", "verdict": "consistent", "claim_as_printed": "锁单率仅35%-40%", "later_verdict": None}]
    [answer] = reader.bottom_line({"claims": claims})
    sentence, word = answer.parts[0]
    assert "Of 2 numbers checked" in sentence and "1 agree, 1 contradict them and 0 cannot be checked" in sentence
    assert "Later sources support 0 and contradict 1." in sentence
    assert "Those that do not hold: an actual capacity of about 10,000 a month against April's sales." in sentence
    assert word == "clear"
    rows = reader.claim_rows({"claims": claims}, "en", {"实际月产能仅约1万辆": "Actual capacity ..."})
    assert rows[0].bad and rows[0].quotes[0].en == "Actual capacity ..." and rows[0].later == "contradicted"
    assert not rows[1].bad and rows[1].later == "no later evidence"


def test_a_summary_without_results_gives_no_answers():
    assert reader.bottom_line({}) == [] and reader.index_findings({}) == []


@pytest.mark.parametrize("publisher, note, kind", [
    ("CarNewsChina", "China EV DataTracker weekly list. Spun/reworded copies exist (x.com); not used.", (False, False)),
    ("港股研究社", "The copy used is the seed shared/seeds/xiaomi-su7-article.txt.", (False, False)),
    ("electriccarsnewspaper.com", "COPY of CarNewsChina's week-41 article.", (True, False)),
    ("cjcn.com.cn, reprint of 中新经纬", "Original report text.", (True, False)),
    ("光明网 (gmw.cn), 来源: 新华网", "The notice; mirror copies elsewhere were not used.", (True, False)),
    ("lmsyx.cn", "Low-quality aggregator page.", (False, True)),
    ("Motorpost Daily", "Secondary rewrite of the CarNewsChina W36 list.", (True, True)),
])
def test_original_or_copy_and_low_quality_from_the_sources_notes(publisher, note, kind):
    assert reader.source_kind({"publisher": publisher, "note": note}) == kind


def test_the_registrations_note_adds_what_the_monthly_deliveries_say_of_the_dips_weeks():
    months = [{"month": "2025-04", "rest_above_lowest_week": False},
              {"month": "2025-05", "rest_days": 24, "rest_per_week": 6650, "monthly_bound": "lower",
               "lowest_week_in_window": "2025-W19", "lowest_week_units": 5200, "rest_above_lowest_week": True}]
    note = reader.registrations_note({"market": {"months_beside_weeks": months}})
    assert note.startswith(reader.text("registrations_note"))
    assert note.endswith("May's other 24 days averaged more than 6,650 a week, above 2025-W19's 5,200.")
    assert "April" not in note
    assert reader.registrations_note({}) == reader.text("registrations_note")


def test_the_wait_row_gives_clearing_ranges_not_one_week_and_judges_both_readings_of_the_year():
    """Issue 24 item 5: the clearing dates are false precision; every buyer's wait cannot hold, the longest can."""
    ranges = {"unlocked_deposits": {"sales_run_rate": {"n_combinations": 27, "n_never": 0, "earliest_weeks": 77.661,
                                                        "latest_weeks": 108.531}},
              "locked_orders": {"sales_run_rate": {"n_combinations": 27, "n_never": 18, "earliest_weeks": 834.857,
                                                    "latest_weeks": None}}}
    readings = {"unlocked_deposits": {"mid_backlog_trend": "shrinks"}, "locked_orders": {"mid_backlog_trend": "grows"}}
    claims = [{"claim_id": "wait_every_buyer", "verdict": "inconsistent", "claimed_value": 52.179, "computed_value": 271328.6},
              {"claim_id": "wait_longest_for_some_trims", "verdict": "consistent", "claimed_value": 52.179,
               "computed_value": 47.0}]
    row = reader._row_backlog({"run_rate": {"readings": readings, "clearance_ranges": ranges}, "claims": claims}, "en", {})
    assert "clears in 78 to 109 weeks, over 27 combinations" in row.evidence
    assert "clears in 835 weeks at the soonest and never in 18 of 27 combinations" in row.evidence
    assert "cannot be every buyer's" in row.evidence and "matches the 47 weeks" in row.evidence
    assert not re.search(r"\d{4}-W\d{2}", row.evidence) and row.confidence == "cannot_tell"

"""Notebook 08's sentences: plain brand names, the comparisons the data cannot make said so, the month beside the weeks."""

from __future__ import annotations

import re

import pandas as pd

from helpers.models.market_share import market_share, share_vs_market
from helpers.narrative.market import (
    brand_change_sentences, left_out_sentence, months_beside_weeks_sentence, share_sentences,
)
from tests.models.test_market_share import market, sales

CODE_ID = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


def _changes():
    return pd.DataFrame({"comparison": "article_weeks", "brand": ["xiaomi", "byd", "li_auto", "tesla_china", "nio_group"],
                         "is_xiaomi": [True, False, False, False, False], "change": [-0.28, 0.21, -0.07, -0.54, -0.02]})


def _spread():
    return pd.DataFrame({"comparison": ["article_weeks"], "first_week": ["2025-W16"], "last_week": ["2025-W19"],
                         "n_peers": [4], "xiaomi_change": [-0.28], "peers_pooled_change": [0.08],
                         "peers_below_xiaomi": [1], "xiaomi_excess_log": [-0.2], "excess_low": [-1.3],
                         "excess_high": [0.9], "within_spread": [True]})


def test_brands_are_called_by_their_plain_names_never_their_ids():
    text = brand_change_sentences(_changes(), _spread(), expected=["article_weeks"])
    assert "Tesla China −54.0%" in text and "NIO (group)" in text and "Li Auto" in text
    assert not CODE_ID.findall(text), CODE_ID.findall(text)


def test_a_comparison_the_lists_cannot_make_says_which_weeks_would_make_it():
    text = brand_change_sentences(_changes(), _spread(), expected=["article_weeks", "placebo_2024_qingming"])
    assert "cannot be made: no weekly list in the data prints any brand in both 2024-W13 and 2024-W14" in text


def test_left_out_brands_are_grouped_by_why_with_plain_names():
    left = pd.DataFrame({"comparison": "accident_week", "brand": ["aito", "nio_brand"],
                         "reason": ["not printed in 2025-W13", "counts some of the same cars as nio_group"]})
    assert left_out_sentence(left) == ("Left out of the accident week: AITO (not printed in 2025-W13); "
                                       "NIO (brand) (counts some of the same cars as NIO (group)).")
    assert left_out_sentence(left.iloc[0:0]) == ""


def _month(rest_per_week, bound):
    return pd.DataFrame({"year": [2025], "month": [4], "weeks_in_window": ["2025-W16; 2025-W17"],
                         "weeks_known": ["2025-W16; 2025-W17"], "weekly_units": [14200.0], "monthly_units": [28000],
                         "monthly_bound": [bound], "rest_days": [16], "rest_per_week": [rest_per_week],
                         "lowest_week_in_window": ["2025-W17"], "lowest_week_units": [7000.0]})


def test_a_month_says_the_dip_did_not_last_only_when_its_rest_is_above_the_lowest_week():
    assert "the dip did not last the month" in months_beside_weeks_sentence(_month(7500.0, "lower"))
    floor = months_beside_weeks_sentence(_month(6000.0, "lower"))
    assert "did not last" not in floor and "cannot say whether the rest of it was higher or lower" in floor
    exact = months_beside_weeks_sentence(_month(6000.0, "exact"))
    assert "below 2025-W17's 7,000" in exact and "more than" not in exact
    assert "cannot be set against a month" in months_beside_weeks_sentence(_month(1.0, "exact").iloc[0:0])


def test_sentences_name_the_measure_the_small_sample_and_the_calendar():
    table = market_share(sales({16: 100, 17: 80, 18: 70, 19: 50}),
                         market([(16, "a", 900), (17, "a", 920), (18, "a", 930), (19, "a", 950)]), brands=["a"])
    calendar = pd.DataFrame({"week": ["2025-W16", "2025-W17", "2025-W18", "2025-W19"], "iso_year": 2025,
                             "iso_week": [16, 17, 18, 19], "holiday_days": [0, 0, 4, 1],
                             "holidays": ["", "", "labour_day", "labour_day"], "month_end": [False, False, True, False],
                             "month_end_of": ["", "", "2025-04", ""]})
    text = " ".join(share_sentences(share_vs_market(table), calendar))
    assert "insurance registrations" in text
    assert "from 100 to 50 (−50.0%)" in text
    assert "from 10.0% to 5.0% (−5.0 percentage points)" in text
    assert "Small sample" in text
    assert "2025-W18 (4 holiday days, labour day), 2025-W19 (1 holiday day, labour day)" in text
    assert "Month-end weeks among them: 2025-W18 (end of 2025-04)" in text


# --- the live data -------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------- the figures' titles


def _spec_rows(points, lows, highs) -> pd.DataFrame:
    from tests.figures.test_market import spec_rows

    return spec_rows(points, lows, highs)


def test_specifications_title_is_the_range_and_what_the_intervals_allow():
    from helpers.models.calendar_specifications import specifications_summary
    from helpers.narrative.market import specifications_titles

    titles = specifications_titles(specifications_summary(_spec_rows([25.6, 69.7], [1.3, 19.0], [50.0, 120.1])))
    assert titles["en"] == "The calendar may explain part or all of the 2025-W16-W19 dip: 26% to 70% across 2 specifications"
    assert len(titles["en"]) <= 110
    wide = specifications_titles(specifications_summary(_spec_rows([-12.0, 163.0], [-80.0, 60.0], [40.0, 250.0])))
    assert wide["en"].startswith("The calendar may explain none, part or all of the 2025-W16-W19 dip: ")


def test_specifications_title_gives_one_percentage_only_when_they_agree():
    from helpers.models.calendar_specifications import specifications_summary
    from helpers.narrative.market import specifications_titles

    titles = specifications_titles(specifications_summary(_spec_rows([40.0, 50.0], [20.0, 30.0], [60.0, 70.0])))
    assert titles["en"] == "The calendar explains about 45% of the 2025-W16-W19 dip: 40% to 50% across 2 specifications"


def test_share_title_follows_the_data_in_both_languages():
    from helpers.narrative.market import share_titles
    from tests.figures.test_market import share_table

    others = {16: 70000, 17: 65000, 18: 60000, 19: 50000}
    xiaomi = {16: 5000, 17: 5100, 18: 5200, 19: 5600}
    table = share_table(xiaomi, others, "byd;li_auto;xiaomi_all")
    titles = share_titles(share_vs_market(table, "2025-W16", "2025-W19"))
    first, last = 5000 / 75000, 5600 / 55600
    fall = round(100 * (1 - 50000 / 70000))
    assert titles["en"] == (f"Xiaomi's share of Xiaomi + BYD + Li Auto registrations rose from {100 * first:.1f}% to "
                            f"{100 * last:.1f}% over 2025-W16–W19; BYD and Li Auto registrations fell {fall}%")
    assert "比亚迪" in titles["zh"] and f"{100 * first:.1f}%" in titles["zh"]


def test_share_subtitle_names_the_sets_the_weeks_they_cover_and_the_gaps_in_both_languages():
    from helpers.narrative.market import brand_set_names, share_subtitles
    from tests.figures.test_market import ARTICLE_OTHERS, LINE_OTHERS, XIAOMI, share_table

    # the line: 8 Xiaomi weeks, Tesla China missing in W18 and W22; the article's 4 weeks against BYD alone
    line = share_table(XIAOMI, LINE_OTHERS, "byd;tesla_china;xiaomi_all", missing="tesla_china")
    article = share_table({w: XIAOMI[w] for w in ARTICLE_OTHERS}, ARTICLE_OTHERS, "byd;xiaomi_all")
    subtitles = share_subtitles(line, article, share_vs_market(article, "2025-W16", "2025-W19"))
    en, zh = subtitles["en"], subtitles["zh"]
    assert en.startswith("Share = Xiaomi's weekly insurance registrations ÷ those of a fixed brand set (Xiaomi "
                         "included), the same brands every week. Solid line: Xiaomi + BYD + Tesla China, printed "
                         "together in n = 6 of the 8 weeks with a Xiaomi figure. Dashed, 2025-W16–W19: against BYD "
                         "alone, the only brand printed in all 4 weeks. Log-odds trend of that share: ")
    assert "Small sample: n = 4 weeks, 2 degrees of freedom" in en
    assert en.endswith("No share for 2025-W18, 2025-W22 (a brand not printed): gaps, not filled.")
    assert "实线:小米汽车 + 比亚迪 + 特斯拉中国,在小米有数据的8周中有6周同时公布。" in zh
    assert "虚线,2025-W16–W19:仅对比比亚迪,这4周每周都公布的唯一品牌。" in zh
    assert brand_set_names(line, article) == {
        "en": {"byd;tesla_china;xiaomi_all": "Xiaomi + BYD + Tesla China", "byd;xiaomi_all": "Xiaomi + BYD"},
        "zh": {"byd;tesla_china;xiaomi_all": "小米汽车 + 比亚迪 + 特斯拉中国", "byd;xiaomi_all": "小米汽车 + 比亚迪"}}

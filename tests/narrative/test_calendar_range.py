"""The calendar's answer in words: the range across specifications, none / part / all worded alike, no single
headline percentage unless the specifications agree, and the old one-sided wording kept out."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from helpers.formatting import number
from helpers.narrative.market import calendar_range_sentence
from helpers.paths import project_root


def summary(low=25.6, high=69.7, i_low=1.3, i_high=120.1, agree=False, flags=(False, True, True), n=8, declared=8):
    return {"from_week": "2025-W16", "to_week": "2025-W19", "n_specs": n, "n_declared": declared,
            "not_fitted": [f"s{i}" for i in range(declared - n)], "percent_low": low, "percent_high": high,
            "interval_low": i_low, "interval_high": i_high, "tolerance_pp": 20.0, "agree": agree,
            "headline_percent": (low + high) / 2 if agree else None,
            "allows_none": flags[0], "allows_part": flags[1], "allows_all": flags[2]}


def percents(text: str) -> list[str]:
    return re.findall(r"−?[\d,.]+%(?! interval)", text)


def test_the_range_and_the_intervals_span_are_the_summarys_numbers():
    text = calendar_range_sentence(summary())
    assert "26% to 70%" in text and "from 1% to 120%" in text and "8 specifications" in text
    # no other percentage: no single headline when the specifications do not agree
    assert percents(text) == ["26%", "70%", "1%", "120%"]
    assert "no single percentage is given" in text and "differ by more than 20 percentage points" in text


def test_a_headline_only_when_the_specifications_agree():
    text = calendar_range_sentence(summary(low=40.0, high=55.0, i_low=10.0, i_high=90.0, agree=True,
                                           flags=(False, True, False)))
    assert "agree within 20 percentage points: about 48%" in text
    assert percents(text) == ["40%", "55%", "10%", "90%", "48%"]


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=3)))
def test_none_part_and_all_are_each_said_allowed_or_ruled_out_the_same_way(flags):
    text = calendar_range_sentence(summary(flags=flags))
    allowed = re.search(r"may explain ([a-z, ]+?) of the dip", text)
    ruled = re.search(r"rule out that it explains ([a-z, ]+?) of it", text)
    said_allowed = set(re.split(r", | or ", allowed.group(1))) if allowed else set()
    said_ruled = set(re.split(r", | or ", ruled.group(1))) if ruled else set()
    for word, flag in zip(("none", "part", "all"), flags):
        assert (word in said_allowed) == flag and (word in said_ruled) == (not flag) or not any(flags)


def test_every_share_allowed_is_said_in_one_list():
    assert "may explain none, part or all of the dip." in calendar_range_sentence(summary(flags=(True, True, True)))


def test_specifications_not_fitted_are_named():
    text = calendar_range_sentence(summary(n=7, declared=8))
    assert "1 declared specification could not be fitted (s0)" in text and "7 specifications" in text


def test_the_old_one_sided_wording_and_the_old_keys_cannot_come_back():
    root = project_root()
    old = ("part of the dip or none of it", "calendar_slump", "market_calendar_slump", "percent_of_observed")
    places = [*(root / "src" / "helpers").rglob("*.py"), *(root / "notebooks").glob("*.ipynb"),
              root / "reports" / "summary.json", root / "data" / "processed" / "market" / "summary.json"]
    for path in places:
        if not Path(path).is_file():
            continue
        text = Path(path).read_text(encoding="utf-8")
        for phrase in old:
            assert phrase not in text, f"{phrase!r} is back in {path.relative_to(root)}"


def test_the_numbers_are_printed_by_the_projects_formatter():
    s = summary(low=-12.4, high=163.2, i_low=-80.0, i_high=250.0, flags=(True, True, True))
    text = calendar_range_sentence(s)
    assert f"{number(-12.4)}% to {number(163.2)}%" in text


def test_the_leave_one_week_out_range_is_said_when_the_summary_has_it():
    text = calendar_range_sentence({**summary(), "drop_one_low": 7.164, "drop_one_high": 109.504})
    assert "Leaving out any one week of a specification's fit moves its share between 7% and 110%." in text
    assert "Leaving out" not in calendar_range_sentence(summary())

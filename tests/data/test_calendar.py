"""The working calendar of the holiday years: days off, working days and month ends per ISO week."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from helpers.data.clean import calendar_weeks
from helpers.data.raw import read_tables
from tests.conftest import ROOT


def raw_calendar():
    tables = read_tables(ROOT / "data" / "raw")
    return tables["holidays"], tables["adjusted_working_days"]


def test_labour_day_week_as_the_article_reads_it():
    """The week of 28 April-4 May 2025 held Labour Day (1-5 May): four days off, three working days."""
    cal = calendar_weeks(*raw_calendar()).set_index("week")
    assert cal.loc["2025-W18", "holiday_days"] == 4 and cal.loc["2025-W18", "working_days"] == 3
    assert cal.loc["2025-W18", "holidays"] == "labour_day" and cal.loc["2025-W18", "month_end_of"] == "2025-04"
    assert cal.loc["2025-W17", "working_days"] == 6  # Sunday 27 April was made a working day


def test_every_day_off_and_adjusted_day_is_counted_once():
    holidays, adjusted = raw_calendar()
    cal = calendar_weeks(holidays, adjusted)
    spans = [(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in zip(holidays["first_day"], holidays["last_day"])]
    assert cal["holiday_days"].sum() == sum((b - a).days + 1 for a, b in spans)
    assert cal["adjusted_working_days"].sum() == len(adjusted)
    assert cal["week"].is_unique and cal["month_end"].sum() >= 12  # every month ends in some week


@given(st.integers(min_value=2000, max_value=2100))
def test_a_year_without_holidays_has_five_working_days_a_week(year):
    none = pd.DataFrame({"holiday": [], "first_day": [], "last_day": []})
    cal = calendar_weeks(none, pd.DataFrame({"date": []}), years=[year])
    assert set(cal["working_days"]) == {5} and cal["holiday_days"].sum() == 0
    assert 11 <= cal["month_end"].sum() <= 13  # an ISO year may start before 1 January or end after 31 December

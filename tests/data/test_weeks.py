"""Tests for helpers.data.weeks (ISO 8601 weeks)."""

from __future__ import annotations

import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.data.weeks import (
    MAX_YEAR,
    MIN_YEAR,
    add_weeks,
    is_valid_week,
    parse_week_label,
    week_label,
    week_monday,
    week_of,
    week_range,
    week_sunday,
    weeks_between,
    weeks_in_year,
)

# --------------------------------------------------------------------------- strategies


def weeks(min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> st.SearchStrategy[tuple[int, int]]:
    """Any existing ISO week with a year in the given range."""
    return st.integers(min_year, max_year).flatmap(
        lambda y: st.tuples(st.just(y), st.integers(1, weeks_in_year(y)))
    )


# Years whose every week has a representable Sunday (9999-W52 ends in year 10000).
ALL_WEEKS = weeks()
SAFE_WEEKS = weeks(MIN_YEAR, MAX_YEAR - 1)
MODERN_WEEKS = weeks(1900, 2200)
dates = st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 26))

# --------------------------------------------------------------------------- hand cases


def test_week_16_of_2025_starts_on_april_14() -> None:
    assert week_monday(2025, 16) == datetime.date(2025, 4, 14)
    assert week_sunday(2025, 16) == datetime.date(2025, 4, 20)


def test_week_19_of_2025_ends_on_may_11() -> None:
    assert week_sunday(2025, 19) == datetime.date(2025, 5, 11)
    assert week_monday(2025, 19) == datetime.date(2025, 5, 5)


@pytest.mark.parametrize(
    ("year", "n_weeks"),
    [(2015, 53), (2019, 52), (2020, 53), (2021, 52), (2024, 52), (2025, 52), (2026, 53)],
)
def test_weeks_in_year(year: int, n_weeks: int) -> None:
    assert weeks_in_year(year) == n_weeks


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (datetime.date(2024, 12, 30), (2025, 1)),  # a December day in next year's week 1
        (datetime.date(2024, 12, 29), (2024, 52)),
        (datetime.date(2021, 1, 3), (2020, 53)),  # a January day in last year's week 53
        (datetime.date(2021, 1, 4), (2021, 1)),
        (datetime.date(2025, 4, 14), (2025, 16)),
        (datetime.date(2025, 5, 11), (2025, 19)),
    ],
)
def test_week_of(day: datetime.date, week: tuple[int, int]) -> None:
    assert week_of(day) == week


def test_week_of_accepts_a_datetime() -> None:
    assert week_of(datetime.datetime(2024, 12, 30, 23, 59)) == (2025, 1)


def test_week_1_of_2025_starts_in_2024() -> None:
    assert week_monday(2025, 1) == datetime.date(2024, 12, 30)


@pytest.mark.parametrize(
    ("week", "label"),
    [((2025, 16), "2025-W16"), ((2025, 1), "2025-W01"), ((2020, 53), "2020-W53"), ((999, 5), "0999-W05")],
)
def test_week_label(week: tuple[int, int], label: str) -> None:
    assert week_label(*week) == label


@pytest.mark.parametrize(
    ("label", "week"),
    [
        ("2025-W16", (2025, 16)),
        ("2025W16", (2025, 16)),
        ("2025-w16", (2025, 16)),
        ("2025w16", (2025, 16)),
        ("2025-W01", (2025, 1)),
        ("2020-W53", (2020, 53)),
        ("  2025-W16\n", (2025, 16)),
    ],
)
def test_parse_week_label(label: str, week: tuple[int, int]) -> None:
    assert parse_week_label(label) == week


@pytest.mark.parametrize(
    ("start", "end", "n"),
    [
        ((2025, 52), (2026, 1), 1),
        ((2026, 1), (2025, 52), -1),
        ((2020, 52), (2021, 1), 2),  # 2020-W53 exists
        ((2021, 52), (2022, 1), 1),
        ((2025, 16), (2025, 16), 0),
        ((2025, 1), (2026, 1), 52),
        ((2020, 1), (2021, 1), 53),
        ((2025, 16), (2025, 19), 3),
    ],
)
def test_weeks_between(start: tuple[int, int], end: tuple[int, int], n: int) -> None:
    assert weeks_between(start, end) == n


@pytest.mark.parametrize(
    ("week", "n", "result"),
    [
        ((2025, 52), 1, (2026, 1)),
        ((2020, 52), 1, (2020, 53)),
        ((2020, 53), 1, (2021, 1)),
        ((2021, 1), -1, (2020, 53)),
        ((2025, 16), 0, (2025, 16)),
        ((2025, 16), 3, (2025, 19)),
        ((2025, 1), 52, (2026, 1)),
    ],
)
def test_add_weeks(week: tuple[int, int], n: int, result: tuple[int, int]) -> None:
    assert add_weeks(week, n) == result


def test_week_range_is_inclusive_and_crosses_week_53() -> None:
    assert week_range((2020, 52), (2021, 2)) == [(2020, 52), (2020, 53), (2021, 1), (2021, 2)]
    assert week_range((2025, 16), (2025, 16)) == [(2025, 16)]
    assert week_range((2025, 16), (2025, 19)) == [(2025, 16), (2025, 17), (2025, 18), (2025, 19)]


def test_week_range_accepts_lists_as_pairs() -> None:
    assert week_range([2025, 52], [2026, 1]) == [(2025, 52), (2026, 1)]


def test_is_valid_week() -> None:
    assert is_valid_week(2020, 53)
    assert is_valid_week(2025, 1)
    assert not is_valid_week(2021, 53)
    assert not is_valid_week(2025, 0)
    assert not is_valid_week(2025, 54)
    assert not is_valid_week(0, 1)
    assert not is_valid_week(10000, 1)
    assert not is_valid_week(2025, "16")  # type: ignore[arg-type]
    assert not is_valid_week(2025.0, 16)  # type: ignore[arg-type]
    assert not is_valid_week(True, 1)  # type: ignore[arg-type]


def test_extreme_weeks() -> None:
    assert week_monday(1, 1) == datetime.date(1, 1, 1)
    assert week_monday(MAX_YEAR, weeks_in_year(MAX_YEAR)) == datetime.date(9999, 12, 27)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "label",
    ["", "2025", "2025-16", "2025-W1", "2025-W016", "25-W16", "2025--W16", "2025-X16", "W16-2025",
     "2025-W16-1", "２０２５-W16", "2025 W16", "2025-W 16"],
)
def test_parse_week_label_rejects_malformed_labels(label: str) -> None:
    with pytest.raises(ValueError, match="expected 'YYYY-Www'") as info:
        parse_week_label(label)
    assert repr(label) in str(info.value)


@pytest.mark.parametrize("label", ["2025-W53", "2021-W53", "2025-W00", "2025-W54", "0000-W01"])
def test_parse_week_label_rejects_weeks_that_do_not_exist(label: str) -> None:
    with pytest.raises(ValueError, match="does not exist") as info:
        parse_week_label(label)
    assert repr(label) in str(info.value)


def test_parse_week_label_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        parse_week_label(202516)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("year", "week", "message"),
    [
        (2025, 53, "week 53 does not exist in ISO year 2025: expected 1..52"),
        (2025, 0, "week 0 does not exist in ISO year 2025: expected 1..52"),
        (2020, 54, "week 54 does not exist in ISO year 2020: expected 1..53"),
        (0, 1, "iso_year must be between 1 and 9999, got 0"),
        (10000, 1, "iso_year must be between 1 and 9999, got 10000"),
    ],
)
def test_invalid_weeks_raise_value_error(year: int, week: int, message: str) -> None:
    for func in (week_label, week_monday, week_sunday):
        with pytest.raises(ValueError, match=message):
            func(year, week)


@pytest.mark.parametrize(("year", "week"), [("2025", 16), (2025, "16"), (2025.0, 16), (2025, 16.0), (True, 1)])
def test_wrong_types_raise_type_error(year: object, week: object) -> None:
    with pytest.raises(TypeError, match="must be an int"):
        week_monday(year, week)  # type: ignore[arg-type]


def test_weeks_in_year_rejects_years_out_of_range() -> None:
    with pytest.raises(ValueError, match="got 0"):
        weeks_in_year(0)


def test_week_of_rejects_non_dates() -> None:
    with pytest.raises(TypeError, match="datetime.date"):
        week_of("2025-04-14")  # type: ignore[arg-type]


def test_pairs_are_checked() -> None:
    with pytest.raises(ValueError, match="week 53 does not exist in ISO year 2025"):
        weeks_between((2025, 53), (2026, 1))
    with pytest.raises(ValueError, match="week 0 does not exist"):
        add_weeks((2025, 0), 1)
    with pytest.raises(TypeError, match=r"start must be an \(iso_year, iso_week\) pair"):
        week_range("2025-W16", (2025, 17))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"week must be an \(iso_year, iso_week\) pair"):
        add_weeks((2025, 16, 1), 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="n must be an int"):
        add_weeks((2025, 16), 1.0)  # type: ignore[arg-type]


def test_week_range_rejects_end_before_start() -> None:
    with pytest.raises(ValueError, match="end 2025-W15 is before start 2025-W16"):
        week_range((2025, 16), (2025, 15))


def test_dates_out_of_range_raise_value_error() -> None:
    with pytest.raises(ValueError, match="outside the dates Python can represent"):
        week_sunday(MAX_YEAR, weeks_in_year(MAX_YEAR))
    with pytest.raises(ValueError, match="outside the dates Python can represent"):
        add_weeks((MAX_YEAR, 52), 1)
    with pytest.raises(ValueError, match="outside the dates Python can represent"):
        add_weeks((1, 1), -1)
    with pytest.raises(ValueError, match="outside the dates Python can represent"):
        add_weeks((2025, 1), 10**12)


# --------------------------------------------------------------------------- properties


@given(ALL_WEEKS)
def test_label_round_trip(week: tuple[int, int]) -> None:
    label = week_label(*week)
    assert parse_week_label(label) == week
    assert parse_week_label(label.replace("-", "").lower()) == week


@given(ALL_WEEKS)
def test_week_of_monday_is_the_week(week: tuple[int, int]) -> None:
    assert week_of(week_monday(*week)) == week


@given(ALL_WEEKS)
def test_week_monday_is_a_monday(week: tuple[int, int]) -> None:
    assert week_monday(*week).isoweekday() == 1


@given(SAFE_WEEKS)
def test_week_sunday_is_six_days_after_monday(week: tuple[int, int]) -> None:
    sunday = week_sunday(*week)
    assert sunday.isoweekday() == 7
    assert sunday - week_monday(*week) == datetime.timedelta(days=6)
    assert week_of(sunday) == week


@given(dates)
def test_every_date_lies_in_its_week(day: datetime.date) -> None:
    week = week_of(day)
    assert is_valid_week(*week)
    assert week_monday(*week) <= day <= week_sunday(*week)


@given(ALL_WEEKS, ALL_WEEKS)
def test_add_weeks_undoes_weeks_between(start: tuple[int, int], end: tuple[int, int]) -> None:
    n = weeks_between(start, end)
    assert add_weeks(start, n) == end
    assert weeks_between(end, start) == -n


@given(MODERN_WEEKS, st.integers(-5000, 5000))
def test_weeks_between_undoes_add_weeks(week: tuple[int, int], n: int) -> None:
    assert weeks_between(week, add_weeks(week, n)) == n


@given(MODERN_WEEKS, st.integers(0, 120))
def test_week_range_has_consecutive_weeks(start: tuple[int, int], n: int) -> None:
    end = add_weeks(start, n)
    weeks_list = week_range(start, end)
    assert len(weeks_list) == n + 1 == weeks_between(start, end) + 1
    assert weeks_list[0] == start and weeks_list[-1] == end
    assert all(add_weeks(a, 1) == b for a, b in zip(weeks_list, weeks_list[1:]))


@given(st.integers(MIN_YEAR, MAX_YEAR - 1))
def test_weeks_in_year_matches_the_thursday_rule(year: int) -> None:
    # A year has 53 ISO weeks iff it starts on a Thursday, or is a leap year starting on a Wednesday.
    jan1 = datetime.date(year, 1, 1).isoweekday()
    long_year = jan1 == 4 or (calendar.isleap(year) and jan1 == 3)
    assert weeks_in_year(year) == (53 if long_year else 52)
    assert weeks_between((year, 1), (year + 1, 1)) == weeks_in_year(year)


@given(st.integers(MIN_YEAR, MAX_YEAR), st.integers(-3, 60))
def test_is_valid_week_agrees_with_weeks_in_year(year: int, week: int) -> None:
    assert is_valid_week(year, week) == (1 <= week <= weeks_in_year(year))

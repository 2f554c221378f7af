"""ISO 8601 weeks: labels, their Monday and Sunday, and arithmetic on them.

A week is a pair ``(iso_year, iso_week)``.  ISO weeks start on Monday; week 1
is the week holding the year's first Thursday, so an ISO year has 52 or 53
weeks and its first days may fall in the previous calendar year.

>>> week_label(2025, 16)
'2025-W16'
>>> parse_week_label("2025w16")
(2025, 16)
>>> week_monday(2025, 16), week_sunday(2025, 16)
(datetime.date(2025, 4, 14), datetime.date(2025, 4, 20))
>>> week_of(datetime.date(2024, 12, 30))
(2025, 1)
>>> weeks_between((2025, 52), (2026, 1))
1
>>> add_weeks((2020, 52), 1)
(2020, 53)

Years are limited to 1..9999, the range of :class:`datetime.date`.
Functions raise ``TypeError`` for arguments of the wrong type and
``ValueError`` for weeks that do not exist.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

__all__ = [
    "MIN_YEAR",
    "MAX_YEAR",
    "week_label",
    "parse_week_label",
    "weeks_in_year",
    "is_valid_week",
    "week_monday",
    "week_sunday",
    "week_of",
    "weeks_between",
    "add_weeks",
    "week_range",
]

#: Smallest and largest ISO year handled (the range of ``datetime.date``).
MIN_YEAR = datetime.MINYEAR
MAX_YEAR = datetime.MAXYEAR

_LABEL_RE = re.compile(r"([0-9]{4})-?[Ww]([0-9]{2})")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_year(iso_year: Any) -> int:
    if not _is_int(iso_year):
        raise TypeError(f"iso_year must be an int, got {iso_year!r} ({type(iso_year).__name__})")
    if not MIN_YEAR <= iso_year <= MAX_YEAR:
        raise ValueError(f"iso_year must be between {MIN_YEAR} and {MAX_YEAR}, got {iso_year}")
    return iso_year


def _check_week(iso_year: Any, iso_week: Any) -> tuple[int, int]:
    _check_year(iso_year)
    if not _is_int(iso_week):
        raise TypeError(f"iso_week must be an int, got {iso_week!r} ({type(iso_week).__name__})")
    n_weeks = weeks_in_year(iso_year)
    if not 1 <= iso_week <= n_weeks:
        raise ValueError(
            f"week {iso_week} does not exist in ISO year {iso_year}: expected 1..{n_weeks}"
        )
    return iso_year, iso_week


def _check_pair(week: Any, name: str) -> tuple[int, int]:
    if isinstance(week, (str, bytes)) or not hasattr(week, "__len__") or len(week) != 2:
        raise TypeError(f"{name} must be an (iso_year, iso_week) pair, got {week!r}")
    return _check_week(week[0], week[1])


def week_label(iso_year: int, iso_week: int) -> str:
    """The label ``"YYYY-Www"`` of an ISO week, week zero-padded to two digits.

    >>> week_label(2025, 1)
    '2025-W01'
    >>> week_label(2020, 53)
    '2020-W53'
    >>> week_label(2021, 53)
    Traceback (most recent call last):
    ...
    ValueError: week 53 does not exist in ISO year 2021: expected 1..52
    """
    _check_week(iso_year, iso_week)
    return f"{iso_year:04d}-W{iso_week:02d}"


def parse_week_label(label: str) -> tuple[int, int]:
    """``(iso_year, iso_week)`` from a label such as ``"2025-W16"``.

    Also accepts ``"2025W16"`` and a lower-case ``w``; surrounding whitespace
    is ignored.  The year has four digits and the week two.

    >>> parse_week_label("2025-W16")
    (2025, 16)
    >>> parse_week_label(" 2025W01 ")
    (2025, 1)
    >>> parse_week_label("2025-16")
    Traceback (most recent call last):
    ...
    ValueError: cannot read '2025-16' as an ISO week label: expected 'YYYY-Www' such as '2025-W16' (or 'YYYYWww')
    >>> parse_week_label("2025-W53")
    Traceback (most recent call last):
    ...
    ValueError: '2025-W53' names a week that does not exist: week 53 does not exist in ISO year 2025: expected 1..52
    """
    if not isinstance(label, str):
        raise TypeError(f"week label must be a str, got {label!r} ({type(label).__name__})")
    match = _LABEL_RE.fullmatch(label.strip())
    if match is None:
        raise ValueError(
            f"cannot read {label!r} as an ISO week label: "
            "expected 'YYYY-Www' such as '2025-W16' (or 'YYYYWww')"
        )
    iso_year, iso_week = int(match.group(1)), int(match.group(2))
    try:
        return _check_week(iso_year, iso_week)
    except ValueError as exc:
        raise ValueError(f"{label!r} names a week that does not exist: {exc}") from None


def weeks_in_year(iso_year: int) -> int:
    """Number of ISO weeks in ``iso_year``: 52 or 53.

    December 28 always lies in the last ISO week of its year.

    >>> weeks_in_year(2020), weeks_in_year(2021), weeks_in_year(2026)
    (53, 52, 53)
    """
    _check_year(iso_year)
    return datetime.date(iso_year, 12, 28).isocalendar().week


def is_valid_week(iso_year: int, iso_week: int) -> bool:
    """Whether ``(iso_year, iso_week)`` is an ISO week (never raises).

    >>> is_valid_week(2020, 53), is_valid_week(2021, 53), is_valid_week(2025, 0)
    (True, False, False)
    >>> is_valid_week(2025, "16")
    False
    """
    try:
        _check_week(iso_year, iso_week)
    except (TypeError, ValueError):
        return False
    return True


def _from_iso(iso_year: int, iso_week: int, weekday: int) -> datetime.date:
    try:
        return datetime.date.fromisocalendar(iso_year, iso_week, weekday)
    except (ValueError, OverflowError):
        raise ValueError(
            f"day {weekday} of {week_label(iso_year, iso_week)} falls outside the dates "
            f"Python can represent ({datetime.date.min}..{datetime.date.max})"
        ) from None


def week_monday(iso_year: int, iso_week: int) -> datetime.date:
    """The Monday that starts ISO week ``(iso_year, iso_week)``.

    >>> week_monday(2025, 16)
    datetime.date(2025, 4, 14)
    >>> week_monday(2025, 1)
    datetime.date(2024, 12, 30)
    """
    _check_week(iso_year, iso_week)
    return _from_iso(iso_year, iso_week, 1)


def week_sunday(iso_year: int, iso_week: int) -> datetime.date:
    """The Sunday that ends ISO week ``(iso_year, iso_week)``.

    >>> week_sunday(2025, 19)
    datetime.date(2025, 5, 11)
    >>> week_sunday(2020, 53)
    datetime.date(2021, 1, 3)
    """
    _check_week(iso_year, iso_week)
    return _from_iso(iso_year, iso_week, 7)


def week_of(date: datetime.date) -> tuple[int, int]:
    """The ISO week ``(iso_year, iso_week)`` holding ``date``.

    A ``datetime.datetime`` is accepted too (its date is used).

    >>> week_of(datetime.date(2025, 4, 20))
    (2025, 16)
    >>> week_of(datetime.date(2021, 1, 3))
    (2020, 53)
    """
    if not isinstance(date, datetime.date):
        raise TypeError(f"date must be a datetime.date, got {date!r} ({type(date).__name__})")
    iso = date.isocalendar()
    return iso.year, iso.week


def weeks_between(start: tuple[int, int], end: tuple[int, int]) -> int:
    """Signed number of weeks from ``start`` to ``end`` on the ISO calendar.

    Positive when ``end`` is later; ``add_weeks(start, weeks_between(start, end)) == end``.

    >>> weeks_between((2025, 52), (2026, 1))
    1
    >>> weeks_between((2021, 1), (2020, 52))
    -2
    >>> weeks_between((2025, 16), (2025, 16))
    0
    """
    start = _check_pair(start, "start")
    end = _check_pair(end, "end")
    return (week_monday(*end) - week_monday(*start)).days // 7


def add_weeks(week: tuple[int, int], n: int) -> tuple[int, int]:
    """The ISO week ``n`` weeks after ``week`` (before it when ``n`` is negative).

    >>> add_weeks((2025, 52), 1)
    (2026, 1)
    >>> add_weeks((2021, 1), -1)
    (2020, 53)
    """
    week = _check_pair(week, "week")
    if not _is_int(n):
        raise TypeError(f"n must be an int, got {n!r} ({type(n).__name__})")
    try:
        target = week_monday(*week) + datetime.timedelta(weeks=n)
    except OverflowError:
        raise ValueError(
            f"{week_label(*week)} + {n} weeks falls outside the dates Python can represent "
            f"({datetime.date.min}..{datetime.date.max})"
        ) from None
    return week_of(target)


def week_range(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    """All ISO weeks from ``start`` to ``end``, both included, in order.

    Raises ``ValueError`` when ``end`` is before ``start``.

    >>> week_range((2020, 52), (2021, 2))
    [(2020, 52), (2020, 53), (2021, 1), (2021, 2)]
    >>> week_range((2025, 16), (2025, 16))
    [(2025, 16)]
    """
    start = _check_pair(start, "start")
    end = _check_pair(end, "end")
    n = weeks_between(start, end)
    if n < 0:
        raise ValueError(
            f"end {week_label(*end)} is before start {week_label(*start)}: "
            "expected start <= end"
        )
    first = week_monday(*start)
    return [week_of(first + datetime.timedelta(weeks=i)) for i in range(n + 1)]

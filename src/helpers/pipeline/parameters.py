"""What a notebook parameter or a numeric option of the runner may be: declared once, checked once.

Every route a parameter takes to papermill goes through :func:`check_parameters` (``docs/pipeline.md``,
"Parameters", says why and what it checks); the options are checked by :func:`option_type`.
Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import re
import reprlib
from dataclasses import dataclass
from typing import Any, Mapping

from helpers.pipeline.graph import NOT_A_LITERAL

#: One id of an ``"ids"`` parameter: what the raw files' series ids look like.
_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")


class ParameterError(ValueError):
    """A parameter or an option refused: the message says where it came from, what was given, what is expected."""


@dataclass(frozen=True)
class Bound:
    """What one parameter or option may be, by ``kind`` (:meth:`expected` says each in words)."""

    kind: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def expected(self) -> str:
        """In words, for the ``(expected ...)`` of a message."""
        if self.kind == "int":
            return f"a whole number from {self.low:g} to {self.high:g}"
        if self.kind == "number":
            return f"a number from {self.low:g} to {self.high:g}"
        if self.kind == "week":
            return 'an ISO week such as "2025-W19"'
        if self.kind == "ids":
            return 'ids separated by commas such as "byd,li_auto", or "" for all'
        return "one of " + ", ".join(f'"{c}"' for c in self.choices)

    def problem(self, value: Any) -> bool:
        """Whether ``value`` (of an allowed type) lies outside these bounds."""
        if self.kind in ("int", "number"):
            if isinstance(value, bool) or not isinstance(value, int if self.kind == "int" else (int, float)):
                return True
            return not math.isfinite(value) or not self.low <= value <= self.high
        if not isinstance(value, str):
            return True
        if self.kind == "week":
            from helpers.data.weeks import parse_week_label

            try:
                parse_week_label(value)
            except ValueError:
                return True
            return False
        if self.kind == "ids":
            return not all(_ID.fullmatch(part.strip()) for part in value.split(",")) if value.strip() else False
        return value not in self.choices


#: Every notebook parameter's kind and bounds (a test checks each declared parameter is here, and that each
#: bound admits the notebook's default).  ``window_weeks``' low end is ``helpers.models.trend.MIN_WEEKS``:
#: a trend needs three weeks; two years of weekly data is the most any window, horizon or path here uses.
PARAMETER_BOUNDS: dict[str, Bound] = {
    # 03_trend, 09_backtest, 07_what_happened
    "through_week": Bound("week"),
    "horizon": Bound("int", 1, 104),
    "window_weeks": Bound("int", 3, 104),
    "article_vintage": Bound("week"),
    "article_window_weeks": Bound("int", 3, 104),
    # 04_run_rate: flows in vehicles per week, rates as fractions, waits and paths in weeks
    "design_capacity_per_week": Bound("number", 0, 1_000_000),
    "actual_capacity_per_week": Bound("number", 0, 1_000_000),
    "sales_per_week": Bound("number", 0, 1_000_000),
    "gross_orders_per_week": Bound("number", 0, 1_000_000),
    "lock_in_rate": Bound("number", 0, 1),
    "cancellation_rate": Bound("number", 0, 1),
    "wait_weeks": Bound("number", 0, 520),
    "horizon_weeks": Bound("int", 1, 104),
    # 08_market_calendar
    "first_week": Bound("week"),
    "last_week": Bound("week"),
    "brands": Bound("ids"),
    # 06-09: figure language
    "lang": Bound("choice", choices=("en", "zh")),
}

#: The most notebooks one run executes at once (each holds a kernel: about 200 MB); there are 9 steps.
MAX_JOBS = 64
#: A day: the longest a cell may run, or a run may wait for the lock (0 means no limit / refuse at once).
MAX_SECONDS = 86_400

#: The runner's numeric options.
OPTION_BOUNDS: dict[str, Bound] = {
    "--jobs": Bound("int", 1, MAX_JOBS),
    "--horizon": PARAMETER_BOUNDS["horizon"],
    "--cell-timeout": Bound("number", 0, MAX_SECONDS),
    "--wait": Bound("number", 0, MAX_SECONDS),
}

_TYPE_WORDS = ((bool, "true/false"), (int, "a whole number"), (float, "a number"), (str, "a string"),
               (dict, "a mapping"), (list, "a list"), (tuple, "a list"), (set, "a set"), (frozenset, "a set"),
               (bytes, "bytes"), (bytearray, "bytes"), (_dt.datetime, "a date and time"), (_dt.date, "a date"))
#: A value's text for a message, bounded: a YAML file's aliases can nest one list a billion times.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 200, 200
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = _SHORT.maxfrozenset = 4


def given(value: Any) -> str:
    """What was given, for a message: plain numbers and strings as they are, anything else with its kind.

    >>> given(-1), given("zz"), given({"a"}), given(None), given(float("nan"))
    ('-1', "'zz'", "a set {'a'}", 'null', 'nan')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 190:  # about 57 digits; str() refuses over 4300
        digits = int(value.bit_length() * math.log10(2)) + 1  # at most one too many
        digits -= abs(value) < 10 ** (digits - 1)
        return f"a whole number of {digits} digits"
    if isinstance(value, (int, float, str)):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    text = _SHORT.repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    kind = next((word for cls, word in _TYPE_WORDS if isinstance(value, cls)), f"a {type(value).__name__}")
    return f"{kind} {text}"


def value_problem(value: Any, default: Any, bound: Bound | None) -> str | None:
    """Why ``value`` may not replace a parameter whose declared default is ``default``, in words; ``None`` if it may.

    >>> value_problem(100000, 4, PARAMETER_BOUNDS["horizon"])
    '100000 is not allowed (expected a whole number from 1 to 104)'
    """
    if bound is not None:
        expected = bound.expected()
    elif default is None or default is NOT_A_LITERAL:
        expected = "a string, a number or true/false"
    else:
        expected = next(word for cls, word in _TYPE_WORDS if isinstance(default, cls))
    if default is None and bound is None:
        expected += " or null"
    refused = f"{given(value)} is not allowed (expected {expected})"
    if value is None:
        return None if default is None else refused
    if not isinstance(value, (str, int, float, bool)):
        return refused
    if default is not None and default is not NOT_A_LITERAL and (
            isinstance(default, bool) != isinstance(value, bool) or isinstance(default, str) != isinstance(value, str)
            or type(default) is int and not isinstance(value, int)):  # a float where a whole number is declared
        return refused
    if (isinstance(value, float) and not math.isfinite(value)) or (bound is not None and bound.problem(value)):
        return refused
    return None


def check_parameters(parameters: Mapping[Any, Any], defaults: Mapping[str, Any],
                     origins: Mapping[Any, str] | None = None, source: str = "parameter") -> None:
    """Raise :class:`ParameterError` naming every parameter that may not be passed to notebooks whose
    ``parameters`` cells declare ``defaults``; ``origins``: where each came from (``source`` for the others).

    >>> check_parameters({"horizon": 8}, {"horizon": 4})
    >>> check_parameters({"lang": {"x"}, "horizn": 8}, {"horizon": 4, "lang": "en"}, {"lang": "p.yaml:1"})
    Traceback (most recent call last):
    ...
    helpers.pipeline.parameters.ParameterError: p.yaml:1: lang: a set {'x'} is not allowed (expected one of "en", "zh")
    parameter: horizn: unknown parameter (expected one of: horizon, lang)
    """
    origins = origins or {}
    problems = []
    for name, value in parameters.items():
        where = origins.get(name, source)
        if not isinstance(name, str) or name not in defaults:
            shown = name if isinstance(name, str) and name.isidentifier() else given(name)
            known = ", ".join(sorted(defaults)) or "none"
            problems.append(f"{where}: {shown}: unknown parameter (expected one of: {known})")
            continue
        problem = value_problem(value, defaults[name], PARAMETER_BOUNDS.get(name))
        if problem:
            problems.append(f"{where}: {name}: {problem}")
    if problems:
        raise ParameterError("\n".join(problems))


def option_type(option: str):
    """An argparse ``type`` for a numeric option bounded by :data:`OPTION_BOUNDS` (refused before the run lock)."""
    bound = OPTION_BOUNDS[option]

    def parse(text: str) -> int | float:
        try:
            value: int | float = int(text.strip()) if bound.kind == "int" else float(text.strip())
        except ValueError:
            value = None  # type: ignore[assignment]
        if value is None or bound.problem(value):
            raise argparse.ArgumentTypeError(
                f"{text.strip() or repr(text)} is not allowed (expected {bound.expected()})")
        return value

    parse.__name__ = option.lstrip("-").replace("-", "_")  # argparse names the type in some messages
    return parse

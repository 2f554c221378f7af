"""The one way numbers, percentages, weeks and spans are printed and rounded.

Two jobs, kept apart on purpose:

* **Printing for people** (prose, titles, labels): :func:`number` rounds
  halves *up* (2,362.5 → ``2,363``, as people round), uses thousands
  separators and a real minus sign (U+2212), and says ``n/a`` for an undefined
  value.  :func:`signed_percent`, :func:`week_span`, :func:`count_word` and
  :func:`plural` build on it.
* **Rounding for files** (CSV, JSON): :func:`round_float` rounds a float once
  to a fixed number of decimals so a rerun writes the same bytes;
  :func:`rounded` does it through dicts and lists, :func:`round_frame` through
  a table's float columns.

Every module and notebook prints and rounds through here; nothing else
formats a number.

A third, small job: **text from data files inside Markdown**.  A string that
comes from ``data/raw`` (a figure as printed, a period, a note, a source's
title) is interpolated into prose only through :func:`md_literal`, which makes
every HTML and Markdown character in it inert, so it shows exactly as typed;
:func:`inert_html` is the last guard on a whole Markdown text before it is
displayed (no raw HTML at all).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

MINUS = "\N{MINUS SIGN}"
EN_DASH = "\N{EN DASH}"
RIGHT_ARROW = "\N{RIGHTWARDS ARROW}"
#: Decimals kept for floats in the JSON files (summaries) the notebooks write.
JSON_DIGITS = 3
#: Decimals kept for floats in the CSV tables the notebooks write.
TABLE_DIGITS = 6
#: ... and at most this many significant digits.  A fit's last digits depend on the CPU (OpenBLAS picks its
#: kernels by processor): 94713254.651598 on one machine, 94713254.651595 on another.  Cut at ten digits, such
#: noise shows only when it straddles a rounding boundary (about once in 10,000 numbers), and a reader loses nothing.
TABLE_SIGNIFICANT = 10

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _finite(x: Any) -> float | None:
    """``x`` as a float, or ``None`` when it is missing, NaN or infinite."""
    if x is None or x is pd.NA:
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- printing for people


def number(x: Any, digits: int = 0) -> str:
    """``x`` for people: halves rounded up, thousands separators, a real minus sign, ``n/a`` when undefined.

    >>> number(2362.5), number(-1343.03), number(-116.966), number(7370), number(1.25, 1)
    ('2,363', '−1,343', '−117', '7,370', '1.3')
    >>> number(-0.4), number(float("nan")), number(None), number(-12.345, 1)
    ('0', 'n/a', 'n/a', '−12.3')
    """
    value = _finite(x)
    if value is None:
        return "n/a"
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)
    return f"{exact:,.{digits}f}".replace("-", MINUS)


def signed_percent(fraction: float, digits: int = 1) -> str:
    """A fraction as a signed percent: ``+2.1%``, ``−4.5%``; zero has no sign.

    >>> signed_percent(-0.0449), signed_percent(0.021), signed_percent(-0.5, 0), signed_percent(0.0)
    ('−4.5%', '+2.1%', '−50%', '0.0%')
    """
    text = number(100 * fraction, digits)
    if text == "n/a":
        return text
    return f"{'' if text.startswith(MINUS) or text == number(0, digits) else '+'}{text}%"


def week_span(first: str, last: str, sep: str = EN_DASH) -> str:
    """Two week labels as one span: ``2025-W16–W19`` within a year, ``2025-W52–2026-W01`` across years.

    >>> week_span("2025-W16", "2025-W19"), week_span("2025-W52", "2026-W01"), week_span("2025-W16", "2025-W19", RIGHT_ARROW)
    ('2025-W16–W19', '2025-W52–2026-W01', '2025-W16→W19')
    >>> week_span("2025-W16", "2025-W16")
    '2025-W16'
    """
    if first == last:
        return first
    return f"{first}{sep}{last[5:]}" if first[:4] == last[:4] else f"{first}{sep}{last}"


def count_word(n: int) -> str:
    """``three`` for 3; digits from 11 on.

    >>> count_word(3), count_word(12)
    ('three', '12')
    """
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 source``, ``2 sources``, ``2 weeks``; the count printed by :func:`number` (``1,509 rows``).

    >>> plural(1, "source"), plural(2, "week"), plural(2, "is", "are"), plural(1509, "row")
    ('1 source', '2 weeks', '2 are', '1,509 rows')
    """
    return f"{number(n)} {word if n == 1 else (words or word + 's')}"


def week_list(labels: list[str]) -> str:
    """``2025-W20``, ``2025-W20 and 2025-W21``, ``the 6 weeks 2025-W29–W34`` (a run of weeks).

    >>> week_list(["2025-W20", "2025-W21"]), week_list([f"2025-W{w}" for w in range(29, 35)])
    ('2025-W20 and 2025-W21', 'the 6 weeks 2025-W29–W34')
    """
    if len(labels) == 1:
        return labels[0]
    if len(labels) <= 3:
        return f"{', '.join(labels[:-1])} and {labels[-1]}"
    return f"the {len(labels)} weeks {week_span(labels[0], labels[-1])}"


def week_runs(labels: Any, last: str = ", ") -> str:
    """Week labels as runs of consecutive weeks: ``2025-W18, 2025-W20–W22, 2025-W25``.

    :func:`week_list` prints four or more weeks as one span, which would hide the
    weeks in between that are *not* listed; this shows every gap.  ``last`` joins
    the last run (``" and "`` in an English sentence; the default suits any language).

    >>> week_runs(["2025-W22", "2025-W18", "2025-W23", "2025-W18"])
    '2025-W18, 2025-W22–W23'
    >>> week_runs(["2025-W18", "2025-W20", "2025-W21", "2025-W22", "2025-W25"], last=" and ")
    '2025-W18, 2025-W20–W22 and 2025-W25'
    >>> week_runs(["2025-W52", "2026-W01"]), week_runs([])
    ('2025-W52–2026-W01', '')
    """
    mondays = sorted({dt.date.fromisocalendar(int(str(w)[:4]), int(str(w)[6:]), 1) for w in labels})
    runs: list[list[dt.date]] = []
    for monday in mondays:
        if runs and (monday - runs[-1][-1]).days == 7:
            runs[-1].append(monday)
        else:
            runs.append([monday])

    def week_of(day: dt.date) -> str:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"

    parts = [week_span(week_of(r[0]), week_of(r[-1])) for r in runs]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])}{last}{parts[-1]}" if parts else ""


# --------------------------------------------------------------------------- rounding for files


def measure_words(measures: Any, missing: str = "figures (the measure is not declared)") -> str:
    """A measure id (or several) in words, for prose: ``insurance_registrations`` -> "insurance registrations".

    >>> measure_words("insurance_registrations"), measure_words(["retail_sales", "deliveries"]), measure_words(None)
    ('insurance registrations', 'deliveries and retail sales', 'figures (the measure is not declared)')
    """
    if measures is None or (isinstance(measures, float) and math.isnan(measures)):
        return missing
    items = [measures] if isinstance(measures, str) else list(measures)
    words = sorted({str(m).replace("_", " ") for m in items if m is not None and str(m) not in ("", "nan", "<NA>")})
    return " and ".join(words) or missing


def round_float(x: Any, digits: int = JSON_DIGITS) -> float | None:
    """``x`` rounded to ``digits`` decimals (and :data:`TABLE_SIGNIFICANT` significant digits at most) as a plain
    float, for stable output.

    ``-0.0`` becomes ``0.0``; ``None``, NaN and infinities become ``None``
    (JSON has no NaN).

    >>> round_float(-729.99999999997), round_float(-0.0004), round_float(2 / 3, 2)
    (-730.0, 0.0, 0.67)
    >>> round_float(float("nan")) is None, round_float(None) is None, round_float(pd.NA) is None
    (True, True, True)
    >>> round_float(np.float64(1.23456))
    1.235
    """
    value = _finite(x)
    if value is None:
        return None
    if value != 0:
        digits = min(digits, TABLE_SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))
    value = round(value, digits)
    return 0.0 if value == 0 else value


def plain(x: Any, digits: int = JSON_DIGITS) -> int | float | None:
    """A JSON-ready number: whole floats as ``int``, others through :func:`round_float`.

    >>> plain(7200.0), plain(2.5), plain(float("nan")) is None
    (7200, 2.5, True)
    """
    value = round_float(x, digits)
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def rounded(obj: Any, digits: int = JSON_DIGITS) -> Any:
    """``obj`` ready for JSON: every float through :func:`round_float`, numpy scalars unwrapped, containers recursed.

    Dicts keep their key order (keys become strings); tuples become lists, as JSON has them.

    >>> rounded({"b": -0.0001, "a": (1.23456, float("inf")), "n": np.int64(3), "ok": np.bool_(True)})
    {'b': 0.0, 'a': [1.235, None], 'n': 3, 'ok': True}
    """
    if obj is None or obj is pd.NA or isinstance(obj, str):
        return None if obj is pd.NA else obj
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return round_float(obj, digits)
    if isinstance(obj, Mapping):
        return {str(k): rounded(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [rounded(v, digits) for v in obj]
    return obj


def round_frame(frame: pd.DataFrame, digits: int = TABLE_DIGITS) -> pd.DataFrame:
    """A copy of ``frame`` with every float column rounded to ``digits`` decimals and at most
    :data:`TABLE_SIGNIFICANT` significant digits (as ``Float64``), as :func:`round_float` rounds.

    Infinities stay infinite (a CSV can say ``inf``: "never"); NaN becomes missing.

    >>> round_frame(pd.DataFrame({"x": [-1e-13, 2 / 3, float("nan"), float("inf")], "n": [1, 2, 3, 4]}), 3).values.tolist()
    [[0.0, 1], [0.667, 2], [<NA>, 3], [inf, 4]]
    >>> round_frame(pd.DataFrame({"x": [94713254.651598, 94713254.651595, 1234.5678915]})).values.tolist()
    [[94713254.65], [94713254.65], [1234.567892]]
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            values = out[column].to_numpy(dtype=float, na_value=np.nan, copy=True)
            finite = np.isfinite(values)
            # round() on each finite value, as round_float does (numpy's own rounding can differ in the last
            # digit), to fewer decimals where the number is large; + 0.0 makes -0.0 zero
            kept = values[finite]
            size = np.floor(np.log10(np.abs(kept), out=np.zeros_like(kept), where=kept != 0)).astype(int)
            places = np.minimum(digits, TABLE_SIGNIFICANT - 1 - size).tolist()
            values[finite] = [round(v, d) for v, d in zip(kept.tolist(), places)]
            out[column] = pd.array(values + 0.0, dtype="Float64")
    return out


# --------------------------------------------------------------------------- text from data files in Markdown

#: Characters that are Markdown (or, in JupyterLab, math) syntax when they stand inline: escaped with a backslash.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]{}#|~$!])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md_literal(text: Any) -> str:
    r"""A string from a data file as inline Markdown that shows exactly that string, inert.

    HTML's ``& < >`` become entities (no tag, comment or entity from the data is
    ever markup); Markdown's emphasis, code, link, heading, table and math
    characters get a backslash; line breaks become spaces (the text stands
    inside a sentence).  Every raw string that reaches prose goes through here.

    >>> md_literal('1.35万辆 <img src=x onerror="alert()">')
    '1.35万辆 &lt;img src=x onerror="alert()"&gt;'
    >>> md_literal("*bold* [link](javascript:x) $2,000 off; $35k")
    '\\*bold\\* \\[link\\](javascript:x) \\$2,000 off; \\$35k'
    >>> md_literal("two\nlines"), md_literal(None), md_literal("首两周")
    ('two lines', '', '首两周')
    """
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)):
        return ""
    escaped = html.escape(_LINE_BREAKS.sub(" ", str(text)), quote=False)
    return _MARKDOWN_SYNTAX.sub(r"\\\1", escaped)


def inert_html(markdown: str) -> str:
    """A whole Markdown text with every ``<`` written ``&lt;``: no raw HTML survives, whatever built the text.

    Prose never needs raw HTML (``n = 4 < 8`` reads the same either way), so this
    is applied to every Markdown text a notebook displays, after :func:`md_literal`
    has made each data string inert: a string that reached prose without it still
    cannot become a tag.

    >>> inert_html('n = 4 < 8; <script src="https://x/y.js"></script> **kept**')
    'n = 4 &lt; 8; &lt;script src="https://x/y.js">&lt;/script> **kept**'
    """
    return markdown.replace("<", "&lt;")


# --------------------------------------------------------------------------- months and days, in either language


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_month(period: str, lang: str = "en") -> str:
    """``"2025-03"`` → ``"Mar 2025"`` / ``"2025年3月"``.

    >>> format_month("2025-03"), format_month("2025-05", "zh")
    ('Mar 2025', '2025年5月')
    """
    year, month = int(period[:4]), int(period[5:7])
    return f"{year}年{month}月" if lang == "zh" else f"{_MONTHS[month - 1]} {year}"


def format_day(day: dt.date, lang: str = "en") -> str:
    """``2025-03-29`` → ``"29 Mar"`` / ``"3月29日"``.

    >>> format_day(dt.date(2025, 3, 29)), format_day(dt.date(2025, 3, 29), "zh")
    ('29 Mar', '3月29日')
    """
    return f"{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {_MONTHS[day.month - 1]}"

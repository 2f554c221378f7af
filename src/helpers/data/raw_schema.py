"""The raw-file contract: one :class:`TableSpec` per file of ``data/raw``, its columns, cell checks and row checks.

Data, not machinery: what each file must hold (its columns, in order; the type and
range of each cell; the checks across a row, such as a registered source or a week
that exists), and the tolerated values, declared once.  The engine that reads and
validates files against these specs, and reports every problem at once, is
:mod:`helpers.data.raw`.  Standard library only.

>>> [spec.file_name for spec in TABLES][:3]
['sources.csv', 'series.csv', 'weekly_sales.csv']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from helpers.chinese import CJK, HAN
from helpers.data import weeks

# ---------------------------------------------------------------------------
# Quoting a value in a message
# ---------------------------------------------------------------------------

#: At most this many characters of a value are quoted in a message (a longer one is cut and its length given).
SHOWN_CHARS = 100


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was.

    >>> clip("para 3"), clip("x" * 500, 4)
    ('para 3', 'xxxx... (500 characters)')
    """
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """A raw value as a message quotes it: ``repr`` (so control and invisible characters are escaped), cut.

    >>> shown("72OO"), shown("y" * 500, 4)
    ("'72OO'", "'yyyy'... (500 characters)")
    >>> print(shown("\\u202eabc"))  # the right-to-left override is shown as its escape, not obeyed
    '\\u202eabc'
    """
    return repr(value) if len(value) <= limit else f"{value[:limit]!r}... ({len(value):,} characters)"



class CellError(ValueError):
    """A cell that does not fit its column; the message says what was expected.

    ``kind`` (optional) names the kind of problem; by default it is the column's check.
    """

    def __init__(self, message: str, kind: str = ""):
        super().__init__(message)
        self.kind = kind


# ---------------------------------------------------------------------------
# Cell checks: each takes the stripped text and returns a typed value or raises
# ---------------------------------------------------------------------------

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
#: Highest weekly unit count accepted for one series: above China's whole
#: weekly new-energy-vehicle market (~300,000), so a larger figure is a typo.
WEEKLY_UNITS_CEILING = 500_000
FIRST_YEAR, LAST_YEAR = 2000, 2100

UNITS = {
    "vehicles": "vehicles (a count over the stated period)",
    "vehicles_per_year": "vehicles a year (a rate)",
    "vehicles_per_month": "vehicles a month (a rate)",
    "percent": "percent (55 means 55%)",
    "points": "points on the ranking's own scale",
    "complaints": "complaints (a count)",
    "rank": "rank (1 = first)",
    "weeks": "weeks",
    "years": "years",
    "months": "months",
    "seconds": "seconds",
    "km_per_h": "kilometres per hour",
    "users": "people (monthly active users)",
    "sets_per_day": "sets made a day",
    "multiple": "a multiple (2 = doubled)",
}
DATE_PRECISIONS = ("day", "month", "quarter", "year", "unknown")


def _text(value: str) -> str:
    if value == "":
        raise CellError("is empty (expected text)")
    return value


def _optional_text(value: str) -> str:
    return value


def _snake(value: str) -> str:
    if value == "":
        raise CellError("is empty (expected a snake_case name: lower-case letters, digits and _, e.g. xiaomi_su7)")
    if not SNAKE.match(value):
        raise CellError(f"{shown(value)} is not a snake_case name (expected lower-case letters, digits and _, e.g. xiaomi_su7)")
    return value


def _whole(value: str, low: int, high: int, example: str) -> int:
    if value == "":
        raise CellError(f"is empty (expected a whole number, e.g. {example})")
    if not re.fullmatch(r"[+-]?\d+", value):
        hint = " without thousands separators" if re.fullmatch(r"\d{1,3}(,\d{3})+", value) else ""
        raise CellError(f"{shown(value)} is not a whole number (expected digits{hint}, e.g. {example})")
    if len(value.lstrip("+-0")) > 18:  # int() refuses over 4,300 digits (CPython's limit), and no count has 19
        raise CellError(f"{clip(value, 20)} is out of range (expected {low} to {high:,})")
    number = int(value)
    if not low <= number <= high:
        raise CellError(f"{number} is out of range (expected {low} to {high:,})")
    return number


def _year(value: str) -> int:
    return _whole(value, FIRST_YEAR, LAST_YEAR, "2025")


def _week_number(value: str) -> int:
    return _whole(value, 1, 53, "16")


def _units(value: str) -> int:
    if value.startswith("-") and re.fullmatch(r"-\d+", value):
        raise CellError(f"{clip(value)} is negative (expected a count of vehicles, 0 or more)")
    return _whole(value, 0, WEEKLY_UNITS_CEILING, "7200")


def _decimal(value: str) -> float | None:
    if value == "":
        return None
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", value):
        raise CellError(f"{shown(value)} is not a plain decimal number (expected e.g. 13500 or 1.7; write 万 and % out)")
    return float(value)


def _positive_whole_or_empty(value: str) -> int | None:
    if value == "":
        return None
    return _whole(value, 1, 520, "2")


def _unit(value: str) -> str:
    if value not in UNITS:
        raise CellError(f"{shown(value)} is not a known unit (expected one of {', '.join(UNITS)})")
    return value


def _qualifier(value: str) -> str:
    from helpers.data.numbers import QUALIFIER_MEANINGS

    if value and value not in QUALIFIER_MEANINGS:
        raise CellError(f"{shown(value)} is not a known qualifier (expected empty or one of {' '.join(QUALIFIER_MEANINGS)})")
    return value


_PERIOD = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2])|-Q[1-4])?$")


def _period(value: str) -> str:
    if value == "":
        return value
    m = _PERIOD.match(value)
    if not m or not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        raise CellError(f"{shown(value)} is not a period (expected empty, YYYY, YYYY-MM or YYYY-Qn, e.g. 2025-04)")
    return value


def _published(value: str) -> str:
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise CellError(f"{shown(value)} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    _check_calendar(value)
    return value


def _check_calendar(value: str) -> None:
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise CellError(f"{shown(value)} is not a real date ({exc})") from None


def _url(value: str) -> str:
    if value and not re.match(r"^https?://\S+$", value):
        raise CellError(f"{shown(value)} is not a web address (expected empty or http(s)://...)")
    return value


def _date_precision(value: str) -> str:
    if value not in DATE_PRECISIONS:
        raise CellError(f"{shown(value)} is not a date precision (expected one of {', '.join(DATE_PRECISIONS)})")
    return value



def _caption_en(value: str) -> str:
    """An event's English caption: any text without Chinese, or empty (the figures then show the event_id).

    >>> _caption_en("Xiaomi YU7 launch"), _caption_en("")
    ('Xiaomi YU7 launch', '')
    >>> _caption_en("小米YU7上市")
    Traceback (most recent call last):
    ...
    helpers.data.raw_schema.CellError: '小米YU7上市' holds Chinese ('小') (expected English, drawn on English figures, or empty; Chinese goes in caption_zh)
    """
    found = CJK.search(value)
    if found:
        raise CellError(f"{shown(value)} holds Chinese ({found.group()!r}) (expected English, drawn on English figures, "
                        "or empty; Chinese goes in caption_zh)")
    return value


def _caption_zh(value: str) -> str:
    """An event's Chinese caption: text with at least one Chinese character, or empty (the event_id then).

    >>> _caption_zh("小米YU7上市"), _caption_zh("")
    ('小米YU7上市', '')
    >>> _caption_zh("Xiaomi YU7 launch")
    Traceback (most recent call last):
    ...
    helpers.data.raw_schema.CellError: 'Xiaomi YU7 launch' holds no Chinese character (expected the caption in Chinese, e.g. 小米YU7上市, or empty)
    """
    if value and not HAN.search(value):
        raise CellError(f"{shown(value)} holds no Chinese character (expected the caption in Chinese, e.g. 小米YU7上市, or empty)")
    return value


def _event_date(value: str) -> str:
    if value == "":
        return value
    if re.fullmatch(r"\d{4}-Q[1-4]", value) or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        if "Q" not in value:
            _check_calendar(value)
        return value
    raise CellError(f"{shown(value)} is not a date (expected YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY or empty)")


# ---------------------------------------------------------------------------
# Plain text: what no cell of any raw file may hold, whatever its column
# ---------------------------------------------------------------------------

#: Unicode bidi controls: invisible, they make text display in another order than it is stored
#: (the "Trojan Source" characters).  Written as escapes: this file holds none of them.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Every character a cell may not hold: the bidi controls, every other format character (Unicode
#: category Cf: zero-width spaces and joiners, word joiner, soft hyphen, BOM, invisible operators,
#: interlinear annotation, tag characters ...), line and paragraph separators, control characters
#: (C0 but tab and newline, C1), variation selectors and the blank fillers that display as nothing.
#: ``tests/hostile/test_raw_inputs.py`` checks it against :mod:`unicodedata`.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001345f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
#: What a spreadsheet (Excel, LibreOffice, Google Sheets) reads as the start of a formula when it
#: opens a CSV (OWASP, "CSV Injection"); a tab or a carriage return (a line break once the file is
#: read) before one of them is skipped by some.
FORMULA_STARTS = "=+-@"
#: A signed plain number (-5, +12%, -0.5): a spreadsheet reads it as a number, not a formula.
SIGNED_NUMBER = re.compile(r"[+-](\d[\d,]*(\.\d+)?|\.\d+)([eE][+-]?\d+)?%?")


_FIRST_TO_CHECK = frozenset(FORMULA_STARTS + "\t\n\r")


def _character_name(char: str) -> str:
    import unicodedata

    return f"U+{ord(char):04X} ({unicodedata.name(char, 'a control character')})"


def check_plain_text(cell: str) -> None:
    """Refuse a cell (as read, before trimming) that holds an invisible character or starts like a formula.

    Applied to every cell of every raw file, whatever its column: a value with
    a bidi control reads differently from what is stored, and one starting with
    ``=`` ``+`` ``-`` ``@`` (or a tab or line break) runs as a formula when a
    processed CSV is opened in a spreadsheet.  A signed number (``-5``,
    ``+12%``) is a number to a spreadsheet and is allowed.

    >>> check_plain_text("约55%"), check_plain_text("-5")
    (None, None)
    >>> check_plain_text('=HYPERLINK("http://x.example","4月份")')
    Traceback (most recent call last):
    ...
    helpers.data.raw_schema.CellError: starts with '=', which a spreadsheet runs as a formula (expected plain text: no value may start with =, +, -, @, a tab or a line break unless it is a signed number such as -5 or +12%; put words first, e.g. 'about -5%')
    >>> check_plain_text("7200\\u202e")
    Traceback (most recent call last):
    ...
    helpers.data.raw_schema.CellError: holds U+202E (RIGHT-TO-LEFT OVERRIDE) at character 5, an invisible bidi control that makes text display in another order than it is stored (expected plain text without bidi controls; delete the character)
    """
    found = INVISIBLE.search(cell)
    if found:
        char, at = found.group(), found.start() + 1
        if char in BIDI_CONTROLS:
            raise CellError(f"holds {_character_name(char)} at character {at}, an invisible bidi control that makes text "
                            "display in another order than it is stored (expected plain text without bidi controls; "
                            "delete the character)", kind="bidi control")
        raise CellError(f"holds {_character_name(char)} at character {at}, an invisible or control character that hides "
                        "or changes text without showing (expected plain text; delete the character)",
                        kind="invisible character")
    value = cell.lstrip(" ") if cell[:1] == " " else cell
    first = value[:1]
    if not first or first not in _FIRST_TO_CHECK:  # the common case: a letter, a digit, a Chinese character
        return
    if first in ("\t", "\n", "\r"):
        what = "a tab" if first == "\t" else "a line break (a carriage return in the file)"
    elif first and first in FORMULA_STARTS and not SIGNED_NUMBER.fullmatch(value.strip()):
        what = repr(first)
    else:
        return
    raise CellError(f"starts with {what}, which a spreadsheet runs as a formula (expected plain text: no value may start "
                    "with =, +, -, @, a tab or a line break unless it is a signed number such as -5 or +12%; "
                    "put words first, e.g. 'about -5%')", kind="formula")


# ---------------------------------------------------------------------------
# Table specs
# ---------------------------------------------------------------------------

RowCheck = Callable[[Mapping[str, Any], "ValidationContext"], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Column:
    """A column: its name, its cell check, the pandas dtype it loads as."""

    name: str
    check: Callable[[str], Any]
    dtype: str = "string"
    doc: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A raw file's contract: exact columns in order, unique key, row rules."""

    file_name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str
    row_checks: tuple[RowCheck, ...] = ()
    sort_by: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def name(self) -> str:
        return self.file_name.removesuffix(".csv")


@dataclass
class ValidationContext:
    """What row rules may look at besides the row itself."""

    today: dt.date
    source_ids: frozenset[str] = frozenset()
    figure_ids: dict[str, str] = field(default_factory=dict)  # figure_id -> "file:line"
    #: The hint given for each unregistered source_id (see :func:`_check_source_registered`).
    source_hints: dict[str, str] = field(default_factory=dict)


def _check_source_registered(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    sid = row["source_id"]
    if sid and sid not in ctx.source_ids:
        hint = ctx.source_hints.get(sid)
        if hint is None:
            hint = ctx.source_hints[sid] = _source_hint(sid, ctx)
        yield "source_id", f"{shown(sid)} is not registered in sources.csv (expected a source_id of sources.csv; {hint})"


#: Close registered ids are looked up (difflib) for this many distinct unregistered ids at most; the
#: others get the count of registered sources.  Each lookup compares the id with every registered
#: source; done for every row it made a misspelt id on 200,000 rows take minutes (issue 21).
SOURCE_HINT_LOOKUPS = 20


def _source_hint(sid: str, ctx: ValidationContext) -> str:
    """'did you mean ...?' for one unregistered ``sid`` (computed once per distinct id, and for a few ids only)."""
    registered = f"{len(ctx.source_ids)} sources are registered"
    if len(ctx.source_hints) >= SOURCE_HINT_LOOKUPS or len(sid) > 100:
        return registered
    import difflib

    close = difflib.get_close_matches(sid, sorted(ctx.source_ids), n=3, cutoff=0.6)
    return f"did you mean {', '.join(close)}?" if close else registered


def _check_week_exists(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    year, week = row["iso_year"], row["iso_week"]
    if not weeks.is_valid_week(year, week):
        yield "iso_week", f"{year} has no ISO week {week} (expected 1 to {weeks.weeks_in_year(year)})"
        return
    monday = weeks.week_monday(year, week)
    if monday > ctx.today:
        yield "iso_week", (
            f"{weeks.week_label(year, week)} starts on {monday.isoformat()}, in the future "
            f"(expected a week that has begun by {ctx.today.isoformat()})"
        )


def _check_locator(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    if len(row["locator"]) < 4:
        yield "locator", f"{shown(row['locator'])} is too short to find the figure (expected e.g. 'para 3: \"...\"' or a URL)"


def _check_figure_values(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    from helpers.data.numbers import parse_figure

    low, high = row["value_low"], row["value_high"]
    if (low is None) != (high is None):
        yield "value_high" if high is None else "value_low", "one end of the value is empty (expected both ends, or neither for a figure with no number)"
        return
    try:
        parsed = parse_figure(row["as_printed"])
    except ValueError:
        parsed = None
    if low is None:
        if parsed is not None:
            yield "value_low", f"is empty but as_printed {shown(row['as_printed'])} states {parsed.low:g}-{parsed.high:g}"
        return
    if low > high:
        yield "value_low", f"{low:g} is above value_high {high:g} (expected low <= high)"
        return
    if parsed is None:
        yield "as_printed", f"{shown(row['as_printed'])} does not parse as a figure (expected the number as printed, e.g. 1.35万辆 or 35%-40%)"
        return
    if not (_close(parsed.low, low) and _close(parsed.high, high)):
        yield "value_low", (
            f"{low:g}-{high:g} disagrees with as_printed {shown(row['as_printed'])}, which parses to "
            f"{parsed.low:g}-{parsed.high:g} (expected the same numbers)"
        )
    if parsed.qualifier and parsed.qualifier not in row["qualifier"]:
        yield "qualifier", f"{shown(row['qualifier'])} leaves out {parsed.qualifier!r}, printed in as_printed {shown(row['as_printed'])}"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _check_event_date(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    date, precision = row["date"], row["date_precision"]
    expected = {
        "day": r"\d{4}-\d{2}-\d{2}",
        "month": r"\d{4}-\d{2}",
        "quarter": r"\d{4}-Q[1-4]",
        "year": r"\d{4}",
        "unknown": r"",
    }[precision]
    if not re.fullmatch(expected, date):
        shape = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY", "unknown": "empty"}[precision]
        yield "date", f"{date!r} does not match date_precision {precision!r} (expected {shape})"


SOURCES = TableSpec(
    file_name="sources.csv",
    doc="One row per source: the register every other file's source_id points into.",
    columns=(
        Column("source_id", _snake, doc="snake_case id used by the other files"),
        Column("title", _text),
        Column("publisher", _text),
        Column("author", _optional_text),
        Column("published", _published, doc="YYYY, YYYY-MM or YYYY-MM-DD"),
        Column("url", _url),
        Column("note", _optional_text),
    ),
    key=("source_id",),
    sort_by=("source_id",),
)

_WEEKLY_COLUMNS = (
    Column("iso_year", _year, "int64"),
    Column("iso_week", _week_number, "int64"),
    Column("series", _snake, doc="what is counted, e.g. xiaomi_su7 (SU7 and SU7 Ultra)"),
    Column("units", _units, "int64", doc="vehicles in that week"),
    Column("source_id", _snake),
    Column("locator", _text, doc="where in the source: para N: \"quote\", a table, or a URL"),
)
_WEEKLY_CHECKS = (_check_week_exists, _check_source_registered, _check_locator)

WEEKLY_SALES = TableSpec(
    file_name="weekly_sales.csv",
    doc="Weekly units by ISO week and series: the file analysts append new weeks to.",
    columns=_WEEKLY_COLUMNS,
    key=("iso_year", "iso_week", "series"),
    row_checks=_WEEKLY_CHECKS,
    sort_by=("series", "iso_year", "iso_week"),
)

WEEKLY_SALES_ALTERNATIVES = TableSpec(
    file_name="weekly_sales_alternatives.csv",
    doc="Other published figures for a week and series already in weekly_sales.csv (one per source).",
    columns=_WEEKLY_COLUMNS,
    key=("iso_year", "iso_week", "series", "source_id"),
    row_checks=_WEEKLY_CHECKS,
    sort_by=("series", "iso_year", "iso_week", "source_id"),
)

_FIGURE_COLUMNS = (
    Column("figure_id", _snake, doc="unique across all figure files"),
    Column("metric", _snake),
    Column("subject", _snake),
    Column("context", _optional_text),
    Column("period", _period, doc="YYYY, YYYY-MM, YYYY-Qn or empty"),
    Column("period_weeks", _positive_whole_or_empty, "Int64", doc="weeks the figure covers when the source says so"),
    Column("period_as_printed", _optional_text),
    Column("as_printed", _text, doc="the figure exactly as printed, e.g. 1.35万辆"),
    Column("qualifier", _qualifier, doc="约, 近, 超, 仅 ... as printed, or empty"),
    Column("value_low", _decimal, "float64"),
    Column("value_high", _decimal, "float64"),
    Column("unit", _unit),
    Column("source_id", _snake),
    Column("locator", _text),
)
_FIGURE_CHECKS = (_check_figure_values, _check_source_registered, _check_locator)


def _figure_table(file_name: str, doc: str) -> TableSpec:
    return TableSpec(
        file_name=file_name,
        doc=doc,
        columns=_FIGURE_COLUMNS,
        key=("figure_id",),
        row_checks=_FIGURE_CHECKS,
        sort_by=("figure_id",),
    )


FIGURE_TABLES = (
    _figure_table("orders.csv", "Order intake and its changes."),
    _figure_table("monthly_sales.csv", "Monthly sales and ranks."),
    _figure_table("capacity.csv", "Factory capacity, designed and actual."),
    _figure_table("waiting_times.csv", "Waiting times for delivery and parts."),
    _figure_table("order_rates.csv", "Cancellation and lock-in rates."),
    _figure_table("quality.csv", "Quality rankings, scores and complaint counts."),
    _figure_table("other_figures.csv", "Every other number the sources state."),
)

BOUNDS = {
    "exact": "the figure as stated",
    "lower": "a lower bound (more than, 超, 超过, 逾)",
    "upper": "an upper bound (nearly, less than, 近, 不到)",
    "approximate": "about (约, 左右)",
}
MEASURES = {
    "deliveries": "vehicles delivered to customers (the maker's own announcement)",
    "retail_sales": "retail sales or registrations counted by a third party (e.g. CPCA)",
    "wholesale": "vehicles shipped from the factory (wholesale)",
}


def _month(value: str) -> int:
    return _whole(value, 1, 12, "4")


def _bound(value: str) -> str:
    if value not in BOUNDS:
        raise CellError(f"{shown(value)} is not a bound (expected one of {', '.join(BOUNDS)})")
    return value


def _measure(value: str) -> str:
    if value not in MEASURES:
        raise CellError(f"{shown(value)} is not a measure (expected one of {', '.join(MEASURES)})")
    return value


def _monthly_units(value: str) -> int:
    return _whole(value, 0, 2_000_000, "28000")


_PRINTED_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万|萬|mil\b)?")

#: Dots that group thousands, as Portuguese, Italian, German or Vietnamese pages print them.
_DOT_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text`` with digits (thousands commas, full-width ones too, and 万 understood).

    A number whose dots group thousands (``30.452``, European style) is read
    both ways, as a decimal and as thousands: the page's language decides,
    and the check only needs the figure to be one of the readings.  万 and
    萬 are ten thousand; ``mil`` (Portuguese, Spanish) is a thousand.

    >>> numbers_in("more than 28,000 units; 超2.8万台")
    [28000.0, 28000.0]
    >>> numbers_in("第三季度交付108，796辆")
    [108796.0]
    >>> numbers_in("entregou 46.249 veículos; ultrapassou as 50 mil; 4 萬臺以上")
    [46.249, 46249.0, 50000.0, 40000.0]
    """
    text = re.sub(r"(?<=\d)，(?=\d{3})", ",", text)
    found = []
    for digits, multiplier in _PRINTED_NUMBER.findall(text):
        scale = {"万": 10_000, "萬": 10_000, "mil": 1_000}.get(multiplier, 1)
        found.append(float(digits.replace(",", "")) * scale)
        if scale == 1 and _DOT_GROUPED.match(digits):
            found.append(float(digits.replace(".", "")))
    return found


def _check_month_exists(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    if dt.date(row["year"], row["month"], 1) > ctx.today:
        yield "month", f"{row['year']}-{row['month']:02d} is in the future (expected a month begun by {ctx.today.isoformat()})"


def _check_value_printed(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    if not any(_close(n, row["units"]) for n in numbers_in(row["as_printed"])):
        yield "units", f"{row['units']} does not appear in as_printed {shown(row['as_printed'])} (expected the figure as the source prints it)"


MONTHLY_DELIVERIES = TableSpec(
    file_name="monthly_deliveries.csv",
    doc="Monthly deliveries and sales published after the article, every source kept.",
    columns=(
        Column("year", _year, "int64"),
        Column("month", _month, "int64"),
        Column("series", _snake, doc="xiaomi_all (every model) or xiaomi_su7"),
        Column("measure", _measure, doc="deliveries, retail_sales or wholesale"),
        Column("units", _monthly_units, "int64"),
        Column("bound", _bound, doc="exact, lower (more than), upper (nearly) or approximate"),
        Column("as_printed", _text, doc="the figure as printed, e.g. 'more than 28,000'"),
        Column("source_id", _snake),
        Column("locator", _text),
    ),
    key=("year", "month", "series", "measure", "source_id"),
    row_checks=(_check_month_exists, _check_value_printed, _check_source_registered, _check_locator),
    sort_by=("series", "measure", "year", "month", "source_id"),
)

EVENTS = TableSpec(
    file_name="events.csv",
    doc="Dated events for the timeline.",
    columns=(
        Column("event_id", _snake),
        Column("date", _event_date),
        Column("date_precision", _date_precision),
        Column("date_as_printed", _optional_text),
        Column("event", _text, doc="what happened, in English"),
        Column("caption_en", _caption_en, doc="the short caption figures draw, in English; empty: the event_id, _ as spaces"),
        Column("caption_zh", _caption_zh, doc="the same caption in Chinese; empty: the event_id, _ as spaces"),
        Column("source_id", _snake),
        Column("locator", _text),
    ),
    key=("event_id",),
    row_checks=(_check_event_date, _check_source_registered, _check_locator),
    sort_by=("event_id",),
)

#: Every raw file, in validation order (sources first: the others refer to it).
#: What a weekly series counts (``series.csv``: the measure of every weekly row comes from its series).
WEEKLY_MEASURES = {
    "insurance_registrations": "vehicles newly insured in the week (上险量): registrations, not deliveries or orders",
    "terminal_sales": "terminal (retail) sales counted by a data provider from insurance data (终端销量)",
    "sales_as_printed": "'sales' (销量) as a page prints it, the count unstated",
}


def _weekly_measure(value: str) -> str:
    if value not in WEEKLY_MEASURES:
        raise CellError(f"{shown(value)} is not a weekly measure (expected one of {', '.join(WEEKLY_MEASURES)})")
    return value


SERIES = TableSpec(
    file_name="series.csv",
    doc="The register of weekly series: what each counts and its measure (rows of the weekly files take theirs from it).",
    columns=(
        Column("series", _snake, doc="the series id used by weekly_sales.csv and the market files"),
        Column("measure", _weekly_measure, doc="insurance_registrations, terminal_sales or sales_as_printed"),
        Column("counts", _text, doc="in words: what one unit is"),
        Column("note", _optional_text),
    ),
    key=("series",),
    sort_by=("series",),
)


MARKET_REGISTRATIONS = TableSpec(
    file_name="market_registrations.csv",
    doc="Other brands' weekly China insurance registrations from the weekly lists that give Xiaomi's (one chosen figure per week and brand).",
    columns=(*_WEEKLY_COLUMNS[:2], Column("series", _snake, doc="a brand, named for what it counts: byd, tesla_china, nio_brand, nio_group ..."),
             *_WEEKLY_COLUMNS[3:]),
    key=("iso_year", "iso_week", "series"),
    row_checks=_WEEKLY_CHECKS,
    sort_by=("series", "iso_year", "iso_week"),
)

MARKET_REGISTRATIONS_ALTERNATIVES = TableSpec(
    file_name="market_registrations_alternatives.csv",
    doc="Other published figures for a week and brand already in market_registrations.csv (one per source).",
    columns=MARKET_REGISTRATIONS.columns,
    key=("iso_year", "iso_week", "series", "source_id"),
    row_checks=_WEEKLY_CHECKS,
    sort_by=("series", "iso_year", "iso_week", "source_id"),
)


def _quarter(value: str) -> int:
    return _whole(value, 1, 4, "2")


def _check_quarter_over(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    last_month = 3 * row["quarter"]
    if dt.date(row["year"], last_month, 1) > ctx.today:
        yield "quarter", f"{row['year']} Q{row['quarter']} is not over by {ctx.today.isoformat()} (expected a reported quarter)"


def _check_units_quoted(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    if not any(_close(n, row["units"]) for n in numbers_in(row["locator"])):
        yield "units", f"{row['units']} does not appear in the locator's quote (expected the figure as the source prints it)"


QUARTERLY_DELIVERIES = TableSpec(
    file_name="quarterly_deliveries.csv",
    doc="Xiaomi's official quarterly deliveries (results announcements, as quoted by the press), every source kept.",
    columns=(
        Column("year", _year, "int64"),
        Column("quarter", _quarter, "int64", doc="1 to 4"),
        Column("series", _snake, doc="xiaomi_all (every model), xiaomi_su7 (the page says SU7 series), xiaomi_yu7"),
        Column("units", _monthly_units, "int64", doc="vehicles delivered in the quarter"),
        Column("source_id", _snake),
        Column("locator", _text, doc='page: "quote" holding the figure'),
    ),
    key=("year", "quarter", "series", "source_id"),
    row_checks=(_check_quarter_over, _check_source_registered, _check_locator, _check_units_quoted),
    sort_by=("year", "quarter", "series", "source_id"),
)


def _iso_date(value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise CellError(f"{shown(value)} is not a date (expected YYYY-MM-DD, e.g. 2025-05-01)")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise CellError(f"{shown(value)} is not a calendar date (expected YYYY-MM-DD)") from None
    return value


def _check_holiday_span(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    first, last = dt.date.fromisoformat(row["first_day"]), dt.date.fromisoformat(row["last_day"])
    if last < first:
        yield "last_day", f"{row['last_day']} is before first_day {row['first_day']} (expected last_day >= first_day)"
    elif (last - first).days > 14:
        yield "last_day", f"{row['first_day']}..{row['last_day']} is {(last - first).days + 1} days (expected a holiday of at most 15 days)"


HOLIDAYS = TableSpec(
    file_name="holidays.csv",
    doc="China's statutory holidays (放假), first and last day, from the State Council's notice.",
    columns=(
        Column("holiday", _snake, doc="new_year, spring_festival, qingming, labour_day, dragon_boat, national_day_mid_autumn ..."),
        Column("first_day", _iso_date, doc="YYYY-MM-DD"),
        Column("last_day", _iso_date, doc="YYYY-MM-DD, the last day off"),
        Column("source_id", _snake),
        Column("locator", _text),
    ),
    key=("holiday", "first_day"),
    row_checks=(_check_holiday_span, _check_source_registered, _check_locator),
    sort_by=("first_day", "holiday"),
)


def _check_weekend(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    day = dt.date.fromisoformat(row["date"])
    if day.isoweekday() < 6:
        yield "date", f"{row['date']} is a {day.strftime('%A')} (expected a Saturday or Sunday made a working day, 调休上班)"


ADJUSTED_WORKING_DAYS = TableSpec(
    file_name="adjusted_working_days.csv",
    doc="Weekend days the same notice makes working days (调休上班), with the holiday they belong to.",
    columns=(
        Column("date", _iso_date, doc="YYYY-MM-DD, a Saturday or Sunday"),
        Column("holiday", _snake, doc="the holiday of holidays.csv it makes up for"),
        Column("source_id", _snake),
        Column("locator", _text),
    ),
    key=("date",),
    row_checks=(_check_weekend, _check_source_registered, _check_locator),
    sort_by=("date",),
)

def _optional_iso_date(value: str) -> str:
    return value if value == "" else _iso_date(value)


def _check_period(row: Mapping[str, Any], ctx: ValidationContext) -> Iterable[tuple[str, str]]:
    last = dt.date.fromisoformat(row["last_day"])
    if row["first_day"] and dt.date.fromisoformat(row["first_day"]) > last:
        yield "last_day", f"{row['last_day']} is before first_day {row['first_day']} (expected last_day >= first_day)"
    if last > ctx.today:
        yield "last_day", f"{row['last_day']} is in the future (expected a period ended by {ctx.today.isoformat()})"


PERIOD_TOTALS = TableSpec(
    file_name="period_totals.csv",
    doc="Totals over periods other than a month or a quarter (a half year, a year, year to date, since launch).",
    columns=(
        Column("first_day", _optional_iso_date, doc="YYYY-MM-DD; empty: since the first delivery (a cumulative total)"),
        Column("last_day", _iso_date, doc="YYYY-MM-DD, the last day the total covers"),
        Column("series", _snake, doc="xiaomi_all (every model), xiaomi_su7 or xiaomi_yu7"),
        Column("measure", _measure, doc="deliveries, retail_sales or wholesale"),
        Column("units", _monthly_units, "int64"),
        Column("bound", _bound, doc="exact, lower (more than), upper (nearly) or approximate"),
        Column("as_printed", _text, doc="the figure as printed, e.g. 'over 410,000'"),
        Column("source_id", _snake),
        Column("locator", _text),
    ),
    key=("first_day", "last_day", "series", "measure", "source_id"),
    row_checks=(_check_period, _check_value_printed, _check_source_registered, _check_locator),
    sort_by=("last_day", "first_day", "series", "measure", "source_id"),
)

TABLES: tuple[TableSpec, ...] = (
    SOURCES, SERIES, WEEKLY_SALES, WEEKLY_SALES_ALTERNATIVES, *FIGURE_TABLES, MONTHLY_DELIVERIES, EVENTS,
    MARKET_REGISTRATIONS, MARKET_REGISTRATIONS_ALTERNATIVES, QUARTERLY_DELIVERIES, HOLIDAYS, ADJUSTED_WORKING_DAYS,
    PERIOD_TOTALS,
)
TABLES_BY_FILE: dict[str, TableSpec] = {t.file_name: t for t in TABLES}
TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}

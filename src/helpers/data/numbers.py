"""Chinese figures as printed (``"2.3万辆"``, ``"约55%"``, ``"前十"``) → values.

:func:`parse_figure` reads one printed figure and returns a
:class:`ParsedFigure`: the low and high ends of the value (equal unless the
text gives a range) and the qualifier printed with it (``"约"``, ``"近"``,
``"余"``, …; ``""`` when the figure is exact).  The unit (辆, 周, km/h, …) is
read past and dropped; percentages keep their printed scale (``"55%"`` → 55).

>>> parse_figure("2.3万辆")
ParsedFigure(low=23000.0, high=23000.0, qualifier='')
>>> parse_figure("长达30-40周")
ParsedFigure(low=30.0, high=40.0, qualifier='长达')
>>> parse_figure("约55%").mid
55.0
>>> qualifier_meaning("仅约")
'only about'

What is read, in order:

* leading qualifiers (see :data:`LEADING_QUALIFIERS`), possibly several
  (``"仅约"``, ``"仅超过"``); ``前`` ("top") turns n into the rank range 1..n;
* an ordinal ``第`` (not a qualifier: ``"第二"`` → 2);
* a number: Arabic digits with optional thousands commas and decimals, or a
  Chinese numeral (``十二``, ``二十五``, ``一百零五``, ``两``, ``零``), then an
  optional multiplier ``万`` / ``亿`` / ``万亿`` (and ``百`` / ``千`` after Arabic
  digits, e.g. ``"3千万"``);
* optionally a range separator (``-`` ``~`` ``〜`` ``–`` ``—`` ``至`` ``到``) and a
  second number; a multiplier printed only on the second number applies to
  both (``"1-2万"`` → 10000..20000);
* a trailing qualifier after the number (``"70余台"``), a unit, and a trailing
  qualifier after the unit (``"4秒级"``);
* or, instead of a number, a doubling: ``翻番`` / ``翻倍`` / ``翻一番`` → 2,
  ``翻两番`` → 4.

Full-width characters are normalised (NFKC) and whitespace is ignored except
between two digits.  Negative numbers are not read.
"""

from __future__ import annotations

import math
import re
import types
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "ParsedFigure",
    "QUALIFIER_MEANINGS",
    "LEADING_QUALIFIERS",
    "TRAILING_QUALIFIERS",
    "parse_figure",
    "parse_chinese_integer",
    "qualifier_meaning",
]

#: Qualifier as printed → its English meaning (read-only).
QUALIFIER_MEANINGS: Mapping[str, str] = types.MappingProxyType(
    {
        "约": "about",
        "近": "nearly",
        "将近": "nearly",
        "超": "more than",
        "超过": "more than",
        "仅": "only",
        "仅约": "only about",
        "高达": "as high as",
        "长达": "as long as",
        "余": "more than",
        "级": "in the class of",
        "前": "top",
        "逾": "more than",
        "不到": "less than",
        # Not in the source article but common in the same kind of text; listed so
        # that "1万多辆" or "10%以上" keep their qualifier instead of failing.
        "多": "more than",
        "左右": "about",
        "以上": "or more",
    }
)

#: Qualifiers printed after the number or unit (``"70余台"``, ``"4秒级"``, ``"1万辆左右"``).
TRAILING_QUALIFIERS: frozenset[str] = frozenset({"余", "多", "级", "左右", "以上"})
#: Qualifiers printed before the number (``"约1万辆"``, ``"前十"``).
LEADING_QUALIFIERS: frozenset[str] = frozenset(QUALIFIER_MEANINGS) - TRAILING_QUALIFIERS

_EXPECTED = (
    "expected a printed figure such as '7200辆', '28,585辆', '2.3万辆', '约55%', "
    "'35%-40%', '三周' or '前十'"
)

_CN_DIGITS = types.MappingProxyType(
    {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
     "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
)
_CN_SMALL_UNITS = types.MappingProxyType({"十": 10, "百": 100, "千": 1000})
_CN_BIG_UNITS = types.MappingProxyType({"万": 10**4, "亿": 10**8})
_CN_NUMERAL_CHARS = frozenset(_CN_DIGITS) | frozenset(_CN_SMALL_UNITS) | frozenset(_CN_BIG_UNITS)
#: Units that begin with a numeral character (千米 = km, not 千 × 米).
_NUMERAL_UNITS = ("千米", "千克", "千瓦", "百公里")

_ARABIC_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_ARABIC_MULTIPLIER_RE = re.compile(r"[百千]?(?:万亿|万|亿)|[百千]")
_SEPARATORS = "-~〜–—至到"
_RANGE_LEFT_UNIT_RE = re.compile(rf"(%|‰|[A-Za-z\u4e00-\u9fff/]*?)[{_SEPARATORS}]")
_UNIT_RE = re.compile(r"%|‰|[A-Za-z\u4e00-\u9fff][A-Za-z\u4e00-\u9fff/²³]*")
_DOUBLING_RE = re.compile(r"翻(?:倍|番|([0-9]+|[一两二三四五六七八九十]+)番)")
_MAX_DOUBLINGS = 10
_SPACES_RE = re.compile(r"(?<![0-9\s])\s+|\s+(?![0-9\s])")


@dataclass(frozen=True)
class ParsedFigure:
    """A printed figure: the range ``low..high`` (equal for a single value) and its qualifier.

    >>> f = ParsedFigure(35, 40, "约")
    >>> f.low, f.mid, f.is_range
    (35.0, 37.5, True)
    >>> ParsedFigure(40, 35, "")
    Traceback (most recent call last):
    ...
    ValueError: ParsedFigure low must be <= high, got low=40.0, high=35.0
    """

    low: float
    high: float
    qualifier: str = ""

    def __post_init__(self) -> None:
        for name in ("low", "high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"ParsedFigure {name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"ParsedFigure {name} must be finite, got {value!r}")
            object.__setattr__(self, name, float(value))
        if not isinstance(self.qualifier, str):
            raise TypeError(f"ParsedFigure qualifier must be a str, got {self.qualifier!r}")
        if self.low > self.high:
            raise ValueError(
                f"ParsedFigure low must be <= high, got low={self.low!r}, high={self.high!r}"
            )

    @property
    def mid(self) -> float:
        """Midpoint ``(low + high) / 2``; the value itself for a single figure."""
        return (self.low + self.high) / 2

    @property
    def is_range(self) -> bool:
        """Whether the figure is a range (``low != high``)."""
        return self.low != self.high


def qualifier_meaning(qualifier: str) -> str:
    """English meaning of a qualifier as printed; ``""`` means ``"exact"``.

    Compounds are looked up directly when listed (``仅约``) and otherwise read
    as a sequence of listed qualifiers, longest first.

    >>> qualifier_meaning(""), qualifier_meaning("约"), qualifier_meaning("仅约")
    ('exact', 'about', 'only about')
    >>> qualifier_meaning("仅超过")
    'only more than'
    >>> qualifier_meaning("大约")
    Traceback (most recent call last):
    ...
    ValueError: unknown qualifier '大约': expected '' or one or more of 约, 近, 将近, 超, 超过, 仅, 仅约, 高达, 长达, 余, 级, 前, 逾, 不到, 多, 左右, 以上
    """
    if not isinstance(qualifier, str):
        raise TypeError(f"qualifier must be a str, got {qualifier!r} ({type(qualifier).__name__})")
    if qualifier == "":
        return "exact"
    if qualifier in QUALIFIER_MEANINGS:
        return QUALIFIER_MEANINGS[qualifier]
    parts = _split_qualifiers(qualifier)
    if parts is None:
        known = ", ".join(QUALIFIER_MEANINGS)
        raise ValueError(f"unknown qualifier {qualifier!r}: expected '' or one or more of {known}")
    return " ".join(QUALIFIER_MEANINGS[p] for p in parts)


def _split_qualifiers(text: str) -> list[str] | None:
    """Split ``text`` into listed qualifiers, longest match first; ``None`` if impossible."""
    parts: list[str] = []
    pos = 0
    longest = max(map(len, QUALIFIER_MEANINGS))
    while pos < len(text):
        for size in range(min(longest, len(text) - pos), 0, -1):
            if text[pos : pos + size] in QUALIFIER_MEANINGS:
                parts.append(text[pos : pos + size])
                pos += size
                break
        else:
            return None
    return parts


def parse_chinese_integer(numeral: str) -> int:
    """Value of a Chinese numeral written with 零一二两…九 十百千 万亿.

    Accepts the usual abbreviations ``十二`` (= 一十二) and ``一百五`` (= 150).

    >>> [parse_chinese_integer(s) for s in ["零", "十二", "二十", "二十五", "一百", "一百零五"]]
    [0, 12, 20, 25, 100, 105]
    >>> parse_chinese_integer("三亿五千万"), parse_chinese_integer("一万五")
    (350000000, 15000)
    >>> parse_chinese_integer("百十")
    Traceback (most recent call last):
    ...
    ValueError: cannot read '百十' as a Chinese numeral: '百' needs a digit before it
    """
    if not isinstance(numeral, str):
        raise TypeError(f"numeral must be a str, got {numeral!r} ({type(numeral).__name__})")

    def fail(reason: str) -> ValueError:
        return ValueError(f"cannot read {numeral!r} as a Chinese numeral: {reason}")

    if not numeral:
        raise fail("it is empty")
    if numeral in ("零", "〇"):
        return 0
    total = 0  # value of the finished groups above 亿
    group = 0  # the current group below 亿 (holds the ×万 part)
    section = 0  # the current section below 万
    digit: int | None = None  # a digit waiting for its unit
    digit_after_zero = False  # that digit followed 零 ("一百零五")
    zero_pending = False
    last_small = 10**4  # 十百千 must decrease within a section
    last_place = 1  # place value of the last unit read, for "一百五" = 150
    wan_in_group = False
    for i, ch in enumerate(numeral):
        if ch in _CN_DIGITS:
            value = _CN_DIGITS[ch]
            if digit is not None or (value == 0 and (zero_pending or i == 0)):
                raise fail(f"misplaced {ch!r} at position {i}")
            if value == 0:
                zero_pending = True
            else:
                digit, digit_after_zero, zero_pending = value, zero_pending, False
        elif ch in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[ch]
            if digit is None:
                if ch == "十" and section == 0:
                    digit = 1  # "十二" = 一十二, "十万零十" = 十万零一十
                else:
                    raise fail(f"{ch!r} needs a digit before it")
            if unit >= last_small:
                raise fail(f"{ch!r} cannot follow {numeral[i - 1]!r}")
            section += digit * unit
            digit, last_small, last_place, zero_pending = None, unit, unit, False
        elif ch in _CN_BIG_UNITS:
            value = section + (digit or 0)
            if zero_pending:
                raise fail(f"'零' cannot come before {ch!r}")
            if ch == "万":
                if wan_in_group or value == 0:
                    raise fail("misplaced '万'")
                group += value * 10**4
                wan_in_group = True
            else:
                if value == 0 and group == 0:
                    raise fail("misplaced '亿'")
                total = (total + group + value) * 10**8
                group, wan_in_group = 0, False
            section, digit, last_small = 0, None, 10**4
            last_place = _CN_BIG_UNITS[ch]
        else:
            raise fail(f"{ch!r} is not a Chinese numeral character")
    if zero_pending:
        raise fail("it ends in '零'")
    tail = 0
    if digit is not None:
        # A last digit right after a unit takes the next lower place
        # ("一百五" = 150, "一万五" = 15000, "十五" = 15); after 零 it is units.
        tail = digit if digit_after_zero else digit * max(last_place // 10, 1)
    return total + group + section + tail


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    return _SPACES_RE.sub("", text)


class _Fail(Exception):
    """Internal: a reason the text cannot be read; turned into ValueError naming the text."""


def _scan_chinese(s: str, pos: int) -> tuple[Decimal, int, int] | None:
    """A Chinese numeral at ``pos``: ``(value before multiplier, multiplier, end)``."""
    if pos >= len(s) or not (s[pos] in _CN_DIGITS or s[pos] == "十"):
        return None
    end = pos
    while end < len(s) and s[end] in _CN_NUMERAL_CHARS and not s.startswith(_NUMERAL_UNITS, end):
        end += 1
    run = s[pos:end]
    # A trailing 万 / 亿 / 万亿 after a numeral below 万 is a multiplier, so that
    # "一至两万" can share it; "三亿五千万" is read as one numeral.
    core = run.rstrip("万亿")
    multiplier_text = run[len(core) :]
    if multiplier_text not in ("", "万", "亿", "万亿") or not core or "万" in core or "亿" in core:
        core, multiplier_text = run, ""
    try:
        value = parse_chinese_integer(core)
    except ValueError as exc:
        raise _Fail(str(exc)) from None
    return Decimal(value), _multiplier(multiplier_text), end


def _multiplier(text: str) -> int:
    """Value of a multiplier such as ``"万"``, ``"千万"`` or ``"万亿"`` (``""`` → 1)."""
    result = 1
    for ch in text:
        result *= _CN_SMALL_UNITS[ch] if ch in _CN_SMALL_UNITS else _CN_BIG_UNITS[ch]
    return result


def _scan_number(s: str, pos: int) -> tuple[Decimal, int, int] | None:
    """A number at ``pos``: ``(value before multiplier, multiplier, end)``, or ``None``."""
    match = _ARABIC_RE.match(s, pos)
    if match is None:
        return _scan_chinese(s, pos)
    value = Decimal(match.group().replace(",", ""))
    end = match.end()
    multiplier = 1
    if not s.startswith(_NUMERAL_UNITS, end):
        mult = _ARABIC_MULTIPLIER_RE.match(s, end)
        if mult is not None:
            multiplier = _multiplier(mult.group())
            end = mult.end()
    return value, multiplier, end


def _take_leading_qualifiers(s: str) -> tuple[list[str], int]:
    """Leading qualifiers at the start of ``s`` (longest match first) and where they end."""
    parts: list[str] = []
    pos = 0
    longest = max(map(len, LEADING_QUALIFIERS))
    while pos < len(s):
        for size in range(min(longest, len(s) - pos), 0, -1):
            if s[pos : pos + size] in LEADING_QUALIFIERS:
                parts.append(s[pos : pos + size])
                pos += size
                break
        else:
            break
    return parts, pos


def _take_trailing_qualifier(s: str, pos: int) -> tuple[str, int]:
    """A trailing qualifier starting at ``pos`` (``"余"`` in ``"70余台"``), if any."""
    for q in sorted(TRAILING_QUALIFIERS, key=len, reverse=True):
        if s.startswith(q, pos):
            return q, pos + len(q)
    return "", pos


def _read_tail(s: str, pos: int) -> str:
    """Read trailing qualifiers and the unit from ``pos`` to the end; return the qualifiers."""
    trailing, pos = _take_trailing_qualifier(s, pos)
    unit_match = _UNIT_RE.match(s, pos)
    if unit_match is not None:
        unit = unit_match.group()
        if unit[0] in _CN_NUMERAL_CHARS and not unit.startswith(_NUMERAL_UNITS):
            raise _Fail(f"unexpected {unit[0]!r} after {s[:pos]!r}")
        pos = unit_match.end()
        # A qualifier may close a word unit ("4秒级", "1万辆左右") or follow "%".
        for q in sorted(TRAILING_QUALIFIERS, key=len, reverse=True):
            if unit != "%" and unit != "‰" and unit.endswith(q):
                trailing += q
                break
        else:
            more, pos = _take_trailing_qualifier(s, pos)
            trailing += more
    if pos != len(s):
        raise _Fail(f"unexpected {s[pos:]!r} after {s[:pos]!r}")
    return trailing


def _read(s: str) -> ParsedFigure:
    parts, pos = _take_leading_qualifiers(s)
    qualifier = "".join(parts)
    top = "前" in parts
    ordinal = s.startswith("第", pos)
    if ordinal:
        pos += 1
        if top:
            raise _Fail("'前' (top) and '第' (ordinal) cannot be combined")

    doubling = _DOUBLING_RE.match(s, pos)
    if doubling is not None:
        if top or ordinal:
            raise _Fail("a doubling (翻番) cannot be a rank")
        times = doubling.group(1)
        exponent = 1 if times is None else _int_from_text(times)
        if not 1 <= exponent <= _MAX_DOUBLINGS:
            raise _Fail(f"expected 翻N番 with N from 1 to {_MAX_DOUBLINGS}, got N={exponent}")
        value = float(2**exponent)
        return ParsedFigure(value, value, qualifier + _read_tail(s, doubling.end()))

    first = _scan_number(s, pos)
    if first is None:
        raise _Fail("no number found" if pos == 0 else f"no number after {s[:pos]!r}")
    low_value, low_mult, pos = first
    high_value, high_mult = low_value, low_mult

    left_unit = _RANGE_LEFT_UNIT_RE.match(s, pos)
    if left_unit is not None:
        second = _scan_number(s, left_unit.end())
        if second is not None:
            high_value, high_mult, pos = second
            if low_mult == 1:  # "1-2万": a multiplier printed once applies to both ends
                low_mult = high_mult
            unit_match = _UNIT_RE.match(s, pos)
            right_unit = unit_match.group() if unit_match else ""
            if left_unit.group(1) and not right_unit.startswith(left_unit.group(1)):
                raise _Fail(
                    "the two ends of the range have different units "
                    f"({left_unit.group(1)!r} and {right_unit!r})"
                )

    trailing = _read_tail(s, pos)
    low = float(low_value * low_mult)
    high = float(high_value * high_mult)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise _Fail("the number is too large")
    if low > high:
        raise _Fail(f"the range runs backwards ({low:g} > {high:g}); expected low <= high")
    if top or ordinal:
        what = "'前' (top n)" if top else "'第' (ordinal)"
        if low != high or low < 1 or low != int(low):
            raise _Fail(f"{what} needs a single whole number of at least 1")
        if top:
            low = 1.0
    return ParsedFigure(low, high, qualifier + trailing)


def _int_from_text(text: str) -> int:
    if text.isascii():
        return int(text)
    try:
        return parse_chinese_integer(text)
    except ValueError as exc:
        raise _Fail(str(exc)) from None


def parse_figure(text: str) -> ParsedFigure:
    """Read one figure as printed in a Chinese article.

    >>> parse_figure("28,585辆")
    ParsedFigure(low=28585.0, high=28585.0, qualifier='')
    >>> parse_figure("仅约1万辆")
    ParsedFigure(low=10000.0, high=10000.0, qualifier='仅约')
    >>> parse_figure("35%至40%").low, parse_figure("35%至40%").high
    (35.0, 40.0)
    >>> parse_figure("4秒级")
    ParsedFigure(low=4.0, high=4.0, qualifier='级')
    >>> parse_figure("前十")
    ParsedFigure(low=1.0, high=10.0, qualifier='前')
    >>> parse_figure("第二").low, parse_figure("翻番").low, parse_figure("零投诉").low
    (2.0, 2.0, 0.0)
    >>> parse_figure("垫底")
    Traceback (most recent call last):
    ...
    ValueError: cannot read '垫底' as a figure (no number found): expected a printed figure such as '7200辆', '28,585辆', '2.3万辆', '约55%', '35%-40%', '三周' or '前十'

    Raises ``TypeError`` if ``text`` is not a str and ``ValueError`` (naming
    the text) if it is not a figure.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {text!r} ({type(text).__name__})")
    s = _normalise(text)
    if not s:
        raise ValueError(f"cannot read {text!r} as a figure (it is empty): {_EXPECTED}")
    try:
        return _read(s)
    except _Fail as exc:
        raise ValueError(f"cannot read {text!r} as a figure ({exc}): {_EXPECTED}") from None

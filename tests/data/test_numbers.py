"""Tests for helpers.data.numbers (Chinese figures as printed → values)."""

from __future__ import annotations

import dataclasses
import math
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.data.numbers import (
    LEADING_QUALIFIERS,
    QUALIFIER_MEANINGS,
    TRAILING_QUALIFIERS,
    ParsedFigure,
    parse_chinese_integer,
    parse_figure,
    qualifier_meaning,
)

# --------------------------------------------------------------------------- a test-side writer

_CN_DIGITS = "零一二三四五六七八九"


def _write_below_10000(n: int, *, leading: bool) -> str:
    """Chinese numeral for 1 <= n < 10000; ``leading`` drops the 一 of a leading 十 (十二)."""
    out = ""
    pending_zero = False
    started = False
    for place, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            pending_zero = pending_zero or started
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        if not (digit == 1 and name == "十" and leading and not started):
            out += _CN_DIGITS[digit]
        out += name
        started = True
    return out


def write_chinese(n: int) -> str:
    """Chinese numeral for 0 <= n < 10**8, written the standard way (test oracle)."""
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    if not high:
        return _write_below_10000(low, leading=True)
    out = _write_below_10000(high, leading=True) + "万"
    if low:
        out += ("零" if low < 1000 else "") + _write_below_10000(low, leading=False)
    return out


def test_writer_examples() -> None:
    assert [write_chinese(n) for n in (0, 7, 10, 12, 20, 25, 99, 100, 105, 110, 1010, 10_010, 120_000)] == [
        "零", "七", "十", "十二", "二十", "二十五", "九十九", "一百", "一百零五", "一百一十",
        "一千零一十", "一万零一十", "十二万",
    ]


# --------------------------------------------------------------------------- the figures in the article

ARTICLE_FIGURES = [
    # text, low, high, qualifier
    ("7200辆", 7200, 7200, ""),
    ("28,585辆", 28585, 28585, ""),
    ("2.3万辆", 23000, 23000, ""),
    ("1.35万辆", 13500, 13500, ""),
    ("15万辆", 150000, 150000, ""),
    ("约1万辆", 10000, 10000, "约"),
    ("仅约1万辆", 10000, 10000, "仅约"),
    ("约55%", 55, 55, "约"),
    ("35%-40%", 35, 40, ""),
    ("35%~40%", 35, 40, ""),
    ("35%至40%", 35, 40, ""),
    ("35-40%", 35, 40, ""),
    ("高达40%", 40, 40, "高达"),
    ("将近1年", 1, 1, "将近"),
    ("近3亿", 300_000_000, 300_000_000, "近"),
    ("30-40周", 30, 40, ""),
    ("长达30-40周", 30, 40, "长达"),
    ("239分", 239, 239, ""),
    ("1.7分", 1.7, 1.7, ""),
    ("三周", 3, 3, ""),
    ("十年", 10, 10, ""),
    ("超十年", 10, 10, "超"),
    ("6个月", 6, 6, ""),
    ("2秒", 2, 2, ""),
    ("4秒级", 4, 4, "级"),
    ("70余台", 70, 70, "余"),
    ("97km/h", 97, 97, ""),
    ("一套", 1, 1, ""),
    ("两个星期", 2, 2, ""),
    ("7条", 7, 7, ""),
    ("零投诉", 0, 0, ""),
    ("第二", 2, 2, ""),
    ("前十", 1, 10, "前"),
    ("翻番", 2, 2, ""),
    ("0.5万辆", 5000, 5000, ""),
    ("1.2万", 12000, 12000, ""),
    ("十二", 12, 12, ""),
    ("二十", 20, 20, ""),
    ("二十五", 25, 25, ""),
    ("一百", 100, 100, ""),
    ("３５％", 35, 35, ""),
    ("３５％－４０％", 35, 40, ""),
    ("２.３万辆", 23000, 23000, ""),
    ("  7200辆  ", 7200, 7200, ""),
    ("\u3000约55%\t", 55, 55, "约"),
]


@pytest.mark.parametrize(("text", "low", "high", "qualifier"), ARTICLE_FIGURES)
def test_article_figures(text: str, low: float, high: float, qualifier: str) -> None:
    figure = parse_figure(text)
    assert figure == ParsedFigure(low, high, qualifier)
    assert figure.is_range == (low != high)
    assert figure.mid == (low + high) / 2


def test_percent_keeps_its_printed_scale() -> None:
    assert parse_figure("约55%").low == 55  # not 0.55


# --------------------------------------------------------------------------- beyond the article

MORE_FIGURES = [
    ("1-2万辆", 10_000, 20_000, ""),  # a multiplier printed once applies to both ends
    ("一至两万", 10_000, 20_000, ""),
    ("1万-2万辆", 10_000, 20_000, ""),
    ("30周至40周", 30, 40, ""),
    ("35% - 40%", 35, 40, ""),
    ("35%到40%", 35, 40, ""),
    ("35%〜40%", 35, 40, ""),
    ("35–40%", 35, 40, ""),
    ("3千万", 30_000_000, 30_000_000, ""),
    ("3千辆", 3000, 3000, ""),
    ("1万亿", 10**12, 10**12, ""),
    ("5千米", 5, 5, ""),  # 千米 is a unit (km), not 千 × 米
    ("三千米", 3, 3, ""),
    ("一百零五", 105, 105, ""),
    ("三亿五千万", 350_000_000, 350_000_000, ""),
    ("翻倍", 2, 2, ""),
    ("翻一番", 2, 2, ""),
    ("翻两番", 4, 4, ""),
    ("第2名", 2, 2, ""),
    ("前3", 1, 3, "前"),
    ("不到1万辆", 10_000, 10_000, "不到"),
    ("逾10万", 100_000, 100_000, "逾"),
    ("超过2万辆", 20_000, 20_000, "超过"),
    ("仅超过2万辆", 20_000, 20_000, "仅超过"),
    ("1万多辆", 10_000, 10_000, "多"),
    ("10%以上", 10, 10, "以上"),
    ("1万辆左右", 10_000, 10_000, "左右"),
    ("1,234,567.89元", 1_234_567.89, 1_234_567.89, ""),
    ("7200", 7200, 7200, ""),
    ("0", 0, 0, ""),
]


@pytest.mark.parametrize(("text", "low", "high", "qualifier"), MORE_FIGURES)
def test_more_figures(text: str, low: float, high: float, qualifier: str) -> None:
    assert parse_figure(text) == ParsedFigure(low, high, qualifier)


# --------------------------------------------------------------------------- errors

NOT_FIGURES = [
    ("垫底", "no number found"),
    ("", "it is empty"),
    ("   ", "it is empty"),
    ("abc", "no number found"),
    ("万", "no number found"),
    ("1..2万", "unexpected '..2万'"),
    ("40%-35%", "runs backwards"),
    ("40-35周", "runs backwards"),
    ("约", "no number after '约'"),
    ("1 2", "unexpected"),
    ("1万万", "unexpected '万'"),
    ("1,00辆", "unexpected ',00辆'"),
    ("-5%", "no number found"),
    ("35%-40周", "different units"),
    ("前3-5", "needs a single whole number"),
    ("前1.5", "needs a single whole number"),
    ("第0", "needs a single whole number"),
    ("前第二", "cannot be combined"),
    ("二三", "Chinese numeral"),
    ("十十", "Chinese numeral"),
    ("百", "no number found"),
    ("一百零", "Chinese numeral"),
    ("十2", "unexpected '2'"),
    ("翻99番", "翻N番"),
    ("9" * 400, "too large"),
    ("7200辆!", "unexpected '!'"),
]


@pytest.mark.parametrize(("text", "reason"), NOT_FIGURES)
def test_not_figures_raise_value_error(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_figure(text)
    message = str(info.value)
    assert repr(text) in message  # names the text
    assert "expected a printed figure such as" in message  # says what was expected
    assert reason in message


def test_non_strings_raise_type_error() -> None:
    with pytest.raises(TypeError, match="text must be a str, got 7200"):
        parse_figure(7200)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- ParsedFigure


def test_parsed_figure_properties() -> None:
    single = ParsedFigure(7200, 7200, "")
    assert single.mid == 7200 and not single.is_range
    both = ParsedFigure(30, 40, "长达")
    assert both.mid == 35 and both.is_range
    assert isinstance(both.low, float) and isinstance(both.high, float)


def test_parsed_figure_is_frozen() -> None:
    figure = parse_figure("7200辆")
    with pytest.raises(dataclasses.FrozenInstanceError):
        figure.low = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((40, 35, ""), ValueError, "low must be <= high"),
        ((math.nan, 1, ""), ValueError, "finite"),
        ((1, math.inf, ""), ValueError, "finite"),
        (("1", 1, ""), TypeError, "must be a number"),
        ((1, 1, None), TypeError, "qualifier must be a str"),
    ],
)
def test_parsed_figure_checks_its_fields(args: tuple, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        ParsedFigure(*args)


# --------------------------------------------------------------------------- qualifiers


def test_qualifier_meanings_is_read_only() -> None:
    assert isinstance(QUALIFIER_MEANINGS, types.MappingProxyType)
    with pytest.raises(TypeError):
        QUALIFIER_MEANINGS["约"] = "roughly"  # type: ignore[index]


@pytest.mark.parametrize(
    ("qualifier", "meaning"),
    [
        ("约", "about"), ("近", "nearly"), ("将近", "nearly"), ("超", "more than"),
        ("超过", "more than"), ("仅", "only"), ("仅约", "only about"), ("高达", "as high as"),
        ("长达", "as long as"), ("余", "more than"), ("级", "in the class of"), ("前", "top"),
        ("逾", "more than"), ("不到", "less than"),
    ],
)
def test_qualifier_meanings_from_the_brief(qualifier: str, meaning: str) -> None:
    assert QUALIFIER_MEANINGS[qualifier] == meaning
    assert qualifier_meaning(qualifier) == meaning


def test_qualifier_meaning() -> None:
    assert qualifier_meaning("") == "exact"
    assert qualifier_meaning("仅超过") == "only more than"
    assert qualifier_meaning("约余") == "about more than"


@pytest.mark.parametrize("qualifier", ["大约", "第", "x", "约x"])
def test_unknown_qualifier_raises(qualifier: str) -> None:
    with pytest.raises(ValueError, match=f"unknown qualifier {qualifier!r}: expected"):
        qualifier_meaning(qualifier)


def test_qualifier_sets_partition_the_mapping() -> None:
    assert LEADING_QUALIFIERS | TRAILING_QUALIFIERS == set(QUALIFIER_MEANINGS)
    assert not LEADING_QUALIFIERS & TRAILING_QUALIFIERS
    assert {"余", "级"} <= TRAILING_QUALIFIERS


# --------------------------------------------------------------------------- Chinese numerals


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("零", 0), ("〇", 0), ("两", 2), ("十", 10), ("一十", 10), ("十二", 12), ("二十", 20),
     ("二十五", 25), ("一百", 100), ("两百", 200), ("一百零五", 105), ("一百五", 150),
     ("一万五", 15_000), ("十万", 100_000), ("十万零十", 100_010), ("一千零一十", 1010), ("三亿五千万", 350_000_000), ("一万亿", 10**12)],
)
def test_parse_chinese_integer(numeral: str, value: int) -> None:
    assert parse_chinese_integer(numeral) == value


@pytest.mark.parametrize("numeral", ["", "百", "十十", "二三", "零五", "一百零", "一百零十", "一万二万", "亿", "一零零", "五a", "二十三十"])
def test_parse_chinese_integer_rejects_malformed_numerals(numeral: str) -> None:
    with pytest.raises(ValueError, match=f"cannot read {numeral!r} as a Chinese numeral"):
        parse_chinese_integer(numeral)


# --------------------------------------------------------------------------- properties


@given(st.integers(0, 10**9 - 1))
def test_integers_round_trip(n: int) -> None:
    assert parse_figure(f"{n}辆").low == n


@given(st.integers(0, 10**9 - 1))
def test_integers_with_thousands_separators_round_trip(n: int) -> None:
    figure = parse_figure(f"{n:,}辆")
    assert figure.low == figure.high == n


@given(st.integers(0, 10**7 - 1))
def test_wan_with_two_decimals(cents: int) -> None:
    text = f"{cents // 100}.{cents % 100:02d}万"  # x in [0, 10**5) with 2 decimals
    expected = float(text[:-1]) * 10_000
    assert math.isclose(parse_figure(text).low, expected, rel_tol=1e-6, abs_tol=1e-9)
    assert parse_figure(text).low == cents * 100  # read as decimals, so exact


@given(st.integers(0, 10**4), st.integers(0, 10**4), st.sampled_from(["-", "~", "至", "到", "－", "～"]), st.booleans())
def test_percent_ranges(a: int, b: int, sep: str, both_signs: bool) -> None:
    a, b = min(a, b), max(a, b)
    text = f"{a}%{sep}{b}%" if both_signs else f"{a}{sep}{b}%"
    figure = parse_figure(text)
    assert (figure.low, figure.high) == (a, b)
    assert figure.is_range == (a != b)


@given(st.integers(0, 99))
def test_chinese_numerals_below_100(n: int) -> None:
    assert parse_figure(write_chinese(n)).low == n
    assert parse_figure(write_chinese(n) + "周").low == n


@given(st.integers(0, 10**8 - 1))
def test_chinese_numerals_below_10_8(n: int) -> None:
    assert parse_chinese_integer(write_chinese(n)) == n
    assert parse_figure(write_chinese(n) + "辆").low == n


@given(st.sampled_from(sorted(LEADING_QUALIFIERS)), st.integers(1, 10**6), st.sampled_from(["", "辆", "%", "万辆"]))
def test_leading_qualifiers_round_trip(qualifier: str, n: int, unit: str) -> None:
    figure = parse_figure(f"{qualifier}{n}{unit}")
    value = n * (10_000 if unit == "万辆" else 1)
    assert figure.qualifier == qualifier
    assert figure.high == value
    assert figure.low == (1 if qualifier == "前" else value)
    assert qualifier_meaning(figure.qualifier) == QUALIFIER_MEANINGS[qualifier]


@given(st.sampled_from(sorted(TRAILING_QUALIFIERS)), st.integers(0, 10**6))
def test_trailing_qualifiers_round_trip(qualifier: str, n: int) -> None:
    assert parse_figure(f"{n}辆{qualifier}") == ParsedFigure(n, n, qualifier)
    assert parse_figure(f"{n}{qualifier}") == ParsedFigure(n, n, qualifier)


_FULL_WIDTH = str.maketrans("0123456789%,.-~", "０１２３４５６７８９％，．－～")


@given(st.integers(0, 10**6), st.integers(0, 99), st.sampled_from(["辆", "%", "万辆"]))
def test_full_width_figures_read_like_ascii(n: int, cents: int, unit: str) -> None:
    text = f"{n:,}.{cents:02d}{unit}"
    assert parse_figure(text.translate(_FULL_WIDTH)) == parse_figure(text)


@given(st.text(max_size=12))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    try:
        figure = parse_figure(text)
    except ValueError as exc:
        assert repr(text) in str(exc)
    else:
        assert figure.low <= figure.high
        qualifier_meaning(figure.qualifier)  # every qualifier read has a meaning

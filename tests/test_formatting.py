"""Printing and rounding: one way for every number the project shows or writes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.formatting import number, round_float, round_frame, rounded, signed_percent, week_span


def test_round_float_is_stable():
    assert round_float(-0.0) == 0.0 and math.copysign(1, round_float(-0.0)) == 1
    assert math.copysign(1, round_float(-0.0001)) == 1
    assert round_float(1.23456) == 1.235
    assert round_float(float("inf")) is None


def test_rounded_through_containers():
    assert rounded({"a": -0.0004, "b": 2.34567, "c": [math.inf, math.nan], "d": "x"}) == {
        "a": 0.0, "b": 2.346, "c": [None, None], "d": "x"}
    assert str(rounded(-0.0)) == "0.0"


@pytest.mark.parametrize("value, digits, text", [
    (2362.5, 0, "2,363"), (2361.5, 0, "2,362"), (-2362.5, 0, "\N{MINUS SIGN}2,363"), (0.05, 1, "0.1"),
    (-0.4, 0, "0"), (1e6, 0, "1,000,000"), (float("nan"), 0, "n/a"), (None, 0, "n/a"), (pd.NA, 0, "n/a"),
])
def test_number_rounds_halves_up_with_a_real_minus(value, digits, text):
    assert number(value, digits) == text


@given(st.integers(min_value=-10**9, max_value=10**9))
def test_number_of_a_whole_number_reads_back(n):
    text = number(n)
    assert int(text.replace(",", "").replace("\N{MINUS SIGN}", "-")) == n
    assert "-" not in text


def test_signed_percent_and_week_span():
    assert signed_percent(-0.70652, 1) == "\N{MINUS SIGN}70.7%" and signed_percent(0.5, 0) == "+50%"
    assert week_span("2025-W16", "2025-W19") == "2025-W16\N{EN DASH}W19"
    assert week_span("2025-W52", "2026-W02") == "2025-W52\N{EN DASH}2026-W02"


def test_round_frame_rounds_only_float_columns():
    frame = pd.DataFrame({"x": [1 / 3, np.nan], "n": [1, 2], "s": ["a", "b"]})
    out = round_frame(frame, 2)
    assert out["x"].tolist() == [0.33, pd.NA] and out["n"].tolist() == [1, 2] and out["s"].tolist() == ["a", "b"]
    assert frame["x"].iloc[0] == 1 / 3  # the input is not modified


def test_round_frame_cuts_large_numbers_to_ten_significant_digits():
    # the upper bound of one log-trend interval, as two machines' OpenBLAS computed it (14th digit apart)
    one, other = round_frame(pd.DataFrame({"x": [94713254.651598]})), round_frame(pd.DataFrame({"x": [94713254.651595]}))
    assert one.to_csv(index=False) == other.to_csv(index=False) == "x\n94713254.65\n"
    small = round_frame(pd.DataFrame({"x": [1234.5678915, -0.00012345678, 12345.6789012, 3.0e11 + 0.4]}))
    assert small["x"].tolist() == [1234.567892, -0.000123, 12345.6789, 3.0e11]

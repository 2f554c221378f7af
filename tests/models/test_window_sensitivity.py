"""Window sensitivity: every slope and interval recomputed by the textbook formula, on hand-made and live data."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.formatting import number
from tests.builders import weekly_sales_from
from helpers.labels import name_of
from helpers.narrative.backtest import sensitivity_sentences
from helpers.models.window_sensitivity import (
    COLUMNS,
    leave_one_out,
    sensitivity_table,
    window_lengths,
    window_sensitivity,
)
from helpers.paths import processed_dir

#: Five weeks with a gap at W13: t = 0, 1, 2, 4, 5 over the whole history.
GAPPY = {"2025-W10": 100, "2025-W11": 90, "2025-W12": 120, "2025-W14": 80, "2025-W15": 130}


def textbook_slope(t, y):
    """Slope and its 95% interval of simple OLS, by the formulas."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    s_tt = ((t - t.mean()) ** 2).sum()
    b = ((t - t.mean()) * (y - y.mean())).sum() / s_tt
    a = y.mean() - b * t.mean()
    s2 = ((y - a - b * t) ** 2).sum() / (len(t) - 2)
    half = stats.t.ppf(0.975, len(t) - 2) * math.sqrt(s2 / s_tt)
    return b, b - half, b + half


def sales_of(units_by_week):
    return weekly_sales_from(units_by_week, series="s")


def iso_monday(label: str) -> dt.date:
    return dt.date.fromisocalendar(int(label[:4]), int(label[6:]), 1)


def test_one_row_per_window_length_from_the_shortest_fittable_to_the_whole_history():
    table = window_sensitivity(sales_of(GAPPY), "s")
    assert list(table.columns) == list(COLUMNS)
    # the three newest figures are W12, W14, W15: 4 weeks; the whole history W10..W15 is 6 weeks
    assert table["window_weeks"].tolist() == [4, 5, 6]
    assert table["first_week"].tolist() == ["2025-W12", "2025-W11", "2025-W10"]
    assert table["n_weeks"].tolist() == [3, 4, 5]
    assert set(table["variant"]) == {"window_length"} and set(table["left_out_week"]) == {""}
    assert (table["last_week"] == "2025-W15").all()


def test_each_window_slope_and_interval_match_the_textbook():
    table = window_sensitivity(sales_of(GAPPY), "s")
    t_all, y_all = [0, 1, 2, 4, 5], list(GAPPY.values())
    for row, keep in zip(table.itertuples(), (3, 4, 5)):
        t, y = t_all[-keep:], y_all[-keep:]
        expected = textbook_slope(t, y)
        assert [row.slope, row.slope_ci95_low, row.slope_ci95_high] == pytest.approx(expected, rel=1e-9)
        assert row.includes_zero == (expected[1] <= 0 <= expected[2])
        assert row.small_sample  # fewer than 8 weeks


def test_includes_zero_is_whether_the_interval_straddles_zero():
    article = sales_of({"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200})
    table = window_sensitivity(article, "s").set_index("window_weeks")
    # 4 weeks: -730, 95% CI about -1,343 to -117 (below zero); 3 weeks (7000, 5700, 5200): t(1) = 12.7 spans zero
    assert table.loc[4, ["slope_ci95_low", "slope_ci95_high"]].tolist() == pytest.approx(
        list(textbook_slope([0, 1, 2, 3], [7200, 7000, 5700, 5200])[1:]))
    assert not table.loc[4, "includes_zero"]
    assert table.loc[3, "includes_zero"]
    rising = window_sensitivity(sales_of({"2025-W16": 1, "2025-W17": 2, "2025-W18": 3.1, "2025-W19": 4}), "s")
    assert not rising.set_index("window_weeks").loc[4, "includes_zero"]


def test_a_length_that_adds_only_empty_weeks_repeats_the_shorter_fit():
    sales = sales_of({"2025-W10": 10, "2025-W11": 20, "2025-W14": 15})
    table = window_sensitivity(sales, "s", lengths=[5, 6, 7])
    assert table["window_weeks"].tolist() == [5, 6, 7]
    # W10 is the first week with a figure: a 6- or 7-week window holds the same weeks as the 5-week one
    assert table["first_week"].nunique() == 1 and table["slope"].nunique() == 1
    with pytest.raises(ValueError, match="only 2 weeks"):
        window_sensitivity(sales, "s", lengths=[4])


def test_window_lengths_respect_through_week():
    sales = sales_of(dict(GAPPY, **{"2025-W20": 500}))
    assert list(window_lengths(sales, "s", through_week="2025-W15")) == [4, 5, 6]
    assert list(window_lengths(sales, "s", through_week="2025-W17")) == [4, 5, 6]  # ends at W15, the last figure
    assert list(window_lengths(sales, "s")) == [7, 8, 9, 10, 11]  # W14, W15, W20 .. W10-W20
    assert list(window_lengths(sales_of({"2025-W10": 1, "2025-W11": 2}), "s")) == []
    table = window_sensitivity(sales, "s", through_week="2025-W17")
    assert table["slope"].tolist() == pytest.approx(window_sensitivity(sales_of(GAPPY), "s")["slope"].tolist())


def test_leave_one_out_drops_each_week_and_refits_the_rest():
    table = leave_one_out(sales_of(GAPPY), "s")
    assert table["left_out_week"].tolist() == list(GAPPY)
    assert set(table["variant"]) == {"leave_one_out"} and set(table["window_weeks"]) == {12}
    t_all, y_all = [0, 1, 2, 4, 5], list(GAPPY.values())
    for i, row in enumerate(table.itertuples()):
        t = [v for j, v in enumerate(t_all) if j != i]
        y = [v for j, v in enumerate(y_all) if j != i]
        assert [row.slope, row.slope_ci95_low, row.slope_ci95_high] == pytest.approx(textbook_slope(t, y), rel=1e-9)
        assert row.n_weeks == 4
    assert table.iloc[0]["first_week"] == "2025-W11" and table.iloc[-1]["last_week"] == "2025-W14"


def test_leave_one_out_needs_more_than_three_weeks():
    assert leave_one_out(sales_of({"2025-W10": 1, "2025-W11": 2, "2025-W12": 4}), "s").empty


def test_log_model_slopes_are_log_units_a_week():
    table = window_sensitivity(sales_of(GAPPY), "s", model="log")
    b, _, _ = textbook_slope([0, 1, 2, 4, 5], np.log(list(GAPPY.values())))
    assert table["slope"].iloc[-1] == pytest.approx(b)
    assert set(table["model"]) == {"log"}


def test_table_stacks_both_variants_per_series():
    sales = pd.concat([sales_of(GAPPY), weekly_sales_from({"2025-W10": 5, "2025-W11": 6, "2025-W12": 8}, "t")])
    table = sensitivity_table(sales)
    counts = table.groupby(["series", "variant"], sort=False).size().to_dict()
    assert counts == {("s", "window_length"): 3, ("s", "leave_one_out"): 5, ("t", "window_length"): 1}


def test_description_gives_the_range_the_zero_count_and_the_sign():
    # windows ending at W14: the 3-week window (60, 50, 40) falls by 10 a week; the 4- and 5-week ones rise (2 and 8)
    sales = sales_of({"2025-W10": 10, "2025-W11": 30, "2025-W12": 60, "2025-W13": 50, "2025-W14": 40})
    table = sensitivity_table(sales)
    text = sensitivity_sentences(table)
    lengths = table[table["variant"] == "window_length"]
    slopes = {3: textbook_slope([0, 1, 2], [60, 50, 40])[0], 4: textbook_slope([0, 1, 2, 3], [30, 60, 50, 40])[0],
              5: textbook_slope([0, 1, 2, 3, 4], [10, 30, 60, 50, 40])[0]}
    assert lengths["slope"].tolist() == pytest.approx(list(slopes.values()))
    assert list(slopes.values()) == pytest.approx([-10, 2, 8])  # by hand: S_ty / S_tt = -20/2, 10/5, 80/10
    assert f"from {number(slopes[3])} units a week (the 3-week window, 2025-W12–W14)" in text
    assert f"to +{number(max(slopes.values()))} units a week" in text
    assert "The sign depends on the window" in text
    zero = int(lengths["includes_zero"].sum())
    assert f"Of the 3 distinct windows, {zero} " in text
    falling = sensitivity_sentences(sensitivity_table(sales_of({"2025-W10": 9, "2025-W11": 6, "2025-W12": 4,
                                                               "2025-W13": 1})))
    assert "Every slope is negative: the sign does not depend on the window." in falling


# --- the live data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live():
    sales = pd.read_csv(processed_dir() / "clean" / "weekly_sales.csv")
    return sales, sensitivity_table(sales)


def test_live_window_lengths_and_slopes_follow_from_the_file(live):
    sales, table = live
    assert set(table["series"]) == set(sales["series"])
    for series, raw in sales[sales["units"].notna()].groupby("series"):
        regime = raw["regime"].fillna("").astype(str) if "regime" in raw.columns else pd.Series("", index=raw.index)
        newest = regime.loc[raw.assign(m=[iso_monday(w) for w in raw["week"]])["m"].idxmax()]
        # the newest regime only: a window never spans a change of what the series counts
        figures = sorted((iso_monday(w), float(u)) for w, u, r in zip(raw["week"], raw["units"], regime) if r == newest)
        end = figures[-1][0]
        shortest = (end - figures[-3][0]).days // 7 + 1
        longest = (end - figures[0][0]).days // 7 + 1
        rows = table[(table["series"] == series) & (table["variant"] == "window_length")]
        assert rows["window_weeks"].tolist() == list(range(shortest, longest + 1))
        for row in rows.itertuples():
            inside = [(m, u) for m, u in figures if end - dt.timedelta(weeks=row.window_weeks - 1) <= m]
            t = [(m - inside[0][0]).days // 7 for m, _ in inside]
            expected = textbook_slope(t, [u for _, u in inside])
            assert row.n_weeks == len(inside)
            assert [row.slope, row.slope_ci95_low, row.slope_ci95_high] == pytest.approx(expected, abs=1e-6, rel=0)
        # leave one out: the default 12-week window, each week with a figure left out once
        window = [(m, u) for m, u in figures if end - dt.timedelta(weeks=11) <= m]
        loo = table[(table["series"] == series) & (table["variant"] == "leave_one_out")]
        assert [iso_monday(w) for w in loo["left_out_week"]] == [m for m, _ in window]
        for row, (left_out, _) in zip(loo.itertuples(), window):
            rest = [(m, u) for m, u in window if m != left_out]
            t = [(m - rest[0][0]).days // 7 for m, _ in rest]
            assert row.slope == pytest.approx(textbook_slope(t, [u for _, u in rest])[0], abs=1e-6, rel=0)


def test_live_description_states_the_extreme_slopes_of_the_table(live):
    _, table = live
    text = sensitivity_sentences(table)
    for (series, variant), part in table.groupby(["series", "variant"]):
        low, high = part["slope"].min(), part["slope"].max()
        assert number(low) in text and number(high) in text
        assert f"**{name_of('later_series', series)}, {variant.replace('_', ' ')}.**" in text
        signs = {np.sign(v) for v in part["slope"]}
        paragraph = next(p for p in text.split("\n\n") if p.startswith(f"**{name_of('later_series', series)}, {variant.replace('_', ' ')}.**"))
        assert ("The sign depends" in paragraph) == (len(signs) > 1)

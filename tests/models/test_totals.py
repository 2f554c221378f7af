"""Official quarterly totals against the monthly figures: confirmed, ruled out, or untestable."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.models.totals import quarterly_reconciliation


def monthly(rows):
    """rows: (month, units, bound, as_printed, source_id), all 2025 brand deliveries."""
    return pd.DataFrame({"year": 2025, "month": [r[0] for r in rows], "series": "xiaomi_all", "measure": "deliveries",
                         "units": [r[1] for r in rows], "bound": [r[2] for r in rows], "as_printed": [r[3] for r in rows],
                         "source_id": [r[4] for r in rows]})


def quarterly(total, quarter=1, sources=("q",)):
    return pd.DataFrame({"year": 2025, "quarter": quarter, "series": "xiaomi_all", "units": total,
                         "source_id": list(sources)})


def verdicts(frame):
    return dict(zip(zip(frame["month"], frame["units"]), frame["fits_official_total"]))


def test_a_figure_outside_every_fitting_sum_is_ruled_out():
    rows = [(1, 100, "exact", "100", "a"), (2, 100, "exact", "100", "a"), (3, 100, "exact", "100", "a"),
            (3, 130, "exact", "130", "b")]
    out = quarterly_reconciliation(monthly(rows), quarterly(300))
    assert verdicts(out) == {(1, 100): "true", (2, 100): "true", (3, 100): "true", (3, 130): "false"}


def test_the_tolerance_is_half_a_percent_of_the_total():
    rows = [(1, 10000, "exact", "10,000", "a"), (2, 10000, "exact", "10,000", "a")]
    within = quarterly_reconciliation(monthly(rows + [(3, 10149, "exact", "10,149", "a")]), quarterly(30000))
    beyond = quarterly_reconciliation(monthly(rows + [(3, 10151, "exact", "10,151", "a")]), quarterly(30000))
    assert set(within["fits_official_total"]) == {"true"}  # 30,149 is 0.497% above
    assert set(beyond["fits_official_total"]) == {""} and beyond["note"].str.contains("closest sums to 30,151").all()


def test_rounded_figures_and_bounds_are_not_summed():
    rows = [(1, 10000, "exact", "10,000", "a"), (2, 10000, "lower", "more than 10,000", "a"),
            (2, 10000, "exact", "1万", "b"), (3, 10000, "exact", "10,000", "a")]
    out = quarterly_reconciliation(monthly(rows), quarterly(30000))
    assert list(out["month"]) == [1, 3]  # only the figures printed to the unit are listed
    assert set(out["fits_official_total"]) == {""} and out["note"].str.contains("2025-02 has no figure printed").all()


def test_sources_that_disagree_on_the_official_total_are_an_error():
    rows = [(1, 100, "exact", "100", "a"), (2, 100, "exact", "100", "a"), (3, 100, "exact", "100", "a")]
    two = pd.concat([quarterly(300, sources=("q",)), quarterly(301, sources=("r",))])
    with pytest.raises(ValueError, match="different official totals"):
        quarterly_reconciliation(monthly(rows), two)


def test_each_month_of_the_window_sets_its_deliveries_beside_its_weeks_by_hand_arithmetic():
    """April: more than 28,000 delivered, W15-W17 known (6,287 + 7,200 + 7,000), 9 days left; May: W19 5,200, 24 left."""
    from helpers.models.totals import months_beside_weeks, weekly_against_monthly
    from tests.builders import weekly_sales_from

    weekly = weekly_sales_from({"2025-W15": 6287, "2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700,
                                "2025-W19": 5200}, series="xiaomi_su7").assign(measure="insurance_registrations")
    monthly = pd.DataFrame({"year": 2025, "month": [4, 5, 5], "series": "xiaomi_su7",
                            "measure": ["deliveries", "deliveries", "retail_sales"], "units": [28000, 28000, 99999],
                            "bound": ["lower", "lower", "exact"], "as_printed": "x", "source_id": ["a", "b", "c"]})
    months = months_beside_weeks(weekly_against_monthly(weekly, monthly), weekly, "2025-W16", "2025-W19")
    assert months["month"].tolist() == [4, 5]  # W18 straddles April and May: in neither
    april, may = months.to_dict("records")
    assert april["rest_days"] == 30 - 21 and may["rest_days"] == 31 - 7
    assert april["rest_per_week"] == pytest.approx((28000 - 6287 - 7200 - 7000) / 9 * 7)
    assert may["rest_per_week"] == pytest.approx((28000 - 5200) / 24 * 7)
    assert (april["lowest_week_in_window"], april["lowest_week_units"]) == ("2025-W17", 7000)
    assert (may["lowest_week_in_window"], may["monthly_bound"], may["monthly_source_ids"]) == ("2025-W19", "lower", "b")

# --------------------------------------------------------------------------- issue 24, item 7: the Q2 conflict ruled on


def test_lower_bounds_of_the_other_months_rule_out_a_figure_above_what_they_leave():
    """April > 28,000 and May > 28,000 leave June at most 81,302 - 56,000 = 25,302: June's 25,459 is ruled out."""
    rows = [(4, 28000, "lower", "more than 28,000", "a"), (5, 28000, "lower", "more than 28,000", "b"),
            (6, 25459, "exact", "25,459 units", "c")]
    out = quarterly_reconciliation(monthly(rows), quarterly(81302, quarter=2)).set_index("month")
    assert out.loc[6, "fits_official_total"] == "false"  # no combination can be formed, yet the bounds decide
    assert int(out.loc[6, "at_most"]) == 81302 - 28000 - 28000
    assert "25,302" in out.loc[6, "note"]
    from helpers.models.totals import reconciliation_summary, without_ruled_out

    kept = without_ruled_out(monthly(rows), quarterly_reconciliation(monthly(rows), quarterly(81302, quarter=2)))
    assert 25459 not in kept["units"].tolist()
    summary = reconciliation_summary(quarterly_reconciliation(monthly(rows), quarterly(81302, quarter=2)))
    assert summary["quarters"][0]["at_most"] == {"2025-06": 25302}


def test_a_figure_within_what_the_bounds_leave_is_not_ruled_out():
    rows = [(4, 28000, "lower", "more than 28,000", "a"), (5, 28000, "lower", "more than 28,000", "b"),
            (6, 25302, "exact", "25,302", "c")]
    out = quarterly_reconciliation(monthly(rows), quarterly(81302, quarter=2)).set_index("month")
    assert out.loc[6, "fits_official_total"] == ""  # exactly the room left: open, not ruled out


def test_the_reconciliation_tolerances_are_declared_once():
    from helpers import tolerances
    from helpers.models import totals

    assert totals.TOLERANCE is tolerances.QUARTER_SUM_TOLERANCE
    assert totals.BOUND_TOLERANCE is tolerances.QUARTER_BOUND_TOLERANCE


def _totals(measure, units, last_day="2025-10-31", bound="exact"):
    return pd.DataFrame({"first_day": ["2025-01-01"], "last_day": [last_day], "series": ["xiaomi_all"],
                         "measure": [measure], "units": [units], "bound": [bound], "as_printed": [str(units)],
                         "source_id": ["t"]})


def _retail_months(q2=None):
    """CPCA retail months of 2025: Q1 and Q3 sum to their official totals; Q2 only when ``q2`` gives its months."""
    rows = {1: 22897, 2: 23728, 3: 29244, 7: 30452, 8: 36396, 9: 41948, 10: 48654, **(q2 or {})}
    return pd.DataFrame({"year": 2025, "month": list(rows), "series": "xiaomi_all", "measure": "retail_sales",
                         "units": list(rows.values()), "bound": "exact", "as_printed": [f"{u:,}" for u in rows.values()],
                         "source_id": "r"})


def _official_quarters():
    return pd.DataFrame({"year": 2025, "quarter": [1, 2, 3], "series": "xiaomi_all", "units": [75869, 81302, 108796],
                         "source_id": "q"})


def test_each_total_has_its_basis_and_a_retail_total_reports_its_gap_to_official_deliveries():
    from helpers.models.totals import period_remainders

    row = period_remainders(_totals("retail_sales", 315376), _official_quarters(), _retail_months()).iloc[0]
    assert row["basis"] == "CPCA retail" and row["official_basis"] == "official deliveries"
    assert row["months_basis"] == "CPCA retail"  # like with like: October's retail figure, not a delivery count
    # 315,376 - (75,869 + 81,302 + 108,796) - 48,654 = 755, by hand
    assert int(row["basis_gap"]) == 315376 - (75869 + 81302 + 108796) - 48654 == 755
    assert row["basis_gap_in"] == "2025 Q2"  # Q1: 22,897 + 23,728 + 29,244 = 75,869; Q3: 30,452 + 36,396 + 41,948 = 108,796


def test_a_delivery_total_has_no_basis_gap():
    from helpers.models.totals import period_remainders

    row = period_remainders(_totals("deliveries", 315376), _official_quarters(), _retail_months()).iloc[0]
    assert row["basis"] == "official deliveries" and pd.isna(row["basis_gap"])

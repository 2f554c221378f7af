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

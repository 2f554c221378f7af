"""Notebooks 01 and 02's sentences: the inventory, the weekly disagreements, the orders the article compares."""

from __future__ import annotations

import pandas as pd

from helpers.narrative import clean, ingest


def test_inventory_sentence_counts_tables_rows_and_sources():
    inventory = pd.DataFrame({"table": ["sources", "weekly_sales", "events"], "rows": [2, 1500, 7]})
    sales = pd.DataFrame({"series": ["a", "b", "c", "a"]})
    assert ingest.inventory_sentence(inventory, sales, pd.DataFrame({"source_id": ["x", "y"]})) == (
        "**3 tables, 1,509 rows**, every row with a registered `source_id` (2 sources) and a locator. "
        "`weekly_sales` holds 4 weeks across 3 series."
    )
    one = ingest.inventory_sentence(inventory.iloc[:1].assign(rows=1), sales.iloc[:1], pd.DataFrame({"source_id": ["x"]}))
    assert one == ("**1 table, 1 row**, every row with a registered `source_id` (1 source) and a locator. "
                   "`weekly_sales` holds 1 week across 1 series.")


def test_disagreements_sentence_names_the_largest_gap_with_its_sign():
    table = pd.DataFrame({"week": ["2025-W16", "2025-W16", "2025-W23"], "series": ["xiaomi_su7"] * 3,
                          "chosen_units": [8000, 8000, 4000], "other_units": [8080, 8000, 3990],
                          "other_source": ["up", "same", "down"], "difference_pct": [1.0, 0.0, -0.25]})
    assert clean.disagreements_sentence(table) == (
        "3 alternative figures for 2 weeks. The largest gap is 2025-W16 (xiaomi_su7): 8,080 from `up` against "
        "8,000 chosen, +1.0%."
    )
    assert clean.disagreements_sentence(table.iloc[2:]).startswith("1 alternative figure for 1 week.")
    assert clean.disagreements_sentence(table.iloc[2:]).endswith("3,990 from `down` against 4,000 chosen, −0.3%.")
    assert clean.disagreements_sentence(table.iloc[0:0]) == "No week has a second published figure yet."


def test_orders_fall_sentence_in_totals_and_per_week():
    figures = pd.DataFrame({"figure_id": ["orders_mar_week2", "orders_may_weeks1_2"], "as_printed": ["2.3万辆", "1.35万辆"],
                            "period_as_printed": ["3月份第二个星期", "5月前两个星期"], "value_mid": [23000.0, 13500.0],
                            "per_week_mid": [23000.0, 6750.0]})
    # Totals: 1 − 13,500 / 23,000 = 41.3%; per week: 1 − 6,750 / 23,000 = 70.7%.
    assert clean.orders_fall_sentence(figures) == (
        "The article sets **1.35万辆** (5月前两个星期) against **2.3万辆** (3月份第二个星期). Side by side, the totals "
        "fall by 41%; per week (6,750 against 23,000 orders) the fall is **71%**."
    )

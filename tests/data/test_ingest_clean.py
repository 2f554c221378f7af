"""Steps 01 and 02: canonical outputs, nothing written on bad input, per-week arithmetic."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.data.clean import build_clean_tables, date_bounds, weeks_spanned
from helpers.data.ingest import ingest_raw, read_ingested
from helpers.data.raw import RawDataError
from tests.conftest import TODAY
from tests.data.test_raw import _shuffled_variant, write_weekly


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_ingest_is_byte_identical_for_bom_crlf_and_shuffled_rows(raw_copy, tmp_path):
    plain = ingest_raw(raw_copy, tmp_path / "plain", today=TODAY)
    _shuffled_variant(raw_copy, seed=7)
    messy = ingest_raw(raw_copy, tmp_path / "messy", today=TODAY)
    assert plain.equals(messy)
    assert snapshot(tmp_path / "plain") == snapshot(tmp_path / "messy")


def test_bad_raw_file_writes_nothing_and_keeps_previous_outputs(raw_copy, tmp_path):
    out = tmp_path / "ingest"
    ingest_raw(raw_copy, out, today=TODAY)
    before = snapshot(out)
    write_weekly(raw_copy, "2025,16,xiaomi_su7,oops,article_ggyjs_2025,para 3")
    with pytest.raises(RawDataError, match=r"weekly_sales.csv:2: units:"):
        ingest_raw(raw_copy, out, today=TODAY)
    assert snapshot(out) == before
    assert not [p for p in out.parent.rglob("*.tmp")]


def test_ingested_tables_read_back_with_their_dtypes(raw_copy, tmp_path):
    ingest_raw(raw_copy, tmp_path, today=TODAY)
    weekly = read_ingested("weekly_sales", tmp_path)
    assert str(weekly["units"].dtype) == "int64"
    orders = read_ingested("orders", tmp_path)
    assert str(orders["value_low"].dtype) == "float64"
    assert (orders["qualifier"].fillna("") == orders["qualifier"]).all()


@pytest.mark.parametrize(
    ("unit", "period", "period_weeks", "weeks"),
    [
        ("vehicles", "2025-05", 2, 2.0),
        ("vehicles", "2025-03", 1, 1.0),
        ("vehicles", "2025-04", None, 30 / 7),
        ("vehicles", "2025-02", None, 28 / 7),
        ("vehicles_per_year", "", None, 365.25 / 7),
        ("vehicles_per_month", "", None, 365.25 / 12 / 7),
    ],
)
def test_weeks_spanned_by_hand(unit, period, period_weeks, weeks):
    assert math.isclose(weeks_spanned(unit, period, period_weeks).weeks, weeks)


@pytest.mark.parametrize("unit", ["percent", "points", "weeks", "rank"])
def test_non_vehicle_figures_get_no_per_week_value(unit):
    assert weeks_spanned(unit, "2025-04", None) is None


def test_figures_table_puts_order_counts_on_a_per_week_scale(raw_copy, tmp_path):
    ingest_raw(raw_copy, tmp_path / "ingest", today=TODAY)
    tables = build_clean_tables(tmp_path / "ingest", tmp_path / "clean")
    figures = tables["figures"].set_index("figure_id")
    assert figures.loc["orders_may_weeks1_2", "per_week_mid"] == 13500 / 2
    assert figures.loc["orders_mar_week2", "per_week_mid"] == 23000
    assert math.isclose(figures.loc["sales_apr_2025", "per_week_mid"], 28585 * 7 / 30)
    assert figures.loc["rate_lock_in", "value_low"] == 35 and figures.loc["rate_lock_in", "value_high"] == 40
    assert figures.loc["rate_lock_in", "value_mid"] == 37.5
    assert pd.isna(figures.loc["rate_lock_in", "per_week_mid"])
    assert math.isnan(figures.loc["quality_cqn_q1_rank", "value_mid"])
    assert figures.loc["capacity_actual_monthly", "qualifier_meaning"] == "only about"


def test_clean_weekly_sales_carry_labels_and_dates(raw_copy, tmp_path):
    ingest_raw(raw_copy, tmp_path / "ingest", today=TODAY)
    weekly = build_clean_tables(tmp_path / "ingest", tmp_path / "clean")["weekly_sales"]
    w16 = weekly[(weekly["series"] == "xiaomi_su7") & (weekly["iso_week"] == 16)].iloc[0]
    assert (w16["week"], w16["week_monday"], w16["week_sunday"]) == ("2025-W16", "2025-04-14", "2025-04-20")


@pytest.mark.parametrize(
    ("date", "precision", "first", "last"),
    [
        ("2025-03-29", "day", "2025-03-29", "2025-03-29"),
        ("2024-02", "month", "2024-02-01", "2024-02-29"),
        ("2024-Q4", "quarter", "2024-10-01", "2024-12-31"),
        ("2025-Q1", "quarter", "2025-01-01", "2025-03-31"),
        ("2025", "year", "2025-01-01", "2025-12-31"),
    ],
)
def test_date_bounds(date, precision, first, last):
    start, end = date_bounds(date, precision)
    assert (start.isoformat(), end.isoformat()) == (first, last)


def _weekly(rows):
    return pd.DataFrame(rows, columns=["iso_year", "iso_week", "series", "units", "source_id", "locator"])


def test_brand_series_repeats_only_su7_weeks_before_the_second_model():
    from helpers.data.clean import with_brand_series

    raw = _weekly([
        (2025, 16, "xiaomi_su7", 7200, "a", "p"),
        (2025, 26, "xiaomi_su7", 6000, "a", "p"),  # the YU7 week itself is not repeated
        (2025, 28, "xiaomi_all", 6680, "b", "q"),
    ])
    out = with_brand_series(raw, (2025, 26))
    brand = out[out["series"] == "xiaomi_all"]
    assert list(zip(brand["iso_week"], brand["units"])) == [(16, 7200), (28, 6680)]
    assert brand.set_index("iso_week").loc[16, "derivation"].startswith("xiaomi_su7 before 2025-W26")
    assert brand.set_index("iso_week").loc[28, "derivation"] == ""
    assert (out[out["series"] == "xiaomi_su7"]["derivation"] == "").all()


def test_a_raw_brand_figure_wins_over_the_derived_one():
    from helpers.data.clean import with_brand_series

    raw = _weekly([(2025, 16, "xiaomi_su7", 7200, "a", "p"), (2025, 16, "xiaomi_all", 7300, "b", "q")])
    out = with_brand_series(raw, (2025, 26))
    assert out[out["series"] == "xiaomi_all"]["units"].tolist() == [7300]


def test_without_a_second_model_date_nothing_is_derived():
    from helpers.data.clean import with_brand_series

    out = with_brand_series(_weekly([(2025, 16, "xiaomi_su7", 7200, "a", "p")]), None)
    assert out["series"].tolist() == ["xiaomi_su7"]


def test_second_model_week_reads_the_event():
    from helpers.data.clean import second_model_week

    events = pd.DataFrame({"event_id": ["yu7_deliveries_begin"], "date": ["2025-06-26"], "date_precision": ["day"]})
    assert second_model_week(events) == (2025, 26)
    assert second_model_week(events.assign(event_id="other")) is None


def test_monthly_per_week_uses_the_days_of_the_month():
    from helpers.data.clean import monthly_deliveries_table

    monthly = pd.DataFrame({"year": [2025], "month": [2], "series": ["xiaomi_all"], "measure": ["deliveries"],
                            "units": [28000], "bound": ["lower"], "as_printed": ["more than 28,000"], "source_id": ["s"], "locator": ["q"]})
    row = monthly_deliveries_table(monthly).iloc[0]
    assert row["month_label"] == "2025-02" and row["days"] == 28 and row["per_week"] == 7000 and row["bound"] == "lower"

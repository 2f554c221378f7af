"""The sentences of notebook 01 (ingest): what was validated and written."""

from __future__ import annotations

import pandas as pd

from helpers.formatting import number, plural

__all__ = ["inventory_sentence"]


def inventory_sentence(inventory: pd.DataFrame, weekly_sales: pd.DataFrame, sources: pd.DataFrame) -> str:
    """How many tables and rows were ingested, how many sources they cite, and what ``weekly_sales`` holds.

    ``inventory`` is what :func:`helpers.data.ingest.ingest_raw` returns (one row per
    table, with ``rows``); ``weekly_sales`` and ``sources`` are the ingested tables.

    >>> inventory = pd.DataFrame({"table": ["sources", "weekly_sales"], "rows": [1, 3]})
    >>> sales = pd.DataFrame({"series": ["a", "a", "b"], "units": [1, 2, 3]})
    >>> print(inventory_sentence(inventory, sales, pd.DataFrame({"source_id": ["s"]})))
    **2 tables, 4 rows**, every row with a registered `source_id` (1 source) and a locator. `weekly_sales` holds 3 weeks across 2 series.
    """
    n_series = int(weekly_sales["series"].nunique())
    return (
        f"**{plural(len(inventory), 'table')}, {plural(int(inventory['rows'].sum()), 'row')}**, every row with a "
        f"registered `source_id` ({plural(len(sources), 'source')}) and a locator. "
        f"`weekly_sales` holds {plural(len(weekly_sales), 'week')} across {number(n_series)} series."
    )

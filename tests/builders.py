"""Small tables for tests and for the package's doctests (given to them by the root ``conftest.py``).

They live here, not in ``helpers``: the package holds what the pipeline runs.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from helpers.data import weeks
from helpers.data.clean import ARTICLE_SOURCE_ID

#: The article's four weekly figures (2025-W16..W19).
ARTICLE_WEEKS = {"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}


def weekly_sales_from(units_by_week: Mapping[str, float], series: str = "example") -> pd.DataFrame:
    """A small weekly-sales table (``series, week, iso_year, iso_week, units``) from ``{label: units}``.

    For doctests and tests; the project's own table comes from
    ``helpers.data.clean.read_clean("weekly_sales")``.

    >>> weekly_sales_from({"2020-W53": 10, "2021-W01": 12}).values.tolist()
    [['example', '2020-W53', 2020, 53, 10], ['example', '2021-W01', 2021, 1, 12]]
    """
    pairs = [weeks.parse_week_label(label) for label in units_by_week]
    return pd.DataFrame(
        {
            "series": [series] * len(pairs),
            "week": [weeks.week_label(y, w) for y, w in pairs],
            "iso_year": [y for y, _ in pairs],
            "iso_week": [w for _, w in pairs],
            "units": list(units_by_week.values()),
        }
    )


def article_and_later_sales(units_by_week: Mapping[str, float], series: str = "xiaomi_su7",
                            derived: tuple[str, ...] = ()) -> pd.DataFrame:
    """A weekly-sales table with sources: the article's four weeks (:data:`ARTICLE_WEEKS`) carry the article's
    source id, other weeks ``later_page``; the weeks in ``derived`` are marked as repeated from the SU7."""
    pairs = [weeks.parse_week_label(w) for w in units_by_week]
    return pd.DataFrame({
        "series": [series] * len(pairs),
        "week": list(units_by_week),
        "iso_year": [y for y, _ in pairs],
        "iso_week": [w for _, w in pairs],
        "units": list(units_by_week.values()),
        "source_id": [ARTICLE_SOURCE_ID if w in ARTICLE_WEEKS else "later_page" for w in units_by_week],
        "derivation": ["repeated from xiaomi_su7" if w in derived else "" for w in units_by_week],
    })

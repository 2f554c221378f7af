"""The doctests of ``src/helpers`` build their examples with the test builders, which live in ``tests/``."""

import pytest

from tests.builders import weekly_sales_from


@pytest.fixture(autouse=True)
def _doctest_builders(doctest_namespace: dict) -> None:
    doctest_namespace["weekly_sales_from"] = weekly_sales_from

"""Tests that mirror src/helpers/report."""
